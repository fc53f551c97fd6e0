"""Training runs for the /train page: what one run may cost, the finished runs every
session shares, and the live run of one session.

Sharing
-------
Training is deterministic: the :class:`Settings` (task, units, learning rate, steps,
seed) fix the model bit for bit. A finished run is an :class:`Outcome` kept in one
:class:`RunStore` per server (``st.cache_resource``), keyed by its settings, so whoever
asks for the same settings again, in any session, gets it at once. Outcomes are frozen
and never changed after insertion; the store keeps the newest ``STORE_SIZE``.

Load
----
One run may do at most ``MAX_WORK`` (:func:`work`: steps × sequences × tokens × units
plus a fixed share), about 10 s on one core of the machine it was measured on. Runs train
in ``SLOTS`` processes of their own (:class:`lstm_viz.worker.Worker`; one core is left for
the server), so the pages of other learners do not wait behind a training; further runs
wait for a free process, then look in the store again, so a class pressing Train on the
default settings trains them once.

Stopping
--------
Streamlit interrupts a running script when the learner interacts with the page (a click
on Stop is such an interaction): it raises inside the script's next "yield point",
which is any ``st.*`` call, including every read or write of ``st.session_state``. While
a run trains, the page reads the worker's reports and touches the session state every
``POLL_SECONDS``; when interrupted it asks the worker to stop, takes the model of the
last finished step into this session's :class:`Live` record, and lets the interruption
go on. The next run of the page calls :func:`recover`, which turns that record into a
stopped :class:`Outcome`.

The gates page reads ``st.session_state[keys.TRAINED_MODEL]`` (a TokenModel) and
``st.session_state[keys.TRAINED_TASK]`` (its task's name).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from lstm_viz.model import TokenModel
from lstm_viz.tasks import TASKS
from lstm_viz.train import evaluate
from lstm_viz.worker import Done, Job, Step, Worker, WorkerDied
from ui import keys

TASK_NAMES = tuple(TASKS)
LEARNING_RATES = ("0.003", "0.01", "0.03", "0.1")  # as written in the URL
DEFAULTS = dict(task="pronoun-en", units=8, lr="0.01", steps=300, seed=0)
LANGUAGE_TASKS = {"en": "pronoun-en", "zh": "pronoun-zh"}  # the task each language opens on
UNITS, STEPS, SEEDS = (1, 32), (10, 2000), (0, 9999)  # (least, most) a widget allows
BATCH = 32                   # sequences per training step
EMBED = 8                    # length of each token's vector
HELD_OUT = 256               # sequences the final loss and accuracy are measured on
HELD_OUT_SEED = 1_000_003    # outside SEEDS, so never a training batch
UNIT_OVERHEAD = 24           # a step's per-token cost that does not grow with units, in units
MAX_WORK = 120_000_000       # the most work one run may do (see work())
SECONDS_PER_WORK = 8.3e-8    # measured on one core: 12 ms for a step of 32 × 86 tokens × 56
MAX_SECONDS = MAX_WORK * SECONDS_PER_WORK  # ≈ 10 s
STORE_SIZE = 128             # finished runs kept for everyone
# Runs that may train at the same time, each in a process of its own (~60 MB): one per CPU
# this process may use, less one for the server, or LSTM_VIZ_TRAINERS (a container sees
# its node's CPUs, not its limit: deploy/k8s sets it).
SLOTS = int(os.environ.get("LSTM_VIZ_TRAINERS") or 0) or max(1, len(os.sched_getaffinity(0)) - 1)
UPDATE_SECONDS = 0.25        # the page redraws progress at most this often
POLL_SECONDS = 0.05          # how often a training page reads its worker's reports
STOP_SECONDS = 10            # how long a stopped worker may take to hand back its model

MODEL_KEY, TASK_KEY = keys.TRAINED_MODEL, keys.TRAINED_TASK  # read by the gates page
LIVE_KEY, SHOWN_KEY = keys.TRAIN_LIVE, keys.TRAIN_SHOWN


def default_task(lang: str) -> str:
    """The task /train opens on in ``lang``: the pronoun task in that language."""
    return LANGUAGE_TASKS.get(lang, DEFAULTS["task"])


@dataclass(frozen=True)
class Settings:
    """What a learner chooses; equal settings train equal models."""

    task: str
    units: int
    lr: float
    steps: int
    seed: int


@dataclass(frozen=True, eq=False)
class Outcome:
    """A finished or stopped run.

    ``losses``, ``accuracies``: ndarray of shape (n,), each step's batch values (n = the
    steps done); ``held_out``: (loss, accuracy) on ``HELD_OUT`` sequences never trained on.
    """

    settings: Settings
    model: TokenModel
    losses: np.ndarray
    accuracies: np.ndarray
    held_out: tuple[float, float]
    seconds: float
    stopped: bool

    @property
    def steps(self) -> int:
        return len(self.losses)


class Diverged(ValueError):
    """The loss became infinite (too large a learning rate)."""


class Crashed(RuntimeError):
    """The training process ended without finishing (killed, out of memory)."""


# ---- the cost of a run -----------------------------------------------------------


@st.cache_data(show_spinner=False)
def mean_length(task: str) -> float:
    """The mean padded length T of the task's training batches (from 20 sample batches)."""
    rng = np.random.default_rng(HELD_OUT_SEED)
    return float(np.mean([TASKS[task].batch(rng, BATCH)[0].shape[0] for _ in range(20)]))


def work(s: Settings) -> float:
    """steps × B × T × (units + UNIT_OVERHEAD): a step's time grows with the tokens it
    reads and, per token, with the units (the U·h products), plus a fixed share."""
    return s.steps * BATCH * mean_length(s.task) * (s.units + UNIT_OVERHEAD)


def seconds(s: Settings) -> float:
    """About how long the run takes on one core of this machine."""
    return work(s) * SECONDS_PER_WORK


def over_budget(s: Settings) -> bool:
    """True when the run would do more than ``MAX_WORK``: the page refuses it."""
    return work(s) > MAX_WORK


def max_steps(task: str, units: int) -> int:
    """The most steps (a multiple of 10) that stay within ``MAX_WORK`` with ``units``."""
    per_step = work(Settings(task, units, 0.01, 1, 0))
    return int(MAX_WORK // per_step) // 10 * 10


# ---- pieces of a run -------------------------------------------------------------


def start_model(s: Settings) -> TokenModel:
    """The untrained model: one layer of ``s.units``, seeded like the training."""
    task = TASKS[s.task]
    meta = dict(task=s.task, units=s.units, lr=s.lr, steps=s.steps, seed=s.seed)
    return TokenModel.random(task.vocab, task.labels, embed_dim=EMBED, units=(s.units,),
                             seed=s.seed, meta=meta)


@st.cache_data(show_spinner=False)
def held_out_batch(task: str):
    """ids, targets, mask of ``HELD_OUT`` fresh sequences: the same for every run."""
    return TASKS[task].batch(np.random.default_rng(HELD_OUT_SEED), HELD_OUT)


@st.cache_data(show_spinner=False)
def example_text(task: str, longest: int = 60) -> str:
    """A short sentence of the task, as typed, to look at a trained model with."""
    rng = np.random.default_rng(HELD_OUT_SEED + 1)
    task_ = TASKS[task]
    examples = [ex for ex in task_.sample(rng, 20) if len(ex) <= longest] or task_.sample(rng, 1)
    return task_.join(examples[0].tokens)


def gates_query(task: str, option: str) -> dict[str, str]:
    """The gates page's query for the trained model (``option``) and a sentence of ``task``."""
    return {"model": option, "seq": example_text(task), "mode": TASKS[task].segment}


def _outcome(s: Settings, model, losses, accuracies, secs, stopped) -> Outcome:
    loss, accuracy = evaluate(model, *held_out_batch(s.task))
    return Outcome(s, model, np.array(losses, dtype=float), np.array(accuracies, dtype=float),
                   (float(loss), float(accuracy)), float(secs), stopped)


# ---- shared state: the store and the slots ---------------------------------------


class RunStore:
    """Finished runs by their settings, newest last; thread-safe; at most ``size`` kept.

    Values are frozen :class:`Outcome` records, never changed once stored.
    """

    def __init__(self, size: int = STORE_SIZE):
        self._runs: OrderedDict[Settings, Outcome] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, s: Settings) -> Outcome | None:
        with self._lock:
            return self._runs.get(s)

    def put(self, s: Settings, outcome: Outcome) -> None:
        with self._lock:
            self._runs[s] = outcome
            while len(self._runs) > self._size:
                self._runs.popitem(last=False)  # the oldest


@st.cache_resource(show_spinner=False)
def store() -> RunStore:
    """The one store of the server (shared by every session)."""
    return RunStore()


class Trainers:
    """The server's training processes: at most ``size``, started when first needed; one
    run at a time each. Thread-safe."""

    def __init__(self, size: int = SLOTS):
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._free = size  # processes that may still be started
        self._lock = threading.Lock()

    def take(self, timeout: float) -> Worker | None:
        """An idle worker, or None when all were busy for ``timeout`` seconds."""
        with self._lock:
            if self._idle.empty() and self._free > 0:
                self._free -= 1
                return Worker()
        try:
            return self._idle.get(timeout=timeout)
        except queue.Empty:
            return None

    def give_back(self, worker: Worker) -> None:
        """Return ``worker`` after its run; a dead one frees its place for a new one."""
        if worker.alive:
            self._idle.put(worker)
            return
        worker.close()
        with self._lock:
            self._free += 1


@st.cache_resource(show_spinner=False)
def trainers() -> Trainers:
    """The training processes of the server (shared by every session)."""
    return Trainers()


# ---- one session's run -----------------------------------------------------------


class Live:
    """The run in progress in one session: kept in its ``st.session_state`` and grown from
    the worker's reports (only that session's script thread touches it). ``model`` is the
    starting model until the run ends or is stopped."""

    def __init__(self, settings: Settings, model: TokenModel):
        self.settings = settings
        self.model = model
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.started = time.perf_counter()
        self.seconds = 0.0  # from the start to the last finished step
        self.done = False

    def add(self, loss: float, accuracy: float) -> None:
        self.losses.append(loss)
        self.accuracies.append(accuracy)
        self.seconds = time.perf_counter() - self.started

    def end(self, result) -> None:
        """Take what the worker says it did (a :class:`lstm_viz.train.TrainResult`)."""
        self.model = result.model
        self.losses, self.accuracies = list(result.losses), list(result.accuracies)
        self.seconds = result.seconds


def run(s: Settings, on_progress: Callable[[Live], None], on_wait: Callable[[], None]
        ) -> tuple[Outcome, bool]:
    """Train with settings ``s`` (or find them trained): (outcome, True when reused).

    ``on_progress(live)`` is called at most every ``UPDATE_SECONDS`` and after the last
    step; ``on_wait()`` about every 0.2 s while other runs hold every training process.
    """
    found = store().get(s)
    if found is None:
        pool = trainers()
        while (worker := pool.take(timeout=0.2)) is None:
            on_wait()  # an st call: the learner can still leave or stop while waiting
        try:
            found = store().get(s)  # trained by someone else while we waited?
            if found is None:
                outcome = _train(s, on_progress, worker)
        finally:
            pool.give_back(worker)
    if found is not None:
        _show(found, "reused")
        return found, True
    store().put(s, outcome)
    _show(outcome, "trained")
    return outcome, False


def _train(s: Settings, on_progress, worker: Worker) -> Outcome:
    """One run in ``worker``, reported to the page as it goes (see Stopping above)."""
    state = st.session_state
    live = Live(s, start_model(s))
    state[LIVE_KEY] = live
    state[TASK_KEY] = s.task
    worker.start(Job(live.model, s.task, BATCH, s.steps, s.lr, s.seed))
    end, shown_at, shown_steps = None, 0.0, 0
    try:
        while end is None:
            try:
                events = worker.poll(POLL_SECONDS)
            except WorkerDied:
                raise Crashed() from None
            for event in events:
                if isinstance(event, Step):
                    live.add(event.loss, event.accuracy)
                else:
                    end = event
            now = time.perf_counter()
            if len(live.losses) > shown_steps and (now - shown_at >= UPDATE_SECONDS
                                                   or end is not None):
                shown_at, shown_steps = now, len(live.losses)
                on_progress(live)  # each step count drawn once (its chart's key)
            state[LIVE_KEY] = live  # a yield point: a click on Stop ends the run here
    finally:
        if end is None:  # interrupted: stop the worker and keep the model it reached
            _stop(worker, live)
    live.done = True
    if not isinstance(end, Done):  # Failed: the loss became infinite
        _restore()
        raise Diverged(end.step)
    live.end(end.result)
    return _outcome(s, end.result.model, end.result.losses, end.result.accuracies,
                    end.result.seconds, False)


def _stop(worker: Worker, live: Live) -> None:
    """End ``worker``'s job; ``live`` gets the model of its last finished step, or no steps
    at all when there is none to keep. No st calls: the script is being interrupted."""
    worker.stop()
    try:
        end = worker.wait(STOP_SECONDS)
    except WorkerDied:
        end = None
    if isinstance(end, Done):
        live.end(end.result)
    else:  # diverged, died or hung: nothing to keep
        live.losses, live.accuracies = [], []
        if end is None:
            worker.close()  # a new process takes its place


def _show(outcome: Outcome, how: str) -> None:
    """Make ``outcome`` this session's trained model and the result the page shows."""
    st.session_state[SHOWN_KEY] = (outcome, how)
    st.session_state[TASK_KEY] = outcome.settings.task
    st.session_state[MODEL_KEY] = outcome.model


def recover() -> None:
    """If this session's last run was interrupted (Stop, or any other click), show its
    partial model as a stopped outcome. Call once at the top of the page."""
    live = st.session_state.get(LIVE_KEY)
    if live is None:
        return
    del st.session_state[LIVE_KEY]
    if live.done:
        return
    if live.losses:
        _show(_outcome(live.settings, live.model, live.losses, live.accuracies, live.seconds,
                       True), "stopped")
    else:  # stopped before its first step: nothing new to keep
        _restore()


def _restore() -> None:
    """Make the trained model the one the page shows again (or none)."""
    before = shown()
    if before is not None:
        _show(*before)
    else:
        st.session_state.pop(TASK_KEY, None)
        st.session_state.pop(MODEL_KEY, None)


def shown() -> tuple[Outcome, str] | None:
    """The outcome this session shows and how it came: "trained", "reused" or "stopped"."""
    return st.session_state.get(SHOWN_KEY)
