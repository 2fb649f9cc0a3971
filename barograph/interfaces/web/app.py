"""The FastAPI application: JSON API, server-rendered pages, vendored static files.

`create_app` is what `barograph serve` runs and what tests start; it takes everything it
needs as arguments (no globals), so several apps over different files can live side by side.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from barograph import __version__, settings
from barograph.interfaces.web import api, pages
from barograph.interfaces.web.cache import ResultCache
from barograph.interfaces.web.reader import Reader
from barograph.interfaces.web.security import Guard

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 10 * 1024 * 1024


def create_app(
    db: str | Path, *, token: str | None = None, max_upload: int = MAX_UPLOAD, wait: float = 3.0, linger: float = 0.25, cache_size: int = 2048
) -> FastAPI:
    """An app serving `db` read-only; uploads (POST /api/ingest) only when `token` is set.

    `cache_size`: answers of read routes (events, search, series, alerts...) kept while the
    file is unchanged (0: none); see `cache.py`.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.reader.close()

    app = FastAPI(
        lifespan=lifespan,
        title="barograph",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        description="Coded political events (CAMEO/PLOVER) with the sentence behind each one.",
    )
    app.state.reader = Reader(
        db, wait=wait, linger=linger, threads=settings.get("BAROGRAPH_SERVE_THREADS"), readers=settings.get("BAROGRAPH_SERVE_READERS")
    )
    app.state.cache = ResultCache(app.state.reader, size=cache_size)
    app.state.token = token or None
    app.state.max_upload = max_upload
    app.state.write_lock = threading.Lock()
    app.add_middleware(Guard, max_body=max_upload + 64 * 1024)
    app.mount("/static", StaticFiles(directory=HERE / "static", follow_symlink=False), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if _wants_html(request):
            return pages.error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        detail = getattr(exc, "detail", "not found")
        if _wants_html(request):
            return pages.error_page(request, 404, str(detail))
        return JSONResponse({"detail": detail}, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}" for e in exc.errors())
        if _wants_html(request):
            return pages.error_page(request, 422, problems)
        return JSONResponse({"detail": problems}, status_code=422)

    return app


def read_only_app() -> FastAPI:
    """The read-only app over the database BAROGRAPH_DB names: what each process of `barograph
    serve --workers N` runs (uvicorn builds one per process from this factory)."""
    from barograph.store.db import default_db_path

    return create_app(default_db_path())


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/health", "/openapi.json") or path.startswith("/static/"))
