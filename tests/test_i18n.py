"""lstm_viz.i18n: both catalogues complete, placeholders consistent, no key missing."""

import re
import string
from pathlib import Path

import pytest

from text.i18n import LANGS, catalogue, t

ROOT = Path(__file__).resolve().parents[1]


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_same_keys_no_empty_values():
    en, zh = catalogue("en"), catalogue("zh")
    assert set(en) == set(zh)
    for lang in LANGS:
        empty = [k for k, v in catalogue(lang).items() if not v.strip()]
        assert not empty, (lang, empty)


def test_same_placeholders_in_both_languages():
    en, zh = catalogue("en"), catalogue("zh")
    bad = [k for k in en if fields(en[k]) != fields(zh[k])]
    assert not bad


def test_chinese_catalogue_is_chinese():
    # Every Chinese entry with words in it has Chinese characters (names like Keras aside).
    zh = catalogue("zh")
    han = re.compile(r"[\u4e00-\u9fff]")
    untranslated = [k for k, v in zh.items()
                    if re.search(r"[A-Za-z]{4,}", v) and not han.search(v)
                    and v not in ("Keras / TensorFlow", "PyTorch")]
    assert not untranslated


def test_every_key_used_in_code_exists():
    used = set()
    for path in [*ROOT.glob("pages/*.py"), ROOT / "app.py", *ROOT.glob("ui/*.py"),
                 *ROOT.glob("lstm_viz/*.py"), *ROOT.glob("figures/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    missing = sorted(used - set(catalogue("en")))
    assert not missing


def test_t_fills_and_falls_back():
    assert t("err.ragged", "en", step=2, got=1, want=2).startswith("Step 2 has 1")
    assert t("gate.f", "xx") == "forget gate"
    assert t("gate.f", "zh") == "遗忘门"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_no_key_is_written_twice_in_a_catalogue():
    # A dict literal keeps the last of two equal keys without a word: find them in the source.
    import ast

    tree = ast.parse((ROOT / "lstm_viz" / "i18n.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Dict):
            keys = [k.value for k in node.value.keys]
            twice = sorted({k for k in keys if keys.count(k) > 1})
            assert not twice, (node.target.id, twice)
