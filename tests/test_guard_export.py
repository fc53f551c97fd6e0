"""Issue 14, item 7: a trace CSV never hands a spreadsheet a formula (OWASP CSV injection)."""

import csv
import io

import numpy as np
import pytest

from lstm_viz import LSTM
from lstm_viz.export import read_trace_csv, trace_csv

RISKY = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://e\")")
KEPT = ("plain", "-0.5", "+1", "3e-4", "遗忘门", "", "a=b")


def trace_of(T):
    x = np.random.default_rng(0).normal(size=(T, 2))
    return LSTM.random(2, 2, seed=0).run(x)


def token_cells(text):
    return [row[1] for row in list(csv.reader(io.StringIO(text, newline="")))[1:]]


@pytest.mark.parametrize("token", RISKY)
def test_a_cell_that_a_spreadsheet_would_evaluate_is_neutralised(token):
    cells = token_cells(trace_csv(trace_of(1), (token,)))
    assert cells and all(cell == "'" + token for cell in cells)


@pytest.mark.parametrize("token", KEPT)
def test_harmless_tokens_and_plain_numbers_are_written_as_they_are(token):
    assert set(token_cells(trace_csv(trace_of(1), (token,)))) == {token}


def test_neutralised_tokens_read_back_exactly():
    tokens = (*RISKY, *KEPT, "'=x", "'quoted")
    back, _ = read_trace_csv(trace_csv(trace_of(len(tokens)), tokens))
    assert back == tokens


def test_numbers_columns_are_numbers_not_text():
    rows = list(csv.reader(io.StringIO(trace_csv(trace_of(3), ("a", "b", "c")), newline="")))[1:]
    for row in rows:
        for cell in row[3:]:
            float(cell)  # a negative value stays a number a spreadsheet can sum
