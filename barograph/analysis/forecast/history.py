"""Aggregates of a history of (s, r, o, day) facts, looked up by sorted integer keys.

Each forecast day's tables hold exactly the facts before that day and nothing kept from the
previous day (no state to leak). What is shared between days is one sort: `Sorted` orders a
whole graph's facts by a key once, and the table of "every fact before day t" is then a mask
and a few linear passes over it. Sorting the history again for every day had been a quarter
of an ICEWS18 test day's 2.0 s of CPU, and 4 of the 10.6 s of a day of 4.4 million facts.
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
        dec = {t: np.bincount(inv, weights=w, minlength=len(k)) for t, w in decayed(day, d, taus).items()}
        return cls(k, cnt, last, dec, first)

    @classmethod
    def of_sorted(cls, key: np.ndarray, d: np.ndarray, day: int, taus: tuple[float, ...]) -> Table:
        """The same table as `build`, from facts already sorted by key and, within a key, by
        day: no sort, and the decayed sums add each key's facts in the same order as `build`
        does for a history in day order, so the two agree to the last bit."""
        if len(key) == 0:
            return cls.build(key, d, day, taus)
        new = run_starts(key)
        starts = np.flatnonzero(new)
        seg = np.cumsum(new) - 1
        ends = np.r_[starts[1:], len(key)] - 1
        cnt = np.diff(np.r_[starts, len(key)]).astype(np.float64)
        dec = {t: np.bincount(seg, weights=w, minlength=len(starts)) for t, w in decayed(day, d, taus).items()}
        return cls(key[starts], cnt, d[ends].astype(np.int64), dec, d[starts].astype(np.int64))

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


def decayed(day: int, d: np.ndarray, taus: tuple[float, ...]) -> dict[float, np.ndarray]:
    """exp(-(day - d) / tau) of each fact's day d, per tau, read from a table of the days
    that occur: millions of facts span a few thousand days at most, and a lookup costs a
    fraction of an exp (exp had been a third of a GDELT-sized day's table time). Bit for bit
    what np.exp gives each age."""
    if len(d) == 0:
        return {t: np.zeros(0) for t in taus}
    lo = int(d.min())
    if day - lo > len(d):  # days spread thinly: the table would be the larger
        age = (day - d).astype(np.float64)
        return {t: np.exp(-age / t) for t in taus}
    i = d - lo if lo else d
    age = (day - np.arange(lo, max(day, int(d.max()) + 1), dtype=np.int64)).astype(np.float64)
    return {t: np.exp(-age / t)[i] for t in taus}


def run_starts(key: np.ndarray) -> np.ndarray:
    """Mask of the rows of a sorted array where a run of equal values starts (what np.unique
    finds by sorting, for keys that are sorted already)."""
    return np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)


@dataclass
class Sorted:
    """Facts sorted once by an integer key (then by day), so that the table of any prefix
    "facts before day t" (`table`) needs no sort: a benchmark reads hundreds of such prefixes
    of one graph, each one a day longer than the last."""

    key: np.ndarray
    day: np.ndarray

    @classmethod
    def of(cls, key: np.ndarray, d: np.ndarray) -> Sorted:
        order = np.lexsort((d, key))  # stable: facts of one key and day keep their order
        return cls(key[order], d[order])

    def table(self, day: int, taus: tuple[float, ...]) -> Table:
        """`Table.build` over the facts before `day`."""
        m = self.day < day
        return Table.of_sorted(self.key[m], self.day[m], day, taus)


def is_prefix_of(facts: np.ndarray, history: np.ndarray, day: int) -> bool:
    """Whether `history` is exactly the facts (in day order) before `day`: the only case in
    which tables cut from a sort of `facts` may stand in for tables of `history`."""
    n = int(np.searchsorted(facts[:, 3], day, side="left"))
    return len(history) == n and np.array_equal(history, facts[:n])


def expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo_i, hi_i): (owner i, row) of every row, without a Python loop."""
    n = hi - lo
    owner = np.repeat(np.arange(len(lo)), n)
    start = np.repeat(lo - np.concatenate([[0], np.cumsum(n)[:-1]]), n)
    return owner, np.arange(n.sum()) + start
