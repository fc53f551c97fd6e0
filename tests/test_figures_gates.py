"""figures.gates: the animated cell shows the trace's numbers, step by step, safely."""

import doctest
import json
import re
import shutil
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
from lstm_viz.i18n import t

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
    return [tr for tr in fig_json["data"] if tr["type"] == "heatmap"]


def markers(fig_json):
    """The six step-marker traces: closed line traces on the heatmap axes."""
    return [(k, tr) for k, tr in enumerate(fig_json["data"])
            if tr["type"] == "scatter" and tr.get("mode") == "lines" and tr["xaxis"] != "x"]


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


def test_heatmaps_hold_the_trace_arrays_over_time_and_unit():
    trace = run(T=5, H=4)
    spec = as_json(gates_figure(trace, list("abcde"), lang="en"))
    maps = heatmaps(spec)
    assert len(maps) == 6
    for name, tr in zip(MAPS, maps, strict=True):
        assert t(f"fig.common.{name}", "en") in tr["hovertemplate"]  # which map is which
        z = decode(tr["z"])
        assert z.dtype == np.float32 and z.shape == (4, 5)  # (H, T): units down, time across
        np.testing.assert_array_equal(z, getattr(trace, name).T.astype(np.float32))
        assert decode(tr["x"]).tolist() == [1, 2, 3, 4, 5]  # steps, 1-based
        assert decode(tr["y"]).tolist() == [1, 2, 3, 4]  # units, 1-based
        assert [tr["zmin"], tr["zmax"]] == pytest.approx(value_range(name, getattr(trace, name)))


def test_frames_leave_the_heatmaps_alone():
    spec = as_json(gates_figure(run(T=4), list("abcd")))
    heat = {k for k, tr in enumerate(spec["data"]) if tr["type"] == "heatmap"}
    for frame in spec["frames"]:
        assert heat.isdisjoint(frame["traces"])
        assert len(frame["data"]) == len(frame["traces"]) == 8


def test_the_step_marker_frames_the_column_of_step_t():
    trace = run(T=6)
    spec = as_json(gates_figure(trace, list("abcdef")))
    marks = markers(spec)
    assert len(marks) == 6
    column_x = decode(heatmaps(spec)[0]["x"])
    for s, frame in enumerate(spec["frames"]):
        for index, _ in marks:
            x = frame_trace(spec, frame, index)["x"]
            assert min(x) == column_x[s] - 0.5 and max(x) == column_x[s] + 0.5


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
    assert play.label == t("fig.common.play", "en") and pause.label == t("fig.common.pause", "en")
    assert play.method == pause.method == "animate"
    assert play.args[0] is None and play.args[1]["frame"]["duration"] == gates.FRAME_MS == 600
    assert play.args[1]["fromcurrent"] is True
    assert list(pause.args[0]) == [None]
    # Heatmaps vanish when a frame is applied without a redraw (plotly.js 3).
    assert play.args[1]["frame"]["redraw"] is True
    labels = [st.label for st in fig.layout.sliders[0].steps]
    assert labels == [t("fig.gates.slider", "en", step=k, token=tok)
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
    for tr in heatmaps(spec):
        assert tr["hovertemplate"].startswith("step %{x} · unit %{y}<br>")
        assert tr["hovertemplate"].endswith(" = %{z:.3f}<extra></extra>")
        assert "secret" not in tr["hovertemplate"]


def test_long_sequences_get_fewer_tick_labels_not_overlapping_ones():
    tokens = [f"word{k}" for k in range(200)]
    spec = as_json(gates_figure(run(T=200), tokens))
    axis = spec["layout"]["xaxis2"]
    assert 3 <= len(axis["tickvals"]) <= 12
    assert axis["ticktext"] == [tokens[v - 1] for v in axis["tickvals"]]  # each under its column
    short = as_json(gates_figure(run(T=12), list("小明喜欢读书他每天都去图")))
    assert len(short["layout"]["xaxis2"]["tickvals"]) == 12  # one character a step: all shown


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
        assert t(key, lang) in shown, key
    assert t("fig.gates.title", lang, unit=2) in shown  # units are shown 1-based
    assert t("fig.common.hover", lang, step="%{x}", unit="%{y}") in shown
    assert fig.layout.title.text == t("fig.gates.title", lang, unit=2)


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

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STATE = """() => { const gd = document.querySelector('.js-plotly-plot');
  return {active: gd._fullLayout.sliders[0].active, mark: gd._fullData[gd._fullData.length - 1].x,
          heatmaps: document.querySelectorAll('.hm image').length}; }"""


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs chromium")
def test_play_advances_frames_and_keeps_the_heatmaps(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    html = tmp_path / "gates.html"
    gates_figure(run(T=5), list("abcde"), step=0).write_html(html, include_plotlyjs=True,
                                                             auto_play=False)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1100})
        page.goto(html.as_uri())
        page.wait_for_selector(".hm image")
        before = page.evaluate(STATE)
        page.locator(".updatemenu-button").nth(0).click()  # ▶ Play
        page.wait_for_function("() => document.querySelector('.js-plotly-plot')"
                               "._fullLayout.sliders[0].active >= 2", timeout=10_000)
        page.locator(".updatemenu-button").nth(1).click()  # ❚❚ Pause
        after = page.evaluate(STATE)
        browser.close()
    assert before["active"] == 0 and before["mark"][0] == 0.5
    assert after["active"] >= 2 and after["mark"][0] == after["active"] + 0.5
    assert before["heatmaps"] == after["heatmaps"] == 6
