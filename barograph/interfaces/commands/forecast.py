"""The `forecast` command: what comes next between two actors, and why."""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Tuple

import typer

from barograph.interfaces.app import app, out


def json_safe(v):
    """NaN and infinities as null, all the way down (JSON has no NaN)."""
    import math

    if isinstance(v, dict):
        return {k: json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_safe(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def uncertainty_line(mc: dict) -> str:
    """How far to trust the probability: its calibration bin and the base rates."""
    parts = []
    cal = mc.get("calibration")
    if cal and cal.get("observed") is not None:
        parts.append(
            f"forecasts in [{cal['lo']:.2f}, {cal['hi']:.2f}) were followed by conflict {cal['observed']:.3f} of the time on ICEWS14 "
            f"(90% interval {cal['low']:.3f}-{cal['high']:.3f}, {cal['n']:,} dyad-weeks)"
        )
    if mc.get("base_rate") is not None:
        parts.append(f"base rate {mc['base_rate']:.3f}")
    if mc.get("dyad_base_rate") is not None:
        parts.append(f"this dyad: conflict in {mc['dyad_conflict_weeks']} of {mc['dyad_weeks']} weeks")
    return "  " + "; ".join(parts) if parts else "  (no calibration data bundled)"


def _named(store, dyad: Tuple[str, str]) -> Tuple[str, str]:
    """Codes for names (--dyad Russia Ukraine); codes and unknown ones go on as typed, so the
    forecaster's own "no asserted events involving ..." still speaks for a code with no history."""
    from barograph.analysis.lookup import name_to_codes, store_actors

    known = store_actors(store)
    out = []
    for t in dyad:
        got = [c for c, _ in name_to_codes(t)] if t not in known else []
        out.append(next((c for c in got if c in known), t))
    return out[0], out[1]


@app.command()
def forecast(
    dyad: Tuple[str, str] = typer.Option(..., "--dyad", help="The two actors A B (entity or actor code): --dyad RUS TUR.", show_default=False),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file (default: $BAROGRAPH_DB or the user data folder)."),
    asof: Optional[str] = typer.Option(None, "--asof", help="Forecast from this date (default: the latest stored event)."),
    since: Optional[str] = typer.Option(
        None, "--since", help="Start of the window (accepted like every analysis command's; the forecaster reads the whole history)."
    ),
    until: Optional[str] = typer.Option(None, "--until", help="End of the window: the forecast is as of this date (the same as --asof)."),
    top: int = typer.Option(5, "--top", help="How many event types to list."),
    format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Likely next event types from A to B (with the past events behind them) and the
    probability of material conflict between them next week."""
    from barograph.interfaces.output import check_format

    check_format(format, ("table", "json"))
    from barograph.errors import BadInput
    from barograph.store.query import EventFilter

    window = EventFilter.parse({"since": since, "until": until or asof}, prefix="--")
    if asof and until and window.until != EventFilter.parse({"until": asof}).until:
        raise BadInput("--asof", "give --asof or --until, not two different dates")
    asof = window.until
    from barograph.analysis.forecast.outlook import dyad_outlook
    from barograph.store.db import Store

    with Store(db, read_only=True) as store:
        a, b = _named(store, dyad)
        res = dyad_outlook(store, a, b, asof=asof, top=top)
    if format == "json":
        import json

        out.print(json.dumps(json_safe(res), indent=1, default=str, allow_nan=False), markup=False)
        return
    from rich.table import Table

    a, b = res["dyad"]
    mc = res["material_conflict_next_week"]
    out.print(
        f"{a} -> {b} as of {res['asof']}: {res['events_between']} events between them; "
        f"p(material conflict next week) = {mc['probability']:.3f}"
        f" (conflict this week: {'yes' if mc['conflict_this_week'] else 'no'})",
        markup=False,
    )
    out.print(uncertainty_line(mc), markup=False)
    t = Table(title=f"Likely next event types {a} -> {b}")
    for c in ("root", "type", "p", "codes", "history behind it"):
        t.add_column(c)
    for ty in res["next_event_types"]:
        ev = "\n".join(f"{e['date']} {e['direction']} {e['cameo']}" + (f": {e['text'][:90]}" if e["text"] else "") for e in ty["evidence"])
        t.add_row(ty["root"], ty["name"], f"{ty['probability']:.3f}", " ".join(ty["codes"]), ev or "(none: base rate of the store)")
    out.print(t)
