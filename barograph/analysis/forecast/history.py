"""Aggregates of a history of (s, r, o, day) facts, looked up by sorted integer keys.

Recomputed from scratch for each forecast day: a history of ~200k facts aggregates in tens
of milliseconds with numpy, which is simpler and safer (no state to leak) than updating.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Table:
    """Facts grouped by an int64 key: count, first and last day, and recency-decayed counts."""

    key: np.ndarray
    count: np.ndarray
    last: np.ndarray
    decayed: dict[float, np.ndarray]
    first: np.ndarray | None = None

    @classmethod
    def build(cls, key: np.ndarray, d: np.ndarray, day: int, taus: tuple[float, ...]) -> Table:
        k, inv = np.unique(key, return_inverse=True)
        cnt = np.bincount(inv, minlength=len(k)).astype(np.float64)
        last = np.full(len(k), -1, dtype=np.int64)
        np.maximum.at(last, inv, d)
        first = np.full(len(k), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, inv, d)
        age = (day - d).astype(np.float64)
        dec = {t: np.bincount(inv, weights=np.exp(-age / t), minlength=len(k)) for t in taus}
        return cls(k, cnt, last, dec, first)

    def find(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row index, found mask) of each key."""
        if len(self.key) == 0:
            return np.zeros(len(key), dtype=np.int64), np.zeros(len(key), dtype=bool)
        pos = np.searchsorted(self.key, key)
        pos = np.minimum(pos, len(self.key) - 1)
        return pos, self.key[pos] == key

    def get(self, key: np.ndarray, what: str = "count", tau: float | None = None, default: float = 0.0):
        pos, ok = self.find(key)
        src = self.decayed[tau] if what == "decayed" else getattr(self, what)
        if len(src) == 0:
            return np.full(len(key), default, dtype=np.float64)
        return np.where(ok, src[pos], default)

    def ranges(self, lo_key: np.ndarray, hi_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row ranges [lo, hi) of keys in [lo_key, hi_key)."""
        return np.searchsorted(self.key, lo_key), np.searchsorted(self.key, hi_key)


def expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo_i, hi_i): (owner i, row) of every row, without a Python loop."""
    n = hi - lo
    owner = np.repeat(np.arange(len(lo)), n)
    start = np.repeat(lo - np.concatenate([[0], np.cumsum(n)[:-1]]), n)
    return owner, np.arange(n.sum()) + start
