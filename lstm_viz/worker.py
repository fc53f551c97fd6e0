"""Train in another process, step by step, so a server's other sessions keep its core.

A web server answers every learner from one Python process, whose threads share one
interpreter lock: a training run in one of them (NumPy in small pieces, sentences made
in Python) slows every other page down. A :class:`Worker` is a process of its own that
trains a :class:`~lstm_viz.model.TokenModel` on request and reports every step.

Protocol (over a pipe; the worker trains one job at a time)::

    parent → worker   Job(...)              start training
    parent → worker   "stop"                end the job after the step in progress
    worker → parent   Step(step, loss, accuracy)         after every step
    worker → parent   Done(TrainResult)                  finished or stopped
    worker → parent   Failed(step, message)              the loss became infinite

>>> from lstm_viz.tasks import TASKS
>>> task = TASKS["first-symbol"]
>>> model = TokenModel.random(task.vocab, task.labels, embed_dim=4, units=(3,), seed=0)
>>> with Worker() as w:
...     w.start(Job(model, "first-symbol", batch=8, steps=5, lr=0.01, seed=0))
...     end = w.wait(timeout=60)
>>> end.result.steps, end.result.stopped
(5, False)
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

from lstm_viz.model import TokenModel
from lstm_viz.train import TrainResult

__all__ = ["Done", "Failed", "Job", "Step", "Worker", "WorkerDied"]

STOP = "stop"
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


@dataclass(frozen=True)
class Done:
    result: TrainResult  # result.stopped: ended by "stop"


@dataclass(frozen=True)
class Failed:
    step: int  # the step whose loss was infinite
    message: str


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

    def start(self, job: Job) -> None:
        """Send ``job``; raises :class:`WorkerDied` if the process is gone or was closed."""
        try:
            self._out.send((_pack(job.model), replace(job, model=None)))
        except OSError:  # "handle is closed", a broken pipe
            raise WorkerDied("the training process is closed or has ended") from None

    def stop(self) -> None:
        """Ask the job to end after the step in progress (its Done says stopped)."""
        try:
            self._out.send(STOP)
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
        return [Done(replace(e.result, model=_unpack(e.result.model))) if isinstance(e, Done)
                else e for e in events]

    def wait(self, timeout: float) -> Done | Failed | None:
        """Read the job's events up to its Done or Failed; None after ``timeout`` seconds
        without any event."""
        while True:
            events = self.poll(timeout)
            if not events:
                return None
            if not isinstance(events[-1], Step):
                return events[-1]

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
    """The worker process: serve jobs read from the pipe ``inbox``, reporting to ``outbox``."""
    _serve(Connection(inbox, writable=False), Connection(outbox, readable=False))


def _serve(inbox: Connection, outbox: Connection) -> None:
    """The worker's loop: one job after another until the parent goes away."""
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):
            return
        if message == STOP:
            continue  # a "stop" that came after its job had finished
        packed, job = message
        try:
            outbox.send(_run(inbox, outbox, replace(job, model=_unpack(packed))))
        except OSError:  # the parent went away
            return


def _run(inbox: Connection, outbox: Connection, job: Job) -> Done | Failed:
    """Train ``job``, sending a Step after every step and reading "stop" between steps."""
    from lstm_viz.tasks import TASKS
    from lstm_viz.train import train

    task, steps_done, stop = TASKS[job.task], [0], [False]

    def should_stop() -> bool:
        while not stop[0] and inbox.poll():
            stop[0] = inbox.recv() == STOP
        return stop[0]

    def on_step(step, loss, accuracy, model):
        steps_done[0] = step
        outbox.send(Step(step, float(loss), float(accuracy)))

    try:
        result = train(job.model, lambda rng: task.batch(rng, job.batch), job.steps, lr=job.lr,
                       seed=job.seed, on_step=on_step, should_stop=should_stop)
    except ValueError as err:  # the loss became infinite
        return Failed(steps_done[0] + 1, str(err))
    return Done(replace(result, model=_pack(result.model)))


# Models cross between the processes as the .npz bytes TokenModel.save writes.

def _pack(model: TokenModel) -> bytes:
    buf = io.BytesIO()
    model.save(buf)
    return buf.getvalue()


def _unpack(data: bytes) -> TokenModel:
    return TokenModel.load(io.BytesIO(data))
