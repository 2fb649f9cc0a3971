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


def _actor_match(side: str, codes: list[str], params: list) -> str:
    """An actor given as an entity (RUS), a full code (RUSGOV) or an ICEWS raw name matches."""
    params.extend([codes, codes])
    return f"(list_contains(?, e.{side}_entity) OR list_contains(?, e.{side}))"


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
                where.append(f"list_contains(?, e.{col})")
                params.append([str(v) for v in vals])
        if self.text:
            where.append("e.text ILIKE ?")
            params.append("%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            where[-1] += " ESCAPE '\\'"
        if not self.include_duplicates:
            # events of an article the store marked as a near-duplicate repeat another article's
            where.append(
                "(e.article_id IS NULL OR NOT EXISTS (SELECT 1 FROM articles a "
                "WHERE a.article_id = e.article_id AND a.duplicate_of IS NOT NULL))"
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
    cols = ", ".join(f'{expr} AS "{name}"' for expr, name in COLUMNS)
    sql = f"SELECT {cols} FROM events e WHERE {where} ORDER BY {ORDERS[order]}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    if offset:
        sql += " OFFSET ?"
        params.append(int(offset))
    return store.con.execute(sql, params).fetchdf()


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
