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
from ui import compute, controls, keys, lessons, live

__all__ = ["gates_model_changed", "labels", "lesson_move", "lesson_part_labels", "live_answer",
           "live_ask", "live_close", "live_count", "live_join", "live_leave",
           "live_model_changed", "live_pick", "live_reveal", "live_start", "live_steer",
           "memory_demo_changed", "set_state", "take_pick"]


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


def take_pick(pick: str, target: str) -> None:
    """A picker that loads its choice into another widget (``pick`` → ``target``), then
    goes back to its placeholder."""
    if st.session_state.get(pick):
        st.session_state[target] = st.session_state[pick]
    st.session_state[pick] = None


def memory_demo_changed() -> None:
    """/memory: another model reads another language; start from its own story."""
    st.session_state[keys.SEQ] = controls.STORIES[st.session_state["demo"]]


def lesson_move(by: int) -> None:
    """/lessons: ``by`` steps forward or back (±1), into the next or previous part at
    either end."""
    part, step = st.session_state["part"], st.session_state["step"] + by
    if step < 1 and part > 1:
        part -= 1
        step = len(lessons.PARTS[part - 1].steps)
    elif step > len(lessons.PARTS[part - 1].steps) and part < len(lessons.PARTS):
        part, step = part + 1, 1
    st.session_state["part"], st.session_state["step"] = lessons.position(part, step)


def _label(prefix: str, lang: str, suffix: str, value) -> str:
    return tr(f"{prefix}{value}{suffix}", lang)


def labels(prefix: str, lang: str, suffix: str = ""):
    """A choice's format function: option ``v`` shown as the catalogue's
    ``<prefix><v><suffix>``."""
    return partial(_label, prefix, lang, suffix)


def _part_label(lang: str, part: int) -> str:
    return tr(lessons.PARTS[part - 1].key, lang)


def lesson_part_labels(lang: str):
    """/lessons: the part picker's format function, part ``p`` (1-based) by its title."""
    return partial(_part_label, lang)


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
    live.ask(st.session_state.get("live_kind") or "gate")


def live_close(question: int) -> None:
    live.close(question)


def live_reveal(question: int) -> None:
    live.reveal(question)


def live_answer(question: int) -> None:
    live.send_value(question)


def live_count(question: int) -> None:
    live.send_count(question)


def live_pick(question: int, choice: int) -> None:
    live.answer(question, float(choice))
