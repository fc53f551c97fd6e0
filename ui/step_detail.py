"""The gates page's step detail: the player, the arithmetic of the step and unit it shows
(ui/arith.py, drawn in the browser at every step), the downloads and the link of that step.

A Streamlit fragment stays in the session as long as the session does, and a function
defined in a page script would keep that script's whole run alive through its globals (its
trace, its figures: issue 14); defined here, it keeps only this module.
"""

from __future__ import annotations

import streamlit as st

from lstm_viz.explain import DIGITS, fmt
from text.i18n import tr
from ui import arith, common, compute, controls, keys, player, share
from ui.views import GatesView


@st.fragment
def show(view: GatesView, lang: str) -> None:
    """The player and the arithmetic of the step and unit it shows: a step, a unit, Play or
    a click reruns only this part of the page."""
    run = compute.gates_run(view)
    seq, trace = run.sequence, run.trace
    step, unit = player.show(view, lang)  # the player says; the URL follows
    if st.session_state.pop(keys.PLAYER_FULL_RUN, False):  # the link is checked on arrival
        common.check_link(controls.link_values(view, step=step, unit=unit,
                                               layer=str(view.layer + 1)), lang)
    st.subheader(tr("gates.closer", lang))
    st.caption(tr("player.sync", lang))
    arith.show(view, lang, unit)  # drawn in the browser at every step the player shows
    if seq.mode != "numbers":
        vocabulary(seq, trace.x.shape[1], lang)
    share.gates_downloads(view, unit - 1, step - 1, lang)
    share.link_box(lang)


def vocabulary(seq, dim: int, lang: str) -> None:
    """Every token's vector, in a folded expander whose table is drawn only while it is open:
    the table (st.dataframe) loads Streamlit's data grid and Arrow formatting (about 0.25 MB
    of script) into the browser, which a closed expander would otherwise fetch and run while
    the player starts. Opening it reruns this fragment (a step's rerun)."""
    box = st.expander(tr("gates.embedding", lang, dim=dim), key=keys.EMBEDDING,
                      on_change="rerun")
    if box.open:
        box.dataframe({tr("word.token", lang): [tok for tok, _ in seq.vocabulary()],
                       "x": [", ".join(fmt(v, DIGITS) for v in vec)
                             for _, vec in seq.vocabulary()]}, hide_index=True)
