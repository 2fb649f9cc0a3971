"""Does an alert at week t precede a rise of material conflict for that dyad in weeks t+1..t+4?

Definitions (the same for the detector and the baselines, computed in one run):

* dyad-weeks evaluated: directed dyads with >= `min_events` collapsed events, weeks t with a
  full 12-week history and 4 weeks of future, and at least one event in weeks t-11..t.
* rise at (dyad, t): max(q4[t+1..t+4]) > mean(q4[t-11..t]) + 2 * sd(q4[t-11..t]) and >= 2.
* detector: its score (ROC AUC) and its fired conflict alerts (precision, recall).
* persistence: score = q4[t], this week's material-conflict count (ROC AUC); as a rule it
  "alerts" when a rise is happening now, q4[t] > mean + 2 sd and >= 2 (precision, recall).
* The detector's weights and threshold are fitted on train weeks (t + 4 < split) only and
  scored on test weeks (t >= split).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from barograph.analysis.alerts import FEATURES, Model, Panel, week_features, weekly_panel

HORIZON = 4
LABEL_WEEKS = 12
K_SD = 2.0


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney ROC AUC with ties counted half."""
    y = np.asarray(y, dtype=bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(score)
    return float((r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def labelled_weeks(p: Panel) -> pd.DataFrame:
    """One row per evaluable dyad-week: t, d, rise label, detector features, persistence inputs."""
    frames = []
    for t in range(LABEL_WEEKS, len(p.weeks) - HORIZON):
        f = week_features(p, t)
        win = p.q4[:, t - LABEL_WEEKS + 1 : t + 1]
        mu, sd = win.mean(1), win.std(1)
        fut = p.q4[:, t + 1 : t + 1 + HORIZON].max(1)
        now = p.q4[:, t]
        rows = np.flatnonzero(f["active"])
        df = pd.DataFrame({k: f[k][rows] for k in FEATURES})
        df["t"] = t
        df["d"] = rows
        df["rise"] = ((fut > mu + K_SD * sd) & (fut >= 2))[rows]
        df["persistence"] = now[rows]
        df["rising_now"] = ((now > mu + K_SD * sd) & (now >= 2))[rows]
        df["worse"] = ((f["z_q4"] > 0) | (f["z_q3"] > 0) | (f["trend"] < 0))[rows]
        df["recent_conflict"] = f["recent_conflict"][rows]
        frames.append(df)
    cols = list(FEATURES) + ["t", "d", "rise", "persistence", "rising_now", "worse", "recent_conflict"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def _logistic(a: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 25) -> np.ndarray:
    """Ridge logistic regression by Newton steps (few features, so no library needed)."""
    a = np.column_stack([np.ones(len(a)), a])
    w = np.zeros(a.shape[1])
    reg = l2 * np.diag(np.r_[0.0, np.ones(a.shape[1] - 1)])
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        g = a.T @ (p - y) + reg @ w
        h = (a * (p * (1 - p))[:, None]).T @ a + reg
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fired(df: pd.DataFrame, score: np.ndarray, threshold: float, min_recent: int = 2) -> np.ndarray:
    """The alert rule of `alerts.scan` for conflict alerts."""
    return (score >= threshold) & df["worse"].to_numpy() & (df["recent_conflict"].to_numpy() >= min_recent)


def fit_model(train: pd.DataFrame) -> Model:
    """Weights by logistic regression; threshold maximising F1 of fired alerts on the same weeks."""
    x = train[list(FEATURES)].to_numpy(dtype=float)
    mean, sd = x.mean(0), x.std(0)
    sd[sd == 0] = 1.0
    w = _logistic((x - mean) / sd, train["rise"].to_numpy(dtype=float))
    m = Model(tuple(mean.round(6)), tuple(sd.round(6)), tuple(w.round(6)), 0.5)
    s = m.score(x)
    y = train["rise"].to_numpy(dtype=bool)
    best, best_f1 = 0.5, -1.0
    for th in np.unique(np.quantile(s, np.linspace(0.5, 0.999, 120))):
        a = fired(train, s, th)
        tp = (a & y).sum()
        f1 = 2 * tp / (a.sum() + y.sum()) if (a.sum() + y.sum()) else 0.0
        if f1 > best_f1:
            best, best_f1 = float(th), f1
    return Model(m.mean, m.sd, m.weights, round(best, 6))


@dataclass
class Scores:
    dyad_weeks: int
    rises: int
    auc: float
    precision: float
    recall: float
    alerts: int


def _scores(df: pd.DataFrame, score: np.ndarray, alert: np.ndarray) -> Scores:
    y = df["rise"].to_numpy(dtype=bool)
    tp = int((alert & y).sum())
    return Scores(
        len(df),
        int(y.sum()),
        round(roc_auc(y, score), 4),
        round(tp / alert.sum(), 4) if alert.sum() else float("nan"),
        round(tp / y.sum(), 4) if y.sum() else float("nan"),
        int(alert.sum()),
    )


def evaluate(store, *, split=None, min_events: int = 5, panel: Panel | None = None, **filters) -> dict:
    """Fit on train weeks, score detector vs persistence on test weeks; returns a plain dict."""
    p = panel if panel is not None else weekly_panel(store, min_events=min_events, **filters)
    df = labelled_weeks(p)
    if split is None:
        split_t = int(len(p.weeks) * 0.75)
    else:
        split_t = int(np.searchsorted(p.weeks, pd.Timestamp(split)))
    train = df[df["t"] + HORIZON < split_t]
    test = df[df["t"] >= split_t]
    if train["rise"].sum() == 0 or test.empty:
        raise ValueError("not enough weeks or rises to evaluate (need a year of weekly data)")
    model = fit_model(train)
    s = model.score(test[list(FEATURES)].to_numpy(dtype=float))
    result = {
        "split_week": str(p.weeks[min(split_t, len(p.weeks) - 1)].date()),
        "train_dyad_weeks": len(train),
        "train_rises": int(train["rise"].sum()),
        "model": asdict(model),
        "detector": asdict(_scores(test, s, fired(test, s, model.threshold))),
        "persistence": asdict(_scores(test, test["persistence"].to_numpy(dtype=float), test["rising_now"].to_numpy(dtype=bool))),
        "features_alone_auc": {k: round(roc_auc(test["rise"].to_numpy(), test[k].to_numpy()), 4) for k in FEATURES},
    }
    return result
