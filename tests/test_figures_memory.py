"""figures.memory: the pronoun story's three panels hold the run's numbers, safely."""

import doctest
import json

import numpy as np
import pytest
from conftest import decode

import figures.memory as memory
from figures.memory import CLASS_COLOURS, FADED, memory_figure
from lstm_viz.explain import fmt
from lstm_viz.model import TokenModel
from lstm_viz.story import Story, Subject, read_story
from lstm_viz.tasks import Annotations, get

EN = "John met Mary in the park and he is happy . Mary saw the boys and she is tired ."
ZH = "小明见到了小红，他很高兴。老师们和小红一起唱歌，他们很开心。"


def model_run(task_name, text, units=5, seed=0):
    """A random model of the task over ``text``: (story, layer-0 trace, probs, labels)."""
    task = get(task_name)
    model = TokenModel.random(task.vocab, task.labels, 4, (units,), seed=seed)
    tokens = task.tokenize(text)
    run = model.run(tokens)
    return read_story(task_name, tokens), run.trace.layers[0], run.probs, task.labels


def as_json(fig):
    return json.loads(fig.to_json())


def draw(task_name="pronoun-en", text=EN, unit=2, male_sign=1, lang="en"):
    story, layer, probs, labels = model_run(task_name, text)
    fig = memory_figure(layer, probs, labels, story, unit, male_sign, lang)
    return as_json(fig), story, layer, probs, labels


def bars(spec):
    return [tr for tr in spec["data"] if tr["type"] == "bar"]


def lines(spec):
    return [tr for tr in spec["data"] if tr["type"] == "scatter" and "lines" in tr["mode"]]


def texts(spec):
    return " ".join(a["text"] for a in spec["layout"]["annotations"])


def test_doctests():
    assert doctest.testmod(memory).failed == 0


def test_bars_are_the_probabilities_of_the_three_pronouns():
    spec, story, _, probs, labels = draw()
    got = bars(spec)
    assert [b["name"] for b in got] == ["he", "she", "they"]
    for b in got:
        assert np.allclose(decode(b["y"]), probs[:, labels.index(b["name"])])
        assert list(decode(b["x"])) == list(range(1, len(story.tokens) + 1))  # 1-based steps
    assert spec["layout"]["barmode"] == "stack"


def test_graded_steps_are_full_colour_the_rest_faded():
    spec, story, *_ = draw()
    opacity = decode(bars(spec)[0]["marker"]["opacity"])
    assert story.pronoun_steps == (6, 15)   # "and" before "he", "and" before "she"
    assert set(np.flatnonzero(opacity == 1.0)) == set(story.pronoun_steps)
    assert np.allclose(np.delete(opacity, story.pronoun_steps), FADED)
    above = [a for a in spec["layout"]["annotations"] if a["text"].startswith("→")]
    assert [(a["x"], a["text"]) for a in above] == [(7, "→ he"), (16, "→ she")]


def test_cell_line_and_gates_are_the_units_own_numbers():
    spec, story, layer, *_ = draw(unit=3)
    c, f, i, o = lines(spec)
    assert np.allclose(decode(c["y"]), layer.c[:, 3])
    for trace, gate in ((f, "f"), (i, "i"), (o, "o")):
        assert np.allclose(decode(trace["y"]), getattr(layer, gate)[:, 3])
    assert [tr["name"] for tr in (f, i, o)] == ["forget gate f", "input gate i", "output gate o"]


def test_subject_changes_are_marked_at_their_steps():
    spec, story, layer, *_ = draw(unit=1)
    assert [(s.text, s.step) for s in story.subjects] == [("John", 0), ("Mary", 11)]
    steps = [1, 12]  # "the boys" after "saw" is an object, not a subject
    dashed = [s for s in spec["layout"]["shapes"] if s.get("name") == "subject"]
    assert sorted({s["x0"] for s in dashed}) == steps
    assert len(dashed) == 3 * len(steps)  # down all three panels
    reigns = [s for s in spec["layout"]["shapes"] if s.get("name") == "reign"]
    assert [(r["x0"], r["fillcolor"] != "") for r in reigns] == [(x - 0.5, True) for x in steps]
    assert reigns[-1]["x1"] == len(story.tokens) + 0.5
    names = [a["text"] for a in spec["layout"]["annotations"] if a.get("yref") == "y2"
             and a["text"].startswith("<b>")]
    assert names == [f"<b>{s.text}</b>" for s in story.subjects]
    # f and i are written beside their big markers where a subject appears
    marked = [tr for tr in spec["data"] if tr["type"] == "scatter" and tr["mode"] == "markers+text"]
    assert [list(m["x"]) for m in marked] == [steps, steps]
    assert list(marked[0]["text"]) == [fmt(layer.f[s - 1, 1], 2) for s in steps]
    assert list(marked[1]["text"]) == [fmt(layer.i[s - 1, 1], 2) for s in steps]


def test_subject_found_in_a_generated_story_matches_the_task():
    task = get("pronoun-en")
    ex = task.sample(np.random.default_rng(4), 1)[0]
    story, layer, probs, labels = model_run("pronoun-en", task.join(ex.tokens))
    spec = as_json(memory_figure(layer, probs, labels, story, 0, 1))
    dashed = {s["x0"] for s in spec["layout"]["shapes"] if s.get("name") == "subject"}
    assert dashed == {k + 1 for k, new in enumerate(ex.annotations.new_subject) if new}


def test_no_subject_no_marker():
    spec, story, *_ = draw(text="met Mary and he is happy .")
    assert not story.subjects
    assert not [s for s in spec["layout"]["shapes"] if s.get("name") in ("subject", "reign")]


@pytest.mark.parametrize("male_sign, top, bottom", [(1, "male", "female"),
                                                    (-1, "female", "male")])
def test_the_halves_of_c_are_named_by_the_units_sign(male_sign, top, bottom):
    spec, *_ = draw(male_sign=male_sign)
    signs = [a for a in spec["layout"]["annotations"] if a["text"].startswith(("▲", "▼"))]
    assert signs[0]["text"].startswith("▲") and signs[0]["y"] > 0
    assert f"<b>{top}</b>" in signs[0]["text"] and f"<b>{bottom}</b>" in signs[1]["text"]
    assert signs[1]["y"] < 0


def test_tokens_are_shown_as_typed_never_as_markup():
    tokens = ("<b>x</b>", "$y$", "John", "&amp;")
    notes = Annotations(subject=("", "", "m", "m"), new_subject=(False, False, True, False),
                        slot=(False,) * 4)
    story = Story(tokens, (Subject(2, 2, "m", "<i>Jo</i>"),), notes, (0,),
                  {"m": "he", "f": "she", "pl": "they"})
    _, layer, probs, labels = model_run("pronoun-en", "John is he .")  # any 4 steps
    spec = as_json(memory_figure(layer, probs, labels, story, 0, 1))
    text = json.dumps(spec)
    assert "<b>x</b>" not in text and "<i>Jo</i>" not in text and "$y$" not in text
    ticks = spec["layout"]["xaxis3"]["ticktext"]
    assert ticks[:2] == ["&lt;b&gt;x&lt;/b&gt;", "&#36;y&#36;"] and ticks[3] == "&amp;amp;"
    assert "&lt;i&gt;Jo&lt;/i&gt;" in texts(spec)
    assert "→ &#36;y&#36;" in texts(spec)  # the word after the graded step, escaped too


def test_english_and_chinese():
    en, *_ = draw(lang="en")
    zh, *_ = draw(lang="zh")
    assert "Which pronoun the model expects next" in texts(en)
    assert "模型预计下一个代词" in texts(zh) and "隐藏单元 3 的记忆元 C" in texts(zh)
    assert "遗忘门 f" in [tr["name"] for tr in lines(zh)]
    assert "<b>男性</b>" in texts(zh)
    assert texts(en) != texts(zh)


def test_chinese_tokens_stay_upright_and_stack():
    spec, story, *_ = draw("pronoun-zh", ZH)
    axis = spec["layout"]["xaxis3"]
    assert axis["tickangle"] == 0
    assert "他<br>们" in axis["ticktext"]  # 他们 is one token, written top to bottom
    assert "autotickangles" not in axis
    assert [b["name"] for b in bars(spec)] == ["他", "她", "他们"]
    assert [s.text for s in story.subjects] == ["小明", "老师们"]


def test_english_ticks_may_turn():
    spec, *_ = draw()
    assert spec["layout"]["xaxis3"]["autotickangles"] == [0, -50, -90]


def test_the_pronouns_colours_are_fixed_and_distinct_from_the_gates():
    from figures.theme import GATE_COLOURS

    spec, *_ = draw()
    assert [b["marker"]["color"] for b in bars(spec)] == [CLASS_COLOURS[c] for c in
                                                         ("m", "f", "pl")]
    assert not {CLASS_COLOURS["m"], CLASS_COLOURS["f"]} & {GATE_COLOURS[k] for k in "fioc"}


@pytest.mark.parametrize("change, message", [
    (dict(unit=9), "unit must be in"),
    (dict(probs=np.zeros((3, 5))), "probs must have shape"),
    (dict(labels=("a", "b", "c", "d", "e")), "lack the pronouns"),
])
def test_bad_arguments_say_what_is_wrong(change, message):
    story, layer, probs, labels = model_run("pronoun-en", EN)
    args = dict(layer=layer, probs=probs, labels=labels, story=story, unit=0, male_sign=1)
    args.update(change)
    with pytest.raises(ValueError, match=message):
        memory_figure(**args)


# ---- accuracy against distance ---------------------------------------------------------

def test_distance_figure_plots_the_measured_accuracy_and_marks_the_training_limit():
    from lstm_viz.evaluate import DistanceAccuracy
    result = DistanceAccuracy((5, 12, 40), (20, 18, 3), (20, 20, 4))
    fig = memory.distance_figure(result, 30, x_title="<b>distance</b>", y_title="accuracy",
                                 trained_label="longest in training")
    (line,) = fig.data
    np.testing.assert_allclose(np.asarray(line.y, dtype=float), [100.0, 90.0, 75.0])
    assert list(line.x) == [5, 12, 40]
    assert [tuple(map(int, row)) for row in line.customdata] == [(20, 20), (18, 20), (3, 4)]
    (shape,) = [s for s in fig.layout.shapes if s.name == "trained_max"]
    assert shape.x0 == shape.x1 == 30
    assert "<b>" not in json.dumps(fig.to_plotly_json(), default=str)  # titles are plain text
    no_line = memory.distance_figure(result)
    assert not no_line.layout.shapes


def test_distance_figure_refuses_empty_or_mismatched_counts():
    from lstm_viz.evaluate import DistanceAccuracy
    with pytest.raises(ValueError, match="right/total"):
        memory.distance_figure(DistanceAccuracy((), (), ()))
    with pytest.raises(ValueError, match="right/total"):
        memory.distance_figure(DistanceAccuracy((3,), (1,), (0,)))


# ---- where else the forget gate is read: sentence starts and pronouns -------------------

def marks(spec):
    return {tr["name"]: tr for tr in spec["data"] if tr.get("name", "").startswith("f_")}


def test_forget_gate_is_marked_at_sentence_starts_and_pronouns():
    text = "John met Mary and he is happy . he is busy . the boys saw Anna ."
    spec, story, layer, *_ = draw(text=text, unit=3)
    got = marks(spec)
    # "he" (step 5) inside a sentence; "he" (9) opens a sentence about John; "the" (13)
    # opens a sentence that names the boys (settled at "boys", step 14: a new subject)
    assert list(decode(got["f_pronouns"]["x"])) == [5]
    assert list(decode(got["f_starts"]["x"])) == [9, 13]
    assert np.allclose(decode(got["f_starts"]["y"]), layer.f[[8, 12], 3])
    assert np.allclose(decode(got["f_pronouns"]["y"]), layer.f[[4], 3])
    assert got["f_starts"]["marker"]["symbol"] == "diamond"
    assert "◇" in texts(spec) and "▽" in texts(spec)


def test_no_sentence_start_or_pronoun_no_marks():
    spec, *_ = draw(text="John met Mary with Anna")
    assert not marks(spec)


def test_a_subject_named_again_gets_a_dotted_line():
    spec, story, *_ = draw(text="Tom met Lucy and he is happy . Tom saw Anna and he is busy .")
    assert [s.repeat for s in story.subjects] == [False, True]
    lines_ = [s for s in spec["layout"]["shapes"] if s.get("name") == "subject"]
    assert {(s["x0"], s["line"]["dash"]) for s in lines_} == {(1, "dash"), (9, "dot")}


def test_chinese_sentence_starts_are_marked():
    text = "小明见到了小红，他很高兴。他也很忙。小红在家唱歌。"
    spec, story, layer, *_ = draw("pronoun-zh", text, unit=1, lang="zh")
    # 他 (step 14) opens a sentence about 小明; 小 (19) opens one that names 小红 (settled at 红)
    assert list(decode(marks(spec)["f_starts"]["x"])) == [14, 19]
    assert list(decode(marks(spec)["f_pronouns"]["x"])) == [9]
    assert "句首" in texts(spec)
