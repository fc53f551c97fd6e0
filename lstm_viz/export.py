"""A trace as files a learner can take away: CSV for a spreadsheet, ``.npz`` for NumPy.

Both hold one layer's run of one sequence (arrays of shape (T, H)) with its T tokens.
Numbers are written with 17 significant digits, so a float64 reads back exactly.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np

from lstm_viz.cell import LSTMTrace
from lstm_viz.gates import GATES

__all__ = ["COLUMNS", "neutralise", "trace_csv", "trace_npz", "read_trace_csv"]

VALUES = (*GATES, "c", "h", "c_prev", "h_prev")  # the gates in the order of W, U and b
COLUMNS = ("step", "token", "unit", *VALUES)
# OWASP's CSV-injection advice: a cell a spreadsheet may run as a formula starts with one of
# these; such a cell gets a leading apostrophe (shown as text, never evaluated).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def neutralise(cell: str) -> str:
    """``cell`` safe for a spreadsheet: "'" put before one that starts a formula (a single
    plain number such as "-0.5" is left as it is), and before one that already starts with
    "'", so that :func:`read_trace_csv` can take exactly one away."""
    if cell.startswith("'") or (cell.startswith(FORMULA_START)
                                and not _PLAIN_NUMBER.fullmatch(cell)):
        return "'" + cell
    return cell


def _restored(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _check(trace: LSTMTrace, tokens) -> None:
    if trace.h.ndim != 2:
        raise ValueError("only a single sequence (arrays of shape (T, H)) can be exported")
    if len(tokens) != trace.steps:
        raise ValueError(f"{len(tokens)} tokens for a trace of {trace.steps} steps")


def trace_csv(trace: LSTMTrace, tokens) -> str:
    """One row per (step, unit), both 1-based: step, token, unit, i, f, g, o, c, h, c_prev,
    h_prev, after a header row. Tokens are quoted by the csv module where needed, and
    neutralised (:func:`neutralise`) where a spreadsheet would read them as a formula."""
    _check(trace, tokens)
    T, H = trace.h.shape
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: a field with \r is quoted
    writer.writerow(COLUMNS)
    columns = [np.asarray(getattr(trace, name), dtype=np.float64) for name in VALUES]  # each (T, H)
    for t in range(T):
        for k in range(H):
            writer.writerow([t + 1, neutralise(tokens[t]), k + 1,
                             *(format(a[t, k], ".17g") for a in columns)])
    return out.getvalue()


def read_trace_csv(text: str) -> tuple[tuple[str, ...], dict[str, np.ndarray]]:
    """The tokens and the arrays (each (T, H)) of a :func:`trace_csv` file."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise ValueError("not a trace CSV: the header row is missing or different")
    body = rows[1:]
    T = max(int(r[0]) for r in body) if body else 0
    H = max(int(r[2]) for r in body) if body else 0
    tokens = [""] * T
    arrays = {name: np.full((T, H), np.nan) for name in VALUES}
    for row in body:
        t, k = int(row[0]) - 1, int(row[2]) - 1
        tokens[t] = _restored(row[1])
        for name, value in zip(VALUES, row[3:], strict=True):
            arrays[name][t, k] = float(value)
    return tuple(tokens), arrays


def trace_npz(trace: LSTMTrace, tokens) -> bytes:
    """An ``.npz`` with x (T, X), z (T, 4H), i, f, g, o, c, h, c_prev, h_prev (T, H) and
    ``tokens`` (T,) as a unicode array: it loads with ``allow_pickle=False``."""
    _check(trace, tokens)
    arrays = {name: np.asarray(getattr(trace, name)) for name in ("x", "z", *VALUES)}
    out = io.BytesIO()
    np.savez(out, tokens=np.asarray(list(tokens), dtype=str), **arrays)
    return out.getvalue()
