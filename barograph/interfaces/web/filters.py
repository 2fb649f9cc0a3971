"""Query-string filters shared by the event list, search, export and the pages.

One parser for every route, so an export link reproduces exactly the list it sits under.
Values are checked here (shape) and again by `store.query` (meaning); they only ever reach
SQL as bound parameters.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException, Query

# Actor codes (RUSGOV), entities (RUS, NATO) and imported raw names (Citizen_(Nigeria)).
ACTOR = re.compile(r"^[\w().\- ]{1,80}$")
CAMEO = re.compile(r"^\d{2,4}$")
FIELDS = ("actors", "dyad", "undirected", "codes", "since", "until", "outlets", "modality", "origin", "corpus", "q")


def _split(v: str | None) -> list[str] | None:
    if not v:
        return None
    parts = [p.strip() for p in v.split(",") if p.strip()]
    return parts or None


def _bad(field_: str, problem: str) -> HTTPException:
    return HTTPException(422, detail=f"{field_}: {problem}")


def _date(v: str | None, field_: str) -> date | None:
    """Empty form fields mean no filter; anything else must be an ISO date."""
    if v is None or not v.strip():
        return None
    try:
        return date.fromisoformat(v.strip())
    except ValueError:
        raise _bad(field_, f"not a date: {v[:20]!r} (use YYYY-MM-DD)") from None


def check_actor(code: str, field_: str = "actor") -> str:
    if not ACTOR.match(code):
        raise _bad(field_, f"not an actor code: {code[:40]!r}")
    return code


@dataclass
class Filters:
    actors: list[str] | None = None
    dyad: tuple[str, str] | None = None
    undirected: bool = False
    codes: list[str] | None = None
    since: date | None = None
    until: date | None = None
    outlets: list[str] | None = None
    modality: list[str] | None = None
    origin: list[str] | None = None
    corpus: list[str] | None = None
    q: str | None = None
    raw: dict[str, str] = field(default_factory=dict)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of `barograph.store.query.events`."""
        return dict(actors=self.actors, dyad=self.dyad, undirected=self.undirected, codes=self.codes,
                    since=self.since, until=self.until, outlets=self.outlets, modality=self.modality,
                    origin=self.origin, corpus=self.corpus, text=self.q)

    def key(self) -> str:
        """The filters as one string, for caching answers (same filters, same key)."""
        return repr(sorted(self.kwargs().items()))

    def query_string(self, **extra: Any) -> str:
        """The same filters as a URL query (for export and paging links)."""
        items = {k: v for k, v in self.raw.items() if v not in (None, "")}
        items.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(items)


def filters(
    actors: str | None = Query(None, description="comma-separated actor codes or entities (either side)"),
    dyad: str | None = Query(None, description="A,B: A acting on B", examples=["RUS,TUR"]),
    undirected: bool = Query(False, description="with dyad: both directions"),
    codes: str | None = Query(None, description="comma-separated CAMEO codes or prefixes, e.g. 19,042"),
    since: str | None = Query(None, description="first date, YYYY-MM-DD", examples=["2014-06-01"]),
    until: str | None = Query(None, description="last date, YYYY-MM-DD"),
    outlets: str | None = Query(None, description="comma-separated outlet names"),
    modality: str | None = Query(None, description="comma-separated: asserted, claimed, hypothetical, negated, question, intended"),
    origin: str | None = Query(None, description="barograph, icews or gdelt"),
    corpus: str | None = Query(None, description="corpus name"),
    q: str | None = Query(None, max_length=200, description="words in the evidence sentence"),
) -> Filters:
    since, until = _date(since, "since"), _date(until, "until")
    f = Filters(undirected=undirected, since=since, until=until, q=(q or "").strip() or None)
    f.actors = [check_actor(a, "actors") for a in _split(actors) or []] or None
    if dyad:
        parts = _split(dyad) or []
        if len(parts) != 2:
            raise _bad("dyad", "two actors separated by a comma, e.g. RUS,TUR")
        f.dyad = (check_actor(parts[0], "dyad"), check_actor(parts[1], "dyad"))
    f.codes = _split(codes)
    for c in f.codes or []:
        if not CAMEO.match(c):
            raise _bad("codes", f"not a CAMEO code or prefix: {c[:20]!r}")
    f.outlets = _split(outlets)
    f.modality = _split(modality)
    f.origin = _split(origin)
    f.corpus = _split(corpus)
    f.raw = {"actors": actors, "dyad": dyad, "undirected": "true" if undirected else None, "codes": codes,
             "since": since.isoformat() if since else None, "until": until.isoformat() if until else None,
             "outlets": outlets, "modality": modality, "origin": origin, "corpus": corpus, "q": f.q}
    return f


def plain(v: Any) -> Any:
    """A JSON-safe Python value from whatever pandas/numpy/DuckDB handed back."""
    if v is None:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, (datetime,)):
        if v != v:  # pandas NaT passes for a datetime
            return None
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, (list, tuple, dict)):  # numpy scalar
        try:
            return plain(v.item())
        except (ValueError, AttributeError):
            pass
    if hasattr(v, "isoformat"):  # pandas Timestamp
        return plain(v.to_pydatetime()) if hasattr(v, "to_pydatetime") else v.isoformat()
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if hasattr(v, "tolist"):
        return plain(v.tolist())
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def records(df) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts (NaN/NaT -> null, dates -> ISO strings).

    Column by column: plain numpy columns convert in one `tolist()` (native ints, floats,
    bools); only the others go through `plain` value by value."""
    import numpy as np

    cols = list(df.columns)
    values = []
    for i in range(len(cols)):
        col = df.iloc[:, i]
        kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else "O"
        if kind in "iub":
            values.append(col.tolist())
        elif kind == "f":
            values.append([None if v != v or v in (math.inf, -math.inf) else v for v in col.tolist()])
        else:
            values.append([plain(v) for v in col])
    return [dict(zip(cols, row)) for row in zip(*values)] if cols else [{} for _ in range(len(df))]
