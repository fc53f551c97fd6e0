"""Share and export: the link to the current view, and downloads of the gates page's run.

The files are built by cached functions (same view, same bytes), and only when the learner
clicks a download button (Streamlit calls ``data`` then, on its own thread).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import streamlit as st

from lstm_viz.export import trace_csv, trace_npz
from lstm_viz.i18n import t
from ui import common, compute
from ui.cache import cached

FILES = dict(max_entries=16, show_spinner=False)


def share_url(base: str, params: dict[str, str], lang: str) -> str:
    """``base`` with ``params`` as its query string; the language always named, so the link
    opens in it whatever the receiver's browser speaks."""
    query = {"lang": lang, **params}
    return f"{base}?{urlencode(query)}" if query else base


def link_box(lang: str) -> None:
    """The full link of this view, in a code box whose copy icon copies it (plain text)."""
    base = st.context.url or ""
    st.caption(t("share.link", lang), help=t("share.link.help", lang))
    st.code(share_url(base, dict(st.query_params), lang), language=None, wrap_lines=True)


@cached
def run_csv(text: str, mode: str, units: int, seed: int, model: str = "random", layer: int = 0,
            key: str = "", _chosen: compute.Chosen | None = None) -> str:
    """The gates page's trace as CSV (:func:`lstm_viz.export.trace_csv`)."""
    run = compute.gates_run(text, mode, units, seed, model, layer, key, _chosen)
    return trace_csv(run.trace, run.sequence.tokens)


@cached
def run_npz(text: str, mode: str, units: int, seed: int, model: str = "random", layer: int = 0,
            key: str = "", _chosen: compute.Chosen | None = None) -> bytes:
    """The gates page's trace as ``.npz`` (:func:`lstm_viz.export.trace_npz`)."""
    run = compute.gates_run(text, mode, units, seed, model, layer, key, _chosen)
    return trace_npz(run.trace, run.sequence.tokens)


@cached
def view_html(text: str, mode: str, units: int, seed: int, model: str, unit: int, step: int,
              lang: str, layer: int = 0, key: str = "", _chosen: compute.Chosen | None = None
              ) -> str:
    """The animated figure of one view as a standalone page: Plotly's JS inside, so it plays
    offline."""
    fig = compute.gates_view(text, mode, units, seed, model, unit, step, lang, layer, key,
                             _chosen)
    return fig.to_html(include_plotlyjs=True, full_html=True, config=common.PLOTLY_CONFIG)


def gates_downloads(settings: dict, unit: int, step: int, lang: str) -> None:
    """CSV, .npz and HTML downloads of the gates page's view (0-based unit and step)."""
    with st.expander(t("share.downloads", lang)):
        cols = st.columns(3)
        cols[0].download_button(t("share.csv", lang), partial(run_csv, **settings),
                                "lstm-trace.csv", "text/csv", key="dl_csv", on_click="ignore",
                                help=t("share.csv.help", lang), icon=":material/table:")
        cols[1].download_button(t("share.npz", lang), partial(run_npz, **settings),
                                "lstm-trace.npz", "application/octet-stream", key="dl_npz",
                                on_click="ignore", help=t("share.npz.help", lang),
                                icon=":material/data_array:")
        cols[2].download_button(t("share.html", lang),
                                partial(view_html, **settings, unit=unit, step=step, lang=lang),
                                "lstm-gates.html", "text/html", key="dl_html", on_click="ignore",
                                help=t("share.html.help", lang), icon=":material/movie:")
        st.caption(t("share.png", lang))
