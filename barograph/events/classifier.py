"""The learned part of the coder: which of the five event classes a sentence reports.

Why a classifier beside the dictionary: the PETRARCH2 patterns are precise where they match,
but on unseen news they matched in only a third of the sentences that report an event. A
fine-tuned sentence encoder reads the class of almost every sentence; ``hybrid.py`` decides,
per sentence, what each of the two says.

The shipped encoder is a student of one layer (the bottom layer of all-MiniLM-L6-v2), trained
by ``training/distill.py`` on the 80% development part of the ConfliBERT CAMEO sentences and on
a 6-layer teacher's readings of 16,000 unlabelled news sentences. Why so few layers: each layer
is most of a read's cost, and the coder must keep up with the parse; the size was chosen on
dev by the students' own out-of-fold readings (``training/student_cv.py``: a teacher per fold),
where the hybrid with one layer read best (``docs/coding.md``, coder 1.0.11). Why distilled:
few layers fine-tuned on 1,059 sentences alone were sure of wrong readings on prose unlike
them, and learning how the teacher reads thousands of other sentences fixed that (coder 1.0.8).

Inference needs only onnxruntime and the ``tokenizers`` library: the model is an int8 ONNX
file of ~14 MB committed in ``barograph/data/classifier`` with its tokenizer, its training
arguments, its calibration table and its SHA-256 (``meta.json``), all written by
``make model`` / ``make student`` (``training/export_onnx.py``, then ``training/fuse_onnx.py``
for a graph with fewer, cheaper nodes that reads the same). Nothing is fetched at run time.
Sentences are truncated to the model's window (128 word pieces) and run one a run
(``batch_size`` 1) on one thread, as each coding process owns one core: the activations are
quantised per run, so only a sentence run alone reads the same whatever its neighbours.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

CLASSES = ("statement", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict")
# the ConfliBERT / PETRARCH "PentaClass" of each CAMEO root (01-20)
ROOT_CLASS = {f"{r:02d}": (0 if r <= 2 else 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 or r == 16 else 4) for r in range(1, 21)}


def class_of(cameo: str) -> int | None:
    """Class 0-4 of a CAMEO code, None when it has no root."""
    return ROOT_CLASS.get(str(cameo or "")[:2])


TAGS = ("O", "SOURCE", "TARGET", "BOTH")

# onnxruntime's own session-time fusions that make this encoder slower on CPU (onnxruntime
# 1.32): measured alone on 128 x 384 activations its SkipLayerNormalization kernel takes ~5x the
# Add + LayerNormalization it replaces, and BiasGelu (128 x 1536) ~1.4x the Add + Gelu.
# ``training/fuse_onnx.py`` leaves both out of the file; the session must not put them back.
SLOW_FUSIONS = ["SkipLayerNormFusion", "BiasGeluFusion"]


def decode_spans(tag_probs, offsets) -> dict:
    """The event's source and target as character spans of the text, from per-word-piece tag
    probabilities: the run of pieces whose SOURCE (or BOTH) probability is at least 0.5 with
    the highest summed probability, likewise for TARGET. Shared with ``training/`` so the
    spans measured there are the spans the coder uses."""
    best = {}
    tag_probs = np.asarray(tag_probs)
    for role, (tag, both) in (("source", (1, 3)), ("target", (2, 3))):
        runs, cur = [], None
        role_probs = (tag_probs[:, tag] + tag_probs[:, both]).tolist() if len(tag_probs) else []
        for k, (lo, hi) in enumerate(offsets):
            if hi <= lo:
                continue
            p = role_probs[k]
            if p >= 0.5:
                if cur is None:
                    cur = [lo, hi, 0.0]
                cur[1], cur[2] = hi, cur[2] + p
            elif cur is not None:
                runs.append(cur)
                cur = None
        if cur is not None:
            runs.append(cur)
        if runs:
            lo, hi, score = max(runs, key=lambda r: r[2])
            best[role] = [int(lo), int(hi), round(score, 3)]
    return best


def default_dir() -> Path:
    return Path(str(resources.files("barograph") / "data" / "classifier"))


class EventClassifier:
    """``EventClassifier(path)``: a directory with event-class5.onnx, tokenizer.json, meta.json."""

    def __init__(self, path: str | Path | None = None, *, threads: int = 1, batch_size: int = 1):
        self.path = Path(path) if path else default_dir()
        self.meta = json.loads((self.path / "meta.json").read_text(encoding="utf-8"))
        self.threads = threads
        self.batch_size = batch_size
        self.max_length = int(self.meta.get("max_length", 128))

    @classmethod
    def available(cls, path: str | Path | None = None) -> bool:
        p = Path(path) if path else default_dir()
        return all((p / f).is_file() for f in ("event-class5.onnx", "tokenizer.json", "meta.json"))

    @cached_property
    def digest(self) -> str:
        """Hash of the weights and the calibration: both change what the coder outputs."""
        h = hashlib.sha256((self.path / "event-class5.onnx").read_bytes())
        h.update(json.dumps(self.meta.get("calibration"), sort_keys=True).encode())
        return h.hexdigest()[:12]

    @cached_property
    def _session(self):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        return ort.InferenceSession(str(self.path / "event-class5.onnx"), opts, providers=["CPUExecutionProvider"], disabled_optimizers=SLOW_FUSIONS)

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tok.enable_truncation(self.max_length)
        tok.no_padding()
        return tok

    @cached_property
    def _plover_head(self):
        """PLOVER type weights over the pooled vector (``training/plover_head.py``), if built."""
        path = self.path / "plover-head.npz"
        info = self.meta.get("plover_head")
        if not path.is_file() or not info:
            return None
        with np.load(path) as z:
            return z["weight"], z["bias"], tuple(info["types"])

    @property
    def types(self) -> tuple[str, ...]:
        head = self._plover_head
        return head[2] if head else ()

    def predict(self, texts: list[str]) -> np.ndarray:
        """Probabilities, one row of 5 per text; an empty text gets a row of zeros."""
        return self.read(texts).probs

    def read(self, texts: list[str]) -> "Readings":
        """Class probabilities (one row of 5 per text; zeros for an empty text), per text the
        source and target spans the tagger reads (``decode_spans``), and PLOVER type
        probabilities when the type head is installed."""
        out = np.zeros((len(texts), len(CLASSES)), dtype=np.float32)
        spans: list[dict] = [{} for _ in texts]
        head = self._plover_head
        types = np.zeros((len(texts), len(head[2])), dtype=np.float32) if head else None
        idx = [i for i, t in enumerate(texts) if t and t.strip()]
        if not idx:
            return Readings(out, spans, types, self.types)
        encs = self._tokenizer.encode_batch([texts[i] for i in idx])
        pieces = [e.ids for e in encs]  # each ``.ids`` builds a new list: read it once
        order = sorted(range(len(idx)), key=lambda k: len(pieces[k]))
        for b in range(0, len(order), self.batch_size):
            part = order[b : b + self.batch_size]
            width = max(len(pieces[k]) for k in part)
            ids = np.zeros((len(part), width), dtype=np.int64)
            mask = np.zeros((len(part), width), dtype=np.int64)
            for row, k in enumerate(part):
                ids[row, : len(pieces[k])] = pieces[k]
                mask[row, : len(pieces[k])] = 1
            probs, tags, pooled = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            if head is not None:
                z = pooled @ head[0].T + head[1]
                z = np.exp(z - z.max(1, keepdims=True))
                tp = z / z.sum(1, keepdims=True)
            for row, k in enumerate(part):
                out[idx[k]] = probs[row]
                spans[idx[k]] = decode_spans(tags[row, : len(pieces[k])], encs[k].offsets)
                if head is not None:
                    types[idx[k]] = tp[row]
        return Readings(out, spans, types, self.types)


@dataclass
class Readings:
    """What the classifier reads in a batch of texts, row for row."""

    probs: np.ndarray  # (n, 5) class probabilities
    spans: list[dict]  # {"source": [start, end, score], "target": [...]}
    types: np.ndarray | None = None  # (n, len(type_names)) PLOVER type probabilities
    type_names: tuple[str, ...] = ()

    def take(self, rows: list[int], n: int) -> "Readings":
        """Spread rows read for a subset back over n texts; the others read as zeros."""
        probs = np.zeros((n, self.probs.shape[1]), dtype=np.float32)
        spans: list[dict] = [{} for _ in range(n)]
        types = None if self.types is None else np.zeros((n, self.types.shape[1]), dtype=np.float32)
        for j, i in enumerate(rows):
            probs[i], spans[i] = self.probs[j], self.spans[j]
            if types is not None:
                types[i] = self.types[j]
        return Readings(probs, spans, types, self.type_names)


class FixedProbabilities:
    """Stands in for the model with probabilities computed elsewhere, keyed by sentence text.

    Used to calibrate and to tune the hybrid on out-of-fold predictions, so that no sentence
    is judged by a model that was trained on it.
    """

    digest = "fixed"

    def __init__(self, by_text: dict[str, tuple[list[float], dict]]):
        self.by_text = {k.strip(): v for k, v in by_text.items()}

    def _get(self, text: str) -> tuple[list[float], dict]:
        t = text.strip()
        if t in self.by_text:
            return self.by_text[t]
        # a record the sentence splitter cut in two: each part has its record's class, no spans
        return next(((v[0], {}) for k, v in self.by_text.items() if t and t in k), ([0.0] * len(CLASSES), {}))

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.read(texts)[0]

    def read(self, texts: list[str]) -> Readings:
        got = [self._get(t) for t in texts]
        return Readings(np.array([g[0] for g in got], dtype=np.float32).reshape(len(texts), len(CLASSES)), [g[1] for g in got])
