"""The recurrency baseline of Gastinger et al. (2024), "History repeats itself: A Baseline
for Temporal Knowledge Graph Forecasting" (IJCAI 2024).

For a query (s, r, ?, t) an object o scores
    alpha * lambda ** (t - last day (s, r, o) was seen)            strict recurrency (psi)
  + (1 - alpha) * count(s, r, o) / count(s, r, *)                  relaxed recurrency (xi)
and objects never seen with (s, r) are not named (they rank below, tied). lambda and alpha
are picked on the validation split by grid search, as in the paper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from barograph.analysis.forecast.data import TKG
from barograph.analysis.forecast.evaluate import Day, all_facts, iter_days, rank_plan
from barograph.analysis.forecast.history import Sorted, Table, expand, is_prefix_of

LAMBDAS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
ALPHAS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0)


@dataclass
class RecurrencyParts:
    q: np.ndarray
    o: np.ndarray
    age: np.ndarray  # days since (s, r, o) was last seen
    share: np.ndarray  # count(s, r, o) / count(s, r, *)


def parts(day: Day, n_ent: int, n_rel2: int, index: Sorted | None = None) -> RecurrencyParts:
    """Each query's objects seen with (s, r) before the day, their age and share. `index`:
    the graph's facts sorted by (s, r, o), when the day's history is a prefix of them."""
    if index is None:
        h = day.history
        t = Table.build((h[:, 0] * n_rel2 + h[:, 1]) * n_ent + h[:, 2], h[:, 3], day.day, ())
    else:
        t = index.table(day.day, ())
    sr = t.key // n_ent
    qkey = day.qs * n_rel2 + day.qr
    lo, hi = np.searchsorted(sr, qkey, "left"), np.searchsorted(sr, qkey, "right")
    q, rows = expand(lo, hi)
    tot = np.bincount(q, weights=t.count[rows], minlength=len(qkey))
    return RecurrencyParts(q, t.key[rows] % n_ent, day.day - t.last[rows], t.count[rows] / tot[q])


def score(p: RecurrencyParts, lam: float, alpha: float) -> np.ndarray:
    return alpha * np.power(lam, p.age.astype(float)) + (1 - alpha) * p.share + 1e-300


class Recurrency:
    def __init__(self, n_ent: int, n_rel: int, lam: float = 0.9, alpha: float = 0.99):
        self.n_ent, self.n_rel2, self.lam, self.alpha = n_ent, 2 * n_rel, lam, alpha
        self._facts: np.ndarray | None = None  # the graph tuned on, in day order ...
        self._index: Sorted | None = None  # ... sorted once by (s, r, o)

    def _parts(self, day: Day) -> RecurrencyParts:
        covered = self._facts is not None and is_prefix_of(self._facts, day.history, day.day)
        return parts(day, self.n_ent, self.n_rel2, self._index if covered else None)

    def __call__(self, day: Day):
        p = self._parts(day)
        return p.q, p.o, score(p, self.lam, self.alpha)

    def tune(self, g: TKG, split: str = "valid", progress: Callable[[int], None] | None = None) -> dict:
        """Grid-search lambda and alpha on a split (each day's history aggregated once)."""
        self._facts = all_facts(g)  # its days (and later the test days) are cut from one sort
        f = self._facts
        self._index = Sorted.of((f[:, 0] * self.n_rel2 + f[:, 1]) * self.n_ent + f[:, 2], f[:, 3])
        # each day's candidates are ranked under every (lambda, alpha) as the day is read, and
        # only the sums of reciprocal ranks are kept: no split's candidates are held at once
        grid = [(lam, alpha) for lam in LAMBDAS for alpha in ALPHAS]
        total, n = np.zeros(len(grid)), 0
        for day in iter_days(g, split):
            p = self._parts(day)
            plan = rank_plan(day, p.q, p.o, self.n_ent)
            for i, (lam, alpha) in enumerate(grid):
                total[i] += float(np.sum(1.0 / plan.ranks(score(p, lam, alpha))))
            n += plan.n_facts
            if progress:
                progress(len(day.facts))
        mrr = total / max(n, 1)
        best = int(np.argmax(mrr))  # the first best in grid order, as before
        self.lam, self.alpha = grid[best]
        return {"valid_mrr": float(mrr[best]), "lambda": self.lam, "alpha": self.alpha}
