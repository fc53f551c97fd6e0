"""text.story: a run of a pronoun model told in words, with its real numbers."""

import doctest

import numpy as np
import pytest

import text.story as story_module
from lstm_viz import LSTM
from lstm_viz.evaluate import DistanceAccuracy
from lstm_viz.story import mean_by_place, read_story
from text.story import FORGET_LOW, distance_summary, forget_summary, join_sentences, narrate

LABELS_EN = ("he", "she", "they", "is", "are")


def test_doctests():
    result = doctest.testmod(story_module)
    assert result.attempted and not result.failed


def test_sentences_are_spaced_by_the_width_of_their_last_character():
    assert join_sentences(["Right.", "(Your story.)", "End."]) == "Right. (Your story.) End."
    assert join_sentences(["对的。", "（你的故事。）", "完。"]) == "对的。（你的故事。）完。"
    assert join_sentences([]) == "" and join_sentences(["One."]) == "One."


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
            "The forget gate of unit 2 drops to 0.10: of the old value 0.90 only f × C ≈ 0.09 is "
            "carried over, the rest is wiped.") in anna
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
    assert "隐藏单元 2 的遗忘门降到 0.10" in anna and "。 " not in anna


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


@pytest.mark.parametrize("f", [0.05, 0.2, 0.34, 0.36, 0.5, 0.69, 0.7, 0.95])
def test_wiped_is_said_only_where_the_gate_is_low(f):
    anna = tell(f_at_anna=f)[1]
    assert ("wiped" in anna) == (f < FORGET_LOW)
    assert f"f × C ≈ {f * 0.9:.2f}" in anna


def test_a_subject_named_again_is_not_a_new_one():
    tokens = "John met Mary and he is happy . John saw Anna and he is busy .".split()
    story = read_story("pronoun-en", tokens)
    assert [s.repeat for s in story.subjects] == [False, True]
    layer = LSTM.random(1, 2, seed=0).run(np.zeros((len(tokens), 1)))
    _, again, *_ = narrate(story, layer, np.full((len(tokens), 5), 0.2), LABELS_EN, 0, 1)
    assert again.startswith("At “John” (step 9) the story names John again: the same subject "
                            "(male), not a new one.")
    assert "new subject" not in again and "replaces" not in again
    zh = narrate(story, layer, np.full((len(tokens), 5), 0.2), LABELS_EN, 0, 1, "zh")[1]
    assert "再次提到John" in zh and "不是新主语" in zh


def _means(**given):
    base = {p: (None, 0) for p in ("new", "again", "start", "start_other", "pronoun",
                                   "elsewhere")}
    return base | {p: (m, 3) for p, m in given.items()}


def test_forget_summary_follows_the_numbers():
    low = forget_summary(_means(new=0.3, start=0.75, pronoun=0.8, elsewhere=0.82))
    assert "lowest at new subjects (0.30), at least 0.45 below" in low
    also = forget_summary(_means(new=0.6, start=0.12, pronoun=0.65, elsewhere=0.9))
    assert "about as low, or lower, elsewhere as at new subjects (0.60)" in also
    assert "at a sentence start about the same subject 0.12" in also
    assert "at a pronoun inside a sentence 0.65" in also and "elsewhere 0.90" not in also
    assert "No new subject" in forget_summary(_means(elsewhere=0.8))
    assert "新主语处最低（0.30）" in forget_summary(_means(new=0.3, elsewhere=0.8), "zh")


def test_forget_summary_of_a_real_story_uses_its_means():
    tokens = "John met Mary and he is happy . he is busy . Anna saw Tom .".split()
    story = read_story("pronoun-en", tokens)
    f = np.full(len(tokens), 0.9)
    f[12] = 0.2                                   # Anna: a new subject
    means = mean_by_place(story, f)
    assert means["new"] == (0.2, 1) and means["start"] == (0.9, 1)
    assert "at least 0.70 below" in forget_summary(means)


def test_distance_summary_says_where_it_holds_and_breaks():
    broke = distance_summary(DistanceAccuracy((5, 30, 60, 90), (25, 25, 20, 15), (25,) * 4), 31)
    assert "holds (95% or more right) up to 30 steps" in broke
    assert "longest training distance was 31" in broke and "worst is 60% at 90 steps" in broke
    held = distance_summary(DistanceAccuracy((5, 60), (25, 25), (25, 25)), 31)
    assert "at every distance measured, up to 60 steps" in held and "lowest 100%" in held
    never = distance_summary(DistanceAccuracy((5, 30), (20, 25), (25, 25)), 31)
    assert "below 95% right already at the shortest distance measured (5 steps: 80%)" in never
    assert "统计性的" in distance_summary(DistanceAccuracy((5,), (1,), (25,)), 31, "zh")
