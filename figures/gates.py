"""The LSTM cell drawn as in Colah's picture, and its gates animated over a sequence.

``gates_figure(trace, tokens)`` shows, on top, one cell with the values of one unit at
one step (the boxes are coloured by how open each gate is) and, below, the six
quantities f, i, C̃, o, C and h as bands of one heatmap over a shared time axis: read
down a column to see what every gate did at the same step. Plotly frames move both
through the sequence in the browser: frame ``t`` restyles only the diagram's boxes and
labels and the step marker; the heatmaps are sent once.

``cell_diagram()`` is the same drawing without numbers. ``player_figures()`` splits it into
the diagram and the maps that ``ui/player.js`` steps through, sized by a :class:`Fit` for a
laptop, a projector or a phone's narrow column.

Steps and units are shown 1-based, as people count; the arguments are 0-based.

>>> import numpy as np
>>> from lstm_viz import LSTM
>>> trace = LSTM.random(input_size=2, hidden_size=3, seed=0).run(np.eye(2))
>>> fig = gates_figure(trace, ["a", "b"], unit=1, step=0)
>>> len(fig.frames)          # one frame per time step
2
>>> [len(frame.data) for frame in fig.frames]   # boxes, state labels, step marker
[3, 3]
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from figures.theme import (
    FONT_FAMILY,
    GATE_COLOURS,
    INK,
    MUTED,
    PAPER,
    TEMPLATE,
    colour_scale,
    colours_at,
    plain,
    value_range,
)
from lstm_viz.explain import fmt
from lstm_viz.gates import DISPLAY, QUANTITIES
from text.i18n import tr

__all__ = ["DIGITS", "FITS", "FRAME_MS", "HIGHLIGHTS", "NARROW_PX", "Fit", "cell_diagram",
           "gates_figure", "player_figures", "player_json", "time_ticks", "title_template"]

FRAME_MS = 600            # one step of the animation
BOXES = tuple(k for k in DISPLAY if QUANTITIES[k].is_layer)  # the four layers, left to right
MAPS = DISPLAY                                 # the six heatmap bands, top to bottom
DIGITS = {"gates": 2, "states": 3}  # decimals in the boxes; on C, h and in hovers

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

# ---- the parts cell_diagram(highlight=…) can bring forward; every other mark is faded ---------
HIGHLIGHTS = ("forget", "input", "candidate", "cell", "output", "hidden", "input+candidate")
# a highlight that brings several parts forward together: what the cell writes to C
TOGETHER = {"input+candidate": ("input", "candidate")}
FADE = 0.2                 # opacity of the marks outside the highlighted part
FADED_INK = "#C8C8C8"      # text outside it
PART_OF_BOX = {"f": "forget", "i": "input", "g": "candidate", "o": "output"}
# The part(s) each mark belongs to, in the order _lines(), _notes() and _nodes() draw them;
# "body" (the cell's grey background) is never faded.
LINE_PARTS = (("body",), ("cell",), ("hidden",), (), ("forget",), ("input",), ("candidate",),
              ("output",), ("forget",), ("input",), ("candidate",), ("input", "candidate", "cell"),
              ("output",), ("output",), ("hidden", "output"))
NOTE_PARTS = (("cell",), ("hidden",), (), ("cell",), ("hidden",), ("forget",), ("input",),
              ("candidate",), ("output",))
NODE_PARTS = (("forget", "cell"), ("cell", "input", "candidate"), ("input", "candidate", "cell"),
              ("output",), ("output",))
STATE_PARTS = (("cell",), ("cell",), ("hidden",), ("hidden",), ())

# The traces of gates_figure: the drawing's, one heatmap per band, the step marker on top.
T_OPS, T_BOXES, T_STATES, T_MAPS = 0, 1, 2, 3
T_MARK = T_MAPS + len(MAPS)
ANIMATED = (T_BOXES, T_STATES, T_MARK)  # the traces every frame restyles

# ---- layout of gates_figure, in pixels, so the drawing keeps its proportions at any H -------
MARGIN_T, MARGIN_B = 56, 40      # the title; the tokens under the time axis
DIAGRAM_PX = 360                 # the cell drawing (its y axis runs 0…360)
CONTROLS_PX = 92                 # the slider with its label, Play and Pause
NOTE_PX = 36                     # the line that says how to read the heatmaps
ROW_PX, BAND_PX = 10, (72, 120)  # a unit's row; a band's least and greatest height
GAP_PX, PAD_PX = 14, 5           # between two bands; above the first and below the last
MAP_X = (0.17, 0.925)            # x domain of the heatmaps: band names left, colour bars right
TIME_X = "x2"                    # the time axis every band shares
MARK_Y = 2 + len(MAPS)           # the bands use y axes 2…7, the step marker y axis 8


@dataclass(frozen=True)
class Fit:
    """Text sizes and room of the player's two figures for one kind of screen: a laptop's
    (the defaults, as :func:`gates_figure` draws), a phone's narrow column, a projector.

    The drawing keeps its geometry (x 0…100, y 0…360); what changes is how big the text and
    boxes are, where a label sits so it clears its neighbours, and how much of a long name
    is written out (every word stays in the hover text and the player's table).
    """

    box_px: int = BOX_PX                    # a gate box
    box_font: int = 19                      # its symbol and value
    op_px: tuple = (34, 34, 34, 46, 34)     # the × + × tanh × circles (see OPS)
    op_font: tuple = (22, 24, 22, 15, 22)
    state_font: int = 17                    # C, h and x_t with their values
    state_lift: int = 4                     # C and h labels: how far above their lines
    h_sep: str = " "                        # in "hₜ₋₁ = 0.000": "<br>" puts the value under
                                            # its name, clear of the gate lines (a phone)
    xt_at: str = "below"                    # x_t's token: "below" its arrow, "below right" (no
                                            # cut at the edge), "beside" it (no room below)
    name_font: int = 16                     # the gate names under the boxes
    name_split: str = "space"               # "space": two lines at the first space; "half":
                                            # also long unspaced (Chinese) names; "none"
    name_y: int = Y_NAME
    note_font: int = 15                     # "cell state C / long-term memory", h's role
    c_note_x: float = 60                    # where C's name sits on its line
    title_font: int = 19                    # 0: no title (the player's spoken line says it)
    wrap_titles: bool = False               # titles break at their " · "
    diagram_px: int = DIAGRAM_PX            # the drawing's height (its y axis runs 0…360)
    margin: int = 20                        # left and right, both figures
    map_x: tuple = MAP_X                    # x domain of the heatmaps
    maps_margin: tuple | None = None        # (left, right) pixels for the band names and the
                                            # colour bars, the heatmaps spanning the rest
                                            # (map_x (0, 1)): none cut at any width
    short_bands: bool = False               # bands named by their symbol alone (f, i, C̃ …)
    band_font: int = 15
    tick_font: int = 14                     # the units' and the time axis's ticks
    time_room: int = 90                     # the time axis's width, in Latin letters
    bar: tuple = (14, 13)                   # colour bar: thickness, tick font


# The player draws "narrow" below NARROW_PX of its own width (a phone: 390 px wide), and
# "projector" instead of "wide" in presentation mode: the values that matter (boxes, C, h)
# at 24 px or more, and the drawing squat enough to end above the fold at 1280×720.
FITS = {
    "wide": Fit(map_x=(0, 1), maps_margin=(160, 80)),
    "projector": Fit(maps_margin=(210, 100), box_px=84, box_font=26, op_px=(40, 40, 40, 56, 40),
                     op_font=(26, 28, 26, 19, 26), state_font=24, xt_at="beside", name_font=20,
                     name_split="none", name_y=Y_NAME - 10, note_font=19, title_font=0,
                     diagram_px=310, map_x=(0, 1), band_font=20, tick_font=18,
                     time_room=64, bar=(18, 17)),
    "narrow": Fit(box_px=44, box_font=15, op_px=(30, 30, 30, 38, 30),
                  op_font=(18, 20, 18, 13, 18), state_font=14, state_lift=19, h_sep="<br>",
                  xt_at="below right", name_font=13, name_split="half", name_y=Y_NAME + 6,
                  note_font=13, c_note_x=64, title_font=17, wrap_titles=True, margin=4,
                  map_x=(0, 1), maps_margin=(66, 66), short_bands=True, band_font=15, tick_font=13,
                  time_room=30, bar=(10, 12)),
}
NARROW_PX = 760


def cell_diagram(lang: str = "en", highlight: str | None = None) -> go.Figure:
    """The cell with no numbers: the four layers and how C and h flow (home page).

    ``highlight`` (one of :data:`HIGHLIGHTS`, or None) draws that part of the cell in
    full colour and heavier lines and fades the rest (the lessons page).
    """
    if highlight is not None and highlight not in HIGHLIGHTS:
        raise ValueError(f"highlight must be one of {', '.join(HIGHLIGHTS)} or None")
    shapes, annotations, ops = _skeleton(lang)
    tint = [colours_at([[0, "#FFFFFF"], [1, GATE_COLOURS[k]]], [0.25], 0, 1)[0]  # light
            for k in BOXES]
    boxes = _boxes_trace(tint, [QUANTITIES[k].activation for k in BOXES], None, size=56)
    states = _states_trace(["C<sub>t−1</sub>", "C<sub>t</sub>", "h<sub>t−1</sub>",
                            "h<sub>t</sub>", "x<sub>t</sub>"])
    if highlight is not None:
        _emphasise(highlight, shapes, annotations, ops, boxes, states)
    layout = dict(
        template=TEMPLATE, height=420, margin=dict(l=10, r=10, t=50, b=10),
        title=dict(text=tr("fig.cell.title", lang)), showlegend=False,
        xaxis=_diagram_axis(X_RANGE), yaxis=_diagram_axis(Y_RANGE, (0.0, 1.0)),
        shapes=shapes, annotations=annotations,
    )
    return go.Figure(data=[ops, boxes, states], layout=layout)


def gates_figure(trace, tokens, unit: int = 0, step: int = 0, lang: str = "en") -> go.Figure:
    """The animated cell over six heatmap bands (f, i, C̃, o, C, h) of a single-sequence run.

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
    data, layout, parts, bands = _drawing(trace, tokens, unit, step, lang, CONTROLS_PX)
    frames = [_frame(s, parts) for s in range(T)]
    labels = [tr("fig.gates.slider", lang, step=s + 1, token=plain(tok)) for s, tok in
              enumerate(tokens)]
    controls = bands.paper(bands.region + NOTE_PX + bands.controls)  # the top of the controls
    layout.update(updatemenus=[_play_pause(lang, controls - bands.paper(44))],
                  sliders=[_slider(labels, step, controls - bands.paper(10))])
    return go.Figure(data=data, layout=layout, frames=frames)


def player_figures(trace, tokens, unit: int = 0, step: int = 0, lang: str = "en",
                   fit: Fit = FITS["wide"]) -> tuple[go.Figure, go.Figure]:
    """What ``ui/player.js`` draws and steps through in the browser, as two figures so that
    a step redraws only what changes: the cell ``diagram`` (its boxes and state labels are
    restyled at each step) and the ``maps``: the six bands as one heatmap with no values (the
    player sends those once, as compact arrays, and fills ``z``), the step's frame and the
    unit's dashed rows drawn as shapes (moved at each step or unit; the frame is the last
    shape), and in ``layout.meta`` the names, colour bars and title the player writes beside
    it (see "the player's maps" below). Arguments as for :func:`gates_figure`; ``fit`` sizes
    the text for a kind of screen.
    """
    return tuple(go.Figure(**spec) for spec in _player_specs(trace, tokens, unit, step, lang, fit))


def player_json(trace, tokens, unit: int = 0, step: int = 0, lang: str = "en",
                fit: Fit = FITS["wide"]) -> tuple[dict, dict]:
    """:func:`player_figures` as the JSON plotly.js reads (``{"data", "layout"}``), built
    without plotly.py's figure objects and their check of every property: a tenth of the
    time, for the player builds four at every new run; the same JSON (tests/test_player.py),
    of plain dicts, lists, strings and numbers.
    """
    return _player_specs(trace, tokens, unit, step, lang, fit, plain=True)


@cache
def _template_text() -> str:
    return json.dumps(TEMPLATE, cls=PlotlyJSONEncoder)


def _template(plain: bool):
    """The figures' template: plotly.py's, or as plain JSON (a fresh copy each time)."""
    return json.loads(_template_text()) if plain else TEMPLATE


def _player_specs(trace, tokens, unit: int, step: int, lang: str, fit: Fit,
                  plain: bool = False) -> tuple[dict, dict]:
    """The two figures of :func:`player_figures` as ``{"data", "layout"}``; ``plain``: with
    the template as plain JSON, not plotly.py's object."""
    T, H = _check(trace, tokens, unit, step)
    tokens = list(tokens)
    values = {k: np.asarray(getattr(trace, k), dtype=np.float64) for k in MAPS}  # each (T, H)
    ranges = {k: value_range(k, values[k]) for k in MAPS}
    parts = _diagram_parts(trace, values, ranges, tokens, unit, lang, steps=[step],
                           h_sep=fit.h_sep)
    shapes, annotations, ops = _skeleton(lang, fit)
    top = (MARGIN_T + (24 if fit.wrap_titles else 0)) if fit.title_font else 10  # the title
    bottom = 10
    title = (dict(text=_title("fig.gates.title", lang, fit, unit=unit + 1),
                  font=dict(size=fit.title_font)) if fit.title_font else dict(text=""))
    diagram = dict(
        data=[ops, _boxes_trace(*parts["boxes"][0], size=fit.box_px, font=fit.box_font),
              _states_trace(parts["states"][0], fit)],
        layout=dict(template=_template(plain), height=top + fit.diagram_px + bottom,
                    showlegend=False,
                    margin=dict(l=fit.margin, r=fit.margin, t=top, b=bottom), title=title,
                    xaxis=_diagram_axis(X_RANGE), yaxis=_diagram_axis(Y_RANGE, (0.0, 1.0)),
                    shapes=shapes, annotations=annotations))
    maps = _player_maps(ranges, tokens, H, unit, step, lang, fit, _template(plain))
    return diagram, maps


def title_template(key: str, lang: str, fit: Fit) -> str:
    """A title of the player's figures with its ``{unit}`` left to fill in (in the browser);
    empty for the diagram of a fit that draws it without one."""
    if key == "fig.gates.title" and not fit.title_font:
        return ""
    return _title(key, lang, fit, unit="{unit}")


def _title(key: str, lang: str, fit: Fit, **values) -> str:
    """Catalogue text ``key``; on a narrow screen broken into lines at its " · "."""
    text = tr(key, lang, **values)
    return text.replace(" · ", "<br>") if fit.wrap_titles else text


def _drawing(trace, tokens, unit, step, lang, controls_px):
    """The traces and layout both figures share; ``controls_px`` kept free for Play/Pause
    and the slider above the bands."""
    T, H = trace.steps, trace.hidden_size
    tokens = list(tokens)
    values = {k: np.asarray(getattr(trace, k), dtype=np.float64) for k in MAPS}  # each (T, H)
    ranges = {k: value_range(k, values[k]) for k in MAPS}
    parts = _diagram_parts(trace, values, ranges, tokens, unit, lang)  # per-step updates
    shapes, annotations, ops = _skeleton(lang)
    bands = _Bands(H, controls_px)
    maps, axes, map_notes, map_shapes = _heatmaps(values, ranges, tokens, unit, lang, bands)
    data = [ops, _boxes_trace(*parts["boxes"][step]), _states_trace(parts["states"][step]),
            *maps, _marker_trace(step, T, bands)]
    top = bands.paper(bands.region + NOTE_PX + bands.controls)  # the diagram starts here
    layout = dict(
        template=TEMPLATE, height=bands.height, showlegend=False,
        margin=dict(l=20, r=20, t=MARGIN_T, b=MARGIN_B),
        title=dict(text=tr("fig.gates.title", lang, unit=unit + 1), y=1 - 24 / bands.height,
                   yanchor="middle"),
        xaxis=_diagram_axis(X_RANGE), yaxis=_diagram_axis(Y_RANGE, (top, 1.0)),
        **axes, shapes=shapes + map_shapes, annotations=annotations + map_notes,
    )
    return data, layout, parts, bands


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


def _skeleton(lang: str, fit: Fit = Fit()) -> tuple[list, list, dict]:
    """The static drawing: lines (shapes), arrows and names (annotations), × + tanh nodes."""
    return _lines(), _notes(lang, fit), _nodes(fit)


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


def _notes(lang: str, fit: Fit = Fit()) -> list[dict]:
    """Arrowheads where C and h leave and x_t enters; the names of the lines and boxes."""
    c, h = GATE_COLOURS["c"], GATE_COLOURS["h"]
    notes = [
        _arrow(100, Y_C, 94, Y_C, c), _arrow(100, Y_BUS, 94, Y_BUS, h),
        _arrow(X_IN, Y_BUS - 8, X_IN, 22, MUTED),
        _label(fit.c_note_x, Y_C - 10, _two_lines("c", lang), size=fit.note_font, yanchor="top"),
        _label(99.5, Y_BUS - 6, _two_lines("h", lang), size=fit.note_font, xanchor="right",
               yanchor="top", align="right"),
    ]
    return notes + [_label(GATE_X[k], fit.name_y, _gate_name(k, lang, fit.name_split),
                           size=fit.name_font, colour=INK, bgcolor=CELL_FILL) for k in BOXES]


def _gate_name(k: str, lang: str, split: str) -> str:
    """The name under box ``k``: on two lines at its first space ("space"), and a long name
    without one (Chinese) also halved ("half"); or on one line ("none")."""
    name = tr(f"fig.cell.{k}", lang)
    if split == "none":
        return name
    if " " in name:
        return name.replace(" ", "<br>", 1)
    if split == "half" and _width(name) > max(6, len(name)):  # wide characters: Chinese
        return f"{name[:len(name) // 2]}<br>{name[len(name) // 2:]}"
    return name


def _nodes(fit: Fit = Fit()) -> dict:
    """The × + tanh operations, as white circles."""
    xs, ys, text = map(list, zip(*OPS, strict=True))
    return dict(type="scatter", x=xs, y=ys, text=text, mode="markers+text", hoverinfo="skip",
                marker=dict(size=list(fit.op_px), color="#FFFFFF",
                            line=dict(color=INK, width=2)),
                textfont=dict(size=list(fit.op_font), color=INK), xaxis="x", yaxis="y")


def _emphasise(part: str, shapes, annotations, ops, boxes, states) -> None:
    """Bring ``part`` (or the parts it names together) of the cell diagram forward and fade
    the rest, in place."""
    wanted = set(TOGETHER.get(part, (part,)))
    for shape, parts in zip(shapes, LINE_PARTS, strict=True):
        if wanted & set(parts):
            shape["line"] = dict(shape["line"], width=shape["line"]["width"] + 3)
        elif "body" not in parts:
            shape["opacity"] = FADE
    for note, parts in zip(annotations, NOTE_PARTS, strict=True):
        if wanted & set(parts):
            note["font"] = dict(note.get("font", {}), color=INK)
            note["text"] = note["text"] and f"<b>{note['text']}</b>"
        else:
            note["opacity"] = FADE
    on = [bool(wanted & set(parts)) for parts in NODE_PARTS]
    ops["marker"] = dict(ops["marker"], opacity=[1.0 if o else FADE for o in on],
                         line=dict(color=INK, width=[4 if o else 2 for o in on]))
    ops["textfont"] = dict(ops["textfont"], color=[INK if o else FADED_INK for o in on])
    on = [PART_OF_BOX[k] in wanted for k in BOXES]
    marker = boxes["marker"]
    boxes["marker"] = dict(marker, opacity=[1.0 if o else FADE for o in on],
                           color=[GATE_COLOURS[k] if o else fill for k, fill, o
                                  in zip(BOXES, marker["color"], on, strict=True)],
                           line=dict(marker["line"], width=[8 if o else 2 for o in on]))
    boxes["textfont"] = dict(boxes["textfont"], color=[BOX_INK if o else FADED_INK for o in on])
    states["textfont"] = dict(states["textfont"], color=[INK if wanted & set(parts)
                                                          else FADED_INK for parts in STATE_PARTS])


def _two_lines(name: str, lang: str) -> str:
    """E.g. "cell state C" over "long-term memory"."""
    return f"{tr(f'fig.common.{name}', lang)}<br>{tr(f'fig.cell.{name}_role', lang)}"


def _boxes_trace(fill, text, hover, size=BOX_PX, font=19) -> dict:
    """The boxes of the four layers f, i, C̃, o (three gates and the candidate): fill
    colours, text inside, hover text.

    The text is always black: it keeps a contrast of at least 4:1 on every fill, from
    white to the full colour of any gate (and the grey of negative values).
    """
    return dict(type="scatter", x=[GATE_X[k] for k in BOXES], y=[Y_GATE] * 4,
                mode="markers+text", text=list(text), textposition="middle center",
                textfont=dict(size=font, color=BOX_INK),
                marker=dict(symbol="square", size=size, color=list(fill),
                            line=dict(color=[GATE_COLOURS[k] for k in BOXES], width=4)),
                hovertext=list(hover) if hover else None,
                hoverinfo="text" if hover else "skip", xaxis="x", yaxis="y")


def _states_trace(text, fit: Fit = Fit()) -> dict:
    """C_{t-1}, C_t, h_{t-1}, h_t on their lines and x_t under its arrow."""
    y_c, y_h = Y_C + fit.state_lift, Y_BUS + 4
    x_in, y_in, xt_at = {"below": (X_IN, 20, "bottom center"),
                         "below right": (X_IN - 2, 20, "bottom right"),
                         "beside": (X_IN + 1, 40, "middle right")}[fit.xt_at]
    return dict(type="scatter", mode="text", text=list(text), hoverinfo="skip",
                x=[0.5, 99.5, 0.5, 99.5, x_in], y=[y_c, y_c, y_h, y_h, y_in],
                textposition=["top right", "top left", "top right", "top left", xt_at],
                textfont=dict(size=fit.state_font, color=INK), xaxis="x", yaxis="y")


def _diagram_parts(trace, values, ranges, tokens, unit, lang, steps=None,
                   h_sep=" ") -> dict:
    """For every step (or only ``steps``, in that order), what the boxes and the state
    labels show; ``h_sep`` between "hₜ =" and its value (:attr:`Fit.h_sep`)."""
    steps = list(range(len(tokens)) if steps is None else steps)
    fills = {k: colours_at(colour_scale(k), values[k][steps, unit], *ranges[k]) for k in BOXES}
    names = {k: tr(f"fig.common.{k}", lang) for k in BOXES}
    boxes, states = [], []
    c_prev, h_prev = trace.c_prev[:, unit], trace.h_prev[:, unit]
    c, h = values["c"][:, unit], values["h"][:, unit]
    for n, s in enumerate(steps):
        v = {k: float(values[k][s, unit]) for k in BOXES}
        boxes.append(([fills[k][n] for k in BOXES],
                      [f"<b>{QUANTITIES[k].symbol}</b><br>{fmt(v[k], 2)}" for k in BOXES],
                      [f"{names[k]} = {fmt(v[k], 3)}" for k in BOXES]))
        states.append([f"C<sub>t−1</sub> = {fmt(c_prev[s], 3)}", f"C<sub>t</sub> = {fmt(c[s], 3)}",
                       f"h<sub>t−1</sub> ={h_sep}{fmt(h_prev[s], 3)}",
                       f"h<sub>t</sub> ={h_sep}{fmt(h[s], 3)}",
                       f"x<sub>t</sub>: {plain(tokens[s], 16)}"])
    return dict(boxes=boxes, states=states)


# ---- the heatmaps: six bands over one time axis ----------------------------------------------
#
# One subplot: the time axis x2 (steps 1…T) is shared by six bands stacked top to bottom.
# Each band has its own y axis (units 1…H, so hover reads the unit from %{y}); the axes of
# bands 2…6 overlay the first, their ranges shifted so that each band lands in its own strip.
# The step marker has a last overlaying axis, in pixels from the top, and is drawn above all.

@dataclass(frozen=True)
class _Bands:
    """Heights, in pixels, of gates_figure for ``H`` units, and where the six bands sit."""

    H: int
    controls: int = CONTROLS_PX  # room for Play/Pause and the slider (0: none)
    diagram: int = DIAGRAM_PX    # room for the cell drawing (0: drawn apart)

    @property
    def band(self) -> int:
        """One band: ROW_PX a unit, within BAND_PX."""
        low, high = BAND_PX
        return int(min(max(ROW_PX * self.H, low), high))

    @property
    def region(self) -> int:
        """All bands with their gaps and padding."""
        return 2 * PAD_PX + len(MAPS) * self.band + (len(MAPS) - 1) * GAP_PX

    @property
    def plot(self) -> int:
        """The plot area: drawing, controls, note and bands."""
        return self.diagram + self.controls + NOTE_PX + self.region

    @property
    def height(self) -> int:
        return MARGIN_T + self.plot + MARGIN_B

    def top(self, k: int) -> int:
        """Pixels from the top of the bands' region to the top of band k."""
        return PAD_PX + k * (self.band + GAP_PX)

    def paper(self, px: float) -> float:
        """A height in pixels above the bottom of the plot area, as a fraction of it."""
        return px / self.plot


# The six-band figure (gates_figure: the HTML download) has one layout, the default fit's.
SIX_BANDS = Fit()


def _heatmaps(values, ranges, tokens, unit, lang, bands: _Bands):
    """The six band traces, their axes, their names and the dashed rows of ``unit``."""
    T, fit = len(tokens), SIX_BANDS
    hover = tr("fig.common.hover", lang, step="%{x:d}", unit="%{y:d}")  # numbers, not tick text
    traces, notes, shapes = [], [], []
    axes = {"xaxis2": _time_axis(tokens, fit)}
    for k, name in enumerate(MAPS):
        n = k + 2  # y axes 2…7; axis 1 is the diagram
        title = tr(f"fig.common.{name}", lang)
        traces.append(_heatmap_trace(name, values[name], ranges[name], n, _colourbar(k, bands),
                                     f"{hover}<br>{title} = %{{z:.{DIGITS['states']}f}}"
                                     "<extra></extra>"))
        axes[f"yaxis{n}"] = _band_axis(k, bands)
        notes.append(_band_name(name, title, n, bands.H))
        shapes.append(dict(type="rect", xref=TIME_X, yref=f"y{n}", x0=0.5, x1=T + 0.5,
                           y0=unit + 0.5, y1=unit + 1.5,
                           line=dict(color=INK, width=1.5, dash="dot")))
    axes[f"yaxis{MARK_Y}"] = dict(overlaying="y2", anchor=TIME_X, range=[bands.region, 0],
                                  visible=False, fixedrange=True)
    notes.append(dict(x=0, y=bands.paper(bands.region + 8), xref="paper",
                      yref="paper", xanchor="left", yanchor="bottom", showarrow=False, align="left",
                      font=dict(size=fit.band_font, color=MUTED),
                      text=_title("fig.gates.maps_title", lang, fit, unit=unit + 1)))
    return traces, axes, notes, shapes


# The maps' tick labels fit where they are (time_ticks thins the tokens, the margins hold the
# unit numbers and the colour bars): plotly.js's default, "hide past div", would measure every
# label again at each redraw (in the six-band figure's eight axes and six colour bars, a tenth
# of a new run's redraw in the player before its maps became one heatmap).
LABELS_FIT = "allow"


def _time_axis(tokens, fit: Fit = Fit()) -> dict:
    """Steps 1…T across the full width, labelled with their tokens (as many as fit)."""
    tickvals, ticktext = time_ticks(tokens, fit.time_room)
    axis = dict(domain=list(fit.map_x), anchor="y2", range=[0.5, len(tokens) + 0.5],
                tickvals=tickvals, ticktext=ticktext, tickangle=0, ticks="outside", ticklen=4,
                ticklabeloverflow=LABELS_FIT,
                tickcolor=MUTED)
    if fit.tick_font != FITS["wide"].tick_font:
        axis["tickfont"] = dict(size=fit.tick_font)
    return axis


def _band_axis(k: int, bands: _Bands) -> dict:
    """Band k's y axis: units 1…H downwards, its range shifted so the band fills its strip."""
    H, top = bands.H, bands.top(k)
    per_px = H / bands.band  # units per pixel
    axis = dict(anchor=TIME_X, range=[0.5 + (bands.region - top) * per_px, 0.5 - top * per_px],
                fixedrange=True, tickvals=sorted({1, H}) if H > 1 else [],  # 1 would touch the name
                ticklabeloverflow=LABELS_FIT,
                tickfont=dict(size=SIX_BANDS.tick_font, color=MUTED))
    if k == 0:
        axis["domain"] = [0.0, bands.paper(bands.region)]
    else:
        axis["overlaying"] = "y2"
    return axis


def _band_name(name: str, title: str, n: int, H: int) -> dict:
    """The band's name, left of its middle row, after a swatch of its colour."""
    swatch = f"<span style='color:{GATE_COLOURS[name]}'>■</span>"
    return dict(x=SIX_BANDS.map_x[0], xref="paper", xanchor="right", xshift=-26, y=(H + 1) / 2,
                yref=f"y{n}", yanchor="middle", showarrow=False,
                font=dict(size=SIX_BANDS.band_font),
                text=f"{swatch} <b>{title}</b>")


def _colourbar(k: int, bands: _Bands) -> tuple[float, float]:
    """(middle, length) of band k's colour bar, as fractions of the plot area's height."""
    middle = bands.region - bands.top(k) - bands.band / 2
    return bands.paper(middle), bands.paper(bands.band)


def _heatmap_trace(name, values, zrange, n, colourbar, hovertemplate) -> dict:
    """The band of quantity ``name``, ``values`` (T, H), on y axis n; its colour bar right
    of it at ``colourbar`` = (middle, length)."""
    T, H = values.shape
    (lo, hi), (middle, length) = zrange, colourbar
    fit = SIX_BANDS
    trace = dict(
        type="heatmap", xaxis=TIME_X, yaxis=f"y{n}", hovertemplate=hovertemplate,
        x0=1, dx=1, y0=1, dy=1,  # steps and units, 1-based
        z=np.ascontiguousarray(values.T, dtype=np.float32),  # (H, T): units down, time across
        colorscale=colour_scale(name), zmin=lo, zmax=hi,
        xgap=1 if T <= 60 else 0, ygap=1 if H <= 16 else 0,
        colorbar=dict(x=fit.map_x[1] + 0.008, xanchor="left", y=middle, yanchor="middle",
                      len=length, thickness=fit.bar[0], outlinewidth=0,
                      ticklabeloverflow=LABELS_FIT, tickfont=dict(size=fit.bar[1]),
                      tickvals=[lo, (lo + hi) / 2, hi], ticktext=_bar_ticks(lo, hi)),
    )
    return trace


def _bar_ticks(lo: float, hi: float) -> list[str]:
    """A colour bar's labels at ``lo``, the middle and ``hi``."""
    return ["0", "0.5", "1"] if (lo, hi) == (0.0, 1.0) else [fmt(lo, 2), "0", fmt(hi, 2)]


# ---- the player's maps: the six bands as one heatmap --------------------------------------
#
# A new run redraws the maps, and plotly.js redraws one heatmap of evenly spaced rows with no
# gaps in a fraction of the time of six bands on six overlaid axes with their colour bars
# (it draws one pixel a cell and lets the browser scale the picture, where bricks of other
# sizes, or with gaps, are painted one by one at full size and encoded as a PNG). So the
# player's maps are one heatmap: its rows are the six bands' units with a few empty rows
# between two bands, its y axis counts rows, and its one colour scale is the six bands'
# scales side by side, band k's on [k, k + SPREAD] of 0…6. The browser maps a value v of
# band k to k + SPREAD·(v − lo)/(hi − lo) (``meta.ranges``) and writes each cell's hover
# text. The lines between cells are one white path drawn over the heatmap, under the
# unit's dashed rows and the step's frame; the bands' names, their colour bars and the
# maps' title are the page's own elements beside it (:func:`_map_labels`).

SPREAD = 0.999  # of its unit of the joint scale, what a band's colours fill (the rest: a seam)
PLAYER_X = "x"  # the player's maps have one time axis and one y axis
BAR_PAD = (12, 10)  # a colour bar: pixels right of the heatmap; in from its band's top and bottom


@dataclass(frozen=True)
class _Rows:
    """The player's heatmap for ``H`` units: each band's H rows, then ``gap`` empty rows, in
    turn; a row ``px`` pixels high (a band as tall as in gates_figure, the gap near GAP_PX)."""

    H: int

    @property
    def px(self) -> float:
        return _Bands(self.H).band / self.H

    @property
    def gap(self) -> int:
        return max(1, round(GAP_PX / self.px))

    @property
    def count(self) -> int:
        return len(MAPS) * self.H + (len(MAPS) - 1) * self.gap

    @property
    def region(self) -> float:
        """Pixels from the first band's top to the last band's bottom, with PAD_PX around."""
        return self.count * self.px + 2 * PAD_PX

    def first(self, k: int) -> int:
        """The row of band k's first unit."""
        return k * (self.H + self.gap)

    def top(self, k: int) -> float:
        """Pixels from the top of the region to the top of band k."""
        return PAD_PX + self.first(k) * self.px


def joint_scale(names=MAPS) -> list[list]:
    """The colour scales of bands ``names`` as one: band k's on [k, k + SPREAD] / len(names)."""
    n = len(names)
    scale = [[(k + p * SPREAD) / n, colour] for k, name in enumerate(names)
             for p, colour in colour_scale(name)]
    return scale + [[1.0, scale[-1][1]]]


def _grid(T: int, rows: _Rows) -> list[dict]:
    """White lines between the cells, as the six bands' gaps drew them: between steps up to
    60 steps, between units up to 16 units (none beyond: no room for them)."""
    path = []
    for k in range(len(MAPS)):
        top, bottom = rows.first(k) - 0.5, rows.first(k) + rows.H - 0.5
        if T <= 60:
            path += [f"M{s + 0.5},{top}V{bottom}" for s in range(1, T)]
        if rows.H <= 16:
            path += [f"M0.5,{top + u}H{T + 0.5}" for u in range(1, rows.H)]
    if not path:
        return []
    return [dict(type="path", xref=PLAYER_X, yref="y", path="".join(path),
                 line=dict(color=PAPER, width=1))]


def _player_maps(ranges, tokens, H: int, unit: int, step: int, lang: str, fit: Fit,
                 template=TEMPLATE) -> dict:
    """The player's maps with no values: one heatmap of six bands (see above); as shapes, the
    lines between its cells, the unit's dashed rows and the step's frame (the frame last,
    the six dashed rows before it); the labels to write beside it in ``layout.meta``."""
    T, rows = len(tokens), _Rows(H)
    plot = NOTE_PX + rows.region  # the plot area: the note (the title) above the bands
    hover = tr("fig.common.hover", lang, step="{step}", unit="{unit}")
    heatmap = dict(
        type="heatmap", x0=1, dx=1, y0=0, dy=1, zmin=0, zmax=len(MAPS), colorscale=joint_scale(),
        showscale=False, hoverongaps=False, hovertemplate="%{text}<extra></extra>",
        meta=dict(ranges=[list(ranges[k]) for k in MAPS], spread=SPREAD, gap=rows.gap,
                  hover=[f"{hover}<br>{tr(f'fig.common.{k}', lang)} = {{value}}" for k in MAPS]))
    units = sorted({0, H - 1}) if H > 1 else []  # a band's first and last unit (1 alone would
    pad = PAD_PX / rows.px                       # touch the band's name)
    y = dict(anchor=PLAYER_X, domain=[0.0, rows.region / plot], fixedrange=True,
             range=[rows.count - 0.5 + pad, -0.5 - pad],
             tickvals=[rows.first(k) + u for k in range(len(MAPS)) for u in units],
             ticktext=[str(u + 1) for _ in MAPS for u in units],
             ticklabeloverflow=LABELS_FIT, tickfont=dict(size=fit.tick_font, color=MUTED))
    x = dict(_time_axis(tokens, fit), anchor="y")
    dashed = [dict(type="rect", xref=PLAYER_X, yref="y", x0=0.5, x1=T + 0.5,
                   y0=rows.first(k) + unit - 0.5, y1=rows.first(k) + unit + 0.5,
                   line=dict(color=INK, width=1.5, dash="dot")) for k in range(len(MAPS))]
    frame = dict(type="rect", xref=PLAYER_X, yref="paper", x0=step + 0.5, x1=step + 1.5,
                 y0=(PAD_PX - 2) / plot, y1=(rows.region - PAD_PX + 2) / plot,
                 line=dict(color=INK, width=3 if T <= 100 else 2))
    top = 10 + (36 if fit.wrap_titles else 0)  # the maps' title on three lines
    left, right = fit.maps_margin or (fit.margin, fit.margin)
    layout = dict(template=template, height=round(top + plot + MARGIN_B), showlegend=False,
                  margin=dict(l=left, r=right, t=top, b=MARGIN_B), xaxis=x, yaxis=y,
                  shapes=_grid(T, rows) + dashed + [frame])
    layout["meta"] = _map_labels(ranges, rows, lang, fit, top=top + NOTE_PX, left=left,
                                 right=right)
    return dict(data=[heatmap], layout=layout)


def _map_labels(ranges, rows: _Rows, lang: str, fit: Fit, top: int, left: int,
                right: int) -> dict:
    """What the player writes beside its maps as page elements, in pixels from the figure's
    top left (``top``: the bands' top; ``left``, ``right``: the margins): each band's name
    left of it, its colour bar right of it, and where the maps' title goes above them (its
    text is the header's ``maps_title``, from title_template, with the unit filled in).
    plotly.js would measure these seven notes and six colour bars again at each new run; the
    page's elements are laid out by the browser in well under a millisecond."""
    names = [dict(text=QUANTITIES[k].symbol if fit.short_bands else
                  tr(f"fig.common.{k}", lang), colour=GATE_COLOURS[k], size=fit.band_font,
                  middle=top + rows.top(n) + rows.H * rows.px / 2, right=left - 26)
             for n, k in enumerate(MAPS)]
    bars = [dict(top=top + rows.top(n) + BAR_PAD[1], height=rows.H * rows.px - 2 * BAR_PAD[1],
                 left=BAR_PAD[0] - right,
                 width=fit.bar[0], size=fit.bar[1], scale=colour_scale(k),
                 ticks=_bar_ticks(*ranges[k]))
            for n, k in enumerate(MAPS)]
    title = dict(colour=MUTED, size=fit.band_font, bottom=top - 8, left=fit.margin)
    return dict(names=names, bars=bars, title=title, family=FONT_FAMILY)


def _width(text: str) -> int:
    """Width of ``text`` in Latin letters: a Chinese character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def time_ticks(tokens, room: int = 90) -> tuple[list[int], list[str]]:
    """Tick positions (1-based steps) and token labels, thinned so labels do not collide on
    a time axis ``room`` Latin letters wide."""
    T = len(tokens)
    widest = max((_width(tok[:8]) for tok in tokens), default=1)
    every = -(-T // max(1, room // (widest + 2)))  # ceil(T / labels that fit)
    steps = range(0, T, every)
    return [s + 1 for s in steps], [plain(tokens[s], 8) for s in steps]


def _marker_x(step: int) -> list[float]:
    """A frame around the column of ``step`` (0-based), which sits at x = step + 1."""
    return [step + 0.5, step + 1.5, step + 1.5, step + 0.5, step + 0.5]


def _marker_trace(step: int, step_count: int, bands: _Bands) -> dict:
    """The frame around the current step's column, down through all six bands."""
    y0, y1 = PAD_PX - 2, bands.region - PAD_PX + 2  # pixels from the top, just outside the bands
    return dict(type="scatter", mode="lines", x=_marker_x(step), y=[y0, y0, y1, y1, y0],
                xaxis=TIME_X, yaxis=f"y{MARK_Y}", hoverinfo="skip",
                line=dict(color=INK, width=3 if step_count <= 100 else 2))  # thin on thin columns


# ---- animation -------------------------------------------------------------------------------

def _frame(step: int, parts: dict) -> dict:
    """Frame ``step``: only the boxes, the state labels and the step marker change."""
    fill, text, hover = parts["boxes"][step]
    data = [dict(type="scatter", marker=dict(color=fill), text=text, hovertext=hover),
            dict(type="scatter", text=parts["states"][step]),
            dict(type="scatter", x=_marker_x(step))]
    return dict(name=str(step), data=data, traces=list(ANIMATED))


def _animate_args(frame_ms: int) -> dict:
    # redraw=True: plotly.js re-plots every subplot with only the traces a frame names, so a
    # frame applied without a full redraw wipes the (static) heatmaps off the figure.
    return dict(mode="immediate", frame=dict(duration=frame_ms, redraw=True),
                transition=dict(duration=0))


def _play_pause(lang: str, y: float) -> dict:
    play = dict(label=tr("fig.common.play", lang), method="animate",
                args=[None, dict(_animate_args(FRAME_MS), fromcurrent=True)])
    pause = dict(label=tr("fig.common.pause", lang), method="animate",
                 args=[[None], _animate_args(0)])
    return dict(type="buttons", direction="left", showactive=False, buttons=[play, pause],
                x=0.0, xanchor="left", y=y, yanchor="top",
                pad=dict(t=0, r=10), font=dict(size=16))


def _slider(labels: list[str], step: int, y: float) -> dict:
    steps = [dict(label=label, method="animate", args=[[str(s)], _animate_args(0)])
             for s, label in enumerate(labels)]
    return dict(active=step, steps=steps, x=0.25, len=0.75, y=y, yanchor="top",
                pad=dict(t=0, b=0), ticklen=0, minorticklen=0,
                font=dict(color="rgba(0,0,0,0)", size=1),  # no labels under the track
                currentvalue=dict(prefix="", visible=True, xanchor="left",
                                  font=dict(size=20, color=INK)))
