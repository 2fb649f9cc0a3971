"""`barograph places`: events per country where they happened, the command-line twin of the
dashboard's world map (`/map`, `GET /api/places/countries`); both read
`analysis.geography.by_country` under the same event filters."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from barograph.interfaces.app import app, err
from barograph.interfaces.commands.analysis import DB, _open
from barograph.interfaces.filters import filter_options
from barograph.interfaces.output import check_format, print_frame
from barograph.store.query import EventFilter

COLUMNS = ["country", "name", "events", "conflict", "cooperation", "material_conflict", "goldstein_mean", "goldstein_sum", "first", "last"]


@app.command()
@filter_options
def places(
    db: Optional[Path] = DB,
    format: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="Countries to show, most events first."),
    filters: EventFilter = None,  # type: ignore[assignment]  # the filter options: interfaces/filters.py
) -> None:
    """Events per country where they happened (ISO3), with conflict, cooperation and Goldstein balance."""
    import pandas as pd

    from barograph.analysis.geography import by_country

    fmt = check_format(format, ("table", "csv", "json"))
    with _open(db) as store:
        got = by_country(store, filters)
    df = pd.DataFrame(got["countries"][:limit], columns=COLUMNS)
    if fmt == "table":  # what fits 80 columns; csv and json carry every column
        df = df[["country", "name", "events", "conflict", "cooperation", "goldstein_mean", "first", "last"]].rename(
            columns={"goldstein_mean": "goldstein"}
        )
    print_frame(df, fmt, title="Events by country where they happened")
    share = f" ({100 * got['located'] / got['events']:.0f}%)" if got["events"] else ""
    err.print(f"{got['located']:,} of {got['events']:,} events have a place{share}; {got['unlocated']:,} have none")
