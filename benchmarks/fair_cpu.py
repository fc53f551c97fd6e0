"""One heavy visitor must not slow everyone: an innocent learner's /gates while others ask
for the heaviest /why view, back to back.

    python benchmarks/fair_cpu.py                    # 3 heavy clients, 60 s
    python benchmarks/fair_cpu.py --heavy 0          # the innocent learner alone

``--heavy`` clients (default 3) each open, one after another, the heaviest /why view there
is (a random layer of 64 units reading 500 characters: every section, gradients through
time included), each time with a new seed so that nothing comes from the cache, in a fresh
session. Meanwhile one innocent learner opens /gates once (random weights) and then moves
the gates player one step every ``--every`` seconds (default 1), sending the player's state
as ``ui/player.js`` does; its latencies (BackMsg → end of run) are reported.

Target (issue 14): the innocent learner's p95 < 1 s. Exit status 1 on errors or a miss.
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

from classroom_load import (
    PLAYER_KEY,
    RANDOM,
    Leaks,
    Plan,
    ProtocolLearner,
    Tally,
    loadavg,
    percentiles,
)
from memory_load import open_link
from server import ROOT, start_server, stop

sys.path.insert(0, str(ROOT))

TARGET_P95 = 1.0


async def heavy(n: int, url: str, plan: Plan, tally: Tally, until: float) -> int:
    seed, done = 1000 * (n + 1), 0
    while time.monotonic() < until:
        s = ProtocolLearner(0, url, plan, Leaks(["nomarker"], tally), tally,
                            time.monotonic() + plan.timeout + 5)
        await s.connect()
        try:
            query = urlencode(dict(mode="chars", units=64, seed=seed, seq="abcdefgh" * 70))
            await open_link(s, "why", query)
            done += 1
        finally:
            await s.close()
        seed += 1
    return done


async def innocent(url: str, plan: Plan, tally: Tally, until: float, every: float) -> list:
    s = ProtocolLearner(0, url, plan, Leaks(["nomarker"], tally), Tally(),
                        time.monotonic() + plan.timeout + 120)
    await s.connect()
    times = []
    try:
        await s.act("open", page="gates", query=RANDOM)  # its default sequence, 9+ steps
        step = 1
        while time.monotonic() < until:
            await asyncio.sleep(every)
            step = step % 9 + 1  # the player's state, as ui/player.js sends it on a step
            s.set(PLAYER_KEY, json_value=json.dumps({"at": {"step": step, "unit": 1,
                                                            "rev": s.player_rev}}))
            start = time.perf_counter()
            await s.act("step")
            times.append(time.perf_counter() - start)
    finally:
        await s.close()
    return times


async def scene(url: str, plan: Plan, tally: Tally, n_heavy: int, seconds: float,
                every: float):
    until = time.monotonic() + seconds
    return await asyncio.gather(innocent(url, plan, tally, until, every),
                                *(heavy(n, url, plan, tally, until) for n in range(n_heavy)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heavy", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--every", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--st", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    plan = Plan(args.heavy + 1, 0, 0, 1, 0, (0, 0), 10, args.timeout, args.timeout, 0)
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        load = loadavg()
        proc, url = start_server(Path(tmp) / "server.log", args.st)
        try:
            times, *done = asyncio.run(scene(url, plan, tally, args.heavy, args.seconds,
                                             args.every))
        finally:
            stop(proc)
    row = percentiles(times) if times else dict(n=0, p50=0, p95=float("inf"), max=0)
    heavy_times = [x for v in tally.latencies.values() for x in v]
    errors = {k: len(v) for k, v in tally.errors.items()}
    print(f"{args.heavy} heavy clients: {sum(done)} /why views, "
          f"median {percentiles(heavy_times)['p50'] if heavy_times else 0:.1f} s each; "
          f"load average before {load}, after {loadavg()}")
    ok = row["p95"] < TARGET_P95 and not errors
    print(f"innocent /gates step: n {row['n']}, p50 {row['p50']:.2f} s, p95 {row['p95']:.2f} s, "
          f"max {row['max']:.2f} s (p95 < {TARGET_P95:.0f} s {'ok' if ok else 'MISSED'}) · "
          f"errors {sum(errors.values())}")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(innocent=row, heavy_views=sum(done),
                                                   errors=errors, loadavg=load), indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
