"""How much work one view of a shared server may ask for, and the first non-finite step
of a trace.

A view runs every layer of a stack over every step: its work is steps × units summed over
the layers (unit-steps), and the memory its trace takes grows with it (about 90 bytes a
unit-step: i, f, g, o, c, h, their previous values and the pre-activations, in float64).
``MAX_WORK`` keeps one view under about 25 MB and half a second of one core.

>>> check_work(500, (64,))
>>> max_steps((256,) * 8)
128
"""

from __future__ import annotations

import numpy as np

from lstm_viz.inputs import InputError

__all__ = ["MAX_WORK", "TRACE_ARRAYS", "check_work", "first_nonfinite", "max_steps"]

MAX_WORK = 1 << 18  # unit-steps per view: 262,144 (500 steps × 512 units, 128 × 8 × 256)


def max_steps(units) -> int:
    """The most steps a view of layers of ``units`` may have."""
    return MAX_WORK // max(1, sum(units))


def check_work(steps: int, units) -> None:
    """Raise InputError ("err.work") when ``steps`` × sum(``units``) is over MAX_WORK; the
    message says the limit and the most steps these units allow."""
    total = sum(units)
    if steps * total > MAX_WORK:
        raise InputError("err.work", steps=steps, units=total, work=f"{steps * total:,}",
                         limit=f"{MAX_WORK:,}", max_steps=max_steps(units))


TRACE_ARRAYS = ("z", "i", "f", "g", "o", "c", "h")  # what a trace computes at each step


def first_nonfinite(arrays) -> tuple[str, int, int] | None:
    """The first (name, step, column), 0-based, where an array of ``arrays`` (a mapping of
    names to arrays of shape (T, ·)) is NaN or infinite, earliest step first; None when
    every value is finite.

    >>> import numpy as np
    >>> first_nonfinite({"h": np.array([[0.0, 1.0], [np.inf, 0.0]])})
    ('h', 1, 0)
    """
    found = None
    for name, array in arrays.items():
        a = np.asarray(array)
        bad = ~np.isfinite(a.reshape(a.shape[0], -1))  # (T, ·)
        if bad.any():
            step, column = (int(k) for k in np.argwhere(bad)[0])
            if found is None or step < found[1]:
                found = (name, step, column)
    return found
