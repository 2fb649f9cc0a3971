"""Benchmark of the analysis stage on ICEWS14: import, all dyad series, alerts, early warning.

Run pinned to one core:  taskset -c 0 .venv/bin/python bench/analysis.py [ICEWS_DIR]
Prints import time, series+alerts time, peak RSS and the early-warning scores of the detector
next to the persistence baseline, all from the same run. The baseline for timing is a plain
DuckDB read_csv of the same quadruple files (how fast the raw bytes can be loaded).
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
        ew = evaluate(store, split="2014-10-27", panel=weekly_panel(store, min_events=5))
        t_eval = time.perf_counter() - t0
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
    print(f"  each feature alone, ROC AUC: {json.dumps(ew['features_alone_auc'])}")
    print(f"  fitted on {ew['train_dyad_weeks']:,} train dyad-weeks ({ew['train_rises']} rises): {json.dumps(ew['model'])}")
    print(f"peak RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
