"""barograph's forecaster: rule-pattern evidence (features.py) combined by a listwise
log-linear ranker fitted on the days just before the ones it forecasts.

score(o | s, r, t) = w . x(s, r, o, t). With `groups=True` each relation group (QuadClass of
r x direction, 8 groups) adds its own deviation to w (more strongly regularised); it did
not help on ICEWS14, so it is off by default. The weights maximise the softmax likelihood of
the true objects among each query's candidates (L2-regularised, L-BFGS). Linear weights keep
every prediction explainable: a candidate's score is a sum of named pieces of evidence.

A second stage (`rerank=True`, the default) re-orders each query's top candidates of the
linear ranker with LightGBM lambdarank trees over the same features plus the linear score,
fitted on the same days; the trees' per-feature SHAP contributions keep it explainable.

`fit` chooses the L2 strength, the number of trees and whether to use the trees on the
validation split (fit on the training days, score validation), then refits on both: the
same procedure on every data set, so no constant was tuned on one benchmark's test split.
The fitting set is a uniform sample of at most FIT_QUERIES queries per split, which bounds
memory on large graphs (ICEWS18's 60 training days alone hold 129k queries).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize

from barograph.analysis.forecast.data import TKG, with_inverses
from barograph.analysis.forecast.evaluate import Day, all_facts, iter_days
from barograph.analysis.forecast.features import FEATURES, DayFeatures, HistoryIndex, Prior, day_features

FIT_QUERIES = 30_000  # queries fitted on per split at most (a memory and time bound, not a tuned value)
L2_GRID = (1e-5, 1e-4, 1e-3)
MAX_TREES = 300


def _return_freed_memory() -> None:
    """Hand the memory freed since the last stage back to the operating system (glibc's
    malloc_trim; elsewhere nothing). Each day's feature arrays of a few MB come from the heap
    and, once freed, stay in the process; on ICEWS18 they held 0.4 GiB while the final linear
    fit copied the fitting rows, the peak of the bench (3.68 -> 3.24 GiB measured at that
    stage, same results: only where freed memory goes changes, docs/forecast.md)."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)  # the symbols already loaded, libc's among them
    except (OSError, AttributeError, TypeError):  # not glibc: its allocator decides
        pass


def subset_day(day: Day, keep: np.ndarray) -> Day:
    """The same day with only the queries in the `keep` mask (and their facts)."""
    new = np.cumsum(keep) - 1
    fk = keep[day.fact_query]
    return Day(day.day, day.history, day.facts[fk], day.qs[keep], day.qr[keep], new[day.fact_query[fk]])


def _merge(parts: list[dict], offset: bool = True, consume: bool = False) -> dict:
    """Concatenate fitting rows; query ids stay distinct across parts when `offset`. With
    `consume`, each part is taken out of the list as soon as its rows are copied, so the
    largest fitting set is held once plus one part, not twice."""
    if not parts:
        return {"X": np.zeros((0, len(FEATURES)), np.float32), "q": np.zeros(0, np.int64), "y": np.zeros(0, bool), "r": np.zeros(0, np.int64)}
    sizes = [len(p["q"]) for p in parts]
    out = {k: np.empty((sum(sizes),) + parts[0][k].shape[1:], dtype=parts[0][k].dtype) for k in ("X", "q", "y", "r")}
    at, n = 0, 0
    for i in range(len(sizes)):
        p = parts.pop(0) if consume else parts[i]
        for k in ("X", "y", "r"):
            out[k][at : at + sizes[i]] = p[k]
        out["q"][at : at + sizes[i]] = p["q"] + n if offset else p["q"]
        n += int(p["q"].max()) + 1 if len(p["q"]) else 0
        at += sizes[i]
        del p
    return out


def _column_stats(X: np.ndarray, block: int = 1 << 18) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each column in float64, a block of rows at a time:
    `X.std(0, dtype=np.float64)` makes a float64 copy of the whole of X (twice its size)."""
    mean = X.mean(0, dtype=np.float64)
    ss = np.zeros(X.shape[1])
    for a in range(0, len(X), block):
        d = X[a : a + block] - mean
        ss += (d * d).sum(0)
    return mean, np.sqrt(ss / max(len(X), 1))


def candidate_mrr(score: np.ndarray, q: np.ndarray, y: np.ndarray) -> float:
    """MRR of the true rows (y) among their query's candidate rows, other true rows of the
    query filtered out, ties counted half: the selection measure on validation rows."""
    if not y.any():
        return 0.0
    allv, u = np.unique(score, return_inverse=True)
    nu = len(allv) + 1
    comp = np.sort(q[~y] * nu + u[~y])
    base = q[y] * nu
    hi = np.searchsorted(comp, base + u[y] + 1)
    gt = np.searchsorted(comp, base + nu) - hi
    eq = hi - np.searchsorted(comp, base + u[y])
    return float(np.mean(1.0 / (1 + gt + eq / 2.0)))


class Forecaster:
    def __init__(
        self,
        g: TKG,
        prior: Prior | None = None,
        l2: float = 1e-4,
        l2_group: float = 1e-3,
        groups: bool = False,
        rerank: bool = True,
        rerank_top: int = 100,
        trees: int = 200,
    ):
        """`l2` and `trees` are used as given by `fit(select=False)`; `fit()` chooses them."""
        self.g, self.l2, self.l2_group = g, l2, l2_group
        self.rerank, self.rerank_top, self.trees = rerank, rerank_top, trees
        self.booster = None
        self._index: HistoryIndex | None = None  # built on the first day asked for
        self.prior = prior or Prior.fit(with_inverses(g.splits["train"], g.n_rel), g.n_ent, g.n_rel)
        if self.prior.group is None:
            from barograph.analysis.forecast.features import entity_groups

            self.prior.group = entity_groups(g.entities)
        if self.prior.sector is None:
            from barograph.analysis.forecast.features import entity_sectors

            self.prior.sector = entity_sectors(g.entities)
        self.mean = np.zeros(len(FEATURES))
        self.std = np.ones(len(FEATURES))
        self.w = np.zeros(len(FEATURES))
        if groups:
            from barograph.analysis.forecast.data import relation_roots
            from barograph.events.codes import quad_class

            quad = np.array([quad_class(r) - 1 if r else 0 for r in relation_roots(g.relations)])
            self.group = np.concatenate([quad, quad + 4])  # by relation id with inverses
        else:
            self.group = np.zeros(2 * g.n_rel, dtype=np.int64)
        self.n_groups = int(self.group.max()) + 1
        self.dw = np.zeros((self.n_groups, len(FEATURES)))

    def weights_for(self, r: int) -> np.ndarray:
        """The weights a query with relation r (inverses included) is scored with."""
        return self.w + self.dw[self.group[r]]

    def features(self, day: Day) -> DayFeatures:
        """The day's candidates and features. A day of this graph (its history is every fact
        before it) reads its tables from the graph's HistoryIndex, sorted once; any other
        day (a store's history, a hand-made one) is indexed on its own."""
        if self._index is None:
            self._index = HistoryIndex(all_facts(self.g), self.g.n_ent, self.g.n_rel, self.prior.group, self.prior.sector)
        index = self._index if self._index.covers(day) else None
        return day_features(day, self.g.n_ent, self.g.n_rel, self.prior, index)

    def __call__(self, day: Day):
        f = self.features(day)
        return f.q, f.o, self.score(f.X, day.qr[f.q], f.q)

    def linear(self, X: np.ndarray, r: np.ndarray) -> np.ndarray:
        """Z @ w with Z the standardised features, computed as X @ (w / std) - (mean / std) @ w
        so that no standardised copy of a large X is made."""
        W = self.w[None, :] + self.dw
        V = (W / self.std[None, :]).astype(np.float32)
        c = V.astype(np.float64) @ self.mean
        if self.n_groups == 1:
            return (X @ V[0]).astype(np.float64) - c[0]
        g = self.group[r]
        out = np.empty(len(X))
        for k in range(self.n_groups):
            m = g == k
            out[m] = X[m] @ V[k] - c[k]
        return out

    def score(self, X: np.ndarray, r: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Linear scores; with the reranker, each query's top candidates are re-ordered by
        the trees and placed above the rest."""
        s = self.linear(X, r)
        if self.booster is None:
            return s
        top = self.top_rows(s, q)
        out = s - 1e6  # below every re-ranked candidate, in linear order
        out[top] = self.booster.predict(self.tree_input(X, s, np.flatnonzero(top)), num_threads=2)
        return out

    def top_rows(self, s: np.ndarray, q: np.ndarray) -> np.ndarray:
        order = np.lexsort((-s, q))
        qs = q[order]
        pos = np.empty(len(q), dtype=np.int64)
        pos[order] = np.arange(len(q)) - np.searchsorted(qs, qs)
        return pos < self.rerank_top

    def tree_input(self, X: np.ndarray, s: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """The standardised features and the linear score of X's rows (all, or `rows` of X
        and s), in one new array filled a block at a time: no other copy of a large X."""
        rows = np.arange(len(X)) if rows is None else rows
        out = np.empty((len(rows), X.shape[1] + 1), dtype=np.float32)
        mean, std = self.mean.astype(np.float32), self.std.astype(np.float32)
        for a in range(0, len(rows), 1 << 18):
            part = rows[a : a + (1 << 18)]
            out[a : a + len(part), :-1] = (X[part] - mean) / std
            out[a : a + len(part), -1] = s[part]
        return out

    def _collect(self, split: str, last_n: int, budget: int | None, rng: np.random.Generator, progress: Callable[[int], None] | None) -> dict:
        """Feature rows of the last N days of a split (0: all of it), each day seeing only its
        own past; at most `budget` queries, drawn uniformly over those days. A split shorter
        than N days is read whole (a graph with few timestamps, such as yearly ones)."""
        _return_freed_memory()
        days = np.unique(self.g.splits[split][:, 3])
        start = days[-min(last_n, len(days))] if last_n else days[0]
        ev = with_inverses(self.g.splits[split], self.g.n_rel)
        ev = ev[ev[:, 3] >= start]
        total = len(np.unique((ev[:, 3] * self.g.n_ent + ev[:, 0]) * 2 * self.g.n_rel + ev[:, 1]))
        rate = 1.0 if not budget or total <= budget else budget / total
        Xs, qs, ys, rs = [], [], [], []
        nq = answers = found = 0
        for day in iter_days(self.g, split):
            if day.day < start:
                continue
            if progress:
                progress(len(day.facts))
            if rate < 1.0:
                day = subset_day(day, rng.random(len(day.qs)) < rate)
            f = self.features(day)
            akey = np.unique(day.fact_query * self.g.n_ent + day.facts[:, 2])
            y = np.isin(f.q * self.g.n_ent + f.o, akey)
            answers, found = answers + len(akey), found + int(y.sum())
            keep = np.isin(f.q, f.q[y])  # queries whose answer is among the candidates
            Xs.append(f.X[keep])
            qs.append(f.q[keep] + nq)
            ys.append(y[keep])
            rs.append(day.qr[f.q[keep]])
            nq += len(day.qs)
        days = [{"X": X, "q": q, "y": y, "r": r} for X, q, y, r in zip(Xs, qs, ys, rs)]
        del Xs, qs, ys, rs
        out = _merge(days, offset=False, consume=True)
        # the share of answers the candidates name: what no ordering of them can win back
        out.update(queries=total, sampled=rate, recall=found / answers if answers else 0.0)
        return out

    def fit(
        self, splits: tuple[tuple[str, int], ...] = (("train", 60), ("valid", 0)), progress: Callable[[int], None] | None = None, select: bool = True
    ) -> dict:
        """Choose the hyperparameters on the last split, then fit on all of them.

        Every split (the last N days of it, 0: all) contributes at most FIT_QUERIES queries.
        With `select`, the L2 strength (L2_GRID), the number of trees (early stopping, at most
        MAX_TREES) and whether the trees help at all are chosen by fitting on the earlier
        splits and scoring the last one (validation); the final model is then fitted on every
        split with those choices. The test split never takes part."""
        rng = np.random.default_rng(0)
        parts = [self._collect(s, n, FIT_QUERIES, rng, progress) for s, n in splits]
        info: dict = {
            "sampled": {s: round(p["sampled"], 4) for (s, _), p in zip(splits, parts)},
            "recall": {s: round(p["recall"], 4) for (s, _), p in zip(splits, parts)},
        }
        if select and len(parts) > 1 and all(len(p["q"]) for p in parts):
            fit_part = parts[0] if len(parts) == 2 else _merge(parts[:-1])  # no copy of a single part
            val = parts[-1]
            best = None
            self.booster = None
            for l2 in L2_GRID:
                self.l2 = l2
                self._fit_linear(fit_part)
                m = candidate_mrr(self.score(val["X"], val["r"], val["q"]), val["q"], val["y"])
                info.setdefault("valid_mrr_linear", {})[l2] = round(m, 4)
                if best is None or m > best[0]:
                    best = (m, l2, self.w, self.dw, self.mean, self.std)
            _, self.l2, self.w, self.dw, self.mean, self.std = best
            info["l2"] = self.l2
            n_trees = 0
            if self.rerank:
                n_trees = self._fit_trees(fit_part, MAX_TREES, val)
                m = candidate_mrr(self.score(val["X"], val["r"], val["q"]), val["q"], val["y"])
                info["valid_mrr_rerank"] = round(m, 4)
                if m <= best[0]:
                    n_trees = 0
            self.trees = n_trees
            info["trees"] = n_trees
            info["valid_mrr"] = round(max(best[0], info.get("valid_mrr_rerank", 0.0)), 4)
            del fit_part, val
        data = _merge(parts, consume=True)
        del parts
        info.update(self._fit_linear(data))
        self.booster = None
        if self.rerank and self.trees:
            info["rerank_rows"] = self._fit_trees(data, self.trees)
        return info

    def _fit_linear(self, data: dict) -> dict:
        _return_freed_memory()  # before the standardised copy of the rows, the fit's peak
        X, q, y = data["X"], data["q"], data["y"]
        grp = self.group[data["r"]]
        _, q = np.unique(q, return_inverse=True)
        self.mean, self.std = _column_stats(X)
        self.std[self.std < 1e-9] = 1.0  # a constant feature stays 0 after scaling
        order = np.lexsort((q, grp))  # rows by group, then query: each group is one slice
        Z = X[order]  # a copy, standardised in place
        Z -= self.mean.astype(np.float32)
        Z /= self.std.astype(np.float32)
        q, y, grp = q[order], y[order], grp[order]
        starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
        bounds = np.searchsorted(grp, np.arange(self.n_groups + 1))
        n_pos = y.sum()
        npos_q = np.bincount(q, weights=y.astype(float))
        zy = [Z[bounds[k] : bounds[k + 1]][y[bounds[k] : bounds[k + 1]]].sum(0, dtype=np.float64) for k in range(self.n_groups)]
        F, G = Z.shape[1], self.n_groups

        def loss(params):
            w, D = params[:F], params[F:].reshape(G, F)
            with np.errstate(all="ignore"):
                return _loss(w, D)

        def _loss(w, D):
            s = np.empty(len(Z))
            for k in range(G):
                a, b = bounds[k], bounds[k + 1]
                s[a:b] = Z[a:b] @ (w + D[k]).astype(np.float32)
            m = np.maximum.reduceat(s, starts)
            e = np.exp(s - m[q])
            den = np.add.reduceat(e, starts)
            coef = (npos_q[q] * e / den[q]).astype(np.float32)
            # each true object contributes -log p; its query's normaliser is shared
            ll = s[y].sum() - (npos_q * (m + np.log(den))).sum()
            gD = np.stack([zy[k] - (coef[bounds[k] : bounds[k + 1]] @ Z[bounds[k] : bounds[k + 1]]) for k in range(G)])
            gw = gD.sum(0)
            val = -ll / n_pos + self.l2 * w @ w + self.l2_group * (D * D).sum()
            if not np.isfinite(val) or not np.isfinite(gD).all():  # a line-search step too far
                return 1e10, np.zeros(F * (G + 1))
            grad = np.concatenate([-gw / n_pos + 2 * self.l2 * w, (-gD / n_pos + 2 * self.l2_group * D).ravel()])
            return val, grad

        res = minimize(loss, np.zeros(F * (G + 1)), jac=True, method="L-BFGS-B", options={"maxiter": 500})
        self.w, self.dw = res.x[:F], res.x[F:].reshape(G, F)
        if G == 1:  # one group: its deviation is just more of the shared weights
            self.w, self.dw = self.w + self.dw[0], np.zeros_like(self.dw)
        return {"loss": float(res.fun), "queries": len(starts), "rows": len(Z), "iters": int(res.nit)}

    def _fit_trees(self, data: dict, n_trees: int, valid: dict | None = None) -> int:
        """Lambdarank trees over each query's top linear candidates (plus, when fitting, its
        answers). With `valid`, stops when NDCG@10 there has not improved for 20 rounds and
        returns the best number of trees; otherwise returns the rows fitted on."""
        import lightgbm as lgb

        _return_freed_memory()

        def prepare(d, with_answers, reference=None):
            s = self.linear(d["X"], d["r"])
            keep = self.top_rows(s, d["q"])
            if with_answers:
                keep |= d["y"]  # the stage sees what it will re-order, plus the answers
            order = np.flatnonzero(keep)
            order = order[np.argsort(d["q"][order], kind="stable")]
            qk = d["q"][order]
            sizes = np.diff(np.r_[np.flatnonzero(np.r_[True, qk[1:] != qk[:-1]]), len(qk)])
            return lgb.Dataset(self.tree_input(d["X"], s, order), d["y"][order].astype(int), group=sizes, reference=reference)

        params = {
            "objective": "lambdarank",
            "learning_rate": 0.1,
            "num_leaves": 31,
            "min_data_in_leaf": 100,
            "lambdarank_truncation_level": 20,
            "num_threads": 2,
            "verbose": -1,
            "seed": 0,
            "deterministic": True,
            "metric": "ndcg",
            "eval_at": [10],
        }
        train = prepare(data, True)
        if valid is None:
            self.booster = lgb.train(params, train, n_trees)
            return int(train.num_data())
        dv = prepare(valid, False, reference=train)
        self.booster = lgb.train(params, train, n_trees, valid_sets=[dv], callbacks=[lgb.early_stopping(20, verbose=False)])
        return int(self.booster.best_iteration or n_trees)

    def weights(self) -> dict[str, float]:
        """The shared weights (each relation group adds its own deviation, see `dw`)."""
        return dict(zip(FEATURES, self.w))
