"""Figures of a stacked LSTM: the stack unrolled over time, each layer's h, the head's output.

Notation
--------
T : time steps          L : stacked LSTM layers (layer 1 at the bottom)
X : input size          H_l : units of layer l          K : units of the dense head

Layer l's hidden state h_t is layer l+1's input x_t; (h_t, C_t) go on to step t+1 of
the same layer. Per step a layer hands on a tensor [batch, H_l]; over the whole
sequence [time_step, batch, H_l], or [batch, time_step, H_l] batch-first.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.theme import (
    BASE_SIZE,
    GATE_COLOURS,
    GRID,
    INK,
    MUTED,
    TEMPLATE,
    colour_scale,
    plain,
    value_range,
)
from lstm_viz.params import count_params
from text.i18n import tr

__all__ = ["head_output_figure", "stack_heatmaps", "unrolled_figure"]

MAX_STEPS = 8           # columns drawn before the "…"
BOX_W, BOX_H = 0.64, 0.56  # a cell box, in data units (one column = one row = 1)
ROW_PX = 86             # height of one row of the unrolled picture
MAX_TICKS = 40          # token labels on a time axis before they are thinned out
LSTM_FILL, DENSE_FILL = "#E3F2FB", "#EFEFEF"  # light tints of h's sky blue and of grey


# ---- the unrolled stack -------------------------------------------------------------------

def unrolled_figure(input_size, units, dense=None, steps=4, lang="en") -> go.Figure:
    """The stack unrolled: layers as rows (layer 1 at the bottom), time steps as columns.

    Parameters
    ----------
    input_size : int
        Features per time step, X.
    units : int or sequence of int
        Units of each LSTM layer, bottom first, e.g. [128, 64, 32, 8].
    dense : int or None
        Units K of a dense head on top, or None.
    steps : int
        Time steps drawn (1…8); a "…" column follows them.
    lang : {"en", "zh"}

    Returns
    -------
    go.Figure
        Shapes named ``cell l t`` (LSTM boxes) and ``dense t``; arrow annotations named
        ``arrow.x`` (x_t into layer 1), ``arrow.up`` (h_t into the layer above),
        ``arrow.head`` (into the head and out of it), ``arrow.state.c`` and
        ``arrow.state.h`` (to the next step); shape labels named ``shape.step`` and
        ``shape.sequence``.

    Raises
    ------
    ValueError
        For sizes that :func:`lstm_viz.params.count_params` rejects, or steps out of 1…8.
    """
    breakdown = count_params(input_size, units, dense)  # validates every size
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 1 to {MAX_STEPS}; got {steps!r}")
    sizes = [breakdown.input_size, *(layer.units for layer in breakdown.layers)]
    K = breakdown.dense.units if breakdown.dense is not None else None
    canvas = _Canvas()
    _draw_rows(canvas, sizes, K, steps, lang)
    right = _sequence_shapes(canvas, [*sizes, *((K,) if K else ())], len(sizes) + bool(K), lang)
    fig = go.Figure(layout=dict(shapes=canvas.shapes, annotations=canvas.annotations))
    _frame(fig, sizes, K, steps, right, lang)
    return fig


class _Canvas:
    """Shapes and annotations gathered as plain dicts, validated once by ``go.Figure``.

    (``fig.add_annotation`` revalidates every earlier annotation: quadratic in their number.)
    """

    def __init__(self):
        self.shapes, self.annotations = [], []

    def add_shape(self, **shape):
        self.shapes.append(shape)

    def add_annotation(self, **annotation):
        self.annotations.append(annotation)


def _draw_rows(fig, sizes, K, steps, lang) -> None:
    """Boxes and arrows. Row 0 holds x_t, rows 1…L the layers, then the head, then y_t."""
    L = len(sizes) - 1
    for t_ in range(1, steps + 1):
        fig.add_annotation(x=t_, y=0, text=f"x<sub>{t_}</sub>", name="label.x", **_TEXT)
        _arrow(fig, t_, 0.2, t_, 1 - BOX_H / 2, "arrow.x", MUTED)
        for layer in range(1, L + 1):
            _box(fig, t_, layer, tr("fig.stack.units", lang, n=sizes[layer]), LSTM_FILL,
                 GATE_COLOURS["h"], f"cell {layer} {t_}")
            _state_arrows(fig, t_, layer)
            if layer < L:
                _arrow(fig, t_, layer + BOX_H / 2, t_, layer + 1 - BOX_H / 2, "arrow.up",
                       GATE_COLOURS["h"])
        _head_column(fig, t_, L, K, lang)
    _step_shapes(fig, sizes, K, lang)
    for row in range(L + (2 if K else 1) + 1):
        fig.add_annotation(x=steps + 0.8, y=row, text="…", name="label.more",
                           **{**_TEXT, "font": dict(size=BASE_SIZE + 8, color=MUTED)})


def _head_column(fig, t_, L, K, lang) -> None:
    """Above the top layer of column t_: the dense head and y_t, or h_t when there is none."""
    top = L + BOX_H / 2
    if K is None:
        _arrow(fig, t_, top, t_, L + 1 - 0.2, "arrow.head", GATE_COLOURS["h"])
        fig.add_annotation(x=t_, y=L + 1, text=f"h<sub>{t_}</sub>", name="label.y", **_TEXT)
        return
    _arrow(fig, t_, top, t_, L + 1 - BOX_H / 2, "arrow.head", GATE_COLOURS["h"])
    _box(fig, t_, L + 1, tr("fig.stack.dense_box", lang, n=K), DENSE_FILL, MUTED, f"dense {t_}")
    _arrow(fig, t_, L + 1 + BOX_H / 2, t_, L + 2 - 0.2, "arrow.head", MUTED)
    fig.add_annotation(x=t_, y=L + 2, text=f"y<sub>{t_}</sub>", name="label.y", **_TEXT)


def _state_arrows(fig, t_, layer) -> None:
    """(C, h) of step t_ on to step t_+1 of the same layer: C above, h below, as in the cell."""
    x0, x1 = t_ + BOX_W / 2, t_ + 1 - BOX_W / 2 - 0.02
    for name, dy in (("c", 0.11), ("h", -0.11)):
        _arrow(fig, x0, layer + dy, x1, layer + dy, f"arrow.state.{name}", GATE_COLOURS[name])


def _step_shapes(fig, sizes, K, lang) -> None:
    """Per-step shapes [batch, n] beside the arrows of column 1, and (C, h) on the first gap."""
    batch = tr("fig.stack.batch", lang)
    outputs = [*sizes, *((K,) if K else ())]  # what each arrow of column 1 carries
    for row, n in enumerate(outputs):
        y = row + 0.5 if row else 0.5 + BOX_H / 4 - 0.1  # the middle of the arrow above row
        fig.add_annotation(x=1.04, y=y, text=f"[{batch}, {n}]", name="shape.step",
                           xanchor="left", **_SMALL)
    for layer in range(1, len(sizes)):
        for name, dy, anchor in (("c", 0.13, "bottom"), ("h", -0.13, "top")):
            fig.add_annotation(x=1.5, y=layer + dy, yanchor=anchor, name=f"label.{name}",
                               text=f"{name.upper() if name == 'c' else name}<sub>1</sub>",
                               **{**_SMALL, "font": dict(size=BASE_SIZE - 2,
                                                         color=GATE_COLOURS[name])})


def _frame(fig, sizes, K, steps, right, lang) -> None:
    """Axes as row and column labels, whole-sequence shapes on the right, title, size."""
    L = len(sizes) - 1
    top = L + (2 if K else 1)
    names = [tr("fig.stack.input_row", lang)]
    names += [tr("fig.stack.layer", lang, n=k) for k in range(1, L + 1)]
    names += [tr("fig.stack.dense_row", lang), tr("fig.stack.output_row", lang)] if K else \
        [tr("fig.stack.output_row", lang)]
    arch = " → ".join(str(n) for n in [*sizes, *((K,) if K else ())])
    fig.update_layout(
        template=TEMPLATE, height=ROW_PX * (top + 1) + 130, showlegend=False,
        margin=dict(l=20, r=right, t=100, b=30),
        title=dict(text=tr("fig.stack.title", lang, arch=arch),
                   subtitle=dict(text=tr("fig.stack.subtitle", lang),
                                 font=dict(size=BASE_SIZE - 2, color=MUTED))),
        xaxis=dict(range=[0.6, steps + 1.1], tickvals=list(range(1, steps + 2)),
                   ticktext=[f"t = {k}" for k in range(1, steps + 1)] + [""], side="bottom",
                   fixedrange=True, showline=False, tickfont=_TICKS),
        yaxis=dict(range=[-0.45, top + 0.45], tickvals=list(range(top + 1)), ticktext=names,
                   fixedrange=True, showline=False, automargin=True, tickfont=_TICKS),
    )


def _sequence_shapes(fig, outputs, top, lang) -> int:
    """[time_step, batch, n] and [batch, time_step, n] right of every row; the right margin."""
    ts, batch = tr("fig.stack.time_step", lang), tr("fig.stack.batch", lang)
    size = BASE_SIZE - 1
    fig.add_annotation(xref="paper", x=1, xanchor="left", xshift=14, y=top, yanchor="middle",
                       text=tr("fig.stack.whole", lang), name="label.whole", showarrow=False,
                       align="left", font=dict(size=size, color=INK))
    longest = 0
    for row, n in enumerate(outputs):
        second = tr("fig.stack.or", lang, shape=f"[{batch}, {ts}, {n}]")
        text = f"[{ts}, {batch}, {n}]<br><span style='color:{MUTED}'>{second}</span>"
        fig.add_annotation(xref="paper", x=1, xanchor="left", xshift=14, y=row, align="left",
                           text=text, name="shape.sequence", showarrow=False,
                           font=dict(size=size, color=INK))
        longest = max(longest, _text_px(second, size))
    return longest + 30


def _text_px(text, size) -> int:
    """A generous width estimate: CJK characters are square, Latin ones about 0.6 em."""
    return int(sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text))


_TEXT = dict(showarrow=False, font=dict(size=BASE_SIZE + 2, color=INK))
_TICKS = dict(size=BASE_SIZE - 1, color=INK)  # row and column names: set here, not left to themes
_SMALL = dict(showarrow=False, font=dict(size=BASE_SIZE - 1, color=MUTED))


def _box(fig, x, y, text, fill, line, name) -> None:
    fig.add_shape(type="rect", x0=x - BOX_W / 2, x1=x + BOX_W / 2, y0=y - BOX_H / 2,
                  y1=y + BOX_H / 2, fillcolor=fill, line=dict(color=line, width=2), name=name,
                  label=dict(text=text, font=dict(size=BASE_SIZE - 1, color=INK)),
                  layer="below")


def _arrow(fig, x0, y0, x1, y1, name, colour) -> None:
    fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                       text="", showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=2.2,
                       arrowcolor=colour, name=name)


# ---- hidden states over time ----------------------------------------------------------------

def _sequence_of(a, sequence) -> np.ndarray:
    """(T, ·) from an array of shape (T, ·) or, picking one sequence, (T, B, ·)."""
    return a[:, sequence] if a.ndim == 3 else a


def _check_tokens(tokens, T) -> list[str]:
    tokens = list(tokens)
    if len(tokens) != T:
        raise ValueError(f"give one token per time step: {T}, not {len(tokens)}")
    return tokens


def _time_axis(tokens, lang) -> dict:
    """A time axis at 1…T labelled with the tokens (escaped), thinned out past MAX_TICKS."""
    T = len(tokens)
    every = max(1, -(-T // MAX_TICKS))
    ticks = list(range(1, T + 1, every))
    return dict(tickvals=ticks, ticktext=[plain(tokens[k - 1]) for k in ticks],
                title=dict(text=tr("fig.stack.axis_step", lang)), range=[0.5, T + 0.5])


def _heat_rows_px(units) -> list[int]:
    """Row heights in px: about 2 px per unit, at least 70 px, at most 240 px."""
    return [int(min(max(2 * H, 70), 240)) for H in units]


def stack_heatmaps(strace, tokens, lang="en", sequence=0) -> go.Figure:
    """One heatmap of h per layer, time × unit, the top layer on top.

    Parameters
    ----------
    strace : StackedTrace
        Every layer's trace; h of layer l has shape (T, H_l) or (T, B, H_l).
    tokens : sequence of str
        One label per time step (user text: escaped before it is drawn).
    lang : {"en", "zh"}
    sequence : int
        Which sequence of a batched trace to draw.

    Returns
    -------
    go.Figure
        One ``go.Heatmap`` per layer, top layer first; z of layer l is its h transposed,
        shape (H_l, T), float32, on one colour axis symmetric around 0.
    """
    hs = [_sequence_of(layer.h, sequence).astype(np.float32) for layer in strace.layers]
    T, L = hs[0].shape[0], len(hs)
    tokens = _check_tokens(tokens, T)
    order = list(range(L))[::-1]  # subplot rows from the top: layer L first
    px = _heat_rows_px([hs[k].shape[1] for k in order])
    gap = 64
    total = sum(px) + gap * (L - 1)
    fig = make_subplots(
        rows=L, cols=1, shared_xaxes=True, row_heights=[p / total for p in px],
        vertical_spacing=gap / total if L > 1 else 0.0,
        subplot_titles=[tr("fig.stack.heat_layer", lang, n=k + 1, units=hs[k].shape[1])
                        for k in order])
    for row, k in enumerate(order, start=1):
        H = hs[k].shape[1]
        fig.add_trace(go.Heatmap(
            z=hs[k].T, x=np.arange(1, T + 1), y=np.arange(1, H + 1), coloraxis="coloraxis",
            name=tr("fig.stack.layer", lang, n=k + 1), meta=k + 1, xgap=0, ygap=0,
            hovertemplate=tr("fig.stack.heat_hover", lang) + "<extra>%{fullData.name}</extra>",
        ), row=row, col=1)
        fig.update_yaxes(title=dict(text=tr("fig.stack.axis_unit", lang)), row=row, col=1,
                         autorange="reversed" if H > 1 else None,
                         tickvals=[1, H] if H > 1 else [1])
    _heat_layout(fig, hs, tokens, total, lang)
    return fig


def _heat_layout(fig, hs, tokens, total, lang) -> None:
    lo, hi = value_range("h", np.concatenate([h.reshape(-1) for h in hs]))
    fig.update_xaxes(**_time_axis(tokens, lang), row=len(hs), col=1)
    fig.update_xaxes(tickangle=-45 if len(tokens) > 16 else 0)
    fig.update_layout(
        template=TEMPLATE, height=total + 170, margin=dict(l=70, r=30, t=90, b=70),
        title=dict(text=tr("fig.stack.heat_title", lang)),
        coloraxis=dict(colorscale=colour_scale("h"), cmin=lo, cmax=hi,
                       colorbar=dict(title=dict(text="h"), thickness=16, len=min(1.0, 400 / total),
                                     y=1, yanchor="top")),
    )
    fig.update_annotations(font=dict(size=BASE_SIZE, color=INK))  # the subplot titles


def head_output_figure(strace, tokens, lang="en", sequence=0) -> go.Figure | None:
    """The dense head's output y_t at every step, one line per output unit; None without a head.

    ``strace.y`` has shape (T, K) or (T, B, K); ``tokens`` label the steps (escaped).
    """
    if strace.y is None:
        return None
    y = _sequence_of(strace.y, sequence).astype(np.float32)  # (T, K)
    T, K = y.shape
    tokens = _check_tokens(tokens, T)
    fig = go.Figure()
    for k in range(K):
        name = "y" if K == 1 else f"y<sub>{k + 1}</sub>"
        colour = dict(color=INK) if K == 1 else {}  # one output: the ink of the dense boxes
        fig.add_trace(go.Scatter(
            x=np.arange(1, T + 1), y=y[:, k], mode="lines+markers", name=name,
            line=dict(width=3, **colour), marker=dict(size=9, **colour),
            hovertemplate=tr("fig.stack.head_hover", lang) + "<extra></extra>"))
    fig.add_hline(y=0, line=dict(color=MUTED, width=1, dash="dot"))
    fig.update_layout(
        template=TEMPLATE, height=380, showlegend=K > 1,
        title=dict(text=tr("fig.stack.head_title", lang, k=K)),
        xaxis=_time_axis(tokens, lang),
        yaxis=dict(title=dict(text="y"), zeroline=False, showgrid=True, gridcolor=GRID),
        margin=dict(l=70, r=30, t=70, b=70),
    )
    return fig
