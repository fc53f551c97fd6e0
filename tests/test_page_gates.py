"""pages/1_gates.py through AppTest: defaults, every widget, bad input, shared links."""

import numpy as np
import pytest
from conftest import assert_clean, decode, open_page, plotly_specs

from lstm_viz import LSTM
from lstm_viz.inputs import encode


def gates_spec(at):
    specs = plotly_specs(at)
    assert len(specs) == 1
    return specs[0]


def test_default_view_draws_the_animation():
    at = open_page("gates")
    assert_clean(at)
    assert not at.error
    spec = gates_spec(at)
    assert len(spec["frames"]) == 10  # the default sentence has 10 words
    assert at.text_area(key="seq").value.startswith("the cat sat")
    assert at.code, "the arithmetic is shown"


def test_figure_holds_the_trace_of_the_typed_sequence():
    at = open_page("gates", seq="a b c d", mode="words", units=3, seed=5)
    assert_clean(at)
    spec = gates_spec(at)
    assert len(spec["frames"]) == 4
    # The same numbers the core gives for this input are in the heatmaps.
    seq = encode("a b c d", "words", seed=5)
    trace = LSTM.random(seq.x.shape[1], 3, seed=5).run(seq.x)
    values = [decode(tr["z"]) for tr in spec["data"] if tr.get("type") == "heatmap"]
    assert any(np.allclose(np.asarray(v, float).reshape(-1), trace.f.T.reshape(-1), atol=1e-6)
               or np.allclose(np.asarray(v, float).reshape(-1), trace.f.reshape(-1), atol=1e-6)
               for v in values)


@pytest.mark.parametrize("widget, key, value", [
    ("text_area", "seq", "hello there"),
    ("number_input", "units", 12),
    ("number_input", "seed", 42),
    ("selectbox", "model", "random"),
])
def test_each_widget_changes_the_view(widget, key, value):
    at = open_page("gates")
    getattr(at, widget)(key=key).set_value(value).run()
    assert_clean(at)
    assert not at.error
    assert getattr(at, widget)(key=key).value == value


def test_mode_units_step_and_unit_change_the_explanation():
    at = open_page("gates", seq="1, 2, 3, 4, 5", mode="numbers", units=4)
    assert_clean(at)
    assert len(gates_spec(at)["frames"]) == 5
    before = at.code[0].value
    at.slider(key="step").set_value(3).run()
    assert_clean(at)
    assert at.code[0].value != before
    at.slider(key="unit").set_value(4).run()
    assert_clean(at)
    lines = at.code[0].value.splitlines()
    assert lines[0].startswith("f = σ(") and lines[4].startswith("Cₜ = f·Cₜ₋₁")


@pytest.mark.parametrize("seq, mode, fragment", [
    ("", "words", "empty"),
    ("1, 2, abc", "numbers", "“abc” (step 3)"),
    ("1, nan, 3", "numbers", "finite"),
    ("1, inf", "numbers", "finite"),
    ("1e300", "numbers", "too large"),
    ("1 2; 3", "numbers", "Step 2 has 1"),
])
def test_bad_input_gives_a_message_and_keeps_settings(seq, mode, fragment):
    at = open_page("gates", units=7, seed=3)
    at.text_area(key="seq").set_value(seq)
    at.segmented_control(key="mode").set_value(mode).run()
    assert_clean(at)
    assert len(at.error) == 1 and fragment in at.error[0].value.replace("\\", "")
    assert not plotly_specs(at), "no chart in place of the message"
    assert at.number_input(key="units").value == 7
    assert at.number_input(key="seed").value == 3
    at.text_area(key="seq").set_value("1, 2, 3").run()  # fixing the input brings the chart back
    assert not at.error and len(gates_spec(at)["frames"]) == 3


def test_long_sequence_is_cut_to_500_steps_with_a_note():
    at = open_page("gates", seq="ab" * 400, mode="chars", units=2)
    assert_clean(at)
    assert "800" in at.info[0].value and "500" in at.info[0].value
    assert len(gates_spec(at)["frames"]) == 500


@pytest.mark.parametrize("seq, mode", [
    ("<b>x</b> <img src=x onerror=alert(1)>", "words"),
    ("我爱 LSTM 👍🏽", "chars"),
    ("**bold** [link](javascript:alert(1)) $x$ :red[hi]", "words"),
])
def test_odd_text_is_shown_as_typed(seq, mode):
    at = open_page("gates", seq=seq, mode=mode)
    assert_clean(at)
    assert not at.error
    spec = gates_spec(at)
    text = str(spec)
    assert "<b>x</b>" not in text and "<img" not in text  # escaped inside the figure
    first = encode(seq, mode).tokens[0]
    assert any(el.value.endswith(": " + first) for el in at.text)  # shown as typed


def test_a_shared_link_reproduces_the_view():
    query = dict(seq="one two three four", mode="words", units=5, seed=9, step=3, unit=2)
    at = open_page("gates", **query)
    assert_clean(at)
    assert at.text_area(key="seq").value == query["seq"]
    assert at.number_input(key="units").value == 5
    assert at.number_input(key="seed").value == 9
    assert at.slider(key="step").value == 3 and at.slider(key="unit").value == 2
    spec = gates_spec(at)
    assert spec["layout"]["sliders"][0]["active"] == 2  # 0-based: step 3
    assert "Step 3, unit 2" in at.markdown[-0 - len(at.markdown)].value or any(
        "Step 3, unit 2" in m.value for m in at.markdown)


def test_garbage_in_the_url_falls_back_to_defaults():
    at = open_page("gates", units="lots", seed="-5", step="x", unit="999", mode="nope")
    assert_clean(at)
    assert not at.error
    assert at.number_input(key="units").value == 8
    assert gates_spec(at)["frames"]
    notes = " ".join(el.value.replace("\\", "") for el in at.info)
    for shown in ("units=lots", "seed=-5", "step=x", "unit=999", "mode=nope"):
        assert shown in notes  # the teacher learns the link was not used as written
    at.number_input(key="seed").set_value(4).run()
    assert not at.info  # said once, on arrival


def test_a_valid_link_gives_no_note():
    at = open_page("gates", seq="a b c", mode="words", units=3, seed=1, step=2, unit=3)
    assert not at.info


def test_step_beyond_a_shorter_sequence_is_clamped():
    at = open_page("gates", seq="a b c d e f", mode="words", step=6)
    at.text_area(key="seq").set_value("a b").run()
    assert_clean(at)
    assert at.slider(key="step").value == 2


def test_chinese_page():
    at = open_page("gates", lang="zh")
    assert_clean(at)
    assert at.title[0].value == "逐步看门控"
    assert "遗忘门" in "".join(m.value for m in at.markdown)
