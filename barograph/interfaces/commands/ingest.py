"""Ingest-area commands: reading inputs into articles (and, later, into the store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from barograph.interfaces.actor_files import actors_option, use_actor_files
from barograph.interfaces.app import app, err, out
from barograph.interfaces.output import Rejects

# ---------------------------------------------------------------------------
# articles: split inputs into articles, no database (owner: ingest readers/text)
# ---------------------------------------------------------------------------
ARTICLE_COLUMNS = ("doc", "title", "outlet", "author", "date", "start", "end", "url", "language", "id", "duplicate_of")


@app.command()
def articles(
    paths: list[str] = typer.Argument(..., help="Files, folders, globs, or - for standard input."),
    format: str | None = typer.Option(None, "--format", "-f", help="jsonl or table (default: table on a terminal, else jsonl)."),
    text_column: str | None = typer.Option(None, "--text-column", help="CSV column that holds the text."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Print the articles found in the inputs (title, outlet, author, date, span), without a database."""
    from barograph.interfaces.output import Rejects, Rows, check_format, spinner
    from barograph.text.stream import iter_articles

    fmt = check_format(format or ("table" if out.is_terminal else "jsonl"), ("jsonl", "table"))
    rejects = Rejects()
    progress, task = spinner(quiet, "reading")
    with Rows(fmt, ARTICLE_COLUMNS, table_columns=ARTICLE_COLUMNS[:7] + ("duplicate_of",)) as rows, progress:
        for n, (doc, arts) in enumerate(iter_articles(paths, errors=rejects, text_column=text_column), 1):
            progress.update(task, description=f"{n} documents read: {doc.doc}")
            for a in arts:
                rows.write({k: getattr(a, k) for k in ARTICLE_COLUMNS})
    rejects.exit()


# ---------------------------------------------------------------------------
# ingest, recode, stats, demo: inputs into the store (owner: store/pipeline)
# ---------------------------------------------------------------------------
DB_HELP = "Database file (default: the user's data directory, or $BAROGRAPH_DB)."


_print_reject = Rejects("rejected ")  # says each rejected input on stderr as it happens


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, folders, globs, or - for standard input."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    corpus: str = typer.Option("default", "--corpus", help="Name of the collection these inputs belong to."),
    no_code: bool = typer.Option(False, "--no-code", help="Store articles and sentences only; code events later with `recode`."),
    text_column: str | None = typer.Option(None, "--text-column", help="CSV column that holds the text."),
    format: str = typer.Option("text", "--format", "-f", help="text, or json for the whole report on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on stderr."),
    engine: str = typer.Option("local", "--engine", help="local, or ray: code on Ray (Parquet parts in --out), then store."),
    out_dir: str | None = typer.Option(None, "--out", help="--engine ray: folder of Parquet parts (default: beside the database)."),
    address: str | None = typer.Option(None, "--address", help="--engine ray: join this Ray cluster (default: start one here)."),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="--engine ray: worker actors, one spaCy model each (default 2). Local with --no-code: processes that split text (default 1, or $BAROGRAPH_WORKERS).",
    ),
    actors: list[Path] | None = actors_option(),
) -> None:
    """Store documents, articles, sentences and coded events; the same input twice adds nothing.

    Exit code 1 if any input was rejected (everything good is still stored).
    """
    import json

    from barograph.scale.commands import check_engine, ingest_command

    use_actor_files(actors)
    check_engine(engine)
    if engine == "ray":
        options: dict[str, Any] = dict(corpus=corpus, text_column=text_column, fmt=format, quiet=quiet, out=out, err=err)
        raise typer.Exit(ingest_command(paths, db, out_dir=out_dir, address=address, workers=workers or 2, code=not no_code, **options))

    from barograph.pipeline import ingest as run_ingest

    try:
        rep = run_ingest(
            paths, db, code=not no_code, corpus=corpus, progress=not quiet, text_column=text_column, on_reject=_print_reject, workers=workers
        )
    except KeyboardInterrupt as e:
        done = getattr(e, "report", None)
        stored = f" ({done.line()})" if done else ""
        err.print(f"barograph: interrupted; what was stored before stays whole{stored}; run the same command again to finish", markup=False)
        raise typer.Exit(130)
    if format == "json":
        out.file.write(json.dumps(rep.to_json()) + "\n")
    else:
        out.print(rep.line(), markup=False)
    if rep.rejected:
        raise typer.Exit(1)


@app.command()
def recode(
    corpus: str | None = typer.Option(None, "--corpus", help="Only this corpus (default: all)."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on stderr."),
    actors: list[Path] | None = actors_option(),
) -> None:
    """Code stored articles again with this barograph's coder; their events are replaced atomically."""
    from barograph.pipeline import recode as run_recode

    use_actor_files(actors)
    out.print(run_recode(db, corpus=corpus, progress=not quiet).line(), markup=False)


@app.command()
def stats(
    db: str | None = typer.Option(None, "--db", help=DB_HELP), format: str = typer.Option("table", "--format", "-f", help="table or json.")
) -> None:
    """How much the store holds: documents, articles, duplicates, sentences, events."""
    import json

    from barograph.interfaces.output import check_format, print_table
    from barograph.store.db import Store
    from barograph.store.stats import stats as store_stats

    check_format(format, ("table", "json"))
    with Store(db, read_only=True) as st:
        s = store_stats(st)
    if format == "json":
        out.file.write(json.dumps(s) + "\n")
        return
    rows: list[dict] = []
    for k, v in s.items():
        if isinstance(v, dict):
            rows.extend({"what": f"{k}: {kk}", "count": vv} for kk, vv in v.items())
        else:
            rows.append({"what": k, "count": v})
    print_table(rows, ("what", "count"), title=str(st.path), none="None")


def coded_events_table(evs: list[dict], width: int):
    """The demo's "Coded events" table, readable from 80 columns up: source, target and
    modality never wrap or shrink (they are short codes), the action keeps its code and as
    much of its name as fits, and the evidence sentence takes the rest, cut with an ellipsis."""
    from rich.table import Table

    from barograph.events.codes import name

    def widest(key: str, floor: int) -> int:
        return max([floor] + [len(e[key] or "") for e in evs])

    sw, tw, mw = widest("source", 6), widest("target", 6), widest("modality", 8)
    room = max(width, 60) - sw - tw - mw - 16  # 6 borders + 2 padding for each of 5 columns
    aw = max(10, min(32, room // 3))
    ew = max(10, room - aw)

    def cut(text: str, w: int) -> str:
        return text if len(text) <= w else text[: w - 1] + "…"

    t = Table(title="Coded events (first 60)")
    for col, w in (("source", sw), ("action", aw), ("target", tw), ("modality", mw), ("evidence", ew)):
        t.add_column(col, no_wrap=True, width=w)
    for e in evs:
        act = f"{e['cameo']} {name(e['cameo'])}"
        t.add_row(e["source"] or "", cut(act, aw), e["target"] or "", e["modality"], cut(" ".join((e["text"] or "").split()), ew))
    return t


@app.command()
def demo(
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on stderr."),
    actors: list[Path] | None = actors_option(),
) -> None:
    """Ingest the bundled sample page and show what barograph found in it."""
    use_actor_files(actors)
    from rich.table import Table

    from barograph.errors import BarographError
    from barograph.pipeline import ingest as run_ingest
    from barograph.pipeline import samples_dir
    from barograph.store.db import Store
    from barograph.store.stats import article_rows, event_rows, top_dyads

    src = samples_dir()
    if not src.is_dir():
        raise BarographError(f"{src}: the bundled samples folder is missing (run demo from a checkout)")
    rep = run_ingest([str(src)], db, progress=not quiet, on_reject=_print_reject)
    with Store(rep.db, read_only=True) as st:
        arts, evs, dyads = article_rows(st), event_rows(st, limit=60), top_dyads(st)
    t = Table("#", "title", "outlet", "author", "date", "sentences", "events", title=f"Articles in {src}")
    t.columns[1].overflow = "fold"
    for i, a in enumerate(arts, 1):
        t.add_row(str(i), a["title"] or "", a["outlet"] or "", a["author"] or "", a["date"] or "", str(a["sentences"]), str(a["events"]))
    out.print(t)
    out.print(coded_events_table(evs, out.width))
    t = Table("source", "target", "events", "undated", "conflict", "mean Goldstein", title="Top dyads")
    for d in dyads:
        t.add_row(d["source"], d["target"], str(d["events"]), str(d["undated"]), str(d["conflict"]), f"{d['goldstein']:+.2f}")
    out.print(t)
    out.print(
        "events: every modality; `barograph dyad` counts asserted and claimed events with a date, once per day and code, "
        "and says how many undated ones it leaves out",
        markup=False,
    )
    out.print(rep.line(), markup=False)
    out.print(f"database: {rep.db}", markup=False)
