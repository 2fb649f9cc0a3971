"""`barograph code`: code events from files without a database."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from barograph.interfaces.actor_files import actors_option, use_actor_files
from barograph.interfaces.app import app, err, out

TABLE_COLUMNS = ("doc", "date", "source", "target", "cameo", "plover", "modality", "trigger", "text")
CSV_COLUMNS = tuple(
    (
        "id doc start end date historical source source_entity target target_entity cameo quad_class "
        "goldstein plover plover_mode modality trigger outlet confidence article_id sentence_index "
        "coder text method source_text target_text source_resolved target_resolved"
    ).split()
)


@app.command()
def code(
    paths: List[str] = typer.Argument(..., help="Files, folders, globs, or - for standard input."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl, csv or table."),
    text_column: Optional[str] = typer.Option(None, "--text-column", help="CSV column that holds the text."),
    all_modalities: bool = typer.Option(True, "--all/--asserted", help="Print every event, or asserted/claimed only."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", help="Only events whose calibrated confidence is at least this (docs/coding.md: precision at 0.5/0.7/0.9)."
    ),
    rules_only: bool = typer.Option(False, "--rules-only", help="The dictionary rules alone, without the learned classifier."),
    engine: str = typer.Option("local", "--engine", help="local, or ray: code on Ray into Parquet parts under --out."),
    out_dir: Optional[str] = typer.Option(None, "--out", help="--engine ray: folder of Parquet parts; rerun to resume."),
    address: Optional[str] = typer.Option(None, "--address", help="--engine ray: join this Ray cluster (default: start one here)."),
    workers: int = typer.Option(2, "--workers", help="--engine ray: worker actors, one spaCy model each."),
    actors: Optional[List[Path]] = actors_option(),
) -> None:
    """Code who did what to whom in the inputs (one event per line), without a database."""
    from barograph.scale.commands import check_engine, code_command

    use_actor_files(actors)

    check_engine(engine)
    if engine == "ray":
        raise typer.Exit(
            code_command(paths, out_dir=out_dir, address=address, workers=workers, text_column=text_column, quiet=quiet, out=out, err=err)
        )
    from barograph.events.coder import Coder
    from barograph.events.stream import code_documents
    from barograph.interfaces.output import Rejects, Rows, check_format, spinner

    from barograph.errors import BadInput

    check_format(format, ("jsonl", "csv", "table"))
    if not 0.0 <= min_confidence <= 1.0:
        raise BadInput("--min-confidence", f"{min_confidence} is not between 0 and 1")
    rejects = Rejects()
    coder = Coder(classifier=None) if rules_only else Coder()
    progress, task = spinner(quiet, "coding", bar=True)
    with Rows(format, CSV_COLUMNS, table_columns=TABLE_COLUMNS) as rows, progress:
        for n, (doc, events) in enumerate(code_documents(paths, coder, errors=rejects, text_column=text_column), 1):
            progress.update(task, completed=n, description=f"coding {doc.doc}")
            for e in events:
                if (all_modalities or e.modality in ("asserted", "claimed")) and e.confidence >= min_confidence:
                    rows.write(e.to_json())
    rejects.exit()
