"""The app in a real browser: a ``streamlit run`` server driven by headless Chromium.

What AppTest cannot see: pages that load and draw, Plotly's Play button, the URL kept in
step with the widgets, and text that must stay text once the browser renders it.

Needs /usr/bin/chromium (or ``chromium`` on PATH) and the ``playwright`` package; without
them every test here is skipped, or fails when ``LSTM_VIZ_REQUIRE_BROWSER=1`` (CI).
Screenshots of every page in both languages go to ``$LSTM_VIZ_SCREENSHOTS`` or
``<repo>/screenshots/``; the folder is printed when the session ends.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import VIEWPORT

from text.i18n import tr

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
PAGES = {  # URL path → (catalogue key of the title, Plotly charts the page draws by default)
    "/": ("nav.home", 1),
    "/gates": ("nav.gates", 0),  # its chart is the player's (ui/player.py), checked below
    "/stacked": ("nav.stacked", 3),
    "/params": ("nav.params", 2),
    "/why": ("nav.why", 5),
    "/lessons": ("nav.lessons", 1),
}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stPlotlyChart']"
EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"
PLAYER = ".lstm-player"  # the gates page's player (ui/player.py)
ARITH = ".lstm-arith"  # the step's arithmetic below it (ui/arith.py)
PLAYER_DRAWN = f"""() => {{
    const root = document.querySelector("{PLAYER}");
    return !!(root && root.dataset.drawn && root.querySelector('.main-svg'));
}}"""
GD = f"document.querySelector('{PLAYER} .lp-maps')"  # the player's heatmaps (plotly.js)
DIAGRAM = f"document.querySelector('{PLAYER} .lp-diagram')"  # and its cell diagram
CHARTS_DRAWN = f"""(least) => {{
    const charts = [...document.querySelectorAll("{CHART}")];
    return charts.length >= least && charts.every(c => {{
        const gd = c.querySelector('.js-plotly-plot');
        const svg = c.querySelector('.main-svg');
        const marks = gd && gd.layout && (gd.data || []).length
            + (gd.layout.shapes || []).length + (gd.layout.annotations || []).length;
        return marks > 0 && svg && svg.getBoundingClientRect().width > 0;
    }});
}}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    """End the server and everything it started (its own process group)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer ok within {timeout} s:\n{log.read_text()}")


@contextlib.contextmanager
def streamlit_server(script: str, folder: Path, timeout: float | None = None):
    """The base URL of a fresh ``streamlit run <script>`` on a free local port, its log in
    ``folder``; stopped on leaving."""
    port = free_port()
    log = folder / "server.log"
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, log, **({} if timeout is None else {"timeout": timeout}))
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def server(chromium, tmp_path_factory):
    """The base URL of a fresh ``streamlit run app.py`` on a free local port."""
    with streamlit_server("app.py", tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture
def page(browser, server):
    """A fresh tab: its own websocket, so its own Streamlit session. It carries the server's
    URL as ``.base`` and the page's uncaught JavaScript errors as ``.js_errors``."""
    tab = browser.new_page()
    tab.set_default_timeout(20_000)
    errors = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.base = server
    tab.js_errors = errors
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def shots(request) -> Path:
    """The screenshot folder; said on the terminal when the session ends."""
    folder = Path(os.environ.get("LSTM_VIZ_SCREENSHOTS") or ROOT / "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    count = len(list(folder.glob("*.png")))
    line = f"browser screenshots ({count} PNG files): {folder}"
    plugins = request.config.pluginmanager
    reporter, capture = plugins.getplugin("terminalreporter"), plugins.getplugin("capturemanager")
    if reporter is None or capture is None:
        sys.__stdout__.write(line + "\n")
        return
    with capture.global_and_fixture_disabled():  # past pytest's capture, as capsys.disabled()
        reporter.write("\n")  # off the line of progress dots
        reporter.write_line(line)


def open_settings(page) -> None:
    """Unfold /gates' Settings: it starts folded, so that Play is on the first screen."""
    details = page.locator("[data-testid='stExpander'] details",
                           has=page.locator("summary", has_text=tr("share.controls", "en"))).first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
        page.wait_for_function("(d) => d.open", arg=details.element_handle())


def open_app(page, path: str, charts: int = 1) -> None:
    """Go to ``path`` (with its query string); wait until the script ran and charts drew
    (on /gates: the player)."""
    page.goto(page.base + path)
    settle(page, 0 if path.startswith("/gates") else charts)
    if path.startswith("/gates"):
        settle_player(page)


def settle_player(page) -> None:
    """Wait for the gates player to draw; quietly gives up after 30 s (the assertions say)."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_selector(IDLE)
        page.wait_for_function(PLAYER_DRAWN, timeout=30_000)
    except Timeout:
        pass


def settle(page, charts: int = 1) -> None:
    """Wait for the script to finish and at least ``charts`` Plotly charts to draw.

    Gives up quietly after 20 s: the assertions that follow say what is missing."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_selector(IDLE)
        if charts:
            page.wait_for_function(CHARTS_DRAWN, arg=charts)
    except Timeout:
        pass


def assert_clean(page) -> None:
    """No exception and no error message reached the learner."""
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    assert page.locator(ERROR).count() == 0, page.locator(ERROR).first.inner_text()
    assert "Traceback" not in page.inner_text("body")


def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main section, not the document: grow the window to fit."""
    height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
    page.wait_for_timeout(400)  # Plotly relayouts to the new width/height
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)


def submit_text_area(page, key: str, text: str) -> None:
    """Type ``text`` into the text area ``key`` and send it (Ctrl+Enter), as a learner does."""
    box = page.locator(f".st-key-{key} textarea")
    box.fill(text)
    box.press("Control+Enter")


def player_at(page) -> tuple[int, int]:
    """The step and unit the player's chart was last drawn at."""
    step, unit = page.get_attribute(PLAYER, "data-drawn").split(":")
    return int(step), int(unit)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_and_draws(page, shots, path, lang):
    key, charts = PAGES[path]
    open_app(page, path + ("?lang=zh" if lang == "zh" else ""), charts)
    full_page_screenshot(page, shots / f"{path.strip('/') or 'home'}-{lang}.png")
    assert_clean(page)
    assert page.locator("h1").first.inner_text().strip() == tr(f"{key}.title", lang)
    assert page.locator(CHART).count() == charts
    assert page.evaluate(CHARTS_DRAWN, charts), "every chart has drawn something"
    if path == "/gates":
        assert page.evaluate(PLAYER_DRAWN), "the player has drawn"
    assert not page.js_errors, page.js_errors


def test_play_advances_the_animation(page):
    open_app(page, "/gates")
    before = player_at(page)[0]
    page.locator(f"{PLAYER} .lp-play").click()
    page.wait_for_function(f"Number(document.querySelector('{PLAYER}').dataset.drawn"
                           f".split(':')[0]) > {before}", timeout=20_000)
    assert not page.js_errors, page.js_errors


def test_a_shared_link_reproduces_the_view_and_widgets_update_the_url(page):
    open_app(page, "/gates?seq=one%20two%20three%20four&mode=words&units=5&seed=9&step=3&unit=2")
    assert_clean(page)
    assert page.locator(f"{PLAYER} .lp-step").input_value() == "3"
    assert page.locator(f"{PLAYER} .lp-unit").input_value() == "2"
    assert player_at(page) == (3, 2)
    heading = tr("gates.arith", "en", step=3, unit=2)
    assert heading in page.inner_text("body")
    open_settings(page)
    units = page.locator(".st-key-units input")
    units.fill("6")
    units.press("Enter")
    page.wait_for_url(lambda url: "units=6" in url)
    page.wait_for_function(f"document.querySelector('{PLAYER} .lp-unit').max === '6'")
    settle_player(page)  # the rerun with 6 units has drawn
    assert_clean(page)
    assert "seed=9" in page.url and "step=3" in page.url and "unit=2" in page.url
    assert player_at(page) == (3, 2)


def test_an_infinite_number_in_a_link_is_dropped_and_the_box_stays_in_the_url(page):
    # Streamlit itself would call int(inf) on ?units=inf: the page drops it and says so,
    # the box keeps writing the URL, and going back to that link does not break the page.
    open_app(page, "/gates?units=inf&seed=4")
    assert page.locator(EXCEPTION).count() == 0
    assert "units=inf" in page.inner_text("body")  # the note names what the link asked for
    open_settings(page)
    units = page.locator(".st-key-units input")
    assert units.input_value() == "8"
    units.fill("12")
    units.press("Enter")
    page.wait_for_url(lambda url: "units=12" in url)
    assert "seed=4" in page.url
    page.go_back()
    page.wait_for_url(lambda url: "units=12" not in url)
    settle_player(page)
    assert page.locator(EXCEPTION).count() == 0
    assert "Traceback" not in page.inner_text("body")


def test_typed_markup_stays_text(page):
    open_app(page, "/gates?model=random")  # reads any text (the page opens on a trained demo)
    payload = '<b>x</b> <img src=x onerror="window.__xss=1">'
    submit_text_area(page, "seq", payload)
    page.wait_for_function("document.body.innerText.includes('<b>x</b>')")
    settle_player(page)
    page.wait_for_function(f"""[...document.querySelectorAll("{PLAYER} text")]
                               .some(n => n.textContent.includes('<b>x</b>'))""")
    page.wait_for_timeout(300)  # an injected <img> would have fired onerror by now
    assert_clean(page)
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("[...document.querySelectorAll('b')]"
                         ".filter(b => b.textContent.trim() === 'x').length") == 0
    assert page.locator("img[src='x']").count() == 0
    in_chart = page.evaluate(f"""[...document.querySelectorAll("{PLAYER} text")]
                                 .some(n => n.textContent.includes('<b>x</b>'))""")
    assert in_chart, "the token is drawn literally in the figure"


def test_bad_numbers_give_a_message_not_a_traceback(page):
    open_app(page, "/gates?model=random")  # the reading modes are random weights' settings
    open_settings(page)
    page.locator(".st-key-mode button", has_text=tr("mode.numbers", "en")).click()
    settle(page, charts=0)
    settle_player(page)
    submit_text_area(page, "seq", "1, abc")
    message = tr("err.not_number", "en", token="abc", step=2)
    page.locator(ERROR, has_text=message).wait_for()
    settle(page, charts=0)
    assert page.locator(EXCEPTION).count() == 0
    assert "Traceback" not in page.inner_text("body")
    assert page.locator(PLAYER).count() == 0, "the message stands in place of the chart"


def test_query_values_from_the_docs_are_understood(page):
    """``?mode=numbers`` (the option's value, not its English label) selects numbers mode."""
    open_app(page, "/gates?seq=1%202%3B%203%204&mode=numbers")
    assert_clean(page)
    steps = int(page.locator(f"{PLAYER} .lp-step").get_attribute("max"))
    assert steps == 2, f"{steps} steps: read as words, not as two vectors (URL now {page.url})"


def test_stop_ends_training_and_keeps_the_partial_model(page, shots):
    """/train: Train, then Stop part-way: the run ends at once and its model is kept."""
    import re

    # About 6 s of training; a seed no other test uses, so it is trained, not found.
    open_app(page, "/train?task=brackets&units=16&steps=2000&seed=8642")
    assert_clean(page)
    page.locator(".st-key-train button").click()
    stop_button = page.locator(".st-key-stop button")
    stop_button.wait_for()
    page.wait_for_function("""() => {
        const bar = document.querySelector("[data-testid='stProgress']");
        return bar && /Step [0-9]{2,} of 2000/.test(bar.innerText);
    }""")  # at least 10 steps drawn on the live curve
    assert page.locator(f"{CHART}:visible").count() == 1, "one live chart (the old one hidden)"
    clicked = time.monotonic()
    stop_button.click()
    stopped = page.locator("[data-testid='stAlertContentWarning']")
    stopped.wait_for(timeout=5_000)
    assert time.monotonic() - clicked < 5, "Stop ends the run promptly: it says so"
    page.wait_for_selector(IDLE)  # the rest of the page follows (slower on a busy machine)
    full_page_screenshot(page, shots / "train-stopped-en.png")
    step = int(re.search(r"Stopped at step (\d+) of 2000", stopped.inner_text()).group(1))
    assert 10 <= step < 2000
    steps_done = page.locator("[data-testid='stMetric']", has_text=tr("train.steps_done", "en"))
    assert f"{step} / 2000" in steps_done.inner_text()
    assert page.locator(".st-key-stop button").count() == 0, "no Stop button once stopped"
    assert_clean(page)
    assert page.evaluate(CHARTS_DRAWN, 1)
    page.locator("a", has_text=tr("train.inspect", "en")).click()  # the partial model's gates
    page.wait_for_url(re.compile(r"/gates\?.*model=trained"))
    settle_player(page)
    assert_clean(page)
    assert not page.js_errors, page.js_errors


def test_present_mode_hides_the_sidebar_and_settings_and_keeps_the_chart(page):
    open_app(page, "/gates?present=1")
    assert_clean(page)
    assert page.locator(PLAYER).count() == 1
    assert page.evaluate(PLAYER_DRAWN), "the chart has drawn"
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.count() == 0 or not sidebar.first.is_visible()
    assert not page.locator(".st-key-seq textarea").is_visible()  # the settings are folded
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "\"[data-testid='stMain'] [data-testid='stCaptionContainer'], "
                         "[data-testid='stMain'] p\")).fontSize)")
    assert size >= 18, size  # projector-sized type
    assert "present=1" in page.url
    assert not page.js_errors, page.js_errors


def test_downloaded_html_plays_offline(browser, tmp_path):
    from ui import share
    from ui.views import GatesView

    view = GatesView("the cat sat on the mat", "words", 4, 0, "random")
    html = share.view_html(view, 0, 0, "en")
    path = tmp_path / "lstm-gates.html"
    path.write_text(html, encoding="utf-8")
    tab = browser.new_page()
    try:
        errors = []
        tab.on("pageerror", lambda err: errors.append(str(err)))
        # Offline: anything but the file itself is refused.
        tab.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            "file:") else route.abort())
        tab.goto(path.as_uri())
        tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
        gd = "document.querySelector('.js-plotly-plot')"
        before = tab.evaluate(f"{gd}._fullLayout.sliders[0].active")
        play = tab.evaluate(f"""() => {{
            for (const menu of {gd}.layout.updatemenus || [])
                for (const b of menu.buttons || [])
                    if (b.method === 'animate' && b.args && b.args[0] == null) return b.label;
            return null;
        }}""")
        assert play, "the page has a Play button"
        tab.locator(".updatemenu-button", has_text=play).first.click()
        tab.wait_for_timeout(2000)
        assert tab.evaluate(f"{gd}._fullLayout.sliders[0].active") > before
        # Plotly rejects the promise of a frame that the next frame interrupts, with no
        # reason ("undefined"); harmless, and seen here without Streamlit around it.
        assert not [e for e in errors if e != "undefined"], errors
    finally:
        tab.close()


# ---- the gates player: one step, one unit, one truth (ui/player.py) -----------------------

PLAYER_SEQ = "/gates?seq=the%20cat%20sat%20on%20the%20mat%20because%20it%20was%20warm&units=6"


def player_run(words: str = "the cat sat on the mat because it was warm", units: int = 6):
    """The run the player above shows, from the core (mode words, seed 0, random weights)."""
    from lstm_viz import LSTM
    from lstm_viz.inputs import encode

    seq = encode(words, "words", seed=0)
    lstm = LSTM.random(seq.x.shape[1], units, seed=0)
    return seq, lstm, lstm.run(seq.x)


def wait_everywhere(page, step: int, unit: int) -> None:
    """Wait until the chart, the spoken line, the arithmetic and the URL all show (step,
    unit); fails (Timeout) if any of them never does."""
    heading = tr("gates.arith", "en", step=step, unit=unit)
    page.wait_for_function(f"document.querySelector('{PLAYER}').dataset.drawn === '{step}:{unit}'")
    page.wait_for_function(f"(h) => document.querySelector('{ARITH} .ar-heading').textContent"
                           " === h", arg=heading)
    want = [f"step={step}" if step > 1 else None, f"unit={unit}" if unit > 1 else None]

    def url_ok(url: str) -> bool:
        query = url.split("?", 1)[-1].split("&")
        return all(w in query for w in want if w) and (
            step > 1 or not any(q.startswith("step=") for q in query)) and (
            unit > 1 or not any(q.startswith("unit=") for q in query))
    page.wait_for_url(url_ok)


def assert_one_truth(page, step: int, unit: int, words: str | None = None) -> None:
    """The diagram's boxes, C and h labels and the spoken line carry the core's numbers of
    (step, unit) of the run of ``words`` (the player's usual run if None); the frame marker
    sits on the step's column."""
    from lstm_viz.explain import fmt

    run = player_run if words is None else lambda: player_run(words)
    seq, _, trace = run()
    s, u = step - 1, unit - 1
    live = page.inner_text(f"{PLAYER} .lp-live")
    assert f"“{seq.tokens[s]}”" in live
    for q in ("f", "i", "g", "o", "c", "h"):
        assert f"= {fmt(getattr(trace, q)[s, u], 3)}" in live, (q, live)
    boxes = page.evaluate(f"{DIAGRAM}.data[1].text")  # figures.gates.T_BOXES
    assert [b.split("<br>")[1] for b in boxes] == [fmt(getattr(trace, q)[s, u], 2)
                                                   for q in ("f", "i", "g", "o")]
    frame = page.evaluate(f"{GD}.layout.shapes[{GD}.layout.shapes.length - 1]")
    assert frame["x0"] == s + 0.5 and frame["x1"] == s + 1.5
    # the arithmetic below, filled in by ui/arith.js, says what the core's explanation says
    from lstm_viz.explain import explain_step
    from text.explain import sentences

    _, lstm, _ = run()
    ex = explain_step(lstm, trace, s, u)
    assert page.inner_text(f"{ARITH} .ar-formulas").splitlines() == ex.formulas()
    assert page.locator(f"{ARITH} .ar-says li").all_inner_texts() == sentences(ex, "en")
    inputs = page.inner_text(f"{ARITH} .ar-inputs").splitlines()
    assert inputs == ["xₜ = [" + ", ".join(fmt(v, 3) for v in trace.x[s]) + "]",
                      "hₜ₋₁ = [" + ", ".join(fmt(v, 3) for v in trace.h_prev[s]) + "]"]


def test_keys_move_the_diagram_the_arithmetic_and_the_url_together(page):
    open_app(page, PLAYER_SEQ + "&step=3&unit=2")
    assert_clean(page)
    wait_everywhere(page, 3, 2)
    chart = page.locator(f"{PLAYER} .lp-chart")
    chart.focus()
    for key, step in (("ArrowRight", 4), ("ArrowRight", 5), ("ArrowLeft", 4), ("End", 10),
                      ("Home", 1)):
        chart.press(key)
        wait_everywhere(page, step, 2)
        assert_one_truth(page, step, 2)
    # The link's step=3 was checked on arrival; stepping on is not "a value the link asked
    # for that the page could not use".
    assert page.locator("[data-testid='stAlertContentInfo']").count() == 0
    assert not page.js_errors, page.js_errors


def test_a_new_sequence_is_drawn_with_its_own_numbers(page):
    """A new sequence for the same model redraws the maps and steps the diagram drawn
    already to the new run (ui/player.js draws it again only when more than a step's values
    differ): both, and the arithmetic, carry the new run's numbers."""
    import numpy as np

    from figures.gates import MAPS

    open_app(page, PLAYER_SEQ + "&step=3&unit=2")
    wait_everywhere(page, 3, 2)
    words = "a dog ran to the park"
    box = page.locator(".st-key-seq textarea")
    box.fill(words)
    box.press("Control+Enter")
    page.wait_for_function(f"document.querySelector('{PLAYER} .lp-step').max === '6'")
    page.wait_for_selector(IDLE)
    step, unit = map(int, page.evaluate(f"document.querySelector('{PLAYER}').dataset.drawn")
                     .split(":"))
    wait_everywhere(page, step, unit)
    assert_one_truth(page, step, unit, words)
    seq, _, trace = player_run(words)
    # the six bands in one heatmap: band k's H rows from row k·(H + gap), on the joint scale
    heatmap = page.evaluate(f"(({{z, meta}}) => ({{z, meta}}))({GD}.data[0])")
    k, H, meta = MAPS.index("h"), trace.h.shape[1], heatmap["meta"]
    rows = np.asarray(heatmap["z"][k * (H + meta["gap"]):][:H], dtype=float)
    lo, hi = meta["ranges"][k]
    assert np.allclose((rows - k) / meta["spread"] * (hi - lo) + lo, trace.h.T, atol=5e-4)
    ticks = page.evaluate(f"{GD}.layout.xaxis.ticktext")
    assert ticks and all(t in seq.tokens for t in ticks), ticks
    chart = page.locator(f"{PLAYER} .lp-chart")
    chart.focus()
    chart.press("End")  # and it steps on in the new run
    wait_everywhere(page, 6, unit)
    assert_one_truth(page, 6, unit, words)
    assert not page.js_errors, page.js_errors


def test_a_new_sequence_reruns_only_the_players_part_of_the_page(page):
    """The sequence box is in the player's fragment (ui/step_detail.py): a new sequence
    sends the player's new data, and not the page's settings again (their widgets' labels
    are in every message of a whole run, in none of a fragment's)."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())))
    open_app(page, PLAYER_SEQ)
    settings = tr("gates.model.help", "en").split("\n")[0][:40].encode()
    assert any(settings in f for f in frames)  # the whole page, on arrival
    frames.clear()
    submit_text_area(page, "seq", "a dog ran to the park")
    page.wait_for_function(f"document.querySelector('{PLAYER} .lp-step').max === '6'")
    page.wait_for_selector(IDLE)
    assert any(b"LSTMVIZ1" in f for f in frames)  # the player's new run (ui/player.py)
    assert not any(settings in f for f in frames)
    assert "seq=a+dog" in page.url or "seq=a%20dog" in page.url  # the address follows
    assert_clean(page)


def test_the_chinese_note_in_words_mode_switches_the_whole_page_to_chars(page):
    """The note's button sits in the player's fragment and the mode in the settings above
    it: the button reruns the whole page, so the mode, the note and the run all change."""
    open_app(page, "/gates?model=random&mode=words&units=4&seq=%E5%B0%8F%E6%98%8E%E5%96%9C"
                   "%E6%AC%A2%E8%AF%BB%E4%B9%A6")  # 小明喜欢读书: one step in words mode
    note = page.get_by_text(tr("note.zh_words", "en"))
    assert note.count() == 1
    page.get_by_role("button", name=tr("note.zh_words.button", "en")).click()
    page.wait_for_function(f"document.querySelector('{PLAYER} .lp-step')?.max === '6'")
    page.wait_for_selector(IDLE)
    assert note.count() == 0
    assert "mode=chars" in page.url
    assert_clean(page)


def test_a_click_on_a_heatmap_cell_goes_to_its_step_and_unit(page):
    open_app(page, PLAYER_SEQ)
    chart = page.locator(f"{PLAYER} .lp-chart")
    chart.scroll_into_view_if_needed()
    x, y = page.evaluate(f"""() => {{
        const gd = {GD}, fl = gd._fullLayout, box = gd.getBoundingClientRect();
        const xa = fl.xaxis, ya = fl.yaxis;  // steps; rows, the f band's first
        return [box.left + xa._offset + xa.l2p(7), box.top + ya._offset + ya.l2p(4)];
    }}""")
    page.mouse.click(x, y)
    wait_everywhere(page, 7, 5)
    assert_one_truth(page, 7, 5)
    assert not page.js_errors, page.js_errors


def test_play_and_pause_keep_one_step_everywhere(page):
    open_app(page, PLAYER_SEQ)
    page.locator(f"{PLAYER} .lp-speed").select_option("4")
    page.locator(f"{PLAYER} .lp-loop").check()  # 10 steps at 4×: over before a slow click
    play = page.locator(f"{PLAYER} .lp-play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    assert play.inner_text() == tr("fig.common.pause", "en")
    page.wait_for_function(f"Number(document.querySelector('{PLAYER}').dataset.step) >= 4")
    play.click()  # pause
    assert play.get_attribute("aria-pressed") == "false"
    step = int(page.get_attribute(PLAYER, "data-step"))  # the chart may still be drawing it
    unit = 1
    assert 1 <= step <= 10
    page.wait_for_timeout(1000)
    assert int(page.get_attribute(PLAYER, "data-step")) == step  # paused: it stays
    wait_everywhere(page, step, unit)
    assert_one_truth(page, step, unit)
    assert not page.js_errors, page.js_errors


def test_playback_holds_its_speed_and_loops(page):
    T = 40
    seq = ", ".join(str(k % 7) for k in range(T))
    open_app(page, f"/gates?mode=numbers&units=8&seq={seq.replace(' ', '%20')}")
    page.locator(f"{PLAYER} .lp-speed").select_option("4")  # 150 ms a step
    page.locator(f"{PLAYER} .lp-loop").check()
    page.evaluate(f"""() => {{
        const root = document.querySelector('{PLAYER}');
        window.__steps = [];
        new MutationObserver(() => window.__steps.push([performance.now(),
            Number(root.dataset.step)])).observe(root, {{attributes: true,
            attributeFilter: ['data-step']}});
    }}""")
    page.locator(f"{PLAYER} .lp-play").click()
    page.wait_for_timeout(9000)  # 60 steps: once round and half again
    page.locator(f"{PLAYER} .lp-play").click()
    steps = page.evaluate("window.__steps")
    # Steps advanced, a wrap from step 40 to 1 counting as one step on. A step the browser
    # was too busy to draw is skipped, never the clock (a loaded machine skips many).
    advanced = [(b - a) % T for (_, a), (_, b) in zip(steps, steps[1:], strict=False)]
    assert sum(advanced) >= 40, steps
    per_step = (steps[-1][0] - steps[0][0]) / sum(advanced)
    assert 0.9 * 150 <= per_step <= 1.1 * 150, (per_step, steps)  # the set speed, ±10 %
    assert any(b < a for (_, a), (_, b) in zip(steps, steps[1:], strict=False)), steps  # it looped


def test_tab_reaches_every_control_in_order_with_a_visible_focus(page):
    open_app(page, PLAYER_SEQ)
    page.locator(f"{PLAYER} .lp-play").focus()
    seen = []
    for _ in range(7):  # plotly.js's toolbar buttons are left to the mouse (tabindex -1)
        seen.append(page.evaluate("""() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return [el.classList[0] || el.tagName.toLowerCase(), style.outlineStyle,
                    parseFloat(style.outlineWidth)];
        }"""))
        page.keyboard.press("Tab")
    names = [name for name, _, _ in seen]
    assert names == ["lp-play", "lp-step", "lp-unit", "lp-speed", "lp-loop", "lp-chart",
                     "summary"], names
    for name, style, width in seen[1:]:  # reached by keyboard: the focus ring shows
        assert style != "none" and width >= 2, (name, style, width)


def test_the_chart_has_a_text_alternative_and_its_values_a_click_away(page):
    open_app(page, PLAYER_SEQ + "&step=2&unit=3")
    chart = page.locator(f"{PLAYER} .lp-chart")
    # a labelled group, not an img: an img's children are presentational, and the chart's
    # are not (axe: nested-interactive)
    assert chart.get_attribute("role") == "group"
    assert chart.get_attribute("aria-label") == tr("player.chart", "en", unit=3, step=2)
    summary_id = chart.get_attribute("aria-describedby")
    summary = page.locator(f"#{summary_id}").inner_text()
    assert summary == tr("player.summary", "en", unit=3, step=2, steps=10, units=6)
    live = page.locator(f"{PLAYER} .lp-live")
    assert live.get_attribute("aria-live") == "polite"
    page.locator(f"{PLAYER} summary").click()
    rows = page.locator(f"{PLAYER} table tbody tr")
    assert rows.count() == 10
    seq, _, trace = player_run()
    from lstm_viz.explain import fmt

    cells = rows.nth(1).locator("td").all_inner_texts()
    assert cells == [seq.tokens[1]] + [fmt(getattr(trace, q)[1, 2], 3)
                                       for q in ("f", "i", "g", "o", "c", "h")]
    assert rows.nth(1).get_attribute("aria-current") == "step"


def test_the_maps_camera_saves_them_with_their_names_colour_bars_and_title(page, tmp_path):
    """The band names, colour bars and title are page elements beside the heatmap (ui/
    player.js, drawLabels); the maps' camera paints them into its PNG where the page shows
    them. plotly.js's own picture leaves that room white."""
    from PIL import Image

    page.set_viewport_size({"width": VIEWPORT["width"], "height": 2000})  # all of the maps
    open_app(page, PLAYER_SEQ + "&unit=3")
    box = page.locator(f"{PLAYER} .lp-maps-box")
    box.hover()
    shown = Image.open(io.BytesIO(box.screenshot())).convert("RGB")
    with page.expect_download() as download:
        page.locator(f"{PLAYER} .lp-maps .modebar-btn"
                     f"[data-title='{tr('player.camera', 'en')}']").click()
    assert download.value.suggested_filename == "lstm-viz-maps.png"
    download.value.save_as(tmp_path / "maps.png")
    saved = Image.open(tmp_path / "maps.png").convert("RGB")
    # the figure at the toolbar's scale 2 (the box is a pixel taller: its line box)
    assert saved.width == 2 * shown.width and 0 <= 2 * shown.height - saved.height <= 4
    # where the page shows each name's square, and each colour bar at a quarter, the middle
    # and three quarters of its height (a bar upside down differs at the quarters)
    points = page.evaluate(f"""() => {{
        const origin = document.querySelector('{PLAYER} .lp-maps-box').getBoundingClientRect();
        const at = (node, f) => {{
            const r = node.getBoundingClientRect();
            return [Math.round(r.left + r.width / 2 - origin.left),
                    Math.round(r.top + r.height * f - origin.top)];
        }};
        const labels = '{PLAYER} .lp-labels';
        const squares = [...document.querySelectorAll(labels + ' .lp-name > span:first-child')];
        const bars = [...document.querySelectorAll(labels + ' .lp-bar')];
        return [...squares.map((n) => at(n, 0.5)),
                ...[0.25, 0.5, 0.75].flatMap((f) => bars.map((n) => at(n, f)))];
    }}""")
    assert len(points) == 6 + 18
    for x, y in points:
        want, got = shown.getpixel((x, y)), saved.getpixel((2 * x, 2 * y))
        assert want != (255, 255, 255)
        assert max(abs(a - b) for a, b in zip(want, got, strict=True)) <= 24, (x, y, want, got)
    # the title, every band's name and every bar's labels are written where the page has them
    b = box.bounding_box()
    texts = [f"{PLAYER} .lp-maps-title", f"{PLAYER} .lp-name-text", f"{PLAYER} .lp-bar span"]
    boxes = [node.bounding_box() for css in texts for node in page.locator(css).all()]
    assert len(boxes) == 1 + 6 + 18
    for t in boxes:
        inked = saved.crop((2 * round(t["x"] - b["x"]), 2 * round(t["y"] - b["y"]),
                            2 * round(t["x"] - b["x"] + t["width"]),
                            2 * round(t["y"] - b["y"] + t["height"]))).convert("L")
        assert inked.getextrema()[0] < 128, f"no text in the picture at {t}"
    assert "dashed: unit 3" in page.locator(f"{PLAYER} .lp-maps-title").inner_text()
    assert not page.js_errors, page.js_errors


def test_a_picture_that_cannot_be_made_says_so_in_the_player(page):
    open_app(page, PLAYER_SEQ + "&lang=zh")
    page.evaluate("() => { Plotly.toImage = () => Promise.reject(new Error('no canvas')); }")
    page.locator(f"{PLAYER} .lp-maps").hover()
    page.locator(f"{PLAYER} .lp-maps .modebar-btn"
                 f"[data-title='{tr('player.camera', 'zh')}']").click()
    message = page.locator(f"{PLAYER} .lp-message")
    message.wait_for(state="visible")
    assert message.inner_text() == tr("player.camera_failed", "zh")
    assert not page.js_errors, page.js_errors


def test_the_player_speaks_chinese(page):
    open_app(page, PLAYER_SEQ + "&lang=zh")
    assert page.locator(f"{PLAYER} .lp-play").inner_text() == tr("fig.common.play", "zh")
    assert "第 1 步" in page.inner_text(f"{PLAYER} .lp-live")
    assert page.locator(f"{PLAYER} label", has_text=tr("player.speed", "zh")).count() == 1
