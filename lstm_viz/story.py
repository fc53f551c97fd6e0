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

:func:`narrate` turns one run of a trained model into sentences with its real
numbers: what the forget and input gates of the gender unit did where each subject
appeared, and which pronoun the model expected where one comes next.

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
from lstm_viz.explain import fmt
from lstm_viz.i18n import t
from lstm_viz.tasks import Annotations, Example

__all__ = ["BREAK_PRESETS", "GRAMMARS", "Grammar", "Preset", "Story", "Subject", "gender_read",
           "narrate", "read_story", "story_example", "subject_phrases"]


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


# ---- the story told in words ----------------------------------------------------------

FORGET_LOW, FORGET_HIGH = 0.35, 0.7   # below: "wiped"; above: "kept"


def narrate(story: Story, layer, probs, labels: Sequence[str], unit: int, male_sign: int,
            lang: str = "en") -> tuple[str, ...]:
    """Sentences (plain text) about the run: one per subject, one per pronoun choice.

    Parameters
    ----------
    story : Story
    layer : LSTMTrace
        The single-sequence trace of the layer that holds ``unit``: arrays (T, H).
    probs : ndarray of shape (T, K)
        The model's probabilities over ``labels`` at every step.
    unit : int
        The gender unit, 0-based (shown 1-based).
    male_sign : int
        +1 if c > 0 means "male" in this unit, −1 if c < 0 does.
    """
    probs = np.asarray(probs)
    out = [_subject_sentence(story, k, layer, unit, male_sign, lang)
           for k in range(len(story.subjects))]
    out += [_choice_sentence(story, step, layer, probs, tuple(labels), unit, male_sign, lang)
            for step in story.pronoun_steps]
    return tuple(out)


def _class_name(cls: str, lang: str) -> str:
    return t(f"memory.class.{cls}", lang)


def _subject_sentence(story, k, layer, unit, male_sign, lang) -> str:
    s = story.subjects[k]
    f, i, g = (float(getattr(layer, gate)[s.step, unit]) for gate in "fig")
    c_prev, c = float(layer.c_prev[s.step, unit]), float(layer.c[s.step, unit])
    where = dict(token=story.tokens[s.step], step=s.step + 1, subject=s.text,
                 cls=_class_name(s.cls, lang), unit=unit + 1)
    if k == 0:
        parts = [t("memory.say.first", lang, **where)]
    else:
        parts = [t("memory.say.new", lang, old=story.subjects[k - 1].text, **where)]
        level = "low" if f < FORGET_LOW else "high" if f >= FORGET_HIGH else "mid"
        parts.append(t(f"memory.say.forget.{level}", lang, unit=unit + 1, f=fmt(f, 2),
                       c_prev=fmt(c_prev, 2)))
    parts.append(t("memory.say.write", lang, i=fmt(i, 2), g=fmt(g, 2), c_prev=fmt(c_prev, 2),
                   c=fmt(c, 2)))
    read = gender_read(c, male_sign)
    if s.cls == "pl":
        parts.append(t("memory.say.plural", lang))
    elif read == s.cls:
        parts.append(t("memory.say.reads.right", lang, reading=_class_name(read, lang)))
    else:
        parts.append(t("memory.say.reads.wrong", lang, reading=_class_name(read or "none", lang),
                       cls=_class_name(s.cls, lang)))
    return _join(parts, lang)


def _choice_sentence(story, step, layer, probs, labels, unit, male_sign, lang) -> str:
    cands = tuple(story.pronouns[c] for c in tasks.SUBJECT_CLASSES)
    p = {c: float(probs[step, labels.index(c)]) for c in cands}
    choice = max(cands, key=p.get)
    c = float(layer.c[step, unit])
    subject = story.subject_at(step)
    plural = subject is not None and subject.cls == "pl"  # the unit's sign says nothing then
    parts = [t("memory.say.choice.plain" if plural else "memory.say.choice", lang,
               step=step + 1, token=story.tokens[step], next=story.tokens[step + 1],
               choice=choice, odds=" · ".join(f"{x} {fmt(p[x], 2)}" for x in cands),
               c=fmt(c, 2), reading=_class_name(gender_read(c, male_sign) or "none", lang))]
    if subject is None:
        parts.append(t("memory.say.no_subject", lang))
    else:
        due = story.pronouns[subject.cls]
        key = "memory.say.choice.right" if choice == due else "memory.say.choice.wrong"
        parts.append(t(key, lang, subject=subject.text, due=due))
        if story.tokens[step + 1] != due:
            parts.append(t("memory.say.typed", lang, next=story.tokens[step + 1], due=due))
    return _join(parts, lang)


def _join(sentences, lang) -> str:
    """Sentences in a row: spaced in English, run together in Chinese."""
    return ("" if lang == "zh" else " ").join(sentences)
