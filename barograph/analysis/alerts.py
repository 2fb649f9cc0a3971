"""Escalation alerts: weeks in which a dyad's risk of a material-conflict surge is high and moving.

Detector (documented in docs/analysis.md). For each directed dyad and week t, from its weekly
collapsed-event counts (see `series`):

* baseline: mean weekly material-conflict (q4), verbal-conflict (q3) counts and Goldstein mean
  over the 12 weeks t-13..t-2; recent window: weeks t-1..t.
* Poisson surprise of the recent window: z = (recent - 2*mu) / sqrt(2*mu + 0.5), for q4 and q3.
* Goldstein trend: recent mean Goldstein minus baseline mean (negative = toward conflict).
* score = logistic(w0 + w1*log(1+mu_q4) + w2*z_q4 + w3*z_q3 + w4*trend) (features standardised),
  an estimate of the probability that q4 rises above its trailing mean + 2 sd (and to 2 or more)
  in one of weeks t+1..t+4. The weights were fitted on ICEWS14 weeks before October 2014 (the
  benchmark refits them on its own train weeks); the baseline level carries most of the signal.

A conflict alert fires when the score reaches `threshold` and the recent window is worse than
the baseline (z_q4 > 0, z_q3 > 0 or trend < 0). A cooperation alert fires when the Poisson
surprise of cooperative events (q1+q2) is at least `coop_z` and the Goldstein trend is positive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

BASELINE_WEEKS = 12
RECENT_WEEKS = 2
MIN_BASELINE_WEEKS = 4  # no alert before the record has this much baseline
FEATURES = ("level_q4", "z_q4", "z_q3", "trend")


@dataclass
class Model:
    """Standardisation and logistic weights of the conflict score."""

    mean: tuple[float, ...]
    sd: tuple[float, ...]
    weights: tuple[float, ...]  # intercept first, then one per FEATURES
    threshold: float  # score at which a conflict alert fires

    def score(self, f: np.ndarray) -> np.ndarray:
        z = (f - np.asarray(self.mean)) / np.asarray(self.sd)
        lin = self.weights[0] + z @ np.asarray(self.weights[1:])
        return 1.0 / (1.0 + np.exp(-lin))


# fitted by `early_warning.fit_model` on ICEWS14 train weeks (t+4 before 2014-10-27); see docs/analysis.md
DEFAULT_MODEL = Model(
    mean=(0.067164, 0.019078, 0.019745, 0.003398),
    sd=(0.236674, 0.572683, 0.601697, 1.828332),
    weights=(-3.842321, 0.438928, 0.137184, 0.046224, 0.009099),
    threshold=0.029315,
)


@dataclass
class Alert:
    source: str
    target: str
    window_start: str  # first day of the recent window (a Monday)
    window_end: str  # last day of the recent window (a Sunday)
    magnitude: float  # recent count / expected count (conflict or cooperation events)
    direction: str  # conflict | cooperation
    score: float  # conflict: estimated probability of a surge; cooperation: z
    recent: int = 0  # events of the alert's kind in the window
    expected: float = 0.0  # what the baseline predicted for the window
    goldstein_trend: float = 0.0
    evidence: list[dict] = field(default_factory=list)  # event_id, date, cameo, goldstein, text, outlet

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Panel:
    """Dense weekly counts: one row per dyad, one column per week."""

    keys: pd.DataFrame  # source, target
    weeks: pd.DatetimeIndex
    q1: np.ndarray
    q2: np.ndarray
    q3: np.ndarray
    q4: np.ndarray
    events: np.ndarray
    goldstein: np.ndarray  # sums


def weekly_panel(store, *, since=None, until=None, claimed: bool = True, min_events: int = 5, series: pd.DataFrame | None = None, **filters) -> Panel:
    """Every dyad's weekly series as dense arrays (dyads with >= min_events collapsed events)."""
    from barograph.analysis.series import all_series

    a = series if series is not None else all_series(store, freq="week", since=since, until=until, claimed=claimed, min_events=min_events, **filters)
    if a.empty:
        z = np.zeros((0, 0))
        return Panel(pd.DataFrame(columns=["source", "target"]), pd.DatetimeIndex([]), z, z, z, z, z, z)
    weeks = pd.date_range(a["period"].min(), a["period"].max(), freq="W-MON")
    codes = pd.MultiIndex.from_arrays([a["source"], a["target"]])
    keys_idx, di = np.unique(codes.codes[0] * (len(codes.levels[1]) + 1) + codes.codes[1], return_inverse=True)
    first = pd.DataFrame({"source": a["source"], "target": a["target"], "d": di}).drop_duplicates("d").sort_values("d")
    ti = ((a["period"] - weeks[0]).dt.days // 7).to_numpy()
    shape = (len(keys_idx), len(weeks))

    def dense(col):
        m = np.zeros(shape)
        m[di, ti] = a[col].to_numpy(dtype=float)
        return m

    return Panel(
        first[["source", "target"]].reset_index(drop=True),
        weeks,
        dense("quad1"),
        dense("quad2"),
        dense("quad3"),
        dense("quad4"),
        dense("events"),
        dense("goldstein_sum"),
    )


def _surprise(recent: np.ndarray, mu: np.ndarray, k: int = RECENT_WEEKS) -> np.ndarray:
    return (recent - k * mu) / np.sqrt(k * mu + 0.5)


def week_features(p: Panel, t: int) -> dict[str, np.ndarray]:
    """Detector inputs for every dyad at week index t (needs t >= 1; short history = shorter baseline)."""
    lo = max(0, t - RECENT_WEEKS - BASELINE_WEEKS + 1)
    base = slice(lo, max(lo, t - RECENT_WEEKS + 1))
    rec = slice(max(0, t - RECENT_WEEKS + 1), t + 1)
    nb = max(1, base.stop - base.start)

    def mu(m):
        return m[:, base].sum(1) / nb

    ev_b, ev_r = p.events[:, base].sum(1), p.events[:, rec].sum(1)
    g_b = p.goldstein[:, base].sum(1) / np.maximum(ev_b, 1)
    g_r = p.goldstein[:, rec].sum(1) / np.maximum(ev_r, 1)
    coop = p.q1 + p.q2
    return {
        "level_q4": np.log1p(mu(p.q4)),
        "z_q4": _surprise(p.q4[:, rec].sum(1), mu(p.q4)),
        "z_q3": _surprise(p.q3[:, rec].sum(1), mu(p.q3)),
        "trend": np.where((ev_r > 0) & (ev_b > 0), g_r - g_b, 0.0),
        "z_coop": _surprise(coop[:, rec].sum(1), mu(coop)),
        "mu_conflict": RECENT_WEEKS * (mu(p.q3) + mu(p.q4)),
        "recent_conflict": p.q3[:, rec].sum(1) + p.q4[:, rec].sum(1),
        "mu_coop": RECENT_WEEKS * mu(coop),
        "recent_coop": coop[:, rec].sum(1),
        "q4_now": p.q4[:, t],
        "active": p.events[:, lo : t + 1].sum(1) > 0,
    }


def feature_matrix(f: dict[str, np.ndarray]) -> np.ndarray:
    return np.column_stack([f[k] for k in FEATURES])


def _evidence(store, alerts: pd.DataFrame, n: int, claimed: bool) -> dict[int, list[dict]]:
    """Top `n` events of each alert's dyad and window, in one query: alert row -> evidence."""
    from barograph.store.query import event_filter

    if alerts.empty or n <= 0:
        return {}
    a = pd.DataFrame(
        {
            "i": range(len(alerts)),
            "source": alerts["source"].to_numpy(),
            "target": alerts["target"].to_numpy(),
            "ws": pd.to_datetime(alerts["window_start"]).dt.date.to_numpy(),
            "we": pd.to_datetime(alerts["window_end"]).dt.date.to_numpy(),
            "sign": (alerts["direction"] == "conflict").map({True: 1.0, False: -1.0}).to_numpy(),
        }
    )
    where, params = event_filter(modality=["asserted", "claimed"] if claimed else ["asserted"]).sql()
    con = store.con
    con.register("alert_windows", a)
    try:
        df = con.execute(
            f"""
            SELECT w.i, e.event_id, CAST(e.date AS VARCHAR) AS date, e.cameo, e.goldstein, e.text, e.outlet,
                   e.source, e.target, e.mentions, e.doc, e.start_char AS start, e.end_char AS "end"
            FROM alert_windows w JOIN events e
              ON e.source_entity = w.source AND e.target_entity = w.target
             AND e.date BETWEEN CAST(w.ws AS DATE) AND CAST(w.we AS DATE)
            WHERE {where}
            QUALIFY row_number() OVER (PARTITION BY w.i ORDER BY w.sign * e.goldstein, e.mentions DESC, e.event_id) <= ?
            ORDER BY w.i, w.sign * e.goldstein, e.mentions DESC, e.event_id
        """,
            params + [int(n)],
        ).fetchdf()
    finally:
        con.unregister("alert_windows")
    outd: dict[int, list[dict]] = {}
    names = [c for c in df.columns if c != "i"]
    columns = [_plain_column(df[c]) for c in names]  # column by column: far fewer Python calls
    for i, values in zip(df["i"].tolist(), zip(*columns)):
        outd.setdefault(int(i), []).append(dict(zip(names, values)))
    return outd


def _plain_column(col: pd.Series) -> list:
    """Python values of a column, missing ones (NaN, NaT, NA, None) as None."""
    kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else "O"
    if kind in "iub":
        return col.tolist()
    if kind == "f":
        return [None if v != v else v for v in col.tolist()]
    return [None if not isinstance(v, str) and pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in col.tolist()]


def scan(p: Panel, *, model: Model | None = None, weeks=None, coop_z: float = 3.0, min_recent: int = 2) -> pd.DataFrame:
    """Alert candidates over the panel (no evidence lookup): one row per dyad-week that fires."""
    model = model or DEFAULT_MODEL
    rows = []
    first = RECENT_WEEKS - 1 + MIN_BASELINE_WEEKS
    t_range = [t for t in (range(len(p.weeks)) if weeks is None else weeks) if t >= first]
    for t in t_range:
        f = week_features(p, t)
        score = model.score(feature_matrix(f))
        worse = (f["z_q4"] > 0) | (f["z_q3"] > 0) | (f["trend"] < 0)
        conflict = f["active"] & (score >= model.threshold) & worse & (f["recent_conflict"] >= min_recent)
        coop = f["active"] & (f["z_coop"] >= coop_z) & (f["trend"] > 0) & (f["recent_coop"] >= min_recent)
        ws = p.weeks[max(0, t - RECENT_WEEKS + 1)]
        we = p.weeks[t] + pd.Timedelta(days=6)
        for d in np.flatnonzero(conflict):
            exp = f["mu_conflict"][d]
            rows.append((d, t, ws, we, "conflict", float(score[d]), int(f["recent_conflict"][d]), float(exp), float(f["trend"][d])))
        for d in np.flatnonzero(coop):
            exp = f["mu_coop"][d]
            rows.append((d, t, ws, we, "cooperation", float(f["z_coop"][d]), int(f["recent_coop"][d]), float(exp), float(f["trend"][d])))
    df = pd.DataFrame(rows, columns=["d", "t", "window_start", "window_end", "direction", "score", "recent", "expected", "goldstein_trend"])
    df["source"] = p.keys["source"].to_numpy()[df["d"].to_numpy(dtype=int)] if len(df) else []
    df["target"] = p.keys["target"].to_numpy()[df["d"].to_numpy(dtype=int)] if len(df) else []
    df["magnitude"] = ((df["recent"] + 0.5) / (df["expected"] + 0.5)).round(3) if len(df) else []
    return df


def detect(
    store,
    *,
    since=None,
    until=None,
    min_events: int = 5,
    model: Model | None = None,
    last_weeks: int | None = None,
    coop_z: float = 3.0,
    min_recent: int = 2,
    evidence: int = 3,
    claimed: bool = True,
    direction: str | None = None,
    limit: int | None = None,
    **filters,
) -> list[Alert]:
    """Escalation (and sharp cooperation) alerts over the stored record, strongest first.

    The baseline is read from the whole record (so `since` only limits which weeks may alert);
    `last_weeks` keeps only alerts of the most recent weeks; `evidence` events (most
    conflictual, or most cooperative) are attached to each alert.
    """
    from barograph.store.query import event_filter

    p = weekly_panel(store, until=until, claimed=claimed, min_events=min_events, **filters)
    if not len(p.weeks):
        return []
    ts = list(range(1, len(p.weeks)))
    if since is not None:
        s = pd.Timestamp(event_filter(since=since).since)
        ts = [t for t in ts if p.weeks[t] + pd.Timedelta(days=6) >= s]
    if last_weeks:
        ts = ts[-int(last_weeks) :]
    df = scan(p, model=model, weeks=ts, coop_z=coop_z, min_recent=min_recent)
    if direction:
        df = df[df["direction"] == direction]
    # conflict alerts first (their score is a probability), then cooperation (a z-score)
    df = df.sort_values(["direction", "score", "window_end"], ascending=[True, False, False])
    if limit:
        df = df.head(int(limit))
    df = df.reset_index(drop=True)
    ev = _evidence(store, df, evidence, claimed) if evidence else {}
    out = []
    for i, r in enumerate(df.itertuples()):
        ws, we = r.window_start.date().isoformat(), r.window_end.date().isoformat()
        out.append(
            Alert(
                r.source,
                r.target,
                ws,
                we,
                float(r.magnitude),
                r.direction,
                round(float(r.score), 4),
                int(r.recent),
                round(float(r.expected), 3),
                round(float(r.goldstein_trend), 3),
                ev.get(i, []),
            )
        )
    return out


def alerts_frame(store, **kw) -> pd.DataFrame:
    """`detect` as a DataFrame (evidence as a list of event ids), for tables and the dashboard."""
    rows = []
    for a in detect(store, **kw):
        d = a.to_json()
        d["evidence"] = [e["event_id"] for e in a.evidence]
        rows.append(d)
    cols = ["source", "target", "window_start", "window_end", "magnitude", "direction", "score", "recent", "expected", "goldstein_trend", "evidence"]
    return pd.DataFrame(rows, columns=cols)
