"""`barograph serve`: the web dashboard and JSON API over one database."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from barograph.interfaces.actor_files import actors_option, use_actor_files

from barograph.errors import BadInput, StoreError
from barograph.interfaces.app import app, err

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@app.command()
def serve(
    db: Path | None = typer.Option(None, "--db", help="database file (default: BAROGRAPH_DB or the user data dir)"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on; keep loopback unless behind a proxy"),
    port: int = typer.Option(8765, "--port", min=0, max=65535),
    token_env: str | None = typer.Option(
        None, "--token-env", metavar="NAME", help="allow uploads (POST /api/ingest) with the token in this environment variable"
    ),
    write_token: bool = typer.Option(False, "--write-token", help="allow uploads with a fresh random token, printed once on stderr"),
    max_upload_mb: float = typer.Option(10.0, "--max-upload-mb", min=0.001, help="upload size cap"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no access log"),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="server processes (more than one: read-only, no uploads)"),
    actors: list[Path] | None = actors_option(),
) -> None:
    """Serve the dashboard (pages, /api, /docs) read-only; writing only with a token."""
    use_actor_files(actors)  # uploads are coded with them
    import secrets

    import uvicorn

    from barograph.interfaces.web.app import create_app
    from barograph.store.db import default_db_path

    path = Path(db) if db else default_db_path()
    if not path.exists():
        raise StoreError(f"{path}: no such database (run `barograph ingest` or `barograph import` first)")
    if token_env and write_token:
        raise BadInput("--token-env/--write-token", "choose one way to set the write token")
    if workers > 1 and (token_env or write_token):
        # an upload holds the file read-write in its own process, which the other processes'
        # readers would keep from it
        raise BadInput("--workers", "uploads (--token-env/--write-token) need one server process")
    token = None
    if token_env:
        token = os.environ.get(token_env)
        if not token:
            raise BadInput(f"--token-env {token_env}", "environment variable is unset or empty")
        if len(token) < 16:
            raise BadInput(f"--token-env {token_env}", "token shorter than 16 characters")
    elif write_token:
        token = secrets.token_urlsafe(24)
        err.print(f"write token (send as 'Authorization: Bearer TOKEN'): {token}", markup=False)
    if host not in LOOPBACK:
        err.print(f"[yellow]warning:[/] listening on {host}: anyone who can reach it can read the database")
    err.print(
        f"barograph: serving {path} on http://{host}:{port}/ ({'uploads on' if token else 'read-only'}"
        f"{f', {workers} processes' if workers > 1 else ''})",
        markup=False,
    )
    if workers > 1:
        # each process builds its own app (uvicorn imports the factory), reading the database
        # named by BAROGRAPH_DB, which the processes inherit
        os.environ["BAROGRAPH_DB"] = str(path.resolve())
        web: object = "barograph.interfaces.web.app:read_only_app"
    else:
        web = create_app(path, token=token, max_upload=int(max_upload_mb * 1024 * 1024))
    uvicorn.run(
        web,  # type: ignore[arg-type]
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=host,
        port=port,
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        server_header=False,
        limit_concurrency=256,
    )
