"""Memory of one server under the largest views, and after their sessions close.

    python benchmarks/memory_load.py                 # 3 clients × (8 /stacked + 8 /gates)
    python benchmarks/memory_load.py --views 4 --after 30
    python benchmarks/memory_load.py --close-each --entry asgi.py   # as `make run` serves

``--clients`` clients (default 3) each open, one after another, ``--views`` distinct largest
/stacked views (8 × 256 units, a dense head of 16, as many steps as one view may have:
lstm_viz.limits.max_steps) and as many distinct largest /gates views (500 steps of 64 units),
each in a session of its own (a fresh WebSocket, the view's link as its query string), seeds
all different so that no two views share a cached result. Every session stays open until all
views are done; then all close. The server's resident memory (its process tree, /proc) is
sampled every 0.5 s throughout and for ``--after`` seconds (default 60) after the close.

Targets (issue 14): peak RSS < 1 GB; RSS < 500 MB within 60 s of the close; no errors.
Exit status 1 on any error or missed target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from classroom_load import Leaks, Plan, ProtocolLearner, Sampler, Tally, loadavg, server_log_lines
from server import ROOT, start_server, stop

sys.path.insert(0, str(ROOT))

PEAK_MB, AFTER_MB = 1000, 500


def links(client: int, views: int) -> list[tuple[str, str]]:
    """(page, query) of the client's views: /stacked ones, then /gates ones."""
    from lstm_viz.limits import max_steps

    units = (256,) * 8
    out = []
    for v in range(views):
        seed = 100 * client + v + 1
        out.append(("stacked", urlencode(dict(mode="chars", units=",".join(map(str, units)),
                                              dense=16, seed=seed,
                                              seq="ab" * (max_steps(units) // 2)))))
    for v in range(views):
        seed = 100 * client + v + 1
        out.append(("gates", urlencode(dict(mode="chars", units=64, seed=seed,
                                            seq="abcdef" * 100))))
    return out


async def open_link(s: ProtocolLearner, page: str, query: str) -> None:
    """A browser arriving at ``/page?query``: its first rerun carries the query string."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    rerun = msg.rerun_script
    rerun.page_name, rerun.query_string = page, query
    rerun.context_info.locale, rerun.context_info.timezone = "en-US", "UTC"
    rerun.context_info.url = f"{s.url}/{page}?{query}"
    start = time.perf_counter()
    await s.ws.send(msg.SerializeToString())
    run = await s._until_finished(page, start)
    s._count(page, run)


async def client(n: int, url: str, plan: Plan, tally: Tally, views: int, kept: list | None
                 ) -> None:
    """Client ``n``'s views, each in a fresh session: kept open in ``kept``, or closed right
    after its view when ``kept`` is None."""
    leaks = Leaks(["nomarker"], tally)
    for page, query in links(n, views):
        s = ProtocolLearner(0, url, plan, leaks, tally, time.monotonic() + plan.timeout + 5)
        await s.connect()
        if kept is not None:
            kept.append(s)
        try:
            await open_link(s, page, query)
        finally:
            if kept is None:
                await s.close()


async def all_clients(url: str, plan: Plan, tally: Tally, clients: int, views: int,
                      close_each: bool = False) -> None:
    kept: list[ProtocolLearner] | None = None if close_each else []
    try:
        await asyncio.gather(*(client(n, url, plan, tally, views, kept) for n in range(clients)))
    finally:
        await asyncio.gather(*(s.close() for s in kept or ()), return_exceptions=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--views", type=int, default=8, help="of each page, per client (8)")
    parser.add_argument("--after", type=float, default=60, help="seconds watched after (60)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a view may take")
    parser.add_argument("--close-each", action="store_true",
                        help="close each session right after its view (default: all stay open "
                             "until every view is done)")
    parser.add_argument("--st", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--entry", default="app.py", choices=("app.py", "asgi.py"),
                        help="what the server runs: app.py (default) or asgi.py (`make run`'s: "
                             "the collector starts frozen in its lifespan)")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    plan = Plan(args.clients, 0, 0, 1, 0, (0, 0), 10, args.timeout, args.timeout, 0)
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        load = loadavg()
        proc, url = start_server(log, args.st, script=args.entry)
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            start = time.monotonic()
            asyncio.run(all_clients(url, plan, tally, args.clients, args.views, args.close_each))
            closed = time.monotonic()
            time.sleep(args.after)
        finally:
            sampler.halt.set()
            sampler.join()
            stop(proc)
        bad = server_log_lines(log)
    rss = [(t - closed, s["server"][1]) for t, s in sampler.samples]
    peak = max(mb for t, mb in rss if t <= 0)
    at_close = max(mb for t, mb in rss if -1 <= t <= 0.5)
    last = rss[-1][1]
    under = next((t for t, mb in rss if t > 0 and mb < AFTER_MB), None)
    times = [x for v in tally.latencies.values() for x in v]
    errors = {k: len(v) for k, v in tally.errors.items()}
    print(f"{args.clients} clients × ({args.views} /stacked + {args.views} /gates) largest "
          f"views in {closed - start:.0f} s on {args.entry}; load average before {load}, "
          f"after {loadavg()}")
    print(f"views: {len(times)}, slowest {max(times, default=0):.1f} s · errors "
          f"{sum(errors.values())} {errors or ''}")
    for line in [x for v in tally.errors.values() for x in v][:5] + bad[:5]:
        print("  " + line[:200])
    print(f"server RSS: peak {peak:.0f} MB (< {PEAK_MB} MB "
          f"{'ok' if peak < PEAK_MB else 'MISSED'}) · at close {at_close:.0f} MB · "
          f"{args.after:.0f} s after {last:.0f} MB; under {AFTER_MB} MB "
          + (f"{under:.0f} s after the close (ok)" if under is not None and under <= 60
             else "not within 60 s (MISSED)"))
    summary = dict(peak_mb=peak, at_close_mb=at_close, after_mb=last, under_after_s=under,
                   errors=errors, views=len(times), loadavg=load, rss=rss[::4])
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    ok = not errors and peak < PEAK_MB and under is not None and under <= 60
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
