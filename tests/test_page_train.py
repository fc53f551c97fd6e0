"""pages/5_train.py and ui/training.py through AppTest: defaults, a short run, reuse of
finished runs, links, bad input, the work budget, a run stopped part-way, both languages.

Each test trains with its own seed: finished runs are shared by every session of the
process (as on a server), so a seed used twice would be found instead of trained.
"""

import numpy as np
import pytest
from conftest import PAGES, ROOT, assert_clean, decode, plotly_specs

from lstm_viz.model import TokenModel
from lstm_viz.tasks import TASKS
from lstm_viz.train import train
from lstm_viz.worker import Done, Failed, Step, WorkerDied
from text.i18n import tr
from ui import keys, training

PAGE = PAGES["train"]


def open_train(state=None, **query):
    """Run the train page as a learner arriving with ``?key=value…`` (and, for tests of
    an interrupted run, with ``state`` already in st.session_state)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(PAGE)
    return at.run()


def press_train(at):
    return at.button(key="train").click().run()


def curve(at):
    """(losses, accuracies) drawn as the raw 'each batch' lines of the only chart."""
    (spec,) = plotly_specs(at)
    raw = [trc for trc in spec["data"] if trc["name"] == tr("train.fig.batch")]
    return decode(raw[0]["y"]), decode(raw[1]["y"])


def gates_link(at, lang="en"):
    """The link from the result to the gates page (the sidebar has links too)."""
    (link,) = [el.proto for el in at.get("page_link")
               if el.proto.label == tr("train.inspect", lang)]
    return link


@pytest.fixture
def count_runs(monkeypatch):
    """How many times the page really trained (runs handed to a training process)."""
    calls = []
    real = training._train

    def counting(s, on_progress, seat, on_turn=None):
        calls.append(s.steps)
        return real(s, on_progress, seat, on_turn)

    monkeypatch.setattr(training, "_train", counting)
    return calls


class ScriptedWorker:
    """Stands in for a training process: reports ``events`` (of its one run, member 0),
    then nothing."""

    def __init__(self, *events):
        self.events, self.alive = list(events), True
        self.jobs, self.stopped = [], []

    def start(self, job):
        self.jobs.append(job)
        return len(self.jobs) - 1

    def poll(self, timeout):
        out, self.events = self.events, []
        return out

    def stop(self, member=None):
        self.stopped.append(member)

    def close(self):
        self.alive = False


def scripted(monkeypatch, worker: ScriptedWorker):
    pool = training.Trainers(size=1, start=lambda: worker)
    monkeypatch.setattr(training, "trainers", lambda: pool)


def test_default_view_is_ready_to_train():
    at = open_train()
    assert_clean(at)
    assert not at.error and not at.info
    assert at.title[0].value == tr("nav.train.title")
    assert at.selectbox(key="task").value == "pronoun-en"
    assert at.number_input(key="units").value == 8
    assert at.segmented_control(key="lr").value == "0.01"
    assert at.number_input(key="steps").value == 300
    assert at.number_input(key="seed").value == 0
    assert not at.button(key="train").disabled
    (spec,) = plotly_specs(at)  # empty axes with a prompt, before any run
    assert all(len(decode(trc["y"])) == 0 for trc in spec["data"])
    assert tr("train.fig.empty") in str(spec["layout"]["annotations"])
    text = " ".join(m.value for m in at.markdown)
    assert tr("task.pronoun-en.look") in text  # what to look for in the gates


def test_a_short_run_trains_and_hands_the_model_to_the_gates_page(count_runs):
    at = open_train(task="first-symbol", units=5, steps=20, seed=9101)
    press_train(at)
    assert_clean(at)
    assert count_runs == [20]
    assert len(at.success) == 1 and at.success[0].value.startswith("Trained 20 steps in ")
    model = at.session_state[keys.TRAINED_MODEL]
    assert isinstance(model, TokenModel) and model.units == (5,)
    assert at.session_state[keys.TRAINED_TASK] == "first-symbol"
    assert model.vocab == TASKS["first-symbol"].vocab
    losses, accuracies = curve(at)
    assert len(losses) == len(accuracies) == 20
    outcome, how = at.session_state[keys.TRAIN_SHOWN]
    assert how == "trained" and outcome.model is model
    np.testing.assert_array_equal(losses, outcome.losses)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[tr("train.steps_done")] == "20 / 20"
    assert metrics[tr("train.held_out_accuracy")] == f"{outcome.held_out[1]:.1%}"
    link = gates_link(at)
    assert "gates" in link.page
    assert "model=trained" in link.query_string and "mode=chars" in link.query_string
    assert link.query_string.startswith("model=trained&seq=")


def test_identical_settings_are_reused_across_sessions_without_training(count_runs):
    query = dict(task="brackets", units=3, steps=30, seed=9102, lr="0.03")
    first = press_train(open_train(**query))
    assert count_runs == [30]
    second = press_train(open_train(**query))  # another learner, same settings
    assert_clean(second)
    assert count_runs == [30], "found, not trained again"
    assert len(second.info) == 1 and second.info[0].value == tr("train.reused")
    assert second.session_state[keys.TRAINED_MODEL] is first.session_state[keys.TRAINED_MODEL]
    np.testing.assert_array_equal(curve(second)[0], curve(first)[0])
    press_train(open_train(**{**query, "seed": 9103}))  # one setting differs: trains
    assert count_runs == [30, 30]


def test_settings_trained_already_are_said_to_show_at_once(count_runs):
    """Beside Train, before the press: settings trained on this server already are shown
    at once (no estimate of a run that will not happen); any other settings get one."""
    query = dict(task="brackets", units=3, steps=30, seed=9160, lr="0.03")
    captions = lambda at: [c.value for c in at.caption]  # noqa: E731
    before = open_train(**query)
    assert tr("train.estimate_ready") not in captions(before)
    press_train(before)
    again = open_train(**query)  # another learner, same settings
    assert_clean(again)
    assert tr("train.estimate_ready") in captions(again)
    assert not [c for c in captions(again) if c.startswith("About ")], "no estimate"
    other = open_train(**{**query, "seed": 9161})
    assert tr("train.estimate_ready") not in captions(other)
    assert [c for c in captions(other) if c.startswith("About ")]


def test_a_link_reproduces_the_settings():
    query = dict(task="pronoun-zh", units=12, lr="0.03", steps=120, seed=77)
    at = open_train(**query)
    assert_clean(at)
    assert not at.info, "a valid link gives no note"
    assert at.selectbox(key="task").value == "pronoun-zh"
    assert at.number_input(key="units").value == 12
    assert at.segmented_control(key="lr").value == "0.03"
    assert at.number_input(key="steps").value == 120
    assert at.number_input(key="seed").value == 77
    assert tr("task.pronoun-zh.description") in " ".join(m.value for m in at.markdown)


def test_garbage_in_the_url_falls_back_and_says_so():
    at = open_train(task="nope", units="lots", lr="9", steps="-5", seed="x")
    assert_clean(at)
    assert not at.error
    assert at.selectbox(key="task").value == "pronoun-en"
    assert at.number_input(key="units").value == 8
    assert at.segmented_control(key="lr").value == "0.01"
    assert at.number_input(key="steps").value == 300
    notes = " ".join(el.value.replace("\\", "") for el in at.info)
    for shown in ("task=nope", "units=lots", "lr=9", "steps=-5", "seed=x"):
        assert shown in notes


def test_out_of_range_values_keep_the_other_settings():
    at = open_train(task="brackets", units=500, steps=99999, seed=5)
    assert_clean(at)
    assert at.selectbox(key="task").value == "brackets"
    assert at.number_input(key="seed").value == 5
    assert at.number_input(key="units").value == 8  # the default: 500 is beyond 32
    notes = " ".join(el.value.replace("\\", "") for el in at.info)
    assert "units=500" in notes and "steps=99999" in notes


def test_a_run_over_the_budget_is_refused_with_what_to_change(count_runs):
    at = open_train(task="pronoun-zh", units=32, steps=2000, seed=4)
    assert_clean(at)
    assert at.button(key="train").disabled
    assert len(at.error) == 1
    most = training.max_steps("pronoun-zh", 32)
    message = at.error[0].value.replace("\\", "")
    assert str(most) in message and "32" in message
    at.number_input(key="steps").set_value(most).run()  # the largest allowed run is allowed
    assert not at.error and not at.button(key="train").disabled
    assert at.number_input(key="units").value == 32 and at.selectbox(key="task").value == \
        "pronoun-zh"
    assert count_runs == []


def test_budget_counts_steps_units_and_length():
    s = training.Settings("first-symbol", 8, 0.01, 100, 0)
    assert training.work(s) == pytest.approx(
        100 * training.BATCH * training.mean_length("first-symbol") * (8 + training.UNIT_OVERHEAD))
    assert training.mean_length("pronoun-zh") > training.mean_length("first-symbol")
    for task in training.TASK_NAMES:
        for units in (1, 8, 32):
            most = training.max_steps(task, units)
            assert training.work(training.Settings(task, units, 0.01, most, 0)) \
                <= training.MAX_WORK
            assert training.work(training.Settings(task, units, 0.01, most + 10, 0)) \
                > training.MAX_WORK
    defaults = training.DEFAULTS
    s = training.Settings(defaults["task"], defaults["units"], float(defaults["lr"]),
                          defaults["steps"], defaults["seed"])
    assert training.work(s) <= training.MAX_WORK / 3  # the default is far from the cap (its
    # stories grew with the richer pronoun grammar of issue 12: 0.29 of the cap)


def test_the_store_keeps_the_newest_and_is_keyed_by_settings():
    store = training.RunStore(size=2)
    a, b, c = (training.Settings("brackets", 2, 0.01, 10, k) for k in range(3))
    for s in (a, b, c):
        store.put(s, object())
    assert store.get(a) is None and store.get(b) is not None and store.get(c) is not None
    assert store.get(training.Settings("brackets", 2, 0.01, 10, 2)) is store.get(c)


def interrupted(s: training.Settings, after: int) -> training.Live:
    """The record an interrupted run leaves in st.session_state after ``after`` steps."""
    live = training.Live(s, training.start_model(s))
    task = TASKS[s.task]
    result = train(live.model, lambda rng: task.batch(rng, training.BATCH), s.steps, lr=s.lr,
                   seed=s.seed, should_stop=lambda: len(live.losses) >= after,
                   on_step=lambda step, loss, acc, model: live.add(loss, acc))
    live.end(result)
    return live


def test_a_run_stopped_part_way_keeps_its_model_and_is_not_shared(count_runs):
    s = training.Settings("first-symbol", 4, 0.01, 400, 9104)
    live = interrupted(s, after=7)
    query = dict(task="first-symbol", units=4, steps=400, seed=9104)
    at = open_train(state={training.LIVE_KEY: live, training.MODEL_KEY: live.model,
                           training.TASK_KEY: s.task}, **query)
    assert_clean(at)
    assert len(at.warning) == 1
    assert at.warning[0].value == tr("train.stopped", step=7, steps=400)
    assert at.session_state[keys.TRAINED_MODEL] is live.model
    assert at.session_state[keys.TRAINED_TASK] == "first-symbol"
    assert {m.label: m.value for m in at.metric}[tr("train.steps_done")] == "7 / 400"
    assert len(curve(at)[0]) == 7
    at.number_input(key="units").set_value(5).run()  # the result stays, and says it is older
    assert at.warning and at.info[-1].value.replace("\\", "") == tr("train.other_settings")
    press_train(open_train(**query))  # a stopped run is not handed to others
    assert count_runs == [400]


def test_a_run_stopped_before_its_first_step_leaves_nothing_half_set():
    s = training.Settings("brackets", 3, 0.01, 100, 9106)
    at = open_train(state={training.LIVE_KEY: training.Live(s, training.start_model(s)),
                           training.TASK_KEY: s.task})  # the task was set, the model not yet
    assert_clean(at)
    assert not at.warning
    assert keys.TRAINED_TASK not in at.session_state
    assert keys.TRAINED_MODEL not in at.session_state


def test_a_run_that_blows_up_says_to_lower_the_learning_rate(monkeypatch):
    scripted(monkeypatch, ScriptedWorker(Step(1, 1.5, 0.5), Failed(2, "loss inf")))
    at = press_train(open_train(task="brackets", units=2, steps=50, seed=9107, lr="0.1"))
    assert_clean(at)
    assert len(at.error) == 1
    assert at.error[0].value.replace("\\", "") == tr("train.diverged", step=2)
    assert keys.TRAINED_MODEL not in at.session_state  # no half-made model to inspect
    assert at.number_input(key="units").value == 2 and at.segmented_control(key="lr").value == "0.1"


def test_a_training_process_that_dies_gets_a_message_and_is_replaced(monkeypatch):
    class Dying(ScriptedWorker):
        def poll(self, timeout):
            self.alive = False
            raise WorkerDied("gone")

    dying = Dying()
    scripted(monkeypatch, dying)
    at = press_train(open_train(task="brackets", units=2, steps=50, seed=9108))
    assert_clean(at)
    assert at.error[0].value.replace("\\", "") == tr("train.crashed")
    assert keys.TRAINED_MODEL not in at.session_state
    assert at.number_input(key="units").value == 2
    assert not dying.alive and training.trainers()._free == 1  # its place is free again


def test_chinese_opens_on_the_chinese_task():
    at = open_train(lang="zh")
    assert_clean(at)
    assert at.selectbox(key="task").value == "pronoun-zh"
    assert "task" not in at.query_params  # the language's own default stays out of the URL
    assert tr("task.pronoun-zh.look", "zh") in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_languages(lang):
    at = open_train(lang=lang, task="first-symbol", units=2, steps=10, seed=9105 + (lang == "zh"))
    assert_clean(at)
    assert at.title[0].value == tr("nav.train.title", lang)
    assert at.selectbox(key="task").value == "first-symbol"
    assert at.button(key="train").label == tr("train.button", lang)
    press_train(at)
    assert_clean(at)
    assert at.success[0].value.startswith(tr("train.done", lang, steps=10, seconds="X")[:6])
    labels = [m.label for m in at.metric]
    assert tr("train.held_out_accuracy", lang) in labels
    assert ("lang=zh" in gates_link(at, lang).query_string) == (lang == "zh")


def test_the_last_step_reported_again_with_the_end_is_drawn_once(monkeypatch):
    # The worker's last Step and its Done can come in different polls: the live chart of
    # that step must not be drawn twice (Streamlit refuses a repeated element key).
    from lstm_viz.train import TrainResult

    s = training.Settings("brackets", 2, 0.01, 2, 9109)
    model = training.start_model(s)
    result = TrainResult(model=model, losses=np.array([1.0, 0.9]),
                         accuracies=np.array([0.5, 0.6]), grad_norms=np.array([1.0, 1.0]),
                         steps=2, seconds=0.1, stopped=False)

    class TwoPolls(ScriptedWorker):
        def poll(self, timeout):
            return [self.events.pop(0)] if self.events else []

    scripted(monkeypatch, TwoPolls(Step(1, 1.0, 0.5), Step(2, 0.9, 0.6), Done(result)))
    monkeypatch.setattr(training, "UPDATE_SECONDS", 0.0)
    at = press_train(open_train(task="brackets", units=2, steps=2, seed=9109))
    assert_clean(at)
    assert at.success and list(curve(at)[0]) == [1.0, 0.9]


def test_a_hung_worker_closed_by_its_learner_is_never_handed_to_the_next():
    # Issue 14, item 3: the worker hangs (SIGSTOP), its learner leaves, ``_stop`` closes
    # it; the next learner must get a fresh process, not the closed one ("handle is closed").
    import os
    import signal

    s = training.Settings("brackets", 2, 0.01, 100_000, 9110)
    pool = training.Trainers(size=1)
    hung = pool.take(pool.join(s), timeout=5)
    assert hung.poll(timeout=60)  # it trains …
    os.kill(hung.group.worker._process.pid, signal.SIGSTOP)  # … then hangs
    live = training.Live(s, training.start_model(s))
    stop_seconds = training.STOP_SECONDS
    training.STOP_SECONDS = 0.5
    try:
        training._stop(hung, live)  # the learner closed the tab
        fresh = pool.take(pool.join(training.Settings("brackets", 2, 0.01, 3, 9110)),
                          timeout=10)
    finally:
        training.STOP_SECONDS = stop_seconds
    assert not hung.group.worker.alive and live.losses == []
    assert fresh is not None and fresh.group.worker is not hung.group.worker
    assert isinstance(fresh.wait(timeout=60), Done)
    fresh.group.worker.close()


def test_a_silent_worker_frees_its_slot_and_its_learner_is_told(monkeypatch):
    # Issue 14, item 3: a worker that stops answering while its learner stays connected
    # must not hold the slot forever: after SILENT_SECONDS without a report it is ended.
    silent = ScriptedWorker(Step(1, 1.5, 0.5))  # one step, then nothing
    scripted(monkeypatch, silent)
    monkeypatch.setattr(training, "SILENT_SECONDS", 0.5)
    at = press_train(open_train(task="brackets", units=2, steps=50, seed=9111))
    assert_clean(at)
    assert at.error[0].value.replace("\\", "") == tr("train.silent", seconds=0.5)
    assert "trained_model" not in at.session_state
    assert not silent.alive and training.trainers()._free == 1  # its place is free again


class Idle(ScriptedWorker):
    """A stand-in process for queue tests: its runs end when the test says (``end``)."""

    def end(self, member):
        from lstm_viz.train import TrainResult
        s = self.jobs[member]
        self.events.append(Step(1, 1.0, 0.5, member))
        self.events.append(Done(TrainResult(s.model, np.ones(1), np.ones(1), np.ones(1), 1, 0.1,
                                            False), member))


def until(condition, seconds=10):
    import time
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.01)


STORY = 0.01  # seconds to make a batch of stories, in the queue tests


@pytest.fixture
def stories(monkeypatch):
    """Making a batch of stories takes ``STORY`` seconds (measured on a real server)."""
    monkeypatch.setattr(training, "story_seconds", lambda task: STORY)
    return STORY


def test_the_queue_is_first_come_first_served_and_estimates_from_the_measured_pace(stories):
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 2e-6)  # measured: 2e-6 s per unit of work
    a, b, c, a_again = (training.Settings("brackets", u, 0.01, 100, 9120) for u in (2, 3, 4, 2))
    first, second, third, same = (pool.join(s) for s in (a, b, c, a_again))
    seat = pool.take(first, timeout=1)
    assert seat is not None and seat.group.worker is worker
    assert pool.take(second, timeout=0.05) is None  # another shape: no process free
    assert pool.take(same, timeout=0.05) is None  # the same settings train: it follows

    def alone(t):  # each run the first of its group: every step makes its batch too
        return t.work * 2e-6 + t.settings.steps * STORY

    ahead, wait, run = pool.estimate(second)
    assert ahead == 0 and wait == pytest.approx(alone(first))  # what is left of the first
    assert run == pytest.approx(alone(second))
    ahead, wait, _ = pool.estimate(third)
    assert ahead == 1 and wait == pytest.approx(alone(first) + alone(second))
    ahead, wait, _ = pool.estimate(same)  # the same settings as the run training: counted once
    assert ahead == 2 and wait == pytest.approx(alone(first) + alone(second) + alone(third))
    pool.leave(second)  # the second learner leaves: the third moves up
    assert pool.estimate(third)[0] == 0
    worker.end(seat.member)  # the first run ends: its group, and the process is free
    third_seat = pool.take(third, timeout=5)
    assert third_seat is not None and third_seat.group.worker is worker
    # the seed picks the starting weights; every run reads the one stream of stories
    assert [job.model.meta["seed"] for job in worker.jobs] == [9120, 9120]
    assert [job.seed for job in worker.jobs] == [training.STORIES_SEED] * 2
    assert [job.model.units for job in worker.jobs] == [(2,), (4,)]


def test_runs_of_one_shape_join_the_group_training_and_another_shape_waits_its_turn(stories):
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 1e-6)
    runs = [training.Settings("brackets", 3, lr, steps, seed)
            for lr, steps, seed in ((0.01, 100, 1), (0.03, 300, 2), (0.1, 200, 3))]
    other = training.Settings("brackets", 5, 0.01, 100, 4)
    tickets = [pool.join(s) for s in runs[:2]]
    seats = [pool.take(t, timeout=1) for t in tickets]
    assert seats[0].group is seats[1].group  # both in one group, one process
    odd, late = pool.join(other), pool.join(runs[2])
    assert pool.take(odd, timeout=0.05) is None  # another shape: after the group
    assert pool.take(late, timeout=0.05) is None  # same shape, but behind one that waits
    # The estimate knows the group: one run at a time, in the order they joined; the first
    # makes the batches of steps 1-100, the second reuses them and makes 101-300.
    k = tickets[0].work / 100 * 1e-6  # a step on a made batch, the same for both
    group_end = 100 * (k + STORY) + 100 * k + 200 * (k + STORY)
    ahead, wait, run = pool.estimate(odd)
    assert ahead == 0 and wait == pytest.approx(group_end)
    assert run == pytest.approx(odd.work * 1e-6 + 100 * STORY)
    ahead, wait, run = pool.estimate(late)
    assert ahead == 1 and wait == pytest.approx(group_end + odd.work * 1e-6 + 100 * STORY)
    pool.leave(odd)  # the other shape leaves: the late run joins the group at once
    seat = pool.take(late, timeout=1)
    assert seat is not None and seat.group is seats[0].group
    assert [job.model.meta["seed"] for job in worker.jobs] == [1, 2, 3]
    seats[0].stop()  # one learner's Stop: only their run
    assert worker.stopped == [seats[0].member]
    for s in seats:
        worker.end(s.member)
    until(lambda: seats[0].ended and seats[1].ended)
    assert not seat.group.over  # one run still trains
    worker.end(seat.member)
    until(lambda: seat.group.over)
    # back to the pool; no group step was timed (one step a run), so no pace recorded
    assert pool._idle == [worker] and len(pool.pace._runs) == 1


def test_the_pace_is_measured_here_then_follows_the_finished_runs():
    pace = training.Pace()
    calibrated = pace.seconds_per_work()  # a few steps of the default run, timed here
    assert 1e-11 < calibrated < 1e-5
    for k in range(1, 4):
        pace.record(100.0, k * 1e-6)  # runs at 1e-8, 2e-8, 3e-8 s per work
    assert pace.seconds_per_work() == pytest.approx(2e-8)  # the median
    for _ in range(training.PACE_RUNS):
        pace.record(100.0, 5e-6)
    assert pace.seconds_per_work() == pytest.approx(5e-8)  # only the latest runs count


def test_a_waiting_learner_sees_their_place_and_the_estimates(monkeypatch):
    monkeypatch.setattr(training, "story_seconds", lambda task: 0.0)
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 1e-7)  # measured: 1e-7 s per unit of work
    busy, queued = (training.Settings("brackets", u, 0.01, 1000, 9121) for u in (5, 6))
    busy_seat = pool.take(pool.join(busy), timeout=1)  # someone else trains in the only process
    queued_ticket = pool.join(queued)  # and someone else waits
    monkeypatch.setattr(training, "trainers", lambda: pool)
    s = training.Settings("brackets", 2, 0.01, 50, 9123)
    trained = training._outcome(s, training.start_model(s), [1.0], [0.5], 0.25, False)
    monkeypatch.setattr(training, "_train", lambda s, on_progress, seat, on_turn: trained)
    waits = []

    def on_wait(ahead, wait, run):
        waits.append((ahead, wait))
        if len(waits) == 2:  # the other runs end
            worker.end(busy_seat.member)
            pool.leave(queued_ticket)

    outcome, reused = training.run(s, on_progress=lambda live: None, on_wait=on_wait)
    assert outcome is trained and not reused and len(waits) == 2
    (ahead, wait), _ = waits
    assert ahead == 1  # one run ahead in the queue
    left_of_busy = training.work(busy) * 1e-7  # ≈ 5 s
    assert wait == pytest.approx(left_of_busy + training.work(queued) * 1e-7)
    assert [job.model.meta["seed"] for job in worker.jobs] == [9121, 9123]
    assert not pool._waiting


def test_the_same_settings_in_progress_are_followed_not_trained_again(monkeypatch):
    s = training.Settings("brackets", 3, 0.01, 100, 9124)
    runs, pool = training.RunStore(), training.Trainers(size=0)  # no process at all
    monkeypatch.setattr(training, "store", lambda: runs)
    monkeypatch.setattr(training, "trainers", lambda: pool)
    monkeypatch.setattr(training, "FOLLOW_SECONDS", 0.01)
    leader = training.Live(s, training.start_model(s))  # another learner's run
    for k in range(3):
        leader.add(1.0 - k / 10, 0.5)
    runs.begin(leader)
    finished = training._outcome(s, leader.model, leader.losses, leader.accuracies, 0.5, False)
    drawn = []

    def on_progress(live):
        drawn.append((live, len(live.losses)))
        runs.end(leader)
        runs.put(s, finished)  # the leader finishes

    outcome, reused = training.run(s, on_progress, on_wait=lambda *a: pytest.fail("queued"))
    assert outcome is finished and reused
    assert drawn == [(leader, 3)]  # the leader's curve, drawn for this learner
    assert not pool._waiting and not pool._groups


def test_the_estimate_follows_the_pace_of_the_group_training_now(stories):
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 1e-7)  # the runs before: 1e-7 s per work
    one, two, later = (training.Settings("brackets", 2, 0.01, 100, seed) for seed in (1, 2, 3))
    other = training.Settings("brackets", 3, 0.01, 100, 4)
    seats = [pool.take(pool.join(s), timeout=1) for s in (one, two)]
    waiting = pool.join(other)
    group = seats[0].group
    w2, w3 = seats[0].ticket.work / 100, waiting.work / 100
    for step in range(1, 51):  # this group takes 0.2 s a step, making its batches
        group.stepped(step, 0.2 * step)
        if step == 7:
            group.stepped(1, 1.45)  # the second run's first step, beside: not a group step
    seats[0].steps, seats[1].steps = 50, 1
    assert group.step_seconds() == pytest.approx((None, 0.2))  # none yet on made batches
    ahead, wait, run = pool.estimate(waiting)
    # the first run's 50 steps left, making their batches, then the second's 99 left, on
    # the batches the first made: those in the proportion the recorded pace and the
    # making of a batch give
    k = 0.2 * (w2 * 1e-7) / (w2 * 1e-7 + STORY)
    assert ahead == 0 and wait == pytest.approx(50 * 0.2 + 99 * k)
    assert run == pytest.approx(100 * (w3 * 1e-7 + STORY))  # another shape: the recorded
    for step in range(2, 2 + training.PACE_STEPS):  # then the second run's steps on made
        group.stepped(step, 10 + 0.1 * (step - 1))  # batches, 0.1 s each, are measured
    seats[1].steps = 1 + training.PACE_STEPS
    seats[0].steps = 100
    assert group.step_seconds() == pytest.approx((0.1, 0.2))
    ahead, wait, run = pool.estimate(waiting)
    pace = 0.1 / w2  # seconds per work on a made batch, as this group measured it
    assert wait == pytest.approx((100 - 1 - training.PACE_STEPS) * 0.1)
    assert run == pytest.approx(100 * (w3 * pace + STORY))
    group.intervals = group.intervals[:training.PACE_STEPS - 1]
    _, early_wait, _ = pool.estimate(waiting)  # too few steps to judge: the recorded pace
    assert early_wait == pytest.approx((100 - 1 - training.PACE_STEPS) * w2 * 1e-7)
    assert pool.estimate(pool.join(later))[0] == 1


def test_finishes_of_a_group():
    # one run at a time, in the order they joined; a step whose batch no run before made
    # costs 3 s, one on a made batch 1 s
    ends, last = training._finishes([(100, 0), (300, 0), (200, 50)], 0, kept=1.0, made=3.0)
    assert ends == [300.0, 1000.0, 1150.0] and last == 1150.0
    ends, _ = training._finishes([(100, 40)], 60, kept=1.0, made=3.0)  # batches 1-60 made
    assert ends == [20 * 1.0 + 40 * 3.0]


def test_a_run_that_took_its_first_step_is_told_when_its_turn_comes(stories):
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 1e-6)
    first, second, third = (training.Settings("brackets", 2, 0.01, steps, seed)
                            for steps, seed in ((100, 1), (50, 2), (80, 3)))
    seats = [pool.take(pool.join(s), timeout=1) for s in (first, second, third)]
    seats[0].steps, seats[1].steps, seats[2].steps = 30, 1, 1
    seats[0].group.furthest = 30
    k = seats[0].ticket.work / 100 * 1e-6
    assert pool.turn(seats[0]) is None  # it trains
    first_end = 70 * (k + STORY)
    assert pool.turn(seats[1]) == pytest.approx((1, first_end, first_end + 49 * k))
    assert pool.turn(seats[2]) == pytest.approx(  # on the batches the first run made
        (2, first_end + 49 * k, first_end + 49 * k + 79 * k))
    assert training.WIDTH == 1  # what the estimate assumes
    worker.end(seats[0].member)
    until(lambda: seats[0].ended)
    assert pool.turn(seats[1]) is None  # its turn: it trains


def test_a_new_process_is_timed_by_two_short_runs_nobody_sees(stories):
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker, calibrate=True)
    pool.warm()
    seeds = [job.model.meta["seed"] for job in worker.jobs]
    assert seeds == [training.SEEDS[1] + 1, training.SEEDS[1] + 2]  # no learner's seed
    assert {job.steps for job in worker.jobs} == {training.CALIBRATION_STEPS}
    assert not pool._waiting and pool.waiting() == 0
    assert pool.training() == 0  # nobody's runs: not counted as other learners'
    group = pool._groups[0]
    for step in range(1, 41):  # the first run makes its batches: 0.3 s a step
        group.stepped(step, 0.3 * step)
    for step in range(2, 41):  # the second reuses them: 0.1 s a step
        group.stepped(step, 12 + 0.1 * (step - 1))
    w = group.step_work
    for member in (0, 1):
        worker.end(member)
    until(lambda: group.over)
    assert pool.story(training.DEFAULTS["task"]) == pytest.approx(0.2)  # timed there
    assert pool.story("brackets") == STORY  # not timed there: timed here
    assert pool.pace.seconds_per_work() == pytest.approx(0.1 / w)


def test_a_learner_whose_run_waits_its_turn_is_told_when_it_goes_on(monkeypatch, stories):
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 1e-6)
    monkeypatch.setattr(training, "trainers", lambda: pool)
    monkeypatch.setattr(training, "TURN_SECONDS", 0.05)
    first, second = (training.Settings("brackets", 2, 0.01, steps, seed)
                     for steps, seed in ((100, 9160), (1, 9161)))
    seats = [pool.take(pool.join(s), timeout=1) for s in (first, second)]
    k = seats[0].ticket.work / 100 * 1e-6
    worker.events.append(Step(1, 1.2, 0.5, seats[1].member))  # its first step, at once
    told, drawn = [], []

    def on_turn(ahead, wait, end):
        told.append((ahead, wait, end))
        if len(told) == 2:  # the run before it ends; then its own
            worker.end(seats[0].member)
            worker.end(seats[1].member)

    live = training.Live(second, training.start_model(second))
    outcome = training._train_live(second, lambda live: drawn.append(len(live.losses)),
                                   seats[1], live, on_turn)
    assert drawn[0] == 1  # its first point, drawn before any wait
    first_end = k + 99 * (k + STORY)  # the first run's 100 steps: the first on the batch
    #                                   the second run's first step made, the rest making
    assert told[0] == pytest.approx((1, first_end, first_end))  # its 0 steps left after
    assert outcome.steps == 1 and not outcome.stopped


def test_the_first_page_starts_a_training_process_ahead_of_the_press():
    started = []
    pool = training.Trainers(size=1, start=lambda: started.append(Idle()) or started[-1])
    pool.warm()
    pool.warm()  # once
    assert len(started) == 1 and pool._idle == started and pool._free == 0
    seat = pool.take(pool.join(training.Settings("brackets", 2, 0.01, 10, 1)), timeout=1)
    assert seat.group.worker is started[0] and len(started) == 1


def brackets_batch(rng):
    return TASKS["brackets"].batch(rng, training.BATCH)


def test_learners_of_one_shape_train_in_one_process_each_bit_for_bit_alone():
    # Through the server's pool and a real training process: three learners' runs of one
    # shape, own seeds, rates and steps, share one group; one learner presses Stop (the
    # others go on); each gets its own events and the model it would have had alone.
    pool = training.Trainers(size=1)
    settings = [training.Settings("brackets", 3, lr, steps, seed)
                for lr, steps, seed in ((0.01, 30, 9130), (0.03, 60, 9131), (0.1, 100_000, 9132))]
    seats = [pool.take(pool.join(s), timeout=10) for s in settings]
    assert len({id(seat.group) for seat in seats}) == 1
    events, stopped = {k: [] for k in range(3)}, False
    while not all(ev and not isinstance(ev[-1], Step) for ev in events.values()):
        for k, seat in enumerate(seats):
            if not (events[k] and not isinstance(events[k][-1], Step)):
                events[k] += seat.poll(0.05)
        if len(events[2]) >= 5 and not stopped:
            seats[2].stop()  # the third learner presses Stop
            stopped = True
    group = seats[0].group
    until(lambda: group.over)
    assert pool._idle == [group.worker] and group.worker.alive
    for k, s in enumerate(settings):
        done = events[k][-1]
        assert isinstance(done, Done)
        assert [e.step for e in events[k][:-1]] == list(range(1, done.result.steps + 1))
        alone = train(training.start_model(s), brackets_batch, done.result.steps, lr=s.lr,
                      seed=training.STORIES_SEED)  # own weights, the class's one stream
        for name, value in alone.model.params().items():
            got = done.result.model.params()[name]
            np.testing.assert_array_equal(got.view(np.uint8), value.view(np.uint8))
    assert events[2][-1].result.stopped and not events[1][-1].result.stopped
    assert events[1][-1].result.steps == 60
    group.worker.close()


def test_a_runs_first_step_reported_before_its_seat_is_made_reaches_its_learner():
    # A joining run takes its first step at once: the process can report it before
    # Trainers._seat has the run's number back (a real process did, now and then, under
    # load: its learner's curve then began at step 2).
    import threading
    import time

    from lstm_viz.train import TrainResult

    class Eager(Idle):
        def __init__(self):
            super().__init__()
            self.polled = threading.Event()

        def start(self, job):
            member = super().start(job)
            if member:  # a run that joins a group already reporting: it steps at once
                self.polled.clear()
                self.events.append(Step(1, 1.0, 0.5, member))
                assert self.polled.wait(5)  # the dispatcher has it before the seat exists
                time.sleep(0.05)  # and has handed it on
            return member

        def poll(self, timeout):
            time.sleep(0.005)
            out = super().poll(timeout)
            if out:
                self.polled.set()
            return out

    worker = Eager()
    pool = training.Trainers(size=1, start=lambda: worker)
    first, second = (training.Settings("brackets", 3, 0.01, 100, seed) for seed in (1, 2))
    seats = [pool.take(pool.join(first), timeout=1)]
    seats.append(pool.take(pool.join(second), timeout=1))
    assert seats[1] is not None and seats[1].group is seats[0].group
    worker.events += [Step(2, 0.9, 0.5, 1), Done(TrainResult(
        worker.jobs[1].model, np.ones(2), np.ones(2), np.ones(2), 2, 0.1, False), 1)]
    events = []
    until(lambda: events.extend(seats[1].poll(0.01)) or events and isinstance(events[-1], Done))
    assert [e.step for e in events if isinstance(e, Step)] == [1, 2]


def test_a_learner_who_leaves_stops_only_their_run():
    # A seat given to a learner whose script has not taken it yet (they left meanwhile):
    # leaving stops that run alone; the group's other run goes on.
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    staying, leaving = (training.Settings("brackets", 3, 0.01, 100, seed) for seed in (1, 2))
    kept = pool.take(pool.join(staying), timeout=1)
    gone = pool.join(leaving)
    pool.take(pool.join(training.Settings("brackets", 3, 0.01, 100, 3)), timeout=1)  # places
    assert gone.seat is not None and not gone.claimed  # seated, never taken
    pool.leave(gone)
    assert worker.stopped == [gone.seat.member]
    worker.end(gone.seat.member)
    until(lambda: gone.seat.ended)
    assert not kept.group.over and not kept.ended


def test_the_estimate_beside_train_counts_the_runs_before_it(monkeypatch):
    monkeypatch.setattr(training, "story_seconds", lambda task: 0.0)
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 1e-7)
    monkeypatch.setattr(training, "trainers", lambda: pool)
    query = dict(task="brackets", units=3, steps=100, seed=9140)
    alone = open_train(**query)
    secs = training.work(training.Settings("brackets", 3, 0.01, 100, 9140)) * 1e-7
    captions = lambda at: [c.value for c in at.caption]  # noqa: E731
    assert tr("train.estimate", seconds=f"{secs:.1f}") in captions(alone)
    other = training.Settings("brackets", 3, 0.01, 300, 9141)  # another learner's run trains
    pool.take(pool.join(other), timeout=1)
    shared = open_train(**query)
    # the other run's 300 steps first, then this run's 100: four times this run alone
    assert tr("train.estimate_shared", others=1, seconds=f"{4 * secs:.1f}") in captions(shared)


def test_the_estimate_for_settings_training_now_is_the_end_of_that_run(stories):
    worker = Idle()
    pool = training.Trainers(size=1, start=lambda: worker)
    pool.pace.record(1.0, 1e-6)
    s, other = (training.Settings("brackets", 3, 0.01, steps, 9150) for steps in (100, 300))
    seat = pool.take(pool.join(s), timeout=1)
    pool.take(pool.join(other), timeout=1)
    seat.steps = 40  # (the reader thread counts them; set here)
    w = seat.ticket.work / 100
    ahead, wait, run = pool.estimate(training.Ticket(s, training.work(s), STORY))
    # it follows that run: its 60 steps left, each making its batch; the other run after it
    assert (ahead, wait) == (0, 0.0) and run == pytest.approx(60 * (w * 1e-6 + STORY))


@pytest.mark.parametrize(("left", "lang"), [(3.0, "en"), (0.4, "en"), (0.4, "zh")])
def test_the_caption_gives_the_end_of_the_same_settings_training_now(monkeypatch, left, lang):
    """Another learner trains these settings now: the caption says when that run should end
    (a press shows it); under a second, that it should end within a second (the page's own
    time to show the end is then most of what is left: benchmarks/train_burst.py)."""
    s = training.Settings("brackets", 3, 0.03, 30, 9170)
    runs = training.RunStore()
    runs.begin(training.Live(s, training.start_model(s)))  # another learner's run
    monkeypatch.setattr(training, "store", lambda: runs)
    monkeypatch.setattr(training, "seconds_now", lambda settings: (left, 1))
    at = open_train(task="brackets", units=3, lr="0.03", steps=30, seed=9170, lang=lang)
    assert_clean(at)
    captions = [c.value for c in at.caption]
    want = (tr("train.estimate_follow_soon", lang) if left < 1 else
            tr("train.estimate_follow", lang, seconds="3.0"))
    assert want in captions, captions


def test_a_training_process_that_cannot_start_is_a_message_not_a_traceback(monkeypatch):
    """The server may be unable to start a training process (say, its Python cannot be run
    by the server's user): the page still opens (the process it would start ahead is not
    started), and a press of Train says the run could not train."""
    def refuse():
        raise PermissionError(13, "Permission denied", "python")

    pool = training.Trainers(size=1, start=refuse, calibrate=True)
    monkeypatch.setattr(training, "trainers", lambda: pool)
    pool.warm()  # nothing started, nothing raised
    assert not pool._idle and not pool._groups and pool._free == 1
    at = open_train(task="brackets", units=3, lr="0.03", steps=30, seed=9171)
    assert_clean(at)
    at = press_train(at)
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [tr("train.crashed", "en")]
    assert not pool._waiting and pool._free == 1  # the queue is left as it was
