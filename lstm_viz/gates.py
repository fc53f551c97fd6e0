"""The gate table: one place for what each quantity of an LSTM step is.

Every quantity a trace records at a step is listed once, with the symbol a learner
reads, its activation, the range its values lie in and the trace field that holds it.
Explanations, figures, colours and lessons read this table; none keeps its own copy.

>>> QUANTITIES["g"].symbol, QUANTITIES["g"].activation, QUANTITIES["g"].low
('C̃', 'tanh', -1.0)
>>> [q.key for q in quantities() if q.is_layer]
['f', 'i', 'g', 'o']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["DISPLAY", "GATES", "QUANTITIES", "SIGMOID_GATES", "Quantity", "quantities"]


@dataclass(frozen=True)
class Quantity:
    """One quantity of an LSTM step.

    Attributes
    ----------
    key : str
        The trace field that holds it (``LSTMTrace.f`` for "f") and its key everywhere else.
    symbol : str
        How the learner reads it: "f", "C̃", "C".
    name : str
        Its English name, for people using the core from Python (the app translates key).
    activation : str
        "σ" or "tanh" for the four layers on [hₜ₋₁, xₜ]; "" for the states c and h.
    low, high : float
        The range its values lie in (±inf where unbounded: the cell state).
    """

    key: str
    symbol: str
    name: str
    activation: str
    low: float
    high: float

    @property
    def is_layer(self) -> bool:
        """True for the four layers computed from [hₜ₋₁, xₜ]: three gates and the candidate."""
        return bool(self.activation)

    @property
    def is_gate(self) -> bool:
        """True for the three gates f, i, o, whose values say "how open" (0 to 1)."""
        return self.activation == "σ"


# In display order: the four layers left to right as the cell diagram draws them, then
# the two states. (Not the 4H order of W, U and b: that is GATES.)
_TABLE = (
    Quantity("f", "f", "forget gate", "σ", 0.0, 1.0),
    Quantity("i", "i", "input gate", "σ", 0.0, 1.0),
    Quantity("g", "C̃", "candidate", "tanh", -1.0, 1.0),
    Quantity("o", "o", "output gate", "σ", 0.0, 1.0),
    Quantity("c", "C", "cell state", "", -math.inf, math.inf),
    Quantity("h", "h", "hidden state", "", -1.0, 1.0),
)

QUANTITIES: dict[str, Quantity] = {q.key: q for q in _TABLE}
DISPLAY: tuple[str, ...] = tuple(q.key for q in _TABLE)  # f, i, g, o, c, h
GATES: tuple[str, ...] = ("i", "f", "g", "o")  # the order along the 4H axis of W, U and b
SIGMOID_GATES: tuple[str, ...] = tuple(q.key for q in _TABLE if q.is_gate)  # f, i, o: 0 … 1


def quantities() -> tuple[Quantity, ...]:
    """Every quantity in display order."""
    return _TABLE
