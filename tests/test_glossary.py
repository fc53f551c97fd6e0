"""text.glossary: one word per idea. Every catalogue text, and the code's comments, use the
glossary's terms; a word the glossary rules out fails here, with the key that uses it."""

import doctest
import json
from pathlib import Path

import pytest

import text.glossary as glossary
from text.glossary import AVOID, TERMS, rows, violations
from text.i18n import LANGS, catalogue, tr

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for d in ("lstm_viz", "text", "ui", "figures", "pages", "cli") for p in
           (ROOT / d).rglob("*.py") if p.name != "glossary.py"] + [ROOT / "app.py"]


def test_doctests():
    assert doctest.testmod(glossary).failed == 0


@pytest.mark.parametrize("lang", LANGS)
def test_no_catalogue_text_uses_a_word_the_glossary_rules_out(lang):
    found = {key: [rule.word for rule in violations(text, lang)]
             for key, text in catalogue(lang).items()}
    assert not {key: words for key, words in found.items() if words}


def test_the_codes_comments_and_docstrings_use_the_glossarys_words_too():
    # e.g. "four gates" in a comment of params.py, 细胞状态 in cell.py's docstring
    bad = {}
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        words = [rule.word for rule in AVOID if rule.pattern.search(source)]
        if words:
            bad[str(path.relative_to(ROOT))] = words
    assert not bad


# The rules can fail: each catches the wording the issue found, and lets the right one pass.
@pytest.mark.parametrize(("lang", "text", "word"), [
    ("zh", "记忆元（细胞状态）C", "细胞"),
    ("zh", "每个单元一个值", "单元（单独使用）"),
    ("zh", "单元 {unit} 学会了", "单元（单独使用）"),
    ("zh", "下一层的隐状态 hₜ 就是上一层的输入 xₜ", "上一层、下一层"),
    ("zh", "下层的 h 向上成为上层的 x", "上一层、下一层"),
    ("zh", "候选值 {g} 几乎全部写入", "候选值"),
    ("zh", "每个批次", "批次"),
    ("zh", "四个门各是一个全连接层", "四个门"),
    ("zh", "同一个网络，三种算法", "算法"),
    ("en", "Each of the four gates is a layer", "four gates"),
    ("en", "Four gates, each with X·H numbers", "four gates"),
    ("en", "all 4 gates are 0", "four gates"),
    ("en", "the candidate gate proposes", "candidate gate"),
])
def test_each_rule_catches_the_wording_it_rules_out(lang, text, word):
    assert word in [rule.word for rule in violations(text, lang)]


@pytest.mark.parametrize(("lang", "text"), [
    ("zh", "每个隐藏单元一个值"), ("zh", "LSTM 单元内部"), ("zh", "记忆元 C"),
    ("zh", "下面一层的 hₜ 是上面一层的输入 xₜ"), ("zh", "上一步的 hₜ₋₁"), ("zh", "下一步"),
    ("zh", "候选记忆元"), ("zh", "批量"), ("zh", "四个层（三个门加一个候选记忆元）"),
    ("zh", "计数口径"), ("en", "four layers: three gates and the candidate"),
    ("en", "three gates"), ("en", "the candidate"), ("zh", "four gates"),
    ("en", "the input of the layer above"), ("en", "the next step"),
])
def test_the_words_the_glossary_uses_pass(lang, text):
    assert violations(text, lang) == ()


@pytest.mark.parametrize("lang", LANGS)
def test_every_term_is_written_and_explained_in_every_language(lang):
    words = catalogue(lang)
    for term in TERMS:
        assert words.get(f"glossary.{term}", "").strip(), (lang, term)
        assert words.get(f"glossary.{term}.note", "").strip(), (lang, term)
    assert len({tr(f"glossary.{term}", lang) for term in TERMS}) == len(TERMS)  # one word, one idea


def test_a_terms_own_words_break_no_rule_and_the_table_names_what_is_avoided():
    for lang in LANGS:
        for term in TERMS:
            assert violations(tr(f"glossary.{term}", lang), lang) == (), (lang, term)
    table = {row.words[0]: row for row in rows("zh")}
    assert table["cell state C"].words == ("cell state C", "记忆元 C")
    assert "细胞" in table["cell state C"].avoid and "批次" in table["batch"].avoid
    assert table["the layer above / the layer below"].words[1] == "上面一层 / 下面一层"


def test_the_d2l_terms():
    zh = {term: tr(f"glossary.{term}", "zh") for term in TERMS}
    assert zh["forget_gate"].startswith("遗忘门") and zh["input_gate"].startswith("输入门")
    assert zh["output_gate"].startswith("输出门") and zh["candidate"].startswith("候选记忆元")
    assert zh["cell_state"].startswith("记忆元") and zh["hidden_state"].startswith("隐状态")
    assert zh["unit"] == "隐藏单元"


def test_a_rule_naming_an_unknown_term_is_refused(tmp_path):
    data = json.loads(glossary.GLOSSARY_FILE.read_text(encoding="utf-8"))
    data["avoid"].append({"lang": "zh", "term": "nonsense", "word": "x", "pattern": "x"})
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="nonsense"):
        glossary._load(path)
