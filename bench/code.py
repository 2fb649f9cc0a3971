"""Speed of the event coder against the bare spaCy parse of the same sentences.

    .venv/bin/python bench/code.py [--stories N] [--quick] [--batch-size B]

Stories come from the NGEC synthetic set (../shared/train), cycled when N exceeds it. The
baseline is `nlp.pipe` over exactly the sentences the coder parses (same model, same batch
size) timed in the same run; the coder's overhead is everything it does beyond that parse
(actor lookups, extraction, coding). Runs on 1 process and on 2 processes (each process
loads its own model and codes half the stories), and prints the peak RSS per process. The
1-process line is followed by the same ratio in CPU seconds of the process, which other load on
a shared machine moves much less than the wall-clock one.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTH = ROOT.parent / "shared" / "train" / "ngec-synthetic-events.csv"


def load_items(n: int):
    from barograph.records import Document
    from barograph.text.articles import split_articles
    from barograph.text.sentences import split_sentences

    csv.field_size_limit(10**7)
    with open(SYNTH, encoding="utf-8", newline="") as f:
        stories = [r["text"] for r in csv.DictReader(f) if r.get("text")]
    items = []
    for i in range(n):
        text = stories[i % len(stories)]
        doc = Document(doc=f"story{i}", text=text, kind="text", date="2023-10-19")
        for art in split_articles(doc):
            items.append((art, split_sentences(art, text)))
    return items


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(items, batch_size: int, rounds: int = 4) -> dict:
    """Time the bare parse and the coder over the same sentences, in this process.

    The stories are cut into ``rounds`` parts and each part is parsed, then coded, before the
    next: on a shared machine the load drifts over a run, and timing all the parsing first and
    all the coding after would put that drift into the ratio."""
    from barograph.events.coder import Coder

    coder = Coder(batch_size=batch_size)
    texts = [s.text for _, sents in items for s in sents]
    list(coder.nlp.pipe(texts[:200], batch_size=batch_size))  # warm up both paths
    coder.resolver.mentions("Russia and the United States", None)
    list(coder.code_many(items[:5]))
    parse = code = parse_cpu = code_cpu = 0.0
    events = 0
    for part in (items[k::rounds] for k in range(rounds)):
        part_texts = [s.text for _, sents in part for s in sents]
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in coder.nlp.pipe(part_texts, batch_size=batch_size):
            pass
        parse += time.perf_counter() - t0
        parse_cpu += time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        events += sum(len(evs) for evs in coder.code_many(part))
        code += time.perf_counter() - t0
        code_cpu += time.process_time() - c0
    return {
        "sentences": len(texts),
        "parse_s": parse,
        "code_s": code,
        "parse_cpu_s": parse_cpu,
        "code_cpu_s": code_cpu,
        "events": events,
        "rss_mb": _peak_mb(),
    }


def _worker(args):
    items, batch_size = args
    return run(items, batch_size)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", type=int, default=5000)
    ap.add_argument("--quick", action="store_true", help="300 stories, 1 process only")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--procs", type=int, default=2)
    a = ap.parse_args(argv)
    if not SYNTH.exists():
        print(f"{SYNTH}: not found (the shared data must sit beside the repository)", file=sys.stderr)
        return 2
    n = 300 if a.quick else a.stories
    items = load_items(n)
    sents = sum(len(s) for _, s in items)
    print(f"{n} stories, {len(items)} articles, {sents} sentences, batch size {a.batch_size}")

    r = run(items, a.batch_size)
    over = r["code_s"] / r["parse_s"] - 1
    print(
        f"1 process : parse {r['sentences'] / r['parse_s']:8.1f} sent/s | coder {r['sentences'] / r['code_s']:8.1f} sent/s"
        f" | coder/parse {r['parse_s'] / r['code_s']:.2f} (target >= 0.75) | overhead {over:+.1%}"
        f" | {r['events']} events | peak RSS {r['rss_mb']:.0f} MB"
    )
    # CPU seconds of this process: on a shared machine the wall-clock ratio moves with other
    # people's load far more than this one does
    print(
        f"1 process, CPU time: parse {r['parse_cpu_s']:.1f} s | coder {r['code_cpu_s']:.1f} s | coder/parse {r['parse_cpu_s'] / r['code_cpu_s']:.2f}"
    )
    if a.quick or a.procs < 2:
        return 0
    halves = [items[i :: a.procs] for i in range(a.procs)]
    ctx = mp.get_context("spawn")
    t0 = time.perf_counter()
    with ctx.Pool(a.procs) as pool:
        rs = pool.map(_worker, [(h, a.batch_size) for h in halves])
    wall = time.perf_counter() - t0
    total = sum(x["sentences"] for x in rs)
    parse_rate = sum(x["sentences"] / x["parse_s"] for x in rs)
    code_rate = sum(x["sentences"] / x["code_s"] for x in rs)
    over2 = sum(x["code_s"] for x in rs) / sum(x["parse_s"] for x in rs) - 1
    print(
        f"{a.procs} processes: parse {parse_rate:8.1f} sent/s | coder {code_rate:8.1f} sent/s | overhead {over2:+.1%}"
        f" | peak RSS {max(x['rss_mb'] for x in rs):.0f} MB a process | wall {wall:.0f}s for {total} sentences twice"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
