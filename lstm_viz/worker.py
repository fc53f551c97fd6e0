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
import multiprocessing
from dataclasses import dataclass, replace

from lstm_viz.model import TokenModel
from lstm_viz.train import TrainResult

__all__ = ["Done", "Failed", "Job", "Step", "Worker", "WorkerDied"]

STOP = "stop"


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
    """A training process. ``start`` a job, read its ``events()`` to the end, repeat.

    Started with "spawn" (a fresh interpreter): forking a server's many threads is unsafe.
    """

    def __init__(self):
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child,), daemon=True,
                                    name="lstm-viz-trainer")
        self._process.start()
        child.close()

    def start(self, job: Job) -> None:
        self._conn.send((_pack(job.model), replace(job, model=None)))

    def stop(self) -> None:
        """Ask the job to end after the step in progress (its Done says stopped)."""
        try:
            self._conn.send(STOP)
        except (BrokenPipeError, OSError):
            pass  # already gone: events() says so

    def poll(self, timeout: float) -> list[Step | Done | Failed]:
        """The events that have come, waiting up to ``timeout`` seconds for the first.

        Raises :class:`WorkerDied` if the process is gone.
        """
        events = []
        try:
            ready = self._conn.poll(timeout)
            while ready:
                events.append(self._conn.recv())
                ready = self._conn.poll()
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
        return self._process.is_alive()

    def close(self) -> None:
        self._conn.close()
        self._process.terminate()
        self._process.join(timeout=5)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _serve(conn) -> None:
    """The worker's loop: one job after another until the parent goes away."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message == STOP:
            continue  # a "stop" that came after its job had finished
        packed, job = message
        conn.send(_run(conn, replace(job, model=_unpack(packed))))


def _run(conn, job: Job) -> Done | Failed:
    """Train ``job``, sending a Step after every step and reading "stop" between steps."""
    from lstm_viz.tasks import TASKS
    from lstm_viz.train import train

    task, steps_done, stop = TASKS[job.task], [0], [False]

    def should_stop() -> bool:
        while not stop[0] and conn.poll():
            stop[0] = conn.recv() == STOP
        return stop[0]

    def on_step(step, loss, accuracy, model):
        steps_done[0] = step
        conn.send(Step(step, float(loss), float(accuracy)))

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
