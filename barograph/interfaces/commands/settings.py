"""`barograph settings`: every BAROGRAPH_* environment setting with the value in force now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from barograph.interfaces.app import app

COLUMNS = ("name", "value", "source", "type", "default", "meaning")


@app.command("settings")
def settings_cmd(format: str = typer.Option("table", "--format", "-f", help="table or jsonl.")) -> None:
    """Print every BAROGRAPH_* setting: its value now, where it comes from, its default and meaning.

    Exit code 1 if a setting holds a value barograph cannot use.
    """
    from barograph import settings
    from barograph.interfaces.output import Rows, check_format

    check_format(format, ("table", "jsonl"))
    shown = _text if format == "table" else _plain
    found = settings.in_force()
    with Rows(format, COLUMNS, title="barograph settings (environment variables)") as rows:
        for r in found:
            rows.write({**r, "value": shown(r["value"]), "default": shown(r["default"])})
    if any(r["source"].startswith("invalid") for r in found):
        raise typer.Exit(1)


def _plain(v: Any) -> Any:
    return str(v) if isinstance(v, Path) else v


def _text(v: Any) -> str:
    if v is None or v == []:
        return "-"
    return ":".join(v) if isinstance(v, list) else str(v)
