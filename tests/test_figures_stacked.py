"""figures/stacked.py: the unrolled stack, the heatmaps of h, the head's output."""

import json
import re

import numpy as np
import pytest
from conftest import decode

from figures.stacked import head_output_figure, stack_heatmaps, unrolled_figure
from lstm_viz import StackedLSTM

ARTICLE = dict(input_size=5, units=[128, 64, 32, 8], dense=1)
ALLOWED_LATIN = {"LSTM"}  # names a Chinese textbook writes in Latin letters too


def spec(fig) -> dict:
    """The figure as the browser receives it (typed arrays included)."""
    return json.loads(fig.to_json())


def named(items, prefix):
    return [item for item in items if item.get("name", "").startswith(prefix)]


def all_text(s) -> list[str]:
    """Every string a learner can read in a figure spec: titles, labels, ticks, hovers."""
    found = [trace["name"] for trace in s["data"] if "name" in trace]

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in {"text", "ticktext", "hovertemplate", "hovertext"}:
            found.append(node)

    walk(s)
    return found


def latin_words(texts) -> set[str]:
    """Words in Latin letters, after removing markup, %{…} fields and symbols like h_t."""
    words = set()
    for text in texts:
        text = re.sub(r"<[^>]*>|%\{[^}]*\}", " ", text)
        words |= {w for w in re.findall(r"[A-Za-z_]+", text) if len(w) > 1 and "_" not in w}
    return words - ALLOWED_LATIN


# ---- unrolled_figure -----------------------------------------------------------------------

@pytest.mark.parametrize("units, dense, steps", [
    ([128, 64, 32, 8], 1, 4), ([3] * 8, None, 6), ([7], 2, 1), ([4, 4], None, 8),
])
def test_one_box_per_layer_and_step_and_one_arrow_per_link(units, dense, steps):
    s = spec(unrolled_figure(5, units, dense, steps=steps))
    shapes, notes = s["layout"]["shapes"], s["layout"]["annotations"]
    L = len(units)
    cells = named(shapes, "cell ")
    assert sorted(c["name"] for c in cells) == sorted(
        f"cell {layer} {t}" for layer in range(1, L + 1) for t in range(1, steps + 1))
    for c in cells:  # box "cell l t" sits in column t, row l
        _, layer, t = c["name"].split()
        assert (c["x0"] + c["x1"]) / 2 == pytest.approx(int(t))
        assert (c["y0"] + c["y1"]) / 2 == pytest.approx(int(layer))
    assert len(named(shapes, "dense ")) == (steps if dense else 0)
    assert len(named(notes, "arrow.x")) == steps
    assert len(named(notes, "arrow.up")) == steps * (L - 1)
    assert len(named(notes, "arrow.head")) == steps * (2 if dense else 1)
    assert len(named(notes, "arrow.state.c")) == len(named(notes, "arrow.state.h")) == L * steps


def test_arrows_go_up_a_row_and_right_a_step():
    notes = spec(unrolled_figure(**ARTICLE))["layout"]["annotations"]
    for a in named(notes, "arrow.up"):  # from the top of row l to the bottom of row l+1
        assert a["ax"] == a["x"] and a["ay"] < a["y"]
        assert int(a["y"] + 0.5) == int(a["ay"] + 0.5) + 1
    for a in named(notes, "arrow.state."):  # C and h: same row, one step on
        assert a["ay"] == a["y"] and a["ax"] < a["x"]
        assert round(a["ax"]) + 1 == round(a["x"] + 0.5)


def test_boxes_show_their_units():
    shapes = spec(unrolled_figure(**ARTICLE))["layout"]["shapes"]
    for c in named(shapes, "cell "):
        layer = int(c["name"].split()[1])
        assert f"<b>{ARTICLE['units'][layer - 1]}</b>" in c["label"]["text"]
    assert all("<b>1</b>" in d["label"]["text"] for d in named(shapes, "dense "))


def test_shape_labels_carry_the_sizes():
    notes = spec(unrolled_figure(**ARTICLE))["layout"]["annotations"]
    step = [a["text"] for a in named(notes, "shape.step")]
    assert step == ["[batch, 5]", "[batch, 128]", "[batch, 64]", "[batch, 32]", "[batch, 8]",
                    "[batch, 1]"]
    whole = [a["text"] for a in named(notes, "shape.sequence")]
    assert len(whole) == 6
    for text, n in zip(whole, [5, 128, 64, 32, 8, 1], strict=True):
        assert f"[time_step, batch, {n}]" in text
        assert f"[batch, time_step, {n}]" in text


def test_title_names_the_architecture():
    s = spec(unrolled_figure(5, [16, 4], None, steps=2))
    assert "5 → 16 → 4" in s["layout"]["title"]["text"]
    assert "→ 4 →" not in s["layout"]["title"]["text"]


def test_chinese_uses_the_chinese_catalogue():
    s = spec(unrolled_figure(**ARTICLE, lang="zh"))
    texts = all_text(s)
    assert "[时间步, 批量, 128]" in " ".join(texts)
    assert "[批量, 128]" in texts
    assert "第 1 层 LSTM" in s["layout"]["yaxis"]["ticktext"]
    assert latin_words(texts) == set()
    assert latin_words(all_text(spec(unrolled_figure(**ARTICLE)))) >= {"units", "batch"}


@pytest.mark.parametrize("kwargs", [
    dict(steps=0), dict(steps=9), dict(steps=2.5), dict(units=[]), dict(units=[8, 0]),
    dict(dense=0), dict(input_size=-1),
])
def test_bad_arguments_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        unrolled_figure(**{**ARTICLE, **kwargs})


# ---- stack_heatmaps, head_output_figure ----------------------------------------------------

@pytest.fixture(scope="module")
def article_trace():
    stack = StackedLSTM.random(5, [128, 64, 32, 8], dense=1, seed=3)
    return stack.run(np.random.default_rng(0).normal(size=(6, 5)))


TOKENS = ["<b>x</b>", "the", "$a$", "cat", "&", "mat"]


def test_heatmaps_hold_each_layers_h_top_layer_first(article_trace):
    s = spec(stack_heatmaps(article_trace, TOKENS))
    heat = [tr for tr in s["data"] if tr["type"] == "heatmap"]
    assert [tr["meta"] for tr in heat] == [4, 3, 2, 1]
    for tr in heat:
        z = decode(tr["z"])
        h = article_trace.layers[tr["meta"] - 1].h  # (T, H)
        assert z.dtype == np.float32
        assert z.shape == h.T.shape
        np.testing.assert_allclose(z, h.T, rtol=1e-6, atol=1e-7)
        assert tr["hovertemplate"].startswith("step %{x} · unit %{y} · h = %{z:.3f}")
    # subplot rows: the top layer's heatmap is drawn highest on the page
    domains = [s["layout"]["yaxis" + (str(k) if k > 1 else "")]["domain"] for k in range(1, 5)]
    assert all(a[0] > b[0] for a, b in zip(domains, domains[1:], strict=False))
    assert domains[3][1] - domains[3][0] > domains[0][1] - domains[0][0]  # 128 units > 8 units


def test_heatmap_tokens_are_escaped(article_trace):
    s = spec(stack_heatmaps(article_trace, TOKENS))
    ticks = [v for k, ax in s["layout"].items() if k.startswith("xaxis")
             for v in ax.get("ticktext", [])]
    assert ticks == ["&lt;b&gt;x&lt;/b&gt;", "the", "&#36;a&#36;", "cat", "&amp;", "mat"]
    assert "<b>x</b>" not in json.dumps(s)


def test_heatmaps_of_a_batch_pick_one_sequence():
    stack = StackedLSTM.random(3, [4, 2], seed=1)
    trace = stack.run(np.random.default_rng(2).normal(size=(5, 3, 3)))  # (T, B, X)
    heat = [tr for tr in spec(stack_heatmaps(trace, list("abcde"), sequence=2))["data"]]
    np.testing.assert_allclose(decode(heat[1]["z"]), trace.layers[0].h[:, 2].T, rtol=1e-6)


def test_heatmaps_need_one_token_per_step(article_trace):
    with pytest.raises(ValueError, match="one token per time step"):
        stack_heatmaps(article_trace, TOKENS[:-1])


def test_heatmaps_in_chinese(article_trace):
    s = spec(stack_heatmaps(article_trace, ["一", "二", "三", "四", "五", "六"], lang="zh"))
    texts = all_text(s)
    assert "第 1 层 · 128 个隐藏单元" in texts
    assert latin_words(texts) == set()


def test_head_output_is_y_per_step(article_trace):
    s = spec(head_output_figure(article_trace, TOKENS))
    (line,) = s["data"]
    np.testing.assert_allclose(decode(line["y"]), article_trace.y[:, 0], rtol=1e-6)
    np.testing.assert_array_equal(decode(line["x"]), np.arange(1, 7))
    assert s["layout"]["xaxis"]["ticktext"][0] == "&lt;b&gt;x&lt;/b&gt;"


def test_head_output_has_one_line_per_unit_and_none_without_head():
    stack = StackedLSTM.random(2, [3], dense=4, seed=0)
    trace = stack.run(np.ones((3, 2)))
    lines = spec(head_output_figure(trace, "abc", lang="zh"))["data"]
    assert len(lines) == 4
    for k, line in enumerate(lines):
        np.testing.assert_allclose(decode(line["y"]), trace.y[:, k], rtol=1e-6)
    assert latin_words(all_text(spec(head_output_figure(trace, "一二三", lang="zh")))) == set()
    assert head_output_figure(StackedLSTM.random(2, [3]).run(np.ones((3, 2))), "abc") is None
