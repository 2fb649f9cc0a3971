"""Dyad-level forecasts: will A and B be in material conflict (QuadClass 4) next week, and
which event types are likely next between them.

Weeks are 7-day bins. For every dyad active in the last four weeks, a small logistic model
reads its recent weekly counts (conflict and all events), its long-run conflict memory and
how conflictual each side was this week, and gives p(material conflict next week). Scored
by Brier score and ROC AUC against persistence (p = conflict this week).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.stats import rankdata

DYAD_FEATURES = ("bias", "conf_w0", "conf_w1", "conf_w23", "all_w0", "all_w123", "conf_memory", "all_memory", "side_conf_w0", "conf_share4")
ACTIVE_WEEKS = 4
MEMORY = 0.8  # weekly decay of the long-run memory


@dataclass
class DyadWeeks:
    """Weekly counts per unordered dyad: all events and material-conflict events."""

    a: np.ndarray  # (P,) entity ids, a < b
    b: np.ndarray
    n: np.ndarray  # (P, W) events per week
    n4: np.ndarray  # (P, W) material-conflict events per week
    ent4: np.ndarray  # (E, W) material-conflict events of each entity per week

    @classmethod
    def build(cls, s: np.ndarray, o: np.ndarray, week: np.ndarray, conflict: np.ndarray, n_ent: int, n_weeks: int | None = None) -> DyadWeeks:
        keep = s != o
        s, o, week, conflict = s[keep], o[keep], week[keep], conflict[keep].astype(float)
        a, b = np.minimum(s, o), np.maximum(s, o)
        nw = int(week.max()) + 1 if n_weeks is None else n_weeks
        pk, pi = np.unique(a * n_ent + b, return_inverse=True)
        n = np.zeros((len(pk), nw))
        n4 = np.zeros((len(pk), nw))
        np.add.at(n, (pi, week), 1.0)
        np.add.at(n4, (pi, week), conflict)
        ent4 = np.zeros((n_ent, nw))
        np.add.at(ent4, (s, week), conflict)
        np.add.at(ent4, (o, week), conflict)
        return cls(pk // n_ent, pk % n_ent, n, n4, ent4)

    def at(self, t: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(dyad rows, features, persistence, smoothed persistence) at week t, for the given
        rows or else every dyad active in weeks t-3..t."""
        lo = max(0, t - ACTIVE_WEEKS + 1)
        active = np.flatnonzero(self.n[:, lo : t + 1].sum(1) > 0) if rows is None else np.asarray(rows)
        n, n4 = self.n[active, : t + 1], self.n4[active, : t + 1]

        def wk(m, k):
            return m[:, t - k] if t - k >= 0 else np.zeros(len(active))

        decay = MEMORY ** np.arange(t, -1, -1)
        side = np.maximum(self.ent4[self.a[active], t], self.ent4[self.b[active], t])
        share4 = (n4[:, lo:] > 0).sum(1) / (t + 1 - lo)
        X = np.column_stack(
            [
                np.ones(len(active)),
                np.log1p(wk(n4, 0)),
                np.log1p(wk(n4, 1)),
                np.log1p(wk(n4, 2) + wk(n4, 3)),
                np.log1p(wk(n, 0)),
                np.log1p(wk(n, 1) + wk(n, 2) + wk(n, 3)),
                np.log1p(n4 @ decay),
                np.log1p(n @ decay),
                np.log1p(side),
                share4,
            ]
        )
        return active, X, (wk(n4, 0) > 0).astype(float), share4

    def target(self, rows: np.ndarray, t: int) -> np.ndarray:
        return (self.n4[rows, t] > 0).astype(float)


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    def loss(w):
        z = X @ w
        p = 1 / (1 + np.exp(-z))
        ll = np.sum(y * z - np.logaddexp(0, z))
        return -ll / len(y) + l2 * w[1:] @ w[1:], -(X.T @ (y - p)) / len(y) + 2 * l2 * np.r_[0, w[1:]]

    return minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B").x


def predict(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(X @ w)))


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def roc_auc(p: np.ndarray, y: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half."""
    pos = y > 0
    n1, n0 = pos.sum(), (~pos).sum()
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(p)
    return float((r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def stack(dw: DyadWeeks, weeks) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features at week t and target at t + 1, for each t in weeks."""
    Xs, ys, ps, ss = [], [], [], []
    for t in weeks:
        rows, X, pers, smooth = dw.at(t)
        Xs.append(X), ys.append(dw.target(rows, t + 1)), ps.append(pers), ss.append(smooth)
    return np.concatenate(Xs), np.concatenate(ys), np.concatenate(ps), np.concatenate(ss)


def unsupported(conflict: np.ndarray, fit_weeks, test_weeks) -> str:
    """Why a graph cannot be benchmarked on next week's material conflict ("" when it can):
    none of its relations is a CAMEO material-conflict type (a graph whose relations are not
    CAMEO, such as YAGO's), or its splits span too few weeks to fit on and score."""
    if not np.asarray(conflict).any():
        return "no relation of this data set is a CAMEO material-conflict type (QuadClass 4)"
    if not len(fit_weeks) or not len(test_weeks):
        return f"the splits span too few weeks ({len(fit_weeks)} to fit on before the test days, {len(test_weeks)} to score)"
    return ""


def benchmark(s, o, day, conflict, n_ent: int, fit_weeks, test_weeks) -> dict:
    """Fit on fit_weeks, score on test_weeks (t -> t + 1); the model against persistence."""
    dw = DyadWeeks.build(s, o, day // 7, conflict, n_ent)
    Xf, yf, _, _ = stack(dw, fit_weeks)
    w = fit_logistic(Xf, yf)
    Xt, yt, pers, smooth = stack(dw, test_weeks)
    p = predict(w, Xt)
    return {
        "weights": dict(zip(DYAD_FEATURES, map(float, w))),
        "n": len(yt),
        "base_rate": float(yt.mean()),
        "persistence": {"brier": brier(pers, yt), "auc": roc_auc(pers, yt)},
        "persistence_smoothed": {"brier": brier(smooth, yt), "auc": roc_auc(smooth, yt)},
        "barograph": {"brier": brier(p, yt), "auc": roc_auc(p, yt)},
        "calibration": calibration(p, yt),
    }


CALIBRATION_EDGES = (0.0, 0.01, 0.03, 0.1, 0.3, 1.0)


def wilson(k: float, n: int, z: float = 1.645) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials (z = 1.645: 90%)."""
    if n == 0:
        return 0.0, 1.0
    f = k / n
    mid = (f + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(f * (1 - f) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, mid - half)), float(min(1.0, mid + half))


def calibration(p: np.ndarray, y: np.ndarray, edges=CALIBRATION_EDGES) -> list[dict]:
    """Reliability bins: per probability bin [lo, hi), the dyad-weeks in it, their mean forecast,
    how often conflict followed (observed) and its 90% Wilson interval (low, high)."""
    bins = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (p >= lo) & ((p < hi) | (hi >= edges[-1]))
        n = int(sel.sum())
        k = float(y[sel].sum())
        low, high = wilson(k, n)
        bins.append(
            {"lo": lo, "hi": hi, "n": n, "predicted": float(p[sel].mean()) if n else None, "observed": k / n if n else None, "low": low, "high": high}
        )
    return bins


def icews_conflict(g) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(s, o, day, is material conflict) of every fact of an ICEWS-format graph."""
    from barograph.analysis.forecast.data import relation_roots
    from barograph.events.codes import quad_class

    q4 = np.array([bool(r) and quad_class(r) == 4 for r in relation_roots(g.relations)])
    q = np.concatenate([g.splits[s] for s in ("train", "valid", "test") if s in g.splits])
    return q[:, 0], q[:, 2], q[:, 3], q4[q[:, 1]]


def load_calibration() -> dict | None:
    """{'base_rate', 'bins'} measured on ICEWS14's test weeks (bundled), or None if absent."""
    import json
    from importlib import resources

    d = json.loads(resources.files("barograph").joinpath("data", "forecast", "dyad_conflict.json").read_text())
    return d.get("calibration")


def load_weights() -> np.ndarray:
    """The coefficients fitted on ICEWS14 train+valid weeks, bundled with barograph."""
    import json
    from importlib import resources

    d = json.loads(resources.files("barograph").joinpath("data", "forecast", "dyad_conflict.json").read_text())
    return np.array([d["weights"][k] for k in DYAD_FEATURES])
