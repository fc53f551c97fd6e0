"""The LSTM cell drawn as in Colah's picture, and its gates animated over a sequence.

``gates_figure(trace, tokens)`` shows, on top, one cell with the values of one unit at
one step (the boxes are coloured by how open each gate is) and, below, six heatmaps
f, i, C̃, o, C, h over time × unit. Plotly frames move both through the sequence in
the browser: frame ``t`` restyles only the diagram's boxes and labels and the six
step markers; the heatmaps are sent once.

``cell_diagram()`` is the same drawing without numbers.

Steps and units are shown 1-based, as people count; the arguments are 0-based.

>>> import numpy as np
>>> from lstm_viz import LSTM
>>> trace = LSTM.random(input_size=2, hidden_size=3, seed=0).run(np.eye(2))
>>> fig = gates_figure(trace, ["a", "b"], unit=1, step=0)
>>> len(fig.frames)          # one frame per time step
2
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.theme import (
    GATE_COLOURS,
    INK,
    MUTED,
    TEMPLATE,
    colour_scale,
    colours_at,
    plain,
    value_range,
)
from lstm_viz.explain import fmt
from lstm_viz.i18n import t

__all__ = ["FRAME_MS", "cell_diagram", "gates_figure"]

FRAME_MS = 600            # one step of the animation
BOXES = ("f", "i", "g", "o")                # the four layers, left to right
MAPS = ("f", "i", "g", "o", "c", "h")       # the six heatmaps, row by row
SYMBOL = {"f": "f", "i": "i", "g": "C̃", "o": "o", "c": "C", "h": "h"}
ACTIVATION = {"f": "σ", "i": "σ", "g": "tanh", "o": "σ"}

# ---- the drawing, in its own axes: x 0…100 across, y 0…360 ≈ pixels up ------------------
X_RANGE, Y_RANGE = (0, 100), (0, 360)
Y_C, Y_MIX, Y_GATE, Y_NAME, Y_BUS = 315, 250, 170, 110, 70  # C line, i·C̃, gates, names, bus
GATE_X = {"f": 20, "i": 35, "g": 50, "o": 65}
X_IN, X_ADD, X_OUT = 8, 42.5, 82            # x_t joins the bus; the + ; the tanh(C) branch
OPS = ((GATE_X["f"], Y_C, "×"), (X_ADD, Y_C, "+"), (X_ADD, Y_MIX, "×"), (X_OUT, Y_MIX, "tanh"),
       (X_OUT, Y_GATE, "×"))
BOX_PX = 66  # a gate box with a value in it; 56 in the smaller home-page picture
CELL_FILL = "#F3F3F3"  # the body of the cell
BOX_INK = "#000000"  # contrast ≥ 4:1 on every fill, white to the darkest gate colour

# Static traces first, then the ones frames restyle; heatmaps and markers follow.
T_OPS, T_BOXES, T_STATES, T_MAPS = 0, 1, 2, 3
T_MARKS = T_MAPS + len(MAPS)

# ---- layout of gates_figure: fixed pixel heights, so the drawing keeps its proportions ----
HEIGHT, MARGIN_T, MARGIN_B = 1060, 56, 45
PLOT_PX = HEIGHT - MARGIN_T - MARGIN_B
DIAGRAM_DOMAIN = (1 - 360 / PLOT_PX, 1.0)
SLIDER_Y = DIAGRAM_DOMAIN[0] - 0.01
MAP_ROWS = ((0.29, 0.455), (0.035, 0.20))  # y domains of the two rows of heatmaps
MAP_COLS = ((0.035, 0.275), (0.365, 0.605), (0.695, 0.935))


def cell_diagram(lang: str = "en") -> go.Figure:
    """The cell with no numbers: the four layers and how C and h flow (home page)."""
    shapes, annotations, ops = _skeleton(lang)
    tint = [colours_at([[0, "#FFFFFF"], [1, GATE_COLOURS[k]]], [0.25], 0, 1)[0]  # light
            for k in BOXES]
    boxes = _boxes_trace(tint, [ACTIVATION[k] for k in BOXES], None, size=56)
    states = _states_trace(["C<sub>t−1</sub>", "C<sub>t</sub>", "h<sub>t−1</sub>",
                            "h<sub>t</sub>", "x<sub>t</sub>"])
    layout = dict(
        template=TEMPLATE, height=420, margin=dict(l=10, r=10, t=50, b=10),
        title=dict(text=t("fig.cell.title", lang)), showlegend=False,
        xaxis=_diagram_axis(X_RANGE), yaxis=_diagram_axis(Y_RANGE, (0.0, 1.0)),
        shapes=shapes, annotations=annotations,
    )
    return go.Figure(data=[ops, boxes, states], layout=layout)


def gates_figure(trace, tokens, unit: int = 0, step: int = 0, lang: str = "en") -> go.Figure:
    """The animated cell and six heatmaps of a single-sequence run.

    Parameters
    ----------
    trace : LSTMTrace
        A single-sequence run: gate arrays of shape (T, H).
    tokens : sequence of str, length T
        What each step shows on the time axis (user text: shown as typed).
    unit : int
        The unit (0-based) whose numbers the diagram shows.
    step : int
        The step (0-based) shown before the animation plays.
    lang : str
        "en" or "zh".

    Returns
    -------
    go.Figure
        T frames named "0" … "T−1"; a Play/Pause pair and a step slider.
    """
    T, H = _check(trace, tokens, unit, step)
    tokens = list(tokens)
    values = {k: np.asarray(getattr(trace, k), dtype=np.float64) for k in MAPS}  # each (T, H)
    ranges = {k: value_range(k, values[k]) for k in MAPS}
    parts = _diagram_parts(trace, values, ranges, tokens, unit, lang)  # per-step updates
    shapes, annotations, ops = _skeleton(lang)
    maps, axes, map_notes, map_shapes = _heatmaps(values, ranges, tokens, unit, lang)
    marks = [_marker_trace(k, step, H) for k in range(len(MAPS))]
    data = [ops, _boxes_trace(*parts["boxes"][step]), _states_trace(parts["states"][step]),
            *maps, *marks]
    frames = [_frame(s, parts) for s in range(T)]
    labels = [t("fig.gates.slider", lang, step=s + 1, token=plain(tok)) for s, tok in
              enumerate(tokens)]
    layout = dict(
        template=TEMPLATE, height=HEIGHT, showlegend=False,
        margin=dict(l=20, r=20, t=MARGIN_T, b=MARGIN_B),
        title=dict(text=t("fig.gates.title", lang, unit=unit + 1), y=1 - 24 / HEIGHT,
                   yanchor="middle"),
        xaxis=_diagram_axis(X_RANGE), yaxis=_diagram_axis(Y_RANGE, DIAGRAM_DOMAIN),
        **axes, shapes=shapes + map_shapes, annotations=annotations + map_notes,
        updatemenus=[_play_pause(lang)], sliders=[_slider(labels, step)],
    )
    return go.Figure(data=data, layout=layout, frames=frames)


# ---- checks ------------------------------------------------------------------------------

def _check(trace, tokens, unit, step) -> tuple[int, int]:
    if trace.batched:
        raise ValueError("draw one sequence at a time: use trace.sequence(b)")
    T, H = trace.steps, trace.hidden_size
    if len(tokens) != T:
        raise ValueError(f"need one token per step: {T} steps but {len(tokens)} tokens")
    if not 0 <= unit < H or not 0 <= step < T:
        raise ValueError(f"unit must be in 0…{H - 1} and step in 0…{T - 1}; "
                         f"got unit {unit}, step {step}")
    return T, H


# ---- the cell diagram ------------------------------------------------------------------------

def _diagram_axis(rng, domain=None) -> dict:
    axis = dict(range=list(rng), visible=False, fixedrange=True)
    if domain is not None:
        axis["domain"] = list(domain)
    return axis


def _path(points, colour, width) -> dict:
    d = "M" + " L".join(f"{x},{y}" for x, y in points)
    return dict(type="path", path=d, xref="x", yref="y", layer="below",
                line=dict(color=colour, width=width))


def _arrow(x, y, ax, ay, colour) -> dict:
    """An arrowhead at (x, y), pointing away from (ax, ay)."""
    return dict(x=x, y=y, ax=ax, ay=ay, xref="x", yref="y", axref="x", ayref="y", text="",
                showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=3, arrowcolor=colour)


def _label(x, y, text, size=15, colour=MUTED, **kw) -> dict:
    return dict(x=x, y=y, xref="x", yref="y", text=text, showarrow=False,
                font=dict(size=size, color=colour), **kw)


def _skeleton(lang: str) -> tuple[list, list, dict]:
    """The static drawing: lines (shapes), arrows and names (annotations), × + tanh nodes."""
    return _lines(), _notes(lang), _nodes()


def _lines() -> list[dict]:
    c, h, gx = GATE_COLOURS["c"], GATE_COLOURS["h"], GATE_X
    return [
        dict(type="rect", xref="x", yref="y", x0=4, x1=92, y0=Y_BUS + 25, y1=Y_C + 30,
             layer="below", line=dict(width=0), fillcolor=CELL_FILL),     # the cell
        _path([(0, Y_C), (100, Y_C)], c, 5),                              # the memory line
        _path([(0, Y_BUS), (X_IN, Y_BUS)], h, 4),                         # h_{t-1} comes in
        _path([(X_IN, 22), (X_IN, Y_BUS), (gx["o"], Y_BUS)], MUTED, 4),   # x_t joins: [h, x]
        *[_path([(x, Y_BUS), (x, Y_GATE)], MUTED, 3) for x in gx.values()],
        _path([(gx["f"], Y_GATE), (gx["f"], Y_C)], GATE_COLOURS["f"], 3),
        _path([(gx["i"], Y_GATE), (gx["i"], Y_MIX), (X_ADD, Y_MIX)], GATE_COLOURS["i"], 3),
        _path([(gx["g"], Y_GATE), (gx["g"], Y_MIX), (X_ADD, Y_MIX)], GATE_COLOURS["g"], 3),
        _path([(X_ADD, Y_MIX), (X_ADD, Y_C)], MUTED, 3),                  # i·C̃ is written
        _path([(gx["o"], Y_GATE), (X_OUT, Y_GATE)], GATE_COLOURS["o"], 3),
        _path([(X_OUT, Y_C), (X_OUT, Y_GATE)], c, 3),                     # tanh(C) branch
        _path([(X_OUT, Y_GATE), (X_OUT, Y_BUS), (100, Y_BUS)], h, 4),     # h_t goes out
    ]


def _notes(lang: str) -> list[dict]:
    """Arrowheads where C and h leave and x_t enters; the names of the lines and boxes."""
    c, h = GATE_COLOURS["c"], GATE_COLOURS["h"]
    notes = [
        _arrow(100, Y_C, 94, Y_C, c), _arrow(100, Y_BUS, 94, Y_BUS, h),
        _arrow(X_IN, Y_BUS - 8, X_IN, 22, MUTED),
        _label(60, Y_C - 10, _two_lines("c", lang), yanchor="top"),
        _label(99.5, Y_BUS - 6, _two_lines("h", lang), xanchor="right", yanchor="top",
               align="right"),
    ]
    return notes + [_label(GATE_X[k], Y_NAME, t(f"fig.cell.{k}", lang).replace(" ", "<br>", 1),
                           size=16, colour=INK, bgcolor=CELL_FILL) for k in BOXES]


def _nodes() -> dict:
    """The × + tanh operations, as white circles."""
    xs, ys, text = zip(*OPS, strict=True)
    return dict(type="scatter", x=xs, y=ys, text=text, mode="markers+text", hoverinfo="skip",
                marker=dict(size=[34, 34, 34, 46, 34], color="#FFFFFF",
                            line=dict(color=INK, width=2)),
                textfont=dict(size=[22, 24, 22, 15, 22], color=INK), xaxis="x", yaxis="y")


def _two_lines(name: str, lang: str) -> str:
    """E.g. "cell state C" over "long-term memory"."""
    return f"{t(f'fig.common.{name}', lang)}<br>{t(f'fig.cell.{name}_role', lang)}"


def _boxes_trace(fill, text, hover, size=BOX_PX) -> dict:
    """The four gate boxes f, i, C̃, o: fill colours, text inside, hover text.

    The text is always black: it keeps a contrast of at least 4:1 on every fill, from
    white to the full colour of any gate (and the grey of negative values).
    """
    return dict(type="scatter", x=[GATE_X[k] for k in BOXES], y=[Y_GATE] * 4,
                mode="markers+text", text=list(text), textposition="middle center",
                textfont=dict(size=19, color=BOX_INK),
                marker=dict(symbol="square", size=size, color=list(fill),
                            line=dict(color=[GATE_COLOURS[k] for k in BOXES], width=4)),
                hovertext=list(hover) if hover else None,
                hoverinfo="text" if hover else "skip", xaxis="x", yaxis="y")


def _states_trace(text) -> dict:
    """C_{t-1}, C_t, h_{t-1}, h_t on their lines and x_t under its arrow."""
    return dict(type="scatter", mode="text", text=list(text), hoverinfo="skip",
                x=[0.5, 99.5, 0.5, 99.5, X_IN], y=[Y_C + 4, Y_C + 4, Y_BUS + 4, Y_BUS + 4, 20],
                textposition=["top right", "top left", "top right", "top left", "bottom center"],
                textfont=dict(size=17, color=INK), xaxis="x", yaxis="y")


def _diagram_parts(trace, values, ranges, tokens, unit, lang) -> dict:
    """For every step, what the boxes and the state labels show."""
    T = len(tokens)
    fills = {k: colours_at(colour_scale(k), values[k][:, unit], *ranges[k]) for k in BOXES}
    names = {k: t(f"fig.common.{k}", lang) for k in BOXES}
    boxes, states = [], []
    c_prev, h_prev = trace.c_prev[:, unit], trace.h_prev[:, unit]
    c, h = values["c"][:, unit], values["h"][:, unit]
    for s in range(T):
        v = {k: float(values[k][s, unit]) for k in BOXES}
        boxes.append(([fills[k][s] for k in BOXES],
                      [f"<b>{SYMBOL[k]}</b><br>{fmt(v[k], 2)}" for k in BOXES],
                      [f"{names[k]} = {fmt(v[k], 3)}" for k in BOXES]))
        states.append([f"C<sub>t−1</sub> = {fmt(c_prev[s], 3)}", f"C<sub>t</sub> = {fmt(c[s], 3)}",
                       f"h<sub>t−1</sub> = {fmt(h_prev[s], 3)}", f"h<sub>t</sub> = {fmt(h[s], 3)}",
                       f"x<sub>t</sub>: {plain(tokens[s], 16)}"])
    return dict(boxes=boxes, states=states)


# ---- the heatmaps ----------------------------------------------------------------------------

def _map_domains(k: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """(x domain, y domain) of heatmap number k (0…5), three to a row."""
    return MAP_COLS[k % 3], MAP_ROWS[k // 3]


def _heatmaps(values, ranges, tokens, unit, lang):
    """Six heatmap traces (time × unit), their axes, titles and the dashed unit rows."""
    T, H = values["f"].shape
    ticks = _time_ticks(tokens)
    hover = t("fig.common.hover", lang, step="%{x}", unit="%{y}")
    traces, axes, notes, shapes = [], {}, [], []
    for k, name in enumerate(MAPS):
        n = k + 2  # axes 2…7; axis 1 is the diagram
        (x0, x1), (y0, y1) = _map_domains(k)
        title = t(f"fig.common.{name}", lang)
        traces.append(_heatmap_trace(name, values[name], ranges[name], n, (x1, y0, y1),
                                     f"{hover}<br>{title} = %{{z:.3f}}<extra></extra>"))
        axes[f"xaxis{n}"] = dict(domain=[x0, x1], anchor=f"y{n}", range=[0.5, T + 0.5],
                                 tickvals=ticks[0], ticktext=ticks[1], tickangle=0)
        first = k % 3 == 0  # units are labelled once per row: every map has the same units
        axes[f"yaxis{n}"] = dict(domain=[y0, y1], anchor=f"x{n}", range=[H + 0.5, 0.5],
                                 showticklabels=first, title=dict(
                                     text=t("fig.common.unit", lang) if first else "", standoff=4))
        swatch = f"<span style='color:{GATE_COLOURS[name]}'>■</span>"
        notes.append(dict(x=x0, y=y1 + 0.004, xref="paper", yref="paper", xanchor="left",
                          yanchor="bottom", showarrow=False, text=f"{swatch} <b>{title}</b>",
                          font=dict(size=17)))
        shapes.append(dict(type="rect", xref=f"x{n}", yref=f"y{n}", x0=0.5, x1=T + 0.5,
                           y0=unit + 0.5, y1=unit + 1.5,
                           line=dict(color=INK, width=1.5, dash="dot")))
    notes.append(dict(x=0, y=MAP_ROWS[0][1] + 0.045, xref="paper", yref="paper",
                      xanchor="left", yanchor="bottom", showarrow=False,
                      font=dict(size=15, color=MUTED),
                      text=t("fig.gates.maps_title", lang, unit=unit + 1)))
    return traces, axes, notes, shapes


def _heatmap_trace(name, values, zrange, n, place, hovertemplate) -> dict:
    """The heatmap of quantity ``name``, ``values`` (T, H), on axes n; its colour bar at
    ``place`` = (x, y0, y1), right of the map."""
    T, H = values.shape
    (lo, hi), (x1, y0, y1) = zrange, place
    ticktext = ["0", "0.5", "1"] if (lo, hi) == (0.0, 1.0) else [fmt(lo, 2), "0", fmt(hi, 2)]
    return dict(
        type="heatmap", xaxis=f"x{n}", yaxis=f"y{n}", hovertemplate=hovertemplate,
        x=np.arange(1, T + 1), y=np.arange(1, H + 1),  # steps and units, 1-based
        z=np.ascontiguousarray(values.T, dtype=np.float32),  # (H, T): units down, time across
        colorscale=colour_scale(name), zmin=lo, zmax=hi,
        xgap=1 if T <= 60 else 0, ygap=1 if H <= 32 else 0,
        colorbar=dict(x=x1 + 0.008, xanchor="left", y=(y0 + y1) / 2, yanchor="middle",
                      len=y1 - y0, thickness=14, outlinewidth=0, tickfont=dict(size=15),
                      tickvals=[lo, (lo + hi) / 2, hi], ticktext=ticktext),
    )


def _time_ticks(tokens, width_chars: int = 40) -> tuple[list[int], list[str]]:
    """Tick positions (1-based steps) and token labels, thinned so labels do not collide."""
    T = len(tokens)
    longest = max(len(tok) for tok in tokens) if tokens else 1
    shown = min(longest, 8)
    room = max(1, width_chars // (shown + 2))  # labels that fit under one heatmap
    every = -(-T // room)                      # ceil(T / room)
    steps = list(range(0, T, every))
    return [s + 1 for s in steps], [plain(tokens[s], 8) for s in steps]


def _marker_x(step: int) -> list[float]:
    """A frame around the column of ``step`` (0-based), which sits at x = step + 1."""
    return [step + 0.5, step + 1.5, step + 1.5, step + 0.5, step + 0.5]


def _marker_trace(k: int, step: int, H: int) -> dict:
    """The frame around the current step's column in heatmap k."""
    n = k + 2
    return dict(type="scatter", mode="lines", x=_marker_x(step),
                y=[0.5, 0.5, H + 0.5, H + 0.5, 0.5], xaxis=f"x{n}", yaxis=f"y{n}",
                line=dict(color=INK, width=3), hoverinfo="skip")


# ---- animation -------------------------------------------------------------------------------

def _frame(step: int, parts: dict) -> dict:
    """Frame ``step``: only the boxes, the state labels and the six markers change."""
    fill, text, hover = parts["boxes"][step]
    x = _marker_x(step)
    data = [dict(type="scatter", marker=dict(color=fill), text=text, hovertext=hover),
            dict(type="scatter", text=parts["states"][step])]
    data += [dict(type="scatter", x=x) for _ in MAPS]
    return dict(name=str(step), data=data,
                traces=[T_BOXES, T_STATES, *range(T_MARKS, T_MARKS + len(MAPS))])


def _animate_args(frame_ms: int) -> dict:
    # redraw=True: plotly.js re-plots every subplot with only the traces a frame names, so a
    # frame applied without a full redraw wipes the (static) heatmaps off the figure.
    return dict(mode="immediate", frame=dict(duration=frame_ms, redraw=True),
                transition=dict(duration=0))


def _play_pause(lang: str) -> dict:
    play = dict(label=t("fig.common.play", lang), method="animate",
                args=[None, dict(_animate_args(FRAME_MS), fromcurrent=True)])
    pause = dict(label=t("fig.common.pause", lang), method="animate",
                 args=[[None], _animate_args(0)])
    return dict(type="buttons", direction="left", showactive=False, buttons=[play, pause],
                x=0.0, xanchor="left", y=SLIDER_Y - 0.035, yanchor="top",
                pad=dict(t=0, r=10), font=dict(size=16))


def _slider(labels: list[str], step: int) -> dict:
    steps = [dict(label=label, method="animate", args=[[str(s)], _animate_args(0)])
             for s, label in enumerate(labels)]
    return dict(active=step, steps=steps, x=0.25, len=0.75, y=SLIDER_Y, yanchor="top",
                pad=dict(t=0, b=0), ticklen=0, minorticklen=0,
                font=dict(color="rgba(0,0,0,0)", size=1),  # no labels under the track
                currentvalue=dict(prefix="", visible=True, xanchor="left",
                                  font=dict(size=20, color=INK)))
