"""Every user-facing string, one catalogue file per language (``text/catalogues/<lang>.json``).

``tr(key, lang, **values)`` looks a key up and fills ``{placeholders}``. A catalogue is a
flat JSON object of keyed messages, the format translation tools (Weblate, Crowdin, Lokalise)
read as "key-value JSON"; its file name is the language code and its ``lang.name`` the name
the language picker shows. Adding a language is adding one file: :data:`LANGS` is read from
the folder. One glossary is used everywhere (:mod:`text.glossary`: 遗忘门, 输入门,
候选记忆元, 输出门, 记忆元, 隐状态, 隐藏单元, 参数量). Values put into a template are
plain text; the app never renders them as HTML.

The English of the core's own error codes (``err.*`` from :mod:`lstm_viz.inputs`,
``upload.why.*`` from :mod:`lstm_viz.upload`) is written once, in the core, for people who
use it from Python; it joins the English catalogue here. Every other language translates
those keys in its own file like any other.

>>> tr("gate.f", "zh")
'遗忘门'
>>> tr("err.ragged", "en", step=2, got=1, want=2)[:13]
'Step 2 has 1 '
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from lstm_viz import inputs, params, upload

__all__ = ["CATALOGUE_DIR", "DEFAULT", "LANGS", "LANG_NAMES", "CORE_ENGLISH", "catalogue",
           "load", "tr"]

CATALOGUE_DIR = Path(__file__).with_name("catalogues")
DEFAULT = "en"  # the language of a first visit from an unknown locale, and the fallback
CORE_ENGLISH: Mapping[str, str] = MappingProxyType(
    {**inputs.MESSAGES, **upload.MESSAGES, **params.MESSAGES})


def _refuse_duplicates(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """A JSON object as a dict; a key written twice is an error (json would keep the last)."""
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"key {key!r} is written twice")
        seen[key] = value
    return seen


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_refuse_duplicates)
    except ValueError as err:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"{path.name}: {err}") from None
    bad = [k for k, v in data.items() if not isinstance(v, str)]
    if bad:
        raise ValueError(f"{path.name}: values must be text; {', '.join(bad[:5])} are not")
    return data


def load(directory: Path = CATALOGUE_DIR) -> dict[str, Mapping[str, str]]:
    """Every ``<lang>.json`` of ``directory``, English first; English gains the core's English.

    Raises ValueError for a file that is not a JSON object of text, a key written twice,
    or a core key that ``en.json`` writes again (its English lives in the core).
    """
    found = {path.stem: _read(path) for path in sorted(directory.glob("*.json"))}
    if DEFAULT not in found:
        raise ValueError(f"{directory} has no {DEFAULT}.json")
    again = sorted(set(found[DEFAULT]) & set(CORE_ENGLISH))
    if again:
        raise ValueError(f"{DEFAULT}.json writes the core's own English again: {', '.join(again)}")
    found[DEFAULT] = {**CORE_ENGLISH, **found[DEFAULT]}
    order = [DEFAULT, *(lang for lang in found if lang != DEFAULT)]
    return {lang: MappingProxyType(found[lang]) for lang in order}


# Loaded once, when the module is first imported; read-only from then on.
_CATALOGUES: Mapping[str, Mapping[str, str]] = MappingProxyType(load())
LANGS: tuple[str, ...] = tuple(_CATALOGUES)
LANG_NAMES: Mapping[str, str] = MappingProxyType(
    {lang: _CATALOGUES[lang]["lang.name"] for lang in LANGS})


def catalogue(lang: str) -> dict[str, str]:
    """The whole catalogue of one language (a copy)."""
    return dict(_CATALOGUES[lang])


def tr(key: str, lang: str = DEFAULT, **values) -> str:
    """The text for ``key`` in ``lang`` (one of :data:`LANGS`), with ``{name}`` fields filled.

    An unknown language falls back to English; an unknown key raises KeyError, so a
    missing translation is found by the tests, not by a learner.
    """
    text = _CATALOGUES.get(lang, _CATALOGUES[DEFAULT])[key]
    return text.format(**values) if values else text
