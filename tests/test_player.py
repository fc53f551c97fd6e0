"""ui/player.py: the gates player's data (numbers exactly as the learner reads them, labels
from the catalogue, a compact payload) and its state round trip through AppTest (the
player's JavaScript is tested in Chromium: tests/test_browser.py)."""

import hashlib
import json
import math

import numpy as np
import pytest
from conftest import assert_clean, open_page
from player_payload import (
    arithmetic,
    arithmetic_heading,
    player_data,
    player_elements,
    set_player,
    values,
)

from figures.gates import FITS, title_template
from lstm_viz import LSTM
from lstm_viz.explain import explain_step, fmt
from lstm_viz.inputs import encode
from text.i18n import tr
from ui import keys, player
from ui.views import GatesView


def js_fmt(k: int, d: int) -> str:
    """ui/player.js's fmt(k, d), line for line."""
    digits = str(abs(k)).rjust(d + 1, "0")
    return ("−" if k < 0 else "") + digits[:-d] + "." + digits[-d:]


def js_two_decimals(code: int) -> int:
    """ui/player.js's k2(): hundredths from a gate code 2·k + b."""
    k, up = code >> 1, code & 1
    if abs(k) % 10 == 5:
        return (k + 5) // 10 if up else (k - 5) // 10
    return math.floor(k / 10 + 0.5)  # Math.round (no ties here)


def numbers(T: int, salt: float = 0.0) -> str:
    return ", ".join(f"{math.sin(0.37 * k + salt):.2f}" for k in range(T))


# ---- the numbers the browser shows are the numbers Python shows -------------------------

TIES = [0.1245, 0.1255, -0.1245, 0.0625, -0.0625, 0.125, -0.125, 0.0005, -0.0005, -0.0004,
        0.9995, -0.9995, 0.00049999, 0.005, -0.005, 0.015, 1.0, -1.0, 0.0, 12.3455, -40.0005]


def test_thousandths_print_as_fmt_prints_every_value():
    rng = np.random.default_rng(0)
    v = np.concatenate([rng.uniform(-1, 1, 50_000), rng.normal(0, 8, 10_000), TIES])
    k = player.thousandths(v)
    assert [js_fmt(int(n), 3) for n in k] == [fmt(x, 3) for x in v]


def test_gate_codes_give_both_three_and_two_decimals_as_fmt():
    rng = np.random.default_rng(1)
    v = np.concatenate([rng.uniform(-1, 1, 50_000), [x for x in TIES if abs(x) <= 1]])
    codes = player.gate_codes(v)
    assert codes.dtype == np.int16
    assert [js_fmt(int(c) >> 1, 3) for c in codes] == [fmt(x, 3) for x in v]
    assert [js_fmt(js_two_decimals(int(c)), 2) for c in codes] == [fmt(x, 2) for x in v]


def test_a_cell_state_beyond_int16_travels_as_int32():
    _, a = player.encoded("c", player.thousandths([40.0, -0.5]))
    assert a.dtype == np.int32 and list(a) == [40_000, -500]
    _, a = player.encoded("h", player.thousandths([0.5, -1.0]))
    assert a.dtype == np.int16


# ---- the payload ----------------------------------------------------------------------------

def view_of(text="a b c d", mode="words", units=3, seed=5) -> GatesView:
    return GatesView(text, mode, units, seed)


def test_the_payload_holds_the_run_and_the_state_before_it():
    view = view_of()
    header, arrays = player.read_payload(player.payload(view, "en", 2, 3, 0))
    seq = encode("a b c d", "words", seed=5)
    trace = LSTM.random(seq.x.shape[1], 3, seed=5).run(seq.x)
    assert (header["steps"], header["units"]) == (4, 3)
    assert header["tokens"] == ["a", "b", "c", "d"]
    for name in ("f", "i", "g", "o", "c", "h"):
        got = values(header, arrays, name)
        assert got.shape == (4, 3)
        assert np.array_equal(got * 1000, player.thousandths(getattr(trace, name)))
    assert np.array_equal(arrays["c0"], player.thousandths(trace.c_prev[0]))
    assert np.array_equal(arrays["h0"], player.thousandths(trace.h_prev[0]))
    assert np.allclose(trace.c_prev[1:], trace.c[:-1])  # so C_{t-1} of step t is C of t-1
    assert header["request"] == {"step": 2, "unit": 3, "rev": 0}


def test_the_payload_is_the_same_bytes_for_the_same_view():
    a = player.payload.__wrapped__(view_of(), "en", 1, 1, 0)
    b = player.payload.__wrapped__(view_of(), "en", 1, 1, 0)
    assert a == b  # so a rerun sends Streamlit's short reference, not the data again
    assert player.payload.__wrapped__(view_of(seed=6), "en", 1, 1, 0) != a


def test_the_arrays_start_on_eight_byte_boundaries():
    blob = player.payload(view_of(), "en", 1, 1, 0)
    n = int.from_bytes(blob[8:12], "little")
    assert (12 + n) % 8 == 0
    header, _ = player.read_payload(blob)
    assert all(a["offset"] % 8 == 0 for a in header["arrays"])


def test_the_gates_view_at_200_steps_and_64_units_is_under_a_quarter_megabyte():
    blob = player.payload(GatesView(numbers(200), "numbers", 64, 0), "en", 1, 1, 0)
    assert len(blob) <= 250_000, len(blob)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_label_comes_from_the_catalogue(lang):
    header, _ = player.read_payload(player.payload(view_of(), lang, 1, 1, 0))
    assert header["text"] == {name: tr(key, lang) for name, key in player.TEXT_KEYS.items()}
    assert header["title"] == tr("fig.gates.title", lang, unit="{unit}")
    assert header["diagram"]["layout"]["title"]["text"] == tr("fig.gates.title", lang, unit=1)


def test_the_two_languages_differ_and_chinese_has_no_english_sentences():
    en = player.read_payload(player.payload(view_of(), "en", 1, 1, 0))[0]["text"]
    zh = player.read_payload(player.payload(view_of(), "zh", 1, 1, 0))[0]["text"]
    for name in ("controls", "speed", "loop", "live", "summary", "table", "failed"):
        assert en[name] != zh[name], name
        assert not {"the", "of", "and"} & set(zh[name].lower().split()), zh[name]


def test_markup_in_tokens_is_escaped_for_plotly_and_kept_as_typed_for_text():
    text = "<b>x</b> <img src=x onerror=alert(1)> $y$"
    header, _ = player.read_payload(player.payload(view_of(text, units=2), "en", 1, 1, 0))
    assert header["tokens"] == ["<b>x</b>", "<img", "src=x", "onerror=alert(1)>", "$y$"]
    assert header["labels"][0] == "&lt;b&gt;x&lt;/b&gt;"
    assert not any("<" in label or "$" in label for label in header["labels"])
    for pair in (header, header["narrow"]):  # the phone's figures as well as the laptop's
        figures = str(pair["diagram"]) + str(pair["maps_figure"])
        assert "<b>x</b>" not in figures and "<img" not in figures


def test_the_box_colours_are_the_figures_colour_of_each_value():
    from figures.theme import colour_scale, colours_at, value_range

    view = view_of()
    header, arrays = player.read_payload(player.payload(view, "en", 1, 1, 0))
    seq = encode("a b c d", "words", seed=5)
    trace = LSTM.random(seq.x.shape[1], 3, seed=5).run(seq.x)
    for q in header["gates"]:
        table = header["colours"][q]
        lo, hi = value_range(q, getattr(trace, q))
        code = int(arrays[q][0])
        k2 = js_two_decimals(code)
        assert table["colours"][k2 - table["lo"]] == colours_at(colour_scale(q), [k2 / 100],
                                                                lo, hi)[0]


def test_plotly_js_is_served_by_this_server():
    from figures import plotly_js

    path = player.serve_plotly()
    content = plotly_js.source().read_bytes()  # the vendored cartesian bundle
    digest = hashlib.sha256(content).hexdigest()[:12]
    assert path.name == f"plotly.{digest}.min.js" and path.read_bytes() == content
    header, _ = player.read_payload(player.payload(view_of(), "en", 1, 1, 0))
    assert header["plotly"] == f"app/static/{path.name}"  # relative: this server, no CDN
    js = (player.HERE / "player.js").read_text()
    assert "http://" not in js and "https://" not in js and "cdn" not in js.lower()
    assert "innerHTML" not in js  # tokens are set as textContent


# ---- the page: the player's state drives the arithmetic and the URL -----------------------

def heading(at) -> str:
    return arithmetic_heading(at)


def test_the_player_starts_at_the_links_step_and_unit():
    at = open_page("gates", seq="one two three four five", mode="words", units=4, step=3,
                   unit=2)
    assert_clean(at)
    header, _ = player_data(at)
    assert header["request"]["step"] == 3 and header["request"]["unit"] == 2
    assert heading(at) == tr("gates.arith", "en", step=3, unit=2)


def test_the_players_step_and_unit_drive_the_arithmetic_and_the_url():
    at = open_page("gates", seq="1, 2, 3, 4, 5", mode="numbers", units=4, seed=2)
    set_player(at, 4, 3)
    assert_clean(at)
    assert heading(at) == tr("gates.arith", "en", step=4, unit=3)
    seq = encode("1, 2, 3, 4, 5", "numbers", seed=2)
    lstm = LSTM.random(seq.x.shape[1], 4, seed=2)
    ex = explain_step(lstm, lstm.run(seq.x), 3, 2)
    assert arithmetic(at) == "\n".join(ex.formulas())  # step 4, unit 3's own numbers
    assert at.query_params["step"] in ("4", ["4"]) and at.query_params["unit"] in ("3", ["3"])
    set_player(at, 1, 1)
    assert "step" not in at.query_params and "unit" not in at.query_params  # defaults: left out


def test_a_step_change_reruns_with_the_same_player_data():
    at = open_page("gates", seq="a b c d e", mode="words", units=3)
    before = player_elements(at)[0].proto.bytes
    set_player(at, 5, 2)
    assert player_elements(at)[0].proto.bytes == before  # nothing but the state travelled


def test_a_state_for_an_old_request_is_not_used():
    at = open_page("gates", seq="a b c d e f", mode="words", units=3)
    at.session_state[keys.PLAYER] = {"at": {"step": 5, "unit": 2, "rev": 99}}
    at.run()
    assert heading(at) == tr("gates.arith", "en", step=1, unit=1)


def test_out_of_range_state_falls_back_to_the_request():
    at = open_page("gates", seq="a b c", mode="words", units=3, step=2)
    set_player(at, 9, 7)
    assert_clean(at)
    assert heading(at) == tr("gates.arith", "en", step=2, unit=1)


def test_a_shorter_sequence_moves_the_player_to_its_last_step():
    at = open_page("gates", seq="a b c d e f", mode="words", units=3)
    set_player(at, 6, 2)
    at.text_area(key="seq").set_value("a b c").run()
    assert_clean(at)
    request = player_data(at)[0]["request"]
    assert (request["step"], request["unit"], request["rev"]) == (3, 2, 1)  # a new request
    assert heading(at) == tr("gates.arith", "en", step=3, unit=2)
    set_player(at, 1, 3)  # the player answers the new request
    assert heading(at) == tr("gates.arith", "en", step=1, unit=3)


def test_the_chinese_page_sends_chinese_labels():
    at = open_page("gates", lang="zh")
    assert_clean(at)
    header, _ = player_data(at)
    assert header["text"]["speed"] == "速度" and header["text"]["play"] == "▶ 播放"


# ---- figures.gates.player_figures: what the player draws ---------------------------------

def test_player_figures_split_the_diagram_from_the_maps_and_leave_out_the_values():
    from figures.gates import MAPS, player_figures

    seq = encode("a b c d e", "words", seed=1)
    trace = LSTM.random(seq.x.shape[1], 4, seed=1).run(seq.x)
    diagram, maps = player_figures(trace, seq.tokens, unit=2, step=3)
    assert not any(trc.type == "heatmap" for trc in diagram.data)
    assert [trc.type for trc in maps.data] == ["heatmap"]  # the six bands in one
    assert maps.data[0].z is None  # sent as arrays, filled in the browser
    grid, *rows, frame = maps.layout.shapes
    gap = maps.data[0].meta["gap"]
    assert [(r.y0, r.y1) for r in rows] == [(k * (4 + gap) + 1.5, k * (4 + gap) + 2.5)
                                            for k in range(len(MAPS))]  # unit 3 of each band
    assert (frame.x0, frame.x1) == (3.5, 4.5) and frame.yref == "paper"  # step 4's column
    assert grid.type == "path" and grid.line.color == "#FFFFFF"  # the lines between cells
    assert not maps.frames and not maps.layout.sliders and not diagram.layout.updatemenus


def test_the_maps_are_one_heatmap_plotly_draws_a_pixel_a_cell():
    """plotly.js draws a heatmap one pixel a cell, scaled by the browser, only when its
    cells are evenly spaced and have no gaps: rows by y0/dy (no edges), no xgap or ygap;
    anything else it paints cell by cell and encodes as a PNG at every new run (about 30 ms
    at T=40, H=16, 140 at T=200, H=64)."""
    from figures.gates import MAPS, player_figures

    seq = encode("a b c d e", "words", seed=1)
    trace = LSTM.random(seq.x.shape[1], 16, seed=1).run(seq.x)
    heatmap = player_figures(trace, seq.tokens)[1].data[0]
    assert (heatmap.x0, heatmap.dx, heatmap.y0, heatmap.dy) == (1, 1, 0, 1)
    assert heatmap.x is None and heatmap.y is None
    assert not heatmap.xgap and not heatmap.ygap and not heatmap.zsmooth
    assert (heatmap.zmin, heatmap.zmax) == (0, len(MAPS)) and not heatmap.showscale
    assert heatmap.hoverongaps is False  # the empty rows between bands say nothing


@pytest.mark.parametrize("name", ["f", "g", "c", "h"])
def test_a_band_drawn_on_the_joint_scale_has_its_own_colours(name):
    """The browser puts value v of band k at k + SPREAD·(v − lo)/(hi − lo) of the joint
    scale (ui/player.js, mapsFigure): that gives v the colour of band k's own scale."""
    from figures.gates import MAPS, SPREAD, joint_scale
    from figures.theme import colour_scale, colours_at

    k, (lo, hi) = MAPS.index(name), ((0.0, 1.0) if name == "f" else (-2.5, 2.5))
    values = np.linspace(lo, hi, 41)
    at = k + SPREAD * (values - lo) / (hi - lo)
    joint = colours_at(joint_scale(), at, 0, len(MAPS))
    own = colours_at(colour_scale(name), values, lo, hi)
    for a, b in zip(joint, own, strict=True):  # the same colour, to a unit of rounding
        assert max(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) for i in (1, 3, 5)) <= 1


@pytest.mark.parametrize("steps, units, lines", [(40, 16, (39, 15)), (61, 16, (0, 15)),
                                                 (40, 17, (39, 0)), (61, 17, None)])
def test_the_lines_between_cells_are_drawn_where_they_have_room(steps, units, lines):
    """Between steps up to 60 steps and between units up to 16 units, as the six-band
    figure's gaps were; beyond both, no path at all."""
    from figures.gates import MAPS, player_figures

    trace = LSTM.random(2, units, seed=0).run(np.zeros((steps, 2)))
    shapes = player_figures(trace, [str(k) for k in range(steps)])[1].layout.shapes
    paths = [s.path for s in shapes if s.type == "path"]
    if lines is None:
        assert paths == []
        return
    (path,) = paths
    assert path.count("V") == lines[0] * len(MAPS) and path.count("H") == lines[1] * len(MAPS)


def test_the_labels_beside_the_maps_are_the_bands_names_bars_and_title():
    """The names, colour bars and title that ui/player.js writes beside the heatmap:
    each band's, top to bottom, at its middle, its colour bar's labels its range's."""
    from figures.gates import FITS, MAPS, player_figures
    from figures.theme import colour_scale, value_range

    seq = encode("a b c d e", "words", seed=1)
    trace = LSTM.random(seq.x.shape[1], 4, seed=1).run(seq.x)
    maps = player_figures(trace, seq.tokens, unit=1, fit=FITS["wide"])[1]
    labels = maps.layout.meta
    assert [n["text"] for n in labels["names"]] == [tr(f"fig.common.{k}", "en") for k in MAPS]
    middles = [n["middle"] for n in labels["names"]]
    assert middles == sorted(middles)
    for bar, name, k in zip(labels["bars"], labels["names"], MAPS, strict=True):
        assert bar["scale"] == colour_scale(k)
        assert abs(bar["top"] + bar["height"] / 2 - name["middle"]) < 1e-9  # beside its band
        lo, hi = value_range(k, getattr(trace, k))  # a gate's 0…1, else ±max |value|
        assert bar["ticks"] == (["0", "0.5", "1"] if k in "fio" else [fmt(lo, 2), "0", fmt(hi, 2)])
    assert "text" not in labels["title"]  # the header's maps_title, with the unit filled in
    assert not maps.layout.annotations  # plotly.js would measure them at every new run


@pytest.mark.parametrize("fit", ["wide", "narrow", "projector"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_players_json_is_the_checked_figures_json(fit, lang):
    """The player sends its figures as JSON built without plotly.py's figure objects (for
    speed): it must be the very JSON that the checked figures give, and they must pass."""
    from figures.gates import FITS, player_figures, player_json

    seq = encode("我 们 a <b>b</b> c 𝑥", "words", seed=2)
    trace = LSTM.random(seq.x.shape[1], 5, seed=2).run(seq.x)
    checked = player_figures(trace, seq.tokens, unit=1, step=4, lang=lang, fit=FITS[fit])
    fast = player_json(trace, seq.tokens, unit=1, step=4, lang=lang, fit=FITS[fit])
    for a, b in zip(checked, fast, strict=True):
        assert json.loads(a.to_json()) == b
        assert json.loads(json.dumps(b)) == b  # plain JSON: no encoder of plotly.py's needed


# ---- the figures for a phone and for a projector ------------------------------------------

def fitted(fit_name: str, tokens=None, lang="en", H=4):
    from figures.gates import FITS, player_figures

    tokens = tokens or "the cat sat on a mat".split()
    seq = encode(" ".join(tokens), "words", seed=1)
    trace = LSTM.random(seq.x.shape[1], H, seed=1).run(seq.x)
    return player_figures(trace, seq.tokens, unit=1, step=2, lang=lang, fit=FITS[fit_name])


@pytest.mark.parametrize("fit", ["narrow", "projector"])
def test_every_fit_has_the_marks_the_player_moves_at_the_same_places(fit):
    """ui/player.js restyles traces T_BOXES and T_STATES, moves shapes by index and rewrites
    the maps' title, in whichever pair it drew."""
    wide, fitted_pair = fitted("wide"), fitted(fit)
    for a, b in zip(wide, fitted_pair, strict=True):
        assert [t.type for t in a.data] == [t.type for t in b.data]
        assert len(a.layout.shapes) == len(b.layout.shapes)
        assert len(a.layout.annotations) == len(b.layout.annotations)
    assert wide[1].data[0].meta == fitted_pair[1].data[0].meta  # rows, ranges and hover
    assert title_template("fig.gates.maps_title", "en", FITS[fit]).startswith(
        tr("fig.gates.maps_title", "en", unit=2).split(" · ")[0])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_narrow_figures_break_titles_and_name_the_bands_by_symbol(lang):
    from figures.gates import MAPS
    from lstm_viz.gates import QUANTITIES

    diagram, maps = fitted("narrow", lang=lang)
    lines = tr("fig.gates.title", lang, unit=2).split(" · ")
    assert diagram.layout.title.text == "<br>".join(lines)
    labels = maps.layout.meta
    assert title_template("fig.gates.maps_title", lang, FITS["narrow"]).count("<br>") == 2
    assert [n["text"] for n in labels["names"]] == [QUANTITIES[k].symbol for k in MAPS]
    # the full name stays in every cell's hover
    assert [h.split("<br>")[1].split(" = ")[0] for h in maps.data[0].meta["hover"]] == [
        tr(f"fig.common.{k}", lang) for k in MAPS]


def test_the_narrow_gate_names_fit_two_short_lines_in_both_languages():
    from figures.gates import _gate_name

    assert _gate_name("f", "en", "half") == "forget<br>gate"
    assert _gate_name("g", "en", "half") == "candidate"  # one word stays whole
    assert _gate_name("g", "zh", "half") == "候选<br>记忆元"
    assert _gate_name("f", "zh", "half") == "遗忘门"
    assert _gate_name("g", "zh", "space") == "候选记忆元"  # the laptop's drawing: one line
    assert _gate_name("f", "en", "none") == "forget gate"


def test_the_narrow_time_axis_labels_only_as_many_words_as_fit():
    tokens = [f"word{k:02d}" for k in range(28)]
    wide = fitted("wide", tokens)[1].layout.xaxis
    narrow = fitted("narrow", tokens)[1].layout.xaxis
    assert len(narrow.tickvals) < len(wide.tickvals) <= 28
    assert len(narrow.tickvals) * (len("word00") + 2) <= 30  # FITS["narrow"].time_room
    assert list(narrow.ticktext) == [tokens[v - 1] for v in narrow.tickvals]


def test_the_projector_draws_the_values_at_24_px_and_a_squatter_diagram():
    from figures.gates import T_BOXES, T_STATES

    wide, _ = fitted("wide")
    diagram, maps = fitted("projector")
    assert diagram.data[T_BOXES].textfont.size >= 24
    assert diagram.data[T_STATES].textfont.size >= 24
    assert wide.data[T_BOXES].textfont.size < 24  # the laptop's stay as they were
    assert not diagram.layout.title.text  # the spoken line above the chart says it
    assert diagram.layout.height < wide.layout.height


def test_the_payload_carries_the_narrow_pair_and_sizes_for_a_projector():
    from figures.gates import NARROW_PX

    view = view_of()
    header, _ = player.read_payload(player.payload(view, "zh", 1, 1, 0))
    shown, _ = player.read_payload(player.payload(view, "zh", 1, 1, 0, present=True))
    narrow = header["narrow"]
    assert header["narrow_px"] == NARROW_PX
    maps_title = tr("fig.gates.maps_title", "zh", unit="{unit}")  # the player fills in the unit
    assert header["maps_title"] == shown["maps_title"] == maps_title
    assert narrow["maps_title"] == maps_title.replace(" · ", "<br>")
    assert narrow["title"] == tr("fig.gates.title", "zh", unit="{unit}").replace(" · ", "<br>")
    assert narrow["maps_title"].count("<br>") == 2 and "{unit}" in narrow["maps_title"]
    assert narrow["diagram"]["layout"]["margin"]["l"] < header["diagram"]["layout"]["margin"]["l"]
    boxes = shown["diagram"]["data"][header["traces"]["boxes"]]
    assert boxes["textfont"]["size"] >= 24 and shown["title"] == ""
    assert shown["narrow"] == narrow  # a presenter's narrow window still gets the phone's


def test_the_components_code_reaches_the_browser_without_comments_or_indentation():
    """player.script drops whole-line comments and indentation from the code Streamlit sends
    with every new run. It may, because no string or comment in these files spans lines:
    every template literal closes on its line, no line is continued with a backslash, and
    there is no block comment."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for path in [*(root / "ui").glob("*.js"), root / "figures" / "load_plotly.js"]:
        text = path.read_text(encoding="utf-8")
        assert "/*" not in text, f"{path.name}: a block comment (its lines would be cut)"
        for n, line in enumerate(text.splitlines(), 1):
            assert line.count("`") % 2 == 0, f"{path.name}:{n}: a template literal spans lines"
            assert not line.endswith("\\"), f"{path.name}:{n}: a line is continued"
    assert player.script("a();\n  // a note\n\n    b(); // kept\n", "c();") == (
        "a();\nb(); // kept\nc();\n")
    sent = player._JS.splitlines()
    assert sent and not [line for line in sent if line.startswith("//") or line != line.strip()]
