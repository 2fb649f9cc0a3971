"""Coding throughput: the local path against Ray with 1 and 2 workers, in one run.

    .venv/bin/python bench/scale.py                  # 20,000 articles (the issue's figure)
    .venv/bin/python bench/scale.py --articles 2000  # smaller
    .venv/bin/python bench/scale.py --quick          # 300 articles, a smoke run

The corpus is built from the NGEC synthetic stories (../shared/train), each extra article
joining the first half of one story to the second half of another, so no two articles are
near-duplicates and every one is really coded. Each engine runs in its own subprocess, so
peak memory and start-up are its own. Prints articles/s, speed-up against Ray at one worker,
Ray against the local path, per-worker peak RSS and Ray's start-up cost.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGEC = ROOT.parent / "shared" / "train" / "ngec-synthetic-events.csv"
OUTLETS = ["Reuters", "AFP", "AP", "BBC Monitoring", "Al Jazeera", "Xinhua", "TASS", "Anadolu"]


def stories() -> list[dict]:
    csv.field_size_limit(1 << 30)
    with open(NGEC, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["text"].strip()]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def make_corpus(n: int, path: Path) -> Path:
    """n JSONL articles; the first len(stories) are the stories themselves."""
    rows = stories()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for k in range(n):
            a = rows[k % len(rows)]
            if k < len(rows):
                text, title = a["text"], a["prompt"].split("\n")[0]
            else:
                b = rows[(k * 7919 + k // len(rows)) % len(rows)]
                sa, sb = _sentences(a["text"]), _sentences(b["text"])
                text = " ".join(sa[: max(1, len(sa) // 2)] + sb[len(sb) // 2 :])
                title = a["prompt"].split("\n")[0]
            day = 1 + k % 28
            month = 1 + (k // 28) % 12
            rec = {
                "id": f"bench-{k:06d}",
                "title": title,
                "text": text,
                "date": f"2023-{month:02d}-{day:02d}",
                "outlet": OUTLETS[k % len(OUTLETS)],
                "url": f"https://example.org/bench/{k}",
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


# ------------------------------------------------------------------ one engine, in a subprocess


def _run_engine(engine: str, corpus: str, workers: int, out: str) -> dict:
    t0 = time.perf_counter()
    if engine == "local":
        from barograph.pipeline import code

        articles = events = 0
        for ev in code([corpus]):
            events += 1
        # the local path yields events; count the articles it saw from the corpus itself
        with open(corpus, encoding="utf-8") as f:
            articles = sum(1 for _ in f)
        seconds = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {
            "engine": engine,
            "workers": 1,
            "articles": articles,
            "events": events,
            "seconds": seconds,
            "peak_rss_mb": {"driver": rss},
            "startup_s": 0.0,
        }
    from barograph.scale.ray_engine import code_ray

    rep = code_ray([corpus], out, workers=workers)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peaks = {str(pid): mb for pid, mb in rep.worker_peak_rss_mb().items()}
    peaks["driver"] = rss
    work = sum(r.seconds for r in rep.coded)
    return {
        "engine": engine,
        "workers": workers,
        "articles": rep.articles,
        "events": rep.events,
        "seconds": seconds,
        "peak_rss_mb": peaks,
        "startup_s": rep.startup_s,
        "init_s": rep.init_s,
        "worker_busy_s": work,
    }


def run_in_subprocess(engine: str, corpus: Path, workers: int, out: Path) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--_engine", engine, "--_corpus", str(corpus), "--workers", str(workers), "--_out", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stderr[-3000:])
        raise SystemExit(f"bench: engine {engine} x{workers} failed")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--quick", action="store_true", help="300 articles: checks the bench, measures little")
    ap.add_argument("--workers", type=int, default=2, help="the most Ray workers to try")
    ap.add_argument("--keep", action="store_true", help="keep bench/out/ (corpus and parts)")
    ap.add_argument("--_engine"), ap.add_argument("--_corpus"), ap.add_argument("--_out")
    a = ap.parse_args()
    if a._engine:
        print(json.dumps(_run_engine(a._engine, a._corpus, a.workers, a._out)))
        return
    n = 300 if a.quick else a.articles
    work = ROOT / "bench" / "out" / "scale"
    corpus = make_corpus(n, work / f"corpus-{n}.jsonl")
    print(f"corpus: {n} articles, {corpus.stat().st_size / 1e6:.1f} MB JSONL; cores: {os.cpu_count()}")
    results = [run_in_subprocess("local", corpus, 1, work / "local")]
    for w in sorted({1, a.workers}):
        results.append(run_in_subprocess("ray", corpus, w, work / f"ray{w}"))
    local = results[0]
    ray1 = next(r for r in results if r["engine"] == "ray" and r["workers"] == 1)
    print(
        f"{'engine':<8}{'workers':>8}{'articles':>10}{'events':>9}{'seconds':>9}{'art/s':>8}{'vs ray1':>9}{'vs local':>9}  peak RSS MB (per process)"
    )
    for r in results:
        rate = r["articles"] / r["seconds"]
        print(
            f"{r['engine']:<8}{r['workers']:>8}{r['articles']:>10}{r['events']:>9}{r['seconds']:>9.1f}{rate:>8.1f}"
            f"{ray1['seconds'] / r['seconds']:>8.2f}x{local['seconds'] / r['seconds']:>8.2f}x  "
            + ", ".join(f"{k}={v:.0f}" for k, v in r["peak_rss_mb"].items())
        )
    for r in results[1:]:
        print(
            f"ray x{r['workers']}: ray.init {r['init_s']:.1f}s, start-up to first shard {r['startup_s']:.1f}s, workers busy {r['worker_busy_s']:.1f}s"
        )
    counts = {(r["engine"], r["workers"]): r["events"] for r in results}
    same = len(set(counts.values())) == 1
    print(f"same event count on every engine: {'yes' if same else 'NO ' + str(counts)}")
    best = max(results, key=lambda r: r["articles"] / r["seconds"])
    per_core = best["articles"] / best["seconds"] / max(1, best["workers"])
    print(f"per core: {per_core:.1f} articles/s -> 200,000 articles/day = {200_000 / per_core / 3600:.1f} core-hours")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
