"""What `code --engine ray` and `ingest --engine ray` do; the command modules only branch here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from barograph.errors import BadInput

ENGINES = ("local", "ray")


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise BadInput("--engine", f"unknown engine {engine!r} (use {' or '.join(ENGINES)})")


def code_command(
    paths: Sequence[str], *, out_dir: str | None, address: str | None, workers: int, text_column: str | None, quiet: bool, out, err
) -> int:
    """Returns the exit code: 1 when inputs were rejected (everything else is coded)."""
    from barograph.scale.ray_engine import code_ray

    if not out_dir:
        raise BadInput("--out", "--engine ray writes Parquet parts: name a folder with --out DIR")
    problems: list = []

    def report(bad) -> None:
        problems.append(bad)
        err.print(f"barograph: {bad}", markup=False)

    rep = code_ray(paths, out_dir, workers=workers, address=address, text_column=text_column, progress=None if quiet else err, errors=report)
    for p in rep.problems:
        if p not in {str(x) for x in problems}:
            err.print(f"barograph: {p}", markup=False)
    out.print(
        f"{rep.shards} shards ({rep.skipped} done before), {rep.articles} articles and {rep.events} events "
        f"coded now in {rep.seconds:.1f}s -> {Path(out_dir) / 'events'}",
        markup=False,
    )
    return 1 if problems else 0


def ingest_command(
    paths: Sequence[str],
    db: str | None,
    *,
    out_dir: str | None,
    address: str | None,
    workers: int,
    code: bool,
    corpus: str,
    text_column: str | None,
    fmt: str,
    quiet: bool,
    out,
    err,
) -> int:
    from barograph.scale.load import ingest_ray
    from barograph.store.db import default_db_path

    target = Path(db) if db else default_db_path()
    run_dir = out_dir or str(target.with_name(target.name + ".parts"))
    rejected: list = []

    def reject(bad) -> None:
        rejected.append(bad)
        err.print(f"barograph: rejected {bad}", markup=False)

    run, rep = ingest_ray(
        paths,
        db,
        run_dir,
        workers=workers,
        address=address,
        code=code,
        corpus=corpus,
        text_column=text_column,
        progress=None if quiet else err,
        on_reject=reject,
    )
    if fmt == "json":
        d = rep.to_json()
        if run is not None:
            d["ray"] = {"out": run_dir, "shards": run.shards, "skipped": run.skipped, "seconds": run.seconds}
        out.file.write(json.dumps(d) + "\n")
    else:
        out.print(rep.line(), markup=False)
    return 1 if rejected else 0
