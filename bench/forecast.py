"""Temporal knowledge-graph forecasting benchmark: barograph's model against the recurrency baseline, in one run.

    python bench/forecast.py [--data ../shared/bench/icews14] [--epoch 2014-01-01] [--quiet]

Works on any folder in the ICEWS14 layout (train/valid/test.txt, entity2id.txt,
relation2id.txt); nothing here knows which data set it is. Every hyperparameter, of the
baseline and of barograph's model, is chosen on the validation split by the same procedure
on every data set; the test split is only ranked.
Single-step setting, time-aware filtered MRR and Hits@1/3/10 over both query directions of
every test quadruple (Gastinger et al. 2023). Before the table: dyad-level probability of
material conflict next week (Brier, ROC AUC) against persistence (one line saying why it
is skipped on a graph without CAMEO conflict relations or with too few weeks). Then the table with the
`recurrency-baseline` and `barograph` rows, and a last `scaling:` line (training size, wall
time, peak RSS). Stage lines are flushed as they finish, so a stopped run still shows them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "bench" / "icews14"))
    ap.add_argument("--epoch", default=None, help="ISO date of day 0, only for showing dates (default: day numbers)")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    ap.add_argument("--fit-days", type=int, default=60, help="last N training days fitted on, besides valid")
    args = ap.parse_args()

    import resource

    import numpy as np
    from rich.console import Console
    from rich.progress import Progress

    from barograph.analysis.forecast import dyad
    from barograph.analysis.forecast.data import load_icews
    from barograph.analysis.forecast.evaluate import evaluate
    from barograph.analysis.forecast.explain import explain
    from barograph.analysis.forecast.model import Forecaster
    from barograph.analysis.forecast.recurrency import Recurrency

    err = Console(stderr=True, quiet=args.quiet)
    t_start = time.perf_counter()
    g = load_icews(args.data, epoch=args.epoch)
    name = Path(args.data).resolve().name
    print(f"data {name}: {g.n_ent} entities, {g.n_rel} relations, " + ", ".join(f"{s} {len(q)}" for s, q in g.splits.items()) + " quadruples")
    n_valid, n_test = 2 * len(g.splits["valid"]), 2 * len(g.splits["test"])
    n_fit = 2 * int(np.isin(g.splits["train"][:, 3], np.unique(g.splits["train"][:, 3])[-args.fit_days :]).sum()) + n_valid

    # dyad-level material conflict next week, fitted on weeks whose target precedes the test days
    test_week = int(g.splits["test"][:, 3].min()) // 7
    last_week = int(g.splits["test"][:, 3].max()) // 7
    t0 = time.perf_counter()
    conflict = dyad.icews_conflict(g)
    fit_weeks, target_weeks = range(4, test_week - 1), range(test_week, last_week - 1)
    skip = dyad.unsupported(conflict[3], fit_weeks, target_weeks)
    if skip:
        print(f"dyad material conflict next week ({name}): skipped, {skip}")
    else:
        d = dyad.benchmark(*conflict, g.n_ent, fit_weeks, target_weeks)
        print(
            f"dyad material conflict next week ({name}, {d['n']} dyad-weeks active in the last 4 weeks, "
            f"target weeks {test_week + 1}-{last_week - 1}, base rate {d['base_rate']:.4f}, "
            f"{time.perf_counter() - t0:.1f} s)"
        )
        print(f"{'method':22s} {'Brier':>7s} {'AUC':>7s}")
        for k in ("persistence", "persistence_smoothed", "barograph"):
            print(f"{k:22s} {d[k]['brier']:7.4f} {d[k]['auc']:7.4f}")
        print("calibration (bin: dyad-weeks, mean forecast, observed, 90% interval):")
        for b in d["calibration"]:
            if b["n"]:
                print(f"  [{b['lo']:.2f}, {b['hi']:.2f}): {b['n']:6d} {b['predicted']:.4f} {b['observed']:.4f} {b['low']:.4f}-{b['high']:.4f}")
    print(flush=True)

    with Progress(console=err, transient=True) as prog:

        def bar(name, total):
            task = prog.add_task(name, total=total)
            return lambda n: prog.advance(task, n)

        t0 = time.perf_counter()
        base = Recurrency(g.n_ent, g.n_rel)
        tuned = base.tune(g, "valid", progress=bar("baseline: tune lambda, alpha on valid", n_valid))
        rb = evaluate(base, g, "test", progress=bar("baseline: test", n_test))
        tb = time.perf_counter() - t0
        print(
            f"recurrency baseline: lambda={tuned['lambda']} alpha={tuned['alpha']} (valid MRR {tuned['valid_mrr']:.4f}); "
            f"test MRR {rb['mrr']:.4f} ({tb:.0f} s)",
            flush=True,
        )

        t0 = time.perf_counter()
        model = Forecaster(g)
        fit = model.fit(splits=(("train", args.fit_days), ("valid", 0)), progress=bar("barograph: fit", n_fit))
        print(
            f"barograph: fitted in {time.perf_counter() - t0:.0f} s, peak RSS so far "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GB",
            flush=True,
        )
        rm = evaluate(model, g, "test", progress=bar("barograph: test", n_test))
        tm = time.perf_counter() - t0

    print(
        f"barograph: chosen on valid: l2={fit.get('l2', model.l2)}, trees={fit.get('trees', model.trees)} "
        f"(valid candidate MRR linear {fit.get('valid_mrr_linear')}, with trees {fit.get('valid_mrr_rerank')}); "
        f"query sampling per split {fit['sampled']}; answers among the candidates per split {fit['recall']}"
    )
    print(
        f"barograph: fitted on {fit['queries']} queries, {fit['rows']} candidate rows "
        f"({fit.get('rerank_rows', 0)} re-ranked by trees); linear-stage weights (standardised features):"
    )
    print("  " + ", ".join(f"{k} {v:+.2f}" for k, v in model.weights().items()))
    s, r, o, t = (int(x) for x in g.splits["test"][0])
    ex = explain(model, s, r, t, top=3, evidence=2)
    print(f"example: ({ex['subject']}, {ex['relation']}, ?, {ex['date']}); true object {g.entities[o]}")
    for c in ex["candidates"]:
        why = "; ".join(f"{x['why']} {x['weight']:+.2f}" for x in c["reasons"])
        print(f"  {c['object']:30s} p={c['probability']:.3f}  {why}")
        for e in c["evidence"]:
            print(f"      {e['date']} {e['subject']} {e['relation']} {e['object']}")
    print()
    print(f"{'method':20s} {'MRR':>7s} {'H@1':>7s} {'H@3':>7s} {'H@10':>7s} {'seconds':>8s}")
    for label, res, sec in (("recurrency-baseline", rb, tb), ("barograph", rm, tm)):
        print(f"{label:20s} {res['mrr']:7.4f} {res['h1']:7.4f} {res['h3']:7.4f} {res['h10']:7.4f} {sec:8.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"scaling: {len(g.splits['train'])} training quadruples, {time.perf_counter() - t_start:.0f} s wall, peak RSS {peak:.2f} GB")


if __name__ == "__main__":
    main()
