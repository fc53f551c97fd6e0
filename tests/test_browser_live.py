"""A live class in real browsers: a teacher and three students on *two* Streamlit servers
that share one PostgreSQL database (the throw-away server of tests/conftest.py).

The teacher (server A) starts a class and moves the step; every student (two on server B,
one on A) follows; the teacher asks for a gate's value, every student answers, the
projector counts the answers and reveals the core's value; then the same for "which gate
closes", answered with a button per gate.
"""

from __future__ import annotations

import re
import time

import pytest
import test_browser
from test_browser import IDLE, streamlit_server

pytestmark = pytest.mark.browser
server = test_browser.server  # the session's one app.py server (tests/test_browser.py)

FOLLOW_WITHIN_MS = 10_000  # generous for a shared CI machine; benchmarks/live_class.py times it


def tab(browser, url: str):
    page = browser.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.js_errors = errors
    page.goto(url)
    page.wait_for_selector(IDLE)
    return page


def says(page, text: str, timeout: float = FOLLOW_WITHIN_MS) -> None:
    page.wait_for_function("(t) => document.body.innerText.includes(t)", arg=text,
                           timeout=timeout)


def choose_kind(teacher, label: str) -> None:
    """The teacher picks the kind of question to ask: types it into the select box, opens
    the list (now filtered to that one option) with ↓ and clicks it, then waits until the
    box shows it and the rerun is over. Streamlit 1.65's select box shows the choice as
    text, 1.67's combobox as its input's value, and does not open its list on typing.
    The tab is brought to the front first: here the teacher and a student share one browser,
    and with a student's tab in front 1.67's list did not open."""
    teacher.bring_to_front()
    teacher.wait_for_selector(IDLE)
    kind = teacher.locator(".st-key-live_kind input")
    kind.fill(label)
    kind.press("ArrowDown")
    teacher.get_by_role("option", name=label, exact=True).click()
    teacher.wait_for_function(
        """(t) => {
            const box = document.querySelector('.st-key-live_kind');
            return box.innerText.includes(t)
                || [...box.querySelectorAll('input')].some(i => i.value === t);
        }""", arg=label)
    teacher.wait_for_selector(IDLE)


def close_and_reveal(teacher, answers: str) -> None:
    """Once ``answers`` ("3 / 3") are in: close the answers, then reveal the truth."""
    teacher.wait_for_function("(t) => document.body.innerText.includes(t)", arg=answers,
                              timeout=FOLLOW_WITHIN_MS)
    teacher.locator(".st-key-live_close_button button").click()
    teacher.locator(".st-key-live_reveal_button button").click()


def metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']", has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


@pytest.fixture
def two_servers(chromium, postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_VIZ_DATABASE_URL", postgres_url)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with streamlit_server("app.py", tmp_path / "a") as a, \
         streamlit_server("app.py", tmp_path / "b") as b:
        yield a, b


def test_a_teacher_and_three_students_on_two_servers_sharing_postgres(browser, two_servers):
    a, b = two_servers
    teacher = tab(browser, a + "/live")
    teacher.locator(".st-key-live_start_button button").click()
    says(teacher, "Students joined")
    code = metric(teacher, "Join code")
    assert re.fullmatch(r"[A-Z3-9]{6}", code)
    assert "teacher=" not in teacher.url  # the token is not in the teacher's address bar

    students = [tab(browser, f"{server}/live?class={code}") for server in (b, b, a)]
    for student in students:
        says(student, "Step 1 of 10")
        assert "teacher=" not in student.url
    says(teacher, "Students joined", 1_000)
    teacher.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')].some("
        "m => m.innerText.includes('Students joined') && m.innerText.includes('3'))",
        timeout=FOLLOW_WITHIN_MS)  # the projector's count follows its poll

    slider = teacher.locator(".st-key-live_step input[type=range]")
    slider.focus()
    for _ in range(3):
        teacher.keyboard.press("ArrowRight")
    moved = time.monotonic()
    for student in students:
        says(student, "Step 4 of 10")
    assert time.monotonic() - moved < FOLLOW_WITHIN_MS / 1000

    teacher.wait_for_selector(IDLE)
    teacher.locator(".st-key-live_ask_button button").click()
    for student in students:
        says(student, "What is the value of the forget gate of unit 1 at step 4?")
        student.locator(".st-key-live_send_button button").click()
        says(student, "Sent: 0.50")
    close_and_reveal(teacher, "3 / 3")
    says(teacher, "True value")
    truth = metric(teacher, "True value")
    for student in students:
        says(student, "True value")
        assert metric(student, "True value") == truth
        assert metric(student, "Your answer") == "0.50"

    # another kind: which gate closes, answered with a button per gate
    choose_kind(teacher, "which gate closes")
    teacher.locator(".st-key-live_ask_button button").click()
    for student in students:
        says(student, "Which gate closes at step 4 for unit 1?")
        student.wait_for_selector(".st-key-live_pick_0 button")
        student.locator(".st-key-live_pick_0 button").click()
        says(student, "Sent: forget gate")
    close_and_reveal(teacher, "3 / 3")
    says(teacher, "Right answer")
    right = metric(teacher, "Right answer")
    assert right in ("forget gate", "input gate", "output gate")
    for student in students:
        says(student, "Right answer")
        assert metric(student, "Right answer") == right
        assert metric(student, "Your answer") == "forget gate"
        says(student, "The model's values here:")
        assert not student.js_errors, student.js_errors
        student.close()
    assert not teacher.js_errors, teacher.js_errors
    teacher.close()


# ---- typed markup stays text (tests/test_security.py's payloads and watcher) ---------------

def test_typed_payloads_stay_text_on_live(browser, server):
    from test_security import PAYLOADS, WATCH, assert_inert

    def watched_tab():
        page = browser.new_page()
        page.set_default_timeout(30_000)
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.add_init_script(WATCH)
        page.goto(server + "/live")
        page.wait_for_selector(IDLE)
        return page

    teacher = watched_tab()
    teacher.locator(".st-key-live_start_button button").click()
    says(teacher, "Students joined")
    code = metric(teacher, "Join code")
    student = watched_tab()
    for payload in PAYLOADS:  # as a code, then as a nickname with the right code
        for field, value in (("live_code", payload), ("live_nickname", payload[:24])):
            student.locator(f".st-key-{field} input").fill(value)
        student.locator(".st-key-live_join_button button").click()
        student.wait_for_selector(IDLE)
        assert_inert(student, f"code ← {payload}")
    student.locator(".st-key-live_code input").fill(code)
    student.locator(".st-key-live_join_button button").click()
    says(student, "Step 1 of")
    for payload in PAYLOADS:  # the teacher's sequence, shown on every student's page
        teacher.wait_for_selector(IDLE)
        box = teacher.locator(".st-key-live_seq textarea")
        box.fill(payload)
        box.press("Control+Enter")
        teacher.wait_for_selector(IDLE)
        assert_inert(teacher, f"sequence ← {payload}")
        student.wait_for_timeout(2500)  # the student's poll and rerun
        student.wait_for_selector(IDLE)
        assert_inert(student, f"the class's sequence ← {payload}")
    choose_kind(teacher, "a parameter count")  # the one answer a student types
    says(teacher, "Input size X")
    teacher.locator(".st-key-live_ask_button button").click()
    box = student.locator("[class*='st-key-live_count_'] input")
    box.wait_for(timeout=FOLLOW_WITHIN_MS)
    for payload in PAYLOADS:
        box.fill(payload[:40])  # the box takes at most 40 characters
        student.locator(".st-key-live_send_button button").click()
        student.wait_for_selector(IDLE)
        says(student, "Type the count as a whole number")
        assert_inert(student, f"count ← {payload}")
    teacher.close()
    student.close()
