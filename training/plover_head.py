"""A PLOVER event-type head on the shipped encoder's sentence vector.

    python training/plover_head.py --out barograph/data/classifier

Why: the 5-class model says whether a sentence is, say, material conflict, but an analyst
(and PLOVER) wants to know whether it was an assault, coercion, a protest or a mobilisation.
The CAMEO dictionary answers that where one of its verbs is in the sentence; where none is,
this head chooses among the PLOVER types of the predicted class. It is a multinomial logistic
regression over the encoder's pooled vector (the ONNX model's third output), trained on the
lead sentences of the NGEC synthetic stories (one PLOVER type a story, Halterman 2023), so
the encoder is not retrained. The vectors are read from the int8 model in ``--out``, one
sentence a run, as the coder reads them (before coder 1.0.11 from the float model, so the head
met slightly different vectors at inference). The stories that a measure in this repository
reads (``distill.measured_stories``: the PLOVER bench, the lead bench, the hand-read stories)
are left out, so those measures stay unseen by the head (before 1.0.11 it learnt all 4,500).
Its regularisation is chosen by 5-fold cross-validation on those leads; weights go to
``plover-head.npz`` and the figures to ``meta.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import distill  # noqa: E402
import finetune  # noqa: E402


def pooled(model_dir: Path, texts: list[str]) -> np.ndarray:
    """The int8 model's pooled vector of each text, one text a run (as the coder reads)."""
    from barograph.events.classifier import EventClassifier

    clf = EventClassifier(model_dir)
    out = []
    for text in texts:
        ids = np.array([clf._tokenizer.encode(text).ids], dtype=np.int64)
        out.append(clf._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[2][0])
    return np.array(out)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, required=True, help="the exported classifier's directory (int8 ONNX, meta.json)")
    ap.add_argument("--model", type=Path, help="accepted as before coder 1.0.11, not read: the vectors come from the int8 model in --out")
    args = ap.parse_args(argv)
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    csv.field_size_limit(10**7)
    with open(finetune.SYNTHETIC, encoding="utf-8", newline="") as f:
        skip = distill.measured_stories(list(csv.DictReader(f)))
    leads = finetune.synthetic_leads(skip)
    types = sorted({t for _, t in leads})
    X = pooled(args.out, [t for t, _ in leads])
    y = np.array([types.index(t) for _, t in leads])
    folds = StratifiedKFold(5, shuffle=True, random_state=13)
    best = None
    for c in (0.3, 1.0, 3.0, 10.0):
        lr = LogisticRegression(C=c, max_iter=3000)
        pred = cross_val_predict(lr, X, y, cv=folds)
        f1 = f1_score(y, pred, average="macro")
        print(f"C={c}: 5-fold macro-F1 {f1:.3f} accuracy {accuracy_score(y, pred):.3f}", flush=True)
        if best is None or f1 > best[0]:
            best = (f1, c, accuracy_score(y, pred))
    lr = LogisticRegression(C=best[1], max_iter=3000).fit(X, y)
    np.savez(args.out / "plover-head.npz", weight=lr.coef_.astype(np.float32), bias=lr.intercept_.astype(np.float32))
    meta_path = args.out / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["plover_head"] = {
        "types": types,
        "C": best[1],
        "leads": len(leads),
        "left_out_stories": len(skip),
        "cv_macro_f1": round(best[0], 4),
        "cv_accuracy": round(best[2], 4),
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n")
    print(f"PLOVER head: C={best[1]}, 5-fold macro-F1 {best[0]:.3f} on {len(leads)} synthetic leads")


if __name__ == "__main__":
    main()
