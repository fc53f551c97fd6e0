"""The /live page through app.py (AppTest): a teacher and students as separate sessions of one
server, sharing one class database (an SQLite file per test).

AppTest runs no timers, so a student's one-second poll is stood in for by running the
student's page again, which is what the poll does when the class's version moved.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from conftest import assert_clean, open_page

from classroom.store import CODE_ALPHABET
from lstm_viz import LSTM
from lstm_viz.inputs import encode


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'classes.sqlite3'}"
    monkeypatch.setenv("LSTM_VIZ_DATABASE_URL", url)
    return url


def texts(at) -> str:
    """Everything the session's page says, as one string."""
    parts = [e.value for kind in ("markdown", "text", "caption", "error", "info", "warning")
             for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def metric(at, label: str) -> str:
    (value,) = [m.value for m in at.metric if m.label == label]
    return value


def start(lang: str = "en"):
    teacher = open_page("live", lang=lang)
    assert_clean(teacher)
    teacher.button(key="live_start_button").click().run()
    assert_clean(teacher)
    return teacher


def class_code(teacher) -> str:
    return metric(teacher, "Join code")


def join(code: str, nickname: str = ""):
    student = open_page("live")
    student.text_input(key="live_code").input(code)
    if nickname:
        student.text_input(key="live_nickname").input(nickname)
    student.button(key="live_join_button").click().run()
    assert_clean(student)
    return student


def teacher_token(teacher) -> str:
    (link,) = [t.value for t in teacher.text if "teacher=" in t.value]
    return link.split("teacher=")[1]


# ---- start and join ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_lobby_offers_start_and_join_in_both_languages(lang):
    at = open_page("live", lang=lang)
    assert_clean(at)
    assert at.button(key="live_start_button").label == {"en": "Start a class",
                                                        "zh": "开始一堂课"}[lang]
    assert at.text_input(key="live_code")


def test_starting_gives_a_code_a_qr_code_and_a_teacher_link():
    teacher = start()
    code = class_code(teacher)
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert teacher.query_params["class"] == code
    assert "teacher" not in teacher.query_params  # the token is never in the address bar
    assert len(teacher.get("image")) == 1  # the QR code
    assert f"live?class={code}" in texts(teacher)
    assert len(teacher_token(teacher)) >= 40
    assert metric(teacher, "Students joined") == "0"


def test_the_qr_code_reads_as_the_join_link():
    from ui import live

    png = live.qr_png("http://school.example:8501/live?class=ABCDEF")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the same link always gives the same image; another link another one
    assert live.qr_png("http://school.example:8501/live?class=ABCDEF") == png
    assert live.qr_png("http://school.example:8501/live?class=ABCDEG") != png


def test_presentation_mode_shows_code_qr_and_count_but_never_the_token():
    teacher = start()
    token = teacher_token(teacher)
    teacher.toggle(key="present").set_value(True).run()
    assert_clean(teacher)
    shown = texts(teacher)
    assert class_code(teacher) in shown and "Students joined" in shown
    assert token not in shown and "teacher=" not in shown
    assert len(teacher.get("image")) == 1
    assert not teacher.text_area  # no steering controls on the projector


def test_students_join_and_the_teacher_sees_the_count():
    teacher = start()
    code = class_code(teacher)
    join(code.lower())
    join(code[:3] + " " + code[3:], nickname="Ada")
    teacher.run()
    assert metric(teacher, "Students joined") == "2"


def test_scanning_the_qr_code_joins_at_once():
    teacher = start()
    code = class_code(teacher)
    student = open_page("live", **{"class": code})
    assert_clean(student)
    assert metric(student, "Join code") == code
    assert student.toggle(key="live_follow").value is True
    teacher.run()
    assert metric(teacher, "Students joined") == "1"


def test_a_wrong_code_says_so_and_too_many_are_refused():
    start()
    student = open_page("live")
    for _ in range(20):
        student.text_input(key="live_code").input("QQQQQQ")
        student.button(key="live_join_button").click().run()
        assert "No open class has this code" in texts(student)
    student.text_input(key="live_code").input("QQQQQQ")
    student.button(key="live_join_button").click().run()
    assert "Too many wrong codes" in texts(student)


@pytest.mark.parametrize("typed", ["ABC", "OOOOOO", "<b>x</b>"])
def test_a_code_that_cannot_be_one_gets_a_clear_message(typed):
    student = open_page("live")
    student.text_input(key="live_code").input(typed)
    student.button(key="live_join_button").click().run()
    assert_clean(student)
    assert "A join code is six letters and digits" in texts(student)


def test_the_teacher_link_makes_a_new_session_the_teacher_and_leaves_the_address():
    teacher = start()
    code, token = class_code(teacher), teacher_token(teacher)
    again = open_page("live", **{"class": code, "teacher": token})  # after a reload
    assert_clean(again)
    assert "teacher" not in again.query_params
    assert again.slider(key="live_step")  # it can steer
    forged = open_page("live", **{"class": code, "teacher": token[:-1] + "x"})
    assert "Only the teacher's link can steer" in texts(forged)
    assert not forged.get("slider")


# ---- following -----------------------------------------------------------------------------

def test_a_student_follows_the_teachers_step_and_unit_but_cannot_steer():
    teacher = start()
    student = join(class_code(teacher))
    assert "Step **1** of 10 · unit **1** of 8" in texts(student)
    assert not student.get("slider") and not student.text_area
    teacher.slider(key="live_step").set_value(4).run()
    teacher.slider(key="live_unit").set_value(3).run()
    student.run()  # the poll saw the version move
    assert "Step **4** of 10 · unit **3** of 8" in texts(student)
    assert "token: on" in texts(student)  # "the cat sat on …": step 4 reads "on"
    assert "teacher" not in student.query_params


def test_a_new_sequence_and_model_reach_the_student():
    teacher = start()
    student = join(class_code(teacher))
    teacher.text_area(key="live_seq").input("abcab").run()
    teacher.segmented_control(key="live_mode").set_value("chars").run()
    assert_clean(teacher)
    student.run()
    assert "Step **1** of 5" in texts(student)
    teacher.selectbox(key="live_model").set_value("pronoun-en").run()
    assert_clean(teacher)
    student.run()
    assert_clean(student)
    assert "Pronoun" in texts(student) or "pronoun" in texts(student).lower()


def test_following_off_keeps_the_student_away_and_on_brings_them_back():
    teacher = start()
    student = join(class_code(teacher))
    student.toggle(key="live_follow").set_value(False).run()
    teacher.slider(key="live_step").set_value(6).run()
    student.run()
    assert "Step **6**" not in texts(student) and "not following" in texts(student)
    student.toggle(key="live_follow").set_value(True).run()
    assert "Step **6** of 10" in texts(student)


# ---- predict, then reveal ------------------------------------------------------------------

def core_value(gate: str, step: int, unit: int) -> float:
    """The class's default view computed by the core itself: random weights, seed 0, 8
    units, reading "the cat sat on the mat because it was warm" word by word."""
    seq = encode("the cat sat on the mat because it was warm", "words", seed=0)
    trace = LSTM.random(seq.x.shape[1], 8, seed=0).run(seq.x)
    return float(getattr(trace, gate)[step, unit])


def test_predict_close_reveal_with_the_cores_value():
    teacher = start()
    code = class_code(teacher)
    teacher.slider(key="live_step").set_value(5).run()
    teacher.slider(key="live_unit").set_value(2).run()
    students = [join(code), join(code, nickname="=HYPERLINK(\"x\")")]
    teacher.selectbox(key="live_gate").set_value("f").run()
    teacher.button(key="live_ask_button").click().run()
    assert_clean(teacher)
    assert "forget gate of unit 2 at step 5" in texts(teacher)
    truth = core_value("f", 4, 1)
    for student, value in zip(students, (0.2, 0.9), strict=True):
        student.run()
        assert "forget gate of unit 2 at step 5" in texts(student)
        assert "comes back once the teacher reveals" in texts(student)  # no figure: no spoiler
        assert not student.get("plotly_chart")
        assert f"{truth:.2f}" not in [m.value for m in student.metric]
        student.slider(key=next(s.key for s in student.slider)).set_value(value).run()
        student.button(key="live_send_button").click().run()
        assert_clean(student)
        assert f"Sent: {value:.2f}" in texts(student)
    teacher.run()
    assert metric(teacher, "Answers in") == "2 / 2"
    teacher.button(key="live_close_button").click().run()
    teacher.button(key="live_reveal_button").click().run()
    assert_clean(teacher)
    assert metric(teacher, "True value") == f"{truth:.2f}"
    students[0].run()
    assert metric(students[0], "True value") == f"{truth:.2f}"
    assert metric(students[0], "Your answer") == "0.20"
    bars = [c for c in students[0].get("plotly_chart")]
    assert bars  # the class's answers, with the truth and the student's own
    summary = teacher.get("download_button")
    assert summary


def test_the_summary_csv_has_every_answer_and_neutralises_formulas():
    from ui import live

    teacher = start()
    code = class_code(teacher)
    student = join(code, nickname='=HYPERLINK("http://x")')
    teacher.button(key="live_ask_button").click().run()
    student.run()
    student.slider(key=next(s.key for s in student.slider)).set_value(0.4).run()
    student.button(key="live_send_button").click().run()
    from classroom.store import connect

    store = connect(live.classes.database_url())
    rows = store.summary(code, teacher_token(teacher))
    assert rows[0].answers == (('=HYPERLINK("http://x")', 0.4),)
    header = list(live.CSV_COLUMNS)
    table = list(csv.reader(io.StringIO(live.summary_csv(rows, header))))
    assert table[0] == header
    row = dict(zip(header, table[1], strict=True))
    assert [row[k] for k in ("question", "kind", "gate", "step", "unit", "token")] == [
        "1", "gate", "f", "1", "1", "the"]
    assert row["threshold"] == row["input_size"] == row["detail"] == ""  # not this kind's
    assert row["nickname"] == "'=HYPERLINK(\"http://x\")"  # a spreadsheet shows it, never runs it
    assert row["answer"] == "0.4000"
    assert np.isclose(float(row["truth"]), core_value("f", 0, 0), atol=1e-4)
    store.engine.dispose()


def test_an_expired_class_sends_everyone_back_to_the_lobby(monkeypatch, database):
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import create_engine, text

    teacher = start()
    student = join(class_code(teacher))
    engine = create_engine(database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE classes SET expires_at = :t"),
                     {"t": datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=1)})
    engine.dispose()
    student.run()
    assert_clean(student)
    assert "No open class has this code" in texts(student)
    assert student.button(key="live_start_button")
