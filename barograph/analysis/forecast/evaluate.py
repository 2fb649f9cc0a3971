"""Single-step forecasting evaluation with the time-aware filter (Gastinger et al. 2023).

Each test quadruple (s, r, o, t) asks two queries: (s, r, ?, t) and, through the inverse
relation, (o, r^-1, ?, t). The history a scorer sees is every fact strictly before day t
(earlier test days included), never day t itself. The filter removes only the *other* true
answers of the same query on the same day. A scorer returns candidates with scores; every
entity it does not name ranks below all of its candidates, tied with the other unnamed ones.
Ties count as the mean of the optimistic and pessimistic rank, for every method alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from barograph.analysis.forecast.data import TKG, with_inverses


@dataclass
class Day:
    """The queries of one day and the history before it (inverse relations included)."""

    day: int
    history: np.ndarray  # (n, 4) s r o d with d < day, sorted by d
    facts: np.ndarray  # (m, 4) the day's facts, including inverses; the answers
    qs: np.ndarray  # unique queries: subject ...
    qr: np.ndarray  # ... and relation
    fact_query: np.ndarray  # index into qs/qr of each fact


class Candidates(Protocol):
    """What a scorer returns for one Day: parallel arrays (query index, entity, score)."""

    q: np.ndarray
    o: np.ndarray
    score: np.ndarray


ScoreFn = Callable[[Day, int, int], tuple[np.ndarray, np.ndarray, np.ndarray]]


def all_facts(g: TKG) -> np.ndarray:
    """Every split with inverses, sorted by day: history of day d is a prefix of it."""
    q = with_inverses(np.concatenate([g.splits[s] for s in ("train", "valid", "test") if s in g.splits]), g.n_rel)
    return q[np.argsort(q[:, 3], kind="stable")]


def iter_days(g: TKG, split: str, facts: np.ndarray | None = None) -> Iterator[Day]:
    """Days of a split in time order, each with the strictly earlier history."""
    every = all_facts(g) if facts is None else facts
    ev = with_inverses(g.splits[split], g.n_rel)
    r2 = 2 * g.n_rel
    for day in np.unique(ev[:, 3]):
        hist = every[: np.searchsorted(every[:, 3], day, side="left")]
        f = ev[ev[:, 3] == day]
        key = f[:, 0] * r2 + f[:, 1]
        uq, inv = np.unique(key, return_inverse=True)
        yield Day(int(day), hist, f, uq // r2, uq % r2, inv)


@dataclass
class RankPlan:
    """What ranking a day's facts among a scorer's candidates needs that does not depend on
    the scores: which candidates each fact competes with, and where an unnamed answer ranks.
    The recurrency baseline's grid search scores the same candidates 56 ways a day; with the
    plan made once, each way costs a gather and two counts (on a GDELT-sized graph the search
    had taken longer than fitting barograph)."""

    n_facts: int
    own: np.ndarray  # for each (fact, competing candidate) pair: the fact ...
    row: np.ndarray  # ... and the candidate's row
    comp: np.ndarray  # whether the candidate competes (it is not an answer of the query)
    hit_fact: np.ndarray  # facts their query names, and ...
    hit_row: np.ndarray  # ... the candidate row that names them
    rank_unnamed: np.ndarray  # rank of each fact if unnamed

    def ranks(self, score: np.ndarray) -> np.ndarray:
        fscore = np.full(self.n_facts, -np.inf)
        fscore[self.hit_fact] = score[self.hit_row]
        sc, fs = score[self.row], fscore[self.own]
        gt = np.bincount(self.own, weights=self.comp & (sc > fs), minlength=self.n_facts)
        eq = np.bincount(self.own, weights=self.comp & (sc == fs), minlength=self.n_facts)
        named = np.zeros(self.n_facts, dtype=bool)
        named[self.hit_fact] = True
        return np.where(named, 1 + gt + eq / 2.0, self.rank_unnamed)


def rank_plan(day: Day, q: np.ndarray, o: np.ndarray, n_ent: int) -> RankPlan:
    """The score-free part of `filtered_ranks` for one day's candidates (q, o)."""
    from barograph.analysis.forecast.history import expand

    nq = len(day.qs)
    fq, fo = day.fact_query, day.facts[:, 2]
    if len(fq) == 0:
        e = np.zeros(0, dtype=np.int64)
        return RankPlan(0, e, e, np.zeros(0, dtype=bool), e, e, np.zeros(0))
    # answers of each query (unique pairs), to filter them out of the competition
    akey = np.unique(fq * n_ent + fo)
    ckey = q * n_ent + o
    is_answer = akey[np.minimum(np.searchsorted(akey, ckey), len(akey) - 1)] == ckey
    n_comp = np.bincount(q[~is_answer], minlength=nq)
    n_named_answers = np.bincount(q[is_answer], minlength=nq)
    # every fact against the candidates of its query
    order = np.argsort(q, kind="stable")
    qsort = q[order]
    own, k = expand(np.searchsorted(qsort, fq, "left"), np.searchsorted(qsort, fq, "right"))
    row = order[k]
    hit = o[row] == fo[own]
    # unnamed answer: below every competitor, tied with every other unnamed non-answer entity
    n_answers = np.bincount(akey // n_ent, minlength=nq)
    tied = n_ent - n_comp - n_named_answers - (n_answers - n_named_answers)  # unnamed, not an answer
    rank_unnamed = 1 + n_comp[fq] + tied[fq] / 2.0
    return RankPlan(len(fq), own, row, ~is_answer[row], own[hit], row[hit], rank_unnamed)


def filtered_ranks(day: Day, q: np.ndarray, o: np.ndarray, score: np.ndarray, n_ent: int) -> np.ndarray:
    """Time-aware filtered rank of each fact of the day (mean of optimistic and pessimistic).

    Each fact is compared with its own query's candidates only (a join by query, no global
    sort of the scores), so the cost is the sum over facts of their query's candidate count."""
    return rank_plan(day, q, o, n_ent).ranks(score)


def metrics(ranks: np.ndarray) -> dict[str, float]:
    ranks = np.asarray(ranks, dtype=float)
    return {
        "mrr": float(np.mean(1.0 / ranks)) if len(ranks) else 0.0,
        "h1": float(np.mean(ranks <= 1)) if len(ranks) else 0.0,
        "h3": float(np.mean(ranks <= 3)) if len(ranks) else 0.0,
        "h10": float(np.mean(ranks <= 10)) if len(ranks) else 0.0,
        "n": len(ranks),
    }


def evaluate(
    score_day: Callable[[Day], tuple[np.ndarray, np.ndarray, np.ndarray]], g: TKG, split: str = "test", progress: Callable[[int], None] | None = None
) -> dict:
    """Rank every fact of a split with a scorer; returns metrics plus the raw ranks."""
    ranks = []
    for day in iter_days(g, split):
        q, o, s = score_day(day)
        ranks.append(filtered_ranks(day, q, o, s, g.n_ent))
        if progress:
            progress(len(day.facts))
    r = np.concatenate(ranks) if ranks else np.zeros(0)
    out = metrics(r)
    out["ranks"] = r
    return out
