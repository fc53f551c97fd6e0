"""Tests for lstm_viz/cell.py: one LSTM layer that records every gate at every step."""

from __future__ import annotations

import dataclasses
import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_viz.cell import GATES, KNOCK_OUT, LSTM, Clamp, LSTMStep, LSTMTrace, sigmoid

FIELDS = ("x", "h_prev", "c_prev", "z", "i", "f", "g", "o", "c", "h")
TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
SETTINGS = settings(max_examples=50, deadline=None)


def tol(dtype):
    return TOL[np.dtype(dtype).type]


def ref_sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def assert_traces_close(a: LSTMTrace, b: LSTMTrace, **kw):
    for name in FIELDS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), err_msg=name, **kw)


# ---- a case worked by hand ------------------------------------------------------------------

# One unit, one input, two steps, h0 = c0 = 0. Weights per gate (W, U, b):
#   i: (0.5,  1.0,  0.0)   f: (-1.0, 0.5, 1.0)   g: (1.0, -1.0, 0.0)   o: (2.0, 0.5, -0.5)
# Inputs x_1 = 1.0, x_2 = 2.0.
#
# t = 1 (h_0 = 0, c_0 = 0)
#   z_i = 0.5·1 + 1.0·0 + 0.0 = 0.5        i = σ(0.5)  = 0.622459
#   z_f = −1·1 + 0.5·0 + 1.0  = 0.0        f = σ(0)    = 0.500000
#   z_g = 1·1 − 1·0 + 0.0     = 1.0        g = tanh(1) = 0.761594
#   z_o = 2·1 + 0.5·0 − 0.5   = 1.5        o = σ(1.5)  = 0.817574
#   c_1 = f·c_0 + i·g = 0.5·0 + 0.622459·0.761594 = 0.474061
#   h_1 = o·tanh(c_1) = 0.817574·tanh(0.474061)   = 0.360939
# t = 2 (h_1 = 0.360939, c_1 = 0.474061)
#   z_i = 0.5·2 + 1.0·h_1 + 0.0  =  1.360939   i = 0.795912
#   z_f = −1·2 + 0.5·h_1 + 1.0   = −0.819531   f = 0.305863
#   z_g = 1·2 − 1·h_1 + 0.0      =  1.639061   g = 0.927341
#   z_o = 2·2 + 0.5·h_1 − 0.5    =  3.680469   o = 0.975409
#   c_2 = 0.305863·0.474061 + 0.795912·0.927341 = 0.883080
#   h_2 = 0.975409·tanh(0.883080)               = 0.690550
HAND_W = {"i": 0.5, "f": -1.0, "g": 1.0, "o": 2.0}
HAND_U = {"i": 1.0, "f": 0.5, "g": -1.0, "o": 0.5}
HAND_B = {"i": 0.0, "f": 1.0, "g": 0.0, "o": -0.5}
HAND_DECIMALS = {  # the numbers in the comment above, rounded to 6 places
    "z": [[0.5, 0.0, 1.0, 1.5], [1.360939, -0.819531, 1.639061, 3.680469]],
    "i": [0.622459, 0.795912], "f": [0.5, 0.305863], "g": [0.761594, 0.927341],
    "o": [0.817574, 0.975409], "c": [0.474061, 0.883080], "h": [0.360939, 0.690550],
}


def hand_model():
    return LSTM(W=[[HAND_W[k]] for k in GATES], U=[[HAND_U[k]] for k in GATES],
                b=[HAND_B[k] for k in GATES])


def hand_expected():
    """The same two steps in plain Python floats."""
    h = c = 0.0
    rows = {k: [] for k in ("z", "i", "f", "g", "o", "c", "h", "h_prev", "c_prev")}
    for x in (1.0, 2.0):
        z = {k: HAND_W[k] * x + HAND_U[k] * h + HAND_B[k] for k in GATES}
        i, f, o = (ref_sigmoid(z[k]) for k in "ifo")
        g = math.tanh(z["g"])
        rows["h_prev"].append(h)
        rows["c_prev"].append(c)
        c = f * c + i * g
        h = o * math.tanh(c)
        for k, v in (("i", i), ("f", f), ("g", g), ("o", o), ("c", c), ("h", h)):
            rows[k].append(v)
        rows["z"].append([z[k] for k in GATES])
    return rows


def test_hand_worked_two_steps():
    trace = hand_model().run([[1.0], [2.0]])
    expected = hand_expected()
    assert trace.h.shape == (2, 1) and trace.z.shape == (2, 4)
    for name, rows in expected.items():
        want = np.array(rows).reshape(getattr(trace, name).shape)
        np.testing.assert_allclose(getattr(trace, name), want, rtol=1e-13, atol=1e-15,
                                   err_msg=name)
    for name, rows in HAND_DECIMALS.items():  # the comment's decimals are the right ones
        want = np.array(rows).reshape(getattr(trace, name).shape)
        np.testing.assert_allclose(getattr(trace, name), want, atol=6e-7, err_msg=name)


def test_hand_worked_step_by_step():
    lstm = hand_model()
    s1 = lstm.step(np.array([1.0]), np.zeros(1), np.zeros(1))
    s2 = lstm.step(np.array([2.0]), s1.h, s1.c)
    assert isinstance(s1, LSTMStep)
    np.testing.assert_allclose([s1.c[0], s1.h[0], s2.c[0], s2.h[0]],
                               [0.474061, 0.360939, 0.883080, 0.690550], atol=6e-7)
    np.testing.assert_allclose(s2.z, HAND_DECIMALS["z"][1], atol=6e-7)


def test_preactivation_and_gate_weights_follow_gate_order():
    lstm, trace = hand_model(), hand_model().run([[1.0], [2.0]])
    for k, gate in enumerate(GATES):
        np.testing.assert_array_equal(trace.preactivation(gate), trace.z[:, k:k + 1])
        W, U, b = lstm.gate_weights(gate)
        assert (W[0, 0], U[0, 0], b[0]) == (HAND_W[gate], HAND_U[gate], HAND_B[gate])
    assert trace.steps == 2 and trace.hidden_size == 1 and not trace.batched


# ---- properties over random layers and inputs -----------------------------------------------

@st.composite
def cases(draw, batched=None):
    """(lstm, x, h0, c0): random sizes, seed, dtype, inputs and initial state."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    X, H, T = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 6))
    if batched is None:
        batched = draw(st.booleans())
    lead = (T, draw(st.integers(1, 3))) if batched else (T,)
    lstm = LSTM.random(X, H, seed=draw(st.integers(0, 2**32 - 1)), dtype=dtype)
    width = 32 if dtype is np.float32 else 64

    def arr(shape, bound):
        return hnp.arrays(dtype, shape, elements=st.floats(-bound, bound, width=width))

    x = draw(arr(lead + (X,), 3.0))
    state = lead[1:] + (H,)
    h0 = draw(st.none() | arr(state, 1.0))
    c0 = draw(st.none() | arr(state, 3.0))
    return lstm, x, h0, c0


def initial(state, lstm, x):
    return np.zeros(x.shape[1:-1] + (lstm.hidden_size,), lstm.dtype) if state is None else state


@SETTINGS
@given(cases())
def test_gates_lie_in_their_ranges(case):
    lstm, x, h0, c0 = case
    t = lstm.run(x, h0, c0)
    for gate in (t.i, t.f, t.o):
        assert np.all((gate >= 0) & (gate <= 1))
    assert np.all((t.g >= -1) & (t.g <= 1))
    assert np.all(np.abs(t.h) <= 1)


@SETTINGS
@given(cases())
def test_trace_satisfies_the_cell_equations(case):
    lstm, x, h0, c0 = case
    t = lstm.run(x, h0, c0)
    np.testing.assert_allclose(t.c, t.f * t.c_prev + t.i * t.g, **tol(lstm.dtype))
    np.testing.assert_allclose(t.h, t.o * np.tanh(t.c), **tol(lstm.dtype))
    z = t.z.astype(np.float64)  # the gates are the activations of the recorded z
    for gate, act in (("i", sigmoid), ("f", sigmoid), ("g", np.tanh), ("o", sigmoid)):
        H = lstm.hidden_size
        k = GATES.index(gate)
        np.testing.assert_allclose(getattr(t, gate), act(z[..., k * H:(k + 1) * H]),
                                   **tol(lstm.dtype))


@SETTINGS
@given(cases())
def test_state_is_carried_from_step_to_step(case):
    lstm, x, h0, c0 = case
    t = lstm.run(x, h0, c0)
    np.testing.assert_array_equal(t.h_prev[0], initial(h0, lstm, x))
    np.testing.assert_array_equal(t.c_prev[0], initial(c0, lstm, x))
    np.testing.assert_array_equal(t.h_prev[1:], t.h[:-1])
    np.testing.assert_array_equal(t.c_prev[1:], t.c[:-1])
    np.testing.assert_array_equal(t.x, x)


@SETTINGS
@given(cases())
def test_preactivations_are_W_x_plus_U_h_plus_b(case):
    lstm, x, h0, c0 = case
    t = lstm.run(x, h0, c0)
    f64 = np.float64
    z = (t.x.astype(f64) @ lstm.W.T.astype(f64) + t.h_prev.astype(f64) @ lstm.U.T.astype(f64)
         + lstm.b.astype(f64))
    np.testing.assert_allclose(t.z, z, **tol(lstm.dtype))


@SETTINGS
@given(cases())
def test_run_equals_repeated_step_with_the_same_weights(case):
    lstm, x, h0, c0 = case
    t = lstm.run(x, h0, c0)
    h, c = initial(h0, lstm, x), initial(c0, lstm, x)
    for k in range(x.shape[0]):
        s = lstm.step(x[k], h, c)
        for name in ("z", "i", "f", "g", "o", "c", "h"):
            np.testing.assert_allclose(getattr(t, name)[k], getattr(s, name), err_msg=name,
                                       **tol(lstm.dtype))
        h, c = s.h, s.c


# Every option of run: batch or not, float32 or float64, a start state or zeros, and each
# kind of gate surgery (each gate on a subset of units and steps, each gate everywhere, a
# knock-out of some units or of all, clamps that overlap where the last one wins).
SURGERIES = {
    "none": None,
    **{f"{g} on units 0, 2 at steps 1, 2": Clamp(g, -0.4 if g == "g" else 0.7, [0, 2], [1, 2])
       for g in GATES},
    **{f"{g} everywhere": Clamp(g, 0.3 if g == "g" else 1.0) for g in GATES},
    "knock-out of unit 1 at steps 2, 3": Clamp.knock_out(units=1, steps=[2, 3]),
    "knock-out of every unit": Clamp.knock_out(),
    "overlapping, the last wins": [Clamp("f", 0.0, [0, 1]), Clamp("f", 1.0, [1], [0, 4]),
                                   Clamp.knock_out([2], [3]), Clamp("o", 0.5, steps=[3])],
}


def stepped(lstm, x, h0, c0, clamp):
    """``lstm.step`` repeated over x; at a step where a clamp acts, its gates (on its units)
    are set to its value, in the order of the clamps, and c_t, h_t formed from them."""
    clamps = [] if clamp is None else [clamp] if isinstance(clamp, Clamp) else clamp
    h, c = initial(h0, lstm, x), initial(c0, lstm, x)
    out = []
    for t, x_t in enumerate(x):
        s = lstm.step(x_t, h, c)
        acting = [k for k in clamps if k.steps is None or t in k.steps]
        if acting:
            gates = {name: getattr(s, name).copy() for name in GATES}
            for k in acting:
                units = slice(None) if k.units is None else list(k.units)
                for name in k.gates:
                    gates[name][..., units] = 0.0 if k.value is None else k.value
            c_t = gates["f"] * c + gates["i"] * gates["g"]
            s = LSTMStep(z=s.z, **gates, c=c_t, h=gates["o"] * np.tanh(c_t))
        out.append(s)
        h, c = s.h, s.c
    return out


@pytest.mark.parametrize("surgery", SURGERIES)
@pytest.mark.parametrize("state", ["zeros", "h0 and c0"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", [None, 2])
def test_run_equals_repeated_step_for_every_option(batch, dtype, state, surgery):
    T, X, H = 5, 2, 3
    rng = np.random.default_rng(5)
    lead = (T,) if batch is None else (T, batch)
    lstm = LSTM.random(X, H, seed=3, dtype=dtype)
    x = rng.uniform(-2, 2, size=lead + (X,)).astype(dtype)
    h0 = c0 = None
    if state != "zeros":
        h0 = rng.uniform(-1, 1, size=lead[1:] + (H,)).astype(dtype)
        c0 = rng.uniform(-2, 2, size=lead[1:] + (H,)).astype(dtype)
    clamp = SURGERIES[surgery]
    trace = lstm.run(x, h0, c0, clamp=clamp)
    steps = stepped(lstm, x, h0, c0, clamp)
    for name in ("z", "i", "f", "g", "o", "c", "h"):
        want = np.stack([getattr(s, name) for s in steps])
        assert getattr(trace, name).dtype == want.dtype == dtype, name
        np.testing.assert_allclose(getattr(trace, name), want, err_msg=name, **tol(dtype))
    if clamp is not None:  # the surgery changed the run (the comparison is not vacuous)
        assert not np.allclose(trace.h, lstm.run(x, h0, c0).h)


@SETTINGS
@given(cases(), st.data())
def test_prefixes_and_suffixes_of_a_run(case, data):
    """Weight sharing over time: any stretch of steps, started from its state, is the same."""
    lstm, x, h0, c0 = case
    full = lstm.run(x, h0, c0)
    k = data.draw(st.integers(1, x.shape[0]))
    head = lstm.run(x[:k], h0, c0)
    for name in FIELDS:
        np.testing.assert_allclose(getattr(head, name), getattr(full, name)[:k], err_msg=name,
                                   **tol(lstm.dtype))
    if k < x.shape[0]:
        tail = lstm.run(x[k:], full.h[k - 1], full.c[k - 1])
        for name in FIELDS:
            np.testing.assert_allclose(getattr(tail, name), getattr(full, name)[k:],
                                       err_msg=name, **tol(lstm.dtype))


@SETTINGS
@given(cases(batched=True))
def test_batch_equals_its_sequences_one_by_one(case):
    lstm, x, h0, c0 = case
    t = lstm.run(x, h0, c0)
    T, B, _ = x.shape
    assert t.batched and t.h.shape == (T, B, lstm.hidden_size)
    for b in range(B):
        one = lstm.run(x[:, b], None if h0 is None else h0[b], None if c0 is None else c0[b])
        assert not one.batched
        assert_traces_close(t.sequence(b), one, **tol(lstm.dtype))


@SETTINGS
@given(cases())
def test_trace_dtype_is_the_weights_dtype(case):
    lstm, x, h0, c0 = case
    other = np.float64 if lstm.dtype == np.float32 else np.float32
    for xs in (x, x.astype(other), np.round(x).astype(int).tolist()):
        t = lstm.run(xs, h0, c0)
        for name in FIELDS:
            assert getattr(t, name).dtype == lstm.dtype, name


def test_mixed_weight_dtypes_compute_in_float64():
    m = LSTM.random(2, 3, seed=1)
    mixed = LSTM(m.W.astype(np.float32), m.U, m.b.astype(np.float32))
    assert mixed.dtype == np.float64 and mixed.b.dtype == np.float64
    assert m.astype(np.float32).dtype == np.float32
    assert m.astype(np.float32).run(np.ones((2, 2))).h.dtype == np.float32


# ---- numerical stability --------------------------------------------------------------------

def saturating_model(scale, dtype):
    """2 units fed by one input of 1: unit 0 gets z = (+s, −s, +s, +s), unit 1 the opposite."""
    pattern = np.array([1, -1, 1, 1], dtype=float) * scale
    W = np.stack([pattern, -pattern], axis=1).reshape(8, 1)  # rows i0 i1 f0 f1 g0 g1 o0 o1
    return LSTM(W.astype(dtype), np.zeros((8, 2), dtype), np.zeros(8, dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e2, 1e3, 1e4])
def test_huge_preactivations_saturate_without_warnings(scale, dtype):
    t = saturating_model(scale, dtype).run(np.ones((3, 1)), c0=[5.0, 5.0])
    assert np.abs(t.z).max() == pytest.approx(scale)
    # unit 0: i = 1, f = 0, g = 1, o = 1  →  c = 1, h = tanh(1) at every step
    # unit 1: i = 0, f = 1, g = −1, o = 0  →  c stays c0 = 5, h = 0
    np.testing.assert_allclose(t.i, [[1, 0]] * 3, atol=1e-7)
    np.testing.assert_allclose(t.f, [[0, 1]] * 3, atol=1e-7)
    np.testing.assert_allclose(t.g, [[1, -1]] * 3, atol=1e-7)
    np.testing.assert_allclose(t.o, [[1, 0]] * 3, atol=1e-7)
    np.testing.assert_allclose(t.c, [[1, 5]] * 3, rtol=1e-6)
    np.testing.assert_allclose(t.h, [[math.tanh(1), 0]] * 3, rtol=1e-6, atol=1e-7)
    assert all(np.isfinite(getattr(t, name)).all() for name in FIELDS)


def test_huge_inputs_are_stable_too():
    lstm = LSTM.random(3, 4, seed=5)
    x = np.array([[1e4, -1e4, 1e4], [-1e4, 1e4, 0.0], [3e3, 2e3, -1e4]])
    t = lstm.run(x)
    assert np.abs(t.z).max() > 100  # really saturated
    assert all(np.isfinite(getattr(t, name)).all() for name in FIELDS)
    np.testing.assert_allclose(t.h, t.o * np.tanh(t.c), rtol=1e-12, atol=1e-15)
    for gate in (t.i, t.f, t.o):
        assert np.all((gate >= 0) & (gate <= 1))


def test_sigmoid_matches_reference():
    z = np.linspace(-30, 30, 241)
    want = np.array([ref_sigmoid(v) for v in z])
    np.testing.assert_allclose(sigmoid(z), want, rtol=1e-12, atol=1e-15)
    assert sigmoid(0.0) == 0.5
    assert sigmoid(np.float32(1.0)).dtype == np.float32
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)  # σ(−z) = 1 − σ(z)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_of_extreme_values_is_exactly_0_or_1(dtype):
    z = np.array([-1e4, -800, 800, 1e4, np.finfo(dtype).max, -np.finfo(dtype).max], dtype)
    np.testing.assert_array_equal(sigmoid(z), [0, 0, 1, 1, 1, 0])


# ---- errors a user can cause ----------------------------------------------------------------

@pytest.fixture
def lstm():
    return LSTM.random(input_size=3, hidden_size=2, seed=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["x", "h0", "c0"])
def test_non_finite_inputs_are_refused(lstm, where, bad):
    args = {"x": np.ones((4, 3)), "h0": np.zeros(2), "c0": np.zeros(2)}
    args[where][-1] = bad
    with pytest.raises(ValueError, match="NaN") as err:
        lstm.run(args["x"], args["h0"], args["c0"])
    assert ("input" if where == "x" else where) in str(err.value)


@pytest.mark.parametrize("name", ["W", "U", "b"])
def test_non_finite_weights_are_refused(lstm, name):
    weights = {"W": lstm.W.copy(), "U": lstm.U.copy(), "b": lstm.b.copy()}
    weights[name].flat[1] = np.nan
    with pytest.raises(ValueError, match=f"weight {name} contains NaN"):
        LSTM(**weights)


@pytest.mark.parametrize(("x", "fragment"), [
    (np.zeros((0, 3)), "sequence is empty"),
    ([], "must have 2 or 3 axes"),
    (np.zeros((4, 2)), "must have 3 numbers"),
    (np.zeros((4, 2, 4)), "must have 3 numbers"),
    (np.zeros(3), "must have 2 or 3 axes"),
    (np.zeros((2, 2, 2, 3)), "must have 2 or 3 axes"),
    ([[1, 2, 3], [4, 5]], "not a rectangular array"),
    ([["a", "b", "c"]], "float32 or float64"),
    ("abc", "float32 or float64"),
    (np.zeros((4, 3), complex), "float32 or float64"),
    (np.zeros((4, 0, 3)), "batch is empty"),
])
def test_bad_inputs_name_what_was_expected(lstm, x, fragment):
    with pytest.raises(ValueError, match=fragment):
        lstm.run(x)


@pytest.mark.parametrize(("x", "name", "state", "fragment"), [
    (np.ones((4, 3)), "h0", np.zeros(3), r"h0 must have shape \(H,\) = \(2,\)"),
    (np.ones((4, 3)), "c0", np.zeros((1, 2)), r"c0 must have shape \(H,\) = \(2,\)"),
    (np.ones((4, 5, 3)), "h0", np.zeros(2), r"h0 must have shape \(B, H\) = \(5, 2\)"),
    (np.ones((4, 5, 3)), "c0", np.zeros((4, 2)), r"c0 must have shape \(B, H\) = \(5, 2\)"),
    (np.ones((4, 3)), "h0", np.zeros((1, 1, 2)), "h0 must have 1 or 2 axes"),
])
def test_bad_initial_state_shapes(lstm, x, name, state, fragment):
    with pytest.raises(ValueError, match=fragment):
        lstm.run(x, **{name: state})


@pytest.mark.parametrize(("W", "U", "b", "fragment"), [
    (np.zeros((7, 3)), np.zeros((8, 2)), np.zeros(8), r"W must have shape \(4H, X\)"),
    (np.zeros((8, 0)), np.zeros((8, 2)), np.zeros(8), r"W must have shape \(4H, X\)"),
    (np.zeros((0, 3)), np.zeros((0, 0)), np.zeros(0), r"W must have shape \(4H, X\)"),
    (np.zeros(8), np.zeros((8, 2)), np.zeros(8), "W must have 2 axes"),
    (np.zeros((8, 3)), np.zeros((8, 3)), np.zeros(8), r"U must have shape \(4H, H\) = \(8, 2\)"),
    (np.zeros((8, 3)), np.zeros((2, 8)), np.zeros(8), r"U must have shape \(4H, H\) = \(8, 2\)"),
    (np.zeros((8, 3)), np.zeros((8, 2)), np.zeros(4), r"b must have shape \(4H,\) = \(8,\)"),
    (np.zeros((8, 3)), np.zeros((8, 2)), np.zeros((1, 8)), "b must have 1 axes"),
    (np.zeros((8, 3)), np.zeros((8, 2)), ["a"] * 8, "b must hold float32 or float64"),
])
def test_bad_weight_shapes(W, U, b, fragment):
    with pytest.raises(ValueError, match=fragment):
        LSTM(W, U, b)


def test_sequence_of_a_single_trace_is_refused(lstm):
    with pytest.raises(ValueError, match="single sequence, not a batch"):
        lstm.run(np.ones((2, 3))).sequence(0)


@pytest.mark.parametrize(("args", "fragment"), [
    ((0, 2), "input_size must be a whole number"),
    ((3, 0), "hidden_size must be a whole number"),
    ((2.5, 2), "input_size must be a whole number"),
    ((3, True), "hidden_size must be a whole number"),
])
def test_random_refuses_bad_sizes(args, fragment):
    with pytest.raises(ValueError, match=fragment):
        LSTM.random(*args)


# ---- files ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_load_round_trip(tmp_path, dtype):
    lstm = LSTM.random(3, 5, seed=11, dtype=dtype)
    path = tmp_path / "layer.npz"
    lstm.save(path)
    back = LSTM.load(path)
    assert back.dtype == dtype
    for name in ("W", "U", "b"):
        np.testing.assert_array_equal(getattr(back, name), getattr(lstm, name))
        assert getattr(back, name).dtype == dtype
    x = np.ones((3, 3))
    assert_traces_close(back.run(x), lstm.run(x), rtol=0, atol=0)
    LSTM.load(str(path))  # a str path works too


def saved(tmp_path, **arrays):
    path = tmp_path / "w.npz"
    np.savez(path, **arrays)
    return path


def good_arrays():
    m = LSTM.random(2, 3, seed=0)
    return {"W": m.W, "U": m.U, "b": m.b}


def test_load_refuses_pickled_objects(tmp_path):
    arrays = dict(good_arrays(), W=np.array([[1.0, "x"]] * 12, dtype=object))
    with pytest.raises(ValueError, match="pickled Python objects"):
        LSTM.load(saved(tmp_path, **arrays))


def test_load_refuses_files_that_are_not_npz(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("W = [[1, 2], [3, 4]]\n")
    with pytest.raises(ValueError, match="not a readable .npz weights file") as err:
        LSTM.load(text)
    assert "pickled" not in str(err.value)  # a text file is not a pickle
    npy = tmp_path / "W.npy"
    np.save(npy, np.zeros((8, 2)))
    with pytest.raises(ValueError, match="single .npy array"):
        LSTM.load(npy)
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="not a readable .npz weights file"):
        LSTM.load(empty)
    with pytest.raises(ValueError, match="not a readable .npz weights file"):
        LSTM.load(tmp_path / "missing.npz")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_load_refuses_truncated_files(tmp_path, keep):
    path = tmp_path / "layer.npz"
    LSTM.random(2, 3).save(path)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    with pytest.raises(ValueError, match="not a readable .npz weights file"):
        LSTM.load(path)


def test_load_names_missing_arrays(tmp_path):
    arrays = good_arrays()
    del arrays["U"]
    with pytest.raises(ValueError, match=r"the file has no U \(it holds W, b\)"):
        LSTM.load(saved(tmp_path, **arrays))


def test_load_checks_shapes(tmp_path):
    arrays = dict(good_arrays(), U=np.zeros((12, 2)))
    with pytest.raises(ValueError, match=r"U must have shape \(4H, H\) = \(12, 3\)"):
        LSTM.load(saved(tmp_path, **arrays))


def test_load_casts_integer_weights_to_float64(tmp_path):
    """Integer weights are accepted (as_float_array casts them) and become float64."""
    arrays = {k: np.round(v * 10).astype(np.int32) for k, v in good_arrays().items()}
    back = LSTM.load(saved(tmp_path, **arrays))
    assert back.dtype == np.float64
    np.testing.assert_array_equal(back.W, arrays["W"])


def test_load_refuses_nan_weights(tmp_path):
    arrays = good_arrays()
    arrays["b"] = arrays["b"].copy()
    arrays["b"][5] = np.nan
    with pytest.raises(ValueError, match=r"weight b contains NaN or infinity \(first at index"):
        LSTM.load(saved(tmp_path, **arrays))


# ---- values that cannot change ------------------------------------------------------------

def test_trace_arrays_are_read_only(lstm):
    t = lstm.run(np.ones((4, 2, 3)))
    for name in FIELDS:
        with pytest.raises(ValueError, match="read-only"):
            getattr(t, name)[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        t.sequence(1).h[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.h = np.zeros_like(t.h)


def test_weights_are_read_only_and_copied(lstm):
    for name in ("W", "U", "b"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(lstm, name)[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        lstm.W = np.zeros_like(lstm.W)
    W = np.ones((8, 3))
    m = LSTM(W, np.zeros((8, 2)), np.zeros(8))
    W[0, 0] = 5.0  # the caller's array stays theirs
    assert m.W[0, 0] == 1.0 and W.flags.writeable


def test_run_neither_freezes_nor_keeps_the_callers_arrays(lstm):
    for x in (np.ones((4, 3)), np.ones((4, 2, 3))):
        h0 = np.zeros(x.shape[1:-1] + (2,))
        t = lstm.run(x, h0, h0)
        assert x.flags.writeable and h0.flags.writeable
        x[0] = 7.0
        h0[...] = 0.5
        np.testing.assert_array_equal(t.x[0], 1.0)
        np.testing.assert_array_equal(t.h_prev[0], 0.0)


def test_step_is_frozen(lstm):
    s = lstm.step(np.ones(3), np.zeros(2), np.zeros(2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.h = s.c


# ---- random weights ---------------------------------------------------------------------------

def test_random_is_reproducible_and_bounded():
    a, b, c = (LSTM.random(4, 9, seed=s) for s in (3, 3, 4))
    for name in ("W", "U", "b"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name))
        assert np.abs(getattr(a, name)).max() <= 1 / 3  # 1/√H, H = 9
    assert a.W.shape == (36, 4) and a.U.shape == (36, 9) and a.b.shape == (36,)
    assert (a.input_size, a.hidden_size) == (4, 9)
    assert np.abs(a.W).max() > 0.25  # uses the range, not a much smaller one


def test_random_dtype():
    m = LSTM.random(2, 2, seed=0, dtype=np.float32)
    assert m.W.dtype == m.U.dtype == m.b.dtype == np.float32
    np.testing.assert_allclose(m.W, LSTM.random(2, 2, seed=0).W, rtol=1e-7)


# ---- gate surgery: run(x, clamp=…) --------------------------------------------------------

def clamps_for(T, H):
    """A random Clamp for H units and T steps: a gate at a value in its range, or a knock-out."""
    some = st.none() | st.lists(st.integers(0, H - 1), min_size=1, max_size=H)
    steps = st.none() | st.lists(st.integers(0, T - 1), min_size=1, max_size=T)

    def make(gate, units, steps, v):  # v in [−1, 1]
        if gate == KNOCK_OUT:
            return Clamp.knock_out(units, steps)
        return Clamp(gate, v if gate == "g" else (v + 1) / 2, units, steps)

    return st.builds(make, st.sampled_from(GATES + (KNOCK_OUT,)), some, steps, st.floats(-1, 1))


def reference_clamped_run(lstm, x, h0, c0, clamps):
    """The step equations in float64, each clamp applied in order right after the gates."""
    W, U, b = (a.astype(np.float64) for a in (lstm.W, lstm.U, lstm.b))
    H = lstm.hidden_size
    h = np.zeros(H) if h0 is None else np.asarray(h0, np.float64)
    c = np.zeros(H) if c0 is None else np.asarray(c0, np.float64)
    out = {k: [] for k in ("i", "f", "g", "o", "c", "h")}
    for t, x_t in enumerate(np.asarray(x, np.float64)):
        z = W @ x_t + U @ h + b
        gates = {k: (np.tanh if k == "g" else sigmoid)(z[n * H:(n + 1) * H])
                 for n, k in enumerate(GATES)}
        for clamp in clamps:
            if clamp.steps is None or t in clamp.steps:
                units = list(range(H)) if clamp.units is None else list(clamp.units)
                for gate in clamp.gates:
                    gates[gate][units] = 0.0 if clamp.value is None else clamp.value
        c = gates["f"] * c + gates["i"] * gates["g"]
        h = gates["o"] * np.tanh(c)
        for k, v in dict(gates, c=c, h=h).items():
            out[k].append(v)
    return {k: np.array(v) for k, v in out.items()}


@SETTINGS
@given(cases(batched=False), st.data())
def test_clamped_run_equals_the_equations_with_the_clamps(case, data):
    lstm, x, h0, c0 = case
    clamps = data.draw(st.lists(clamps_for(x.shape[0], lstm.hidden_size), max_size=4))
    t = lstm.run(x, h0, c0, clamp=clamps)
    want = reference_clamped_run(lstm, x, h0, c0, clamps)
    for name, value in want.items():
        np.testing.assert_allclose(getattr(t, name), value, err_msg=name, **tol(lstm.dtype))


@SETTINGS
@given(cases(batched=True), st.data())
def test_a_clamp_acts_on_every_sequence_of_a_batch(case, data):
    lstm, x, h0, c0 = case
    clamps = data.draw(st.lists(clamps_for(x.shape[0], lstm.hidden_size), max_size=3))
    t = lstm.run(x, h0, c0, clamp=clamps)
    for b in range(x.shape[1]):
        one = lstm.run(x[:, b], None if h0 is None else h0[b], None if c0 is None else c0[b],
                       clamp=clamps)
        assert_traces_close(t.sequence(b), one, **tol(lstm.dtype))


@SETTINGS
@given(cases(batched=False), st.data())
def test_forget_one_and_input_zero_keep_the_cell_state(case, data):
    lstm, x, h0, c0 = case
    T, H = x.shape[0], lstm.hidden_size
    start = data.draw(st.integers(0, T - 1))
    stop = data.draw(st.integers(start + 1, T))
    units = data.draw(st.lists(st.integers(0, H - 1), min_size=1, max_size=H, unique=True))
    steps = range(start, stop)
    t = lstm.run(x, h0, c0, clamp=[Clamp("f", 1.0, units, steps), Clamp("i", 0.0, units, steps)])
    before = t.c_prev[start, units]  # c_{start−1}: the value held
    np.testing.assert_array_equal(t.c[start:stop, units], np.broadcast_to(before,
                                                                          (stop - start,
                                                                           len(units))))
    np.testing.assert_array_equal(t.f[start:stop, units], 1.0)
    np.testing.assert_array_equal(t.i[start:stop, units], 0.0)
    free = t.f[:, [u for u in range(H) if u not in units]]
    assert np.all(free < 1)  # the other units were not clamped


def test_forget_one_and_input_zero_really_change_the_run(lstm):
    """The identity above is not what the layer does by itself."""
    x = np.random.default_rng(0).normal(size=(6, 3))
    free = lstm.run(x)
    held = lstm.run(x, clamp=[Clamp("f", 1.0, steps=[3, 4, 5]), Clamp("i", 0.0, steps=[3, 4, 5])])
    assert not np.allclose(free.c[3:], free.c[2])
    np.testing.assert_array_equal(held.c[3:], np.broadcast_to(held.c[2], (3, 2)))
    np.testing.assert_array_equal(held.c[:3], free.c[:3])  # nothing changed before step 3


@SETTINGS
@given(cases())
def test_output_one_gives_h_tanh_c(case):
    lstm, x, h0, c0 = case
    t = lstm.run(x, h0, c0, clamp=Clamp("o", 1.0))
    np.testing.assert_array_equal(t.o, 1.0)
    np.testing.assert_array_max_ulp(t.h, np.tanh(t.c), maxulp=1)


@SETTINGS
@given(cases())
def test_input_zero_everywhere_keeps_c_zero_from_c0_zero(case):
    lstm, x, h0, _ = case
    t = lstm.run(x, h0, None, clamp=Clamp("i", 0.0))
    np.testing.assert_array_equal(t.c, 0.0)
    np.testing.assert_array_equal(t.h, 0.0)
    np.testing.assert_array_equal(t.i, 0.0)


def test_input_zero_lets_a_start_state_decay_by_the_forget_gates(lstm):
    x = np.random.default_rng(1).normal(size=(5, 3))
    t = lstm.run(x, c0=[1.0, -2.0], clamp=Clamp("i", 0.0))
    np.testing.assert_allclose(t.c, np.cumprod(t.f, axis=0) * [1.0, -2.0], rtol=1e-14)
    assert np.all(np.abs(t.c) > 0)


def test_knocked_out_unit_is_silent():
    lstm = LSTM.random(2, 4, seed=3)
    x = np.random.default_rng(3).normal(size=(8, 2))
    free = lstm.run(x, h0=np.full(4, 0.5), c0=np.full(4, 2.0))
    t = lstm.run(x, h0=np.full(4, 0.5), c0=np.full(4, 2.0),
                 clamp=Clamp.knock_out(units=[1], steps=range(2, 6)))
    np.testing.assert_array_equal(t.c[2:6, 1], 0.0)
    np.testing.assert_array_equal(t.h[2:6, 1], 0.0)
    for gate in GATES:  # the trace records the surgery
        np.testing.assert_array_equal(getattr(t, gate)[2:6, 1], 0.0)
    for name in FIELDS:  # before the knock-out: the same run, bit for bit
        np.testing.assert_array_equal(getattr(t, name)[:2], getattr(free, name)[:2])
    # after it, the unit starts again from c = 0: c_6 = f·0 + i·g
    np.testing.assert_array_equal(t.c[6, 1], t.i[6, 1] * t.g[6, 1])
    others = [0, 2, 3]
    assert not np.allclose(t.h[2:, others], free.h[2:, others])  # they feel it through U


def test_knock_out_reaches_other_units_only_through_the_recurrence():
    """With unit 1's h feeding no unit (column 1 of U zero), the others do not change."""
    base = LSTM.random(2, 4, seed=3)
    U = base.U.copy()
    U[:, 1] = 0  # h_{t−1}[1] reaches no gate of any unit
    lstm = LSTM(base.W, U, base.b)
    x = np.random.default_rng(3).normal(size=(8, 2))
    free, t = lstm.run(x), lstm.run(x, clamp=Clamp.knock_out(units=1))
    others = [0, 2, 3]
    for name in ("i", "f", "g", "o", "c", "h"):
        np.testing.assert_array_equal(getattr(t, name)[:, others], getattr(free, name)[:, others],
                                      err_msg=name)
    assert not np.allclose(t.h[:, 1], free.h[:, 1])


@SETTINGS
@given(cases(), st.data())
def test_the_trace_of_a_clamped_run_keeps_z_and_the_state_equations(case, data):
    """Clamps change gates only: z = W·x + U·h_prev + b and c, h follow from the gates."""
    lstm, x, h0, c0 = case
    clamps = data.draw(st.lists(clamps_for(x.shape[0], lstm.hidden_size), max_size=3))
    t = lstm.run(x, h0, c0, clamp=clamps)
    f64 = np.float64
    z = (t.x.astype(f64) @ lstm.W.T.astype(f64) + t.h_prev.astype(f64) @ lstm.U.T.astype(f64)
         + lstm.b.astype(f64))
    np.testing.assert_allclose(t.z, z, **tol(lstm.dtype))
    np.testing.assert_allclose(t.c, t.f * t.c_prev + t.i * t.g, **tol(lstm.dtype))
    np.testing.assert_allclose(t.h, t.o * np.tanh(t.c), **tol(lstm.dtype))
    np.testing.assert_array_equal(t.h_prev[1:], t.h[:-1])


@SETTINGS
@given(cases(batched=False), st.data())
def test_clamping_gates_to_their_own_values_changes_nothing(case, data):
    lstm, x, h0, c0 = case
    free = lstm.run(x, h0, c0)
    T, H = x.shape[0], lstm.hidden_size
    cells = data.draw(st.lists(st.tuples(st.sampled_from(GATES), st.integers(0, T - 1),
                                         st.integers(0, H - 1)), min_size=1, max_size=8))
    clamps = [Clamp(g, float(getattr(free, g)[s, u]), units=[u], steps=[s]) for g, s, u in cells]
    t = lstm.run(x, h0, c0, clamp=clamps)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(t, name), getattr(free, name), err_msg=name)


def test_clamping_a_whole_gate_to_its_own_values_changes_nothing(lstm):
    x = np.random.default_rng(5).normal(size=(7, 3))
    free = lstm.run(x)
    clamps = [Clamp("f", float(free.f[s, u]), u, s) for s in range(7) for u in range(2)]
    t = lstm.run(x, clamp=clamps)  # 14 clamps, one per step and unit: 7 stretches of steps
    assert_traces_close(t, free, rtol=0, atol=0)


@SETTINGS
@given(cases())
def test_no_clamp_is_the_plain_run_bit_for_bit(case):
    lstm, x, h0, c0 = case
    plain = lstm.run(x, h0, c0)
    for clamp in (None, (), []):
        assert_traces_close(lstm.run(x, h0, c0, clamp=clamp), plain, rtol=0, atol=0)
    # a clamp at the last step only: every earlier step runs the plain loop, bit for bit
    last = lstm.run(x, h0, c0, clamp=Clamp("f", 0.5, units=0, steps=x.shape[0] - 1))
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(last, name)[:-1], getattr(plain, name)[:-1])
    assert np.all(last.f[-1, ..., 0] == 0.5)


def test_the_last_clamp_wins(lstm):
    x = np.ones((3, 3))
    t = lstm.run(x, clamp=[Clamp("f", 0.2, steps=[1]), Clamp("f", 0.7, units=[1])])
    np.testing.assert_array_equal(t.f[:, 1], 0.7)
    np.testing.assert_array_equal(t.f[1, 0], 0.2)
    t = lstm.run(x, clamp=[Clamp.knock_out(units=0), Clamp("o", 1.0, units=0)])
    np.testing.assert_array_equal(t.o[:, 0], 1.0)
    np.testing.assert_array_equal(t.h[:, 0], 0.0)  # c is still 0: h = 1·tanh(0)


def test_clamp_values_and_indices_are_normalised():
    c = Clamp("f", 1, units=np.int64(3), steps=range(2, 4))
    assert (c.value, c.units, c.steps) == (1.0, (3,), (2, 3)) and isinstance(c.value, float)
    assert c == Clamp("f", 1.0, (3,), (2, 3)) and hash(c) == hash(Clamp("f", 1.0, (3,), (2, 3)))
    assert Clamp.knock_out(units=[0, 2]) == Clamp(KNOCK_OUT, None, (0, 2))
    assert Clamp.knock_out().gates == GATES and Clamp("g", -1).gates == ("g",)
    assert Clamp("o", np.float32(0.25)).value == 0.25
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.value = 0.5


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda: Clamp("forget", 1.0), "gate must be one of 'i', 'f', 'g', 'o' or 'knock-out'"),
    (lambda: Clamp("F", 1.0), "gate must be one of"),
    (lambda: Clamp("f", 1.5), "forget gate f lies between 0 and 1, so it cannot be clamped to 1.5"),
    (lambda: Clamp("i", -0.1), "input gate i lies between 0 and 1"),
    (lambda: Clamp("o", float("nan")), "output gate o lies between 0 and 1"),
    (lambda: Clamp("g", 1.2), "candidate g lies between -1 and 1"),
    (lambda: Clamp("f"), "forget gate f needs a number as its value; got None"),
    (lambda: Clamp("f", "1"), "needs a number as its value"),
    (lambda: Clamp("f", True), "needs a number as its value"),
    (lambda: Clamp(KNOCK_OUT, 0.0), "knock-out holds c and h at 0 and takes no value"),
    (lambda: Clamp("f", 1.0, units=[]), "needs at least one of its units"),
    (lambda: Clamp("f", 1.0, units=[-1]), "units must be whole numbers ≥ 0"),
    (lambda: Clamp("f", 1.0, units=[1.5]), "units must be whole numbers ≥ 0"),
    (lambda: Clamp("f", 1.0, steps=[True]), "steps must be whole numbers ≥ 0"),
    (lambda: Clamp("f", 1.0, steps=3.0), "steps must be whole numbers"),
])
def test_bad_clamps_say_what_to_change(make, fragment):
    with pytest.raises(ValueError, match=fragment):
        make()


@pytest.mark.parametrize(("clamp", "fragment"), [
    (Clamp("f", 1.0, units=[2]), "clamp unit 2 does not exist: the layer has units 0 … 1"),
    (Clamp.knock_out(units=[0, 7]), "clamp unit 7 does not exist"),
    (Clamp("f", 1.0, steps=[4]), "clamp step 4 does not exist: the sequence has steps 0 … 3"),
    ([Clamp("f", 1.0), "f=1"], "clamp must be a Clamp or a sequence of Clamps; got 'f=1'"),
    (("f", 1.0), "clamp must be a Clamp or a sequence of Clamps"),
])
def test_clamps_that_do_not_fit_the_run(lstm, clamp, fragment):
    for x in (np.ones((4, 3)), np.ones((4, 2, 3))):
        with pytest.raises(ValueError, match=fragment):
            lstm.run(x, clamp=clamp)
