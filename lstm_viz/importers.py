"""Weights from the frameworks people train in, put into this package's layout.

Each reader takes one framework's arrays and returns ``(W, U, b)``: W (4H, X),
U (4H, H), b (4H,), gate order **i, f, g, o** along the 4H axis (the order of
:mod:`lstm_viz.cell`). :meth:`LSTM.from_torch <lstm_viz.cell.LSTM.from_torch>` and its
siblings build a layer from them, which checks shapes and values.

=========  ==========================================  ===============  ==============
framework  arrays                                      gate order       biases
=========  ==========================================  ===============  ==============
PyTorch    weight_ih (4H, X), weight_hh (4H, H)        i, f, g, o       two, summed
Keras      kernel (X, 4H), recurrent_kernel (H, 4H)    i, f, c, o       one
TF1        kernel (X+H, 4H) applied to [x, h]          i, j, f, o       one + forget_bias
ONNX       W (D, 4H, X), R (D, 4H, H), B (D, 8H)       i, o, f, c       two, summed
=========  ==========================================  ===============  ==============

Values may be NumPy arrays, lists, or tensors (torch is never imported here).

>>> import numpy as np
>>> W, U, b = read_keras(np.zeros((3, 8)), np.zeros((2, 8)))   # X = 3, H = 2
>>> W.shape, U.shape, b.shape
((8, 3), (8, 2), (8,))
"""

from __future__ import annotations

import numpy as np

from lstm_viz._checks import as_numpy, check_shape

__all__ = ["read_keras", "read_onnx", "read_tf1", "read_torch"]


def read_torch(state_dict, layer: int = 0, reverse: bool = False):
    """Layer ``layer`` of a PyTorch ``nn.LSTM`` state dict (names to arrays).

    Uses ``weight_ih_l{layer}`` (4H, X), ``weight_hh_l{layer}`` (4H, H) and the
    two biases ``bias_ih_l{layer}``, ``bias_hh_l{layer}`` (4H,), which are summed
    (missing when the module had ``bias=False``: then b = 0). ``reverse`` reads the
    ``_reverse`` direction.
    """
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    keys = {k: f"{k}{suffix}" for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    missing = [keys[k] for k in ("weight_ih", "weight_hh") if keys[k] not in state_dict]
    if missing:
        raise ValueError(f"the PyTorch state dict has no {', '.join(missing)}")
    if f"weight_hr{suffix}" in state_dict:
        raise ValueError("LSTMs with a projection (proj_size > 0) are not supported")
    W = as_numpy(state_dict[keys["weight_ih"]])
    U = as_numpy(state_dict[keys["weight_hh"]])
    biases = [as_numpy(state_dict[keys[k]]) for k in ("bias_ih", "bias_hh")
              if keys[k] in state_dict]
    if biases:
        b = sum(biases)  # b = b_ih + b_hh
    else:  # bias=False
        b = np.zeros(np.shape(W)[0], dtype=np.result_type(W, np.float32))
    return W, U, b


def read_keras(kernel, recurrent_kernel, bias=None):
    """Keras ``LSTM`` weights: kernel (X, 4H), recurrent_kernel (H, 4H), bias (4H,).

    Keras uses the same gate order (i, f, c, o), so the matrices are only transposed.
    ``bias`` may be None for a layer built with ``use_bias=False``.
    """
    kernel, recurrent_kernel = as_numpy(kernel), as_numpy(recurrent_kernel)
    if bias is None:
        bias = np.zeros(np.shape(kernel)[-1], dtype=kernel.dtype)
    return kernel.T, recurrent_kernel.T, as_numpy(bias)


def read_tf1(kernel, bias, forget_bias: float = 1.0):
    """TF1 ``LSTMCell`` weights: kernel (X+H, 4H) applied to [x, h], bias (4H,).

    TF1 orders the gates i, j, f, o (j is the candidate) and adds the constant
    ``forget_bias`` to f at run time; here it is folded into b_f.
    """
    kernel, bias = as_numpy(kernel), as_numpy(bias)
    if kernel.ndim != 2 or kernel.shape[1] % 4 or kernel.shape[0] <= kernel.shape[1] // 4:
        raise ValueError(f"TF1 kernel must have shape (X+H, 4H) with X ≥ 1; got {kernel.shape}")
    H = kernel.shape[1] // 4
    X = kernel.shape[0] - H
    order = _blocks([0, 2, 1, 3], H)  # i, j, f, o  →  i, f, g(=j), o
    b = check_shape(bias, "bias", (4 * H,), "(4H,)")[order].astype(np.result_type(bias, 1.0))
    b[H:2 * H] += forget_bias
    return kernel[:X, order].T, kernel[X:, order].T, b


def read_onnx(W, R, B=None, direction: int = 0):
    """One direction of the ONNX ``LSTM`` operator (no peepholes).

    W (D, 4H, X), R (D, 4H, H), B (D, 8H) = [Wb, Rb]; the leading D axis may be
    left out. ONNX orders the gates i, o, f, c; the two biases are summed.
    """
    W, R = (_onnx_direction(as_numpy(a), name, direction) for a, name in ((W, "W"), (R, "R")))
    H = np.shape(R)[-1]
    order = _blocks([0, 2, 3, 1], H)  # i, o, f, c  →  i, f, g(=c), o
    if B is None:
        b = np.zeros(4 * H, dtype=W.dtype)
    else:
        B = _onnx_direction(as_numpy(B), "B", direction, ndim=2)  # B is (D, 8H)
        B = check_shape(B, "B", (8 * H,), "(8H,)")
        b = B[:4 * H] + B[4 * H:]
    check_shape(W, "W", (4 * H, W.shape[-1]), "(4H, X)")
    check_shape(R, "R", (4 * H, H), "(4H, H)")
    return W[order], R[order], b[order]


def _blocks(order, H):
    """Row indices that put four H-row gate blocks into ``order``."""
    return np.concatenate([np.arange(k * H, (k + 1) * H) for k in order])


def _onnx_direction(a, name, direction, ndim=3):
    """Direction ``direction`` of an ONNX array with ``ndim`` axes (D first), or ``a`` without D."""
    if a.ndim == ndim:
        if not 0 <= direction < a.shape[0]:
            raise ValueError(f"ONNX {name} has {a.shape[0]} direction(s); "
                             f"direction {direction} does not exist")
        return a[direction]
    if a.ndim == ndim - 1:
        return a
    raise ValueError(f"ONNX {name} must have {ndim} axes (directions first); got shape {a.shape}")
