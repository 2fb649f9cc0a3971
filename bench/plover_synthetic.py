"""PLOVER type accuracy of the coder on the synthetic NGEC stories (a second check beside the gold).

Each story in ../shared/train/ngec-synthetic-events.csv (or --csv) carries one PLOVER label;
we code a fixed random sample and compare the PLOVER type of the story's first event (and of
any event) with it. Prints accuracy, coverage and the most common confusions.

    .venv/bin/python bench/plover_synthetic.py [--n 400] [--seed 7] [--csv PATH]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from pathlib import Path

SYNTH = Path(__file__).resolve().parent.parent.parent / "shared" / "train" / "ngec-synthetic-events.csv"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", default=str(SYNTH))
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    from barograph.events.coder import Coder
    from barograph.records import Document
    from barograph.text.articles import split_articles
    from barograph.text.sentences import split_sentences

    rows = list(csv.DictReader(open(a.csv, encoding="utf-8")))
    random.Random(a.seed).shuffle(rows)
    rows = rows[: a.n]
    coder = Coder()
    items, labels = [], []
    for i, r in enumerate(rows):
        doc = Document(doc=f"story{i}", text=r["text"], kind="text")
        arts = split_articles(doc)
        if not arts:
            continue
        art = arts[0]
        items.append((art, [s for art_ in arts for s in split_sentences(art_, doc.text)]))
        labels.append(r["label"])
    t0 = time.perf_counter()
    first_hit = any_hit = covered = 0
    confusion: Counter = Counter()
    for label, events in zip(labels, coder.code_many(items)):
        types = [e.plover for e in events if e.plover]
        if types:
            covered += 1
            first_hit += types[0] == label
            any_hit += label in types
            if types[0] != label:
                confusion[(label, types[0])] += 1
    n = len(labels)
    print(f"stories {n}; with an event {covered} ({covered / n:.1%}); {time.perf_counter() - t0:.1f}s")
    print(f"first-event PLOVER accuracy {first_hit / n:.3f} (of covered {first_hit / max(covered, 1):.3f}); label among events {any_hit / n:.3f}")
    print("top confusions (label -> first event):", ", ".join(f"{g}->{p} {c}" for (g, p), c in confusion.most_common(8)))


if __name__ == "__main__":
    main()
