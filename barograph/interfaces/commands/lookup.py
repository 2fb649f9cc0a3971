"""Lookup commands: find an actor's code (`actors`) and a CAMEO code or PLOVER type (`codes`).

Why: codes are how the store and every filter name things, but people remember names
("Putin", "sanctions"); these two commands bridge the two, from the same functions that let
`dyad Russia Ukraine` read names (`barograph.analysis.lookup`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from barograph.interfaces.app import app

ACTOR_COLUMNS = ("code", "name", "kind", "events", "aliases")
CODE_COLUMNS = ("scheme", "code", "description", "quad_class", "goldstein", "plover", "cameo_roots")


@app.command("actors")
def actors_cmd(
    search: str = typer.Argument(..., help="A code, name or part of one: putin, RUS, hezbollah."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file (default: $BAROGRAPH_DB or the user data folder)."),
    limit: int = typer.Option(20, "--limit", help="At most this many actors."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv or jsonl."),
) -> None:
    """Find actors by code, name or alias: their codes, kinds, aliases and events in the store."""
    from barograph.analysis.lookup import search_actors
    from barograph.interfaces.commands.analysis import _open
    from barograph.interfaces.output import Rows, check_format

    check_format(format, ("table", "csv", "jsonl"))
    with _open(db) as store:
        rows = search_actors(store, search, limit=limit)
    with Rows(format, ACTOR_COLUMNS, title=f"{len(rows)} actors matching {search!r}") as out:
        for r in rows:
            out.write(r)


@app.command("codes")
def codes_cmd(
    search: str = typer.Argument(..., help="A CAMEO code or its first digits (19, 1721), or words: sanction, ASSAULT."),
    limit: int = typer.Option(50, "--limit", help="At most this many codes."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv or jsonl."),
) -> None:
    """Find CAMEO event codes and PLOVER event types, with their descriptions."""
    from barograph.analysis.lookup import search_codes
    from barograph.interfaces.output import Rows, check_format

    check_format(format, ("table", "csv", "jsonl"))
    rows = search_codes(search, limit=limit)
    if not rows:
        from barograph.errors import BadInput

        raise BadInput("SEARCH", f"no CAMEO code or PLOVER type matches {search!r} (try a root such as 19, or a word such as protest)")
    with Rows(format, CODE_COLUMNS, title=f"{len(rows)} codes matching {search!r}") as out:
        for r in rows:
            out.write(r)
