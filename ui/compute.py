"""Cached runs of the core, shared by every session of the server.

Each function is pure (same arguments, same result), so :func:`ui.cache.cached` can hand the
same result to every learner who asks for the same view; nothing here is mutated, and no
cached function reads ``st.session_state``: a view (:mod:`ui.views`) brings the learner's
own model with it.
"""

from __future__ import annotations

import hashlib
import threading
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from figures.gates import gates_figure
from figures.memory import distance_figure, memory_figure
from figures.params import conventions_figure, params_figure
from figures.stacked import head_output_figure, stack_heatmaps, unrolled_figure
from figures.why import (
    gradients_figure,
    ledger_bars_figure,
    ledger_map_figure,
    saturation_figure,
    surgery_figure,
)
from lstm_viz import LSTM, StackedLSTM, StackedTrace, count_params, demos, tasks
from lstm_viz.cell import LSTMTrace
from lstm_viz.evaluate import DistanceAccuracy, distance_curve
from lstm_viz.explain import fmt
from lstm_viz.inputs import MAX_STEPS, Encoded, InputError, encode, parse_units
from lstm_viz.model import TokenModel, UnknownTokens
from lstm_viz.story import BREAK_PRESETS, Preset, Story, mean_by_place, read_story, subject_phrases
from lstm_viz.tokens import tokenize
from text.i18n import tr
from ui import keys
from ui.cache import cached
from ui.common import show_error
from ui.limits import check_view
from ui.views import RANDOM, TRAINED, Chosen, GatesView, StackedView

DEMOS = demos.NAMES
MODELS = (RANDOM, *DEMOS, TRAINED)  # the gates page offers UPLOADED (ui.views) as well
MEMORY_DEMOS = ("pronoun-en", "pronoun-zh")
MEMORY_STEPS = 150  # the memory page draws at most this many tokens


@dataclass(frozen=True, eq=False)
class GatesRun:
    """What the gates page shows: the sequence, the layer that read it and its trace.

    For a trained model, ``lstm`` and ``trace`` are one of its layers (``layer``, 0-based,
    of ``layers``) and ``task`` names what it was trained for; for random weights
    ``task`` is "".
    """

    sequence: Encoded
    lstm: LSTM
    trace: LSTMTrace
    task: str = ""
    layer: int = 0
    layers: int = 1


@dataclass(frozen=True, eq=False)
class StackRun:
    sequence: Encoded
    stack: StackedLSTM
    trace: StackedTrace


# ---- trained models ----------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def demo(name: str):
    """A shipped demo model (:func:`lstm_viz.demos.load`), loaded once per server."""
    return demos.load(name)


def demo_chosen(name: str) -> Chosen:
    """The demo ``name`` as a chosen model (its key is its name)."""
    d = demo(name)
    return Chosen(d.model, task_name(d.task), name)


def own_chosen(model: TokenModel, task: str, kind: str) -> Chosen:
    """A model of the learner's own (``kind`` "trained" or "uploaded"), keyed by its weights;
    ``task`` is kept only if it is a known task's name."""
    return Chosen(model, task if task in tasks.TASKS else "", f"{kind}:{fingerprint(model)}")


def known_unit(model: str) -> tuple[str, int] | None:
    """The unit of a demo whose job is known (0-based), with that job: ("gender", 12),
    ("depth", 1); None for other models."""
    if model not in DEMOS:
        return None
    units = demo(model).units
    job = next((job for job in ("gender", "depth") if job in units), None)
    return (job, int(units[job])) if job else None


def task_name(task) -> str:
    return task if isinstance(task, str) else task.name


def fingerprint(model: TokenModel) -> str:
    """A digest of every weight, the vocabulary and the labels: equal models, equal keys."""
    digest = hashlib.sha1()
    for name, array in model.params().items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update("\0".join(model.vocab + ("",) + model.labels).encode())
    return digest.hexdigest()


def model_tokens(chosen: Chosen, text: str) -> tuple[str, ...]:
    """``text`` split the way the model's task reads it; raises UnknownTokens naming the
    words it does not know, ValueError for empty text."""
    if chosen.task in tasks.TASKS:
        return tasks.get(chosen.task).tokenize(text)
    tokens = tokenize(text, "words", chosen.model.vocab)  # no known task: words; UnknownTokens
    if not tokens:
        raise ValueError("the text is empty")
    return tokens


def readable(chosen: Chosen, text: str) -> bool:
    """Whether the model can read ``text``: not empty, every token in its vocabulary."""
    try:
        model_tokens(chosen, text)
    except ValueError:  # UnknownTokens is one
        return False
    return True


def segment(chosen: Chosen) -> str:
    """The input mode that matches how the model's task splits text: "words" or "chars"."""
    return tasks.get(chosen.task).segment if chosen.task in tasks.TASKS else "words"


def unknown_message(err: UnknownTokens, lang: str) -> str:
    """The words a model does not know and the ones it does, for an error box."""
    allowed = (tok if any(ch.isalnum() for ch in tok) else f"“{tok}”" for tok in err.vocab)
    return tr("model.unknown", lang, bad=", ".join(f"“{tok}”" for tok in err.tokens[:20]),
             allowed=" ".join(allowed))  # punctuation quoted, or a lone "." is easy to miss


def gates_run_or_stop(view: GatesView, lang: str) -> GatesRun:
    """The cached run of a page's view, or the reason it cannot run (see run_or_stop)."""
    def run() -> GatesRun:
        if view.uploaded is not None:  # a plain stack runs every layer: its work is capped
            check_view(view.text, view.mode, view.seed, view.uploaded.units)
        return gates_run(view)

    return run_or_stop(run, lang)


def run_or_stop(run, lang: str):
    """``run()``, or the reason it cannot run shown in place of the charts and the script
    stopped there (the widgets above keep their values)."""
    try:
        return run()
    except InputError as err:
        show_error(tr(err.key, lang, **err.values))
    except UnknownTokens as err:
        show_error(unknown_message(err, lang))
        if keys.MODEL in st.session_state:  # a page with a model picker: any text, one click
            st.button(tr("model.unknown.random", lang), on_click=use_random,
                      icon=":material/casino:")
    except InputSizeError as err:  # an uploaded model that reads vectors of another size
        example = numbers_example(err.want)
        show_error(tr("upload.size_mismatch", lang, n=err.want, got=err.got, example=example))
        st.button(tr("upload.use_example", lang), on_click=_use_numbers, args=(example,))
    except ValueError:  # a trained model given empty text
        show_error(tr("model.empty", lang))
    st.stop()


def use_random() -> None:
    """Switch the page's model to random weights (an on_click callback)."""
    st.session_state[keys.MODEL] = RANDOM


def numbers_example(n: int, steps: int = 4) -> str:
    """A numbers-mode sequence of ``steps`` steps of ``n`` numbers: one-hot rows, "1 0; 0 1; …"."""
    return "; ".join(" ".join("1" if k == s % n else "0" for k in range(n)) for s in range(steps))


def _use_numbers(example: str) -> None:
    st.session_state[keys.SEQ], st.session_state[keys.MODE] = example, "numbers"


@cached
def model_examples(chosen: Chosen, n: int = 4) -> tuple[str, ...]:
    """A few texts the model can read, from its task's generator (seeded: always the same)."""
    if chosen.key in DEMOS:  # a demo's key is its name
        return tuple(demo(chosen.key).examples(n, 0))
    if chosen.task not in tasks.TASKS:
        return ()
    task = tasks.get(chosen.task)
    return tuple(task.join(ex.tokens) for ex in task.sample(np.random.default_rng(0), n))


# ---- the gates page ------------------------------------------------------------------------

@cached
def gates_run(view: GatesView) -> GatesRun:
    """Encode the view's text and run one layer of ``units`` units with seeded random
    weights; or, for a trained model, read the text with the model's own tokens and show
    its layer ``layer`` (0-based); or run the uploaded plain stack on the encoded text."""
    if view.uploaded is not None:
        return _uploaded_run(view.text, view.mode, view.seed, view.layer, view.uploaded)
    chosen, text, layer = view.trained, view.text, view.layer
    if chosen is None:
        seq = encode(text, view.mode, seed=view.seed)
        lstm = LSTM.random(seq.x.shape[1], view.units, seed=view.seed)
        return GatesRun(seq, lstm, lstm.run(seq.x))
    tokens = model_tokens(chosen, text)
    kept = tokens[:MAX_STEPS]
    ids = chosen.model.encode(kept)
    x = chosen.model.embedding[ids]  # (T, E): the vectors the bottom layer reads
    seq = Encoded(kept, x, segment(chosen), len(tokens))
    trace = chosen.model.run(ids).trace
    return GatesRun(seq, chosen.model.stack.layers[layer], trace.layers[layer], chosen.task,
                    layer, len(trace.layers))


def _uploaded_run(text: str, mode: str, seed: int, layer: int, stack: StackedLSTM) -> GatesRun:
    """The uploaded ``stack`` reading ``text`` encoded like the random model's input;
    raises InputSizeError if x_t's size differs."""
    seq = encode(text, mode, seed=seed)
    if seq.x.shape[1] != stack.input_size:
        raise InputSizeError(stack.input_size, seq.x.shape[1])
    trace = stack.run(seq.x)  # every layer: layer l reads layer l-1's h
    return GatesRun(seq, stack.layers[layer], trace.layers[layer], "", layer, len(trace.layers))


class InputSizeError(ValueError):
    """The sequence gives ``got`` numbers per step; the uploaded model reads ``want``."""

    def __init__(self, want: int, got: int):
        super().__init__(f"the model reads {want} numbers per step; the sequence gives {got}")
        self.want, self.got = want, got


def stack_key(stack: StackedLSTM) -> str:
    """A digest of every weight of a stack: equal stacks, equal keys (for the caches)."""
    digest = hashlib.sha1()
    arrays = [a for layer in stack.layers for a in (layer.W, layer.U, layer.b)]
    if stack.head is not None:
        arrays += [stack.head.W, stack.head.b]
    for array in arrays:
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return "uploaded:" + digest.hexdigest()


@cached
def gates_view(view: GatesView, unit: int, step: int, lang: str) -> go.Figure:
    """The animated gates figure of one view (0-based unit and step), built once and shared.

    Building it is most of a rerun's time (plotly.py validates every frame), so the figure
    itself is cached; it is never mutated (``st.plotly_chart`` only reads it).
    """
    run = gates_run(view)
    return gates_figure(run.trace, run.sequence.tokens, unit=unit, step=step, lang=lang)


# ---- the memory page -----------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class MemoryRun:
    """A story read by a pronoun demo: what /memory draws and tells.

    ``layer`` is the trace of the layer holding the gender ``unit`` (0-based), arrays
    (T, H); ``probs`` (T, K) are over ``labels``; ``male_sign`` is +1 if c > 0 means male.
    """

    story: Story
    layer: LSTMTrace
    probs: np.ndarray
    labels: tuple[str, ...]
    unit: int
    male_sign: int
    total_steps: int


@cached
def memory_run(name: str, text: str) -> MemoryRun:
    """Read ``text`` with the demo ``name`` (its first MEMORY_STEPS tokens); raises
    UnknownTokens or ValueError (empty text) for the page to report."""
    d = demo(name)
    tokens = tuple(d.tokens(text))
    kept = tokens[:MEMORY_STEPS]
    out = d.run(kept)
    layer = int(d.units.get("layer", 0))
    return MemoryRun(read_story(task_name(d.task), kept), out.trace.layers[layer], out.probs,
                     tuple(d.model.labels), int(d.units["gender"]), int(d.units["male_sign"]),
                     len(tokens))


@cached
def memory_view(name: str, text: str, lang: str) -> go.Figure:
    """The three-panel figure of one story, built once and shared (never mutated)."""
    run = memory_run(name, text)
    return memory_figure(run.layer, run.probs, run.labels, run.story, run.unit, run.male_sign,
                         lang)


@cached
def stack_run(text: str, mode: str, units: tuple[int, ...], seed: int, dense: int) -> StackRun:
    """Encode ``text`` and run a stack of seeded random layers (and a dense head if dense > 0)."""
    seq = encode(text, mode, seed=seed)
    stack = StackedLSTM.random(seq.x.shape[1], units, dense=dense or None, seed=seed)
    return StackRun(seq, stack, stack.run(seq.x))


@cached
def uploaded_stack_run(text: str, mode: str, seed: int, key: str, _stack: StackedLSTM
                       ) -> StackRun:
    """The uploaded ``_stack`` (cached under ``key``, its weights' digest) on ``text``, every
    layer and its head; raises InputSizeError when x_t's size differs from its input."""
    seq = encode(text, mode, seed=seed)
    if seq.x.shape[1] != _stack.input_size:
        raise InputSizeError(_stack.input_size, seq.x.shape[1])
    return StackRun(seq, _stack, _stack.run(seq.x))


def stacked_run(view: StackedView) -> StackRun:
    """The random stack the view describes, or the uploaded one (its own sizes); raises
    InputError for units that do not read as layer sizes or a view over the work limit."""
    units = view.stack.units if view.stack is not None else parse_units(view.units)
    check_view(view.text, view.mode, view.seed, units)
    if view.stack is not None:
        return uploaded_stack_run(view.text, view.mode, view.seed, view.key, view.stack)
    return stack_run(view.text, view.mode, units, view.seed, view.dense)


@cached
def stacked_figures(view: StackedView, lang: str) -> tuple[go.Figure, go.Figure,
                                                            go.Figure | None]:
    """The stacked page's figures of one view, built once and shared like gates_view's
    (never mutated): the unrolled stack, every layer's hidden states, and the dense head's
    output (None without a head). A fresh visit built them in about 0.3 s of the interpreter."""
    run = stacked_run(view)
    head = run.stack.head
    tokens = run.sequence.tokens
    return (unrolled_figure(run.stack.input_size, run.stack.units,
                            head.units if head is not None else None,
                            steps=min(4, len(tokens)), lang=lang),
            stack_heatmaps(run.trace, tokens, lang=lang),
            head_output_figure(run.trace, tokens, lang=lang))


@cached
def params(input_size, units, dense, convention, bidirectional):
    return count_params(input_size, list(units), dense=dense or None, convention=convention,
                        bidirectional=bidirectional)


@cached
def params_figures(input_size, units, dense, convention, bidirectional,
                   lang: str) -> tuple[go.Figure, go.Figure]:
    """The calculator's two figures (one convention's layers, the three conventions side by
    side), built once and shared like gates_view's (never mutated); about 0.15 s a visit."""
    breakdown = params(input_size, units, dense, convention, bidirectional)
    return (params_figure(breakdown, lang=lang),
            conventions_figure(input_size, units, dense or None, bidirectional, lang=lang))


METRICS = (  # (catalogue key, the demo's metrics key, shown as a percentage)
    ("accuracy", "pronoun_accuracy", True),
    ("agreement", "gender_agreement", True),
    ("forget_new", "forget_at_new_subject", False),
    ("forget_else", "forget_elsewhere", False),
)


def memory_metrics(metrics) -> list[tuple[str, str]]:
    """The four measured numbers of a pronoun demo, formatted: [(catalogue key, text)]."""
    return [(key, f"{100 * metrics[name]:.1f}%" if percent else fmt(metrics[name], 2))
            for key, name, percent in METRICS]


def forget_means(run: MemoryRun) -> dict[str, tuple[float | None, int]]:
    """The gender unit's mean forget gate at each kind of step of the story shown."""
    return mean_by_place(run.story, run.layer.f[:, run.unit])


def break_presets(name: str) -> tuple[Preset, ...]:
    """The "try to break it" stories of a pronoun demo."""
    return BREAK_PRESETS[task_name(demo(name).task)]


DISTANCE_POINTS = 12   # distances on the chart
DISTANCE_STORIES = 25  # fresh stories at each: 300 in all, about a second (shared machine)
DISTANCE_REACH = 4     # out to this many times the longest training distance


def trained_distance(name: str) -> int | None:
    """The longest subject-to-pronoun distance in the demo's training stories, if recorded."""
    value = demo(name).model.meta.get("train.max_distance")
    return int(value) if value else None


@cached
def distance_accuracy(name: str) -> DistanceAccuracy:
    """Pronoun accuracy of the demo at DISTANCE_POINTS distances, from the shortest story the
    task can make to DISTANCE_REACH × the longest in training, each on DISTANCE_STORIES fresh
    stories whose objects are all of the other gender (seeded: the same numbers each time)."""
    task = task_name(demo(name).task)
    low = tasks.LEAST_DISTANCE[task]
    high = max(low + DISTANCE_POINTS, DISTANCE_REACH * (trained_distance(name) or low))
    ds = sorted({round(low + (high - low) * k / (DISTANCE_POINTS - 1))
                 for k in range(DISTANCE_POINTS)})
    return distance_curve(demo(name).model, task, ds, per_distance=DISTANCE_STORIES, seed=0,
                          other_gender=True)


def distance_view(name: str, lang: str) -> go.Figure:
    """The accuracy-against-distance chart, its titles in ``lang``."""
    trained = trained_distance(name)
    return distance_figure(distance_accuracy(name), trained,
                           x_title=tr("memory.distance.x", lang),
                           y_title=tr("memory.distance.y", lang),
                           trained_label=tr("memory.distance.trained", lang, trained=trained))


def subject_examples(name: str) -> str:
    """A few of the subjects a pronoun demo knows, e.g. "John, the girl, the kids"."""
    return ", ".join(subject_phrases(task_name(demo(name).task))[::4])


# ---- the why page ---------------------------------------------------------------------------

SURGERIES = ("f1", "f0", "i0", "o1", "knockout")  # forget = 1, forget = 0, input = 0, …

# A long /why view is mostly Python building figures (Plotly's validation and JSON), which
# holds the interpreter: three learners drawing one at once left every other learner's page
# a third of it (issue 14, item 9). Such views take turns for the server's one slot; a
# learner's short /why view, and every other page, never waits for it.
HEAVY_WHY = 8_192  # unit-steps (steps × units) above which a /why view takes the slot
_WHY_SLOT = threading.BoundedSemaphore(1)  # server-wide: heavy /why views draw one at a time


def why_slot(steps: int, units: int):
    """The context in which a /why view of ``steps`` × ``units`` draws: the server's one
    slot for heavy views (a lock shared by every session) when it is over HEAVY_WHY, else
    one that never waits."""
    return _WHY_SLOT if steps * units > HEAVY_WHY else nullcontext()


@dataclass(frozen=True, eq=False)
class SurgeryRun:
    """A run with and without gate surgery. ``before``/``after`` are traces (T, H);
    ``p_before``/``p_after`` (T,) the probability a one-layer trained model gives, at each
    step, to the label it chose without surgery (``choice``, T labels), else None."""

    before: LSTMTrace
    after: LSTMTrace
    choice: tuple[str, ...] = ()
    p_before: np.ndarray | None = None
    p_after: np.ndarray | None = None


def surgery_clamp(surgery: str, T: int, unit: int | None = None, start: int | None = None):
    """The :class:`~lstm_viz.cell.Clamp` of one surgery on a sequence of T steps: ``unit``
    None for every unit, ``start`` None for every step, else steps ``start`` … T−1 (0-based)."""
    from lstm_viz.cell import Clamp

    units = None if unit is None else (unit,)
    steps = None if start is None else tuple(range(start, T))
    if surgery == "knockout":
        return Clamp.knock_out(units, steps)
    gate, value = {"f1": ("f", 1.0), "f0": ("f", 0.0), "i0": ("i", 0.0), "o1": ("o", 1.0)}[surgery]
    return Clamp(gate, value, units, steps)


@cached
def why_surgery(view: GatesView, surgery: str = "f1", unit: int | None = None,
                start: int | None = None) -> SurgeryRun:
    """The gates page's run of the view again with one surgery (see :func:`surgery_clamp`)."""
    from lstm_viz.model import softmax

    run = gates_run(view)
    T = run.trace.steps
    after = run.lstm.run(run.trace.x, clamp=surgery_clamp(surgery, T, unit, start))
    chosen = view.trained
    if chosen is None or len(chosen.model.units) != 1:
        return SurgeryRun(run.trace, after)
    head = chosen.model.stack.head
    probs = [softmax(head(trace.h)) for trace in (run.trace, after)]  # each (T, K)
    picked = probs[0].argmax(axis=1)  # (T,)
    steps = np.arange(T)
    return SurgeryRun(run.trace, after, tuple(chosen.model.labels[k] for k in picked),
                      probs[0][steps, picked], probs[1][steps, picked])


@dataclass(frozen=True, eq=False)
class WhyGradients:
    """‖∂h_T/∂x_t‖ (T,) of the layer and of a tanh RNN of the same size and seed, and
    Π f_j along the cell path (T, H)."""

    lstm: np.ndarray
    rnn: np.ndarray
    forget: np.ndarray


def why_gradients_max_steps(view: GatesView) -> int | None:
    """None when the view's gradients through time are within the work a view may ask for
    (:data:`lstm_viz.why.GRADIENT_MAX_WORK`), else the most steps its layer allows."""
    from lstm_viz.why import gradient_max_steps

    run = gates_run(view)
    H, X, T = run.lstm.hidden_size, run.lstm.input_size, run.trace.steps
    most = gradient_max_steps(H, X)
    return None if T <= most else most


def why_map_fits(steps: int) -> bool:
    """Whether the ledger map of ``steps`` steps is drawn (:data:`lstm_viz.why.MAP_MAX_STEPS`)."""
    from lstm_viz.why import MAP_MAX_STEPS

    return steps <= MAP_MAX_STEPS


@cached
def why_gradients(view: GatesView) -> WhyGradients:
    from lstm_viz.why import TanhRNN, forget_products, input_gradients, rnn_input_gradients

    run = gates_run(view)
    x, lstm = run.trace.x, run.lstm
    rnn = TanhRNN.random(lstm.input_size, lstm.hidden_size, seed=view.seed, dtype=lstm.dtype)
    return WhyGradients(input_gradients(lstm, x), rnn_input_gradients(rnn, x),
                        forget_products(run.trace))


@cached
def why_ledger(view: GatesView, unit: int = 0):
    """The memory ledger of one unit (0-based): a :class:`~lstm_viz.why.Ledger`, U = 1."""
    from lstm_viz.why import ledger

    return ledger(gates_run(view).trace, unit)


def why_saturation(view: GatesView):
    """Gate saturation of the run (cheap, and its mappings do not pickle: not cached)."""
    from lstm_viz.why import saturation

    return saturation(gates_run(view).trace)


def memory_units(sat, n: int = 3) -> list[int]:
    """Up to ``n`` units (0-based) whose forget gate is most often nearly open, most first;
    units never nearly open are left out."""
    share = sat.right["f"]
    return [int(k) for k in np.argsort(-share, kind="stable")[:n] if share[k] > 0]


# The /why figures, built once per view and shared like gates_view's (never mutated): a fresh
# visit to /why builds five Plotly figures, about half a second of the interpreter on its
# defaults, the same for every learner of a class. Steps and units are 0-based here.

@cached
def why_ledger_view(view: GatesView, step: int, unit: int, lang: str) -> go.Figure:
    """The bars of one step of one unit's memory ledger."""
    run = gates_run(view)
    parts = why_ledger(view, unit).parts[:, :, 0]  # (T, T)
    return ledger_bars_figure(parts[step], run.trace.c[step, unit], run.sequence.tokens,
                              step, unit, lang)


@cached
def why_map_view(view: GatesView, step: int, unit: int, lang: str) -> go.Figure:
    """One unit's whole ledger, a T × T map (drawn only where :func:`why_map_fits`)."""
    parts = why_ledger(view, unit).parts[:, :, 0]
    return ledger_map_figure(parts, gates_run(view).sequence.tokens, step, unit, lang)


@cached
def why_surgery_view(view: GatesView, surgery: str, target: int | None, start: int | None,
                     unit: int, lang: str) -> go.Figure:
    """Unit ``unit`` before and after :func:`why_surgery` with ``surgery``, ``target`` and
    ``start`` (its unit, None for the whole layer, and its first step)."""
    run = why_surgery(view, surgery=surgery, unit=target, start=start)
    return surgery_figure(run.before, run.after, gates_run(view).sequence.tokens, unit,
                          tr(f"why.surgery.{surgery}", lang), lang, start=start,
                          p_before=run.p_before, p_after=run.p_after, choice=run.choice)


@cached
def why_gradients_view(view: GatesView, unit: int, lang: str) -> go.Figure:
    grads = why_gradients(view)
    return gradients_figure(grads.lstm, grads.rnn, grads.forget[:, unit],
                            gates_run(view).sequence.tokens, unit, lang)


@cached
def why_saturation_view(view: GatesView, unit: int, lang: str) -> go.Figure:
    return saturation_figure(why_saturation(view), unit, lang)
