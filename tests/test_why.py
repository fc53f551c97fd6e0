"""Tests for lstm_viz/why.py: memory ledger, gradients through time, gate saturation."""

from __future__ import annotations

import dataclasses
import doctest
import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_viz.why as why_module
from lstm_viz.cell import GATES, LSTM, Clamp, LSTMTrace
from lstm_viz.why import (
    Ledger,
    Saturation,
    TanhRNN,
    forget_products,
    input_gradients,
    input_jacobians,
    ledger,
    ledger_at,
    rnn_input_gradients,
    rnn_input_jacobians,
    saturation,
)

SETTINGS = settings(max_examples=40, deadline=None)


def eps(dtype):
    return float(np.finfo(dtype).eps)


# ---- random layers, inputs and clamps -----------------------------------------------------

@st.composite
def runs(draw, clamps=False, dtypes=(np.float32, np.float64)):
    """(lstm, trace): random sizes, weights, inputs, start state (c0 often ≠ 0), clamps."""
    dtype = draw(st.sampled_from(dtypes))
    X, H, T = draw(st.integers(1, 4)), draw(st.integers(1, 5)), draw(st.integers(1, 9))
    lstm = LSTM.random(X, H, seed=draw(st.integers(0, 2**32 - 1)), dtype=dtype)
    width = 32 if dtype is np.float32 else 64

    def arr(shape, bound):
        return hnp.arrays(dtype, shape, elements=st.floats(-bound, bound, width=width))

    x = draw(arr((T, X), 4.0))
    h0 = draw(st.none() | arr((H,), 1.0))
    c0 = draw(st.none() | arr((H,), 5.0))
    clamp = draw(st.lists(clamp_for(T, H), max_size=3)) if clamps else None
    return lstm, lstm.run(x, h0, c0, clamp=clamp)


def clamp_for(T, H):
    """A random Clamp for a layer of H units and a sequence of T steps."""
    gate = st.sampled_from(GATES + ("knock-out",))
    some = st.none() | st.lists(st.integers(0, H - 1), min_size=1, max_size=H)
    steps = st.none() | st.lists(st.integers(0, T - 1), min_size=1, max_size=T)

    def make(g, u, s, v):
        if g == "knock-out":
            return Clamp.knock_out(u, s)
        return Clamp(g, v if g == "g" else (v + 1) / 2, u, s)  # v in [−1, 1]

    return st.builds(make, gate, some, steps, st.floats(-1, 1))


# ---- the memory ledger -------------------------------------------------------------------

def assert_ledger_adds_up(book: Ledger, trace: LSTMTrace):
    """Σ_k parts[t, k] + initial[t] = c_t up to the rounding of T products and sums."""
    T = trace.steps
    scale = np.abs(book.parts).sum(axis=1) + np.abs(book.initial) + np.abs(trace.c)
    tiny = np.finfo(trace.c.dtype).smallest_subnormal  # rounding below the normal range
    bound = 4 * (T + 2) * (eps(trace.c.dtype) * scale + tiny)  # (T, H)
    err = np.abs(book.total - trace.c)
    assert np.all(err <= bound), float((err / np.maximum(scale, 1e-300)).max())


@SETTINGS
@given(runs())
def test_ledger_sums_to_the_cell_state(case):
    _, trace = case
    book = ledger(trace)
    T, H = trace.c.shape
    assert book.parts.shape == (T, T, H) and book.initial.shape == (T, H)
    assert book.parts.dtype == trace.c.dtype and book.units == tuple(range(H))
    assert_ledger_adds_up(book, trace)


@SETTINGS
@given(runs())
def test_ledger_structure(case):
    """Nothing from the future; step t's own write whole; one more f_t per step after."""
    _, trace = case
    parts = ledger(trace).parts
    T = trace.steps
    upper = np.triu(np.ones((T, T), bool), k=1)
    assert np.all(parts[upper] == 0)
    np.testing.assert_array_equal(np.diagonal(parts).T, trace.i * trace.g)  # parts[t, t]
    for t in range(1, T):
        np.testing.assert_array_equal(parts[t, :t], parts[t - 1, :t] * trace.f[t])
    np.testing.assert_array_equal(ledger(trace).initial[0], trace.f[0] * trace.c_prev[0])


@SETTINGS
@given(runs(clamps=True))
def test_ledger_of_a_clamped_run_sums_to_its_cell_state(case):
    _, trace = case
    assert_ledger_adds_up(ledger(trace), trace)


def reference_ledger(trace):
    """The definition, term by term, in float64 with np.prod."""
    f, i, g = (getattr(trace, k).astype(np.float64) for k in "fig")
    T, H = f.shape
    parts = np.zeros((T, T, H))
    for t in range(T):
        for k in range(t + 1):
            parts[t, k] = np.prod(f[k + 1:t + 1], axis=0) * i[k] * g[k]
    initial = np.array([np.prod(f[:t + 1], axis=0) for t in range(T)]) * trace.c_prev[0]
    return parts, initial


def test_ledger_equals_the_definition():
    lstm = LSTM.random(3, 4, seed=8)
    rng = np.random.default_rng(8)
    trace = lstm.run(rng.normal(size=(12, 3)) * 2, c0=rng.normal(size=4) * 3)
    parts, initial = reference_ledger(trace)
    book = ledger(trace)
    np.testing.assert_allclose(book.parts, parts, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(book.initial, initial, rtol=1e-13, atol=1e-300)
    assert np.abs(book.initial).min() > 0  # c0 ≠ 0 really leaves a share


def test_ledger_worked_by_hand():
    """The hand-worked two steps of tests/test_cell.py: c_2 = f_2·i_1·g_1 + i_2·g_2."""
    W, U, b = {"i": 0.5, "f": -1.0, "g": 1.0, "o": 2.0}, {"i": 1.0, "f": 0.5, "g": -1.0,
                                                          "o": 0.5}, {"f": 1.0, "o": -0.5}
    lstm = LSTM([[W[k]] for k in GATES], [[U[k]] for k in GATES], [b.get(k, 0.0) for k in GATES])
    book = ledger(lstm.run([[1.0], [2.0]]))
    # 0.305863·0.474061 = 0.144998 (what step 0 left), 0.795912·0.927341 = 0.738082
    np.testing.assert_allclose(book.parts[:, :, 0], [[0.474061, 0.0], [0.144998, 0.738082]],
                               atol=2e-6)
    np.testing.assert_allclose(book.total[:, 0], [0.474061, 0.883080], atol=1e-6)
    np.testing.assert_array_equal(book.initial, 0.0)  # c0 = 0


@pytest.mark.parametrize(("dtype", "bias"), [(np.float32, -12.0), (np.float64, -25.0)])
def test_ledger_survives_forget_products_that_underflow(dtype, bias):
    """f ≈ 1e-5 (float32) or 1e-11 (float64) at every step, tiny but not 0: Π f underflows
    to 0 within the 40 steps, where a ratio of cumulative products gives 0/0."""
    base = LSTM.random(2, 3, seed=4, dtype=np.float64)
    b = base.b.copy()
    b[3:6] = bias  # the forget gate's bias
    lstm = LSTM(base.W, base.U, b).astype(dtype)
    trace = lstm.run(np.random.default_rng(4).normal(size=(40, 2)), c0=[1.0, -2.0, 3.0])
    with np.errstate(all="ignore"):
        running = np.cumprod(trace.f, axis=0)
        ratio = running[-1] / running[-2]  # the unstable way: Π_{≤T−1} f / Π_{≤T−2} f
    assert np.all(trace.f > 0) and np.all(trace.f < 1e-3)
    assert np.all(running[-1] == 0) and np.all(np.isnan(ratio))  # the trap is real
    book = ledger(trace)
    assert np.all(np.isfinite(book.parts)) and np.all(np.isfinite(book.initial))
    t = np.arange(1, 40)
    np.testing.assert_array_equal(book.parts[t, t - 1],  # (T−1, H): parts[t, t−1]
                                  trace.f[1:] * (trace.i * trace.g)[:-1])
    assert np.all(book.parts[-1, -2] != 0)  # the last-but-one write survives one tiny f
    assert_ledger_adds_up(book, trace)


@SETTINGS
@given(runs(), st.data())
def test_ledger_at_is_one_cell_of_the_ledger(case, data):
    _, trace = case
    T, H = trace.c.shape
    t, u = data.draw(st.integers(0, T - 1)), data.draw(st.integers(0, H - 1))
    one = ledger_at(trace, t, u)
    assert one.shape == (T,) and one.dtype == trace.c.dtype
    assert np.all(one[t + 1:] == 0)
    tight = dict(rtol=8 * T * eps(trace.c.dtype), atol=np.finfo(trace.c.dtype).tiny)
    np.testing.assert_allclose(one, ledger(trace).parts[t, :, u], **tight)
    start = np.prod(trace.f[:t + 1, u]) * trace.c_prev[0, u]  # the start state's share
    scale = np.abs(one).sum() + abs(start) + abs(trace.c[t, u])
    assert abs(one.sum() + start - trace.c[t, u]) <= 4 * (T + 2) * eps(trace.c.dtype) * scale


def test_ledger_of_chosen_units():
    trace = LSTM.random(2, 5, seed=1).run(np.ones((6, 2)), c0=np.arange(5.0))
    full, some = ledger(trace), ledger(trace, units=[4, 1])
    assert some.units == (4, 1) and some.parts.shape == (6, 6, 2)
    np.testing.assert_array_equal(some.parts, full.parts[:, :, [4, 1]])
    np.testing.assert_array_equal(some.initial, full.initial[:, [4, 1]])
    np.testing.assert_array_equal(ledger(trace, units=3).parts[..., 0], full.parts[..., 3])


def test_ledger_arrays_are_read_only():
    book = ledger(LSTM.random(1, 2).run(np.ones((3, 1))))
    for a in (book.parts, book.initial):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        book.parts = None


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda t: ledger(t, units=[2]), "unit 2 does not exist: the layer has units 0 … 1"),
    (lambda t: ledger(t, units=[-1]), "unit -1 does not exist"),
    (lambda t: ledger_at(t, 3, 0), "step 3 does not exist: the sequence has steps 0 … 2"),
    (lambda t: ledger_at(t, 0, 5), "unit 5 does not exist"),
    (lambda t: ledger_at(t, 1.0, 0), "step must be a whole number"),
    (lambda t: ledger_at(t, True, 0), "step must be a whole number"),
])
def test_ledger_errors(call, fragment):
    trace = LSTM.random(1, 2).run(np.ones((3, 1)))
    with pytest.raises(ValueError, match=fragment):
        call(trace)


def test_ledger_refuses_a_batch():
    batch = LSTM.random(1, 2).run(np.ones((3, 4, 1)))
    for call in (lambda: ledger(batch), lambda: ledger_at(batch, 0, 0)):
        with pytest.raises(ValueError, match=r"trace.sequence\(b\)"):
            call()
    ledger(batch.sequence(3))  # what the message says works


# ---- forget products ---------------------------------------------------------------------

@SETTINGS
@given(runs())
def test_forget_products(case):
    _, trace = case
    T = trace.steps
    prod = forget_products(trace)
    want = np.array([np.prod(trace.f[t + 1:].astype(np.float64), axis=0) for t in range(T)])
    np.testing.assert_allclose(prod, want, rtol=4 * T * eps(trace.f.dtype), atol=1e-300)
    np.testing.assert_array_equal(prod[-1], 1.0)
    # the ledger's last row is the same carrying factor times each step's write
    np.testing.assert_allclose(ledger(trace).parts[-1], prod * trace.i * trace.g,
                               rtol=8 * T * eps(trace.f.dtype), atol=1e-300)


def test_forget_products_of_a_batch():
    batch = LSTM.random(2, 3, seed=2).run(np.random.default_rng(2).normal(size=(5, 4, 2)))
    prod = forget_products(batch)
    assert prod.shape == (5, 4, 3)
    for b in range(4):
        np.testing.assert_array_equal(prod[:, b], forget_products(batch.sequence(b)))


# ---- gradients through time ---------------------------------------------------------------

def finite_difference_jacobians(last_h, x, step=3e-5):
    """∂h_{T−1}/∂x_t by central differences, (T, H, X); ``last_h(x)`` gives h_{T−1}.

    The step balances truncation (∝ step²) against round-off (∝ eps/step), which matters
    for early steps whose Jacobian has shrunk to 1e-5: measured errors ≤ 5e-8 here."""
    T, X = x.shape
    cols = []
    for t in range(T):
        for j in range(X):
            up, down = x.copy(), x.copy()
            up[t, j] += step
            down[t, j] -= step
            cols.append((last_h(up) - last_h(down)) / (2 * step))
    return np.array(cols).reshape(T, X, -1).transpose(0, 2, 1)


def relative_errors(J, want):
    """Per step ‖J_t − want_t‖ / ‖want_t‖ (Frobenius)."""
    return np.linalg.norm(J - want, axis=(1, 2)) / np.linalg.norm(want, axis=(1, 2))


@pytest.mark.parametrize(("X", "H", "T", "seed"), [(3, 5, 7, 0), (1, 2, 10, 1), (4, 8, 5, 2)])
def test_lstm_jacobians_match_finite_differences(X, H, T, seed):
    rng = np.random.default_rng(seed)
    lstm = LSTM.random(X, H, seed=seed)
    x, h0, c0 = rng.normal(size=(T, X)), rng.normal(size=H), rng.normal(size=H) * 2
    J = input_jacobians(lstm, x, h0, c0)
    want = finite_difference_jacobians(lambda v: lstm.run(v, h0, c0).h[-1], x)
    assert J.shape == (T, H, X)
    assert relative_errors(J, want).max() < 1e-6
    norms = input_gradients(lstm, x, h0, c0)
    np.testing.assert_allclose(norms, np.linalg.norm(want, axis=(1, 2)), rtol=1e-6)


@pytest.mark.parametrize(("X", "H", "T", "seed"), [(3, 5, 7, 0), (2, 6, 9, 3)])
def test_rnn_jacobians_match_finite_differences(X, H, T, seed):
    rng = np.random.default_rng(seed)
    rnn = TanhRNN.random(X, H, seed=seed)
    x, h0 = rng.normal(size=(T, X)), rng.normal(size=H)
    J = rnn_input_jacobians(rnn, x, h0)
    want = finite_difference_jacobians(lambda v: rnn.run(v, h0)[-1], x)
    assert J.shape == (T, H, X)
    assert relative_errors(J, want).max() < 1e-6
    np.testing.assert_allclose(rnn_input_gradients(rnn, x, h0), np.linalg.norm(want, axis=(1, 2)),
                               rtol=1e-6)


def test_without_recurrent_weights_the_gradient_rides_the_forget_products():
    """U = 0: x_t reaches h_{T−1} only through c, so J_t = diag(∂h/∂c · Π f) · ∂c_t/∂x_t."""
    base = LSTM.random(3, 4, seed=6)
    lstm = LSTM(base.W, np.zeros_like(base.U), base.b)
    x = np.random.default_rng(6).normal(size=(8, 3))
    trace = lstm.run(x)
    i, f, g, o, c, c_prev = (getattr(trace, k) for k in ("i", "f", "g", "o", "c", "c_prev"))
    Wi, Wf, Wg = (lstm.gate_weights(k)[0] for k in "ifg")
    local = ((g * i * (1 - i))[:, :, None] * Wi + (c_prev * f * (1 - f))[:, :, None] * Wf
             + (i * (1 - g * g))[:, :, None] * Wg)  # ∂c_t/∂x_t, (T, H, X)
    dh_dc = o[-1] * (1 - np.tanh(c[-1]) ** 2)  # ∂h_{T−1}/∂c_{T−1}, diagonal
    want = (dh_dc * forget_products(trace))[:, :, None] * local
    J = input_jacobians(lstm, x)
    np.testing.assert_allclose(J[:-1], want[:-1], rtol=1e-12, atol=1e-15)
    assert not np.allclose(J[-1], want[-1])  # the last step also has the output gate's path


@pytest.mark.parametrize("limit", [1, 100, 700])
def test_products_in_row_blocks_cover_every_row(monkeypatch, limit):
    """The per-step products run in row blocks (to keep BLAS on one thread); any block
    size gives the same Jacobians, including blocks of one row and a ragged last block."""
    lstm, rnn = LSTM.random(3, 7, seed=2), TanhRNN.random(3, 7, seed=2)
    x = np.random.default_rng(2).normal(size=(6, 3))
    whole = input_jacobians(lstm, x), rnn_input_jacobians(rnn, x)
    monkeypatch.setattr(why_module, "_ONE_THREAD_MNK", limit)
    blocks = why_module._row_blocks(7, 28, 10)
    assert len(blocks) == {1: 7, 100: 7, 700: 4}[limit]  # 700 // 280: rows 2, 2, 2, 1
    assert sorted(r for b in blocks for r in range(7)[b]) == list(range(7))
    np.testing.assert_allclose(input_jacobians(lstm, x), whole[0], rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(rnn_input_jacobians(rnn, x), whole[1], rtol=1e-13, atol=1e-16)


def test_float32_gradients_follow_float64():
    lstm = LSTM.random(2, 6, seed=3)
    x = np.random.default_rng(3).normal(size=(12, 2))
    J32 = input_jacobians(lstm.astype(np.float32), x)
    assert J32.dtype == np.float32
    np.testing.assert_allclose(J32, input_jacobians(lstm, x), rtol=1e-4, atol=1e-6)


def test_input_gradients_refuse_a_batch_and_bad_input():
    lstm = LSTM.random(2, 3)
    with pytest.raises(ValueError, match="must have 2 axes"):
        input_gradients(lstm, np.ones((4, 2, 2)))
    with pytest.raises(ValueError, match="sequence is empty"):
        input_gradients(lstm, np.ones((0, 2)))
    with pytest.raises(ValueError, match="must have 2 numbers"):
        input_gradients(lstm, np.ones((4, 3)))
    with pytest.raises(ValueError, match="NaN"):
        rnn_input_gradients(TanhRNN.random(2, 3), [[0.0, np.nan]])


def torch_lstm(torch, lstm):
    module = torch.nn.LSTM(lstm.input_size, lstm.hidden_size).double()
    with torch.no_grad():
        for name, value in (("weight_ih_l0", lstm.W), ("weight_hh_l0", lstm.U),
                            ("bias_ih_l0", lstm.b), ("bias_hh_l0", 0 * lstm.b)):
            getattr(module, name).copy_(torch.tensor(np.array(value)))
    return module


def test_lstm_jacobians_match_torch_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    lstm = LSTM.random(4, 16, seed=11)
    x, h0, c0 = rng.normal(size=(30, 4)), rng.normal(size=16), rng.normal(size=16)
    module = torch_lstm(torch, lstm)
    state = tuple(torch.tensor(s).view(1, 1, -1) for s in (h0, c0))

    def last_h(xt):
        return module(xt[:, None, :], state)[0][-1, 0]  # (H,)

    want = torch.autograd.functional.jacobian(last_h, torch.tensor(x)).numpy()  # (H, T, X)
    J = input_jacobians(lstm, x, h0, c0)
    np.testing.assert_allclose(J, want.transpose(1, 0, 2), rtol=1e-10, atol=1e-13)


def test_rnn_matches_torch():
    torch = pytest.importorskip("torch")
    rnn = TanhRNN.random(3, 7, seed=5)
    module = torch.nn.RNN(3, 7, nonlinearity="tanh").double()
    with torch.no_grad():
        for name, value in (("weight_ih_l0", rnn.W), ("weight_hh_l0", rnn.U),
                            ("bias_ih_l0", rnn.b), ("bias_hh_l0", 0 * rnn.b)):
            getattr(module, name).copy_(torch.tensor(np.array(value)))
    x = np.random.default_rng(5).normal(size=(20, 3))
    with torch.no_grad():
        out = module(torch.tensor(x)[:, None, :])[0][:, 0].numpy()
    np.testing.assert_allclose(rnn.run(x), out, rtol=1e-12, atol=1e-14)
    want = torch.autograd.functional.jacobian(
        lambda xt: module(xt[:, None, :])[0][-1, 0], torch.tensor(x)).numpy()
    np.testing.assert_allclose(rnn_input_jacobians(rnn, x), want.transpose(1, 0, 2),
                               rtol=1e-10, atol=1e-13)


# ---- the tanh RNN ------------------------------------------------------------------------

def test_rnn_run_is_the_equation():
    rnn = TanhRNN.random(2, 3, seed=1)
    x = np.random.default_rng(1).normal(size=(5, 2))
    h = np.array([0.1, -0.2, 0.3])
    got = rnn.run(x, h0=h)
    for t in range(5):
        h = np.tanh(rnn.W @ x[t] + rnn.U @ h + rnn.b)
        np.testing.assert_allclose(got[t], h, rtol=1e-14, atol=1e-15)


def test_rnn_random_is_reproducible_and_bounded():
    a, b, c = (TanhRNN.random(4, 9, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.U, b.U)
    assert not np.array_equal(a.U, c.U)
    assert (a.W.shape, a.U.shape, a.b.shape) == ((9, 4), (9, 9), (9,))
    assert 0.25 < max(np.abs(m).max() for m in (a.W, a.U, a.b)) <= 1 / 3  # 1/√H, H = 9
    assert TanhRNN.random(2, 2, dtype=np.float32).run(np.ones((2, 2))).dtype == np.float32
    with pytest.raises(ValueError, match="hidden_size must be a whole number"):
        TanhRNN.random(2, 0)


@pytest.mark.parametrize(("W", "U", "b", "fragment"), [
    (np.zeros((0, 2)), np.zeros((0, 0)), np.zeros(0), r"W must have shape \(H, X\)"),
    (np.zeros((3, 2)), np.zeros((3, 2)), np.zeros(3), r"U must have shape \(H, H\) = \(3, 3\)"),
    (np.zeros((3, 2)), np.zeros((3, 3)), np.zeros(2), r"b must have shape \(H,\) = \(3,\)"),
    (np.zeros((3, 2)), np.full((3, 3), np.inf), np.zeros(3), "weight U contains NaN"),
])
def test_rnn_bad_weights(W, U, b, fragment):
    with pytest.raises(ValueError, match=fragment):
        TanhRNN(W, U, b)


def test_rnn_weights_are_read_only_and_checked_inputs():
    rnn = TanhRNN.random(2, 3)
    with pytest.raises(ValueError, match="read-only"):
        rnn.W[0, 0] = 1.0
    with pytest.raises(ValueError, match=r"h0 must have shape \(H,\) = \(3,\)"):
        rnn.run(np.ones((2, 2)), h0=np.zeros(2))


# ---- gate saturation ---------------------------------------------------------------------

def fake_trace(**gates):
    """A trace with the given gate arrays (T, H); the other fields are zeros."""
    T, H = next(iter(gates.values())).shape
    arrays = {k: np.asarray(gates.get(k, np.full((T, H), 0.5))) for k in GATES}
    zeros = np.zeros((T, H))
    return LSTMTrace(x=zeros, h_prev=zeros, c_prev=zeros, z=np.zeros((T, 4 * H)), c=zeros,
                     h=zeros, **arrays)


def test_saturation_counts_shares_per_unit():
    f = np.array([[0.05, 0.5]] * 3 + [[0.95, 0.5]] * 5 + [[0.1, 0.9]] * 2)  # 10 steps
    g = np.array([[-0.85, 0.0]] * 4 + [[0.85, 0.79]] * 6)  # (g+1)/2: 0.075, 0.925, 0.895
    s = saturation(fake_trace(f=f, g=g))
    np.testing.assert_array_equal(s.left["f"], [0.3, 0.0])  # 0.1 itself is not below 0.1
    np.testing.assert_array_equal(s.right["f"], [0.5, 0.0])  # nor 0.9 above 0.9
    np.testing.assert_array_equal(s.left["g"], [0.4, 0.0])
    np.testing.assert_array_equal(s.right["g"], [0.6, 0.0])
    np.testing.assert_array_equal(s.left["i"], [0, 0])
    assert s.point("f", 0) == (0.3, 0.5) and s.samples == 10 and (s.low, s.high) == (0.1, 0.9)
    t = saturation(fake_trace(f=f), low=0.2, high=0.6)
    np.testing.assert_array_equal(t.left["f"], [0.5, 0.0])
    np.testing.assert_array_equal(t.right["f"], [0.5, 0.2])


def test_saturation_of_a_saturated_layer():
    """Unit 0 gets z = (+s, −s, +s, +s), unit 1 the opposite (as in tests/test_cell.py)."""
    pattern = np.array([1, -1, 1, 1], dtype=float) * 50
    W = np.stack([pattern, -pattern], axis=1).reshape(8, 1)
    trace = LSTM(W, np.zeros((8, 2)), np.zeros(8)).run(np.ones((7, 1)))
    s = saturation(trace)
    for gate, unit0_open in (("i", True), ("f", False), ("g", True), ("o", True)):
        want_right, want_left = ([1.0, 0.0], [0.0, 1.0]) if unit0_open else ([0.0, 1.0],
                                                                           [1.0, 0.0])
        np.testing.assert_array_equal(s.right[gate], want_right, err_msg=gate)
        np.testing.assert_array_equal(s.left[gate], want_left, err_msg=gate)


def test_saturation_of_a_batch_pools_its_sequences():
    batch = LSTM.random(1, 3, seed=9).run(np.random.default_rng(9).normal(size=(6, 4, 1)) * 4)
    s = saturation(batch)
    assert s.samples == 24
    ones = [saturation(batch.sequence(b)) for b in range(4)]
    for gate in GATES:
        np.testing.assert_allclose(s.right[gate], np.mean([o.right[gate] for o in ones], 0))
        np.testing.assert_allclose(s.left[gate], np.mean([o.left[gate] for o in ones], 0))
    assert any(s.right[g].any() or s.left[g].any() for g in GATES)  # something was counted


@SETTINGS
@given(runs(clamps=True))
def test_saturation_shares_are_fractions(case):
    _, trace = case
    s = saturation(trace)
    for gate in GATES:
        assert s.left[gate].shape == (trace.hidden_size,)
        assert np.all((s.left[gate] >= 0) & (s.right[gate] >= 0))
        assert np.all(s.left[gate] + s.right[gate] <= 1)
        a = getattr(trace, gate)
        a = (a + 1) / 2 if gate == "g" else a  # g's range [−1, 1] onto [0, 1]
        np.testing.assert_allclose(s.left[gate] * s.samples, np.sum(a < 0.1, axis=0))
        np.testing.assert_allclose(s.right[gate] * s.samples, np.sum(a > 0.9, axis=0))


@pytest.mark.parametrize(("low", "high"), [(0.9, 0.1), (0.0, 0.9), (0.1, 1.0), (0.5, 0.5),
                                           (float("nan"), 0.9)])
def test_saturation_refuses_bad_thresholds(low, high):
    with pytest.raises(ValueError, match="0 < low < high < 1"):
        saturation(fake_trace(f=np.zeros((2, 2))), low, high)


def test_saturation_is_a_value():
    s = saturation(fake_trace(f=np.zeros((2, 2))))
    assert isinstance(s, Saturation)
    with pytest.raises(TypeError):
        s.left["f"] = np.ones(2)
    with pytest.raises(ValueError, match="read-only"):
        s.left["f"][0] = 1.0


# ---- the module as a whole ---------------------------------------------------------------

def test_all_names_exist_and_examples_run():
    assert all(hasattr(why_module, name) for name in why_module.__all__)
    result = doctest.testmod(why_module, verbose=False)
    assert result.attempted > 5 and result.failed == 0


def test_gradients_of_a_long_sequence_stay_finite():
    """T = 200, H = 64 (the page's size): no overflow, and the RNN's gradient vanishes."""
    x = np.random.default_rng(0).normal(size=(200, 4))
    lstm_norms = input_gradients(LSTM.random(4, 64, seed=0), x)
    rnn_norms = rnn_input_gradients(TanhRNN.random(4, 64, seed=0), x)
    assert np.all(np.isfinite(lstm_norms)) and np.all(np.isfinite(rnn_norms))
    assert rnn_norms[0] < 1e-6 * rnn_norms[-1]
    assert math.isclose(lstm_norms[-1], np.linalg.norm(input_jacobians(
        LSTM.random(4, 64, seed=0), x)[-1]), rel_tol=1e-12)


@pytest.mark.parametrize("H, X", [(64, 4), (8, 3), (256, 4), (300, 1000)])
def test_gradient_max_steps_is_the_most_within_the_work_limit(H, X):
    from lstm_viz.why import GRADIENT_MAX_WORK, gradient_max_steps, gradient_work

    most = gradient_max_steps(H, X)
    assert gradient_work(most, H, X) <= GRADIENT_MAX_WORK < gradient_work(most + 1, H, X)
    assert gradient_work(1, H, X) == H * 4 * H * (X + H)  # one (H, 4H)·(4H, X+H) product
