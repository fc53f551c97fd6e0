"""The tables of a live class (SQLAlchemy 2.0 declarative models).

The schema is made by the Alembic migrations in ``classroom/migrations/versions``, never by
``create_all``: tests/test_classroom.py checks that these models and the migrations agree.

A class owns its students and questions, a question its answers; deleting an expired class
deletes them all (``ON DELETE CASCADE``; SQLite enforces it with ``PRAGMA foreign_keys=ON``,
set on every connection by :func:`classroom.store.connect`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Lengths, one place: the store validates against them before anything is written.
CODE_LENGTH = 6
TOKEN_HASH_LENGTH = 64  # sha256, hex
MAX_SEQ = 2_000         # the teacher's sequence, in characters
MAX_NICKNAME = 24       # a student's optional nickname, in characters
STUDENT_ID_LENGTH = 32  # a random hex id per browser session


class Base(DeclarativeBase):
    pass


class ClassRow(Base):
    """One class: its join code, the hash of the teacher's token, and the teacher's view.

    ``version`` grows by one on every change a student must see (the view, a question asked,
    closed or revealed): a student's page polls it and redraws when it moved. Times are UTC,
    stored without a zone (SQLite has none).
    """

    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, index=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH))
    page: Mapped[str] = mapped_column(String(20))
    seq: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(10))
    units: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(40))
    step: Mapped[int] = mapped_column(Integer)
    unit: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class StudentRow(Base):
    """A student who joined: an anonymous random id per browser session, and an optional
    nickname (plain text, at most :data:`MAX_NICKNAME` characters)."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("class_id", "sid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    sid: Mapped[str] = mapped_column(String(STUDENT_ID_LENGTH))
    nickname: Mapped[str] = mapped_column(String(MAX_NICKNAME))
    joined_at: Mapped[datetime] = mapped_column(DateTime)


class QuestionRow(Base):
    """A question the teacher asked: its kind, its parameters (JSON), its state ("open",
    "closed", "revealed"), the true answer computed by the core when it was asked (stored as
    answers are: :mod:`lstm_viz.questions`) and the numbers behind it (``detail``, JSON; none
    for the first kind, added by revision 0002), both shown to the class only once revealed."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10))
    truth: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    asked_at: Mapped[datetime] = mapped_column(DateTime)


class AnswerRow(Base):
    """One student's answer to one question (a student answers a question once; answering
    again while it is open replaces the value)."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("question_id", "student_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"),
                                            index=True)
    value: Mapped[float] = mapped_column(Float)
    answered_at: Mapped[datetime] = mapped_column(DateTime)


class JoinFailure(Base):
    """A join with a code that named no open class, by client (a hash of its address): too
    many in a window and that client's joins are refused for a while (codes cannot be
    enumerated cheaply)."""

    __tablename__ = "join_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
