"""A class at once: many learners on one server, `streamlit run asgi.py` as `make run` starts it.

    python benchmarks/classroom_load.py                       # 30 sessions, about 3 min at most
    python benchmarks/classroom_load.py --sessions 3 --seconds 20 --browsers 1
    python benchmarks/classroom_load.py --browsers 0          # protocol clients only
    python benchmarks/classroom_load.py --py-spy server.svg   # and profile the server
    python benchmarks/classroom_load.py --cold-burst          # 30 at once on a fresh server, ×3
    python benchmarks/classroom_load.py --cold-burst --started 0 --entry app.py  # app.py

One server (127.0.0.1, a free port, headless, OPENBLAS_NUM_THREADS=1 as ``make run``), then
``--sessions`` learners, started evenly over ``--ramp`` seconds. Each learner, with a pause
of ``--think`` seconds before every action:

1. opens /gates;
2. types a sequence of its own (words, 12-24 of them) that carries a marker no other
   session uses (``q007kfhw``: session number, four random letters);
3. moves the gates player three steps on (→ on its chart; a protocol client sends the
   player's state, as the player does);
4. visits two other pages (/stacked, /params, /why, /memory, rotating by session);
5. opens /train, sets a seed of its own and ``--train-steps``, presses Train;
6. goes back to /gates, and starts again (at most ``--rounds`` rounds) until ``--seconds``
   have passed since the first learner arrived. Actions in flight then finish, each within
   its timeout; no new one starts.

Two kinds of client, reported apart:

*protocol* (all but ``--browsers`` of the sessions): a websocket client that speaks what
Streamlit's frontend speaks: ``/_stcore/stream`` with the subprotocol ``streamlit``,
``BackMsg.rerun_script`` carrying the query string, the page's script hash (learnt from
the ``navigation`` message) and the widget states (ids learnt from the element deltas),
and ``ForwardMsg`` protobufs back. Latency = BackMsg sent → ``script_finished`` of the run,
with the run's Plotly chart(s) received. It draws nothing, so the machine's cores go to
the server, as they would with a class on their own laptops.

*chromium* (``--browsers``, default 2): real pages of one headless Chromium (own context
each, so own session), driven by Playwright as a learner does (Ctrl+Enter in the text area,
arrow keys on the slider, clicks on the sidebar links and buttons). Latency = the input
event → the app idle and the chart redrawn with the new content, clocked in the page.

"train-start" (click → first live curve) and "train-done" (click → finished) include the
wait for a training slot (``ui/training.py``: one run per CPU − 1 at a time, the others
queue); they are listed apart and left out of "overall". So is "chromium open", the class's
link to /gates loaded at the start of each round (each page takes its settings from its own
URL, so the sidebar's link would open /gates on its demo): the first one is a fresh browser's
first load, bound by the browser compiling the frontend and plotly.js.
A training waits as a learner would, as long as the page keeps saying where it is in the
queue (``--train-timeout``, 600 s; silent for ``--timeout`` s is a timeout).

Also reported: errors (exceptions and error messages shown, disconnects, timeouts, runs
that did not finish, JavaScript errors), isolation (every message each session receives
is searched for every other session's marker; each session must see its own in its
chart), the server's peak RSS, threads and CPU (``/proc``: the server and its children,
sampled every 0.5 s), the load generator's own CPU, and the load average before and after
(other work on the machine inflates the latencies).

Targets: p95 < 2 s, no errors, no leaks. Exit status 1 on any error or leak, else 0
(latency misses are reported, not failed). ``--json FILE`` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from server import ROOT, rerun_message, start_server, stop  # benchmarks/server.py

sys.path.insert(0, str(ROOT))

from ui.keys import PLAYER as PLAYER_KEY  # noqa: E402 (the app's root, put on the path above)

TARGET_P95 = 2.0  # seconds, action → updated chart
OTHER_PAGES = ("stacked", "params", "why", "memory")  # each learner visits two of them
CHARTS = {"gates": 1, "stacked": 3, "params": 2, "why": 5, "memory": 1, "train": 1}
WORDS = ("the cat sat on a mat and it was warm because the sun shone over the hill "
         "while a dog slept by the old door").split()
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RANDOM = "model=random"  # /gates opens on a trained demo, which reads only its own words
NOT_OVERALL = ("train-start", "train-done")  # wait for a training slot: reported apart
# A fresh Chromium page's first load: it downloads and compiles Streamlit's frontend and the
# 4.7 MB plotly.js chunk (measured: 3.8-4.6 s with two sessions on an idle server, the
# websocket's messages all in by 2.2 s), so it is the browser's time: reported apart.
NOT_OVERALL_CHROMIUM = ("open",)
TICK = os.sysconf("SC_CLK_TCK")


# ---- what the learners do ----------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """The run's settings, as the command line gives them."""

    sessions: int
    browsers: int
    seconds: float
    rounds: int
    ramp: float
    think: tuple[float, float]
    train_steps: int
    timeout: float
    train_timeout: float
    seed: int

    @property
    def grace(self) -> float:
        """How long past ``seconds`` an action already started may take."""
        return max(self.timeout, self.train_timeout)


def markers(n: int, seed: int) -> list[str]:
    """One 8-character marker per session (the gates figure's tick labels keep 8)."""
    rng = random.Random(seed)
    return [f"q{k:03d}" + "".join(rng.choices("bcdfghjkmnpqrstvwxz", k=4)) for k in range(n)]


def sequence(marker: str, rng: random.Random) -> list[str]:
    """A sentence of 12-24 words with the session's marker first and in the middle."""
    words = rng.choices(WORDS, k=rng.randint(10, 22))
    return [marker, *words[: len(words) // 2], marker, *words[len(words) // 2:]]


def pages_of(n: int) -> tuple[str, str]:
    """The two other pages session ``n`` visits: every page gets its share."""
    return OTHER_PAGES[n % 4], OTHER_PAGES[(n + 1 + n // 4) % 4 or 1]


# ---- what was seen -------------------------------------------------------------------------

@dataclass
class Tally:
    """Latencies, errors and leaks of the whole class (one event loop writes it)."""

    latencies: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    leaks: list[str] = field(default_factory=list)
    own_seen: set[int] = field(default_factory=set)
    typed: set[int] = field(default_factory=set)
    actions: int = 0

    def time(self, client: str, kind: str, seconds: float) -> None:
        self.latencies.setdefault((client, kind), []).append(seconds)
        self.actions += 1

    def error(self, kind: str, what: str) -> None:
        self.errors.setdefault(kind, []).append(what)


class Leaks:
    """Finds the sessions' markers in the bytes a session receives."""

    def __init__(self, all_markers: list[str], tally: Tally):
        self.markers = all_markers
        self.pattern = re.compile("|".join(map(re.escape, all_markers)).encode())
        self.tally = tally

    def check(self, n: int, payload: bytes | str, where: str) -> bool:
        """Record any other session's marker in ``payload``; True if ``n``'s own is there."""
        if isinstance(payload, str):
            payload = payload.encode()
        found = {m.decode() for m in self.pattern.findall(payload)}
        own = self.markers[n]
        for other in sorted(found - {own}):
            self.tally.leaks.append(f"session {n} received session "
                                    f"{self.markers.index(other)}'s marker {other} in {where}")
        return own in found


class Aborted(Exception):
    """The session cannot go on (timeout or disconnect); already counted as an error."""


# ---- the server and /proc --------------------------------------------------------------------

def process_tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def usage(pids: list[int]) -> tuple[float, float, int]:
    """CPU seconds (user + system, children that ended included), RSS in MB and threads."""
    cpu, rss, threads = 0.0, 0.0, 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:  # ended meanwhile
            continue
        cpu += sum(int(v) for v in fields[11:15]) / TICK  # utime stime cutime cstime
        rss += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024 if "VmRSS" in status else 0
        threads += int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return cpu, rss, threads


class Sampler(threading.Thread):
    """Every ``every`` s: CPU seconds, RSS and threads of the server's and our own trees."""

    def __init__(self, server_pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pids = {"server": server_pid, "generator": os.getpid()}
        self.every = every
        self.samples: list[tuple[float, dict[str, tuple[float, float, int]]]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            now = time.monotonic()
            self.samples.append((now, {k: usage(process_tree(p)) for k, p in self.pids.items()}))
            self.halt.wait(self.every)

    def summary(self, who: str, start: float, end: float) -> dict:
        """Peak RSS and threads; mean and peak (5 s window) CPU in cores, over [start, end]."""
        rows = [(t, s[who]) for t, s in self.samples if start <= t <= end] or \
            [(t, s[who]) for t, s in self.samples[-2:]]
        window = 10  # samples: 5 s
        cores = [(b[1][0] - a[1][0]) / (b[0] - a[0])
                 for a, b in zip(rows[:-window], rows[window:], strict=True)] or [0.0]
        span = rows[-1][0] - rows[0][0]
        return dict(rss_start_mb=rows[0][1][1], rss_peak_mb=max(r[1][1] for r in rows),
                    threads_peak=max(r[1][2] for r in rows),
                    cpu_seconds=rows[-1][1][0] - rows[0][1][0],
                    cores_mean=(rows[-1][1][0] - rows[0][1][0]) / span if span else 0.0,
                    cores_peak_5s=max(cores))


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ---- the protocol client ---------------------------------------------------------------------

@dataclass
class Run:
    """What one script run sent back, in seconds after the BackMsg went out."""

    finished: float = 0.0
    charts: list[float] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


class ProtocolLearner:
    """One session spoken to as Streamlit's frontend does, without drawing anything."""

    def __init__(self, n: int, url: str, plan: Plan, leaks: Leaks, tally: Tally, end: float):
        self.n, self.url, self.plan, self.leaks, self.tally = n, url, plan, leaks, tally
        self.end = end  # monotonic time after which no action may still be waiting
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.pages: dict[str, str] = {}  # URL path ("gates") → page script hash
        self.page_hash = ""
        self.ids: dict[str, str] = {}  # widget key → element id, on the current page
        self.player_rev = 0  # the request the gates player answers (ui/player.py)
        self.states: dict[str, object] = {}  # element id → WidgetState the frontend keeps
        self.query = ""
        self.ws = None

    async def connect(self) -> None:
        import websockets

        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.plan.timeout)
        self.reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.reader.cancel()

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                own = self.leaks.check(self.n, raw, f"a {msg.WhichOneof('type')} message")
                self.inbox.put_nowait((msg, own))
        except ConnectionClosed as closed:
            self.inbox.put_nowait((None, closed))

    def set(self, key: str, **value) -> None:
        """Give the widget ``key`` of the current page a value, as the frontend keeps it."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.ids[key])
        if "doubles" in value:
            state.double_array_value.data.extend(value.pop("doubles"))
        for name, v in value.items():
            setattr(state, name, v)
        self.states[state.id] = state

    def set_step(self, step: int) -> None:
        """Stand the gates player at ``step`` (1-based) of unit 1, as its keys and clicks
        do: its state "at" (ui/player.py), with the run it was drawn from."""
        self.set(PLAYER_KEY, json_value=json.dumps({"at": {"step": step, "unit": 1,
                                                           "rev": self.player_rev}}))

    async def act(self, kind: str, page: str | None = None, click: str | None = None,
                  query: str = "") -> Run:
        """Send one rerun (another page, or this page with the widget states and a click)
        and wait for its end; time it as ``kind``."""
        page_hash = page_name = ""
        if page is not None:  # a sidebar link: no widget states, the link's query string
            self.ids, self.states, self.query = {}, {}, query
            if page in self.pages:
                page_hash = self.pages[page]
            else:  # the first visit: the URL path names the page
                page_name = page
        else:
            page_hash = self.page_hash
        message = rerun_message(self.url, self.query, self.states.values(),
                                page_hash=page_hash, page_name=page_name,
                                click_id=None if click is None else self.ids[click],
                                path=page or "")
        while not self.inbox.empty():
            self.inbox.get_nowait()
        start = time.perf_counter()
        await self.ws.send(message)
        run = await self._until_finished(kind, start)
        self._count(kind, run)
        return run

    async def _until_finished(self, kind: str, start: float) -> Run:
        """Messages until the end of the run. A training waits as a learner would: as long
        as the page keeps telling it where it is (the queue's message, then the live curve,
        every 0.2 s), until ``--train-timeout``; silent for ``--timeout`` s is a timeout."""
        run = Run()
        began = time.monotonic()
        if kind == "train":
            cap = began + self.plan.train_timeout
            deadline = min(began + self.plan.timeout, cap)
        else:
            deadline = min(began + self.plan.timeout, self.end)
        while True:
            try:
                msg, extra = await asyncio.wait_for(self.inbox.get(),
                                                    max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                self.tally.error("timeout", f"session {self.n} {kind}: no end of run "
                                 f"after {time.perf_counter() - start:.1f} s")
                raise Aborted from None
            if msg is None:
                self.tally.error("disconnect", f"session {self.n} {kind}: {extra}")
                raise Aborted
            if self._take(msg, extra, run, time.perf_counter() - start):
                return run
            if kind == "train":  # the page still speaks: the learner keeps waiting
                deadline = min(time.monotonic() + self.plan.timeout, cap)

    def _take(self, msg, own: bool, run: Run, elapsed: float) -> bool:
        """Learn from one ForwardMsg; True at the end of the run."""
        kind = msg.WhichOneof("type")
        if kind == "navigation":  # the page that runs, and every page's hash
            self.page_hash = msg.navigation.page_script_hash
            self.pages.update({p.url_pathname or "home": p.page_script_hash
                               for p in msg.navigation.app_pages})
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, own, run, elapsed)
        elif kind == "session_event" and msg.session_event.WhichOneof("type") == \
                "script_compilation_exception":
            run.problems.append(("exception", "script compilation exception"))
        elif kind == "script_finished":
            status = msg.script_finished
            if status == msg.FINISHED_EARLY_FOR_RERUN:
                return False  # another run follows (st.rerun, a switch of page)
            if status != msg.FINISHED_SUCCESSFULLY:
                run.problems.append(("unfinished", f"script_finished status {status}"))
            run.finished = elapsed
            return True
        return False

    def _element(self, element, own: bool, run: Run, elapsed: float) -> None:
        kind = element.WhichOneof("type")
        widget_id = getattr(getattr(element, kind), "id", "")
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
            self.ids[widget_id.split("-", 2)[2]] = widget_id  # $$ID-<hash>-<key>
        player = kind == "bidi_component" and \
            element.bidi_component.component_name == "lstm_viz.player"
        if player:
            self.player_rev = player_request(element.bidi_component.bytes)["rev"]
        if kind == "plotly_chart" or player:  # a Plotly chart, or the gates player
            run.charts.append(elapsed)
            if own:
                self.tally.own_seen.add(self.n)
        elif kind == "exception":
            run.problems.append(("exception", f"{element.exception.type}: "
                                 f"{element.exception.message[:200]}"))
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            run.problems.append(("error message", element.alert.body[:200]))

    def _count(self, kind: str, run: Run) -> None:
        for what, text in run.problems:
            self.tally.error(what, f"session {self.n} {kind}: {text}")
        if not run.charts:
            self.tally.error("no chart", f"session {self.n} {kind}: the run sent no chart")
        if kind == "train":
            if run.charts:
                self.tally.time("protocol", "train-start", run.charts[0])
            self.tally.time("protocol", "train-done", run.finished)
        else:
            self.tally.time("protocol", kind, run.finished)


async def pause(plan: Plan, rng: random.Random, end: float) -> bool:
    """A learner's pause before the next action; False when the time is up."""
    await asyncio.sleep(rng.uniform(*plan.think))
    return time.monotonic() < end


async def protocol_learner(n: int, url: str, plan: Plan, leaks: Leaks, tally: Tally,
                           stop_at: float) -> None:
    """Session ``n`` as a protocol client: the plan's rounds until ``stop_at``."""
    from websockets.exceptions import WebSocketException

    rng = random.Random(plan.seed * 1000 + n)
    learner = ProtocolLearner(n, url, plan, leaks, tally, stop_at + plan.grace)
    try:
        await learner.connect()
    except (OSError, WebSocketException, asyncio.TimeoutError) as err:
        tally.error("disconnect", f"session {n}: could not connect: {err!r}")
        return
    try:
        await learner.act("open", page="gates", query=RANDOM)
        for r in range(plan.rounds):
            if not await one_round(learner, n, r, plan, rng, stop_at):
                break
    except Aborted:
        pass
    finally:
        await learner.close()


async def one_round(s: ProtocolLearner, n: int, r: int, plan: Plan, rng: random.Random,
                    stop_at: float) -> bool:
    """Type, step, visit two pages, train, back to /gates; False when the time is up."""
    tokens = sequence(s.leaks.markers[n], rng)
    if not await pause(plan, rng, stop_at):
        return False
    s.set("seq", string_value=" ".join(tokens))
    s.tally.typed.add(n)
    await s.act("type")
    for step in sorted(rng.sample(range(2, len(tokens) + 1), 3)):
        if not await pause(plan, rng, stop_at):
            return False
        s.set_step(step)
        await s.act("step")
    for page in (*pages_of(n), "train"):
        if not await pause(plan, rng, stop_at):
            return False
        await s.act("page", page=page)
    for key, value in (("seed", 1000 + 37 * n + r), ("steps", plan.train_steps)):
        if not await pause(plan, rng, stop_at):
            return False
        s.set(key, double_value=value)
        await s.act("setting")
    if not await pause(plan, rng, stop_at):
        return False
    await s.act("train", click="train")
    if not await pause(plan, rng, stop_at):
        return False
    await s.act("page", page="gates", query=RANDOM)
    return True


def player_request(blob: bytes) -> dict:
    """Where the page asks the gates player to stand: its payload's header (the layout of
    ``ui/player.py``: magic, header length, JSON header)."""
    n = int.from_bytes(blob[8:12], "little")
    return json.loads(blob[12:12 + n])["request"]


# ---- the Chromium learners -------------------------------------------------------------------

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
EXCEPTION = "[data-testid='stException']"
ERROR = "[data-testid='stAlertContentError']"
DONE = """() => document.querySelector("[data-testid='stApp']")
                   ?.dataset.testScriptState === 'notRunning'"""
PLAYER = "document.querySelector('.lstm-player')"  # the gates player (ui/player.py)
TYPED = f"""([marker, steps]) => {{
    if (!({DONE})()) return false;
    const root = {PLAYER};
    const step = root && root.querySelector('.lp-step');
    const ok = step && Number(step.max) === steps && root.dataset.drawn
        && [...root.querySelectorAll('.lp-maps text')].some(n => n.textContent.includes(marker));
    return ok ? performance.now() : false;
}}"""
STEPPED = f"""(step) => {{
    if (!({DONE})()) return false;
    const root = {PLAYER};
    const ok = root && root.dataset.drawn && root.dataset.drawn.split(':')[0] === String(step);
    return ok ? performance.now() : false;
}}"""
PAGE_SHOWN = f"""([title, least]) => {{
    if (!({DONE})()) return false;
    const h1 = document.querySelector("[data-testid='stMain'] h1");
    if (!h1 || h1.innerText.trim() !== title) return false;
    const charts = [...document.querySelectorAll(
        "[data-testid='stPlotlyChart'], .lstm-player .lp-maps")];
    const ok = charts.length >= least && charts.every(c => {{
        const svg = c.querySelector('.main-svg');
        return svg && svg.getBoundingClientRect().width > 0;
    }});
    return ok ? performance.now() : false;
}}"""
IN_URL = f"""(part) => ({DONE})() && location.search.includes(part) ? performance.now() : false"""
TRAINED = f"""() => {{
    if (!({DONE})()) return false;
    const done = document.querySelector("[data-testid='stAlertContentSuccess'], "
                                        + "[data-testid='stAlertContentInfo']");
    return done && !document.querySelector("[data-testid='stProgress']")
        ? performance.now() : false;
}}"""


class BrowserLearner:
    """One session in its own Chromium context, used as a learner uses it."""

    def __init__(self, n: int, marker: str, page, plan: Plan, tally: Tally, end: float):
        self.n, self.marker, self.page, self.plan = n, marker, page, plan
        self.tally, self.end = tally, end

    async def timed(self, kind: str, action, condition: str, arg=None,
                    from_navigation: bool = False) -> None:
        """Do ``action`` and wait for ``condition`` (JS returning performance.now() when met)."""
        from playwright.async_api import Error as PlaywrightError

        timeout = self.plan.train_timeout if kind == "train-done" else self.plan.timeout
        timeout = max(0.1, min(timeout, self.end - time.monotonic()))
        start = 0.0 if from_navigation else await self.page.evaluate("performance.now()")
        try:
            await action()
            done = await self.page.wait_for_function(condition, arg=arg, polling="raf",
                                                     timeout=1000 * timeout)
        except PlaywrightError as err:
            await self.check(kind)  # the page's own message, if it shows one, says why
            self.tally.error("timeout", f"chromium session {self.n} {kind}: "
                             f"{str(err).splitlines()[0]}")
            raise Aborted from None
        self.tally.time("chromium", kind, (await done.json_value() - start) / 1000)
        await self.check(kind)

    async def check(self, kind: str) -> None:
        for selector, what in ((EXCEPTION, "exception"), (ERROR, "error message")):
            shown = self.page.locator(selector)
            if await shown.count():
                text = (await shown.first.inner_text())[:200]
                self.tally.error(what, f"chromium session {self.n} {kind}: {text}")

    async def go(self, path: str, title: str) -> None:
        link = self.page.locator(f"[data-testid='stSidebar'] a[href$='{path}']").first
        await self.timed("page", link.click, PAGE_SHOWN, [title, CHARTS[path]])

    async def number(self, key: str, value: int) -> None:
        box = self.page.locator(f".st-key-{key} input")
        await box.fill(str(value))
        await self.timed("setting", lambda: box.press("Enter"), IN_URL, f"{key}={value}")


async def browser_learner(n: int, context, url: str, plan: Plan, leaks: Leaks, tally: Tally,
                          stop_at: float) -> None:
    """Session ``n`` in Chromium: the same rounds as a protocol learner."""
    from text.i18n import tr

    rng = random.Random(plan.seed * 1000 + n)
    page = await context.new_page()
    page.set_default_timeout(1000 * plan.timeout)

    def frame(payload):
        if leaks.check(n, payload, "a websocket frame"):
            tally.own_seen.add(n)

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    page.on("pageerror", lambda err: tally.error("javascript", f"chromium session {n}: {err}"))
    b = BrowserLearner(n, leaks.markers[n], page, plan, tally, stop_at + plan.grace)
    titles = {p: tr(f"nav.{p}.title", "en") for p in CHARTS}
    try:
        for r in range(plan.rounds):
            # the class's link to /gates, opened again each round as the protocol learners do:
            # the sidebar's link would open the page's own default, a demo that reads only its
            # own words (each page takes its settings from its URL: ui/common.py)
            await b.timed("open", lambda: page.goto(f"{url}/gates?{RANDOM}"), PAGE_SHOWN,
                          [titles["gates"], 1], from_navigation=True)
            if not await browser_round(b, n, r, titles, rng, stop_at):
                break
    except Aborted:
        pass
    finally:
        await page.close()


async def browser_round(b: BrowserLearner, n: int, r: int, titles: dict, rng: random.Random,
                        stop_at: float) -> bool:
    page, plan = b.page, b.plan
    tokens = sequence(b.marker, rng)
    if not await pause(plan, rng, stop_at):
        return False
    box = page.locator(".st-key-seq textarea")
    await box.fill(" ".join(tokens))
    b.tally.typed.add(n)
    await b.timed("type", lambda: box.press("Control+Enter"), TYPED, [tokens[0], len(tokens)])
    chart = page.locator(".lstm-player .lp-chart")  # → steps the player, as a learner does
    for step in range(2, 5):
        if not await pause(plan, rng, stop_at):
            return False
        await b.timed("step", lambda: chart.press("ArrowRight"), STEPPED, step)
    for path in (*pages_of(n), "train"):
        if not await pause(plan, rng, stop_at):
            return False
        await b.go(path, titles[path])
    for key, value in (("seed", 1000 + 37 * n + r), ("steps", plan.train_steps)):
        if not await pause(plan, rng, stop_at):
            return False
        await b.number(key, value)
    if not await pause(plan, rng, stop_at):
        return False
    await b.timed("train-done", page.locator(".st-key-train button").click, TRAINED)
    return await pause(plan, rng, stop_at)


# ---- the class -------------------------------------------------------------------------------

async def warm_up(url: str, plan: Plan) -> float:
    """Open every page once, untimed, as the teacher does before class: the server's first
    run imports plotly, pandas and the pages, which no learner should be charged for."""
    start = time.perf_counter()
    tally = Tally()
    learner = ProtocolLearner(0, url, plan, Leaks(["warm-up!"], tally), tally,
                              time.monotonic() + 4 * plan.timeout)
    await learner.connect()
    try:
        for page in CHARTS:
            await learner.act("warm-up", page=page)
    finally:
        await learner.close()
    if tally.errors:
        raise RuntimeError(f"the warm-up failed: {tally.errors}")
    return time.perf_counter() - start


async def whole_class(url: str, plan: Plan, leaks: Leaks, tally: Tally) -> None:
    """Every learner, started evenly over ``plan.ramp`` seconds; Chromium ones last."""
    stop_at = time.monotonic() + plan.seconds
    protocol = plan.sessions - plan.browsers

    async def later(k: int, job):
        await asyncio.sleep(plan.ramp * k / max(1, plan.sessions))
        await job

    jobs = [later(n, protocol_learner(n, url, plan, leaks, tally, stop_at))
            for n in range(protocol)]
    if not plan.browsers:
        await asyncio.gather(*jobs)
        return
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        chrome = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        contexts = [await chrome.new_context(viewport={"width": 1400, "height": 900},
                                             locale="en-US") for _ in range(plan.browsers)]
        for k, context in enumerate(contexts):
            n = protocol + k
            jobs.append(later(n, browser_learner(n, context, url, plan, leaks, tally, stop_at)))
        await asyncio.gather(*jobs)
        await chrome.close()


def chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


# ---- the report ------------------------------------------------------------------------------

def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return dict(n=len(ordered), p50=statistics.median(ordered), p95=p95, max=ordered[-1])


def latency_table(tally: Tally) -> dict:
    """p50/p95/max per (client, action) and overall per client (train-* apart)."""
    rows = {f"{c} {k}": percentiles(v) for (c, k), v in sorted(tally.latencies.items())}
    for client in ("protocol", "chromium"):
        apart = NOT_OVERALL + (NOT_OVERALL_CHROMIUM if client == "chromium" else ())
        both = [x for (c, k), v in tally.latencies.items() if c == client
                and k not in apart for x in v]
        if both:
            rows[f"{client} overall"] = percentiles(both)
    return rows


def server_log_lines(log: Path) -> list[str]:
    """Lines of the server's log that say something went wrong."""
    bad = re.compile(r"Traceback|Error|Exception|WARNING|CRITICAL")
    return [line for line in log.read_text(errors="replace").splitlines() if bad.search(line)]


def report(plan: Plan, tally: Tally, res: dict, loads: tuple[str, str], log_lines: list[str],
           wall: float) -> dict:
    rows = latency_table(tally)
    print(f"\n{plan.sessions} sessions ({plan.sessions - plan.browsers} protocol clients + "
          f"{plan.browsers} Chromium pages) on one streamlit server · {os.cpu_count()} CPUs · "
          f"{tally.actions} actions in {wall:.0f} s")
    print(f"load average (1, 5, 15 min) before: {loads[0]} · after: {loads[1]}")
    print("\nLatency, action → updated chart, seconds. protocol: BackMsg sent → script_finished "
          "with the chart(s) received;\nchromium: input event → app idle and chart redrawn "
          "(clocked in the page). train-*: click → first live curve / → finished,\n"
          "waiting for a training slot included; not in overall. chromium open: the class's "
          "link loaded at each round's start\n(the first time in a fresh browser: frontend + "
          "plotly.js compiled), not in overall.")
    print(f"{'client action':24}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}")
    for name, row in rows.items():
        apart = "train" in name or name == "chromium open"
        late = "  > target" if row["p95"] >= TARGET_P95 and not apart else ""
        print(f"{name:24}{row['n']:>5}{row['p50']:>8.2f}{row['p95']:>8.2f}{row['max']:>8.2f}{late}")
    errors = {k: len(v) for k, v in sorted(tally.errors.items())}
    print("\nErrors: " + (" · ".join(f"{k} {v}" for k, v in errors.items()) or "none") +
          "   (kinds counted: exception, error message, disconnect, timeout, unfinished, "
          "no chart, javascript)")
    for kind, lines in sorted(tally.errors.items()):
        for line in lines[:3]:
            print(f"  {kind}: {line}")
    print(f"Isolation: {len(tally.typed)} sessions typed a unique marker; "
          f"{len(tally.own_seen & tally.typed)} of them saw it in their own chart; "
          f"{len(tally.leaks)} messages carried another session's marker")
    for line in tally.leaks[:5]:
        print("  LEAK: " + line)
    s, g = res["server"], res["generator"]
    print(f"Server (process tree): RSS {s['rss_start_mb']:.0f} MB at start, peak "
          f"{s['rss_peak_mb']:.0f} MB · threads peak {s['threads_peak']} · CPU "
          f"{s['cpu_seconds']:.0f} s = {s['cores_mean']:.2f} cores mean, "
          f"{s['cores_peak_5s']:.2f} peak (5 s window)")
    print(f"Load generator (this script + Chromium): CPU {g['cores_mean']:.2f} cores mean, "
          f"peak RSS {g['rss_peak_mb']:.0f} MB")
    print(f"Server log: {len(log_lines)} lines with Error/Exception/WARNING/Traceback")
    for line in log_lines[:5]:
        print("  " + line[:160])
    verdicts = targets(rows, errors, tally)
    print("\nTargets: " + " · ".join(verdicts.values()))
    return dict(plan=plan.__dict__, latency=rows, errors=errors, error_lines=tally.errors,
                leaks=tally.leaks, typed=len(tally.typed),
                own_seen=len(tally.own_seen & tally.typed), resources=res,
                loadavg=dict(before=loads[0], after=loads[1]), server_log=log_lines[:50],
                wall_seconds=wall, actions=tally.actions)


def targets(rows: dict, errors: dict, tally: Tally) -> dict:
    out = {}
    for client in ("protocol", "chromium"):
        row = rows.get(f"{client} overall")
        if row:
            ok = "ok" if row["p95"] < TARGET_P95 else "MISSED"
            out[client] = f"{client} p95 {row['p95']:.2f} s < {TARGET_P95:.0f} s {ok}"
    out["errors"] = f"errors {sum(errors.values())} ({'ok' if not errors else 'MISSED'})"
    blind = tally.typed - tally.own_seen
    ok = "ok" if not tally.leaks and not blind else "MISSED"
    out["leaks"] = f"leaks {len(tally.leaks)}, own marker unseen {len(blind)} ({ok})"
    return out


# ---- the cold burst ---------------------------------------------------------------------------
# A class whose teacher started the server a moment ago: every learner opens /gates in the same
# second, on a server that has run no script yet (no warm-up). Repeated on fresh servers.

COLD_TARGET_P95 = 2.0  # seconds, the first run of each learner
PRELOADED = "preloaded ui.preload before the first session"  # asgi.py's lifespan logs it


async def cold_learners(url: str, plan: Plan, tally: Tally) -> None:
    """``plan.sessions`` protocol learners connect, then all send their first run at once."""
    leaks = Leaks(markers(plan.sessions, plan.seed), tally)  # no session types one here
    learners = [ProtocolLearner(n, url, plan, leaks, tally, time.monotonic() + plan.timeout + 30)
                for n in range(plan.sessions)]
    await asyncio.gather(*(s.connect() for s in learners))

    async def first(s: ProtocolLearner) -> None:
        try:
            await s.act("open", page="gates")
        except Aborted:
            pass

    try:
        await asyncio.gather(*(first(s) for s in learners))  # sent in the same event-loop turn
    finally:
        await asyncio.gather(*(s.close() for s in learners), return_exceptions=True)


def cold_burst(plan: Plan, starts: int, options: list[str], started: float,
               entry: str = "asgi.py") -> dict:
    """``starts`` times: a fresh server (``streamlit run <entry>``), ``started`` s of quiet
    (0: the burst as soon as it answers), then the burst. Returns, per start, the first
    runs' latencies (p50/p95/max), errors and the server log's bad lines."""
    out = []
    for k in range(starts):
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "server.log"
            proc, url = start_server(log, options, script=entry)
            try:
                time.sleep(started)
                tally = Tally()
                load = loadavg()
                asyncio.run(cold_learners(url, plan, tally))
            finally:
                stop(proc)
            times = [x for v in tally.latencies.values() for x in v]
            row = dict(start=k + 1, loadavg=load, entry=entry,
                       preloaded=PRELOADED in log.read_text(errors="replace"),
                       errors={e: len(v) for e, v in tally.errors.items()},
                       error_lines=[x for v in tally.errors.values() for x in v][:5],
                       server_log=server_log_lines(log)[:5],
                       latency=percentiles(times) if times else None)
        out.append(row)
        lat = row["latency"] or dict(n=0, p50=0, p95=0, max=0)
        print(f"start {k + 1}: {lat['n']} first runs, p50 {lat['p50']:.2f} s, p95 "
              f"{lat['p95']:.2f} s, max {lat['max']:.2f} s · errors "
              f"{sum(row['errors'].values())} · {entry}"
              f"{', preloaded before it answered' if row['preloaded'] else ''} · load average "
              f"before {load}")
        for line in row["error_lines"] + row["server_log"]:
            print("  " + line[:200])
    errors = sum(sum(r["errors"].values()) for r in out)
    worst = max((r["latency"]["p95"] for r in out if r["latency"]), default=float("inf"))
    ok = "ok" if worst < COLD_TARGET_P95 else "MISSED"
    print(f"\nCold burst, {plan.sessions} learners × {starts} fresh servers: errors {errors} "
          f"({'ok' if not errors else 'MISSED'}) · worst first-run p95 {worst:.2f} s "
          f"< {COLD_TARGET_P95:.0f} s {ok}")
    return dict(sessions=plan.sessions, starts=out, errors=errors, worst_p95=worst)


# ---- main ------------------------------------------------------------------------------------

def profiler(path: str | None, pid: int) -> subprocess.Popen | None:
    """``py-spy record`` on the server until the class is over (``--py-spy``)."""
    if not path:
        return None
    exe = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if exe is None:
        raise SystemExit("--py-spy: no py-spy on PATH (pip install py-spy, or set PY_SPY)")
    fmt = {".json": "speedscope", ".txt": "raw"}.get(Path(path).suffix, "flamegraph")
    # --gil: only the thread holding the GIL, i.e. what the server's one busy core runs.
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "50", "--nonblocking",
                             "--gil", "--format", fmt, "-o", path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)


def parse(argv) -> tuple[Plan, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--sessions", type=int, default=30, help="learners in all (default 30)")
    add("--browsers", type=int, default=2,
        help="of them, real Chromium pages (default 2; 0 for protocol clients only)")
    add("--seconds", type=float, default=120,
        help="no new action starts after this (default 120; actions in flight finish)")
    add("--rounds", type=int, default=3, help="rounds per learner at most (default 3)")
    add("--ramp", type=float, default=10, help="seconds over which learners arrive (default 10)")
    add("--think", type=float, nargs=2, default=(1.0, 5.0), metavar=("MIN", "MAX"),
        help="pause before each action, uniform in [MIN, MAX] s (default 1 5: a learner "
             "looks at the chart; 0.5 2 is a stress test)")
    add("--train-steps", type=int, default=60, help="steps of each training (default 60)")
    add("--timeout", type=float, default=30, help="seconds one action may take (default 30)")
    add("--train-timeout", type=float, default=600,
        help="seconds a training may take, its wait in the queue included, while the page "
             "keeps saying where it is (600); silent for --timeout s is a timeout either way")
    add("--seed", type=int, default=0, help="seeds markers, sequences and pauses")
    add("--st", action="append", default=[], metavar="KEY=VALUE",
        help="a config option for streamlit run, e.g. runner.postScriptGC=false (repeatable)")
    add("--client-nice", type=int, default=10, metavar="N",
        help="niceness of the clients (this script and its Chromium), set after the server "
             "starts, so the load generator takes only the CPU the server leaves, as a class's "
             "laptops would (default 10; 0 to compete with the server as equals)")
    add("--json", help="also write the figures to this file")
    add("--log", help="keep the server's log in this file")
    add("--cold-burst", type=int, nargs="?", const=3, default=0, metavar="STARTS",
        help="instead of a class: --sessions learners (default 30) open /gates at once on a "
             "server started --started seconds before, on STARTS fresh servers (default 3)")
    add("--started", type=float, default=2.0,
        help="with --cold-burst: seconds between the server answering and the burst (2; 0: "
             "the moment it answers)")
    add("--entry", default="asgi.py", choices=("asgi.py", "app.py"),
        help="what the server runs: asgi.py (default; what `make run` starts, preloading "
             "before it takes sessions) or app.py (Streamlit's own server)")
    add("--py-spy", help="profile the server with py-spy into this file: .svg flame graph, "
        ".json speedscope, .txt collapsed stacks")
    args = parser.parse_args(argv)
    if args.browsers > args.sessions or args.sessions < 1 or args.sessions > 999:
        parser.error("need 1 ≤ sessions ≤ 999 and browsers ≤ sessions")
    if args.browsers and chromium_path() is None:
        parser.error("no Chromium (/usr/bin/chromium or chromium on PATH): use --browsers 0")
    plan = Plan(args.sessions, args.browsers, args.seconds, args.rounds, args.ramp,
                tuple(args.think), args.train_steps, args.timeout, args.train_timeout, args.seed)
    return plan, args


def main(argv=None) -> int:
    plan, args = parse(argv)
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    if args.cold_burst:
        return main_cold_burst(plan, args)
    tally = Tally()
    leaks = Leaks(markers(plan.sessions, plan.seed), tally)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(args.log or Path(tmp) / "server.log")
        loads = [loadavg()]
        proc, url = start_server(log, args.st, script=args.entry)
        sampler = Sampler(proc.pid)
        sampler.start()
        spy = profiler(args.py_spy, proc.pid)
        os.nice(args.client_nice)  # the server (already started) keeps its priority
        print(f"server {url} (pid {proc.pid}); {plan.sessions} learners arrive over "
              f"{plan.ramp:.0f} s; no new action after {plan.seconds:.0f} s; clients at "
              f"nice {args.client_nice}")
        began = time.monotonic()
        try:
            print(f"warm-up (each page opened once, untimed): "
                  f"{asyncio.run(warm_up(url, plan)):.1f} s")
            began = time.monotonic()
            asyncio.run(whole_class(url, plan, leaks, tally))
        finally:
            ended = time.monotonic()
            if spy is not None:
                stop(spy, first=signal.SIGINT)
            sampler.halt.set()
            sampler.join()
            loads.append(loadavg())
            stop(proc)
        res = {who: sampler.summary(who, began, ended) for who in ("server", "generator")}
        summary = report(plan, tally, res, tuple(loads), server_log_lines(log), ended - began)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, default=str))
    return 1 if tally.errors or tally.leaks or tally.typed - tally.own_seen else 0


def main_cold_burst(plan: Plan, args) -> int:
    """``--cold-burst``: the burst on fresh servers; exit status 1 on any error."""
    plan = Plan(**{**plan.__dict__, "browsers": 0})
    summary = cold_burst(plan, args.cold_burst, args.st, args.started, args.entry)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, default=str))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
