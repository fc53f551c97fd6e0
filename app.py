"""LSTM Viz home: what an LSTM cell is, its picture, and a way into each page."""

import streamlit as st

import ui.preload  # noqa: F401  (pandas and Plotly's lazy imports, once, before any figure)
from figures.gates import cell_diagram
from lstm_viz.i18n import t
from ui import common

lang = common.page("nav.home")
st.markdown(t("home.lead", lang))
left, right = st.columns([3, 2])
with left:
    common.figure(cell_diagram(lang=lang), key="cell_diagram")
with right:
    st.markdown(t("home.cell", lang))
st.subheader(t("home.explore", lang))
pages = common.PAGES[1:]
cols = st.columns(3)
for k, (script, key, icon) in enumerate(pages):
    col = cols[k % 3]
    with col.container(border=True):
        st.markdown(f"#### {t(key, lang)}")
        st.markdown(t(f"{key}.blurb", lang))
        st.page_link(script, label=t("home.open", lang), icon=icon,
                     query_params={"lang": lang} if lang != "en" else None)
