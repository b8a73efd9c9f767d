# Quick start: `make demo` runs the main job, `make test` runs every check. Both create .venv and
# install the project from its own files first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint typing pytest bench tox clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(INSTALLED)
	$(BIN)/python scripts/demo.py

test: lint typing pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typing: $(INSTALLED)
	$(BIN)/mypy

# Hypothesis runs its `ci` profile; benchmarks run once each, untimed, so they stay correct.
pytest: $(INSTALLED)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest --benchmark-disable

# Timed benchmarks, saved under .benchmarks/ (see README, "Benchmarks").
bench: $(INSTALLED)
	$(BIN)/python -m pytest tests/benchmarks tests/function/benchmarks --benchmark-only --benchmark-autosave

# The tox matrix, with the pyenv interpreters made visible to tox.
tox: $(INSTALLED)
	$(BIN)/tox run-parallel --discover $(wildcard $(HOME)/.pyenv/versions/3.1[0-3].*/bin/python3.1[0-3])

clean:
	rm -rf $(VENV) .tox .pytest_cache .mypy_cache .ruff_cache .hypothesis .benchmarks *.egg-info
