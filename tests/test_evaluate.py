"""Tests for lstm_viz/evaluate.py: hand-made arrays whose right answers are known."""

import doctest

import numpy as np
import pytest

from lstm_viz import evaluate
from lstm_viz.evaluate import (
    depth_correlation,
    depth_unit,
    forget_at_subject_changes,
    gender_agreement,
    gender_unit,
    male_sign,
    slot_accuracy,
)
from lstm_viz.tasks import Annotations, Example, get

EN = get("pronoun-en")


def stories(n=30, seed=0):
    return EN.sample(np.random.default_rng(seed), n)


def fake_cells(examples, unit=2, H=5, sign=1.0, seed=0):
    """Noise, except ``unit`` = +sign under a male subject, −sign under a female one, and
    a wrong-looking value (the male sign) under plural subjects and before any subject."""
    rng = np.random.default_rng(seed)
    out = []
    for ex in examples:
        c = rng.normal(size=(len(ex), H))                          # (T, H)
        subject = np.array(ex.annotations.subject)
        c[:, unit] = sign * np.where(subject == "f", -1.0, 1.0)    # pl and "" read as male
        out.append(c)
    return out


def one_hot(examples, labels, wrong_at=()):
    """Probabilities (T, K) that put 0.9 on each step's target (0.9 on label 0 where there
    is none); at the (example, step) pairs in ``wrong_at`` the mass goes to another label."""
    out = []
    for k, ex in enumerate(examples):
        p = np.full((len(ex), len(labels)), 0.1 / (len(labels) - 1))
        for t, y in enumerate(ex.targets):
            j = labels.index(y) if y else 0
            if (k, t) in wrong_at:
                j = (j + 1) % 3  # another pronoun (labels 0–2 are he, she, they)
            p[t, j] = 0.9
        out.append(p)
    return out


# ---- the gender unit -------------------------------------------------------------

@pytest.mark.parametrize("unit", [0, 2, 4])
def test_gender_unit_finds_the_unit_that_carries_the_sign(unit):
    exs = stories()
    assert gender_unit(fake_cells(exs, unit=unit), exs) == (unit, 1.0)


def test_gender_unit_accepts_either_sign_and_tells_which():
    exs = stories()
    assert gender_unit(fake_cells(exs, sign=-1.0), exs) == (2, 1.0)
    assert male_sign(fake_cells(exs, sign=-1.0), exs, 2) == -1
    assert male_sign(fake_cells(exs, sign=1.0), exs, 2) == 1


def test_gender_agreement_ignores_plural_and_pre_subject_steps_only():
    exs = stories()
    cells = fake_cells(exs)
    gendered = sum(s in ("m", "f") for ex in exs for s in ex.annotations.subject)
    k, t = next((k, t) for k, ex in enumerate(exs)
                for t, s in enumerate(ex.annotations.subject) if s == "m")
    cells[k][t, 2] = -0.5  # one male step now reads as female
    scores = gender_agreement(cells, exs)
    assert scores.shape == (2, 5)
    assert scores[0, 2] == pytest.approx((gendered - 1) / gendered)
    assert scores[1, 2] == pytest.approx(1 / gendered)
    assert gender_unit(cells, exs).agreement == pytest.approx((gendered - 1) / gendered)


def test_gender_agreement_counts_zero_as_wrong():
    ex = Example(("John", "met"), ("", ""), Annotations(subject=("m", "m")))
    cells = [np.array([[0.0, 1.0], [0.0, 1.0]])]
    np.testing.assert_array_equal(gender_agreement(cells, [ex]), [[0, 1], [0, 0]])


def test_gender_unit_takes_a_padded_time_major_batch():
    exs = stories(8)
    cells = fake_cells(exs, unit=3)
    T = max(len(ex) for ex in exs)
    batch = np.zeros((T, len(exs), 5))                             # (T, B, H)
    for b, c in enumerate(cells):
        batch[:len(c), b] = c
    assert gender_unit(batch, exs) == gender_unit(cells, exs) == (3, 1.0)


def test_gender_unit_refuses_examples_without_subjects():
    exs = get("brackets").sample(np.random.default_rng(0), 3)
    with pytest.raises(ValueError, match="'subject'"):
        gender_unit([np.ones((len(ex), 2)) for ex in exs], exs)


def test_per_example_arrays_must_match_the_examples():
    exs = stories(3)
    with pytest.raises(ValueError, match="one cells array per example"):
        gender_unit(fake_cells(exs)[:2], exs)
    with pytest.raises(ValueError, match="at least"):
        gender_unit([c[:-1] for c in fake_cells(exs)], exs)


# ---- the forget gate at subject changes ------------------------------------------

def test_forget_means_at_new_subjects_and_elsewhere():
    exs = stories()
    forget = []
    for ex in exs:
        new = np.array(ex.annotations.new_subject)
        first = int(np.argmax(new))
        f = np.where(new, 0.1, 0.9)[:, None] * np.ones((1, 3))    # (T, 3)
        f[:first + 1] = 0.5   # the first subject and what precedes it: not counted
        f[:, 0] = 0.0         # another unit
        forget.append(f)
    means = forget_at_subject_changes(forget, exs, unit=1)
    assert means == pytest.approx((0.1, 0.9))
    assert means.at_new_subject == pytest.approx(0.1)


def test_forget_means_are_plain_averages_over_steps():
    ex = Example(("Tom", "met", "Mary", ".", "Anna", "saw", "Tom"), ("",) * 7,
                 Annotations(subject=("m",) * 4 + ("f",) * 3,
                             new_subject=(True, False, False, False, True, False, False)))
    f = np.array([[0.3], [0.8], [0.6], [0.4], [0.2], [1.0], [0.9]])
    assert forget_at_subject_changes([f], [ex], 0) == pytest.approx((0.2, (0.8 + 0.6 + 0.4 + 1.0
                                                                           + 0.9) / 5))


def test_forget_means_need_a_second_subject():
    ex = Example(("Tom", "met"), ("", ""), Annotations(new_subject=(True, False)))
    with pytest.raises(ValueError, match="second subject"):
        forget_at_subject_changes([np.ones((2, 1))], [ex], 0)


# ---- accuracy at the slots -------------------------------------------------------

def test_slot_accuracy_perfect_then_one_wrong():
    exs = stories(10)
    labels = EN.labels
    assert slot_accuracy(one_hot(exs, labels), exs, labels) == 1.0
    slots = [(k, t) for k, ex in enumerate(exs) for t, y in enumerate(ex.targets)
             if y in ("he", "she", "they")]
    wrong = {slots[0], slots[5]}
    acc = slot_accuracy(one_hot(exs, labels, wrong), exs, labels, ("he", "she", "they"))
    assert acc == pytest.approx(1 - 2 / len(slots))
    # the verb slots are untouched
    assert slot_accuracy(one_hot(exs, labels, wrong), exs, labels, ("is", "are")) == 1.0


def test_slot_accuracy_chooses_among_the_candidates_only():
    exs = stories(5)
    labels = EN.labels
    probs = []
    for ex in exs:
        p = np.zeros((len(ex), len(labels)))
        p[:, labels.index("are")] = 0.6        # most mass on a label that is no pronoun
        for t, y in enumerate(ex.targets):
            if y in ("he", "she", "they"):
                p[t, labels.index(y)] = 0.3    # …but the right pronoun leads the pronouns
        probs.append(p)
    assert slot_accuracy(probs, exs, labels, ("he", "she", "they")) == 1.0
    assert slot_accuracy(probs, exs, labels) < 0.7   # over all labels, "are" wins


def test_slot_accuracy_takes_predicted_ids_and_padded_batches():
    exs = stories(6)
    labels = EN.labels
    first_slot = next(t for t, y in enumerate(exs[0].targets) if y)
    probs = one_hot(exs, labels, wrong_at={(0, first_slot)})
    ids = [p.argmax(axis=1) for p in probs]
    T = max(len(ex) for ex in exs)
    batch = np.zeros((T, len(exs), len(labels)))                      # (T, B, K)
    id_batch = np.zeros((T, len(exs)), dtype=np.int64)                # (T, B)
    for b, (p, i) in enumerate(zip(probs, ids, strict=True)):
        batch[:len(p), b], id_batch[:len(i), b] = p, i
    expected = slot_accuracy(probs, exs, labels)
    assert expected < 1.0
    assert slot_accuracy(ids, exs, labels) == expected
    assert slot_accuracy(batch, exs, labels) == expected
    assert slot_accuracy(id_batch, exs, labels) == expected


def test_slot_accuracy_refusals():
    exs = stories(2)
    with pytest.raises(ValueError, match="not among the labels"):
        slot_accuracy(one_hot(exs, EN.labels), exs, EN.labels, ("him",))
    with pytest.raises(ValueError, match="columns"):
        slot_accuracy([p[:, :3] for p in one_hot(exs, EN.labels)], exs, EN.labels)
    silent = [Example(("John", "met"), ("", ""))]
    with pytest.raises(ValueError, match="no step"):
        slot_accuracy([np.ones((2, 5))], silent, EN.labels)


# ---- the depth unit --------------------------------------------------------------

def test_depth_unit_finds_the_counter():
    exs = get("brackets").sample(np.random.default_rng(1), 20)
    rng = np.random.default_rng(2)
    cells = []
    for ex in exs:
        c = rng.normal(size=(len(ex), 4)) * 0.3                      # (T, 4)
        c[:, 1] = -0.5 * np.array(ex.annotations.depth)              # counts down
        c[:, 3] = 0.7                                                # never changes
        cells.append(c)
    unit, r = depth_unit(cells, exs)
    assert unit == 1 and r == pytest.approx(-1.0)
    corr = depth_correlation(cells, exs)
    assert corr[3] == 0.0 and np.all(np.abs(corr[[0, 2]]) < 0.3)


def test_depth_unit_needs_depth_annotations():
    exs = stories(2)
    with pytest.raises(ValueError, match="'depth'"):
        depth_unit([np.ones((len(ex), 2)) for ex in exs], exs)


def test_module_doctests():
    assert doctest.testmod(evaluate).failed == 0


# ---- sentence starts about the same subject; accuracy against distance -----------------

def _example(text, task="pronoun-en"):
    from lstm_viz.story import story_example
    return story_example(task, get(task).tokenize(text))


def test_same_subject_starts_are_sentences_that_name_no_subject():
    ex = _example("John met Mary . he is happy . then he is busy . yesterday Anna saw Tom . "
                  "she is late .")
    steps = np.flatnonzero(evaluate.same_subject_starts(ex))
    assert [ex.tokens[t] for t in steps] == ["he", "then", "she"]
    assert list(steps) == [4, 8, 18]
    first = _example("he is happy . John met Mary .")   # before the first subject: none
    assert not evaluate.same_subject_starts(first).any()


def test_forget_at_same_subject_starts_is_the_mean_there():
    exs = [_example("John met Mary . he is happy . then he is busy ."),
           _example("Anna saw Tom . she is late .")]
    forget = [np.full((len(ex), 3), 0.9) for ex in exs]
    forget[0][4, 1], forget[0][8, 1], forget[1][4, 1] = 0.1, 0.4, 0.7
    assert evaluate.forget_at_same_subject_starts(forget, exs, 1) == pytest.approx(0.4)
    with pytest.raises(ValueError, match="same subject"):
        evaluate.forget_at_same_subject_starts([np.ones((4, 3))], [_example("John met Mary .")],
                                               1)


def test_pronoun_distances_count_from_the_last_cue():
    ex = _example("Tom met Mary with Anna and he is busy . he is late . the girls saw Tom .")
    assert evaluate.pronoun_distances(ex, ("he", "she", "they")) == {5: 5, 9: 3}
    zh = _example("小明见到了小红，他很高兴。", "pronoun-zh")
    assert evaluate.pronoun_distances(zh, ("他", "她", "他们")) == {7: 6}  # 明 (1) to ， (7)


def test_accuracy_by_distance_bins_right_and_wrong():
    exs = [_example("Tom met Mary and he is busy ."),            # distance 3
           _example("Anna met Tom and she is busy ."),           # 3
           _example("the kids met Tom with Anna and they are busy .")]   # 5
    labels = EN.labels
    probs = []
    for ex, right in zip(exs, (True, False, True), strict=True):
        p = np.zeros((len(ex), len(labels)))
        for t, y in enumerate(ex.targets):
            if y:
                p[t, labels.index(y if right else "they")] = 1.0
        probs.append(p)
    got = evaluate.accuracy_by_distance(probs, exs, labels, ("he", "she", "they"))
    assert got == evaluate.DistanceAccuracy((3, 5), (1, 1), (2, 1))
    assert got.accuracy == (0.5, 1.0)
    with pytest.raises(ValueError, match="not among the labels"):
        evaluate.accuracy_by_distance(probs, exs, labels, ("him",))
    with pytest.raises(ValueError, match="no step"):
        evaluate.accuracy_by_distance([np.zeros((4, 5))], [_example("Tom met Mary .")], labels,
                                      ("he", "she", "they"))


def test_distance_curve_counts_the_far_pronoun_of_fresh_stories():
    from lstm_viz.model import TokenModel
    model = TokenModel.random(EN.vocab, EN.labels, 4, (6,), seed=0)
    got = evaluate.distance_curve(model, "pronoun-en", (5, 20), per_distance=12, seed=3)
    assert got.distances == (5, 20) and got.total == (12, 12)
    assert got == evaluate.distance_curve(model, "pronoun-en", (5, 20), per_distance=12, seed=3)
    # the same count by hand: the model's choice at each story's last pronoun slot
    from lstm_viz.tasks import distance_story
    rng = np.random.default_rng((3, 20))
    stories = [distance_story("pronoun-en", rng, 20) for _ in range(12)]
    right = 0
    for ex in stories:
        probs = model.run(ex.tokens).probs
        t = max(k for k, y in enumerate(ex.targets) if y in ("he", "she", "they"))
        cols = [EN.labels.index(p) for p in ("he", "she", "they")]
        right += ("he", "she", "they")[int(np.argmax(probs[t, cols]))] == ex.targets[t]
    assert got.right[1] == right
    with pytest.raises(ValueError, match="vocabulary"):
        evaluate.distance_curve(model, "pronoun-zh", (20,))
    with pytest.raises(ValueError, match="whole number ≥ 5"):
        evaluate.distance_curve(model, "pronoun-en", (3,))
    with pytest.raises(ValueError, match="per_distance"):
        evaluate.distance_curve(model, "pronoun-en", (8,), per_distance=0)


def test_holds_until_stops_at_the_first_distance_below_the_level():
    from lstm_viz.evaluate import DistanceAccuracy

    r = DistanceAccuracy((5, 10, 20, 40), (20, 19, 18, 20), (20, 20, 20, 20))
    assert r.holds_until(0.95) == 10          # 18/20 = 0.90 at 20; 40 does not count again
    assert r.holds_until(0.9) == 40
    assert DistanceAccuracy((5,), (1,), (2,)).holds_until(0.95) is None
