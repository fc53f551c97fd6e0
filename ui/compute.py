"""Cached runs of the core, shared by every session of the server.

Each function is pure (same arguments, same result), so ``st.cache_data`` can hand the
same result to every learner who asks for the same view; nothing here is mutated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from figures.gates import gates_figure
from figures.memory import memory_figure
from lstm_viz import LSTM, StackedLSTM, StackedTrace, count_params, tasks
from lstm_viz.cell import LSTMTrace
from lstm_viz.explain import fmt
from lstm_viz.i18n import t
from lstm_viz.inputs import MAX_STEPS, InputError, Sequence, encode
from lstm_viz.model import TokenModel, UnknownTokens
from lstm_viz.story import Story, read_story, subject_phrases
from ui.cache import cached
from ui.common import show_error

DEMOS = ("pronoun-en", "pronoun-zh", "brackets", "first-symbol")  # lstm_viz.demos.NAMES
MODELS = ("random", *DEMOS, "trained")  # "trained": the learner's own, from the /train page
UPLOADED = "uploaded"  # a model from a weights file (ui/upload.py): offered by the gates page
MEMORY_DEMOS = ("pronoun-en", "pronoun-zh")
MEMORY_STEPS = 150  # the memory page draws at most this many tokens
CACHE = dict(max_entries=256, show_spinner=False)


@dataclass(frozen=True, eq=False)
class GatesRun:
    """What the gates page shows: the sequence, the layer that read it and its trace.

    For a trained model, ``lstm`` and ``trace`` are one of its layers (``layer``, 0-based,
    of ``layers``) and ``task`` names what it was trained for; for random weights
    ``task`` is "".
    """

    sequence: Sequence
    lstm: LSTM
    trace: LSTMTrace
    task: str = ""
    layer: int = 0
    layers: int = 1


@dataclass(frozen=True)
class Chosen:
    """A trained model picked by name: the model, its task's name and a key for caches."""

    model: TokenModel
    task: str
    key: str


@dataclass(frozen=True, eq=False)
class StackRun:
    sequence: Sequence
    stack: StackedLSTM
    trace: StackedTrace


# ---- trained models ----------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def demo(name: str):
    """A shipped demo model (:func:`lstm_viz.demos.load`), loaded once per server."""
    from lstm_viz import demos

    return demos.load(name)


def choose(model: str) -> Chosen | None:
    """The trained model called ``model``: a demo, or "trained" (this session's own model,
    from ``st.session_state``); None for random weights or a trained model not there."""
    if model in DEMOS:
        d = demo(model)
        return Chosen(d.model, _task_name(d.task), model)
    if model == "trained" and "trained_model" in st.session_state:
        own = st.session_state["trained_model"]
        return Chosen(own, st.session_state.get("trained_task", ""), "trained:" + _fingerprint(own))
    found = st.session_state.get("uploaded_model") if model == UPLOADED else None
    if found is not None and found.token_model is not None:  # an uploaded lstm-viz model
        own = found.token_model
        task = str(own.meta.get("task", ""))
        return Chosen(own, task if task in tasks.TASKS else "", "uploaded:" + _fingerprint(own))
    return None


def known_unit(model: str) -> tuple[str, int] | None:
    """The unit of a demo whose job is known (0-based), with that job: ("gender", 12),
    ("depth", 1); None for other models."""
    if model not in DEMOS:
        return None
    units = demo(model).units
    job = next((job for job in ("gender", "depth") if job in units), None)
    return (job, int(units[job])) if job else None


def _task_name(task) -> str:
    return task if isinstance(task, str) else task.name


def _fingerprint(model: TokenModel) -> str:
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
    tokens = tuple(text.split())  # a model of no known task: its tokens are words
    if not tokens:
        raise ValueError("the text is empty")
    chosen.model.encode(tokens)  # raises UnknownTokens
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
    return t("model.unknown", lang, bad=", ".join(f"“{tok}”" for tok in err.tokens[:20]),
             allowed=" ".join(allowed))  # punctuation quoted, or a lone "." is easy to miss


def gates_run_or_stop(settings: dict, lang: str) -> GatesRun:
    """The cached run of a page's settings, or the reason it cannot run (see run_or_stop)."""
    return run_or_stop(lambda: gates_run(**settings), lang)


def run_or_stop(run, lang: str):
    """``run()``, or the reason it cannot run shown in place of the charts and the script
    stopped there (the widgets above keep their values)."""
    try:
        return run()
    except InputError as err:
        show_error(err.message(lang))
    except UnknownTokens as err:
        show_error(unknown_message(err, lang))
    except InputSizeError as err:  # an uploaded model that reads vectors of another size
        example = numbers_example(err.want)
        show_error(t("upload.size_mismatch", lang, n=err.want, got=err.got, example=example))
        st.button(t("upload.use_example", lang), on_click=_use_numbers, args=(example,))
    except ValueError:  # a trained model given empty text
        show_error(t("model.empty", lang))
    st.stop()


def numbers_example(n: int, steps: int = 4) -> str:
    """A numbers-mode sequence of ``steps`` steps of ``n`` numbers: one-hot rows, "1 0; 0 1; …"."""
    return "; ".join(" ".join("1" if k == s % n else "0" for k in range(n)) for s in range(steps))


def _use_numbers(example: str) -> None:
    st.session_state["seq"], st.session_state["mode"] = example, "numbers"


@cached
def model_examples(model: str, key: str, n: int = 4, _chosen: Chosen | None = None
                   ) -> tuple[str, ...]:
    """A few texts the model can read, from its task's generator (seeded: always the same)."""
    chosen = _chosen or choose(model)
    if model in DEMOS:
        return tuple(demo(model).examples(n, 0))
    if chosen is None or chosen.task not in tasks.TASKS:
        return ()
    task = tasks.get(chosen.task)
    return tuple(task.join(ex.tokens) for ex in task.sample(np.random.default_rng(0), n))


# ---- the gates page ------------------------------------------------------------------------

@cached
def gates_run(text: str, mode: str, units: int, seed: int, model: str = "random",
              layer: int = 0, key: str = "", _chosen: Chosen | None = None) -> GatesRun:
    """Encode ``text`` and run one layer of ``units`` units with seeded random weights; or,
    for a trained model (``_chosen``, cached under its ``key``), read ``text`` with the
    model's own tokens and show its layer ``layer`` (0-based)."""
    chosen = None if model == "random" else _chosen or (choose(model) if model in DEMOS else None)
    if chosen is None and model == UPLOADED:
        return _uploaded_run(text, mode, seed, layer, key)
    if chosen is None:
        seq = encode(text, mode, seed=seed)
        lstm = LSTM.random(seq.x.shape[1], units, seed=seed)
        return GatesRun(seq, lstm, lstm.run(seq.x))
    tokens = model_tokens(chosen, text)
    kept = tokens[:MAX_STEPS]
    ids = chosen.model.encode(kept)
    x = chosen.model.embedding[ids]  # (T, E): the vectors the bottom layer reads
    seq = Sequence(kept, x, segment(chosen), len(tokens))
    trace = chosen.model.run(ids).trace
    return GatesRun(seq, chosen.model.stack.layers[layer], trace.layers[layer], chosen.task,
                    layer, len(trace.layers))


def _uploaded_run(text: str, mode: str, seed: int, layer: int, key: str) -> GatesRun:
    """The session's uploaded stack (whose weights' digest is ``key``) reading ``text``
    encoded like the random model's input; raises InputSizeError if x_t's size differs."""
    found = st.session_state.get("uploaded_model")
    if found is None or stack_key(found.stack) != key:
        raise ValueError("the uploaded model is no longer in this session")
    stack = found.stack
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
def gates_view(text: str, mode: str, units: int, seed: int, model: str, unit: int, step: int,
               lang: str, layer: int = 0, key: str = "", _chosen: Chosen | None = None
               ) -> go.Figure:
    """The animated gates figure of one view (0-based unit and step), built once and shared.

    Building it is most of a rerun's time (plotly.py validates every frame), so the figure
    itself is cached; it is never mutated (``st.plotly_chart`` only reads it).
    """
    run = gates_run(text, mode, units, seed, model, layer, key, _chosen)
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
    return MemoryRun(read_story(_task_name(d.task), kept), out.trace.layers[layer], out.probs,
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
def uploaded_stack_run(text: str, mode: str, seed: int, key: str) -> StackRun:
    """The session's uploaded stack (weights digest ``key``) on ``text``, every layer and
    its head; raises InputSizeError when x_t's size differs from the model's input."""
    found = st.session_state.get("uploaded_model")
    if found is None or stack_key(found.stack) != key:
        raise ValueError("the uploaded model is no longer in this session")
    seq = encode(text, mode, seed=seed)
    if seq.x.shape[1] != found.stack.input_size:
        raise InputSizeError(found.stack.input_size, seq.x.shape[1])
    return StackRun(seq, found.stack, found.stack.run(seq.x))


def uploaded_stack():
    """The session's uploaded plain LSTM stack, or None (a token model is not offered here)."""
    found = st.session_state.get("uploaded_model")
    return found.stack if found is not None and found.token_model is None else None


@cached
def params(input_size, units, dense, convention, bidirectional):
    return count_params(input_size, list(units), dense=dense or None, convention=convention,
                        bidirectional=bidirectional)


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


def subject_examples(name: str) -> str:
    """A few of the subjects a pronoun demo knows, e.g. "John, the girl, the kids"."""
    return ", ".join(subject_phrases(_task_name(demo(name).task))[::4])


# ---- the why page ---------------------------------------------------------------------------

SURGERIES = ("f1", "f0", "i0", "o1", "knockout")  # forget = 1, forget = 0, input = 0, …


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
def why_surgery(text: str, mode: str, units: int, seed: int, model: str = "random",
                layer: int = 0, key: str = "", surgery: str = "f1", unit: int | None = None,
                start: int | None = None, _chosen: Chosen | None = None) -> SurgeryRun:
    """The gates page's run of ``text`` again with one surgery (see :func:`surgery_clamp`)."""
    from lstm_viz.model import softmax

    run = gates_run(text, mode, units, seed, model, layer, key, _chosen)
    T = run.trace.steps
    after = run.lstm.run(run.trace.x, clamp=surgery_clamp(surgery, T, unit, start))
    chosen = _chosen or (choose(model) if model in DEMOS else None)
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


@cached
def why_gradients(text: str, mode: str, units: int, seed: int, model: str = "random",
                  layer: int = 0, key: str = "", _chosen: Chosen | None = None) -> WhyGradients:
    from lstm_viz.why import TanhRNN, forget_products, input_gradients, rnn_input_gradients

    run = gates_run(text, mode, units, seed, model, layer, key, _chosen)
    x, lstm = run.trace.x, run.lstm
    rnn = TanhRNN.random(lstm.input_size, lstm.hidden_size, seed=seed, dtype=lstm.dtype)
    return WhyGradients(input_gradients(lstm, x), rnn_input_gradients(rnn, x),
                        forget_products(run.trace))


@cached
def why_ledger(text: str, mode: str, units: int, seed: int, model: str = "random",
               layer: int = 0, key: str = "", unit: int = 0, _chosen: Chosen | None = None):
    """The memory ledger of one unit (0-based): a :class:`~lstm_viz.why.Ledger`, U = 1."""
    from lstm_viz.why import ledger

    return ledger(gates_run(text, mode, units, seed, model, layer, key, _chosen).trace, unit)


def why_saturation(text: str, mode: str, units: int, seed: int, model: str = "random",
                   layer: int = 0, key: str = "", _chosen: Chosen | None = None):
    """Gate saturation of the run (cheap, and its mappings do not pickle: not cached)."""
    from lstm_viz.why import saturation

    return saturation(gates_run(text, mode, units, seed, model, layer, key, _chosen).trace)


def memory_units(sat, n: int = 3) -> list[int]:
    """Up to ``n`` units (0-based) whose forget gate is most often nearly open, most first;
    units never nearly open are left out."""
    share = sat.right["f"]
    return [int(k) for k in np.argsort(-share, kind="stable")[:n] if share[k] > 0]
