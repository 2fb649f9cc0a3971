"""Soak of `barograph follow`: many feeds on a loopback server, faults, news arriving cycle after cycle.

    .venv/bin/python bench/follow.py                # reduced: 2,000 articles over 50 feeds, no coder
    .venv/bin/python bench/follow.py --full         # the issue's size: 20,000 articles over 200 feeds
    .venv/bin/python bench/follow.py --code --articles 300 --feeds 10   # with the event coder

A server on 127.0.0.1 (tests/feed_server.py) serves the feeds; each read of a feed lists `step`
more of its articles (the newest 50, as real feeds do), so the articles arrive over several
cycles. Faults, `--faults` of each kind: feeds that answer 500 or reset the connection on their
first reads (the source backs off, then recovers), and article pages that fail once (500 or a
reset) before they answer (fetched again in a later cycle). `barograph follow --every 2s` runs
in its own process until every article is stored; its resident memory is sampled every 0.2 s.

Printed: articles/s of follow (from its start to the last article stored) and, as the baseline
in the same run, of `barograph ingest` over the same pages saved as files; peak RSS; RSS at the
end of each cycle, and its growth from cycle 3 to the last (a leak shows as steady growth).
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from feed_server import FeedServer, Site  # noqa: E402

BAROGRAPH = [sys.executable, "-m", "barograph.interfaces.cli"]


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process in MB, from /proc."""
    cur = peak = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return cur, peak


def build_site(n: int, feeds: int, faults: float, step: int) -> tuple[Site, list[str], list[str]]:
    site = Site(stall=5.0)
    paths = [site.add_article(i, path=f"/news/2014/06/f{i % feeds}/story-{i}") for i in range(n)]
    per_feed = [paths[f::feeds] for f in range(feeds)]
    feed_paths = [site.feed(f"f{f}", per_feed[f]) for f in range(feeds)]
    for f in range(feeds):
        site.feeds[f"f{f}"].step = step
    k_feeds, k_pages = max(1, round(feeds * faults)), round(n * faults)
    for f in range(k_feeds):  # every 1/faults-th feed fails its first two reads
        site.flaky[feed_paths[(f * feeds) // k_feeds]] = 2
    for i in range(k_pages):
        site.flaky[paths[(i * n) // max(1, k_pages)]] = 1 + (i % 2)  # a 500, or a 500 then a reset
    return site, paths, feed_paths


def baseline_ingest(site: Site, paths: list[str], tmp: Path, code: bool) -> float:
    """articles/s of `barograph ingest` over the same pages saved as .html files."""
    folder = tmp / "pages"
    folder.mkdir()
    for i, p in enumerate(paths):
        (folder / f"{i:06d}.html").write_bytes(site.pages[p][0])
    t0 = time.monotonic()
    args = ["ingest", str(folder), "--db", str(tmp / "baseline.duckdb"), "--quiet", "--format", "json"]
    r = subprocess.run(BAROGRAPH + args + ([] if code else ["--no-code"]), capture_output=True, text=True, check=True)
    took = time.monotonic() - t0
    return json.loads(r.stdout)["articles"] / took


def run_follow(base: str, feed_paths: list[str], n: int, tmp: Path, code: bool, every: str, timeout: float) -> dict:
    lst = tmp / "sources.txt"
    lst.write_text("".join(f"{base}{p}  Loopback {i}\n" for i, p in enumerate(feed_paths)))
    log = tmp / "follow.jsonl"
    args = ["follow", str(lst), "--db", str(tmp / "follow.duckdb"), "--log", str(log), "--every", every]
    args += ["--delay", "0", "--per-host", "8", "--fetchers", "8", "--timeout", "3", "--quiet"] + ([] if code else ["--no-code"])
    t0 = time.monotonic()
    p = subprocess.Popen(BAROGRAPH + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((time.monotonic() - t0, rss_mb(p.pid)[0]))
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    stored, cycles, done_at, peak = 0, [], None, 0.0
    seen_lines = 0
    while time.monotonic() - t0 < timeout and p.poll() is None:
        time.sleep(0.2)
        peak = max(peak, rss_mb(p.pid)[1])
        if not log.exists():
            continue
        lines = log.read_text().splitlines()
        for line in lines[seen_lines:]:
            rec = json.loads(line)
            if rec["event"] == "summary":
                stored += rec["new_articles"]
                cycles.append(
                    {
                        "cycle": rec["cycle"],
                        "new": rec["new_articles"],
                        "failing": rec["sources_failing"],
                        "rss_mb": rss_mb(p.pid)[0],
                        "t": time.monotonic() - t0,
                        "busy": rec["seconds"],
                        "alerts_s": rec.get("alert_seconds", 0.0),
                    }
                )
        seen_lines = len(lines)
        if stored >= n:
            done_at = cycles[-1]["t"]
            break
    peak = max(peak, rss_mb(p.pid)[1])
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(60)
    except subprocess.TimeoutExpired:
        p.kill()
    stop.set()
    errors = sum(1 for line in log.read_text().splitlines() if '"level": "error"' in line)
    return {"stored": stored, "done_at": done_at, "cycles": cycles, "peak_mb": peak, "errors_logged": errors, "samples": len(samples)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--feeds", type=int, default=50)
    ap.add_argument("--full", action="store_true", help="the issue's size: 20,000 articles over 200 feeds")
    ap.add_argument("--faults", type=float, default=0.05)
    ap.add_argument("--step", type=int, default=None, help="articles a feed adds per read (default: a tenth of a feed's articles)")
    ap.add_argument("--every", default="2s")
    ap.add_argument("--code", action="store_true", help="code events too (the figure users plan with)")
    ap.add_argument("--timeout", type=float, default=3600)
    a = ap.parse_args()
    if a.full:
        a.articles, a.feeds = 20_000, 200
    step = a.step or max(1, a.articles // a.feeds // 10)
    site, paths, feed_paths = build_site(a.articles, a.feeds, a.faults, step)
    print(
        f"follow soak: {a.articles} articles over {a.feeds} feeds, {a.faults:.0%} faults, {step} new per feed read, coder {'on' if a.code else 'off'}"
    )
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base_rate = baseline_ingest(site, paths, tmp, a.code)
        with FeedServer(site) as base:
            r = run_follow(base, feed_paths, a.articles, tmp, a.code, a.every, a.timeout)
    if r["done_at"] is None:
        print(f"NOT DONE: {r['stored']} of {a.articles} stored within {a.timeout:.0f} s")
        sys.exit(1)
    rate = r["stored"] / r["done_at"]
    cyc = r["cycles"]
    print(f"stored {r['stored']} articles in {len(cyc)} cycles, {r['done_at']:.1f} s; errors logged {r['errors_logged']}")
    print(f"follow over HTTP      {rate:8.1f} articles/s (start to last article, model load included)")
    print(f"follow while busy     {r['stored'] / sum(c['busy'] for c in cyc):8.1f} articles/s (time in cycles only, without the waits between them)")
    print(f"ingest from files     {base_rate:8.1f} articles/s (baseline, same pages, same run)")
    print(f"peak RSS              {r['peak_mb']:8.0f} MB")
    if any(c["alerts_s"] for c in cyc):
        alerts_s = " ".join(f"{c['alerts_s']:.1f}" for c in cyc)
        busy_s = " ".join(f"{c['busy']:.0f}" for c in cyc)
        print(f"alerts s per cycle    {alerts_s} (cycle s: {busy_s})")
    rss = [c["rss_mb"] for c in cyc]
    print("RSS after each cycle  " + " ".join(f"{x:.0f}" for x in rss) + " MB")
    if len(rss) >= 4:
        later = rss[2:]
        print(
            f"RSS from cycle 3 to the last: {later[0]:.0f} -> {later[-1]:.0f} MB ({(later[-1] - later[0]) / later[0]:+.1%}), max {max(later):.0f} MB"
        )


if __name__ == "__main__":
    main()
