"""classroom/: a live class's storage, on SQLite (a WAL file) and on a real PostgreSQL server.

The PostgreSQL half starts a throw-away server (tests/conftest.py: postgres_server); it skips
where PostgreSQL is not installed, and fails instead when LSTM_VIZ_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import inspect, text

from classroom import store as classes
from classroom.models import Base
from classroom.store import ClassError, ClassGone, ClassView, RateLimited, connect
from lstm_viz import LSTM, questions

T0 = datetime(2026, 12, 6, 9, 0, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url):
    s = connect(url, hours=12)
    yield s
    s.engine.dispose()


def started(store, **view):
    return store.start_class(ClassView(**view), now=T0)


# ---- schema: made by the migrations, the same as the models -------------------------------

def test_the_migrations_make_the_models_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert diff == []
    assert version == "0002"
    assert set(inspect(store.engine).get_table_names()) >= {
        "classes", "students", "questions", "answers", "join_failures"}


def test_a_second_start_finds_the_tables_made(url):
    first = connect(url)
    code = first.start_class(now=T0).code
    second = connect(url)  # another server process starting on the same database
    assert second.snapshot(code, now=T0).code == code
    first.engine.dispose()
    second.engine.dispose()


def test_sqlite_is_a_wal_file_with_foreign_keys(tmp_path):
    s = connect(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    raw = sqlite3.connect(tmp_path / "c.sqlite3")  # the file itself says WAL
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_the_default_database_is_a_file_under_the_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("LSTM_VIZ_DATABASE_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert classes.database_url() == f"sqlite:///{tmp_path}/.cache/lstm-viz/classes.sqlite3"
    assert (tmp_path / ".cache" / "lstm-viz").is_dir()
    monkeypatch.setenv("LSTM_VIZ_DATABASE_URL", "postgresql://u@db/classes")
    assert classes.database_url() == "postgresql://u@db/classes"
    assert classes.make_engine("postgresql://u@db/classes").dialect.driver == "psycopg"


@pytest.mark.parametrize("raw, hours", [("", 12.0), ("0.5", 0.5), ("48", 48.0)])
def test_the_lifetime_is_configurable(monkeypatch, raw, hours):
    monkeypatch.setenv("LSTM_VIZ_CLASS_HOURS", raw)
    assert classes.class_hours() == hours


@pytest.mark.parametrize("raw", ["soon", "0", "-3", "nan", "inf"])
def test_a_bad_lifetime_says_what_to_set(monkeypatch, raw):
    monkeypatch.setenv("LSTM_VIZ_CLASS_HOURS", raw)
    with pytest.raises(ValueError, match="LSTM_VIZ_CLASS_HOURS"):
        classes.class_hours()


# ---- codes and tokens ----------------------------------------------------------------------

def test_a_class_has_a_code_of_unambiguous_characters_and_a_hashed_token(store):
    new = started(store)
    assert len(new.code) == 6 and set(new.code) <= set(classes.CODE_ALPHABET)
    assert not set(classes.CODE_ALPHABET) & set("0O1IL2Z5S")
    assert len(new.token) >= 40  # 32 random bytes
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM classes")).scalar()
    assert new.token not in stored and len(stored) == 64


def test_codes_differ_between_classes(store):
    codes = {started(store).code for _ in range(30)}
    assert len(codes) == 30


@pytest.mark.parametrize("typed, code", [("abc-def", "ABCDEF"), (" qx 79 ab", "QX79AB")])
def test_a_typed_code_is_read_as_stored(typed, code):
    assert classes.normal_code(typed) == code


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDEFG", "ABCDE0", "ABCDEI", "ABC DE!"])
def test_a_code_that_cannot_be_one_is_refused(typed):
    with pytest.raises(ClassError) as err:
        classes.normal_code(typed)
    assert err.value.code == "code"


def test_only_the_token_steers(store):
    new, other = started(store), started(store)
    assert store.is_teacher(new.code, new.token, now=T0)
    assert not store.is_teacher(new.code, other.token, now=T0)
    assert not store.is_teacher(new.code, "", now=T0)
    for act in (lambda t: store.set_view(new.code, t, ClassView(step=3), now=T0),
                lambda t: store.ask(new.code, t, "gate", {}, 0.5, 0, 1, now=T0),
                lambda t: store.summary(new.code, t, now=T0)):
        with pytest.raises(ClassError) as err:
            act(other.token)  # another class's teacher, or a student guessing
        assert err.value.code == "teacher"
    assert store.snapshot(new.code, now=T0).view.step == 0


# ---- following -----------------------------------------------------------------------------

def test_the_teacher_moves_and_the_version_follows(store):
    new = started(store)
    v1 = store.version(new.code, now=T0)
    view = ClassView(seq="abc", mode="chars", units=4, seed=2, model="random", step=2, unit=3)
    v2 = store.set_view(new.code, new.token, view, now=T0)
    assert v2 == v1 + 1 == store.version(new.code, now=T0)
    assert store.snapshot(new.code, now=T0).view == view


def test_a_class_never_shows_another_class(store):
    a, b = started(store), started(store)
    store.set_view(a.code, a.token, ClassView(seq="only in a", step=1), now=T0)
    store.join(b.code, "10.0.0.1", "s1", now=T0)
    assert store.snapshot(b.code, now=T0).view == ClassView()
    assert store.snapshot(a.code, now=T0).students == 0
    qa = store.ask(a.code, a.token, "gate", {"gate": "f"}, 0.25, 0, 1, now=T0)
    with pytest.raises(ClassError) as err:  # b's student answering a's question
        store.answer(b.code, "s1", qa, 0.5, now=T0)
    assert err.value.code == "question"
    assert store.snapshot(b.code, now=T0).question is None


def test_a_sequence_too_long_is_refused():
    with pytest.raises(ClassError) as err:
        ClassView(seq="x" * 2001)
    assert err.value.code == "seq"


def test_concurrent_moves_lose_no_version(store):
    new = started(store)
    errors = []

    def move(k):
        try:
            for step in range(5):
                store.set_view(new.code, new.token, ClassView(step=step, unit=k), now=T0)
        except Exception as err:  # noqa: BLE001 (any error fails the test below)
            errors.append(err)

    threads = [threading.Thread(target=move, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.version(new.code, now=T0) == 1 + 4 * 5


# ---- joining -------------------------------------------------------------------------------

def test_students_join_with_the_code_typed_loosely(store):
    new = started(store)
    loose = new.code[:3].lower() + "-" + new.code[3:]
    assert store.join(loose, "10.0.0.1", "s1", "Ada", now=T0) == new.code
    store.join(new.code, "10.0.0.1", "s2", now=T0)
    store.join(new.code, "10.0.0.1", "s1", "Ada L.", now=T0)  # a reload: the same student
    assert store.snapshot(new.code, now=T0).students == 2


def test_a_nickname_is_plain_text_and_short(store):
    new = started(store)
    store.join(new.code, "c", "s1", " **bold** <b>x</b>\x07 ", now=T0)
    store.ask(new.code, new.token, "gate", {}, 0.5, 0, 1, now=T0)
    qid = store.snapshot(new.code, now=T0).question.id
    store.answer(new.code, "s1", qid, 0.1, now=T0)
    (row,) = store.summary(new.code, new.token, now=T0)
    assert row.answers == (("**bold** <b>x</b>", 0.1),)  # kept as typed, only trimmed
    with pytest.raises(ClassError) as err:
        store.join(new.code, "c", "s2", "n" * 25, now=T0)
    assert err.value.code == "nickname"


def test_wrong_codes_are_rate_limited_per_client(store):
    new = started(store)
    for _ in range(classes.MAX_FAILURES):
        with pytest.raises(ClassGone):
            store.join("AAAAAA" if new.code != "AAAAAA" else "BBBBBB", "1.2.3.4", "s", now=T0)
    with pytest.raises(RateLimited):  # even the right code, for a while
        store.join(new.code, "1.2.3.4", "s", now=T0)
    assert store.join(new.code, "5.6.7.8", "s", now=T0) == new.code  # another client
    later = T0 + classes.FAILURE_WINDOW + timedelta(seconds=1)
    store.set_view(new.code, new.token, ClassView(), now=later)
    assert store.join(new.code, "1.2.3.4", "s", now=later) == new.code


def test_right_codes_do_not_count_against_a_classroom_behind_one_address(store):
    new = started(store)
    for k in range(3 * classes.MAX_FAILURES):  # a class of 60 behind one school router
        store.join(new.code, "school", f"s{k}", now=T0)
    assert store.snapshot(new.code, now=T0).students == 3 * classes.MAX_FAILURES


# ---- questions -----------------------------------------------------------------------------

def asked(store, truth=0.73):
    new = started(store)
    for sid in ("s1", "s2", "s3"):
        store.join(new.code, "c", sid, now=T0)
    qid = store.ask(new.code, new.token, "gate", {"gate": "f", "step": 2, "unit": 1}, truth,
                    0.0, 1.0, now=T0)
    return new, qid


def test_predict_close_reveal(store):
    new, qid = asked(store)
    snap = store.snapshot(new.code, now=T0)
    assert snap.question.state == "open" and snap.question.truth is None  # not before reveal
    assert snap.question.params == {"gate": "f", "step": 2, "unit": 1}
    for sid, value in (("s1", 0.2), ("s2", 0.9), ("s1", 0.6)):  # s1 changes their mind
        store.answer(new.code, sid, qid, value, now=T0)
    assert sorted(store.answers(new.code, qid, now=T0)) == [0.6, 0.9]
    assert store.snapshot(new.code, now=T0).answered == 2
    store.close(new.code, new.token, qid, now=T0)
    with pytest.raises(ClassError) as err:
        store.answer(new.code, "s3", qid, 0.5, now=T0)
    assert err.value.code == "closed"
    assert store.snapshot(new.code, now=T0).question.truth is None
    assert store.truth(new.code, new.token, qid, now=T0) == 0.73  # the teacher may look
    store.reveal(new.code, new.token, qid, now=T0)
    snap = store.snapshot(new.code, now=T0)
    assert (snap.question.state, snap.question.truth) == ("revealed", 0.73)
    assert store.own_answer(new.code, "s1", qid, now=T0) == 0.6
    assert store.own_answer(new.code, "s3", qid, now=T0) is None


@pytest.mark.parametrize("value", [-0.01, 1.01, float("nan"), float("inf")])
def test_an_answer_outside_the_range_is_refused(store, value):
    new, qid = asked(store)
    with pytest.raises(ClassError) as err:
        store.answer(new.code, "s1", qid, value, now=T0)
    assert err.value.code == "range"


def test_only_a_student_who_joined_answers(store):
    new, qid = asked(store)
    with pytest.raises(ClassError) as err:
        store.answer(new.code, "never-joined", qid, 0.5, now=T0)
    assert err.value.code == "student"


def test_a_new_question_closes_the_last_one_and_the_summary_has_both(store):
    new, first = asked(store, truth=0.25)
    store.answer(new.code, "s1", first, 0.3, now=T0)
    second = store.ask(new.code, new.token, "gate", {"gate": "g"}, -0.5, -1.0, 1.0, now=T0)
    with pytest.raises(ClassError):
        store.answer(new.code, "s2", first, 0.3, now=T0)
    store.answer(new.code, "s2", second, -0.75, now=T0)
    rows = store.summary(new.code, new.token, now=T0)
    assert [(r.question.id, r.truth, r.answers) for r in rows] == [
        (first, 0.25, (("", 0.3),)), (second, -0.5, (("", -0.75),))]


def test_a_truth_outside_its_range_is_a_bug_not_a_question(store):
    new = started(store)
    with pytest.raises(ValueError):
        store.ask(new.code, new.token, "gate", {}, 1.5, 0.0, 1.0, now=T0)


# ---- every kind of question (lstm_viz/questions.py: the truth from the core) --------------

def core_trace():
    """Seeded random weights reading four one-hot steps: (T, H) = (4, 3)."""
    return LSTM.random(4, 3, seed=1).run(np.eye(4)), ["a", "b", "c", "d"]


def kind_question(kind):
    trace, tokens = core_trace()
    if kind == "gate":
        return questions.gate_question(trace, tokens, "g", 2, 1)
    if kind == "threshold":
        return questions.threshold_question(trace, tokens, "f", 2, 1, 0.5)
    if kind == "closes":
        return questions.closes_question(trace, tokens, 2, 1)
    return questions.count_question(5, 8, 2, "pytorch")


# answers each kind may take, and ones it must refuse (a choice is its index; counts whole)
GOOD = {"gate": [-0.5, 0.25], "threshold": [0.0, 1.0], "closes": [0.0, 2.0],
        "count": [992.0, 0.0]}
BAD = {"gate": [1.5, float("nan")], "threshold": [0.5, 2.0, -1.0], "closes": [3.0, 1.5],
       "count": [991.5, -1.0, 1e13, float("inf")]}


@pytest.mark.parametrize("kind", sorted(questions.KINDS))
def test_every_kind_is_asked_answered_and_revealed_with_its_detail(store, kind):
    q = kind_question(kind)
    new = started(store)
    for sid in ("s1", "s2"):
        store.join(new.code, "c", sid, now=T0)
    qid = store.ask(new.code, new.token, q.kind, q.params, q.truth, q.low, q.high, now=T0,
                    detail=q.detail)
    for sid, value in zip(("s1", "s2"), GOOD[kind], strict=True):
        store.answer(new.code, sid, qid, value, now=T0)
    for value in BAD[kind]:
        with pytest.raises(ClassError) as err:
            store.answer(new.code, "s1", qid, value, now=T0)
        assert err.value.code == "range", value
    seen = store.snapshot(new.code, now=T0).question
    assert (seen.kind, seen.params, seen.truth, seen.detail) == (kind, q.params, None, None)
    store.close(new.code, new.token, qid, now=T0)
    assert store.snapshot(new.code, now=T0).question.detail is None  # closed: still hidden
    store.reveal(new.code, new.token, qid, now=T0)
    seen = store.snapshot(new.code, now=T0).question
    assert (seen.truth, seen.detail) == (q.truth, q.detail)
    assert store.own_answer(new.code, "s2", qid, now=T0) == GOOD[kind][1]
    (row,) = store.summary(new.code, new.token, now=T0)
    assert row.question.kind == kind and row.truth == q.truth
    assert row.question.detail == q.detail and row.question.params == q.params
    assert [v for _, v in row.answers] == GOOD[kind]


def test_the_truth_of_each_kind_is_the_cores():
    trace, _ = core_trace()
    f, i, o = (float(getattr(trace, g)[2, 1]) for g in ("f", "i", "o"))
    assert kind_question("gate").truth == float(trace.g[2, 1])
    assert kind_question("threshold").truth == float(f > 0.5)
    assert kind_question("threshold").detail == {"value": f}
    assert kind_question("closes").truth == float(np.argmin([f, i, o]))
    assert kind_question("closes").detail == {"f": f, "i": i, "o": o}
    # PyTorch: 4·H·(H + X) + 8·H per layer, the second reading the first's H = 8
    assert kind_question("count").truth == (4 * 8 * 13 + 64) + (4 * 8 * 16 + 64)


def test_a_truth_that_is_no_answer_of_its_kind_is_a_bug(store):
    new = started(store)
    for kind, truth, high in (("threshold", 0.5, 1.0), ("count", 10.5, 1e12),
                              ("closes", 3.0, 2.0), ("quiz", 1.0, 1.0)):
        with pytest.raises(ValueError):
            store.ask(new.code, new.token, kind, {}, truth, 0.0, high, now=T0)


def test_a_database_at_revision_0001_is_upgraded_and_keeps_its_questions(tmp_path):
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = classes.make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(classes.MIGRATIONS))
    with engine.connect() as conn, conn.begin():
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")  # a class database from before question details
        conn.execute(text("INSERT INTO classes VALUES (1, 'ABCDEF', 'x', 'gates', 's', 'words',"
                          " 8, 0, 'random', 0, 0, 1, '2026-12-06', '2099-01-01')"))
        conn.execute(text("INSERT INTO questions VALUES (1, 1, 'gate', '{\"gate\": \"f\", "
                          "\"low\": 0, \"high\": 1}', 'revealed', 0.5, '2026-12-06')"))
    engine.dispose()
    s = connect(url)
    seen = s.snapshot("ABCDEF", now=T0).question
    assert (seen.kind, seen.truth, seen.detail) == ("gate", 0.5, {})
    s.engine.dispose()


# ---- expiry --------------------------------------------------------------------------------

def test_a_class_expires_and_is_deleted_with_its_answers(store):
    new, qid = asked(store)
    store.answer(new.code, "s1", qid, 0.5, now=T0)
    end = T0 + timedelta(hours=12)
    with pytest.raises(ClassGone):
        store.snapshot(new.code, now=end)  # closed at once, deleted at the next purge
    with pytest.raises(ClassGone):
        store.join(new.code, "c", "s9", now=end)
    assert store.purge(now=end) == 1
    with store.engine.connect() as conn:
        for table in ("classes", "students", "questions", "answers"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_starting_a_class_deletes_expired_ones(store):
    old = started(store)
    store.start_class(now=T0 + timedelta(hours=13))
    with store.engine.connect() as conn:
        codes = conn.execute(text("SELECT code FROM classes")).scalars().all()
    assert old.code not in codes and len(codes) == 1
