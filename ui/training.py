"""Training runs for the /train page: what one run may cost, the finished runs every
session shares, and the live run of one session.

Sharing
-------
Training is deterministic: the :class:`Settings` (task, units, learning rate, steps,
seed) fix the model bit for bit. The seed picks the starting weights; every run reads the
same stories in the same order (``STORIES_SEED``), so two runs differ only by what the
learner set, and the runs of a class, trained together, share each batch of stories
(:class:`lstm_viz.worker.Batches`). A finished run is an :class:`Outcome` kept in one
:class:`RunStore` per server (``st.cache_resource``), keyed by its settings, so whoever
asks for the same settings again, in any session, gets it at once. Outcomes are frozen
and never changed after insertion; the store keeps the newest ``STORE_SIZE``.

Load
----
One run may do at most ``MAX_WORK`` (:func:`work`: steps × sequences × tokens × units
plus a fixed share). Runs train in ``SLOTS`` processes of their own
(:class:`lstm_viz.worker.Worker`; one core is left for the server), so the pages of other
learners do not wait behind a training. Runs of one shape (task, units) train in one
process as one group, each bit for bit the run alone: a run whose shape is training joins
that group at its next step; others wait in a first-come-first-served queue
(:class:`Trainers`), and look in the store again while they wait, so a class pressing
Train on the default settings trains them once. Inside a group, first come, first served
too (:data:`lstm_viz.worker.WIDTH`, one run at a time): a run that joins takes its first
step at once, batched with the run training (its learner sees a first point), then waits
until the runs before it have ended. So the end of a run depends on the runs before it,
all known when its learner presses Train, never on those who press after: the time the
page tells is knowable, not a forecast of who else will come. Times shown to the learner
(the end, the wait, the limit) come from the paces measured on this server, never from a
constant: a group step's time (:class:`Pace`, the groups training now) and, for a step
whose batch of stories no run of the group has made yet, the time to make one
(:meth:`Trainers.story`). The first /train page opened starts a training process, so that
the first press does not wait for one to start, and times two short runs in it: the
server process, busy with every learner's page, times training up to 10× too slow. A
process that reports nothing for ``SILENT_SECONDS`` is ended and its learners told; a dead
or closed process is never handed out again. Live charts are redrawn less often when many
runs progress at once (``DRAWS_PER_SECOND`` for all of them together); a run waiting its
turn is told every ``TURN_SECONDS`` when it should go on and end.

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

import logging
import os
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
from lstm_viz.worker import WIDTH, Done, Job, Step, Worker, WorkerDied, wait_for_end
from ui import keys

_LOG = logging.getLogger(__name__)

TASK_NAMES = tuple(TASKS)
LEARNING_RATES = ("0.003", "0.01", "0.03", "0.1")  # as written in the URL
DEFAULTS = dict(task="pronoun-en", units=8, lr="0.01", steps=300, seed=0)
LANGUAGE_TASKS = {"en": "pronoun-en", "zh": "pronoun-zh"}  # the task each language opens on
UNITS, STEPS, SEEDS = (1, 32), (10, 2000), (0, 9999)  # (least, most) a widget allows
BATCH = 32                   # sequences per training step
EMBED = 8                    # length of each token's vector
DTYPE = np.float32           # what runs train in: ~2.5× faster than float64 (tests/test_train.py
                             # checks float32 training against float64's, float64's gradients
                             # against finite differences and PyTorch)
STORIES_SEED = DEFAULTS["seed"]  # the training stories' stream, the same for every run
HELD_OUT = 256               # sequences the final loss and accuracy are measured on
HELD_OUT_SEED = 1_000_003    # outside SEEDS, so never a training batch
UNIT_OVERHEAD = 48           # a step's per-token cost that does not grow with units, in units
                             # (fitted to steps of 1, 8, 16, 32 units, sentences made included)
MAX_WORK = 150_000_000       # the most work one run may do (see work()): about 10 s on one
                             # busy core of the machine it was measured on
PACE_RUNS = 20               # the pace is the median over this many of the latest groups
PACE_STEPS = 20              # … or that of the group training now, once it did this many
                             # steps of a kind (its pace is known after ~0.1 s; the start-up
                             # pace can be 2× off on a busy server, and a few steps can be
                             # 10× off: a fresh process's first steps, a stall)
PACE_KEPT = 200              # the latest group steps a group's pace is taken from (~1 s:
                             # fewer follow every hiccup of a shared machine)
STORE_SIZE = 128             # finished runs kept for everyone
CALIBRATION_STEPS = 60       # steps of each of the two runs that time a new process
GROUP_UNITS = 256            # runs × units that may train together in one process
# Runs that may train at the same time, each in a process of its own (~60 MB): one per CPU
# this process may use, less one for the server, or LSTM_VIZ_TRAINERS (a container sees
# its node's CPUs, not its limit: deploy/k8s sets it).
SLOTS = int(os.environ.get("LSTM_VIZ_TRAINERS") or 0) or max(1, len(os.sched_getaffinity(0)) - 1)
UPDATE_SECONDS = 0.25        # the page redraws progress at most this often
DRAWS_PER_SECOND = 8         # … and the runs training together at most this often in all
FOLLOW_SECONDS = 2.0         # … and a run followed from another learner's at most this often
                             # (a class may follow one run: 30 redraws a second cost a core)
POLL_SECONDS = 0.05          # how often a training page reads its worker's reports
TURN_SECONDS = 1.0           # … and renews "waits its turn" while its run does, reading
                             # its reports this often then (a class waiting costs the server
                             # less: the process training shares its cores)
STOP_SECONDS = 10            # how long a stopped worker may take to hand back its model
SILENT_SECONDS = 30          # a worker that reports nothing this long is ended (a step takes
                             # milliseconds; a fresh process starts in about a second)

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


class Silent(Crashed):
    """The training process reported nothing for ``SILENT_SECONDS`` and was ended."""


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
    """About how long the run trains alone on this server, at its measured :class:`Pace`."""
    return work(s) * trainers().pace.seconds_per_work()


def seconds_now(s: Settings) -> tuple[float, int]:
    """(about how many seconds from a press of Train now to the end of the run, the runs
    training or waiting now): it trains after the runs before it (:meth:`Trainers.estimate`;
    settings training now: the end of that run, from now). Starts a training process if the
    server has none yet (:meth:`Trainers.warm`), so that a press need not wait for one."""
    pool = trainers()
    pool.warm()
    _, wait, run_ = pool.estimate(Ticket(s, work(s), pool.story(s.task)))
    return wait + run_, pool.training() + pool.waiting()


@st.cache_data(show_spinner=False)
def story_seconds(task: str) -> float:
    """Seconds to make one batch of ``task``'s stories on this server (the median of 9,
    measured once): a step whose batch no run of its group has made yet takes this much
    longer (:class:`lstm_viz.worker.Batches` gives a made batch to every run after)."""
    rng, times = np.random.default_rng(HELD_OUT_SEED + 2), []
    for _ in range(9):
        began = time.perf_counter()
        TASKS[task].batch(rng, BATCH)
        times.append(time.perf_counter() - began)
    return float(np.median(times))


def max_seconds() -> float:
    """About how long the largest allowed run trains on this server."""
    return MAX_WORK * trainers().pace.seconds_per_work()


def over_budget(s: Settings) -> bool:
    """True when the run would do more than ``MAX_WORK``: the page refuses it."""
    return work(s) > MAX_WORK


def max_steps(task: str, units: int) -> int:
    """The most steps (a multiple of 10) that stay within ``MAX_WORK`` with ``units``."""
    per_step = work(Settings(task, units, 0.01, 1, 0))
    return int(MAX_WORK // per_step) // 10 * 10


# ---- pieces of a run -------------------------------------------------------------


def start_model(s: Settings) -> TokenModel:
    """The untrained model: one layer of ``s.units``, seeded like the training, in
    ``DTYPE`` (training computes in the model's dtype)."""
    task = TASKS[s.task]
    meta = dict(task=s.task, units=s.units, lr=s.lr, steps=s.steps, seed=s.seed)
    return TokenModel.random(task.vocab, task.labels, embed_dim=EMBED, units=(s.units,),
                             seed=s.seed, dtype=DTYPE, meta=meta)


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

    Values are frozen :class:`Outcome` records, never changed once stored. Runs in progress
    are listed too (:meth:`running`), so that a learner who asks for the same settings
    follows that run's curve instead of training it again.
    """

    def __init__(self, size: int = STORE_SIZE):
        self._runs: OrderedDict[Settings, Outcome] = OrderedDict()
        self._live: dict[Settings, Live] = {}
        self._size = size
        self._lock = threading.Lock()

    def running(self, s: Settings) -> Live | None:
        """The run in progress with settings ``s`` (read it, never change it), or None."""
        with self._lock:
            return self._live.get(s)

    def begin(self, live: Live) -> None:
        with self._lock:
            self._live.setdefault(live.settings, live)

    def end(self, live: Live) -> None:
        with self._lock:
            if self._live.get(live.settings) is live:
                del self._live[live.settings]

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


class Pace:
    """Seconds per unit of :func:`work` on this server, measured, thread-safe: what a
    training step takes once its batch of stories is made (their making is
    :func:`story_seconds`).

    The median over the latest ``PACE_RUNS`` finished groups (their steps' time ÷ work
    done), the first of them the two short runs that time a new training process
    (:meth:`Trainers.warm`), so that the estimates follow this machine and its present
    load; before any (lazily, once), a few steps of the default run trained in this
    process on batches made before.
    """

    def __init__(self):
        self._runs: list[float] = []
        self._calibrated: float | None = None
        self._lock = threading.Lock()

    def seconds_per_work(self) -> float:
        with self._lock:
            if self._runs:
                return float(np.median(self._runs))
            if self._calibrated is None:
                self._calibrated = _calibrate()
            return self._calibrated

    def record(self, work_done: float, secs: float) -> None:
        """A finished group's measured pace."""
        if work_done > 0 and secs > 0:
            with self._lock:
                self._runs = [*self._runs, secs / work_done][-PACE_RUNS:]


def _calibrate(steps: int = 12) -> float:
    """Seconds per work of the default run, from ``steps`` steps trained here on batches
    made before (~50 ms)."""
    from lstm_viz.train import train

    s = Settings(DEFAULTS["task"], DEFAULTS["units"], float(DEFAULTS["lr"]), steps,
                 DEFAULTS["seed"])
    task = TASKS[s.task]
    made = [task.batch(np.random.default_rng(k), BATCH) for k in range(steps)]
    train(start_model(s), lambda rng: made[0], 2)  # warm up: first-call costs
    given = iter(made)
    result = train(start_model(s), lambda rng: next(given), steps)
    return result.seconds / work(s)


def shape_of(s: Settings) -> tuple[str, int]:
    """What runs must share to train together in one process: the task and the units (the
    embedding size, layers, batch and dtype are the same for every run of the page)."""
    return s.task, s.units


def group_size(s: Settings) -> int:
    """How many runs of this shape may train together: ``GROUP_UNITS`` ÷ units (32 runs of
    the default 8 units), so that a group's work arrays stay a few tens of MB."""
    return max(1, GROUP_UNITS // s.units)


@dataclass(eq=False)
class Ticket:
    """One learner's place in the queue for a training process."""

    settings: Settings
    work: float
    story: float = 0.0            # seconds to make one batch of its task's stories here
    started: float | None = None  # when it got a seat in a group (time.perf_counter())
    seat: Seat | None = None      # its run, once placed in a group
    claimed: bool = False         # its learner's script took the seat


class Seat:
    """One run of a :class:`Group`, as its learner's script sees it: ``poll`` its own
    events, ``stop`` its own run (the others go on). The group's dispatcher thread ``put``s
    the events; thread-safe."""

    def __init__(self, group: Group, ticket: Ticket, member: int):
        self.group, self.ticket, self.member = group, ticket, member
        self.steps = 0                # steps reported so far
        self.ended = False            # its Done or Failed came, or the process ended
        self._error: str | None = None  # "died" or "silent": the process ended under it
        self._events: list = []
        self._cond = threading.Condition()

    @property
    def settings(self) -> Settings:
        return self.ticket.settings

    def put(self, event, now: float) -> None:
        with self._cond:
            if isinstance(event, Step):
                self.steps += 1
            else:
                self.ended = True
            self._events.append(event)
            self._cond.notify_all()

    def fail(self, error: str) -> None:
        """The process ended before this run did (``error``: "died" or "silent")."""
        with self._cond:
            self.ended, self._error = True, error
            self._cond.notify_all()

    def poll(self, timeout: float) -> list:
        """Its events since the last call, waiting up to ``timeout`` s for the first. Raises
        :class:`Silent` or :class:`~lstm_viz.worker.WorkerDied` when the process ended
        under it (after the events it had sent)."""
        with self._cond:
            if not self._events and self._error is None:
                self._cond.wait(timeout)
            events, self._events = self._events, []
            if not events and self._error == "silent":
                raise Silent(SILENT_SECONDS)
            if not events and self._error is not None:
                raise WorkerDied("the training process ended unexpectedly")
            return events

    def wait(self, timeout: float):
        """Its Done or Failed; None after ``timeout`` seconds without any event."""
        return wait_for_end(self.poll, timeout)

    def stop(self) -> None:
        """End this run after the step in progress; the group's other runs go on."""
        self.group.worker.stop(self.member)


class Group:
    """Runs of one shape training in one process, one at a time in the order they joined
    (see :class:`Trainers`), and the time its steps take, measured from its reports."""

    def __init__(self, worker, shape: tuple[str, int], room: int, step_work: float,
                 story: float):
        self.worker, self.shape, self.room = worker, shape, room
        self.step_work, self.story = step_work, story  # a step's work; a batch's making (s)
        self.seats: dict[int, Seat] = {}
        # A run's first reports can come before its seat is made (the process took the job
        # and stepped while Trainers._seat waited for its number): kept here until it is.
        self.early: dict[int, list] = {}
        self.lock = threading.Lock()  # seats and early, between _seat and the dispatcher
        self.began = time.perf_counter()
        self.heard = self.began  # the last report from the process
        self.over = False
        self.furthest = 0  # the furthest step reported: the batches of stories made so far
        self.clock: float | None = None  # when the latest group step was reported
        self.intervals: list[tuple[float, bool]] = []  # the latest group steps: (seconds,
        #                                                their batch was made in them)
        self.totals = [0.0, 0, 0.0, 0]  # seconds and steps on batches made before; made in

    def open_seats(self) -> list[Seat]:
        return [seat for seat in tuple(self.seats.values()) if not seat.ended]  # atomic copy

    def stepped(self, step: int, now: float) -> None:
        """A run of the group reported its ``step`` at ``now`` (the dispatcher's thread).
        Every group step reports one step of the run training and the first step of each
        run that joined at it (not a group step of its own: not timed)."""
        made = step > self.furthest
        self.furthest = max(self.furthest, step)
        if step == 1 and self.clock is not None:
            return  # a run that joined: its first step, beside the group's
        if self.clock is not None:
            seconds = now - self.clock
            self.intervals = [*self.intervals, (seconds, made)][-PACE_KEPT:]
            k = 2 if made else 0
            self.totals[k] += seconds
            self.totals[k + 1] += 1
        self.clock = now

    def step_seconds(self) -> tuple[float | None, float | None] | None:
        """(seconds a group step takes on a batch made before, … making its batch), each
        the mean of its kind among the latest ``PACE_KEPT`` group steps, None before
        ``PACE_STEPS`` of that kind; None before ``PACE_STEPS`` of either."""
        kept = [t for t, made in self.intervals if not made]
        made = [t for t, made in self.intervals if made]
        k = float(np.mean(kept)) if len(kept) >= PACE_STEPS else None
        f = float(np.mean(made)) if len(made) >= PACE_STEPS else None
        return None if k is None and f is None else (k, f)

    def pace_sample(self) -> tuple[float, float]:
        """(work done, seconds taken) of its steps on batches made before (or, when too few,
        of all its steps less the making of their batches), for :meth:`Pace.record`."""
        kept_s, kept_n, made_s, made_n = self.totals
        if kept_n >= PACE_STEPS:
            return kept_n * self.step_work, kept_s
        return made_n * self.step_work, made_s - made_n * self.story


class Trainers:
    """The server's training processes and the queue for them: at most ``size`` processes,
    started when first needed; learners are served first come, first served. Thread-safe.

    Runs of one shape (:func:`shape_of`) train in one process as one group
    (:mod:`lstm_viz.worker`), each bit for bit the run it would be alone: a learner whose
    run has the shape of a training group joins it at its next step (up to
    :func:`group_size` runs), unless a run of another shape waits ahead; else the first in
    line starts a group in a free process. In a group, first come, first served: a run
    that joins takes its first step at once, beside the group's step, then waits until
    the runs that joined before it have ended (``WIDTH`` = 1 trains at a time). So no run
    is slowed by a later one but for its first step, and :meth:`estimate` needs only the
    runs there when a learner asks. A thread per group reads the process's reports and
    hands each run's to its :class:`Seat`; a group ends when its last run has, and its
    process goes back to the pool (ended instead when it died or said nothing for
    ``SILENT_SECONDS``: a new one takes its place).

    A learner joins the queue (``join``), takes its seat (``take``) or leaves (``leave``:
    a seat given but not taken is stopped).
    """

    def __init__(self, size: int = SLOTS, start: Callable[[], Worker] = Worker,
                 calibrate: bool = False):
        self.size = size
        self.pace = Pace()
        self._start = start  # makes a new process
        self._calibrate = calibrate  # warm() times a few steps in the process it starts
        self._stories: dict[str, float] = {}  # a batch's making, as a training process timed it
        self._idle: list[Worker] = []
        self._free = size  # processes that may still be started
        self._waiting: list[Ticket] = []  # first come first
        self._groups: list[Group] = []
        self._cond = threading.Condition()

    def warm(self) -> None:
        """Start a training process now if there is none yet and one may be started, so
        that the first press of Train does not wait for a fresh interpreter (~1 s).

        With ``calibrate``, it first trains a group of two short runs of the default shape
        (seeds no learner can choose, nobody's to see), whose reports measure this
        server's pace where runs train, not in the busy server process: a step on a made
        batch (:class:`Pace`) and the making of a batch (:meth:`story`). A learner who
        presses Train meanwhile joins that group, after them."""
        with self._cond:
            if self._idle or self._groups or self._free <= 0:
                return
            try:
                worker = self._start()
            except OSError as err:  # a press will try again and say so (:class:`Crashed`)
                _LOG.warning("cannot start a training process ahead: %s", err)
                return
            self._free -= 1
            self._idle.append(worker)
            if not self._calibrate:
                return
            runs = [Settings(DEFAULTS["task"], DEFAULTS["units"], float(DEFAULTS["lr"]),
                             CALIBRATION_STEPS, seed) for seed in (SEEDS[1] + 1, SEEDS[1] + 2)]
            self._waiting[:0] = [Ticket(s, work(s), story_seconds(s.task), claimed=True)
                                 for s in runs]
            self._place()

    def story(self, task: str) -> float:
        """Seconds to make one batch of ``task``'s stories: as a training process of this
        server timed it (a made batch's step against a making one), else as this process
        times it (:func:`story_seconds`)."""
        with self._cond:
            timed = self._stories.get(task)
        return story_seconds(task) if timed is None else timed

    def join(self, s: Settings) -> Ticket:
        """A place at the end of the queue."""
        ticket = Ticket(s, work(s), self.story(s.task))
        with self._cond:
            self._waiting.append(ticket)
        return ticket

    def take(self, ticket: Ticket, timeout: float) -> Seat | None:
        """``ticket``'s seat in a training group, or None when it got none in ``timeout``
        seconds. Raises :class:`Crashed` when the process would not take the run."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                self._place()
                if ticket.seat is not None:
                    ticket.claimed = True
                    return ticket.seat
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)

    def leave(self, ticket: Ticket) -> None:
        """Leave the queue (the learner left, or found the run trained); a seat given to the
        ticket but not taken by its learner is stopped."""
        with self._cond:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
                self._place()
                self._cond.notify_all()
            seat = ticket.seat if not ticket.claimed else None
        if seat is not None:
            seat.stop()

    def _place(self) -> None:
        """Give seats to the waiting tickets that may have one now (the lock held)."""
        seated = {seat.settings for g in self._groups for seat in g.open_seats()}
        blocked: set[tuple] = set()  # shapes of tickets ahead left waiting
        for ticket in list(self._waiting):
            shape = shape_of(ticket.settings)
            if blocked - {shape}:
                return  # a run of another shape waits ahead: first come, first served
            if ticket.settings in seated:
                continue  # the same settings train now: its learner will follow that run
            now = time.perf_counter()
            group = next((g for g in self._groups if g.shape == shape and not g.over
                          and len(g.open_seats()) < g.room
                          and (g.heard == g.began or now - g.heard < STOP_SECONDS)),
                         None)  # starting, or reporting: not a hung one (its pipe fills)
            new = group is None and shape not in blocked and bool(self._idle or self._free)
            if new:
                group = self._new_group(shape, group_size(ticket.settings),
                                        ticket.work / max(1, ticket.settings.steps),
                                        ticket.story)
            if group is None:
                blocked.add(shape)
                continue
            self._waiting.remove(ticket)
            self._seat(group, ticket)
            if new:  # its thread reads the process's reports from now on
                threading.Thread(target=self._dispatch, args=(group,), daemon=True,
                                 name="lstm-viz-training-group").start()
            seated.add(ticket.settings)
            self._cond.notify_all()

    def _new_group(self, shape, room: int, step_work: float, story: float) -> Group:
        if self._idle:
            worker = self._idle.pop()
        else:
            try:
                worker = self._start()
            except OSError as err:  # the learner is told the run could not train
                _LOG.warning("cannot start a training process: %s", err)
                raise Crashed("no process") from err
            self._free -= 1
        group = Group(worker, shape, room, step_work, story)
        self._groups.append(group)
        return group

    def _seat(self, group: Group, ticket: Ticket) -> None:
        s = ticket.settings
        ticket.started = time.perf_counter()
        try:
            member = group.worker.start(Job(start_model(s), s.task, BATCH, s.steps, s.lr,
                                            STORIES_SEED))
        except WorkerDied:  # the dispatcher ends the group; this run fails with it
            member = -1 - len(group.seats)
        with group.lock:
            ticket.seat = group.seats[member] = Seat(group, ticket, member)
            for event, at in group.early.pop(member, []):
                ticket.seat.put(event, at)
        if member < 0:
            ticket.seat.fail("died")

    def _dispatch(self, group: Group) -> None:
        """The group's thread: hand each report to its seat until the group ends (a fault
        of its own ends the group too: no run is left waiting for reports that never come)."""
        try:
            self._dispatch_reports(group)
        except Exception:
            group.worker.close()
            self._end(group, "died")
            raise

    def _dispatch_reports(self, group: Group) -> None:
        while True:
            try:
                events = group.worker.poll(POLL_SECONDS)
            except WorkerDied:
                return self._end(group, "died")
            now = time.perf_counter()
            for event in events:
                with group.lock:
                    seat = group.seats.get(event.member)
                    if seat is not None:
                        seat.put(event, now)
                    else:  # its seat is being made: it takes this report then
                        group.early.setdefault(event.member, []).append((event, now))
                if isinstance(event, Step):
                    group.stepped(event.step, now)
            if events:
                group.heard = now
            if not group.open_seats() and self._end(group, None):
                return
            if now - group.heard > SILENT_SECONDS:  # hung: end it, its place goes to the next
                return self._end(group, "silent")

    def _end(self, group: Group, error: str | None) -> bool:
        """End the group: its process goes back (or is ended: ``error``), the runs left are
        told, the queue moves on. False when a run joined it meanwhile (no error): it goes
        on."""
        with self._cond:
            if group.over:
                return True
            if error is None and group.open_seats():
                return False
            self._groups.remove(group)
            alive = error is None and group.worker.alive
            if alive:
                self._idle.append(group.worker)
            else:
                self._free += 1
            self.pace.record(*group.pace_sample())
            kept, made = group.step_seconds() or (None, None)
            if kept is not None and made is not None and made > kept:
                self._stories[group.shape[0]] = made - kept
            group.over = True  # last: whoever sees it sees the process back too
        if not alive:
            group.worker.close()
        for seat in group.open_seats():
            seat.fail(error or "died")
        with self._cond:
            self._place()
            self._cond.notify_all()
        return True

    def estimate(self, ticket: Ticket) -> tuple[int, float, float]:
        """(runs ahead of ``ticket`` in the queue, seconds until it should start, seconds
        from then until it should end); a ticket not in the queue is taken as joining it
        now; settings training now: (0, 0, the end of that run).

        Every figure comes from runs there now: in a group one run trains at a time, in the
        order they joined (:func:`_finishes`), so the runs that come later change nothing
        but by their first steps. A group step takes the time measured in the groups
        training now (:meth:`Group.step_seconds`, that group's own when it has them), else
        the server's :class:`Pace` (× a step's work), plus :func:`story_seconds` when no
        run of its group made its batch of stories yet. The runs ahead (settings already
        training or ahead counted once) go, in order, into the training group of their
        shape while it has room and no run of another shape waits before them, else to the
        process free first, a run of the same shape as the one before it joining its group.
        """
        with self._cond:
            groups = [self._group_now(g) for g in self._groups]
            waiting = list(self._waiting)
            seen = {s.settings for g in self._groups for s in g.open_seats()}
            same = [] if ticket in waiting else [
                (k, i) for k, g in enumerate(self._groups)
                for i, seat in enumerate(g.open_seats()) if seat.settings == ticket.settings]
        pace = self._pace(groups)
        running = [(shape, room, furthest, _times(measured, step_work, story, pace), members)
                   for shape, room, furthest, measured, step_work, story, members in groups]
        for k, i in same[:1]:  # the same settings train now: it ends when that run does
            _, _, furthest, times, members = running[k]
            return 0, 0.0, _finishes(members, furthest, *times)[0][i]
        idle = [0.0] * max(0, max(1, self.size) - len(running))
        ahead, members, start, shape, queued, times = 0, [], 0.0, None, False, (0.0, 0.0)
        free_at: list[float] | None = None
        for other in (waiting if ticket in waiting else [*waiting, ticket]):
            mine = other is ticket
            if not mine:
                ahead += 1
                if other.settings in seen:
                    continue
                seen.add(other.settings)
            joined = None if queued else next(
                (g for g in running
                 if g[0] == shape_of(other.settings) and len(g[4]) < g[1]), None)
            if joined is not None:  # into the group training now, at its next step
                joined[4].append((other.settings.steps, 0))
                if mine:
                    return ahead, 0.0, _finishes(joined[4], joined[2], *joined[3])[0][-1]
                continue
            queued = True
            if free_at is None:  # the processes, free once their groups have ended
                free_at = sorted([_finishes(m, f, *t)[1] for _, _, f, t, m in running]
                                 + idle)[:max(1, self.size)]
            if shape_of(other.settings) != shape or len(members) >= group_size(other.settings):
                if members:  # the group before ends: its process is free again
                    free_at.append(start + _finishes(members, 0, *times)[1])
                    free_at.sort()
                start, shape, members = free_at.pop(0), shape_of(other.settings), []
                times = _times(None, other.work / max(1, other.settings.steps), other.story,
                               pace)
            members.append((other.settings.steps, 0))
            if mine:
                return ahead, start, _finishes(members, 0, *times)[0][-1]
        return ahead, 0.0, ticket.work * pace  # unreachable: the ticket is in the list

    def turn(self, seat: Seat) -> tuple[int, float, float] | None:
        """While ``seat``'s run waits its turn in its group (it took its first step; runs
        that joined before it train): (those runs, seconds until it goes on, seconds until
        it ends); None when it trains or has ended."""
        with self._cond:
            seats = seat.group.open_seats()
            group = self._group_now(seat.group)
        if seat not in seats or seats.index(seat) < WIDTH:
            return None
        k = seats.index(seat)
        _, _, furthest, measured, step_work, story, _ = group
        members = [(s.settings.steps, s.steps) for s in seats]
        times = _times(measured, step_work, story, self._pace([group]))
        ends, _ = _finishes(members[:k + 1], furthest, *times)
        return k, ends[k - 1], ends[k]

    @staticmethod
    def _group_now(g: Group) -> tuple:
        """What the estimates need of a group: (shape, room, batches made, measured step
        seconds or None, a step's work, a batch's making, [(steps, steps done)] of its
        runs in the order they joined)."""
        return (g.shape, g.room, g.furthest, g.step_seconds(), g.step_work, g.story,
                [(s.settings.steps, s.steps) for s in g.open_seats()])

    def _pace(self, groups: list[tuple]) -> float:
        """Seconds per work of a step on a made batch: the groups' measured, else the
        server's :class:`Pace`."""
        observed = [measured[0] / step_work for _, _, _, measured, step_work, _, _ in groups
                    if measured is not None and measured[0] is not None and step_work > 0]
        return float(np.median(observed)) if observed else self.pace.seconds_per_work()

    def waiting(self) -> int:
        """How many runs wait in the queue."""
        with self._cond:
            return len(self._waiting)

    def training(self) -> int:
        """How many learners' runs train now or wait their turn, in every group (not the
        runs that time a new process: their seeds are outside ``SEEDS``)."""
        with self._cond:
            return sum(s.settings.seed <= SEEDS[1] for g in self._groups
                       for s in g.open_seats())

    def stepping(self) -> int:
        """How many runs take steps now (the first ``WIDTH`` of each group)."""
        with self._cond:
            return sum(min(WIDTH, len(g.open_seats())) for g in self._groups)


def _times(measured: tuple[float | None, float | None] | None, step_work: float,
           story: float, pace: float) -> tuple[float, float]:
    """(seconds of a group step on a made batch, … making it): as measured in the group;
    else from the pace (seconds per work) and :func:`story_seconds`. A kind not measured
    yet is the other in the proportion those two give (a busy machine slows both)."""
    kept, made = step_work * pace, step_work * pace + story
    if measured is None:
        return kept, made
    k, f = measured
    if k is None:
        k = f * kept / made
    if f is None:
        f = k * made / kept
    return k, f


def _finishes(members: list[tuple[int, int]], furthest: int, kept: float, made: float
              ) -> tuple[list[float], float]:
    """When each of a group's runs ends, in seconds from now, and when the group does.

    ``members``: (steps, steps done) of each run, in the order they joined; they train
    one after another (``WIDTH`` = 1), a step taking ``kept`` seconds when a run before
    made its batch (steps up to ``furthest``, and up to the steps of the runs before),
    ``made`` when it makes it.
    """
    ends, t = [], 0.0  # (tests/test_page_train.py holds WIDTH to the 1 assumed here)
    for steps, done in members:
        new = max(0, steps - max(furthest, done))  # steps whose batches it makes
        t += (steps - done - new) * kept + new * made
        furthest = max(furthest, steps)
        ends.append(t)
    return ends, t


@st.cache_resource(show_spinner=False)
def trainers() -> Trainers:
    """The training processes of the server (shared by every session)."""
    return Trainers(calibrate=True)


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
        self.first = 0.0  # from the start to the first step (the process's start-up in it)
        self.done = False

    def add(self, loss: float, accuracy: float) -> None:
        self.losses.append(loss)
        self.accuracies.append(accuracy)
        self.seconds = time.perf_counter() - self.started
        if len(self.losses) == 1:
            self.first = self.seconds

    def end(self, result) -> None:
        """Take what the worker says it did (a :class:`lstm_viz.train.TrainResult`)."""
        self.model = result.model
        self.losses, self.accuracies = list(result.losses), list(result.accuracies)
        self.seconds = result.seconds


def run(s: Settings, on_progress: Callable[[Live], None],
        on_wait: Callable[[int, float, float], None],
        on_turn: Callable[[int, float, float], None] | None = None) -> tuple[Outcome, bool]:
    """Train with settings ``s`` (or find them trained): (outcome, True when reused).

    ``on_progress(live)`` is called at most every :func:`redraw_seconds` and after the last
    step; ``on_wait(ahead, wait, run)`` about every 0.2 s while the run waits in the queue,
    with the runs ahead of it, the estimated seconds until it starts and of its training;
    ``on_turn(ahead, wait, end)`` about every ``TURN_SECONDS`` while, its first step taken,
    it waits its turn in its group (:meth:`Trainers.turn`).
    """
    found = store().get(s)
    if found is None:
        found, outcome = _queue_and_train(s, on_progress, on_wait, on_turn)
    if found is not None:
        _show(found, "reused")
        return found, True
    _show(outcome, "trained")
    return outcome, False


def _queue_and_train(s: Settings, on_progress, on_wait, on_turn=None
                     ) -> tuple[Outcome | None, Outcome | None]:
    """(found in the store, None) or (None, trained here). While the same settings train
    for another learner, follow that run's curve; else wait in the queue for a seat in a
    training group, then train there."""
    pool, ticket, seat, followed = trainers(), None, None, 0
    try:
        while True:
            found = store().get(s)  # trained by someone else meanwhile?
            if found is not None:
                return found, None
            leader = store().running(s)
            if leader is not None:  # out of the queue: no process is needed for it
                if ticket is not None:
                    pool.leave(ticket)
                    ticket = None
                followed = _follow(leader, followed, on_progress)
                continue
            if ticket is None:
                ticket = pool.join(s)
            seat = pool.take(ticket, timeout=0.2)
            if seat is not None:
                break
            on_wait(*pool.estimate(ticket))  # an st call: one can leave here
    finally:
        if ticket is not None:
            pool.leave(ticket)  # out of the queue; a seat given but not taken is stopped
    found = store().get(s)
    if found is not None:
        seat.stop()
        return found, None
    return None, _train(s, on_progress, seat, on_turn)


def redraw_seconds() -> float:
    """How often a training page redraws its progress: every ``UPDATE_SECONDS``, less often
    when many runs take steps at once, so that the server draws at most
    ``DRAWS_PER_SECOND`` live charts a second for all of them (a chart costs the server's
    one core ~30 ms; a run waiting its turn draws nothing new)."""
    return max(UPDATE_SECONDS, trainers().stepping() / DRAWS_PER_SECOND)


def _follow(leader: Live, shown: int, on_progress) -> int:
    """Draw another learner's run of the same settings if it has new steps (returns the
    steps drawn so far); either way, wait a little at a yield point."""
    wake = time.perf_counter() + (FOLLOW_SECONDS if shown else 0)  # the first at once
    while True:
        time.sleep(POLL_SECONDS)
        if leader.done or time.perf_counter() >= wake:
            break
    if len(leader.losses) > shown:
        shown = len(leader.losses)
        on_progress(leader)
    else:
        st.session_state.get(SHOWN_KEY)  # a yield point: the learner can leave or stop here
    return shown


def _train(s: Settings, on_progress, seat: Seat, on_turn=None) -> Outcome:
    """One run, in its seat of a training group, reported to the page as it goes (see
    Stopping above)."""
    state = st.session_state
    live = Live(s, start_model(s))
    state[LIVE_KEY] = live
    state[TASK_KEY] = s.task
    store().begin(live)  # others asking for the same settings follow this run
    try:
        outcome = _train_live(s, on_progress, seat, live, on_turn)
        store().put(s, outcome)  # before it stops being followed
        return outcome
    finally:
        store().end(live)


def _train_live(s: Settings, on_progress, seat: Seat, live: Live, on_turn=None) -> Outcome:
    state = st.session_state
    end, shown_at, shown_steps, every, turn_at = None, 0.0, 0, UPDATE_SECONDS, 0.0
    waits = False  # its run waits its turn: its reports are read less often (a report
    #                ends the wait at once; a click on Stop is seen within TURN_SECONDS)
    try:
        while end is None:
            try:
                events = seat.poll(TURN_SECONDS if waits else POLL_SECONDS)
            except WorkerDied:
                raise Crashed() from None
            now = time.perf_counter()
            waits = waits and not events
            for event in events:
                if isinstance(event, Step):
                    live.add(event.loss, event.accuracy)
                else:
                    end = event
            if len(live.losses) > shown_steps and (now - shown_at >= every or end is not None
                                                   or not shown_steps):
                every = redraw_seconds()
                shown_at, shown_steps = now, len(live.losses)
                on_progress(live)  # each step count drawn once (its chart's key)
            elif on_turn is not None and live.losses and not events \
                    and now - turn_at >= TURN_SECONDS:
                turn_at = now
                told = trainers().turn(seat)
                waits = told is not None
                if waits:  # its first step taken, it waits its turn
                    on_turn(*told)
            state[LIVE_KEY] = live  # a yield point: a click on Stop ends the run here
    except Crashed:  # Silent too
        live.done = True
        _restore()
        raise
    finally:
        if end is None and not live.done:  # interrupted: stop the run, keep its model
            _stop(seat, live)
    live.done = True
    if not isinstance(end, Done):  # Failed: the loss became infinite
        _restore()
        raise Diverged(end.step)
    live.end(end.result)
    return _outcome(s, end.result.model, end.result.losses, end.result.accuracies,
                    end.result.seconds, False)


def _stop(seat: Seat, live: Live) -> None:
    """End ``seat``'s run (the others of its group go on); ``live`` gets the model of its
    last finished step, or no steps at all when there is none to keep. No st calls: the
    script is being interrupted. A process that said nothing at all for ``STOP_SECONDS``
    is hung: it is ended (a new one takes its place)."""
    seat.stop()
    try:
        end = seat.wait(STOP_SECONDS)
    except (WorkerDied, Crashed):
        end = None
    if isinstance(end, Done):
        live.end(end.result)
        return
    live.losses, live.accuracies = [], []  # diverged, died or hung: nothing to keep
    group = seat.group
    if end is None and time.perf_counter() - group.heard >= STOP_SECONDS:
        group.worker.close()  # its thread sees it gone and ends the group


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
