"""The arithmetic of one step for one unit, with the real numbers of a run.

The numbers only: the sentences that tell them in words are the app's
(``text/explain.py``); :func:`level` is how they read a gate ("high", "mid", "low").

>>> from lstm_viz import LSTM
>>> lstm = LSTM.random(2, 3, seed=0)
>>> trace = lstm.run([[1.0, 0.0], [0.0, 1.0]])
>>> ex = explain_step(lstm, trace, step=1, unit=0)
>>> ex.gate("f").value == float(trace.f[1, 0])
True
>>> print(ex.formulas()[4])  # the cell line: the two products add up to Cₜ as shown
Cₜ = f·Cₜ₋₁ + i·C̃ₜ = 0.585·0.034 + 0.416·(−0.720) = 0.020 + (−0.300) = −0.280
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from lstm_viz.cell import GATES, LSTM, LSTMTrace
from lstm_viz.gates import DISPLAY, QUANTITIES

__all__ = ["DIGITS", "GATE_LINES", "LINES", "GateTerms", "StepExplanation", "carry",
           "explain_step", "fill", "fmt", "level"]

HIGH, LOW = 0.8, 0.2  # a gate above HIGH is "open", below LOW "shut"
DIGITS = 3  # decimals of every number in the arithmetic of a step


def fmt(value: float, digits: int = DIGITS, paren: bool = False) -> str:
    """A number as the learner reads it: fixed decimals, a real minus sign; negatives in
    parentheses when ``paren`` (inside a sum or product). inf and NaN read "inf", "−inf"
    and "nan" here; the arithmetic of a step refuses them (:attr:`StepExplanation.finite`).

    >>> fmt(-0.0004), fmt(-0.72, 2, paren=True), fmt(float("-inf"))
    ('0.000', '(−0.72)', '−inf')
    """
    if not math.isfinite(value):
        return f"{value}".replace("-", "−")
    return _show(_units(value, digits), digits, paren)


def _units(value: float, digits: int) -> int:
    """``value`` rounded to ``digits`` decimals, counted in units of the last digit
    (0.1234 → 123 at 3 digits): the rounding ``fmt`` shows, exact on the binary value."""
    if not math.isfinite(value):
        raise ValueError(f"not_finite: {value!r} cannot be shown as a number")
    return int(f"{value:.{digits}f}".replace(".", ""))


def _show(units: int, digits: int, paren: bool = False) -> str:
    """The text of ``units`` in the last of ``digits`` decimals: 123 → 0.123, −5 → −0.005."""
    whole, frac = divmod(abs(units), 10 ** digits)
    text = f"{whole}.{frac:0{digits}d}" if digits else str(whole)
    if units < 0:
        return f"(−{text})" if paren else f"−{text}"
    return text


def _recomputed(value, digits: int) -> int:
    """What a learner's calculator gives for ``value`` (a Decimal or a float) rounded to
    ``digits`` decimals, halves away from zero, in units of the last digit."""
    exact = Decimal(value).scaleb(digits)  # Decimal(float) is the float's exact value
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _exact(units: int, digits: int) -> Decimal:
    """A shown number as the exact decimal the learner reads."""
    return Decimal(units).scaleb(-digits)


def _activation(name: str, units: int, digits: int) -> int:
    """σ or tanh of a shown argument, rounded to the shown digits (units of the last digit)."""
    z = units / 10 ** digits
    value = math.tanh(z) if name == "tanh" else 0.5 * (1.0 + math.tanh(0.5 * z))  # σ, stable
    return _recomputed(value, digits)


def _product(a: int, b: int, digits: int) -> int:
    """a·b of two shown numbers, rounded to the shown digits (units of the last digit)."""
    return _recomputed(_exact(a, digits) * _exact(b, digits), digits)


def carry(parts, total: int, digits: int = DIGITS) -> list[int]:
    """Round ``parts`` to ``digits`` decimals so that they add up to ``total`` exactly
    (units of the last digit): each part is rounded to the nearest, then the units still
    missing go, one each, to the parts whose rounding moved them furthest the other way
    (the largest-remainder rule). A part then differs from its exact value by less than
    one unit of the last digit.

    >>> carry([0.1564, 0.0003, 0.0362], 193)  # nearest: 0.156 + 0.000 + 0.036 = 0.192
    [157, 0, 36]
    """
    for p in parts:
        _units(p, digits)  # refuses inf and NaN
    scaled = [Decimal(p).scaleb(digits) for p in parts]  # exact
    shown = [_recomputed(p, digits) for p in parts]
    # gap = base·n + extra with 0 ≤ extra < n: every part moves by base (−1 when one unit
    # is too many), then the extra units go, one each, to the parts furthest below their
    # exact value. |gap| > n only for totals far off their parts (float noise of huge values).
    base, extra = divmod(total - sum(shown), len(shown))
    shown = [s + base for s in shown]
    for _ in range(extra):
        k = max(range(len(shown)), key=lambda k: scaled[k] - shown[k])
        shown[k] += 1
    return shown


def _rel(holds: bool) -> str:
    """"=" where recomputing from the shown numbers gives the shown result, else "≈"."""
    return "=" if holds else "≈"


# The six lines of a step's arithmetic, in the order the cell computes them (the four
# layers in display order, GATE_LINES: gate → its line; then Cₜ and hₜ), as templates:
# ``{k}`` is the k-th number of the line as shown, ``{k:p}`` the same in parentheses when
# negative, ``{k:r}`` "=" when the k-th number is 1 and "≈" when 0 (see :func:`fill`).
# Python fills them here; the gates page's browser fills the same templates with the same
# numbers (ui/arith.py).
GATE_LINES = {k: n for n, k in enumerate(q for q in DISPLAY if QUANTITIES[q].is_layer)}


def _gate_line(g: str) -> str:
    """The template of gate ``g``'s line: its pre-activation's parts, then σ or tanh."""
    sym, act = QUANTITIES[g].symbol, QUANTITIES[g].activation
    return (f"{sym} = {act}(W_{g}·xₜ + U_{g}·hₜ₋₁ + b_{g}) = {act}({{0:p}} + {{1:p}} + {{2:p}}) "
            f"= {act}({{3}}) {{4:r}} {{5}}")


LINES: tuple[str, ...] = (
    *(_gate_line(g) for g in GATE_LINES),
    "Cₜ = f·Cₜ₋₁ + i·C̃ₜ = {0:p}·{1:p} + {2:p}·{3:p} {4:r} {5:p} + {6:p} = {7}",
    "hₜ = o·tanh(Cₜ) = {0:p}·tanh({1}) {2:r} {0:p}·{3:p} {4:r} {5}",
)


class _Number:
    """One number of a line, in units of the last of ``digits`` decimals, formatted by the
    templates' specs: "" as is, "p" in parentheses when negative, "r" as "=" or "≈"."""

    def __init__(self, units: int, digits: int):
        self.units, self.digits = units, digits

    def __format__(self, spec: str) -> str:
        if spec == "r":
            return _rel(bool(self.units))
        return _show(self.units, self.digits, paren=spec == "p")


def fill(template: str, numbers, digits: int = DIGITS) -> str:
    """A line of :data:`LINES` with its numbers (integers: units of the last digit, or 1 and
    0 for "=" and "≈").

    >>> fill(LINES[-1], [500, -280, 1, -273, 0, -137])
    'hₜ = o·tanh(Cₜ) = 0.500·tanh(−0.280) = 0.500·(−0.273) ≈ −0.137'
    """
    return template.format(*(_Number(int(n), digits) for n in numbers))


@dataclass(frozen=True)
class GateTerms:
    """z = W·x_t + U·h_{t-1} + b for one gate and one unit, and the activation of z."""

    gate: str
    wx: float
    uh: float
    b: float
    z: float
    value: float

    def formula(self, digits: int = DIGITS) -> str:
        """E.g. ``f = σ(W_f·xₜ + U_f·hₜ₋₁ + b_f) = σ(0.120 + (−0.300) + 0.050) = …``.

        The three parts are rounded to add up to the z shown (see :func:`carry`); the
        last sign is "≈" where the activation of the z shown rounds to another value.
        """
        return fill(LINES[GATE_LINES[self.gate]], self.numbers(digits), digits)

    def numbers(self, digits: int = DIGITS) -> tuple[int, ...]:
        """The line's numbers: the three parts, z, whether σ or tanh of the z shown gives
        the value shown (1) or not (0), the value."""
        z, value = _units(self.z, digits), _units(self.value, digits)
        parts = carry((self.wx, self.uh, self.b), z, digits)
        holds = _activation(QUANTITIES[self.gate].activation, z, digits) == value
        return (*parts, z, int(holds), value)


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

    @property
    def finite(self) -> bool:
        """False when any number of the step is inf or NaN: then there is no arithmetic to
        show, and :meth:`formulas` raises ``ValueError("not_finite: …")``."""
        numbers = [self.c_prev, self.c, self.tanh_c, self.h]
        numbers += [v for g in self.gates for v in (g.wx, g.uh, g.b, g.z, g.value)]
        return all(math.isfinite(v) for v in numbers)

    def cell_formula(self, digits: int = DIGITS) -> str:
        """Cₜ = f·Cₜ₋₁ + i·C̃ₜ with the numbers, the two products, and their sum.

        The products are rounded to add up to the Cₜ shown (see :func:`carry`); the sign
        before them is "≈" where a product of the shown factors rounds to another value.
        """
        return fill(LINES[-2], self._cell_numbers(digits), digits)

    def _cell_numbers(self, digits: int) -> tuple[int, ...]:
        f, i, g = (_units(self.gate(k).value, digits) for k in "fig")
        c_prev, c = _units(self.c_prev, digits), _units(self.c, digits)
        kept, written = carry((self.gate("f").value * self.c_prev,
                               self.gate("i").value * self.gate("g").value), c, digits)
        holds = _product(f, c_prev, digits) == kept and _product(i, g, digits) == written
        return f, c_prev, i, g, int(holds), kept, written, c

    def hidden_formula(self, digits: int = DIGITS) -> str:
        """hₜ = o·tanh(Cₜ) with the numbers; "≈" where a shown step rounds to another value."""
        return fill(LINES[-1], self._hidden_numbers(digits), digits)

    def _hidden_numbers(self, digits: int) -> tuple[int, ...]:
        o, c, tanh_c, h = (_units(v, digits) for v in
                           (self.gate("o").value, self.c, self.tanh_c, self.h))
        return (o, c, int(_activation("tanh", c, digits) == tanh_c), tanh_c,
                int(_product(o, tanh_c, digits) == h), h)

    def formulas(self, digits: int = DIGITS) -> list[str]:
        """The six lines of arithmetic, in the order the cell computes them: the four
        layers in display order (:data:`lstm_viz.gates.DISPLAY`), then Cₜ and hₜ.

        Every "=" holds when recomputed from the numbers as shown: the parts of a sum add
        up to the total exactly, and σ, tanh and products of the shown numbers, rounded to
        ``digits`` decimals (halves away from zero), give the result shown. "≈" marks the
        steps where that rounding gives another last digit. Raises ``ValueError``
        ("not_finite: …") when the step holds inf or NaN (see :attr:`finite`).
        """
        return [fill(line, numbers, digits)
                for line, numbers in zip(LINES, self.numbers(digits), strict=True)]

    def numbers(self, digits: int = DIGITS) -> list[tuple[int, ...]]:
        """The numbers of each line of :data:`LINES` (see :meth:`formulas`); raises
        ``ValueError`` ("not_finite: …") when the step holds inf or NaN."""
        if not self.finite:
            raise ValueError(f"not_finite: step {self.step}, unit {self.unit} holds inf or "
                             "NaN; there is no arithmetic to show")
        layers = [self.gate(k).numbers(digits) for k in GATE_LINES]
        return layers + [self._cell_numbers(digits), self._hidden_numbers(digits)]


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
