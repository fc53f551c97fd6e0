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
from text.i18n import t
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
    raw = [tr for tr in spec["data"] if tr["name"] == t("train.fig.batch")]
    return decode(raw[0]["y"]), decode(raw[1]["y"])


def gates_link(at, lang="en"):
    """The link from the result to the gates page (the sidebar has links too)."""
    (link,) = [el.proto for el in at.get("page_link") if el.proto.label == t("train.inspect", lang)]
    return link


@pytest.fixture
def count_runs(monkeypatch):
    """How many times the page really trained (runs handed to a training process)."""
    calls = []
    real = training._train

    def counting(s, on_progress, worker):
        calls.append(s.steps)
        return real(s, on_progress, worker)

    monkeypatch.setattr(training, "_train", counting)
    return calls


class ScriptedWorker:
    """Stands in for a training process: reports ``events``, then nothing."""

    def __init__(self, *events):
        self.events, self.alive = list(events), True

    def start(self, job):
        self.job = job

    def poll(self, timeout):
        out, self.events = self.events, []
        return out

    def stop(self):
        pass

    def wait(self, timeout):
        return None

    def close(self):
        self.alive = False


def scripted(monkeypatch, worker: ScriptedWorker):
    pool = training.Trainers(size=0)
    pool.give_back(worker)
    monkeypatch.setattr(training, "trainers", lambda: pool)


def test_default_view_is_ready_to_train():
    at = open_train()
    assert_clean(at)
    assert not at.error and not at.info
    assert at.title[0].value == t("nav.train.title")
    assert at.selectbox(key="task").value == "pronoun-en"
    assert at.number_input(key="units").value == 8
    assert at.segmented_control(key="lr").value == "0.01"
    assert at.number_input(key="steps").value == 300
    assert at.number_input(key="seed").value == 0
    assert not at.button(key="train").disabled
    (spec,) = plotly_specs(at)  # empty axes with a prompt, before any run
    assert all(len(decode(tr["y"])) == 0 for tr in spec["data"])
    assert t("train.fig.empty") in str(spec["layout"]["annotations"])
    text = " ".join(m.value for m in at.markdown)
    assert t("task.pronoun-en.look") in text  # what to look for in the gates


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
    assert metrics[t("train.steps_done")] == "20 / 20"
    assert metrics[t("train.held_out_accuracy")] == f"{outcome.held_out[1]:.1%}"
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
    assert len(second.info) == 1 and second.info[0].value == t("train.reused")
    assert second.session_state[keys.TRAINED_MODEL] is first.session_state[keys.TRAINED_MODEL]
    np.testing.assert_array_equal(curve(second)[0], curve(first)[0])
    press_train(open_train(**{**query, "seed": 9103}))  # one setting differs: trains
    assert count_runs == [30, 30]


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
    assert t("task.pronoun-zh.description") in " ".join(m.value for m in at.markdown)


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
    assert training.work(s) <= training.MAX_WORK / 4  # the default is far from the cap


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
    assert at.warning[0].value == t("train.stopped", step=7, steps=400)
    assert at.session_state[keys.TRAINED_MODEL] is live.model
    assert at.session_state[keys.TRAINED_TASK] == "first-symbol"
    assert {m.label: m.value for m in at.metric}[t("train.steps_done")] == "7 / 400"
    assert len(curve(at)[0]) == 7
    at.number_input(key="units").set_value(5).run()  # the result stays, and says it is older
    assert at.warning and at.info[-1].value.replace("\\", "") == t("train.other_settings")
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
    assert at.error[0].value.replace("\\", "") == t("train.diverged", step=2)
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
    assert at.error[0].value.replace("\\", "") == t("train.crashed")
    assert keys.TRAINED_MODEL not in at.session_state
    assert at.number_input(key="units").value == 2
    assert not dying.alive and training.trainers()._free == 1  # its place is free again


def test_chinese_opens_on_the_chinese_task():
    at = open_train(lang="zh")
    assert_clean(at)
    assert at.selectbox(key="task").value == "pronoun-zh"
    assert "task" not in at.query_params  # the language's own default stays out of the URL
    assert t("task.pronoun-zh.look", "zh") in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_languages(lang):
    at = open_train(lang=lang, task="first-symbol", units=2, steps=10, seed=9105 + (lang == "zh"))
    assert_clean(at)
    assert at.title[0].value == t("nav.train.title", lang)
    assert at.selectbox(key="task").value == "first-symbol"
    assert at.button(key="train").label == t("train.button", lang)
    press_train(at)
    assert_clean(at)
    assert at.success[0].value.startswith(t("train.done", lang, steps=10, seconds="X")[:6])
    labels = [m.label for m in at.metric]
    assert t("train.held_out_accuracy", lang) in labels
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
