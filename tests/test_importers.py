"""Tests for lstm_viz/importers.py: weights from PyTorch, Keras, TF1 and ONNX layouts.

Each test builds a layer through ``LSTM.from_*`` (which reads the arrays with the
importers) and compares it with the same weights given in this package's own layout.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from lstm_viz import importers
from lstm_viz.cell import LSTM, LSTMTrace

FIELDS = ("x", "h_prev", "c_prev", "z", "i", "f", "g", "o", "c", "h")


def assert_traces_close(a: LSTMTrace, b: LSTMTrace, **kw):
    for name in FIELDS:
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), err_msg=name, **kw)


# The conversions below are written from the frameworks' documented layouts, not from the code.

X_IN, H_UNITS = 3, 4


def blocks(a, order, axis=0):
    """Reorder the four gate blocks of ``a`` along ``axis``: new block k is old block order[k]."""
    parts = np.split(a, 4, axis=axis)
    return np.concatenate([parts[k] for k in order], axis=axis)


@pytest.fixture
def torch_weights():
    """PyTorch layout, gates i, f, g, o: weight_ih (4H, X), weight_hh (4H, H), two biases."""
    rng = np.random.default_rng(42)
    H, X = H_UNITS, X_IN
    return {"weight_ih": rng.normal(size=(4 * H, X)), "weight_hh": rng.normal(size=(4 * H, H)),
            "bias_ih": rng.normal(size=4 * H), "bias_hh": rng.normal(size=4 * H)}


@pytest.fixture
def reference(torch_weights):
    w = torch_weights
    return LSTM(w["weight_ih"], w["weight_hh"], w["bias_ih"] + w["bias_hh"])


@pytest.fixture
def xs():
    return np.random.default_rng(7).normal(size=(6, 2, X_IN))


def assert_same_model(got: LSTM, want: LSTM, xs):
    np.testing.assert_allclose(got.W, want.W, rtol=1e-15)
    np.testing.assert_allclose(got.U, want.U, rtol=1e-15)
    np.testing.assert_allclose(got.b, want.b, rtol=1e-14, atol=1e-15)
    assert_traces_close(got.run(xs), want.run(xs), rtol=1e-10, atol=1e-12)


def test_from_torch(torch_weights, reference, xs):
    sd = {f"{k}_l0": v for k, v in torch_weights.items()}
    assert_same_model(LSTM.from_torch(sd), reference, xs)


class FakeTensor:
    """Quacks like a torch.Tensor as far as the importers need (detach, cpu, numpy)."""

    def __init__(self, a):
        self.a = np.asarray(a, np.float32)

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.a


def test_from_torch_accepts_tensors_and_keeps_float32(torch_weights, xs):
    sd = {f"{k}_l0": FakeTensor(v) for k, v in torch_weights.items()}
    got = LSTM.from_torch(sd)
    assert got.dtype == np.float32
    w = {k: v.astype(np.float32) for k, v in torch_weights.items()}
    want = LSTM(w["weight_ih"], w["weight_hh"], w["bias_ih"] + w["bias_hh"])
    assert_traces_close(got.run(xs), want.run(xs), rtol=1e-6, atol=1e-6)


def test_from_torch_without_bias(torch_weights, xs):
    sd = {"weight_ih_l0": torch_weights["weight_ih"], "weight_hh_l0": torch_weights["weight_hh"]}
    got = LSTM.from_torch(sd)
    np.testing.assert_array_equal(got.b, np.zeros(4 * H_UNITS))
    want = LSTM(torch_weights["weight_ih"], torch_weights["weight_hh"], np.zeros(4 * H_UNITS))
    assert_same_model(got, want, xs)


def test_from_torch_layer_and_reverse_direction(torch_weights, reference, xs):
    rng = np.random.default_rng(0)
    decoy = {k: rng.normal(size=v.shape) for k, v in torch_weights.items()}
    sd = {f"{k}_l0": v for k, v in decoy.items()}
    sd.update({f"{k}_l1_reverse": v for k, v in torch_weights.items()})
    sd.update({f"{k}_l1": v for k, v in decoy.items()})
    assert_same_model(LSTM.from_torch(sd, layer=1, reverse=True), reference, xs)
    assert not np.allclose(LSTM.from_torch(sd, layer=1).W, reference.W)


def test_from_torch_missing_keys(torch_weights):
    sd = {"weight_ih_l0": torch_weights["weight_ih"], "bias_ih_l0": torch_weights["bias_ih"]}
    with pytest.raises(ValueError, match="has no weight_hh_l0"):
        LSTM.from_torch(sd)
    with pytest.raises(ValueError, match="has no weight_ih_l3, weight_hh_l3"):
        LSTM.from_torch(sd, layer=3)
    with pytest.raises(ValueError, match="weight_ih_l0_reverse"):
        LSTM.from_torch({f"{k}_l0": v for k, v in torch_weights.items()}, reverse=True)


def test_from_torch_refuses_projection(torch_weights):
    sd = {f"{k}_l0": v for k, v in torch_weights.items()}
    sd["weight_hr_l0"] = np.zeros((2, H_UNITS))
    with pytest.raises(ValueError, match="projection"):
        LSTM.from_torch(sd)


def test_from_keras(torch_weights, reference, xs):
    w = torch_weights
    kernel, recurrent = w["weight_ih"].T, w["weight_hh"].T  # (X, 4H), (H, 4H), gates i f c o
    assert kernel.shape == (X_IN, 4 * H_UNITS) and recurrent.shape == (H_UNITS, 4 * H_UNITS)
    assert_same_model(LSTM.from_keras(kernel, recurrent, w["bias_ih"] + w["bias_hh"]),
                      reference, xs)


def test_from_keras_without_bias(torch_weights, xs):
    w = torch_weights
    got = LSTM.from_keras(w["weight_ih"].T, w["weight_hh"].T)
    assert_same_model(got, LSTM(w["weight_ih"], w["weight_hh"], np.zeros(4 * H_UNITS)), xs)


def tf1_layout(w, forget_bias):
    """TF1 LSTMCell: kernel (X+H, 4H) on concat([x, h]), gates i, j, f, o; f's bias stored
    without the forget_bias that TF1 adds at run time."""
    H = H_UNITS
    kernel = np.concatenate([w["weight_ih"].T, w["weight_hh"].T], axis=0)  # (X+H, 4H) i f g o
    kernel = blocks(kernel, [0, 2, 1, 3], axis=1)  # columns i, j(=g), f, o
    bias = blocks(w["bias_ih"] + w["bias_hh"], [0, 2, 1, 3])
    bias[2 * H:3 * H] -= forget_bias  # the f block
    return kernel, bias


@pytest.mark.parametrize("forget_bias", [1.0, 0.0, 2.5])
def test_from_tf1(torch_weights, reference, xs, forget_bias):
    kernel, bias = tf1_layout(torch_weights, forget_bias)
    assert kernel.shape == (X_IN + H_UNITS, 4 * H_UNITS)
    assert_same_model(LSTM.from_tf1(kernel, bias, forget_bias=forget_bias), reference, xs)


def test_from_tf1_default_forget_bias_is_one(torch_weights, reference, xs):
    kernel, bias = tf1_layout(torch_weights, 1.0)
    assert_same_model(LSTM.from_tf1(kernel, bias), reference, xs)


def test_from_tf1_bad_shapes():
    with pytest.raises(ValueError, match=r"TF1 kernel must have shape \(X\+H, 4H\)"):
        LSTM.from_tf1(np.zeros((1, 4)), np.zeros(4))  # H = 1 and X + H = 1 rows: X = 0
    with pytest.raises(ValueError, match=r"TF1 kernel must have shape \(X\+H, 4H\)"):
        LSTM.from_tf1(np.zeros((5, 6)), np.zeros(6))
    with pytest.raises(ValueError, match=r"bias must have shape \(4H,\) = \(8,\)"):
        LSTM.from_tf1(np.zeros((5, 8)), np.zeros(4))


def onnx_layout(w):
    """ONNX LSTM: W (1, 4H, X), R (1, 4H, H), B (1, 8H) = [Wb, Rb], gates i, o, f, c."""
    order = [0, 3, 1, 2]  # from i, f, g, o
    W = blocks(w["weight_ih"], order)[None]
    R = blocks(w["weight_hh"], order)[None]
    B = np.concatenate([blocks(w["bias_ih"], order), blocks(w["bias_hh"], order)])[None]
    return W, R, B


def test_from_onnx(torch_weights, reference, xs):
    W, R, B = onnx_layout(torch_weights)
    assert W.shape == (1, 4 * H_UNITS, X_IN) and B.shape == (1, 8 * H_UNITS)
    assert_same_model(LSTM.from_onnx(W, R, B), reference, xs)
    assert_same_model(LSTM.from_onnx(W[0], R[0], B[0]), reference, xs)  # no D axis


def test_from_onnx_second_direction(torch_weights, reference, xs):
    W, R, B = onnx_layout(torch_weights)
    rng = np.random.default_rng(3)
    W2 = np.concatenate([rng.normal(size=W.shape), W])  # (2, 4H, X): ours is direction 1
    R2 = np.concatenate([rng.normal(size=R.shape), R])
    B2 = np.concatenate([rng.normal(size=B.shape), B])
    assert_same_model(LSTM.from_onnx(W2, R2, B2, direction=1), reference, xs)
    assert not np.allclose(LSTM.from_onnx(W2, R2, B2, direction=0).W, reference.W)
    with pytest.raises(ValueError, match="direction 2 does not exist"):
        LSTM.from_onnx(W2, R2, B2, direction=2)


def test_from_onnx_without_bias(torch_weights, xs):
    w = dict(torch_weights, bias_ih=np.zeros(4 * H_UNITS), bias_hh=np.zeros(4 * H_UNITS))
    W, R, _ = onnx_layout(w)
    want = LSTM(w["weight_ih"], w["weight_hh"], np.zeros(4 * H_UNITS))
    assert_same_model(LSTM.from_onnx(W, R), want, xs)


def test_from_onnx_bad_shapes(torch_weights):
    W, R, B = onnx_layout(torch_weights)
    with pytest.raises(ValueError, match=r"B must have shape \(8H,\)"):
        LSTM.from_onnx(W, R, B[:, :4 * H_UNITS])
    with pytest.raises(ValueError, match=r"R must have shape \(4H, H\) = \(16, 4\)"):
        LSTM.from_onnx(W, R[:, :8], B)
    with pytest.raises(ValueError, match=r"W must have shape \(4H, X\)"):
        LSTM.from_onnx(W[:, :8], R, B)
    with pytest.raises(ValueError, match="ONNX W must have 3 axes"):
        LSTM.from_onnx(W[None], R, B)
    with pytest.raises(ValueError, match="ONNX B must have 2 axes"):
        LSTM.from_onnx(W, R, B[None])


def test_readers_return_the_package_layout(torch_weights):
    """Each reader gives (W (4H, X), U (4H, H), b (4H,)), gates i, f, g, o, without a layer."""
    w = torch_weights
    sd = {f"{k}_l0": v for k, v in w.items()}
    W, U, b = importers.read_torch(sd)
    np.testing.assert_array_equal(W, w["weight_ih"])
    np.testing.assert_array_equal(U, w["weight_hh"])
    np.testing.assert_allclose(b, w["bias_ih"] + w["bias_hh"], rtol=1e-15)
    for got in (importers.read_keras(w["weight_ih"].T, w["weight_hh"].T, b),
                importers.read_tf1(*tf1_layout(w, 1.0)),
                importers.read_onnx(*onnx_layout(w))):
        for a, want in zip(got, (W, U, b), strict=True):
            np.testing.assert_allclose(a, want, rtol=1e-14, atol=1e-15)


def test_doctests():
    assert doctest.testmod(importers).failed == 0
