"""figures.gates: the animated cell shows the trace's numbers, step by step, safely."""

import contextlib
import doctest
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import decode

import figures.gates as gates
from figures import cell_diagram, gates_figure, plain
from figures.theme import GATE_COLOURS, NEGATIVE, colour_scale, colours_at, contrast, value_range
from lstm_viz import LSTM
from text.i18n import tr

ROOT = Path(__file__).resolve().parents[1]
MAPS = ("f", "i", "g", "o", "c", "h")


def run(T=6, H=3, seed=0):
    x = np.random.default_rng(seed).normal(size=(T, 2))
    return LSTM.random(2, H, seed=seed).run(x)


def number(text):
    """The number at the end of a label such as 'forget gate f = −0.123'."""
    return float(re.findall(r"[−-]?\d+\.\d+", text)[-1].replace("−", "-"))


def as_json(fig):
    return json.loads(fig.to_json())


def frame_trace(fig_json, frame, index):
    """What ``frame`` sets on trace ``index`` of the figure."""
    return frame["data"][frame["traces"].index(index)]


def assert_sets(trace, update):
    """Every value ``update`` sets is already what ``trace`` holds (nested dicts too)."""
    for key, value in update.items():
        if isinstance(value, dict):
            assert_sets(trace[key], value)
        else:
            assert trace[key] == value, key


def heatmaps(fig_json):
    return [trc for trc in fig_json["data"] if trc["type"] == "heatmap"]


def markers(fig_json):
    """The step-marker traces: line traces off the diagram's axes, as (index, trace)."""
    return [(k, trc) for k, trc in enumerate(fig_json["data"])
            if trc["type"] == "scatter" and trc.get("mode") == "lines" and trc["xaxis"] != "x"]


def axis(fig_json, ref):
    """The layout axis a trace names: "x2" → layout.xaxis2, "y" → layout.yaxis."""
    return fig_json["layout"][f"{ref[0]}axis{ref[1:]}"]


def place(fig_json, ref, value):
    """Where ``value`` on y axis ``ref`` is drawn, as a fraction of the plot area's height
    (0 bottom, 1 top): an overlaying axis shares the domain of the axis it overlays."""
    ax = axis(fig_json, ref)
    lo, hi = (axis(fig_json, ax["overlaying"]) if "overlaying" in ax else ax)["domain"]
    r0, r1 = ax["range"]  # r0 is drawn at the bottom, r1 at the top (r0 > r1: reversed)
    return lo + (hi - lo) * (value - r0) / (r1 - r0)


def band_span(fig_json, trc):
    """(top, bottom) of a heatmap band: the edges of its first and last unit's rows."""
    H = decode(trc["z"]).shape[0]
    return place(fig_json, trc["yaxis"], trc["y0"] - 0.5), place(fig_json, trc["yaxis"], H + 0.5)


# ---- frames --------------------------------------------------------------------------

def test_one_frame_per_step():
    trace = run(T=7)
    fig = gates_figure(trace, list("abcdefg"))
    assert len(fig.frames) == 7
    assert [fr.name for fr in fig.frames] == [str(s) for s in range(7)]
    slider = fig.layout.sliders[0]
    assert [list(st.args[0]) for st in slider.steps] == [[str(s)] for s in range(7)]


@pytest.mark.parametrize("unit", [0, 2])
def test_frame_t_shows_the_gate_values_of_the_unit_at_step_t(unit):
    trace = run(T=6, H=3)
    spec = as_json(gates_figure(trace, list("abcdef"), unit=unit))
    boxes, states = gates.T_BOXES, gates.T_STATES
    order = ("f", "i", "g", "o")  # the boxes, left to right: f, i, C̃, o
    assert spec["data"][boxes]["x"] == [gates.GATE_X[k] for k in order]
    assert spec["data"][boxes]["x"] == sorted(spec["data"][boxes]["x"])
    for s, frame in enumerate(spec["frames"]):
        box = frame_trace(spec, frame, boxes)
        for j, k in enumerate(order):
            value = getattr(trace, k)[s, unit]
            assert number(box["hovertext"][j]) == pytest.approx(value, abs=5e-4)
            assert number(box["text"][j]) == pytest.approx(value, abs=5e-3)
            lo, hi = value_range(k, getattr(trace, k))
            assert box["marker"]["color"][j] == colours_at(colour_scale(k), [value], lo, hi)[0]
        c_prev, c, h_prev, h, x = frame_trace(spec, frame, states)["text"]
        assert number(c_prev) == pytest.approx(trace.c_prev[s, unit], abs=5e-4)
        assert number(c) == pytest.approx(trace.c[s, unit], abs=5e-4)
        assert number(h_prev) == pytest.approx(trace.h_prev[s, unit], abs=5e-4)
        assert number(h) == pytest.approx(trace.h[s, unit], abs=5e-4)
        assert x.endswith("abcdef"[s])


def test_on_a_phone_the_h_labels_put_their_value_under_their_name():
    """One line, "hₜ₋₁ = 0.000" reaches across the forget gate's line on a 390 px screen."""
    trace = run(T=6, H=3)
    for fit, sep in (("wide", " "), ("narrow", "<br>")):
        diagram, _ = gates.player_figures(trace, list("abcdef"), unit=1, step=2,
                                          fit=gates.FITS[fit])
        _, _, h_prev, h, _ = as_json(diagram)["data"][gates.T_STATES]["text"]
        assert h_prev.startswith(f"h<sub>t−1</sub> ={sep}")
        assert h.startswith(f"h<sub>t</sub> ={sep}")
        assert number(h_prev) == pytest.approx(trace.h_prev[2, 1], abs=5e-4)
        assert number(h) == pytest.approx(trace.h[2, 1], abs=5e-4)


def test_heatmaps_hold_the_trace_arrays_over_time_and_unit():
    trace = run(T=5, H=4)
    spec = as_json(gates_figure(trace, list("abcde"), lang="en"))
    maps = heatmaps(spec)
    assert len(maps) == 6
    for name, band in zip(MAPS, maps, strict=True):
        assert tr(f"fig.common.{name}", "en") in band["hovertemplate"]  # which band is which
        z = decode(band["z"])
        assert z.dtype == np.float32 and z.shape == (4, 5)  # (H, T): units down, time across
        np.testing.assert_array_equal(z, getattr(trace, name).T.astype(np.float32))
        assert (band["x0"], band["dx"]) == (1, 1)  # steps 1, 2, …: 1-based
        assert (band["y0"], band["dy"]) == (1, 1)  # units 1, 2, …: 1-based, on the band's own axis
        assert [band["zmin"], band["zmax"]] == pytest.approx(
            value_range(name, getattr(trace, name)))
        assert band["colorscale"] == colour_scale(name)


@pytest.mark.parametrize("H", [1, 8, 64])
def test_the_bands_share_one_time_axis_and_stack_top_to_bottom(H):
    spec = as_json(gates_figure(run(T=5, H=H), list("abcde")))
    maps = heatmaps(spec)
    assert {trc["xaxis"] for trc in maps} == {"x2"}  # one time axis for all six
    assert axis(spec, "x2")["range"] == [0.5, 5.5]
    assert len({trc["yaxis"] for trc in maps}) == 6  # each band its own units 1…H
    spans = [band_span(spec, trc) for trc in maps]
    diagram_bottom = spec["layout"]["yaxis"]["domain"][0]
    assert diagram_bottom > spans[0][0]  # the bands are below the cell diagram
    for (top, bottom), (next_top, _) in itertools.pairwise(spans):
        assert top > bottom > next_top  # f, i, C̃, o, C, h from the top, a gap between
    assert spans[-1][1] >= 0
    heights = {round(top - bottom, 9) for top, bottom in spans}
    assert len(heights) == 1  # every band equally tall


def test_each_colour_bar_and_band_name_sits_beside_its_band():
    spec = as_json(gates_figure(run(T=5, H=8), list("abcde"), lang="en"))
    names = [a for a in spec["layout"]["annotations"] if a.get("yref") not in ("y", "paper")]
    assert len(names) == 6
    for name, band, note in zip(MAPS, heatmaps(spec), names, strict=True):
        top, bottom = band_span(spec, band)
        bar = band["colorbar"]
        assert bar["y"] == pytest.approx((top + bottom) / 2)
        assert bar["len"] == pytest.approx(top - bottom)
        assert bar["x"] > axis(spec, "x2")["domain"][1]  # right of the heatmaps
        assert note["yref"] == band["yaxis"] and note["y"] == pytest.approx(4.5)  # middle row
        assert tr(f"fig.common.{name}", "en") in note["text"]
        assert note["x"] == axis(spec, "x2")["domain"][0] and note["xanchor"] == "right"


def test_the_figure_grows_with_the_units_up_to_a_cap():
    heights = {H: gates_figure(run(T=3, H=H), list("abc")).layout.height
               for H in (1, 4, 8, 12, 32, 64)}
    assert heights[1] == heights[4] < heights[8] < heights[12] == heights[32] == heights[64]
    assert heights[64] <= 1400  # a projector page, not a poster
    assert 1000 <= heights[8] <= 1200


def test_frames_leave_the_heatmaps_alone():
    spec = as_json(gates_figure(run(T=4), list("abcd")))
    heat = {k for k, trc in enumerate(spec["data"]) if trc["type"] == "heatmap"}
    assert len(heat) == 6
    for frame in spec["frames"]:
        assert heat.isdisjoint(frame["traces"])
        assert len(frame["data"]) == len(frame["traces"]) == 3  # boxes, states, marker


def test_the_step_marker_frames_the_column_of_step_t_through_every_band():
    trace = run(T=6, H=5)
    spec = as_json(gates_figure(trace, list("abcdef")))
    (index, mark), = markers(spec)
    assert index == len(spec["data"]) - 1  # drawn last: above the heatmaps
    y = mark["y"]
    top, bottom = place(spec, mark["yaxis"], min(y)), place(spec, mark["yaxis"], max(y))
    spans = [band_span(spec, trc) for trc in heatmaps(spec)]
    assert top >= spans[0][0] and bottom <= spans[-1][1]  # from the first band to the last
    first = heatmaps(spec)[0]
    for s, frame in enumerate(spec["frames"]):
        x = frame_trace(spec, frame, index)["x"]
        column = first["x0"] + s * first["dx"]  # where step s is drawn
        assert min(x) == column - 0.5 and max(x) == column + 0.5


@pytest.mark.parametrize("step", [0, 3, 5])
def test_the_first_view_is_the_requested_step(step):
    trace = run(T=6)
    spec = as_json(gates_figure(trace, list("abcdef"), unit=1, step=step))
    assert spec["layout"]["sliders"][0]["active"] == step
    frame = spec["frames"][step]
    for index in frame["traces"]:
        assert_sets(spec["data"][index], frame_trace(spec, frame, index))


def test_play_pause_and_slider_are_browser_side_animations():
    trace = run(T=3)
    fig = gates_figure(trace, ["x", "y", "z"], lang="en")
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.label == tr("fig.common.play", "en") and pause.label == tr("fig.common.pause", "en")
    assert play.method == pause.method == "animate"
    assert play.args[0] is None and play.args[1]["frame"]["duration"] == gates.FRAME_MS == 600
    assert play.args[1]["fromcurrent"] is True
    assert list(pause.args[0]) == [None]
    # Heatmaps vanish when a frame is applied without a redraw (plotly.js 3).
    assert play.args[1]["frame"]["redraw"] is True
    labels = [st.label for st in fig.layout.sliders[0].steps]
    assert labels == [tr("fig.gates.slider", "en", step=k, token=tok)
                      for k, tok in enumerate("xyz", start=1)]
    assert labels[0] == "step 1: x"


# ---- user text -------------------------------------------------------------------------

def test_markup_in_tokens_is_shown_as_typed():
    tokens = ["<b>x</b>", "a&b", "$y$", "<br>"]
    spec = as_json(gates_figure(run(T=4), tokens, step=0))
    ticks = spec["layout"]["xaxis2"]["ticktext"]
    assert ticks == ["&lt;b&gt;x&lt;/b&gt;", "a&amp;b", "&#36;y&#36;", "&lt;br&gt;"]
    assert ticks == [plain(tok, 8) for tok in tokens]
    labels = [st["label"] for st in spec["layout"]["sliders"][0]["steps"]]
    assert labels[0] == "step 1: &lt;b&gt;x&lt;/b&gt;"
    text = json.dumps(spec, ensure_ascii=False)
    for raw in ("<b>x</b>", "$y$", "a&b"):
        assert raw not in text  # nowhere in the figure, frames included


def test_heatmap_hover_names_step_unit_and_value_but_no_token():
    spec = as_json(gates_figure(run(T=3), ["secret", "b", "c"], lang="en"))
    for band in heatmaps(spec):
        # ":d" prints the number: plain %{x} would print a tick's token where there is one
        assert band["hovertemplate"].startswith("step %{x:d} · unit %{y:d}<br>")
        assert band["hovertemplate"].endswith(" = %{z:.3f}<extra></extra>")
        assert "secret" not in band["hovertemplate"]
        assert "customdata" not in band and "text" not in band  # nothing per cell


def test_long_sequences_get_fewer_tick_labels_not_overlapping_ones():
    tokens = [f"word{k}" for k in range(200)]
    spec = as_json(gates_figure(run(T=200), tokens))
    axis = spec["layout"]["xaxis2"]
    assert 3 <= len(axis["tickvals"]) <= 12
    assert axis["ticktext"] == [tokens[v - 1] for v in axis["tickvals"]]  # each under its column
    short = as_json(gates_figure(run(T=12), list("小明喜欢读书他每天都去图")))
    assert len(short["layout"]["xaxis2"]["tickvals"]) == 12  # one character a step: all shown
    sentence = "the cat sat on the mat because it was warm".split()
    words = as_json(gates_figure(run(T=10), sentence))
    assert words["layout"]["xaxis2"]["ticktext"] == sentence  # the full width holds them all


def test_chinese_labels_count_double_width():
    latin = as_json(gates_figure(run(T=40), ["ab"] * 40))["layout"]["xaxis2"]["tickvals"]
    chinese = as_json(gates_figure(run(T=40), ["读书"] * 40))["layout"]["xaxis2"]["tickvals"]
    assert len(chinese) < len(latin)


# ---- languages -----------------------------------------------------------------------

SHOWN_KEYS = {"text", "label", "hovertext", "hovertemplate", "prefix", "ticktext"}


def shown_strings(node):
    """Every string a learner can see in a figure's JSON (titles, labels, hover)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SHOWN_KEYS:
                yield from (v for v in (value if isinstance(value, list) else [value])
                            if isinstance(v, str))
            else:
                yield from shown_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from shown_strings(item)


def words(text):
    text = re.sub(r"<[^>]+>|%\{[^}]*\}|&[a-z#0-9]+;", " ", text)
    return set(re.findall(r"[A-Za-z]{2,}", text)) - {"tanh", "LSTM"}


def test_the_chinese_figure_has_no_english_words():
    trace = run(T=4)
    for fig in (gates_figure(trace, list("我爱读书"), lang="zh"), cell_diagram("zh")):
        shown = list(shown_strings(fig.to_plotly_json()))
        assert len(shown) > 20
        english = set().union(*map(words, shown))
        assert not english


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_come_from_the_catalogue(lang):
    fig = gates_figure(run(T=4), list("abcd"), unit=1, lang=lang)
    shown = "\n".join(shown_strings(fig.to_plotly_json()))
    for key in ("fig.common.f", "fig.common.i", "fig.common.g", "fig.common.o", "fig.common.c",
                "fig.common.h", "fig.cell.f", "fig.cell.c_role", "fig.common.play",
                "fig.common.pause"):
        assert tr(key, lang) in shown, key
    assert tr("fig.gates.title", lang, unit=2) in shown  # units are shown 1-based
    assert tr("fig.common.hover", lang, step="%{x:d}", unit="%{y:d}") in shown
    assert fig.layout.title.text == tr("fig.gates.title", lang, unit=2)


def test_the_two_languages_differ():
    trace = run(T=3)
    en = set(shown_strings(gates_figure(trace, list("abc"), lang="en").to_plotly_json()))
    zh = set(shown_strings(gates_figure(trace, list("abc"), lang="zh").to_plotly_json()))
    assert "遗忘门" in "".join(zh) and "forget gate" in "".join(en)


# ---- the diagram -------------------------------------------------------------------------

def test_cell_diagram_is_the_same_drawing_without_numbers():
    diagram = cell_diagram("en")
    animated = gates_figure(run(T=3), list("abc"))
    on_diagram = [s for s in animated.layout.shapes if s.xref == "x"]
    assert list(diagram.layout.shapes) == on_diagram
    assert diagram.data[0] == animated.data[0]  # the × + tanh nodes
    assert not diagram.frames and not diagram.layout.sliders
    shown = " ".join(shown_strings(diagram.to_plotly_json()))
    assert not re.search(r"\d\.\d", shown)  # no values
    assert diagram.data[1].text == ("σ", "σ", "tanh", "σ")  # boxes show their activation


def test_box_text_reads_on_every_fill():
    fills = [NEGATIVE, "#FFFFFF", *GATE_COLOURS.values()]
    assert min(contrast(gates.BOX_INK, colour) for colour in fills) >= 4.0


# ---- limits and errors ---------------------------------------------------------------------

def test_payload_at_200_steps_and_64_units_is_under_1_mb():
    trace = LSTM.random(4, 64, seed=0).run(np.random.default_rng(0).normal(size=(200, 4)))
    size = len(gates_figure(trace, [f"w{k}" for k in range(200)]).to_json().encode())
    assert size < 1_000_000


@pytest.mark.parametrize("kwargs, message", [
    (dict(tokens=list("ab")), "one token per step"),
    (dict(unit=3), "unit must be in 0…2"),
    (dict(step=-1), "step in 0…3"),
    (dict(step=4), "step in 0…3"),
])
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    args = dict(trace=run(T=4, H=3), tokens=list("abcd")) | kwargs
    with pytest.raises(ValueError, match=message):
        gates_figure(**args)


def test_a_batched_trace_is_refused():
    batch = LSTM.random(2, 3).run(np.zeros((4, 2, 2)))
    with pytest.raises(ValueError, match="one sequence at a time"):
        gates_figure(batch, list("abcd"))


def test_figure_code_imports_no_streamlit():
    for path in (ROOT / "figures").glob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text(), re.M), path
    code = ("import sys, figures, figures.gates, figures.theme; "
            "print('streamlit' in sys.modules, 'plotly' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "True"]


def test_docstring_examples_run():
    assert doctest.testmod(gates).failed == 0


# ---- in a browser ---------------------------------------------------------------------------

GD = "document.querySelector('.js-plotly-plot')"
STATE = f"""() => {{ const gd = {GD};
  const drawn = [...document.querySelectorAll('.hm image')].filter(im =>
      (im.getAttribute('href') || '').startsWith('data:image') && im.getBBox().height > 0);
  return {{active: gd._fullLayout.sliders[0].active, mark: gd._fullData[gd._fullData.length - 1].x,
           heatmaps: drawn.length}}; }}"""
CELL = f"""([n, step, unit]) => {{  // where the cell (step, unit) of band y axis n is on the page
  const gd = {GD}, xa = gd._fullLayout.xaxis2, ya = gd._fullLayout['yaxis' + n];
  const box = gd.getBoundingClientRect();
  return [box.left + xa._offset + xa.l2p(step), box.top + ya._offset + ya.l2p(unit)]; }}"""


@contextlib.contextmanager
def in_browser(browser, fig, tmp_path):
    """A tab of the session's headless Chromium showing ``fig``, its heatmaps drawn."""
    html = tmp_path / "gates.html"
    fig.write_html(html, include_plotlyjs=True, auto_play=False)
    page = browser.new_page()
    page.set_viewport_size({"width": 1200, "height": 1300})
    try:
        page.goto(html.as_uri())
        page.wait_for_selector(".hm image")
        yield page
    finally:
        page.close()


@pytest.mark.browser
def test_play_advances_frames_and_keeps_the_heatmaps(browser, tmp_path):
    with in_browser(browser, gates_figure(run(T=5), list("abcde"), step=0), tmp_path) as page:
        before = page.evaluate(STATE)
        page.locator(".updatemenu-button").nth(0).click()  # ▶ Play
        page.wait_for_function(f"() => {GD}._fullLayout.sliders[0].active >= 2",
                               timeout=10_000)
        during = page.evaluate(STATE)
        page.locator(".updatemenu-button").nth(1).click()  # ❚❚ Pause
        after = page.evaluate(STATE)
    assert before["active"] == 0 and before["mark"][0] == 0.5
    assert during["active"] >= 2 and after["mark"][0] == after["active"] + 0.5
    assert before["heatmaps"] == during["heatmaps"] == after["heatmaps"] == 6


@pytest.mark.browser
@pytest.mark.parametrize("band, step, unit", [("f", 1, 3), ("c", 4, 2), ("h", 5, 4)])
def test_hovering_a_cell_names_its_band_step_unit_and_value(browser, tmp_path, band, step,
                                                            unit):
    trace = run(T=6, H=4)
    fig = gates_figure(trace, list("abcdef"), unit=2, step=0, lang="en")  # marker on step 1
    n = MAPS.index(band) + 2  # the band's y axis
    with in_browser(browser, fig, tmp_path) as page:
        page.mouse.move(*page.evaluate(CELL, [n, step, unit]))
        page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
        shown = page.locator(".hoverlayer .hovertext").text_content()
    value = float(getattr(trace, band)[step - 1, unit - 1])
    assert f"step {step} · unit {unit}" in shown
    assert f"{tr(f'fig.common.{band}', 'en')} = {value:.3f}" in shown.replace("−", "-")


# ---- cell_diagram(highlight=…): one part forward, the rest faded ---------------------------

def _geometry(fig_json):
    """Where every mark is and what it says, without its emphasis."""
    layout = fig_json["layout"]
    shapes = [(s.get("path"), s.get("x0"), s.get("y1")) for s in layout["shapes"]]
    notes = [(a["x"], a["y"], re.sub(r"</?b>", "", a.get("text", ""))) for a in
             layout["annotations"]]
    data = [(d["x"], d["y"], d.get("text")) for d in fig_json["data"]]
    return shapes, notes, data


def test_input_and_candidate_light_up_together():
    lit = as_json(cell_diagram("en", highlight="input+candidate"))["data"][gates.T_BOXES]
    full = {k for k, colour in zip(gates.BOXES, lit["marker"]["color"], strict=True)
            if colour == GATE_COLOURS[k]}
    assert full == {"i", "g"}  # the input gate and the candidate C̃, nothing else


def test_cell_diagram_without_highlight_is_unchanged():
    assert as_json(cell_diagram("en", highlight=None)) == as_json(cell_diagram("en"))
    with pytest.raises(ValueError, match="highlight"):
        cell_diagram("en", highlight="f")


@pytest.mark.parametrize("part", gates.HIGHLIGHTS)
def test_highlight_changes_only_the_emphasis_of_that_part(part):
    plain_json, lit = as_json(cell_diagram("zh")), as_json(cell_diagram("zh", highlight=part))
    assert _geometry(lit) == _geometry(plain_json)  # same drawing, same words
    shapes = zip(plain_json["layout"]["shapes"], lit["layout"]["shapes"], gates.LINE_PARTS,
                 strict=True)
    wanted = set(gates.TOGETHER.get(part, (part,)))  # "input+candidate": both parts
    for before, after, parts in shapes:
        if wanted & set(parts):   # heavier, not faded
            assert after["line"]["width"] > before["line"]["width"]
            assert "opacity" not in after
        elif "body" in parts:
            assert after == before
        else:               # faded, otherwise as it was
            assert after["opacity"] == gates.FADE
            assert {k: v for k, v in after.items() if k != "opacity"} == before
    notes = zip(lit["layout"]["annotations"], gates.NOTE_PARTS, strict=True)
    assert all(("opacity" in note) != bool(wanted & set(parts)) for note, parts in notes)
    boxes = lit["data"][gates.T_BOXES]["marker"]
    for k, opacity, colour in zip(gates.BOXES, boxes["opacity"], boxes["color"], strict=True):
        mine = gates.PART_OF_BOX[k] in wanted
        assert (opacity == 1.0) == mine
        assert (colour == GATE_COLOURS[k]) == mine  # the box in its gate's full colour


@pytest.mark.parametrize(("part", "x", "y"), [
    ("forget", gates.GATE_X["f"], gates.Y_C), ("output", gates.X_OUT, gates.Y_GATE),
    ("cell", 100, gates.Y_C), ("hidden", 100, gates.Y_BUS),
])
def test_highlight_brings_forward_the_lines_that_belong_to_the_part(part, x, y):
    lit = as_json(cell_diagram("en", highlight=part))["layout"]["shapes"]
    heavy = [s["path"] for s, parts in zip(lit, gates.LINE_PARTS, strict=True) if part in parts]
    assert any(f"{x},{y}" in path for path in heavy), heavy
