"""Alerts: which dyads changed this week in a way an analyst should read about, and why.

Two layers, both documented with their figures in docs/analysis.md:

* The alerts people read (`detect`, `scan_alerts`): each directed dyad's week against the 12
  weeks before it, for conflict (QuadClass 3+4) and cooperation (1+2) events. The raw statistic
  is a variance-stabilised surprise (`surprise`); the 0-100 severity weighs it by what is at
  stake (`intensity`, the typical |Goldstein| of the week's QuadClasses), so every kind shares
  one scale. No week alerts during the first WARMUP_WEEKS of the record; a dyad's alerting weeks
  close together, and the reverse direction's overlapping ones, make one alert; each alert says
  in words what changed and carries its evidence events and a link to all of them.
* The early-warning model (`Model`, `DEFAULT_MODEL`, `week_features`, `scan`): a logistic
  estimate that a dyad's material conflict surges in the next four weeks, fitted on ICEWS14
  train weeks and scored against persistence by `early_warning` and `bench/analysis.py`; each
  alert carries it as `p_surge`.
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
    """One alert: a dyad's episode of surprising weeks. The first eleven fields are the
    original contract (kept); `score` is now the same 0-100 number as `severity`."""

    source: str
    target: str
    window_start: str  # Monday of the first alerting week of the episode
    window_end: str  # Sunday of its last alerting week
    magnitude: float  # (recent + 0.5) / (expected + 0.5) in the peak week
    direction: str  # conflict | cooperation
    score: float  # = severity (0-100), one scale for every kind
    recent: int = 0  # events of the alert's kind in the peak week
    expected: float = 0.0  # events of that kind a week, from the 12 weeks before
    goldstein_trend: float = 0.0  # peak week's mean Goldstein minus the baseline's
    evidence: list[dict] = field(default_factory=list)  # event_id, date, cameo, goldstein, text, outlet, article_id, ...
    kind: str = ""  # material conflict | verbal conflict | cooperation
    severity: float = 0.0  # 0-100: 100 * (1 - exp(-statistic * intensity / 3))
    statistic: float = 0.0  # the raw surprise z of the peak week (see `surprise`)
    intensity: float = 1.0  # what is at stake, 0-1: typical |Goldstein| / 10 of the week's events (see `intensity`)
    peak_week: str = ""  # Monday of the most surprising week
    weeks: int = 1  # alerting weeks merged into this alert
    window_events: int = 0  # events of the kind over those weeks
    p_surge: float = 0.0  # early-warning model: chance of a material-conflict surge in the next 4 weeks
    first_since: str = ""  # "first material conflict since the week of ..." when the kind was absent
    summary: str = ""  # what changed, in words
    events_url: str = ""  # the dashboard's list of the events behind it

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
            SELECT w.i, e.event_id, CAST(e.date AS VARCHAR) AS date, e.cameo, e.goldstein, e.text, e.outlet, e.article_id,
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
    """Early-warning candidates of the fitted model (one row per dyad-week whose score fires);
    `bench/analysis.py` and `early_warning` score this rule against persistence."""
    model = model or DEFAULT_MODEL
    rows = []
    first = RECENT_WEEKS - 1 + MIN_BASELINE_WEEKS
    t_range = [t for t in (range(len(p.weeks)) if weeks is None else weeks) if t >= first]
    for t in t_range:
        f = week_features(p, t)
        score = model.score(feature_matrix(f))
        worse = (f["z_q4"] > 0) | (f["z_q3"] > 0) | (f["trend"] < 0)
        conflict = f["active"] & (score >= model.threshold) & worse & (f["recent_conflict"] >= min_recent)
        for d in np.flatnonzero(conflict):
            rows.append((d, t, "conflict", float(score[d])))
    return pd.DataFrame(rows, columns=["d", "t", "direction", "score"])


# -- the alerts an analyst reads: weekly surprises, merged into episodes, on one 0-100 scale ----

WARMUP_WEEKS = 8  # weeks of record before the first week that may alert (the baseline's minimum)
ALERT_BASELINE_WEEKS = 12  # the expected rate of a week is the mean of (up to) the 12 weeks before it
SEVERITY_SCALE = 2.0  # severity = 100 * (1 - exp(-z * intensity / SCALE)): 1 -> 39, 2 -> 63, 4 -> 86
MIN_SEVERITY = 40.0  # the default list (tens a month on ICEWS14); 0 lists every surprise
MIN_RATIO = 2.0  # and at least twice the expected count
KINDS = ("material conflict", "verbal conflict", "cooperation")  # conflict = verbal + material, named by the larger
DIRECTIONS = {"material conflict": "conflict", "verbal conflict": "conflict", "cooperation": "cooperation"}


def severity_of(z: np.ndarray | float) -> np.ndarray:
    """The 0-100 severity of a surprise statistic z (monotone, the same for every kind)."""
    return 100.0 * (1.0 - np.exp(-np.maximum(np.asarray(z, dtype=float), 0.0) / SEVERITY_SCALE))


def surprise(x: np.ndarray, mu: np.ndarray, disp: np.ndarray | None = None) -> np.ndarray:
    """Variance-stabilised surprise of count x against expected rate mu (Anscombe's square
    root), divided by the square root of the baseline's over-dispersion (variance / mean, at
    least 1): a busy dyad's usual week-to-week swings are not news."""
    z = 2.0 * (np.sqrt(x + 0.375) - np.sqrt(mu + 0.375))
    if disp is not None:
        z = z / np.sqrt(np.maximum(disp, 1.0))
    return z


# mean |Goldstein| of each QuadClass over ICEWS14 (verbal/material cooperation, verbal/material
# conflict): what a week's events of that class are typically at stake, on Goldstein's 0-10
TYPICAL_GOLDSTEIN = (2.17, 6.92, 3.32, 7.68)


def intensity(p: Panel, direction: str) -> np.ndarray:
    """Stakes of every dyad-week's events of `direction`, 0-1: the count-weighted typical
    |Goldstein| of its QuadClasses over 10 (a week of visits and statements ~0.2, of fighting ~0.8)."""
    a, b = (p.q3, p.q4) if direction == "conflict" else (p.q1, p.q2)
    ga, gb = TYPICAL_GOLDSTEIN[2:] if direction == "conflict" else TYPICAL_GOLDSTEIN[:2]
    n = a + b
    return np.where(n > 0, (ga * a + gb * b) / np.maximum(n, 1) / 10.0, 0.0)


def kind_counts(p: Panel) -> dict[str, np.ndarray]:
    return {"material conflict": p.q4, "verbal conflict": p.q3, "conflict": p.q3 + p.q4, "cooperation": p.q1 + p.q2}


def weekly_surprises(p: Panel, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(z, expected, count) for every dyad and week of `kind`: each week against the mean of the
    (up to) 12 weeks before it, the mean shrunk toward zero events by half an event, so a dyad
    with no history needs a few events, not one, to surprise."""
    m = kind_counts(p)[kind]
    n_d, n_w = m.shape
    c = np.concatenate([np.zeros((n_d, 1)), np.cumsum(m, 1)], 1)
    c2 = np.concatenate([np.zeros((n_d, 1)), np.cumsum(m * m, 1)], 1)
    t = np.arange(n_w)
    lo = np.maximum(0, t - ALERT_BASELINE_WEEKS)
    nb = np.maximum(t - lo, 1)
    s = c[:, t] - c[:, lo]
    s2 = c2[:, t] - c2[:, lo]
    mu = (s + 0.5) / (nb + 1)
    var = np.maximum(s2 / nb - (s / nb) ** 2, 0.0)
    disp = np.where(s > 0, var / np.maximum(s / nb, 1e-9), 1.0)
    return surprise(m, mu, disp), mu, m


@dataclass
class _Week:
    d: int
    t: int
    kind: str
    z: float
    count: int
    expected: float
    intensity: float = 1.0

    @property
    def severity(self) -> float:
        return float(severity_of(self.z * self.intensity))


def scan_alerts(p: Panel, *, weeks=None, min_severity: float = MIN_SEVERITY, min_recent: int = 3) -> list[list[_Week]]:
    """Weeks that alert, merged into episodes: one list of weeks per (dyad, direction) run in
    which alerting weeks are at most one quiet week apart. Conflict is verbal and material
    conflict counted together; a week is named by the larger of the two."""
    allowed = np.zeros(len(p.weeks), dtype=bool)
    for t in range(WARMUP_WEEKS, len(p.weeks)) if weeks is None else [t for t in weeks if t >= WARMUP_WEEKS]:
        allowed[t] = True
    z_min = -SEVERITY_SCALE * np.log(1.0 - min(max(min_severity, 0.0), 99.999) / 100.0)
    z_floor = max(z_min, 1e-9)
    episodes: list[list[_Week]] = []
    for direction, counted in (("conflict", "conflict"), ("cooperation", "cooperation")):
        z, mu, m = weekly_surprises(p, counted)
        w_int = intensity(p, direction)
        ok = (z * w_int >= z_floor) & (m >= min_recent) & ((m + 0.5) >= MIN_RATIO * (mu + 0.5)) & allowed[None, :]
        for d in np.flatnonzero(ok.any(1)):
            run: list[_Week] = []
            for t in np.flatnonzero(ok[d]):
                if direction == "conflict":
                    k = "material conflict" if p.q4[d, t] * 2 >= m[d, t] else "verbal conflict"
                else:
                    k = "cooperation"
                w = _Week(int(d), int(t), k, float(z[d, t]), int(m[d, t]), float(mu[d, t]), float(w_int[d, t]))
                if run and t - run[-1].t > 2:
                    episodes.append(run)
                    run = []
                run.append(w)
            if run:
                episodes.append(run)
    return episodes


def _last_before(m: np.ndarray, d: int, t: int) -> int | None:
    prior = np.flatnonzero(m[d, :t] > 0)
    return int(prior[-1]) if len(prior) else None


def _describe(kind: str, src: str, tgt: str, peak: _Week, week: str, since_note: str, run_weeks: int, total: int, end: str) -> str:
    s = (
        f"{kind} {src}→{tgt}: {peak.count} event{'' if peak.count == 1 else 's'} in the week of {week}, "
        f"{peak.expected:.{1 if peak.expected >= 0.1 else 2}f}/week expected"
    )
    if since_note:
        s += f"; {since_note}"
    if run_weeks > 1:
        s += f"; {total} events over {run_weeks} alerting weeks to {end}"
    return s


def detect(
    store,
    *,
    since=None,
    until=None,
    min_events: int = 5,
    model: Model | None = None,
    last_weeks: int | None = None,
    coop_z: float | None = None,
    min_recent: int = 3,
    evidence: int = 3,
    claimed: bool = True,
    direction: str | None = None,
    kind: str | None = None,
    actor: str | None = None,
    min_severity: float = MIN_SEVERITY,
    limit: int | None = None,
    **filters,
) -> list[Alert]:
    """Alerts over the stored record, most severe first: one per episode of a dyad's weeks that
    surprise (see `scan_alerts`), each with its words, its 0-100 severity and its evidence.

    The baseline is read from the whole record up to `until` (the "as of" date), so `since` only
    limits which weeks may alert; `last_weeks` keeps the most recent weeks only. `coop_z` (the
    old cooperation threshold) is accepted and ignored: every kind now shares `min_severity`.
    """
    from urllib.parse import urlencode

    from barograph.store.query import event_filter

    if direction not in (None, "conflict", "cooperation"):
        raise ValueError(f"unknown direction {direction!r}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    p = weekly_panel(store, until=until, claimed=claimed, min_events=min_events, **filters)
    if not len(p.weeks):
        return []
    ts = list(range(len(p.weeks)))
    if since is not None:
        s = pd.Timestamp(event_filter(since=since).since)
        ts = [t for t in ts if p.weeks[t] + pd.Timedelta(days=6) >= s]
    if last_weeks:
        ts = ts[-int(last_weeks) :]
    model = model or DEFAULT_MODEL
    counts = kind_counts(p)
    src_all, tgt_all = p.keys["source"].to_numpy(), p.keys["target"].to_numpy()
    p_cache: dict[int, np.ndarray] = {}
    rows = []
    for run in scan_alerts(p, weeks=ts, min_severity=min_severity, min_recent=min_recent):
        peak = max(run, key=lambda w: (w.severity, w.count))
        d, src, tgt = peak.d, str(src_all[peak.d]), str(tgt_all[peak.d])
        dirn = DIRECTIONS[peak.kind]
        t0, t1 = run[0].t, run[-1].t
        ws = p.weeks[t0].date().isoformat()
        we = (p.weeks[t1] + pd.Timedelta(days=6)).date().isoformat()
        week = p.weeks[peak.t].date().isoformat()
        last = _last_before(counts[peak.kind], d, t0)
        if last is None:
            note = f"no {peak.kind} {src}→{tgt} earlier in the record (from the week of {p.weeks[0].date().isoformat()})"
        elif t0 - last > ALERT_BASELINE_WEEKS:
            note = f"first {peak.kind} since the week of {p.weeks[last].date().isoformat()}"
        else:
            note = ""
        if peak.t not in p_cache:
            p_cache[peak.t] = model.score(feature_matrix(week_features(p, peak.t))) if peak.t >= 1 else np.zeros(len(src_all))
        total = int(sum(w.count for w in run))
        trend = _trend(p, d, peak.t)
        rows.append(
            dict(
                source=src,
                target=tgt,
                window_start=ws,
                window_end=we,
                magnitude=round((peak.count + 0.5) / (peak.expected + 0.5), 3),
                direction=dirn,
                score=round(peak.severity, 1),
                recent=peak.count,
                expected=round(peak.expected, 3),
                goldstein_trend=round(trend, 3),
                kind=peak.kind,
                severity=round(peak.severity, 1),
                intensity=round(peak.intensity, 3),
                statistic=round(peak.z, 3),
                peak_week=week,
                weeks=len(run),
                window_events=total,
                p_surge=round(float(p_cache[peak.t][d]), 4),
                first_since=note,
                summary=_describe(peak.kind, src, tgt, peak, week, note, len(run), total, we),
                events_url="/search?" + urlencode({"dyad": f"{src},{tgt}", "since": ws, "until": we}),
            )
        )
    rows = merge_reverse(rows)
    rows = [
        r
        for r in rows
        if not ((direction and r["direction"] != direction) or (kind and r["kind"] != kind) or (actor and actor not in (r["source"], r["target"])))
    ]
    rows.sort(key=lambda r: (-r["severity"], r["window_end"], r["source"], r["target"]))
    if limit:
        rows = rows[: int(limit)]
    df = pd.DataFrame(rows, columns=["source", "target", "window_start", "window_end", "direction"])
    ev = _evidence(store, df, evidence, claimed) if evidence and rows else {}
    return [Alert(**r, evidence=ev.get(i, [])) for i, r in enumerate(rows)]


def merge_reverse(rows: list[dict]) -> list[dict]:
    """One alert per pair and episode: B→A's alert whose window overlaps A→B's (same direction)
    joins the more severe one, its words added to the summary and the window widened."""
    by_pair: dict[tuple, list[dict]] = {}
    for r in sorted(rows, key=lambda r: -r["severity"]):
        by_pair.setdefault((min(r["source"], r["target"]), max(r["source"], r["target"]), r["direction"]), []).append(r)
    out = []
    for group in by_pair.values():
        kept: list[dict] = []
        for r in group:
            host = next(
                (
                    k
                    for k in kept
                    if (k["source"], k["target"]) == (r["target"], r["source"])
                    and r["window_start"] <= k["window_end"]
                    and k["window_start"] <= r["window_end"]
                    and not k.get("_merged")
                ),
                None,
            )
            if host is None or r["source"] == r["target"]:
                kept.append(r)
                continue
            host["_merged"] = True
            host["summary"] += f"; also {r['source']}→{r['target']}: {r['recent']} in the week of {r['peak_week']} (severity {r['severity']:.0f})"
            host["window_start"] = min(host["window_start"], r["window_start"])
            host["window_end"] = max(host["window_end"], r["window_end"])
            host["window_events"] += r["window_events"]
        out.extend(kept)
    for r in out:
        r.pop("_merged", None)
        if r["events_url"]:
            from urllib.parse import urlencode

            r["events_url"] = "/search?" + urlencode(
                {"dyad": f"{r['source']},{r['target']}", "undirected": "true", "since": r["window_start"], "until": r["window_end"]}
                if "; also " in r["summary"]
                else {"dyad": f"{r['source']},{r['target']}", "since": r["window_start"], "until": r["window_end"]}
            )
    return out


def _trend(p: Panel, d: int, t: int) -> float:
    """Mean Goldstein of week t minus that of the baseline weeks before it (negative = worse)."""
    lo = max(0, t - ALERT_BASELINE_WEEKS)
    eb, er = p.events[d, lo:t].sum(), p.events[d, t]
    if eb <= 0 or er <= 0:
        return 0.0
    return float(p.goldstein[d, t] / er - p.goldstein[d, lo:t].sum() / eb)


def alerts_frame(store, **kw) -> pd.DataFrame:
    """`detect` as a DataFrame (evidence as a list of event ids), for tables and the dashboard."""
    rows = []
    for a in detect(store, **kw):
        d = a.to_json()
        d["evidence"] = [e["event_id"] for e in a.evidence]
        rows.append(d)
    cols = list(Alert.__dataclass_fields__)
    return pd.DataFrame(rows, columns=cols)
