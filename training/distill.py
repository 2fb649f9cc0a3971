"""Distil the 6-layer event classifier into a smaller one that reads a sentence in a fraction of the time.

Why: the coder's speed target (``bench/code.py``: coder at 0.75 of the bare parse's rate) is out
of reach while every read sentence goes through all six layers of the encoder. The bottom two
layers fine-tuned on the 1,059 dev sentences alone read classes almost as well, but they were
sure of wrong readings on prose unlike the training sentences (the seed page's analysis fell
under its floor, ``docs/coding.md``, coder 1.0.6). A student that also learns to read as the
6-layer teacher reads on thousands of unlabelled news sentences sees far more kinds of sentence,
and learns where the teacher is unsure.

Two steps, in two environments (onnxruntime runs the teacher; torch trains the student):

    .venv/bin/python training/distill.py pool --out build/distill/pool.pkl [--n 16000] [--teacher training/teacher]
    .venv-train/bin/python training/distill.py fit --pool build/distill/pool.pkl --out build/student

``pool``: sentences of the NGEC synthetic stories (Halterman 2023; only the text is used, never
a label), leaving out every story an NGEC measure in this repository reads (the PLOVER bench's
400, the lead bench's 600, the hand-read stories 1200-1399), each read by the teacher
(``training/teacher``) one sentence a run, as the coder reads: class probabilities and
each word piece's tag probabilities.

``fit``: the student (the encoder's bottom ``--layers`` layers, as ``finetune.py --layers``)
learns the dev part's gold classes and spans as ``finetune.py`` does, and, in batches of their
own, the teacher's readings of the pool (KL divergence to the class probabilities softened at
``--temperature``, and to the tag probabilities of each word piece).

No ``cv`` here, on purpose: a fold's student distilled from the teacher fit on all of dev learns
the held-out fold through the teacher's readings (fold 0 read 0.979 macro-F1 against the
6-layer teacher's own out-of-fold 0.938: docs/coding.md, coder 1.0.8). Honest folds need a
teacher per fold: ``student_cv.py`` (``make student-cv``) fits one, has it read the pool, and
distils each fold's student from it. Its out-of-fold readings (``training/student-oof.jsonl``)
chose the defaults below and choose the hybrid's thresholds and calibration, with the student
itself on the seed page. Coder 1.0.11: one layer, 8 epochs at 4e-4, reads dev less well alone
than two layers at 6 epochs (macro-F1 0.899 against 0.932), but the hybrid with it reads dev
best (strict 0.849 against 0.846; 1.0.10's student 0.834): the seed page keeps its codes when
it re-codes the rules' events it is sure of, which the 2-layer students' may not. And a read
takes a little over half the time.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
SYNTHETIC = HERE.parent.parent / "shared" / "train" / "ngec-synthetic-events.csv"
# stories that NGEC measures in this repository read: bench/plover_synthetic.py (shuffle seed 7,
# first 400), training/ngec_leads.py (seed 3, first 600), the hand-read stories 1200-1399
MEASURED = ((7, 400), (3, 600))
HAND_READ = range(1200, 1400)
# the 6-layer model (coder 1.0.7's shipped classifier), kept beside this script so that the
# student can be rebuilt without retraining it; ``make model`` retrains it into the same place
TEACHER = HERE / "teacher"


def measured_stories(rows: list[dict]) -> set[int]:
    """Row numbers of the stories some NGEC measure reads."""
    out = set(HAND_READ)
    for seed, n in MEASURED:
        order = list(range(len(rows)))
        random.Random(seed).shuffle(order)
        out |= set(order[:n])
    return out


def build_pool(n: int, out: Path, teacher: Path, seed: int = 11) -> None:
    """Sentences of unmeasured NGEC stories with the teacher's readings, pickled."""
    from barograph.events.classifier import EventClassifier
    from barograph.records import Document
    from barograph.text.articles import split_articles
    from barograph.text.sentences import split_sentences

    csv.field_size_limit(10**7)
    with open(SYNTHETIC, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    skip = measured_stories(rows)
    keep = [i for i in range(len(rows)) if i not in skip]
    random.Random(seed).shuffle(keep)
    texts: list[str] = []
    for i in keep:
        doc = Document(doc=f"s{i}", text=rows[i]["text"], kind="text")
        for art in split_articles(doc):
            texts += [s.text for s in split_sentences(art, rows[i]["text"]) if 20 <= len(s.text) <= 600]
        if len(texts) >= n:
            break
    texts = texts[:n]
    print(f"{len(keep)} of {len(rows)} stories unmeasured; {len(texts)} sentences", flush=True)
    clf = EventClassifier(teacher)
    tok, sess = clf._tokenizer, clf._session
    probs, tags, ids = [], [], []
    t0 = time.time()
    for k, text in enumerate(texts):
        e = tok.encode(text)
        x = np.array([e.ids], dtype=np.int64)
        p, tg, _ = sess.run(None, {"input_ids": x, "attention_mask": np.ones_like(x)})
        probs.append(p[0])
        tags.append(tg[0].astype(np.float16))
        ids.append(e.ids)
        if k and k % 4000 == 0:
            print(f"  {k} read ({time.time() - t0:.0f} s)", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        pickle.dump({"texts": texts, "probs": np.array(probs, dtype=np.float32), "tags": tags, "ids": ids, "teacher": clf.digest}, f)
    print(f"pool: {len(texts)} sentences read by teacher {clf.digest} -> {out}")


def train(gold_texts, gold_labels, gold_rows, pool, args, log=print):
    """The student, from gold batches (as ``finetune.train``) and pool batches (the teacher's readings)."""
    import finetune
    import torch
    from torch import nn
    from transformers import get_linear_schedule_with_warmup

    from barograph.events.classifier import TAGS

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tok, model, opt = finetune.fresh_model(args)
    ce = finetune.class_loss(gold_labels)
    n_pool = min(len(pool["texts"]), args.pool_size) if args.pool_size else len(pool["texts"])
    pool_idx = list(range(n_pool))
    gold_idx = list(range(len(gold_texts)))
    per_epoch = math.ceil(len(gold_idx) / args.batch) + math.ceil(n_pool / args.pool_batch)
    steps = args.epochs * per_epoch
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * steps), steps)
    T = args.temperature
    soft = torch.tensor(pool["probs"][:n_pool]).clamp(min=1e-6).log()
    soft = torch.softmax(soft / T, -1).to(finetune.DEVICE)
    for ep in range(args.epochs):
        model.train()
        rng.shuffle(gold_idx)
        rng.shuffle(pool_idx)
        batches = [("gold", gold_idx[b : b + args.batch]) for b in range(0, len(gold_idx), args.batch)]
        batches += [("pool", pool_idx[b : b + args.pool_batch]) for b in range(0, n_pool, args.pool_batch)]
        rng.shuffle(batches)
        t0, tot = time.time(), {"gold": 0.0, "pool": 0.0}
        for kind, sel in batches:
            if kind == "gold":
                loss = finetune.gold_loss(tok, model, ce, gold_texts, gold_labels, gold_rows, sel, args)
            else:
                width = min(args.max_len, max(len(pool["ids"][i]) for i in sel))
                ids = torch.zeros((len(sel), width), dtype=torch.long)
                mask = torch.zeros((len(sel), width), dtype=torch.long)
                target_tags = torch.zeros((len(sel), width, len(TAGS)))
                for r, i in enumerate(sel):
                    e = pool["ids"][i][:width]
                    ids[r, : len(e)] = torch.tensor(e)
                    mask[r, : len(e)] = 1
                    target_tags[r, : len(e)] = torch.tensor(pool["tags"][i][: len(e)].astype(np.float32))
                ids, mask, target_tags = ids.to(finetune.DEVICE), mask.to(finetune.DEVICE), target_tags.to(finetune.DEVICE)
                logits, tag_logits = model.both(ids, mask)
                loss = nn.functional.kl_div(torch.log_softmax(logits / T, -1), soft[sel], reduction="batchmean") * T * T
                kl = nn.functional.kl_div(torch.log_softmax(tag_logits, -1), target_tags.clamp(min=1e-6), reduction="none").sum(-1)
                loss = args.pool_weight * (loss + args.tag_weight * (kl * mask).sum() / mask.sum())
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            tot[kind] += loss.item() * len(sel)
        log(
            f"  epoch {ep + 1}/{args.epochs}: gold loss {tot['gold'] / max(1, len(gold_idx)):.3f}, pool loss {tot['pool'] / max(1, n_pool):.3f} ({time.time() - t0:.0f} s)"
        )
    return tok, model


def parser() -> argparse.ArgumentParser:
    """The student's options and their defaults (``student_cv.py`` fits its fold students with them)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["pool", "fit"])
    ap.add_argument("--pool", type=Path, default=Path("build/distill/pool.pkl"))
    ap.add_argument("--n", type=int, default=16000, help="pool: sentences to read")
    ap.add_argument("--teacher", type=Path, default=TEACHER, help="pool: the 6-layer model's directory (int8 ONNX, tokenizer, meta)")
    ap.add_argument("--pool-size", type=int, default=0, help="fit: use the first N pool sentences (0: all)")
    # chosen by student_cv.py on dev (coder 1.0.11; 1.0.8-1.0.10: 2 layers, 3 epochs, 2e-4)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=4e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--pool-batch", type=int, default=32)
    ap.add_argument("--pool-weight", type=float, default=1.0)
    ap.add_argument("--temperature", type=float, default=2.0)
    ap.add_argument("--tag-weight", type=float, default=0.5)
    ap.add_argument("--max-len", type=int, default=96)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path)
    return ap


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.mode == "pool":
        build_pool(args.n, args.out or args.pool, args.teacher)
        return 0

    import split
    import torch

    torch.set_num_threads(max(1, torch.get_num_threads()))
    with open(args.pool, "rb") as f:
        pool = pickle.load(f)
    dev = split.load("dev")
    texts = [r["text"] for r in dev]
    labels = [int(r["class5"]) for r in dev]
    tok, model = train(texts, labels, dev, pool, args)
    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out / "classifier.pt")
    tok.save_pretrained(str(args.out))
    saved = {k: str(v) for k, v in vars(args).items()} | {"distilled_from": pool.get("teacher", "")}
    (args.out / "train_args.json").write_text(json.dumps(saved))
    return 0


if __name__ == "__main__":
    sys.exit(main())
