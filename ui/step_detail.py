"""The gates page below its settings: the sequence box, the player, the arithmetic of the
step and unit it shows (ui/arith.py, drawn in the browser at every step), the downloads and
the link of that step.

Two fragments, one in the other: a new sequence reruns the outer one (the sequence box, the
player and what follows it; the page's header and settings are not sent again), a step, a
unit or Play the inner one (the player and what follows it).

A Streamlit fragment stays in the session as long as the session does, and a function
defined in a page script would keep that script's whole run alive through its globals (its
trace, its figures: issue 14); defined here, it keeps only this module.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lstm_viz.explain import DIGITS, fmt
from text.i18n import tr
from ui import arith, common, compute, controls, keys, limits, player, share
from ui.views import GatesView


@st.fragment
def sequence_and_steps(settings: GatesView, lang: str, seq: str | None = None) -> None:
    """The sequence box and, for the sequence in it read with ``settings``, the player and
    the step's arithmetic: a new sequence reruns only this part of the page (the settings
    above it stay as they are). ``seq``: the sequence, when the page has its box elsewhere
    (folded with the settings on a projector); then this part has none."""
    if seq is None:
        seq = sequence_box(lang)
    view = replace(settings, text=seq)
    if view.chosen is None:  # random weights: Chinese in words mode gets a note
        controls.note_words_mode(seq, view.mode, lang, whole_page=True)
    run = compute.gates_run_or_stop(view, lang)
    limits.stop_if_nonfinite([run.trace], lang, first_layer=run.layer)
    common.note_cut(run.sequence.total_steps, len(run.sequence.tokens), lang)
    show(view, lang)


def sequence_box(lang: str) -> str:
    """The sequence the page runs."""
    opening = controls.opening_text(lang, controls.arrived_model())
    return st.text_area(tr("gates.seq", lang), opening, key=keys.SEQ, bind="query-params",
                        height=80, max_chars=20_000, help=tr("gates.seq.help", lang))


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
