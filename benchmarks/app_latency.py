"""How long the gates page takes to answer, and how much it sends, against the targets.

    python benchmarks/app_latency.py                  # every measure
    python benchmarks/app_latency.py --repeats 9      # more reruns per median
    python benchmarks/app_latency.py --no-browser     # (a) and (b) only

/gates draws with its player (ui/player.py): a custom component that receives the run once
as compact integer arrays and draws and steps through it with plotly.js in the browser.
For each shape (T steps, H units), with a sequence of T numbers in numbers mode:

(a) Server-side rerun of pages/1_gates.py in Streamlit's AppTest (app.py opened, then
    switch_page, as tests/conftest.py does). *warm*: the same input again (cached run and
    payload); *cold*: a new seed every rerun, so the core and the payload are built too.
    Medians of ``--repeats`` reruns after one untimed first run. Without Streamlit:
    *core* is encode + ``LSTM.random`` + ``run``; *payload* builds the player's bytes.
(b) Bytes: the player's payload with the arithmetic's (ui/arith.py), and for comparison the
    JSON of the Plotly-frames figure (``gates_figure``) that the page sent before the player
    (and the HTML download keeps).
(c) In headless Chromium against a real ``streamlit run`` (clocked in the page, from the
    ``keydown`` event of the learner's key):
    *change → redrawn*: from Ctrl+Enter in the sequence box (one step shorter each time)
    until the player has drawn the new run, and (*→ idle*) until the script has finished
    sending the rest of the page; *ws bytes*: what the
    websocket brought for that change;
    *step → drawn / → arithmetic*: from → on the chart until the diagram shows the new step
    and until the page's arithmetic names it; *ws bytes/step*: what a step change brought;
    *playback*: at 500 steps × 64 units, Play at 1× and 4× for a few seconds: steps advanced
    per second against the set speed, and how many of them were drawn.
    Skipped, and said so, without Chromium or playwright.

Targets (issue 13): change → redrawn ≤ 300 ms median at T=200, H=64 and ≤ 150 ms at T=40,
H=16; step → diagram and arithmetic ≤ 100 ms; bytes for the view at T=200, H=64 ≤ 0.25 MB;
playback within ±10 % of its set speed at 500 × 64. The script reports misses and always
exits 0. On a shared machine, say its load with the numbers (printed at the top).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from server import ROOT, start_server, stop  # benchmarks/server.py

sys.path.insert(0, str(ROOT))

SHAPES = [(40, 16), (200, 64)]  # (T steps, H units)
PLAYBACK = (500, 64)            # (T, H) of the playback measure
TARGET_RERUN_MS = 150   # at T=200, H=64
TARGET_PAYLOAD = 250_000  # bytes, at T=200, H=64
TARGET_REDRAW_MS = {(40, 16): 150, (200, 64): 300}
TARGET_STEP_MS = 100
SPEED_TOLERANCE = 0.10
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return app && app.dataset.testScriptState === 'notRunning' ? performance.now() : false;
}"""
# The player shows the new run (its step slider has the run's length and it has drawn);
# the rest of the page (the arithmetic below it) may still be arriving: IDLE says when not.
CHART_REDRAWN = """(n) => {
    const root = document.querySelector('.lstm-player');
    const step = root && root.querySelector('.lp-step');
    const done = step && Number(step.max) === n && root.dataset.drawn
                 && root.querySelector('.lp-maps .main-svg');
    return done ? performance.now() : false;
}"""
REDRAWN = f"""(n) => ({IDLE})() && ({CHART_REDRAWN})(n)"""
DRAWN_AT = """(want) => {
    const root = document.querySelector('.lstm-player');
    return root && root.dataset.drawn === want ? performance.now() : false;
}"""
# When the learner's key went down, clocked in the page (not when Playwright sent it).
# The clock of the learner's key, and of the frame that first draws the step's arithmetic
# (ui/arith.js, its own component below the player) naming each step: a MutationObserver
# notes the change as it happens and times the next animation frame (the one that paints
# it), so the time does not depend on when this script asks (it waits for the diagram first).
KEY_CLOCK = """() => {
    document.addEventListener('keydown', () => { window.__keyAt = performance.now(); },
                              {capture: true});
    window.__arithAt = {};
    new MutationObserver(() => {
        const h = document.querySelector('.lstm-arith .ar-heading');
        const text = h ? h.textContent : '';
        if (!text || text in window.__arithAt) return;
        window.__arithAt[text] = null;  // changed; timed at the frame that draws it
        requestAnimationFrame(() => { window.__arithAt[text] = performance.now(); });
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
ARITHMETIC_AT = """(heading) => {
    const seen = Object.keys(window.__arithAt).find((text) => text.startsWith(heading));
    return seen && window.__arithAt[seen] !== null ? window.__arithAt[seen] : false;
}"""


def numbers(T: int, salt: float = 0.0) -> str:
    """A sequence of T numbers, different for every ``salt``."""
    return ", ".join(f"{math.sin(0.37 * k + salt):.2f}" for k in range(T))


def ms(seconds: float) -> float:
    return 1000 * seconds


# ---- (a) and (b): AppTest and the figure ---------------------------------------------------

def open_gates(T: int, H: int):
    import logging

    from streamlit.testing.v1 import AppTest

    # AppTest touches st.* before its script thread exists; Streamlit warns, harmlessly.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(
        logging.ERROR)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for key, value in dict(seq=numbers(T), mode="numbers", units=H).items():
        at.query_params[key] = str(value)
    at.switch_page("pages/1_gates.py")
    return at.run()


def timed_run(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception or at.error:
        raise RuntimeError([e.value for e in [*at.exception, *at.error]])
    return elapsed


def player_bytes(at, name: str = "lstm_viz.player") -> bytes:
    (el,) = [el for el in at.get("bidi_component") if el.proto.component_name == name]
    return el.proto.bytes


def server_side(T: int, H: int, repeats: int) -> dict:
    """Warm and cold rerun medians (ms) and the player's payload (bytes)."""
    at = open_gates(T, H)
    if at.exception or at.error:
        raise RuntimeError([e.value for e in [*at.exception, *at.error]])
    # the view's data: the player's, and its unit's arithmetic (ui/arith.py)
    payload = len(player_bytes(at)) + len(player_bytes(at, "lstm_viz.arith"))
    warm = [timed_run(at) for _ in range(repeats)]
    cold = []
    for r in range(repeats):
        at.number_input(key="seed").set_value(1000 + 97 * r + T + H)  # never cached before
        cold.append(timed_run(at))
    return dict(warm=ms(statistics.median(warm)), warm_min=ms(min(warm)),
                cold=ms(statistics.median(cold)), cold_min=ms(min(cold)), payload=payload)


def without_streamlit(T: int, H: int, repeats: int) -> dict:
    """Median ms of the core (encode + run) and of the player's payload; the JSON of the
    Plotly-frames figure the page sent before (bytes)."""
    from figures.gates import gates_figure
    from lstm_viz import LSTM
    from lstm_viz.inputs import encode
    from ui import player
    from ui.views import GatesView

    core, build, trace, seq = [], [], None, None
    for r in range(repeats + 1):  # the first of each is a warm-up
        start = time.perf_counter()
        seq = encode(numbers(T), "numbers", seed=r)
        trace = LSTM.random(seq.x.shape[1], H, seed=r).run(seq.x)
        middle = time.perf_counter()
        player.payload.__wrapped__(GatesView(numbers(T), "numbers", H, r), "en", 1, 1, 0)
        core.append(middle - start)
        build.append(time.perf_counter() - middle)
    old = gates_figure(trace, seq.tokens, unit=0, step=0, lang="en").to_json()
    return dict(core=ms(statistics.median(core[1:])), build=ms(statistics.median(build[1:])),
                old_json=len(old.encode()))


# ---- (c): a real server and a real browser -------------------------------------------------

def missing_browser() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed"
    if chromium_path() is None:
        return "no Chromium (/usr/bin/chromium, or chromium on PATH)"
    return None


def chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def open_player(context, url: str, T: int, H: int):
    page = context.new_page()
    page.set_default_timeout(120_000)
    received = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.append(len(p))))
    page.goto(url + "/gates?" + urlencode(dict(seq=numbers(T), mode="numbers", units=H)))
    page.wait_for_function(REDRAWN, arg=T)
    page.evaluate(KEY_CLOCK)
    return page, received


def change_to_redrawn(context, url: str, T: int, H: int, repeats: int) -> dict:
    """Median and min ms from Ctrl+Enter to the redrawn player, and the websocket bytes one
    change brings; then median ms from → to the diagram and to the arithmetic, and the
    bytes a step change brings."""
    page, received = open_player(context, url, T, H)
    box = page.locator(".st-key-seq textarea")
    redrawn, idle, sizes = [], [], []
    for r in range(1, repeats + 1):
        box.fill(numbers(T - r, salt=r))  # one step fewer each time: a new run
        received.clear()
        page.evaluate("delete document.querySelector('.lstm-player').dataset.drawn")
        box.press("Control+Enter")
        drawn_at = page.wait_for_function(CHART_REDRAWN, arg=T - r, polling="raf").json_value()
        idle_at = page.wait_for_function(IDLE, polling="raf").json_value()
        key_at = page.evaluate("window.__keyAt")
        redrawn.append(drawn_at - key_at)
        idle.append(idle_at - key_at)
        sizes.append(sum(received))
    chart = page.locator(".lstm-player .lp-chart")
    chart.focus()
    drawn, arithmetic, step_sizes = [], [], []
    for step in range(2, repeats + 2):
        received.clear()
        page.evaluate("window.__arithAt = {}")  # this step's heading, from now on
        chart.press("ArrowRight")
        t0 = page.evaluate("window.__keyAt")
        d = page.wait_for_function(DRAWN_AT, arg=f"{step}:1", polling="raf").json_value()
        heading = f"Step {step}, unit 1:"
        a = page.wait_for_function(ARITHMETIC_AT, arg=heading, polling="raf").json_value()
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
        drawn.append(d - t0)
        arithmetic.append(a - t0)
        step_sizes.append(sum(received))
    page.close()
    return dict(redraw=statistics.median(redrawn), redraw_min=min(redrawn),
                idle=statistics.median(idle),
                ws=int(statistics.median(sizes)), step=statistics.median(drawn),
                step_min=min(drawn), arith=statistics.median(arithmetic),
                arith_min=min(arithmetic), ws_step=int(statistics.median(step_sizes)))


def playback(context, url: str, T: int, H: int, seconds: float = 6.0) -> dict:
    """At each speed: steps advanced per second against the set rate, and the share of
    them the browser drew."""
    page, _ = open_player(context, url, T, H)
    out = {}
    for speed in ("1", "4"):
        page.locator(".lstm-player .lp-speed").select_option(speed)
        page.evaluate("""() => {
            const root = document.querySelector('.lstm-player');
            window.__steps = [];
            window.__seen = new MutationObserver(() => window.__steps.push(
                [performance.now(), Number(root.dataset.step)]));
            window.__seen.observe(root, {attributes: true, attributeFilter: ['data-step']});
        }""")
        page.locator(".lstm-player .lp-play").click()
        page.wait_for_timeout(seconds * 1000)
        page.locator(".lstm-player .lp-play").click()
        steps = page.evaluate("window.__seen.disconnect(), window.__steps")
        page.keyboard.press("Home")
        moved = [(b - a) for (_, a), (_, b) in zip(steps, steps[1:], strict=False) if b > a]
        elapsed = steps[-1][0] - steps[0][0] if len(steps) > 1 else float("nan")
        set_ms = 600 / float(speed)
        out[speed] = dict(per_step=elapsed / max(1, sum(moved)), set_ms=set_ms,
                          drawn=len(moved), advanced=sum(moved))
    page.close()
    return out


def browser_side(repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "server.log")
        try:
            with sync_playwright() as pw:
                chrome = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                context = chrome.new_context(viewport={"width": 1400, "height": 900},
                                             locale="en-US")
                for T, H in SHAPES:
                    results[T, H] = change_to_redrawn(context, url, T, H, repeats)
                results["playback"] = playback(context, url, *PLAYBACK)
                chrome.close()
        finally:
            stop(proc)
    return results


# ---- the report ---------------------------------------------------------------------------

def verdict(value, target) -> str:
    return "ok" if value <= target else "MISSED"


def report(rows: dict, browser: dict | None, skipped: str | None) -> None:
    head = ("T", "H", "rerun warm", "rerun cold", "core", "payload ms", "player bytes",
            "old figure", "change→drawn", "→idle", "ws/change", "step→drawn", "step→arith",
            "ws/step")
    widths = (4, 3, 11, 11, 5, 10, 12, 10, 13, 6, 9, 11, 11, 7)
    print("times in ms: median (min); sizes in bytes; browser times are clocked in Chromium")
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for (T, H), row in rows.items():
        b = (browser or {}).get((T, H))
        cells = (T, H, f"{row['warm']:.0f} ({row['warm_min']:.0f})",
                 f"{row['cold']:.0f} ({row['cold_min']:.0f})", f"{row['core']:.0f}",
                 f"{row['build']:.0f}", f"{row['payload']:,}", f"{row['old_json']:,}",
                 f"{b['redraw']:.0f} ({b['redraw_min']:.0f})" if b else "skipped",
                 f"{b['idle']:.0f}" if b else "-",
                 f"{b['ws']:,}" if b else "-",
                 f"{b['step']:.0f} ({b['step_min']:.0f})" if b else "-",
                 f"{b['arith']:.0f} ({b['arith_min']:.0f})" if b else "-",
                 f"{b['ws_step']:,}" if b else "-")
        print("  ".join(str(c).rjust(w) for c, w in zip(cells, widths, strict=True)))
    big, (T, H) = rows[SHAPES[-1]], SHAPES[-1]
    print("\nTargets (issue 13):")
    print(f"  rerun < {TARGET_RERUN_MS} ms at T={T}, H={H}: warm {big['warm']:.0f} ms "
          f"({verdict(big['warm'], TARGET_RERUN_MS)}), cold {big['cold']:.0f} ms "
          f"({verdict(big['cold'], TARGET_RERUN_MS)})")
    print(f"  player payload ≤ {TARGET_PAYLOAD / 1e6:.2f} MB at T={T}, H={H}: "
          f"{big['payload'] / 1e6:.3f} MB ({verdict(big['payload'], TARGET_PAYLOAD)}); "
          f"the Plotly-frames figure was {big['old_json'] / 1e6:.2f} MB")
    if not browser:
        print(f"  browser measures: skipped ({skipped})")
        return
    for (T, H), target in TARGET_REDRAW_MS.items():
        b = browser[T, H]
        print(f"  change → redrawn ≤ {target} ms at T={T}, H={H}: {b['redraw']:.0f} ms "
              f"({verdict(b['redraw'], target)}; the whole page idle at {b['idle']:.0f} ms); "
              f"websocket {b['ws'] / 1e6:.3f} MB "
              f"({verdict(b['ws'], TARGET_PAYLOAD) if (T, H) == SHAPES[-1] else 'info'})")
        print(f"  step → diagram ≤ {TARGET_STEP_MS} ms at T={T}, H={H}: {b['step']:.0f} ms "
              f"({verdict(b['step'], TARGET_STEP_MS)}); → arithmetic {b['arith']:.0f} ms "
              f"({verdict(b['arith'], TARGET_STEP_MS)}); {b['ws_step']:,} bytes a step")
    T, H = PLAYBACK
    for speed, p in browser["playback"].items():
        off = p["per_step"] / p["set_ms"] - 1
        print(f"  playback at {speed}× ({p['set_ms']:.0f} ms a step), T={T}, H={H}: "
              f"{p['per_step']:.0f} ms a step ({off:+.0%}, "
              f"{verdict(abs(off), SPEED_TOLERANCE)}); drew {p['drawn']} of the "
              f"{p['advanced']} steps it passed")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="reruns per AppTest median")
    parser.add_argument("--browser-repeats", type=int, default=5,
                        help="sequence changes per browser median")
    parser.add_argument("--no-browser", action="store_true", help="skip measure (c)")
    args = parser.parse_args(argv)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]} · {os.cpu_count()} CPUs · load average {load} · "
          f"medians of {args.repeats} reruns / {args.browser_repeats} browser changes\n")
    rows = {}
    for T, H in SHAPES:
        rows[T, H] = server_side(T, H, args.repeats) | without_streamlit(T, H, args.repeats)
    skipped = "--no-browser" if args.no_browser else missing_browser()
    browser = None if skipped else browser_side(args.browser_repeats)
    report(rows, browser, skipped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
