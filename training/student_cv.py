"""Honest out-of-fold readings of distilled students: a teacher per fold, then its students.

    python training/student_cv.py --pool build/distill/pool.pkl --layers 1,2 --out build/student-cv
    python training/student_cv.py --oof training/student-oof.jsonl   # make student-cv
    python training/student_cv.py ... --only-fold 3      # one fold (folds can run side by side)
    python training/student_cv.py merge --out build/student-cv

Why: the shipped student learns the teacher's readings of 16,000 NGEC sentences, and the
teacher was fit on all of the dev part. A student checked on a dev fold therefore meets
sentences its teacher learnt, and reads them too well (coder 1.0.8 measured fold 0 at 0.979
macro-F1 against the teacher's own out-of-fold 0.938). So the hybrid's thresholds and its
confidence calibration were chosen on the teacher's out-of-fold readings, not the student's,
and students of different sizes could not be compared on dev at all. Here each fold fits its
own 6-layer teacher on the other four folds (``finetune.train``, the teacher's settings), has
it read the pool's sentences (the same word pieces ``distill.py pool`` stored), and distils
each student size from those readings and the four folds' gold (``distill.train``, the
student's settings). The held-out fold is then read by the teacher and by each student: their
out-of-fold readings, in the JSONL that ``tune_hybrid.py --oof`` takes.

Runs on a CUDA GPU when there is one (``finetune.DEVICE``): a fold takes a few minutes there
and about an hour on 2 CPU cores. Nothing here reads the 20% test part.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

# the settings each fold's teacher and students are fit with: the defaults of ``finetune.py``
# (as ``make model`` fits the teacher) and of ``distill.py`` (as ``make student`` fits the student)
RUN_ONLY = ("mode", "out", "oof", "folds", "only_folds", "synthetic", "pool", "n", "teacher")


def settings(module) -> dict:
    """The training options of ``module``'s command line at their defaults."""
    return {k: v for k, v in vars(module.parser().parse_args(["fit"])).items() if k not in RUN_ONLY}


def read_pool(model, ids: list[list[int]], batch: int = 128) -> dict:
    """The teacher's readings of the pool's word pieces, as ``distill.py pool`` keeps them
    (class probabilities; per piece, tag probabilities in float16)."""
    import finetune
    import torch

    model.eval()
    probs = np.zeros((len(ids), 5), dtype=np.float32)
    tags: list = [None] * len(ids)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    with torch.no_grad():
        for b in range(0, len(order), batch):
            part = order[b : b + batch]
            width = max(len(ids[i]) for i in part)
            x = torch.zeros((len(part), width), dtype=torch.long)
            m = torch.zeros((len(part), width), dtype=torch.long)
            for r, i in enumerate(part):
                x[r, : len(ids[i])] = torch.tensor(ids[i])
                m[r, : len(ids[i])] = 1
            logits, tag_logits = model.both(x.to(finetune.DEVICE), m.to(finetune.DEVICE))
            p = torch.softmax(logits, -1).cpu().numpy()
            tp = torch.softmax(tag_logits, -1).cpu().numpy()
            for r, i in enumerate(part):
                probs[i] = p[r]
                tags[i] = tp[r, : len(ids[i])].astype(np.float16)
    return {"ids": ids, "probs": probs, "tags": tags}


def run_fold(k: int, folds: int, pool_path: Path, layers: list[int], out: Path, variants: dict[str, dict] | None = None) -> None:
    """Fold ``k``: its teacher, then one student per size in ``layers`` and per variant
    (name -> student settings changed, e.g. ``{"e8": {"epochs": 8}}``; "" is the defaults)."""
    import distill
    import finetune
    import split

    dev = split.load("dev")
    fold = split.folds(dev, folds)
    tr = [i for i in range(len(dev)) if fold[i] != k]
    te = [i for i in range(len(dev)) if fold[i] == k]
    texts = [dev[i]["text"] for i in tr]
    labels = [int(dev[i]["class5"]) for i in tr]
    rows = [dev[i] for i in tr]
    held = [dev[i]["text"] for i in te]
    with open(pool_path, "rb") as f:
        stored = pickle.load(f)
    t0 = time.time()
    tok, teacher = finetune.train(
        texts, labels, argparse.Namespace(**settings(finetune)), rows=rows, log=lambda m: print(f"fold {k} teacher{m}", flush=True)
    )
    p, sp = finetune.predict(tok, teacher, held, spans=True)
    write(out / f"oof-teacher.fold{k}.jsonl", finetune.oof_rows(dev, te, p, sp))
    g = [int(dev[i]["class5"]) for i in te]
    print(f"fold {k}: teacher macro-F1 {finetune.macro_f1(g, list(p.argmax(1))):.3f} ({time.time() - t0:.0f} s)", flush=True)
    pool = read_pool(teacher, stored["ids"]) | {"texts": stored["texts"]}
    del teacher
    for n in layers:
        for tag, changed in (variants or {"": {}}).items():
            t0 = time.time()
            args = argparse.Namespace(**(settings(distill) | changed | {"layers": n}))
            name = f"student{n}{tag}"
            tok, student = distill.train(texts, labels, rows, pool, args, log=lambda m, name=name: print(f"fold {k} {name}{m}", flush=True))
            p, sp = finetune.predict(tok, student, held, spans=True)
            write(out / f"oof-{name}.fold{k}.jsonl", finetune.oof_rows(dev, te, p, sp))
            print(f"fold {k}: {name} macro-F1 {finetune.macro_f1(g, list(p.argmax(1))):.3f} ({time.time() - t0:.0f} s)", flush=True)


def write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def merge(out: Path, folds: int) -> None:
    """One out-of-fold file per model from the fold files, with each model's macro-F1."""
    import finetune

    names = sorted({p.name.split(".fold")[0] for p in out.glob("oof-*.fold*.jsonl")})
    for name in names:
        parts = [out / f"{name}.fold{k}.jsonl" for k in range(folds)]
        missing = [p.name for p in parts if not p.exists()]
        if missing:
            print(f"{name}: folds missing ({', '.join(missing)}); not merged")
            continue
        rows = [json.loads(x) for p in parts for x in p.read_text().splitlines() if x.strip()]
        write(out / f"{name}.jsonl", rows)
        gold = [r["gold"] for r in rows]
        pred = [int(np.argmax(r["p"])) for r in rows]
        acc = float(np.mean(np.array(gold) == np.array(pred)))
        print(f"{name}: {len(rows)} dev sentences out of fold, macro-F1 {finetune.macro_f1(gold, pred):.3f}, accuracy {acc:.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", nargs="?", choices=["run", "merge"], default="run")
    ap.add_argument("--pool", type=Path, default=Path("build/distill/pool.pkl"))
    ap.add_argument("--layers", default="", help="student sizes, comma list (encoder layers kept; default: distill.py's)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only-fold", type=int, default=None)
    ap.add_argument("--out", type=Path, default=Path("build/student-cv"))
    ap.add_argument("--oof", type=Path, help="copy the first student's merged readings here (make student-cv: training/student-oof.jsonl)")
    ap.add_argument(
        "--variant",
        action="append",
        default=[],
        help='NAME=JSON of student settings changed, e.g. e8={"epochs": 8} (repeatable; default: the student\'s settings)',
    )
    a = ap.parse_args(argv)
    variants = {}
    for v in a.variant:
        name, _, changed = v.partition("=")
        variants[name] = json.loads(changed or "{}")
    if a.mode == "merge":
        merge(a.out, a.folds)
        return 0
    import distill

    layers = [int(x) for x in a.layers.split(",") if x.strip()] or [settings(distill)["layers"]]
    for k in [a.only_fold] if a.only_fold is not None else range(a.folds):
        run_fold(k, a.folds, a.pool, layers, a.out, variants or None)
    if a.only_fold is None:
        merge(a.out, a.folds)
        first = a.out / f"oof-student{layers[0]}{next(iter(variants), '')}.jsonl"
        if a.oof and first.exists():
            a.oof.write_text(first.read_text())
            print(f"{first} -> {a.oof}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
