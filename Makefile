# Two commands for a fresh machine: `make run` and `make test`. Both bootstrap .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := callin

.PHONY: run test bootstrap venv translations bench

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

translations: venv
	$(BIN)/pybabel compile --use-fuzzy -d translations

bootstrap: venv translations
	$(BIN)/flask bootstrap

run: bootstrap
	$(BIN)/python serve.py

test: venv translations
	$(BIN)/python -m pytest

bench: venv
	$(BIN)/python bench/push_latency.py
