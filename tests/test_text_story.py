"""text.story: a run of a pronoun model told in words, with its real numbers."""

import doctest

import numpy as np
import pytest

import text.story as story_module
from lstm_viz import LSTM
from lstm_viz.story import read_story
from text.story import join_sentences, narrate

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
