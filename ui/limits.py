"""The limits a page checks before it calls the core or draws: the work of a view, and
numbers that overflowed (:mod:`lstm_viz.limits`). Each stops the page with a message."""

from __future__ import annotations

import streamlit as st

from lstm_viz.inputs import encode
from lstm_viz.limits import TRACE_ARRAYS, check_work, first_nonfinite
from text.i18n import tr
from ui.common import show_error

__all__ = ["check_view", "stop_if_nonfinite"]


def check_view(text: str, mode: str, seed: int, units) -> None:
    """Raise InputError ("err.work") when ``text`` read in ``mode`` by layers of
    ``units`` is more work than one view may be (for :func:`ui.compute.run_or_stop`)."""
    check_work(encode(text, mode, seed=seed).x.shape[0], tuple(units))


def what(name: str, lang: str) -> str:
    """The learner's name for an array of a trace: a gate, a state, or z."""
    if name == "z":
        return tr("limit.z", lang)
    return tr(f"gate.{name}" if name in "ifgo" else f"state.{name}", lang)


def stop_if_nonfinite(traces, lang: str, first_layer: int = 0, y=None) -> None:
    """Stop the page with a message when a trace of ``traces`` (layers, bottom first,
    the first being layer ``first_layer``, 0-based) or the head's output ``y`` holds NaN or
    infinity: what overflowed, at which step, unit and layer (1-based)."""
    for k, trace in enumerate(traces):
        bad = first_nonfinite({name: getattr(trace, name) for name in TRACE_ARRAYS})
        if bad is not None:
            name, step, unit = bad
            _stop(what(name, lang), step, unit % trace.hidden_size, first_layer + k,
                  trace.h.dtype, lang)
    if y is not None:
        bad = first_nonfinite({"y": y})
        if bad is not None:
            _stop("y", bad[1], bad[2], len(traces) - 1 + first_layer, y.dtype, lang)


def _stop(name: str, step: int, unit: int, layer: int, dtype, lang: str) -> None:
    show_error(tr("limit.nonfinite", lang, what=name, step=step + 1, unit=unit + 1,
                 layer=layer + 1, dtype=str(dtype)))
    st.stop()
