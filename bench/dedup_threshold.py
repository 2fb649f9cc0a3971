"""Precision/recall of near-duplicate detection at several Jaccard thresholds.

Originals: the sample page's 7 articles and synthetic stories (NGEC, ../shared/train). For each
original, reposts are made the way aggregators make them: the same body under another headline
and outlet, with a boilerplate line added, with the last paragraph trimmed, and with both plus a
few words changed. Negatives are held-out stories never indexed, and every repost's chance to
match the wrong original. Run: .venv/bin/python bench/dedup_threshold.py [--stories 400]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from barograph.ingest.sources import iter_documents
from barograph.records import Document
from barograph.text.articles import split_articles
from barograph.text.dedup import NUM_PERM, NearDuplicates

BOILER = [
    "Follow us on Twitter for the latest news.",
    "Advertisement: subscribe for full access.",
    "This story has been updated.",
    "Copyright 2016. All rights reserved.",
]


def article(body: str, title: str, outlet: str | None = None):
    page = f"{title}\n\n{body}\n" + (f"\nSource: {outlet}\n" if outlet else "")
    return split_articles(Document("bench", page, "text"))[0]


def variants(body: str, rng: random.Random) -> dict[str, str]:
    paras = [p for p in body.split("\n") if p.strip()]
    trimmed = "\n\n".join(paras[:-1]) if len(paras) > 1 else body[: int(len(body) * 0.8)]
    words = trimmed.split(" ")
    for _ in range(3):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["reportedly", "officials", "Tuesday", "sources"])
    return {
        "new headline+outlet": body,
        "boilerplate added": body + "\n\n" + rng.choice(BOILER),
        "last paragraph trimmed": trimmed,
        "trimmed+boilerplate+edits": " ".join(words) + "\n\n" + rng.choice(BOILER),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, default=400)
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7,0.8,0.9")
    args = ap.parse_args()
    rng = random.Random(7)
    sample = ROOT / "samples" / "000_3e898528250441a4.txt"
    (doc,) = list(iter_documents([str(sample)], errors=[]))
    originals = [(a.title, a.text) for a in split_articles(doc)]
    synth = ROOT.parent / "shared" / "train" / "ngec-synthetic-events.csv"
    held_out = []
    if synth.exists():
        with synth.open(newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if len(r["text"]) > 400]
        rng.shuffle(rows)
        originals += [(r["title"], r["text"]) for r in rows[: args.stories]]
        held_out = [(r["title"], r["text"]) for r in rows[args.stories : 2 * args.stories]]
    orig_arts = [article(body, title, "Original Outlet") for title, body in originals]
    reposts = [
        (k, kind, article(v, "Another headline " + str(k), "Repost Daily"))
        for k, (title, body) in enumerate(originals)
        for kind, v in variants(body, rng).items()
    ]
    unrelated = [article(body, title) for title, body in held_out]
    print(f"{len(orig_arts)} originals, {len(reposts)} reposts, {len(unrelated)} unrelated stories; num_perm={NUM_PERM}")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'false+':>6} {'missed':>6}  recall by repost kind")
    for th in (float(x) for x in args.thresholds.split(",")):
        index = NearDuplicates(threshold=th)
        for a in orig_arts:
            index.add(a)
        tp = fp = 0
        by_kind: dict[str, list[int]] = {}
        for k, kind, a in reposts:
            got = index.find(a)
            hit = got == orig_arts[k].id
            tp += hit
            fp += got is not None and not hit
            by_kind.setdefault(kind, []).append(hit)
        fp += sum(index.find(a) is not None for a in unrelated)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / len(reposts)
        kinds = ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in by_kind.items())
        print(f"{th:9.2f} {precision:9.3f} {recall:7.3f} {fp:6d} {len(reposts) - tp:6d}  {kinds}")
    t = time.perf_counter()
    index = NearDuplicates()
    for a in orig_arts + unrelated:
        index.check(a)
    dt = time.perf_counter() - t
    print(f"check() speed: {len(orig_arts) + len(unrelated)} articles in {dt:.2f}s ({(len(orig_arts) + len(unrelated)) / dt:.0f} articles/s)")


if __name__ == "__main__":
    main()
