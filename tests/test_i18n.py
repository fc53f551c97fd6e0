"""text.i18n: every catalogue complete, placeholders consistent, no key missing or written twice."""

import json
import re
import string
from pathlib import Path

import pytest

from lstm_viz import inputs, params, upload
from text import i18n
from text.i18n import CATALOGUE_DIR, CORE_ENGLISH, LANG_NAMES, LANGS, catalogue, load, tr

ROOT = Path(__file__).resolve().parents[1]


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_languages_are_the_catalogue_files():
    assert LANGS == ("en", "zh")
    assert {p.stem for p in CATALOGUE_DIR.glob("*.json")} == set(LANGS)
    assert dict(LANG_NAMES) == {"en": "English", "zh": "中文"}


def test_same_keys_no_empty_values():
    en = catalogue("en")
    for lang in LANGS:
        words = catalogue(lang)
        missing = sorted(set(en) - set(words))
        assert not missing, (lang, {k: en[k] for k in missing[:10]})  # with the English to say
        assert set(words) == set(en), lang
        empty = [k for k, v in words.items() if not v.strip()]
        assert not empty, (lang, empty)


def test_same_placeholders_in_every_language():
    en = catalogue("en")
    for lang in LANGS:
        words = catalogue(lang)
        bad = [k for k in en if fields(en[k]) != fields(words[k])]
        assert not bad, lang


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
                 *ROOT.glob("lstm_viz/*.py"), *ROOT.glob("figures/*.py"),
                 *ROOT.glob("text/*.py"), *ROOT.glob("cli/*.py")]:
        used |= set(re.findall(r"""\btr\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    missing = sorted(used - set(catalogue("en")))
    assert len(used) > 100
    assert not missing


def test_t_fills_and_falls_back():
    assert tr("err.ragged", "en", step=2, got=1, want=2).startswith("Step 2 has 1")
    assert tr("gate.f", "xx") == "forget gate"
    assert tr("gate.f", "zh") == "遗忘门"
    with pytest.raises(KeyError):
        tr("no.such.key")


def test_no_key_is_written_twice_in_a_catalogue(tmp_path):
    # json.load would keep the last of two equal keys without a word: load() refuses them,
    # and the real files load.
    assert list(load(CATALOGUE_DIR)) == list(LANGS)
    for path in CATALOGUE_DIR.glob("*.json"):
        for other in CATALOGUE_DIR.glob("*.json"):
            (tmp_path / other.name).write_text(other.read_text(encoding="utf-8"),
                                               encoding="utf-8")
        twice = path.read_text(encoding="utf-8").replace("{", '{\n "gate.f": "twice",', 1)
        (tmp_path / path.name).write_text(twice, encoding="utf-8")
        with pytest.raises(ValueError, match=f"{path.name}: key 'gate.f' is written twice"):
            load(tmp_path)


def test_the_core_messages_are_written_once():
    # The core's English is the English catalogue's; en.json may not write it again.
    import ast

    assert set(CORE_ENGLISH) == (set(inputs.MESSAGES) | set(upload.MESSAGES)
                                 | set(params.MESSAGES))
    assert not set(inputs.MESSAGES) & set(upload.MESSAGES)
    assert not (set(inputs.MESSAGES) | set(upload.MESSAGES)) & set(params.MESSAGES)
    assert all(catalogue("en")[k] == v for k, v in CORE_ENGLISH.items())
    en_file = json.loads((CATALOGUE_DIR / "en.json").read_text(encoding="utf-8"))
    assert not set(en_file) & set(CORE_ENGLISH)
    for module in (inputs, upload, params):  # a dict literal keeps the last of two equal keys
        tree = ast.parse(Path(module.__file__).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) \
                    and getattr(node.targets[0], "id", "") == "MESSAGES":
                keys = [k.value for k in node.value.keys]
                assert len(keys) == len(set(keys)) == len(module.MESSAGES), module.__name__


def test_a_broken_catalogue_is_refused_with_its_name(tmp_path):
    (tmp_path / "en.json").write_text('{"lang.name": "English"}', encoding="utf-8")
    (tmp_path / "fr.json").write_text('{"lang.name": "Français", "gate.f": 3}',
                                      encoding="utf-8")
    with pytest.raises(ValueError, match=r"fr\.json: values must be text; gate\.f"):
        load(tmp_path)
    (tmp_path / "fr.json").write_text('{"lang.name": "Français",}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"fr\.json"):
        load(tmp_path)
    (tmp_path / "fr.json").unlink()
    (tmp_path / "en.json").write_text('{"err.empty": "again"}', encoding="utf-8")
    with pytest.raises(ValueError, match="core's own English again: err.empty"):
        load(tmp_path)


def test_a_new_file_is_a_new_language(tmp_path):
    (tmp_path / "en.json").write_text('{"lang.name": "English", "gate.f": "forget gate"}',
                                      encoding="utf-8")
    (tmp_path / "fr.json").write_text('{"lang.name": "Français", "gate.f": "porte d’oubli"}',
                                      encoding="utf-8")
    found = load(tmp_path)
    assert list(found) == ["en", "fr"]
    assert found["fr"]["gate.f"] == "porte d’oubli" and found["en"]["err.empty"]
    assert i18n.LANGS == ("en", "zh")  # loading another folder leaves the app's alone


def test_doctests():
    import doctest

    result = doctest.testmod(i18n)
    assert result.attempted and not result.failed
