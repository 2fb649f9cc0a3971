"""Server-rendered pages. Tables are rendered here; charts are drawn by static/app.js from
the JSON API (or from a `<script type="application/json">` block), so no page carries inline
script and the Content-Security-Policy can forbid it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from barograph import __version__
from barograph.events import codes as cameo
from barograph.interfaces.web import views
from barograph.interfaces.web.api import _all_alerts, actor_view, article_view, cached, read
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


@router.get("/", response_class=HTMLResponse)
def overview(request: Request):
    def compute():
        with read(request) as store:
            totals = store.con.execute(
                "SELECT count(*), count(DISTINCT article_id), CAST(min(date) AS VARCHAR), CAST(max(date) AS VARCHAR) FROM events"
            ).fetchone()
            dyads, dyads_note = _optional(views.top_dyads, store, n=15)
        return totals, dyads, dyads_note

    totals, dyads, dyads_note = cached(request, ("overview",), compute)
    alerts, alerts_note = _optional(lambda: views.alerts(_all_alerts(request, None), limit=10))
    return render(
        request,
        "overview.html",
        title="Overview",
        totals=totals,
        dyads=dyads or [],
        dyads_note=dyads_note,
        alerts=alerts or [],
        alerts_note=alerts_note,
        data={"network": "/api/network"},
    )


@router.get("/dyad/{a}/{b}", response_class=HTMLResponse)
def dyad(
    request: Request, a: str, b: str, freq: Literal["day", "week", "month"] = "week", directed: bool = False, page: int = Query(1, ge=1, le=100_000)
):
    check_actor(a, "a"), check_actor(b, "b")
    f = Filters(dyad=(a, b), undirected=not directed)
    with read(request) as store:
        rows, total = views.events_and_count(store, f, limit=PAGE, offset=(page - 1) * PAGE)
        undated = views.undated(store, a, b, directed=directed)
    base = f"/api/dyads/{a}/{b}"
    data = {
        "series": f"{base}/series?freq={freq}&directed={'true' if directed else 'false'}",
        "alerts": f"/api/alerts?actor={a}&limit=200",
        "forecast": f"{base}/forecast",
        "forecast_what": f"{base}/forecast/what",
        "a": a,
        "b": b,
        "directed": directed,
    }
    return render_events(
        request, "dyad.html", f, rows, total, page, title=f"{a} – {b}", a=a, b=b, freq=freq, directed=directed, data=data, undated=undated
    )


@router.get("/actor/{code}", response_class=HTMLResponse)
def actor(request: Request, code: str):
    check_actor(code, "code")
    found = actor_view(request, code)
    if found is None:
        raise HTTPException(404, detail=f"actor {code}: no events stored")
    f = Filters(actors=[code])
    return render(
        request,
        "actor.html",
        title=code,
        actor=found,
        f=f,
        data={"code": code, "partners": found["partners"], "forecast_who": f"/api/actors/{code}/forecast"},
    )


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: str):
    found = article_view(request, article_id)
    return render(request, "article.html", title=found.get("title") or "Article", art=found)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, f: Filters = Depends(filters), page: int = Query(1, ge=1, le=100_000)):
    with read(request) as store:
        rows, total = views.events_and_count(store, f, limit=PAGE, offset=(page - 1) * PAGE)
        sentences = views.sentences(store, f.text, limit=20) if f.text else []
        outlets = [
            r[0]
            for r in store.con.execute(
                "SELECT outlet FROM events WHERE outlet IS NOT NULL GROUP BY outlet ORDER BY count(*) DESC LIMIT 200"
            ).fetchall()
        ]
    return render_events(request, "search.html", f, rows, total, page, title="Events", sentences=sentences, outlets=outlets, modalities=MODALITIES)


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
