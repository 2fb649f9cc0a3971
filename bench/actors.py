"""Speed of actor resolution: table loading and `mentions()` per sentence.

    .venv/bin/python bench/actors.py [--sentences N] [--quick]

Sentences come from the NGEC synthetic stories (../shared/train), else the bundled sample.
Baselines timed in the same run on the same sentences: the tokenizer alone (the floor every
matcher pays) and a naive matcher that looks up every n-gram up to the longest dictionary
phrase (what the first-word length index avoids). Loading is timed cold (building the tables
from the text dictionaries) and warm (the pickle cache).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SYNTH = ROOT.parent / "shared" / "train" / "ngec-synthetic-events.csv"
SAMPLE = ROOT / "samples" / "000_3e898528250441a4.txt"


def sentences(n: int) -> list[str]:
    if SYNTH.exists():
        csv.field_size_limit(10**7)
        with open(SYNTH, encoding="utf-8", newline="") as f:
            texts = [r["text"] for r in csv.DictReader(f) if r.get("text")]
    else:
        texts = [SAMPLE.read_text(encoding="utf-8")]
    out: list[str] = []
    for t in texts:
        out.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) >= 5)
        if len(out) >= n:
            break
    return out[:n]


def timed(fn, items) -> float:
    t = time.perf_counter()
    for s in items:
        fn(s)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=5000)
    ap.add_argument("--quick", action="store_true", help="500 sentences, no cold build")
    a = ap.parse_args()
    n = 500 if a.quick else a.sentences

    from barograph.events import actors
    from barograph.events.actor_dictionaries import key, tokenize

    if not a.quick:
        t = time.perf_counter()
        actors._build_builtin()
        print(f"load cold (build from dictionaries): {time.perf_counter() - t:.2f} s")
    actors._load_builtin()  # make sure the cache exists
    t = time.perf_counter()
    r = actors.ActorResolver()
    print(f"load warm (pickle cache):            {time.perf_counter() - t:.2f} s")

    sents = sentences(n)
    words = sum(len(s.split()) for s in sents)
    print(f"{len(sents)} sentences, {words / len(sents):.1f} words each")

    phrases, longest = r._t.phrases, max(len(p) for p in r._t.phrases)

    def naive(s: str) -> int:
        keys = [key(t[0]) for t in tokenize(s)]
        found = 0
        for i in range(len(keys)):
            for j in range(min(len(keys), i + longest), i, -1):
                if tuple(keys[i:j]) in phrases:
                    found += 1
                    break
        return found

    r.mentions(sents[0])
    base = timed(lambda s: [key(t[0]) for t in tokenize(s)], sents)
    nv = timed(naive, sents)
    ours = timed(r.mentions, sents)
    found = sum(len(r.mentions(s)) for s in sents)
    per = lambda x: x / len(sents) * 1e3
    print(f"tokenize only (floor):   {per(base):.3f} ms/sentence")
    print(f"naive n-gram lookup:     {per(nv):.3f} ms/sentence")
    print(
        f"mentions():              {per(ours):.3f} ms/sentence  ({ours / base:.1f}x tokenize, {nv / ours:.1f}x faster than naive); {found} mentions"
    )


if __name__ == "__main__":
    main()
