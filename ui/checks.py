"""The lessons' live parts: the check at the end of each part, questions drawn from a seed
kept in the URL (``?check=N``) with answers typed or picked and judged at once; and the
numbers a lesson quotes from the shipped pronoun demo (:func:`measured`).

Every answer comes from :mod:`lstm_viz.quiz` (parameter counts from the counter, the
gate from running the demo model). Answers go into number boxes, so only whole numbers
arrive, and nothing a learner types is shown back.
"""

from __future__ import annotations

import secrets

import streamlit as st

from lstm_viz import facts, quiz
from text.i18n import tr
from ui import common, compute

__all__ = ["DEMOS", "QUERY", "gate_question", "leave", "measured", "show", "start"]

QUERY = "check"     # the URL parameter of the seed
_SEED = "check_seed"  # its session-state key
DEMOS = {"zh": "pronoun-zh"}  # the pronoun demo of a language; any other reads English


def start(lang: str) -> None:
    """Take the seed from the URL once, on arriving; a fresh one if there is none or it is
    not a seed (then say which was used)."""
    if _SEED in st.session_state:
        return
    raw = st.query_params.get(QUERY)
    seed = quiz.read_seed(raw)
    if seed is None:
        seed = _fresh()
        if raw is not None:
            common.show_note(tr("note.link_value", lang, name=QUERY, raw=raw[:40], value=seed))
    st.session_state[_SEED] = seed


def show(kind: str, lang: str) -> None:
    """The check ``kind`` (one of ``ui.lessons.CHECKS``) with its seed kept in the URL."""
    seed = st.session_state[_SEED]
    st.query_params[QUERY] = str(seed)
    {"gate": _gate, "count": _count, "stack": _stack}[kind](seed, lang)
    st.button(tr("check.new", lang), help=tr("check.new.help", lang), on_click=_renew,
              icon=":material/refresh:", key="check_new")


def leave() -> None:
    """Off a check step the URL carries no seed (the session keeps it)."""
    if QUERY in st.query_params:
        del st.query_params[QUERY]


def _fresh() -> int:
    return secrets.choice(quiz.SEEDS)


def _renew() -> None:
    st.session_state[_SEED] = _fresh()


# ---- the three checks ---------------------------------------------------------------

def _count(seed: int, lang: str) -> None:
    q = quiz.count_check(seed)
    st.markdown(tr("check.count.q", lang, x=q.x, h=q.h,
                  convention=tr(f"check.count.{q.convention}", lang)))
    how = tr("check.count.how", lang, h=q.h, hx=q.h + q.x, weights=f"{q.weights:,}",
            biases=f"{q.answer - q.weights:,}")
    _whole_answer(q.answer, how, f"check_count_{seed}", lang)
    s = quiz.shape_check(seed)
    st.markdown(tr("check.shape.q", lang, matrix=f"{s.matrix}_f"))
    _shape_answer(s.answer, tr(f"check.shape.how.{s.matrix}", lang), f"check_shape_{seed}", lang)


def _stack(seed: int, lang: str) -> None:
    q = quiz.stack_check(seed)
    st.markdown(tr("check.stack.q_input", lang, x=q.x, a=q.a, b=q.b))
    _whole_answer(q.input_size, tr("check.stack.how_input", lang), f"check_input_{seed}", lang)
    st.markdown(tr("check.stack.q_count", lang))
    how = tr("check.stack.how_count", lang, a=q.a, b=q.b, answer=f"{q.answer:,}")
    _whole_answer(q.answer, how, f"check_stack_{seed}", lang)


def _gate(seed: int, lang: str) -> None:
    q = gate_question(DEMOS.get(lang, "pronoun-en"), seed)
    demo = compute.demo(q.demo)
    st.markdown(tr("check.gate.story", lang))
    st.text(demo.task.join(q.tokens))  # plain text, never Markdown
    st.markdown(tr("check.gate.q", lang, step=q.step + 1, unit=q.unit,
                  token=common.escape_markdown(q.tokens[-1])))
    options = ("above", "below")
    pick = st.radio(tr("check.answer", lang), options, index=None, horizontal=True,
                    format_func=lambda o: tr(f"check.gate.{o}", lang), key=f"check_gate_{seed}")
    if pick is None:
        st.caption(tr("check.gate.hint", lang))
        return
    _verdict(pick == q.answer, tr(f"check.gate.{q.answer}", lang), lang)
    st.markdown(" ".join((tr("check.gate.reveal", lang, unit=q.unit, step=q.step + 1,
                            f=f"{q.forget:.3f}"), tr(f"check.gate.kind.{q.kind}", lang))))
    st.caption(tr("check.gate.average", lang))


@st.cache_data(max_entries=256, show_spinner=False)
def gate_question(name: str, seed: int) -> quiz.GateCheck:
    """The gate question of ``seed`` on the demo ``name``: a run of the model, cached."""
    return quiz.gate_check(compute.demo(name), seed)


def measured(lang: str) -> dict[str, str]:
    """The forget-gate means the pronoun lesson quotes, from the demo of ``lang``, as text."""
    p = forget_profile(DEMOS.get(lang, "pronoun-en"))
    return dict(stories=str(p.stories), change=f"{p.change:.2f}",
                same_start=f"{p.same_start:.2f}", elsewhere=f"{p.elsewhere:.2f}")


@st.cache_data(max_entries=8, show_spinner=False)
def forget_profile(name: str) -> facts.ForgetProfile:
    """:func:`lstm_viz.facts.forget_profile` of the demo ``name``, measured once per server."""
    return facts.forget_profile(compute.demo(name))


# ---- reading and judging answers ----------------------------------------------------
# Number boxes, not text boxes: only a whole number from 0 to quiz.MAX_ANSWER can arrive
# (Streamlit refuses anything else in the browser and hands the script None), and nothing
# a learner types is ever shown back.

def _number(label: str, key: str, lang: str) -> int | None:
    value = st.number_input(label, min_value=0, max_value=quiz.MAX_ANSWER, value=None, step=1,
                            key=key, help=tr("check.answer.help", lang))
    return None if value is None else int(value)


def _whole_answer(answer: int, how: str, key: str, lang: str) -> None:
    got = _number(tr("check.answer", lang), key, lang)
    if got is not None:
        _verdict(got == answer, f"{answer:,}", lang, how)


def _shape_answer(answer: tuple[int, int], how: str, key: str, lang: str) -> None:
    rows, cols = st.columns(2)
    with rows:
        r = _number(tr("check.rows", lang), f"{key}_rows", lang)
    with cols:
        c = _number(tr("check.cols", lang), f"{key}_cols", lang)
    if r is not None and c is not None:
        _verdict((r, c) == answer, f"[{answer[0]}, {answer[1]}]", lang, how)


def _verdict(right: bool, answer: str, lang: str, how: str = "") -> None:
    """Right or wrong, with the answer (our own text: numbers and catalogue words)."""
    if right:
        st.success(tr("check.right", lang, answer=answer), icon=":material/check_circle:")
    else:
        st.error(tr("check.wrong", lang, answer=answer), icon=":material/cancel:")
    if how:
        st.caption(how)
