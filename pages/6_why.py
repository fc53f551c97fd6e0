"""Why an LSTM remembers: the memory ledger, gate surgery, gradients through time, saturation."""

import streamlit as st

from figures.why import (
    gradients_figure,
    ledger_bars_figure,
    ledger_map_figure,
    saturation_figure,
    surgery_figure,
)
from lstm_viz.explain import fmt
from lstm_viz.i18n import t
from ui import common, compute, controls, limits

DEFAULT_SEQ = ("the cat that the dog chased ran up the tall tree and it stayed there until "
               "the rain stopped")
WHO = ("unit", "all")     # the surgery acts on the chosen unit, or on every unit
WHEN = ("all", "from")    # at every step, or from the chosen step on
GATES_PAGE = "pages/1_gates.py"


def why_controls(lang: str) -> dict:
    """The sequence and the model, as on the gates page; returns gates_run's arguments."""
    asked = st.query_params.get("model")  # a link to a demo without a text: its example
    default = compute.model_examples(asked, asked)[0] if asked in compute.DEMOS else DEFAULT_SEQ
    seq = st.text_area(t("gates.seq", lang), default, key="seq", bind="query-params",
                       height=80, max_chars=20_000, help=t("gates.seq.help", lang))
    left, right = st.columns([7, 3])
    offered = compute.MODELS if "trained_model" in st.session_state else compute.MODELS[:-1]
    model = common.choice(right.selectbox, t("gates.model", lang), offered, "model", "random",
                          lambda m: t(f"model.{m}", lang),
                          on_change=controls.read_model_text,
                          help=t("why.model.help", lang))
    chosen = compute.choose(model)
    if chosen is None:
        mode, units, seed = controls.random_settings(left, lang, seed_help="why.seed.help")
    else:  # a trained model brings its own tokens, size and weights
        mode, units, seed = (st.session_state.get(f"_{k}", v) for k, v in controls.DEFAULTS.items())
        about = t(f"model.{chosen.task}.about", lang) if chosen.task in compute.DEMOS else ""
        left.markdown(t("gates.model.yours", lang) if model == "trained" else
                      t("gates.model.trained_for", lang, name=t(f"model.{model}", lang),
                        about=about))
    return dict(text=seq, mode=mode, units=int(units), seed=int(seed), model=model, layer=0,
                key=chosen.key if chosen else "", _chosen=chosen)


def view_controls(lang: str, steps: int, units: int) -> tuple[int, int]:
    """The step t and unit u every view below looks at, 1-based."""
    cols = st.columns([3, 1])
    with cols[0]:
        step = controls.remembered_slider(t("why.step", lang), "step", steps, steps,
                                          help=t("why.step.help", lang))
    with cols[1]:
        unit = controls.remembered_slider(t("gates.unit", lang), "unit", units, 1,
                                          help=t("why.unit.help", lang))
    return step, unit


def surgery_controls(lang: str) -> tuple[str, str, str]:
    cols = st.columns([10, 4, 5])
    surgery = common.choice(cols[0].segmented_control, t("why.surgery", lang), compute.SURGERIES,
                            "surgery", "f1", lambda s: t(f"why.surgery.{s}", lang),
                            help=t("why.surgery.help", lang))
    who = common.choice(cols[1].segmented_control, t("why.who", lang), WHO, "who", "unit",
                        lambda w: t(f"why.who.{w}", lang))
    when = common.choice(cols[2].segmented_control, t("why.when", lang), WHEN, "when", "all",
                         lambda w: t(f"why.when.{w}", lang))
    return surgery, who, when


def gates_link(settings: dict, unit: int, lang: str) -> dict:
    """The query of the gates page showing this sequence and ``unit`` (1-based)."""
    if settings["model"] == "random":
        query = {"seq": settings["text"], "mode": settings["mode"],
                 "units": settings["units"], "seed": settings["seed"]}
    else:
        query = {"seq": settings["text"], "model": settings["model"]}
    return {**query, "unit": unit, **({"lang": lang} if lang != "en" else {})}


def ledger_section(settings, trace, tokens, step: int, unit: int, lang: str) -> None:
    st.subheader(t("why.ledger.head", lang))
    st.markdown(t("why.ledger.text", lang))
    parts = compute.why_ledger(**settings, unit=unit - 1).parts[:, :, 0]  # (T, T)
    common.figure(ledger_bars_figure(parts[step - 1], trace.c[step - 1, unit - 1], tokens,
                                     step - 1, unit - 1, lang), key="why_ledger")
    left, right = st.columns([3, 2])
    with left:
        common.figure(ledger_map_figure(parts, tokens, step - 1, unit - 1, lang), key="why_map")
    with right:
        st.markdown(t("why.map.text", lang, step=step))


def surgery_section(settings, tokens, step: int, unit: int, lang: str) -> dict:
    st.subheader(t("why.surgery.head", lang))
    st.markdown(t("why.surgery.text", lang))
    surgery, who, when = surgery_controls(lang)
    run = compute.why_surgery(**settings, surgery=surgery,
                              unit=unit - 1 if who == "unit" else None,
                              start=step - 1 if when == "from" else None)
    what = t(f"why.surgery.{surgery}", lang)
    common.figure(surgery_figure(run.before, run.after, tokens, unit - 1, what, lang,
                                 start=step - 1 if when == "from" else None,
                                 p_before=run.p_before, p_after=run.p_after, choice=run.choice),
                  key="why_surgery")
    last = len(tokens) - 1
    st.markdown(t("why.surgery.result", lang, unit=unit, steps=last + 1,
                  c_before=fmt(run.before.c[last, unit - 1]),
                  c_after=fmt(run.after.c[last, unit - 1]),
                  h_before=fmt(run.before.h[last, unit - 1]),
                  h_after=fmt(run.after.h[last, unit - 1]))
                + " " + t(f"why.surgery.{surgery}.why", lang))
    return {"surgery": surgery, "who": who, "when": when}


def gradients_section(settings, tokens, unit: int, lang: str) -> None:
    st.subheader(t("why.grad.head", lang))
    st.markdown(t("why.grad.text", lang))
    grads = compute.why_gradients(**settings)
    common.figure(gradients_figure(grads.lstm, grads.rnn, grads.forget[:, unit - 1], tokens,
                                   unit - 1, lang), key="why_gradients")
    st.markdown(t("why.grad.numbers", lang, lstm=f"{grads.lstm[0]:.1e}",
                  rnn=f"{grads.rnn[0]:.1e}", unit=unit, forget=f"{grads.forget[0, unit - 1]:.1e}",
                  steps=len(tokens)))
    if settings["model"] == "random":
        common.show_note(t("why.grad.random", lang))
    else:
        st.markdown(t("why.grad.trained", lang))


def saturation_section(settings, unit: int, lang: str) -> None:
    st.subheader(t("why.sat.head", lang))
    st.markdown(t("why.sat.text", lang))
    sat = compute.why_saturation(**settings)
    common.figure(saturation_figure(sat, unit - 1, lang), key="why_saturation")
    if settings["model"] == "random":
        common.show_note(t("why.sat.random", lang))
    cols = st.columns(4)
    cols[0].page_link(GATES_PAGE, label=t("why.sat.open", lang, unit=unit),
                      icon=":material/animation:", query_params=gates_link(settings, unit, lang))
    for col, k in zip(cols[1:], compute.memory_units(sat), strict=False):
        col.page_link(GATES_PAGE, label=t("why.sat.open.keeper", lang, unit=k + 1,
                                          share=f"{sat.right['f'][k]:.0%}"),
                      icon=":material/lock:", query_params=gates_link(settings, k + 1, lang))


lang = common.page("nav.why")
st.caption(t("why.intro", lang))
settings = why_controls(lang)
notes = st.container()  # what the link asked for and could not get, said near the top
run = compute.gates_run_or_stop(settings, lang)
limits.stop_if_nonfinite([run.trace], lang, first_layer=run.layer)

seq, trace = run.sequence, run.trace
if seq.truncated:
    common.show_note(t("note.truncated", lang, total=seq.total_steps, limit=len(seq.tokens)))
st.markdown(t("why.look", lang))
step, unit = view_controls(lang, trace.steps, trace.hidden_size)
tokens = seq.tokens
ledger_section(settings, trace, tokens, step, unit, lang)
st.divider()
shown = surgery_section(settings, tokens, step, unit, lang)
st.divider()
gradients_section(settings, tokens, unit, lang)
st.divider()
saturation_section(settings, unit, lang)
shown.update(settings, seq=settings["text"], step=step, unit=unit)
if settings["_chosen"]:  # a trained model has no mode, units or seed to set
    shown = {k: v for k, v in shown.items() if k not in controls.DEFAULTS}
with notes:
    common.check_link(shown, lang)
