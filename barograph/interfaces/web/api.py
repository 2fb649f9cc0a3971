"""The JSON API: thin routes over the store and analysis libraries.

Routes are plain `def`s, so FastAPI runs them in its thread pool and a slow query never
blocks the event loop; each takes a read-only view from the app's `Reader` for its duration.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from barograph.analysis.exports import EXPORTS, export_bytes
from barograph.errors import BadInput, StoreError
from barograph.ingest.readers import input_kinds
from barograph.interfaces.web import views
from barograph.interfaces.web.filters import Filters, check_actor, filters, plain
from barograph.interfaces.web.reader import Busy
from barograph.interfaces.web.security import token_ok
from barograph.store.facts import remembering

router = APIRouter()

EXPORT_MAX = 1_000_000
EXPORT_NAMES = tuple(EXPORTS)
UPLOAD_KINDS = input_kinds()  # format of an upload -> the suffix its temporary file gets


@contextmanager
def read(request: Request) -> Iterator[Any]:
    """A read-only store for one request; library errors become HTTP errors. What the library
    asks about the store beside the request's own query (is the index current, which entities
    a code stands for...) is remembered while the file is unchanged (`store/facts.py`)."""
    try:
        with request.app.state.reader.store() as store, remembering(request.app.state.cache.facts()):
            yield store
    except Busy as e:
        raise HTTPException(503, detail=str(e), headers={"Retry-After": "2"}) from None
    except BadInput as e:
        raise HTTPException(422, detail=str(e)) from None
    except StoreError as e:
        raise HTTPException(503, detail=str(e), headers={"Retry-After": "5"}) from None
    except ImportError as e:  # an analysis module this route needs is not installed
        raise HTTPException(503, detail=f"not available: {e.name or e}") from None


def as_json(value: Any) -> Response:
    """Serialise once with the standard library: FastAPI would otherwise validate and re-encode
    every row against the route's declared return type, which costs more than the query."""
    try:
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):  # numpy scalars, dates or NaN from a frame: make them plain
        body = json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body.encode("utf-8"), media_type="application/json")


def cached(request: Request, key: tuple, compute) -> Any:
    """`compute()` (which opens its own read), or its answer for the database as it is now."""
    return request.app.state.cache.get(key, compute)


def cached_json(request: Request, key: tuple, view, *args, **kwargs) -> Response:
    """A JSON answer of `view(store, ...)`, cached as bytes while the file is unchanged."""

    def compute() -> bytes:
        with read(request) as store:
            return bytes(as_json(view(store, *args, **kwargs)).body)

    body, hit = request.app.state.cache.lookup(key, compute)
    return Response(body, media_type="application/json", headers={"X-Barograph-Cache": "hit" if hit else "miss"})


@router.get("/health", tags=["meta"])
def health(request: Request) -> dict:
    """Whether the database can be read, its schema version and how many events it holds."""
    try:
        with read(request) as store:
            version = store.con.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            n = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    except HTTPException as e:
        return JSONResponse(
            {"status": "unavailable", "detail": e.detail},
            status_code=e.status_code,  # type: ignore[return-value]
            headers=e.headers,
        )
    return {"status": "ok", "database": request.app.state.reader.path.name, "schema": version, "events": n, "writable": bool(request.app.state.token)}


@router.get("/api/events", tags=["events"], response_model=list[dict])
def api_events(
    request: Request,
    f: Filters = Depends(filters),
    limit: int = Query(100, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=10_000_000),
    order: Literal["date", "-date", "goldstein", "-goldstein", "mentions"] = "-date",
) -> Response:
    """Events matching the filters, in the fields of `barograph code` plus event_id and article_id."""
    return cached_json(request, ("events", f.key(), limit, offset, order), views.events, f, limit=limit, offset=offset, order=order)


@router.get("/api/search", tags=["events"], response_model=dict)
def api_search(
    request: Request,
    q: str = Query(..., min_length=2, max_length=200),
    f: Filters = Depends(filters),
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> Response:
    """Full-text search over evidence sentences (the phrase, any case), with the event filters."""
    f.text = q.strip()
    return cached_json(request, ("search", f.key(), limit, offset), views.search, f, limit=limit, offset=offset)


@router.get("/api/dyads", tags=["dyads"], response_model=list[dict])
def api_dyads(request: Request, n: int = Query(20, ge=1, le=500), since: str | None = None, until: str | None = None) -> Response:
    """The most active dyads (in the window since..until)."""
    w = window_of(since, until)
    return cached_json(request, ("dyads", n, w.since, w.until), views.top_dyads, n=n, since=w.since, until=w.until)


def window_of(since: str | None, until: str | None) -> Filters:
    """A route's since/until, checked as the event filters check them (422 with the reason)."""
    try:
        return Filters.parse({"since": since, "until": until})
    except BadInput as e:
        raise HTTPException(422, detail=str(e)) from None


@router.get("/api/places/countries", tags=["places"], response_model=dict)
def api_place_countries(request: Request, f: Filters = Depends(filters)) -> Response:
    """Events per country where they happened (ISO 3166 alpha-3 and numeric codes): counts by
    cooperation and conflict, Goldstein sum and mean, and how many matching events have no place."""
    return cached_json(request, ("place-countries", f.key()), views.countries, f)


@router.get("/api/dyads/{a}/{b}/series", tags=["dyads"], response_model=list[dict])
def api_series(
    request: Request,
    a: str,
    b: str,
    freq: Literal["day", "week", "month"] = "week",
    directed: bool = True,
    since: str | None = None,
    until: str | None = None,
    historical: bool = False,
) -> Response:
    """Counts by QuadClass, Goldstein sum/mean and net cooperation index per period (events the
    text dates years before its article only with `historical=true`)."""
    check_actor(a, "a"), check_actor(b, "b")
    w = window_of(since, until)
    since, until = w.since, w.until
    key = ("series", a, b, freq, directed, since, until) + (("historical",) if historical else ())
    return cached_json(request, key, views.series, a, b, freq=freq, directed=directed, since=since, until=until, historical=historical)


@router.get("/api/dyads/{a}/{b}/forecast", tags=["dyads"], response_model=dict)
def api_forecast(request: Request, a: str, b: str, since: str | None = None, until: str | None = None) -> Response:
    """Likely next event types from a to b, and the chance of material conflict in the week after
    `until` (the window's end: the forecast is as of that date; `since` is accepted for the
    shared window and does not shorten the history the forecaster reads)."""
    check_actor(a, "a"), check_actor(b, "b")
    w = window_of(since, until)
    return cached_json(request, ("forecast", a, b, w.until), views.forecast, a, b, asof=w.until)


KINDS = ("material conflict", "verbal conflict", "cooperation")
MIN_SEVERITY = 40.0  # = analysis.alerts.MIN_SEVERITY (tests/test_alerts.py keeps them equal)


def fresh_json(request: Request, view, *args, **kwargs) -> Response:
    """A JSON answer of `view(store, ...)`, not cached: the fitted model beside the store can
    change (a refit) while the store file does not."""
    with read(request) as store:
        return as_json(view(store, *args, **kwargs))


@router.get("/api/forecast/model", tags=["forecast"], response_model=dict)
def api_forecast_model(request: Request) -> Response:
    """The ranker fitted on this store (`barograph forecast fit`): validation figures and `stale`."""
    return fresh_json(request, views.forecast_model)


@router.get("/api/actors/{code}/forecast", tags=["forecast"], response_model=dict)
def api_forecast_who(request: Request, code: str, root: str | None = None, plover: str | None = None, top: int = Query(5, ge=1, le=50)) -> Response:
    """Whom the actor will act on next with a CAMEO root (`root=19`) or PLOVER type (`plover=ASSAULT`)."""
    check_actor(code, "code")
    if (root is None) == (plover is None):
        raise HTTPException(422, detail="give one of root (CAMEO root 01-20) or plover (a PLOVER type)")
    kind, rel = ("root", root) if root is not None else ("plover", plover)
    return fresh_json(request, views.forecast_who, code, rel, kind=kind, top=top)


@router.get("/api/dyads/{a}/{b}/forecast/what", tags=["forecast"], response_model=dict)
def api_forecast_what(request: Request, a: str, b: str, kind: Literal["root", "plover"] = "root", top: int = Query(5, ge=1, le=50)) -> Response:
    """What a will do to b next, by the ranker fitted on this store, with the evidence."""
    check_actor(a, "a"), check_actor(b, "b")
    return fresh_json(request, views.forecast_what, a, b, kind=kind, top=top)


@router.get("/api/alerts", tags=["alerts"], response_model=list[dict])
def api_alerts(
    request: Request,
    since: str | None = None,
    until: str | None = None,
    actor: str | None = None,
    kind: Literal["material conflict", "verbal conflict", "cooperation"] | None = None,
    direction: Literal["conflict", "cooperation"] | None = None,
    min_severity: float = Query(MIN_SEVERITY, ge=0, le=100),
    limit: int = Query(50, ge=1, le=1000),
) -> Response:
    """Alerts of the window (as of `until`), most severe first: summary in words, severity 0-100
    beside the raw statistic, evidence events and a link to all of them."""
    if actor:
        check_actor(actor, "actor")
    w = window_of(since, until)
    try:
        found = _all_alerts(request, w.since, w.until, min_severity)
    except ImportError as e:
        raise HTTPException(503, detail=f"not available: {e.name or e}") from None
    return as_json(views.alerts(found, actor=actor, kind=kind, direction=direction, limit=limit))


def _all_alerts(request: Request, since: str | None, until: str | None = None, min_severity: float = 40.0) -> list[dict]:
    """Every alert of the window (the detector's one expensive pass), shared by all callers.

    A missing analysis module raises ImportError itself, so pages can show it as a note."""

    def compute() -> list[dict]:
        import barograph.analysis.alerts  # noqa: F401

        with read(request) as store:
            return views.detect_alerts(store, since=since, until=until, min_severity=min_severity)

    return cached(request, ("alerts", since, until, float(min_severity)), compute)


@router.get("/api/follow", tags=["alerts"], response_model=dict)
def api_follow(request: Request, alerts: int = Query(10, ge=1, le=1000)) -> Response:
    """Sources `barograph follow` reads (when each was last read, failures, articles) and the newest alerts it raised."""
    return cached_json(request, ("follow", alerts), views.follow, alerts=alerts)


@router.get("/api/network", tags=["actors"], response_model=dict)
def api_network(
    request: Request, since: str | None = None, until: str | None = None, min_events: int = Query(3, ge=1), limit: int = Query(150, ge=1, le=2000)
) -> Response:
    """Actor network: nodes and directed edges with event counts and net cooperation index
    (the `limit` busiest edges; the dashboard draws the top actors of them)."""
    w = window_of(since, until)
    since, until = w.since, w.until
    return cached_json(
        request, ("network", since, until, min_events, limit), views.network, since=since, until=until, min_events=min_events, limit=limit
    )


@router.get("/api/actor-search", tags=["actors"], response_model=list[dict])
def api_actor_search(request: Request, q: str = Query(..., min_length=1, max_length=80), limit: int = Query(10, ge=1, le=50)) -> Response:
    """Actors whose code, name or alias contains `q` (as `barograph actors`): code, name, kind,
    events in the store, aliases. Feeds the search box's autocomplete."""
    return cached_json(request, ("actor-search", q.lower(), limit), views.actor_search, q, limit=limit)


@router.get("/api/actors/{code}", tags=["actors"], response_model=dict)
def api_actor(request: Request, code: str, since: str | None = None, until: str | None = None) -> Response:
    """An actor's counts, partners and latest events (in the window since..until)."""
    check_actor(code, "code")
    w = window_of(since, until)
    found = actor_view(request, code, w.since, w.until)
    if found is None:
        raise HTTPException(404, detail=f"actor {code}: no events")
    return as_json(found)


def actor_view(request: Request, code: str, since: str | None = None, until: str | None = None) -> dict | None:
    """`views.actor` with the whole-record network it filters read once per database state
    (a window reads its own)."""
    if since or until:
        with read(request) as store:
            return views.actor(store, code, since=since, until=until)
    edges = cached(request, ("network-edges",), lambda: _network_all(request))
    with read(request) as store:
        return views.actor(store, code, edges=edges)


def _network_all(request: Request) -> list[dict] | None:
    with read(request) as store:
        try:
            return views.network(store, min_events=1, limit=100_000)["edges"]
        except ImportError:
            return None


@router.get("/api/articles", tags=["articles"])
def api_articles(request: Request, limit: int = Query(50, ge=1, le=5000), offset: int = Query(0, ge=0)) -> list[dict]:
    """Stored articles, newest first, with how many sentences and events each has."""
    with read(request) as store:
        return views.articles(store, limit=limit, offset=offset)


@router.get("/api/articles/{article_id}", tags=["articles"])
def api_article(request: Request, article_id: str) -> dict:
    """An article's text, its sentences and its events with their offsets in that text."""
    found = article_view(request, article_id)
    found.pop("segments", None)
    return found


def article_view(request: Request, article_id: str) -> dict:
    """`views.article` of one stored article, or 422/404 (for the API route and the page alike)."""
    if len(article_id) > 128:
        raise HTTPException(422, detail="article_id: too long")
    with read(request) as store:
        found = views.article(store, article_id)
    if found is None:
        raise HTTPException(404, detail=f"article {article_id[:64]}: not found")
    return found


@router.get("/api/export", tags=["events"])
def api_export(
    request: Request,
    format: Literal[EXPORT_NAMES] = "csv",  # type: ignore[valid-type]
    f: Filters = Depends(filters),
    limit: int = Query(EXPORT_MAX, ge=1, le=EXPORT_MAX),
) -> Response:
    """Every event matching the filters as a download in one of the export formats (CSV, Parquet, ...)."""
    with read(request) as store:
        df = views.events_frame(store, f, limit=limit, order="date")
    fmt = EXPORTS[format]
    name = "barograph-events" + fmt.suffix
    return Response(export_bytes(df, format, name), media_type=fmt.media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/api/ingest", tags=["write"], status_code=201)
async def api_ingest(
    request: Request,
    kind: str = Query("jsonl", description="format of the body: " + ", ".join(UPLOAD_KINDS)),
    corpus: str = Query("default", pattern=r"^[\w\-.]{1,64}$"),
    code: bool = True,
    authorization: str | None = Header(None),
    x_barograph_token: str | None = Header(None),
) -> dict:
    """Ingest the request body (a news file) into the database. Needs the operator's token."""
    expected = request.app.state.token
    if not expected:
        raise HTTPException(403, detail="writing is switched off (start `barograph serve` with --token-env NAME or --write-token)")
    given = x_barograph_token
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not given:
        raise HTTPException(401, detail="a write token is needed (Authorization: Bearer TOKEN)", headers={"WWW-Authenticate": "Bearer"})
    if not token_ok(given, expected):
        raise HTTPException(403, detail="wrong write token")
    suffix = UPLOAD_KINDS.get(kind)
    if suffix is None:
        raise HTTPException(422, detail=f"kind: one of {', '.join(UPLOAD_KINDS)}")

    cap = request.app.state.max_upload
    # A temporary directory and a file name of our own: nothing from the request names a path.
    tmpdir = tempfile.mkdtemp(prefix="barograph-upload-")
    path = Path(tmpdir) / f"upload{suffix}"
    try:
        size = 0
        with open(path, "wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > cap:
                    raise HTTPException(413, detail=f"upload over {cap} bytes")
                fh.write(chunk)
        if size == 0:
            raise HTTPException(422, detail="empty upload")
        from starlette.concurrency import run_in_threadpool

        report = await run_in_threadpool(_ingest_file, request.app, path, corpus, code)
    finally:
        path.unlink(missing_ok=True)
        os.rmdir(tmpdir)
    return report


def _ingest_file(app, path: Path, corpus: str, code: bool) -> dict:
    from barograph.pipeline import ingest

    reader = app.state.reader
    with app.state.write_lock:  # one upload at a time: DuckDB has one writer
        try:
            with reader.writing():
                report = ingest([str(path)], reader.path, code=code, corpus=corpus, progress=False)
        except Busy as e:
            raise HTTPException(503, detail=str(e), headers={"Retry-After": "5"}) from None
        except StoreError as e:
            raise HTTPException(503, detail=str(e)) from None
    d = report if isinstance(report, dict) else getattr(report, "__dict__", {"report": str(report)})
    out = {k: plain(v) for k, v in d.items() if not k.startswith("_")}
    for k, v in list(out.items()):  # no server paths in answers: the temp file is "upload"
        out[k] = _scrub(_scrub(v, str(path)), str(reader.path), reader.path.name)
    return out


def _scrub(v: Any, path: str, name: str = "upload") -> Any:
    if isinstance(v, str):
        return v.replace(path, name)
    if isinstance(v, list):
        return [_scrub(x, path, name) for x in v]
    if isinstance(v, dict):
        return {k: _scrub(x, path, name) for k, x in v.items()}
    return v
