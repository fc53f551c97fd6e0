"""lstm_viz/worker.py: a training process gives the same model as training here, reports
every step, stops when asked keeping the last finished step, and says when it dies."""

import doctest
import os
import signal

import numpy as np
import pytest

from lstm_viz import worker as worker_module
from lstm_viz.model import TokenModel
from lstm_viz.tasks import TASKS
from lstm_viz.train import train
from lstm_viz.worker import Done, Failed, Job, Step, Worker, WorkerDied

TASK = TASKS["brackets"]


def start_model(seed: int = 0) -> TokenModel:
    return TokenModel.random(TASK.vocab, TASK.labels, embed_dim=4, units=(5,), seed=seed)


@pytest.fixture(scope="module")
def w():
    with Worker() as worker:
        yield worker


def events_until_end(w: Worker) -> list:
    events = []
    while not events or isinstance(events[-1], Step):
        got = w.poll(timeout=60)
        assert got, "the worker went silent"
        events += got
    return events


def test_same_model_as_training_here_and_every_step_reported(w):
    model = start_model()
    here = train(model, lambda rng: TASK.batch(rng, 16), 12, lr=0.03, seed=4)
    w.start(Job(model, "brackets", batch=16, steps=12, lr=0.03, seed=4))
    events = events_until_end(w)
    steps, (done,) = events[:-1], events[-1:]
    assert [e.step for e in steps] == list(range(1, 13))
    assert isinstance(done, Done) and not done.result.stopped
    np.testing.assert_array_equal([e.loss for e in steps], here.losses)
    np.testing.assert_array_equal(done.result.losses, here.losses)
    for name, value in here.model.params().items():  # bit for bit, through the .npz bytes
        np.testing.assert_array_equal(done.result.model.params()[name], value)
    assert done.result.model.vocab == model.vocab


def test_stop_ends_after_the_step_in_progress_and_keeps_its_model(w):
    model = start_model(1)
    w.start(Job(model, "brackets", batch=16, steps=100_000, lr=0.01, seed=1))
    seen = []
    while len(seen) < 3:
        seen += w.poll(timeout=60)
    w.stop()
    end = w.wait(timeout=60)
    assert isinstance(end, Done) and end.result.stopped
    n = end.result.steps
    assert 3 <= n < 100_000
    here = train(model, lambda rng: TASK.batch(rng, 16), n, lr=0.01, seed=1)
    np.testing.assert_array_equal(end.result.model.params()["l0.U"], here.model.params()["l0.U"])
    # The worker takes the next job; a late "stop" for a finished job is ignored.
    w.stop()
    w.start(Job(model, "brackets", batch=16, steps=3, lr=0.01, seed=1))
    end = w.wait(timeout=60)
    assert isinstance(end, Done) and end.result.steps == 3 and not end.result.stopped


def test_an_infinite_loss_is_reported_with_its_step(w):
    model = start_model(2)
    huge = {k: v if k == "embedding" else np.full_like(v, 1e308)  # logits overflow: NaN loss
            for k, v in model.params().items()}
    w.start(Job(model.with_params(huge), "brackets", batch=16, steps=50, lr=0.01, seed=2))
    end = w.wait(timeout=60)
    assert isinstance(end, Failed) and end.step == 1 and "diverged" in end.message
    w.start(Job(start_model(2), "brackets", batch=16, steps=2, lr=0.01, seed=2))  # still works
    assert isinstance(w.wait(timeout=60), Done)


def test_a_killed_worker_says_so():
    w = Worker()
    w.start(Job(start_model(3), "brackets", batch=16, steps=100_000, lr=0.01, seed=3))
    assert w.poll(timeout=60)
    os.kill(w._process.pid, signal.SIGKILL)
    with pytest.raises(WorkerDied):
        w.wait(timeout=60)
    w._process.wait(timeout=10)
    assert not w.alive
    w.close()
    w.stop()  # on a dead worker: nothing to stop, no error


def test_module_doctests():
    assert doctest.testmod(worker_module).failed == 0
