"""What each page and API route shows, gathered from the store and analysis libraries.

Shared by the JSON API and the HTML pages so both always say the same thing. Counting,
series, alerts, networks and forecasts are the analysis modules' work; this module only
selects, joins for display and shapes the results.
"""

from __future__ import annotations

import math
from datetime import date as _date
from datetime import timedelta

from barograph.interfaces.web.filters import Filters, plain, records
from barograph.store import indexes, query
from barograph.store.facts import remember

EVENT_FIELDS = tuple(
    (
        "event_id article_id doc start end text source source_entity target target_entity cameo "
        "quad_class goldstein plover modality date outlet confidence trigger source_name target_name "
        "root_code origin mentions sentence_index method source_resolved target_resolved "
        "place place_country latitude longitude"
    ).split()
)


def events_frame(store, f: Filters, *, limit: int, offset: int = 0, order: str = "-date"):
    return query.events(store, f, limit=limit, offset=offset, order=order)


def events(store, f: Filters, *, limit: int, offset: int = 0, order: str = "-date") -> list[dict]:
    return query.event_page(store, f, columns=EVENT_FIELDS, limit=limit, offset=offset, order=order)[0]


def events_and_count(store, f: Filters, *, limit: int, offset: int = 0, order: str = "-date") -> tuple[list[dict], int]:
    """A page of events and how many match in all, from one scan."""
    n_rows, total = query.event_page(store, f, columns=EVENT_FIELDS, limit=limit, offset=offset, order=order, total=True)
    return n_rows, int(total or 0)


def count(store, f: Filters) -> int:
    return query.count(store, f)


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(store, f: Filters, *, limit: int, offset: int = 0) -> dict:
    """Events whose evidence sentence contains the phrase, and stored sentences that do."""
    found, total = events_and_count(store, f, limit=limit, offset=offset)
    return {"query": f.text, "total": total, "events": found, "sentences": sentences(store, f.text or "", limit=limit)}


def sentences(store, q: str, *, limit: int) -> list[dict]:
    """Stored sentences (of original articles) containing the phrase, newest first."""
    if not remember(("any sentences",), lambda: bool(store.con.execute("SELECT EXISTS (SELECT 1 FROM sentences)").fetchone()[0])):
        return []  # a store of imported events: no scan of an empty table joined with articles
    rows = store.con.execute(
        """SELECT s.article_id, s.idx, s.start_char, s.end_char, s.text, a.title, a.outlet, CAST(a.date AS VARCHAR) AS date
           FROM sentences s JOIN articles a USING (article_id)
           WHERE s.text ILIKE ? ESCAPE '\\' AND a.duplicate_of IS NULL
           ORDER BY a.date DESC NULLS LAST, s.article_id, s.idx LIMIT ?""",
        [_like(q), limit],
    ).fetchall()
    if not rows:  # (a store of imported events has no sentences: no join with every event)
        return []
    ids = sorted({r[0] for r in rows})
    counts = dict(
        ((a, i), n)
        for a, i, n in store.con.execute(
            f"""SELECT e.article_id, e.sentence_idx, count(*) FROM events e
                WHERE e.article_id IN ({", ".join("?" for _ in ids)}) GROUP BY ALL""",
            ids,
        ).fetchall()
    )
    return [
        dict(article_id=r[0], index=r[1], start=r[2], end=r[3], text=r[4], title=r[5], outlet=r[6], date=r[7], events=counts.get((r[0], r[1]), 0))
        for r in rows
    ]


# -- analysis-backed views (barograph.analysis.*, imported lazily: they may be heavy) --------


def top_dyads(store, *, n: int = 20, since: str | None = None, until: str | None = None) -> list[dict]:
    from barograph.analysis.series import top_dyads as _top

    return records(_top(store, n=n, since=since, until=until))


def countries(store, f: Filters) -> dict:
    """Events per country where they happened (the world map), under the event filters."""
    from barograph.analysis.geography import by_country

    return by_country(store, f)


def series(store, a: str, b: str, *, freq: str = "week", directed: bool = True, since=None, until=None, historical: bool = False) -> list[dict]:
    """The rows of `analysis.series.dyad_series` (same SQL, same filling and rounding), built
    without pandas: under concurrent requests the frame work held the GIL longer than DuckDB
    took for the query. tests/test_web_latency.py checks both give the same answer."""
    from barograph.analysis.series import _AGG, counted_modalities, deduped_sql, period_start
    from barograph.analysis.series import _freq as check_freq

    fr = check_freq(freq)
    f = query.event_filter(dyad=(a, b), undirected=not directed, since=since, until=until, modality=counted_modalities(True), historical=historical)
    if indexes.current(store.con):  # the pre-aggregated dyad days (store/indexes.py), grouped as the library groups events
        rows = indexes.series_rows(store.con, a, b, fr, directed=directed, since=f.since, until=f.until, historical=historical)
    else:  # events written around the writers: the library's own query
        where, params = f.sql()
        rows = store.con.execute(
            f"SELECT CAST(date_trunc('{fr}', date) AS DATE) AS period, {_AGG} FROM ({deduped_sql(where)}) GROUP BY 1 ORDER BY 1", params
        ).fetchall()
    found = {r[0]: r for r in rows}
    periods = [r[0] for r in rows]
    if rows or (since and until):
        lo = _date.fromisoformat(f.since) if f.since else periods[0]
        hi = _date.fromisoformat(f.until) if f.until else periods[-1]
        d, every = period_start(lo, fr), []
        while d <= hi:
            every.append(d)
            d = _next_period(d, fr)
        periods = sorted(set(every).union(periods))
    out = []
    for p in periods:
        r = found.get(p)
        if r is None:  # a filled period: zeros, and no sums or means (as dyad_series gives)
            out.append(
                {
                    "period": p.isoformat(),
                    "quad1": 0,
                    "quad2": 0,
                    "quad3": 0,
                    "quad4": 0,
                    "goldstein_sum": None,
                    "events": 0,
                    "goldstein_mean": None,
                    "net_index": None,
                    "mentions": 0,
                }
            )
            continue
        _, q1, q2, q3, q4, gsum, n, mentions = r
        gsum = float(gsum)
        out.append(
            {
                "period": p.isoformat(),
                "quad1": int(q1),
                "quad2": int(q2),
                "quad3": int(q3),
                "quad4": int(q4),
                "goldstein_sum": _round4(gsum),
                "events": int(n),
                "goldstein_mean": _round4(gsum / float(n)) if n else None,
                "net_index": _round4((q1 + q2 - q3 - q4) / float(n)) if n else None,
                "mentions": int(mentions or 0),
            }
        )
    return out


def _round4(x: float) -> float | None:
    """numpy's (and so pandas') round(x, 4): scale, round half to even, unscale."""
    if math.isnan(x) or math.isinf(x):
        return None
    return round(x * 10000.0) / 10000.0


def _next_period(d: _date, fr: str) -> _date:
    if fr == "day":
        return d + timedelta(days=1)
    if fr == "week":
        return d + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[fr]
    m = d.month - 1 + months
    return d.replace(year=d.year + m // 12, month=m % 12 + 1, day=1)


def detect_alerts(store, *, since=None, until=None, min_severity: float | None = None) -> list[dict]:
    """Every alert of the window as JSON-ready dicts, most severe first (the expensive part);
    `until` is the window's end, the date the alerts are as of."""
    from dataclasses import asdict, is_dataclass

    from barograph.analysis.alerts import MIN_SEVERITY, detect

    found = detect(store, since=since, until=until, min_severity=MIN_SEVERITY if min_severity is None else min_severity)
    out = [plain(asdict(a) if is_dataclass(a) else dict(a)) for a in found]
    out.sort(key=lambda a: (-(a.get("severity") or 0), a.get("window_end") or ""))
    return out


def follow(store, *, alerts: int = 10) -> dict:
    """What `barograph follow` keeps in the store: each source's last read and state, the newest alerts it raised."""
    from barograph.live.state import overview

    return overview(store.con, alerts=alerts)


def alerts(found: list[dict], *, actor: str | None = None, kind: str | None = None, direction: str | None = None, limit: int = 50) -> list[dict]:
    """The alerts of `detect_alerts` involving `actor` (either side), of `kind`/`direction`, at most `limit`."""
    if actor:
        found = [a for a in found if actor in (a.get("source"), a.get("target"))]
    if kind:
        found = [a for a in found if a.get("kind") == kind]
    if direction:
        found = [a for a in found if a.get("direction") == direction]
    return found[:limit]


def network(store, *, since=None, until=None, min_events: int = 3, limit: int = 150) -> dict:
    from barograph.analysis.network import edges as _edges

    df = _edges(store, since=since, until=until, min_events=min_events)
    rows = records(df)
    rows.sort(key=lambda r: -(r.get("events") or 0))
    rows = rows[:limit]
    weight: dict[str, int] = {}
    for r in rows:
        for side in ("source", "target"):
            weight[r[side]] = weight.get(r[side], 0) + int(r.get("events") or 0)
    nodes = [{"id": k, "events": v} for k, v in sorted(weight.items(), key=lambda kv: -kv[1])]
    return {"nodes": nodes, "edges": rows}


def forecast(store, a: str, b: str, asof: str | None = None) -> dict:
    """The forecaster's outlook for the dyad; `available: false` when it cannot say anything."""
    from barograph.errors import BadInput

    try:
        from barograph.analysis.forecast.outlook import dyad_outlook
    except ImportError as e:
        return {"available": False, "detail": f"the forecaster is not installed ({e.name})"}
    try:
        out = plain(dyad_outlook(store, a, b, asof=asof) if asof else dyad_outlook(store, a, b))
    except BadInput as e:
        return {"available": False, "detail": str(e.problem)}
    out["available"] = True
    return out


def _fitted(call, store, *args, **kwargs) -> dict:
    """An answer of the ranker fitted on the store (analysis/forecast/onstore.py), or
    `available: false` with the one-line reason (no model yet, unknown actor or relation)."""
    from barograph.errors import BadInput

    try:
        from barograph.analysis.forecast import onstore
    except ImportError as e:
        return {"available": False, "detail": f"the forecaster is not installed ({e.name})"}
    try:
        out = plain(getattr(onstore, call)(store, *args, **kwargs))
    except BadInput as e:
        return {"available": False, "detail": str(e.problem)}
    out["available"] = True
    return out


def forecast_model(store) -> dict:
    """The fitted model beside the store: when, on what, how it validated, and `stale`."""
    return _fitted("status", store)


def forecast_who(store, a: str, relation: str, kind: str = "root", top: int = 5) -> dict:
    """Whom `a` will act on next with a CAMEO root or PLOVER type, ranked, with evidence."""
    return _fitted("who", store, a, relation, kind=kind, top=top)


def forecast_what(store, a: str, b: str, kind: str = "root", top: int = 5) -> dict:
    """What `a` will do to `b` next (CAMEO roots or PLOVER types), ranked, with evidence."""
    return _fitted("what", store, a, b, kind=kind, top=top)


# -- pages' own reads ---------------------------------------------------------------------


def _event_cols() -> str:
    return ", ".join(f'{expr} AS "{name}"' for expr, name in query.COLUMNS)


def actor(store, code: str, edges: list[dict] | None = None, since=None, until=None) -> dict | None:
    """`edges`: the whole record's network (`network(min_events=1)["edges"]`) if already at hand;
    `since`/`until`: the window (counts, partners and latest events within it)."""
    if since or until:
        edges = None
        if query.count(store, actors=[code]) == 0:
            return None
    n = query.count(store, actors=[code], since=since, until=until)
    if n == 0:
        return None
    names = store.con.execute(
        """SELECT name, count(*) AS n FROM (
               SELECT source_name AS name FROM events WHERE (source_entity = ? OR source = ?) AND source_name IS NOT NULL
               UNION ALL
               SELECT target_name FROM events WHERE (target_entity = ? OR target = ?) AND target_name IS NOT NULL)
           GROUP BY name ORDER BY n DESC LIMIT 5""",
        [code, code, code, code],
    ).fetchall()
    recent = events(store, query.event_filter(actors=[code], since=since, until=until), limit=50, order="-date")
    partners: list[dict] = []
    try:
        if edges is None:
            edges = network(store, since=since, until=until, min_events=1, limit=100_000)["edges"]
        partners = [e for e in edges if code in (e["source"], e["target"])]
        partners.sort(key=lambda r: -(r.get("events") or 0))
    except ImportError:
        pass
    return {
        "code": code,
        "names": [r[0] for r in names],
        "events": n,
        "partners": partners[:25],
        "recent": recent,
        "aliases": actor_aliases(code),
        "dyads": actor_dyads(code, partners),
    }


def undated(store, a: str, b: str, directed: bool = True) -> int:
    """Events of the dyad its timeline leaves out for want of a date (said on the page)."""
    from barograph.analysis.series import undated_events

    return undated_events(store, a, b, directed=directed)


def actor_search(store, q: str, limit: int = 10) -> list[dict]:
    """`barograph actors` for the web: the search box's autocomplete, stored actors first."""
    from barograph.analysis.lookup import search_actors

    rows = search_actors(store, q, limit=max(limit * 3, 30))
    rows.sort(key=lambda r: (r["events"] == 0,))  # stable: keeps the search's own order within each group
    return rows[:limit]


def actor_aliases(code: str, limit: int = 12) -> list[str]:
    """The names the actor dictionaries give this code (or this entity's state), for its page."""
    try:
        from barograph.analysis.lookup import aliases_of
    except ImportError:
        return []
    try:
        return aliases_of(code)[:limit]
    except Exception:  # the dictionaries are optional for reading a store
        return []


def actor_dyads(code: str, partners: list[dict]) -> list[dict]:
    """The actor's dyads, both directions, busiest first: source, target, events, net_index."""
    rows = [
        {"source": e["source"], "target": e["target"], "events": e.get("events") or 0, "net_index": e.get("net_index")}
        for e in partners
        if code in (e["source"], e["target"])
    ]
    rows.sort(key=lambda r: -r["events"])
    return rows


def articles(store, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """One query, so the counts come from one committed snapshot."""
    rows = store.con.execute(
        """SELECT a.article_id, a.title, a.outlet, CAST(a.date AS VARCHAR), a.url, a.duplicate_of,
                  (SELECT count(*) FROM sentences s WHERE s.article_id = a.article_id) AS sentences,
                  (SELECT count(*) FROM events e WHERE e.article_id = a.article_id) AS events
           FROM articles a ORDER BY a.date DESC NULLS LAST, a.article_id LIMIT ? OFFSET ?""",
        [limit, offset],
    ).fetchall()
    keys = ("article_id", "title", "outlet", "date", "url", "duplicate_of", "sentences", "events")
    return [dict(zip(keys, r)) for r in rows]


def article(store, article_id: str) -> dict | None:
    row = store.con.execute(
        """SELECT a.article_id, a.doc_id, a.title, a.outlet, a.author, CAST(a.date AS VARCHAR), a.url, a.language,
                  a.body_start, a.body_end, a.start_char, a.end_char, a.duplicate_of, d.doc, d.text
           FROM articles a JOIN documents d ON d.doc_id = a.doc_id WHERE a.article_id = ?""",
        [article_id],
    ).fetchone()
    if row is None:
        return None
    keys = (
        "article_id",
        "doc_id",
        "title",
        "outlet",
        "author",
        "date",
        "url",
        "language",
        "body_start",
        "body_end",
        "start",
        "end",
        "duplicate_of",
        "doc",
    )
    art = dict(zip(keys, row[:-1]))
    doc_text = row[-1] or ""
    b0 = art["body_start"] if art["body_start"] is not None else art["start"] or 0
    b1 = art["body_end"] if art["body_end"] is not None else art["end"] or len(doc_text)
    body = doc_text[b0:b1]
    sents = store.con.execute(
        "SELECT idx, start_char, end_char, text FROM sentences WHERE article_id = ? AND doc_id = ? ORDER BY idx", [article_id, art["doc_id"]]
    ).fetchall()
    evs = records(
        store.con.execute(f"SELECT {_event_cols()} FROM events e WHERE e.article_id = ? ORDER BY e.start_char, e.event_id", [article_id]).fetchdf()
    )
    evs = [{k: e.get(k) for k in EVENT_FIELDS if k in e} for e in evs]
    art.update(
        body_start=b0, body_end=b1, text=body, sentences=[{"index": s[0], "start": s[1], "end": s[2], "text": s[3]} for s in sents], events=evs
    )
    art["segments"] = segments(body, b0, art["sentences"], evs)
    return art


def segments(body: str, offset: int, sentences: list[dict], evs: list[dict]) -> list[dict]:
    """Cut the body into plain runs and evidence sentences (with the trigger words marked).

    Offsets are document offsets; `offset` is where the body starts in the document.
    """
    by_span: dict[tuple[int, int], list[dict]] = {}
    for e in evs:
        if e.get("start") is None or e.get("end") is None:
            continue
        by_span.setdefault((int(e["start"]), int(e["end"])), []).append(e)
    spans = sorted(by_span)
    out: list[dict] = []
    pos = 0
    for s, t in spans:
        a, b = s - offset, t - offset
        if a < pos or b > len(body) or a >= b:
            continue  # overlapping or outside the body: shown in the list, not highlighted
        if a > pos:
            out.append({"kind": "text", "text": body[pos:a]})
        group = by_span[(s, t)]
        text = body[a:b]
        worst = max(int(e.get("quad_class") or 0) for e in group)
        parts = _mark_triggers(text, [e.get("trigger") or "" for e in group])
        out.append({"kind": "evidence", "text": text, "parts": parts, "quad": worst, "events": [e["event_id"] for e in group], "anchor": f"ev-{s}"})
        pos = b
    if pos < len(body):
        out.append({"kind": "text", "text": body[pos:]})
    return out


def _mark_triggers(text: str, triggers: list[str]) -> list[dict]:
    marks: list[tuple[int, int]] = []
    low = text.lower()
    for t in triggers:
        t = t.strip()
        if not t:
            continue
        i = low.find(t.lower())
        if i >= 0:
            marks.append((i, i + len(t)))
    marks.sort()
    parts, pos = [], 0
    for a, b in marks:
        if a < pos:
            continue
        if a > pos:
            parts.append({"text": text[pos:a], "trigger": False})
        parts.append({"text": text[a:b], "trigger": True})
        pos = b
    if pos < len(text):
        parts.append({"text": text[pos:], "trigger": False})
    return parts


# -- time windows: every page's range control and its "as of" -------------------------------

PRESETS = (("4w", "last 4 weeks", 27), ("3m", "3 months", 91), ("1y", "year", 364), ("all", "all", None))


def data_range(store, f: Filters | None = None) -> dict:
    """`analysis.series.data_range` of the filter's scope (its window left aside)."""
    from barograph.analysis.series import data_range as _range

    return _range(store, f or Filters())


def window(store, f: Filters, *, path: str, keep: dict | None = None) -> dict:
    """The range control of a page: the chosen window (or the robust default), its "as of"
    (the window's end), and preset links (last 4 weeks, 3 months, year, all) that keep the
    page's other query parameters `keep`."""
    from urllib.parse import urlencode

    keep = {k: v for k, v in (keep or {}).items() if v not in (None, "", False)}
    r = data_range(store, f)
    since, until = f.since, f.until
    chosen = bool(since or until)
    if not chosen:
        since, until = r["lo"], r["hi"]
    end = until or r["hi"]
    presets = []
    for key, label, days in PRESETS:
        if days is None:
            q = {"since": r["first"], "until": r["last"]} if r["first"] else {}
        else:
            if not end:
                continue
            q = {"since": (_date.fromisoformat(end) - timedelta(days=days)).isoformat(), "until": end}
        current = (q.get("since"), q.get("until")) == (since, until)
        presets.append({"key": key, "label": label, "href": f"{path}?{urlencode({**keep, **q})}", "current": current})
    return {
        "since": since,
        "until": until,
        "asof": end,
        "chosen": chosen,
        "first": r["first"],
        "last": r["last"],
        "outside": 0 if chosen else r["outside"],
        "all_href": f"{path}?{urlencode({**keep, 'since': r['first'], 'until': r['last']})}" if r["first"] else path,
        "presets": presets,
        "path": path,
        "keep": keep,
    }


def windowed(f: Filters, w: dict) -> Filters:
    """`f` limited to the window `w` (the robust default when none was chosen)."""
    return Filters(**{**f.values(), "since": w["since"], "until": w["until"]})
