"""Benchmark of the analysis stage on ICEWS14: import, all dyad series, alerts, early warning.

Run pinned to one core:  taskset -c 0 .venv/bin/python bench/analysis.py [ICEWS_DIR]
Prints import time, series+alerts time, peak RSS and the early-warning scores of the detector
next to the persistence baseline, all from the same run. The baseline for timing is a plain
DuckDB read_csv of the same quadruple files (how fast the raw bytes can be loaded).

Then the alerts as an analyst reads them: how many the default list has per month, and where
the known crises of 2014 rank among the alerts of their month, each month read as the
dashboard's window shows it (events up to the month's end only, alerts ending in the month).
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# (name, month, does an alert belong to it) -- the crises the issue names, by the ICEWS14 actors
CRISES = (
    ("Crimea (RUS-UKR)", "2014-03", lambda a: {a.source, a.target} <= {"RUS", "UKR"}),
    ("Iraq / ISIS", "2014-06", lambda a: "IRQ" in (a.source, a.target) or "Islamic_State" in a.source + a.target or "ISIS" in (a.source, a.target)),
    ("Gaza (ISR-PSE)", "2014-07", lambda a: {a.source, a.target} <= {"ISR", "PSE", "HAMAS"}),
    ("eastern Ukraine (RUS-UKR)", "2014-04", lambda a: {a.source, a.target} <= {"RUS", "UKR"}),
)


def month_end(month: str) -> str:
    import calendar

    y, m = map(int, month.split("-"))
    return f"{month}-{calendar.monthrange(y, m)[1]:02d}"


def crisis_ranks(store, crises=CRISES) -> list[tuple[str, str, int, int | None, str]]:
    """(name, month, alerts in the month, rank of the crisis's first alert or None, its summary)."""
    from barograph.analysis.alerts import detect

    out = []
    for name, month, belongs in crises:
        found = detect(store, since=f"{month}-01", until=month_end(month), evidence=0)
        rank = next((i + 1 for i, a in enumerate(found) if belongs(a)), None)
        out.append((name, month, len(found), rank, found[rank - 1].summary if rank else ""))
    return out


def severity_auc(panel, split: str) -> float:
    """ROC AUC of the alerts' severity (conflict) as an early-warning score on the test weeks."""
    import numpy as np
    import pandas as pd

    from barograph.analysis.alerts import intensity, severity_of, weekly_surprises
    from barograph.analysis.early_warning import labelled_weeks, roc_auc

    df = labelled_weeks(panel)
    test = df[df["t"] >= int(np.searchsorted(panel.weeks, pd.Timestamp(split)))]
    z, _, _ = weekly_surprises(panel, "conflict")
    sev = severity_of(z * intensity(panel, "conflict"))
    return roc_auc(test["rise"].to_numpy(), sev[test["d"].to_numpy(), test["t"].to_numpy()])


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "bench" / "icews14"
    from barograph.analysis.alerts import detect, weekly_panel
    from barograph.analysis.early_warning import evaluate
    from barograph.analysis.icews import import_icews
    from barograph.analysis.series import all_series
    from barograph.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        store.con.execute("SET threads = 1")
        t0 = time.perf_counter()
        n_raw = store.con.execute(
            "SELECT count(*) FROM read_csv(?, delim='\t', header=false, columns={'s':'INT','r':'INT','o':'INT','t':'INT','x':'INT'})",
            [[str(src / f"{s}.txt") for s in ("train", "valid", "test")]],
        ).fetchall()[0][0]
        t_raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        r = import_icews(store, src)
        t_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        series = all_series(store, freq="week", min_events=1)
        t_series = time.perf_counter() - t0
        t0 = time.perf_counter()
        found = detect(store, evidence=1)
        t_alerts = time.perf_counter() - t0
        t0 = time.perf_counter()
        panel = weekly_panel(store, min_events=5)
        ew = evaluate(store, split="2014-10-27", panel=panel)
        t_eval = time.perf_counter() - t0
        sev_auc = severity_auc(panel, "2014-10-27")
        per_month: dict[str, int] = {}
        for a in found:
            per_month[a.peak_week[:7]] = per_month.get(a.peak_week[:7], 0) + 1
        t0 = time.perf_counter()
        ranks = crisis_ranks(store)
        t_ranks = time.perf_counter() - t0
        store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ICEWS14 rows (raw DuckDB read_csv baseline): {n_raw:,} in {t_raw:.2f}s")
    print(
        f"import: {r.events:,} events in {t_import:.2f}s ({t_import / max(t_raw, 1e-9):.1f}x the raw read); "
        f"entities resolved {100 * r.entity_coverage:.1f}%, events with both actors resolved {100 * r.event_coverage:.1f}%"
    )
    print(
        f"all dyad series (weekly, directed): {series[['source', 'target']].drop_duplicates().shape[0]:,} dyads, "
        f"{len(series):,} dyad-weeks in {t_series:.2f}s"
    )
    print(
        f"alerts: {len(found):,} in {t_alerts:.2f}s "
        f"({sum(a.direction == 'conflict' for a in found):,} conflict, {sum(a.direction == 'cooperation' for a in found):,} cooperation)"
    )
    print(f"import + series + alerts: {t_import + t_series + t_alerts:.2f}s (target < 30 s on one core)")
    print(f"early-warning evaluation in {t_eval:.2f}s; test weeks from {ew['split_week']}")
    for k in ("detector", "persistence"):
        s = ew[k]
        print(
            f"  {k:12s} ROC AUC {s['auc']:.3f}  precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
            f"alerts {s['alerts']:,} / {s['dyad_weeks']:,} dyad-weeks, {s['rises']} rises"
        )
    print(f"  alert severity (conflict) as the score: ROC AUC {sev_auc:.3f} on the same test dyad-weeks")
    print(f"  each feature alone, ROC AUC: {json.dumps(ew['features_alone_auc'])}")
    print(f"  fitted on {ew['train_dyad_weeks']:,} train dyad-weeks ({ew['train_rises']} rises): {json.dumps(ew['model'])}")
    months = sorted(per_month)
    print(
        f"default alert list (severity >= 40): {len(found):,} alerts over {len(months)} months, "
        f"{min(per_month.values()) if per_month else 0}-{max(per_month.values()) if per_month else 0} a month by peak week: "
        + ", ".join(f"{m[5:]} {per_month[m]}" for m in months)
    )
    print(f"known crises in the alerts of their month (each month as of its last day; {t_ranks:.1f}s):")
    for name, month, n, rank, summary in ranks:
        print(f"  {name:28s} {month}: " + (f"rank {rank} of {n}: {summary[:120]}" if rank else f"not among the {n} alerts"))
    print(f"peak RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
