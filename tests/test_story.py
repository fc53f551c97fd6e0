"""lstm_viz.story: the subjects of a typed story and how the gender unit reads them."""

import doctest

import numpy as np
import pytest

import lstm_viz.story as story_module
from lstm_viz.evaluate import same_subject_starts
from lstm_viz.story import PLACES, gender_read, mean_by_place, places, read_story, subject_phrases
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


# ---- places: each step after the first subject in exactly one kind -----------------------

@pytest.mark.parametrize("name", ["pronoun-en", "pronoun-zh"])
def test_places_split_the_steps_after_the_first_subject(name):
    task = get(name)
    for ex in task.sample(np.random.default_rng(3), 40):
        story = read_story(name, ex.tokens)
        where = places(story)
        assert tuple(where) == PLACES
        steps = sorted(k for kind in where.values() for k in kind)
        first = story.subjects[0].step
        assert steps == list(range(first + 1, len(ex.tokens)))          # each once, no gaps
        later = [s for s in story.subjects[1:]]
        assert sorted(where["new"] + where["again"]) == [s.step for s in later]
        assert set(where["again"]) == {s.step for s in later if s.repeat}
        same = same_subject_starts(ex)
        assert set(where["start"]) == set(np.flatnonzero(same))
        assert all(story.tokens[k] in story.pronouns.values() for k in where["pronoun"])


def test_places_of_a_hand_read_story():
    tokens = "John met Mary and he is happy . he is busy . John saw Anna . the boys ran .".split()
    where = places(read_story("pronoun-en", tokens))
    assert where["again"] == (12,) and where["new"] == (17,)        # John again; the boys
    assert where["start"] == (8,) and where["start_other"] == (16,)   # ". he"; ". the"
    assert where["pronoun"] == (4,)


def test_mean_by_place_is_the_mean_of_those_steps():
    story = read_story("pronoun-en", "John met Mary and he is happy . he is busy .".split())
    f = np.arange(12) / 10
    means = mean_by_place(story, f)
    assert means["start"] == (0.8, 1) and means["pronoun"] == (0.4, 1)
    assert means["new"] == (None, 0)
    assert means["elsewhere"][1] == 9
    assert means["elsewhere"][0] == pytest.approx(np.mean(f[[1, 2, 3, 5, 6, 7, 9, 10, 11]]))
    with pytest.raises(ValueError, match="one value per step"):
        mean_by_place(story, f[:5])
