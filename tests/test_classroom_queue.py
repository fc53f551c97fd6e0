"""benchmarks/classroom_load.py: a training waits in the queue as a learner would.

The class run had 17 "timeouts" of 60 s that were learners waiting, with the page saying so,
for the server's one training slot (issue 14). A training now waits as long as the page keeps
speaking, and times out only when it falls silent for --timeout s (or after --train-timeout).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from classroom_load import Aborted, Leaks, Plan, ProtocolLearner, Tally  # noqa: E402


def script_finished():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    return msg


def queue_update():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.delta.new_element.markdown.body = "2 runs ahead of yours: about 20 s"
    return msg


async def waited(kind: str, talk_for: float, timeout: float = 0.5, cap: float = 30):
    """A run that sends a message every 0.1 s for ``talk_for`` s and then finishes."""
    plan = Plan(1, 0, 0, 1, 0, (0, 0), 10, timeout, cap, 0)
    tally = Tally()
    s = ProtocolLearner(0, "http://x", plan, Leaks(["nomarker"], tally), tally,
                        time.monotonic() + timeout)

    async def page():
        began = time.monotonic()
        while time.monotonic() - began < talk_for:
            s.inbox.put_nowait((queue_update(), False))
            await asyncio.sleep(0.1)
        s.inbox.put_nowait((script_finished(), False))

    talking = asyncio.create_task(page() if talk_for else asyncio.sleep(60))
    try:
        run = await s._until_finished(kind, time.perf_counter())
    finally:
        talking.cancel()
    return run, tally


def test_a_training_waits_while_the_queue_keeps_speaking():
    # past its silent timeout, and past the end of the class (the learner's ``end``, 0.5 s):
    # an action in flight finishes.
    run, tally = asyncio.run(waited("train", talk_for=1.5))  # 3 × the silent timeout
    assert run.finished >= 1.5 and not tally.errors


def test_other_actions_still_time_out_on_their_own_timeout():
    with pytest.raises(Aborted):
        asyncio.run(waited("step", talk_for=1.5))


def test_a_training_past_its_cap_times_out():
    with pytest.raises(Aborted):
        asyncio.run(waited("train", talk_for=3, cap=1))


def test_a_silent_training_times_out_after_the_timeout_not_the_cap():
    began = time.monotonic()
    with pytest.raises(Aborted):
        asyncio.run(waited("train", talk_for=0, cap=30))  # nothing at all, not even the end
    assert time.monotonic() - began < 5
