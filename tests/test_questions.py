"""lstm_viz/questions.py: each kind's truth from the core's numbers, its answer encoding, and
the checks on what a teacher sets and a student types."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lstm_viz import LSTM
from lstm_viz.params import count_params
from lstm_viz.questions import (
    CLOSING,
    KINDS,
    MAX_COUNT,
    SIDES,
    QuestionError,
    closes_question,
    count_question,
    gate_question,
    read_count,
    threshold_question,
)


@pytest.fixture(scope="module")
def run():
    """Seeded random weights on six one-hot steps: every array (T, H) = (6, 5)."""
    return LSTM.random(6, 5, seed=3).run(np.eye(6)), list("uvwxyz")


def test_the_encodings_are_stated_once():
    assert SIDES == ("below", "above") and CLOSING == ("f", "i", "o")
    assert KINDS["threshold"].choices == SIDES and KINDS["closes"].choices == CLOSING
    assert [k for k, kind in KINDS.items() if kind.whole] == ["threshold", "closes", "count"]
    assert [k for k, kind in KINDS.items() if not kind.at_step] == ["count"]
    assert KINDS["closes"].label(1.0) == "i" and KINDS["count"].label(448.0) == "448"
    assert KINDS["gate"].label(-0.25) == "-0.2500"


def test_a_gate_value_is_read_off_the_trace(run):
    trace, tokens = run
    q = gate_question(trace, tokens, "o", 4, 2)
    assert q.truth == float(trace.o[4, 2]) and (q.low, q.high) == (0.0, 1.0)
    assert q.params == {"gate": "o", "step": 4, "unit": 2, "token": "y"}
    assert gate_question(trace, tokens, "g", 0, 0).low == -1.0


@pytest.mark.parametrize("step, unit", [(0, 0), (3, 4), (5, 1)])
def test_above_or_below_puts_the_value_on_its_side(run, step, unit):
    trace, tokens = run
    value = float(trace.f[step, unit])
    over, under = round(value, 2) + 0.01, round(value, 2) - 0.01  # thresholds around it
    assert threshold_question(trace, tokens, "f", step, unit, over).truth == 0.0  # below
    assert threshold_question(trace, tokens, "f", step, unit, under).truth == 1.0  # above
    assert threshold_question(trace, tokens, "f", step, unit, over).detail == {"value": value}


def test_a_value_equal_to_the_threshold_is_below():
    trace = SimpleNamespace(f=np.array([[0.25]]), h=np.zeros((1, 1)))  # (T, H) = (1, 1)
    q = threshold_question(trace, ["a"], "f", 0, 0, 0.25)
    assert SIDES[int(q.truth)] == "below" and q.params["threshold"] == 0.25


@pytest.mark.parametrize("gate, threshold", [("f", 0.0), ("i", 1.0), ("o", 1.5), ("g", -1.0),
                                             ("f", float("nan")), ("c", 0.5), ("x", 0.5)])
def test_a_threshold_outside_the_range_or_a_gate_not_asked_about_is_refused(run, gate,
                                                                            threshold):
    trace, tokens = run
    with pytest.raises(QuestionError) as err:
        threshold_question(trace, tokens, gate, 1, 1, threshold)
    assert err.value.code == ("threshold" if gate in "fiog" else "gate")


def test_the_gate_that_closes_has_the_smallest_value(run):
    trace, tokens = run
    for step in range(6):
        for unit in range(5):
            q = closes_question(trace, tokens, step, unit)
            values = [float(getattr(trace, g)[step, unit]) for g in ("f", "i", "o")]
            assert q.truth == float(np.argmin(values))
            assert q.detail[CLOSING[int(q.truth)]] == min(values)
            assert set(q.detail) == {"f", "i", "o"}  # the candidate is no gate


def test_a_step_outside_the_run_is_refused(run):
    trace, tokens = run
    with pytest.raises(QuestionError) as err:
        closes_question(trace, tokens, 6, 0)
    assert err.value.code == "where"


@pytest.mark.parametrize("x, h, layers, convention", [
    (5, 8, 1, "keras"), (5, 128, 1, "keras"), (3, 4, 3, "article"), (10, 20, 2, "pytorch")])
def test_a_count_is_the_counters_with_each_layers_formula(x, h, layers, convention):
    q = count_question(x, h, layers, convention)
    assert q.truth == count_params(x, [h] * layers, convention=convention).total
    assert len(q.detail["formulas"]) == layers
    if (layers, convention) == (1, "keras"):  # by hand: 4·(h·(x + h) + h)
        assert q.truth == 4 * (h * (x + h) + h)
        assert q.detail["formulas"] == [f"4·({h}·({h}+{x}) + {h}) = {int(q.truth):,}"]


@pytest.mark.parametrize("sizes", [(0, 8, 1), (5, 10_001, 1), (5, 8, 9), (5.5, 8, 1),
                                   (True, 8, 1)])
def test_sizes_out_of_bounds_are_refused(sizes):
    with pytest.raises(QuestionError) as err:
        count_question(*sizes, "keras")
    assert err.value.code == "sizes"
    with pytest.raises(QuestionError) as err:
        count_question(5, 8, 1, "tensorflow")
    assert err.value.code == "convention"


def test_the_largest_count_a_teacher_can_set_fits_an_answer():
    assert count_question(10_000, 10_000, 8, "pytorch").truth < MAX_COUNT < 2**53


@pytest.mark.parametrize("typed, value", [("448", 448), (" 68,608 ", 68608), ("68 608", 68608),
                                          ("1_072", 1072), ("１０７２", 1072), ("0", 0),
                                          ("1'000'000", 1_000_000), ("68，608", 68608),
                                          ("0" * 30 + "7", 7)])
def test_a_typed_count_is_read(typed, value):
    assert read_count(typed) == value


@pytest.mark.parametrize("typed, code", [("", "whole"), ("12.5", "whole"), ("-3", "whole"),
                                         ("1e6", "whole"), ("four", "whole"), ("+5", "whole"),
                                         ("<b>1</b>", "whole"), ("9" * 13, "huge"),
                                         ("9" * 200, "huge")])
def test_a_count_that_is_not_one_is_refused_with_its_reason(typed, code):
    with pytest.raises(QuestionError) as err:
        read_count(typed)
    assert err.value.code == code


def test_a_threshold_is_decided_as_shown_to_two_places(run):
    trace, tokens = run
    value = float(trace.i[2, 3])
    typed = round(value, 2) + 0.004  # shows as round(value, 2): the truth is judged on that
    q = threshold_question(trace, tokens, "i", 2, 3, typed)
    assert q.params["threshold"] == round(value, 2)
    assert SIDES[int(q.truth)] == ("above" if value > round(value, 2) else "below")
    with pytest.raises(QuestionError):  # 0.996 shows as 1.00: not strictly inside
        threshold_question(trace, tokens, "i", 2, 3, 0.996)
