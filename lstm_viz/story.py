"""Who a pronoun story is about at every step, and what the gender unit did about it.

The pronoun tasks (:mod:`lstm_viz.tasks`) record their subjects while they generate a
story. A sentence the learner types has no such record, so :func:`read_story` finds
the subjects again with the task's own grammar: a story's subject is a noun phrase
from the task's subject list (``John``, ``the girls``, 小红, 老师们) that *opens a
sentence*, at the very start or right after a full stop (``.`` / ``。``). Nouns
anywhere else (``met Mary``, ``with the queen``, 和妈妈) are objects. A subject's
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
from dataclasses import dataclass
from types import MappingProxyType

from lstm_viz import tasks
from lstm_viz.tasks import Annotations

__all__ = ["GRAMMARS", "Grammar", "Story", "Subject", "gender_read", "read_story",
           "subject_phrases"]


@dataclass(frozen=True)
class Grammar:
    """What :func:`read_story` needs to know of a pronoun task."""

    nouns: Mapping[str, tuple[tuple[str, ...], ...]]   # class → subject phrases (as tokens)
    deciding: Mapping[tuple[str, ...], int]             # phrase → index of its settling token
    pronouns: Mapping[str, str]                         # class → pronoun (m → he)
    stops: tuple[str, ...]                              # tokens that end a sentence
    join: str                                           # between a phrase's tokens


# The tasks' own subject lists and settling tokens (module-private there, shared here).
GRAMMARS: Mapping[str, Grammar] = MappingProxyType({
    "pronoun-en": Grammar(tasks._EN_NOUNS, tasks._EN_DECIDING, tasks._EN_PRONOUN, (".",), " "),
    "pronoun-zh": Grammar(tasks._ZH_NOUNS, tasks._ZH_DECIDING, tasks._ZH_PRONOUN, ("。",), ""),
})


@dataclass(frozen=True)
class Subject:
    """One subject of a story: its phrase starts at token ``start``, and its class
    ``cls`` ("m", "f" or "pl") is known from token ``step`` on (0-based)."""

    start: int
    step: int
    cls: str
    text: str


@dataclass(frozen=True)
class Story:
    """A tokenized pronoun story and its subjects.

    Attributes
    ----------
    tokens : tuple of str, length T
    subjects : tuple of Subject
        In order of appearance.
    annotations : Annotations
        ``subject``, ``new_subject`` and ``slot`` per step, as the task's generator
        records them (``slot``: the next token is one of the task's labels).
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
    phrases = sorted(((p, cls) for cls, ps in grammar.nouns.items() for p in ps),
                     key=lambda item: -len(item[0]))           # longest match first
    subjects = []
    for k in range(len(tokens)):
        if k and tokens[k - 1] not in grammar.stops:
            continue                                           # not the start of a sentence
        for phrase, cls in phrases:
            if tokens[k:k + len(phrase)] == phrase:
                subjects.append(Subject(k, k + grammar.deciding[phrase], cls,
                                        grammar.join.join(phrase)))
                break
    labels = tasks.get(task).labels
    settle = {s.step: s.cls for s in subjects}
    current, subject = "", []
    for k in range(len(tokens)):
        current = settle.get(k, current)
        subject.append(current)
    nxt = tokens[1:] + ("",)
    notes = Annotations(subject=tuple(subject),
                        new_subject=tuple(k in settle for k in range(len(tokens))),
                        slot=tuple(n in labels for n in nxt))
    pronouns = set(grammar.pronouns.values())
    return Story(tokens, tuple(subjects), notes,
                 tuple(k for k, n in enumerate(nxt) if n in pronouns),
                 dict(grammar.pronouns))


def subject_phrases(task: str) -> tuple[str, ...]:
    """Every subject the task's grammar knows, class by class (male, female, plural)."""
    grammar = GRAMMARS[task]
    return tuple(grammar.join.join(p) for cls in tasks.SUBJECT_CLASSES
                 for p in grammar.nouns[cls])


def gender_read(c: float, male_sign: int) -> str:
    """How the gender unit reads a cell value: "m", "f", or "" for exactly 0."""
    signed = c * male_sign
    return "m" if signed > 0 else "f" if signed < 0 else ""
