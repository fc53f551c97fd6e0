"""figures/params.py: where the parameters sit, and the three ways of counting them."""

import json
import re

import numpy as np
import pytest
from conftest import decode

from figures.params import conventions_figure, params_figure
from lstm_viz.params import CONVENTIONS, count_params

ARTICLE = (5, [128, 64, 32, 8], 1)  # input 5 → LSTM 128 → 64 → 32 → 8 → Dense 1
TOTALS = {"article": 130_825, "keras": 131_753, "pytorch": 132_681}  # frameworks.md, checked
ALLOWED_LATIN = {"LSTM", "Keras", "TensorFlow", "PyTorch"}


def spec(fig) -> dict:
    return json.loads(fig.to_json())


def bars(s) -> dict[str, tuple[list, np.ndarray]]:
    """meta → (x categories, y values) of every bar trace."""
    return {tr["meta"]: (list(tr["x"]), decode(tr["y"]).astype(np.int64))
            for tr in s["data"] if tr["type"] == "bar"}


def per_category(s) -> dict[str, int]:
    sums: dict[str, int] = {}
    for x, y in bars(s).values():
        for category, value in zip(x, y, strict=True):
            sums[category] = sums.get(category, 0) + int(value)
    return sums


def chinese_is_clean(s) -> set[str]:
    """Latin words in a zh figure's readable strings (markup, %{…} and h_t-like names removed)."""
    texts = [tr.get("name", "") for tr in s["data"]]

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in {"text", "ticktext", "hovertemplate", "hovertext",
                                               "x"}:
            texts.append(node)

    walk(s)
    words = set()
    for text in texts:
        text = re.sub(r"<[^>]*>|%\{[^}]*\}", " ", text)
        words |= {w for w in re.findall(r"[A-Za-z_]+", text) if len(w) > 1 and "_" not in w}
    return words - ALLOWED_LATIN


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_bars_add_up_to_each_layer_and_to_the_total(convention):
    breakdown = count_params(*ARTICLE, convention=convention)
    s = spec(params_figure(breakdown))
    sums = per_category(s)
    expected = [layer.total for layer in breakdown.layers] + [breakdown.dense.total]
    assert list(sums.values()) == expected
    assert sum(sums.values()) == breakdown.total == TOTALS[convention]
    totals = [a["text"] for a in s["layout"]["annotations"] if a.get("name") == "total"]
    assert totals == [f"{n:,}" for n in expected]
    assert f"{TOTALS[convention]:,}" in s["layout"]["title"]["text"]


def test_each_part_is_its_own_bar():
    s = spec(params_figure(count_params(*ARTICLE, convention="pytorch")))
    parts = bars(s)
    assert list(parts) == ["W", "U", "bias", "dense"]  # no projection without proj_size
    assert list(parts["W"][1]) == [4 * 128 * 5, 4 * 64 * 128, 4 * 32 * 64, 4 * 8 * 32]
    assert list(parts["U"][1]) == [4 * 128 * 128, 4 * 64 * 64, 4 * 32 * 32, 4 * 8 * 8]
    assert list(parts["bias"][1]) == [8 * 128, 8 * 64, 8 * 32, 8 * 8]
    assert list(parts["dense"][1]) == [9]
    assert parts["dense"][0] == ["dense<br>8 → 1"]


def test_hover_shows_the_formula_with_thousands_separators():
    s = spec(params_figure(count_params(*ARTICLE)))
    u = next(tr for tr in s["data"] if tr["meta"] == "U")
    assert u["hovertext"][0] == "LSTM 1 · 5 → 128<br>U · recurrent weights<br>4·128·128 = 65,536"
    b = next(tr for tr in s["data"] if tr["meta"] == "bias")
    assert b["hovertext"][0].endswith("4·128 = 512")


def test_projection_and_both_directions():
    breakdown = count_params(10, [20, 12], convention="pytorch", proj_size=6,
                             bidirectional=True)
    s = spec(params_figure(breakdown))
    parts = bars(s)
    assert list(parts["projection"][1]) == [2 * 6 * 20, 2 * 6 * 12]
    assert sum(per_category(s).values()) == breakdown.total
    assert all("both directions" in x for x in parts["W"][0])


def test_many_layers_are_numbered_and_still_add_up():
    breakdown = count_params(7, [32] * 12, dense=3, convention="pytorch")
    s = spec(params_figure(breakdown))
    sums = per_category(s)
    assert list(sums) == [str(k) for k in range(1, 13)] + ["dense layer"]
    assert list(sums.values()) == [layer.total for layer in breakdown.layers] + [32 * 3 + 3]
    assert not [a for a in s["layout"].get("annotations", []) if a.get("name") == "total"]
    w = next(tr for tr in s["data"] if tr["meta"] == "W")
    assert w["hovertext"][11].startswith("LSTM 12 · 32 → 32<br>")


def test_no_dense_layer_no_dense_bar():
    s = spec(params_figure(count_params(3, 4)))
    assert "dense" not in bars(s) and sum(per_category(s).values()) == 4 * (4 * 7 + 4)


@pytest.mark.parametrize("bidirectional, gap", [(False, 928), (True, 2 * 928)])
def test_conventions_differ_by_the_second_bias_vector(bidirectional, gap):
    s = spec(conventions_figure(*ARTICLE, bidirectional=bidirectional))
    parts = bars(s)
    totals = [count_params(*ARTICLE, convention=c, bidirectional=bidirectional).total
              for c in CONVENTIONS]
    assert list(parts["total"][1]) == totals
    if not bidirectional:
        assert totals == list(TOTALS.values())
    assert list(parts["bias1"][1]) == [0, gap, gap]
    assert list(parts["bias2"][1]) == [0, 0, gap]
    assert totals[2] - totals[1] == parts["bias2"][1][2]
    assert f"= {gap:,}" in s["layout"]["title"]["subtitle"]["text"]


@pytest.mark.parametrize("make", [
    lambda lang: params_figure(count_params(*ARTICLE, bidirectional=True), lang=lang),
    lambda lang: params_figure(count_params(3, [8, 4], convention="pytorch", proj_size=2),
                               lang=lang),
    lambda lang: conventions_figure(*ARTICLE, lang=lang),
])
def test_chinese_figures_use_the_chinese_catalogue(make):
    zh, en = spec(make("zh")), spec(make("en"))
    assert chinese_is_clean(zh) == set()
    assert chinese_is_clean(en)  # the check sees English when there is some
    assert re.search(r"[参偏全]", json.dumps(zh, ensure_ascii=False))


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError):
        conventions_figure(5, [128, 0], 1)
