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
from conftest import assert_clean, decode, open_page, plotly_specs

from classroom.store import CODE_ALPHABET
from lstm_viz import LSTM
from lstm_viz.inputs import encode
from text.i18n import tr


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


def class_code(teacher, lang: str = "en") -> str:
    return metric(teacher, tr("live.code", lang))


def join(code: str, nickname: str = "", lang: str = "en"):
    student = open_page("live", lang=lang)
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
    assert not [b for b in teacher.button if b.key == "live_ask_button"]  # nor what to ask
    assert not [s for s in teacher.selectbox if s.key == "live_kind"]
    teacher.toggle(key="present").set_value(False).run()
    assert teacher.button(key="live_ask_button")  # the laptop asks


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


# ---- the other kinds: above or below a threshold, which gate closes, a parameter count -----

def asked(lang: str, kind: str, **widgets):
    """A teacher in ``lang`` on step 5, unit 2, one student in ``lang``, and a question of
    ``kind`` asked with the teacher's ``widgets`` (key → value) set first."""
    teacher = start(lang)
    code = class_code(teacher, lang)
    teacher.slider(key="live_step").set_value(5).run()
    teacher.slider(key="live_unit").set_value(2).run()
    student = join(code, lang=lang)
    teacher.selectbox(key="live_kind").set_value(kind).run()
    assert_clean(teacher)
    for key, value in widgets.items():
        kinds = {"live_gate": "selectbox", "live_convention": "selectbox"}
        getattr(teacher, kinds.get(key, "number_input"))(key=key).set_value(value).run()
    teacher.button(key="live_ask_button").click().run()
    assert_clean(teacher)
    assert not teacher.error, [e.value for e in teacher.error]
    student.run()
    assert_clean(student)
    return teacher, student


def close_and_reveal(teacher, student):
    teacher.run()
    teacher.button(key="live_close_button").click().run()
    assert_clean(teacher)
    assert teacher.get("plotly_chart")  # the class's answers, before the truth
    teacher.button(key="live_reveal_button").click().run()
    assert_clean(teacher)
    student.run()
    assert_clean(student)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_above_or_below_a_threshold(lang):
    teacher, student = asked(lang, "threshold", live_gate="i", live_threshold=0.4)
    value = core_value("i", 4, 1)
    right = "above" if value > 0.4 else "below"
    question = tr("live.q.threshold", lang, gate=tr("gate.i", lang), unit=2, step=5,
                  threshold="0.40")
    assert question in texts(student) and question in texts(teacher)
    assert tr("live.rule.threshold", lang, threshold="0.40") in texts(student)
    assert not student.get("slider") and not student.get("plotly_chart")  # no spoiler
    picks = [student.button(key=f"live_pick_{k}") for k in (0, 1)]
    assert [b.label for b in picks] == [tr("live.side.below", lang), tr("live.side.above", lang)]
    wrong = 1 - ("below", "above").index(right)
    student.button(key=f"live_pick_{wrong}").click().run()
    assert_clean(student)
    assert student.button(key=f"live_pick_{wrong}").proto.type == "primary"  # the pick shows
    teacher.run()
    assert metric(teacher, tr("live.answered", lang)) == "1 / 1"
    close_and_reveal(teacher, student)
    said = tr(f"live.side.{right}", lang)
    assert metric(teacher, tr("live.right", lang)) == said
    assert metric(student, tr("live.right", lang)) == said
    assert metric(student, tr("live.own", lang)) == tr(f"live.side.{('below', 'above')[wrong]}",
                                                       lang)
    assert tr("live.verdict.wrong", lang) in texts(student)
    assert f"{value:.4f}" in texts(student) and f"{value:.4f}" in texts(teacher)
    if lang == "en":
        assert f"The model computes the input gate here as {value:.4f}: {right} 0.40." \
            in texts(student)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_which_gate_closes(lang):
    teacher, student = asked(lang, "closes")
    values = {g: core_value(g, 4, 1) for g in ("f", "i", "o")}
    closing = min(values, key=values.get)
    assert tr("live.q.closes", lang, step=5, unit=2) in texts(student)
    assert tr("live.rule.closes", lang) in texts(student)  # the definition, on the page
    labels = [student.button(key=f"live_pick_{k}").label for k in range(3)]
    assert labels == [tr(f"gate.{g}", lang) for g in ("f", "i", "o")]
    pick = ("f", "i", "o").index(closing)
    student.button(key=f"live_pick_{pick}").click().run()
    assert tr("live.sent", lang, value=tr(f"gate.{closing}", lang)) in texts(student)
    close_and_reveal(teacher, student)
    assert metric(student, tr("live.right", lang)) == tr(f"gate.{closing}", lang)
    assert metric(student, tr("live.own", lang)) == tr(f"gate.{closing}", lang)
    assert tr("live.verdict.right", lang) in texts(student)
    for g, v in values.items():  # every gate's value, so the learner can check
        assert f"{tr(f'gate.{g}', lang)} = {v:.3f}" in texts(student)
    bars = [s for s in plotly_specs(student) if s["data"][0]["type"] == "bar"]
    assert [int(n) for n in decode(bars[0]["data"][0]["y"])] == [
        int(k == pick) for k in range(3)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_parameter_count_with_its_formula(lang):
    teacher, student = asked(lang, "count", live_input_size=5, live_units=8, live_layers=2,
                             live_convention="keras")
    # 4·(H·(H+X) + H) per layer: the first reads X = 5, the second the H = 8 below it
    first, second = 4 * (8 * (8 + 5) + 8), 4 * (8 * (8 + 8) + 8)
    question = tr("live.q.count.stack", lang, layers=2, h=8, x=5,
                  convention=tr("check.count.keras", lang))
    assert question in texts(student)
    assert student.get("plotly_chart")  # a count gives nothing away: the step stays drawn
    box = next(t.key for t in student.text_input if t.key.startswith("live_count_"))
    for typed, error in (("12.5", "live.err.whole"), ("-992", "live.err.whole"),
                         ("1e3", "live.err.whole"), ("9" * 13, "live.err.huge")):
        student.text_input(key=box).input(typed)
        student.button(key="live_send_button").click().run()
        assert_clean(student)
        message = tr(error, lang, high="1,000,000,000,000")
        assert any(message.replace(".", "") in e.value.replace("\\", "").replace(".", "")
                   for e in student.error), (typed, [e.value for e in student.error])
    student.text_input(key=box).input(f"{first + second:,}")  # with a comma: fine
    student.button(key="live_send_button").click().run()
    assert not student.error
    assert tr("live.sent", lang, value=f"{first + second:,}") in texts(student)
    close_and_reveal(teacher, student)
    for at in (teacher, student):
        assert metric(at, tr("live.right", lang)) == f"{first + second:,}"
        said = texts(at)
        assert f"4·(8·(8+5) + 8) = {first}" in said and f"4·(8·(8+8) + 8) = {second}" in said
    assert metric(student, tr("live.own", lang)) == f"{first + second:,}"
    assert tr("live.verdict.right", lang) in texts(student)


def test_a_threshold_outside_the_gates_range_is_refused_with_a_message():
    teacher = start()
    teacher.selectbox(key="live_kind").set_value("threshold").run()
    teacher.number_input(key="live_threshold").set_value(1.5).run()
    teacher.button(key="live_ask_button").click().run()
    assert_clean(teacher)
    assert "strictly between 0 and 1" in texts(teacher)
    assert not teacher.button(key="live_ask_button").disabled
    assert "live_close_button" not in [b.key for b in teacher.button]  # nothing was asked
    teacher.selectbox(key="live_gate").set_value("g").run()
    teacher.number_input(key="live_threshold").set_value(-0.5).run()
    teacher.button(key="live_ask_button").click().run()
    assert not teacher.error
    assert teacher.button(key="live_close_button")


def test_the_summary_csv_has_every_kind_with_its_parameters_and_truth():
    from classroom.store import connect
    from ui import live

    teacher, student = asked("en", "threshold", live_gate="f", live_threshold=0.5)
    student.button(key="live_pick_1").click().run()
    close_and_reveal(teacher, student)
    teacher.selectbox(key="live_kind").set_value("closes").run()
    teacher.button(key="live_ask_button").click().run()
    student.run()
    student.button(key="live_pick_2").click().run()
    close_and_reveal(teacher, student)
    teacher.selectbox(key="live_kind").set_value("count").run()
    teacher.button(key="live_ask_button").click().run()
    student.run()
    box = next(t.key for t in student.text_input if t.key.startswith("live_count_"))
    student.text_input(key=box).input("416")
    student.button(key="live_send_button").click().run()
    store = connect(live.classes.database_url())
    rows = store.summary(class_code(teacher), teacher_token(teacher))
    table = list(csv.reader(io.StringIO(live.summary_csv(rows, list(live.CSV_COLUMNS)))))
    store.engine.dispose()
    got = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert [r["kind"] for r in got] == ["threshold", "closes", "count"]
    value = core_value("f", 4, 1)
    assert got[0]["threshold"] == "0.5" and got[0]["gate"] == "f" and got[0]["step"] == "5"
    assert got[0]["truth"] == ("above" if value > 0.5 else "below")
    assert got[0]["detail"] == f"{value:.4f}" and got[0]["answer"] == "above"
    values = {g: core_value(g, 4, 1) for g in ("f", "i", "o")}
    assert got[1]["truth"] == min(values, key=values.get) and got[1]["answer"] == "o"
    assert got[1]["detail"] == "; ".join(f"{g}={v:.4f}" for g, v in values.items())
    assert (got[2]["input_size"], got[2]["units"], got[2]["layers"], got[2]["convention"]) == (
        "5", "8", "1", "keras")
    assert got[2]["truth"] == "448" and got[2]["answer"] == "416"  # 416: no biases
    assert got[2]["detail"] == "4·(8·(8+5) + 8) = 448"
