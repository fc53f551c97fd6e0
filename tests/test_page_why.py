"""pages/6_why.py through AppTest: defaults, every widget and surgery, bad input, links."""

from urllib.parse import parse_qs

import numpy as np
import pytest
from conftest import assert_clean, count_calls, decode, open_page, plotly_specs

from lstm_viz import LSTM
from lstm_viz.inputs import encode
from lstm_viz.why import (
    MAP_MAX_STEPS,
    TanhRNN,
    forget_products,
    input_gradients,
    ledger,
    rnn_input_gradients,
)
from text.i18n import tr
from ui.common import escape_markdown
from ui.compute import SURGERIES, surgery_clamp
from ui.controls import STORIES

CHARTS = ("ledger", "map", "surgery", "gradients", "saturation")
FIGURES = ("ledger_bars_figure", "ledger_map_figure", "surgery_figure", "gradients_figure",
           "saturation_figure")  # figures/why.py, one per chart


def charts(at) -> dict:
    specs = plotly_specs(at)
    assert len(specs) == len(CHARTS), len(specs)
    return dict(zip(CHARTS, specs, strict=True))


def ys(spec) -> list[np.ndarray]:
    return [np.asarray(decode(trc["y"]), float) for trc in spec["data"]]


def core_run(seq="a b c d e", mode="words", units=8, seed=0):
    s = encode(seq, mode, seed=seed)
    lstm = LSTM.random(s.x.shape[1], units, seed=seed)
    return s, lstm, lstm.run(s.x)


def gates_links(at) -> list[dict]:
    """The queries of the links that open a unit on the gates page (not the sidebar's)."""
    queries = [parse_qs(p.proto.query_string) for p in at.get("page_link")
               if p.proto.page == "gates"]
    return [q for q in queries if "unit" in q]


def test_default_opens_on_the_trained_model_where_the_gradient_survives():
    at = open_page("why")
    assert_clean(at)
    assert at.selectbox(key="model").value == "pronoun-en"
    assert at.text_area(key="seq").value == STORIES["pronoun-en"]
    lstm, rnn = ys(charts(at)["gradients"])[:2]
    assert lstm[0] > 1e3 * rnn[0]  # at the first step: the cell path keeps the LSTM's alive
    dots = charts(at)["saturation"]["data"]
    xy = np.concatenate([np.c_[decode(d["x"]), decode(d["y"])] for d in dots if "x" in d])
    assert np.abs(xy).max() > 0.2  # gates that act like switches, not every dot at (0, 0)
    zh = open_page("why", lang="zh")
    assert_clean(zh)
    assert zh.selectbox(key="model").value == "pronoun-zh"
    assert zh.text_area(key="seq").value == STORIES["pronoun-zh"]


def test_random_weights_draw_all_four_views():
    at = open_page("why", model="random")
    assert_clean(at)
    assert not at.error
    assert at.title[0].value == tr("nav.why.title", "en")
    seq = at.text_area(key="seq").value
    T = len(seq.split())
    assert at.slider(key="step").value == T, "the ledger starts at the last step"
    _, _, trace = core_run(seq)
    bars = charts(at)["ledger"]["data"]
    assert len(decode(bars[0]["y"])) == T
    assert np.isclose(np.sum(decode(bars[0]["y"])), trace.c[-1, 0])
    assert np.isclose(decode(bars[2]["y"])[0], trace.c[-1, 0])


def test_views_hold_the_cores_numbers_for_the_typed_sequence():
    query = dict(seq="one two three four five six", mode="words", units=5, seed=7, step=4,
                 unit=3)
    at = open_page("why", **query)
    assert_clean(at)
    s, lstm, trace = core_run(query["seq"], units=5, seed=7)
    got = charts(at)
    parts = ledger(trace, units=[2]).parts[:, :, 0]
    assert np.allclose(decode(got["ledger"]["data"][0]["y"]), parts[3, :4])
    assert np.allclose(decode(got["map"]["data"][0]["z"]), parts)
    rnn = TanhRNN.random(s.x.shape[1], 5, seed=7)
    lstm_g, rnn_g, forget = ys(got["gradients"])
    assert np.allclose(lstm_g, input_gradients(lstm, s.x))
    assert np.allclose(rnn_g, rnn_input_gradients(rnn, s.x))
    assert np.allclose(forget, forget_products(trace)[:, 2])


@pytest.mark.parametrize("surgery", SURGERIES)
@pytest.mark.parametrize("who, when", [("unit", "all"), ("all", "from")])
def test_each_surgery_overlays_the_clamped_run(surgery, who, when):
    at = open_page("why", seq="a b c d e f", units=4, seed=2, step=3, unit=2)
    at.segmented_control(key="surgery").set_value(surgery)
    at.segmented_control(key="who").set_value(who)
    at.segmented_control(key="when").set_value(when).run()
    assert_clean(at)
    s, lstm, trace = core_run("a b c d e f", units=4, seed=2)
    clamp = surgery_clamp(surgery, 6, 1 if who == "unit" else None, 2 if when == "from" else None)
    after = lstm.run(s.x, clamp=clamp)
    c0, c1, h0, h1 = ys(charts(at)["surgery"])
    assert np.allclose(c0, trace.c[:, 1]) and np.allclose(h0, trace.h[:, 1])
    assert np.allclose(c1, after.c[:, 1]) and np.allclose(h1, after.h[:, 1])
    assert tr(f"why.surgery.{surgery}.why", "en") in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("widget, key, value", [
    ("text_area", "seq", "hello there world"),
    ("number_input", "units", 12),
    ("number_input", "seed", 42),
    ("slider", "step", 2),
    ("slider", "unit", 5),
    ("selectbox", "model", "random"),
])
def test_each_widget_changes_the_view(widget, key, value):
    at = open_page("why", model="random")
    before = plotly_specs(at)
    getattr(at, widget)(key=key).set_value(value).run()
    assert_clean(at)
    assert not at.error
    assert getattr(at, widget)(key=key).value == value
    if key != "model":
        assert plotly_specs(at) != before


def test_a_demo_model_adds_its_confidence_and_units_that_keep_memory():
    at = open_page("why", model="first-symbol")
    assert_clean(at)
    assert not at.error
    assert at.text_area(key="seq").value.endswith("?"), "one of the model's own examples"
    assert len(charts(at)["surgery"]["data"]) == 6  # C, h and the model's confidence
    assert not at.number_input, "the model decides its own size"
    links = gates_links(at)
    assert len(links) >= 2 and all(q["model"] == ["first-symbol"] for q in links)


@pytest.mark.parametrize("seq, mode, fragment", [
    ("", "words", "empty"),
    ("1, 2, abc", "numbers", "“abc” (step 3)"),
    ("1, nan, 3", "numbers", "finite"),
    ("1 2; 3", "numbers", "Step 2 has 1"),
])
def test_bad_input_gives_a_message_and_keeps_settings(seq, mode, fragment):
    at = open_page("why", units=7, seed=3, surgery="f0")
    at.text_area(key="seq").set_value(seq)
    at.segmented_control(key="mode").set_value(mode).run()
    assert_clean(at)
    assert len(at.error) == 1 and fragment in at.error[0].value.replace("\\", "")
    assert not plotly_specs(at)
    assert at.number_input(key="units").value == 7 and at.number_input(key="seed").value == 3
    at.text_area(key="seq").set_value("1, 2, 3").run()
    assert not at.error and len(charts(at)) == 5
    assert at.segmented_control(key="surgery").value == "f0"


def test_long_sequence_is_cut_to_500_steps_with_a_note():
    # 500 steps: the T × T ledger map is left out with a note (issue 14, item 9), the rest
    # is drawn for every step.
    at = open_page("why", seq="ab" * 400, mode="chars", units=2)
    assert_clean(at)
    assert "800" in at.info[0].value and "500" in at.info[0].value
    assert at.slider(key="step").max == 500
    note = escape_markdown(tr("why.map.capped", "en", steps=500, limit=MAP_MAX_STEPS))
    assert note in [i.value for i in at.info]
    specs = plotly_specs(at)
    assert len(specs) == len(CHARTS) - 1
    titles = [spec["layout"].get("title", {}).get("text") for spec in specs]
    assert tr("why.fig.map.title", "en", unit=1) not in titles
    gradients = dict(zip([c for c in CHARTS if c != "map"], specs, strict=True))["gradients"]
    assert len(decode(gradients["data"][0]["y"])) == 500


def test_the_map_is_drawn_up_to_its_limit():
    at = open_page("why", seq="ab" * (MAP_MAX_STEPS // 2), mode="chars", units=2)
    assert_clean(at)
    assert len(decode(charts(at)["map"]["data"][0]["z"])) == MAP_MAX_STEPS


def test_gradients_over_the_work_limit_are_left_out_with_a_note(monkeypatch):
    import lstm_viz.why as why

    seq = "abcdefghij"  # 10 steps, 8 units reading X inputs
    s, lstm, _ = core_run(seq, "chars", 8, 0)
    work = why.gradient_work(10, 8, s.x.shape[1])
    monkeypatch.setattr(why, "GRADIENT_MAX_WORK", work - 1)  # 9 steps fit, 10 do not
    at = open_page("why", seq=seq, mode="chars", units=8, seed=0)
    assert_clean(at)
    note = escape_markdown(tr("why.grad.capped", "en", steps=10, most=9))
    assert note in [i.value for i in at.info]
    assert len(plotly_specs(at)) == len(CHARTS) - 1
    monkeypatch.setattr(why, "GRADIENT_MAX_WORK", work)
    at = open_page("why", seq=seq, mode="chars", units=8, seed=0)
    assert_clean(at)
    assert len(plotly_specs(at)) == len(CHARTS)


def test_a_shared_link_reproduces_the_view():
    query = dict(seq="w x y z w", mode="chars", units=6, seed=9, step=3, unit=4,
                 surgery="knockout", who="all", when="from")
    at = open_page("why", **query)
    assert_clean(at)
    assert not [el for el in at.info if "link" in el.value], "a valid link gives no note"
    assert at.slider(key="step").value == 3 and at.slider(key="unit").value == 4
    assert at.segmented_control(key="surgery").value == "knockout"
    assert at.segmented_control(key="who").value == "all"
    assert at.segmented_control(key="when").value == "from"
    s, lstm, _ = core_run("w x y z w", "chars", 6, 9)
    after = lstm.run(s.x, clamp=surgery_clamp("knockout", len(s.tokens), None, 2))
    assert np.allclose(ys(charts(at)["surgery"])[1], after.c[:, 3])
    link = gates_links(at)[0]
    assert link == {"seq": ["w x y z w"], "model": ["random"], "mode": ["chars"], "units": ["6"],
                    "seed": ["9"], "unit": ["4"]}  # named: the gates page opens on a demo


def test_garbage_in_the_url_falls_back_to_defaults():
    at = open_page("why", units="lots", step="x", unit="999", surgery="nope", who="?", when=3)
    assert_clean(at)
    assert not at.error
    assert at.number_input(key="units").value == 8
    assert at.segmented_control(key="surgery").value == "f1"
    assert len(charts(at)) == 5
    notes = " ".join(el.value.replace("\\", "") for el in at.info)
    for shown in ("units=lots", "step=x", "unit=999", "surgery=nope", "who=?", "when=3"):
        assert shown in notes


def test_chinese_page():
    at = open_page("why", lang="zh", units=3)
    assert_clean(at)
    assert at.title[0].value == "LSTM 为什么能记住"
    text = " ".join(m.value for m in at.markdown)
    assert tr("why.ledger.text", "zh")[:20] in text
    assert charts(at)["surgery"]["layout"]["title"]["text"] == tr(
        "why.fig.surgery.title", "zh", unit=1, what=tr("why.surgery.f1", "zh"))
    assert gates_links(at)[0]["lang"] == ["zh"]


def test_long_why_views_take_turns_and_short_ones_never_wait():
    # Issue 14, item 9: three long /why views drawing at once took the interpreter from
    # every other learner; they take the server's one slot in turn.
    import threading

    from ui.compute import HEAVY_WHY, why_slot

    drawn = threading.Event()

    def long_view():
        with why_slot(500, 64):
            drawn.set()

    with why_slot(500, 64):  # another session is drawing a long view
        with why_slot(HEAVY_WHY, 1):  # a short one does not wait (nor would it deadlock)
            pass
        other = threading.Thread(target=long_view)
        other.start()
        assert not drawn.wait(0.3)  # the second long view waits for its turn
    assert drawn.wait(5)
    other.join(5)
    assert why_slot(500, 64) is why_slot(HEAVY_WHY + 1, 1)  # one slot for the whole server


def test_the_page_draws_a_long_view_inside_the_slot(monkeypatch):
    import ui.compute as compute

    entered = []

    class Slot:
        def __enter__(self):
            entered.append(True)

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(compute, "_WHY_SLOT", Slot())
    at = open_page("why", seq="ab" * 100, mode="chars", units=64)
    assert_clean(at)
    assert entered == [True] and len(plotly_specs(at)) == len(CHARTS) - 1


@pytest.mark.parametrize("query", [{}, {"model": "random", "units": 16, "unit": 12}])
def test_the_unit_slider_has_one_value_not_a_default_and_a_state(monkeypatch, query):
    """A unit set through Session State (the demo's known unit, or a kept one) is the
    slider's only value: Streamlit warns when a widget gets a default as well."""
    from streamlit.elements.lib import policies

    said = []
    monkeypatch.setattr(policies._LOGGER, "warning", lambda *a, **k: said.append(a))
    at = open_page("why", **query)
    assert_clean(at)
    at.slider(key="step").set_value(2).run()
    assert said == []


def test_a_second_learner_on_the_same_view_gets_the_figures_already_built(monkeypatch):
    """The five figures are built once per view and shared (ui/compute why_*_view): a class
    opening /why on its defaults builds them once, and every learner sees the same charts;
    another unit or language builds its own."""
    import ui.compute as compute

    built = count_calls(monkeypatch, compute, FIGURES)
    compute.why_ledger_view.clear()  # the server's shared cache, emptied for this test
    first = open_page("why")
    assert_clean(first)
    assert sorted(built) == sorted(FIGURES)
    second = open_page("why")
    assert_clean(second)
    assert len(built) == 5, "the second learner's run built no figure"
    assert charts(second) == charts(first)
    built.clear()
    open_page("why", unit="2")
    assert sorted(built) == sorted(FIGURES), "another unit: new figures"
    built.clear()
    open_page("why", lang="zh")
    assert len(built) == 5, "another language: new figures"
