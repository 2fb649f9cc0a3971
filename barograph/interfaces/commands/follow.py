"""`barograph follow`: the live area, feeds and sites read as news arrives (owner: barograph.live)."""

from __future__ import annotations

from typing import Optional

import typer

from barograph.interfaces.app import app, err, out
from barograph.interfaces.commands.ingest import DB_HELP


@app.command()
def follow(
    sources: list[str] = typer.Argument(
        ..., help="Feed, sitemap or front-page URLs, folders, or files listing them (one a line: location, optional outlet name, optional interval)."
    ),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    every: str = typer.Option("15m", "--every", help="Time between reads of a source: 90s, 15m, 1h (a source's own interval in the list wins)."),
    once: bool = typer.Option(False, "--once", help="Run one cycle and exit (exit code 1 if a source failed)."),
    corpus: str = typer.Option("default", "--corpus", help="Name of the collection these articles belong to."),
    no_code: bool = typer.Option(False, "--no-code", help="Store articles and sentences only; code events later with `recode` (no alerts)."),
    alerts_out: Optional[str] = typer.Option(None, "--alerts-out", help="Append each new alert to this JSON-lines file, once."),
    webhook: Optional[str] = typer.Option(None, "--webhook", help="POST each new alert as JSON to this URL (retried, in the background)."),
    log: Optional[str] = typer.Option(None, "--log", help="JSON-lines log of progress and errors (default: beside the database, DB.follow.jsonl)."),
    per_host: int = typer.Option(2, "--per-host", min=1, help="Requests at once to one host."),
    delay: float = typer.Option(1.0, "--delay", min=0.0, help="Seconds between the starts of two requests to one host."),
    timeout: float = typer.Option(20.0, "--timeout", min=0.1, help="Seconds a request may take, first byte to last."),
    max_page_mb: float = typer.Option(10.0, "--max-page-mb", min=0.01, help="Pages and feeds larger than this many MB are refused."),
    fetchers: int = typer.Option(8, "--fetchers", min=1, help="Threads fetching pages (the per-host limit still applies)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors and cycle summaries on stderr."),
) -> None:
    """Follow feeds, sitemaps, sites and folders: store and code new articles as they appear, raise alerts as they happen.

    Stops at a batch boundary on Ctrl-C or SIGTERM (exit code 0); what was read, ETags and back-off live in the
    store, so a restart (even after kill -9) continues without refetching or double counting.
    """
    from pathlib import Path

    from barograph.live.follow import Follower, Options
    from barograph.live.http import Limits
    from barograph.live.log import Log
    from barograph.live.sources import parse_duration, read_sources
    from barograph.store.db import default_db_path

    srcs = read_sources(sources)
    opts = Options(
        every=parse_duration(every),
        once=once,
        corpus=corpus,
        code=not no_code,
        alerts=not no_code,
        alerts_out=alerts_out,
        webhook=webhook,
        limits=Limits(timeout=timeout, max_bytes=int(max_page_mb * (1 << 20)), per_host=per_host, delay=delay),
        fetchers=fetchers,
    )
    db_path = Path(db) if db else Path(default_db_path())
    log_path = Path(log) if log else db_path.with_name(db_path.name + ".follow.jsonl")
    say = lambda line: err.print(line, markup=False)  # noqa: E731
    lg = Log(log_path, say, quiet=quiet)
    try:
        reports = Follower(srcs, db_path, opts, log=lg).run()
    finally:
        lg.close()
    if once and reports:
        out.print(reports[-1].line(), markup=False)
        if reports[-1].sources_failing:
            raise typer.Exit(1)
