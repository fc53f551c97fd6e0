"""How long the gates page takes to answer, and how much it sends, against the targets.

    python benchmarks/app_latency.py                  # all three measures
    python benchmarks/app_latency.py --repeats 9      # more reruns per median
    python benchmarks/app_latency.py --no-browser     # (a) and (b) only

For each shape (T steps, H units), with a sequence of T numbers in numbers mode:

(a) Server-side rerun of pages/1_gates.py in Streamlit's AppTest (app.py opened, then
    switch_page, as tests/conftest.py does). *warm*: the same input again, so
    ``compute.gates_run`` is a cache hit and only the page, the figure and its
    serialisation run; *cold*: a new seed every rerun, so the core runs too. Both are
    medians of ``--repeats`` reruns after one untimed first run. Without Streamlit at
    all: *core* is encode + ``LSTM.random`` + ``run``, *figure* is ``gates_figure``.
(b) Payload: bytes of ``gates_figure(...).to_json()`` and of the spec that AppTest's
    plotly_chart element carries (what the browser receives, inside a ForwardMsg).
(c) In headless Chromium against a real ``streamlit run``: from Ctrl+Enter in the
    sequence box (a new sequence, one step shorter each time so the frame count changes)
    until the script is idle and the chart holds the new number of steps and has drawn;
    median of ``--browser-repeats``. Skipped, and said so, without Chromium or playwright.

Targets (a learner notices more): rerun < 150 ms and payload < 1 MB at T=200, H=64;
change → redrawn < 1 s. The script reports misses and always exits 0.
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
TARGET_RERUN_MS = 150   # at T=200, H=64
TARGET_PAYLOAD = 1_000_000  # bytes, at T=200, H=64
TARGET_REDRAW_MS = 1000
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REDRAWN = """(n) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
    const sliders = gd && gd._fullLayout && gd._fullLayout.sliders;
    const done = sliders && sliders.length && sliders[0].steps.length === n
                 && gd.querySelector('.main-svg');
    return done ? performance.now() : false;
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


def server_side(T: int, H: int, repeats: int) -> dict:
    """Warm and cold rerun medians (ms) and the chart spec's size (bytes)."""
    at = open_gates(T, H)
    if at.exception or at.error:
        raise RuntimeError([e.value for e in [*at.exception, *at.error]])
    (spec,) = [el.proto.spec for el in at.get("plotly_chart")]
    warm = [timed_run(at) for _ in range(repeats)]
    cold = []
    for r in range(repeats):
        at.number_input(key="seed").set_value(1000 + 97 * r + T + H)  # never cached before
        cold.append(timed_run(at))
    return dict(warm=ms(statistics.median(warm)), warm_min=ms(min(warm)),
                cold=ms(statistics.median(cold)), cold_min=ms(min(cold)),
                spec=len(spec.encode()))


def without_streamlit(T: int, H: int, repeats: int) -> dict:
    """Median ms of the core (encode + run) and of gates_figure; the figure's JSON."""
    from figures.gates import gates_figure
    from lstm_viz import LSTM
    from lstm_viz.inputs import encode

    core, figure, fig = [], [], None
    for r in range(repeats + 1):  # the first of each is a warm-up
        start = time.perf_counter()
        seq = encode(numbers(T), "numbers", seed=r)
        trace = LSTM.random(seq.x.shape[1], H, seed=r).run(seq.x)
        middle = time.perf_counter()
        fig = gates_figure(trace, seq.tokens, unit=0, step=0, lang="en")
        core.append(middle - start)
        figure.append(time.perf_counter() - middle)
    start = time.perf_counter()
    payload = fig.to_json()
    return dict(core=ms(statistics.median(core[1:])), figure=ms(statistics.median(figure[1:])),
                json=len(payload.encode()), json_ms=ms(time.perf_counter() - start))


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


def change_to_redrawn(context, url: str, T: int, H: int, repeats: int) -> dict:
    """Median and min ms from Ctrl+Enter to the redrawn chart (clocked in the page), and
    the websocket bytes one change brings."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    received = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: received.append(len(p))))
    page.goto(url + "/gates?" + urlencode(dict(seq=numbers(T), mode="numbers", units=H)))
    page.wait_for_function(REDRAWN, arg=T)
    box = page.locator(".st-key-seq textarea")
    redrawn, sizes = [], []
    for r in range(1, repeats + 1):
        box.fill(numbers(T - r, salt=r))  # one step fewer each time: a new frame count
        received.clear()
        t0 = page.evaluate("performance.now()")
        box.press("Control+Enter")
        done = page.wait_for_function(REDRAWN, arg=T - r, polling="raf").json_value()
        redrawn.append(done - t0)
        sizes.append(sum(received))
    page.close()
    return dict(redraw=statistics.median(redrawn), redraw_min=min(redrawn),
                ws=int(statistics.median(sizes)))


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
                chrome.close()
        finally:
            stop(proc)
    return results


# ---- the report ---------------------------------------------------------------------------

def verdict(value, target) -> str:
    return "ok" if value < target else "MISSED"


def report(rows: dict, browser: dict | None, skipped: str | None) -> None:
    head = ("T", "H", "rerun warm", "rerun cold", "core", "figure", "fig.to_json", "chart spec",
            "change→redrawn", "ws bytes")
    widths = (4, 3, 11, 11, 5, 6, 11, 10, 14, 9)
    print("times in ms: median (min); sizes in bytes; change→redrawn is clocked in Chromium")
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for (T, H), row in rows.items():
        b = (browser or {}).get((T, H))
        cells = (T, H, f"{row['warm']:.0f} ({row['warm_min']:.0f})",
                 f"{row['cold']:.0f} ({row['cold_min']:.0f})", f"{row['core']:.0f}",
                 f"{row['figure']:.0f}", f"{row['json']:,}", f"{row['spec']:,}",
                 f"{b['redraw']:.0f} ({b['redraw_min']:.0f})" if b else "skipped",
                 f"{b['ws']:,}" if b else "-")
        print("  ".join(str(c).rjust(w) for c, w in zip(cells, widths, strict=True)))
    big, (T, H) = rows[SHAPES[-1]], SHAPES[-1]
    print(f"\nTargets (rerun and payload at T={T}, H={H}):")
    print(f"  rerun < {TARGET_RERUN_MS} ms: warm {big['warm']:.0f} ms "
          f"({verdict(big['warm'], TARGET_RERUN_MS)}), cold {big['cold']:.0f} ms "
          f"({verdict(big['cold'], TARGET_RERUN_MS)})")
    payload = max(big["json"], big["spec"])
    print(f"  payload < {TARGET_PAYLOAD / 1e6:.0f} MB: {payload / 1e6:.2f} MB "
          f"({verdict(payload, TARGET_PAYLOAD)})")
    if not browser:
        print(f"  change → redrawn < {TARGET_REDRAW_MS} ms: skipped ({skipped})")
    for (T, H), b in (browser or {}).items():
        print(f"  change → redrawn < {TARGET_REDRAW_MS} ms at T={T}, H={H}: "
              f"{b['redraw']:.0f} ms ({verdict(b['redraw'], TARGET_REDRAW_MS)})")
    print("  fig.to_json alone: " + ", ".join(f"{row['json_ms']:.0f} ms at T={T}, H={H}"
                                            for (T, H), row in rows.items()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="reruns per AppTest median")
    parser.add_argument("--browser-repeats", type=int, default=5,
                        help="sequence changes per browser median")
    parser.add_argument("--no-browser", action="store_true", help="skip measure (c)")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]} · {os.cpu_count()} CPUs · medians of "
          f"{args.repeats} reruns / {args.browser_repeats} browser changes\n")
    rows = {}
    for T, H in SHAPES:
        rows[T, H] = server_side(T, H, args.repeats) | without_streamlit(T, H, args.repeats)
    skipped = "--no-browser" if args.no_browser else missing_browser()
    browser = None if skipped else browser_side(args.browser_repeats)
    report(rows, browser, skipped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
