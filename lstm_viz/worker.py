"""Train in another process, step by step, so a server's other sessions keep its core.

A web server answers every learner from one Python process, whose threads share one
interpreter lock: a training run in one of them (NumPy in small pieces, sentences made
in Python) slows every other page down. A :class:`Worker` is a process of its own that
trains a :class:`~lstm_viz.model.TokenModel` on request and reports every step.

Protocol (over a pipe). Every run has a member number, given by the parent
(:meth:`Worker.start` returns it); the runs a worker has at one time whose models share an
architecture (task, batch, units, embedding size, dtype) train together, as one batched
computation (:func:`lstm_viz.train.train_together`), each bit for bit the run it would be
alone. A run sent while others train joins them at their next step; one of another
architecture waits until they have all ended. Inside a group, first come, first served:
each group step trains the first ``WIDTH`` runs, in the order they were sent, that have
taken a step, and takes the first step of every run just sent (its learner sees a first
point at once); the others wait their turn. So a run is slowed by the runs sent after it
only by their first steps, and its end depends on the runs sent before it, known when it
is sent. Runs of a group whose random streams stand at the same point (the same seed, the
same step) are given one batch, made once (:class:`Batches`): a class on the same seed
trains its models on one stream of stories::

    parent → worker   (member, model bytes, Job(...))      start (or join) training
    parent → worker   ("stop", member)                     end that run after the step in progress
    parent → worker   "stop"                               end every run the same way
    worker → parent   Step(step, loss, accuracy, member)   after every step of that run
    worker → parent   Done(TrainResult, member)            finished or stopped
    worker → parent   Failed(step, message, member)        its loss became infinite (the
                                                           others go on)

Nothing is pickled but plain values: models cross as the ``.npz`` bytes of
:meth:`TokenModel.save`.

>>> from lstm_viz.tasks import TASKS
>>> task = TASKS["first-symbol"]
>>> model = TokenModel.random(task.vocab, task.labels, embed_dim=4, units=(3,), seed=0)
>>> with Worker() as w:
...     member = w.start(Job(model, "first-symbol", batch=8, steps=5, lr=0.01, seed=0))
...     end = w.wait(timeout=60)
>>> end.result.steps, end.result.stopped
(5, False)
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from lstm_viz.model import TokenModel
from lstm_viz.train import TrainResult

__all__ = ["WIDTH", "Batches", "Done", "Failed", "Job", "Step", "Worker", "WorkerDied",
           "wait_for_end"]

STOP = "stop"
BATCHES_KEPT_BYTES = 64 << 20  # a group's batches kept for runs that reach them later
WIDTH = 1  # runs of a group that train side by side; the others wait their turn. One: a
           # run shared with a later one takes ~1.8× as long, so the time a learner is told
           # at the click could not be known; the batched computation saved little once the
           # stories are shared (default size, measured in one process: ~3.9 ms a run-step
           # alone, ~3.5 side by side with one more, ~3.0 with 12 or more)
ROOT = Path(__file__).resolve().parents[1]  # where ``lstm_viz`` is imported from


@dataclass(frozen=True)
class Job:
    """Train ``model`` on ``steps`` fresh batches of ``batch`` sequences of ``task``
    (a name in :data:`lstm_viz.tasks.TASKS`) with Adam at ``lr``; ``seed`` fixes the run."""

    model: TokenModel
    task: str
    batch: int
    steps: int
    lr: float
    seed: int


@dataclass(frozen=True)
class Step:
    step: int  # counted from 1
    loss: float
    accuracy: float
    member: int = 0  # the run's number, as Worker.start returned it


@dataclass(frozen=True)
class Done:
    result: TrainResult  # result.stopped: ended by "stop"
    member: int = 0


@dataclass(frozen=True)
class Failed:
    step: int  # the step whose loss was infinite
    message: str
    member: int = 0


def wait_for_end(poll, timeout: float) -> Done | Failed | None:
    """Call ``poll(timeout)`` until it returns events that end in a Done or Failed, and
    return that; None when a poll returns nothing (``timeout`` seconds of silence)."""
    while True:
        events = poll(timeout)
        if not events:
            return None
        if not isinstance(events[-1], Step):
            return events[-1]


class Batches:
    """The batches of one task and size, each made once for every run that asks for it.

    A batch is a function of nothing but the random generator's state when it is asked for
    (``task.batch(rng, size)``): runs whose generators stand at the same point get the same
    batch, and their generators are moved on exactly as making it would move them. So a run
    given a kept batch is bit for bit the run that made its own. Batches are kept, oldest
    out first, up to ``kept_bytes``, and are read-only (runs share them).

    >>> from lstm_viz.tasks import TASKS
    >>> import numpy as np
    >>> batches = Batches(TASKS["first-symbol"], 4)
    >>> a, b = np.random.default_rng(7), np.random.default_rng(7)
    >>> batches(a)[0] is batches(b)[0], batches.made, batches.given
    (True, 1, 2)
    >>> a.bit_generator.state == b.bit_generator.state
    True
    """

    def __init__(self, task, size: int, kept_bytes: int = BATCHES_KEPT_BYTES):
        self.task, self.size, self.kept_bytes = task, size, kept_bytes
        self._kept: OrderedDict[tuple, tuple] = OrderedDict()  # state → (batch, state after)
        self._bytes = 0
        self.made = self.given = 0

    def __call__(self, rng):
        key = _state_key(rng)
        kept = self._kept.get(key)
        self.given += 1
        if kept is not None:
            batch, after = kept
            rng.bit_generator.state = after
            return batch
        batch = self.task.batch(rng, self.size)
        for a in batch:
            a.flags.writeable = False
        self.made += 1
        self._kept[key] = (batch, rng.bit_generator.state)
        self._bytes += sum(a.nbytes for a in batch)
        while self._bytes > self.kept_bytes and len(self._kept) > 1:
            old, _ = self._kept.popitem(last=False)[1]
            self._bytes -= sum(a.nbytes for a in old)
        return batch


def _state_key(rng) -> tuple:
    """A generator's state as a hashable key (the whole state: equal keys, equal draws)."""
    state = rng.bit_generator.state
    return (state["bit_generator"], repr(state["state"]), state.get("has_uint32"),
            state.get("uinteger"))


class WorkerDied(RuntimeError):
    """The worker process ended (killed, out of memory) without finishing its job."""


class Worker:
    """A training process. ``start`` a job, read its events (``poll``, ``wait``), repeat.

    A fresh interpreter (``python -c``), not ``multiprocessing``: forking a server's many
    threads is unsafe, and multiprocessing's "spawn" would re-run the page script that
    Streamlit has put in ``sys.modules["__main__"]``. Messages go through two pipes.
    """

    def __init__(self):
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        code = f"from lstm_viz.worker import _main; _main({to_child}, {from_child})"
        self._process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                                         pass_fds=(to_child, from_child),
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        self._out = Connection(from_parent, readable=False)
        self._in = Connection(to_parent, writable=False)
        self._closed = False
        self._members = 0  # the next run's member number
        self._sending = threading.Lock()  # starts and stops may come from several threads

    def start(self, job: Job) -> int:
        """Send ``job``: it trains at once, with the runs of its architecture the worker
        already has, or after them. Returns its member number (events carry it).
        Raises :class:`WorkerDied` if the process is gone or was closed."""
        packed = _pack(job.model)
        try:
            with self._sending:
                member, self._members = self._members, self._members + 1
                self._out.send((member, packed, replace(job, model=None)))
        except OSError:  # "handle is closed", a broken pipe
            raise WorkerDied("the training process is closed or has ended") from None
        return member

    def stop(self, member: int | None = None) -> None:
        """Ask run ``member`` (every run: None) to end after the step in progress (its
        Done says stopped); the others go on."""
        try:
            with self._sending:
                self._out.send(STOP if member is None else (STOP, member))
        except OSError:
            pass  # already gone: events() says so

    def poll(self, timeout: float) -> list[Step | Done | Failed]:
        """The events that have come, waiting up to ``timeout`` seconds for the first.

        Raises :class:`WorkerDied` if the process is gone.
        """
        events = []
        try:
            ready = self._in.poll(timeout)
            while ready:
                events.append(self._in.recv())
                ready = self._in.poll()
        except (EOFError, OSError):
            raise WorkerDied("the training process ended unexpectedly") from None
        return [replace(e, result=replace(e.result, model=_unpack(e.result.model)))
                if isinstance(e, Done) else e for e in events]

    def wait(self, timeout: float) -> Done | Failed | None:
        """Read events up to the first Done or Failed (of a worker given one run at a time:
        that run's end); None after ``timeout`` seconds without any event."""
        return wait_for_end(self.poll, timeout)

    @property
    def alive(self) -> bool:
        """True while the process runs and has not been closed: only then may it be given
        another job."""
        return not self._closed and self._process.poll() is None

    def close(self) -> None:
        """End the process (a hung or stopped one too) and wait for it; safe to repeat."""
        self._closed = True
        self._out.close()
        self._in.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # hung, or stopped (SIGSTOP): SIGTERM waits
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _main(inbox: int, outbox: int) -> None:
    """The worker process: serve jobs read from the pipe ``inbox``, reporting to ``outbox``.
    What training imports is imported first, before any job: a process started ahead of
    the first job (``ui.training.Trainers.warm``) takes its first steps at full speed."""
    import lstm_viz.tasks  # noqa: F401
    import lstm_viz.train  # noqa: F401

    _serve(Connection(inbox, writable=False), Connection(outbox, readable=False))


def _serve(inbox: Connection, outbox: Connection) -> None:
    """The worker's loop: one group of runs after another until the parent goes away."""
    queued: list[tuple[int, Job]] = []  # runs not begun yet, first come first
    while True:
        if not queued:
            try:
                message = inbox.recv()
            except (EOFError, OSError):
                return
            if _is_stop(message):
                continue  # a "stop" that came after its run had finished
            queued.append(_job_of(message))
        try:
            queued = _train_group(inbox, outbox, queued)
        except (EOFError, OSError):  # the parent went away
            return


def _is_stop(message) -> bool:
    return message == STOP or (isinstance(message, tuple) and message[0] == STOP)


def _job_of(message) -> tuple[int, Job]:
    member, packed, job = message
    return member, replace(job, model=_unpack(packed))


def _shape(job: Job) -> tuple:
    """What runs trained together must share."""
    m = job.model
    return job.task, job.batch, m.units, m.embed_dim, m.vocab_size, len(m.labels), str(m.dtype)


def _train_group(inbox: Connection, outbox: Connection, queued: list[tuple[int, Job]]
                 ) -> list[tuple[int, Job]]:
    """Train the first queued run with every run of its architecture, queued or sent while
    they train, as one computation, first come first served (``WIDTH`` side by side);
    returns the runs of other architectures, in order."""
    from lstm_viz.tasks import TASKS
    from lstm_viz.train import train_together

    shape = _shape(queued[0][1])
    joining, later, known, stops = [], [], set(), set()
    batches = Batches(TASKS[queued[0][1].task], queued[0][1].batch)

    def sort(member: int, job: Job) -> None:
        (joining if _shape(job) == shape else later).append((member, job))

    def read_inbox() -> None:
        while inbox.poll():
            message = inbox.recv()
            if message == STOP:
                stops.update(known)
            elif _is_stop(message):
                stops.add(message[1])
            else:
                sort(*_job_of(message))

    def more():
        read_inbox()
        specs = [_spec(member, job, batches, outbox, read_inbox, stops)
                 for member, job in joining]
        known.update(member for member, _ in joining)
        joining.clear()
        return specs

    for member, job in queued:
        sort(member, job)
    train_together([], more, width=WIDTH)
    return later


def _spec(member: int, job: Job, batches: Batches, outbox: Connection, read_inbox,
          stops: set[int]):
    """The :class:`~lstm_viz.train.RunSpec` of one run: its batches from the group's
    ``batches``, its events to ``outbox``; it stops once ``member`` is in ``stops`` (read
    between steps)."""
    from lstm_viz.train import RunSpec

    steps_done = [0]

    def on_step(step, loss, accuracy, model):
        steps_done[0] = step
        outbox.send(Step(step, float(loss), float(accuracy), member))

    def should_stop() -> bool:
        read_inbox()
        return member in stops

    def on_end(end) -> None:
        if isinstance(end, ValueError):  # the loss became infinite
            outbox.send(Failed(steps_done[0] + 1, str(end), member))
        else:
            outbox.send(Done(replace(end, model=_pack(end.model)), member))

    return RunSpec(job.model, batches, job.steps, lr=job.lr,
                   seed=job.seed, on_step=on_step, should_stop=should_stop, on_end=on_end)


# Models cross between the processes as the .npz bytes TokenModel.save writes.

def _pack(model: TokenModel) -> bytes:
    buf = io.BytesIO()
    model.save(buf)
    return buf.getvalue()


def _unpack(data: bytes) -> TokenModel:
    return TokenModel.load(io.BytesIO(data))
