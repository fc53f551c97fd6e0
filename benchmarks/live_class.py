"""A live class at lesson size: one teacher's projector and 30 students on /live.

    python benchmarks/live_class.py                        # SQLite file, one server
    python benchmarks/live_class.py --students 30 --servers 2 --database postgresql://…

Each student and the projector is a *protocol client*: a websocket speaking what Streamlit's
frontend speaks (``BackMsg.rerun_script``, ``ForwardMsg`` back), including the fragment
timer the frontend runs for ``st.fragment(run_every=…)`` (an ``auto_rerun`` message names
the fragment; the client asks for its rerun at that interval, as a browser does). Students
join by opening ``/live?class=CODE`` (the QR code's link); the projector opens the teacher
link. With ``--servers 2`` students alternate between two servers sharing the database.

Measured:

- *idle*: the servers' CPU (cores) while everyone polls and nothing changes (``--idle`` s);
- *follow*: the teacher's view changes (written through the store, as the teacher's
  callback does) → each student's page shows the new step: per student, ``--changes`` times;
- *answers*: a question asked; every student sends an answer through its page (slider and
  button); the last answer stored → the projector shows "N / N";
- *leaks*: a second class runs beside, its sequence carrying a marker; no student of the
  first class may ever receive it.

With ``--browsers N`` the idle measurement is taken a second way, with real pages: the
projector and N students open the class in headless Chromium (the frontend's own fragment
timer, its own messages), and the servers' CPU is measured while they sit on it
(``browser_idle_cores``; the browsers' own CPU is theirs, on their devices, and not counted).

Targets (issue 15): follow p95 ≤ 2 s, answers → projector ≤ 2 s, no errors, no leaks, idle
polling ≤ 0.3 of a core. Exit status 1 on an error, a leak or a change a student never saw.
``--json FILE`` writes it all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from classroom_load import CHROMIUM_ARGS, chromium_path, percentiles, process_tree, usage  # noqa: E402
from server import rerun_message, start_server, stop  # noqa: E402

from classroom.store import ClassView, connect  # noqa: E402
from lstm_viz import LSTM  # noqa: E402
from lstm_viz.inputs import encode  # noqa: E402

MARKER = "zzleakmarkerzz"  # the second class's sequence: must never reach the first class


class Client:
    """One browser session, spoken to over Streamlit's websocket protocol; it keeps every
    text it was sent (markdown, metric labels and values) with the time it came."""

    def __init__(self, url: str, name: str):
        self.url, self.name = url, name
        self.page_hash, self.query, self.fragment, self.interval = "", "", "", 0.0
        self.ids: dict[str, str] = {}  # widget key → element id
        self.states: dict[str, object] = {}
        self.texts: list[tuple[float, str]] = []
        self.errors: list[str] = []
        self.finished = asyncio.Event()

    async def open(self, query: str) -> None:
        import websockets

        self.ws = await websockets.connect(self.url.replace("http", "ws", 1) + "/_stcore/stream",
                                           subprotocols=["streamlit"], max_size=None)
        self.reader = asyncio.create_task(self._read())
        self.query = query
        await self.rerun(page="live")

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._take(msg, raw)
        except Exception as err:  # noqa: BLE001 (a closed socket ends the client)
            if not self.closing:
                self.errors.append(f"{self.name}: connection: {err}")

    closing = False

    def _take(self, msg, raw: bytes) -> None:
        kind = msg.WhichOneof("type")
        now = time.perf_counter()
        if MARKER.encode() in raw and self.name.startswith("student"):
            self.errors.append(f"LEAK: {self.name} received the other class's sequence")
        if kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "auto_rerun":
            self.fragment, self.interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            widget_id = getattr(getattr(element, what), "id", "")
            if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                self.ids[widget_id.split("-", 2)[2]] = widget_id
            if what == "markdown":
                self.texts.append((now, element.markdown.body))
            elif what == "metric":
                self.texts.append((now, f"{element.metric.label}: {element.metric.body}"))
            elif what == "exception":
                self.errors.append(f"{self.name}: exception {element.exception.message[:200]}")
            elif what == "alert" and element.alert.format == element.alert.ERROR:
                self.errors.append(f"{self.name}: error shown: {element.alert.body[:200]}")
        elif kind == "script_finished":
            self.finished.set()

    async def rerun(self, page: str | None = None, click: str | None = None,
                    fragment: bool = False) -> None:
        message = rerun_message(
            self.url, self.query, self.states.values(), page_name=page or "",
            page_hash=self.page_hash, click_id=None if click is None else self.ids[click],
            fragment_id=self.fragment if fragment else "", path="live")
        self.finished.clear()
        await self.ws.send(message)

    def set_slider(self, key: str, value: float) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.ids[key])
        state.double_array_value.data.extend([value])
        self.states[key] = state

    async def poll(self, stop_at: float) -> None:
        """The frontend's fragment timer: a rerun of the fragment every interval."""
        while time.monotonic() < stop_at:
            await asyncio.sleep(self.interval or 1.0)
            if self.fragment:
                await self.rerun(fragment=True)

    def saw(self, text: str, after: float) -> float | None:
        """When a text containing ``text`` first came after ``after`` (perf_counter)."""
        return next((t for t, body in self.texts if t >= after and text in body), None)

    async def close(self) -> None:
        self.closing = True
        await self.ws.close()
        self.reader.cancel()


async def until(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.02)
    return False


def server_cpu(procs) -> float:
    return sum(usage(process_tree(p.pid))[0] for p in procs)


def core_value(view: ClassView, gate: str) -> float:
    """The true value of ``gate`` at the view's step and unit, from the core (random
    weights, the view's seed and size)."""
    seq = encode(view.seq, view.mode, seed=view.seed)
    trace = LSTM.random(seq.x.shape[1], view.units, seed=view.seed).run(seq.x)
    return float(getattr(trace, gate)[view.step, view.unit])


async def lesson(args, urls: list[str]) -> dict:
    store = connect(args.database)
    started = store.start_class(ClassView())
    other = store.start_class(ClassView(seq=f"{MARKER} is the other class"))
    store.set_view(other.code, other.token, ClassView(seq=f"{MARKER} moved", step=1))
    students = [Client(urls[k % len(urls)], f"student {k}") for k in range(args.students)]
    projector = Client(urls[0], "projector")
    everyone = [*students, projector]
    await asyncio.gather(*(s.open(f"class={started.code}") for s in students))
    await projector.open(f"class={started.code}&teacher={started.token}")
    joined = await until(lambda: all(s.saw("Step **1** of", 0) for s in students), 60)
    stop_at = time.monotonic() + 3600
    polls = [asyncio.create_task(c.poll(stop_at)) for c in everyone]
    await until(lambda: all(c.fragment for c in everyone), 10)
    result = {"joined": joined, "students": args.students, "servers": len(urls)}

    await asyncio.sleep(2)  # the last joins' reruns settle
    cpu0, t0 = server_cpu(args.procs), time.monotonic()
    await asyncio.sleep(args.idle)
    result["idle_cores"] = (server_cpu(args.procs) - cpu0) / (time.monotonic() - t0)

    follow = []
    for k in range(1, args.changes + 1):
        view = ClassView(step=k)
        sent = time.perf_counter()
        store.set_view(started.code, started.token, view)
        text = f"Step **{k + 1}** of"
        await until(lambda t=text, s=sent: all(c.saw(t, s) for c in students), 15)
        follow += [(c.saw(text, sent) or float("inf")) - sent for c in students]
        await asyncio.sleep(1.5)
    result["follow_s"] = percentiles(follow)
    result["follow_missed"] = sum(v == float("inf") for v in follow)

    view = store.snapshot(started.code).view
    qid = store.ask(started.code, started.token, "gate",
                    {"gate": "f", "step": view.step, "unit": view.unit, "token": "x"},
                    core_value(view, "f"), 0.0, 1.0)
    asked = time.perf_counter()
    slider = f"live_answer_{qid}"
    await until(lambda: all(c.saw("What is the value", asked) and slider in c.ids
                            for c in students), 15)
    result["question_s"] = percentiles([(c.saw("What is the value", asked) or float("inf"))
                                        - asked for c in students])
    ready = [s for s in students if slider in s.ids and "live_send_button" in s.ids]
    for s in students:
        if s not in ready:
            s.errors.append(f"{s.name}: no answer slider 15 s after the question")
    for k, s in enumerate(ready):
        s.set_slider(slider, round((k % 11) / 10, 2))
        await s.rerun(click="live_send_button")
    await until(lambda: len(store.answers(started.code, qid)) == len(ready), 30)
    last_in = time.perf_counter()
    total = f"{len(ready)} / {args.students}"
    shown = await until(lambda: projector.saw(total, last_in) is not None, 15)
    result["answers_to_projector_s"] = (projector.saw(total, last_in) - last_in) if shown \
        else None
    result["answers_stored"] = len(store.answers(started.code, qid))

    for p in polls:
        p.cancel()
    for c in everyone:
        await c.close()
    errors = [e for c in everyone for e in c.errors]
    result["errors"] = [e for e in errors if not e.startswith("LEAK")]
    result["leaks"] = [e for e in errors if e.startswith("LEAK")]
    store.engine.dispose()
    return result


async def browser_idle(args, urls: list[str]) -> dict:
    """The projector and ``args.browsers`` students in Chromium, sitting on a class: the
    servers' CPU over ``args.idle`` seconds once every page shows the class."""
    from playwright.async_api import async_playwright

    store = connect(args.database)
    started = store.start_class(ClassView())
    links = [f"{urls[k % len(urls)]}/live?class={started.code}" for k in range(args.browsers)]
    links.append(f"{urls[0]}/live?class={started.code}&teacher={started.token}")
    async with async_playwright() as pw:
        chrome = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        pages = []
        for link in links:  # one after another, as a class arrives: no cold burst measured
            context = await chrome.new_context(viewport={"width": 390, "height": 844})
            page = await context.new_page()
            await page.goto(link)
            pages.append(page)
        shown = 0
        for page in pages:
            try:
                await page.get_by_text("Step 1 of").first.wait_for(timeout=60_000)
                shown += 1
            except Exception:  # noqa: BLE001 (counted: a page that never showed the class)
                pass
        await asyncio.sleep(3)  # the last pages' first reruns settle
        cpu0, t0 = server_cpu(args.procs), time.monotonic()
        await asyncio.sleep(args.idle)
        cores = (server_cpu(args.procs) - cpu0) / (time.monotonic() - t0)
        await chrome.close()
    store.engine.dispose()
    return {"browser_pages": len(links), "browser_pages_showing_the_class": shown,
            "browser_idle_cores": cores}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--database", help="LSTM_VIZ_DATABASE_URL (default: a temporary "
                        "SQLite file); PostgreSQL for --servers 2 across machines")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle polling")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--browsers", type=int, default=0, help="then measure idle CPU again "
                        "with the projector and this many students as Chromium pages")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="live-class-"))
    args.database = args.database or f"sqlite:///{folder / 'classes.sqlite3'}"
    os.environ["LSTM_VIZ_DATABASE_URL"] = args.database
    args.procs, urls = [], []
    try:
        for k in range(args.servers):
            proc, url = start_server(folder / f"server{k}.log")
            args.procs.append(proc)
            urls.append(url)
        result = asyncio.run(lesson(args, urls))
        if args.browsers:
            result.update(asyncio.run(browser_idle(args, urls)))
    finally:
        for proc in args.procs:
            stop(proc)
    result["database"] = args.database.split("://")[0]
    result["load_average"] = os.getloadavg()
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    failed = result["errors"] or result["leaks"] or result["follow_missed"]
    if args.browsers and result["browser_pages_showing_the_class"] < result["browser_pages"]:
        failed = True
    return 1 if failed or not result["joined"] else 0


if __name__ == "__main__":
    sys.exit(main())
