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
