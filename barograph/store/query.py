"""The one filtered read of stored events that every interface (CLI, web, analysis) uses.

Filters are turned into a parameterised WHERE clause (`event_filter`), never by pasting user
values into SQL, so the analysis modules can reuse exactly the same selection in their own
aggregate queries. Column names follow the JSON of `barograph code` (`start`/`end` for the
evidence span) plus the store's own columns (event_id, article_id, doc, root_code, mentions).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as _date
from typing import Any, Iterable

from barograph.errors import BadInput

# Columns of the events() frame, in order: (expression, output name).
COLUMNS: list[tuple[str, str]] = [
    ("e.event_id", "event_id"), ("e.origin", "origin"), ("e.corpus", "corpus"),
    ("CAST(e.date AS VARCHAR)", "date"), ("e.source", "source"), ("e.source_entity", "source_entity"),
    ("e.source_sector", "source_sector"), ("e.source_name", "source_name"), ("e.target", "target"),
    ("e.target_entity", "target_entity"), ("e.target_sector", "target_sector"),
    ("e.target_name", "target_name"), ("e.cameo", "cameo"), ("e.root_code", "root_code"),
    ("e.quad_class", "quad_class"), ("e.goldstein", "goldstein"), ("e.plover", "plover"),
    ("e.plover_mode", "plover_mode"), ("e.modality", "modality"), ("e.historical", "historical"),
    ("e.mentions", "mentions"), ("e.outlet", "outlet"), ("e.text", "text"), ("e.doc", "doc"),
    ("e.doc_id", "doc_id"), ("e.article_id", "article_id"), ("e.sentence_idx", "sentence_index"),
    ("e.start_char", "start"), ("e.end_char", "end"), ("e.trigger", "trigger"),
    ("e.confidence", "confidence"), ("e.coder", "coder"),
]

ORDERS = {
    "date": "e.date, e.event_id",
    "-date": "e.date DESC, e.event_id",
    "goldstein": "e.goldstein, e.date, e.event_id",
    "-goldstein": "e.goldstein DESC, e.date, e.event_id",
    "mentions": "e.mentions DESC, e.date, e.event_id",
    "id": "e.event_id",
}

MODALITIES = ("asserted", "claimed", "hypothetical", "negated", "question", "intended")


def _as_list(v: Any) -> list | None:
    if v is None:
        return None
    if isinstance(v, (str, bytes)):
        return [v]
    return list(v)


def _as_date(v: Any, what: str) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, _date):
        return v.isoformat()
    s = str(v).strip()
    try:
        if len(s) == 4:
            s += "-01-01"
        elif len(s) == 7:
            s += "-01"
        return _date.fromisoformat(s[:10]).isoformat()
    except ValueError:
        raise BadInput(f"--{what}", f"not a date: {v!r} (use YYYY-MM-DD)") from None


def _in(col: str, values: list, params: list) -> str:
    """`col = ?` / `col IN (?, ...)`: plain comparisons DuckDB can push into the scan (zone maps)."""
    params.extend(values)
    if len(values) == 1:
        return f"{col} = ?"
    return f"{col} IN ({', '.join('?' for _ in values)})"


def _actor_match(side: str, codes: list[str], params: list) -> str:
    """An actor given as an entity (RUS), a full code (RUSGOV) or an ICEWS raw name matches."""
    return f"({_in(f'e.{side}_entity', codes, params)} OR {_in(f'e.{side}', codes, params)})"


@dataclass
class EventFilter:
    """Everything the reads can filter on; `sql()` yields a WHERE clause and its parameters."""

    actors: list[str] | None = None
    dyad: tuple[str, str] | None = None
    undirected: bool = False
    codes: list[str] | None = None
    since: str | None = None
    until: str | None = None
    outlets: list[str] | None = None
    modality: list[str] | None = None
    origin: list[str] | None = None
    corpus: list[str] | None = None
    text: str | None = None
    include_duplicates: bool = False
    extra: list[tuple[str, list]] = field(default_factory=list)

    def sql(self) -> tuple[str, list]:
        where: list[str] = ["TRUE"]
        params: list = []
        if self.actors:
            a = [str(x) for x in self.actors]
            where.append(f"({_actor_match('source', a, params)} OR {_actor_match('target', a, params)})")
        if self.dyad:
            a, b = [str(self.dyad[0])], [str(self.dyad[1])]
            fwd = f"({_actor_match('source', a, params)} AND {_actor_match('target', b, params)})"
            if self.undirected:
                rev = f"({_actor_match('source', b, params)} AND {_actor_match('target', a, params)})"
                where.append(f"({fwd} OR {rev})")
            else:
                where.append(fwd)
        if self.codes:
            codes = [str(c).strip() for c in self.codes]
            for c in codes:
                if not (c.isdigit() and 2 <= len(c) <= 4):
                    raise BadInput("--code", f"not a CAMEO code or prefix: {c!r} (two to four digits)")
            where.append("(" + " OR ".join("starts_with(e.cameo, ?)" for _ in codes) + ")")
            params.extend(codes)
        if self.since:
            where.append("e.date >= CAST(? AS DATE)")
            params.append(self.since)
        if self.until:
            where.append("e.date <= CAST(? AS DATE)")
            params.append(self.until)
        for col, vals in (("outlet", self.outlets), ("modality", self.modality),
                          ("origin", self.origin), ("corpus", self.corpus)):
            if vals:
                where.append(_in(f"e.{col}", [str(v) for v in vals], params))
        if self.text:
            where.append("e.text ILIKE ?")
            params.append("%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            where[-1] += " ESCAPE '\\'"
        if not self.include_duplicates:
            # events of an article the store marked as a near-duplicate repeat another article's
            # (NOT IN is safe here: articles.article_id is a primary key, never NULL)
            where.append(
                "(e.article_id IS NULL OR e.article_id NOT IN "
                "(SELECT a.article_id FROM articles a WHERE a.duplicate_of IS NOT NULL))"
            )
        for clause, p in self.extra:
            where.append(clause)
            params.extend(p)
        return " AND ".join(where), params


def event_filter(*, actors=None, dyad=None, undirected=False, codes=None, since=None, until=None,
                 outlets=None, modality=None, origin=None, corpus=None, text=None,
                 include_duplicates=False) -> EventFilter:
    """Normalise the keyword filters shared by every read (lists, dates, modality names)."""
    mods = _as_list(modality)
    if mods:
        for m in mods:
            if m not in MODALITIES:
                raise BadInput("--modality", f"unknown modality {m!r} (one of {', '.join(MODALITIES)})")
    if dyad is not None:
        dyad = tuple(dyad)
        if len(dyad) != 2:
            raise BadInput("--dyad", "a dyad is two actors, e.g. RUS TUR")
    return EventFilter(
        actors=_as_list(actors), dyad=dyad, undirected=bool(undirected), codes=_as_list(codes),
        since=_as_date(since, "since"), until=_as_date(until, "until"), outlets=_as_list(outlets),
        modality=mods, origin=_as_list(origin), corpus=_as_list(corpus), text=text or None,
        include_duplicates=include_duplicates,
    )


def events(store, *, actors=None, dyad=None, undirected=False, codes=None, since=None, until=None,
           outlets=None, modality=None, origin=None, corpus=None, text=None, limit=None, offset=0,
           order="date", include_duplicates=False):
    """Stored events matching every given filter, as a pandas DataFrame (one row per event).

    `actors`: events with any of these actors on either side; `dyad=(a, b)`: a acting on b
    (both ways with `undirected=True`); actors match an entity (RUS), a full code (RUSGOV) or
    an imported raw name. `codes`: CAMEO codes or prefixes (roots "19", "042"). `modality`
    defaults to all; analyses pass ("asserted", "claimed") themselves.
    """
    if order not in ORDERS:
        raise BadInput("--order", f"unknown order {order!r} (one of {', '.join(ORDERS)})")
    f = event_filter(actors=actors, dyad=dyad, undirected=undirected, codes=codes, since=since,
                     until=until, outlets=outlets, modality=modality, origin=origin, corpus=corpus,
                     text=text, include_duplicates=include_duplicates)
    where, params = f.sql()
    sql, params = _select(_columns(COLUMNS), where, params, order, limit, offset)
    return store.con.execute(sql, params).fetchdf()


# Few enough rows that fetching them by row id beats carrying every column through the sort.
LATE_ROWS = 5000


def _columns(columns) -> str:
    return ", ".join(f'{expr} AS "{name}"' for expr, name in columns)


def _select(cols: str, where: str, params: list, order: str, limit, offset) -> tuple[str, list]:
    """One statement (one snapshot). A page is chosen on the narrow sort columns first and
    only its rows are then read whole ("late materialisation"), instead of dragging all 32
    columns of every match through the sort."""
    by = ORDERS[order]
    if limit is None or int(limit) > LATE_ROWS:
        sql = f"SELECT {cols} FROM events e WHERE {where} ORDER BY {by}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        if offset:
            sql += " OFFSET ?"
            params.append(int(offset))
        return sql, params
    sql = (f"WITH page AS (SELECT e.rowid AS r FROM events e WHERE {where} ORDER BY {by} LIMIT ? OFFSET ?) "
           f"SELECT {cols} FROM events e WHERE e.rowid IN (SELECT r FROM page) ORDER BY {by}")
    return sql, params + [int(limit), int(offset or 0)]


def event_page(store, *, columns: Iterable[str] | None = None, limit: int = 100, offset: int = 0,
               order: str = "date", total: bool = False, **filters) -> tuple[list[dict], int | None]:
    """`events()` as JSON-ready dicts (no pandas), and with `total=True` the number of matches.

    For interfaces that show a page of events: the rows come straight from DuckDB as Python
    values (dates as ISO strings, NULL and NaN as None) and the count comes from the same
    scan and snapshot as the page. `columns` picks output names of `COLUMNS` (default all).
    """
    if order not in ORDERS:
        raise BadInput("--order", f"unknown order {order!r} (one of {', '.join(ORDERS)})")
    wanted = list(columns) if columns is not None else [n for _, n in COLUMNS]
    known = dict((n, e) for e, n in COLUMNS)
    sel = [(known[n], n) for n in wanted if n in known]
    where, params = event_filter(**filters).sql()
    cols = _columns(sel)
    if total:
        # one scan: the window counts every match before the page is cut from them
        by = ORDERS[order]
        sql = (f"WITH page AS (SELECT e.rowid AS r, count(*) OVER () AS n FROM events e WHERE {where} "
               f"ORDER BY {by} LIMIT ? OFFSET ?) "
               f"SELECT {cols}, (SELECT max(n) FROM page) AS __total FROM events e "
               f"WHERE e.rowid IN (SELECT r FROM page) ORDER BY {by}")
        rows = store.con.execute(sql, params + [int(limit), int(offset or 0)]).fetchall()
        n = rows[0][-1] if rows else (count(store, **filters) if offset else 0)
        rows = [r[:-1] for r in rows]
    else:
        sql, params = _select(cols, where, params, order, limit, offset)
        rows = store.con.execute(sql, params).fetchall()
        n = None
    names = [n_ for _, n_ in sel]
    return [dict(zip(names, map(_json_value, r))) for r in rows], (int(n) if n is not None else None)


def _json_value(v: Any) -> Any:
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    if isinstance(v, _date):
        return v.isoformat()
    return v


def count(store, **filters) -> int:
    """Number of events `events(store, **filters)` would return (for paging)."""
    where, params = event_filter(**filters).sql()
    return int(store.con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchall()[0][0])


def iter_filters(values: Iterable[str] | None) -> list[str] | None:
    """Split comma-separated CLI values (`--actor RUS,TUR --actor USA`) into one list."""
    if not values:
        return None
    outv = [p.strip() for v in values for p in str(v).split(",") if p.strip()]
    return outv or None
