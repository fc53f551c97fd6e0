"""ui/share.py and presentation mode through AppTest: downloads, the link, ?present=1."""

import io
import re
from urllib.parse import parse_qs, urlsplit

import numpy as np
from conftest import assert_clean, open_page
from player_payload import player_elements

from lstm_viz import LSTM
from lstm_viz.export import read_trace_csv
from lstm_viz.inputs import encode
from ui import share
from ui.views import GatesView

SETTINGS = dict(text="the cat, “sat”", mode="words", units=3, seed=4)
VIEW = GatesView(**SETTINGS)  # random weights


def core_trace():
    seq = encode(SETTINGS["text"], "words", seed=4)
    return seq.tokens, LSTM.random(seq.x.shape[1], 3, seed=4).run(seq.x)


def test_the_gates_page_offers_the_three_downloads_and_a_png_hint():
    at = open_page("gates", seq="a b c", units=3)
    assert_clean(at)
    buttons = {b.key: b.label for b in at.get("download_button")}
    assert set(buttons) == {"dl_csv", "dl_npz", "dl_html"}
    assert any("camera" in c.value for c in at.caption)


def test_csv_download_holds_the_pages_trace():
    tokens, trace = core_trace()
    got_tokens, arrays = read_trace_csv(share.run_csv(VIEW))
    assert got_tokens == tokens
    for name in ("i", "f", "g", "o", "c", "h"):
        np.testing.assert_allclose(arrays[name], getattr(trace, name), rtol=1e-12, atol=0)


def test_npz_download_holds_the_pages_trace():
    tokens, trace = core_trace()
    with np.load(io.BytesIO(share.run_npz(VIEW)), allow_pickle=False) as data:
        assert tuple(data["tokens"].tolist()) == tokens
        np.testing.assert_array_equal(data["h"], trace.h)


def test_html_download_is_a_standalone_animated_page():
    html = share.view_html(GatesView(**SETTINGS, model="random"), unit=0, step=0, lang="zh")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert not re.search(r"<script[^>]*\ssrc=", html)  # no script from elsewhere
    assert len(html) > 3_000_000  # plotly.js itself is inside
    assert "Plotly.addFrames" in html and "Plotly.newPlot" in html
    assert "遗忘门" in html or "\\u9057\\u5fd8\\u95e8" in html  # the chosen language's labels


def test_present_folds_the_settings_away_and_keeps_the_chart():
    normal, present = open_page("gates"), open_page("gates", present=1)
    for at in (normal, present):
        assert_clean(at)
        assert len(player_elements(at)) == 1
    assert normal.expander[0].label == present.expander[0].label == "Settings"
    # Folded on every screen, so Play and the diagram start on the first one; the sequence
    # stays in sight below them, except on a projector, where it is folded with them.
    assert not normal.expander[0].proto.expanded and not present.expander[0].proto.expanded
    assert [w.key for w in normal.expander[0].text_area] == []
    assert normal.text_area(key="seq").value.startswith("John met Mary")
    assert [w.key for w in present.expander[0].text_area] == ["seq"]
    # The widgets are still there (they drive the view) and the toggle leaves the sidebar.
    assert present.text_area(key="seq").value.startswith("John met Mary")  # the opening story
    assert [w.key for w in present.sidebar.toggle] == []
    assert [w.key for w in normal.sidebar.toggle] == ["present"]
    assert present.toggle(key="present").value is True
    assert present.query_params["present"] in ("1", ["1"])
    projector = [[h for h in at.get("html") if "stSidebar" in h.proto.body]
                 for at in (present, normal)]  # the projector CSS (the gates page has its own)
    assert len(projector[0]) == 1 and not projector[1]


def test_present_travels_with_the_page_links():
    at = open_page("gates", present=1, lang="zh")
    links = at.sidebar.get("page_link")
    assert len(links) >= 2
    assert all(parse_qs(link.proto.query_string) == {"lang": ["zh"], "present": ["1"]}
               for link in links)
    at.toggle(key="present").set_value(False).run()
    assert_clean(at)
    assert "present" not in at.query_params
    assert [w.key for w in at.expander[0].text_area] == []  # the sequence is back in sight
    assert at.text_area(key="seq").value
    assert all("present" not in link.proto.query_string for link in at.sidebar.get("page_link"))


def test_link_box_names_every_query_param_and_the_language():
    at = open_page("gates", seq="x, y & z", units=5, step=2)
    assert_clean(at)
    link = at.text[-1].value
    query = parse_qs(urlsplit(link).query)
    assert query["seq"] == ["x, y & z"] and query["units"] == ["5"] and query["step"] == ["2"]
    assert query["lang"] == ["en"]


def test_share_url_encodes_and_keeps_the_chosen_language():
    url = share.share_url("http://host/gates", {"seq": "a&b=c 中", "lang": "zh"}, "zh")
    assert url.startswith("http://host/gates?")
    assert parse_qs(urlsplit(url).query) == {"seq": ["a&b=c 中"], "lang": ["zh"]}
