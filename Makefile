# Two commands on a fresh machine with Python 3.10 or newer and make:
#   make run   - start the app on http://localhost:8501
#   make test  - lint and run every test (browser tests need /usr/bin/chromium)
# Another Python gets a venv of its own: make test PYTHON=python3.13 makes .venv-python3.13
# (or name it: VENV=...). CI runs the suite on the lowest and highest tested Python (.ci/run).
PYTHON ?= python3
ifneq ($(filter command line environment,$(origin PYTHON)),)
VENV   ?= .venv-$(notdir $(PYTHON))
endif
VENV   ?= .venv
BIN    := $(VENV)/bin

# The oldest Python supported, read from pyproject.toml's requires-python (one place).
PY_MIN := $(shell sed -n 's/^requires-python = ">=\([0-9.]*\)"$$/\1/p' pyproject.toml)

.PHONY: run test lint bench clean audit

# Checked before any venv is made, in one line, instead of half-installing: a Python older
# than PY_MIN (Python 2 included), or a PYTHON that does not run.
CHECK_PYTHON = @$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < tuple(int(n) for n in "$(PY_MIN)".split(".")))' 2>/dev/null \
	|| { echo "make: PYTHON=$(PYTHON) is not a Python $(PY_MIN) or newer (it says: $$($(PYTHON) --version 2>&1 | head -n 1)); name another, e.g. make $(or $(MAKECMDGOALS),test) PYTHON=python3.11" >&2; exit 1; }

$(BIN)/python:
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# One BLAS thread per server process: the core's per-step products are small, and
# threaded OpenBLAS was measured slower on them (benchmarks/core_vs_torch.py); the
# sessions of a class share the cores anyway. asgi.py is Streamlit's app with its frontend
# bundles precompressed (serve/): a class's first load is ~3 MB instead of 11 MB; the first
# start on a machine compresses them into ~/.cache/lstm-viz/static (about a minute, once).
run: $(VENV)/.run-deps
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/streamlit run asgi.py

# ruff, then the import contracts of pyproject.toml (pages → ui → figures → text → lstm_viz)
lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

# Known vulnerabilities in requirements.txt fail the build; the summary line says how many
# packages could actually be checked (pip-audit skips those whose advisories it cannot fetch).
AUDIT := .venv-audit

$(AUDIT)/.deps: requirements-audit.txt
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(AUDIT)
	$(AUDIT)/bin/python -m pip install --quiet -r requirements-audit.txt
	touch $@

audit: $(AUDIT)/.deps
	$(AUDIT)/bin/python deploy/audit.py -r requirements.txt

bench: $(VENV)/.dev-deps
	$(BIN)/python benchmarks/core_vs_torch.py
	$(BIN)/python benchmarks/app_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
