"""The README's screenshots of a live class, made by running one: ``streamlit run app.py`` on
a free port with a throw-away SQLite database, Chromium as a teacher (a laptop tab that
steers, 1366×768, and the projector, 1280×720 with ``present=1``) and three students
(phones, 390×844). The students join, the teacher moves to step 4, asks "which gate closes"
and then a gate's value; the students answer; the teacher closes and reveals each.

    .venv/bin/python tools/live_screenshots.py                # English, into docs/screenshots/
    .venv/bin/python tools/live_screenshots.py --lang zh --out /tmp/zh --laptop

Writes live-projector.png (code, QR code, students joined), live-phone-question.png (an open
"which gate closes"), live-projector-answers.png (the answers and the true value) and
live-phone-reveal.png (a student's answer beside the truth); ``--laptop`` also writes the
teacher's laptop view while asking each of the four kinds (laptop-<kind>.png).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from server import start_server, stop  # noqa: E402  (benchmarks/server.py)

from text.i18n import tr  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PROJECTOR = {"width": 1280, "height": 720}
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 20_000
STEP = 4  # the step the lesson stops at (1-based)
PICKS = (0, 0, 2)  # each student's gate for "which gate closes": forget, forget, output
SLIDES = (-20, -8, 12)  # each student's slider moves (0.01 each) from 0.50 for a gate's value


def settle(page, ms: int = 600) -> None:
    """The script has run and the page has drawn (charts included)."""
    page.wait_for_selector(IDLE, timeout=WAIT_MS)
    page.wait_for_timeout(ms)
    page.wait_for_selector(IDLE, timeout=WAIT_MS)


def says(page, text: str) -> None:
    page.wait_for_function("(t) => document.body.innerText.includes(t)", arg=text,
                           timeout=WAIT_MS)


def tab(context, url: str):
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    settle(page)
    return page


def save(page, path: Path) -> None:
    """The page's first screen as a PNG of at most 256 colours (a UI screenshot loses
    nothing visible; the file is a third of the size)."""
    from PIL import Image

    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    print(f"{path}  {path.stat().st_size / 1000:.0f} kB")


def scroll_to(page, selector: str) -> None:
    """Scroll so that ``selector``'s element starts near the top of the screen."""
    page.locator(selector).first.evaluate(
        "e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def heading(page, lang: str) -> None:
    """Scroll to the question: its words, the truth and the answers on one screen."""
    page.get_by_text(tr("live.question", lang), exact=True).first.evaluate(
        "e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def click(page, key: str) -> None:
    settle(page, 200)
    page.locator(f".st-key-{key} button").first.click()
    settle(page)


def pick_kind(teacher, kind: str, lang: str) -> None:
    settle(teacher, 200)
    box = teacher.locator(".st-key-live_kind input").first
    box.click()
    box.fill(tr(f"live.kind.{kind}", lang))  # the box filters its options as one types
    teacher.keyboard.press("Enter")
    settle(teacher)


def lesson(context_for, base: str, out: Path, lang: str, laptop_shots: bool) -> None:
    q = f"lang={lang}"
    teacher = tab(context_for(LAPTOP), f"{base}/live?{q}")
    click(teacher, "live_start_button")
    says(teacher, tr("live.joined", lang))
    teacher.locator("[data-testid='stExpander'] summary").first.click()
    link = teacher.locator("[data-testid='stExpander'] [data-testid='stText']").first
    secret = link.inner_text().strip()
    code = secret.split("class=")[1].split("&")[0]
    projector = tab(context_for(PROJECTOR), f"{secret}&present=1&{q}")
    says(projector, code)

    students = [tab(context_for(PHONE), f"{base}/live?class={code}&{q}") for _ in PICKS]
    for student in students:
        says(student, code)
    projector.wait_for_function(
        "(n) => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(m => m.innerText.trim() === String(n))", arg=len(students), timeout=WAIT_MS)
    settle(projector, 1500)
    save(projector, out / "live-projector.png")

    slider = teacher.locator(".st-key-live_step input[type=range]")
    slider.focus()
    for _ in range(STEP - 1):
        teacher.keyboard.press("ArrowRight")
    settle(teacher, 1500)

    if laptop_shots:  # the teacher's laptop while choosing each kind, before asking it
        for kind in ("gate", "threshold", "closes", "count"):
            pick_kind(teacher, kind, lang)
            teacher.evaluate("window.scrollTo(0, 0)")
            scroll_to(teacher, ".st-key-live_kind")
            save(teacher, out / f"laptop-{kind}.png")

    # which gate closes: every student picks, the teacher closes and reveals
    pick_kind(teacher, "closes", lang)
    click(teacher, "live_ask_button")
    for student, k in zip(students, PICKS, strict=True):
        student.wait_for_selector(f".st-key-live_pick_{k} button", timeout=WAIT_MS)
        settle(student, 800)
    save(students[0], out / "live-phone-question.png")
    for student, k in zip(students, PICKS, strict=True):
        click(student, f"live_pick_{k}")
    if laptop_shots:
        settle(teacher, 2500)
        scroll_to(teacher, ".st-key-live_close_button")
        save(teacher, out / "laptop-closes-open.png")
    click(teacher, "live_close_button")
    click(teacher, "live_reveal_button")
    for student in students:
        says(student, tr("live.right", lang))
    if laptop_shots:
        settle(teacher, 1500)
        heading(teacher, lang)
        save(teacher, out / "laptop-closes-revealed.png")
        settle(students[2], 1500)
        save(students[2], out / "phone-closes-revealed.png")

    # a gate's value: every student slides to a different value and sends it
    pick_kind(teacher, "gate", lang)
    click(teacher, "live_ask_button")
    for student, moves in zip(students, SLIDES, strict=True):
        student.wait_for_selector(".st-key-live_send_button button", timeout=WAIT_MS)
        settle(student, 300)
        handle = student.locator("[class*='st-key-live_answer_'] input[type=range]").first
        handle.focus()
        for _ in range(abs(moves)):
            student.keyboard.press("ArrowRight" if moves > 0 else "ArrowLeft")
        settle(student, 300)
        click(student, "live_send_button")
    if laptop_shots:
        settle(students[1], 800)
        save(students[1], out / "phone-gate-sent.png")
    settle(teacher, 2500)
    click(teacher, "live_close_button")
    click(teacher, "live_reveal_button")
    for student in students:
        says(student, tr("live.truth", lang))
    settle(projector, 3000)  # the projector's poll, then its charts
    heading(projector, lang)
    projector.evaluate("window.scrollBy(0, 60)")  # the chart's axis title on the screen
    projector.wait_for_timeout(300)
    save(projector, out / "live-projector-answers.png")
    settle(students[0], 1500)
    heading(students[0], lang)  # the truth, the student's answer and the class's below
    save(students[0], out / "live-phone-reveal.png")
    if laptop_shots:
        heading(teacher, lang)
        save(teacher, out / "laptop-gate-revealed.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="the folder to write the PNGs into (default docs/screenshots)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--laptop", action="store_true",
                        help="also the teacher's laptop view for each kind of question")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LSTM_VIZ_DATABASE_URL"] = f"sqlite:///{tmp}/live.db"
        proc, base = start_server(Path(tmp) / "streamlit.log")
        try:
            with sync_playwright() as pw:
                chrome = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                locale = "zh-CN" if args.lang == "zh" else "en-US"

                def context_for(viewport):  # a device of its own: its own session cookie
                    mobile = viewport is PHONE
                    return chrome.new_context(viewport=viewport, locale=locale,
                                              is_mobile=mobile, has_touch=mobile,
                                              device_scale_factor=1)

                lesson(context_for, base, args.out, args.lang, args.laptop)
                chrome.close()
        finally:
            stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
