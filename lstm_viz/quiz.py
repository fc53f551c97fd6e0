"""Checks for the end of each lesson part: fresh numbers from a seed, answers computed here.

A check is drawn from a seed, so the same seed (e.g. one in a link) always gives the same
question, and its answer is computed when asked for, never stored: parameter counts by
:func:`lstm_viz.params.count_params`, shapes from the layer's own tensors, the gate of a
demo model from running it. A seed from a link is read strictly (:func:`read_seed`).

>>> q = count_check(7)
>>> q.answer == count_params(q.x, q.h, convention=q.convention).total
True
>>> [CountCheck(10, 20, convention).answer for convention in CONVENTIONS]
[2400, 2480, 2560]
>>> ShapeCheck(10, 20, "W").answer, ShapeCheck(10, 20, "U").answer   # x·W: W is (X, H)
((10, 20), (20, 20))
>>> read_seed("2480"), read_seed("2.5e3"), read_seed("0")
(2480, None, None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from lstm_viz.demos import Demo
from lstm_viz.params import CONVENTIONS, count_params

__all__ = ["MAX_ANSWER", "SEEDS", "CountCheck", "GateCheck", "ShapeCheck", "StackCheck",
           "count_check", "gate_check", "read_seed", "shape_check", "stack_check"]

SEEDS = range(1, 1_000_000)  # the seeds a link may carry
MAX_ANSWER = 10**12          # no check's answer comes near this: the answer boxes' maximum
CLEAR = 0.15                 # a gate question asks where f is at least this far from 0.5


@dataclass(frozen=True)
class CountCheck:
    """How many parameters has one LSTM layer of input size ``x`` and ``h`` units?"""

    x: int
    h: int
    convention: str

    @property
    def weights(self) -> int:
        """4·H·(H + X): W and U of the four layers (three gates and the candidate)."""
        return count_params(self.x, self.h, convention="article").total

    @property
    def answer(self) -> int:
        return count_params(self.x, self.h, convention=self.convention).total


@dataclass(frozen=True)
class ShapeCheck:
    """The shape of one gate's ``matrix`` ("W" or "U") when the input is a row (xₜ·W)."""

    x: int
    h: int
    matrix: str

    @property
    def answer(self) -> tuple[int, int]:
        """The article's tensors are stored for z = W·x (W_f is (H, X)); xₜ·W uses their
        transposes."""
        shapes = dict(count_params(self.x, self.h, convention="article").layers[0].shapes)
        rows, cols = shapes[f"{self.matrix}_f"]
        return cols, rows


@dataclass(frozen=True)
class StackCheck:
    """A two-layer stack: X = ``x`` inputs, then layers of ``a`` and ``b`` units."""

    x: int
    a: int
    b: int

    @property
    def input_size(self) -> int:
        """What the second layer reads per step: the first layer's h."""
        return count_params(self.x, [self.a, self.b]).layers[1].input_size

    @property
    def answer(self) -> int:
        """The second layer's parameters, counted as Keras does."""
        return count_params(self.x, [self.a, self.b], convention="keras").layers[1].total


@dataclass(frozen=True)
class GateCheck:
    """Is the gender unit's forget gate above or below 0.5 after reading ``tokens[step]``?

    ``tokens`` is the story up to and including ``step`` (0-based): what the model has
    read when the question is asked. ``forget`` is the gate's value there; ``kind`` says
    what happens at that step: "new" (the subject changes), "pronoun" (one is read) or
    "other".
    """

    demo: str
    tokens: tuple[str, ...]
    step: int
    unit: int
    forget: float
    kind: str

    @property
    def answer(self) -> str:
        return "above" if self.forget > 0.5 else "below"


def _rng(seed: int, part: int) -> np.random.Generator:
    return np.random.default_rng((int(seed), part))


def count_check(seed: int) -> CountCheck:
    """A parameter-count question: X in 2…40, H in 2…64, one of the three conventions."""
    rng = _rng(seed, 2)
    x, h = int(rng.integers(2, 41)), int(rng.integers(2, 65))
    return CountCheck(x, h, CONVENTIONS[int(rng.integers(len(CONVENTIONS)))])


def shape_check(seed: int) -> ShapeCheck:
    """A shape question on the same layer as :func:`count_check` of the same seed."""
    q = count_check(seed)
    return ShapeCheck(q.x, q.h, ("W", "U")[int(_rng(seed, 20).integers(2))])


def stack_check(seed: int) -> StackCheck:
    """A two-layer stack: X in 2…40, then 8…128 and 2…64 units."""
    rng = _rng(seed, 3)
    return StackCheck(int(rng.integers(2, 41)), int(rng.integers(8, 129)),
                      int(rng.integers(2, 65)))


def gate_check(demo: Demo, seed: int) -> GateCheck:
    """A "predict, then reveal" question on a pronoun demo (one with a ``gender`` unit).

    A fresh story is drawn from the demo's task and run through the model. The seed also
    picks the side (above or below), so that guessing one side is right only half the time.
    The question asks about a step on that side, clearly (by :data:`CLEAR`) away from 0.5,
    where the subject changes or a pronoun is read if there is one, else any such step;
    a story with no clear step on that side asks about its clearest step.
    """
    if "gender" not in demo.units:
        raise ValueError(f"demo {demo.name!r} has no gender unit; use a pronoun demo")
    rng, unit = _rng(seed, 1), demo.units["gender"]
    example = demo.task.sample(rng, 1)[0]
    f = demo.run(example.tokens).trace.layers[0].f[:, unit]            # (T,)
    new = np.array(example.annotations.new_subject, dtype=bool)         # (T,)
    new[:np.argmax(new) + 1] = False  # the first subject replaces none: not a change
    pronoun = np.isin(example.tokens, demo.task.candidates("pronoun"))  # (T,)
    side = (f - 0.5 >= CLEAR) if rng.integers(2) else (0.5 - f >= CLEAR)  # (T,)
    steps = np.flatnonzero(side & (new | pronoun))
    if steps.size == 0:
        steps = np.flatnonzero(side)
    step = int(rng.choice(steps)) if steps.size else int(np.argmax(np.abs(f - 0.5)))
    kind = "new" if new[step] else "pronoun" if pronoun[step] else "other"
    return GateCheck(demo.name, tuple(example.tokens[:step + 1]), step, unit,
                     float(f[step]), kind)


def read_seed(raw) -> int | None:
    """A seed from a link: a whole number in :data:`SEEDS`, else None."""
    value = _whole(str(raw)) if raw is not None else None
    return value if value is not None and value in SEEDS else None


def _whole(text: str) -> int | None:
    """Plain digits 0-9 as an int (no sign, no decimal point, at most 13 digits), else None."""
    return int(text) if re.fullmatch(r"[0-9]{1,13}", text) else None
