"""Dyad time series: how much each pair of actors cooperates and fights, period by period.

One real-world event reported by several articles counts once: events are first collapsed on
(source_entity, target_entity, cameo, date), summing their `mentions`; the store already drops
syndicated copies (articles marked `duplicate_of`). Only asserted events count, plus claimed
ones unless `claimed=False`; hypotheticals, negations, questions and intentions never do.

Net cooperation-conflict index of a period: (quad1 + quad2 - quad3 - quad4) / events, from -1
(all conflict) to +1 (all cooperation); NaN when the period has no events.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from barograph.errors import BadInput
from barograph.store.query import EventFilter, event_filter

FREQS = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}
COLUMNS = ["period", "quad1", "quad2", "quad3", "quad4", "goldstein_sum", "events", "goldstein_mean", "net_index", "mentions"]


def counted_modalities(claimed: bool = True) -> list[str]:
    return ["asserted", "claimed"] if claimed else ["asserted"]


def _freq(freq: str) -> str:
    if freq not in FREQS:
        raise BadInput("--freq", f"unknown frequency {freq!r} (one of {', '.join(FREQS)})")
    return FREQS[freq]


def deduped_sql(where: str) -> str:
    """SQL of the collapsed events (one row per source, target, code and day) under `where`."""
    return f"""
        SELECT e.source_entity AS source, e.target_entity AS target, e.cameo, e.date,
               min(e.quad_class) AS quad_class, avg(e.goldstein) AS goldstein,
               sum(coalesce(e.mentions, 1)) AS mentions, min(e.event_id) AS event_id
        FROM events e WHERE {where} AND e.date IS NOT NULL AND e.quad_class IS NOT NULL
        GROUP BY e.source_entity, e.target_entity, e.cameo, e.date
    """


_AGG = """
    count(*) FILTER (WHERE quad_class = 1) AS quad1,
    count(*) FILTER (WHERE quad_class = 2) AS quad2,
    count(*) FILTER (WHERE quad_class = 3) AS quad3,
    count(*) FILTER (WHERE quad_class = 4) AS quad4,
    round(coalesce(sum(goldstein), 0), 9) AS goldstein_sum,  -- 9 places: the same sum whatever order it was added in
    count(*) AS events,
    sum(mentions) AS mentions
"""


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    ev = df["events"].astype(float)
    df["goldstein_mean"] = (df["goldstein_sum"] / ev.where(ev > 0)).round(4)
    df["net_index"] = ((df["quad1"] + df["quad2"] - df["quad3"] - df["quad4"]) / ev.where(ev > 0)).round(4)
    df["goldstein_sum"] = df["goldstein_sum"].astype(float).round(4)
    for c in ("quad1", "quad2", "quad3", "quad4", "events", "mentions"):
        df[c] = df[c].fillna(0).astype("int64")
    return df


def _periods(start, end, freq: str) -> pd.DatetimeIndex:
    rule = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}[freq]
    return pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=rule)


def dyad_series(
    store, a: str, b: str, freq: str = "week", directed: bool = True, since=None, until=None, claimed: bool = True, fill: bool = True, **filters
) -> pd.DataFrame:
    """Counts by QuadClass, Goldstein sum/mean, net index and mentions of a (->) b per period.

    `directed=False` counts both directions. Periods with no events appear with zeros between
    the first and last period (or `since`/`until`) when `fill`. Extra keyword filters (corpus,
    origin, outlets, codes) are those of `barograph.store.query.events`.
    """
    fr = _freq(freq)
    f = event_filter(dyad=(a, b), undirected=not directed, since=since, until=until, modality=counted_modalities(claimed), **filters)
    where, params = f.sql()
    sql = f"""SELECT CAST(date_trunc('{fr}', date) AS DATE) AS period, {_AGG}
              FROM ({deduped_sql(where)}) GROUP BY 1 ORDER BY 1"""
    df = store.con.execute(sql, params).fetchdf()
    df["period"] = pd.to_datetime(df["period"])
    if fill and (len(df) or (since and until)):
        lo = pd.Timestamp(f.since) if f.since else df["period"].min()
        hi = pd.Timestamp(f.until) if f.until else df["period"].max()
        lo = _trunc(lo, fr)
        idx = _periods(lo, hi, fr)
        df = df.set_index("period").reindex(idx.union(pd.DatetimeIndex(df["period"]))).rename_axis("period")
        df = df.reset_index()
    df = _finish(df)
    df["period"] = df["period"].dt.strftime("%Y-%m-%d")
    return df[COLUMNS].reset_index(drop=True)


def undated_events(store, a: str, b: str | None = None, directed: bool = True, claimed: bool = True, **filters) -> int:
    """How many events a series of a -> b (or of actor a, with b None) leaves out because they
    have no date (neither the text nor the article gives one), collapsed as the series counts."""
    f = event_filter(
        dyad=(a, b) if b is not None else None,
        actors=[a] if b is None else None,
        undirected=not directed,
        modality=counted_modalities(claimed),
        **filters,
    )
    where, params = f.sql()
    sql = f"""SELECT count(*) FROM (SELECT 1 FROM events e WHERE {where} AND e.date IS NULL AND e.quad_class IS NOT NULL
              GROUP BY e.source_entity, e.target_entity, e.cameo, e.article_id)"""
    return int(store.con.execute(sql, params).fetchone()[0])


def period_start(d, fr: str):
    """First day of the period holding date `d` (weeks start on Monday, as DuckDB's date_trunc)."""
    if fr == "week":
        return d - timedelta(days=d.weekday())
    if fr == "month":
        return d.replace(day=1)
    if fr == "quarter":
        return d.replace(month=3 * ((d.month - 1) // 3) + 1, day=1)
    if fr == "year":
        return d.replace(month=1, day=1)
    return d


def _trunc(ts: pd.Timestamp, fr: str) -> pd.Timestamp:
    return pd.Timestamp(period_start(pd.Timestamp(ts).normalize().date(), fr))


def all_series(
    store, freq: str = "week", directed: bool = True, since=None, until=None, claimed: bool = True, min_events: int = 1, **filters
) -> pd.DataFrame:
    """Every dyad's series in one long frame (source, target, then the dyad_series columns).

    Only periods with events are listed (callers that need zeros reindex); dyads with fewer
    than `min_events` collapsed events in the range are left out. Self-dyads are kept
    (e.g. NGA police vs NGA civilians is domestic conflict).
    """
    fr = _freq(freq)
    f = event_filter(since=since, until=until, modality=counted_modalities(claimed), **filters)
    where, params = f.sql()
    if directed:
        pair = "source, target"
    else:
        pair = "least(source, target) AS source, greatest(source, target) AS target"
    sql = f"""
        WITH d AS ({deduped_sql(where)}),
        p AS (SELECT {pair}, CAST(date_trunc('{fr}', date) AS DATE) AS period, quad_class, goldstein, mentions FROM d)
        SELECT source, target, period, {_AGG} FROM p
        GROUP BY source, target, period
        QUALIFY sum(count(*)) OVER (PARTITION BY source, target) >= ?
        ORDER BY source, target, period
    """
    df = store.con.execute(sql, params + [int(min_events)]).fetchdf()
    df["period"] = pd.to_datetime(df["period"])
    return _finish(df)[["source", "target"] + COLUMNS]


def top_dyads(store, n: int = 20, since=None, until=None, directed: bool = True, claimed: bool = True, **filters) -> pd.DataFrame:
    """The `n` most active dyads: source, target, events, mentions, goldstein_mean, net_index, quad1..4."""
    f = event_filter(since=since, until=until, modality=counted_modalities(claimed), **filters)
    where, params = f.sql()
    pair = "source, target" if directed else "least(source, target) AS source, greatest(source, target) AS target"
    sql = f"""
        WITH d AS ({deduped_sql(where)}), p AS (SELECT {pair}, quad_class, goldstein, mentions FROM d)
        SELECT source, target, {_AGG}, min(0) AS _ FROM p WHERE source IS NOT NULL AND target IS NOT NULL
        GROUP BY source, target ORDER BY events DESC, source, target LIMIT ?
    """
    df = _finish(store.con.execute(sql, params + [int(n)]).fetchdf())
    return df[["source", "target", "events", "mentions", "goldstein_mean", "net_index", "quad1", "quad2", "quad3", "quad4"]]


def actor_series(store, actor: str, freq: str = "week", since=None, until=None, claimed: bool = True, **filters) -> pd.DataFrame:
    """Like `dyad_series`, for every event with `actor` on either side."""
    fr = _freq(freq)
    f = event_filter(actors=[actor], since=since, until=until, modality=counted_modalities(claimed), **filters)
    where, params = f.sql()
    sql = f"""SELECT CAST(date_trunc('{fr}', date) AS DATE) AS period, {_AGG}
              FROM ({deduped_sql(where)}) GROUP BY 1 ORDER BY 1"""
    df = store.con.execute(sql, params).fetchdf()
    df["period"] = pd.to_datetime(df["period"])
    if len(df):
        idx = _periods(_trunc(df["period"].min(), fr), df["period"].max(), fr)
        df = df.set_index("period").reindex(idx.union(pd.DatetimeIndex(df["period"]))).rename_axis("period").reset_index()
    df = _finish(df)
    df["period"] = df["period"].dt.strftime("%Y-%m-%d")
    return df[COLUMNS].reset_index(drop=True)


STRAY_GAP = timedelta(days=365)  # dates this far from the rest of the record stand apart
STRAY_SHARE = 0.05  # ... when they are at most this share of its events


def data_range(store, f: EventFilter | None = None) -> dict:
    """First and last date of the events in scope (historical ones left out), and a robust
    range: the run of dates around the median with no gap longer than a year, when the dates
    outside it hold at most 5% of the events (one 2022 article among 2014 imports), and how
    many events it leaves out."""
    f = f or EventFilter()
    scope = EventFilter(**{**f.values(), "since": None, "until": None, "text": None})
    where, params = scope.sql()
    rows = store.con.execute(f"SELECT e.date, count(*) FROM events e WHERE {where} AND e.date IS NOT NULL GROUP BY 1 ORDER BY 1", params).fetchall()
    if not rows:
        return {"first": None, "last": None, "lo": None, "hi": None, "outside": 0}
    dates = [r[0] for r in rows]
    n = [int(r[1]) for r in rows]
    total, half, acc, mid = sum(n), sum(n) / 2, 0, 0
    for i, k in enumerate(n):
        acc += k
        if acc >= half:
            mid = i
            break
    a = b = mid
    while a > 0 and dates[a] - dates[a - 1] <= STRAY_GAP:
        a -= 1
    while b < len(dates) - 1 and dates[b + 1] - dates[b] <= STRAY_GAP:
        b += 1
    outside = total - sum(n[a : b + 1])
    if outside > STRAY_SHARE * total:
        a, b, outside = 0, len(dates) - 1, 0
    iso = [d.isoformat() for d in (dates[0], dates[-1], dates[a], dates[b])]
    return {"first": iso[0], "last": iso[1], "lo": iso[2], "hi": iso[3], "outside": outside}
