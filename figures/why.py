"""Why an LSTM remembers: the memory ledger, gate surgery, gradients and gate saturation.

Each function takes arrays from :mod:`lstm_viz.why` (or traces) and plain options and
returns a ``go.Figure``; nothing is computed here beyond picking what to draw.
Steps and units are shown 1-based, as people count; the arguments are 0-based.

>>> import numpy as np
>>> from lstm_viz import LSTM
>>> from lstm_viz.why import ledger
>>> trace = LSTM.random(input_size=2, hidden_size=3, seed=0).run(np.eye(2)[[0, 1, 0]])
>>> parts = ledger(trace, units=[1]).parts[:, :, 0]       # (T, T)
>>> fig = ledger_bars_figure(parts[2], trace.c[2, 1], ["a", "b", "a"], step=2, unit=1)
>>> [tr.name for tr in fig.data]
['bars', 'sum', 'c']
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.gates import time_ticks  # the same thinned token labels as the gates page
from figures.theme import (
    GATE_COLOURS,
    INK,
    MUTED,
    NEGATIVE,
    TEMPLATE,
    colour_scale,
    plain,
    tick_angles,
    value_range,
)
from lstm_viz.explain import fmt
from lstm_viz.gates import SIGMOID_GATES
from text.i18n import tr

__all__ = ["SATURATION_GATES", "gradients_figure", "ledger_bars_figure", "ledger_map_figure",
           "saturation_figure", "surgery_figure"]

SATURATION_GATES = SIGMOID_GATES  # f, i, o: the panels of Karpathy et al.'s Figure 3
BEFORE = "#9A9A9A"  # the run without surgery: a grey line under the coloured one
DECADES = 24        # a log axis shows at most this many powers of ten below its top


def _ticks(tokens, room: int = 90) -> dict:
    """A time axis of steps 1…T labelled with (some of) their tokens: level where they fit,
    turned where they would run together (a phone's narrow chart)."""
    tickvals, ticktext = time_ticks(list(tokens), room)
    return dict(tickvals=tickvals, ticktext=ticktext, range=[0.5, len(tokens) + 0.5],
                **tick_angles(tokens))


def _hover_tokens(tokens) -> list[str]:
    return [plain(tok, 20) for tok in tokens]


# ---- the memory ledger ---------------------------------------------------------------------

def ledger_bars_figure(parts_row, c_t: float, tokens, step: int, unit: int,
                       lang: str = "en") -> go.Figure:
    """What each step k ≤ ``step`` wrote that still survives in C of ``unit`` at ``step``.

    Parameters
    ----------
    parts_row : ndarray of shape (T,)
        ``ledger(trace, units=[unit]).parts[step, :, 0]`` (0 after ``step``).
    c_t : float
        The cell state C_step[unit] the run recorded, drawn beside the bars' sum.
    tokens : sequence of str, length T
        User text, shown as typed.

    Returns
    -------
    go.Figure
        Traces "bars" (steps 1 … step+1), "sum" and "c" (one bar each, right panel).
    """
    parts = np.asarray(parts_row, dtype=np.float64)[:step + 1]  # (step+1,)
    shown = list(tokens)[:step + 1]
    total = float(parts.sum())
    fig = make_subplots(rows=1, cols=2, column_widths=[0.84, 0.16], shared_yaxes=True,
                        horizontal_spacing=0.03)
    colours = [GATE_COLOURS["c"] if v >= 0 else NEGATIVE for v in parts]
    fig.add_trace(go.Bar(
        name="bars", x=np.arange(1, step + 2), y=parts, marker_color=colours,
        customdata=_hover_tokens(shown),
        hovertemplate=tr("why.fig.ledger.hover", lang) + "<extra></extra>"), row=1, col=1)
    sides = (("sum", tr("why.fig.ledger.sum", lang), total, GATE_COLOURS["c"]),
             ("c", f"C<sub>{step + 1}</sub>", float(c_t), INK))
    for name, label, value, colour in sides:
        fig.add_trace(go.Bar(name=name, x=[label], y=[value], marker_color=colour, width=0.7,
                             text=[fmt(value, 3)], textposition="outside",
                             textfont=dict(size=17, color=INK), cliponaxis=False,
                             hovertemplate=f"{label} = %{{y:.4f}}<extra></extra>"),
                      row=1, col=2)
    fig.update_xaxes(row=1, col=1, title_text=tr("why.fig.ledger.x", lang), **_ticks(shown, 80))
    fig.update_yaxes(row=1, col=1, title_text=tr("why.fig.ledger.y", lang), zeroline=True,
                     zerolinecolor=MUTED, zerolinewidth=1)
    fig.update_yaxes(row=1, col=2, zeroline=True, zerolinecolor=MUTED, zerolinewidth=1)
    low, high = min(0.0, parts.min(), c_t), max(0.0, parts.max(), c_t)
    pad = 0.15 * (high - low or 1.0)  # room for the numbers over the two bars
    fig.update_yaxes(range=[low - (pad if low < 0 else 0), high + pad])
    fig.update_layout(
        template=TEMPLATE, height=380, showlegend=False, bargap=0.15,
        margin=dict(l=70, r=20, t=60, b=60),
        title=dict(text=tr("why.fig.ledger.title", lang, step=step + 1, unit=unit + 1,
                          token=plain(tokens[step]))))
    return fig


def ledger_map_figure(parts, tokens, step: int, unit: int, lang: str = "en") -> go.Figure:
    """The whole ledger of ``unit`` as a time × time map, row ``step`` framed.

    ``parts`` (T, T) is ``ledger(trace, units=[unit]).parts[:, :, 0]``: row t is C_t taken
    apart by the step k that wrote each piece (0 right of the diagonal).
    """
    parts = np.asarray(parts, dtype=np.float64)
    T = parts.shape[0]
    lo, hi = value_range("c", parts)
    labels = _hover_tokens(tokens)
    hover = tr("why.fig.map.hover", lang) + "<extra></extra>"
    heat = go.Heatmap(z=parts, x0=1, dx=1, y0=1, dy=1, colorscale=colour_scale("c"),
                      zmin=lo, zmax=hi, customdata=np.array([[(labels[r], labels[k])
                                                             for k in range(T)]
                                                            for r in range(T)], dtype=object),
                      hovertemplate=hover,
                      colorbar=dict(thickness=14, outlinewidth=0, tickfont=dict(size=13)))
    frame = dict(type="rect", xref="x", yref="y", x0=0.5, x1=T + 0.5, y0=step + 0.5,
                 y1=step + 1.5, line=dict(color=INK, width=2.5))
    ticks = _ticks(tokens, 40)
    fig = go.Figure(data=[heat])
    fig.update_layout(
        template=TEMPLATE, height=460, shapes=[frame],
        margin=dict(l=80, r=20, t=60, b=60),
        title=dict(text=tr("why.fig.map.title", lang, unit=unit + 1)),
        xaxis=dict(title_text=tr("why.fig.map.x", lang), **ticks, constrain="domain"),
        yaxis=dict(title_text=tr("why.fig.map.y", lang), **{**ticks, "range": [T + 0.5, 0.5]}),
    )
    return fig


# ---- gate surgery ------------------------------------------------------------------------------

def surgery_figure(before, after, tokens, unit: int, what: str, lang: str = "en", start=None,
                   p_before=None, p_after=None, choice=()) -> go.Figure:
    """C and h of ``unit`` over time with and without surgery (and a model's confidence).

    Parameters
    ----------
    before, after : LSTMTrace
        The run without and with the clamp (arrays (T, H)).
    what : str
        What was done, already translated (plain text from the catalogue).
    start : int, optional
        The first clamped step (0-based), shaded from there on; None: every step.
    p_before, p_after : ndarray of shape (T,), optional
        The probability a trained model gives, at each step, to ``choice[t]``, the label
        it picks without surgery: drawn as a third row.
    """
    T = before.c.shape[0]
    rows = [("c", before.c[:, unit], after.c[:, unit]), ("h", before.h[:, unit], after.h[:, unit])]
    if p_before is not None:
        rows.append(("p", np.asarray(p_before), np.asarray(p_after)))
    titles = [tr(f"why.fig.surgery.{name}", lang, unit=unit + 1) for name, _, _ in rows]
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=titles)
    steps = np.arange(1, T + 1)
    labels = _hover_tokens(tokens)
    custom = (np.array([labels, [plain(c, 20) for c in choice]], dtype=object).T if choice
              else labels)
    for r, (name, old, new) in enumerate(rows, start=1):
        colour = GATE_COLOURS.get(name, GATE_COLOURS["o"])
        hover = tr(f"why.fig.surgery.hover.{'p' if name == 'p' else 'x'}", lang)
        for label, values, style in (
                (tr("why.fig.surgery.before", lang), old, dict(color=BEFORE, width=5)),
                (tr("why.fig.surgery.after", lang, what=what), new, dict(color=colour, width=3))):
            fig.add_trace(go.Scatter(
                x=steps, y=values, mode="lines+markers" if T <= 60 else "lines", name=label,
                line=style, marker=dict(size=6), legendgroup=label, showlegend=r == 1,
                customdata=custom, hovertemplate=hover + "<extra>" + label + "</extra>"),
                row=r, col=1)
        fig.update_yaxes(row=r, col=1, zeroline=True, zerolinecolor="#CCCCCC")
    if p_before is not None:
        fig.update_yaxes(row=len(rows), col=1, range=[-0.03, 1.03], tickformat=".0%")
    if start is not None:
        for r in range(1, len(rows) + 1):
            fig.add_vrect(x0=start + 0.5, x1=T + 0.5, fillcolor="#000000", opacity=0.06,
                          line_width=0, layer="below", row=r, col=1)
    fig.update_xaxes(**_ticks(tokens))
    fig.update_xaxes(row=len(rows), col=1, title_text=tr("why.fig.ledger.x", lang))
    fig.update_annotations(font=dict(size=17, color=INK), x=0, xanchor="left")
    fig.update_layout(
        template=TEMPLATE, height=280 + 190 * len(rows), hovermode="x unified",
        margin=dict(l=70, r=20, t=110, b=100),
        legend=dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom",
                    font=dict(size=16)),
        title=dict(text=tr("why.fig.surgery.title", lang, what=what, unit=unit + 1)),
    )
    return fig


# ---- gradients through time ----------------------------------------------------------------

def _log_range(*series) -> list[float]:
    """A log axis from the top value down at most DECADES powers of ten."""
    values = np.concatenate([np.asarray(s, dtype=np.float64).ravel() for s in series])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return [-1.0, 0.0]
    top, bottom = np.log10(values.max()), np.log10(values.min())
    return [max(bottom, top - DECADES) - 0.3, top + 0.3]


def gradients_figure(lstm_norms, rnn_norms, forget_row, tokens, unit: int,
                     lang: str = "en") -> go.Figure:
    """‖∂h_T/∂x_t‖ of the LSTM and a tanh RNN (log scale), and Π f_j of ``unit`` below.

    ``lstm_norms``, ``rnn_norms`` (T,) from :func:`~lstm_viz.why.input_gradients` and
    :func:`~lstm_viz.why.rnn_input_gradients`; ``forget_row`` (T,) the unit's column of
    :func:`~lstm_viz.why.forget_products`.
    """
    lstm_norms, rnn_norms, forget_row = (np.asarray(a, dtype=np.float64)
                                         for a in (lstm_norms, rnn_norms, forget_row))
    T = lstm_norms.shape[0]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        row_heights=[0.6, 0.4],
                        subplot_titles=[tr("why.fig.grad.top", lang, T=T),
                                        tr("why.fig.grad.bottom", lang, unit=unit + 1)])
    steps = np.arange(1, T + 1)
    labels = _hover_tokens(tokens)
    mode = "lines+markers" if T <= 60 else "lines"
    for name, values, colour in (("lstm", lstm_norms, GATE_COLOURS["c"]),
                                 ("rnn", rnn_norms, INK)):
        fig.add_trace(go.Scatter(
            x=steps, y=values, mode=mode, name=tr(f"why.fig.grad.{name}", lang),
            line=dict(color=colour, width=3, dash="solid" if name == "lstm" else "dot"),
            marker=dict(size=6), customdata=labels,
            hovertemplate=tr("why.fig.grad.hover", lang) + "<extra>%{fullData.name}</extra>"),
            row=1, col=1)
    fig.add_trace(go.Scatter(
        x=steps, y=forget_row, mode=mode, name=tr("why.fig.grad.forget", lang, unit=unit + 1),
        line=dict(color=GATE_COLOURS["f"], width=3), marker=dict(size=6), customdata=labels,
        hovertemplate=tr("why.fig.grad.hover", lang) + "<extra>Π f</extra>"), row=2, col=1)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1,
                     range=_log_range(lstm_norms, rnn_norms),
                     title_text=tr("why.fig.grad.y", lang))
    fig.update_yaxes(type="log", exponentformat="power", row=2, col=1,
                     range=_log_range(forget_row), title_text="Π f<sub>j</sub>")
    fig.update_xaxes(**_ticks(tokens))
    fig.update_xaxes(row=2, col=1, title_text=tr("why.fig.grad.x", lang))
    fig.update_annotations(font=dict(size=17, color=INK), x=0, xanchor="left")
    fig.update_layout(
        template=TEMPLATE, height=660, hovermode="x unified",
        margin=dict(l=80, r=20, t=60, b=100),
        legend=dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom",
                    font=dict(size=16)),
    )
    return fig


# ---- gate saturation ---------------------------------------------------------------------------

def saturation_figure(sat, unit: int, lang: str = "en") -> go.Figure:
    """Karpathy et al.'s saturation scatter: a dot per unit at (share of steps with the gate
    below ``sat.low``, share above ``sat.high``), one panel per gate f, i, o; ``unit``
    (0-based) is ringed."""
    H = len(sat.left["f"])
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.07,
                        subplot_titles=[tr(f"gate.{g}", lang) for g in SATURATION_GATES])
    names = np.arange(1, H + 1)
    sizes = np.where(names == unit + 1, 22, 13)
    widths = np.where(names == unit + 1, 3, 1)
    for col, gate in enumerate(SATURATION_GATES, start=1):
        fig.add_trace(go.Scatter(
            x=sat.left[gate], y=sat.right[gate], name=gate, customdata=names,
            mode="markers+text" if H <= 16 else "markers",
            text=[str(n) for n in names] if H <= 16 else None, textposition="middle right",
            textfont=dict(size=14, color=MUTED),
            marker=dict(color=GATE_COLOURS[gate], size=sizes, opacity=0.85,
                        line=dict(color=INK, width=widths)),
            hovertemplate=tr("why.fig.sat.hover", lang) + "<extra></extra>"), row=1, col=col)
        fig.add_shape(type="line", x0=0, y0=1, x1=1, y1=0, row=1, col=col,
                      line=dict(color="#BBBBBB", dash="dot", width=1.5))
    fig.update_xaxes(range=[-0.05, 1.05], tickformat=".0%", tickvals=[0, 0.5, 1],
                     showgrid=True, gridcolor="#EEEEEE")
    fig.update_xaxes(row=1, col=2, title_text=tr("why.fig.sat.x", lang, low=sat.low))
    fig.update_yaxes(range=[-0.05, 1.05], tickformat=".0%", tickvals=[0, 0.5, 1],
                     showgrid=True, gridcolor="#EEEEEE")
    fig.update_yaxes(row=1, col=1, title_text=tr("why.fig.sat.y", lang, high=sat.high))
    fig.update_annotations(font=dict(size=17, color=INK))
    fig.update_layout(template=TEMPLATE, height=420, showlegend=False,
                      margin=dict(l=80, r=20, t=60, b=70))
    return fig
