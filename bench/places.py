"""How many coded events get a place, and what finding it costs.

    .venv/bin/python bench/places.py [--sentences N] [--show K]

Codes the seed page (samples/, the same page as ../shared/corpus) and the first N real news
sentences of ../shared/train/conflibert-cameo-train.jsonl (one-sentence articles) with the
coder `barograph ingest` uses, and prints: events, events with a place, with coordinates, the countries found,
and K events with a place for a hand check of precision (docs/geography.md has the verdicts).
Cost is timed in the same run against its baselines: the gazetteer built from the packages
against read from its cache, and the place step against the whole coder (its share of coding
time spent in `places.place_of`).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "000_3e898528250441a4.txt"
CONFLIBERT = ROOT.parent / "shared" / "train" / "conflibert-cameo-train.jsonl"


def one_sentence_article(text: str, i: int):
    from barograph.records import Article, Sentence

    body = "Headline\n\n" + text
    art = Article(doc=f"s{i}", index=0, start=0, end=len(body), date="2016-01-01", body_start=10, body_end=len(body), text=text, id=f"s{i}")
    return art, [Sentence(f"s{i}", 0, 10, len(body), text)]


def summary(name: str, events: list) -> None:
    placed = [e for e in events if e.place_country]
    xy = [e for e in placed if e.latitude is not None]
    share = 100 * len(placed) / len(events) if events else 0.0
    print(f"{name}: {len(events)} events, {len(placed)} with a place ({share:.0f}%), {len(xy)} with coordinates")
    print("  countries:", ", ".join(f"{c} {n}" for c, n in Counter(e.place_country for e in placed).most_common(12)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=600)
    ap.add_argument("--show", type=int, default=25)
    args = ap.parse_args()

    from barograph.events import extract, places
    from barograph.events.coder import Coder
    from barograph.pipeline import code

    t0 = time.perf_counter()
    built = places._build_gazetteer()
    t1 = time.perf_counter()
    places.gazetteer.cache_clear()
    places.gazetteer()  # writes the cache when it is missing
    places.gazetteer.cache_clear()
    t2 = time.perf_counter()
    places.gazetteer()
    t3 = time.perf_counter()
    print(f"gazetteer: {len(built):,} names; built from the packages in {t1 - t0:.2f} s, read from the cache in {t3 - t2:.2f} s (once per process)")
    coder = Coder()  # as `barograph ingest` codes: rules and classifier

    page = list(code([str(SAMPLE)], coder=coder))
    summary("seed page", page)
    for e in sorted(page, key=lambda e: e.start):
        if e.place_country:
            print(f"  [{e.source} {e.cameo} {e.target} '{e.trigger}'] {e.place} ({e.place_country}) | {e.text[:110]}")

    if not CONFLIBERT.exists():
        print("(../shared/train/conflibert-cameo-train.jsonl not found: no news-sentence figures)")
        return
    texts = [json.loads(line)["text"] for line in CONFLIBERT.read_text(encoding="utf-8").splitlines()[: args.sentences]]
    items = [one_sentence_article(t, i) for i, t in enumerate(texts)]

    spent = [0.0]
    real_place_of = places.place_of

    def timed(trig, context=()):
        t = time.perf_counter()
        try:
            return real_place_of(trig, context)
        finally:
            spent[0] += time.perf_counter() - t

    extract.places.place_of = timed  # the place step's own time, inside the coder's
    try:
        t = time.perf_counter()
        news = [e for art, sents in items for e in coder.code(art, sents)]
        total = time.perf_counter() - t
    finally:
        extract.places.place_of = real_place_of
    summary(f"news sentences ({len(texts)})", news)
    print(
        f"coding time: {total:.2f} s in all, of which the place step {spent[0]:.2f} s ({100 * spent[0] / total:.1f}%, {1000 * spent[0] / max(1, len(news)):.2f} ms per event)"
    )
    rng = random.Random(13)
    placed = [e for e in news if e.place_country]
    for e in rng.sample(placed, min(args.show, len(placed))):
        print(f"  [{e.source} {e.cameo} {e.target} '{e.trigger}'] {e.place} ({e.place_country}) | {e.text[:140]}")


if __name__ == "__main__":
    main()
