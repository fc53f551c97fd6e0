"""Tests for lstm_viz/stack.py: LSTM layers on top of each other, with a dense head."""

from __future__ import annotations

import dataclasses

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_viz.cell import LSTM
from lstm_viz.stack import Dense, StackedLSTM, StackedTrace

FIELDS = ("x", "h_prev", "c_prev", "z", "i", "f", "g", "o", "c", "h")
ARTICLE_UNITS = [128, 64, 32, 8]


def assert_traces_close(a, b, **kw):
    for name in FIELDS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), err_msg=name, **kw)


@pytest.fixture
def stack():
    return StackedLSTM.random(3, [4, 5, 2], dense=2, seed=1)


@pytest.fixture
def x():
    return np.random.default_rng(0).normal(size=(6, 3))


def test_stack_equals_its_layers_chained_by_hand(stack, x):
    trace = stack.run(x)
    assert isinstance(trace, StackedTrace) and len(trace.layers) == 3
    inp = x
    for layer, got in zip(stack.layers, trace.layers, strict=True):
        want = layer.run(inp)
        assert_traces_close(got, want, rtol=0, atol=0)
        inp = want.h  # (T, H_l): layer l's h_t is layer l+1's x_t
    np.testing.assert_array_equal(trace.layers[1].x, trace.layers[0].h)
    y = trace.top.h @ stack.head.W.T + stack.head.b  # (T, K)
    np.testing.assert_allclose(trace.y, y, rtol=1e-14)
    assert trace.y.shape == (6, 2)
    assert trace.top is trace.layers[-1]


def test_stack_without_head(x):
    stack = StackedLSTM.random(3, [4], seed=0)
    trace = stack.run(x)
    assert stack.head is None and trace.y is None
    assert_traces_close(trace.top, stack.layers[0].run(x), rtol=0, atol=0)


def test_random_layers_are_seeded_one_after_another():
    stack = StackedLSTM.random(3, [4, 5], dense=1, seed=10)
    np.testing.assert_array_equal(stack.layers[0].W, LSTM.random(3, 4, seed=10).W)
    np.testing.assert_array_equal(stack.layers[1].W, LSTM.random(4, 5, seed=11).W)
    np.testing.assert_array_equal(stack.head.W, Dense.random(5, 1, seed=12).W)
    assert StackedLSTM.random(3, [4], seed=0, dtype=np.float32).run(np.ones((2, 3))).top.h.dtype \
        == np.float32


def test_the_articles_stack():
    """Input 5 → LSTM 128 → 64 → 32 → 8 → Dense 1 (sizes from frameworks.md)."""
    stack = StackedLSTM.random(5, ARTICLE_UNITS, dense=1, seed=0)
    assert stack.input_size == 5 and stack.units == (128, 64, 32, 8)
    shapes = [(layer.W.shape, layer.U.shape, layer.b.shape) for layer in stack.layers]
    assert shapes == [((512, 5), (512, 128), (512,)), ((256, 128), (256, 64), (256,)),
                      ((128, 64), (128, 32), (128,)), ((32, 32), (32, 8), (32,))]
    assert stack.head.W.shape == (1, 8) and stack.head.b.shape == (1,)
    # one bias vector per layer, like Keras: 131,753 numbers in all
    n = sum(a.size for layer in stack.layers for a in (layer.W, layer.U, layer.b))
    assert n + stack.head.W.size + stack.head.b.size == 131_753
    trace = stack.run(np.zeros((10, 3, 5)))  # T = 10, B = 3
    assert [t.h.shape for t in trace.layers] == [(10, 3, 128), (10, 3, 64), (10, 3, 32),
                                                 (10, 3, 8)]
    assert [t.z.shape for t in trace.layers][0] == (10, 3, 512)
    assert trace.y.shape == (10, 3, 1)


def test_layer_sizes_must_match():
    with pytest.raises(ValueError, match="layer 2 takes inputs of size 5, but layer 1 outputs 4"):
        StackedLSTM((LSTM.random(3, 4), LSTM.random(5, 2)))
    with pytest.raises(ValueError, match="layer 3 takes inputs of size 7, but layer 2 outputs 2"):
        StackedLSTM((LSTM.random(3, 4), LSTM.random(4, 2), LSTM.random(7, 2)))
    with pytest.raises(ValueError, match="dense head takes 3 inputs, but the top layer has 2"):
        StackedLSTM((LSTM.random(3, 2),), Dense.random(3, 1))
    with pytest.raises(ValueError, match="at least one LSTM layer"):
        StackedLSTM(())


def test_input_size_is_checked_by_the_first_layer(stack):
    with pytest.raises(ValueError, match="must have 3 numbers"):
        stack.run(np.zeros((4, 2)))


def test_states_per_layer(stack, x):
    rng = np.random.default_rng(5)
    states = [(rng.uniform(-1, 1, H), rng.normal(size=H)) for H in stack.units]
    trace = stack.run(x, states)
    inp = x
    for layer, (h0, c0), got in zip(stack.layers, states, trace.layers, strict=True):
        want = layer.run(inp, h0, c0)
        assert_traces_close(got, want, rtol=0, atol=0)
        np.testing.assert_array_equal(got.h_prev[0], h0)
        np.testing.assert_array_equal(got.c_prev[0], c0)
        inp = want.h
    assert not np.allclose(trace.top.h, stack.run(x).top.h)  # the states made a difference


def test_states_may_be_left_out_per_layer(stack, x):
    h0 = np.full(5, 0.3)
    trace = stack.run(x, [(None, None), (h0, None), (None, None)])
    np.testing.assert_array_equal(trace.layers[1].h_prev[0], h0)
    np.testing.assert_array_equal(trace.layers[1].c_prev[0], 0.0)
    assert_traces_close(trace.layers[0], stack.run(x).layers[0], rtol=0, atol=0)


def test_one_state_pair_per_layer(stack, x):
    with pytest.raises(ValueError, match=r"one \(h0, c0\) pair per layer: 3, not 2"):
        stack.run(x, [(None, None)] * 2)
    with pytest.raises(ValueError, match=r"h0 must have shape \(H,\) = \(5,\)"):
        stack.run(x, [(None, None), (np.zeros(4), None), (None, None)])


@settings(max_examples=50, deadline=None)
@given(
    dtype=st.sampled_from([np.float32, np.float64]),
    units=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    dense=st.none() | st.integers(1, 3),
    T=st.integers(1, 5), B=st.integers(1, 3), seed=st.integers(0, 1000),
    data=st.data(),
)
def test_batch_equals_sequences(dtype, units, dense, T, B, seed, data):
    stack = StackedLSTM.random(2, units, dense=dense, seed=seed, dtype=dtype)
    x = data.draw(hnp.arrays(dtype, (T, B, 2), elements=st.floats(-3, 3, width=32)))
    tol = dict(rtol=1e-5, atol=1e-5) if dtype is np.float32 else dict(rtol=1e-12, atol=1e-12)
    batch = stack.run(x)
    for b in range(B):
        one = stack.run(x[:, b])
        for k, layer in enumerate(batch.layers):
            assert_traces_close(layer.sequence(b), one.layers[k], **tol)
        if dense:
            np.testing.assert_allclose(batch.y[:, b], one.y, **tol)


def test_trace_is_frozen(stack, x):
    trace = stack.run(x)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.y = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        stack.head = None
    with pytest.raises(ValueError, match="read-only"):
        trace.layers[0].h[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        trace.y[0] = 1.0


def test_dense_checks_and_freezes_its_weights():
    d = Dense([[1, 2, 3]], [0.5])
    assert (d.input_size, d.units) == (3, 1)
    np.testing.assert_array_equal(d(np.array([[1.0, 1.0, 1.0]])), [[6.5]])
    with pytest.raises(ValueError, match="read-only"):
        d.W[0, 0] = 9.0
    with pytest.raises(ValueError, match=r"dense b must have shape \(K,\) = \(1,\)"):
        Dense([[1, 2, 3]], [0.5, 1.0])
    with pytest.raises(ValueError, match="dense W contains NaN"):
        Dense([[1, np.nan, 3]], [0.5])


# ---- files ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dense", [None, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_load_round_trip(tmp_path, dense, dtype, x):
    stack = StackedLSTM.random(3, [4, 2, 5], dense=dense, seed=3, dtype=dtype)
    path = tmp_path / "stack.npz"
    stack.save(path)
    back = StackedLSTM.load(path)
    assert back.units == stack.units
    for a, b in zip(back.layers, stack.layers, strict=True):
        for name in ("W", "U", "b"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
            assert getattr(a, name).dtype == dtype
    if dense is None:
        assert back.head is None
    else:
        np.testing.assert_array_equal(back.head.W, stack.head.W)
        np.testing.assert_array_equal(back.head.b, stack.head.b)
        np.testing.assert_array_equal(back.run(x).y, stack.run(x).y)


def test_load_a_single_layer_file_as_a_stack(tmp_path, x):
    lstm = LSTM.random(3, 4, seed=2)
    path = tmp_path / "layer.npz"
    lstm.save(path)
    stack = StackedLSTM.load(path)
    assert len(stack.layers) == 1 and stack.head is None
    np.testing.assert_array_equal(stack.layers[0].W, lstm.W)
    assert_traces_close(stack.run(x).top, lstm.run(x), rtol=0, atol=0)


def stack_arrays(stack):
    path_arrays = {}
    for k, layer in enumerate(stack.layers):
        path_arrays.update({f"l{k}.W": layer.W, f"l{k}.U": layer.U, f"l{k}.b": layer.b})
    return path_arrays


def test_load_refuses_half_a_head(tmp_path, stack):
    path = tmp_path / "half.npz"
    np.savez(path, **stack_arrays(stack), **{"head.W": stack.head.W})
    with pytest.raises(ValueError, match="only half a dense head: it needs head.W and head.b"):
        StackedLSTM.load(path)


def test_load_refuses_an_incomplete_layer(tmp_path, stack):
    arrays = stack_arrays(stack)
    del arrays["l1.U"]
    path = tmp_path / "hole.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="layer 1 of the file lacks one of l1.W, l1.U, l1.b"):
        StackedLSTM.load(path)


def test_load_refuses_a_file_without_layers(tmp_path):
    path = tmp_path / "nothing.npz"
    np.savez(path, weights=np.zeros(3))
    with pytest.raises(ValueError, match=r"has no l0.W, l0.U, l0.b \(it holds weights\)"):
        StackedLSTM.load(path)


def test_load_checks_layer_sizes(tmp_path, stack):
    arrays = stack_arrays(stack)
    arrays["l1.W"] = np.zeros((20, 7))  # layer 2 expecting 7 inputs from 4 units
    arrays["l1.U"], arrays["l1.b"] = np.zeros((20, 5)), np.zeros(20)
    path = tmp_path / "sizes.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="layer 2 takes inputs of size 7, but layer 1 outputs 4"):
        StackedLSTM.load(path)


def test_load_refuses_pickles_and_junk(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, **{"l0.W": np.array([None] * 4, dtype=object)})
    with pytest.raises(ValueError, match="pickled Python objects"):
        StackedLSTM.load(path)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="not a readable .npz weights file"):
        StackedLSTM.load(junk)


# ---- PyTorch ------------------------------------------------------------------------------------

def torch_state_dict(sizes, seed=0):
    """nn.LSTM(num_layers=len(sizes)-1) naming, built by hand: sizes = [X, H_0, H_1, …]."""
    rng = np.random.default_rng(seed)
    sd = {}
    for k, (X, H) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        sd[f"weight_ih_l{k}"] = rng.normal(size=(4 * H, X))
        sd[f"weight_hh_l{k}"] = rng.normal(size=(4 * H, H))
        sd[f"bias_ih_l{k}"] = rng.normal(size=4 * H)
        sd[f"bias_hh_l{k}"] = rng.normal(size=4 * H)
    return sd


def test_from_torch_two_layers(x):
    sd = torch_state_dict([3, 4, 2])
    stack = StackedLSTM.from_torch(sd)
    assert stack.units == (4, 2) and stack.head is None
    for k, layer in enumerate(stack.layers):
        want = LSTM.from_torch(sd, layer=k)
        np.testing.assert_array_equal(layer.W, want.W)
        np.testing.assert_array_equal(layer.U, want.U)
        np.testing.assert_array_equal(layer.b, want.b)
        np.testing.assert_allclose(layer.b, sd[f"bias_ih_l{k}"] + sd[f"bias_hh_l{k}"])
    want_h = LSTM.from_torch(sd, layer=1).run(LSTM.from_torch(sd, layer=0).run(x).h).h
    np.testing.assert_allclose(stack.run(x).top.h, want_h, rtol=1e-14)


@pytest.mark.parametrize("as_dense", [False, True])
def test_from_torch_with_a_linear_head(x, as_dense):
    rng = np.random.default_rng(1)
    linear = {"weight": rng.normal(size=(3, 2)), "bias": rng.normal(size=3)}  # Linear(2, 3)
    head = Dense(linear["weight"], linear["bias"]) if as_dense else linear
    stack = StackedLSTM.from_torch(torch_state_dict([3, 4, 2]), head=head)
    trace = stack.run(x)
    np.testing.assert_allclose(trace.y, trace.top.h @ linear["weight"].T + linear["bias"],
                               rtol=1e-14)


def test_from_torch_errors():
    with pytest.raises(ValueError, match="no weight_ih_l0: is it an nn.LSTM"):
        StackedLSTM.from_torch({"weight": np.zeros((1, 2))})
    sd = torch_state_dict([3, 4, 2])
    del sd["weight_hh_l1"]
    with pytest.raises(ValueError, match="has no weight_hh_l1"):
        StackedLSTM.from_torch(sd)
