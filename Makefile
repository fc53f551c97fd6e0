# Two commands on a fresh machine with Python 3.10+ and make:
#   make run   - start the app on http://localhost:8501
#   make test  - lint and run every test (browser tests need /usr/bin/chromium)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean audit

$(BIN)/python:
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
