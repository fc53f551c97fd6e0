"""Parameter calculator: where 4·units·(h + x) comes from, per layer and for a stack."""

import streamlit as st

from lstm_viz.inputs import InputError, parse_units
from lstm_viz.params import ARTICLE as LESSON
from lstm_viz.params import CONVENTIONS, MAX_SIZE
from text.i18n import tr
from ui import callbacks, common, compute, keys
from ui.views import ParamsView

ARTICLE = {  # the source lesson's stack: 5 inputs → 128 → 64 → 32 → 8 units → dense 1
    "input": LESSON.input_size, keys.UNITS: LESSON.units_text,
    "dense": LESSON.dense, "bidirectional": False,
}


def params_controls(lang: str) -> ParamsView:
    st.button(tr("params.article", lang), on_click=callbacks.set_state, args=(ARTICLE,),
              icon=":material/menu_book:")
    cols = st.columns([2, 3, 2])
    size = common.number(cols[0], tr("params.input", lang), 1, MAX_SIZE, ARTICLE["input"], "input",
                         help=tr("params.input.help", lang))
    units = cols[1].text_input(tr("stacked.units", lang), ARTICLE[keys.UNITS], key=keys.UNITS,
                               bind="query-params", max_chars=400,
                               help=tr("params.units.help", lang))
    dense = common.number(cols[2], tr("params.dense", lang), 0, MAX_SIZE, ARTICLE["dense"],
                          "dense", help=tr("params.dense.help", lang))
    cols = st.columns([3, 2])
    convention = common.choice(cols[0].segmented_control, tr("params.convention", lang),
                               CONVENTIONS, "convention", "keras", callbacks.labels("conv.", lang),
                               help=tr("params.convention.help", lang))
    bidirectional = cols[1].checkbox(tr("params.bidirectional", lang), False,
                                     key="bidirectional", bind="query-params",
                                     help=tr("params.bidirectional.help", lang))
    return ParamsView(int(size), units, int(dense), convention, bool(bidirectional))


def layer_rows(lang: str, breakdown) -> dict:
    """One row per layer: tensor shapes, the formula with the numbers in, the count."""
    items = [(f"LSTM {layer.index + 1}", layer) for layer in breakdown.layers]
    if breakdown.dense is not None:
        items.append((tr("params.dense_layer", lang), breakdown.dense))
    rows = [(name, ", ".join(f"{n} ({', '.join(map(str, s))})" for n, s in part.shapes),
             part.formula, f"{part.total:,}") for name, part in items]
    parts = " + ".join(f"{part.total:,}" for _, part in items)
    rows.append((tr("params.total_row", lang), "", parts, f"{breakdown.total:,}"))
    return common.table(
        (tr("word.layer", lang), tr("params.shapes", lang), tr("params.formula", lang),
         tr("params.count", lang)), rows)


lang = common.page("nav.params")
st.caption(tr("params.intro", lang))
view = params_controls(lang)
common.check_link({"input": view.input_size, keys.UNITS: view.units, "dense": view.dense,
                   "convention": view.convention, "bidirectional": view.bidirectional}, lang)
try:
    units = parse_units(view.units, high=MAX_SIZE, max_layers=64)
    breakdown = compute.params(view.input_size, units, view.dense, view.convention,
                               view.bidirectional)
except InputError as err:
    common.show_error(tr(err.key, lang, **err.values))
    st.stop()

others = {c: compute.params(view.input_size, units, view.dense, c, view.bidirectional).total
          for c in CONVENTIONS}
cols = st.columns(len(CONVENTIONS))
for col, conv in zip(cols, CONVENTIONS, strict=True):
    delta = others[conv] - breakdown.total
    col.metric(tr(f"conv.{conv}", lang), f"{others[conv]:,}",
               delta=f"{delta:+,}" if conv != breakdown.convention else None,
               delta_color="off", border=conv == breakdown.convention)
st.markdown(tr("params.gap", lang, keras=f"{others['keras']:,}", pytorch=f"{others['pytorch']:,}",
              gap=f"{others['pytorch'] - others['keras']:,}", units="+".join(map(str, units)),
              dirs="2·" if view.bidirectional else ""))
st.subheader(tr("params.per_layer", lang))
st.dataframe(layer_rows(lang, breakdown), hide_index=True)
layers, conventions = compute.params_figures(view.input_size, units, view.dense,
                                             view.convention, view.bidirectional, lang)
left, right = st.columns([3, 2])
with left:
    common.figure(layers, key="params_figure")
with right:
    common.figure(conventions, key="conventions")
st.subheader(tr("params.faq", lang))
for k in ("units", "time", "batch", "stack", "bias"):
    with st.expander(tr(f"params.faq.{k}.q", lang)):
        st.markdown(tr(f"params.faq.{k}.a", lang))
