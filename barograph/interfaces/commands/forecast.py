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
    action: Optional[str] = typer.Argument(None, help="fit: fit the benchmark ranker on the store and save it beside it.", show_default=False),
    dyad: Optional[Tuple[str, str]] = typer.Option(
        None, "--dyad", help="The two actors A B (entity or actor code): --dyad RUS TUR.", show_default=False
    ),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file (default: $BAROGRAPH_DB or the user data folder)."),
    asof: Optional[str] = typer.Option(None, "--asof", help="Forecast from this date (default: the latest stored event)."),
    since: Optional[str] = typer.Option(
        None, "--since", help="Start of the window (accepted like every analysis command's; the forecaster reads the whole history)."
    ),
    until: Optional[str] = typer.Option(None, "--until", help="End of the window: the forecast is as of this date (the same as --asof)."),
    top: int = typer.Option(5, "--top", help="How many event types to list."),
    format: str = typer.Option("table", "--format", help="table or json."),
    who: Optional[str] = typer.Option(
        None, "--who", help="Fitted model: whom will this actor act on next (with --root or --plover).", show_default=False
    ),
    root: Optional[str] = typer.Option(None, "--root", help="CAMEO root code (01-20) for --who.", show_default=False),
    plover: Optional[str] = typer.Option(
        None, "--plover", help="PLOVER event type (e.g. ASSAULT) for --who, or for --dyad --what.", show_default=False
    ),
    what: bool = typer.Option(False, "--what", help="Fitted model: what will A do to B next (with --dyad A B)."),
    relation: str = typer.Option(
        "both", "--relation", help="forecast fit: relations to fit, root, plover or both; with --what: plover answers in PLOVER types."
    ),
) -> None:
    """Likely next event types from A to B, and the chance of material conflict next week.

    Each answer comes with the past events behind it. `forecast fit` fits the benchmark ranker
    on the store; `--who A --root 19` and `--dyad A B --what` ask it."""
    from barograph.interfaces.output import check_format

    check_format(format, ("table", "json"))
    if action is not None:
        if action != "fit":
            from barograph.errors import BadInput

            raise BadInput("forecast", f"unknown action {action!r} (the only one is: fit)")
        return _fit(db, relation, format)
    if who is not None or what:
        return _ask(db, who, dyad, root, plover, what, relation, top, format)
    if dyad is None:
        from barograph.errors import BadInput

        raise BadInput("forecast", "say what to forecast: --dyad A B, --who A --root R, or `forecast fit`")
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


def _print_json(res) -> None:
    import json

    out.print(json.dumps(json_safe(res), indent=1, default=str, allow_nan=False), markup=False)


def _fit(db: Optional[Path], relation: str, format: str) -> None:
    """`barograph forecast fit`: fit, save beside the store, print what was measured."""
    from barograph.analysis.forecast.onstore import KINDS, fit_store
    from barograph.errors import BadInput
    from barograph.store.db import Store

    if relation not in (*KINDS, "both"):
        raise BadInput("--relation", f"unknown relation kind {relation!r} (use root, plover or both)")
    kinds = KINDS if relation == "both" else (relation,)
    with Store(db, read_only=True) as store:
        from barograph.interfaces.app import err

        meta = fit_store(store, kinds, say=lambda line: err.print(line, markup=False))
    if format == "json":
        return _print_json(meta)
    fp = meta["fingerprint"]
    out.print(f"fitted on {fp['usable_events']} of {fp['events']} events up to {fp['latest_date']}; saved in {meta['folder']}", markup=False)
    for kind, k in meta["kinds"].items():
        v = k.get("valid", {})
        out.print(
            f"  {kind}: {k['entities']} entities, {k['relations']} relations, {k['train_quadruples']} + {k['valid_quadruples']} events "
            f"(validation from {k['valid_from']}); l2={k['l2']} trees={k['trees']}; fitted in {k['fit_seconds']} s; "
            f"validation MRR {v.get('mrr')} (recurrency baseline {k.get('valid_recurrency_mrr')}); "
            f"answers among the candidates {k.get('valid_candidate_recall')}",
            markup=False,
        )


def _ask(db, who, dyad, root, plover, what, relation, top, format) -> None:
    """Questions to the fitted model: --who A --root R | --plover P, --dyad A B --what."""
    from barograph.analysis.forecast import onstore
    from barograph.errors import BadInput
    from barograph.store.db import Store

    with Store(db, read_only=True) as store:
        if who is not None:
            if (root is None) == (plover is None):
                raise BadInput("--who", "give one of --root (CAMEO root 01-20) or --plover (a PLOVER type)")
            kind, rel = ("root", root) if root is not None else ("plover", plover)
            a = _named(store, (who, who))[0]
            res = onstore.who(store, a, rel, kind=kind, top=top)
        else:
            if dyad is None:
                raise BadInput("--what", "--what needs --dyad A B")
            a, b = _named(store, dyad)
            res = onstore.what(store, a, b, kind="plover" if plover or relation == "plover" else "root", top=top)
    if format == "json":
        return _print_json(res)
    from barograph.interfaces.app import err

    if res["model"]["stale"]:
        err.print(f"barograph: {res['model']['message']}", markup=False)
    if res["question"] == "who":
        head = f"Whom {res['subject']} will act on next with {res['relation']} ({res['relation_name']}), after {res['date']}"
    else:
        head = f"What {res['subject']} will do to {res['object']} next, after {res['date']}"
    from rich.table import Table

    t = Table(title=head)
    for c in ("answer", "p", "rule patterns", "past events behind it"):
        t.add_column(c)
    for x in res["answers"]:
        name = x.get("object") or f"{x['relation']} {x['relation_name']}"
        why = "\n".join(f"{r['why']} {r['weight']:+.2f}" for r in x["reasons"])
        ev = "\n".join(f"{e['date']} {e['subject']} {e['relation']} {e['object']}" for e in x["evidence"][:4])
        t.add_row(name, f"{x['probability']:.3f}", why, ev or "(none)")
    out.print(t)
