"""The fast time loop behind :meth:`LSTM.run <lstm_viz.cell.LSTM.run>`.

It computes the numbers of :meth:`LSTM.step <lstm_viz.cell.LSTM.step>` (up to rounding:
``tests/test_cell.py`` holds the two together for every option of ``run``), arranged so
that NumPy does as little per step as it can:

- every gate is one tanh: σ(z) = ½ + ½·tanh(z/2), and multiplying the i, f, o rows of
  the weights by ½ is exact in binary floating point, so one tanh over all 4H
  (scaled) pre-activations gives tanh(z_g) and tanh(z/2) for the sigmoid gates at once;
  each gate is then scale·tanh(·) + shift;
- units run along the first axis and the batch along the last, so that every array a
  step touches is one contiguous block, (4H, B) or (H, B) (NumPy's fast path);
- step t keeps [c_{t-1}; i; f; g; o] in one block ``E[t]`` of shape (5H, B): then
  [c_{t-1}; i] ⊙ [f; g] gives f⊙c_{t-1} and i⊙g in one product;
- nine NumPy calls a step, outputs passed positionally, views made by ``zip``;
- one sequence (B = 1) runs on 1-D rows, where BLAS's vector-matrix product is fastest.

Gate surgery holds chosen gates at a value: scale = 0 and shift = the value there,
which gives exactly the value.
"""

from __future__ import annotations

import numpy as np

__all__ = ["run"]


def run(W, U, b, x, h0, c0, held=None) -> dict[str, np.ndarray]:
    """The time loop. Returns the trace's arrays by name, each (T, B, ·).

    Parameters
    ----------
    W, U, b : ndarray of shape (4H, X), (4H, H), (4H,)
        The weights, gate order i, f, g, o, all of one dtype.
    x : ndarray of shape (T, B, X)
    h0, c0 : ndarray of shape (B, H)
    held : (ndarray of bool, ndarray) each of shape (T, 4H), optional
        Gate surgery: where the first is True the gate is held at the second's value.

    Returns
    -------
    dict
        x, h_prev, c_prev, z (T, B, 4H), i, f, g, o, c, h (T, B, H): views of
        (T, ·, B) blocks, transposed.
    """
    T, B, X = x.shape
    H = U.shape[1]
    dtype = W.dtype
    s = _gate_scale(H, dtype)  # (4H, 1)
    single = B == 1  # one sequence: 1-D rows, and BLAS's vector-matrix product
    if single:
        Us = np.multiply(U.T, s.T, order="C")  # (H, 4H), pre-scaled: h (H,) · Us
        zs = np.dot(x.reshape(T, X), (W * s).T).reshape(T, 4 * H, 1)  # (T, 4H) is (T, 4H, 1)
    else:
        Us = U * s  # (4H, H), pre-scaled: Us · h (H, B)
        zs = np.matmul(W * s, x.transpose(0, 2, 1))  # (T, 4H, B)
    zs += b[:, None] * s  # scaled W·x_t + b of every step
    hT = np.empty((T + 1, H, B), dtype=dtype)  # hT[t] = h_{t-1} of step t
    hT[0] = h0.T
    E = np.empty((T + 1, 5 * H, B), dtype=dtype)  # E[t] = [c_{t-1}; i; f; g; o] of step t
    E[0, :H] = c0.T
    scale = np.repeat(s, B, axis=1)  # (4H, B)
    shift = 1 - scale  # gate = scale·tanh + shift: ½ + ½·tanh(z/2) = σ(z), or tanh(z)
    Uh = np.empty((4 * H, B), dtype=dtype)
    prod = np.empty((2 * H, B), dtype=dtype)  # [f⊙c_{t-1}; i⊙g]
    steps = (zs, E[:-1, H:], E[:-1, :2 * H], E[:-1, 2 * H:4 * H], E[:-1, 4 * H:], E[1:, :H],
             hT[1:])
    h_prev = hT[0]
    if single:  # drop the batch axis of length 1
        steps = tuple(v[..., 0] for v in steps)
        h_prev, scale, shift, Uh, prod = (a[:, 0] for a in (h_prev, scale, shift, Uh, prod))
    work = (Us, Uh, prod, prod[:H], prod[H:], single)
    if held is None:
        _loop(steps, h_prev, scale, shift, work)
    else:
        plan = _plan(*held, s[:, 0])
        for start, stop in _stretches(*plan):
            seg_scale, seg_shift = (np.repeat(a[start][:, None], B, axis=1) for a in plan)
            if single:
                seg_scale, seg_shift = seg_scale[:, 0], seg_shift[:, 0]  # (4H,)
            h_prev = _loop(tuple(v[start:stop] for v in steps), h_prev, seg_scale, seg_shift,
                           work)
    zs /= s  # z itself: undo the exact ½ scaling
    gates = E[:-1, H:].transpose(0, 2, 1)  # (T, B, 4H)
    h, c = hT.transpose(0, 2, 1), E[:, :H].transpose(0, 2, 1)  # (T+1, B, H)
    return dict(
        x=x, h_prev=h[:-1], c_prev=c[:-1], z=zs.transpose(0, 2, 1),
        i=gates[..., :H], f=gates[..., H:2 * H], g=gates[..., 2 * H:3 * H], o=gates[..., 3 * H:],
        c=c[1:], h=h[1:],
    )


def _gate_scale(H, dtype):
    """s of shape (4H, 1): ½ on the rows of i, f, o; 1 on the rows of g."""
    s = np.full((4 * H, 1), 0.5, dtype=dtype)
    s[2 * H:3 * H] = 1.0  # the candidate g uses tanh(z) itself
    return s


def _plan(held, value, s):
    """(scale, shift), each (T, 4H): s and 1 − s, or 0 and the held value where held."""
    scale = np.where(held, 0, s).astype(s.dtype)
    shift = np.where(held, value, 1 - s).astype(s.dtype)
    return scale, shift


def _loop(steps, h_prev, scale, shift, work):
    """The steps of :func:`run` (each array of ``steps`` holds one row per step); returns
    the last h_t. Gates are scale·tanh(scaled z) + shift, scale and shift (4H, B) or (4H,)."""
    Us, Uh, prod, fc, ig, single = work
    dot, add, mul, tanh = np.dot, np.add, np.multiply, np.tanh
    for z_t, gates_t, ci_t, fg_t, o_t, c_t, h_t in zip(*steps, strict=True):
        if single:
            dot(h_prev, Us, Uh)  # (4H,)
        else:
            dot(Us, h_prev, Uh)  # (4H, B)
        add(z_t, Uh, z_t)  # z, scaled
        tanh(z_t, gates_t)
        mul(gates_t, scale, gates_t)
        add(gates_t, shift, gates_t)  # i, f, g, o (a clamped gate: 0·tanh + value)
        mul(ci_t, fg_t, prod)  # [c_{t-1}⊙f; i⊙g]
        add(fc, ig, c_t)  # c_t
        tanh(c_t, h_t)
        mul(o_t, h_t, h_t)  # h_t
        h_prev = h_t
    return h_prev


def _stretches(scale, shift):
    """(start, stop) of the runs of consecutive steps whose scale and shift (T, 4H) agree."""
    changed = (scale[1:] != scale[:-1]).any(axis=1) | (shift[1:] != shift[:-1]).any(axis=1)
    cuts = [0, *(np.flatnonzero(changed) + 1).tolist(), scale.shape[0]]
    return list(zip(cuts[:-1], cuts[1:], strict=True))
