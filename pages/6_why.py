"""Why an LSTM remembers: the memory ledger, gate surgery, gradients through time, saturation."""

import streamlit as st

from lstm_viz.explain import fmt
from lstm_viz.why import MAP_MAX_STEPS
from text.i18n import tr
from ui import callbacks, common, compute, controls, keys, limits, nav
from ui.views import RANDOM, GatesView

WHO = ("unit", "all")     # the surgery acts on the chosen unit, or on every unit
WHEN = ("all", "from")    # at every step, or from the chosen step on


def why_controls(lang: str) -> GatesView:
    """The sequence and the model, as on the gates page (its first layer), as one view."""
    # a trained model whose gradient survives and whose gates saturate, unlike random weights
    default = controls.opening_text(lang, controls.arrived_model())
    seq = st.text_area(tr("gates.seq", lang), default, key=keys.SEQ, bind="query-params",
                       height=80, max_chars=20_000, help=tr("gates.seq.help", lang))
    left, right = st.columns([7, 3])
    model = controls.model_picker(right, lang, "why.model.help", controls.read_model_text,
                                  opening=True)
    controls.start_on_known_unit(model)
    chosen = controls.choose(model)
    if chosen is None:
        mode, units, seed = controls.random_settings(left, lang, seed_help="why.seed.help")
        controls.note_words_mode(seq, mode, lang)
    else:  # a trained model brings its own tokens, size and weights
        mode, units, seed = controls.kept_settings(lang)
        left.markdown(controls.model_about(chosen, model, lang, own_task=False))
        controls.opening_note(left, model, lang)
    return controls.chosen_view(seq, mode, units, seed, model, 0, chosen)


def surgery_controls(lang: str) -> tuple[str, str, str]:
    cols = st.columns([10, 4, 5])
    surgery = common.choice(cols[0].segmented_control, tr("why.surgery", lang), compute.SURGERIES,
                            "surgery", "f1", callbacks.labels("why.surgery.", lang),
                            help=tr("why.surgery.help", lang))
    who = common.choice(cols[1].segmented_control, tr("why.who", lang), WHO, "who", "unit",
                        callbacks.labels("why.who.", lang))
    when = common.choice(cols[2].segmented_control, tr("why.when", lang), WHEN, "when", "all",
                         callbacks.labels("why.when.", lang))
    return surgery, who, when


def gates_link(view: GatesView, unit: int, lang: str) -> dict:
    """The query of the gates page showing this sequence and ``unit`` (1-based)."""
    if view.model == RANDOM:  # named: the gates page opens on a trained model
        query = {keys.SEQ: view.text, keys.MODEL: RANDOM, keys.MODE: view.mode,
                 keys.UNITS: view.units, keys.SEED: view.seed}
    else:
        query = {keys.SEQ: view.text, keys.MODEL: view.model}
    return common.link_query({**query, keys.UNIT: unit}, lang)


def ledger_section(view: GatesView, tokens, step: int, unit: int, lang: str) -> None:
    st.subheader(tr("why.ledger.head", lang))
    st.markdown(tr("why.ledger.text", lang))
    common.figure(compute.why_ledger_view(view, step - 1, unit - 1, lang), key="why_ledger")
    if not compute.why_map_fits(len(tokens)):  # a T × T map: too much for a shared server
        common.show_note(tr("why.map.capped", lang, steps=len(tokens), limit=MAP_MAX_STEPS))
        return
    left, right = st.columns([3, 2])
    with left:
        common.figure(compute.why_map_view(view, step - 1, unit - 1, lang), key="why_map")
    with right:
        st.markdown(tr("why.map.text", lang, step=step))


def surgery_section(view: GatesView, tokens, step: int, unit: int, lang: str) -> dict:
    st.subheader(tr("why.surgery.head", lang))
    st.markdown(tr("why.surgery.text", lang))
    surgery, who, when = surgery_controls(lang)
    target = unit - 1 if who == "unit" else None  # None: every unit of the layer
    start = step - 1 if when == "from" else None
    run = compute.why_surgery(view, surgery=surgery, unit=target, start=start)
    common.figure(compute.why_surgery_view(view, surgery, target, start, unit - 1, lang),
                  key="why_surgery")
    last = len(tokens) - 1
    st.markdown(tr("why.surgery.result", lang, unit=unit, steps=last + 1,
                  c_before=fmt(run.before.c[last, unit - 1]),
                  c_after=fmt(run.after.c[last, unit - 1]),
                  h_before=fmt(run.before.h[last, unit - 1]),
                  h_after=fmt(run.after.h[last, unit - 1]))
                + " " + tr(f"why.surgery.{surgery}.why", lang))
    return {"surgery": surgery, "who": who, "when": when}


def gradients_section(view: GatesView, tokens, unit: int, lang: str) -> None:
    st.subheader(tr("why.grad.head", lang))
    st.markdown(tr("why.grad.text", lang))
    most = compute.why_gradients_max_steps(view)
    if most is not None:  # T products of (H, 4H)·(4H, X+H): too much for a shared server
        common.show_note(tr("why.grad.capped", lang, steps=len(tokens), most=most))
        return
    grads = compute.why_gradients(view)
    common.figure(compute.why_gradients_view(view, unit - 1, lang), key="why_gradients")
    st.markdown(tr("why.grad.numbers", lang, lstm=f"{grads.lstm[0]:.1e}",
                  rnn=f"{grads.rnn[0]:.1e}", unit=unit, forget=f"{grads.forget[0, unit - 1]:.1e}",
                  steps=len(tokens)))
    if view.model == RANDOM:
        common.show_note(tr("why.grad.random", lang))
    else:
        st.markdown(tr("why.grad.trained", lang))


def saturation_section(view: GatesView, unit: int, lang: str) -> None:
    st.subheader(tr("why.sat.head", lang))
    st.markdown(tr("why.sat.text", lang))
    sat = compute.why_saturation(view)
    common.figure(compute.why_saturation_view(view, unit - 1, lang), key="why_saturation")
    if view.model == RANDOM:
        common.show_note(tr("why.sat.random", lang))
    cols = st.columns(4)
    gates = nav.file("gates")
    cols[0].page_link(gates, label=tr("why.sat.open", lang, unit=unit),
                      icon=":material/animation:", query_params=gates_link(view, unit, lang))
    for col, k in zip(cols[1:], compute.memory_units(sat), strict=False):
        col.page_link(gates, label=tr("why.sat.open.keeper", lang, unit=k + 1,
                                     share=f"{sat.right['f'][k]:.0%}"),
                      icon=":material/lock:", query_params=gates_link(view, k + 1, lang))


lang = common.page("nav.why")
st.caption(tr("why.intro", lang))
view = why_controls(lang)
notes = st.container()  # what the link asked for and could not get, said near the top
run = compute.gates_run_or_stop(view, lang)
limits.stop_if_nonfinite([run.trace], lang, first_layer=run.layer)

seq, trace = run.sequence, run.trace
common.note_cut(seq.total_steps, len(seq.tokens), lang)
st.markdown(tr("why.look", lang))
step, unit = controls.step_and_unit(lang, trace.steps, trace.hidden_size, texts="why",
                                    start_at_end=True)
tokens = seq.tokens
with compute.why_slot(trace.steps, trace.hidden_size):  # a long view waits its turn
    ledger_section(view, tokens, step, unit, lang)
    st.divider()
    surgery = surgery_section(view, tokens, step, unit, lang)
    st.divider()
    gradients_section(view, tokens, unit, lang)
    st.divider()
    saturation_section(view, unit, lang)
with notes:
    common.check_link(controls.link_values(view, step=step, unit=unit, **surgery), lang)
