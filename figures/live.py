"""A live class's answers to one question: how many students answered what, and the truth.

A value is drawn over its range in bins; a choice (above/below, which gate) as one bar per
option; a typed count as one bar per distinct answer. Answers come as the floats a class
stores (:mod:`lstm_viz.questions` says how each kind is encoded).

>>> fig = answers_figure([0.1, 0.15, 0.9], 0.0, 1.0, gate="f", truth=0.8, own=0.15)
>>> [int(n) for n in fig.data[0].y]
[0, 2, 0, 0, 0, 0, 0, 0, 0, 1]
>>> count_bars([448, 448, 416, 5, 448], keep=(448.0,))
(('5', '416', '448'), (1, 1, 3))
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.theme import GATE_COLOURS, INK, MUTED, TEMPLATE
from text.i18n import tr

__all__ = ["BINS", "COUNT_BARS", "answer_counts", "answers_figure", "choices_figure",
           "count_bars", "count_figure"]

BINS = 10  # equal bins over the answer's range: 0–0.1, 0.1–0.2, … for a gate
COUNT_BARS = 8  # a count's distinct answers drawn (the most given); the rest as one bar


def answer_counts(values, low: float, high: float,
                  bins: int = BINS) -> tuple[np.ndarray, np.ndarray]:
    """How many of ``values`` fall in each of ``bins`` equal bins over [low, high] (the top
    edge belongs to the last bin), and the bins' edges, of shape (bins + 1,)."""
    edges = np.linspace(low, high, bins + 1)
    # the bin from the value rounded as the page shows it: a slider's 0.30 arrives as
    # 0.29999999999999993 and the edge is 0.30000000000000004, yet 0.30 belongs in 0.3–0.4
    where = np.round((np.asarray(values, dtype=float) - low) / (high - low) * bins, 6)
    where = where[(where >= 0) & (where <= bins)]
    counts = np.bincount(np.minimum(np.floor(where).astype(int), bins - 1), minlength=bins)
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
                                margin=dict(l=50, r=20, t=64, b=50)))  # t: the truth's label
    # sits below Plotly's mode bar (it was drawn under the icons on a phone)
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


def _marks(truth: float | None, own: float | None, value: float, lang: str) -> str:
    """The words under a bar: "true" for the right answer, "you" for the viewer's own."""
    words = [tr(key, lang) for key, mark in (("live.truth.short", truth), ("live.own.short", own))
             if mark is not None and mark == value]
    return "<br>(" + ", ".join(words) + ")" if words else ""


def _bars(labels, counts, colours, right, lang: str) -> go.Figure:
    """Bars of ``counts`` over category ``labels``; the bars where ``right`` is true are
    outlined in ink (the truth, once revealed)."""
    fig = go.Figure(go.Bar(x=list(range(len(labels))), y=list(counts), marker_color=colours,
                           marker_line=dict(color=INK, width=[4 if r else 0 for r in right]),
                           text=[str(n) for n in counts], textposition="outside",
                           cliponaxis=False, hovertemplate="%{y}<extra></extra>"),
                    layout=dict(template=TEMPLATE, height=320, bargap=0.3,
                                margin=dict(l=50, r=20, t=40, b=70)))
    fig.update_xaxes(tickvals=list(range(len(labels))), ticktext=list(labels))
    top = max(counts, default=0)
    fig.update_yaxes(title=tr("live.answers.count", lang), range=[0, top * 1.25 + 1],
                     dtick=max(1, int(np.ceil(top / 5))))  # whole students only
    return fig


def choices_figure(values, labels, colours, truth: float | None = None,
                   own: float | None = None, lang: str = "en") -> go.Figure:
    """How many chose each option: answer k (a float) is option k of ``labels``, drawn in
    ``colours[k]``; the true option (once revealed) is outlined and marked, and so is the
    viewer's own."""
    picked = np.asarray(values, dtype=int)  # (N,): each answer's option
    counts = np.bincount(picked, minlength=len(labels))[:len(labels)]
    ticks = [label + _marks(truth, own, k, lang) for k, label in enumerate(labels)]
    return _bars(ticks, counts.tolist(), list(colours),
                 [truth is not None and k == truth for k in range(len(labels))], lang)


def count_bars(values, keep=(),
               top: int = COUNT_BARS) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A count question's answers as bars: the ``top`` answers given most (ties: the
    smaller first) and every number of ``keep`` (the truth, the viewer's answer; None is
    skipped) even if no one gave it, in increasing order, then "…" for all the others if
    there are any. Returns (labels, counts)."""
    given, counts = np.unique(np.asarray(values, dtype=float), return_counts=True)
    tally = dict(zip(given.tolist(), counts.tolist(), strict=True))
    kept = {float(v) for v in keep if v is not None}
    for value in kept:
        tally.setdefault(value, 0)
    ranked = [v for v in sorted(tally, key=lambda v: (-tally[v], v)) if v not in kept]
    kept = sorted(kept | set(ranked[:max(0, top - len(kept))]))
    rest = sum(tally.values()) - sum(tally[v] for v in kept)
    labels = tuple(f"{int(v):,}" for v in kept) + (("…",) if rest else ())
    return labels, tuple(tally[v] for v in kept) + ((rest,) if rest else ())


def count_figure(values, truth: float | None = None, own: float | None = None,
                 lang: str = "en") -> go.Figure:
    """The answers to a count question, one bar per answer given (:func:`count_bars`); the
    true count (once revealed) outlined and marked, and the viewer's own answer marked."""
    labels, counts = count_bars(values, keep=(truth, own))
    numbers = [None if label == "…" else float(label.replace(",", "")) for label in labels]
    right = [truth is not None and n == truth for n in numbers]
    ticks = [label + ("" if n is None else _marks(truth, own, n, lang))
             for label, n in zip(labels, numbers, strict=True)]
    colours = [INK if r else MUTED for r in right]
    return _bars(ticks, counts, colours, right, lang)
