"""The one place for colours, fonts and layout defaults of every figure.

Figures pass ``template=TEMPLATE``; plotly's process-wide default is never changed
(the server is shared by every learner).

Each of the six quantities of a cell keeps its colour everywhere:

    f forget gate   blue            i input gate    sage green
    g candidate C̃   orange          o output gate   violet
    c cell state    rust            h hidden state  sky blue

f, g and h are Okabe–Ito colours; i, o, c and the negative grey were chosen (by a search
over sRGB) so that every pair that must differ — two quantities, or a quantity and the
negative grey, at full strength and at half strength on white — stays at least 12 (full)
and 7.5 (half) apart in CAM02-UCS under simulated deuteranopia, protanopia and
tritanopia as well as for normal vision. Okabe–Ito's own green and pink turned as grey
as the negative values under deuteranopia, and its orange and vermillion the same olive.
Every colour keeps black text at a contrast of at least 4:1.
tests/test_figures_theme.py measures all of this with colorspacious.

Heatmaps of the sigmoid gates (0…1) run from white to the gate's colour; the signed
quantities g, c, h run grey (negative) – white (0) – the quantity's colour
(positive) over a range symmetric around 0.

>>> colour_at(colour_scale("f"), 1.0, 0.0, 1.0)
'#0072B2'
>>> plain("<b>x</b>")
'&lt;b&gt;x&lt;/b&gt;'
"""

from __future__ import annotations

import html
import unicodedata

import numpy as np
import plotly.graph_objects as go

from lstm_viz.gates import DISPLAY, QUANTITIES, SIGMOID_GATES

__all__ = ["BASE_SIZE", "FONT_FAMILY", "GATE_COLOURS", "GRID", "INK", "MUTED", "NEGATIVE",
           "OKABE_ITO", "PAPER", "PRIMARY", "TEMPLATE", "colour_at", "colour_scale", "colours_at",
           "contrast", "plain", "tick_angles", "value_range", "wide"]

# The Okabe–Ito palette (Okabe & Ito, 2008): the colours a figure gives meaning to.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
GATE_COLOURS = {  # one colour per quantity of the gate table (lstm_viz.gates.DISPLAY)
    "f": OKABE_ITO["blue"],
    "i": "#69A578",  # sage green (Okabe–Ito's bluish green turned grey under deuteranopia)
    "g": OKABE_ITO["orange"],
    "o": "#A569FF",  # violet (reddish purple, likewise)
    "c": "#C35A0F",  # rust (vermillion looked like the orange under deuteranopia)
    "h": OKABE_ITO["sky blue"],
}
# The app's accent colour (sliders, buttons, links). Streamlit reads it from
# .streamlit/config.toml ([theme] primaryColor) before any Python runs, so it is written
# there too; tests/test_figures_theme.py fails when the two differ.
PRIMARY = OKABE_ITO["blue"]
SIGMOID = SIGMOID_GATES  # values in (0, 1), "how open": white to the gate's colour
NEGATIVE = "#787887"       # the negative end of every diverging scale: a bluish grey
INK = "#1A1A1A"            # text
MUTED = "#5A5A5A"          # secondary text and the input bus; Streamlit's grey text (config.toml)
PAPER = "#FFFFFF"
GRID = "#E6E6E6"           # grid lines, where a figure has them

# Chinese-capable fonts first (their Latin glyphs are fine), then common Latin ones.
FONT_FAMILY = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
               '"Noto Sans", "Helvetica Neue", Arial, sans-serif')
BASE_SIZE = 16  # px; projector-readable

TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT_FAMILY, size=BASE_SIZE, color=INK),
    paper_bgcolor=PAPER,
    plot_bgcolor=PAPER,
    colorway=[GATE_COLOURS[k] for k in DISPLAY],
    hoverlabel=dict(font=dict(family=FONT_FAMILY, size=BASE_SIZE), bgcolor="#FFFFFF"),
    title=dict(font=dict(size=BASE_SIZE + 4), x=0.0, xanchor="left"),
    xaxis=dict(showgrid=False, zeroline=False, ticks="", tickfont=dict(size=BASE_SIZE - 1)),
    yaxis=dict(showgrid=False, zeroline=False, ticks="", tickfont=dict(size=BASE_SIZE - 1)),
    margin=dict(l=60, r=30, t=50, b=50),
))


def colour_scale(name: str) -> list[list]:
    """The heatmap colour scale of ``name`` (one of f, i, g, o, c, h)."""
    colour = GATE_COLOURS[name]
    if name in SIGMOID:
        return [[0.0, PAPER], [1.0, colour]]
    return [[0.0, NEGATIVE], [0.5, PAPER], [1.0, colour]]


def value_range(name: str, values) -> tuple[float, float]:
    """(zmin, zmax) for ``name``: (0, 1) for a sigmoid gate, else (−m, m), m = max |value|."""
    if name in SIGMOID:
        return QUANTITIES[name].low, QUANTITIES[name].high
    m = float(np.max(np.abs(values))) if np.size(values) else 0.0
    m = m if m > 0 and np.isfinite(m) else 1.0
    return -m, m


def _rgb(colour: str) -> np.ndarray:
    colour = colour.lstrip("#")
    return np.array([int(colour[k:k + 2], 16) for k in (0, 2, 4)], dtype=float)


def colours_at(scale: list[list], values, lo: float, hi: float) -> list[str]:
    """The colours ``scale`` gives ``values`` on the range [lo, hi], as ``"#RRGGBB"`` (the
    shortest form plotly.js reads: the player sends a table of them with every run)."""
    s = np.asarray(values, dtype=float).reshape(-1)
    s = np.full_like(s, 0.5) if hi <= lo else np.clip((s - lo) / (hi - lo), 0.0, 1.0)
    stops = [p for p, _ in scale]
    rgb = np.array([_rgb(c) for _, c in scale])  # (stops, 3)
    channels = np.rint([np.interp(s, stops, rgb[:, k]) for k in range(3)]).astype(int)  # (3, n)
    return [f"#{r:02X}{g:02X}{b:02X}" for r, g, b in channels.T]


def colour_at(scale: list[list], value: float, lo: float, hi: float) -> str:
    """The colour ``scale`` gives one ``value`` on the range [lo, hi]."""
    return colours_at(scale, [value], lo, hi)[0]


def contrast(colour_a: str, colour_b: str) -> float:
    """WCAG contrast ratio of two colours (hex or ``"rgb(r,g,b)"``): 1 (none) … 21."""
    la, lb = sorted((_luminance(colour_a), _luminance(colour_b)))
    return (lb + 0.05) / (la + 0.05)


def _luminance(colour: str) -> float:
    rgb = (np.array([float(v) for v in colour[4:-1].split(",")]) if colour.startswith("rgb(")
           else _rgb(colour)) / 255
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ [0.2126, 0.7152, 0.0722])


def plain(text, max_len: int = 12) -> str:
    """User text made safe for a Plotly string: shown exactly as typed, never as markup.

    Plotly reads a subset of HTML (``<b>``, ``<br>``, ``<a href>``) and ``$…$`` as LaTeX
    in text, tick labels and hover; escaping ``&``, ``<``, ``>`` and ``$`` turns them back
    into ordinary characters. Text longer than ``max_len`` characters ends in "…".

    >>> plain("$x$ & <i>")
    '&#36;x&#36; &amp; &lt;i&gt;'
    >>> plain("internationalisation", max_len=6)
    'inter…'
    """
    text = str(text)
    if len(text) > max_len:
        text = text[:max_len - 1] + "…"
    return html.escape(text, quote=False).replace("$", "&#36;")


def wide(token: str) -> bool:
    """True for a token of Chinese (or other full-width) characters."""
    return all(unicodedata.east_asian_width(ch) in "WF" for ch in token)


def tick_angles(tokens) -> dict:
    """How a time axis's token labels are set: Chinese stays upright (never turned on its
    side); other labels lie level where they fit and turn only where they would run
    together (a phone's narrow chart)."""
    if all(wide(tok) for tok in tokens):
        return dict(tickangle=0)
    return dict(autotickangles=[0, -50, -90])
