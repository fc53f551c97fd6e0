"""A run of a trained pronoun model told in words, with its real numbers.

:func:`narrate` says what the forget and input gates of the gender unit did where each
subject appeared, and which pronoun the model expected where one comes next. Who the
story is about and how the unit reads a value are the core's (:mod:`lstm_viz.story`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from lstm_viz import tasks
from lstm_viz.explain import fmt
from lstm_viz.story import Story, gender_read
from text.i18n import tr

__all__ = ["FORGET_HIGH", "FORGET_LOW", "SAME", "HOLDS", "distance_summary", "forget_summary",
           "join_sentences", "narrate"]

FORGET_LOW, FORGET_HIGH = 0.35, 0.7   # below: "wiped"; above: "kept"
SAME = 0.1     # another place whose mean f is within this of the new subjects' is "as low"
HOLDS = 0.95   # the accuracy at which the pronoun memory is said to hold


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
    return tr(f"memory.class.{cls}", lang)


def _subject_sentence(story, k, layer, unit, male_sign, lang) -> str:
    s = story.subjects[k]
    f, i, g = (float(getattr(layer, gate)[s.step, unit]) for gate in "fig")
    c_prev, c = float(layer.c_prev[s.step, unit]), float(layer.c[s.step, unit])
    where = dict(token=story.tokens[s.step], step=s.step + 1, subject=s.text,
                 cls=_class_name(s.cls, lang), unit=unit + 1)
    if k == 0:
        parts = [tr("memory.say.first", lang, **where)]
    else:
        said = "memory.say.again" if s.repeat else "memory.say.new"
        parts = [tr(said, lang, old=story.subjects[k - 1].text, **where)]
        level = "low" if f < FORGET_LOW else "high" if f >= FORGET_HIGH else "mid"
        parts.append(tr(f"memory.say.forget.{level}", lang, unit=unit + 1, f=fmt(f, 2),
                       c_prev=fmt(c_prev, 2), kept=fmt(f * c_prev, 2)))
    parts.append(tr("memory.say.write", lang, i=fmt(i, 2), g=fmt(g, 2), c_prev=fmt(c_prev, 2),
                   c=fmt(c, 2)))
    read = gender_read(c, male_sign)
    if s.cls == "pl":
        parts.append(tr("memory.say.plural", lang))
    elif read == s.cls:
        parts.append(tr("memory.say.reads.right", lang, reading=_class_name(read, lang)))
    else:
        parts.append(tr("memory.say.reads.wrong", lang, reading=_class_name(read or "none", lang),
                       cls=_class_name(s.cls, lang)))
    return join_sentences(parts)


def _choice_sentence(story, step, layer, probs, labels, unit, male_sign, lang) -> str:
    cands = tuple(story.pronouns[c] for c in tasks.SUBJECT_CLASSES)
    p = {c: float(probs[step, labels.index(c)]) for c in cands}
    choice = max(cands, key=p.get)
    c = float(layer.c[step, unit])
    subject = story.subject_at(step)
    plural = subject is not None and subject.cls == "pl"  # the unit's sign says nothing then
    parts = [tr("memory.say.choice.plain" if plural else "memory.say.choice", lang,
               step=step + 1, token=story.tokens[step], next=story.tokens[step + 1],
               choice=choice, odds=" · ".join(f"{x} {fmt(p[x], 2)}" for x in cands),
               c=fmt(c, 2), reading=_class_name(gender_read(c, male_sign) or "none", lang))]
    if subject is None:
        parts.append(tr("memory.say.no_subject", lang))
    else:
        due = story.pronouns[subject.cls]
        key = "memory.say.choice.right" if choice == due else "memory.say.choice.wrong"
        parts.append(tr(key, lang, subject=subject.text, due=due))
        if story.tokens[step + 1] != due:
            parts.append(tr("memory.say.typed", lang, next=story.tokens[step + 1], due=due))
    return join_sentences(parts)


def forget_summary(means, lang: str = "en") -> str:
    """One sentence on where the gate dipped in this story, from ``means`` (place →
    (mean or None, count), :func:`lstm_viz.story.mean_by_place`): lowest at new subjects,
    or about as low (within :data:`SAME`) or lower somewhere else too."""
    new = means["new"][0]
    if new is None:
        return tr("memory.places.no_new", lang)
    others = {p: m for p, (m, _) in means.items() if p != "new" and m is not None}
    low = [p for p, m in others.items() if m <= new + SAME]
    if low:
        return tr("memory.places.also", lang, f_new=fmt(new, 2), places="; ".join(
            f"{tr(f'memory.place.{p}', lang)} {fmt(others[p], 2)}" for p in low))
    if not others:
        return tr("memory.places.only", lang, f_new=fmt(new, 2))
    return tr("memory.places.lowest", lang, f_new=fmt(new, 2),
             gap=fmt(min(others.values()) - new, 2))


def distance_summary(result, trained_max: int | None, lang: str = "en") -> str:
    """The lesson of the distance chart, from its numbers: how far the memory held
    (every distance up to there at least :data:`HOLDS` right) and where it was worst."""
    acc = result.accuracy
    worst = min(range(len(acc)), key=acc.__getitem__)
    held = result.holds_until(HOLDS)
    n = sum(result.total)
    common = dict(n=n, level=f"{100 * HOLDS:.0f}%", trained=trained_max or "?",
                  longest=result.distances[-1])
    if held == result.distances[-1]:
        return tr("memory.distance.held", lang, worst=f"{100 * acc[worst]:.0f}%", **common)
    if held is None:
        return tr("memory.distance.never", lang, worst=f"{100 * acc[0]:.0f}%",
                 at=result.distances[0], **common)
    return tr("memory.distance.broke", lang, held=held, worst=f"{100 * acc[worst]:.0f}%",
             at=result.distances[worst], **common)


def join_sentences(sentences: Sequence[str]) -> str:
    """Sentences in a row: a space after one that ends in a narrow character (``.``, ``)``),
    none after a full-width one (``。``, ``）``), whose glyph carries its own space.

    >>> join_sentences(["He left.", "She stayed."])
    'He left. She stayed.'
    >>> join_sentences(["他走了。", "她留下了。"])
    '他走了。她留下了。'
    """
    out = ""
    for sentence in sentences:
        wide = out and unicodedata.east_asian_width(out[-1]) in "WF"
        out += sentence if not out or wide else " " + sentence
    return out
