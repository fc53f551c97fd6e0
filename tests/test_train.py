"""Tests for lstm_viz/train.py: gradients (finite differences, PyTorch), Adam, clipping, training.

The fixtures ``tests/golden/grads_*.npz`` were written by ``tools/make_grad_golden.py``
(which says how to re-make them); reading them needs NumPy only. The live tests import
torch and are skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from lstm_viz.cell import LSTM
from lstm_viz.model import TokenModel
from lstm_viz.stack import Dense, StackedLSTM
from lstm_viz.train import (
    Adam,
    TrainResult,
    clip_by_global_norm,
    evaluate,
    global_norm,
    loss_and_grads,
    train,
)

GOLDEN = Path(__file__).parent / "golden"


def rel_error(a, b):
    """‖a − b‖ / (‖a‖ + ‖b‖): 0 when equal, 1 when unrelated, scale-free."""
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def random_batch(seed, V, K, T, B, mask_share=0.7):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, V, (T, B))
    targets = rng.integers(0, K, (T, B))
    mask = rng.random((T, B)) < mask_share
    mask[-1, 0] = True
    return ids, targets, mask


@pytest.fixture(scope="module")
def small():
    """The gradient check's model (V=5, E=3, units (4, 3), K=5) and a batch (T=6, B=2)."""
    model = TokenModel.random(list("abcde"), list("abcde"), embed_dim=3, units=(4, 3), seed=3)
    return model, random_batch(0, V=5, K=5, T=6, B=2)


# ---- gradients ---------------------------------------------------------------------------


def numeric_grad(model, name, batch, eps=1e-5):
    """Central finite differences of the loss for every entry of parameter ``name``."""
    params = model.params()
    p = params[name]
    out = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        losses = []
        for sign in (1, -1):
            q = p.copy()
            q[idx] += sign * eps
            losses.append(evaluate(model.with_params({**params, name: q}), *batch)[0])
        out[idx] = (losses[0] - losses[1]) / (2 * eps)
    return out


PARAM_NAMES = ["embedding", "l0.W", "l0.U", "l0.b", "l1.W", "l1.U", "l1.b", "head.W", "head.b"]


@pytest.mark.parametrize("name", PARAM_NAMES)
def test_gradients_match_finite_differences(small, name):
    model, batch = small
    _, grads = loss_and_grads(model, *batch)
    assert list(grads) == PARAM_NAMES == list(model.params())
    numeric = numeric_grad(model, name, batch)
    assert grads[name].shape == model.params()[name].shape
    assert np.linalg.norm(numeric) > 1e-6, "a zero gradient would check nothing"
    assert rel_error(grads[name], numeric) < 1e-6


def test_gradient_of_a_batch_is_the_mean_over_its_sequences(small):
    """With every step counted and equal lengths, the batch loss is the sequences' mean."""
    model, (ids, targets, _) = small
    loss, grads = loss_and_grads(model, ids, targets)
    singles = [loss_and_grads(model, ids[:, b], targets[:, b]) for b in range(ids.shape[1])]
    assert loss == pytest.approx(np.mean([s[0] for s in singles]), rel=1e-13)
    for name in grads:
        assert_allclose(grads[name], np.mean([s[1][name] for s in singles], axis=0),
                        rtol=1e-12, atol=1e-15, err_msg=name)


def test_masked_out_steps_do_not_count(small):
    model, (ids, targets, mask) = small
    loss, grads = loss_and_grads(model, ids, targets, mask)
    other = np.where(mask, targets, (targets + 1) % 5)  # change only ignored targets
    loss2, grads2 = loss_and_grads(model, ids, other, mask)
    assert loss2 == loss
    for name in grads:
        assert_array_equal(grads2[name], grads[name])
    loss_all, _ = loss_and_grads(model, ids, other)
    assert loss_all != pytest.approx(loss)


def test_loss_is_the_cross_entropy_of_model_run(small):
    """The training forward pass and TokenModel.run agree, step by step."""
    model, (ids, targets, _) = small
    run = model.run(ids[:, 1])
    want = -np.mean(np.log(run.probs[np.arange(len(ids)), targets[:, 1]]))
    loss, accuracy = evaluate(model, ids[:, 1], targets[:, 1])
    assert loss == pytest.approx(want, rel=1e-13)
    assert accuracy == np.mean(run.probs.argmax(axis=1) == targets[:, 1])


def golden(name):
    with np.load(GOLDEN / f"{name}.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def model_from_golden(g):
    n = 0
    while f"lstm{n}.weight_ih_l0" in g:
        n += 1
    layers = tuple(LSTM(g[f"lstm{k}.weight_ih_l0"], g[f"lstm{k}.weight_hh_l0"],
                        g[f"lstm{k}.bias_ih_l0"] + g[f"lstm{k}.bias_hh_l0"]) for k in range(n))
    head = Dense(g["head.weight"], g["head.bias"])
    V, K = len(g["embedding"]), len(g["head.bias"])
    return TokenModel([f"v{k}" for k in range(V)], g["embedding"], StackedLSTM(layers, head),
                      [f"k{k}" for k in range(K)]), n


@pytest.mark.parametrize("name", ["grads_lm", "grads_classes"])
def test_gradients_match_pytorch_golden(name):
    g = golden(name)
    model, n = model_from_golden(g)
    assert (g["targets"][~g["mask"]] == -1).all()  # ignored targets are not even valid ids
    loss, grads = loss_and_grads(model, g["ids"], g["targets"], g["mask"])
    tol = dict(rtol=1e-8, atol=1e-14)
    assert loss == pytest.approx(float(g["loss"]), rel=1e-12)
    assert_allclose(grads["embedding"], g["grad.embedding"], **tol)
    assert_allclose(grads["head.W"], g["grad.head.weight"], **tol)
    assert_allclose(grads["head.b"], g["grad.head.bias"], **tol)
    for k in range(n):
        assert_allclose(grads[f"l{k}.W"], g[f"grad.lstm{k}.weight_ih_l0"], **tol)
        assert_allclose(grads[f"l{k}.U"], g[f"grad.lstm{k}.weight_hh_l0"], **tol)
        assert_allclose(grads[f"l{k}.b"], g[f"grad.lstm{k}.bias_ih_l0"], **tol)
        assert_allclose(grads[f"l{k}.b"], g[f"grad.lstm{k}.bias_hh_l0"], **tol)


def to_torch(model, torch):
    """The model as torch modules: embedding, one nn.LSTM per layer, linear head."""
    emb = torch.nn.Embedding.from_pretrained(torch.tensor(model.embedding), freeze=False)
    lstms = []
    for layer in model.stack.layers:
        lstm = torch.nn.LSTM(layer.input_size, layer.hidden_size).double()
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(torch.tensor(layer.W))
            lstm.weight_hh_l0.copy_(torch.tensor(layer.U))
            lstm.bias_ih_l0.copy_(torch.tensor(layer.b))
            lstm.bias_hh_l0.zero_()
        lstms.append(lstm)
    head = torch.nn.Linear(*model.stack.head.W.shape[::-1]).double()
    with torch.no_grad():
        head.weight.copy_(torch.tensor(model.stack.head.W))
        head.bias.copy_(torch.tensor(model.stack.head.b))
    return emb, lstms, head


def test_gradients_match_pytorch_live():
    torch = pytest.importorskip("torch")
    vocab = [f"w{k}" for k in range(9)]
    model = TokenModel.random(vocab, list("abcdefg"), embed_dim=4, units=(6, 3, 5), seed=7)
    ids, targets, mask = random_batch(1, V=9, K=7, T=7, B=3)
    emb, lstms, head = to_torch(model, torch)
    h = emb(torch.tensor(ids))
    for lstm in lstms:
        h, _ = lstm(h)
    logits = head(h)
    m = torch.tensor(mask)
    want = torch.nn.functional.cross_entropy(logits[m], torch.tensor(targets)[m])
    want.backward()
    loss, grads = loss_and_grads(model, ids, targets, mask)
    tol = dict(rtol=1e-8, atol=1e-14)
    assert loss == pytest.approx(want.item(), rel=1e-12)
    assert_allclose(grads["embedding"], emb.weight.grad.numpy(), **tol)
    assert_allclose(grads["head.W"], head.weight.grad.numpy(), **tol)
    assert_allclose(grads["head.b"], head.bias.grad.numpy(), **tol)
    for k, lstm in enumerate(lstms):
        assert_allclose(grads[f"l{k}.W"], lstm.weight_ih_l0.grad.numpy(), **tol)
        assert_allclose(grads[f"l{k}.U"], lstm.weight_hh_l0.grad.numpy(), **tol)
        assert_allclose(grads[f"l{k}.b"], lstm.bias_ih_l0.grad.numpy(), **tol)


def test_float32_model_trains_in_float32(small):
    model, batch = small
    m32 = TokenModel.random(list("abcde"), list("abcde"), 3, (4, 3), seed=3, dtype=np.float32)
    loss, grads = loss_and_grads(m32, *batch)
    loss64, grads64 = loss_and_grads(model, *batch)
    assert all(g.dtype == np.float32 for g in grads.values())
    assert loss == pytest.approx(loss64, rel=1e-5)
    for name in grads:
        assert rel_error(grads[name], grads64[name]) < 1e-5, name


@pytest.mark.parametrize(("change", "match"), [
    (lambda i, t, m: (i + 5, t, m), "ids must lie in 0 … 4"),
    (lambda i, t, m: (i, t + 5, m), "targets must lie in 0 … 4"),
    (lambda i, t, m: (i, t[:-1], m), "targets must have the shape of ids"),
    (lambda i, t, m: (i, t, np.zeros_like(m)), "no step to learn from"),
    (lambda i, t, m: (i, t, m.astype(int)), "mask must be a bool array"),
    (lambda i, t, m: (i.astype(float), t, m), "ids must be whole numbers"),
    (lambda i, t, m: (i[None], t[None], m[None]), r"shape \(T, B\)"),
])
def test_bad_batches_are_refused(small, change, match):
    model, batch = small
    with pytest.raises(ValueError, match=match):
        loss_and_grads(model, *change(*batch))


# ---- Adam and clipping ---------------------------------------------------------------------


def test_adam_first_step_moves_each_weight_by_lr():
    """At t = 1, m̂/√v̂ = g/|g|: every weight moves by lr against its gradient's sign."""
    params = {"w": np.array([1.0, -2.0, 3.0])}
    grads = {"w": np.array([0.5, -7.0, 1e-3])}
    adam = Adam(lr=0.1)
    new = adam.step(params, grads)
    assert_allclose(new["w"], params["w"] - 0.1 * np.sign(grads["w"]), rtol=1e-6)
    assert_array_equal(params["w"], [1.0, -2.0, 3.0])  # not changed in place
    assert adam.t == 1 and set(adam.m) == {"w"}


def test_adam_matches_pytorch_live():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    params = {"a": rng.normal(size=(3, 2)), "b": rng.normal(size=4)}
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    opt = torch.optim.Adam(tp.values(), lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    adam = Adam(lr=0.05, betas=(0.8, 0.99), eps=1e-6)
    for _ in range(6):
        grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
        for k, p in tp.items():
            p.grad = torch.tensor(grads[k])
        opt.step()
        params = adam.step(params, grads)
    for k in params:
        assert_allclose(params[k], tp[k].detach().numpy(), rtol=1e-12, atol=1e-14)


def test_clipping_bounds_the_global_norm():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # global norm 5
    assert global_norm(grads) == 5.0
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert norm == 5.0
    assert global_norm(clipped) == pytest.approx(1.0, rel=1e-15)
    assert_allclose(clipped["a"], [0.6, 0.0])  # same direction
    assert_allclose(clipped["b"], [[0.8]])
    kept, _ = clip_by_global_norm(grads, 10.0)
    assert kept["a"] is grads["a"] and kept["b"] is grads["b"]  # inside the bound: untouched
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm(grads, 0.0)


def test_train_clips_the_gradients(small):
    """With a bound far below Adam's ε, the updates shrink to almost nothing."""
    model, batch = small

    def batches(rng):
        return batch

    free = train(model, batches, 3, clip=None)
    clipped = train(model, batches, 3, clip=1e-12)
    assert clipped.grad_norms[0] == free.grad_norms[0] > 1e-12  # norms before clipping
    start = model.params()
    moved = {k: np.abs(free.model.params()[k] - start[k]).max() for k in start}
    barely = {k: np.abs(clipped.model.params()[k] - start[k]).max() for k in start}
    for k in start:
        assert moved[k] > 1e-3, k
        assert barely[k] < 1e-5, k


# ---- training ------------------------------------------------------------------------------


def copy_first_batches(T=6, V=4, B=32):
    """A batch maker for "say the first token at the last step": ids (T, B), one target each."""
    def batches(rng, B=B):
        ids = rng.integers(0, V, (T, B))
        targets = np.zeros((T, B), dtype=int)
        targets[-1] = ids[0]
        mask = np.zeros((T, B), dtype=bool)
        mask[-1] = True
        return ids, targets, mask
    return batches


def copy_model(seed=0):
    return TokenModel.random(list("abcd"), list("abcd"), embed_dim=4, units=(8,), seed=seed)


def test_training_learns_to_remember_the_first_token():
    batches = copy_first_batches()
    result = train(copy_model(), batches, steps=300, seed=0)
    assert isinstance(result, TrainResult) and result.steps == 300 and not result.stopped
    assert result.losses.shape == result.accuracies.shape == (300,)
    assert result.losses[0] > 1.0  # chance is log 4 ≈ 1.39
    assert result.losses[-20:].mean() < 0.05
    held_out = batches(np.random.default_rng(12345), B=1000)
    loss, accuracy = evaluate(result.model, *held_out)
    assert accuracy >= 0.99 and loss < 0.05
    assert evaluate(copy_model(), *held_out)[1] < 0.5  # the untrained model could not
    assert result.seconds > 0


def test_training_is_deterministic_for_a_seed():
    batches = copy_first_batches()
    a = train(copy_model(), batches, steps=15, seed=4)
    b = train(copy_model(), batches, steps=15, seed=4)
    c = train(copy_model(), batches, steps=15, seed=5)
    assert_array_equal(a.losses, b.losses)
    for name, p in a.model.params().items():
        assert_array_equal(p, b.model.params()[name], err_msg=name)  # bit for bit
    assert any(not np.array_equal(p, c.model.params()[name])
               for name, p in a.model.params().items())


def test_should_stop_ends_the_run_and_on_step_reports_each_step():
    seen = []

    def on_step(step, loss, accuracy, model):
        seen.append((step, loss, accuracy, model))

    result = train(copy_model(), copy_first_batches(), steps=100, on_step=on_step,
                   should_stop=lambda: len(seen) >= 3)
    assert result.stopped and result.steps == 3 and len(result.losses) == 3
    assert [s[0] for s in seen] == [1, 2, 3]
    assert_array_equal([s[1] for s in seen], result.losses)
    assert_array_equal([s[2] for s in seen], result.accuracies)
    assert seen[-1][3] is result.model
    assert not np.array_equal(seen[0][3].embedding, copy_model().embedding)


def test_train_leaves_the_starting_model_alone():
    model = copy_model()
    before = {k: v.copy() for k, v in model.params().items()}
    result = train(model, copy_first_batches(), steps=3)
    for k, v in model.params().items():
        assert_array_equal(v, before[k])
    assert result.model is not model and result.model.vocab == model.vocab


def test_train_checks_steps():
    with pytest.raises(ValueError, match="steps"):
        train(copy_model(), copy_first_batches(), steps=-1)
    assert train(copy_model(), copy_first_batches(), steps=0).steps == 0


def test_docstring_examples_and_no_framework_at_run_time():
    import doctest
    import json
    import subprocess
    import sys

    import lstm_viz.train

    result = doctest.testmod(lstm_viz.train, verbose=False)
    assert result.attempted > 0 and result.failed == 0
    code = ("import json, sys, lstm_viz.train, lstm_viz.model; print(json.dumps(sorted("
            "m for m in sys.modules if m.split('.')[0] in ('torch', 'streamlit', 'plotly'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert json.loads(out.stdout) == []


def test_float32_training_follows_float64_training():
    """The app and the demos train in float32: over a real run its losses and weights stay
    within float32's rounding of the float64 run (which the gradient checks verify)."""
    batches = copy_first_batches()
    runs = [train(TokenModel.random(list("abcd"), list("abcd"), 4, (8,), seed=1, dtype=dt),
                  batches, steps=60, seed=2) for dt in (np.float64, np.float32)]
    r64, r32 = runs
    assert all(p.dtype == np.float32 for p in r32.model.params().values())  # no upcast
    assert_allclose(r32.losses, r64.losses, rtol=2e-4)
    for name, p in r64.model.params().items():
        assert rel_error(r32.model.params()[name], p) < 1e-4, name
