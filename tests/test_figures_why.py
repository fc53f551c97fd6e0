"""figures/why.py: what each figure draws is the core's numbers, escaped, in both languages."""

import numpy as np
import pytest

from figures.why import (
    SATURATION_GATES,
    gradients_figure,
    ledger_bars_figure,
    ledger_map_figure,
    saturation_figure,
    surgery_figure,
)
from lstm_viz import LSTM
from lstm_viz.cell import Clamp
from lstm_viz.why import (
    TanhRNN,
    forget_products,
    input_gradients,
    ledger,
    rnn_input_gradients,
    saturation,
)
from text.i18n import tr

T, X, H = 9, 3, 4
TOKENS = ["<b>x</b>", "$y$", "猫", "a", "b", "c", "d", "e", "<i>f"]


@pytest.fixture(scope="module")
def run():
    x = np.random.default_rng(1).normal(size=(T, X))
    lstm = LSTM.random(X, H, seed=3)
    return lstm, x, lstm.run(x)


def by_name(fig, name):
    return next(trc for trc in fig.data if trc.name == name)


@pytest.mark.parametrize("step, unit", [(0, 0), (4, 2), (T - 1, 3)])
def test_ledger_bars_sum_to_the_cell_state(run, step, unit):
    _, _, trace = run
    parts = ledger(trace, units=[unit]).parts[:, :, 0]
    fig = ledger_bars_figure(parts[step], trace.c[step, unit], TOKENS, step, unit)
    bars = np.asarray(by_name(fig, "bars").y, float)
    assert len(bars) == step + 1  # one bar per step 1 … t, none after
    assert np.allclose(bars, parts[step, :step + 1])
    assert np.isclose(bars.sum(), trace.c[step, unit], atol=1e-12)
    assert np.isclose(by_name(fig, "sum").y[0], bars.sum())
    assert np.isclose(by_name(fig, "c").y[0], trace.c[step, unit])


def test_ledger_map_is_the_ledger_with_the_step_framed(run):
    _, _, trace = run
    parts = ledger(trace, units=[2]).parts[:, :, 0]
    fig = ledger_map_figure(parts, TOKENS, step=5, unit=2)
    assert np.array_equal(np.asarray(fig.data[0].z, float), parts)
    frame = fig.layout.shapes[0]
    assert (frame.y0, frame.y1) == (5.5, 6.5)  # row of step 6 (1-based)
    assert "unit 3" in fig.layout.title.text


@pytest.mark.parametrize("clamp", [Clamp("f", 1.0, units=[1]), Clamp("i", 0.0, steps=[4, 5]),
                                   Clamp.knock_out(units=[1], steps=range(3, T))])
def test_surgery_overlay_is_the_runs_with_and_without_the_clamp(run, clamp):
    lstm, x, trace = run
    after = lstm.run(x, clamp=clamp)
    fig = surgery_figure(trace, after, TOKENS, unit=1, what="forget = 1", start=3)
    ys = [np.asarray(trc.y, float) for trc in fig.data]
    assert len(ys) == 4  # C before, C after, h before, h after
    assert np.allclose(ys[0], trace.c[:, 1]) and np.allclose(ys[1], after.c[:, 1])
    assert np.allclose(ys[2], trace.h[:, 1]) and np.allclose(ys[3], after.h[:, 1])
    assert not np.allclose(ys[1], ys[0]), "the surgery changed unit 2's memory"
    assert fig.layout.shapes[0].x0 == 3.5  # shaded from step 4 (1-based) on


def test_surgery_draws_a_models_confidence_when_given(run):
    lstm, x, trace = run
    p0, p1 = np.linspace(0.9, 0.5, T), np.linspace(0.9, 0.1, T)
    fig = surgery_figure(trace, trace, TOKENS, 0, "x", p_before=p0, p_after=p1,
                         choice=["A"] * T)
    assert len(fig.data) == 6
    assert np.allclose(fig.data[4].y, p0) and np.allclose(fig.data[5].y, p1)


def test_gradient_curves_are_the_cores(run):
    lstm, x, trace = run
    rnn = TanhRNN.random(X, H, seed=3)
    g, r, pf = input_gradients(lstm, x), rnn_input_gradients(rnn, x), forget_products(trace)
    fig = gradients_figure(g, r, pf[:, 2], TOKENS, unit=2)
    assert np.allclose(fig.data[0].y, g) and np.allclose(fig.data[1].y, r)
    assert np.allclose(fig.data[2].y, pf[:, 2])
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    low, high = fig.layout.yaxis.range
    assert low <= np.log10(min(g.min(), r.min())) and high >= np.log10(max(g.max(), r.max()))


def test_log_axis_keeps_vanished_gradients_from_squashing_the_chart():
    g = np.logspace(-200, 0, 5)
    fig = gradients_figure(g, g, np.ones(5), list("abcde"), unit=0)
    low, high = fig.layout.yaxis.range
    assert high - low < 30


def test_saturation_points_are_the_cores(run):
    _, _, trace = run
    sat = saturation(trace, low=0.3, high=0.7)  # random gates rarely pass 0.1 / 0.9
    fig = saturation_figure(sat, unit=1)
    assert [trc.name for trc in fig.data] == list(SATURATION_GATES)
    for trace_ in fig.data:
        assert np.allclose(trace_.x, sat.left[trace_.name])
        assert np.allclose(trace_.y, sat.right[trace_.name])
        assert list(trace_.marker.size).index(max(trace_.marker.size)) == 1  # unit 2 ringed
    assert any(v > 0 for trc in fig.data for v in (*trc.x, *trc.y))


def test_user_text_is_escaped(run):
    lstm, x, trace = run
    parts = ledger(trace, units=[0]).parts[:, :, 0]
    figs = [ledger_bars_figure(parts[T - 1], trace.c[T - 1, 0], TOKENS, T - 1, 0),
            ledger_map_figure(parts, TOKENS, 0, 0),
            surgery_figure(trace, trace, TOKENS, 0, "x"),
            gradients_figure(np.ones(T), np.ones(T), np.ones(T), TOKENS, 0)]
    for fig in figs:
        text = str(fig.to_dict())  # to_json() would hide "<" as \u003c
        assert "<b>x</b>" not in text and "<i>f" not in text and "$y$" not in text
    assert "&lt;i&gt;f" in figs[0].layout.title.text  # the step's token, shown as typed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_languages(run, lang):
    lstm, x, trace = run
    parts = ledger(trace, units=[0]).parts[:, :, 0]
    bars = ledger_bars_figure(parts[2], trace.c[2, 0], TOKENS, 2, 0, lang)
    assert bars.layout.title.text == tr("why.fig.ledger.title", lang, step=3, unit=1, token="猫")
    map_ = ledger_map_figure(parts, TOKENS, 2, 0, lang)
    assert map_.layout.xaxis.title.text == tr("why.fig.map.x", lang)
    surgery = surgery_figure(trace, trace, TOKENS, 0, "w", lang)
    assert surgery.data[0].name == tr("why.fig.surgery.before", lang)
    grads = gradients_figure(np.ones(T), np.ones(T), np.ones(T), TOKENS, 0, lang)
    assert grads.data[1].name == tr("why.fig.grad.rnn", lang)
    sat = saturation_figure(saturation(trace), 0, lang)
    assert [a.text for a in sat.layout.annotations] == [tr(f"gate.{g}", lang)
                                                        for g in SATURATION_GATES]


@pytest.mark.parametrize(("tokens", "angles"), [
    ("John met Mary and he is happy".split(), {"autotickangles": [0, -50, -90]}),
    ("小 红 很 高 兴".split(), {"tickangle": 0}),
])
def test_the_ledgers_time_axis_turns_words_that_would_collide_but_not_chinese(tokens, angles):
    """On a phone's narrow chart the step labels would run together ("Johnthe is saw…"):
    words turn where they would collide; Chinese characters stay upright (figures.theme)."""
    parts = np.linspace(-1, 1, len(tokens))
    fig = ledger_bars_figure(parts, float(parts.sum()), tokens, len(tokens) - 1, 0)
    axis = fig.layout.xaxis.to_plotly_json()
    assert {k: axis[k] for k in angles} == angles
    assert ("autotickangles" in axis) != ("tickangle" in axis)
