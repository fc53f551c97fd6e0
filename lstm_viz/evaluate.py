"""Measure what a trained model does on a task's examples, from plain arrays.

Every function takes one array per example (or one padded, time-major array of shape
(T, B, ·) for a whole batch) together with the :class:`~lstm_viz.tasks.Example`
records, so it works with any model that can give probabilities, cell states or gate
values at every step.

- :func:`slot_accuracy` — how often the predicted label at the graded steps is right
  (e.g. he / she / they at the pronoun slots).
- :func:`gender_unit` — the unit whose cell-state *sign* best tells the current
  subject's gender (male vs female).
- :func:`forget_at_subject_changes` — that unit's forget gate where a new subject
  appears and everywhere else.
- :func:`forget_at_same_subject_starts` — and where a sentence starts that goes on about
  the same subject (``. he is …``): a unit that forgets at subjects, not at every full
  stop, stays high there.
- :func:`accuracy_by_distance` — pronoun accuracy against the distance from the subject
  (or the last pronoun) to the step where the pronoun is chosen.
- :func:`depth_unit` — the unit whose cell state follows the bracket depth most closely.

>>> import numpy as np
>>> from lstm_viz.tasks import Annotations, Example
>>> ex = Example(("John", "met", "Mary"), ("", "", ""),
...              Annotations(subject=("m", "m", "m"), new_subject=(True, False, False)))
>>> cells = [np.array([[0.5, -0.1], [0.9, 0.2], [0.7, -0.3]])]     # (T, H) = (3, 2)
>>> gender_unit(cells, [ex])
GenderUnit(unit=0, agreement=1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from lstm_viz.tasks import Example, distance_story, get

__all__ = ["DepthUnit", "DistanceAccuracy", "ForgetMeans", "GenderUnit", "accuracy_by_distance",
           "depth_correlation", "depth_unit", "distance_curve", "forget_at_same_subject_starts",
           "forget_at_subject_changes", "gender_agreement", "gender_unit", "male_sign",
           "pronoun_distances", "same_subject_starts", "slot_accuracy"]


class GenderUnit(NamedTuple):
    """The unit whose cell-state sign best matches the subject's gender, and how often."""

    unit: int
    agreement: float


class ForgetMeans(NamedTuple):
    """Mean forget gate of one unit at new-subject steps and at all other steps."""

    at_new_subject: float
    elsewhere: float


class DepthUnit(NamedTuple):
    """The unit whose cell state correlates best with the depth, and the (signed) r."""

    unit: int
    correlation: float


def _per_example(arrays, examples: Sequence[Example], name: str,
                 ndims: tuple[int, ...] = (2,)) -> list[np.ndarray]:
    """One array per example, each cut to that example's length.

    ``arrays`` is a sequence of arrays (time first, with one of ``ndims`` axes), one per
    example, or a single padded time-major array with one more axis: (T, B, …).
    """
    if not examples:
        raise ValueError("give at least one example")
    if isinstance(arrays, np.ndarray) and arrays.ndim == max(ndims) + 1:
        if arrays.shape[1] != len(examples):
            raise ValueError(f"{name} has {arrays.shape[1]} sequences on axis 1 (T, B, …) but "
                             f"there are {len(examples)} examples")
        arrays = [arrays[:, b] for b in range(arrays.shape[1])]
    if len(arrays) != len(examples):
        raise ValueError(f"give one {name} array per example: {len(arrays)} arrays, "
                         f"{len(examples)} examples")
    out = []
    for k, (a, ex) in enumerate(zip(arrays, examples, strict=True)):
        a = np.asarray(a)
        if a.ndim not in ndims or a.shape[0] < len(ex):
            raise ValueError(f"{name}[{k}] has shape {a.shape}; it needs "
                             f"{' or '.join(map(str, ndims))} axes and at least {len(ex)} "
                             "steps (the example's length)")
        out.append(a[:len(ex)])
    return out


def _annotation(examples, field: str) -> list[np.ndarray]:
    notes = [np.array(getattr(ex.annotations, field)) for ex in examples]
    if any(len(n) != len(ex) for n, ex in zip(notes, examples, strict=True)):
        raise ValueError(f"these examples carry no '{field}' annotation; use examples of a "
                         "task that records it")
    return notes


# ---- accuracy at graded steps ----------------------------------------------------

def slot_accuracy(probs, examples: Sequence[Example], labels: Sequence[str],
                  candidates: Sequence[str] | None = None) -> float:
    """Share of graded steps where the prediction equals the target.

    Parameters
    ----------
    probs : sequence of ndarray of shape (T, K) or (T,), or ndarray of shape (T, B, K)
        Per example, the probabilities (or logits) over ``labels`` at every step, or the
        predicted label ids (T,) of integers.
    examples : sequence of Example
    labels : sequence of str
        The K output classes, in the order of the probability columns.
    candidates : sequence of str, optional
        Score only steps whose target is one of these, and predict the candidate with
        the highest probability (e.g. ``("he", "she", "they")``: the model's choice of
        pronoun, whatever mass it puts elsewhere). Default: every graded step, argmax
        over all labels. With predicted ids, the id must equal the target's.
    """
    labels = tuple(labels)
    cands = labels if candidates is None else tuple(candidates)
    missing = [c for c in cands if c not in labels]
    if missing:
        raise ValueError(f"candidates {missing} are not among the labels {labels}")
    cols = np.array([labels.index(c) for c in cands])
    if isinstance(probs, np.ndarray) and probs.ndim == 2 and probs.dtype.kind in "iu":
        probs = probs[:, :, None]   # (T, B) predicted ids → (T, B, 1), split below
    right = total = 0
    for p, ex in zip(_per_example(probs, examples, "probs", (1, 2)), examples, strict=True):
        steps = [t for t, y in enumerate(ex.targets) if y in cands]
        if p.ndim == 2 and p.shape[1] == 1 and p.dtype.kind in "iu":
            p = p[:, 0]
        if p.ndim == 1:   # predicted label ids
            guess = [labels[int(i)] for i in p[steps]]
        elif p.shape[1] != len(labels):
            raise ValueError(f"probs have {p.shape[1]} columns but there are {len(labels)} "
                             "labels")
        else:             # the candidate with the highest probability
            guess = [cands[i] for i in p[np.ix_(steps, cols)].argmax(axis=1)] if steps else []
        right += sum(g == ex.targets[t] for g, t in zip(guess, steps, strict=True))
        total += len(steps)
    if total == 0:
        raise ValueError(f"no step of these examples has a target among {', '.join(cands)}")
    return right / total


# ---- the gender unit -------------------------------------------------------------

def gender_agreement(cells, examples: Sequence[Example]) -> np.ndarray:
    """Per unit, how often the sign of c tells the gender of the current subject.

    Only steps whose current subject is male ("m") or female ("f") are counted: plural
    subjects (they) carry no gender to agree with, and steps before the first subject
    has been read carry none at all. ``c == 0`` counts as wrong for both signs.

    Parameters
    ----------
    cells : sequence of ndarray of shape (T, H), or ndarray of shape (T, B, H)
        Cell states of one layer, per example.

    Returns
    -------
    ndarray of shape (2, H)
        Row 0: share of counted steps with c > 0 under a male subject and c < 0 under a
        female one. Row 1: the opposite reading (c < 0 means male).
    """
    agree, n = 0, 0
    for c, subject in zip(_per_example(cells, examples, "cells", (2,)),
                          _annotation(examples, "subject"), strict=True):
        gendered = (subject == "m") | (subject == "f")
        sign = np.where(subject[gendered] == "m", 1.0, -1.0)[:, None]   # (n, 1)
        signed = c[gendered] * sign                                      # (n, H)
        agree = agree + np.stack([(signed > 0).sum(0), (signed < 0).sum(0)])
        n += int(gendered.sum())
    if n == 0:
        raise ValueError("no step has a male or female subject; use pronoun-task examples")
    return agree / n


def gender_unit(cells, examples: Sequence[Example]) -> GenderUnit:
    """The unit whose cell-state sign agrees best with the subject's gender (either sign
    convention), and that share of agreeing steps. See :func:`gender_agreement` for
    which steps count; ties go to the lowest unit index."""
    scores = gender_agreement(cells, examples).max(axis=0)   # (H,)
    unit = int(scores.argmax())
    return GenderUnit(unit, float(scores[unit]))


def male_sign(cells, examples: Sequence[Example], unit: int) -> int:
    """+1 if a positive c in ``unit`` means "the subject is male", −1 if negative does."""
    pos, neg = gender_agreement(cells, examples)[:, unit]
    return 1 if pos >= neg else -1


def forget_at_subject_changes(forget, examples: Sequence[Example], unit: int) -> ForgetMeans:
    """Mean forget gate f of ``unit`` where a new subject replaces an old one, and elsewhere.

    Only steps after each sequence's first subject count: before it there is nothing to
    keep or drop. "At new subject" are the steps that settle a later subject's class
    (``new_subject`` true), whether or not its gender differs; "elsewhere" are all the
    other steps after the first subject.

    Parameters
    ----------
    forget : sequence of ndarray of shape (T, H), or ndarray of shape (T, B, H)
        The forget gate of the layer that holds ``unit``, per example.
    """
    at_new, rest = [], []
    for f, new in zip(_per_example(forget, examples, "forget", (2,)),
                      _annotation(examples, "new_subject"), strict=True):
        if not new.any():
            continue
        after = np.arange(len(new)) > np.argmax(new)   # steps after the first subject
        at_new.append(f[after & new, unit])
        rest.append(f[after & ~new, unit])
    if not at_new or not np.concatenate(at_new).size:
        raise ValueError("no example has a second subject; use pronoun-task examples")
    return ForgetMeans(float(np.concatenate(at_new).mean()), float(np.concatenate(rest).mean()))


# ---- the depth unit --------------------------------------------------------------

def depth_correlation(cells, examples: Sequence[Example]) -> np.ndarray:
    """Pearson correlation, per unit, between c and the bracket depth over all steps:
    ndarray of shape (H,); 0 for a unit (or depth) that never changes."""
    c = np.concatenate(_per_example(cells, examples, "cells", (2,)))        # (ΣT, H)
    d = np.concatenate(_annotation(examples, "depth")).astype(float)     # (ΣT,)
    varies = (np.ptp(c, axis=0) > 0) & (np.ptp(d) > 0)                  # (H,)
    c = c - c.mean(axis=0)
    d = d - d.mean()
    spread = np.sqrt((c * c).sum(axis=0) * (d @ d))                     # (H,)
    cov = d @ c                                                          # (H,)
    return np.divide(cov, spread, out=np.zeros_like(cov), where=varies & (spread > 0))


def depth_unit(cells, examples: Sequence[Example]) -> DepthUnit:
    """The unit whose cell state correlates most strongly (either sign) with the depth."""
    r = depth_correlation(cells, examples)
    unit = int(np.abs(r).argmax())
    return DepthUnit(unit, float(r[unit]))


# ---- where a subject is named, and where a sentence goes on about it ----------------

def same_subject_starts(example: Example) -> np.ndarray:
    """Steps that open a sentence about the subject already in force: bool ndarray (T,).

    A sentence start (``sentence_start``) after the story's first subject, in a sentence
    that names no subject (no ``new_subject`` step before the next sentence starts):
    ``he`` in ``… . he is busy .``, 他 in ``…。他也很累。``.
    """
    starts = np.array(example.annotations.sentence_start, dtype=bool)
    new = np.array(example.annotations.new_subject, dtype=bool)
    if len(starts) != len(example) or len(new) != len(example):
        raise ValueError("these examples carry no 'sentence_start' and 'new_subject' "
                         "annotations; use pronoun-task examples")
    sentence = np.cumsum(starts)                                   # (T,) sentence number
    named = np.zeros(sentence.max() + 1, dtype=bool)
    named[sentence[new]] = True                                    # sentences naming a subject
    after_first = np.arange(len(new)) > (np.argmax(new) if new.any() else len(new))
    return starts & ~named[sentence] & after_first


def forget_at_same_subject_starts(forget, examples: Sequence[Example], unit: int) -> float:
    """Mean forget gate f of ``unit`` where a sentence starts that goes on about the same
    subject (see :func:`same_subject_starts`): the steps a unit that resets at every
    sentence start, rather than at new subjects, would wipe.

    Parameters
    ----------
    forget : sequence of ndarray of shape (T, H), or ndarray of shape (T, B, H)
    """
    values = [f[same_subject_starts(ex), unit]
              for f, ex in zip(_per_example(forget, examples, "forget", (2,)), examples,
                               strict=True)]
    values = np.concatenate(values)
    if not values.size:
        raise ValueError("no sentence goes on about the same subject in these examples")
    return float(values.mean())


# ---- accuracy against the subject-to-pronoun distance ------------------------------

def pronoun_distances(example: Example, pronouns: Sequence[str]) -> dict[int, int]:
    """For each step where a pronoun must be chosen, how far back its cue lies.

    The distance of a graded step ``t`` (its target is one of ``pronouns``) is ``t``
    minus the last step at or before ``t`` that told the subject's class: where a
    subject settled (``new_subject``) or where a pronoun was read. So in ``Tom met
    Mary with Anna and he is busy . he is late .`` the first ``he`` is chosen at ``and``,
    5 steps after ``Tom``, and the second at the ``.`` 3 steps after the first ``he``.
    Steps before any cue are left out. Returns {step: distance}.
    """
    new = example.annotations.new_subject
    if len(new) != len(example):
        raise ValueError("this example carries no 'new_subject' annotation; use a "
                         "pronoun-task example")
    out, cue = {}, None
    for t, (tok, target) in enumerate(zip(example.tokens, example.targets, strict=True)):
        if new[t] or tok in pronouns:
            cue = t
        if target in pronouns and cue is not None:
            out[t] = t - cue
    return out


class DistanceAccuracy(NamedTuple):
    """Pronoun accuracy binned by distance: ``right[k]`` of ``total[k]`` graded steps
    at ``distances[k]`` steps from their cue were right."""

    distances: tuple[int, ...]
    right: tuple[int, ...]
    total: tuple[int, ...]

    @property
    def accuracy(self) -> tuple[float, ...]:
        """right / total per distance."""
        return tuple(r / n for r, n in zip(self.right, self.total, strict=True))

    def holds_until(self, level: float = 0.95) -> int | None:
        """The longest distance up to which every measured distance reaches ``level``
        (None if the shortest already falls below it).

        >>> DistanceAccuracy((5, 20, 40, 60), (10, 10, 9, 10), (10, 10, 10, 10)).holds_until()
        20
        """
        held = None
        for d, a in zip(self.distances, self.accuracy, strict=True):
            if a < level:
                break
            held = d
        return held


def accuracy_by_distance(probs, examples: Sequence[Example], labels: Sequence[str],
                         pronouns: Sequence[str]) -> DistanceAccuracy:
    """Pronoun accuracy at every subject-to-pronoun distance (:func:`pronoun_distances`).

    Parameters
    ----------
    probs : sequence of ndarray of shape (T, K), or ndarray of shape (T, B, K)
        Probabilities (or logits) over ``labels``; the prediction is the pronoun with the
        highest value.
    pronouns : sequence of str
        The candidates, e.g. ("he", "she", "they").
    """
    labels = tuple(labels)
    missing = [p for p in pronouns if p not in labels]
    if missing:
        raise ValueError(f"pronouns {missing} are not among the labels {labels}")
    cols = [labels.index(p) for p in pronouns]
    right: dict[int, int] = {}
    total: dict[int, int] = {}
    for p, ex in zip(_per_example(probs, examples, "probs", (2,)), examples, strict=True):
        for t, d in pronoun_distances(ex, pronouns).items():
            guess = pronouns[int(np.argmax(p[t, cols]))]
            right[d] = right.get(d, 0) + (guess == ex.targets[t])
            total[d] = total.get(d, 0) + 1
    if not total:
        raise ValueError(f"no step of these examples has a target among {', '.join(pronouns)}")
    ds = tuple(sorted(total))
    return DistanceAccuracy(ds, tuple(right[d] for d in ds), tuple(total[d] for d in ds))


def distance_curve(model, task: str, distances: Sequence[int], per_distance: int = 30,
                   seed: int = 0, other_gender: bool = False) -> DistanceAccuracy:
    """Run ``model`` on fresh stories whose last pronoun lies at each of ``distances``
    steps from its subject (:func:`lstm_viz.tasks.distance_story`) and count how often it
    chooses that pronoun right: the live data of an accuracy-against-distance chart.

    Parameters
    ----------
    model : lstm_viz.model.TokenModel
        A model of the pronoun task ``task`` (same vocabulary and labels).
    distances : sequence of int
        Each at least ``lstm_viz.tasks.LEAST_DISTANCE[task]``.
    per_distance : int
        Stories per distance, drawn from ``numpy.random.default_rng((seed, distance))``.
    other_gender : bool
        Every object between subject and pronoun of the other gender (the hardest case).

    Only the last, far pronoun of each story is counted.
    """
    spec = get(task)
    if tuple(model.vocab) != spec.vocab or tuple(model.labels) != spec.labels:
        raise ValueError(f"the model's vocabulary or labels are not those of task {task!r}")
    if isinstance(per_distance, bool) or not isinstance(per_distance, (int, np.integer)) \
            or per_distance < 1:
        raise ValueError(f"per_distance must be a whole number ≥ 1; got {per_distance!r}")
    pronouns = spec.candidates("pronoun")
    cols = [spec.labels.index(p) for p in pronouns]
    right = []
    for d in distances:
        rng = np.random.default_rng((seed, int(d)))
        stories = [distance_story(task, rng, d, other_gender) for _ in range(per_distance)]
        ids, _, _ = spec.collate(stories)                                   # (T, B)
        logits = model.stack.run(model.embedding[ids]).y                    # (T, B, K)
        slots = [max(t for t, y in enumerate(ex.targets) if y in pronouns) for ex in stories]
        guess = [pronouns[int(np.argmax(logits[t, b, cols]))] for b, t in enumerate(slots)]
        right.append(sum(g == ex.targets[t] for g, ex, t in zip(guess, stories, slots,
                                                                 strict=True)))
    return DistanceAccuracy(tuple(int(d) for d in distances), tuple(right),
                            (int(per_distance),) * len(right))
