"""The NumPy core against PyTorch: stored golden fixtures, and a live run when torch is there.

The fixtures in ``tests/golden/`` were written by ``tools/make_golden.py`` (which says how to
re-make them); reading them needs NumPy only. The live tests at the end import torch and are
skipped without it.
"""

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from lstm_viz import LSTM, Dense, StackedLSTM

GOLDEN = Path(__file__).parent / "golden"
TOL = {np.dtype(np.float64): dict(rtol=1e-10, atol=1e-12),
       np.dtype(np.float32): dict(rtol=1e-5, atol=1e-6)}
GATE_FIELDS = ("z", "i", "f", "g", "o", "c", "h")
ONE_LAYER = ["single_f64", "batch_f64", "batch_f32", "nobias_f64", "saturated_f64"]


def load(name):
    """Every array of ``tests/golden/{name}.npz``, by name."""
    with np.load(GOLDEN / f"{name}.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def torch_weights(arrays, prefix=""):
    """The state-dict entries (``weight_*``, ``bias*``) under ``prefix``, prefix removed."""
    n = len(prefix)
    return {k[n:]: v for k, v in arrays.items()
            if k.startswith(prefix) and k[n:].startswith(("weight", "bias"))}


def initial_state(arrays, layer):
    """(h0, c0) of one layer as the core takes them, or (None, None) for zeros."""
    if "h0" not in arrays:
        return None, None
    return arrays["h0"][layer], arrays["c0"][layer]


def assert_trace(trace, arrays, k, h0, c0):
    """Layer k's trace equals the fixture's gates, and its h_prev, c_prev line up."""
    tol = TOL[arrays["x"].dtype]
    for name in GATE_FIELDS:
        assert_allclose(getattr(trace, name), arrays[f"trace{k}.{name}"], **tol,
                        err_msg=f"layer {k}, {name}")
    zeros = np.zeros_like(trace.h[0])
    assert_array_equal(trace.h_prev[0], zeros if h0 is None else h0)
    assert_array_equal(trace.c_prev[0], zeros if c0 is None else c0)
    assert_array_equal(trace.h_prev[1:], trace.h[:-1])
    assert_array_equal(trace.c_prev[1:], trace.c[:-1])


# ---- one layer ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ONE_LAYER)
def test_layer_run_matches_torch(name):
    a = load(name)
    lstm = LSTM.from_torch(torch_weights(a))
    h0, c0 = initial_state(a, 0)
    trace = lstm.run(a["x"], h0, c0)
    tol = TOL[a["x"].dtype]
    assert trace.h.dtype == a["x"].dtype  # float32 weights compute in float32
    assert trace.h.shape == a["out"].shape
    assert_allclose(trace.h, a["out"], **tol)
    assert_allclose(trace.h[-1], a["h_n"][0], **tol)
    assert_allclose(trace.c[-1], a["c_n"][0], **tol)
    assert_trace(trace, a, 0, h0, c0)


@pytest.mark.parametrize("name", ONE_LAYER)
def test_layer_step_matches_torch(name):
    """``step`` (the equations as written) agrees with torch step by step, like ``run``."""
    a = load(name)
    lstm = LSTM.from_torch(torch_weights(a))
    h, c = initial_state(a, 0)
    shape = a["out"].shape[1:]
    h = np.zeros(shape, a["x"].dtype) if h is None else h
    c = np.zeros(shape, a["x"].dtype) if c is None else c
    tol = TOL[a["x"].dtype]
    for t, x_t in enumerate(a["x"]):
        s = lstm.step(x_t, h, c)
        for field in GATE_FIELDS:
            assert_allclose(getattr(s, field), a[f"trace0.{field}"][t], **tol,
                            err_msg=f"step {t}, {field}")
        h, c = s.h, s.c


def test_bias_false_fixture_has_no_bias():
    a = load("nobias_f64")
    assert not any(k.startswith("bias") for k in a)
    assert_array_equal(LSTM.from_torch(torch_weights(a)).b, 0.0)


def test_saturated_gates_stay_in_range():
    """|z| reaches ~1e3: the tanh-form sigmoid must give gates in [0, 1], hitting both ends."""
    a = load("saturated_f64")
    assert np.abs(a["trace0.z"]).max() > 900  # the fixture really saturates
    trace = LSTM.from_torch(torch_weights(a)).run(a["x"])
    gates = np.stack([trace.i, trace.f, trace.o])
    assert gates.min() >= 0.0 and gates.max() <= 1.0
    assert (gates == 0.0).any() and (gates == 1.0).any()
    assert np.abs(trace.g).max() <= 1.0


# ---- the fixtures catch the classic mistakes ------------------------------------------------


def _reorder(state, order):
    """Put the four H-row gate blocks of every tensor into ``order`` (a wrong importer)."""
    out = {}
    for k, v in state.items():
        blocks = np.split(v, 4, axis=0)
        out[k] = np.concatenate([blocks[j] for j in order], axis=0)
    return out


@pytest.mark.parametrize("order", [(1, 0, 2, 3), (0, 1, 3, 2), (0, 3, 1, 2), (0, 2, 1, 3)],
                         ids=["f-i-g-o", "i-f-o-g", "onnx-i-o-f-c", "tf1-i-j-f-o"])
def test_wrong_gate_order_is_caught(order):
    """Weights read in another framework's gate order give a different h: the check can fail."""
    a = load("batch_f64")
    h0, c0 = initial_state(a, 0)
    trace = LSTM.from_torch(_reorder(torch_weights(a), order)).run(a["x"], h0, c0)
    assert not np.allclose(trace.h, a["out"], **TOL[a["x"].dtype])


def test_dropping_one_bias_is_caught():
    """PyTorch has two bias vectors; using only one of them must not pass."""
    a = load("batch_f64")
    state = {k: v for k, v in torch_weights(a).items() if k != "bias_hh_l0"}
    h0, c0 = initial_state(a, 0)
    trace = LSTM.from_torch(state).run(a["x"], h0, c0)
    assert not np.allclose(trace.h, a["out"], **TOL[a["x"].dtype])


# ---- stacks ------------------------------------------------------------------------------


def test_torch_three_layer_stack():
    a = load("stack3_f64")
    stack = StackedLSTM.from_torch(torch_weights(a))
    assert stack.units == (7, 7, 7)
    states = [initial_state(a, k) for k in range(3)]
    trace = stack.run(a["x"], states)
    tol = TOL[a["x"].dtype]
    assert_allclose(trace.top.h, a["out"], **tol)
    for k, (layer, (h0, c0)) in enumerate(zip(trace.layers, states, strict=True)):
        assert_allclose(layer.h[-1], a["h_n"][k], **tol)
        assert_allclose(layer.c[-1], a["c_n"][k], **tol)
        assert_trace(layer, a, k, h0, c0)
    assert trace.y is None


def test_stack_of_torch_modules_with_linear_head():
    a = load("stack_modules_f64")
    layers = tuple(LSTM.from_torch(torch_weights(a, f"lstm{k}.")) for k in range(3))
    stack = StackedLSTM(layers, Dense(a["head.weight"], a["head.bias"]))
    assert (stack.input_size, stack.units) == (5, (8, 6, 3))
    trace = stack.run(a["x"])
    tol = TOL[a["x"].dtype]
    for k, layer in enumerate(trace.layers):
        assert_allclose(layer.h[-1], a[f"lstm{k}.h_n"][0], **tol)
        assert_allclose(layer.c[-1], a[f"lstm{k}.c_n"][0], **tol)
        assert_trace(layer, a, k, None, None)
    assert_allclose(trace.top.h, a["out"], **tol)
    assert trace.y.shape == a["y"].shape == (9, 1)
    assert_allclose(trace.y, a["y"], **tol)


def test_fixtures_are_small_and_say_their_torch():
    files = sorted(GOLDEN.glob("*.npz"))
    assert {f.stem for f in files} >= set(ONE_LAYER) | {"stack3_f64", "stack_modules_f64"}
    assert sum(f.stat().st_size for f in files) < 300_000
    for f in files:
        version = load(f.stem)["torch_version"]
        assert version.dtype.kind == "U" and str(version)[0].isdigit()


# ---- live: the same weights through torch now (skipped without torch) -----------------------


def _torch_gates(torch, state, layer, x, h, c):
    """z, i, f, g, o, c, h of one nn.LSTM layer over time, from separate torch ops."""
    W, U = state[f"weight_ih_l{layer}"], state[f"weight_hh_l{layer}"]
    b = state.get(f"bias_ih_l{layer}", 0) + state.get(f"bias_hh_l{layer}", 0)
    rec = {k: [] for k in GATE_FIELDS}
    for x_t in x:
        z = x_t @ W.T + b + h @ U.T
        z_i, z_f, z_g, z_o = z.chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.tanh(z_g), torch.sigmoid(z_o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        for k, v in zip(GATE_FIELDS, (z, i, f, g, o, c, h), strict=True):
            rec[k].append(v)
    return {k: torch.stack(v).numpy() for k, v in rec.items()}


def _live_shape(seed):
    """A random (T, B, X, H, layers, bias) for one live case; B = 0 means one sequence."""
    rng = np.random.default_rng(seed)
    T, X, H = (int(n) for n in rng.integers(1, [25, 12, 20]))
    B = 0 if seed % 2 == 0 else int(rng.integers(1, 5))
    return T, B, X, H, 1 + seed % 3, seed % 4 != 0


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("seed", range(6))
def test_live_nn_lstm(seed, dtype):
    torch = pytest.importorskip("torch")
    T, B, X, H, L, bias = _live_shape(seed)
    torch.manual_seed(seed)
    tdtype = getattr(torch, dtype)
    module = torch.nn.LSTM(X, H, num_layers=L, bias=bias).to(tdtype)
    batch = (B,) if B else ()
    x = torch.randn(T, *batch, X, dtype=tdtype)
    h0, c0 = torch.randn(2, L, *batch, H, dtype=tdtype)
    with torch.no_grad():
        out, (h_n, c_n) = module(x, (h0, c0))
        state = dict(module.state_dict())
        stack = StackedLSTM.from_torch(state)  # tensors go in as they are
        trace = stack.run(x.numpy(), [(h0[k].numpy(), c0[k].numpy()) for k in range(L)])
        tol = TOL[np.dtype(dtype)]
        assert_allclose(trace.top.h, out.numpy(), **tol)
        layer_in = x
        for k, layer in enumerate(trace.layers):
            assert layer.h.dtype == np.dtype(dtype)
            assert_allclose(layer.h[-1], h_n[k].numpy(), **tol)
            assert_allclose(layer.c[-1], c_n[k].numpy(), **tol)
            ref = _torch_gates(torch, state, k, layer_in, h0[k], c0[k])
            for name in GATE_FIELDS:
                assert_allclose(getattr(layer, name), ref[name], **tol, err_msg=name)
            layer_in = torch.from_numpy(layer.h.copy())


@pytest.mark.parametrize("seed", range(3))
def test_live_modules_of_different_sizes_with_head(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(100 + seed)
    sizes = [int(n) for n in rng.integers(1, 40, size=int(rng.integers(2, 5)))]
    T, B = int(rng.integers(1, 30)), int(rng.integers(1, 4))
    torch.manual_seed(seed)
    modules = [torch.nn.LSTM(a, b).double() for a, b in pairwise(sizes)]
    head = torch.nn.Linear(sizes[-1], 2).double()
    x = torch.randn(T, B, sizes[0], dtype=torch.float64)
    with torch.no_grad():
        h = x
        for m in modules:
            h, _ = m(h)
        y = head(h)
    # the head goes in as a Linear state dict, which from_torch turns into a Dense
    top = StackedLSTM.from_torch(modules[-1].state_dict(), head=head.state_dict())
    stack = StackedLSTM(tuple(LSTM.from_torch(m.state_dict()) for m in modules), top.head)
    trace = stack.run(x.numpy())
    tol = TOL[np.dtype(np.float64)]
    assert_allclose(trace.top.h, h.numpy(), **tol)
    assert_allclose(trace.y, y.numpy(), **tol)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("T, B, X, H", [(200, 1, 5, 128), (60, 32, 64, 128)])
def test_live_benchmark_sizes(T, B, X, H, dtype):
    """The sizes benchmarks/core_vs_torch.py times, long enough for rounding to build up."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(T + B)
    tdtype = getattr(torch, dtype)
    module = torch.nn.LSTM(X, H).to(tdtype)
    x = torch.randn(T, B, X, dtype=tdtype)
    with torch.no_grad():
        out, (h_n, c_n) = module(x)
    trace = LSTM.from_torch(module.state_dict()).run(x.numpy())
    tol = TOL[np.dtype(dtype)]
    assert_allclose(trace.h, out.numpy(), **tol)
    assert_allclose(trace.c[-1], c_n[0].numpy(), **tol)
