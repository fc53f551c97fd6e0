"""Stacked LSTMs: each layer's h_t is the next layer's x_t; (h, C) go on to the next step."""

from itertools import pairwise

import streamlit as st

from lstm_viz.inputs import MODES
from lstm_viz.params import ARTICLE as LESSON
from text.i18n import tr
from ui import callbacks, common, compute, controls, keys, limits, upload
from ui.views import RANDOM, UPLOADED, StackedView

ARTICLE = {  # the source lesson's example: 5 inputs → 128 → 64 → 32 → 8 units → dense 1
    keys.SEQ: "0.1 0.5 -0.3 0.8 0.0; 0.4 -0.2 0.9 0.1 -0.5; -0.7 0.3 0.2 -0.1 0.6; "
              "0.2 0.2 -0.8 0.5 0.3; 0.9 -0.4 0.0 -0.6 0.1; -0.3 0.7 0.4 0.2 -0.9",
    keys.MODE: "numbers", keys.UNITS: LESSON.units_text, "dense": LESSON.dense,
}


def stacked_controls(lang: str) -> StackedView:
    st.button(tr("stacked.article", lang), on_click=callbacks.set_state, args=(ARTICLE,),
              icon=":material/menu_book:")
    seq = st.text_area(tr("gates.seq", lang), ARTICLE[keys.SEQ], key=keys.SEQ,
                       bind="query-params", height=80,
                       max_chars=20_000, help=tr("gates.seq.help", lang))
    stack = controls.uploaded_stack()
    models = [RANDOM] + ([UPLOADED] if stack is not None else [])
    model = common.choice(st.segmented_control, tr("gates.model", lang), models, keys.MODEL,
                          RANDOM, controls.model_label(lang))
    own = model == UPLOADED  # the uploaded model has its own sizes
    cols = st.columns([3, 3, 2, 2])
    mode = common.choice(cols[0].segmented_control, tr("gates.mode", lang), MODES, keys.MODE,
                         "numbers", callbacks.labels("mode.", lang))
    units = cols[1].text_input(tr("stacked.units", lang), ARTICLE[keys.UNITS], key=keys.UNITS,
                               bind="query-params", disabled=own,
                               max_chars=200, help=tr("stacked.units.help", lang))
    dense = common.number(cols[2], tr("stacked.dense", lang), 0, 16, 1, "dense", disabled=own,
                          help=tr("stacked.dense.help", lang))
    seed = common.number(cols[3], tr("gates.seed", lang), 0, 9999, 0, keys.SEED)
    upload.upload_control(lang)
    if not own:
        return StackedView(seq, mode, units, int(dense), int(seed), model)
    return StackedView(seq, mode, units, int(dense), int(seed), model, compute.stack_key(stack),
                       stack)


def shapes_table(lang: str, run) -> dict:
    """Tensor shapes at every arrow of the stack, for batch size 1."""
    T = run.trace.top.steps
    sizes = [run.stack.input_size, *run.stack.units]
    return common.table(
        (tr("word.layer", lang), "xₜ", "hₜ, Cₜ", tr("stacked.time_major", lang),
         tr("stacked.batch_first", lang)),
        ((f"LSTM {k}", f"[1, {x}]", f"[1, {h}]", f"[{T}, 1, {h}]", f"[1, {T}, {h}]")
         for k, (x, h) in enumerate(pairwise(sizes), start=1)))


lang = common.page("nav.stacked")
st.caption(tr("stacked.intro", lang))
view = stacked_controls(lang)
common.check_link({keys.SEQ: view.text, keys.MODE: view.mode, keys.UNITS: view.units,
                   "dense": view.dense, keys.SEED: view.seed, keys.MODEL: view.model}, lang)
run = compute.run_or_stop(lambda: compute.stacked_run(view), lang)
limits.stop_if_nonfinite(run.trace.layers, lang, y=run.trace.y)
if view.stack is not None:
    st.caption(upload.summary(upload.uploaded(), lang))

seq = run.sequence
common.note_cut(seq.total_steps, len(seq.tokens), lang)
unrolled, heatmaps, head = compute.stacked_figures(view, lang)
common.figure(unrolled, key="unrolled")
st.subheader(tr("stacked.shapes", lang))
st.dataframe(shapes_table(lang, run), hide_index=True)
st.caption(tr("stacked.shapes.note", lang))
st.subheader(tr("stacked.hidden", lang))
common.figure(heatmaps, key="stack_heatmaps")
if head is not None:
    st.subheader(tr("stacked.head", lang))
    common.figure(head, key="head_output")
