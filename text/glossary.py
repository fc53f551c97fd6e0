"""One glossary, English ↔ 中文, with the terms of d2l-zh: one word per idea.

The glossary is data (``text/glossary.json``): the order of its terms, and the words each
language rules out (``avoid``), each a regular expression and the term to use instead.
A term's words and meaning live in the catalogues like every other text
(``glossary.<term>`` and ``glossary.<term>.note``), so a translator edits them there.
``tests/test_glossary.py`` fails when any catalogue text uses a word ruled out here, and
/lessons shows the glossary to learners.

>>> [r.word for r in violations("记忆元（细胞状态）C", "zh")]
['细胞']
>>> violations("每个隐藏单元一个值", "zh"), violations("the four layers", "en")
((), ())
>>> [r.term for r in violations("each of the four gates", "en")]
['four_layers']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from text.i18n import LANG_NAMES, LANGS, tr

__all__ = ["AVOID", "GLOSSARY_FILE", "TERMS", "Avoid", "Row", "headers", "rows", "violations"]

GLOSSARY_FILE = Path(__file__).with_name("glossary.json")


@dataclass(frozen=True)
class Avoid:
    """A word that ``lang`` never uses (``pattern`` finds it); ``term`` is said instead."""

    lang: str
    term: str
    word: str       # how the glossary shows the avoided word
    pattern: re.Pattern


@dataclass(frozen=True)
class Row:
    """One line of the glossary as a learner sees it."""

    words: tuple[str, ...]   # the term in each language of LANGS, in that order
    note: str                # what it means, in the reader's language
    avoid: str               # words the app does not use for it (all languages)


def _load(path: Path = GLOSSARY_FILE) -> tuple[tuple[str, ...], tuple[Avoid, ...]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    terms = tuple(data["terms"])
    avoid = tuple(Avoid(a["lang"], a["term"], a["word"], re.compile(a["pattern"]))
                  for a in data["avoid"])
    unknown = sorted({a.term for a in avoid} - set(terms))
    if unknown:
        raise ValueError(f"{path.name}: avoid rules name unknown terms {', '.join(unknown)}")
    return terms, avoid


TERMS, AVOID = _load()


def violations(text: str, lang: str) -> tuple[Avoid, ...]:
    """The rules of ``lang`` that ``text`` breaks (empty when it uses the glossary's words)."""
    return tuple(a for a in AVOID if a.lang == lang and a.pattern.search(text))


def rows(lang: str) -> tuple[Row, ...]:
    """The glossary for a reader of ``lang``: every term in every language, its meaning."""
    return tuple(Row(tuple(tr(f"glossary.{term}", other) for other in LANGS),
                     tr(f"glossary.{term}.note", lang),
                     "; ".join(a.word for a in AVOID if a.term == term))
                 for term in TERMS)


def headers(lang: str) -> tuple[str, ...]:
    """Column titles for :func:`rows`: the languages' names, then meaning and avoided words."""
    return (*(LANG_NAMES[other] for other in LANGS), tr("glossary.col.note", lang),
            tr("glossary.col.avoid", lang))
