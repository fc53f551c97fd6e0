"""The weights every recurrent layer here has: W (n·H, X), U (n·H, H), b (n·H,).

n is the number of blocks stacked along the first axis: 4 for an LSTM (its gates
i, f, g, o), 1 for a plain tanh RNN. A layer class sets ``BLOCKS`` and inherits the
checks, the sizes and read-only copies of its arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lstm_viz._checks import (
    as_float_array,
    check_finite,
    check_shape,
    common_float_dtype,
    frozen,
)

__all__ = ["RecurrentWeights"]


@dataclass(frozen=True, eq=False)
class RecurrentWeights:
    """W (n·H, X), U (n·H, H), b (n·H,), n = ``BLOCKS``; float32 or float64, read-only."""

    BLOCKS: ClassVar[int] = 1

    W: np.ndarray
    U: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        for name, a in zip("WUb", _checked(self.W, self.U, self.b, self.BLOCKS), strict=True):
            object.__setattr__(self, name, a)

    @property
    def input_size(self) -> int:
        """X, the length of each input vector x_t."""
        return self.W.shape[1]

    @property
    def hidden_size(self) -> int:
        """H, the number of units (the length of h_t)."""
        return self.U.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.W.dtype


def _checked(W, U, b, blocks):
    """Checked copies of W, U, b in one float dtype, read-only; a ValueError names the
    shape expected."""
    n = "" if blocks == 1 else str(blocks)
    W = as_float_array(W, "W", ndim=2)
    rows, X = W.shape
    if rows % blocks or rows == 0 or X == 0:
        raise ValueError(f"W must have shape ({n}H, X) with H ≥ 1 and X ≥ 1; got {W.shape}")
    H = rows // blocks
    U = check_shape(as_float_array(U, "U", ndim=2), "U", (rows, H), f"({n}H, H)")
    b = check_shape(as_float_array(b, "b", ndim=1), "b", (rows,), f"({n}H,)")
    dtype = common_float_dtype(W, U, b)
    arrays = [np.array(a, dtype=dtype) for a in (W, U, b)]  # copies: the caller's stay theirs
    for name, a in zip("WUb", arrays, strict=True):
        check_finite(a, f"weight {name}")
    frozen(*arrays)
    return arrays
