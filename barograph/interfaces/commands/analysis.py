"""Analysis commands: import ICEWS/GDELT, export, dyad series, alerts, reports and the actor map."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer

from barograph.interfaces.app import app, err, out
from barograph.interfaces.filters import filter_options
from barograph.store.query import EventFilter

import_app = typer.Typer(help="Import existing event data (ICEWS quadruples, GDELT 2.0 event files).", no_args_is_help=True)
app.add_typer(import_app, name="import")

DB = typer.Option(None, "--db", help="Database file (default: $BAROGRAPH_DB or the user data folder).")


def _open(db: Optional[Path], write: bool = False):
    from barograph.errors import StoreError
    from barograph.store.db import Store

    if write:
        return Store(db)
    try:
        return Store(db, read_only=True)
    except StoreError as e:
        if "older than" in str(e):  # upgrade the schema once, then read
            Store(db).close()
            return Store(db, read_only=True)
        raise


def _progress(quiet: bool):
    def show(name: str, n: int) -> None:
        if not quiet:
            err.print(f"read {name}: {n:,} rows")

    return show


def _is_quadruple_folder(paths: List[Path]) -> bool:
    """One folder in the ICEWS14 layout (or one missing path that is not named like a file)."""
    if len(paths) != 1:
        return False
    p = paths[0]
    if not p.exists():
        return not p.name.lower().endswith((".tab", ".zip", ".gz", ".tsv")) and "*" not in str(p)
    return p.is_dir() and (p / "entity2id.txt").exists()


@import_app.command("icews")
def import_icews_cmd(
    directory: List[Path] = typer.Argument(
        ...,
        help="Folder with entity2id.txt, relation2id.txt and train/valid/test.txt (ICEWS14 layout), "
        "or Dataverse event files events.YYYY.*.tab (zipped or not; files or a folder of them).",
    ),
    db: Optional[Path] = DB,
    corpus: Optional[str] = typer.Option(None, "--corpus", help="Corpus name (default: the folder's name; 'icews' for Dataverse files)."),
    start: str = typer.Option("2014-01-01", "--start", help="Date that time 0 stands for (ICEWS14 layout)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Import ICEWS14-style quadruples or Dataverse event files (re-import replaces the corpus's events)."""
    from barograph.analysis.icews import import_icews
    from barograph.analysis.icews_dataverse import import_icews_events

    with _open(db, write=True) as store:
        if _is_quadruple_folder(directory):
            r = import_icews(store, directory[0], corpus=corpus, start=start, progress=_progress(quiet))
        else:
            r = import_icews_events(store, directory, corpus=corpus, progress=_progress(quiet))
    out.print(
        f"imported {r.events:,} ICEWS events into corpus {r.corpus} ({r.first_date} to {r.last_date}) "
        f"in {r.seconds:.1f}s; entities resolved {r.entities_resolved:,}/{r.entities:,} "
        f"({100 * r.entity_coverage:.1f}%), events with both actors resolved {100 * r.event_coverage:.1f}%"
    )
    if r.unresolved_top and not quiet:
        err.print("most frequent unresolved: " + ", ".join(f"{n} ({c})" for n, c in r.unresolved_top[:5]))


@import_app.command("gdelt")
def import_gdelt_cmd(
    files: List[Path] = typer.Argument(..., help="GDELT 2.0 event files (.export.CSV, tab-separated; .export.CSV.zip as distributed)."),
    db: Optional[Path] = DB,
    corpus: Optional[str] = typer.Option(None, "--corpus", help="Corpus name (default: each file's name)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
) -> None:
    """Import GDELT 2.0 event files (re-import replaces the same events)."""
    from barograph.analysis.gdelt import import_gdelt

    with _open(db, write=True) as store:
        r = import_gdelt(store, [str(f) for f in files], corpus=corpus, progress=_progress(quiet))
    out.print(f"imported {r['events']:,} GDELT events from {len(r['files'])} file(s)")


@app.command()
@filter_options
def export(
    db: Optional[Path] = DB,
    format: str = typer.Option("csv", "--format", "-f", help="gdelt, plover, parquet or csv."),
    out_path: Path = typer.Option(..., "--out", "-o", help="File to write."),
    filters: EventFilter = None,  # type: ignore[assignment]  # the filter options: interfaces/filters.py
) -> None:
    """Write stored events as GDELT 2.0 columns, PLOVER JSON, Parquet or CSV."""
    from barograph.analysis.exports import export as run

    with _open(db) as store:
        n = run(store, format, out_path, **filters.values())
    err.print(f"wrote {n:,} events to {out_path}")


@app.command()
def dyad(
    a: str = typer.Argument(..., help="Source actor: entity (RUS), code (RUSGOV) or imported name."),
    b: str = typer.Argument(..., help="Target actor."),
    db: Optional[Path] = DB,
    freq: str = typer.Option("week", "--freq", help="day, week, month, quarter or year."),
    format: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    undirected: bool = typer.Option(False, "--undirected", help="Count both directions."),
    since: Optional[str] = typer.Option(None, "--since", help="From this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Up to this date."),
    asserted_only: bool = typer.Option(False, "--asserted-only", help="Leave out claimed events."),
    corpus: Optional[List[str]] = typer.Option(None, "--corpus", help="Only these corpora."),
) -> None:
    """A dyad's events per period by QuadClass, Goldstein sum/mean and net cooperation index."""
    from barograph.analysis.series import dyad_series
    from barograph.interfaces.output import check_format, print_frame
    from barograph.store.query import event_filter, iter_filters

    check_format(format, ("table", "csv", "json"))
    extra: dict[str, Any] = {"corpus": iter_filters(corpus)} if corpus else {}
    with _open(db) as store:
        a, b = _actor_codes(store, a, b)
        if not since and not until:  # the dashboard's default window: no stray year stretches the table
            since, until = _robust_window(store, event_filter(dyad=(a, b), undirected=undirected, **extra))
        df = dyad_series(store, a, b, freq=freq, directed=not undirected, since=since, until=until, claimed=not asserted_only, **extra)
        _say_undated(store, a, b, directed=not undirected, claimed=not asserted_only, **extra)
    print_frame(df, format, title=f"{a} {'<->' if undirected else '->'} {b} by {freq}" + (f", as of {until}" if until else ""))


def _robust_window(store, f: EventFilter) -> tuple[str | None, str | None]:
    """(since, until) of `series.data_range` when it leaves stray dates out (said on stderr), else (None, None)."""
    from barograph.analysis.series import data_range

    r = data_range(store, f)
    if not r["outside"]:
        return None, None
    err.print(
        f"{r['outside']:,} event(s) far from the rest ({r['first']} to {r['last']}) left out: "
        f"showing {r['lo']} to {r['hi']}; give --since/--until to include them"
    )
    return r["lo"], r["hi"]


ALERT_COLUMNS = [
    "severity",
    "kind",
    "source",
    "target",
    "window_start",
    "window_end",
    "summary",
    "direction",
    "score",
    "statistic",
    "magnitude",
    "recent",
    "expected",
    "goldstein_trend",
    "p_surge",
    "weeks",
    "evidence",
]


def _actor_codes(store, *typed: str) -> tuple[str, ...]:
    """Codes for what was typed (codes as they are, names through the dictionaries); a name
    nobody knows ends the command with one line and "did you mean ..."."""
    from barograph.analysis.lookup import resolve_actor

    codes = tuple(resolve_actor(store, t, where="actor") for t in typed)
    named = [f"{t} = {c}" for t, c in zip(typed, codes) if t != c]
    if named:
        err.print("reading " + ", ".join(named), markup=False)
    return codes


def _say_undated(store, a: str, b: Optional[str], **kw: Any) -> None:
    """On stderr: how many events the series leaves out for want of a date."""
    from barograph.analysis.series import undated_events

    n = undated_events(store, a, b, **kw)
    if n:
        arrow = "->" if kw.get("directed", True) else "<->"
        err.print(f"note: {n:,} undated event(s) of {a} {arrow} {b} are left out (no date in the text or the article)", markup=False)


@app.command()
def alerts(
    db: Optional[Path] = DB,
    format: str = typer.Option("table", "--format", "-f", help="table, jsonl or csv."),
    since: Optional[str] = typer.Option(None, "--since", help="Only alerts whose window ends on/after this date."),
    until: Optional[str] = typer.Option(None, "--until", help="Ignore events after this date (the alerts are as of this date)."),
    asof: Optional[str] = typer.Option(None, "--asof", help="The same as --until (the dashboard's window end)."),
    last_weeks: Optional[int] = typer.Option(None, "--last-weeks", help="Only alerts of the last N weeks."),
    min_events: int = typer.Option(5, "--min-events", help="Dyads with fewer collapsed events are skipped."),
    direction: Optional[str] = typer.Option(None, "--direction", help="conflict or cooperation."),
    kind: Optional[str] = typer.Option(None, "--kind", help="material conflict, verbal conflict or cooperation."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Only alerts with this actor on either side."),
    min_severity: float = typer.Option(40.0, "--min-severity", help="Severity (0-100) an alert needs; 0 lists every surprise."),
    evidence: int = typer.Option(3, "--evidence", help="Evidence events per alert."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many alerts."),
    corpus: Optional[List[str]] = typer.Option(None, "--corpus", help="Only these corpora."),
) -> None:
    """Alerts per dyad, most severe first, each with the evidence events behind it.

    Each alert says what changed in words and carries a 0-100 severity beside the raw statistic."""
    import json

    from barograph.analysis.alerts import KINDS, detect
    from barograph.errors import BadInput
    from barograph.interfaces.output import check_format, print_frame
    from barograph.store.query import EventFilter, iter_filters

    check_format(format, ("table", "jsonl", "csv"))
    if direction not in (None, "conflict", "cooperation"):
        raise BadInput("--direction", f"unknown direction {direction!r} (conflict or cooperation)")
    if kind is not None and kind not in KINDS:
        raise BadInput("--kind", f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if not 0 <= min_severity <= 100:  # the default 40 = analysis.alerts.MIN_SEVERITY
        raise BadInput("--min-severity", "a number from 0 to 100")
    if asof and until and asof != until:
        raise BadInput("--asof", "give --asof or --until, not two different dates")
    window = EventFilter.parse({"since": since, "until": until or asof}, prefix="--")
    extra: dict[str, Any] = {"corpus": iter_filters(corpus)} if corpus else {}
    with _open(db) as store:
        found = detect(
            store,
            since=window.since,
            until=window.until,
            last_weeks=last_weeks,
            min_events=min_events,
            direction=direction,
            kind=kind,
            actor=actor,
            min_severity=min_severity,
            evidence=evidence,
            limit=limit,
            **extra,
        )
    if format == "jsonl":
        for a in found:
            out.file.write(json.dumps(a.to_json(), ensure_ascii=False, default=str) + "\n")
        return
    if format == "table":  # one alert per paragraph: readable at 80 columns; csv and jsonl carry every field
        out.print(f"{len(found)} alerts" + (f" as of {window.until}" if window.until else "") + ", most severe first (severity 0-100)", markup=False)
        for a in found:
            out.print(f"{a.severity:5.1f}  {a.summary}", markup=False)
            out.print(
                f"       {a.window_start} to {a.window_end} · statistic z {a.statistic:.2f} · p(surge) {a.p_surge:.2f} · {a.events_url}", markup=False
            )
            for e in a.evidence:
                out.print(f"       {e['date']} {e['cameo']} {e['event_id']}: {(e.get('text') or '(no sentence)')[:100]}", markup=False)
        return
    import pandas as pd

    df = pd.DataFrame([{**a.to_json(), "evidence": " ".join(e["event_id"] for e in a.evidence)} for a in found], columns=ALERT_COLUMNS)
    print_frame(df, format)


@app.command()
def report(
    dyad: Optional[List[str]] = typer.Option(None, "--dyad", help="Two actors: --dyad RUS TUR or --dyad RUS,TUR."),
    actor: Optional[str] = typer.Option(None, "--actor", help="One actor and its main partners."),
    db: Optional[Path] = DB,
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for report.html and the PNG plots."),
    freq: str = typer.Option("week", "--freq", help="day, week or month."),
    since: Optional[str] = typer.Option(None, "--since", help="From this date."),
    until: Optional[str] = typer.Option(None, "--until", help="Up to this date."),
    rest: Optional[List[str]] = typer.Argument(None, hidden=True),
) -> None:
    """An HTML report with PNG plots for a dyad or an actor: timeline, alerts, top events."""
    from barograph.analysis.report import write_report
    from barograph.errors import BadInput
    from barograph.store.query import event_filter, iter_filters

    parts = (iter_filters(dyad) or []) + (iter_filters(rest) or [])
    if actor and parts:
        raise BadInput("--dyad", "give --dyad A B or --actor A, not both")
    if not actor and len(parts) != 2:
        raise BadInput("--dyad", "give two actors (--dyad RUS TUR) or one with --actor RUS")
    with _open(db) as store:
        if parts:
            parts = list(_actor_codes(store, *parts))
        elif actor:
            actor = _actor_codes(store, actor)[0]
        if not since and not until:
            scope = event_filter(dyad=(parts[0], parts[1]), undirected=True) if parts else event_filter(actors=[actor])
            since, until = _robust_window(store, scope)
        page = write_report(store, out_dir, dyad=(parts[0], parts[1]) if parts else None, actor=actor, freq=freq, since=since, until=until)
    out.print(str(page))


@app.command("map")
def map_cmd(
    db: Optional[Path] = DB,
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for map.png and map.html."),
    since: Optional[str] = typer.Option(None, "--since", help="From this date."),
    until: Optional[str] = typer.Option(None, "--until", help="Up to this date."),
    top: int = typer.Option(40, "--top", help="Most active actors to draw."),
    min_events: int = typer.Option(5, "--min-events", help="Edges with fewer events are left out."),
) -> None:
    """Draw the network of actors, edges coloured from cooperation (blue) to conflict (red)."""
    from barograph.analysis.network import write_map

    with _open(db) as store:
        page = write_map(store, out_dir, since=since, until=until, top=top, min_events=min_events)
    out.print(str(page))
