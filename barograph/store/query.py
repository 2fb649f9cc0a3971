"""The one filtered read of stored events that every interface (CLI, web, analysis) uses.

`FILTERS` and `EventFilter` are the one list of event filters: the CLI's options
(`interfaces/filters.py`) and the web's query parameters (`interfaces/web/filters.py`) are
made from it, and `EventFilter.parse` checks what people type in either. Filters are turned into a parameterised WHERE clause (`event_filter`), never by pasting user
values into SQL, so the analysis modules can reuse exactly the same selection in their own
aggregate queries. Column names follow the JSON of `barograph code` (`start`/`end` for the
evidence span) plus the store's own columns (event_id, article_id, doc, root_code, mentions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date as _date
from typing import Any, Iterable

from barograph.errors import BadInput
from barograph.store.facts import remember, remembering_rows
from barograph.store.facts import rows as remembered_rows

# Columns of the events() frame, in order: (expression, output name).
COLUMNS: list[tuple[str, str]] = [
    ("e.event_id", "event_id"),
    ("e.origin", "origin"),
    ("e.corpus", "corpus"),
    ("CAST(e.date AS VARCHAR)", "date"),
    ("e.source", "source"),
    ("e.source_entity", "source_entity"),
    ("e.source_sector", "source_sector"),
    ("e.source_name", "source_name"),
    ("e.target", "target"),
    ("e.target_entity", "target_entity"),
    ("e.target_sector", "target_sector"),
    ("e.target_name", "target_name"),
    ("e.cameo", "cameo"),
    ("e.root_code", "root_code"),
    ("e.quad_class", "quad_class"),
    ("e.goldstein", "goldstein"),
    ("e.plover", "plover"),
    ("e.plover_mode", "plover_mode"),
    ("e.modality", "modality"),
    ("e.historical", "historical"),
    ("e.mentions", "mentions"),
    ("e.outlet", "outlet"),
    ("e.text", "text"),
    ("e.doc", "doc"),
    ("e.doc_id", "doc_id"),
    ("e.article_id", "article_id"),
    ("e.sentence_idx", "sentence_index"),
    ("e.start_char", "start"),
    ("e.end_char", "end"),
    ("e.trigger", "trigger"),
    ("e.confidence", "confidence"),
    ("e.coder", "coder"),
    ("e.method", "method"),
    ("e.source_resolved", "source_resolved"),
    ("e.target_resolved", "target_resolved"),
    ("e.place", "place"),
    ("e.place_country", "place_country"),
    ("e.latitude", "latitude"),
    ("e.longitude", "longitude"),
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
        raise BadInput(what, f"not a date: {str(v)[:20]!r} (use YYYY-MM-DD)") from None


def _in(col: str, values: list, params: list) -> str:
    """`col = ?` / `col IN (?, ...)`: plain comparisons DuckDB can push into the scan (zone maps)."""
    params.extend(values)
    if len(values) == 1:
        return f"{col} = ?"
    return f"{col} IN ({', '.join('?' for _ in values)})"


def _window(col: str, since, until, params: list) -> list[str]:
    """`col` within [since, until] (either may be empty), as conditions to AND."""
    out = []
    if since:
        out.append(f"{col} >= CAST(? AS DATE)")
        params.append(since)
    if until:
        out.append(f"{col} <= CAST(? AS DATE)")
        params.append(until)
    return out


def _actor_match(side: str, codes: list[str], params: list) -> str:
    """An actor given as an entity (RUS), a full code (RUSGOV) or an ICEWS raw name matches."""
    return f"({_in(f'e.{side}_entity', codes, params)} OR {_in(f'e.{side}', codes, params)})"


def _as_share(v: Any, where: str) -> float | None:
    """A number from 0 to 1 as people type it ("0.7"); None when not given."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise BadInput(where, f"not a number: {str(v)[:20]!r}") from None
    if not 0.0 <= x <= 1.0:
        raise BadInput(where, f"{x} is not between 0 and 1")
    return x


@dataclass(frozen=True)
class FilterField:
    """One event filter as every interface offers it: `--NAME` on the command line, `?NAME=` on the
    web, `NAME=` in Python. `flags`/`params` are older spellings still accepted (never removed)."""

    name: str
    kind: str  # "list" (comma-separated values), "dyad", "flag", "date", "text" or "number"
    help: str
    flags: tuple[str, ...] = ()
    params: tuple[str, ...] = ()


# The one list of event filters. Adding one: a field here and in EventFilter (with its SQL in
# `EventFilter.sql`), and its line in docs/analysis.md; the CLI options and web query
# parameters are made from this list.
FILTERS: tuple[FilterField, ...] = (
    FilterField("actors", "list", "Events with any of these actors on either side (entity RUS, code RUSGOV or imported name).", flags=("--actor",)),
    FilterField("dyad", "dyad", "A,B: events of A toward B."),
    FilterField("undirected", "flag", "With dyad: both directions."),
    FilterField("codes", "list", "CAMEO codes or prefixes (19, 042).", flags=("--code",)),
    FilterField("since", "date", "From this date (YYYY-MM-DD)."),
    FilterField("until", "date", "Up to this date (YYYY-MM-DD)."),
    FilterField("outlets", "list", "Only these outlets.", flags=("--outlet",)),
    FilterField("modality", "list", "Only these modalities: " + ", ".join(MODALITIES) + "."),
    FilterField("origin", "list", "Only events of these origins: barograph, icews or gdelt."),
    FilterField("corpus", "list", "Only these corpora."),
    FilterField("places", "list", "Events that happened in these countries (ISO 3166 alpha-3 of place_country, e.g. SYR) or places (Aleppo)."),
    FilterField("text", "text", "Evidence sentence contains this text (any case).", params=("q",)),
    FilterField(
        "min_confidence",
        "number",
        "Only events whose calibrated confidence is at least this (0-1; docs/coding.md gives the precision at 0.5/0.7/0.9; events without one, as some imports, are kept).",
        flags=("--min-confidence",),  # as `barograph code` spells it
    ),
    FilterField("historical", "flag", "Also events the text dates two or more years before its article (left out by default)."),
)
FILTER_NAMES = tuple(f.name for f in FILTERS)
ACTOR = re.compile(r"^[\w().\- ]{1,80}$")
CAMEO = re.compile(r"^\d{2,4}$")
TEXT_MAX = 200


@dataclass
class EventFilter:
    """Everything the reads can filter on; `sql()` yields a WHERE clause and its parameters.

    `EventFilter.parse` reads the filters as people type them (CLI options, query strings) and
    checks them; `event_filter(**kwargs)` builds one from Python values.
    """

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
    min_confidence: float | None = None
    places: list[str] | None = None
    historical: bool = False
    include_duplicates: bool = False
    extra: list[tuple[str, list]] = field(default_factory=list)

    @classmethod
    def parse(cls, values: dict[str, Any], prefix: str = "") -> EventFilter:
        """Filters typed by a person: a str is comma-separated, a list is several of them.

        Shapes are checked here (actor codes, CAMEO codes, dates, modalities, dyads): a problem
        is a one-line BadInput naming the filter as `prefix + name` (`--codes`, or `codes`).
        """
        got: dict[str, Any] = {}
        for f in FILTERS:
            v = values.get(f.name)
            where = prefix + f.name
            if f.kind == "flag":
                got[f.name] = bool(v)
            elif f.kind == "date":
                got[f.name] = _as_date(v, where)
            elif f.kind == "text":
                t = (v or "").strip() or None
                if t and len(t) > TEXT_MAX:
                    raise BadInput(where, f"longer than {TEXT_MAX} characters")
                got[f.name] = t
            elif f.kind == "dyad":
                got[f.name] = _parse_dyad(v, where)
            elif f.kind == "number":
                got[f.name] = _as_share(v, where)
            else:
                got[f.name] = iter_filters([v] if isinstance(v, str) else v)
        for a in got["actors"] or []:
            _check_actor(a, prefix + "actors")
        for c in got["codes"] or []:
            if not CAMEO.match(c):
                raise BadInput(prefix + "codes", f"not a CAMEO code or prefix: {c[:20]!r} (two to four digits)")
        _check_modality(got["modality"], prefix + "modality")
        return cls(**got)

    def values(self) -> dict[str, Any]:
        """The filters by name (those of FILTERS), as `events()` takes them."""
        return {f.name: getattr(self, f.name) for f in FILTERS}

    def key(self) -> str:
        """The filters as one string, for caching answers (same filters, same key)."""
        return repr(sorted(self.values().items()))

    def params(self) -> dict[str, str]:
        """The filters that are set, as query-string values (`actors=RUS,TUR`); `text` as `q`."""
        out: dict[str, str] = {}
        for f in FILTERS:
            v = getattr(self, f.name)
            if v in (None, False, [], ()):
                continue
            name = f.params[0] if f.params else f.name
            out[name] = "true" if v is True else ",".join(v) if isinstance(v, (list, tuple)) else str(v)
        return out

    def query_string(self, **extra: Any) -> str:
        """The same filters as a URL query (for export and paging links), plus `extra`."""
        from urllib.parse import urlencode

        return urlencode({**self.params(), **{k: v for k, v in extra.items() if v is not None}})

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
        where += _window("e.date", self.since, self.until, params)
        for col, vals in (("outlet", self.outlets), ("modality", self.modality), ("origin", self.origin), ("corpus", self.corpus)):
            if vals:
                where.append(_in(f"e.{col}", [str(v) for v in vals], params))
        if self.places:
            vals = [str(v) for v in self.places]
            where.append(f"({_in('e.place_country', vals, params)} OR {_in('e.place', vals, params)})")
        if self.text:
            where.append("e.text ILIKE ?")
            params.append("%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            where[-1] += " ESCAPE '\\'"
        if self.min_confidence is not None:
            where.append("(e.confidence IS NULL OR e.confidence >= ?)")
            params.append(float(self.min_confidence))
        if not self.historical:  # a 1952 event must not stretch every axis: shown when asked
            where.append("NOT coalesce(e.historical, FALSE)")
        if not self.include_duplicates:
            # events of an article the store marked as a near-duplicate repeat another article's
            # (NOT IN is safe here: articles.article_id is a primary key, never NULL)
            where.append("(e.article_id IS NULL OR e.article_id NOT IN (SELECT a.article_id FROM articles a WHERE a.duplicate_of IS NOT NULL))")
        for clause, p in self.extra:
            where.append(clause)
            params.extend(p)
        return " AND ".join(where), params


def _check_actor(code: str, where: str) -> str:
    """Actor codes (RUSGOV), entities (RUS, NATO) and imported raw names (Citizen_(Nigeria))."""
    if not ACTOR.match(code):
        raise BadInput(where, f"not an actor code: {code[:40]!r}")
    return code


def _check_modality(mods: list[str] | None, where: str) -> None:
    for m in mods or []:
        if m not in MODALITIES:
            raise BadInput(where, f"unknown modality {m!r} (one of {', '.join(MODALITIES)})")


def _parse_dyad(v: Any, where: str) -> tuple[str, str] | None:
    """`A,B` (or `A:B`, `A-B`, or two values): two actors."""
    parts = iter_filters([v] if isinstance(v, str) else v)
    if not parts:
        return None
    if len(parts) == 1:
        parts = [p for p in re.split(r"[:\-]", parts[0]) if p.strip()]
    if len(parts) != 2:
        raise BadInput(where, "two actors separated by a comma, e.g. RUS,TUR")
    return (_check_actor(parts[0].strip(), where), _check_actor(parts[1].strip(), where))


def event_filter(
    *,
    actors=None,
    dyad=None,
    undirected=False,
    codes=None,
    since=None,
    until=None,
    outlets=None,
    modality=None,
    origin=None,
    corpus=None,
    text=None,
    min_confidence=None,
    places=None,
    historical=False,
    include_duplicates=False,
) -> EventFilter:
    """Normalise the keyword filters shared by every read (lists, dates, modality names)."""
    mods = _as_list(modality)
    _check_modality(mods, "--modality")
    if dyad is not None:
        dyad = tuple(dyad)
        if len(dyad) != 2:
            raise BadInput("--dyad", "a dyad is two actors, e.g. RUS TUR")
    return EventFilter(
        actors=_as_list(actors),
        dyad=dyad,
        undirected=bool(undirected),
        codes=_as_list(codes),
        since=_as_date(since, "--since"),
        until=_as_date(until, "--until"),
        outlets=_as_list(outlets),
        modality=mods,
        origin=_as_list(origin),
        corpus=_as_list(corpus),
        text=text or None,
        min_confidence=_as_share(min_confidence, "--min_confidence"),
        places=_as_list(places),
        historical=bool(historical),
        include_duplicates=include_duplicates,
    )


def _resolve(f: EventFilter | None, filters: dict) -> EventFilter:
    """A read's filter: an EventFilter, or the keyword filters of `events()`."""
    if f is None:
        return event_filter(**filters)
    if filters:
        raise TypeError("give an EventFilter or keyword filters, not both")
    return f


def events(store, f: EventFilter | None = None, *, limit=None, offset=0, order="date", **filters):
    """Stored events matching every given filter, as a pandas DataFrame (one row per event).

    The filters are an EventFilter `f`, or the keywords of `event_filter`: `actors`: events with
    any of these actors on either side; `dyad=(a, b)`: a acting on b (both ways with
    `undirected=True`); actors match an entity (RUS), a full code (RUSGOV) or an imported raw
    name. `codes`: CAMEO codes or prefixes (roots "19", "042"). `modality` defaults to all;
    analyses pass ("asserted", "claimed") themselves.
    """
    _check_order(order)
    where, params = _resolve(f, filters).sql()
    sql, params = _select(_columns(COLUMNS), where, params, order, limit, offset)
    return store.con.execute(sql, params).fetchdf()


def _check_order(order: str) -> None:
    if order not in ORDERS:
        raise BadInput("--order", f"unknown order {order!r} (one of {', '.join(ORDERS)})")


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
    sql = (
        f"WITH page AS (SELECT e.rowid AS r FROM events e WHERE {where} ORDER BY {by} LIMIT ? OFFSET ?) "
        f"SELECT {cols} FROM events e WHERE e.rowid IN (SELECT r FROM page) ORDER BY {by}"
    )
    return sql, params + [int(limit), int(offset or 0)]


def event_page(
    store,
    f: EventFilter | None = None,
    *,
    columns: Iterable[str] | None = None,
    limit: int = 100,
    offset: int = 0,
    order: str = "date",
    total: bool = False,
    indexed: bool = True,
    **filters,
) -> tuple[list[dict], int | None]:
    """`events()` as JSON-ready dicts (no pandas), and with `total=True` the number of matches.

    For interfaces that show a page of events: the rows come straight from DuckDB as Python
    values (dates as ISO strings, NULL and NaN as None) and the count comes from the same
    scan and snapshot as the page. `columns` picks output names of `COLUMNS` (default all).
    A text search newest first comes from the word index (`store/indexes.py`) when it can answer
    alone; `indexed=False` always scans (the tests compare both).
    """
    _check_order(order)
    f = _resolve(f, filters)
    wanted = list(columns) if columns is not None else [n for _, n in COLUMNS]
    known = dict((n, e) for e, n in COLUMNS)
    sel = [(known[n], n) for n in wanted if n in known]
    names = [n_ for _, n_ in sel]
    if indexed and f.text and order == "-date":  # the word index, when it can answer alone (store/indexes.py)
        from barograph.store import indexes

        found = indexes.search_ids(store.con, f, limit=limit, offset=offset)
        if found is not None:
            return _rows_of(store, sel, found[0]), (found[1] if total else None)
    if indexed and not f.include_duplicates and not any_duplicates(store):
        # no article is a near-duplicate: the clause leaving out their events is always true, and
        # costs a join with articles over every scanned event (a third of a dyad's page at 10 M)
        f = replace(f, include_duplicates=True)
    where, params = f.sql()
    exact = None
    if indexed and f.dyad:  # a filter the scan can apply (store/indexes.py): same rows, fewer read
        from barograph.store import indexes

        exact = indexes.entity_dyad(store.con, f)
        pre = indexes.dyad_prefilter(store.con, f) if exact is None else None
        if exact is not None:  # the dyad filter itself, on the entity columns alone
            where, params = replace(f, dyad=None).sql()
            where, params = f"{where} AND {exact[0]}", params + exact[1]
        elif pre:
            where, params = f"{where} AND {pre[0]}", params + pre[1]
    cols = _columns(sel)
    if remembering_rows() and order == "-date" and exact is not None and int(limit) <= LATE_ROWS:
        # a dyad's events newest first, remembered: any window is a slice of them (store/indexes.py)
        found = indexes.dyad_page(store.con, f, exact, limit=limit, offset=offset)
        if found is not None:
            return _rows_of(store, sel, found[0]), (found[1] if total else None)
    if remembering_rows() and int(limit) <= LATE_ROWS:
        # a reader remembers rows: the page's ids from the narrow columns, their fields from
        # memory or one read of those ids (store/facts.py)
        from barograph.store import indexes

        by = ORDERS[order]
        counted = ", count(*) OVER ()" if total else ""
        page = store.con.execute(
            f"SELECT e.event_id, e.rowid{counted} FROM events e WHERE {where} ORDER BY {by} LIMIT ? OFFSET ?", params + [int(limit), int(offset or 0)]
        ).fetchall()
        n = (page[0][2] if page else (count(store, f) if offset else 0)) if total else None
        at = {r[0]: r[1] for r in page}  # row ids hold within this read (its snapshot)

        def fetch(ids: list[str]) -> dict[str, dict]:
            found = indexes.rows_by_rowid(store.con, sel, [at[i] for i in ids])
            lost = [i for i in ids if i not in found]
            if lost:  # row ids moved between the two statements (a writer's checkpoint): by id
                found.update(indexes.rows_by_id(store.con, sel, dict.fromkeys(lost)))
            return {i: dict(zip(names, map(_json_value, r))) for i, r in found.items() if i in at}

        got = remembered_rows(("json", tuple(sel)), list(at), fetch)
        # copies: the remembered dicts are shared by every page that shows the event
        return [dict(got[r[0]]) for r in page if r[0] in got], (int(n) if n is not None else None)
    if total:
        # one scan: the window counts every match before the page is cut from them
        by = ORDERS[order]
        sql = (
            f"WITH page AS (SELECT e.rowid AS r, count(*) OVER () AS n FROM events e WHERE {where} "
            f"ORDER BY {by} LIMIT ? OFFSET ?) "
            f"SELECT {cols}, (SELECT max(n) FROM page) AS __total FROM events e "
            f"WHERE e.rowid IN (SELECT r FROM page) ORDER BY {by}"
        )
        rows = store.con.execute(sql, params + [int(limit), int(offset or 0)]).fetchall()
        n = rows[0][-1] if rows else (count(store, f) if offset else 0)
        rows = [r[:-1] for r in rows]
    else:
        sql, params = _select(cols, where, params, order, limit, offset)
        rows = store.con.execute(sql, params).fetchall()
        n = None
    return [dict(zip(names, map(_json_value, r))) for r in rows], (int(n) if n is not None else None)


def _rows_of(store, sel: list[tuple[str, str]], dated: dict) -> list[dict]:
    """The JSON-ready rows of the events `dated` names (event id -> date, in page order), those
    a reader remembers from memory, the others in one read by id (store/facts.py)."""
    from barograph.store import indexes

    names = [n for _, n in sel]

    def fetch(ids: list[str]) -> dict[str, dict]:
        got = indexes.rows_by_id(store.con, sel, {i: dated[i] for i in ids})
        return {i: dict(zip(names, map(_json_value, r))) for i, r in got.items()}

    got = remembered_rows(("json", tuple(sel)), list(dated), fetch) if dated else {}
    # copies: the remembered dicts are shared by every page that shows the event
    return [dict(got[i]) for i in dated if i in got]


def any_duplicates(store) -> bool:
    """Whether any stored article is marked as a near-duplicate of another (one quick query)."""
    return remember(
        ("any duplicates",), lambda: bool(store.con.execute("SELECT EXISTS (SELECT 1 FROM articles WHERE duplicate_of IS NOT NULL)").fetchone()[0])
    )


def _json_value(v: Any) -> Any:
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    if isinstance(v, _date):
        return v.isoformat()
    return v


def count(store, f: EventFilter | None = None, **filters) -> int:
    """Number of events `events(store, ...)` would return with the same filters (for paging)."""
    where, params = _resolve(f, filters).sql()
    return int(store.con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchall()[0][0])


def iter_filters(values: Iterable[str] | None) -> list[str] | None:
    """Split comma-separated CLI values (`--actor RUS,TUR --actor USA`) into one list."""
    if not values:
        return None
    outv = [p.strip() for v in values for p in str(v).split(",") if p.strip()]
    return outv or None
