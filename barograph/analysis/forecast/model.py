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
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize

from barograph.analysis.forecast.data import TKG, with_inverses
from barograph.analysis.forecast.evaluate import Day, iter_days
from barograph.analysis.forecast.features import (
    FEATURES,
    DayFeatures,
    Prior,
    day_features,
)


class Forecaster:
    def __init__(self, g: TKG, prior: Prior | None = None, l2: float = 1e-4, l2_group: float = 1e-3,
                 groups: bool = False, rerank: bool = True, rerank_top: int = 100, trees: int = 200):
        self.g, self.l2, self.l2_group = g, l2, l2_group
        self.rerank, self.rerank_top, self.trees = rerank, rerank_top, trees
        self.booster = None
        self.prior = prior or Prior.fit(with_inverses(g.splits["train"], g.n_rel), g.n_ent, g.n_rel)
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
        return day_features(day, self.g.n_ent, self.g.n_rel, self.prior)

    def __call__(self, day: Day):
        f = self.features(day)
        return f.q, f.o, self.score(f.X, day.qr[f.q], f.q)

    def linear(self, X: np.ndarray, r: np.ndarray) -> np.ndarray:
        W = self.w[None, :] + self.dw
        Z = (X - self.mean) / self.std
        return np.einsum("ij,ij->i", Z, W[self.group[r]])

    def score(self, X: np.ndarray, r: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Linear scores; with the reranker, each query's top candidates are re-ordered by
        the trees and placed above the rest."""
        s = self.linear(X, r)
        if self.booster is None:
            return s
        top = self.top_rows(s, q)
        out = s - 1e6  # below every re-ranked candidate, in linear order
        out[top] = self.booster.predict(self.tree_input(X[top], s[top]), num_threads=2)
        return out

    def top_rows(self, s: np.ndarray, q: np.ndarray) -> np.ndarray:
        order = np.lexsort((-s, q))
        qs = q[order]
        pos = np.empty(len(q), dtype=np.int64)
        pos[order] = np.arange(len(q)) - np.searchsorted(qs, qs)
        return pos < self.rerank_top

    def tree_input(self, X: np.ndarray, s: np.ndarray) -> np.ndarray:
        return np.column_stack([(X - self.mean) / self.std, s]).astype(np.float32)

    def fit(self, splits: tuple[tuple[str, int], ...] = (("train", 30), ("valid", 0)),
            progress: Callable[[int], None] | None = None) -> dict:
        """Fit on the last N days of each split (0: all of it), history strictly before each day."""
        Xs, qs, ys, gs = [], [], [], []
        nq = 0
        for split, last_n in splits:
            days = np.unique(self.g.splits[split][:, 3])
            start = days[-last_n] if last_n else days[0]
            for day in iter_days(self.g, split):
                if day.day < start:
                    continue
                f = self.features(day)
                akey = np.unique(day.fact_query * self.g.n_ent + day.facts[:, 2])
                y = np.isin(f.q * self.g.n_ent + f.o, akey)
                keep = np.isin(f.q, f.q[y])  # queries whose answer is among the candidates
                Xs.append(f.X[keep].astype(np.float32))
                qs.append(f.q[keep] + nq)
                ys.append(y[keep])
                gs.append(self.group[day.qr[f.q[keep]]])
                nq += len(day.qs)
                if progress:
                    progress(len(day.facts))
        X, q, y, grp = np.concatenate(Xs), np.concatenate(qs), np.concatenate(ys), np.concatenate(gs)
        del Xs
        _, q = np.unique(q, return_inverse=True)
        self.mean, self.std = X.mean(0), X.std(0)
        self.std[self.std < 1e-9] = 1.0  # a constant feature stays 0 after scaling
        order = np.lexsort((q, grp))  # rows by group, then query: each group is one slice
        Z = ((X[order] - self.mean) / self.std).astype(np.float32)
        del X
        q, y, grp = q[order], y[order], grp[order]
        starts = np.flatnonzero(np.r_[True, q[1:] != q[:-1]])
        bounds = np.searchsorted(grp, np.arange(self.n_groups + 1))
        n_pos = y.sum()
        npos_q = np.bincount(q, weights=y.astype(float))
        zy = [Z[bounds[k]:bounds[k + 1]][y[bounds[k]:bounds[k + 1]]].sum(0, dtype=np.float64)
              for k in range(self.n_groups)]
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
            gD = np.stack([zy[k] - (coef[bounds[k]:bounds[k + 1]] @ Z[bounds[k]:bounds[k + 1]]) for k in range(G)])
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
        info = {"loss": float(res.fun), "queries": len(starts), "rows": len(Z), "iters": int(res.nit)}
        if self.rerank:
            info["rerank_rows"] = self._fit_trees(Z, q, y, grp)
        return info

    def _fit_trees(self, Z: np.ndarray, q: np.ndarray, y: np.ndarray, grp: np.ndarray) -> int:
        import lightgbm as lgb

        s = np.empty(len(Z))
        for k in range(self.n_groups):
            a, b = np.searchsorted(grp, [k, k + 1])
            s[a:b] = Z[a:b] @ (self.w + self.dw[k]).astype(np.float32)
        keep = self.top_rows(s, q) | y  # the stage sees what it will re-order, plus the answers
        Zk, sk, qk = Z[keep], s[keep], q[keep]
        runs = np.flatnonzero(np.r_[True, qk[1:] != qk[:-1]])
        sizes = np.diff(np.r_[runs, len(qk)])
        X = np.column_stack([Zk, sk]).astype(np.float32)
        params = {"objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 31, "min_data_in_leaf": 100,
                  "lambdarank_truncation_level": 20, "num_threads": 2, "verbose": -1, "seed": 0,
                  "deterministic": True}
        self.booster = lgb.train(params, lgb.Dataset(X, y[keep].astype(int), group=sizes), self.trees)
        return len(X)

    def weights(self) -> dict[str, float]:
        """The shared weights (each relation group adds its own deviation, see `dw`)."""
        return dict(zip(FEATURES, self.w))
