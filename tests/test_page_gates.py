"""pages/1_gates.py through AppTest: defaults, every widget, bad input, shared links."""

import numpy as np
import pytest
from conftest import assert_clean, open_page, plotly_specs
from player_payload import (
    arith_data,
    arithmetic,
    arithmetic_heading,
    player_data,
    player_steps,
    player_values,
    set_player,
)

from lstm_viz import LSTM, demos
from lstm_viz.explain import fmt
from lstm_viz.inputs import encode
from text.i18n import tr
from ui import compute, keys
from ui.controls import STORIES


def test_default_view_draws_the_animation():
    at = open_page("gates")
    assert_clean(at)
    assert not at.error
    # a trained model whose gates work, on its opening story, at the unit that remembers
    assert at.selectbox(key="model").value == "pronoun-en"
    assert at.text_area(key="seq").value == STORIES["pronoun-en"]
    assert player_steps(at) == len(STORIES["pronoun-en"].split())
    assert player_data(at)[0]["request"]["unit"] == demos.load("pronoun-en").units["gender"] + 1
    assert arithmetic(at), "the arithmetic is shown"
    assert any("trained model" in c.value for c in at.caption), "the page says why"


def test_chinese_opens_on_chinese_text_read_by_characters():
    at = open_page("gates", lang="zh")
    assert_clean(at)
    assert at.selectbox(key="model").value == "pronoun-zh"
    assert at.text_area(key="seq").value == STORIES["pronoun-zh"]
    steps = compute.model_tokens(compute.demo_chosen("pronoun-zh"), STORIES["pronoun-zh"])
    assert player_steps(at) == len(steps) > 40  # about a step per character
    at.button(key="btn_random").click().run()  # random weights: one click, still by characters
    assert_clean(at)
    assert at.selectbox(key="model").value == "random"
    assert at.segmented_control(key="mode").value == "chars"
    assert player_steps(at) == len(STORIES["pronoun-zh"])
    examples = [b.key for b in at.button if (b.key or "").startswith("btn_gates.ex")]
    assert examples[0] == "btn_gates.ex.zh"  # the Chinese example first


def test_chinese_in_words_mode_gets_a_note_and_a_button_to_read_characters():
    at = open_page("gates", lang="zh", model="random", mode="words", seq="小明喜欢读书")
    assert_clean(at)
    assert player_steps(at) == 1
    assert [i.value for i in at.info] == [tr("note.zh_words", "zh")]
    at.button(key="btn_chars").click().run()
    assert at.segmented_control(key="mode").value == "chars"
    assert player_steps(at) == 6 and not at.info
    english = open_page("gates", model="random", mode="words", seq="read me word by word")
    assert not english.info  # no note for text that words mode splits


def test_a_link_to_a_demo_opens_on_one_of_its_texts():
    at = open_page("gates", model="pronoun-en")
    assert_clean(at)
    assert not at.error
    assert at.text_area(key="seq").value == STORIES["pronoun-en"]
    brackets = open_page("gates", model="brackets")
    assert_clean(brackets)
    assert not brackets.error  # the story has words brackets cannot read: its own example
    assert brackets.text_area(key="seq").value in compute.model_examples(
        compute.demo_chosen("brackets"))


def test_links_made_for_random_weights_still_open_on_random_weights():
    for query in (dict(seq="hello there"), dict(units=5), dict(mode="chars", seq="abc")):
        at = open_page("gates", **query)
        assert_clean(at)
        assert not at.error and at.selectbox(key="model").value == "random", query


def test_text_the_demo_cannot_read_offers_random_weights_in_one_click():
    at = open_page("gates")
    at.text_area(key="seq").input("hello there").run()
    assert at.error  # the demo does not know "hello"
    next(b for b in at.button if b.label == tr("model.unknown.random", "en")).click().run()
    assert_clean(at)
    assert not at.error and at.selectbox(key="model").value == "random"
    assert at.query_params["model"] in ("random", ["random"])


def test_figure_holds_the_trace_of_the_typed_sequence():
    at = open_page("gates", seq="a b c d", mode="words", units=3, seed=5)
    assert_clean(at)
    assert player_steps(at) == 4
    # The same numbers the core gives for this input are in the player's data.
    seq = encode("a b c d", "words", seed=5)
    trace = LSTM.random(seq.x.shape[1], 3, seed=5).run(seq.x)
    for name in ("f", "g", "c", "h"):
        assert np.allclose(player_values(at, name), getattr(trace, name), atol=5e-4)


@pytest.mark.parametrize("widget, key, value", [
    ("text_area", "seq", "hello there"),
    ("number_input", "units", 12),
    ("number_input", "seed", 42),
    ("selectbox", "model", "random"),
])
def test_each_widget_changes_the_view(widget, key, value):
    at = open_page("gates", model="random")
    getattr(at, widget)(key=key).set_value(value).run()
    assert_clean(at)
    assert not at.error
    assert getattr(at, widget)(key=key).value == value


def test_mode_units_step_and_unit_change_the_explanation():
    at = open_page("gates", seq="1, 2, 3, 4, 5", mode="numbers", units=4)
    assert_clean(at)
    assert player_steps(at) == 5
    before = arithmetic(at)
    set_player(at, 3, 1)
    assert_clean(at)
    assert arithmetic(at) != before
    set_player(at, 3, 4)
    assert_clean(at)
    lines = arithmetic(at).splitlines()
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
    assert not plotly_specs(at) and not at.get("bidi_component"), "no chart: the message"
    assert at.number_input(key="units").value == 7
    assert at.number_input(key="seed").value == 3
    at.text_area(key="seq").set_value("1, 2, 3").run()  # fixing the input brings the chart back
    assert not at.error and player_steps(at) == 3


def test_long_sequence_is_cut_to_500_steps_with_a_note():
    at = open_page("gates", seq="ab" * 400, mode="chars", units=2)
    assert_clean(at)
    assert "800" in at.info[0].value and "500" in at.info[0].value
    assert player_steps(at) == 500


@pytest.mark.parametrize("seq, mode", [
    ("<b>x</b> <img src=x onerror=alert(1)>", "words"),
    ("我爱 LSTM 👍🏽", "chars"),
    ("**bold** [link](javascript:alert(1)) $x$ :red[hi]", "words"),
])
def test_odd_text_is_shown_as_typed(seq, mode):
    at = open_page("gates", seq=seq, mode=mode)
    assert_clean(at)
    assert not at.error
    header, _ = player_data(at)
    text = str(header["diagram"]) + str(header["maps_figure"]) + str(header["labels"])
    assert "<b>x</b>" not in text and "<img" not in text  # escaped inside the figure
    assert header["tokens"] == list(encode(seq, mode).tokens)  # as typed, for textContent
    first = encode(seq, mode).tokens[0]
    assert arith_data(at)[0]["tokens"][0] == first  # shown as typed (textContent)


def test_a_shared_link_reproduces_the_view():
    query = dict(seq="one two three four", mode="words", units=5, seed=9, step=3, unit=2)
    at = open_page("gates", **query)
    assert_clean(at)
    assert at.text_area(key="seq").value == query["seq"]
    assert at.number_input(key="units").value == 5
    assert at.number_input(key="seed").value == 9
    request = player_data(at)[0]["request"]
    assert (request["step"], request["unit"]) == (3, 2)  # the player starts there
    assert arithmetic_heading(at).startswith("Step 3, unit 2")


def test_garbage_in_the_url_falls_back_to_defaults():
    at = open_page("gates", units="lots", seed="-5", step="x", unit="999", mode="nope")
    assert_clean(at)
    assert not at.error
    assert at.number_input(key="units").value == 8
    assert player_steps(at)
    assert player_data(at)[0]["request"]["unit"] != 999  # unit 999 does not exist
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
    assert player_data(at)[0]["request"]["step"] == 2
    assert "Step 2," in arithmetic_heading(at) and at.query_params["step"] in ("2", ["2"])


def test_chinese_page():
    at = open_page("gates", lang="zh")
    assert_clean(at)
    assert at.title[0].value == "逐步看门控"
    assert "遗忘门" in "".join(arith_data(at)[0]["says"]["forget"].values())
    assert arithmetic_heading(at).startswith("第 1 步")


# ---- trained models: the demos and the learner's own --------------------------------------

def demo_trace(name, text):
    from lstm_viz import demos

    out = demos.load(name).run(text)
    return out.tokens, out.trace.layers[0]


def demos_unit(name, job):
    from lstm_viz import demos

    return demos.load(name).units[job] + 1


def test_choosing_a_demo_model_shows_its_trace():
    at = open_page("gates")
    at.selectbox(key="model").set_value("pronoun-en").run()
    assert_clean(at)
    assert not at.error
    text = at.text_area(key="seq").value
    assert text != "the cat sat on the mat because it was warm"  # replaced: words it can read
    tokens, layer = demo_trace("pronoun-en", text)
    assert player_steps(at) == len(tokens)
    for name in ("f", "c"):
        assert np.allclose(player_values(at, name), getattr(layer, name), atol=5e-4)
    assert not at.number_input and not at.segmented_control  # the model decides: hidden
    captions = " ".join(c.value for c in at.caption)
    units = layer.c.shape[1]
    assert f"It reads the text word by word and has {units} units" in captions
    assert any("English stories" in m.value for m in at.markdown)
    assert player_data(at)[0]["units"] == layer.c.shape[1]
    from lstm_viz import demos

    gender = demos.load("pronoun-en").units["gender"] + 1
    assert player_data(at)[0]["request"]["unit"] == gender  # starts on the unit that remembers
    assert f"unit {gender}" in arithmetic_heading(at)
    assert any(f"Unit {gender} learned to carry the gender" in m.value for m in at.markdown)


def test_a_demo_link_reproduces_the_view():
    text = "Mary met John and she is happy ."
    query = dict(model="pronoun-en", seq=text, step=4, unit=3)
    at = open_page("gates", **query)
    assert_clean(at)
    assert not at.error and not at.info
    assert at.selectbox(key="model").value == "pronoun-en"
    assert at.text_area(key="seq").value == text
    tokens, layer = demo_trace("pronoun-en", text)
    assert np.allclose(player_values(at, "i"), layer.i, atol=5e-4)
    assert player_data(at)[0]["request"]["step"] == 4
    # the arithmetic is the demo layer's: f of unit 3 at step 4 is in the first formula
    assert arithmetic(at).splitlines()[0].endswith(f"{layer.f[3, 2]:.3f}".replace("-", "−"))
    assert arith_data(at)[0]["tokens"][3] == tokens[3]


def test_random_settings_come_back_after_a_trained_model():
    at = open_page("gates", units=5, seed=7, mode="chars", seq="abc")
    at.selectbox(key="model").set_value("brackets").run()
    assert_clean(at)
    assert at.query_params.get("model") == "brackets"
    at.selectbox(key="model").set_value("random").run()
    assert_clean(at)
    assert not at.warning
    assert at.number_input(key="units").value == 5 and at.number_input(key="seed").value == 7
    assert at.segmented_control(key="mode").value == "chars"
    assert player_steps(at) == len(at.text_area(key="seq").value)


def test_a_demo_link_with_random_settings_gives_no_note():
    at = open_page("gates", model="first-symbol", seq="Bxyz?", units=12, seed=3, mode="numbers")
    assert_clean(at)
    assert not at.info and not at.error
    assert player_steps(at) == 5


def test_a_demo_model_names_unknown_words():
    at = open_page("gates", model="pronoun-en", seq="the cat met Mary")
    assert_clean(at)
    assert len(at.error) == 1
    message = at.error[0].value.replace("\\", "")
    assert "“cat”" in message and "“the”" not in message.split("Use only")[0]
    assert "Mary" in message.split("Use only these:")[1]
    assert not at.get("bidi_component")
    assert at.selectbox(key="model").value == "pronoun-en"


def test_character_demo_reads_characters():
    at = open_page("gates", model="brackets", seq="(a(b))")
    assert_clean(at)
    tokens, layer = demo_trace("brackets", "(a(b))")
    assert tokens == ("(", "a", "(", "b", ")", ")")
    assert np.allclose(player_values(at, "c"), layer.c, atol=5e-4)
    assert "character by character" in " ".join(c.value for c in at.caption)
    depth = demos_unit("brackets", "depth")
    assert any(f"Unit {depth} learned to count" in m.value for m in at.markdown)


def test_chinese_demo_in_chinese():
    at = open_page("gates", model="pronoun-zh", seq="小红在家唱歌，她很开心。", lang="zh")
    assert_clean(at)
    assert not at.error
    assert any("中文小故事" in m.value for m in at.markdown)
    assert player_steps(at) == 12


def test_the_learners_own_model_is_offered_only_when_there_is_one():
    from lstm_viz.model import TokenModel
    from lstm_viz.tasks import get

    at = open_page("gates", model="trained")
    assert "Your trained model" not in at.selectbox(key="model").options  # labels
    assert at.selectbox(key="model").value == "pronoun-en"  # the page's own default
    assert "model=trained" in " ".join(i.value.replace("\\", "") for i in at.info)

    task = get("first-symbol")
    own = TokenModel.random(task.vocab, task.labels, 3, (5, 4), seed=1)
    at = open_page("gates")
    at.session_state[keys.TRAINED_MODEL] = own
    at.session_state[keys.TRAINED_TASK] = "first-symbol"
    at.run()
    assert "Your trained model" in at.selectbox(key="model").options
    at.selectbox(key="model").set_value("trained").run()
    assert_clean(at)
    text = at.text_area(key="seq").value
    assert text.endswith("?")  # one of the task's own examples
    run = own.run(task.tokenize(text))
    assert np.allclose(player_values(at, "f"), run.trace.layers[0].f, atol=5e-4)
    assert at.selectbox(key="layer").value == "1"  # two layers: a layer choice
    at.selectbox(key="layer").set_value("2").run()
    assert_clean(at)
    assert np.allclose(player_values(at, "f"), run.trace.layers[1].f, atol=5e-4)
    assert player_data(at)[0]["units"] == 4
    assert any("Your own model" in m.value for m in at.markdown)


@pytest.mark.parametrize(("query", "model"), [
    ({"lang": "en"}, "pronoun-en"), ({"lang": "zh"}, "pronoun-zh"),
    ({"lang": "en", "model": "random"}, "random")])
def test_the_open_model_is_named_outside_the_folded_settings(query, model):
    at = open_page("gates", **query)
    assert_clean(at)
    said = tr("gates.model.now", query["lang"], name=tr(f"model.{model}", query["lang"]))
    assert said in [c.value for c in at.caption]
    presented = open_page("gates", present=1, **query)
    assert said not in [c.value for c in presented.caption], "the projector's first screen"


def test_the_token_vectors_are_drawn_when_their_expander_is_opened():
    """The vocabulary's table (st.dataframe: the browser's data grid and Arrow formatting) is
    sent only while its expander is open, not on every first load; opened, it lists every
    token of the sequence with its vector as the arithmetic prints it."""
    at = open_page("gates", model="random", mode="words", seq="the cat saw the dog")
    assert_clean(at)
    x = encode("the cat saw the dog", "words", seed=0).x  # the random model's embedding
    label = tr("gates.embedding", "en", dim=x.shape[1])
    assert label in [e.label for e in at.expander] and not at.dataframe
    at.session_state[keys.EMBEDDING] = True
    at.run()
    assert_clean(at)
    table = at.dataframe[0].value
    assert list(table.columns) == [tr("word.token", "en"), "x"]
    assert list(table.iloc[:, 0]) == ["the", "cat", "saw", "dog"]
    assert table.iloc[0, 1] == ", ".join(fmt(v) for v in x[0])
