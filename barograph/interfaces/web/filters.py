"""Query-string filters shared by the event list, search, export and the pages.

One FastAPI dependency for every route, made from `store.query.FILTERS`, so an export link
reproduces exactly the list it sits under and a new filter needs no edit here. Values are
checked by `EventFilter.parse` (the same check as the command line's); they only ever reach
SQL as bound parameters. Also the JSON-safe conversion of frame values for answers.
"""

from __future__ import annotations

import inspect
import math
from datetime import date, datetime
from typing import Any

from fastapi import HTTPException, Query

from barograph.errors import BadInput
from barograph.store.query import ACTOR, FILTERS, EventFilter

Filters = EventFilter  # what a route receives: the store's own filter


def check_actor(code: str, field_: str = "actor") -> str:
    if not ACTOR.match(code):
        raise HTTPException(422, detail=f"{field_}: not an actor code: {code[:40]!r}")
    return code


def _query_parameters() -> list[inspect.Parameter]:
    """One query parameter per filter of `store.query.FILTERS` and per older spelling of it."""
    out = []
    for f in FILTERS:
        for name in (f.name, *f.params):
            annotation: Any
            if f.kind == "flag":
                default, annotation = Query(False, description=f.help), bool
            else:
                default = Query(None, description=f.help, max_length=200 if f.kind == "text" else None)
                annotation = str | None
            out.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation))
    return out


def filters(**given: Any) -> EventFilter:
    """The event filters of a request's query string, checked (422 with the reason)."""
    values = {}
    for f in FILTERS:
        values[f.name] = next((given[n] for n in (f.name, *f.params) if given.get(n) not in (None, "")), None)
    try:
        return EventFilter.parse(values)
    except BadInput as e:
        raise HTTPException(422, detail=str(e)) from None


filters.__signature__ = inspect.Signature(_query_parameters(), return_annotation=EventFilter)  # type: ignore[attr-defined]


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
