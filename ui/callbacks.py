"""Widget callbacks and format functions that pages hand to buttons and choices.

A callback stays in the session's widget state as long as the session (a closed one too,
for ``server.disconnectedSessionTTL``). A function defined in a page script keeps that
script's globals alive through its ``__globals__``: the whole run of the page — its trace,
its figures — about 25 MB after a largest /stacked view, in every session that opened one
(issue 14: 48 such sessions took the server to 1.3 GB). Callbacks defined here keep only
this module. So does a ``format_func`` (a page's ``lambda``), kept with the choice.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from text.i18n import tr
from ui import compute, controls, keys, live

__all__ = ["gates_model_changed", "labels", "live_answer", "live_ask", "live_close", "live_join",
           "live_leave", "live_model_changed", "live_reveal", "live_start", "live_steer",
           "set_state"]


def set_state(values: dict) -> None:
    """Put ``values`` (session-state key → value) into the session's state."""
    st.session_state.update(values)


def gates_model_changed() -> None:
    """A trained model reads only its own tokens: if the sequence has others, start from
    one of the model's examples; and start on the unit whose job is known."""
    controls.read_model_text()
    known = compute.known_unit(st.session_state[keys.MODEL])
    if known:
        st.session_state[keys.UNIT] = known[1] + 1


def _label(prefix: str, lang: str, value) -> str:
    return tr(f"{prefix}{value}", lang)


def labels(prefix: str, lang: str):
    """A choice's format function: option ``v`` shown as the catalogue's ``<prefix><v>``."""
    return partial(_label, prefix, lang)


# ---- the live class (ui/live.py does the work) ---------------------------------------------

def live_start() -> None:
    live.start()


def live_join() -> None:
    live.join(st.session_state.get("live_code", ""), st.session_state.get("live_nickname", ""))


def live_leave() -> None:
    live.leave()


def live_steer() -> None:
    live.steer()


def live_model_changed() -> None:
    live.steer(model_changed=True)


def live_ask() -> None:
    live.ask(st.session_state.get("live_gate", "f"))


def live_close(question: int) -> None:
    live.close(question)


def live_reveal(question: int) -> None:
    live.reveal(question)


def live_answer(question: int) -> None:
    live.answer(question)
