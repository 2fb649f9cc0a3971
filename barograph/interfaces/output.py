"""How every command prints its results: one format check, one writer per format, one reject count.

Commands print rows as JSON lines, CSV or a rich table, report rejected inputs on stderr and
exit 1 when there were any. That code lived in each command (and had been copied between
`code` and `articles`); here it is written once, so a command only names its formats and
columns, and every command spells the same format the same way.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import typer

from barograph.errors import BadInput
from barograph.interfaces.app import err, out


def check_format(fmt: str, choices: Sequence[str], what: str = "format") -> str:
    """`fmt` if it is one of `choices`, else a one-line BadInput naming them."""
    if fmt not in choices:
        words = ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else choices[0]
        raise BadInput("--format", f"unknown {what} {fmt!r} (use {words})")
    return fmt


def _plain(v: Any) -> Any:
    return None if isinstance(v, float) and (math.isnan(v) or math.isinf(v)) else v


def json_line(row: dict[str, Any]) -> str:
    """One JSON object on one line: non-ASCII kept, NaN as null, anything else as its str()."""
    return json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False, default=str) + "\n"


def cell(v: Any, none: str = "") -> str:
    """A table cell: empty for NaN, `none` for None."""
    if v is None:
        return none
    return "" if isinstance(v, float) and v != v else str(v)


class Rows:
    """Rows written as they come (jsonl, csv) or gathered for a table printed at the end.

    `columns` are the CSV header; `table_columns` (default `columns`) the table's.
    """

    def __init__(self, fmt: str, columns: Sequence[str], *, table_columns: Sequence[str] | None = None, title: str | None = None):
        self.fmt = fmt
        self.table_columns = tuple(table_columns or columns)
        self.title = title
        self.rows: list[dict[str, Any]] = []
        self.csv = csv.DictWriter(out.file, fieldnames=list(columns), extrasaction="ignore") if fmt == "csv" else None

    def __enter__(self) -> Rows:
        if self.csv:
            self.csv.writeheader()
        return self

    def write(self, row: dict[str, Any]) -> None:
        if self.fmt in ("jsonl", "json"):
            out.file.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif self.csv:
            self.csv.writerow(row)
        else:
            self.rows.append(row)

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is None and self.fmt == "table":
            print_table(self.rows, self.table_columns, title=self.title)
        out.file.flush()


def print_table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], *, title: str | None = None, right: Iterable[str] = (), none: str = ""
) -> None:
    """A rich table of `rows` under `columns` (those in `right` right-justified)."""
    from rich.table import Table

    right = set(right)
    t = Table(title=title or None)
    for c in columns:
        t.add_column(str(c), justify="right" if c in right else "left")
    for r in rows:
        t.add_row(*(cell(r.get(c), none) for c in columns))
    out.print(t)


def print_frame(df, fmt: str, title: str = "") -> None:
    """A pandas frame as CSV (pandas' own), JSON lines or a table (numbers right-justified)."""
    if fmt == "csv":
        out.file.write(df.to_csv(index=False))
    elif fmt in ("json", "jsonl"):
        for r in df.to_dict("records"):
            out.file.write(json_line(r))
    else:
        numeric = [c for c in df.columns if df[c].dtype.kind in "iuf"]
        print_table(df.to_dict("records"), list(df.columns), title=title, right=numeric, none="None")


class Rejects:
    """Counts rejected inputs and says each on stderr; `exit()` ends the command with 1 if any."""

    def __init__(self, prefix: str = ""):
        self.prefix = prefix
        self.count = 0

    def __call__(self, bad: BadInput) -> None:
        self.count += 1
        err.print(f"barograph: {self.prefix}{bad}", markup=False)

    def exit(self) -> None:
        if self.count:
            raise typer.Exit(1)


def spinner(quiet: bool, what: str, *, bar: bool = False):
    """A transient progress line on stderr (off with --quiet); `.update(task, ...)` as rich's."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    cols = [SpinnerColumn(), TextColumn("{task.description}")]
    if bar:
        cols += [BarColumn(), MofNCompleteColumn()]
    progress = Progress(*cols, console=err, transient=True, disable=quiet)
    return progress, progress.add_task(what, total=None)
