"""lstm_viz.story: the subjects of a typed story, and the run told in words."""

import doctest

import numpy as np
import pytest

import lstm_viz.story as story_module
from lstm_viz import LSTM
from lstm_viz.story import gender_read, narrate, read_story, subject_phrases
from lstm_viz.tasks import get

LABELS_EN = ("he", "she", "they", "is", "are")


def test_doctests():
    assert doctest.testmod(story_module).failed == 0


@pytest.mark.parametrize("name", ["pronoun-en", "pronoun-zh"])
def test_finds_exactly_the_subjects_the_generator_recorded(name):
    task = get(name)
    for ex in task.sample(np.random.default_rng(11), 400):
        assert read_story(name, ex.tokens).annotations == ex.annotations, ex.tokens


def test_only_a_sentence_opening_noun_is_a_subject():
    s = read_story("pronoun-en", "John met Mary with the queen . the boys saw Lucy .".split())
    assert [(x.text, x.start, x.step, x.cls) for x in s.subjects] == [
        ("John", 0, 0, "m"), ("the boys", 7, 8, "pl")]  # class known at "boys", not "the"
    assert s.annotations.subject[7] == "m" and s.annotations.subject[8] == "pl"
    assert s.subject_at(6).text == "John" and s.subject_at(20) .text == "the boys"
    assert s.subject_at(0).text == "John"


def test_longest_phrase_wins_and_chinese_settles_early():
    en = read_story("pronoun-en", "the boy is .".split())
    assert [(x.text, x.cls) for x in en.subjects] == [("the boy", "m")]
    zh = read_story("pronoun-zh", tuple("同学们在家踢球，") + ("他们",) + tuple("很累。"))
    assert [(x.text, x.start, x.step, x.cls) for x in zh.subjects] == [("同学们", 0, 0, "pl")]
    assert zh.pronoun_steps == (7,)  # "，" before 他们 (one token)
    small = read_story("pronoun-zh", tuple("小红很忙。"))
    assert small.subjects[0].step == 1  # 小 also starts 小明: 红 settles it


def test_no_subject_before_the_first_and_no_pronoun_slots_in_plain_text():
    s = read_story("pronoun-en", "met Mary in the park .".split())
    assert s.subjects == () and s.pronoun_steps == ()
    assert s.subject_at(3) is None and set(s.annotations.subject) == {""}


def test_only_pronoun_tasks_have_subjects():
    with pytest.raises(ValueError, match="pronoun tasks"):
        read_story("brackets", ["(", ")"])
    assert subject_phrases("pronoun-en")[:2] == ("John", "Tom")
    assert "他们" not in subject_phrases("pronoun-zh") and "老师们" in subject_phrases("pronoun-zh")


def test_gender_read_follows_the_units_sign():
    assert gender_read(0.5, 1) == "m" and gender_read(-0.5, 1) == "f"
    assert gender_read(0.5, -1) == "f" and gender_read(0.0, 1) == ""


# ---- narrate: a hand-built run whose numbers are known --------------------------------

TOKENS = "John met Mary and he is happy . Anna saw Tom and she is busy .".split()


def fake_layer(f_at_anna=0.1, c_anna=-0.8):
    """A trace with chosen f, i, g, c for unit 1 (the others: a random LSTM's)."""
    T = len(TOKENS)
    base = LSTM.random(1, 2, seed=0).run(np.zeros((T, 1)))
    arrays = {k: np.array(getattr(base, k)) for k in ("x", "h_prev", "c_prev", "z", "i", "f",
                                                      "g", "o", "c", "h")}
    c = np.where(np.arange(T) < 8, 0.9, c_anna)          # male until Anna (step 8)
    arrays["c"][:, 1] = c
    arrays["c_prev"][:, 1] = np.r_[0.0, c[:-1]]
    arrays["f"][:, 1] = 0.95
    arrays["f"][8, 1] = f_at_anna
    arrays["i"][:, 1] = 0.3
    arrays["i"][8, 1] = 0.97
    arrays["g"][8, 1] = -0.88
    return type(base)(**arrays)


def probs_for(choices):
    """One-hot-ish probabilities: at every step, 0.9 on the label in ``choices``."""
    p = np.full((len(TOKENS), 5), 0.025)
    for step, label in choices.items():
        p[step, LABELS_EN.index(label)] = 0.9
    return p


def tell(lang="en", **kw):
    story = read_story("pronoun-en", TOKENS)
    probs = probs_for(kw.pop("choices", {3: "he", 11: "she"}))
    return narrate(story, fake_layer(**kw), probs, LABELS_EN, 1, 1, lang)


def test_narration_has_the_real_numbers():
    first, anna, he, she = tell()
    assert first.startswith("At “John” (step 1) the story gets its first subject: John (male).")
    assert ("At “Anna” (step 9) a new subject takes over: Anna (female) replaces John. "
            "The forget gate of unit 2 drops to 0.10, wiping most of the old value 0.90.") in anna
    assert "The input gate is 0.97 and the candidate C̃ is −0.88: C goes from 0.90 to −0.80." \
        in anna
    assert anna.endswith("The unit now says “female”, which is right.")
    assert he.startswith("Step 4 (“and”), followed by “he”: the model expects he (he 0.90 · "
                         "she 0.03 · they 0.03); C = 0.90, which the unit reads as male.")
    assert he.endswith("Right for John.") and she.endswith("Right for Anna.")


@pytest.mark.parametrize("f, words", [(0.1, "drops to 0.10"), (0.5, "falls to 0.50"),
                                      (0.9, "stays at 0.90")])
def test_forget_gate_is_described_by_its_value(f, words):
    assert words in tell(f_at_anna=f)[1]


def test_a_wrong_reading_and_a_wrong_choice_are_said_to_be_wrong():
    _, anna, _, she = tell(c_anna=0.4, choices={3: "he", 11: "he"})
    assert "The unit now says “male”, but the subject is female." in anna
    assert "the model expects he" in she and "Wrong: the subject is Anna, so she was due." in she


def test_a_pronoun_that_does_not_agree_in_the_text_is_pointed_out():
    tokens = "John met Mary and she is happy .".split()
    story = read_story("pronoun-en", tokens)
    layer = LSTM.random(1, 2, seed=0).run(np.zeros((len(tokens), 1)))
    p = np.zeros((len(tokens), 5))
    p[:, 0] = 1.0
    (_, choice) = narrate(story, layer, p, LABELS_EN, 0, 1)
    assert "Right for John." in choice
    assert "(Your story has “she” here, but he would agree with the subject.)" in choice


def test_chinese_narration_runs_sentences_together():
    first, anna, *_ = tell("zh")
    assert first.startswith("读到“John”（第 1 步）时，故事有了第一个主语：John（男性）。输入门为")
    assert "单元 2 的遗忘门降到 0.10" in anna and "。 " not in anna


def test_a_plural_subject_leaves_the_gender_reading_out():
    tokens = "the kids met Mary and they are late .".split()
    story = read_story("pronoun-en", tokens)
    layer = LSTM.random(1, 2, seed=0).run(np.zeros((len(tokens), 1)))
    p = np.zeros((len(tokens), 5))
    p[:, 2] = 1.0
    first, choice = narrate(story, layer, p, LABELS_EN, 0, 1)
    assert "A plural subject has no gender to store" in first
    assert choice == ("Step 5 (“and”), followed by “they”: the model expects they (he 0.00 · "
                      "she 0.00 · they 1.00). Right for the kids.")


# ---- subjects after a time word; typed stories as graded examples; presets ------------

def test_a_time_word_before_the_subject_does_not_hide_it():
    en = read_story("pronoun-en", get("pronoun-en").tokenize(
        "Yesterday Tom met Mary . he is happy . today the girls saw Jack ."))
    assert [(x.text, x.start, x.step) for x in en.subjects] == [("Tom", 1, 1),
                                                                ("the girls", 10, 11)]
    assert en.annotations.subject[1] == "m" and en.annotations.subject[0] == ""
    zh = read_story("pronoun-zh", get("pronoun-zh").tokenize("今天小明见到了小红，他很高兴。"))
    assert [(x.text, x.start, x.step, x.cls) for x in zh.subjects] == [("小明", 2, 3, "m")]
    # a time word elsewhere opens nothing: "met Mary today" keeps John
    late = read_story("pronoun-en", "John met Mary today . today he is busy .".split())
    assert [x.text for x in late.subjects] == ["John"]


def test_sentence_starts_are_marked():
    s = read_story("pronoun-en", "John met Mary . he is happy .".split())
    assert s.annotations.sentence_start == (True, False, False, False, True, False, False,
                                            False)


def test_story_example_grades_the_next_label():
    ex = story_module.story_example("pronoun-en", "Mary met Tom and she is happy .".split())
    assert ex.targets == ("", "", "", "she", "is", "", "", "")
    assert ex.annotations.new_subject[0] and ex.annotations.subject[-1] == "f"


@pytest.mark.parametrize("name", ["pronoun-en", "pronoun-zh"])
def test_break_presets_read_back_and_push_past_the_training(name):
    task = get(name)
    presets = {p.key: p for p in story_module.BREAK_PRESETS[name]}
    assert set(presets) == {"other-gender-run", "many-subjects", "time-word"}
    examples = {k: story_module.story_example(name, task.tokenize(p.text))
                for k, p in presets.items()}
    assert all(any(ex.targets) for ex in examples.values())
    assert len(read_story(name, examples["many-subjects"].tokens).subjects) == 6  # training: ≤ 3
    starts = read_story(name, examples["time-word"].tokens).subjects
    assert all(s.start > 0 and examples["time-word"].annotations.sentence_start[s.start - (
        1 if name == "pronoun-en" else 2)] for s in starts)   # each after a time word
    run = examples["other-gender-run"]
    subject = read_story(name, run.tokens).subjects[0]
    pronouns = task.candidates("pronoun")
    slot = max(t for t, y in enumerate(run.targets) if y in pronouns)
    assert slot - subject.step > 40   # the training's longest distance: 30 (en), 45 (zh)
    objects = {c for c in run.annotations.subject[subject.step:slot]}
    assert objects == {subject.cls}   # nothing in between is read as a subject


def test_a_subject_named_again_is_marked_as_a_repeat():
    s = read_story("pronoun-en", "Tom met Mary . Tom saw Anna . the boy met Tom .".split())
    assert [(x.text, x.repeat) for x in s.subjects] == [("Tom", False), ("Tom", True),
                                                        ("the boy", False)]
