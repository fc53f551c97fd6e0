"""text.explain: one step of one unit told in words, by the gate levels of the core."""

import doctest

import numpy as np

import text.explain
from lstm_viz import LSTM
from lstm_viz.explain import explain_step
from text.explain import sentences


def test_doctests():
    result = doctest.testmod(text.explain)
    assert result.attempted and not result.failed


def test_sentences_follow_the_gate_levels():
    shut = LSTM(W=[[0.0], [-20.0], [0.0], [20.0]], U=np.zeros((4, 1)), b=np.zeros(4))
    ex = explain_step(shut, shut.run([[1.0]]), 0, 0)
    en, zh = sentences(ex, "en"), sentences(ex, "zh")
    assert "nearly shut" in en[0] and "drops" in en[0]
    assert "lets part" in en[1]
    assert "open" in en[2]
    assert "遗忘门几乎关闭" in zh[0]


def test_a_gate_in_between_is_partly_open_and_the_numbers_are_the_arithmetic_s():
    # f = σ(0) = 0.5, i = σ(0) = 0.5: neither nearly open nor nearly shut
    mid = LSTM(W=np.zeros((4, 1)), U=np.zeros((4, 1)), b=[0.0, 0.0, 1.0, 0.0])
    ex = explain_step(mid, mid.run([[1.0]]), 0, 0)
    en, zh = sentences(ex, "en"), sentences(ex, "zh")
    assert "partly open (0.500)" in en[0] and "half" not in " ".join(en)
    assert "遗忘门部分打开（0.500）" in zh[0] and "半开" not in "".join(zh)
    assert "候选记忆元 0.762" in zh[1] and "候选值" not in "".join(zh)  # tanh(1) = 0.762


def test_a_gate_shown_as_0_800_reads_as_nearly_open():
    # σ(1.38617) = 0.79996…, shown 0.800: the words must fit the number shown
    gate = LSTM(W=np.zeros((4, 1)), U=np.zeros((4, 1)), b=[0.0, 1.38617, 0.0, 0.0])
    ex = explain_step(gate, gate.run([[1.0]]), 0, 0)
    assert ex.gate("f").value < 0.8
    assert sentences(ex, "en")[0].startswith("The forget gate is nearly open (0.800)")
