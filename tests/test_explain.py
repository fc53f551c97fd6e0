"""lstm_viz.explain: the numbers shown for one step are the trace's numbers.

(tests/test_page_arithmetic.py recomputes every line as a learner would.)"""

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_viz.explain
from lstm_viz import LSTM
from lstm_viz.cell import sigmoid
from lstm_viz.explain import HIGH, LOW, carry, explain_step, fmt, level


def test_doctests():
    result = doctest.testmod(lstm_viz.explain)
    assert result.attempted and not result.failed


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.integers(1, 8), st.integers(0, 10_000))
def test_terms_add_up_to_the_trace(X, H, T, seed):
    lstm = LSTM.random(X, H, seed=seed)
    trace = lstm.run(np.random.default_rng(seed).normal(size=(T, X)))
    t, u = T - 1, H - 1
    ex = explain_step(lstm, trace, t, u)
    for gate in ex.gates:
        assert gate.wx + gate.uh + gate.b == pytest.approx(gate.z, abs=1e-12)
        act = np.tanh if gate.gate == "g" else sigmoid
        assert act(gate.z) == pytest.approx(gate.value, abs=1e-12)
    f, i, g = ex.gate("f").value, ex.gate("i").value, ex.gate("g").value
    assert f * ex.c_prev + i * g == pytest.approx(ex.c, abs=1e-12)
    assert ex.gate("o").value * np.tanh(ex.c) == pytest.approx(ex.h, abs=1e-12)
    assert ex.h == trace.h[t, u] and ex.c_prev == trace.c_prev[t, u]


def test_formulas_show_the_numbers():
    # 1 unit, 1 input, zero recurrent weights: every pre-activation is w·x + b.
    lstm = LSTM(W=[[1.0], [2.0], [0.5], [-1.0]], U=np.zeros((4, 1)), b=[0.0, 0.5, 0.0, 0.0])
    trace = lstm.run([[1.0]])
    ex = explain_step(lstm, trace, 0, 0)
    lines = ex.formulas()
    # f = σ(2·1 + 0 + 0.5) = σ(2.5) = 0.924
    assert lines[0] == ("f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(2.000 + 0.000 + 0.500) "
                        "= σ(2.500) = 0.924")
    # C̃ = tanh(0.5) = 0.462 ; i = σ(1) = 0.731 ; C = 0.924·0 + 0.731·0.462 = 0.338
    assert lines[2].endswith("tanh(0.500) = 0.462")
    assert lines[4] == "Cₜ = f·Cₜ₋₁ + i·C̃ₜ = 0.924·0.000 + 0.731·0.462 = 0.000 + 0.338 = 0.338"
    # o = σ(−1) = 0.269 ; h = 0.269·tanh(0.338) = 0.269·0.326 = 0.088
    assert lines[5] == "hₜ = o·tanh(Cₜ) = 0.269·tanh(0.338) = 0.269·0.326 = 0.088"


def test_level_reads_a_gate_by_the_thresholds():
    assert [level(v) for v in (HIGH, HIGH - 1e-9, LOW + 1e-9, LOW)] == ["high", "mid", "mid",
                                                                         "low"]
    assert level(1.0) == "high" and level(0.0) == "low"


def test_fmt():
    assert fmt(-0.72, 2) == "−0.72"
    assert fmt(-0.72, 2, paren=True) == "(−0.72)"
    assert fmt(-0.0001, 2) == "0.00"
    assert fmt(0.5) == "0.500"
    assert fmt(-1234.5678, 1, paren=True) == "(−1234.6)" and fmt(7.0, 0) == "7"
    assert fmt(float("nan")) == "nan" and fmt(float("-inf")) == "−inf"


def test_the_lines_follow_the_display_order():
    lstm = LSTM.random(2, 3, seed=1)
    lines = explain_step(lstm, lstm.run(np.ones((2, 2))), 1, 2).formulas()
    assert [line.split(" = ")[0] for line in lines] == ["f", "i", "C̃", "o", "Cₜ", "hₜ"]


def test_carry_makes_the_parts_add_up_and_stays_within_a_unit():
    assert carry([0.1564, 0.0003, 0.0362], 193) == [157, 0, 36]
    assert carry([-0.1564, -0.0003, -0.0362], -193) == [-157, 0, -36]
    assert carry([0.0004, 0.0004, 0.0004], 1) == [1, 0, 0]
    rng = np.random.default_rng(0)
    for _ in range(2000):
        parts = rng.normal(size=rng.integers(2, 5)) * 10.0 ** rng.integers(-4, 2)
        total = round(sum(parts) * 1000)
        shown = carry(parts, total)
        assert sum(shown) == total
        assert all(abs(s - p * 1000) < 1 for s, p in zip(shown, parts, strict=True))


def test_inf_or_nan_is_never_part_of_a_sum():
    with pytest.raises(ValueError, match="not_finite"):
        carry([0.1, float("inf")], 0)


def test_refuses_out_of_range_and_batches():
    lstm = LSTM.random(2, 3)
    trace = lstm.run(np.ones((4, 2)))
    with pytest.raises(ValueError, match="step must be in 0…3"):
        explain_step(lstm, trace, 4, 0)
    with pytest.raises(ValueError, match="one sequence"):
        explain_step(lstm, lstm.run(np.ones((4, 2, 2))), 0, 0)
