"""lstm_viz.gates: the one table of what each quantity of an LSTM step is."""

import dataclasses
import doctest

import numpy as np
import pytest

from lstm_viz import gates
from lstm_viz.cell import LSTM, LSTMStep, LSTMTrace
from lstm_viz.gates import DISPLAY, GATES, QUANTITIES, SIGMOID_GATES, quantities


def test_every_quantity_is_a_field_of_the_trace_and_of_a_step():
    trace_fields = {f.name for f in dataclasses.fields(LSTMTrace)}
    step_fields = {f.name for f in dataclasses.fields(LSTMStep)}
    assert set(DISPLAY) <= trace_fields and set(DISPLAY) <= step_fields
    assert tuple(q.key for q in quantities()) == DISPLAY == tuple(QUANTITIES)


def test_the_orders_and_the_kinds():
    assert DISPLAY == ("f", "i", "g", "o", "c", "h")
    assert GATES == ("i", "f", "g", "o") and set(GATES) == {q.key for q in quantities()
                                                           if q.is_layer}
    assert SIGMOID_GATES == ("f", "i", "o")
    assert [QUANTITIES[k].symbol for k in DISPLAY] == ["f", "i", "C̃", "o", "C", "h"]


@pytest.mark.parametrize("key", DISPLAY)
def test_every_value_of_a_run_lies_in_its_range(key):
    """The table's ranges hold for what the cell computes, even on saturating inputs."""
    q = QUANTITIES[key]
    lstm = LSTM.random(3, 8, seed=1)
    trace = lstm.run(np.random.default_rng(0).normal(scale=30, size=(40, 3)))
    values = getattr(trace, key)
    assert np.all((values >= q.low) & (values <= q.high))
    if q.activation == "σ":
        assert (q.low, q.high) == (0.0, 1.0)
    elif q.activation == "tanh":
        assert (q.low, q.high) == (-1.0, 1.0)


def test_doctests():
    assert doctest.testmod(gates).failed == 0
