"""The arithmetic of one step for one unit, with the real numbers of a run.

The numbers only: the sentences that tell them in words are the app's
(``text/explain.py``); :func:`level` is how they read a gate ("high", "mid", "low").

>>> from lstm_viz import LSTM
>>> lstm = LSTM.random(2, 3, seed=0)
>>> trace = lstm.run([[1.0, 0.0], [0.0, 1.0]])
>>> ex = explain_step(lstm, trace, step=1, unit=0)
>>> abs(ex.gate("f").value - trace.f[1, 0]) < 1e-12
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_viz.cell import GATES, LSTM, LSTMTrace
from lstm_viz.gates import QUANTITIES

__all__ = ["GateTerms", "StepExplanation", "explain_step", "fmt", "level"]

HIGH, LOW = 0.8, 0.2  # a gate above HIGH is "open", below LOW "shut"


def fmt(value: float, digits: int = 3, paren: bool = False) -> str:
    """A number as the learner reads it: fixed decimals, a real minus sign; negatives in
    parentheses when ``paren`` (inside a sum or product)."""
    text = f"{value:.{digits}f}"
    if text.startswith("-"):
        text = "−" + text[1:]
        if text.strip("−0.") == "":
            text = text[1:]  # −0.000 reads as 0.000
        elif paren:
            return f"({text})"
    return text


@dataclass(frozen=True)
class GateTerms:
    """z = W·x_t + U·h_{t-1} + b for one gate and one unit, and the activation of z."""

    gate: str
    wx: float
    uh: float
    b: float
    z: float
    value: float

    def formula(self, digits: int = 3) -> str:
        """E.g. ``f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(0.120 + (−0.300) + 0.050) = …``."""
        g, act, sym = self.gate, QUANTITIES[self.gate].activation, QUANTITIES[self.gate].symbol
        parts = " + ".join(fmt(v, digits, paren=True) for v in (self.wx, self.uh, self.b))
        return (f"{sym} = {act}(W_{g}·xₜ + U_{g}·hₜ₋₁ + b_{g}) = {act}({parts}) "
                f"= {act}({fmt(self.z, digits)}) = {fmt(self.value, digits)}")


@dataclass(frozen=True)
class StepExplanation:
    """Everything step ``step`` (0-based) did in unit ``unit``."""

    step: int
    unit: int
    gates: tuple[GateTerms, ...]  # in the order i, f, g, o
    c_prev: float
    c: float
    tanh_c: float
    h: float

    def gate(self, name: str) -> GateTerms:
        return self.gates[GATES.index(name)]

    def cell_formula(self, digits: int = 3) -> str:
        f, i, g = (self.gate(k).value for k in "fig")
        d = lambda v: fmt(v, digits, paren=True)  # noqa: E731
        return (f"Cₜ = f·Cₜ₋₁ + i·C̃ = {d(f)}·{d(self.c_prev)} + {d(i)}·{d(g)} "
                f"= {fmt(self.c, digits)}")

    def hidden_formula(self, digits: int = 3) -> str:
        o = self.gate("o").value
        d = lambda v: fmt(v, digits, paren=True)  # noqa: E731
        return (f"hₜ = o·tanh(Cₜ) = {d(o)}·tanh({fmt(self.c, digits)}) = {d(o)}·"
                f"{d(self.tanh_c)} = {fmt(self.h, digits)}")

    def formulas(self, digits: int = 3) -> list[str]:
        """The six lines of arithmetic, in the order the cell computes them."""
        gates = [self.gate(k).formula(digits) for k in ("f", "i", "g", "o")]
        return gates + [self.cell_formula(digits), self.hidden_formula(digits)]


def level(value: float) -> str:
    """How open a gate is: "high" from ``HIGH`` up, "low" up to ``LOW``, else "mid"."""
    return "high" if value >= HIGH else "low" if value <= LOW else "mid"


def explain_step(lstm: LSTM, trace: LSTMTrace, step: int, unit: int) -> StepExplanation:
    """Split each pre-activation of ``unit`` at ``step`` into its input, recurrent and
    bias parts. ``trace`` must be a single-sequence run of ``lstm`` (arrays (T, ·))."""
    if trace.batched:
        raise ValueError("explain one sequence at a time: use trace.sequence(b)")
    T, H = trace.steps, trace.hidden_size
    if not 0 <= step < T or not 0 <= unit < H:
        raise ValueError(f"step must be in 0…{T - 1} and unit in 0…{H - 1}; got {step}, {unit}")
    x, h_prev = trace.x[step], trace.h_prev[step]  # (X,), (H,)
    gates = []
    for k, name in enumerate(GATES):
        row = k * H + unit
        wx = float(np.dot(lstm.W[row], x))
        uh = float(np.dot(lstm.U[row], h_prev))
        value = float(getattr(trace, name)[step, unit])
        gates.append(GateTerms(name, wx, uh, float(lstm.b[row]), float(trace.z[step, row]), value))
    c = float(trace.c[step, unit])
    return StepExplanation(step, unit, tuple(gates), float(trace.c_prev[step, unit]), c,
                           float(np.tanh(c)), float(trace.h[step, unit]))
