"""Training a :class:`TokenModel` in NumPy: backpropagation through time, Adam, clipping.

Notation
--------
T : time steps      B : batch size (sequences side by side; arrays are time-major (T, B, ·))
V : vocabulary      E : embedding size      H : units of a layer      K : output classes
N : number of counted (masked-in) steps in the batch

The loss is the softmax cross-entropy of the head's logits against the targets, averaged
over the N steps where ``mask`` is True:

    L = (1/N) Σ_{t,b: mask} −log softmax(logits_{t,b})[target_{t,b}]

Gradients come back as a dict with the names of :meth:`TokenModel.params`: ``embedding``
(V, E), ``l{k}.W`` (4H, X), ``l{k}.U`` (4H, H), ``l{k}.b`` (4H,) for each layer k,
``head.W`` (K, H_top), ``head.b`` (K,).

Examples
--------
>>> from lstm_viz.model import TokenModel
>>> model = TokenModel.random(list("abc"), list("abc"), embed_dim=2, units=(3,), seed=0)
>>> ids = np.array([[0, 1], [1, 2], [2, 0]])          # (T, B) = (3, 2)
>>> loss, grads = loss_and_grads(model, ids, targets=ids)
>>> grads["l0.U"].shape                              # (4H, H)
(12, 3)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lstm_viz.model import TokenModel

__all__ = [
    "Adam", "Grads", "RunSpec", "TrainResult", "clip_by_global_norm", "evaluate", "global_norm",
    "loss_and_grads", "train", "train_together",
]

Grads = dict[str, np.ndarray]
"""Gradients (or parameters) by the names of :meth:`TokenModel.params`."""


# ---- forward and backward ------------------------------------------------------------------


def loss_and_grads(model: TokenModel, ids, targets, mask=None) -> tuple[float, Grads]:
    """The mean cross-entropy of a batch and its gradient for every parameter.

    Parameters
    ----------
    model : TokenModel
    ids : int ndarray of shape (T, B)
        Input token ids, time-major (a single sequence (T,) is taken as B = 1).
    targets : int ndarray of shape (T, B)
        The class (label id) wanted at each step; ignored where ``mask`` is False.
    mask : bool ndarray of shape (T, B), optional
        Which steps count in the loss; all of them when left out.

    Returns
    -------
    loss : float
        L, the cross-entropy averaged over the N counted steps.
    grads : dict of str to ndarray
        ∂L/∂p for every parameter p, with the names and shapes of ``model.params()``.

    Notes
    -----
    Backpropagation through time. The head's gradient at each step is
    ``dlogits = (softmax(logits) − onehot(target)) · mask / N`` (T, B, K); it reaches the
    top layer as ``dh = dlogits · W_head``; each layer hands ``dx`` (its inputs' gradient)
    to the layer below, and the bottom layer's ``dx`` is added into the embedding rows of
    the tokens that were read.

    Equations (one layer, step t, from t = T down to 1; ⊙ is the elementwise product)
    ---------
        dh    = dh_t(from above or the head) + dh_next      gradient reaching h_t
        do    = dh ⊙ tanh(c_t)                              h_t = o ⊙ tanh(c_t)
        dc    = dc_next + dh ⊙ o ⊙ (1 − tanh²(c_t))
        di    = dc ⊙ g                                      c_t = f ⊙ c_{t−1} + i ⊙ g
        df    = dc ⊙ c_{t−1}
        dg    = dc ⊙ i
        dz    = [di ⊙ i(1−i), df ⊙ f(1−f), dg ⊙ (1−g²), do ⊙ o(1−o)]   (4H,), order i, f, g, o
        dc_next = dc_{t−1} = dc ⊙ f                         the cell state's path back
        dh_next = dh_{t−1} = Uᵀ·dz                          the hidden state's path back
        dx_t  = Wᵀ·dz                                       to the layer below
        dW    = Σ_t dz_t ⊗ x_t,   dU = Σ_t dz_t ⊗ h_{t−1},   db = Σ_t dz_t    (and over B)
    """
    ids, targets, mask = _check_batch(model, ids, targets, mask)
    flat = _Flat(model.params(), model.dtype)
    grads = flat.zeros()
    loss, _ = _forward_backward(flat.views, len(model.units), ids, targets, mask, _Scratch(),
                                grads=flat.views_of(grads))
    return loss, {name: g.copy() for name, g in flat.views_of(grads).items()}


def evaluate(model: TokenModel, ids, targets, mask=None) -> tuple[float, float]:
    """(loss, accuracy) of a batch, no gradients: accuracy is the share of counted steps
    whose largest logit is the target. Arguments as for :func:`loss_and_grads`."""
    ids, targets, mask = _check_batch(model, ids, targets, mask)
    return _forward_backward(model.params(), len(model.units), ids, targets, mask, _Scratch())


def _forward_backward(params, n_layers, ids, targets, mask, scratch, grads=None):
    """(loss, accuracy) of a checked batch; with ``grads`` (arrays by parameter name, the
    shapes of ``params``), ∂L/∂p is written into them. ``scratch`` lends the work arrays.

    Every layer's input and states run as (T, ·, B): units along the middle axis and the
    batch along the last, so that each step touches contiguous (·, B) blocks.
    """
    T, B = ids.shape
    emb = params["embedding"]
    x = scratch("x0", (T, emb.shape[1], B), emb.dtype)  # (T, E, B)
    np.copyto(x, emb[ids].transpose(0, 2, 1))
    runs = []
    for k in range(n_layers):
        runs.append(_layer_forward(params[f"l{k}.W"], params[f"l{k}.U"], params[f"l{k}.b"],
                                   x, scratch.prefixed(f"l{k}.")))
        x = runs[-1].h  # (T, H_l, B): the next layer's input
    loss, accuracy, dh = _head(params["head.W"], params["head.b"], x, targets, mask, scratch,
                               grads)
    if grads is None:
        return loss, accuracy
    for k in reversed(range(n_layers)):
        dz = _layer_dz(params[f"l{k}.U"], runs[k], dh, scratch.prefixed(f"l{k}."))
        dh = _layer_grads(params[f"l{k}.W"], dz, runs[k].x, runs[k].hs[:-1],
                          scratch.prefixed(f"l{k}."),
                          (grads[f"l{k}.W"], grads[f"l{k}.U"], grads[f"l{k}.b"]))
    _embedding_backward(ids, dh, grads["embedding"], scratch)
    return loss, accuracy


def _head(W, b, h, targets, mask, scratch, grads=None):
    """The dense head and the loss over the top layer's h (T, H, B): (loss, accuracy, dh),
    dh (T, H, B) the gradient reaching each h_t (None without ``grads``, into which
    ∂L/∂head.W and ∂L/∂head.b are written)."""
    T, H, B = h.shape
    K = W.shape[0]
    dtype = W.dtype
    h_top = scratch("h_top", (T * B, H), dtype)  # one row per (step, sequence)
    np.copyto(h_top.reshape(T, B, H), h.transpose(0, 2, 1))
    logits = np.matmul(h_top, W.T, out=scratch("logits", (T * B, K), dtype))
    logits += b  # (T·B, K)
    rows, cols = np.arange(T * B), targets.reshape(-1)
    n = np.count_nonzero(mask)  # N, the counted steps
    weight = (mask.reshape(-1) / n).astype(dtype)  # (T·B,): 1/N where counted, else 0
    logits -= logits.max(axis=1, keepdims=True)  # shifted, for a stable softmax
    accuracy = np.count_nonzero((logits.argmax(axis=1) == cols) & mask.reshape(-1)) / n
    picked = logits[rows, cols]  # (T·B,) the targets' shifted logits
    e = np.exp(logits, out=logits)  # in place: (T·B, K)
    total = e.sum(axis=1)  # (T·B,)
    loss = float(weight @ (np.log(total) - picked))  # mean of −log p[target]
    if grads is None:
        return loss, accuracy, None
    dlogits = e
    dlogits /= total[:, None]  # softmax
    dlogits[rows, cols] -= 1
    dlogits *= weight[:, None]  # ∂L/∂logits = (p − onehot(target)) · mask / N, (T·B, K)
    np.matmul(dlogits.T, h_top, out=grads["head.W"])  # (K, H_top)
    np.sum(dlogits, axis=0, out=grads["head.b"])  # (K,)
    dh_rows = np.matmul(dlogits, W, out=scratch("dh_rows", (T * B, H), dtype))
    dh = scratch("dh_top", (T, H, B), dtype)  # (T, H_top, B), contiguous: read step by step
    np.copyto(dh, dh_rows.reshape(T, B, H).transpose(0, 2, 1))
    return loss, accuracy, dh


def _embedding_backward(ids, dx, out, scratch):
    """∂L/∂embedding (V, E) into ``out``: row v is the sum of dx over the steps that read
    token v (a token read twice gets both). ids (T, B), dx (T, E, B).

    Summed as one sorted pass (``np.add.reduceat`` over the rows grouped by token),
    in a fixed order, many times faster than ``np.add.at``.
    """
    T, E, B = dx.shape
    order = np.argsort(ids.reshape(-1), kind="stable")  # (T·B,): rows grouped by token
    sorted_ids = ids.reshape(-1)[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])  # each group's first
    rows = scratch("dx_rows", (T, B, E), dx.dtype)
    np.copyto(rows, dx.transpose(0, 2, 1))  # (T, B, E): one row per token read
    out[...] = 0
    out[sorted_ids[starts]] = np.add.reduceat(rows.reshape(T * B, E)[order], starts, axis=0)


@dataclass(frozen=True)
class _LayerRun:
    """What one layer's forward pass keeps for the backward pass: views of two blocks,
    each (T, ·, B). ``states[t]`` is [c_{t−1}; i; f; g; o] of step t, (5H, B); ``hs[t]``
    is h_{t−1}, (H, B), for t = 0 … T (``hs[T]`` is h_T)."""

    x: np.ndarray       # (T, X, B), the layer's inputs
    states: np.ndarray  # (T + 1, 5H, B)
    hs: np.ndarray      # (T + 1, H, B)
    tanh_c: np.ndarray  # (T, H, B), tanh(c_t)
    spare: np.ndarray   # (T, 4H, B), the forward pass's z, free for the backward's dz

    @property
    def h(self) -> np.ndarray:  # (T, H, B), h_1 … h_T
        return self.hs[1:]


def _gate_scale(H, dtype):
    """s of shape (4H, 1): ½ on the rows of i, f, o, 1 on those of g. σ(z) = ½ + ½·tanh(z/2),
    and halving is exact in binary floating point: one tanh over s·z gives every gate."""
    s = np.full((4 * H, 1), 0.5, dtype=dtype)
    s[2 * H:3 * H] = 1.0
    return s


def _layer_forward(W, U, b, x, scratch) -> _LayerRun:
    """One layer over a batch: x (T, X, B) → a :class:`_LayerRun`; the equations are
    :class:`lstm_viz.cell.LSTM`'s, computed as its ``run`` computes them (nine NumPy calls a
    step, gates as scale·tanh(s·z) + shift), into arrays that ``scratch`` lends.

    Models trained together (:func:`train_together`) add a leading axis of M models to the
    weights, W (M, 4H, X), U (M, 4H, H), b (M, 4H), and after the time axis of every
    array, x (T, M, X, B): each model's numbers are computed by the same operations on its
    own block, so they are those of the model alone (``...`` indexing serves both).
    """
    T, *lead, X, B = x.shape
    H = U.shape[-1]
    dtype = W.dtype
    s = _gate_scale(H, dtype)  # (4H, 1)
    zs = np.matmul(W * s, x, out=scratch("zs", (T, *lead, 4 * H, B), dtype))  # scaled W·x_t
    zs += b[..., None] * s  # … + scaled b: (T, [M,] 4H, B)
    Us = U * s  # ([M,] 4H, H), pre-scaled
    hs = scratch("hs", (T + 1, *lead, H, B), dtype)
    hs[0] = 0  # h_0
    states = scratch("states", (T + 1, *lead, 5 * H, B), dtype)  # [c_{t-1}; i; f; g; o]
    states[0, ..., :H, :] = 0  # c_0
    scale = np.repeat(s, B, axis=1)  # (4H, B)
    shift = 1 - scale  # gate = scale·tanh + shift: ½ + ½·tanh(z/2) = σ(z), or tanh(z)
    Uh = scratch("Uh", (*lead, 4 * H, B), dtype)
    prod = scratch("prod", (*lead, 2 * H, B), dtype)  # [f⊙c_{t-1}; i⊙g]
    fc, ig = prod[..., :H, :], prod[..., H:, :]
    tanh_c = scratch("tanh_c", (T, *lead, H, B), dtype)
    dot = np.matmul if lead else np.dot  # one (4H, H)·(H, B) product per model
    add, mul, tanh = np.add, np.multiply, np.tanh
    h_prev = hs[0]
    for z_t, gates_t, ci_t, fg_t, o_t, c_t, tc_t, h_t in zip(
            zs, states[:-1, ..., H:, :], states[:-1, ..., :2 * H, :],
            states[:-1, ..., 2 * H:4 * H, :], states[:-1, ..., 4 * H:, :],
            states[1:, ..., :H, :], tanh_c, hs[1:], strict=True):
        dot(Us, h_prev, Uh)  # ([M,] 4H, B)
        add(z_t, Uh, z_t)  # z, scaled
        tanh(z_t, gates_t)
        mul(gates_t, scale, gates_t)
        add(gates_t, shift, gates_t)  # i, f, g, o
        mul(ci_t, fg_t, prod)  # [c_{t-1}⊙f; i⊙g]
        add(fc, ig, c_t)  # c_t
        tanh(c_t, tc_t)
        mul(o_t, tc_t, h_t)  # h_t = o ⊙ tanh(c_t)
        h_prev = h_t
    return _LayerRun(x, states, hs, tanh_c, zs)


def _layer_dz(U, run: _LayerRun, dh_out, scratch, starts=None):
    """BPTT through one layer (the equations are in :func:`loss_and_grads`): dz of every
    step, (T, [M,] 4H, B), gate order i, f, g, o, in the forward pass's z memory.

    U (4H, H) or (M, 4H, H); dh_out (T, [M,] H, B), the gradient reaching each h_t from
    above. ``starts`` (models together): {t: models whose last step is t}; their dc and
    dh_{t+1} are set to exactly 0 there, as for a model alone.
    """
    T, *lead, H5, B = run.states.shape
    T, H = T - 1, H5 // 5
    dtype = U.dtype
    st = run.states
    c_prev, i, f, g, o = (st[:-1, ..., k * H:(k + 1) * H, :] for k in range(5))  # (T, [M,] H, B)
    tanh_c = run.tanh_c
    # What does not depend on the gradient flowing back is computed for all steps at once,
    # in place to spare temporaries: each block reads as the comment beside it.
    dc_per_dh = np.multiply(tanh_c, tanh_c, out=scratch("dc_per_dh", tanh_c.shape, dtype))
    np.subtract(1, dc_per_dh, out=dc_per_dh)
    dc_per_dh *= o  # dc gets dh ⊙ o ⊙ (1 − tanh²c)
    dz_o_per_dh = np.subtract(1, o, out=scratch("dz_o_per_dh", tanh_c.shape, dtype))
    dz_o_per_dh *= o
    dz_o_per_dh *= tanh_c  # dz_o = dh ⊙ tanh(c_t) ⊙ o(1−o)
    dz_per_dc = scratch("dz_per_dc", (T, *lead, 3, H, B), dtype)  # dz of i, f, g: dc ⊙ this
    for k, (gate, other) in enumerate(((i, g), (f, c_prev))):
        block = np.subtract(1, gate, out=dz_per_dc[:, ..., k, :, :])
        block *= gate
        block *= other  # dz_i = dc ⊙ g ⊙ i(1−i);  dz_f = dc ⊙ c_{t−1} ⊙ f(1−f)
    block = np.multiply(g, g, out=dz_per_dc[:, ..., 2, :, :])
    np.subtract(1, block, out=block)
    block *= i  # dz_g = dc ⊙ i ⊙ (1−g²)
    dz_flat = run.spare  # (T, [M,] 4H, B): z's memory, no longer needed
    dz = dz_flat.reshape(T, *lead, 4, H, B)  # the same memory
    UT = np.ascontiguousarray(np.swapaxes(U, -1, -2))  # ([M,] H, 4H)
    dh, tmp = scratch("dh", (*lead, H, B), dtype), scratch("tmp", (*lead, H, B), dtype)
    dc, dh_next = scratch("dc", (*lead, H, B), dtype), scratch("dh_next", (*lead, H, B), dtype)
    dc[...] = 0  # dc_next: nothing flows back into c_T
    dh_next[...] = 0
    dc_3 = dc[..., None, :, :]  # ([M,] 1, H, B): dc for the three gates at once
    mul, add = np.multiply, np.add
    dot = np.matmul if lead else np.dot
    starts = starts or {}
    for t in range(T - 1, -1, -1):
        for m in starts.get(t, ()):  # model m's last step: it starts from nothing, as alone
            dc[m] = 0
            dh_next[m] = 0
        add(dh_out[t], dh_next, dh)  # ([M,] H, B)
        mul(dh, dc_per_dh[t], tmp)
        add(dc, tmp, dc)  # dc = dc_next + dh ⊙ o ⊙ (1 − tanh²c)
        mul(dc_3, dz_per_dc[t], dz[t, ..., :3, :, :])  # dz_i, dz_f, dz_g: ([M,] 3, H, B)
        mul(dh, dz_o_per_dh[t], dz[t, ..., 3, :, :])  # dz_o: ([M,] H, B)
        mul(dc, f[t], dc)  # dc_{t−1} = dc ⊙ f
        dot(UT, dz_flat[t], dh_next)  # dh_{t−1} = Uᵀ·dz: (H, 4H)·(4H, B) per model
    return dz_flat


def _layer_grads(W, dz, x, h_prev, scratch, out):
    """One model's layer gradients from its dz (T, 4H, B), contiguous: dW = Σ dz_t·x_tᵀ,
    dU = Σ dz_t·h_{t−1}ᵀ, db = Σ dz_t (over steps and batch) into ``out``; returns
    dx = Wᵀ·dz (T, X, B), which lives in ``scratch``. x (T, X, B), h_prev (T, H, B)."""
    dW_out, dU_out, db_out = out
    T, H4, B = dz.shape
    X, H = x.shape[1], h_prev.shape[1]
    dtype = W.dtype
    dz_rows = scratch("dz_rows", (H4, T, B), dtype)
    np.copyto(dz_rows, dz.transpose(1, 0, 2))  # (4H, T·B), one GEMM each below
    dz_rows = dz_rows.reshape(H4, T * B)
    x_rows = scratch("x_rows", (T, B, X), dtype)
    np.copyto(x_rows, x.transpose(0, 2, 1))
    np.matmul(dz_rows, x_rows.reshape(T * B, X), out=dW_out)
    h_rows = scratch("h_rows", (T, B, H), dtype)
    np.copyto(h_rows, h_prev.transpose(0, 2, 1))
    np.matmul(dz_rows, h_rows.reshape(T * B, H), out=dU_out)
    np.sum(dz_rows, axis=1, out=db_out)
    return np.matmul(W.T, dz, out=scratch("dx", (T, X, B), dtype))  # (T, X, B)


class _Scratch:
    """Work arrays that one training run lends to each of its steps.

    A step needs a few MB of temporaries of the same shapes every time; asking for fresh
    ones each step makes the OS map new pages, which costs as much as the arithmetic
    (measured: about half the time of a step). ``scratch(name, shape, dtype)`` returns
    the array kept under ``name``, or a new one when the shape or dtype changed.
    """

    def __init__(self, arrays=None, prefix=""):
        self._arrays = {} if arrays is None else arrays
        self._prefix = prefix

    def __call__(self, name, shape, dtype):
        key = self._prefix + name
        a = self._arrays.get(key)
        if a is None or a.shape != shape or a.dtype != dtype:
            a = self._arrays[key] = np.empty(shape, dtype=dtype)
        return a

    def prefixed(self, prefix):
        """The same store, with names under ``prefix`` (one per layer)."""
        return _Scratch(self._arrays, self._prefix + prefix)


def _check_batch(model, ids, targets, mask):
    """ids, targets (T, B) intp and mask (T, B) bool, checked; masked-out targets set to 0."""
    ids, targets = np.asarray(ids), np.asarray(targets)
    if ids.ndim == 1 and targets.ndim == 1:  # one sequence: (T,) is (T, 1)
        ids, targets = ids[:, None], targets[:, None]
        mask = None if mask is None else np.asarray(mask)[:, None]
    for name, a in (("ids", ids), ("targets", targets)):
        if a.dtype.kind not in "iu":
            raise ValueError(f"{name} must be whole numbers (token ids); got dtype {a.dtype}")
    if ids.ndim != 2 or ids.size == 0:
        raise ValueError(f"ids must have shape (T, B) with T, B ≥ 1; got {ids.shape}")
    if targets.shape != ids.shape:
        raise ValueError(f"targets must have the shape of ids, {ids.shape}; got {targets.shape}")
    mask = np.ones(ids.shape, dtype=bool) if mask is None else np.asarray(mask)
    if mask.dtype != bool or mask.shape != ids.shape:
        raise ValueError(f"mask must be a bool array of shape {ids.shape}; "
                         f"got {mask.dtype} {mask.shape}")
    if not mask.any():
        raise ValueError("the mask leaves no step to learn from: set at least one to True")
    V, K = model.vocab_size, len(model.labels)
    if ids.min() < 0 or ids.max() >= V:
        raise ValueError(f"ids must lie in 0 … {V - 1}; got {ids.min()} … {ids.max()}")
    targets = np.where(mask, targets, 0).astype(np.intp)
    if targets.min() < 0 or targets.max() >= K:
        raise ValueError(f"targets must lie in 0 … {K - 1} where the mask is True; "
                         f"got {targets.min()} … {targets.max()}")
    return ids.astype(np.intp), targets, mask


# ---- optimisation --------------------------------------------------------------------------


def global_norm(grads: Mapping[str, np.ndarray]) -> float:
    """‖g‖ over every array together: √(Σ g²)."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


def clip_by_global_norm(grads: Mapping[str, np.ndarray], max_norm: float
                        ) -> tuple[Grads, float]:
    """Scale every gradient by one factor so that their global norm is at most ``max_norm``.

    Returns the (possibly scaled) gradients and the norm *before* clipping. Gradients
    already inside the bound are returned unchanged; the direction is always kept.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0; got {max_norm}")
    norm = global_norm(grads)
    if norm <= max_norm:
        return dict(grads), norm
    scale = max_norm / norm
    return {k: g * scale for k, g in grads.items()}, norm


class Adam:
    """Adam (Kingma & Ba, 2015), with PyTorch's arithmetic; state held here, in plain arrays.

    For each parameter p with gradient g, at step t = 1, 2, …:

        m ← β₁·m + (1 − β₁)·g            v ← β₂·v + (1 − β₂)·g²
        p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)

    ``t``, ``m`` and ``v`` (dicts of arrays by parameter name) are the whole state; one
    ``Adam`` belongs to one training run.
    """

    def __init__(self, lr: float = 1e-2, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        if not lr > 0 or not all(0 <= b < 1 for b in betas) or not eps > 0:
            raise ValueError(f"Adam needs lr > 0, 0 ≤ betas < 1 and eps > 0; "
                             f"got lr={lr}, betas={betas}, eps={eps}")
        self.lr, self.betas, self.eps = float(lr), tuple(betas), float(eps)
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]
             ) -> dict[str, np.ndarray]:
        """New parameters after one update (``params`` themselves are not changed)."""
        self.t += 1
        new = {}
        for name, p in params.items():
            if name not in self.m:
                self.m[name], self.v[name] = np.zeros_like(p), np.zeros_like(p)
            new[name] = np.array(p)
            self.update(new[name], grads[name], self.m[name], self.v[name],
                        np.empty_like(p), np.empty_like(p))
        return new

    def update(self, p, g, m, v, tmp, upd) -> None:
        """Step ``self.t`` of Adam in place on the arrays ``p`` (parameters), ``m`` and ``v``
        (its moments), for gradient ``g``; ``tmp`` and ``upd`` are work arrays of p's shape.
        The arithmetic, operation by operation, is the formula in the class docstring."""
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1 ** self.t)  # Python floats: the arrays keep their dtype
        root_c2 = float(np.sqrt(1 - b2 ** self.t))
        m *= b1
        m += np.multiply(g, 1 - b1, out=tmp)  # m ← β₁·m + (1 − β₁)·g
        v *= b2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v += tmp  # v ← β₂·v + (1 − β₂)·g²
        np.sqrt(v, out=tmp)
        tmp /= root_c2
        tmp += self.eps  # √v / √(1 − β₂ᵗ) + ε
        np.multiply(m, step_size, out=upd)
        upd /= tmp
        p -= upd


class _Flat:
    """Named arrays (a model's parameters) as views of one flat vector, so that an update,
    a norm or a clip is one NumPy call over all of them; gradients and Adam's moments are
    flat vectors of the same layout (:meth:`views_of` names their parts)."""

    def __init__(self, arrays: Mapping[str, np.ndarray], dtype):
        self.shapes = {name: a.shape for name, a in arrays.items()}
        self.data = np.empty(sum(a.size for a in arrays.values()), dtype=dtype)
        self.views = self.views_of(self.data)
        for name, a in arrays.items():
            self.views[name][...] = a

    def zeros(self) -> np.ndarray:
        return np.zeros_like(self.data)

    def views_of(self, data: np.ndarray) -> dict[str, np.ndarray]:
        out, start = {}, 0
        for name, shape in self.shapes.items():
            size = int(np.prod(shape))
            out[name] = data[start:start + size].reshape(shape)
            start += size
        return out

    def copies(self) -> dict[str, np.ndarray]:
        return {name: v.copy() for name, v in self.views.items()}


# ---- the training loop ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TrainResult:
    """What :func:`train` did.

    Attributes
    ----------
    model : TokenModel
        The trained model.
    losses, accuracies : ndarray of shape (steps,)
        Each step's batch loss and accuracy, measured before that step's update.
    grad_norms : ndarray of shape (steps,)
        The global gradient norm of each step, before clipping.
    steps : int
        Updates done (fewer than asked when ``should_stop`` stopped the run).
    seconds : float
        Wall-clock time of the run.
    stopped : bool
        True when ``should_stop`` ended the run early.
    """

    model: TokenModel
    losses: np.ndarray
    accuracies: np.ndarray
    grad_norms: np.ndarray
    steps: int
    seconds: float
    stopped: bool


Batches = Callable[[np.random.Generator], tuple[np.ndarray, np.ndarray, np.ndarray | None]]


def train(model: TokenModel, batches: Batches, steps: int, lr: float = 1e-2,
          clip: float | None = 1.0, seed: int = 0,
          on_step: Callable[[int, float, float, TokenModel], object] | None = None,
          should_stop: Callable[[], bool] | None = None,
          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> TrainResult:
    """Train ``model`` with Adam on fresh batches; deterministic for a given ``seed``.

    Parameters
    ----------
    model : TokenModel
        The starting weights (not changed; the result holds a new model).
    batches : callable
        ``batches(rng)`` returns a fresh batch ``(ids, targets, mask)`` as taken by
        :func:`loss_and_grads` (mask may be None); ``rng`` is the run's
        ``np.random.Generator``, seeded with ``seed``, its only source of randomness.
    steps : int
        Number of updates.
    lr, betas, eps : float
        Adam's learning rate and constants.
    clip : float or None
        Largest global gradient norm (see :func:`clip_by_global_norm`); None: no clipping.
    on_step : callable, optional
        ``on_step(step, loss, accuracy, model)`` after every update; ``step`` counts from
        1, loss and accuracy are the batch's before the update, ``model`` the new weights.
    should_stop : callable, optional
        Asked before every step; returning True ends the run there.
    """
    run = _Run(model, batches, steps, lr, clip, seed, on_step, should_stop, betas, eps)
    scratch = _Scratch()  # work arrays reused by every step of this run
    while run.wants_step():
        ids, targets, mask = run.batch()
        loss, accuracy = _forward_backward(run.flat.views, run.n_layers, ids, targets, mask,
                                           scratch, run.grad_views)
        run.update(loss, accuracy)
    return run.result()



@dataclass(frozen=True)
class RunSpec:
    """One run of :func:`train_together`: the arguments :func:`train` takes."""

    model: TokenModel
    batches: Batches
    steps: int
    lr: float = 1e-2
    clip: float | None = 1.0
    seed: int = 0
    on_step: Callable[[int, float, float, TokenModel], object] | None = None
    should_stop: Callable[[], bool] | None = None
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    on_end: Callable[[TrainResult | ValueError], object] | None = None
    """Called once when the run leaves the group: with its result (steps done, or stopped),
    or with the ValueError of its divergence — then the others go on without it."""


def train_together(specs: Sequence[RunSpec],
                   more: Callable[[], Sequence[RunSpec]] | None = None,
                   width: int | None = None) -> list[TrainResult | ValueError]:
    """Train several models of one architecture as one computation; each result is bit for
    bit the :func:`train` of its spec alone.

    The models (same units, embedding size, vocabulary and labels sizes, dtype; batches of
    the same number of sequences) go through the forward and backward passes side by side,
    a leading axis of models on every array: one NumPy call a step does the work of all of
    them. Each keeps its own seed, learning rate, step count, ``on_step`` and
    ``should_stop``; a run that ends (its steps done, or stopped) leaves the group and the
    others go on. A batch shorter than the group's longest is padded at the end: the
    padded steps come after every real one (they change nothing before them), and the
    backward pass starts each model at its own last step. Raises ValueError when the
    architectures differ, or when a run without ``on_end`` diverges.

    ``more()``, when given, is asked before every step for runs that join the group there
    (a run's numbers depend on nothing but its own spec, so joining late changes nothing
    in it or in the others). The result lists every run, joined ones last, each a
    TrainResult or the ValueError that ended it (only runs with ``on_end`` end so).

    ``width``, when given, makes the group first come, first served: a step trains the
    first ``width`` runs, in the order they joined, that have taken a step, and every run
    that has not taken one yet (its first step at once, then it waits its turn); a run
    that waits is asked ``should_stop`` before every step as ever, and its numbers do not
    change while it waits, nor its ``seconds`` (they count its steps, not its wait). So a
    run is slowed by the runs after it only by their first steps, and how long it takes
    depends on the runs before it alone.
    """
    if width is not None and width < 1:
        raise ValueError(f"width must be at least 1; got {width}")
    runs: list[_Run] = []
    ends: dict[_Run, TrainResult | ValueError] = {}
    scratch = _Scratch()
    pending = list(specs)
    held: list[_Run] = []  # runs that waited their turn in the last group step
    began = time.perf_counter()
    while True:
        now = time.perf_counter()
        for r in held:
            r.start += now - began  # its time counts its steps, not its wait
        began = now
        runs += [_run_of(s) for s in pending]
        _check_same_shape(runs)
        active, held, begun = [], [], 0  # begun: runs with a step, wanting another, so far
        for r in runs:
            if r in ends:
                continue
            if r.wants_step():
                if width is None or not r.losses or begun < width:
                    active.append(r)
                else:
                    held.append(r)
                begun += bool(r.losses)
            else:  # its steps done, or stopped: it leaves the group
                ends[r] = r.result()
                if r.on_end is not None:
                    r.on_end(ends[r])
        pending = list(more()) if more is not None else []
        if not active:
            if pending:
                continue
            break
        batches = [r.batch() for r in active]
        if len({ids.shape[1] for ids, _, _ in batches}) > 1:
            raise ValueError("runs trained together need batches of the same number of "
                             "sequences")
        results = _forward_backward_together(active, batches, scratch)
        for r, (loss, accuracy) in zip(active, results, strict=True):
            try:
                r.update(loss, accuracy)
            except ValueError as err:  # diverged: it alone leaves the group
                if r.on_end is None:
                    raise
                ends[r] = err
                r.on_end(err)
    return [ends[r] for r in runs]


def _run_of(s: RunSpec) -> _Run:
    run = _Run(s.model, s.batches, s.steps, s.lr, s.clip, s.seed, s.on_step, s.should_stop,
               s.betas, s.eps)
    run.on_end = s.on_end
    return run


def _check_same_shape(runs) -> None:
    shapes = {(r.model.units, r.model.embed_dim, r.model.vocab_size, len(r.model.labels),
               r.model.dtype) for r in runs}
    if len(shapes) > 1:
        raise ValueError("models trained together must have the same units, embedding size, "
                         f"vocabulary and labels sizes and dtype; got {sorted(map(str, shapes))}")


def _forward_backward_together(runs, batches, scratch):
    """[(loss, accuracy)] of each run's checked batch, gradients into each run's
    ``grad_views``: :func:`_forward_backward` with a leading axis of M models."""
    M, n_layers = len(runs), runs[0].n_layers
    params = [r.flat.views for r in runs]
    Ts = [ids.shape[0] for ids, _, _ in batches]
    T, B = max(Ts), batches[0][0].shape[1]
    emb = params[0]["embedding"]
    x = scratch("x0", (T, M, emb.shape[1], B), emb.dtype)  # (T, M, E, B)
    x[...] = 0  # the padding after a shorter batch
    for m, (ids, _, _) in enumerate(batches):
        np.copyto(x[:Ts[m], m], params[m]["embedding"][ids].transpose(0, 2, 1))
    layers = []
    for k in range(n_layers):
        W, U, b = (np.stack([p[f"l{k}.{n}"] for p in params]) for n in "WUb")  # (M, 4H, ·)
        layers.append((W, U, _layer_forward(W, U, b, x, scratch.prefixed(f"l{k}."))))
        x = layers[-1][2].h  # (T, M, H_l, B)
    out, dh = [], np.zeros(x.shape, x.dtype)  # dh (T, M, H, B): 0 on the padding
    for m, (_, targets, mask) in enumerate(batches):
        loss, accuracy, dh_m = _head(params[m]["head.W"], params[m]["head.b"], x[:Ts[m], m],
                                     targets, mask, scratch, runs[m].grad_views)
        dh[:Ts[m], m] = dh_m
        out.append((loss, accuracy))
    starts = {}
    for m, t in enumerate(Ts):
        starts.setdefault(t - 1, []).append(m)
    for k in reversed(range(n_layers)):
        W, U, run = layers[k]
        dz = _layer_dz(U, run, dh, scratch.prefixed(f"l{k}."), starts)  # (T, M, 4H, B)
        dh = np.zeros(run.x.shape, run.x.dtype)  # (T, M, X, B), for the layer below
        for m in range(M):
            dz_m = scratch(f"dz{m}", (Ts[m], *dz.shape[2:]), dz.dtype)
            np.copyto(dz_m, dz[:Ts[m], m])  # contiguous, as the model alone has it
            g = runs[m].grad_views
            dh[:Ts[m], m] = _layer_grads(W[m], dz_m, run.x[:Ts[m], m], run.hs[:Ts[m], m],
                                         scratch.prefixed(f"l{k}."),
                                         (g[f"l{k}.W"], g[f"l{k}.U"], g[f"l{k}.b"]))
    for m, (ids, _, _) in enumerate(batches):
        _embedding_backward(ids, dh[:Ts[m], m], runs[m].grad_views["embedding"], scratch)
    return out

class _Run:
    """One training run's state: its weights (one flat vector), gradients, Adam's moments,
    random stream and record; :func:`train` and :func:`train_together` drive it."""

    def __init__(self, model, batches, steps, lr, clip, seed, on_step, should_stop, betas, eps):
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"steps must be a whole number ≥ 0; got {steps!r}")
        self.model, self.batches, self.steps, self.clip = model, batches, int(steps), clip
        self.on_step, self.should_stop = on_step, should_stop
        self.rng = np.random.default_rng(seed)
        self.adam = Adam(lr, betas, eps)
        self.flat = _Flat(model.params(), model.dtype)  # the weights, updated in place
        self.grads = self.flat.zeros()
        self.grad_views = self.flat.views_of(self.grads)
        self.work = [self.flat.zeros() for _ in range(4)]  # Adam's m, v and two work arrays
        self.n_layers = len(model.units)
        self.losses, self.accuracies, self.norms = [], [], []
        self.stopped = False
        self.start = time.perf_counter()
        self.seconds = 0.0

    def wants_step(self) -> bool:
        """True while steps remain and ``should_stop`` (asked before every step) says go on."""
        if len(self.losses) >= self.steps or self.stopped:
            return False
        if self.should_stop is not None and self.should_stop():
            self.stopped = True
            self.seconds = time.perf_counter() - self.start
            return False
        return True

    def batch(self):
        return _check_batch(self.model, *self.batches(self.rng))

    def update(self, loss: float, accuracy: float) -> None:
        """Clip the gradients, take Adam's step, record it (gradients already in place)."""
        step = len(self.losses) + 1
        grads = self.grads
        norm = float(np.sqrt(np.vdot(grads, grads)))  # before clipping
        if not (np.isfinite(loss) and np.isfinite(norm)):
            raise ValueError(f"training diverged at step {step} (loss {loss}); "
                             "lower the learning rate or clip the gradients")
        if self.clip is not None and norm > self.clip:
            grads *= self.clip / norm  # the same direction, norm ``clip``
        self.adam.t += 1
        self.adam.update(self.flat.data, grads, *self.work)
        self.losses.append(loss)
        self.accuracies.append(accuracy)
        self.norms.append(norm)
        self.seconds = time.perf_counter() - self.start
        if self.on_step is not None:
            self.model = self.model.with_params(self.flat.copies())
            self.on_step(step, loss, accuracy, self.model)

    def result(self) -> TrainResult:
        model = self.model
        if self.on_step is None or not self.losses:
            model = model.with_params(self.flat.copies())
        return TrainResult(model=model, losses=np.array(self.losses),
                           accuracies=np.array(self.accuracies),
                           grad_norms=np.array(self.norms), steps=len(self.losses),
                           seconds=self.seconds, stopped=self.stopped)
