"""`barograph code`: code events from files without a database."""
from __future__ import annotations

from typing import List, Optional

import typer

from barograph.interfaces.app import app, err, out

TABLE_COLUMNS = ("doc", "date", "source", "target", "cameo", "plover", "modality", "trigger", "text")
CSV_COLUMNS = ("id", "doc", "start", "end", "date", "historical", "source", "source_entity", "target",
               "target_entity", "cameo", "quad_class", "goldstein", "plover", "plover_mode", "modality",
               "trigger", "outlet", "confidence", "article_id", "sentence_index", "coder", "text",
               "method", "source_text", "target_text", "source_resolved", "target_resolved")


@app.command()
def code(
    paths: List[str] = typer.Argument(..., help="Files, folders, globs, or - for standard input."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or table."),
    text_column: Optional[str] = typer.Option(None, "--text-column", help="CSV column that holds the text."),
    all_modalities: bool = typer.Option(True, "--all/--asserted", help="Print every event, or asserted/claimed only."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", help="Only events whose calibrated confidence is at least this (docs/coding.md gives the precision at 0.5/0.7/0.9)."),
    rules_only: bool = typer.Option(False, "--rules-only", help="The dictionary rules alone, without the learned classifier."),
    engine: str = typer.Option("local", "--engine", help="local, or ray: code on Ray into Parquet parts under --out."),
    out_dir: Optional[str] = typer.Option(None, "--out", help="--engine ray: folder of Parquet parts; rerun to resume."),
    address: Optional[str] = typer.Option(None, "--address", help="--engine ray: join this Ray cluster (default: start one here)."),
    workers: int = typer.Option(2, "--workers", help="--engine ray: worker actors, one spaCy model each."),
) -> None:
    """Code who did what to whom in the inputs (one event per line), without a database."""
    from barograph.scale.commands import check_engine, code_command

    check_engine(engine)
    if engine == "ray":
        raise typer.Exit(code_command(paths, out_dir=out_dir, address=address, workers=workers,
                                      text_column=text_column, quiet=quiet, out=out, err=err))
    import csv
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    from barograph.errors import BadInput
    from barograph.events.coder import Coder
    from barograph.events.stream import code_documents

    if format not in ("jsonl", "csv", "table"):
        raise BadInput("--format", f"unknown format {format!r} (use jsonl, csv or table)")
    rejected = 0

    def report(bad: BadInput) -> None:
        nonlocal rejected
        rejected += 1
        err.print(f"barograph: {bad}", markup=False)

    if not 0.0 <= min_confidence <= 1.0:
        raise BadInput("--min-confidence", f"{min_confidence} is not between 0 and 1")
    coder = Coder(classifier=None) if rules_only else Coder()
    writer = csv.DictWriter(out.file, fieldnames=CSV_COLUMNS, extrasaction="ignore") if format == "csv" else None
    if writer:
        writer.writeheader()
    rows = []
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=err, transient=True, disable=quiet)
    with progress:
        task = progress.add_task("coding", total=None)
        for n, (doc, events) in enumerate(code_documents(paths, coder, errors=report, text_column=text_column), 1):
            progress.update(task, completed=n, description=f"coding {doc.doc}")
            for e in events:
                if not all_modalities and e.modality not in ("asserted", "claimed"):
                    continue
                if e.confidence < min_confidence:
                    continue
                row = e.to_json()
                if format == "jsonl":
                    out.file.write(json.dumps(row, ensure_ascii=False) + "\n")
                elif writer:
                    writer.writerow(row)
                else:
                    rows.append(row)
    if format == "table":
        from rich.table import Table

        table = Table(*TABLE_COLUMNS)
        for r in rows:
            table.add_row(*("" if r[k] is None else str(r[k]) for k in TABLE_COLUMNS))
        out.print(table)
    out.file.flush()
    if rejected:
        raise typer.Exit(1)
