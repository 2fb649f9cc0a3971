"""Latency of the dashboard API on a year of ICEWS-scale data, measured from a second process.

    .venv/bin/python bench/serve.py [--icews ../shared/bench/icews14] [--quick] [--requests N] [--seconds S]
    .venv/bin/python bench/serve.py --db big.duckdb --quick     # a store already made (bench/synthetic_store.py)

Imports ICEWS14 (`barograph import icews`, ~90k events of 2014) into a fresh database, starts
`barograph serve` in its own process, and from this process fires bounded numbers of
requests at the dyad series, events and search endpoints with 1 and 16 concurrent clients
(threads with one keep-alive `http.client` connection each; `--client httpx` as before). Prints
p50/p95/max latency and requests/s, next to two baselines measured in the same run: `/health`
over the same HTTP path (the floor of the server stack) and the same library call made
in-process without HTTP; and the CPU the server and this bench spent per request (from
/proc), which other jobs on the machine disturb far less than latency.

The server keeps answers while the database file is unchanged, and the bench's URL lists
repeat (25 dyads, 15 words), as a dashboard's users do; so the "uncached" rows also ask every
request something new (a different `since` each time), which measures the queries themselves.
The server still remembers the fields of events it has shown (store/facts.py) and windows
ending on the same day share their newest events, so the "cold" rows ask for one-week windows
that share no event with any other request. The windows are the store's last year (2014 on
ICEWS14), so any store can be measured.

ICEWS records carry no sentences, so for the search endpoint the bench's copy gives every event
a stand-in sentence ("<source name> <CAMEO action> <target name>") so the full-text scan has
90k strings to search. Target: p95 < 100 ms at 16 clients.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).parent / "barograph"
WORDS = [
    "Nigeria",
    "police",
    "attack",
    "consult",
    "Ukraine",
    "Obama",
    "Military",
    "criticize",
    "aid",
    "Kerry",
    "protest",
    "Israel",
    "negotiate",
    "arrest",
    "China",
]


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def prepare(db: Path, icews: Path) -> float:
    t = time.perf_counter()
    r = subprocess.run([str(EXE), "import", "icews", str(icews), "--db", str(db)], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"bench/serve.py: import failed: {r.stderr.strip()[-500:]}")
    import duckdb

    from barograph.events import codes

    con = duckdb.connect(str(db))
    names = {c: (codes.name(c) or c) for (c,) in con.execute("SELECT DISTINCT cameo FROM events").fetchall()}
    con.execute("CREATE TEMP TABLE n (cameo VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO n VALUES (?, ?)", list(names.items()))
    con.execute("""UPDATE events SET text = coalesce(source_name, source) || ' ' || lower(n.name) || ' '
                   || coalesce(target_name, target) || '.' FROM n WHERE n.cameo = events.cameo AND events.text IS NULL""")
    from barograph.store import indexes

    indexes.rebuild(con)  # this bench writes the sentences itself: index them as a writer must
    con.close()
    return time.perf_counter() - t


def start_server(db: Path, port: int, workers: int = 1) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(EXE), "serve", "--db", str(db), "--port", str(port), "--quiet", "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit(f"bench/serve.py: server did not start: {proc.stderr.read()[-500:]}")
        time.sleep(0.2)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process and its children (the worker processes of `serve --workers`)
    have used (Linux /proc), None where there is no /proc."""
    stats = {}
    try:
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(p.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    except OSError:
        return None
    if pid not in stats:
        return None
    tree, total = {pid}, 0
    for _ in range(3):  # children, grandchildren
        tree |= {q for q, (ppid, _) in stats.items() if ppid in tree}
    total = sum(stats[q][1] for q in tree)
    return total / os.sysconf("SC_CLK_TCK")


class Client:
    """One keep-alive HTTP client: the standard library's `http.client` (default) or httpx.

    The clients share the server's two cores here, so what they burn is taken from the
    server: httpx spends 6-8 ms of CPU per request at 16 threads, as much as the server spends
    answering, and `http.client` about a fifth of that (the bench cpu column). Browsers of
    real users run elsewhere; the lighter client measures the server more faithfully. httpx is
    kept (`--client httpx`) to compare with earlier figures."""

    def __init__(self, base: str, kind: str = "stdlib"):
        self.kind = kind
        if kind == "httpx":
            self._c = httpx.Client(base_url=base, timeout=30)
        else:
            u = urlsplit(base)
            self._c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    def get(self, url: str) -> tuple[int, bool]:
        """(status, whether the answer came from the server's cache)."""
        if self.kind == "httpx":
            r = self._c.get(url)
            return r.status_code, r.headers.get("x-barograph-cache") == "hit"
        self._c.request("GET", url)
        r = self._c.getresponse()
        r.read()
        return r.status, r.getheader("x-barograph-cache") == "hit"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self._c.close()


def load(base: str, urls: list[str], clients: int, requests: int, seconds: float, server: int | None = None, client: str = "stdlib") -> dict:
    """`requests` GETs spread over `clients` threads, stopping early after `seconds`.

    With `server` (its pid), also the CPU the server and this bench process spent per request:
    on a machine of few cores the clients' own CPU competes with the server's, and CPU per
    request varies far less with other jobs' load than latency does."""
    lat: list[float] = []
    errors = [0]
    hits = [0]
    lock = threading.Lock()
    counter = iter(range(requests))
    stop = time.monotonic() + seconds

    def worker() -> None:
        with Client(base, kind=client) as c:
            while time.monotonic() < stop:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t = time.perf_counter()
                status, hit = c.get(urls[i % len(urls)])
                dt = time.perf_counter() - t
                with lock:
                    if status == 200:
                        lat.append(dt)
                        hits[0] += hit
                    else:
                        errors[0] += 1

    cpu0 = (cpu_seconds(server) if server else None, time.process_time())
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    done = max(len(lat) + errors[0], 1)
    srv = cpu_seconds(server) if server and cpu0[0] is not None else None
    cpu = {"server_ms": (srv - cpu0[0]) * 1000 / done if srv is not None else float("nan"), "bench_ms": (time.process_time() - cpu0[1]) * 1000 / done}
    return {**summary(lat, wall, errors[0]), "hits": hits[0], **cpu}


def summary(lat: list[float], wall: float, errors: int = 0) -> dict:
    if not lat:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "max": float("nan"), "rps": 0.0, "errors": errors}
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [lat[0]] * 99
    return {
        "n": len(lat),
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "max": max(lat) * 1000,
        "rps": len(lat) / wall if wall else 0.0,
        "errors": errors,
    }


def last_date(db: Path) -> date:
    """The store's last event date (the bench's windows end there: 2014-12-31 on ICEWS14)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT max(date) FROM events WHERE date <= current_date").fetchone()[0]
    finally:
        con.close()


def library_baseline(db: Path, dyads, n: int, last: date) -> dict[str, dict]:
    """The same reads in this process, no HTTP: what the server adds is the ratio."""
    from barograph.interfaces.web import views
    from barograph.interfaces.web.views import EVENT_FIELDS
    from barograph.store import query
    from barograph.store.db import Store

    out = {}
    with Store(db, read_only=True) as store:
        calls = {
            "series": lambda i: views.series(store, *dyads[i % len(dyads)], freq="week"),
            "events": lambda i: query.event_page(
                store, columns=EVENT_FIELDS, dyad=dyads[i % len(dyads)], since=last - timedelta(days=213), limit=100, order="-date"
            ),
            "search": lambda i: query.event_page(store, columns=EVENT_FIELDS, text=WORDS[i % len(WORDS)], limit=50, order="-date", total=True),
        }
        for name, fn in calls.items():
            lat = []
            t0 = time.perf_counter()
            for i in range(n):
                t = time.perf_counter()
                fn(i)
                lat.append(time.perf_counter() - t)
            out[name] = summary(lat, time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--icews", type=Path, default=ROOT.parent / "shared" / "bench" / "icews14")
    ap.add_argument("--db", type=Path, help="reuse this database (already imported) instead of importing")
    ap.add_argument("--requests", type=int, default=400, help="requests per endpoint and concurrency level")
    ap.add_argument("--seconds", type=float, default=20.0, help="time bound per endpoint and concurrency level")
    ap.add_argument("--quick", action="store_true", help="100 requests, 8 s bound")
    ap.add_argument("--workers", type=int, default=1, help="server processes (barograph serve --workers)")
    ap.add_argument("--client", choices=("stdlib", "httpx"), default="stdlib", help="HTTP client of the load threads (see Client)")
    args = ap.parse_args()
    if args.quick:
        args.requests, args.seconds = 100, 8.0

    tmp = tempfile.TemporaryDirectory(prefix="barograph-bench-serve-")
    db = args.db
    if db is None:
        if not args.icews.exists():
            sys.exit(f"bench/serve.py: {args.icews}: no such folder (pass --icews DIR)")
        db = Path(tmp.name) / "icews.duckdb"
        took = prepare(db, args.icews)
        print(f"imported ICEWS14 into {db.name} in {took:.1f}s")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port, args.workers)
    try:
        last = last_date(db)
        dyads = [(d["source"], d["target"]) for d in httpx.get(base + "/api/dyads?n=25", timeout=60).json()]
        n_events = httpx.get(base + "/health").json()["events"]
        rng = random.Random(1)
        series = [f"/api/dyads/{a}/{b}/series?freq=week" for a, b in dyads]
        events = [f"/api/events?dyad={a},{b}&since={last - timedelta(days=213)}&limit=100" for a, b in dyads]
        search = [f"/api/search?q={w}&limit=50" for w in rng.sample(WORDS, len(WORDS))]
        endpoints = {"health (floor)": ["/health"], "series": series, "events": events, "search": search}
        for urls in endpoints.values():  # warm the server's caches once, as a user's first clicks would
            for u in urls[:5]:
                httpx.get(base + u, timeout=60)
        # every request different (and different between the 1- and 16-client runs, by `until`):
        # no answer can come from the server's cache
        # (windows of about the store's last year: 2014 on ICEWS14)
        day = [(last - timedelta(days=364 - k)).isoformat() for k in range(args.requests // 15 + 2)]

        def uncached(clients: int) -> dict[str, list[str]]:
            until = str(last) if clients == 1 else str(last - timedelta(days=1))
            pairs = [(i, dyads[i % len(dyads)]) for i in range(args.requests)]
            return {
                "series uncached": [f"/api/dyads/{a}/{b}/series?freq=week&since={day[i // len(dyads)]}&until={until}" for i, (a, b) in pairs],
                "events uncached": [f"/api/events?dyad={a},{b}&since={day[i // len(dyads)]}&until={until}&limit=100" for i, (a, b) in pairs],
                "search uncached": [
                    f"/api/search?q={WORDS[i % len(WORDS)]}&since={day[i // len(WORDS)]}&until={until}&limit=50" for i in range(args.requests)
                ],
            }

        def cold(clients: int) -> dict[str, list[str]]:
            # one-week windows marching back from the store's last day, even weeks for one client
            # and odd weeks for sixteen: no two requests share an event, so the rows the server
            # remembers between questions (store/facts.py) never answer; what "uncached" does not show
            def week(i: int, n: int) -> tuple[date, date]:
                w = 2 * (i // n) + (0 if clients == 1 else 1)
                return last - timedelta(days=7 * w + 6), last - timedelta(days=7 * w)

            ev = [(week(i, len(dyads)), dyads[i % len(dyads)]) for i in range(args.requests)]
            se = [(week(i, len(WORDS)), WORDS[i % len(WORDS)]) for i in range(args.requests)]
            return {
                "events cold": [f"/api/events?dyad={a},{b}&since={lo}&until={hi}&limit=100" for (lo, hi), (a, b) in ev],
                "search cold": [f"/api/search?q={w}&since={lo}&until={hi}&limit=50" for (lo, hi), w in se],
            }

        print(
            f"server pid {proc.pid} on {base}, {n_events:,} events, {os.cpu_count()} CPUs visible; "
            f"{args.requests} requests or {args.seconds:.0f}s per cell"
        )
        lib = library_baseline(db, dyads, min(args.requests, 100), last)
        rows = []
        # answers the cache may hold first; the cells asking new questions every time last, so
        # their misses cannot push the repeated answers out of the cache
        cells = [(c, endpoints) for c in (1, 16)] + [(c, uncached(c)) for c in (1, 16)] + [(c, cold(c)) for c in (1, 16)]
        for clients, cell in cells:
            for name, urls in cell.items():
                rows.append((name, clients, load(base, urls, clients, args.requests, args.seconds, proc.pid, args.client)))
    finally:
        proc.terminate()
        proc.wait(10)
        tmp.cleanup()

    floor = {c: r["p95"] for name, c, r in rows if name.startswith("health")}
    print()
    print(
        f"{'endpoint':<16}{'clients':>8}{'n':>6}{'hits':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'req/s':>8}"
        f"{'errors':>7}{'lib p95':>9}{'p95/lib':>8}{'p95/floor':>10}{'srv cpu':>8}{'bench cpu':>10}"
    )
    for name, c, r in rows:
        lp = lib.get(name.split()[0], {}).get("p95")
        ratio = f"{r['p95'] / lp:8.1f}" if lp else " " * 8
        libcol = f"{lp:9.1f}" if lp else " " * 9
        print(
            f"{name:<16}{c:>8}{r['n']:>6}{r.get('hits', 0):>6}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['max']:>9.1f}{r['rps']:>8.1f}"
            f"{r['errors']:>7}{libcol}{ratio}{r['p95'] / floor[c]:>10.1f}{r.get('server_ms', float('nan')):>8.1f}{r.get('bench_ms', float('nan')):>10.1f}"
        )
    print()
    for label, pick in (("", lambda n: " " not in n), ("uncached ", lambda n: n.endswith("uncached")), ("cold ", lambda n: n.endswith("cold"))):
        worst = max(r["p95"] for name, c, r in rows if c == 16 and not name.startswith("health") and pick(name))
        what = "events/search" if label == "cold " else "series/events/search"
        print(f"summary: worst p95 at 16 clients over {label}{what} = {worst:.1f} ms (target < 100 ms): {'MET' if worst < 100 else 'NOT MET'}")


if __name__ == "__main__":
    main()
