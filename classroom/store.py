"""A live class's state, read and written through one :class:`Store` per server process.

Every method is one short transaction, so any number of server processes can share the
database (SQLite in WAL mode on one machine, PostgreSQL across machines). What a student may
do and what only the teacher may do is decided here, not in the page: each teacher action
takes the teacher's token and is refused without it.

Errors a person can cause raise :class:`ClassError` with a stable ``code`` (the page shows the
catalogue's ``live.err.<code>``); its English text is for people using this from Python.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from classroom import models
from classroom.models import AnswerRow, ClassRow, JoinFailure, QuestionRow, StudentRow
from lstm_viz.questions import KINDS

__all__ = [
    "CODE_ALPHABET", "ClassError", "ClassGone", "ClassView", "Question", "RateLimited",
    "Snapshot", "Started", "Store", "Summary", "connect", "database_url", "normal_code",
]

# No 0/O, 1/I/L, 5/S or 2/Z: a code read off a projector is typed right. 27 characters, six
# of them: 27⁶ ≈ 387 million codes, against a few dozen open classes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
HOURS = 12.0                      # a class and its answers are deleted this long after start
MAX_FAILURES = 20                 # wrong codes per client within FAILURE_WINDOW, then refused
FAILURE_WINDOW = timedelta(minutes=10)
STATES = ("open", "closed", "revealed")
MIGRATIONS = Path(__file__).with_name("migrations")
_PG_LOCK = 1515  # pg_advisory_xact_lock key: one server at a time runs the migrations


class ClassError(ValueError):
    """Something a person did that the class refuses; ``code`` names it for the catalogue."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class ClassGone(ClassError):
    """No open class has this code (never had, or it expired and was deleted)."""

    def __init__(self):
        super().__init__("gone", "no open class has this code")


class RateLimited(ClassError):
    """Too many wrong codes from this client lately."""

    def __init__(self):
        super().__init__("rate", f"more than {MAX_FAILURES} wrong codes in "
                                 f"{FAILURE_WINDOW.seconds // 60} minutes: wait a few minutes")


@dataclass(frozen=True)
class ClassView:
    """What the teacher shows: a page, a sequence read by a model, a step and a unit
    (0-based), and the random model's mode, units and seed."""

    page: str = "gates"
    seq: str = "the cat sat on the mat because it was warm"
    mode: str = "words"
    units: int = 8
    seed: int = 0
    model: str = "random"
    step: int = 0
    unit: int = 0

    def __post_init__(self):
        if len(self.seq) > models.MAX_SEQ:
            raise ClassError("seq", f"the sequence is longer than {models.MAX_SEQ} characters")
        if min(self.step, self.unit, self.units, self.seed) < 0:
            raise ClassError("view", "step, unit, units and seed cannot be negative")


@dataclass(frozen=True)
class Started:
    """A new class: its join code and the teacher's token (shown once, stored only hashed)."""

    code: str
    token: str


@dataclass(frozen=True)
class Question:
    """A question as a student or the projector sees it. ``truth`` (the right answer,
    stored as answers are: :mod:`lstm_viz.questions`) and ``detail`` (the numbers behind
    it) are None until revealed (for the teacher too: :meth:`Store.truth` reads it)."""

    id: int
    kind: str
    params: dict = field(hash=False)
    state: str
    truth: float | None
    low: float
    high: float
    detail: dict | None = field(default=None, hash=False)


@dataclass(frozen=True)
class Snapshot:
    """A class as one poll reads it: the view and its version, the students joined, the
    latest question and how many answered it."""

    code: str
    view: ClassView
    version: int
    students: int
    question: Question | None
    answered: int
    expires_at: datetime


@dataclass(frozen=True)
class Summary:
    """One row of the class summary: a question, its truth and every answer."""

    question: Question
    truth: float
    answers: tuple[tuple[str, float], ...]  # (nickname or "", value), in the order given


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # UTC, zone-less (SQLite's way)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_code(typed: str) -> str:
    """A typed join code as stored: spaces and dashes dropped, upper case; raises
    ClassError("code") if it cannot be a code at all."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != models.CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise ClassError("code", f"a join code is {models.CODE_LENGTH} of the characters "
                                 f"{CODE_ALPHABET}")
    return code


def clean_nickname(typed: str) -> str:
    """A nickname as stored: plain text, stripped, no control characters, at most
    :data:`models.MAX_NICKNAME` characters (longer raises ClassError("nickname"))."""
    name = "".join(ch for ch in typed if ch.isprintable()).strip()
    if len(name) > models.MAX_NICKNAME:
        raise ClassError("nickname", f"a nickname has at most {models.MAX_NICKNAME} characters")
    return name


def database_url() -> str:
    """``LSTM_VIZ_DATABASE_URL`` if set (PostgreSQL: ``postgresql://user@host/db``), else an
    SQLite file under ``~/.cache/lstm-viz`` (made if missing)."""
    url = os.environ.get("LSTM_VIZ_DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path.home() / ".cache" / "lstm-viz"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'classes.sqlite3'}"


def class_hours() -> float:
    """How long a class lives: ``LSTM_VIZ_CLASS_HOURS`` (a positive number) or 12."""
    raw = os.environ.get("LSTM_VIZ_CLASS_HOURS", "")
    try:
        hours = float(raw) if raw else HOURS
    except ValueError:
        raise ValueError(f"LSTM_VIZ_CLASS_HOURS must be a number of hours, not {raw!r}") from None
    if not (math.isfinite(hours) and hours > 0):
        raise ValueError(f"LSTM_VIZ_CLASS_HOURS must be a positive number, not {raw!r}")
    return hours


def connect(url: str | None = None, hours: float | None = None) -> Store:
    """The store at ``url`` (default :func:`database_url`), its tables migrated to the
    newest revision (Alembic ``upgrade head``)."""
    engine = make_engine(url or database_url())
    migrate(engine)
    return Store(engine, class_hours() if hours is None else hours)


def make_engine(url: str) -> Engine:
    """An engine for ``url``. PostgreSQL goes through psycopg 3; SQLite gets WAL mode,
    foreign keys, a wait of up to 15 s for another writer, and real BEGINs (the pysqlite
    driver's own transaction handling is switched off, as SQLAlchemy's docs advise)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(parsed, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 15},
                           **({"poolclass": StaticPool} if memory else {}))
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we send BEGIN ourselves (_sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the one writer
    cursor.execute("PRAGMA foreign_keys=ON")   # ON DELETE CASCADE
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


def migrate(engine: Engine) -> None:
    """Alembic ``upgrade head`` on ``engine``, one server at a time (an exclusive SQLite
    transaction, a PostgreSQL advisory lock): replicas starting together do not race."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect().execution_options(sqlite_begin="BEGIN IMMEDIATE") as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
            config.attributes["connection"] = conn
            command.upgrade(config, "head")


class Store:
    """The classes in one database. Methods take ``now`` (UTC, zone-less) for tests."""

    def __init__(self, engine: Engine, hours: float = HOURS, max_failures: int = MAX_FAILURES):
        self.engine = engine
        # A transaction that writes takes SQLite's write lock when it begins: one that read
        # first and wrote later would fail at once ("database is locked") if another writer
        # committed in between, instead of waiting its turn.
        self.writer = engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
        self.lifetime = timedelta(hours=hours)
        self.max_failures = max_failures

    # ---- the teacher ---------------------------------------------------------------------

    def start_class(self, view: ClassView = ClassView(), now: datetime | None = None) -> Started:
        """A new class showing ``view``, with a fresh code and token; expired classes are
        deleted first."""
        now = now or _now()
        self.purge(now)
        token = secrets.token_urlsafe(32)
        for _ in range(20):  # a code already taken: draw again
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(models.CODE_LENGTH))
            try:
                with Session(self.writer) as s, s.begin():
                    s.add(ClassRow(code=code, token_hash=_hash(token), version=1,
                                   created_at=now, expires_at=now + self.lifetime,
                                   **_view_columns(view)))
                return Started(code, token)
            except IntegrityError:
                continue
        raise RuntimeError("20 join codes in a row were taken")

    def is_teacher(self, code: str, token: str, now: datetime | None = None) -> bool:
        """Whether ``token`` steers the open class ``code``."""
        with Session(self.engine) as s:
            row = self._open(s, code, now)
            return row is not None and hmac.compare_digest(row.token_hash, _hash(token))

    def set_view(self, code: str, token: str, view: ClassView, now: datetime | None = None) -> int:
        """Show ``view`` to the class; returns the new version."""
        with Session(self.writer) as s, s.begin():
            row = self._teacher_row(s, code, token, now)
            s.execute(update(ClassRow).where(ClassRow.id == row.id)
                      .values(version=ClassRow.version + 1, **_view_columns(view)))
            return s.scalar(select(ClassRow.version).where(ClassRow.id == row.id))

    def ask(self, code: str, token: str, kind: str, params: dict, truth: float,
            low: float, high: float, now: datetime | None = None,
            detail: dict | None = None) -> int:
        """Ask the class a question of ``kind`` (:data:`lstm_viz.questions.KINDS`) whose
        true answer is ``truth`` (answers lie in [low, high], whole numbers for a kind that
        says so), with the numbers behind it in ``detail``; questions asked before it are
        closed. Returns its id."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {tuple(KINDS)}, not {kind!r}")
        if not KINDS[kind].accepts(truth, low, high):
            raise ValueError(f"the truth {truth!r} is no {kind} answer in [{low}, {high}]")
        now = now or _now()
        with Session(self.writer) as s, s.begin():
            row = self._teacher_row(s, code, token, now)
            s.execute(update(QuestionRow).where(QuestionRow.class_id == row.id,
                                                QuestionRow.state == "open")
                      .values(state="closed"))
            question = QuestionRow(class_id=row.id, kind=kind, state="open", truth=float(truth),
                                   params={**params, "low": low, "high": high}, asked_at=now,
                                   detail=detail)
            s.add(question)
            self._bump(s, row)
            s.flush()
            return question.id

    def close(self, code: str, token: str, question: int, now: datetime | None = None) -> None:
        """No more answers to ``question``."""
        self._move(code, token, question, "open", "closed", now)

    def reveal(self, code: str, token: str, question: int, now: datetime | None = None) -> None:
        """Show the class the true value of ``question`` (closing it if still open)."""
        self._move(code, token, question, None, "revealed", now)

    def truth(self, code: str, token: str, question: int, now: datetime | None = None) -> float:
        """The true value of ``question``, for the teacher before revealing it."""
        with Session(self.engine) as s:
            row = self._teacher_row(s, code, token, now)
            return self._question_row(s, row, question).truth

    def summary(self, code: str, token: str, now: datetime | None = None) -> list[Summary]:
        """Every question of the class with its truth and answers, in the order asked."""
        with Session(self.engine) as s:
            row = self._teacher_row(s, code, token, now)
            questions = s.scalars(select(QuestionRow).where(QuestionRow.class_id == row.id)
                                  .order_by(QuestionRow.id)).all()
            out = []
            for q in questions:
                answers = s.execute(
                    select(StudentRow.nickname, AnswerRow.value).join(StudentRow)
                    .where(AnswerRow.question_id == q.id).order_by(AnswerRow.id)).all()
                out.append(Summary(_question(q, reveal=True), q.truth,
                                   tuple((n, v) for n, v in answers)))
            return out

    # ---- the students --------------------------------------------------------------------

    def join(self, typed_code: str, client: str, sid: str, nickname: str = "",
             now: datetime | None = None) -> str:
        """Join the class whose code was typed, as student ``sid`` (a random id of the
        browser session) from ``client`` (its address). Returns the code as stored.

        A client with :data:`MAX_FAILURES` wrong codes in :data:`FAILURE_WINDOW` is refused
        (RateLimited) before the code is even looked at. Joining again (a reload) keeps the
        student and updates the nickname."""
        now = now or _now()
        name = clean_nickname(nickname)
        if not (0 < len(sid) <= models.STUDENT_ID_LENGTH):
            raise ValueError("a student id is 1 to 32 characters")
        client_key = _hash(client)
        with Session(self.writer) as s, s.begin():
            failures = s.scalar(select(func.count()).select_from(JoinFailure).where(
                JoinFailure.client == client_key, JoinFailure.at > now - FAILURE_WINDOW))
            if failures >= self.max_failures:
                raise RateLimited()
            refusal, class_id = None, None
            try:
                code = normal_code(typed_code)
                class_id = s.scalar(select(ClassRow.id).where(ClassRow.code == code,
                                                              ClassRow.expires_at > now))
            except ClassError as err:  # not even a code: a failure too, and says so
                refusal = err
            if class_id is None:
                s.add(JoinFailure(client=client_key, at=now))
        if class_id is None:  # the failure is committed: the transaction above has ended
            raise refusal or ClassGone()
        with Session(self.writer) as s, s.begin():
            student = s.scalar(select(StudentRow).where(StudentRow.class_id == class_id,
                                                        StudentRow.sid == sid))
            if student is None:
                s.add(StudentRow(class_id=class_id, sid=sid, nickname=name, joined_at=now))
            else:
                student.nickname = name
        return code

    def answer(self, code: str, sid: str, question: int, value: float,
               now: datetime | None = None) -> None:
        """Student ``sid``'s answer to the open ``question`` (again: the value replaced)."""
        now = now or _now()
        with Session(self.writer) as s, s.begin():
            row = self._row(s, code, now)
            q = self._question_row(s, row, question)
            if q.state != "open":
                raise ClassError("closed", "answers to this question are closed")
            low, high = q.params["low"], q.params["high"]
            if not KINDS[q.kind].accepts(value, low, high):
                raise ClassError("range", f"a {q.kind} answer lies between {low} and {high}")
            student = s.scalar(select(StudentRow).where(StudentRow.class_id == row.id,
                                                        StudentRow.sid == sid))
            if student is None:
                raise ClassError("student", "join the class before answering")
            given = s.scalar(select(AnswerRow).where(AnswerRow.question_id == q.id,
                                                     AnswerRow.student_id == student.id))
            if given is None:
                s.add(AnswerRow(question_id=q.id, student_id=student.id, value=float(value),
                                answered_at=now))
            else:
                given.value, given.answered_at = float(value), now

    def own_answer(self, code: str, sid: str, question: int,
                   now: datetime | None = None) -> float | None:
        """Student ``sid``'s answer to ``question``, or None."""
        with Session(self.engine) as s:
            row = self._row(s, code, now)
            return s.scalar(select(AnswerRow.value).join(StudentRow).where(
                StudentRow.class_id == row.id, StudentRow.sid == sid,
                AnswerRow.question_id == question))

    # ---- everyone ------------------------------------------------------------------------

    def version(self, code: str, now: datetime | None = None) -> int:
        """The class's version (one cheap query: what a student's page polls)."""
        with Session(self.engine) as s:
            version = s.scalar(select(ClassRow.version).where(
                ClassRow.code == code, ClassRow.expires_at > (now or _now())))
        if version is None:
            raise ClassGone()
        return version

    def snapshot(self, code: str, now: datetime | None = None) -> Snapshot:
        """The class as everyone may see it: never the token, a truth only once revealed."""
        with Session(self.engine) as s:
            row = self._row(s, code, now)
            students = s.scalar(select(func.count()).select_from(StudentRow)
                                .where(StudentRow.class_id == row.id))
            q = s.scalars(select(QuestionRow).where(QuestionRow.class_id == row.id)
                          .order_by(QuestionRow.id.desc()).limit(1)).first()
            answered = 0 if q is None else s.scalar(
                select(func.count()).select_from(AnswerRow).where(AnswerRow.question_id == q.id))
            question = None if q is None else _question(q, reveal=q.state == "revealed")
            return Snapshot(row.code, _view(row), row.version, students, question, answered,
                            row.expires_at)

    def answers(self, code: str, question: int, now: datetime | None = None) -> list[float]:
        """The values answered to ``question`` of class ``code``, in the order given."""
        with Session(self.engine) as s:
            row = self._row(s, code, now)
            q = self._question_row(s, row, question)
            return list(s.scalars(select(AnswerRow.value).where(AnswerRow.question_id == q.id)
                                  .order_by(AnswerRow.id)))

    def purge(self, now: datetime | None = None) -> int:
        """Delete expired classes (their students, questions and answers go with them) and
        join failures older than the window; returns how many classes went."""
        now = now or _now()
        with Session(self.writer) as s, s.begin():
            gone = s.execute(delete(ClassRow).where(ClassRow.expires_at <= now)).rowcount
            s.execute(delete(JoinFailure).where(JoinFailure.at <= now - FAILURE_WINDOW))
        return gone

    # ---- inside --------------------------------------------------------------------------

    @staticmethod
    def _open(s: Session, code: str, now: datetime | None) -> ClassRow | None:
        return s.scalar(select(ClassRow).where(ClassRow.code == code,
                                               ClassRow.expires_at > (now or _now())))

    def _row(self, s: Session, code: str, now: datetime | None) -> ClassRow:
        row = self._open(s, code, now)
        if row is None:
            raise ClassGone()
        return row

    def _teacher_row(self, s: Session, code: str, token: str, now: datetime | None) -> ClassRow:
        row = self._row(s, code, now)
        if not hmac.compare_digest(row.token_hash, _hash(token)):
            raise ClassError("teacher", "only the teacher's link can steer this class")
        return row

    @staticmethod
    def _question_row(s: Session, row: ClassRow, question: int) -> QuestionRow:
        q = s.get(QuestionRow, question)
        if q is None or q.class_id != row.id:  # another class's question is no question here
            raise ClassError("question", "this class has no such question")
        return q

    @staticmethod
    def _bump(s: Session, row: ClassRow) -> None:
        s.execute(update(ClassRow).where(ClassRow.id == row.id)
                  .values(version=ClassRow.version + 1))

    def _move(self, code, token, question, before, after, now) -> None:
        with Session(self.writer) as s, s.begin():
            row = self._teacher_row(s, code, token, now)
            q = self._question_row(s, row, question)
            if before is not None and q.state != before:
                return  # already closed (or revealed): nothing to do
            q.state = after
            self._bump(s, row)


def _view_columns(view: ClassView) -> dict:
    return {name: getattr(view, name) for name in ClassView.__dataclass_fields__}


def _view(row: ClassRow) -> ClassView:
    return ClassView(**{name: getattr(row, name) for name in ClassView.__dataclass_fields__})


def _question(q: QuestionRow, reveal: bool) -> Question:
    params = {k: v for k, v in q.params.items() if k not in ("low", "high")}
    return Question(q.id, q.kind, params, q.state, q.truth if reveal else None,
                    q.params["low"], q.params["high"], (q.detail or {}) if reveal else None)
