"""Who a pronoun story is about at every step, and what the gender unit did about it.

The pronoun tasks (:mod:`lstm_viz.tasks`) record their subjects while they generate a
story. A sentence the learner types has no such record, so :func:`read_story` finds
the subjects again with the task's own grammar: a story's subject is a noun phrase
from the task's subject list (``John``, ``the girls``, 小红, 老师们) that *opens a
sentence*, at the very start or right after a full stop (``.`` / ``。``), perhaps
after a time word (``yesterday Tom …``, 今天小明…). Nouns anywhere else (``met
Mary``, ``with the queen``, 和妈妈) are objects. A subject's
class becomes known at the token that settles it (``boy`` in ``the boy``, 明 in
小明), as in the task's annotations; on generated stories both agree exactly.

The app tells a run in words (``text/story.py``); this module only finds who the
story is about and how the gender unit reads a cell value.

>>> story = read_story("pronoun-en", "John met Mary . she is happy .".split())
>>> [(s.text, s.step, s.cls) for s in story.subjects]
[('John', 0, 'm')]
>>> story.pronoun_steps         # step 3 ('.') is followed by a pronoun
(3,)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from lstm_viz import tasks
from lstm_viz.evaluate import same_subject_starts
from lstm_viz.tasks import Annotations, Example

__all__ = ["BREAK_PRESETS", "GRAMMARS", "PLACES", "Grammar", "Preset", "Story", "Subject",
           "gender_read", "mean_by_place", "places", "read_story", "story_example",
           "subject_phrases"]


@dataclass(frozen=True)
class Grammar:
    """What :func:`read_story` needs to know of a pronoun task."""

    nouns: Mapping[str, tuple[tuple[str, ...], ...]]   # class → subject phrases (as tokens)
    deciding: Mapping[tuple[str, ...], int]             # phrase → index of its settling token
    pronouns: Mapping[str, str]                         # class → pronoun (m → he)
    stops: tuple[str, ...]                              # tokens that end a sentence
    join: str                                           # between a phrase's tokens
    openers: tuple[tuple[str, ...], ...] = ()           # time words before a subject


# The tasks' own subject lists and settling tokens (module-private there, shared here).
GRAMMARS: Mapping[str, Grammar] = MappingProxyType({
    "pronoun-en": Grammar(tasks._EN_NOUNS, tasks._EN_DECIDING, tasks._EN_PRONOUN, (".",), " ",
                          tuple((w,) for w in tasks._EN_OPENERS)),
    "pronoun-zh": Grammar(tasks._ZH_NOUNS, tasks._ZH_DECIDING, tasks._ZH_PRONOUN, ("。",), "",
                          tasks._ZH_WHEN),
})


@dataclass(frozen=True)
class Subject:
    """One subject of a story: its phrase starts at token ``start``, and its class
    ``cls`` ("m", "f" or "pl") is known from token ``step`` on (0-based). ``repeat`` is
    True when it names the subject already in force again (``Tom … . Tom …``): the
    same subject, not a new one."""

    start: int
    step: int
    cls: str
    text: str
    repeat: bool = False


@dataclass(frozen=True)
class Story:
    """A tokenized pronoun story and its subjects.

    Attributes
    ----------
    tokens : tuple of str, length T
    subjects : tuple of Subject
        In order of appearance.
    annotations : Annotations
        ``subject``, ``new_subject``, ``slot`` and ``sentence_start`` per step, as the
        task's generator records them (``slot``: the next token is one of the task's
        labels).
    pronoun_steps : tuple of int
        Steps whose next token is a pronoun: where the model must choose one.
    pronouns : Mapping of str to str
        The pronoun of each subject class.
    """

    tokens: tuple[str, ...]
    subjects: tuple[Subject, ...]
    annotations: Annotations
    pronoun_steps: tuple[int, ...]
    pronouns: Mapping[str, str]

    def subject_at(self, step: int) -> Subject | None:
        """The subject in force after reading token ``step`` (None before the first)."""
        now = [s for s in self.subjects if s.step <= step]
        return now[-1] if now else None


def read_story(task: str, tokens: Sequence[str]) -> Story:
    """Find the subjects of ``tokens`` (a pronoun task's tokens) and annotate every step.

    Raises ValueError for a task that is not a pronoun task.
    """
    if task not in GRAMMARS:
        raise ValueError(f"only the pronoun tasks have subjects; got {task!r}, choose one of "
                         f"{', '.join(GRAMMARS)}")
    grammar, tokens = GRAMMARS[task], tuple(tokens)
    starts = tuple(k == 0 or tokens[k - 1] in grammar.stops for k in range(len(tokens)))
    subjects = []
    for k in (k for k, start in enumerate(starts) if start):
        k += next((len(w) for w in grammar.openers if tokens[k:k + len(w)] == w), 0)
        found = _subject_at(grammar, tokens, k)
        if found is not None:
            again = bool(subjects) and subjects[-1].text == found.text
            subjects.append(replace(found, repeat=again))
    labels = tasks.get(task).labels
    settle = {s.step: s.cls for s in subjects}
    current, subject = "", []
    for k in range(len(tokens)):
        current = settle.get(k, current)
        subject.append(current)
    nxt = tokens[1:] + ("",)
    notes = Annotations(subject=tuple(subject),
                        new_subject=tuple(k in settle for k in range(len(tokens))),
                        slot=tuple(n in labels for n in nxt), sentence_start=starts)
    pronouns = set(grammar.pronouns.values())
    return Story(tokens, tuple(subjects), notes,
                 tuple(k for k, n in enumerate(nxt) if n in pronouns),
                 dict(grammar.pronouns))


def story_example(task: str, tokens: Sequence[str]) -> Example:
    """A typed story as a graded :class:`~lstm_viz.tasks.Example`: the annotations of
    :func:`read_story`, and the target at each step is the next token where that is one
    of the task's labels (as the generators grade their stories)."""
    story = read_story(task, tokens)
    labels = tasks.get(task).labels
    nxt = story.tokens[1:] + ("",)
    return Example(story.tokens, tuple(n if n in labels else "" for n in nxt), story.annotations)


def _subject_at(grammar: Grammar, tokens: tuple[str, ...], k: int) -> Subject | None:
    """The subject phrase that starts at token ``k`` (the longest that matches), if any."""
    phrases = sorted(((p, cls) for cls, ps in grammar.nouns.items() for p in ps),
                     key=lambda item: -len(item[0]))
    for phrase, cls in phrases:
        if tokens[k:k + len(phrase)] == phrase:
            return Subject(k, k + grammar.deciding[phrase], cls, grammar.join.join(phrase))
    return None


def subject_phrases(task: str) -> tuple[str, ...]:
    """Every subject the task's grammar knows, class by class (male, female, plural)."""
    grammar = GRAMMARS[task]
    return tuple(grammar.join.join(p) for cls in tasks.SUBJECT_CLASSES
                 for p in grammar.nouns[cls])


def gender_read(c: float, male_sign: int) -> str:
    """How the gender unit reads a cell value: "m", "f", or "" for exactly 0."""
    signed = c * male_sign
    return "m" if signed > 0 else "f" if signed < 0 else ""


# ---- where in a story a gate is read ---------------------------------------------------

# The kinds of step after a story's first subject, each step in exactly one (first match):
PLACES = ("new",          # a new subject settles (John, 明 of 小明)
          "again",        # the subject in force is named again (Tom … . Tom …)
          "start",        # a sentence starts that goes on about the same subject (. he …)
          "start_other",  # any other sentence start (. the … / 。小 … before a name settles)
          "pronoun",      # a pronoun inside a sentence (and he …)
          "elsewhere")    # every other step


def places(story: Story) -> dict[str, tuple[int, ...]]:
    """The steps (0-based) of each kind in :data:`PLACES`, after the story's first subject.

    >>> story = read_story("pronoun-en", "John met Mary and he is happy . he is busy .".split())
    >>> {k: v for k, v in places(story).items() if v}
    {'start': (8,), 'pronoun': (4,), 'elsewhere': (1, 2, 3, 5, 6, 7, 9, 10, 11)}
    """
    T = len(story.tokens)
    kind = [""] * T
    first = story.subjects[0].step if story.subjects else T
    for s in story.subjects[1:]:
        kind[s.step] = "again" if s.repeat else "new"
    notes = story.annotations
    if len(notes.sentence_start) != T:   # a hand-built story that records no sentence starts
        notes = replace(notes, sentence_start=(False,) * T)
    same = same_subject_starts(Example(story.tokens, ("",) * T, notes))
    pronouns = set(story.pronouns.values())
    for k in range(first + 1, T):
        if kind[k]:
            continue
        kind[k] = ("start" if same[k] else
                   "start_other" if notes.sentence_start[k] else
                   "pronoun" if story.tokens[k] in pronouns else "elsewhere")
    return {p: tuple(k for k in range(T) if kind[k] == p) for p in PLACES}


def mean_by_place(story: Story, values) -> dict[str, tuple[float | None, int]]:
    """Per kind of step (:func:`places`), the mean of ``values`` (ndarray of shape (T,),
    e.g. one unit's forget gate) and the number of steps: (None, 0) where there are none.

    >>> story = read_story("pronoun-en", "John met Mary . Anna is happy .".split())
    >>> mean_by_place(story, np.linspace(0, 1, 8))["new"]
    (0.5714285714285714, 1)
    """
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (len(story.tokens),):
        raise ValueError(f"give one value per step: shape ({len(story.tokens)},); "
                         f"got {values.shape}")
    return {p: ((float(values[list(steps)].mean()) if steps else None), len(steps))
            for p, steps in places(story).items()}


# ---- "try to break it": stories past the training -------------------------------------

@dataclass(frozen=True)
class Preset:
    """A story that pushes a pronoun demo past what it was trained on.

    ``key`` names it in the catalogue (``memory.break.<key>``); ``text`` is the story in
    the task's vocabulary (data, not prose: it is the same in every interface language).
    """

    key: str
    text: str


_EN_RUN = " ".join(f"with {name}" for name in ("Anna", "Lucy", "the queen", "the girl") * 4)
_ZH_RUN = "、".join(("小红", "小丽", "妈妈", "奶奶", "姐姐") * 3)

# Per task: a long run of objects of the other gender (twice the training's longest
# run and more), six subjects in a row (training has two or three), time words before
# the subjects and a pronoun after a sentence that named none.
BREAK_PRESETS: Mapping[str, tuple[Preset, ...]] = MappingProxyType({
    "pronoun-en": (
        Preset("other-gender-run", f"Tom met Mary {_EN_RUN} and he is happy ."),
        Preset("many-subjects", "Tom met Mary and he is happy . Anna saw John and she is busy "
               ". the boys helped Lucy and they are late . the king called the girl and he is "
               "tired . Mary met Jack and she is hungry . the kids saw the queen and they are "
               "happy ."),
        Preset("time-word", "yesterday Mary met Tom and she is happy . today the king saw the "
               "girls and he is busy . yesterday the kids called Anna . they are late . then "
               "they are tired ."),
    ),
    "pronoun-zh": (
        Preset("other-gender-run", f"小明见到了{_ZH_RUN}和小红，他很高兴。"),
        Preset("many-subjects", "小明见到了小红，他很高兴。小红帮助了爸爸，她很累。同学们遇到了"
               "奶奶，他们很开心。爷爷见到了妈妈，他很忙。姐姐遇到了小刚，她很高兴。孩子们陪爷爷"
               "一起唱歌，他们很累。"),
        Preset("time-word", "今天小红见到了爸爸，她很高兴。昨天爷爷陪小丽一起画画，他很累。今天"
               "同学们帮助了妈妈。后来他们很忙。"),
    ),
})

