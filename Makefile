# Quick start: `make demo` runs the main job, `make test` runs every check. Both create .venv and
# install the project from its own files first: the demo only the library and what the example function
# needs, the checks the whole developer toolchain.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_INSTALLED := $(VENV)/.demo-installed

.PHONY: demo test lint typing pytest bench bench-compare bench-chart peers tox clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The library (requests-toolbelt for the demo's multipart uploads) and the image function's requirements.
$(DEMO_INSTALLED): pyproject.toml function/requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[toolbelt]" -r function/requirements.txt
	touch $@

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(DEMO_INSTALLED)
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

# Timed benchmarks against a saved run, nothing saved: BASELINE=NNNN picks run NNNN of .benchmarks/
# (default: the latest); fails when a median is more than 15% slower (BENCH_FAIL).
BASELINE ?=
BENCH_FAIL ?= median:15%
bench-compare: $(INSTALLED)
	$(BIN)/python -m pytest tests/benchmarks tests/function/benchmarks --benchmark-only \
		--benchmark-compare$(if $(BASELINE),=$(BASELINE)) --benchmark-compare-fail=$(BENCH_FAIL)

# Chart of the last LAST saved runs in docs/benchmarks.svg; prints each benchmark's newest/previous ratio.
LAST ?= 3
bench-chart: $(INSTALLED)
	$(BIN)/python scripts/bench_compare.py --last $(LAST)

# Our event fabrication against AWS SAM CLI's (issue #6), in tox's own env with aws-sam-cli installed.
peers: $(INSTALLED)
	$(BIN)/tox run -e peers

# The tox matrix in parallel (tox.ini finds pyenv's interpreters through virtualenv-pyenv).
tox: $(INSTALLED)
	$(BIN)/tox run-parallel

clean:
	rm -rf $(VENV) .tox .pytest_cache .mypy_cache .ruff_cache .hypothesis .benchmarks *.egg-info
