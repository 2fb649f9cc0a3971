"""Choose the hybrid's thresholds and calibrate its confidence on out-of-fold predictions.

    .venv/bin/python training/tune_hybrid.py --oof build/classifier/oof.jsonl \
        --meta barograph/data/classifier/meta.json

Why out-of-fold: every dev sentence's probabilities come from the fold model that did not
see it, so the thresholds and the calibration are what the shipped model will meet on news
it has not seen. The 20% test part is never opened here.

Runs the whole coder (parse, rules, hybrid) on the dev sentences once per candidate setting,
picks, among the settings that keep the seed page's quad-class F1 at 0.85 or more (its gold
is the other development set: analysis prose, where a coder that reads every sentence as an
event would assert far too much), the one with the best strict macro-F1 (the class of each
sentence's first asserted event, as ``shared/eval/score_class5.py`` counts it; settings
within ``F1_TIE`` of the best tie, and the tie goes to fewer sentences with no event), then fits, per event method, a monotone
map from the classifier's probability of the event's class to the share of such events whose
class is right (pool-adjacent-violators over equal-count bins). Both go into ``meta.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))
import split  # noqa: E402

COUNTED = ("asserted", "claimed")
# the grid searched last (earlier grids, in docs/coding.md, showed that parse events with an
# unnamed side, targets outside the predicate's own objects, re-coding the rules' events below
# 0.97 and predicates outside the dictionary each cost the seed page 0.1-0.4 quad-class F1;
# one_sided_generic and statement_resolved 0 gained 0.001-0.007 on dev and added records an
# analyst would drop on unseen stories, docs/coding.md "Coder 1.0.4")
# (the tagger's source score is summed over word pieces, so a gate above 1 only passes sources
# of two pieces or more: "Germany" never; 0.5 means "the tagger marks a source"; the structural
# gates below took the place of that length effect, see docs/coding.md)
# (lead_min: coder 1.0.7's lead_event; 1.01 is off)
GRID = {"recode_min": [0.97, 0.98, 0.99, 1.01], "lead_min": [0.5, 0.7, 0.9, 1.01]}
FIXED = {
    "gate": "dictionary",
    "model_min": 0.5,
    "need_named": 1,
    "present_ok": False,
    "local_targets": True,
    "source_named": True,
    "passive_agent": True,
    "target_someone": True,
    "min_source_score": 0.5,
    "statement_resolved": 1,
    "one_sided": True,
    "one_sided_named": True,
    "inner_targets": True,
    "beside_uncounted": True,
    "headline_present": True,
    "protest_government": True,
    "purpose_acts": True,
    "things_no_target": True,
    "bare_agents": True,
    "passive_place": True,
    "nation_things": True,
}
SEED_FLOOR = 0.85  # quad-class F1 the seed page's gold must keep (shared/eval/seed-gold.jsonl)
# ... and its CAMEO root F1 (coder 1.0.3 scored 0.824; the rules alone 0.82): a setting that
# re-codes the seed page's events into other roots is not chosen, whatever it gains on dev
SEED_ROOT_FLOOR = 0.80
SHARED = ROOT.parent / "shared"


def code_dev(coder, gold) -> list[dict]:
    from barograph.events.stream import code_documents

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "dev.jsonl"
        src.write_text("".join(json.dumps({"id": g["id"], "text": g["text"]}) + "\n" for g in gold))
        return [e.to_json() for _, evs in code_documents([str(src)], coder, errors=[]) for e in evs]


def seed_scores(settings) -> tuple[float, float]:
    """Quad-class and CAMEO root F1 on the seed page with the shipped model (it never saw
    that page). The root F1 guards the codes themselves: re-coding a rules' event into the
    class the classifier reads may keep its quad class and still lose its root ("X called Y"
    is 041, not the 010 of a statement)."""
    import subprocess

    from barograph.events.coder import Coder
    from barograph.events.stream import code_documents

    coder = Coder(settings=settings)
    page = ROOT / "samples" / "000_3e898528250441a4.txt"
    events = [e.to_json() for _, evs in code_documents([str(page)], coder, errors=[]) for e in evs]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "seed.jsonl"
        out.write_text("".join(json.dumps(e) + "\n" for e in events))
        text = subprocess.run(
            [sys.executable, str(SHARED / "eval" / "score_events.py"), str(SHARED / "eval" / "seed-gold.jsonl"), str(out)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def f1(prefix: str) -> float:
        line = next(x for x in text.splitlines() if x.startswith(prefix))
        return float(line.split("F1=")[1].split()[0])

    return f1("quad-class"), f1("root-code")


def seed_f1(settings) -> float:
    """Quad-class F1 on the seed page (``seed_scores``)."""
    return seed_scores(settings)[0]


def strict_macro_f1(gold, events) -> tuple[float, float]:
    """Macro-F1 over the 5 gold classes of each sentence's first counted event; share with none."""
    from barograph.events.classifier import class_of

    first: dict[str, int | None] = {}
    for e in events:
        if e.get("modality") in COUNTED and e["doc"] not in first:
            first[e["doc"]] = class_of(e["cameo"])
    f1 = []
    for c in range(5):
        tp = sum(1 for g in gold if g["class5"] == c and first.get(g["id"]) == c)
        fp = sum(1 for g in gold if g["class5"] != c and first.get(g["id"]) == c)
        fn = sum(1 for g in gold if g["class5"] == c and first.get(g["id"]) != c)
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1) / 5, sum(1 for g in gold if g["id"] not in first) / len(gold)


def pav(y: np.ndarray) -> np.ndarray:
    """Pool adjacent violators: the non-decreasing sequence closest to y (equal weights)."""
    blocks = [[v, 1] for v in y]
    out: list[list[float]] = []
    for b in blocks:
        out.append(b)
        while len(out) > 1 and out[-2][0] > out[-1][0]:
            v2, n2 = out.pop()
            v1, n1 = out.pop()
            out.append([(v1 * n1 + v2 * n2) / (n1 + n2), n1 + n2])
    return np.concatenate([[v] * int(n) for v, n in out])


def curve(raw: list[float], right: list[bool], bins: int = 8) -> list[list[float]]:
    order = np.argsort(raw)
    r = np.asarray(raw)[order]
    y = np.asarray(right, dtype=float)[order]
    parts = [p for p in np.array_split(np.arange(len(r)), min(bins, max(1, len(r) // 25))) if len(p)]
    xs = [float(r[p].mean()) for p in parts]
    ys = pav(np.array([y[p].mean() for p in parts]))
    return [[round(x, 4) for x in xs], [round(float(v), 4) for v in ys]]


def calibration(gold, events, probs_by_id) -> dict:
    from barograph.events.classifier import class_of

    by = {g["id"]: g["class5"] for g in gold}
    groups: dict[str, tuple[list, list]] = {}
    for e in events:
        c = class_of(e["cameo"])
        p = probs_by_id.get(e["doc"])
        if c is None or p is None or e.get("modality") not in COUNTED:
            continue
        for key in (e.get("method", "rules"), "all"):
            raw, right = groups.setdefault(key, ([], []))
            raw.append(float(p[c]))
            right.append(c == by[e["doc"]])
    return {k: curve(*v) for k, v in groups.items() if len(v[0]) >= 25}


# strict macro-F1 differences smaller than this are noise: its bootstrap standard error over
# the 1,059 dev sentences is 0.009 (coder 1.0.7, 200 resamples)
F1_TIE = 0.005


def choose(results):
    """The setting chosen: among those that keep the seed page's floors (else among all), the
    ones within ``F1_TIE`` of the best strict macro-F1 tie, and of them the one that leaves the
    fewest sentences with no event (both are targets of the coder), then the best F1."""
    pool = [r for r in results if r[0]] or results
    top = max(r[1] for r in pool)
    return max((r for r in pool if r[1] >= top - F1_TIE), key=lambda r: (r[2], r[1]))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--oof", type=Path, required=True)
    ap.add_argument("--meta", type=Path, required=True)
    args = ap.parse_args(argv)
    from barograph.events.classifier import FixedProbabilities
    from barograph.events.coder import Coder
    from barograph.events.hybrid import Settings

    gold = split.load("dev")
    rows = [json.loads(x) for x in args.oof.read_text().splitlines() if x.strip()]
    oof = {r["id"]: r for r in rows}
    fixed = FixedProbabilities({g["text"]: (oof[g["id"]]["p"], oof[g["id"]].get("spans") or {}) for g in gold if g["id"] in oof})
    coder = Coder(classifier=fixed)
    results = []
    for values in itertools.product(*GRID.values()):
        s = Settings(**FIXED, **dict(zip(GRID, values)))
        coder.settings = s
        events = code_dev(coder, gold)
        f1, none = strict_macro_f1(gold, events)
        seed, root = seed_scores(s)
        results.append((seed >= SEED_FLOOR and root >= SEED_ROOT_FLOOR, f1, -none, s, events, seed, root))
        print(f"{dict(zip(GRID, values))}: strict macro-F1 {f1:.3f}, no event {none:.3f}, seed quad F1 {seed:.3f}, root F1 {root:.3f}", flush=True)
    ok, f1, neg_none, best, events, seed, root = choose(results)
    calib = calibration(gold, events, {k: v["p"] for k, v in oof.items()})
    meta = json.loads(args.meta.read_text())
    meta["hybrid"] = {k: v for k, v in asdict(best).items() if k != "calibration"}
    meta["calibration"] = calib
    meta["dev_oof"] = {
        "strict_macro_f1": round(f1, 4),
        "no_event": round(-neg_none, 4),
        "sentences": len(gold),
        "seed_quad_f1": seed,
        "seed_root_f1": root,
        # whose out-of-fold readings: the shipped student's own since coder 1.0.11
        # (training/student_cv.py; 1.0.8-1.0.10 the teacher's, training/distill.py says why)
        "readings": str(args.oof),
    }
    args.meta.write_text(json.dumps(meta, indent=1) + "\n")
    print(f"chosen {meta['hybrid']}: strict macro-F1 {f1:.3f} on dev (out of fold); calibration for {sorted(calib)} written to {args.meta}")


if __name__ == "__main__":
    main()
