"""Train an LSTM yourself: pick a task, press Train, watch the loss fall, open its gates."""

import streamlit as st

from figures.train import training_figure
from text.i18n import tr
from ui import callbacks, common, training
from ui.training import DEFAULTS, SEEDS, STEPS, UNITS

GATES_PAGE = "pages/1_gates.py"
TRAINED_OPTION = "trained"  # the gates page's model option for st.session_state's model


def train_controls(lang: str) -> training.Settings:
    """The task and the run's settings, as plain values."""
    cols = st.columns([4, 2, 5, 2, 2])  # the learning rates fit on one line (0.1 was clipped)
    task = common.choice(cols[0].selectbox, tr("train.task", lang), training.TASK_NAMES, "task",
                         training.default_task(lang), callbacks.labels("task.", lang, ".title"),
                         help=tr("train.task.help", lang))
    units = common.number(cols[1], tr("train.units", lang), *UNITS, DEFAULTS["units"], "units",
                          help=tr("train.units.help", lang))
    lr = common.choice(cols[2].segmented_control, tr("train.lr", lang), training.LEARNING_RATES,
                       "lr", DEFAULTS["lr"], str, help=tr("train.lr.help", lang))
    steps = common.number(cols[3], tr("train.steps", lang), *STEPS, DEFAULTS["steps"], "steps",
                          step=10, help=tr("train.steps.help", lang, batch=training.BATCH))
    seed = common.number(cols[4], tr("train.seed", lang), *SEEDS, DEFAULTS["seed"], "seed",
                         help=tr("train.seed.help", lang))
    common.check_link(dict(task=task, units=int(units), lr=lr, steps=int(steps), seed=int(seed)),
                      lang)
    return training.Settings(task, int(units), float(lr), int(steps), int(seed))


def task_card(task: str, lang: str) -> None:
    with st.container(border=True):
        left, right = st.columns(2, gap="large")
        left.markdown(f"**{tr('train.asks', lang)}**  \n" + tr(f"task.{task}.description", lang))
        right.markdown(f"**{tr('train.look', lang)}**  \n" + tr(f"task.{task}.look", lang))


def progress(live: training.Live, status, chart, lang: str) -> None:
    """Redraw the progress bar and the curves while training (every few steps)."""
    n, total = len(live.losses), live.settings.steps
    status.progress(n / total, text=tr("train.progress", lang, step=n, steps=total,
                                      loss=f"{live.losses[-1]:.3f}",
                                      accuracy=f"{live.accuracies[-1]:.0%}"))
    with chart:
        common.figure(training_figure(live.losses, live.accuracies, total, lang=lang),
                      key=f"train_live_{id(live)}_{n}")  # a followed run, then one's own


def result(outcome: training.Outcome, settings: training.Settings, lang: str) -> None:
    """What a finished or stopped run gives: its numbers and the way to its gates."""
    s = outcome.settings
    if s != settings:
        common.show_note(tr("train.other_settings", lang))
    st.caption(tr("train.result_of", lang, task=tr(f"task.{s.task}.title", lang), units=s.units,
                 lr=f"{s.lr:g}", steps=s.steps, seed=s.seed))
    cols = st.columns(4)
    cols[0].metric(tr("train.held_out_accuracy", lang), f"{outcome.held_out[1]:.1%}",
                   help=tr("train.held_out.help", lang, n=training.HELD_OUT))
    cols[1].metric(tr("train.held_out_loss", lang), f"{outcome.held_out[0]:.3f}",
                   help=tr("train.held_out.help", lang, n=training.HELD_OUT))
    cols[2].metric(tr("train.steps_done", lang), f"{outcome.steps} / {s.steps}")
    cols[3].metric(tr("train.time", lang), tr("train.seconds", lang, s=f"{outcome.seconds:.1f}"))
    query = training.gates_query(s.task, TRAINED_OPTION)
    st.page_link(GATES_PAGE, label=tr("train.inspect", lang), icon=":material/animation:",
                 query_params={**query, "lang": lang} if lang != "en" else query)


def seconds_text(secs: float) -> str:
    """A duration as the page says it: tenths below 10 s, whole seconds above."""
    return f"{secs:.1f}" if secs < 10 else f"{secs:.0f}"


def waiting(ahead: int, wait: float, run: float, status, lang: str) -> None:
    """Where the learner is in the queue, and how long the wait and the run should take."""
    status.info(tr("train.waiting", lang, ahead=ahead, wait=seconds_text(wait),
                  run=seconds_text(run)),
                icon=":material/hourglass_top:")


def turn(ahead: int, wait: float, end: float, status, lang: str) -> None:
    """The run took its first step and waits for the runs before it in its process."""
    status.info(tr("train.turn", lang, ahead=ahead, wait=seconds_text(wait),
                  end=seconds_text(end)),
                icon=":material/hourglass_top:")


def status_message(outcome: training.Outcome, how: str, status, lang: str) -> None:
    if how == "stopped":
        status.warning(tr("train.stopped", lang, step=outcome.steps, steps=outcome.settings.steps),
                       icon=":material/stop_circle:")
    elif how == "reused":
        status.info(tr("train.reused", lang), icon=":material/bolt:")
    else:
        status.success(tr("train.done", lang, steps=outcome.steps,
                         seconds=f"{outcome.seconds:.1f}"), icon=":material/check_circle:")


lang = common.page("nav.train")
st.caption(tr("train.intro", lang, batch=training.BATCH))
training.recover()  # a run that a click on Stop (or any click) interrupted
settings = train_controls(lang)
task_card(settings.task, lang)

too_big = training.over_budget(settings)
buttons = st.columns([2, 2, 8], vertical_alignment="center")
start = buttons[0].button(tr("train.button", lang), type="primary", icon=":material/play_arrow:",
                          key="train", disabled=too_big, width="stretch")
stop_slot, note_slot = buttons[1].empty(), buttons[2].empty()
if too_big:
    common.show_error(tr("train.too_big", lang, steps=settings.steps, units=settings.units,
                        seconds=round(training.seconds(settings)),
                        limit=round(training.max_seconds()),
                        max_steps=training.max_steps(settings.task, settings.units)))
elif training.store().get(settings) is not None:  # trained here already: shown at once
    note_slot.caption(tr("train.estimate_ready", lang))
else:
    secs, others = training.seconds_now(settings)
    if training.store().running(settings) is not None:  # another learner trains them now
        # under a second, the page's own time to show the end is most of what is left
        note_slot.caption(tr("train.estimate_follow_soon", lang) if secs < 1 else
                          tr("train.estimate_follow", lang, seconds=seconds_text(secs)))
    elif others:
        note_slot.caption(tr("train.estimate_shared", lang, seconds=seconds_text(secs),
                             others=others))
    else:
        note_slot.caption(tr("train.estimate", lang, seconds=seconds_text(secs)))
status, chart = st.empty(), st.empty()
diverged = False
if start:
    stop_slot.button(tr("train.stop", lang), icon=":material/stop:", key="stop", width="stretch")
    status.progress(0.0, text=tr("train.starting", lang))
    try:
        training.run(settings, on_progress=lambda live: progress(live, status, chart, lang),
                     on_wait=lambda ahead, wait, run: waiting(ahead, wait, run, status, lang),
                     on_turn=lambda ahead, wait, end: turn(ahead, wait, end, status, lang))
    except training.Diverged as err:
        diverged = True
        with status:  # in place of the progress bar
            common.show_error(tr("train.diverged", lang, step=err.args[0]))
    except training.Silent as err:
        diverged = True
        with status:
            common.show_error(tr("train.silent", lang, seconds=err.args[0]))
    except training.Crashed:
        diverged = True
        with status:
            common.show_error(tr("train.crashed", lang))
    stop_slot.empty()

shown = training.shown()
if shown is None:
    with chart:
        common.figure(training_figure([], [], settings.steps, lang=lang), key="train_curve")
else:
    outcome, how = shown
    if not diverged:
        status_message(outcome, how, status, lang)
    with chart:
        common.figure(training_figure(outcome.losses, outcome.accuracies, outcome.settings.steps,
                                      held_out=outcome.held_out, lang=lang), key="train_curve")
    result(outcome, settings, lang)
