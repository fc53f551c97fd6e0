"""The questions a teacher asks a live class: each kind, how its answer is stored, its truth.

A live class stores every answer as one float (``classroom``'s ``answers.value``). This is
the one place that says how each kind's answer becomes that float, and how its true answer
is found from the core's own numbers (a trace of the class's view, or the parameter
counter):

========== ============================================ ======================================
kind       a student answers                            stored as
========== ============================================ ======================================
gate       the value of a layer f, i, C̃ or o            the value, in the layer's range
threshold  whether that value is above or below a       the index in :data:`SIDES`:
           threshold the teacher set                    0.0 = below, 1.0 = above
closes     which gate closes: the one of f, i, o with   the index in :data:`CLOSING`:
           the smallest value for this unit at this     0.0 = f, 1.0 = i, 2.0 = o
           step (nearest 0: it lets the least through)
count      the parameters of an LSTM of given sizes     the whole number, 0 … MAX_COUNT
========== ============================================ ======================================

"Above" means greater than the threshold; a value equal to it is "below". The candidate C̃
is not a gate (tanh, −1 … 1: a value to write, not a fraction let through), so "closes"
asks about the three gates only. A :class:`Question` holds ``truth``, the right answer
stored the same way as the answers, and ``detail``, the numbers behind it (the value, every
gate's value, the formula), which a class sees only once the truth is revealed.

>>> q = count_question(5, 8, 1, "keras")
>>> q.truth, q.detail["formulas"]
(448.0, ['4·(8·(8+5) + 8) = 448'])
>>> read_count(" 68,608 "), KINDS["threshold"].label(1.0)
(68608, 'above')
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from lstm_viz.gates import QUANTITIES, SIGMOID_GATES, quantities
from lstm_viz.params import CONVENTIONS, ParamsError, count_params

__all__ = [
    "CLOSING", "KINDS", "LAYERS", "MAX_COUNT", "MAX_COUNT_LAYERS", "MAX_COUNT_SIZE", "SIDES",
    "THRESHOLD_PLACES",
    "Kind", "Question", "QuestionError", "closes_question", "count_question", "gate_question",
    "read_count", "threshold_question",
]

LAYERS: tuple[str, ...] = tuple(q.key for q in quantities() if q.is_layer)  # f, i, g, o
SIDES = ("below", "above")        # a threshold answer: its index, as a float
CLOSING = SIGMOID_GATES           # f, i, o: a "closes" answer is its index, as a float
MAX_COUNT = 10**12                # the largest parameter count a student may type
MAX_COUNT_SIZE = 10_000           # the largest input size or unit count a teacher may set
MAX_COUNT_LAYERS = 8              # the most stacked layers a count question may have
THRESHOLD_PLACES = 2              # a threshold is rounded to this many decimals, as shown


class QuestionError(ValueError):
    """A question or an answer that cannot be: ``code`` names it (the app's catalogue has
    ``live.err.<code>``) and ``values`` fill the message."""

    def __init__(self, code: str, message: str, **values):
        super().__init__(message)
        self.code, self.values = code, values


@dataclass(frozen=True)
class Kind:
    """One kind of question: its name, the choices a student picks from (an answer is the
    choice's index, as a float; empty for a number), whether answers are whole numbers, and
    whether it asks about the class's current step (whose picture would give it away)."""

    name: str
    choices: tuple[str, ...] = ()
    whole: bool = False
    at_step: bool = True

    def accepts(self, value, low: float, high: float) -> bool:
        """Whether ``value`` is an answer of this kind in [low, high]: a finite number, and a
        whole one for choices and counts."""
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value) and low <= value <= high
                and (not self.whole or float(value).is_integer()))

    def label(self, value: float) -> str:
        """An answer as a CSV writes it: the choice's name, or the number."""
        if self.choices:
            return self.choices[int(value)]
        return f"{int(value)}" if self.whole else f"{value:.4f}"


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("gate"),
    Kind("threshold", SIDES, whole=True),
    Kind("closes", CLOSING, whole=True),
    Kind("count", whole=True, at_step=False),
)}


@dataclass(frozen=True)
class Question:
    """A question ready to ask: its kind and parameters (every student sees them), the true
    answer stored as answers are, the range answers lie in, and the numbers behind the truth
    (shown with it)."""

    kind: str
    params: dict = field(hash=False)
    truth: float
    low: float
    high: float
    detail: dict = field(hash=False, default_factory=dict)


def _at(trace, key: str, step: int, unit: int) -> float:
    return float(getattr(trace, key)[step, unit])  # trace.f is (T, H)


def _where(trace, tokens, step: int, unit: int) -> dict:
    T, H = trace.h.shape
    if not (0 <= step < T and 0 <= unit < H):
        raise QuestionError("where", f"step {step} and unit {unit} lie outside ({T}, {H})")
    return {"step": step, "unit": unit, "token": str(tokens[step])}


def _layer(gate: str) -> str:
    if gate not in LAYERS:
        raise QuestionError("gate", f"gate must be one of {LAYERS}, not {gate!r}")
    return gate


def gate_question(trace, tokens, gate: str, step: int, unit: int) -> Question:
    """What is the value of ``gate`` of ``unit`` at ``step`` (0-based)? ``trace`` is the
    core's run of the class's view (arrays of shape (T, H)), ``tokens`` its T tokens."""
    q = QUANTITIES[_layer(gate)]
    where = _where(trace, tokens, step, unit)
    return Question("gate", {"gate": gate, **where}, _at(trace, gate, step, unit), q.low, q.high)


def threshold_question(trace, tokens, gate: str, step: int, unit: int,
                       threshold: float) -> Question:
    """Is the value of ``gate`` of ``unit`` at ``step`` above ``threshold`` or below? The
    threshold is rounded to :data:`THRESHOLD_PLACES` decimals (the question shows it so, and
    the truth is decided against the number shown) and lies strictly inside the gate's range
    (else every value is on one side)."""
    q = QUANTITIES[_layer(gate)]
    if isinstance(threshold, (int, float)) and math.isfinite(threshold):
        threshold = round(float(threshold), THRESHOLD_PLACES)
    if not (isinstance(threshold, (int, float)) and q.low < threshold < q.high):
        raise QuestionError("threshold", f"the threshold lies strictly between {q.low:g} and "
                                         f"{q.high:g}", low=f"{q.low:g}", high=f"{q.high:g}")
    value = _at(trace, gate, step, unit)
    side = SIDES.index("above" if value > threshold else "below")
    params = {"gate": gate, **_where(trace, tokens, step, unit), "threshold": float(threshold)}
    return Question("threshold", params, float(side), 0.0, len(SIDES) - 1.0, {"value": value})


def closes_question(trace, tokens, step: int, unit: int) -> Question:
    """Which gate closes at ``step`` for ``unit``: the one of :data:`CLOSING` with the
    smallest value (the first of them on a tie)."""
    where = _where(trace, tokens, step, unit)
    values = {gate: _at(trace, gate, step, unit) for gate in CLOSING}
    closing = int(np.argmin([values[gate] for gate in CLOSING]))
    return Question("closes", where, float(closing), 0.0, len(CLOSING) - 1.0, values)


def count_question(input_size, units, layers, convention: str) -> Question:
    """How many parameters have ``layers`` stacked LSTM layers of ``units`` units each, on
    ``input_size`` inputs, counted in ``convention`` (:data:`lstm_viz.params.CONVENTIONS`)?
    The count and each layer's formula are :func:`lstm_viz.params.count_params`'s."""
    sizes = {"input_size": input_size, "units": units, "layers": layers}
    for name, value in sizes.items():
        top = MAX_COUNT_LAYERS if name == "layers" else MAX_COUNT_SIZE
        if not (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= top):
            raise QuestionError("sizes", f"{name} is a whole number from 1 to {top}",
                                size_high=f"{MAX_COUNT_SIZE:,}", layers_high=MAX_COUNT_LAYERS)
    if convention not in CONVENTIONS:
        raise QuestionError("convention", f"convention is one of {CONVENTIONS}")
    try:
        counted = count_params(input_size, [units] * layers, convention=convention)
    except ParamsError as err:  # cannot happen within the limits above; say it if it does
        raise QuestionError("sizes", str(err), size_high=f"{MAX_COUNT_SIZE:,}",
                            layers_high=MAX_COUNT_LAYERS) from err
    detail = {"formulas": [layer.formula for layer in counted.layers]}
    return Question("count", {**sizes, "convention": convention}, float(counted.total),
                    0.0, float(MAX_COUNT), detail)


_SEPARATORS = re.compile(r"[\s,_'’]")  # 68,608 · 68 608 · 68_608 · 68'608 read as 68608


def read_count(typed: str) -> int:
    """A typed parameter count as an int: digits, with commas, spaces, underscores or
    apostrophes between them (full-width digits too); raises QuestionError("whole") for
    anything else (a sign, a decimal point, an exponent) and ("huge") above MAX_COUNT."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed))
    if not re.fullmatch(r"[0-9]+", text):
        raise QuestionError("whole", "type a whole number such as 68608")
    if len(text.lstrip("0")) > len(str(MAX_COUNT)) or int(text) > MAX_COUNT:
        raise QuestionError("huge", f"a count is at most {MAX_COUNT:,}", high=f"{MAX_COUNT:,}")
    return int(text)
