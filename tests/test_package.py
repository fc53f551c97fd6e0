"""Tests for the lstm_viz package as a whole: its imports, its public names, its examples."""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import lstm_viz

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("streamlit", "plotly", "torch", "tensorflow", "keras")


def test_core_imports_no_ui_or_framework_library():
    code = ("import json, sys, lstm_viz; "
            f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}); "
            "print(json.dumps([heavy, 'lstm_viz.stack' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    heavy, imported = json.loads(out.stdout)
    assert imported  # the import really happened
    assert heavy == []


@pytest.mark.parametrize("module", ["lstm_viz", "lstm_viz.cell", "lstm_viz.stack"])
def test_all_names_exist(module):
    mod = importlib.import_module(module)
    assert mod.__all__ and len(set(mod.__all__)) == len(mod.__all__)
    missing = [name for name in mod.__all__ if not hasattr(mod, name)]
    assert missing == []


def test_package_exports_the_core():
    for name in ("LSTM", "LSTMTrace", "LSTMStep", "StackedLSTM", "StackedTrace", "Dense",
                 "sigmoid", "GATES"):
        assert name in lstm_viz.__all__
    assert lstm_viz.GATES == ("i", "f", "g", "o")


@pytest.mark.parametrize("module", ["lstm_viz", "lstm_viz.cell", "lstm_viz.stack"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), verbose=False)
    assert result.attempted > 0, f"{module} has no examples"
    assert result.failed == 0
