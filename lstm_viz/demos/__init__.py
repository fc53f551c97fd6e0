"""Demo models shipped with the package: small trained LSTMs whose gates mean something.

Each demo is a :class:`~lstm_viz.model.TokenModel` trained on one of the tasks of
:mod:`lstm_viz.tasks` by ``tools/train_demos.py`` (rerun it to get the same weights) and
stored beside this file as ``<name>.npz``. Its metadata says how it was trained, which
units turned out to be interpretable and what it scored on held-out sequences.

- ``pronoun-en``, ``pronoun-zh``: pick he / she / they (他 / 她 / 他们) from the latest
  subject. ``units["gender"]`` is a unit whose cell state's sign tells the current
  subject's gender; ``units["male_sign"]`` is +1 when c > 0 means male, −1 when c < 0 does.
- ``brackets``: the nesting depth; ``units["depth"]`` is the unit whose cell state counts it.
- ``first-symbol``: remember the first of A / B / C until the final ``?``.

Units are indices into the model's single LSTM layer.

>>> demo = load("pronoun-en")
>>> out = demo.run("Mary met John and she is happy .")
>>> out.tokens[3], out.prediction_at(3, "pronoun")     # after "and", the pronoun to come
('and', 'she')
>>> out.probs.shape == (len(out.tokens), len(demo.task.labels))      # (T, K)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

import numpy as np

from lstm_viz.model import ModelRun, TokenModel, UnknownTokens
from lstm_viz.stack import StackedTrace
from lstm_viz.tasks import TASKS, Task

__all__ = ["NAMES", "Demo", "DemoRun", "load"]

NAMES = ("pronoun-en", "pronoun-zh", "brackets", "first-symbol")
EXAMPLES_STREAM = 3  # examples(n, seed) draw from default_rng((seed, 3)); training from seed


@dataclass(frozen=True, eq=False)
class DemoRun:
    """One text run through a demo model.

    Attributes
    ----------
    tokens : tuple of str, length T
        The tokens that went in.
    model_run : ModelRun
        Everything the model computed: ``model_run.trace`` holds every layer's gates and
        states, each of shape (T, H); ``model_run.probs`` (T, K) the predictions.
    labels : tuple of str, length K
        The classes the columns of ``probs`` stand for.
    slots : tuple of (str, tuple of str)
        The task's groups of labels scored together, e.g. ("pronoun", ("he", "she", "they")).
    """

    tokens: tuple[str, ...]
    model_run: ModelRun
    labels: tuple[str, ...]
    slots: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def trace(self) -> StackedTrace:
        """Every layer's gates and states; ``trace.layers[0].f`` has shape (T, H)."""
        return self.model_run.trace

    @property
    def probs(self) -> np.ndarray:
        """ndarray of shape (T, K): after token t, the probability of each label next."""
        return self.model_run.probs

    def prediction_at(self, step: int, slot: str | None = None) -> str:
        """The most probable label after token ``step``; with ``slot`` (e.g. "pronoun"),
        the most probable of that slot's labels, whatever mass the others get."""
        p = self.probs[self._step(step)]  # (K,)
        cands = self.labels if slot is None else self._slot(slot)
        return max(cands, key=lambda label: p[self.labels.index(label)])

    def top(self, step: int, k: int = 3) -> tuple[tuple[str, float], ...]:
        """The ``k`` most probable labels after token ``step``, with their probabilities."""
        p = self.probs[self._step(step)]  # (K,)
        order = np.argsort(-p, kind="stable")[:k]
        return tuple((self.labels[j], float(p[j])) for j in order)

    def _step(self, step: int) -> int:
        T = len(self.tokens)
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) \
                or not -T <= step < T:
            raise ValueError(f"step must be a whole number from 0 to {T - 1} (or from −1 back, "
                             f"counted from the end); got {step!r}")
        return int(step)

    def _slot(self, slot: str) -> tuple[str, ...]:
        groups = dict(self.slots)
        if slot not in groups:
            raise ValueError(f"no slot {slot!r}; choose one of {', '.join(groups) or 'none'}")
        return groups[slot]


@dataclass(frozen=True, eq=False)
class Demo:
    """A trained demo model with its task and what was measured about it.

    Attributes
    ----------
    name : str
        One of :data:`NAMES`.
    task : Task
        The task it was trained on: vocabulary, labels, tokenizer, generator.
    model : TokenModel
        The trained weights (one LSTM layer).
    units : Mapping of str to int
        Interpretable units found at training time: ``gender`` and ``male_sign`` (pronoun
        demos), ``depth`` (brackets); empty for first-symbol. Read-only.
    metrics : Mapping of str to float
        Held-out measurements made by the training script, e.g. ``pronoun_accuracy``,
        ``gender_agreement``, ``forget_at_new_subject``, ``forget_at_same_subject_start``,
        ``forget_elsewhere``, ``families_accuracy`` (the hand-written stories of
        ``held_out.txt``), ``far_accuracy`` (at twice the longest training distance,
        ``model.meta["far_distance"]``), ``depth_correlation``, ``accuracy``. Read-only.
    """

    name: str
    task: Task
    model: TokenModel
    units: Mapping[str, int]
    metrics: Mapping[str, float]

    def tokens(self, text: str) -> tuple[str, ...]:
        """Split typed text into the task's tokens.

        Raises :class:`~lstm_viz.model.UnknownTokens` (a ValueError) naming the words that
        are not in the vocabulary and listing those that are; ValueError for empty text.
        """
        return self.task.tokenize(text)

    def run(self, text_or_tokens: str | Sequence[str]) -> DemoRun:
        """Run typed text (a string) or a sequence of tokens through the model."""
        if isinstance(text_or_tokens, str):
            tokens = self.tokens(text_or_tokens)
        else:
            tokens = tuple(text_or_tokens)
            allowed = self.task.vocab[1:]  # every token but the pad
            unknown = [t for t in tokens if t not in allowed]
            if unknown:
                raise UnknownTokens(unknown, allowed)
            if not tokens:
                raise ValueError("no tokens: give at least one")
        return DemoRun(tokens, self.model.run(tokens), self.model.labels, self.task.slots)

    def examples(self, n: int = 5, seed: int = 0) -> tuple[str, ...]:
        """``n`` freshly generated texts of the task, for a "pick a sentence" list.

        They are drawn from ``numpy.random.default_rng((seed, EXAMPLES_STREAM))``, a
        stream the training (which draws from ``default_rng(training seed)``) never used.
        """
        rng = np.random.default_rng((seed, EXAMPLES_STREAM))
        return tuple(self.task.join(ex.tokens) for ex in self.task.sample(rng, n))


def load(name: str) -> Demo:
    """The demo model called ``name`` (one of :data:`NAMES`), read from the package."""
    if name not in NAMES:
        raise ValueError(f"unknown demo {name!r}; choose one of {', '.join(NAMES)}")
    ref = resources.files(__name__).joinpath(f"{name}.npz")
    with resources.as_file(ref) as path:
        if not path.is_file():
            raise ValueError(f"the weights of demo {name!r} are missing ({path.name}); "
                             "make them with: python tools/train_demos.py " + name)
        model = TokenModel.load(path)
    task = TASKS.get(str(model.meta.get("task")))
    if task is None or model.vocab != task.vocab or model.labels != task.labels:
        raise ValueError(f"the weights of demo {name!r} do not fit its task (unknown task, or "
                         "vocabulary or labels differ); retrain: python tools/train_demos.py")
    return Demo(name=name, task=task, model=model,
                units=_prefixed(model.meta, "unit.", int),
                metrics=_prefixed(model.meta, "metric.", float))


def _prefixed(meta: Mapping, prefix: str, kind) -> Mapping:
    """meta's entries named ``prefix + key``, as a read-only {key: kind(value)}."""
    return MappingProxyType({k[len(prefix):]: kind(v) for k, v in meta.items()
                             if k.startswith(prefix)})

