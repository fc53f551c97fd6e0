"""The step's arithmetic on the gates page, drawn in the browser at every step the player shows.

A custom component of its own (v2, ``ui/arith.js``, below the player): Python sends, once
per run, unit and language, the numbers of every step's arithmetic for that unit; the
browser fills the six lines of :data:`lstm_viz.explain.LINES` and the four sentences of
:func:`text.explain.sentences` with them for the step the player shows, as soon as the
player moves (a key, a click, a frame of Play), with no round trip to the server. A new
unit is a new payload (one rerun of the step's fragment); until it arrives the panel says
that it is loading the unit, never another unit's numbers under its name.

Numbers travel as the integers the learner reads, in thousandths (``DIGITS``), with 1 and
0 for "=" and "≈" (:meth:`lstm_viz.explain.StepExplanation.numbers`), in the player's
wire format (:func:`ui.player.pack`): ``lines`` (T, 38), ``finite`` (T,) 1 where the step's
arithmetic exists, ``x`` (T, X) what went into each step; hₜ₋₁ comes from the player, whose
data holds h at every step (ui/player.js sends it with the step).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import streamlit as st

from lstm_viz.explain import DIGITS, GATE_LINES, HIGH, LINES, LOW, explain_step
from text.i18n import tr
from ui import compute, player
from ui.views import HASH_FUNCS, GatesView

__all__ = ["payload", "show"]

HERE = Path(__file__).resolve().parent
NAME = "lstm_viz.arith"
WIDTHS = tuple(1 + max(map(int, re.findall(r"\{(\d+)", line))) for line in LINES)  # numbers a line
SAYS = {"forget": "f", "input": "i", "output": "o"}  # sentence → the gate whose level picks it
TEXT_KEYS = {"heading": "gates.arith", "input_at": "gates.input_at", "token": "word.token",
             "not_finite": "explain.not_finite", "loading": "arith.loading"}
_CSS = (HERE / "arith.css").read_text(encoding="utf-8")
_JS = player.script((HERE / "wire.js").read_text(encoding="utf-8"),
                    (HERE / "arith.js").read_text(encoding="utf-8"))


def _register():
    return st.components.v2.component(NAME, html='<div class="lstm-arith"></div>', css=_CSS,
                                      js=_JS, isolate_styles=False)  # in the page, as the player


_COMPONENT = _register()


def _component():
    return player.in_runtime(NAME, _register, _COMPONENT)


def _numbers(run, unit: int) -> tuple[np.ndarray, np.ndarray]:
    """Every step's numbers for ``unit`` (0-based), (T, sum(WIDTHS)), and whether each step's
    arithmetic exists (inf or NaN: not; its row is 0)."""
    steps = run.trace.steps
    rows = np.zeros((steps, sum(WIDTHS)), dtype=np.int64)
    finite = np.zeros(steps, dtype=np.int8)
    for t in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN: marked, not shown
            ex = explain_step(run.lstm, run.trace, t, unit)
        if ex.finite:
            rows[t] = [n for line in ex.numbers(DIGITS) for n in line]
            finite[t] = 1
    return rows, finite


def _texts(lang: str) -> dict:
    texts = {name: tr(key, lang) for name, key in TEXT_KEYS.items()}
    texts["rounding"] = tr("explain.rounding", lang, digits=DIGITS)
    says = {name: {level: tr(f"explain.{name}.{level}", lang) for level in ("high", "mid", "low")}
            for name in SAYS}
    return dict(text=texts, says=says, change=tr("explain.cell.change", lang))


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=HASH_FUNCS)
def payload(view: GatesView, lang: str, unit: int) -> bytes:
    """The arithmetic of every step of ``view`` for ``unit`` (1-based) in ``lang``."""
    run = compute.gates_run(view)
    rows, finite = _numbers(run, unit - 1)
    header = dict(run=player.run_id(view), unit=unit, steps=run.trace.steps,
                  tokens=list(run.sequence.tokens), lines=list(LINES), widths=list(WIDTHS),
                  digits=DIGITS, gate_lines=GATE_LINES, says_gate=SAYS,
                  high=round(HIGH * 10 ** DIGITS), low=round(LOW * 10 ** DIGITS),
                  **_texts(lang))
    arrays = [player.encoded("lines", rows), ("finite", finite),
              player.encoded("x", player.thousandths(run.trace.x))]
    return player.pack(header, arrays)


def show(view: GatesView, lang: str, unit: int, key: str = "arith") -> None:
    """The arithmetic panel for ``view``'s ``unit`` (1-based), at the step the player shows."""
    _component()(key=key, data=payload(view, lang, unit))
