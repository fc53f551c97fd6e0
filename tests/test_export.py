"""lstm_viz.export: the CSV and .npz of a trace read back to the same numbers and tokens."""

import io

import numpy as np
import pytest

from lstm_viz import LSTM
from lstm_viz.export import COLUMNS, read_trace_csv, trace_csv, trace_npz

ODD = ("plain", "a,b", 'say "hi"', "two\nlines", "遗忘门", "", " spaced ", "=1+1")


def trace_of(T, H=3, seed=1):
    x = np.random.default_rng(seed).normal(size=(T, 2))
    return LSTM.random(2, H, seed=seed).run(x)


def test_csv_parses_back_to_the_traces_numbers():
    trace = trace_of(5, 4)
    tokens, arrays = read_trace_csv(trace_csv(trace, tuple("abcde")))
    assert tokens == tuple("abcde")
    for name in ("i", "f", "g", "o", "c", "h", "c_prev", "h_prev"):
        np.testing.assert_allclose(arrays[name], getattr(trace, name), rtol=1e-12, atol=0)


def test_csv_has_one_row_per_step_and_unit_counted_from_one():
    text = trace_csv(trace_of(2, 3), ("x", "y"))
    lines = text.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert len(lines) == 1 + 2 * 3
    assert lines[1].startswith("1,x,1,") and lines[-1].startswith("2,y,3,")


def test_odd_tokens_survive_the_csv():
    trace = trace_of(len(ODD))
    tokens, arrays = read_trace_csv(trace_csv(trace, ODD))
    assert tokens == ODD
    np.testing.assert_allclose(arrays["h"], trace.h, rtol=1e-12, atol=0)


def test_npz_loads_without_pickles():
    trace = trace_of(len(ODD))
    with np.load(io.BytesIO(trace_npz(trace, ODD)), allow_pickle=False) as data:
        assert tuple(data["tokens"].tolist()) == ODD
        assert data["tokens"].dtype.kind == "U"
        for name in ("x", "z", "i", "f", "g", "o", "c", "h", "c_prev", "h_prev"):
            np.testing.assert_array_equal(data[name], getattr(trace, name))


def test_wrong_number_of_tokens_is_refused():
    with pytest.raises(ValueError, match="2 tokens"):
        trace_csv(trace_of(3), ("a", "b"))
    with pytest.raises(ValueError, match="header"):
        read_trace_csv("a,b\n1,2\n")
