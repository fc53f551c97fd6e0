"""Gates, step by step: type a sequence and watch f, i, C̃, o, C and h at every step."""

import streamlit as st

from lstm_viz.explain import explain_step, fmt
from lstm_viz.i18n import t
from lstm_viz.inputs import MODES
from ui import common, compute, controls, share, upload

EXAMPLES = {  # catalogue key → (sequence, mode)
    "gates.ex.words": ("the cat sat on the mat because it was warm", "words"),
    "gates.ex.chars": ("hello, LSTM!", "chars"),
    "gates.ex.zh": ("小明喜欢读书，他每天都去图书馆。", "chars"),
    "gates.ex.wave": ("0, 0.5, 0.87, 1, 0.87, 0.5, 0, -0.5, -0.87, -1, -0.87, -0.5, 0", "numbers"),
    "gates.ex.vectors": ("1 0; 0 1; 1 1; 0 0; 1 0; 0 1", "numbers"),
}

# The step arithmetic in the code font, as plain text: st.text reads no Markdown or HTML
# (tokens the learner typed appear in these lines), and, unlike st.code, it loads no 1.6 MB
# syntax highlighter into the browser. A constant of ours, never the learner's text.
_MONOSPACE = """<style>
.st-key-arith_formulas [data-testid="stText"], .st-key-arith_formulas [data-testid="stText"] *,
.st-key-arith_inputs [data-testid="stText"], .st-key-arith_inputs [data-testid="stText"] * {
font-family: "Source Code Pro", monospace; font-size: 0.875rem; }
</style>"""


def _use_example(key: str) -> None:
    st.session_state["seq"], st.session_state["mode"] = EXAMPLES[key]


def _use_text(text: str) -> None:
    st.session_state["seq"] = text


def _model_changed() -> None:
    """A trained model reads only its own tokens: if the sequence has others, start from
    one of the model's examples."""
    controls.read_model_text()
    known = compute.known_unit(st.session_state["model"])
    if known:  # start on the unit whose job is known
        st.session_state["unit"] = known[1] + 1


def gates_controls(lang: str) -> dict:
    """The sequence and the model's settings, as plain values."""
    seq = st.text_area(t("gates.seq", lang), EXAMPLES["gates.ex.words"][0], key="seq",
                       bind="query-params", height=80, max_chars=20_000,
                       help=t("gates.seq.help", lang))
    left, right = st.columns([7, 3])
    offered = compute.MODELS if "trained_model" in st.session_state else compute.MODELS[:-1]
    if upload.KEY in st.session_state:  # this session's uploaded model
        offered = (*offered, compute.UPLOADED)
    model = common.choice(right.selectbox, t("gates.model", lang), offered, "model",
                          "random", model_label(lang), on_change=_model_changed,
                          help=t("gates.model.help", lang))
    with right:
        upload.upload_control(lang, on_model=_model_changed)
    chosen = compute.choose(model)
    uploaded = st.session_state[upload.KEY] if model == compute.UPLOADED else None
    if chosen is None and uploaded is not None:  # plain LSTM weights: the sequence is x
        mode, layer = uploaded_settings(left, uploaded, lang)
        units, seed = (st.session_state.get(f"_{k}", controls.DEFAULTS[k])
                       for k in ("units", "seed"))
        key = compute.stack_key(uploaded.stack)
        examples(None, lang)
        return dict(text=seq, mode=mode, units=int(units), seed=int(seed), model=model,
                    layer=layer - 1, key=key, _chosen=None)
    if chosen is None:
        mode, units, seed = controls.random_settings(left, lang)
        layer = 1
    else:  # a trained model brings its own tokens, size and weights: nothing to set
        mode, units, seed = (st.session_state.get(f"_{k}", v) for k, v in controls.DEFAULTS.items())
        layer = model_facts(left, chosen, model, lang)
    examples(chosen, lang)
    return dict(text=seq, mode=mode, units=int(units), seed=int(seed), model=model,
                layer=layer - 1, key=chosen.key if chosen else "", _chosen=chosen)




def model_label(lang: str):
    """The label of each model choice, the uploaded one included."""
    return lambda m: t("upload.model" if m == compute.UPLOADED else f"model.{m}", lang)


def uploaded_settings(box, found, lang: str) -> tuple[str, int]:
    """What the uploaded model is, how the sequence is read and its layer (1-based)."""
    box.markdown(common.escape_markdown(t("upload.about", lang, kind=t(found.kind, lang),
                                          inputs=found.input_size,
                                          layers=upload.layers_text(found))))
    mode = common.choice(box.segmented_control, t("gates.mode", lang), MODES, "mode",
                         "words", lambda m: t(f"mode.{m}", lang), help=t("gates.mode.help", lang))
    st.session_state["_mode"] = mode
    layers = tuple(str(k) for k in range(1, len(found.layers) + 1))
    if len(layers) == 1:
        return mode, 1
    return mode, int(common.choice(box.selectbox, t("gates.model.layer", lang), layers, "layer",
                                   "1", str, help=t("gates.model.layer.help", lang)))


def model_facts(box, chosen: compute.Chosen, model: str, lang: str) -> int:
    """What the trained model was trained for and how it reads; its layer (1-based)."""
    about = t(f"model.{chosen.task}.about", lang) if chosen.task in compute.DEMOS else ""
    if model == "trained":
        box.markdown(t("gates.model.yours", lang) + " " + about)
    elif model == compute.UPLOADED:
        box.markdown(t("upload.model", lang))
    else:
        box.markdown(t("gates.model.trained_for", lang, name=t(f"model.{model}", lang),
                       about=about))
    reads = t(f"gates.model.segment.{compute.segment(chosen)}", lang)
    box.caption(t("gates.model.decides", lang, segment=reads,
                  units=" → ".join(str(n) for n in chosen.model.units)))
    known = compute.known_unit(model)
    if known:
        box.markdown(t(f"gates.model.job.{known[0]}", lang, unit=known[1] + 1))
    with box:
        return model_layer(chosen, lang)


def model_layer(chosen: compute.Chosen, lang: str) -> int:
    """Which layer of a trained model to look at (1-based); asked only if it has several."""
    layers = tuple(str(k) for k in range(1, len(chosen.model.units) + 1))
    if len(layers) == 1:
        return 1
    return int(common.choice(st.selectbox, t("gates.model.layer", lang), layers, "layer", "1",
                             str, help=t("gates.model.layer.help", lang)))


def examples(chosen: compute.Chosen | None, lang: str) -> None:
    """Buttons that fill in an example: the page's own, or texts the trained model reads."""
    if chosen is None:
        with st.expander(t("gates.examples", lang)):
            ex_cols = st.columns(len(EXAMPLES))
            for col, key in zip(ex_cols, EXAMPLES, strict=True):
                col.button(t(key, lang), on_click=_use_example, args=(key,), key=f"btn_{key}",
                           width="stretch")
        return
    with st.expander(t("gates.model.examples", lang)):
        for k, text in enumerate(compute.model_examples(chosen.key, chosen.key,
                                                        _chosen=chosen)):
            st.button(text, on_click=_use_text, args=(text,), key=f"btn_model_{k}",
                      width="stretch")


def step_controls(lang: str, steps: int, units: int) -> tuple[int, int]:
    """Which step and unit to look at closely, 1-based as people count."""
    cols = st.columns([3, 1])
    with cols[0]:
        step = controls.remembered_slider(t("gates.step", lang), "step", steps, 1,
                                  help=t("gates.step.help", lang))
    with cols[1]:
        unit = controls.remembered_slider(t("gates.unit", lang), "unit", units, 1,
                                  help=t("gates.unit.help", lang))
    return step, unit


lang = common.page("nav.gates")
st.caption(t("gates.intro", lang))
with st.expander(t("share.controls", lang), expanded=not common.presenting()):
    settings = gates_controls(lang)  # folded away for a projector; still read
run = compute.gates_run_or_stop(settings, lang)

seq, trace = run.sequence, run.trace
if seq.truncated:
    common.show_note(t("note.truncated", lang, total=seq.total_steps, limit=len(seq.tokens)))

figure_slot = st.container()  # the animation goes above the controls that choose its view
st.subheader(t("gates.closer", lang))
step, unit = step_controls(lang, trace.steps, trace.hidden_size)
shown = {**settings, "seq": settings["text"], "step": step, "unit": unit,
         "layer": str(settings["layer"] + 1)}
if settings["_chosen"]:  # a trained model has no mode, units or seed to set
    shown = {k: v for k, v in shown.items() if k not in controls.DEFAULTS}
common.check_link(shown, lang)
with figure_slot:
    common.figure(compute.gates_view(**settings, unit=unit - 1, step=step - 1, lang=lang),
                  key="gates_figure")

ex = explain_step(run.lstm, trace, step - 1, unit - 1)
left, right = st.columns([3, 2])
with left:
    st.markdown(t("gates.arith", lang, step=step, unit=unit))
    st.html(_MONOSPACE)
    with st.container(key="arith_formulas"):
        st.text("\n".join(ex.formulas()))
    for sentence in ex.sentences(lang):
        st.markdown("- " + common.escape_markdown(sentence))
with right:
    st.markdown(t("gates.input_at", lang, step=step))
    st.text(t("word.token", lang) + ": " + seq.tokens[step - 1])
    with st.container(key="arith_inputs"):
        st.text("xₜ = [" + ", ".join(fmt(v, 2) for v in trace.x[step - 1]) + "]\n"
                "hₜ₋₁ = [" + ", ".join(fmt(v, 2) for v in trace.h_prev[step - 1]) + "]")
    if seq.mode != "numbers":
        with st.expander(t("gates.embedding", lang, dim=trace.x.shape[1])):
            st.dataframe({t("word.token", lang): [tok for tok, _ in seq.vocabulary()],
                          "x": [", ".join(fmt(v, 2) for v in vec) for _, vec in seq.vocabulary()]},
                         hide_index=True)

share.gates_downloads(settings, unit - 1, step - 1, lang)
share.link_box(lang)
