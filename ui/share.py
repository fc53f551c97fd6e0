"""Share and export: the link to the current view, and downloads of the gates page's run.

The files are built by cached functions (same view, same bytes), and only when the learner
clicks a download button (Streamlit calls ``data`` then, on its own thread).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import streamlit as st

from lstm_viz.export import trace_csv, trace_npz
from text.i18n import tr
from ui import common, compute
from ui.cache import cached
from ui.views import GatesView


def share_url(base: str, params: dict[str, str], lang: str) -> str:
    """``base`` with ``params`` as its query string; the language always named, so the link
    opens in it whatever the receiver's browser speaks."""
    query = {"lang": lang, **params}
    return f"{base}?{urlencode(query)}" if query else base


def link_box(lang: str) -> None:
    """The full link of this view, as plain text to select and copy."""
    base = st.context.url or ""
    st.caption(tr("share.link", lang), help=tr("share.link.help", lang))
    common.monospace(share_url(base, dict(st.query_params), lang), "share_link")


@cached
def run_csv(view: GatesView) -> str:
    """The gates page's trace as CSV (:func:`lstm_viz.export.trace_csv`)."""
    run = compute.gates_run(view)
    return trace_csv(run.trace, run.sequence.tokens)


@cached
def run_npz(view: GatesView) -> bytes:
    """The gates page's trace as ``.npz`` (:func:`lstm_viz.export.trace_npz`)."""
    run = compute.gates_run(view)
    return trace_npz(run.trace, run.sequence.tokens)


@cached
def view_html(view: GatesView, unit: int, step: int, lang: str) -> str:
    """The animated figure of one view as a standalone page: Plotly's JS inside, so it plays
    offline."""
    fig = compute.gates_view(view, unit, step, lang)
    return fig.to_html(include_plotlyjs=True, full_html=True, config=common.PLOTLY_CONFIG)


def gates_downloads(view: GatesView, unit: int, step: int, lang: str) -> None:
    """CSV, .npz and HTML downloads of the gates page's view (0-based unit and step)."""
    with st.expander(tr("share.downloads", lang)):
        cols = st.columns(3)
        cols[0].download_button(tr("share.csv", lang), partial(run_csv, view),
                                "lstm-trace.csv", "text/csv", key="dl_csv", on_click="ignore",
                                help=tr("share.csv.help", lang), icon=":material/table:")
        cols[1].download_button(tr("share.npz", lang), partial(run_npz, view),
                                "lstm-trace.npz", "application/octet-stream", key="dl_npz",
                                on_click="ignore", help=tr("share.npz.help", lang),
                                icon=":material/data_array:")
        cols[2].download_button(tr("share.html", lang),
                                partial(view_html, view, unit, step, lang),
                                "lstm-gates.html", "text/html", key="dl_html", on_click="ignore",
                                help=tr("share.html.help", lang), icon=":material/movie:")
        st.caption(tr("share.png", lang))
