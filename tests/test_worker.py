"""lstm_viz/worker.py: a training process gives the same model as training here, reports
every step, stops when asked keeping the last finished step, and says when it dies; runs
of one architecture sent to it train together, each bit for bit the run alone."""

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


def assert_bit_for_bit(result, here):
    assert result.steps == here.steps and result.stopped == here.stopped
    np.testing.assert_array_equal(result.losses, here.losses)
    np.testing.assert_array_equal(result.accuracies, here.accuracies)
    for name, value in here.model.params().items():
        got = result.model.params()[name]
        assert got.dtype == value.dtype
        np.testing.assert_array_equal(got.view(np.uint8), value.view(np.uint8), err_msg=name)


def test_runs_of_one_architecture_train_together_each_bit_for_bit_alone():
    # Four learners' runs: own seeds, learning rates, step counts; one joins while the
    # others train, one is stopped part-way (the others go on), one diverges (the others go
    # on), and a run of another architecture waits for them and then trains alone.
    batch = lambda rng: TASK.batch(rng, 16)  # noqa: E731
    huge = {k: v if k == "embedding" else np.full_like(v, 1e308)
            for k, v in start_model(7).params().items()}
    jobs = [Job(start_model(10), "brackets", 16, steps=600, lr=0.01, seed=10),
            Job(start_model(11), "brackets", 16, steps=40, lr=0.03, seed=11),
            Job(start_model(12), "brackets", 16, steps=100_000, lr=0.01, seed=12),
            Job(start_model(7).with_params(huge), "brackets", 16, steps=20, lr=0.01, seed=7)]
    other = TokenModel.random(TASK.vocab, TASK.labels, embed_dim=4, units=(3,), seed=13)
    with Worker() as w:
        first = w.start(jobs[0])
        begun = w.poll(timeout=60)  # it trains …
        assert begun
        members = [first] + [w.start(job) for job in jobs[1:]]  # … and the others join it
        odd = w.start(Job(other, "brackets", 16, steps=6, lr=0.01, seed=13))
        by_member = {m: [] for m in (*members, odd)}
        by_member[first] += begun
        order = list(begun)
        stopped_at = None
        while any(not ev or isinstance(ev[-1], Step) for ev in by_member.values()):
            got = w.poll(timeout=60)
            assert got, "the worker went silent"
            order += got
            for event in got:
                by_member[event.member].append(event)
            steps_of_third = len(by_member[members[2]])
            if stopped_at is None and steps_of_third >= 5:
                w.stop(members[2])  # this learner presses Stop
                stopped_at = steps_of_third
            if by_member[odd]:  # the other architecture starts only after the group ended
                assert all(not isinstance(ev[-1], Step) for m, ev in by_member.items()
                           if m != odd and ev)
    ends = {m: ev[-1] for m, ev in by_member.items()}
    # together: the second run's steps came between the first run's (one step each a round;
    # the first has steps enough that the others join it however slow the machine is)
    seen = [(e.member, e.step) for e in order if isinstance(e, Step)]
    assert seen.index((members[1], 1)) < seen.index((first, 600))
    # first come, first served (WIDTH = 1): the second and third runs took their first
    # steps at once, then waited their turn: their second steps came after the first run's
    # last, the third's after the second's last
    assert worker_module.WIDTH == 1
    assert seen.index((members[2], 1)) < seen.index((first, 600))
    assert seen.index((first, 600)) < seen.index((members[1], 2))
    assert seen.index((members[1], 40)) < seen.index((members[2], 2))
    failed = ends[members[3]]
    assert isinstance(failed, Failed) and failed.step == 1 and "diverged" in failed.message
    for m, job in zip(members[:3], jobs[:3], strict=True):
        end = ends[m]
        assert isinstance(end, Done)
        assert [e.step for e in by_member[m][:-1]] == list(range(1, end.result.steps + 1))
        here = train(job.model, batch, end.result.steps if end.result.stopped else job.steps,
                     lr=job.lr, seed=job.seed)
        assert_bit_for_bit(replace_stopped(end.result), here)
    assert ends[members[2]].result.stopped and ends[members[2]].result.steps >= stopped_at
    assert not ends[members[1]].result.stopped and ends[members[1]].result.steps == 40
    assert_bit_for_bit(ends[odd].result, train(other, batch, 6, lr=0.01, seed=13))


def replace_stopped(result):
    """A stopped result compared with a run of as many steps (which did not stop)."""
    from dataclasses import replace
    return replace(result, stopped=False)


def test_module_doctests():
    assert doctest.testmod(worker_module).failed == 0


@pytest.mark.parametrize("kept_bytes", [worker_module.BATCHES_KEPT_BYTES, 1])
def test_runs_on_one_stream_share_each_batch_and_stay_bit_for_bit_alone(kept_bytes):
    # A class on the /train page: every run reads the stories of one seed, its own weights.
    # Each batch is made once and given to every run at that point of the stream, one run
    # joining late (its step 1 when the others take their 5th); with room for one batch
    # only, the joiner's batches are made again, the same.
    from lstm_viz.train import RunSpec, train_together

    alone = lambda rng: TASK.batch(rng, 8)  # noqa: E731
    batches = worker_module.Batches(TASK, 8, kept_bytes=kept_bytes)
    specs = [RunSpec(start_model(seed), batches, steps, lr=lr, seed=3)
             for seed, steps, lr in ((1, 12, 0.01), (2, 9, 0.03))]
    joiner = RunSpec(start_model(4), batches, 10, lr=0.01, seed=3)
    asked = [0]

    def more():
        asked[0] += 1
        return [joiner] if asked[0] == 4 else []

    results = train_together(specs, more)
    for spec, result in zip([*specs, joiner], results, strict=True):
        assert_bit_for_bit(result, train(spec.model, alone, spec.steps, lr=spec.lr, seed=3))
    assert batches.given == 12 + 9 + 10
    assert batches.made == (12 if kept_bytes > 1 else 12 + 10)


def test_a_shared_batch_cannot_be_changed_by_a_run():
    batches = worker_module.Batches(TASK, 4)
    ids, targets, mask = batches(np.random.default_rng(0))
    with pytest.raises(ValueError, match="read-only"):
        ids[0, 0] = 1
