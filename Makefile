# Two commands on a fresh machine with Python 3.10+ and make:
#   make run   - start the app on http://localhost:8501
#   make test  - lint and run every test (browser tests need /usr/bin/chromium)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.run-deps
	$(BIN)/streamlit run app.py

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

bench: $(VENV)/.dev-deps
	$(BIN)/python benchmarks/core_vs_torch.py
	$(BIN)/python benchmarks/app_latency.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
