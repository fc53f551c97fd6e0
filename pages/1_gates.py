"""Gates, step by step: type a sequence and watch f, i, C̃, o, C and h at every step."""

import streamlit as st

from lstm_viz.explain import explain_step, fmt
from lstm_viz.i18n import t
from lstm_viz.inputs import MODES, InputError
from ui import common, compute

EXAMPLES = {  # catalogue key → (sequence, mode)
    "gates.ex.words": ("the cat sat on the mat because it was warm", "words"),
    "gates.ex.chars": ("hello, LSTM!", "chars"),
    "gates.ex.zh": ("小明喜欢读书，他每天都去图书馆。", "chars"),
    "gates.ex.wave": ("0, 0.5, 0.87, 1, 0.87, 0.5, 0, -0.5, -0.87, -1, -0.87, -0.5, 0", "numbers"),
    "gates.ex.vectors": ("1 0; 0 1; 1 1; 0 0; 1 0; 0 1", "numbers"),
}


def _use_example(key: str) -> None:
    st.session_state["seq"], st.session_state["mode"] = EXAMPLES[key]


def gates_controls(lang: str) -> dict:
    """The sequence and the model's settings, as plain values."""
    seq = st.text_area(t("gates.seq", lang), EXAMPLES["gates.ex.words"][0], key="seq",
                       bind="query-params", height=80, max_chars=20_000,
                       help=t("gates.seq.help", lang))
    cols = st.columns([3, 2, 2, 2])
    mode = common.choice(cols[0].segmented_control, t("gates.mode", lang), MODES, "mode",
                         "words", lambda m: t(f"mode.{m}", lang), help=t("gates.mode.help", lang))
    units = cols[1].number_input(t("gates.units", lang), 1, 64, 8, key="units",
                                 bind="query-params", help=t("gates.units.help", lang))
    seed = cols[2].number_input(t("gates.seed", lang), 0, 9999, 0, key="seed",
                                bind="query-params", help=t("gates.seed.help", lang))
    model = common.choice(cols[3].selectbox, t("gates.model", lang), compute.MODELS, "model",
                          "random", lambda m: t(f"model.{m}", lang),
                          help=t("gates.model.help", lang))
    with st.expander(t("gates.examples", lang)):
        ex_cols = st.columns(len(EXAMPLES))
        for col, key in zip(ex_cols, EXAMPLES, strict=True):
            col.button(t(key, lang), on_click=_use_example, args=(key,), key=f"btn_{key}",
                       width="stretch")
    return dict(text=seq, mode=mode, units=int(units), seed=int(seed), model=model)


def _remembered_slider(label, key, high, default, **kw):
    """A 1-based slider whose value survives a rerun in which it was not shown."""
    if key not in st.session_state and key not in st.query_params and f"_{key}" in st.session_state:
        st.session_state[key] = st.session_state[f"_{key}"]
    if st.session_state.get(key, default) > high:
        st.session_state[key] = high
    if high == 1:
        st.session_state[f"_{key}"] = 1
        return 1
    value = st.slider(label, 1, high, min(default, high), key=key, bind="query-params", **kw)
    st.session_state[f"_{key}"] = value
    return value


def step_controls(lang: str, steps: int, units: int) -> tuple[int, int]:
    """Which step and unit to look at closely, 1-based as people count."""
    cols = st.columns([3, 1])
    with cols[0]:
        step = _remembered_slider(t("gates.step", lang), "step", steps, 1,
                                  help=t("gates.step.help", lang))
    with cols[1]:
        unit = _remembered_slider(t("gates.unit", lang), "unit", units, 1,
                                  help=t("gates.unit.help", lang))
    return step, unit


lang = common.page("nav.gates")
st.caption(t("gates.intro", lang))
settings = gates_controls(lang)
try:
    run = compute.gates_run(**settings)
except InputError as err:
    common.show_error(err.message(lang))
    st.stop()

seq, trace = run.sequence, run.trace
if seq.truncated:
    common.show_note(t("note.truncated", lang, total=seq.total_steps, limit=len(seq.tokens)))

figure_slot = st.container()  # the animation goes above the controls that choose its view
st.subheader(t("gates.closer", lang))
step, unit = step_controls(lang, trace.steps, trace.hidden_size)
common.check_link({**settings, "seq": settings["text"], "step": step, "unit": unit}, lang)
with figure_slot:
    common.figure(compute.gates_view(**settings, unit=unit - 1, step=step - 1, lang=lang),
                  key="gates_figure")

ex = explain_step(run.lstm, trace, step - 1, unit - 1)
left, right = st.columns([3, 2])
with left:
    st.markdown(t("gates.arith", lang, step=step, unit=unit))
    st.code("\n".join(ex.formulas()), language=None, wrap_lines=True)
    for sentence in ex.sentences(lang):
        st.markdown("- " + common.escape_markdown(sentence))
with right:
    st.markdown(t("gates.input_at", lang, step=step))
    st.text(t("word.token", lang) + ": " + seq.tokens[step - 1])
    st.code("xₜ = [" + ", ".join(fmt(v, 2) for v in trace.x[step - 1]) + "]\n"
            "hₜ₋₁ = [" + ", ".join(fmt(v, 2) for v in trace.h_prev[step - 1]) + "]",
            language=None, wrap_lines=True)
    if seq.mode != "numbers":
        with st.expander(t("gates.embedding", lang, dim=trace.x.shape[1])):
            st.dataframe({t("word.token", lang): [tok for tok, _ in seq.vocabulary()],
                          "x": [", ".join(fmt(v, 2) for v in vec) for _, vec in seq.vocabulary()]},
                         hide_index=True)
