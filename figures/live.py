"""A live class's answers to one question: how many students answered what, and the truth.

>>> fig = answers_figure([0.1, 0.15, 0.9], 0.0, 1.0, gate="f", truth=0.8, own=0.15)
>>> [int(n) for n in fig.data[0].y]
[0, 2, 0, 0, 0, 0, 0, 0, 0, 1]
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.theme import GATE_COLOURS, INK, MUTED, TEMPLATE
from text.i18n import tr

__all__ = ["BINS", "answer_counts", "answers_figure"]

BINS = 10  # equal bins over the answer's range: 0–0.1, 0.1–0.2, … for a gate


def answer_counts(values, low: float, high: float,
                  bins: int = BINS) -> tuple[np.ndarray, np.ndarray]:
    """How many of ``values`` fall in each of ``bins`` equal bins over [low, high] (the top
    edge belongs to the last bin), and the bins' edges, of shape (bins + 1,)."""
    edges = np.linspace(low, high, bins + 1)
    counts, _ = np.histogram(np.asarray(values, dtype=float), bins=edges)
    return counts, edges


def answers_figure(values, low: float, high: float, gate: str, truth: float | None = None,
                   own: float | None = None, lang: str = "en") -> go.Figure:
    """Bars of the answers to a gate question over its range, in the gate's colour; the true
    value (once revealed) and the viewer's own answer as labelled vertical lines."""
    counts, edges = answer_counts(values, low, high)
    centres = (edges[:-1] + edges[1:]) / 2  # (BINS,)
    labels = [f"{a:.1f}–{b:.1f}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    fig = go.Figure(go.Bar(x=centres, y=counts, width=(high - low) / BINS * 0.9,
                           marker_color=GATE_COLOURS[gate], customdata=labels,
                           hovertemplate="%{customdata}: %{y}<extra></extra>"),
                    layout=dict(template=TEMPLATE, height=320, bargap=0.1,
                                margin=dict(l=50, r=20, t=40, b=50)))
    fig.update_xaxes(range=[low, high], title=tr(f"gate.{gate}", lang))
    fig.update_yaxes(title=tr("live.answers.count", lang), rangemode="tozero",
                     dtick=max(1, int(np.ceil(counts.max(initial=1) / 5))))
    # the truth labelled above the bars, the viewer's own answer below them: two close
    # values never write over each other
    for value, key, colour, dash, where in ((truth, "live.truth.short", INK, "solid", "top"),
                                            (own, "live.own.short", MUTED, "dash", "bottom")):
        if value is not None:
            fig.add_vline(x=value, line=dict(color=colour, width=3, dash=dash),
                          annotation=dict(text=f"{tr(key, lang)} {value:.2f}",
                                          font=dict(color=colour), bgcolor="rgba(255,255,255,0.8)"),
                          annotation_position=where)
    return fig
