"""figures.theme: one template, colour-blind-safe gate colours, scales, safe user text."""

import doctest
import itertools
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: its backport (requirements-dev.txt)
    import tomli as tomllib
from colorspacious import cspace_convert

import figures.theme as theme
from figures.theme import (
    GATE_COLOURS,
    NEGATIVE,
    OKABE_ITO,
    PRIMARY,
    TEMPLATE,
    colour_at,
    colour_scale,
    colours_at,
    contrast,
    plain,
    value_range,
)
from lstm_viz.gates import DISPLAY, QUANTITIES

ROOT = Path(__file__).resolve().parents[1]
PALETTE = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#000000"}  # Okabe & Ito (2008), written out here as the reference


def test_template_is_large_white_and_reads_chinese():
    assert isinstance(TEMPLATE, go.layout.Template)
    layout = TEMPLATE.layout
    assert layout.font.size >= 15
    assert layout.paper_bgcolor.upper() == "#FFFFFF" and layout.plot_bgcolor.upper() == "#FFFFFF"
    family = layout.font.family
    assert "Noto Sans CJK SC" in family and family.rstrip().endswith("sans-serif")
    assert any(name in family for name in ("Microsoft YaHei", "PingFang SC"))


def test_the_process_wide_default_template_is_left_alone():
    # A fresh interpreter: streamlit (imported by other tests) changes the default itself.
    code = ("import plotly.io as pio, figures, numpy as np; from lstm_viz import LSTM; "
            "tr = LSTM.random(1, 2).run(np.ones((2, 1))); "
            "fig = figures.gates_figure(tr, ['a', 'b']); "
            "print(pio.templates.default, fig.layout.template.layout.font.size)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.split() == ["plotly", str(TEMPLATE.layout.font.size)]


def test_gate_colours_are_six_distinct_colours_f_g_h_from_okabe_ito():
    assert set(GATE_COLOURS) == {"i", "f", "g", "o", "c", "h"}
    assert len(set(GATE_COLOURS.values())) == 6
    assert {GATE_COLOURS[k] for k in "fgh"} <= PALETTE
    assert GATE_COLOURS["f"] == "#0072B2"


# ---- colour vision: measured, not judged by eye ----------------------------------------------
VISIONS = (None, "deuteranomaly", "protanomaly", "tritanomaly")  # severity 100: -anopia
MIN_FULL, MIN_HALF = 12.0, 7.5  # CAM02-UCS ΔE′; about 1 is just noticeable


def _ucs(colour: str, vision: str | None) -> np.ndarray:
    rgb = theme._rgb(colour) / 255
    if vision is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
        rgb = np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def _half(colour: str) -> str:
    """The colour halfway to white, as a heatmap shows a half-open gate."""
    mixed = (theme._rgb(colour) + 255) / 2
    return "#" + "".join(f"{int(round(v)):02X}" for v in mixed)


def _closest(gates: dict, negative: str, shade=lambda c: c) -> tuple[float, str]:
    """The smallest distance, over every vision, between two colours a reader must tell
    apart: two quantities, or a quantity and the negative end of the diverging scales."""
    named = {**gates, "negative": negative}
    return min((float(np.linalg.norm(_ucs(shade(named[a]), v) - _ucs(shade(named[b]), v))),
                f"{a}/{b} {v}")
               for a, b in itertools.combinations(named, 2) for v in VISIONS)


def test_gates_and_negative_grey_stay_apart_under_colour_blindness():
    distance, pair = _closest(GATE_COLOURS, NEGATIVE)
    assert distance >= MIN_FULL, pair


def test_half_open_gates_stay_apart_under_colour_blindness():
    distance, pair = _closest(GATE_COLOURS, NEGATIVE, _half)
    assert distance >= MIN_HALF, pair


def test_the_colour_blindness_check_fails_the_old_okabe_ito_gates():
    old = dict(GATE_COLOURS, i="#009E73", o="#CC79A7", c="#D55E00")
    assert _closest(old, "#737373")[0] < MIN_FULL  # the input gate as grey as negatives
    distance, pair = _closest(old, "#737373", _half)
    assert distance < 2 and pair == "i/negative deuteranomaly"


def test_black_box_text_reads_on_every_gate_colour():
    assert min(contrast("#000000", c) for c in [NEGATIVE, *GATE_COLOURS.values()]) >= 4.0


def test_every_quantity_of_the_gate_table_has_a_colour_and_only_those():
    assert tuple(GATE_COLOURS) == DISPLAY
    assert set(OKABE_ITO.values()) <= PALETTE
    sigmoid = {k for k in DISPLAY if QUANTITIES[k].low == 0 and QUANTITIES[k].high == 1}
    assert set(theme.SIGMOID) == sigmoid == {"f", "i", "o"}


def test_streamlit_accent_colour_is_the_themes():
    """Streamlit reads .streamlit/config.toml before any Python runs: the colour is written
    there and here, and this test keeps the two the same."""
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config["theme"]["primaryColor"].upper() == PRIMARY.upper()
    assert config["theme"]["grayTextColor"].upper() == theme.MUTED.upper()
    assert PRIMARY in OKABE_ITO.values()


@pytest.mark.parametrize("name", ["i", "f", "o"])
def test_sigmoid_gates_run_from_white_to_their_colour_over_0_1(name):
    scale = colour_scale(name)
    assert scale[0] == [0.0, "#FFFFFF"] and scale[-1] == [1.0, GATE_COLOURS[name]]
    assert value_range(name, np.array([[0.3, 0.4]])) == (0.0, 1.0)


@pytest.mark.parametrize("name", ["g", "c", "h"])
def test_signed_values_diverge_around_zero_on_a_symmetric_range(name):
    scale = colour_scale(name)
    assert scale == [[0.0, NEGATIVE], [0.5, "#FFFFFF"], [1.0, GATE_COLOURS[name]]]
    assert value_range(name, np.array([[0.2, -0.7], [0.5, 0.1]])) == (-0.7, 0.7)
    assert value_range(name, np.zeros((3, 2))) == (-1.0, 1.0)  # all zero: still a range


def test_colours_follow_the_scale():
    f = colour_scale("f")
    assert colour_at(f, 0.0, 0, 1) == "#FFFFFF"
    assert colour_at(f, 1.0, 0, 1) == "#0072B2"
    assert colour_at(f, 0.5, 0, 1) == "#80B8D8"  # (128, 184, 216): halfway, half to even
    assert colour_at(f, 7.0, 0, 1) == colour_at(f, 1.0, 0, 1)  # clipped to the range
    c = colour_scale("c")
    assert colours_at(c, [-2.0, 0.0, 2.0], -2, 2) == ["#787887", "#FFFFFF", "#C35A0F"]


def test_contrast_is_the_wcag_ratio():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#FFFFFF", "rgb(0,0,0)") == pytest.approx(21.0)
    assert contrast("#0072B2", "#0072B2") == pytest.approx(1.0)
    assert 4.0 < contrast("#000000", "#0072B2") < 4.3


@pytest.mark.parametrize("typed, shown", [
    ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
    ("a<br>b", "a&lt;br&gt;b"),
    ("<i>", "&lt;i&gt;"),
    ("&amp;", "&amp;amp;"),
    ("$x^2$", "&#36;x^2&#36;"),
    ("猫 👍🏽", "猫 👍🏽"),
    (42, "42"),
])
def test_plain_shows_user_text_as_typed(typed, shown):
    assert plain(typed) == shown


def test_plain_cuts_long_text_with_an_ellipsis():
    assert plain("abcdefghijkl") == "abcdefghijkl"  # 12 characters: kept
    assert plain("abcdefghijklm") == "abcdefghijk…"  # 13: cut to 12 with …
    assert plain("<<<<<<", max_len=4) == "&lt;&lt;&lt;…"  # cut first, then escaped
    assert len(re.sub(r"&[a-z#0-9]+;", "x", plain("<" * 50))) == 12
    assert plain('<a href="javascript:x">', max_len=40) == '&lt;a href="javascript:x"&gt;'


def test_docstring_examples_run():
    assert doctest.testmod(theme).failed == 0
