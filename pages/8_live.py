"""A live class: the teacher steers, every student's page follows, predict, reveal the truth.

The teacher asks one of four kinds of question (lstm_viz/questions.py): a gate's value, above
or below a threshold, which gate closes, a parameter count.

The class lives in the database (classroom/, through ui/live.py); this page only draws what
this session's role sees. Text a person typed (the sequence's tokens, a code) is shown with
st.text or escaped: never read as Markdown or HTML.
"""

import streamlit as st

from lstm_viz.params import CONVENTIONS
from lstm_viz.questions import CLOSING, KINDS, MAX_COUNT_LAYERS, MAX_COUNT_SIZE, THRESHOLD_PLACES
from text.i18n import tr
from ui import callbacks, common, compute, controls, keys, live

MODES = ("words", "chars")  # how random weights read the class's sequence


def show_refusal(lang: str) -> None:
    """The reason the last class action was refused, once."""
    reason = st.session_state.pop(keys.LIVE_ERROR, None)
    if reason is not None:
        code, values = reason
        common.show_error(tr(f"live.err.{code}", lang, **values))


def lobby(lang: str) -> None:
    """No class yet: start one, or join one with its code."""
    left, right = st.columns(2)
    with left.container(border=True):
        st.subheader(tr("live.start", lang))
        st.markdown(tr("live.start.about", lang))
        st.button(tr("live.start.button", lang), on_click=callbacks.live_start,
                  key="live_start_button", type="primary", icon=":material/co_present:")
    with right.container(border=True):
        st.subheader(tr("live.join", lang))
        with st.form("live_join_form", border=False):
            st.text_input(tr("live.code", lang), key="live_code", max_chars=12,
                          help=tr("live.code.help", lang))
            st.text_input(tr("live.nickname", lang), key="live_nickname",
                          max_chars=live.MAX_NICKNAME,
                          help=tr("live.nickname.help", lang, n=live.MAX_NICKNAME))
            st.form_submit_button(tr("live.join.button", lang), on_click=callbacks.live_join,
                                  key="live_join_button", icon=":material/login:")


def join_box(lang: str, snap) -> None:
    """The join code, its QR code and how many joined: what the projector shows first."""
    left, right = st.columns([3, 2])
    with left:
        st.metric(tr("live.code", lang), snap.code)
        st.metric(tr("live.joined", lang), snap.students)
        st.caption(tr("live.join.how", lang))
        st.text(live.join_link(snap.code))
    right.image(live.qr_png(live.join_link(snap.code)), width=260,
                caption=tr("live.qr", lang))


def teacher_links(lang: str, snap) -> None:
    """The private teacher link (never on the projector: not in presentation mode)."""
    with st.expander(tr("live.teacher_link", lang), icon=":material/key:"):
        st.caption(tr("live.teacher_link.help", lang))
        st.text(live.teacher_link(snap.code, live.token()))


def steering(lang: str, snap) -> tuple[int, int]:
    """The teacher's controls: sequence, model, step and unit; each change goes to the class.
    Returns the view's step and unit, 1-based, cut to the sequence and the layer."""
    if "live_seq" not in st.session_state:
        live.show_view(snap.view)
    st.text_area(tr("gates.seq", lang), key="live_seq", max_chars=2000, height=80,
                 on_change=callbacks.live_steer)
    cols = st.columns(2)
    cols[0].selectbox(tr("gates.model", lang), live.MODELS, key="live_model",
                      format_func=controls.model_label(lang),
                      on_change=callbacks.live_model_changed)
    if st.session_state["live_model"] == "random":
        cols[1].segmented_control(tr("gates.mode", lang), MODES, key="live_mode",
                                  format_func=callbacks.labels("mode.", lang),
                                  on_change=callbacks.live_steer)
    run = compute.gates_run_or_stop(live.gates_view(snap.view), lang)
    T, H = run.trace.h.shape
    for key, high in (("live_step", T), ("live_unit", H)):
        st.session_state[key] = min(max(1, int(st.session_state.get(key, 1))), high)
    cols = st.columns([3, 1])
    step = cols[0].slider(tr("gates.step", lang), 1, max(T, 2), key="live_step",
                          on_change=callbacks.live_steer, disabled=T < 2)
    unit = cols[1].slider(tr("gates.unit", lang), 1, max(H, 2), key="live_unit",
                          on_change=callbacks.live_steer, disabled=H < 2)
    return step, unit


def view_block(lang: str, view, step: int, unit: int, hidden: bool, key: str) -> None:
    """The class's view: where it is (as plain text), then the gates figure, unless a
    question about it is still open (``hidden``: the figure would give the answer away)."""
    gv = live.gates_view(view)
    run = compute.gates_run_or_stop(gv, lang)
    T, H = run.trace.h.shape
    step, unit = min(step, T), min(unit, H)
    st.markdown(tr("live.where", lang, step=step, steps=T, unit=unit, units=H,
                   model=controls.model_label(lang)(gv.model)))
    st.text(tr("word.token", lang) + ": " + run.sequence.tokens[step - 1])
    if hidden:
        common.show_note(tr("live.hidden", lang))
        return
    common.figure(live.step_diagram(gv, unit - 1, step - 1, lang), key=key)
    gates_link(lang, view, step, unit)


def gates_link(lang: str, view, step: int, unit: int) -> None:
    """The class's view opened on the gates page, to explore alone (1-based step and unit)."""
    st.page_link("pages/1_gates.py", label=tr("live.open_gates", lang), icon=":material/animation:",
                 query_params=common.link_query(
                     {"seq": view.seq, "mode": view.mode, "units": view.units, "seed": view.seed,
                      "model": view.model, "step": step, "unit": unit}, lang))


def question_text(lang: str, q) -> None:
    """The question in the catalogue's words (numbers only), its rule, the token as text."""
    p = q.params
    if q.kind == "count":
        key = "live.q.count" if p["layers"] == 1 else "live.q.count.stack"
        st.markdown("**" + tr(key, lang, x=p["input_size"], h=p["units"], layers=p["layers"],
                              convention=tr(f"check.count.{p['convention']}", lang)) + "**")
        return
    gate = tr(f"gate.{p['gate']}", lang) if "gate" in p else ""
    values = dict(gate=gate, step=p["step"] + 1, unit=p["unit"] + 1)
    if q.kind == "threshold":
        values["threshold"] = f"{p['threshold']:.{THRESHOLD_PLACES}f}"
    st.markdown("**" + tr(f"live.q.{q.kind}", lang, **values) + "**")
    if q.kind != "gate":
        st.caption(tr(f"live.rule.{q.kind}", lang, **values))
    st.text(tr("word.token", lang) + ": " + p["token"])


def ask_controls(lang: str) -> None:
    """What to ask: the kind, then its parameters (a gate, a threshold, the sizes)."""
    kind = st.selectbox(tr("live.ask.kind", lang), tuple(KINDS), key="live_kind",
                        format_func=callbacks.labels("live.kind.", lang))
    cols = st.columns(2)
    if kind in ("gate", "threshold"):
        cols[0].selectbox(tr("live.ask.gate", lang), live.QUESTION_GATES, key="live_gate",
                          format_func=callbacks.labels("gate.", lang))
    if kind == "threshold":
        cols[1].number_input(tr("live.ask.threshold", lang), value=0.5, step=0.05,
                             format=f"%.{THRESHOLD_PLACES}f", key="live_threshold",
                             help=tr("live.ask.threshold.help", lang))
    if kind == "closes":
        st.caption(tr("live.rule.closes", lang))
    if kind == "count":
        cols = st.columns(4)
        for col, (key, default, high) in zip(cols, (("input_size", 5, MAX_COUNT_SIZE),
                                                   ("units", 8, MAX_COUNT_SIZE),
                                                   ("layers", 1, MAX_COUNT_LAYERS)), strict=False):
            col.number_input(tr(f"live.ask.{key}", lang), 1, high, default, 1,
                             key=f"live_{key}")
        cols[3].selectbox(tr("params.convention", lang), CONVENTIONS,
                          index=CONVENTIONS.index(live.COUNT_CONVENTION),
                          key="live_convention", format_func=callbacks.labels("conv.", lang))
    st.button(tr("live.ask", lang), on_click=callbacks.live_ask, key="live_ask_button",
              type="primary", icon=":material/quiz:")


def truth_block(lang: str, q, student: bool, own=None, answered: str = "") -> None:
    """The revealed truth, the numbers behind it, and beside it a student's own answer or,
    for the teacher, how many answered (``answered``)."""
    label = "live.truth" if q.kind == "gate" else "live.right"
    cols = st.columns(2)
    cols[0].metric(tr(label, lang), live.answer_text(q.kind, q.truth, lang))
    if not student:
        cols[1].metric(tr("live.answered", lang), answered)
    else:
        cols[1].metric(tr("live.own", lang),
                       "–" if own is None else live.answer_text(q.kind, own, lang))
        if own is not None and q.kind != "gate":
            st.caption(tr("live.verdict.right" if own == q.truth else "live.verdict.wrong",
                          lang))
    detail, p = q.detail or {}, q.params
    if q.kind == "threshold":
        st.markdown(tr("live.truth.threshold", lang, gate=tr(f"gate.{p['gate']}", lang),
                       value=f"{detail['value']:.4f}",
                       threshold=f"{p['threshold']:.{THRESHOLD_PLACES}f}",
                       side=live.answer_text(q.kind, q.truth, lang)))
    elif q.kind == "closes":
        st.markdown(tr("live.truth.closes", lang) + " " + " · ".join(
            f"{tr(f'gate.{g}', lang)} = {detail[g]:.3f}" for g in CLOSING))
    elif q.kind == "count":
        if p["layers"] > 1:
            st.caption(tr("live.truth.count", lang))
        lines = [tr("live.truth.layer", lang, k=k) + " " + formula
                 for k, formula in enumerate(detail["formulas"], start=1)]
        common.monospace("\n".join(lines), key="live_formula")


def teacher_question(lang: str, snap) -> None:
    """Ask, close, reveal; the answers' count, then their distribution, then the truth."""
    st.subheader(tr("live.question", lang))
    q = snap.question
    if (q is None or q.state == "revealed") and not common.presenting():
        ask_controls(lang)  # asked from the laptop: on the projector it hid the answers
    if q is None:
        return
    question_text(lang, q)
    answered = f"{snap.answered} / {snap.students}"
    if q.state != "revealed":
        st.metric(tr("live.answered", lang), answered)
    if q.state == "open":
        st.button(tr("live.close", lang), on_click=callbacks.live_close, args=(q.id,),
                  key="live_close_button", icon=":material/lock:")
        return
    if q.state == "closed":
        st.button(tr("live.reveal", lang), on_click=callbacks.live_reveal, args=(q.id,),
                  key="live_reveal_button", type="primary", icon=":material/visibility:")
    else:  # the truth first: on the projector's screen with the answers, not below them
        truth_block(lang, q, student=False, answered=answered)
    values = live.store().answers(snap.code, q.id)
    common.figure(live.answers_chart(q, values, None, lang), key="live_answers")


def answer_input(lang: str, q, own) -> None:
    """How a student answers ``q``: a slider (a value), a button per choice, a number box."""
    if q.kind == "gate":
        st.slider(tr("live.your_answer", lang), q.low, q.high, (q.low + q.high) / 2, 0.01,
                  key=f"live_answer_{q.id}")
        st.button(tr("live.send", lang), on_click=callbacks.live_answer, args=(q.id,),
                  key="live_send_button", type="primary", icon=":material/send:")
    elif q.kind == "count":
        st.text_input(tr("live.your_count", lang), key=f"live_count_{q.id}", max_chars=40,
                      placeholder="68608", help=tr("live.your_count.help", lang))
        st.button(tr("live.send", lang), on_click=callbacks.live_count, args=(q.id,),
                  key="live_send_button", type="primary", icon=":material/send:")
    else:
        cols = st.columns(len(KINDS[q.kind].choices))
        for k, (col, label) in enumerate(zip(cols, live.choice_labels(q.kind, lang),
                                             strict=True)):
            col.button(label, on_click=callbacks.live_pick, args=(q.id, k),
                       key=f"live_pick_{k}", width="stretch",
                       type="primary" if own == k else "secondary")
    if own is not None:
        st.caption(tr("live.sent", lang, value=live.answer_text(q.kind, own, lang)))


def student_question(lang: str, snap) -> None:
    """Predict, wait, then see the class's answers, the truth and your own."""
    q = snap.question
    if q is None:
        return
    st.subheader(tr("live.question", lang))
    question_text(lang, q)
    own = live.store().own_answer(snap.code, live.student_id(), q.id)
    if q.state == "open":
        answer_input(lang, q, own)
        return
    if q.state == "closed":
        common.show_note(tr("live.closed", lang))
        if own is not None:
            st.metric(tr("live.own", lang), live.answer_text(q.kind, own, lang))
        return
    values = live.store().answers(snap.code, q.id)
    truth_block(lang, q, student=True, own=own)
    common.figure(live.answers_chart(q, values, own, lang), key="live_answers")


def summary_download(lang: str) -> None:
    header = [tr(f"live.csv.{name}", lang) for name in live.CSV_COLUMNS]
    st.download_button(tr("live.csv", lang), live.summary_csv(live.summary(), header),
                       "class-summary.csv", "text/csv", key="live_csv", on_click="ignore",
                       help=tr("live.csv.help", lang), icon=":material/table:")


def teacher_page(lang: str, snap) -> None:
    present = common.presenting()
    join_box(lang, snap)
    st.divider()
    unrevealed = live.spoiled(snap.question)
    if present:
        view_block(lang, snap.view, snap.view.step + 1, snap.view.unit + 1, unrevealed,
                   "live_figure")
    else:
        teacher_links(lang, snap)
        step, unit = steering(lang, snap)
        view_block(lang, snap.view, step, unit, False, "live_figure")
    teacher_question(lang, snap)
    if not present:
        st.divider()
        summary_download(lang)
        st.button(tr("live.end", lang), on_click=callbacks.live_leave, key="live_end_button",
                  icon=":material/logout:")


def student_page(lang: str, snap) -> None:
    st.metric(tr("live.code", lang), snap.code)
    st.session_state.setdefault(keys.LIVE_FOLLOW, True)
    follow = st.toggle(tr("live.follow", lang), key=keys.LIVE_FOLLOW,
                       help=tr("live.follow.help", lang))
    unrevealed = live.spoiled(snap.question)
    student_question(lang, snap)
    st.divider()
    if follow:
        view_block(lang, snap.view, snap.view.step + 1, snap.view.unit + 1, unrevealed,
                   "live_figure")
    else:
        common.show_note(tr("live.away", lang))
        gates_link(lang, snap.view, snap.view.step + 1, snap.view.unit + 1)
    st.button(tr("live.leave", lang), on_click=callbacks.live_leave, key="live_leave_button",
              icon=":material/logout:")


lang = common.page("nav.live")
live.arrive()
show_refusal(lang)
if live.code() is None:
    lobby(lang)
    st.stop()
snap = live.snapshot()
if snap is None:  # the class expired while this session was in it
    show_refusal(lang)
    lobby(lang)
    st.stop()
teacher = live.token() is not None
live.watch(live.signature(snap, teacher), teacher)  # first: polls even if a view stops
if teacher:
    teacher_page(lang, snap)
else:
    student_page(lang, snap)
