"""LSTM Viz home: what an LSTM cell is, its picture, and a way into each page."""

import streamlit as st

import ui.preload  # noqa: F401  (pandas and Plotly's lazy imports, once, before any figure)
from figures.gates import cell_diagram
from text.i18n import tr
from ui import common, nav

lang = common.page("nav.home")
st.markdown(tr("home.lead", lang))
left, right = st.columns([3, 2])
with left:
    common.figure(cell_diagram(lang=lang), key="cell_diagram")
with right:
    st.markdown(tr("home.cell", lang))
st.subheader(tr("home.explore", lang))
cols = st.columns(3)
for k, p in enumerate(nav.PAGES[1:]):  # every page but this one (the first)
    with cols[k % 3].container(border=True):
        st.markdown(f"#### {tr(p.title, lang)}")
        st.markdown(tr(f"{p.title}.blurb", lang))
        st.page_link(p.file, label=tr("home.open", lang), icon=p.icon,
                     query_params=common.link_query({}, lang))
