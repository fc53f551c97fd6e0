"""lstm_viz.train.train_together: several models of one architecture trained as one
computation, each bit for bit the model that :func:`train` gives it alone."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from lstm_viz.model import TokenModel
from lstm_viz.tasks import TASKS
from lstm_viz.train import RunSpec, train, train_together

TASK = TASKS["brackets"]  # sentences of many lengths: batches of different T side by side


def model(seed, units=(6,), dtype=np.float32):
    return TokenModel.random(TASK.vocab, TASK.labels, 4, units, seed=seed, dtype=dtype)


def batches(rng):
    return TASK.batch(rng, 8)


def stop_after(n):
    """A Stop button pressed after ``n`` steps (asked before every step)."""
    asked = []

    def should_stop():
        asked.append(1)
        return len(asked) > n
    return should_stop


def alone(spec: RunSpec):
    return train(spec.model, spec.batches, spec.steps, lr=spec.lr, clip=spec.clip,
                 seed=spec.seed, should_stop=spec.should_stop)


def assert_same(together, single):
    assert together.steps == single.steps and together.stopped == single.stopped
    assert_array_equal(together.losses, single.losses)
    assert_array_equal(together.accuracies, single.accuracies)
    assert_array_equal(together.grad_norms, single.grad_norms)
    for name, p in single.model.params().items():
        q = together.model.params()[name]
        assert q.dtype == p.dtype
        assert_array_equal(q.view(np.uint8), p.view(np.uint8), err_msg=name)  # bit for bit


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("units", [(6,), (5, 3)])
def test_each_model_is_bit_for_bit_the_model_trained_alone(dtype, units):
    def specs():  # own seeds, learning rates, step counts, clipping and a Stop
        return [RunSpec(model(0, units, dtype), batches, steps=9, lr=0.01, seed=0),
                RunSpec(model(1, units, dtype), batches, steps=14, lr=0.03, seed=5, clip=None),
                RunSpec(model(2, units, dtype), batches, steps=4, lr=0.1, seed=7),
                RunSpec(model(3, units, dtype), batches, steps=20, lr=0.01, seed=9,
                        should_stop=stop_after(6))]

    results = train_together(specs())
    assert [r.steps for r in results] == [9, 14, 4, 6]
    assert results[3].stopped and not results[0].stopped
    for together, spec in zip(results, specs(), strict=True):
        assert_same(together, alone(spec))
    # the batches really differed in length within a step, so the padding was exercised
    rng = np.random.default_rng(0), np.random.default_rng(5)
    assert batches(rng[0])[0].shape[0] != batches(rng[1])[0].shape[0]


def test_one_run_together_is_the_run_alone():
    spec = RunSpec(model(4), batches, steps=5, lr=0.02, seed=3)
    (together,) = train_together([spec])
    assert_same(together, alone(spec))


def test_different_architectures_are_refused():
    with pytest.raises(ValueError, match="same units"):
        train_together([RunSpec(model(0, (6,)), batches, 2), RunSpec(model(0, (5,)), batches, 2)])
    with pytest.raises(ValueError, match="same units"):
        train_together([RunSpec(model(0), batches, 2),
                        RunSpec(model(0, dtype=np.float64), batches, 2)])


def test_runs_join_between_steps_and_a_diverging_run_leaves_alone():
    # How the server's training process uses it: runs join the group between steps
    # (``more``), each run's end is reported as it happens (``on_end``), and a run whose
    # loss becomes infinite leaves the group without stopping the others.
    ends = []
    f64 = np.float64  # 1e308 weights: the logits overflow, the loss is NaN
    huge = {k: v if k == "embedding" else np.full_like(v, 1e308)
            for k, v in model(5, dtype=f64).params().items()}
    first = RunSpec(model(0, dtype=f64), batches, steps=10, lr=0.01, seed=0, on_end=ends.append)
    late = RunSpec(model(1, dtype=f64), batches, steps=6, lr=0.03, seed=1, on_end=ends.append)
    bad = RunSpec(model(5, dtype=f64).with_params(huge), batches, steps=8, lr=0.01, seed=5,
                  on_end=ends.append)
    asked = []

    def more():
        asked.append(1)
        return [late, bad] if len(asked) == 3 else []  # before the group's third step

    with np.errstate(all="ignore"):  # the bad run's overflow, in its own block only
        results = train_together([first], more)
    assert isinstance(results[2], ValueError) and "diverged" in str(results[2])
    assert ends[0] is results[2]  # reported at once, while the others went on
    assert ends[1:] == [results[1], results[0]]  # the shorter late run ended first
    assert_same(results[0], alone(first))
    assert_same(results[1], alone(late))
    with pytest.raises(ValueError, match="diverged"), np.errstate(all="ignore"):
        train_together([RunSpec(bad.model, batches, steps=3, seed=5)])  # no on_end: raised


def test_first_come_first_served_a_run_waits_its_turn_after_its_first_step():
    # width=2: the first two runs to have taken a step train; a run that joins takes its
    # first step at once, then waits until a run before it has ended. Each run is still
    # bit for bit the run alone, and one waiting can be stopped.
    order = []  # (group step, run) of every step taken

    def spec(k, steps, should_stop=None):
        def on_step(step, loss, accuracy, model):
            order.append((len(asked), k))
            if k == 1:
                time.sleep(0.2)  # the second run's steps are slow
        return RunSpec(model(k), batches, steps=steps, lr=0.01, seed=k, should_stop=should_stop,
                       on_step=on_step)

    a, b, c, d = spec(0, 8), spec(1, 4), spec(2, 5), spec(3, 50, stop_after(2))
    asked = []

    def more():  # asked before every group step; the runs it gives join the next one
        asked.append(1)
        return {2: [b], 3: [c, d]}.get(len(asked), [])

    results = train_together([a], more, width=2)
    steps_of = {k: [g for g, j in order if j == k] for k in range(4)}
    assert steps_of[0] == [1, 2, 3, 4, 5, 6, 7, 8]  # never slowed: it came first
    assert steps_of[1] == [3, 4, 5, 6]  # the second seat, from its first step on
    assert steps_of[2] == [4, 7, 8, 9, 10]  # its first step at once, then the second seat
    assert steps_of[3] == [4]  # the same, and its learner pressed Stop while it waited
    # a run's seconds count its steps, not its wait: the third waited through two of the
    # second's slow steps (0.4 s), and took one step beside it (0.2 s)
    assert results[0].seconds >= 0.8 and results[1].seconds >= 0.6  # (its last sleep after)
    assert 0.2 <= results[2].seconds < 0.5
    for r, s in zip(results[:3], (a, b, c), strict=True):
        assert_same(r, alone(s))
    assert results[3].stopped and results[3].steps == 1  # its Stop's closure is spent:
    assert_same(results[3], alone(replace(d, should_stop=stop_after(1))))  # a fresh one
    with pytest.raises(ValueError, match="width"):
        train_together([a], width=0)
