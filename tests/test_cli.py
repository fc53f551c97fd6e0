"""Tests for cli/main.py: ``python -m cli params``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main

REPO = Path(__file__).resolve().parents[1]
ARTICLE = ["params", "--input", "5", "--units", "128", "64", "32", "8", "--dense", "1"]


def _run(capsys, argv):
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_table_lists_layers_like_keras_summary(capsys):
    status, out, err = _run(capsys, [*ARTICLE, "--convention", "keras"])
    assert (status, err) == (0, "")
    lines = out.splitlines()
    row = next(line for line in lines if line.strip().startswith("lstm (LSTM)"))
    assert "(None, None, 128)" in row and "68,608" in row and "4·(128·(128+5) + 128)" in row
    last = next(line for line in lines if line.strip().startswith("lstm_3 (LSTM)"))
    assert "(None, 8)" in last and "1,312" in last
    dense = next(line for line in lines if line.strip().startswith("dense (Dense)"))
    assert "(None, 1)" in dense and "8·1 + 1 = 9" in dense
    assert "Total params: 131,753" in lines
    assert "article 130,825 · keras 131,753 · pytorch 132,681" in out


@pytest.mark.parametrize("convention, total", [
    ("article", "130,825"), ("keras", "131,753"), ("pytorch", "132,681"),
])
def test_total_line_follows_convention(capsys, convention, total):
    status, out, _ = _run(capsys, [*ARTICLE, "--convention", convention])
    assert status == 0
    assert f"Total params: {total}" in out.splitlines()


def test_default_convention_is_keras(capsys):
    _, out, _ = _run(capsys, ARTICLE)
    assert "Total params: 131,753" in out.splitlines()


def test_json_output(capsys):
    status, out, err = _run(capsys, [*ARTICLE, "--convention", "pytorch", "--json"])
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["total"] == 132_681
    assert data["convention"] == "pytorch"
    assert [layer["total"] for layer in data["layers"]] == [69_120, 49_664, 12_544, 1_344]
    assert data["layers"][0]["shapes"][0] == {"name": "weight_ih_l0", "shape": [512, 5]}
    assert data["layers"][0]["formula"] == "4·128·(128+5) + 8·128 = 69,120"
    assert data["dense"]["total"] == 9
    assert data["output_shapes"][0] == [None, None, 128]
    assert data["totals_by_convention"] == {"article": 130_825, "keras": 131_753,
                                            "pytorch": 132_681}


def test_json_without_dense(capsys):
    _, out, _ = _run(capsys, ["params", "--input", "5", "--units", "8", "--json"])
    data = json.loads(out)
    assert data["dense"] is None and data["total"] == 4 * (8 * 13 + 8)


def test_bidirectional_flag(capsys):
    argv = ["params", "--input", "5", "--units", "16", "8", "--dense", "1", "--bidirectional"]
    _, out, _ = _run(capsys, [*argv, "--json"])
    assert json.loads(out)["total"] == 2 * 4 * (16 * 21 + 16) + 2 * 4 * (8 * 40 + 8) + 17
    _, out, _ = _run(capsys, argv)
    assert "bidirectional (Bidirectional)" in out and "bidirectional_1 (Bidirectional)" in out


def test_proj_size_flag(capsys):
    argv = ["params", "--input", "5", "--units", "16", "8", "--dense", "1",
            "--convention", "pytorch", "--proj-size", "4"]
    status, out, _ = _run(capsys, [*argv, "--json"])
    assert status == 0
    assert json.loads(out)["total"] == 768 + 352 + 5
    _, out, _ = _run(capsys, argv)
    assert "Total params: 1,125" in out.splitlines()
    assert "keras" not in out.splitlines()[-1]  # only PyTorch counts a projection


def test_help_exits_zero(capsys):
    status, out, _ = _run(capsys, ["params", "--help"])
    assert status == 0 and "--units" in out


def test_real_process_prints_keras_total():
    done = subprocess.run([sys.executable, "-m", "cli", *ARTICLE], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Total params: 131,753" in done.stdout


def test_real_process_bad_argument_is_one_line():
    done = subprocess.run([sys.executable, "-m", "cli", "params", "--input", "zero"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and done.stdout == ""


BAD = {
    "no command": [],
    "unknown command": ["nope"],
    "missing --input and --units": ["params"],
    "missing --units": ["params", "--input", "5"],
    "no units given": ["params", "--input", "5", "--units"],
    "input not an integer": ["params", "--input", "x", "--units", "8"],
    "units a float": ["params", "--input", "5", "--units", "8.5"],
    "units zero": ["params", "--input", "5", "--units", "0"],
    "units negative": ["params", "--input", "5", "--units", "8", "-4"],
    "input zero": ["params", "--input", "0", "--units", "8"],
    "input huge": ["params", "--input", "99999999", "--units", "8"],
    "dense zero": ["params", "--input", "5", "--units", "8", "--dense", "0"],
    "unknown convention": ["params", "--input", "5", "--units", "8", "--convention", "tf"],
    "projection with keras": ["params", "--input", "5", "--units", "8", "--proj-size", "4"],
    "projection too big": ["params", "--input", "5", "--units", "8", "--convention", "pytorch",
                           "--proj-size", "8"],
    "unknown option": ["params", "--input", "5", "--units", "8", "--bogus"],
    "too many layers": ["params", "--input", "5", "--units", *["2"] * 65],
}


@pytest.mark.parametrize("argv", BAD.values(), ids=BAD.keys())
def test_bad_arguments_exit_2_with_one_error_line(capsys, argv):
    status, out, err = _run(capsys, argv)
    assert status == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and len(err) > len("error: \n")
    assert "Traceback" not in err and "usage:" not in err


@pytest.mark.parametrize("argv, hint", [
    (BAD["unknown convention"], "article, keras, pytorch"),
    (BAD["projection with keras"], "convention='pytorch'"),
    (BAD["input not an integer"], "'x' is not a whole number"),
    (BAD["missing --units"], "--units"),
    (BAD["no command"], "params"),
])
def test_error_says_what_to_change(capsys, argv, hint):
    _, _, err = _run(capsys, argv)
    assert hint in err


# ---- --lang: the table, help and messages in Simplified Chinese ---------------------------

def test_chinese_table(capsys):
    status, out, err = _run(capsys, [*ARTICLE, "--lang", "zh"])
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "LSTM 参数量（Keras 口径）"
    assert lines[2].split() == ["层（类型）", "输出形状", "参数量", "公式"]
    row = next(line for line in lines if line.strip().startswith("lstm_3（LSTM 层）"))
    assert "(None, 8)" in row and "1,312" in row and "4·(8·(8+32) + 8) = 1,312" in row
    assert any(line.strip().startswith("dense（全连接层）") for line in lines)
    assert "参数总数：131,753" in lines
    assert lines[-1] == "按口径：原文口径 130,825 · Keras 口径 131,753 · PyTorch 口径 132,681"
    assert "Total" not in out and "Layer" not in out and "convention" not in out


def test_chinese_columns_line_up_on_screen(capsys):
    # A Chinese character takes two columns in a terminal: the formulas start in one column.
    from unicodedata import east_asian_width

    _, out, _ = _run(capsys, [*ARTICLE, "--lang", "zh"])
    lines = out.splitlines()
    table = [lines[2], *[line for line in lines if "·" in line and "(None" in line]]
    starts = set()
    for line in table:
        cut = line.index("公式") if "公式" in line else line.index("4·" if "4·" in line else "8·")
        starts.add(sum(2 if east_asian_width(ch) in "WF" else 1 for ch in line[:cut]))
    assert len(table) == 6 and len(starts) == 1


def test_lang_defaults_to_english(capsys):
    _, default, _ = _run(capsys, ARTICLE)
    _, english, _ = _run(capsys, [*ARTICLE, "--lang", "en"])
    assert default == english and "Total params: 131,753" in default.splitlines()


def test_json_is_the_same_in_both_languages(capsys):
    _, english, _ = _run(capsys, [*ARTICLE, "--json"])
    _, chinese, _ = _run(capsys, [*ARTICLE, "--json", "--lang=zh"])
    assert json.loads(chinese) == json.loads(english)


@pytest.mark.parametrize("lang", ["fr", "ZH", ""])
def test_unknown_language_exits_2_with_one_error_line(capsys, lang):
    status, out, err = _run(capsys, [*ARTICLE, "--lang", lang])
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "--lang" in err and "en" in err and "zh" in err


def test_chinese_messages_and_help(capsys):
    status, _, err = _run(capsys, ["params", "--input", "x", "--units", "8", "--lang", "zh"])
    assert status == 2 and err.startswith("错误：") and err.count("\n") == 1
    assert "'x' 不是整数" in err
    status, out, _ = _run(capsys, ["params", "--help", "--lang", "zh"])
    assert status == 0 and "每一层 LSTM 的隐藏单元数" in out and "输出 JSON 而不是表格" in out


def test_real_process_prints_chinese():
    done = subprocess.run([sys.executable, "-m", "cli", *ARTICLE, "--lang", "zh"],
                          cwd=REPO, capture_output=True, text=True, encoding="utf-8",
                          timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    assert "参数总数：131,753" in done.stdout


def test_a_new_catalogue_is_a_new_language(capsys, tmp_path, monkeypatch):
    # fr.json beside en and zh: --lang fr is accepted and speaks it, help lists it.
    from types import MappingProxyType

    from text import i18n

    for path in i18n.CATALOGUE_DIR.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    fr = {**i18n.catalogue("en"), "lang.name": "Français", "cli.total": "Total : {total:,}"}
    (tmp_path / "fr.json").write_text(json.dumps(fr), encoding="utf-8")
    found = i18n.load(tmp_path)
    monkeypatch.setattr(i18n, "_CATALOGUES", MappingProxyType(found))
    monkeypatch.setattr(i18n, "LANGS", tuple(found))
    status, out, err = _run(capsys, [*ARTICLE, "--lang", "fr"])
    assert (status, err) == (0, "") and "Total : 131,753" in out
    _, out, _ = _run(capsys, ["params", "--help"])
    assert "en, fr, zh" in out


def test_core_errors_are_translated_after_the_chinese_error_word(capsys):
    # count_params' errors carry a code and values; the CLI says them in the asked language.
    status, _, err = _run(capsys, ["params", "--input", "5", "--units", "0", "--lang", "zh"])
    assert status == 2 and err == "错误：units 必须在 1 到 1,000,000 之间；现在是 0\n"
    status, _, err = _run(capsys, ["params", "--input", "5", "--units", "8", "--proj-size", "3",
                                   "--lang", "zh"])
    assert status == 2 and "proj_size 是 PyTorch 的选项" in err and "option" not in err
    status, _, err = _run(capsys, ["params", "--input", "5", "--units", "8", "--convention",
                                   "x"])
    assert err == "error: convention must be one of article, keras, pytorch; got 'x'\n"
