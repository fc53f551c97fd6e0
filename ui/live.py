"""A live class on the /live page: who this session is in it, what it may do, and the poll
that keeps every student's page on the teacher's view.

The class itself lives in the database (:mod:`classroom`); a session keeps only its role:
the class code, the teacher's token (the teacher's session only, never in a URL after
arrival) or the student's anonymous id. Every change the teacher makes is written there and
raises the class's version; each student's page polls that version once a second in a
fragment (:func:`watch`) and reruns when it moved. Callbacks (ui/callbacks.py) call the
actions here; a failed action leaves its reason's code and values in :data:`keys.LIVE_ERROR`.
"""

from __future__ import annotations

import csv
import io
import secrets
from urllib.parse import urlencode, urljoin

import streamlit as st

from classroom import models
from classroom import store as classes
from classroom.store import ClassError, ClassGone, ClassView, Question, Snapshot, Store
from figures.gates import player_figures
from figures.live import answers_figure, choices_figure, count_figure
from figures.theme import GATE_COLOURS, NEGATIVE
from lstm_viz import questions
from lstm_viz.export import neutralise
from lstm_viz.questions import KINDS, QuestionError
from text.i18n import tr
from ui import compute, controls, keys
from ui.cache import cached
from ui.views import RANDOM, GatesView

POLL_SECONDS = 1.0          # a student sees a change within this (plus one rerun)
MODELS = (RANDOM, *compute.DEMOS)  # what a class can show: a model every server has
QUESTION_GATES = questions.LAYERS  # the four layers a gate or threshold question asks about
COUNT_CONVENTION = "keras"  # a count question's convention until the teacher picks another
# The CSV summary's columns (the catalogue's live.csv.<name> heads them): the question, its
# kind, every kind's parameters (empty where a kind has none), the right answer and the
# numbers behind it, then who answered what.
PARAM_COLUMNS = ("gate", "step", "unit", "token", "threshold", "input_size", "units", "layers",
                 "convention")
CSV_COLUMNS = ("question", "kind", *PARAM_COLUMNS, "truth", "detail", "nickname", "answer")
DEFAULT_VIEW = ClassView()  # the first view of a new class
MAX_NICKNAME = models.MAX_NICKNAME  # the length of the page's nickname box


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    store = classes.connect(url)
    store.purge()  # classes that expired while no server ran; later, at each class start
    return store


def store() -> Store:
    """The class store of this server process (one engine and pool, shared by sessions),
    its tables migrated on first use."""
    return _store(classes.database_url())


def client() -> str:
    """The address the session came from, the unit of the wrong-code limit."""
    address = getattr(st.context, "ip_address", None)
    return address if isinstance(address, str) and address else "unknown"


# ---- the session's role --------------------------------------------------------------------

def code() -> str | None:
    """The class this session is in, or None."""
    return st.session_state.get(keys.LIVE_CLASS)


def token() -> str | None:
    """The teacher's token, in the teacher's session only."""
    return st.session_state.get(keys.LIVE_TOKEN)


def student_id() -> str:
    """This session's anonymous student id (made on first use)."""
    return st.session_state.setdefault(keys.LIVE_SID, secrets.token_hex(16))


def fail(err: ClassError | QuestionError) -> None:
    """Keep ``err``'s code and values for the page to show (callbacks cannot show it in
    place): the catalogue's ``live.err.<code>``."""
    st.session_state[keys.LIVE_ERROR] = (err.code, getattr(err, "values", {}))


def arrive() -> None:
    """Read the link once per session: ``?class=CODE&teacher=TOKEN`` makes this session the
    teacher (the token leaves the URL at once); ``?class=CODE`` alone joins as a student."""
    params = st.query_params
    typed, secret = params.get("class"), params.pop("teacher", None)
    if typed is None or code() is not None:
        return
    try:
        found = classes.normal_code(typed)
    except ClassError as err:
        fail(err)
        return
    if secret is not None:
        if store().is_teacher(found, secret):
            st.session_state.update({keys.LIVE_CLASS: found, keys.LIVE_TOKEN: secret})
        else:
            fail(ClassError("teacher", "not this class's teacher link"))
        return
    join(typed, "")


# ---- actions (each called by a callback) ---------------------------------------------------

def start() -> None:
    """Start a class: this session becomes its teacher."""
    started = store().start_class(DEFAULT_VIEW)
    st.session_state.update({keys.LIVE_CLASS: started.code, keys.LIVE_TOKEN: started.token})
    st.query_params["class"] = started.code
    show_view(DEFAULT_VIEW)


def join(typed: str, nickname: str) -> None:
    """Join the class whose code was typed, as an anonymous student."""
    try:
        found = store().join(typed, client(), student_id(), nickname)
    except ClassError as err:
        fail(err)
        return
    st.session_state.pop(keys.LIVE_TOKEN, None)
    st.session_state[keys.LIVE_CLASS] = found
    st.session_state[keys.LIVE_FOLLOW] = True
    st.query_params["class"] = found


def leave() -> None:
    """Leave the class (the teacher's token is forgotten with it)."""
    for key in (keys.LIVE_CLASS, keys.LIVE_TOKEN, keys.LIVE_SENT):
        st.session_state.pop(key, None)
    st.query_params.pop("class", None)


def show_view(view: ClassView) -> None:
    """Put ``view`` into the teacher's widgets (1-based step and unit)."""
    st.session_state.update({"live_seq": view.seq, "live_model": view.model,
                             "live_mode": view.mode, "live_step": view.step + 1,
                             "live_unit": view.unit + 1})


def steer(model_changed: bool = False) -> None:
    """Show the class what the teacher's widgets say."""
    state = st.session_state
    model = state.get("live_model", RANDOM)
    model = model if model in MODELS else RANDOM
    if model_changed and model != RANDOM:  # a trained model reads only its own tokens
        chosen = compute.demo_chosen(model)
        if not compute.readable(chosen, state.get("live_seq", "")):
            state["live_seq"] = compute.model_examples(chosen)[0]
    try:
        view = ClassView(seq=state.get("live_seq", ""), mode=state.get("live_mode", "words"),
                         units=DEFAULT_VIEW.units, seed=DEFAULT_VIEW.seed, model=model,
                         step=max(0, int(state.get("live_step", 1)) - 1),
                         unit=max(0, int(state.get("live_unit", 1)) - 1))
        store().set_view(code(), token(), view)
    except ClassError as err:
        fail(err)


def ask(kind: str) -> None:
    """Ask the class a question of ``kind`` (:data:`lstm_viz.questions.KINDS`) set by the
    teacher's widgets, about the view's step and unit or the sizes given; its truth is
    computed by the core now (and shown to nobody until revealed)."""
    try:
        q = _question(kind, st.session_state)
        store().ask(code(), token(), q.kind, q.params, q.truth, q.low, q.high, detail=q.detail)
    except (ClassError, QuestionError) as err:
        fail(err)


def _question(kind: str, state) -> questions.Question:
    """The question the teacher's widgets describe (``state``: the session's state)."""
    if kind == "count":
        return questions.count_question(
            int(state.get("live_input_size") or 0), int(state.get("live_units") or 0),
            int(state.get("live_layers") or 0), state.get("live_convention") or COUNT_CONVENTION)
    view = store().snapshot(code()).view
    run = compute.gates_run(gates_view(view))
    T, H = run.trace.h.shape
    step, unit = min(view.step, T - 1), min(view.unit, H - 1)
    tokens, gate = run.sequence.tokens, state.get("live_gate") or "f"
    if kind == "threshold":
        threshold = state.get("live_threshold")
        return questions.threshold_question(run.trace, tokens, gate, step, unit,
                                            0.5 if threshold is None else float(threshold))
    if kind == "closes":
        return questions.closes_question(run.trace, tokens, step, unit)
    return questions.gate_question(run.trace, tokens, gate, step, unit)


def close(question: int) -> None:
    try:
        store().close(code(), token(), question)
    except ClassError as err:
        fail(err)


def reveal(question: int) -> None:
    try:
        store().reveal(code(), token(), question)
    except ClassError as err:
        fail(err)


def answer(question: int, value: float) -> None:
    """Send this student's answer to ``question``, encoded as :mod:`lstm_viz.questions`
    says (a value, a choice's index, a count)."""
    try:
        store().answer(code(), student_id(), question, value)
        st.session_state[keys.LIVE_SENT] = question
    except ClassError as err:
        fail(err)


def send_value(question: int) -> None:
    """Send the value of this student's answer slider."""
    answer(question, float(st.session_state[f"live_answer_{question}"]))


def send_count(question: int) -> None:
    """Send the count typed in this student's answer box, if it reads as one."""
    try:
        value = questions.read_count(st.session_state.get(f"live_count_{question}") or "")
    except QuestionError as err:
        fail(err)
        return
    answer(question, float(value))


# ---- reading -------------------------------------------------------------------------------

def snapshot() -> Snapshot | None:
    """The class as this session may see it, or None (and the session out of it) if the
    class has expired."""
    try:
        return store().snapshot(code())
    except ClassGone as err:
        leave()
        fail(err)
        return None


def gates_view(view: ClassView) -> GatesView:
    """The gates page's view of what the teacher shows (a demo, or seeded random weights)."""
    chosen = compute.demo_chosen(view.model) if view.model in compute.DEMOS else None
    return controls.chosen_view(view.seq, view.mode, view.units, view.seed,
                                view.model if chosen else RANDOM, 0, chosen)


@cached
def step_diagram(view: GatesView, unit: int, step: int, lang: str):
    """The cell at one step (0-based step and unit) with its values: what every student's
    page draws after each change. The gates page's animated figure, with every step's frame,
    costs a whole class's worth of serialising at each change; this is one step's picture,
    built once per view and shared by the class."""
    run = compute.gates_run(view)
    diagram, _ = player_figures(run.trace, run.sequence.tokens, unit=unit, step=step, lang=lang)
    return diagram


def join_link(found: str) -> str:
    """The link a student's phone opens (the QR code's): this server's /live?class=CODE."""
    return urljoin(_base(), "live") + "?" + urlencode({"class": found})


def teacher_link(found: str, secret: str) -> str:
    """The private link that makes a session the teacher of class ``found``."""
    return urljoin(_base(), "live") + "?" + urlencode({"class": found, "teacher": secret})


def _base() -> str:
    """This page's address as the browser sees it (``st.context.url``), else one made from
    the request's Host header, else the address `make run` serves on."""
    url = getattr(st.context, "url", None)
    if isinstance(url, str) and url.startswith("http"):
        return url
    headers = getattr(st.context, "headers", None)
    host = headers.get("Host") if hasattr(headers, "get") else None
    return f"http://{host}/" if isinstance(host, str) and host else "http://localhost:8501/"


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(link: str) -> bytes:
    """``link`` as a QR code, a PNG (black on white, a quiet zone of 4 modules)."""
    import qrcode

    image = qrcode.make(link, box_size=10, border=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def summary() -> list:
    """The teacher's class summary (:meth:`classroom.store.Store.summary`)."""
    return store().summary(code(), token())


def summary_csv(rows, header) -> str:
    """The class's questions, truths and answers (``rows``, from :func:`summary`) as CSV
    under ``header`` (one head per :data:`CSV_COLUMNS`), one row per answer (a question
    nobody answered: one row with an empty answer). Answers and the right answer are
    written as :meth:`lstm_viz.questions.Kind.label` says (a value, a choice's name, a
    count); steps and units count from 1. Cells a spreadsheet would run as a formula are
    neutralised; nicknames are written as typed (plain text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for k, row in enumerate(rows, start=1):
        kind = KINDS[row.question.kind]
        head = [k, kind.name, *_param_cells(row.question.params), kind.label(row.truth),
                detail_text(row.question)]
        for nickname, value in row.answers or (("", None),):
            writer.writerow([neutralise(str(cell)) for cell in
                             (*head, nickname, "" if value is None else kind.label(value))])
    return out.getvalue()


def _param_cells(params: dict) -> list:
    cells = {**params}
    for name in ("step", "unit"):  # 1-based, as the page says them
        if name in cells:
            cells[name] += 1
    return [cells.get(name, "") for name in PARAM_COLUMNS]


def detail_text(q: Question) -> str:
    """The numbers behind a revealed question's truth as one line of plain text: the value
    (threshold), every gate's value (closes), each layer's formula (count); "" for a gate."""
    detail = q.detail or {}
    if q.kind == "threshold":
        return f"{detail['value']:.4f}"
    if q.kind == "closes":
        return "; ".join(f"{gate}={detail[gate]:.4f}" for gate in questions.CLOSING)
    if q.kind == "count":
        return "; ".join(detail["formulas"])
    return ""


# ---- answers, by kind -----------------------------------------------------------------------

def spoiled(q: Question | None) -> bool:
    """Whether the step's picture would give ``q``'s answer away (a question about the
    step, not yet revealed)."""
    return q is not None and q.state != "revealed" and KINDS[q.kind].at_step


def answer_text(kind: str, value: float, lang: str) -> str:
    """An answer (or the truth) as the page says it: a value to 2 places, a choice's
    name, a count with thousands separators."""
    if KINDS[kind].choices:
        return choice_labels(kind, lang)[int(value)]
    return f"{int(value):,}" if kind == "count" else f"{value:.2f}"


def choice_labels(kind: str, lang: str) -> list[str]:
    """A choice question's options as the page says them (above/below, a gate's name)."""
    prefix = "live.side." if kind == "threshold" else "gate."
    return [tr(prefix + choice, lang) for choice in KINDS[kind].choices]


def answers_chart(q: Question, values: list[float], own: float | None, lang: str):
    """The class's answers to ``q``, drawn for its kind; the truth once revealed, and the
    viewer's own answer (``own``, None for the projector)."""
    if q.kind == "gate":
        return answers_figure(values, q.low, q.high, q.params["gate"], truth=q.truth, own=own,
                              lang=lang)
    if q.kind == "count":
        return count_figure(values, truth=q.truth, own=own, lang=lang)
    colours = ([NEGATIVE, GATE_COLOURS[q.params["gate"]]] if q.kind == "threshold"
               else [GATE_COLOURS[gate] for gate in questions.CLOSING])
    return choices_figure(values, choice_labels(q.kind, lang), colours, truth=q.truth, own=own,
                          lang=lang)


# ---- following -----------------------------------------------------------------------------

def signature(snap: Snapshot, teacher: bool) -> tuple:
    """What a poll compares: the version for a student; for the teacher's projector also
    the students joined and the answers in. Taken from the very snapshot the page drew, so
    that a change made while the page was drawing is still seen as a change."""
    return (snap.version, snap.students, snap.answered) if teacher else (snap.version,)


def _now_signature(teacher: bool) -> tuple:
    if teacher:
        return signature(store().snapshot(code()), teacher=True)
    return (store().version(code()),)  # one small query


@st.fragment(run_every=POLL_SECONDS)
def watch(seen: tuple, teacher: bool) -> None:
    """Once a second: rerun the whole page if the class moved since ``seen`` (the signature
    the page was drawn from). Draws nothing: an idle poll is one small query."""
    try:
        moved = _now_signature(teacher) != seen
    except ClassGone:
        moved = True  # expired: the page says so
    if moved:
        st.rerun(scope="app")
