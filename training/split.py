"""The one fixed split of the ConfliBERT CAMEO sentences: 80% to build with, 20% to report on.

Why a hash of ``id`` and not a random seed: the split must be the same for anyone, on any
machine, whatever order the file is read in, and a sentence must never move between parts
when the file grows. A sentence is in the test part when the first 8 hex digits of the
SHA-256 of its ``id``, read as an integer, are 0 modulo 5 (about 20%). Model selection
reads only ``dev``; ``test`` is opened once, to report.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "train" / "conflibert-cameo-train.jsonl"


def is_test(sentence_id: str) -> bool:
    """True for the fixed 20% test part."""
    return int(hashlib.sha256(sentence_id.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0


def load(part: str, path: str | Path = DEFAULT) -> list[dict]:
    """Rows of ``part`` ("dev" = 80%, "test" = 20%) in file order."""
    if part not in ("dev", "test"):
        raise ValueError(f"part must be dev or test, not {part!r}")
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if is_test(row["id"]) == (part == "test"):
                    rows.append(row)
    return rows


def folds(rows: list[dict], k: int = 5) -> list[int]:
    """A fold number per dev row, again by hash (digits 8-16), for k-fold selection."""
    return [int(hashlib.sha256(r["id"].encode("utf-8")).hexdigest()[8:16], 16) % k for r in rows]
