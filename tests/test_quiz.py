"""lstm_viz.quiz: every check's answer is computed, from the counter and from the model, and
a seed from a link is read strictly."""

import doctest

import numpy as np
import pytest

from lstm_viz import quiz
from lstm_viz.demos import load
from lstm_viz.params import CONVENTIONS, count_params

SEEDS = range(1, 60)


def test_doctests():
    assert doctest.testmod(quiz).failed == 0


def test_the_issues_example_in_the_three_conventions():
    assert [quiz.CountCheck(10, 20, c).answer for c in CONVENTIONS] == [2400, 2480, 2560]


@pytest.mark.parametrize("seed", SEEDS)
def test_count_answers_are_the_formulas_of_each_convention(seed):
    q = quiz.count_check(seed)
    X, H = q.x, q.h
    by_hand = {"article": 4 * H * (H + X), "keras": 4 * H * (H + X) + 4 * H,
               "pytorch": 4 * H * (H + X) + 8 * H}
    assert q.answer == by_hand[q.convention] and q.weights == by_hand["article"]
    assert 2 <= X <= 40 and 2 <= H <= 64


def test_the_same_seed_gives_the_same_question_and_seeds_differ():
    assert quiz.count_check(5) == quiz.count_check(5) and quiz.stack_check(5) == quiz.stack_check(5)
    assert len({quiz.count_check(s) for s in SEEDS}) > 50
    assert {quiz.count_check(s).convention for s in SEEDS} == set(CONVENTIONS)
    assert {quiz.shape_check(s).matrix for s in SEEDS} == {"W", "U"}


@pytest.mark.parametrize("seed", SEEDS)
def test_shapes_are_keras_per_gate_slices(seed):
    s = quiz.shape_check(seed)
    # Keras stores xₜ·W: kernel (X, 4H), recurrent_kernel (H, 4H); one gate is H columns.
    keras = dict(count_params(s.x, s.h, convention="keras").layers[0].shapes)
    rows, cols = keras["kernel" if s.matrix == "W" else "recurrent_kernel"]
    assert s.answer == (rows, cols // 4)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_stack_check_reads_the_layer_below(seed):
    q = quiz.stack_check(seed)
    assert q.input_size == q.a
    assert q.answer == 4 * q.b * (q.b + q.a) + 4 * q.b


@pytest.mark.parametrize("name", ["pronoun-en", "pronoun-zh"])
def test_the_gate_check_is_what_the_model_computes(name):
    demo = load(name)
    unit, answers, kinds = demo.units["gender"], set(), set()
    for seed in range(1, 41):
        q = quiz.gate_check(demo, seed)
        f = demo.run(q.tokens).trace.layers[0].f[:, unit]   # the story so far, run afresh
        assert q.step == len(q.tokens) - 1 and q.unit == unit
        assert q.forget == pytest.approx(float(f[-1]), abs=1e-6)
        assert q.answer == ("above" if f[-1] > 0.5 else "below")
        answers.add(q.answer)
        kinds.add(q.kind)
        if q.kind == "pronoun":
            assert q.tokens[-1] in demo.task.candidates("pronoun")
    assert answers == {"above", "below"}           # guessing one side is not enough
    assert "new" in kinds and "pronoun" in kinds


def test_a_subject_change_is_not_the_first_subject():
    demo = load("pronoun-en")
    for seed in range(1, 41):
        q = quiz.gate_check(demo, seed)
        if q.kind == "new":
            example = demo.task.sample(np.random.default_rng((seed, 1)), 1)[0]
            firsts = np.flatnonzero(example.annotations.new_subject)
            assert q.step in firsts[1:]


def test_the_gate_check_needs_a_pronoun_demo():
    with pytest.raises(ValueError, match="gender"):
        quiz.gate_check(load("brackets"), 1)


@pytest.mark.parametrize(("raw", "want"), [
    ("123", 123), ("1", 1), ("999999", 999999), ("0", None), ("1000000", None), ("-3", None),
    ("abc", None), (None, None), ("1e3", None), (" 42 ", None),
])
def test_read_seed(raw, want):
    assert quiz.read_seed(raw) == want
