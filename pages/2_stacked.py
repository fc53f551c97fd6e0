"""Stacked LSTMs: each layer's h_t is the next layer's x_t; (h, C) go on to the next step."""

from itertools import pairwise

import streamlit as st

from figures.stacked import head_output_figure, stack_heatmaps, unrolled_figure
from lstm_viz.i18n import t
from lstm_viz.inputs import MODES, parse_units
from ui import common, compute, limits, upload

ARTICLE = {  # the source lesson's example: 5 inputs → 128 → 64 → 32 → 8 units → dense 1
    "seq": "0.1 0.5 -0.3 0.8 0.0; 0.4 -0.2 0.9 0.1 -0.5; -0.7 0.3 0.2 -0.1 0.6; "
           "0.2 0.2 -0.8 0.5 0.3; 0.9 -0.4 0.0 -0.6 0.1; -0.3 0.7 0.4 0.2 -0.9",
    "mode": "numbers", "units": "128, 64, 32, 8", "dense": 1,
}


def _use_article() -> None:
    for key in ("seq", "mode", "units", "dense"):
        st.session_state[key] = ARTICLE[key]


def stacked_controls(lang: str) -> dict:
    st.button(t("stacked.article", lang), on_click=_use_article, icon=":material/menu_book:")
    seq = st.text_area(t("gates.seq", lang), ARTICLE["seq"], key="seq", bind="query-params",
                       height=80,
                       max_chars=20_000, help=t("gates.seq.help", lang))
    models = ["random"] + ([compute.UPLOADED] if compute.uploaded_stack() is not None else [])
    model = common.choice(st.segmented_control, t("gates.model", lang), models, "model", "random",
                          lambda m: t("upload.model" if m == compute.UPLOADED else f"model.{m}",
                                      lang))
    own = model == compute.UPLOADED  # the uploaded model has its own sizes
    cols = st.columns([3, 3, 2, 2])
    mode = common.choice(cols[0].segmented_control, t("gates.mode", lang), MODES, "mode",
                         "numbers", lambda m: t(f"mode.{m}", lang))
    units = cols[1].text_input(t("stacked.units", lang), ARTICLE["units"], key="units",
                               bind="query-params", disabled=own,
                               max_chars=200, help=t("stacked.units.help", lang))
    dense = common.number(cols[2], t("stacked.dense", lang), 0, 16, 1, "dense", disabled=own,
                          help=t("stacked.dense.help", lang))
    seed = common.number(cols[3], t("gates.seed", lang), 0, 9999, 0, "seed")
    upload.upload_control(lang)
    return dict(text=seq, mode=mode, units=units, dense=int(dense), seed=int(seed), model=model)


def run_stack(settings: dict):
    """The random stack the controls describe, or the uploaded one (its own sizes)."""
    if settings["model"] == compute.UPLOADED:
        stack = compute.uploaded_stack()
        limits.check_view(settings["text"], settings["mode"], settings["seed"], stack.units)
        key = compute.stack_key(stack)
        return compute.uploaded_stack_run(settings["text"], settings["mode"], settings["seed"],
                                          key)
    units = parse_units(settings["units"])
    limits.check_view(settings["text"], settings["mode"], settings["seed"], units)
    return compute.stack_run(settings["text"], settings["mode"], units, settings["seed"],
                             settings["dense"])


def shapes_table(lang: str, run) -> dict:
    """Tensor shapes at every arrow of the stack, for batch size 1."""
    T = run.trace.top.steps
    rows = {t("word.layer", lang): [], "xₜ": [], "hₜ, Cₜ": [], t("stacked.time_major", lang): [],
            t("stacked.batch_first", lang): []}
    sizes = [run.stack.input_size, *run.stack.units]
    for k, (x, h) in enumerate(pairwise(sizes), start=1):
        for col, value in zip(rows, (f"LSTM {k}", f"[1, {x}]", f"[1, {h}]", f"[{T}, 1, {h}]",
                                     f"[1, {T}, {h}]"), strict=True):
            rows[col].append(value)
    return rows


lang = common.page("nav.stacked")
st.caption(t("stacked.intro", lang))
settings = stacked_controls(lang)
common.check_link({**settings, "seq": settings["text"]}, lang)
run = compute.run_or_stop(lambda: run_stack(settings), lang)
limits.stop_if_nonfinite(run.trace.layers, lang, y=run.trace.y)
units = run.stack.units
dense = run.stack.head.units if run.stack.head is not None else None
if settings["model"] == compute.UPLOADED:
    st.caption(upload.summary(st.session_state[upload.KEY], lang))

seq = run.sequence
if seq.truncated:
    common.show_note(t("note.truncated", lang, total=seq.total_steps, limit=len(seq.tokens)))
common.figure(unrolled_figure(run.stack.input_size, units, dense,
                              steps=min(4, len(seq.tokens)), lang=lang), key="unrolled")
st.subheader(t("stacked.shapes", lang))
st.dataframe(shapes_table(lang, run), hide_index=True)
st.caption(t("stacked.shapes.note", lang))
st.subheader(t("stacked.hidden", lang))
common.figure(stack_heatmaps(run.trace, seq.tokens, lang=lang), key="stack_heatmaps")
head = head_output_figure(run.trace, seq.tokens, lang=lang)
if head is not None:
    st.subheader(t("stacked.head", lang))
    common.figure(head, key="head_output")
