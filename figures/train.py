"""The learning curves of a training run: loss on the left, accuracy on the right.

``training_figure(losses, accuracies, total)`` draws every step's batch value as a thin
grey line and a smoothed line over it in ink; the x axis always spans the whole run
(``total`` steps), so while training the curves grow from left to right. The held-out
result, when there is one, is a diamond at the last step.

>>> fig = training_figure([1.1, 0.9, 0.7], [0.3, 0.5, 0.6], total=10)
>>> [tr.name for tr in fig.data]
['each batch', 'smoothed', 'each batch', 'smoothed']
>>> list(fig.data[0].y)
[1.1, 0.9, 0.7]
>>> fig.layout.xaxis.range
(1, 10)
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.theme import BASE_SIZE, GRID, INK, MUTED, TEMPLATE
from text.i18n import tr

__all__ = ["smooth", "training_figure"]

GAP = 0.08  # the blank between the two panels, as a share of the width


def smooth(values, weight: float = 0.9) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average, debiased at the start.

    s_k = weight·s_{k−1} + (1 − weight)·v_k, divided by 1 − weightᵏ so that the first
    points are not pulled towards 0.

    >>> smooth([1.0, 1.0, 1.0]).round(6).tolist()
    [1.0, 1.0, 1.0]
    """
    v = np.asarray(values, dtype=float)  # (n,)
    out = np.empty_like(v)
    s = 0.0
    for k, x in enumerate(v):
        s = weight * s + (1 - weight) * x
        out[k] = s / (1 - weight ** (k + 1))
    return out


def _curve(values, axis: str, lang: str, percent: bool, legend: bool) -> list[go.Scatter]:
    """The raw and the smoothed line of one quantity, on axes ``axis`` ("" or "2")."""
    y = np.asarray(values, dtype=float)  # (n,)
    x = np.arange(1, len(y) + 1)  # steps count from 1
    fmt = "%{y:.1%}" if percent else "%{y:.3f}"
    hover = tr("train.fig.hover", lang, step="%{x}", value=fmt) + "<extra></extra>"
    shared = dict(x=x, mode="lines", xaxis="x" + axis, yaxis="y" + axis, hovertemplate=hover)
    return [
        go.Scatter(shared, y=y, name=tr("train.fig.batch", lang), legendgroup="batch",
                   showlegend=legend, line=dict(color=MUTED, width=1), opacity=0.45),
        go.Scatter(shared, y=smooth(y), name=tr("train.fig.smooth", lang), legendgroup="smooth",
                   showlegend=legend, line=dict(color=INK, width=3)),
    ]


def _held_out(value: float, step: int, total: int, axis: str, lang: str, percent: bool,
              legend: bool):
    text = f"{value:.0%}" if percent else f"{value:.3f}"
    # keep the label on the axes: beside the mark, away from the edge it is near
    side = ("bottom" if percent and value > 0.8 else "top") + \
        (" left" if step > 0.2 * total else " right")
    return go.Scatter(x=[step], y=[value], xaxis="x" + axis, yaxis="y" + axis,
                      mode="markers+text", text=[text], textposition=side,
                      textfont=dict(size=BASE_SIZE + 2, color=INK),
                      marker=dict(symbol="diamond", size=14, color=INK,
                                  line=dict(color="#FFFFFF", width=1.5)),
                      name=tr("train.fig.held_out", lang), legendgroup="held",
                      showlegend=legend, hovertemplate=f"{text}<extra></extra>")


def training_figure(losses, accuracies, total: int | None = None, held_out=None,
                    lang: str = "en") -> go.Figure:
    """Loss and accuracy of every step of a run, side by side.

    Parameters
    ----------
    losses, accuracies : array-like of shape (n,)
        The batch loss and accuracy of steps 1 … n (n may be 0: empty axes).
    total : int, optional
        The steps the run will take; the x axes span 1 … total (default n).
    held_out : (loss, accuracy), optional
        Measured on examples the model never trained on; drawn as diamonds at step n.
    lang : str
        "en" or "zh".
    """
    n = len(losses)
    total = max(total or n, n, 2)
    traces = (_curve(losses, "", lang, percent=False, legend=True)
              + _curve(accuracies, "2", lang, percent=True, legend=False))
    if held_out is not None and n:
        traces += [_held_out(held_out[0], n, total, "", lang, percent=False, legend=True),
                   _held_out(held_out[1], n, total, "2", lang, percent=True, legend=False)]
    top = max(float(np.max(losses)) * 1.08, 0.1) if n else 1.0
    half = (1 - GAP) / 2
    axis = dict(range=(1, total), title=dict(text=tr("train.fig.step", lang)),
                showline=True, linecolor=MUTED, ticks="outside", tickcolor=MUTED)
    y_axis = dict(showgrid=True, gridcolor=GRID, showline=True, linecolor=MUTED)
    layout = dict(
        template=TEMPLATE, height=450, margin=dict(l=70, r=20, t=50, b=110),
        xaxis=dict(axis, domain=(0, half)),
        xaxis2=dict(axis, domain=(1 - half, 1), anchor="y2"),
        yaxis=dict(y_axis, range=(0, top), title=dict(text=tr("train.fig.loss", lang))),
        yaxis2=dict(y_axis, range=(0, 1.05), tickformat=".0%", anchor="x2",
                    title=dict(text=tr("train.fig.accuracy", lang))),
        legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.3, yanchor="top"),
        annotations=[_panel_title(tr("train.fig.loss_title", lang), 0),
                     _panel_title(tr("train.fig.accuracy_title", lang), 1 - half)],
    )
    if not n:
        layout["annotations"].append(dict(
            text=tr("train.fig.empty", lang), x=half / 2, y=0.5, xref="paper", yref="paper",
            xanchor="center", showarrow=False, font=dict(size=BASE_SIZE + 4, color=MUTED)))
    return go.Figure(data=traces, layout=layout)


def _panel_title(text: str, x: float) -> dict:
    return dict(text=f"<b>{text}</b>", x=x, xanchor="left", y=1.02, yanchor="bottom",
                xref="paper", yref="paper", showarrow=False, font=dict(size=BASE_SIZE + 2))
