"""A class presses Train at once: many learners start a run on /train within seconds.

    python benchmarks/train_burst.py                     # 30 learners, default settings, 10 s
    python benchmarks/train_burst.py --own-seeds         # each learner its own seed: no sharing
    python benchmarks/train_burst.py --learners 5 --others 1 --ramp 2

One server (``benchmarks/server.py``: 127.0.0.1, OPENBLAS_NUM_THREADS=1), every page opened
once (the teacher's warm-up, untimed), then ``--learners`` protocol clients (the websocket
client of ``benchmarks/classroom_load.py``) arrive evenly over ``--ramp`` seconds; each
opens /train and presses Train at once — with the page's default settings, or with a seed
of its own (``--own-seeds``: nothing can be shared, every run trains). Meanwhile
``--others`` learners work on the other pages (/gates: type, move the step; then /stacked,
/params, /why, /memory) until the last training has finished.

Reported (seconds from the click): *first curve* (the first chart of the run: the live
curve's first point, or the finished result when the run was found trained), *finished*
(the end of the run), the other pages' latencies (action → updated chart), errors, and how
good the page's estimates were. Chiefly the caption beside Train, read just before the
click: "yours would end about E s after a press of Train" (counting the runs before it, which
train first: the training process takes one run at a time, first come first served), against
the run's actual end counted from the click; or, when the same settings were training for
another learner, "a press of Train shows that run, which should end in about E s", against
that run's end counted from when the caption came (the press does not move it); when that
run is less than a second from its end the caption says it "should end within a second",
an upper bound, met within ±50 % when it ended within 1.5 s of the caption. Then, for
each learner told while its run waited its turn after its first step "yours should go on in
about W s and end in about E s", the actual end counted from when that came, for the first
message and the last; and for each learner told while queued for a process "yours should
start in about W s and train for about R s", the actual start and end against W and W + R.
Runs still training after ``--train-timeout`` seconds count as errors (timeouts); their
first curve is counted.

Targets (issue 16): first curve p95 ≤ 3 s, every run finished ≤ 45 s after its click, no
error, other pages' p95 < 1 s, estimates within ±50 %.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from classroom_load import (  # benchmarks/classroom_load.py
    RANDOM,
    Aborted,
    Leaks,
    Plan,
    ProtocolLearner,
    Tally,
    loadavg,
    markers,
    pages_of,
    percentiles,
    sequence,
    warm_up,
)
from server import start_server, stop  # benchmarks/server.py

WAITING = re.compile(r"start in about ([\d.]+) s and train for about ([\d.]+) s")
TURN = re.compile(r"go on in about ([\d.]+) s and end in about ([\d.]+) s")
BEFORE = re.compile(r"^About ([\d.]+) s of training|end about ([\d.]+) s after a press"
                    r"|^These settings were (already trained)"  # at once, 0 s
                    r"|which should end in about ([\d.]+) s"  # another's run: from now
                    r"|which should end (within a second)")  # … nearly over: ≤ 1 s


class TrainingLearner(ProtocolLearner):
    """A protocol client that also reads the /train page's waiting message."""

    def __init__(self, *args):
        super().__init__(*args)
        self.estimates: list[tuple[float, float, float]] = []  # (when told, wait, run)
        self.first_chart: float | None = None  # of the Train click's run, even one timed out
        self.before: float | None = None  # the caption's estimate just before the click
        self.before_at = 0.0  # when it came (time.perf_counter())
        self.follows = False  # … and it was the end of another learner's run, from then
        self.turns: list[tuple[float, float, float]] = []  # (when told, go on, end)

    def _element(self, element, own, run, elapsed):
        super()._element(element, own, run, elapsed)
        if element.WhichOneof("type") == "plotly_chart" and self.first_chart is None \
                and self.clicked:
            self.first_chart = elapsed
        if element.WhichOneof("type") == "markdown" and not self.clicked:
            found = BEFORE.search(element.markdown.body.replace("\\", ""))
            if found:
                self.before = 0.0 if found[3] else 1.0 if found[5] else float(
                    found[1] or found[2] or found[4])
                self.before_at = time.perf_counter()
                self.follows = "soon" if found[5] else found[4] is not None
        if element.WhichOneof("type") == "alert":
            found = WAITING.search(element.alert.body.replace("\\", ""))
            if found:
                self.estimates.append((elapsed, float(found[1]), float(found[2])))
            found = TURN.search(element.alert.body.replace("\\", ""))
            if found and self.clicked:
                self.turns.append((elapsed, float(found[1]), float(found[2])))


def ratios_line(what: str, ratio: str, ratios: list[float]) -> None:
    """One line of the report: how many learners, the median and range of ``ratios``
    (actual ÷ told), and how many were within ±50 %; nothing when there are none."""
    if ratios:
        within = sum(0.5 <= r <= 1.5 for r in ratios)
        print(f"{what}: {len(ratios)} learners; {ratio}: median {statistics.median(ratios):.2f}"
              f" (range {min(ratios):.2f}–{max(ratios):.2f}); within ±50 %: {within} of "
              f"{len(ratios)}")


async def trainer(n, url, plan, leaks, tally, own_seed, outcomes, unfinished, told_before,
                  turns, details):
    s = TrainingLearner(n, url, plan, leaks, tally, time.monotonic() + plan.train_timeout + 60)
    s.clicked = False
    await s.connect()
    try:
        await s.act("open train", page="train")
        if own_seed:
            s.set("seed", double_value=5000 + n)
            await s.act("setting")
        s.clicked = True
        clicked_at = time.perf_counter()
        run = await s.act("train", click="train")
        outcomes.append((run, s.estimates))
        if s.before == 0.0:  # told "at once": the settings were trained here already
            told_before.append(("at once", run.finished))
        elif s.before is not None and s.follows == "soon":  # "within a second", from then
            ended = clicked_at + run.finished - s.before_at
            told_before.append(("soon", ended))
            details.append((clicked_at, n, "soon", s.before, ended))
        elif s.before is not None and s.follows:  # another's run: its end, from the caption
            told_before.append(("follow", (clicked_at + run.finished - s.before_at)
                                / max(s.before, 0.1)))
            details.append((clicked_at, n, "follow", s.before,
                            clicked_at + run.finished - s.before_at))
        elif s.before is not None:
            told_before.append(("estimate", run.finished / max(s.before, 0.1)))
            details.append((clicked_at, n, "estimate", s.before, run.finished))
        if s.turns:
            turns.append([(run.finished - at) / max(end, 0.1) for at, _, end in s.turns])
    except Aborted:
        if s.first_chart is not None:  # timed out: its first curve still counts
            unfinished.append(s.first_chart)
    finally:
        await s.close()


async def other(n, url, plan, leaks, tally, busy: asyncio.Event):
    """A learner on the other pages while the class trains."""
    rng = random.Random(n)
    s = ProtocolLearner(n, url, plan, leaks, tally, time.monotonic() + 600)
    await s.connect()
    try:
        await s.act("open", page="gates", query=RANDOM)  # the demo reads only its own words
        while busy.is_set():
            tokens = sequence(leaks.markers[n], rng)
            s.set("seq", string_value=" ".join(tokens))
            tally.typed.add(n)
            await s.act("type")
            for step in sorted(rng.sample(range(2, len(tokens) + 1), 2)):
                await asyncio.sleep(rng.uniform(*plan.think))
                s.set_step(step)
                await s.act("step")
            for page in pages_of(n):
                await asyncio.sleep(rng.uniform(*plan.think))
                await s.act("page", page=page)
            await asyncio.sleep(rng.uniform(*plan.think))
            await s.act("page", page="gates", query=RANDOM)
    except Aborted:
        pass
    finally:
        await s.close()


async def burst(url, plan, args, leaks, tally, outcomes, unfinished, told_before, turns,
                details):
    busy = asyncio.Event()
    busy.set()

    async def later(k, job):
        await asyncio.sleep(plan.ramp * k / max(1, args.learners))
        await job

    others = [asyncio.create_task(other(args.learners + k, url, plan, leaks, tally, busy))
              for k in range(args.others)]
    await asyncio.gather(*(later(n, trainer(n, url, plan, leaks, tally, args.own_seeds,
                                            outcomes, unfinished, told_before, turns,
                                            details))
                           for n in range(args.learners)))
    busy.clear()
    await asyncio.gather(*others)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--learners", type=int, default=30, help="learners pressing Train (default 30)")
    add("--ramp", type=float, default=10, help="seconds over which they press (default 10)")
    add("--others", type=int, default=4, help="learners on the other pages (default 4)")
    add("--own-seeds", action="store_true", help="each learner its own seed (no sharing)")
    add("--train-timeout", type=float, default=120,
        help="seconds a learner waits for the end of its run (default 120)")
    add("--details", action="store_true",
        help="list each learner's caption estimate and actual end, in the order of the clicks")
    add("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
        help="the other learners' pause before each action (default 1 3)")
    args = parser.parse_args(argv)
    n = args.learners + args.others
    plan = Plan(n, 0, 600, 1, args.ramp, tuple(args.think), 0, 30, args.train_timeout, 0)
    tally = Tally()
    leaks = Leaks(markers(n, 0), tally)
    outcomes, unfinished = [], []  # unfinished: first curves of the runs that timed out
    told_before = []  # ("estimate", finished ÷ the caption's estimate before the click),
    #                   ("follow", another's run's end from the caption ÷ its estimate) or
    #                   ("at once", finished) where the caption said the run was trained already
    turns = []  # per learner told "go on in … and end in …": actual end ÷ told, each message
    details = []  # (click time, learner, kind, told, actual) of each caption's estimate
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))
    with tempfile.TemporaryDirectory() as tmp:
        load_before = loadavg()
        proc, url = start_server(Path(tmp) / "server.log")
        try:
            print(f"warm-up (untimed): {asyncio.run(warm_up(url, plan)):.1f} s")
            began = time.monotonic()
            asyncio.run(burst(url, plan, args, leaks, tally, outcomes, unfinished,
                              told_before, turns, details))
            wall = time.monotonic() - began
        finally:
            stop(proc)
        log = (Path(tmp) / "server.log").read_text(errors="replace")
    print(f"{args.learners} learners pressed Train within {args.ramp:.0f} s "
          f"({'own seeds' if args.own_seeds else 'default settings'}), {args.others} on other "
          f"pages; {os.cpu_count()} CPUs; {wall:.0f} s; load average before {load_before}, "
          f"after {loadavg()}")
    rows = {"first curve (click →)": [r.charts[0] for r, _ in outcomes if r.charts]
            + unfinished,
            "finished (click →)": [r.finished for r, _ in outcomes]}
    for (_client, kind), values in sorted(tally.latencies.items()):
        if kind not in ("train-start", "train-done"):
            rows[kind] = values
    rows["other pages, all"] = [v for (_c, k), vs in tally.latencies.items()
                                if k in ("type", "step", "page") for v in vs]
    print(f"{'seconds':28}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}")
    for name, values in rows.items():
        if values:
            p = percentiles(values)
            print(f"{name:28}{p['n']:>5}{p['p50']:>8.2f}{p['p95']:>8.2f}{p['max']:>8.2f}")
    told = [(r, e) for r, e in outcomes if e and r.charts]
    for which, pick in (("first", 0), ("last", -1)):  # what was read first; last, at the start
        if not told:
            break
        starts = [(r.charts[0] - e[pick][0]) / max(e[pick][1], 0.1) for r, e in told]
        ends = [(r.finished - e[pick][0]) / max(e[pick][1] + e[pick][2], 0.1) for r, e in told]
        print(f"waiting estimates ({which} shown): {len(told)} learners told; actual ÷ "
              f"estimated, from when it was shown: start median {statistics.median(starts):.2f}"
              f" (range {min(starts):.2f}–{max(starts):.2f}), end median "
              f"{statistics.median(ends):.2f} (range {min(ends):.2f}–{max(ends):.2f})")
    for kind, what in (("estimate", "end after the click"),
                       ("follow", "end of another's run, from the caption")):
        ratios_line("estimate before the click (the caption beside Train), " + what,
                    "actual ÷ estimated", [r for k, r in told_before if k == kind])
    for which, pick in (("first", 0), ("last", -1)):
        ratios_line(f"waiting its turn after the first step ({which} message)",
                    "actual ÷ estimated end, from when shown", [t[pick] for t in turns])
    if args.details:
        first = min((d[0] for d in details), default=0.0)
        for at, n, kind, told, actual in sorted(details):
            print(f"  click at {at - first:5.2f} s, learner {n:2}: {kind:8} told {told:6.1f} s, "
                  f"actual {actual:6.2f} s ({actual / max(told, 0.1):.2f}×)")
    soon = [t for kind, t in told_before if kind == "soon"]
    if soon:  # an upper bound, not an estimate: within ±50 % of it is ≤ 1.5 s
        print(f"told another's run \"should end within a second\" before the click: "
              f"{len(soon)} learners; ended within 1.5 s of the caption: "
              f"{sum(t <= 1.5 for t in soon)} (slowest {max(soon):.2f} s)")
    at_once = [t for kind, t in told_before if kind == "at once"]
    if at_once:
        print(f"told \"trained already, shown at once\" before the click: {len(at_once)} "
              f"learners; shown within 0.5 s: {sum(t <= 0.5 for t in at_once)} "
              f"(slowest {max(at_once):.2f} s)")
    errors = {k: len(v) for k, v in tally.errors.items()}
    print("errors: " + (" · ".join(f"{k} {v}" for k, v in errors.items()) or "none"))
    for kind, lines in tally.errors.items():
        for line in lines[:3]:
            print(f"  {kind}: {line}")
    print(f"server log lines with Traceback/Error: "
          f"{len(re.findall(r'Traceback|Error', log))}; leaks: {len(tally.leaks)}")
    return 1 if tally.errors or tally.leaks else 0


if __name__ == "__main__":
    sys.exit(main())
