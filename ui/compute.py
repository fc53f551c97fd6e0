"""Cached runs of the core, shared by every session of the server.

Each function is pure (same arguments, same result), so ``st.cache_data`` can hand the
same result to every learner who asks for the same view; nothing here is mutated.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st

from figures.gates import gates_figure
from lstm_viz import LSTM, StackedLSTM, StackedTrace, count_params
from lstm_viz.cell import LSTMTrace
from lstm_viz.inputs import Sequence, encode

MODELS = ("random",)
CACHE = dict(max_entries=256, show_spinner=False)


@dataclass(frozen=True, eq=False)
class GatesRun:
    sequence: Sequence
    lstm: LSTM
    trace: LSTMTrace


@dataclass(frozen=True, eq=False)
class StackRun:
    sequence: Sequence
    stack: StackedLSTM
    trace: StackedTrace


@st.cache_data(**CACHE)
def gates_run(text: str, mode: str, units: int, seed: int, model: str = "random") -> GatesRun:
    """Encode ``text`` and run one layer of ``units`` units with seeded random weights."""
    seq = encode(text, mode, seed=seed)
    lstm = LSTM.random(seq.x.shape[1], units, seed=seed)
    return GatesRun(seq, lstm, lstm.run(seq.x))


@st.cache_resource(max_entries=32, show_spinner=False)
def gates_view(text: str, mode: str, units: int, seed: int, model: str, unit: int, step: int,
               lang: str) -> go.Figure:
    """The animated gates figure of one view (0-based unit and step), built once and shared.

    Building it is most of a rerun's time (plotly.py validates every frame), so the figure
    itself is cached; it is never mutated (``st.plotly_chart`` only reads it).
    """
    run = gates_run(text, mode, units, seed, model)
    return gates_figure(run.trace, run.sequence.tokens, unit=unit, step=step, lang=lang)


@st.cache_data(**CACHE)
def stack_run(text: str, mode: str, units: tuple[int, ...], seed: int, dense: int) -> StackRun:
    """Encode ``text`` and run a stack of seeded random layers (and a dense head if dense > 0)."""
    seq = encode(text, mode, seed=seed)
    stack = StackedLSTM.random(seq.x.shape[1], units, dense=dense or None, seed=seed)
    return StackRun(seq, stack, stack.run(seq.x))


@st.cache_data(**CACHE)
def params(input_size, units, dense, convention, bidirectional):
    return count_params(input_size, list(units), dense=dense or None, convention=convention,
                        bidirectional=bidirectional)
