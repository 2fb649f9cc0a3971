"""Server-rendered pages. Tables are rendered here; charts are drawn by static/app.js from
the JSON API (or from a `<script type="application/json">` block), so no page carries inline
script and the Content-Security-Policy can forbid it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from barograph import __version__
from barograph.errors import BadInput
from barograph.events import codes as cameo
from barograph.interfaces.web import views
from barograph.interfaces.web.api import MIN_SEVERITY, _all_alerts, actor_view, article_view, cached, read
from barograph.interfaces.web.filters import Filters, check_actor, filters
from barograph.store.query import MODALITIES

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(version=__version__)
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
PAGE = 50

router = APIRouter(include_in_schema=False)


def _code_name(code: Any) -> str:
    try:
        return cameo.name(str(code)) or ""
    except Exception:  # an unknown code is shown bare
        return ""


templates.env.filters.update(cameo_name=_code_name, quad_name=lambda q: QUAD_NAMES.get(int(q or 0), ""))


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"request": request, **ctx}, status_code=status)


def render_events(request: Request, name: str, f: Filters, rows: list[dict], total: int, page: int, **ctx: Any) -> HTMLResponse:
    """A page with a list of events, its pager and export links carrying the filters `f`."""
    return render(request, name, f=f, events=rows, total=total, page=page, pages=max(1, -(-total // PAGE)), **ctx)


def error_page(request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    resp = render(request, "error.html", status=status, title=f"{status}", status_code=status, detail=detail)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _optional(fn, *args, **kwargs):
    """An analysis view, or None with the reason when that part is not installed yet."""
    try:
        return fn(*args, **kwargs), None
    except ImportError as e:
        return None, f"not available ({e.name or e})"


def _window(request: Request, f: Filters, path: str, keep: dict | None = None) -> dict:
    """The page's range control (a cached read: the data's range changes only with the file)."""
    key = ("window", path, f.key(), tuple(sorted((keep or {}).items())))

    def compute():
        with read(request) as store:
            return views.window(store, f, path=path, keep=keep)

    return cached(request, key, compute)


def _since_until(since: str | None, until: str | None) -> Filters:
    try:
        return Filters.parse({"since": since, "until": until})
    except BadInput as e:
        raise HTTPException(422, detail=str(e)) from None


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, since: str | None = None, until: str | None = None):
    w = _window(request, _since_until(since, until), "/")

    def compute():
        with read(request) as store:
            wf, params = Filters(since=w["since"], until=w["until"]).sql()
            totals = store.con.execute(
                f"SELECT count(*), count(DISTINCT article_id), CAST(min(date) AS VARCHAR), CAST(max(date) AS VARCHAR) FROM events e WHERE {wf}",
                params,
            ).fetchone()
            dyads, dyads_note = _optional(views.top_dyads, store, n=15, since=w["since"], until=w["until"])
            followed = views.follow(store, alerts=5)
        return totals, dyads, dyads_note, followed

    totals, dyads, dyads_note, followed = cached(request, ("overview", w["since"], w["until"]), compute)
    recent = w["since"]  # the overview lists the alerts of the window's last four weeks
    if w["asof"]:
        start = (date.fromisoformat(w["asof"]) - timedelta(days=27)).isoformat()
        recent = max(start, w["since"] or start)
    alerts, alerts_note = _optional(lambda: views.alerts(_all_alerts(request, recent, w["until"]), limit=10))
    q = urlencode({k: v for k, v in (("since", w["since"]), ("until", w["until"])) if v})
    return render(
        request,
        "overview.html",
        title="Overview",
        totals=totals,
        w=w,
        q=q,
        dyads=dyads or [],
        dyads_note=dyads_note,
        alerts=alerts or [],
        alerts_note=alerts_note,
        followed=followed,
        recent=recent,
        data={"network": "/api/network?" + q, "top": NETWORK_TOP},
    )


NETWORK_TOP = 30  # actors drawn by default in the overview's network (all of them on request)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    since: str | None = None,
    until: str | None = None,
    actor: str | None = None,
    kind: str | None = None,
    min_severity: float = Query(MIN_SEVERITY, ge=0, le=100),
    limit: int = Query(100, ge=1, le=2000),
):
    from barograph.analysis.alerts import KINDS

    if actor:
        check_actor(actor.strip(), "actor")
        actor = actor.strip()
    if kind and kind not in KINDS:
        raise HTTPException(422, detail=f"kind: one of {', '.join(KINDS)}")
    keep = {"actor": actor, "kind": kind, "min_severity": min_severity if min_severity != MIN_SEVERITY else None}
    w = _window(request, _since_until(since, until), "/alerts", keep)
    found, note = _optional(lambda: views.alerts(_all_alerts(request, w["since"], w["until"], min_severity), actor=actor, kind=kind, limit=limit))
    return render(
        request,
        "alerts.html",
        title="Alerts",
        w=w,
        alerts=found or [],
        note=note,
        actor=actor,
        kind=kind,
        kinds=KINDS,
        min_severity=min_severity,
        limit=limit,
    )


@router.get("/dyad/{a}/{b}", response_class=HTMLResponse)
def dyad(
    request: Request,
    a: str,
    b: str,
    freq: Literal["day", "week", "month"] = "week",
    directed: bool = False,
    page: int = Query(1, ge=1, le=100_000),
    since: str | None = None,
    until: str | None = None,
    historical: bool = False,
):
    check_actor(a, "a"), check_actor(b, "b")
    win = _since_until(since, until)
    scope = Filters(dyad=(a, b), undirected=not directed, since=win.since, until=win.until, historical=historical)
    keep = {"freq": freq, "directed": "true" if directed else "false", "historical": "true" if historical else None}
    w = _window(request, scope, f"/dyad/{quote(a, safe='')}/{quote(b, safe='')}", keep)
    f = views.windowed(scope, w)
    with read(request) as store:
        rows, total = views.events_and_count(store, f, limit=PAGE, offset=(page - 1) * PAGE)
        undated = views.undated(store, a, b, directed=directed)
    base = f"/api/dyads/{quote(a, safe='')}/{quote(b, safe='')}"
    wq = urlencode({k: v for k, v in (("since", w["since"]), ("until", w["until"])) if v})
    data = {
        "series": f"{base}/series?freq={freq}&directed={'true' if directed else 'false'}&{wq}" + ("&historical=true" if historical else ""),
        "alerts": f"/api/alerts?actor={quote(a, safe='')}&limit=200&{wq}",
        "forecast": f"{base}/forecast?{wq}",
        "forecast_what": f"{base}/forecast/what",
        "a": a,
        "b": b,
        "directed": directed,
        "since": w["since"],
        "until": w["until"],
    }
    return render_events(
        request, "dyad.html", f, rows, total, page, title=f"{a} – {b}", a=a, b=b, freq=freq, directed=directed, data=data, undated=undated, w=w, wq=wq
    )


@router.get("/actor/{code}", response_class=HTMLResponse)
def actor(request: Request, code: str, since: str | None = None, until: str | None = None):
    check_actor(code, "code")
    win = _since_until(since, until)
    w = _window(request, Filters(actors=[code], since=win.since, until=win.until), f"/actor/{quote(code, safe='')}")
    since, until = (w["since"], w["until"]) if w["chosen"] or w["outside"] else (None, None)  # the whole record reads cached
    found = actor_view(request, code, since, until)
    if found is None:
        raise HTTPException(404, detail=f"actor {code}: no events stored")
    f = Filters(actors=[code], since=since, until=until)
    return render(
        request,
        "actor.html",
        title=code,
        actor=found,
        f=f,
        w=w,
        data={"code": code, "partners": found["partners"], "forecast_who": f"/api/actors/{quote(code, safe='')}/forecast"},
    )


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: str):
    found = article_view(request, article_id)
    return render(request, "article.html", title=found.get("title") or "Article", art=found)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, f: Filters = Depends(filters), page: int = Query(1, ge=1, le=100_000)):
    keep = {k: v for k, v in f.params().items() if k not in ("since", "until")}
    w = _window(request, f, "/search", keep)
    f = views.windowed(f, w)
    with read(request) as store:
        rows, total = views.events_and_count(store, f, limit=PAGE, offset=(page - 1) * PAGE)
        sentences = views.sentences(store, f.text, limit=20) if f.text else []
        outlets = [
            r[0]
            for r in store.con.execute(
                "SELECT outlet FROM events WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY count(*) DESC LIMIT 200"
            ).fetchall()
        ]
    return render_events(
        request, "search.html", f, rows, total, page, title="Events", sentences=sentences, outlets=outlets, modalities=MODALITIES, w=w
    )


@router.get("/map", response_class=HTMLResponse)
def world_map(request: Request, f: Filters = Depends(filters), shade: Literal["events", "goldstein"] = "events"):
    """Countries shaded by how many events happened there, or by their Goldstein balance."""
    api = "/api/places/countries" + ("?" + f.query_string() if f.params() else "")
    return render(
        request,
        "map.html",
        title="World map",
        f=f,
        shade=shade,
        data={"countries": api, "outline": "/static/vendor/world-atlas/countries-110m.json", "shade": shade},
    )


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request):
    return render(request, "docs.html", title="API")
