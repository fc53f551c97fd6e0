"""Where an LSTM stack's parameters sit, and why Keras and PyTorch count them differently.

Per LSTM layer with X inputs, H units (R = H, or P with a projection), D directions:

    W (input weights)       D·4·H·X
    U (recurrent weights)   D·4·H·R
    b (biases)              D·4·H per bias vector: 0 (article), 1 (Keras), 2 (PyTorch)
    projection              D·P·H (PyTorch's ``proj_size``)
    dense head              H·K + K

The counts come from :func:`lstm_viz.params.count_params`; these figures only draw them.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.theme import BASE_SIZE, GATE_COLOURS, GRID, INK, MUTED, OKABE_ITO, TEMPLATE
from lstm_viz.params import CONVENTIONS, count_params
from text.i18n import tr

__all__ = ["PART_COLOURS", "conventions_figure", "params_figure"]

PART_COLOURS = {
    "W": OKABE_ITO["blue"],                 # input weights
    "U": GATE_COLOURS["h"],                 # recurrent weights multiply h: h's sky blue
    "bias": OKABE_ITO["orange"],
    "projection": OKABE_ITO["bluish green"],
    "dense": MUTED,           # grey, like the dense boxes of the unrolled stack
}
BIAS2_COLOUR = "#F5C76B"      # a lighter orange: PyTorch's second bias vector
MAX_LABELLED = 8              # bars that carry their sizes in the tick and their total on top


def _layer_parts(layer) -> dict[str, tuple[int, str]]:
    """(count, formula) of W, U, bias and projection of one LayerParams."""
    X, H, R, D = layer.input_size, layer.units, layer.recurrent_size, layer.directions
    d = "2·" if D == 2 else ""
    vectors = layer.bias // (4 * H * D)
    bias = f"{d}{vectors}·4·{H}" if vectors > 1 else f"{d}4·{H}"
    return {"W": (layer.W, f"{d}4·{H}·{X}"), "U": (layer.U, f"{d}4·{H}·{R}"),
            "bias": (layer.bias, bias if layer.bias else "0"),
            "projection": (layer.projection, f"{d}{R}·{H}")}


def _bar_labels(breakdown, lang) -> list[str]:
    """One label per bar: layer number, sizes and directions; the dense layer last."""
    labels = []
    for layer in breakdown.layers:
        label = tr("fig.params.layer", lang, n=layer.index + 1, x=layer.input_size, h=layer.units)
        labels.append(label + (tr("fig.params.both", lang) if layer.directions == 2 else ""))
    if breakdown.dense is not None:
        dense = breakdown.dense
        labels.append(tr("fig.params.dense_bar", lang, x=dense.input_size, k=dense.units))
    return labels


def _parts(breakdown) -> list[tuple[str, list[int], list[str]]]:
    """(part, counts per bar, formulas per bar) for W, U, bias, projection, dense.

    LSTM parts have one entry per layer (the dense bar is left out); the projection
    appears only when there is one, the dense part only for the dense bar.
    """
    rows = [_layer_parts(layer) for layer in breakdown.layers]
    parts = ["W", "U", "bias"] + (["projection"] if any(r["projection"][0] for r in rows) else [])
    out = [(p, [r[p][0] for r in rows], [r[p][1] for r in rows]) for p in parts]
    if breakdown.dense is not None:
        d = breakdown.dense
        out.append(("dense", [d.total], [f"{d.input_size}·{d.units} + {d.units}"]))
    return out


def params_figure(breakdown, lang="en") -> go.Figure:
    """Stacked bars, one per layer: W, U, biases, projection; the dense layer last.

    Parameters
    ----------
    breakdown : ParamBreakdown
        From :func:`lstm_viz.params.count_params`, in any convention.
    lang : {"en", "zh"}

    Returns
    -------
    go.Figure
        One ``go.Bar`` per part (``meta`` = "W", "U", "bias", "projection", "dense"; the
        projection only when there is one), y values that add up to each layer's total.
        Up to MAX_LABELLED bars carry their sizes in the tick and their total above
        (annotations named ``total``); more bars are numbered, with sizes in the hover.
    """
    full = _bar_labels(breakdown, lang)
    compact = len(full) > MAX_LABELLED
    ticks = [str(k) for k in range(1, len(breakdown.layers) + 1)] if compact else full[:]
    if compact and breakdown.dense is not None:
        ticks.append(tr("fig.params.dense", lang))
    fig = go.Figure()
    n_lstm = len(breakdown.layers)
    for part, counts, formulas in _parts(breakdown):
        where = slice(n_lstm, None) if part == "dense" else slice(0, n_lstm)
        name = tr(f"fig.params.{part}", lang)
        hover = [_hover(label, name, formula, count) for label, formula, count
                 in zip(full[where], formulas, counts, strict=True)]
        fig.add_trace(_bar(ticks[where], counts, hover, name, part))
    totals = [layer.total for layer in breakdown.layers]
    totals += [breakdown.dense.total] if breakdown.dense is not None else []
    notes = [] if compact else [
        dict(x=tick, y=total, text=f"{total:,}", name="total", yanchor="bottom", showarrow=False,
             font=dict(size=BASE_SIZE, color=INK))
        for tick, total in zip(ticks, totals, strict=True)]
    _params_layout(fig, breakdown, notes, compact, lang)
    return fig


def _params_layout(fig, breakdown, notes, compact, lang) -> None:
    convention = tr(f"fig.params.conv.{breakdown.convention}", lang)
    fig.update_layout(
        template=TEMPLATE, barmode="stack", height=540 if compact else 480,
        bargap=0.2 if compact else 0.35,
        annotations=notes,
        title=dict(text=tr("fig.params.title", lang, total=f"{breakdown.total:,}",
                          convention=convention),
                   subtitle=dict(text=tr("fig.params.subtitle", lang),
                                 font=dict(size=BASE_SIZE - 2, color=MUTED))),
        xaxis=dict(title=dict(text=tr("fig.params.axis_layer", lang) if compact else None),
                   type="category"),
        yaxis=dict(title=dict(text=tr("fig.params.axis", lang)), tickformat=",", automargin=True,
                   showgrid=True, gridcolor=GRID, rangemode="tozero"),
        legend=dict(orientation="h", x=0, y=-0.34 if compact else -0.2, yanchor="top",
                    traceorder="normal"),
        margin=dict(l=20, r=50 if compact else 20, t=90, b=40),
    )


def _hover(bar, part, formula, count) -> str:
    """The bar's label on one line, the part, its formula with the numbers in, its count."""
    return f"{bar.replace('<br>', ' · ')}<br>{part}<br>{formula} = {count:,}"


def _bar(x, y, hover, name, part) -> go.Bar:
    return go.Bar(x=x, y=y, name=name, meta=part, marker=dict(color=PART_COLOURS[part]),
                  hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")


def conventions_figure(input_size, units, dense=None, bidirectional=False,
                       lang="en") -> go.Figure:
    """The same stack counted three ways: the article (no biases), Keras, PyTorch.

    Top: the totals. Bottom: the LSTM layers' bias parameters, the only part that
    differs: none in the article, one vector (b) per layer in Keras, two (b_ih, b_hh)
    in PyTorch; so PyTorch − Keras is exactly the second bias vector, D·4·ΣH.

    Parameters
    ----------
    input_size, units, dense, bidirectional
        As for :func:`lstm_viz.params.count_params`.
    lang : {"en", "zh"}

    Returns
    -------
    go.Figure
        Trace ``meta="total"`` holds the three totals in ``CONVENTIONS`` order; traces
        ``meta="bias1"`` and ``meta="bias2"`` the first and second bias vectors.
    """
    counts = {c: count_params(input_size, units, dense, convention=c,
                              bidirectional=bidirectional) for c in CONVENTIONS}
    one_vector = sum(layer.bias for layer in counts["keras"].layers)  # D·4·ΣH
    labels = [_tick(c, lang) for c in CONVENTIONS]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38],
                        vertical_spacing=0.14,
                        subplot_titles=[tr("fig.params.cmp_total", lang),
                                        tr("fig.params.cmp_bias", lang)])
    totals = [counts[c].total for c in CONVENTIONS]
    fig.add_trace(go.Bar(x=labels, y=totals, meta="total", name=tr("fig.params.cmp_total", lang),
                         marker=dict(color=PART_COLOURS["U"]), text=[f"{n:,}" for n in totals],
                         textposition="inside", insidetextanchor="end", showlegend=False,
                         hovertemplate="%{x}: %{text}<extra></extra>"), row=1, col=1)
    for key, colour, per in (("bias1", PART_COLOURS["bias"], (0, 1, 1)),
                             ("bias2", BIAS2_COLOUR, (0, 0, 1))):
        values = [one_vector * k for k in per]
        fig.add_trace(go.Bar(x=labels, y=values, meta=key, name=tr(f"fig.params.{key}", lang),
                             marker=dict(color=colour), textposition="inside",
                             text=[f"{v:,}" if v else "" for v in values],
                             hovertemplate="%{fullData.name}: %{y:,}<extra></extra>"),
                      row=2, col=1)
    _conventions_layout(fig, counts, labels, lang)
    return fig


def _tick(convention, lang) -> str:
    """A convention's name as an x tick, in two short lines."""
    if convention == "article":
        return tr("fig.params.bar.article", lang)
    return tr(f"fig.params.conv.{convention}", lang).replace(" / ", " /<br>")


def _conventions_layout(fig, counts, labels, lang) -> None:
    gap = counts["pytorch"].total - counts["keras"].total
    fig.update_layout(
        template=TEMPLATE, barmode="stack", height=560, bargap=0.3,
        title=dict(text=tr("fig.params.cmp_title", lang),
                   subtitle=dict(text=tr("fig.params.gap", lang, gap=f"{gap:,}"),
                                 font=dict(size=BASE_SIZE - 2, color=MUTED))),
        legend=dict(orientation="h", x=0, y=-0.12, yanchor="top", traceorder="normal"),
        margin=dict(l=20, r=20, t=130, b=40),
    )
    fig.update_yaxes(tickformat=",", showgrid=True, gridcolor=GRID, rangemode="tozero",
                     automargin=True)
    fig.update_yaxes(title=dict(text=tr("fig.params.axis", lang)), row=1, col=1)
    fig.update_annotations(font=dict(size=BASE_SIZE, color=INK), x=0, xanchor="left")
    fig.add_annotation(x=labels[0], y=0, yanchor="bottom", text="0", showarrow=False,
                       name="zero", font=dict(size=BASE_SIZE, color=INK), row=2, col=1)
