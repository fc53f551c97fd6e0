"""lstm_viz.story: the subjects of a typed story and how the gender unit reads them."""

import doctest

import numpy as np
import pytest

import lstm_viz.story as story_module
from lstm_viz.story import gender_read, read_story, subject_phrases
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
