"""Ingest throughput and memory against reading + hashing the same bytes (the floor).

Builds a corpus of news in a temp folder: JSONL files of the NGEC synthetic stories (each in
a few reworded versions from different outlets), text pages made from the bundled sample
page with other `Source:` lines and some words changed, and exact reposts of both. Then, in
the same run:

* baseline: read every file and sha256 its bytes (MB/s);
* store floor: read, decode and insert every file's text as one row into a fresh DuckDB
  file, committing every 6 MB, as ingest does: no splitting, no sentences, no dedup. No
  ingest that keeps the text in DuckDB can beat it, so its ratio to the baseline bounds
  what the target can ask of this machine;
* ingest: `barograph.pipeline.ingest(code=False)` into a fresh DuckDB file, in a child
  process, so its peak RSS (ru_maxrss from wait4) is the ingest's alone; once in one
  process and once with a worker per core (`workers=`) for the text stage;

for N articles and for 3N (memory should not grow with input size). Targets: ingest at least
25% of the baseline's MB/s, peak RSS under 1 GB.

    .venv/bin/python bench/ingest.py                # 20,000 and 60,000 articles
    .venv/bin/python bench/ingest.py --quick        # 3,000 and 9,000
    .venv/bin/python bench/ingest.py --articles 50000 --no-scale
    .venv/bin/python bench/ingest.py --workers 4    # the second run with 4 text workers
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "samples" / "000_3e898528250441a4.txt"
OUTLETS = [
    "Reuters",
    "AFP",
    "AP",
    "BBC Monitoring",
    "Al Jazeera",
    "The Guardian",
    "Hurriyet Daily News",
    "TASS",
    "Kyiv Post",
    "Le Monde",
    "Der Spiegel",
    "Asahi Shimbun",
    "The Hindu",
    "Daily Nation",
]
SWAPS = [
    ("said", "stated"),
    ("Russia", "the Russian Federation"),
    ("Moscow", "the Kremlin"),
    ("government", "administration"),
    ("officials", "authorities"),
    ("week", "weekend"),
    ("United States", "US"),
    ("military", "armed forces"),
    ("recent", "latest"),
]
RECORDS_PER_FILE = 5000


def reword(text: str, rng: random.Random, k: int = 2) -> str:
    for a, b in rng.sample(SWAPS, k):
        text = text.replace(a, b, 1)
    return text


def build(dest: Path, articles: int, seed: int = 7) -> dict:
    """Write about `articles` articles as JSONL files and text pages; returns what it wrote."""
    rng = random.Random(seed)
    with (SHARED / "train" / "ngec-synthetic-events.csv").open(encoding="utf-8") as f:
        stories = [(r["text"], r["title"]) for r in csv.DictReader(f)]
    page = SAMPLE.read_text(encoding="utf-8")
    per_page = 7
    n_pages = int(articles * 0.35) // per_page
    n_reposts = int(articles * 0.05)
    n_records = articles - n_pages * per_page - n_reposts
    dest.mkdir(parents=True, exist_ok=True)

    records: list[str] = []
    files = 0

    def flush():
        nonlocal records, files
        if records:
            (dest / f"stories-{files:04d}.jsonl").write_text("".join(records), encoding="utf-8")
            files += 1
            records = []

    written = []
    for i in range(n_records):
        text, title = stories[i % len(stories)]
        version = i // len(stories)
        if version:
            text = reword(text, rng) + f" ({OUTLETS[(i + version) % len(OUTLETS)]} report {version})"
        rec = (
            json.dumps(
                {
                    "id": f"s{i}",
                    "text": text,
                    "title": title.replace("{", "").replace("}", ""),
                    "source": OUTLETS[(i * 7 + version) % len(OUTLETS)],
                    "date": f"20{15 + version % 8}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                }
            )
            + "\n"
        )
        records.append(rec)
        written.append(rec)
        if len(records) >= RECORDS_PER_FILE:
            flush()
    for i in range(n_reposts // 2):  # exact reposts: the same record again in another file
        records.append(written[rng.randrange(len(written))])
        if len(records) >= RECORDS_PER_FILE:
            flush()
    flush()

    pages_dir = dest / "pages"
    pages_dir.mkdir(exist_ok=True)
    sources = re.compile(r"^Source:.*$", re.M)
    texts = []
    for p in range(n_pages):
        t = sources.sub(lambda m: f"Source: {rng.choice(OUTLETS)}", page)
        t = reword(t, rng, 3) + f"\n\nPage {p} of the collection.\n"
        texts.append(t)
        (pages_dir / f"page-{p:05d}.txt").write_text(t, encoding="utf-8")
    for i in range(n_reposts - n_reposts // 2 - 0):  # whole pages copied byte for byte (some)
        if not texts or i >= n_reposts // per_page:
            break
        (pages_dir / f"repost-{i:05d}.txt").write_text(texts[rng.randrange(len(texts))], encoding="utf-8")
    size = sum(f.stat().st_size for f in dest.rglob("*") if f.is_file())
    return {"files": sum(1 for f in dest.rglob("*") if f.is_file()), "bytes": size, "planned_articles": articles}


def baseline(dest: Path) -> dict:
    t = time.perf_counter()
    n = 0
    for f in sorted(dest.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            hashlib.sha256(data).hexdigest()
            n += len(data)
    dt = time.perf_counter() - t
    return {"seconds": dt, "mb_s": n / 1e6 / dt}


def store_floor(dest: Path, db: Path, commit_chars: int = 6_000_000) -> dict:
    """Read, decode and store each file's text in DuckDB, nothing else: the ceiling of any ingest.

    Committed every `commit_chars` characters as ingest does (crash safety costs commits), or
    once at the end with commit_chars=0, the most favourable case.
    """
    import duckdb
    import pyarrow as pa

    t = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE texts (path VARCHAR, text VARCHAR)")
    n, names, texts, chars = 0, [], [], 0

    def flush():
        con.register("_texts", pa.table({"path": names, "text": texts}))
        con.execute("BEGIN; INSERT INTO texts SELECT * FROM _texts; COMMIT")
        con.unregister("_texts")

    for f in sorted(dest.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            n += len(data)
            names.append(str(f))
            texts.append(data.decode("utf-8"))
            chars += len(texts[-1])
            if commit_chars and chars >= commit_chars:
                flush()
                names, texts, chars = [], [], 0
    if names:
        flush()
    con.execute("CHECKPOINT")
    con.close()
    dt = time.perf_counter() - t
    return {"seconds": dt, "mb_s": n / 1e6 / dt}


CHILD = """
import json, sys, time
t = time.perf_counter()
from barograph.pipeline import ingest
r = ingest([sys.argv[1]], sys.argv[2], code=False, progress=False, workers=int(sys.argv[3]))
print(json.dumps({"seconds": time.perf_counter() - t, **r.to_json()}))
"""


def in_child(fn, *args):
    """fn(*args) in a forked process: DuckDB's buffers must not swell this one, whose size every
    later child starts from (Linux counts a child's peak RSS from before its exec)."""
    import multiprocessing as mp

    with mp.get_context("fork").Pool(1) as pool:
        return pool.apply(fn, args)


def cores() -> int:
    return len(os.sched_getaffinity(0))


def run_ingest(dest: Path, db: Path, workers: int = 1) -> dict:
    """Ingest in a child process; its peak RSS comes from wait4 (workers' RSS is reported apart)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(dest), str(db), str(workers)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    out = proc.stdout.read()
    errs = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"bench/ingest.py: ingest failed ({proc.returncode}): {errs.strip()[-2000:]}")
    r = json.loads(out.strip().splitlines()[-1])
    r["peak_rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux (the largest of the child and its workers)
    return r


def measure(articles: int, tmp: Path, workers: int) -> dict:
    dest = tmp / f"corpus-{articles}"
    t = time.perf_counter()
    info = build(dest, articles)
    print(f"  built {info['files']} files, {info['bytes'] / 1e6:.1f} MB in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    base = baseline(dest)
    floor = in_child(store_floor, dest, tmp / f"floor-{articles}.duckdb")
    floor1 = in_child(store_floor, dest, tmp / f"floor1-{articles}.duckdb", 0)
    mb = info["bytes"] / 1e6
    res = {
        "articles_planned": articles,
        "mb": mb,
        "baseline_mb_s": base["mb_s"],
        "floor_mb_s": floor["mb_s"],
        "floor_ratio": floor["mb_s"] / base["mb_s"],
        "floor_one_commit_mb_s": floor1["mb_s"],
        "floor_one_commit_ratio": floor1["mb_s"] / base["mb_s"],
        "runs": [],
    }
    print(
        f"  {articles}: baseline {base['mb_s']:.0f} MB/s; store floor {floor['mb_s']:.1f} MB/s "
        f"(ratio {res['floor_ratio']:.3f}; one commit {floor1['mb_s']:.1f} MB/s, "
        f"ratio {res['floor_one_commit_ratio']:.3f})",
        file=sys.stderr,
    )
    for w in sorted({1, workers}):
        r = run_ingest(dest, tmp / f"ingest-{articles}-w{w}.duckdb", w)
        seen = r["articles"] + r["duplicates"]
        run = {
            "workers": w,
            "articles_seen": seen,
            "new": r["articles"],
            "duplicates": r["duplicates"],
            "near_duplicates": r["near_duplicates"],
            "documents": r["documents"],
            "sentences": r["sentences"],
            "rejected": len(r["rejected"]),
            "seconds": r["seconds"],
            "articles_s": seen / r["seconds"],
            "mb_s": mb / r["seconds"],
            "ratio": (mb / r["seconds"]) / base["mb_s"],
            "peak_rss_mb": r["peak_rss_mb"],
        }
        res["runs"].append(run)
        print(
            f"  {articles}, {w} worker(s): {run['articles_s']:.0f} articles/s, {run['mb_s']:.2f} MB/s "
            f"(ratio {run['ratio']:.4f}), peak RSS {run['peak_rss_mb']:.0f} MB",
            file=sys.stderr,
        )
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--quick", action="store_true", help="3,000 articles (and 9,000) for a fast check")
    ap.add_argument("--scale", type=int, default=3, help="second run with this many times the articles")
    ap.add_argument("--no-scale", action="store_true", help="skip the larger run")
    ap.add_argument("--workers", type=int, default=0, help="text-stage workers of the second run (default: one per core)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    if not (SHARED / "train" / "ngec-synthetic-events.csv").exists():
        sys.exit(f"bench/ingest.py: {SHARED}/train/ngec-synthetic-events.csv not found (../shared beside the repo)")
    n = 3000 if args.quick else args.articles
    sizes = [n] if args.no_scale else [n, n * args.scale]
    workers = args.workers or cores()
    with tempfile.TemporaryDirectory(prefix="barograph-bench-") as tmp:
        results = [measure(s, Path(tmp), workers) for s in sizes]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("ingest benchmark (code=False; baseline = read + sha256 of the same files, same run;")
    print("store floor = read + decode + insert each file's text into DuckDB, nothing else)")
    print(
        f"{'articles':>9} {'workers':>7} {'new':>7} {'dup':>7} {'MB':>7} {'s':>7} {'art/s':>7} {'MB/s':>7} "
        f"{'base MB/s':>9} {'ratio':>7} {'floor':>7} {'RSS MB':>7}"
    )
    for res in results:
        for r in res["runs"]:
            print(
                f"{r['articles_seen']:>9} {r['workers']:>7} {r['new']:>7} {r['duplicates']:>7} {res['mb']:>7.1f} "
                f"{r['seconds']:>7.1f} {r['articles_s']:>7.0f} {r['mb_s']:>7.2f} {res['baseline_mb_s']:>9.0f} "
                f"{r['ratio']:>7.4f} {res['floor_ratio']:>7.3f} {r['peak_rss_mb']:>7.0f}"
            )
    runs = [r for res in results for r in res["runs"]]
    best = min(max(r["ratio"] for r in res["runs"]) for res in results)
    floor = min(res["floor_ratio"] for res in results)
    floor1 = min(res["floor_one_commit_ratio"] for res in results)
    rss = max(r["peak_rss_mb"] for r in runs)
    speedup = [res["runs"][-1]["articles_s"] / res["runs"][0]["articles_s"] for res in results if len(res["runs"]) > 1]
    print(
        f"summary: ingest/baseline ratio {best:.4f} (target >= 0.25: {'met' if best >= 0.25 else 'NOT met'}; "
        f"storing the text alone reaches {floor:.3f}, {floor1:.3f} in one transaction); peak RSS {rss:.0f} MB "
        f"(target < 1024: {'met' if rss < 1024 else 'NOT met'})" + (f"; {workers} workers vs 1: {min(speedup):.2f}x" if speedup else "")
    )


if __name__ == "__main__":
    main()
