"""A class opens the link at once: bytes and time of a fresh browser's first load.

    python benchmarks/first_load.py                        # before (app.py) and after (asgi.py)
    python benchmarks/first_load.py --entry asgi.py --burst 0
    python benchmarks/first_load.py --burst 30 --burst-browsers 3
    python benchmarks/first_load.py --entry asgi.py --pages gates --burst 0 --repeats 5 [--mbit 10]

For each entry (``streamlit run app.py``: Streamlit's own server, bundles uncompressed;
``streamlit run asgi.py``: what ``make run`` starts, bundles precompressed), one server
(127.0.0.1, a free port, OPENBLAS_NUM_THREADS=1 as ``make run``), opened once untimed (the
teacher tries the link before class), then:

1. **One learner** — for /gates and /params: a fresh Chromium context (empty cache, as a
   new profile) opens the page; then a second tab of the same context opens it again
   (the next visit, from the browser's cache). Bytes on the wire are CDP's
   ``Network.loadingFinished.encodedDataLength`` summed over the page's HTTP requests
   (headers included; the websocket apart, its decoded payload reported as "ws");
   Resource Timing's ``transferSize`` is the cross-check. Time to first chart: navigation
   start → the first ``.main-svg`` of a Plotly chart in the page, or the gates player drawn
   (``.lstm-player`` with ``data-drawn`` set and its heatmaps' ``.main-svg``; it loads
   plotly.js from ``/app/static/``), seen by a MutationObserver.
2. **The burst** (``--burst`` learners, default 30, in the same second): ``--burst-browsers``
   fresh Chromium contexts, and the rest as protocol clients that load what a fresh
   Chromium loaded for /gates in step 1 (the same URLs and Accept-Encoding, six
   connections at a time as a browser does over HTTP/1.1), then open the page's websocket
   session (benchmarks/classroom_load.py's client) until its chart arrives. A protocol
   client compiles no JavaScript, so its time is the server's and the network's part.
   Server CPU: the server process tree's user + system time over the burst (/proc).

The machine's other work shows in the times; the load average is printed. Exit status 1
if a chart did not draw. ``--json FILE`` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from classroom_load import (  # benchmarks/classroom_load.py
    CHROMIUM_ARGS,
    Aborted,
    Leaks,
    Plan,
    ProtocolLearner,
    Tally,
    chromium_path,
    loadavg,
    percentiles,
    process_tree,
    usage,
)
from server import start_server, stop  # benchmarks/server.py

ENTRIES = {"app.py": "before: streamlit run app.py", "asgi.py": "after: streamlit run asgi.py"}
PAGES = ("gates", "params")
CHART_SVG = "[data-testid='stPlotlyChart'] .main-svg"  # a chart of st.plotly_chart
PLAYER_SVG = ".lstm-player[data-drawn] .lp-maps .main-svg"  # the gates player (ui/player.py)
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
FIRST_CHART = f"""
window.__firstChart = null;
new MutationObserver((_, observer) => {{
    if (document.querySelector("{CHART_SVG}, {PLAYER_SVG}")) {{
        window.__firstChart = performance.now();
        observer.disconnect();
    }}
}}).observe(document, {{subtree: true, childList: true, attributes: true,
                         attributeFilter: ["data-drawn"]}});
"""
TRANSFER = """() => [...performance.getEntriesByType('navigation'),
                     ...performance.getEntriesByType('resource')]
                    .reduce((sum, e) => sum + (e.transferSize || 0), 0)"""
SETTLE = 1.5  # s after the chart and an idle app, for lazy chunks and fonts to finish


# ---- one learner in Chromium -----------------------------------------------------------------

async def visit(context, url: str, timeout: float, accept: str | None,
                mbit: float | None = None) -> dict:
    """Open ``url`` in a new tab of ``context``; its bytes, requests and first chart time.
    ``accept``: an Accept-Encoding to send instead of Chromium's own; ``mbit``: the download
    speed Chromium's network emulation allows (Mbit/s, 20 ms latency), None for loopback."""
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    requests: dict[str, dict] = {}
    ws_bytes = [0]
    sent_accept = []

    def sent(e):
        requests[e["requestId"]] = {"url": e["request"]["url"], "bytes": 0}

    def sent_headers(e):  # the headers as they went out, Accept-Encoding included
        headers = {k.lower(): v for k, v in e["headers"].items()}
        if "accept-encoding" in headers:
            sent_accept.append(headers["accept-encoding"])

    def received(e):
        headers = {k.lower(): v for k, v in e["response"]["headers"].items()}
        requests.setdefault(e["requestId"], {"url": e["response"]["url"], "bytes": 0})
        requests[e["requestId"]].update(status=e["response"]["status"],
                                        encoding=headers.get("content-encoding", ""),
                                        cached=e["response"].get("fromDiskCache", False))

    def finished(e):
        if e["requestId"] in requests:
            requests[e["requestId"]]["bytes"] = e["encodedDataLength"]

    def frame(e):
        payload = e["response"]["payloadData"]
        ws_bytes[0] += len(payload) * 3 // 4 if e["response"]["opcode"] == 2 else len(payload)

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestWillBeSentExtraInfo", sent_headers)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    await cdp.send("Network.enable")
    if accept is not None:
        await cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": accept}})
    if mbit:
        await cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 20, "downloadThroughput": mbit * 125_000,
            "uploadThroughput": mbit * 125_000})
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    await page.add_init_script(FIRST_CHART)
    await page.goto(url, timeout=1000 * timeout)
    done = await page.wait_for_function("() => window.__firstChart", timeout=1000 * timeout)
    first_chart = await done.json_value() / 1000
    await page.wait_for_selector(IDLE, timeout=1000 * timeout)
    await asyncio.sleep(SETTLE)
    transfer = await page.evaluate(TRANSFER)
    await page.close()
    http = [r for r in requests.values() if not r["url"].startswith("ws")]
    return dict(first_chart=first_chart, bytes=sum(r["bytes"] for r in http),
                requests=len(http), network_requests=sum(1 for r in http if r["bytes"]),
                resource_timing_bytes=transfer, ws_payload_bytes=ws_bytes[0],
                accept_encoding=max(set(sent_accept), key=sent_accept.count, default=""),
                encodings=sorted({r.get("encoding", "") for r in http if r["bytes"]} - {""}),
                biggest=sorted(((r["bytes"], urlsplit(r["url"]).path) for r in http),
                               reverse=True)[:8],
                urls=[r["url"] for r in http if r.get("status") == 200],
                js_errors=errors)


async def one_learner(chrome, url: str, page: str, timeout: float,
                      accept: str | None = None, mbit: float | None = None) -> dict:
    """First and second load of ``page`` in one fresh context."""
    context = await chrome.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    try:
        first = await visit(context, f"{url}/{page}", timeout, accept, mbit)
        second = await visit(context, f"{url}/{page}", timeout, accept, mbit)
    finally:
        await context.close()
    return dict(first=first, second=second)


async def learner_repeats(chrome, url: str, page: str, args) -> dict:
    """:func:`one_learner` ``--repeats`` times (each a fresh context): the first one's
    figures, with every first-chart time and their median."""
    runs = [await one_learner(chrome, url, page, args.timeout, args.accept, args.mbit)
            for _ in range(args.repeats)]
    result = runs[0]
    for which in ("first", "second"):
        times = [r[which]["first_chart"] for r in runs]
        result[which] = {**result[which], "first_chart_all": times,
                         "first_chart": statistics.median(times)}
    return result


# ---- the burst -------------------------------------------------------------------------------

async def get_one(reader, writer, host: str, port: int, path: str, accept: str) -> int:
    """One GET on an open HTTP/1.1 connection; bytes read (headers and body)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                 f"Accept-Encoding: {accept}\r\nConnection: keep-alive\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    fields = {k.lower(): v for k, v in (line.split(": ", 1) for line in
                                        head.decode("latin-1").split("\r\n")[1:]
                                        if ": " in line)}
    length = int(fields["content-length"])
    await reader.readexactly(length)
    return len(head) + length


async def fetch(host: str, port: int, paths: list[str], accept: str) -> int:
    """GET ``paths`` one after another on one keep-alive HTTP/1.1 connection (a new one if
    the server closed it, as a browser would); bytes read."""
    reader, writer = await asyncio.open_connection(host, port)
    total = 0
    try:
        for path in paths:
            try:
                total += await get_one(reader, writer, host, port, path, accept)
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                total += await get_one(reader, writer, host, port, path, accept)
    finally:
        writer.close()
    return total


async def protocol_first_load(n: int, url: str, paths: list[str], accept: str,
                              timeout: float) -> tuple[float, int]:
    """What a fresh browser asks of the server for /gates, without drawing: the HTML and
    bundles over six connections, then the websocket session until the chart arrives."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    start = time.perf_counter()
    got = await fetch(host, port, ["/gates"], accept)
    lanes = [paths[k::6] for k in range(6)]
    got += sum(await asyncio.gather(*(fetch(host, port, lane, accept) for lane in lanes if lane)))
    tally = Tally()
    plan = Plan(1, 0, 0, 1, 0, (0, 0), 1, timeout, timeout, 0)
    learner = ProtocolLearner(0, url, plan, Leaks([f"q{n:07d}"], tally), tally,  # its only
                              time.monotonic() + timeout)                         # marker: 0
    await learner.connect()
    try:
        run = await learner.act("open", page="gates")
    except Aborted:
        raise RuntimeError(f"protocol client {n}: {tally.errors}") from None
    finally:
        await learner.close()
    if not run.charts:
        raise RuntimeError(f"protocol client {n}: no chart ({tally.errors})")
    return time.perf_counter() - start, got


async def browser_first_load(chrome, url: str, timeout: float) -> float:
    context = await chrome.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    try:
        page = await context.new_page()
        await page.add_init_script(FIRST_CHART)
        await page.goto(f"{url}/gates", timeout=1000 * timeout)
        done = await page.wait_for_function("() => window.__firstChart", timeout=1000 * timeout)
        return await done.json_value() / 1000
    finally:
        await context.close()


async def burst(chrome, url: str, server_pid: int, sessions: int, browsers: int,
                paths: list[str], accept: str, timeout: float) -> dict:
    """``sessions`` first loads of /gates started together; server CPU over them."""
    pids = process_tree(server_pid)
    cpu_before = usage(pids)[0]
    start = time.perf_counter()
    jobs = [protocol_first_load(n, url, paths, accept, timeout)
            for n in range(sessions - browsers)]
    jobs += [browser_first_load(chrome, url, timeout) for _ in range(browsers)]
    results = await asyncio.gather(*jobs, return_exceptions=True)
    wall = time.perf_counter() - start
    cpu = usage(process_tree(server_pid))[0] - cpu_before
    failed = [repr(r) for r in results if isinstance(r, BaseException)]
    protocol = [r for r in results[: sessions - browsers] if not isinstance(r, BaseException)]
    chromium = [r for r in results[sessions - browsers:] if not isinstance(r, BaseException)]
    return dict(sessions=sessions, browsers=browsers, wall=wall, server_cpu_seconds=cpu,
                server_cores_mean=cpu / wall, failed=failed,
                bytes_per_protocol_client=(sum(b for _, b in protocol) / len(protocol)
                                           if protocol else 0),
                protocol=percentiles([t for t, _ in protocol]) if protocol else None,
                chromium=percentiles(chromium) if chromium else None,
                all=percentiles([t for t, _ in protocol] + chromium)
                if protocol or chromium else None)


# ---- the websocket ---------------------------------------------------------------------------

async def counting_proxy(target_port: int, counts: dict) -> asyncio.AbstractServer:
    """A TCP relay on a free local port to ``target_port``; ``counts`` gets the bytes sent each
    way (``down``: server → client), i.e. what went over the wire, compressed or not."""

    async def pipe(reader, writer, key):
        try:
            while data := await reader.read(65536):
                counts[key] += len(data)
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()

    async def relay(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(pipe(client_reader, server_writer, "up"),
                             pipe(server_reader, client_writer, "down"),
                             return_exceptions=True)

    return await asyncio.start_server(relay, "127.0.0.1", 0)


def long_sequence(steps: int) -> str:
    words = ("the cat sat on a mat and it was warm because the sun shone over the hill "
             "while a dog slept by the old door").split()
    return " ".join(words[k % len(words)] for k in range(steps))


async def ws_run_bytes(url: str, steps: int, units: int, timeout: float) -> dict:
    """Bytes on the wire for one /gates run of ``steps`` words and ``units`` units, through a
    counting relay (the client offers permessage-deflate, as browsers do)."""
    from urllib.parse import urlencode

    from streamlit.proto.BackMsg_pb2 import BackMsg

    counts = {"up": 0, "down": 0}
    relay = await counting_proxy(urlsplit(url).port, counts)
    port = relay.sockets[0].getsockname()[1]
    tally = Tally()
    plan = Plan(1, 0, 0, 1, 0, (0, 0), 1, timeout, timeout, 0)
    learner = ProtocolLearner(0, f"http://127.0.0.1:{port}", plan, Leaks(["q0000000"], tally),
                              tally, time.monotonic() + timeout)
    await learner.connect()
    try:
        msg = BackMsg()  # a browser opening /gates?seq=…&units=…
        msg.rerun_script.page_name = "gates"
        msg.rerun_script.query_string = urlencode({"seq": long_sequence(steps),
                                                   "mode": "words", "units": units})
        msg.rerun_script.context_info.locale = "en-US"
        start = time.perf_counter()
        await learner.ws.send(msg.SerializeToString())
        run = await learner._until_finished("open", start)
        extensions = learner.ws.response.headers.get("Sec-WebSocket-Extensions", "")
    finally:
        await learner.close()
        relay.close()
    if not run.charts or tally.errors:
        raise RuntimeError(f"the T={steps}, H={units} run failed: {tally.errors}")
    return dict(steps=steps, units=units, down_bytes=counts["down"], up_bytes=counts["up"],
                extensions=extensions, seconds=run.finished)


# ---- one server ------------------------------------------------------------------------------

async def measure(entry: str, args, tmp: Path) -> dict:
    from playwright.async_api import async_playwright

    proc, url = start_server(tmp / f"{entry}.log", args.st, script=entry)
    try:
        if args.ws_only:
            await ws_run_bytes(url, args.ws_steps, args.ws_units, args.timeout)  # warm-up
            cpu = usage(process_tree(proc.pid))[0]
            runs = [await ws_run_bytes(url, args.ws_steps, args.ws_units, args.timeout)
                    for _ in range(5)]
            cpu = (usage(process_tree(proc.pid))[0] - cpu) / len(runs)
            return dict(entry=entry, learners={}, ws={**runs[-1], "server_cpu_per_run": cpu,
                                                      "down_bytes_all": [r["down_bytes"]
                                                                         for r in runs]})
        async with async_playwright() as pw:
            chrome = await pw.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS)
            for page in args.pages:  # the teacher's first look: imports, caches (untimed)
                await one_learner(chrome, url, page, args.timeout)
            learners = {page: await learner_repeats(chrome, url, page, args)
                        for page in args.pages}
            result = dict(entry=entry, learners=learners)
            if args.burst:
                gates = learners["gates"]["first"]
                paths = [urlsplit(u).path for u in gates["urls"]
                         if urlsplit(u).path.startswith(("/static/", "/app/static/"))
                         or urlsplit(u).path.endswith((".png", ".json"))]
                result["burst"] = await burst(chrome, url, proc.pid, args.burst,
                                              args.burst_browsers, paths,
                                              gates["accept_encoding"], args.timeout)
            await chrome.close()
        return result
    finally:
        stop(proc)


def show(result: dict) -> None:
    print(f"\n== {ENTRIES[result['entry']]}")
    for page, visits in result["learners"].items():
        for which in ("first", "second"):
            v = visits[which]
            print(f"/{page:7} {which:6} {v['bytes'] / 1e6:6.2f} MB on the wire in "
                  f"{v['network_requests']:3} of {v['requests']:3} requests (Resource Timing "
                  f"{v['resource_timing_bytes'] / 1e6:.2f} MB; ws {v['ws_payload_bytes'] / 1e3:.0f}"
                  f" kB) · first chart {v['first_chart']:.2f} s"
                  + (f" (median of {', '.join(f'{t:.2f}' for t in v['first_chart_all'])})"
                     if len(v["first_chart_all"]) > 1 else "") + " · encodings "
                  f"{','.join(v['encodings']) or 'none'}"
                  + (f" · JS errors {len(v['js_errors'])}" if v["js_errors"] else ""))
        print(f"  Accept-Encoding sent: {visits['first']['accept_encoding']}")
        print("  biggest: " + ", ".join(f"{p.rsplit('/', 1)[-1]} {b / 1e6:.2f}"
                                        for b, p in visits["first"]["biggest"]))
    w = result.get("ws")
    if w:
        print(f"websocket, one /gates run at T={w['steps']}, H={w['units']}: "
              f"{w['down_bytes'] / 1e6:.3f} MB server → client, {w['up_bytes'] / 1e3:.1f} kB "
              f"client → server on the wire · extensions: {w['extensions'] or 'none'} · "
              f"server CPU {w['server_cpu_per_run']:.2f} s a run (mean of 5; the run's "
              f"figure build included) · last run {w['seconds']:.2f} s")
    b = result.get("burst")
    if b:
        print(f"burst: {b['sessions']} first loads of /gates at once ({b['browsers']} Chromium, "
              f"{b['sessions'] - b['browsers']} protocol clients, "
              f"{b['bytes_per_protocol_client'] / 1e6:.2f} MB each) in {b['wall']:.1f} s · "
              f"server CPU {b['server_cpu_seconds']:.1f} s ({b['server_cores_mean']:.2f} cores "
              f"mean) · failed {len(b['failed'])}")
        for who in ("protocol", "chromium", "all"):
            row = b[who]
            if row:
                print(f"  time to first chart, {who:8}: p50 {row['p50']:.2f} s · p95 "
                      f"{row['p95']:.2f} s · max {row['max']:.2f} s (n={row['n']})")
        for line in b["failed"][:3]:
            print("  FAILED: " + line[:300])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entry", choices=list(ENTRIES), action="append",
                        help="measure only this entry (repeatable; default both)")
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=PAGES,
                        help="pages a learner opens (default: gates params; the burst "
                             "needs gates)")
    parser.add_argument("--burst", type=int, default=30,
                        help="learners loading /gates at once (default 30; 0: no burst)")
    parser.add_argument("--burst-browsers", type=int, default=3,
                        help="of them, real Chromium contexts (default 3)")
    parser.add_argument("--accept", metavar="CODINGS",
                        help="send this Accept-Encoding instead of Chromium's (e.g. 'gzip, "
                             "deflate': what Chromium sends to a plain-HTTP address other than "
                             "localhost, such as a laptop on the school network)")
    parser.add_argument("--ws-only", action="store_true",
                        help="only the websocket bytes of one /gates run at --ws-steps words "
                             "and --ws-units units (add --st server.enableWebsocketCompression"
                             "=true to compare)")
    parser.add_argument("--ws-steps", type=int, default=200, help="T for --ws-only (200)")
    parser.add_argument("--ws-units", type=int, default=64, help="H for --ws-only (64)")
    parser.add_argument("--timeout", type=float, default=90, help="seconds per load (90)")
    parser.add_argument("--repeats", type=int, default=1,
                        help="fresh learners per page; the first chart time is their median")
    parser.add_argument("--mbit", type=float, help="the learner's download speed in Mbit/s "
                        "(Chromium's network emulation, 20 ms latency; default: loopback)")
    parser.add_argument("--st", action="append", default=[], metavar="KEY=VALUE",
                        help="a config option for streamlit run (repeatable)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if chromium_path() is None:
        parser.error("no Chromium (/usr/bin/chromium or chromium on PATH)")
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    print(f"{os.cpu_count()} CPUs · load average before: {loadavg()}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in args.entry or list(ENTRIES):
            results.append(asyncio.run(measure(entry, args, Path(tmp))))
            show(results[-1])
    print(f"\nload average after: {loadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    failed = any(r.get("burst", {}).get("failed") for r in results) or any(
        v["js_errors"] for r in results for p in r["learners"].values() for v in p.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
