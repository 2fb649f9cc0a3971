"""`barograph follow` against a real HTTP server on 127.0.0.1 (tests/feed_server.py): faults, restarts, alerts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feed_server import FeedServer, Site, article_html  # noqa: E402

from barograph.errors import BadInput  # noqa: E402
from barograph.live.follow import Follower, Options  # noqa: E402
from barograph.live.http import Limits  # noqa: E402
from barograph.live.log import Log  # noqa: E402
from barograph.live.sources import parse_duration, read_sources  # noqa: E402
from barograph.store.db import Store  # noqa: E402

BAROGRAPH = [sys.executable, "-m", "barograph.interfaces.cli"]
FAST = Limits(timeout=2.0, delay=0.0, per_host=4)


def follow(srcs, db, tmp_path, **kw) -> list:
    opts = Options(**{"once": True, "code": False, "alerts": False, "limits": FAST, **kw})
    log = Log(tmp_path / "follow.jsonl")
    try:
        return Follower(read_sources(srcs), db, opts, log=log).run()
    finally:
        log.close()


def log_lines(tmp_path) -> list[dict]:
    return [json.loads(x) for x in (tmp_path / "follow.jsonl").read_text().splitlines()]


def test_durations_and_source_lists(tmp_path):
    assert parse_duration("90s") == 90 and parse_duration("15m") == 900 and parse_duration("1.5h") == 5400
    with pytest.raises(BadInput, match="not a duration"):
        parse_duration("15 minutes")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lst = tmp_path / "sources.txt"
    lst.write_text(
        "# my sources\n"
        "https://example.org/rss.xml  Example News  30m\n"
        "https://example.org/page#top  # a comment after a URL with a fragment\n"
        f"{inbox}\n\n"
        "https://example.org/rss.xml  listed twice\n"
    )
    got = read_sources([str(lst), "https://other.org/feed"])
    assert [(s.location, s.name, s.every) for s in got] == [
        ("https://example.org/rss.xml", "Example News", 1800.0),
        ("https://example.org/page#top", None, None),
        (str(inbox), None, None),
        ("https://other.org/feed", None, None),
    ]
    assert got[2].is_folder and not got[0].is_folder
    lst.write_text("https://ok.org/feed\nftp://old.org/feed\n")
    with pytest.raises(BadInput) as e:
        read_sources([str(lst)])
    assert str(e.value).startswith(f"{lst}:2") and "only http and https" in str(e.value)


def _fault_site() -> tuple[Site, dict[str, str], list[str]]:
    site = Site(stall=6.0)
    good_a = [site.add_article(n) for n in range(0, 8)]
    good_b = [site.add_article(n) for n in range(8, 14)]
    cyr = site.add_article(14, charset="windows-1251", extra="«Мы готовы к переговорам», сказал министр.")
    renew = [site.add_article(n) for n in range(15, 19)]
    private = site.add_article(19, path="/private/2014/06/secret-report")
    faults = ["/status/500", "/status/404", "/reset", "/stall", "/loop/a", "/huge", private]
    site.pages["/feeds/broken.xml"] = (b'<?xml version="1.0"?><rss><channel><title>Broken</title><item><title>x</ti', "application/rss+xml")
    feeds = {
        "a": site.feed("a", good_a),
        "b": site.feed("b", good_b + [cyr] + faults),
        "renew": site.feed("renew", renew, renew=True),
        "broken": "/feeds/broken.xml",
        "down": "/status/503",
        "gone": "/status/410",
        "loop": "/loop/c",
    }
    return site, feeds, good_a + good_b + [cyr] + renew


def test_faults_are_one_line_each_and_every_good_article_is_stored_once(tmp_path):
    site, feeds, good = _fault_site()
    db = tmp_path / "f.duckdb"
    with FeedServer(site) as base:
        srcs = [base + p for p in feeds.values()]
        t0 = time.monotonic()
        (rep,) = follow(srcs, db, tmp_path)
        took = time.monotonic() - t0
        assert rep.new_articles == len(good) and rep.pages_failed == 7
        assert rep.sources_ok == 3 and rep.sources_failing == 4
        assert took < 30, took  # the stalled page costs its timeout, not the stall
        errors = [x for x in log_lines(tmp_path) if x["level"] == "error"]
        by_what = {}
        for x in errors:
            key = x.get("url") or x["source"]
            by_what.setdefault(key, []).append(x["message"])
        assert all(len(v) == 1 for v in by_what.values()), by_what
        expect = {
            base + "/status/500": "HTTP 500",
            base + "/status/404": "HTTP 404",
            base + "/reset": "connection",
            base + "/stall": "within 2 s",
            base + "/loop/a": "redirect loop",
            base + "/huge": "cap for one page",
            base + "/private/2014/06/secret-report": "robots.txt",
            base + "/feeds/broken.xml": "malformed feed XML",
            base + "/status/503": "HTTP 503",
            base + "/status/410": "HTTP 410",
            base + "/loop/c": "redirect loop",
        }
        assert len(by_what) == len(expect)
        for what, words in expect.items():
            assert what in by_what and words in by_what[what][0], (what, by_what.get(what))
        with Store(db, read_only=True) as st:
            rows = st.con.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall()
            assert len(rows) == len(good) and all(n == 1 for _, n in rows)
            assert {u for u, _ in rows} == {base + p for p in good}
            text = st.con.execute("SELECT d.text FROM documents d JOIN articles a USING (doc_id) WHERE a.url LIKE '%report-14'").fetchall()[0][0]
            assert "переговорам" in text
            assert st.con.execute("SELECT DISTINCT outlet FROM articles").fetchall() == [("Loopback News",)]
        assert all(ua.startswith("barograph/") for ua in site.user_agents)

        # a second cycle: unchanged feeds answer 304, re-issued GUIDs fetch nothing again, nothing is stored twice
        hits_before = dict(site.hits)
        (rep2,) = follow(srcs, db, tmp_path)
        assert rep2.new_articles == 0 and site.conditional >= 2
        assert rep2.sources_waiting == 4  # the failing sources wait out their back-off
        renewed = [p for p in site.feeds["renew"].links]
        assert all(site.hits[p] == hits_before[p] == 1 for p in renewed + good[:8])
        with Store(db, read_only=True) as st:
            assert st.con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == len(good)
            fails = dict(st.con.execute("SELECT source, failures FROM follow_sources").fetchall())
            assert fails[base + "/status/503"] == 1 and fails[base + feeds["a"]] == 0


def test_per_host_limits_hold_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    from barograph.live.http import Fetcher

    with FeedServer(Site()) as base:
        two_at_once = Fetcher(Limits(timeout=5, delay=0.0, per_host=2))
        t0 = time.monotonic()
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(lambda i: two_at_once.get(f"{base}/slow/{i}"), range(6)))
        assert time.monotonic() - t0 >= 1.5  # six half-second answers, two at a time
        spaced = Fetcher(Limits(timeout=5, delay=0.3, per_host=8))
        spaced.get(f"{base}/robots.txt")  # robots.txt read (and cached) first
        t0 = time.monotonic()
        with ThreadPoolExecutor(5) as pool:
            list(pool.map(lambda i: spaced.get(f"{base}/robots.txt"), range(5)))
        assert time.monotonic() - t0 >= 1.2  # five starts 0.3 s apart
        two_at_once.close(), spaced.close()


def test_a_failing_source_backs_off_exponentially(tmp_path):
    db = tmp_path / "b.duckdb"
    with FeedServer(Site()) as base:
        src = base + "/status/500"
        opts = Options(code=False, alerts=False, limits=FAST, every=1.0)
        f = Follower(read_sources([src]), db, opts, log=Log(None))
        waits = []
        for _ in range(3):
            f.cycle()
            with Store(db, read_only=True) as st:
                n, nxt, last = st.con.execute("SELECT failures, next_try, last_read FROM follow_sources").fetchall()[0]
            waits.append((n, (nxt - last).total_seconds()))
            time.sleep(max(0.0, (nxt - last).total_seconds()) + 1.05)
        f.fetcher.close()
    assert [n for n, _ in waits] == [1, 2, 3]
    assert [round(w) for _, w in waits] == [1, 2, 4]


def test_a_folder_source_reads_new_and_changed_files(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("Turkish officials met Russian diplomats in Ankara on Monday.\n\nThey discussed trade.\n")
    db = tmp_path / "d.duckdb"
    (r1,) = follow([str(inbox)], db, tmp_path)
    assert r1.new_articles == 1
    (inbox / "b.txt").write_text("Indian police arrested protesters in New Delhi on Tuesday.\n\nThe ministry confirmed it.\n")
    (r2,) = follow([str(inbox)], db, tmp_path)
    assert r2.new_articles == 1 and r2.duplicates == 0  # a.txt unchanged: not read again
    (inbox / "a.txt").write_text("Egyptian troops clashed with militants in Sinai on Friday.\n\nSeveral soldiers were wounded, the army said.\n")
    (r3,) = follow([str(inbox)], db, tmp_path)
    assert r3.new_articles == 1 and r3.duplicates == 0  # a.txt changed: read again
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 3


class _StopAfterFirstBatch(Log):
    """A log that asks the follower to stop when the first batch is stored (as SIGTERM would)."""

    follower: Follower | None = None

    def event(self, kind, message, level="info", **fields):
        super().event(kind, message, level, **fields)
        if kind == "batch" and self.follower is not None:
            self.follower.stop.event.set()


def test_a_stop_lands_on_a_batch_boundary_and_the_next_run_finishes(tmp_path):
    site = Site()
    paths = [site.add_article(n) for n in range(240)]
    db = tmp_path / "s.duckdb"
    with FeedServer(site) as base:
        feeds = [base + site.feed(f"f{i}", paths[i::3]) for i in range(3)]
        log = _StopAfterFirstBatch(tmp_path / "follow.jsonl")
        f = Follower(read_sources(feeds), db, Options(once=True, code=False, alerts=False, limits=FAST, batch=50), log=log)
        log.follower = f
        (rep,) = f.run()
        log.close()
        assert rep.stopped and rep.new_articles == 50
        with Store(db, read_only=True) as st:
            stored = {u for (u,) in st.con.execute("SELECT url FROM articles").fetchall()}
            marked = {u for (u,) in st.con.execute("SELECT item FROM follow_seen WHERE status = 'stored'").fetchall()}
        assert stored == marked and len(stored) == 50  # what is stored is marked read, nothing more
        (rep2,) = follow(feeds, db, tmp_path)
        assert rep2.new_articles == 190 and not rep2.stopped
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchall() == [(240, 240)]
    assert all(site.hits[u[len(base) :]] == 1 for u in stored)


class _Receiver(BaseHTTPRequestHandler):
    """A webhook that fails its first POST (so the retry is exercised), then records each body."""

    got: list[dict] = []
    calls = 0

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        type(self).calls += 1
        status = 500 if type(self).calls == 1 else 200
        if status == 200:
            type(self).got.append(json.loads(body))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.mark.slow
def test_alerts_for_touched_dyads_are_written_and_posted_once(tmp_path):
    from test_analysis import write_icews

    from barograph.analysis.icews import import_icews

    rows = [("Government_(Russia)", "Consult", "Government_(Turkey)", d) for d in range(0, 150, 3)]
    rows += [("Military_(Russia)", "Use_conventional_military_force", "Turkey", d) for d in range(0, 150, 20)]
    db = tmp_path / "a.duckdb"
    with Store(db) as s:
        import_icews(s, write_icews(tmp_path / "icews", rows))
    site = Site()
    paths = []
    stories = [
        "Russian forces attacked Turkish troops near the Syrian border on Tuesday, killing two soldiers, officials said.",
        "Russian jets bombed a Turkish convoy in Idlib on Wednesday. The convoy was carrying supplies to observation posts.",
        "Russian artillery shelled Turkish army posts in Hatay province on Thursday. Ankara summoned the ambassador after the shelling.",
        "Russian drones struck a Turkish base near Afrin on Friday, wounding three soldiers.",
    ]
    for n, body in enumerate(stories):
        paths.append(f"/news/2014/06/attack-{n}")
        site.pages[paths[-1]] = (article_html(f"Clash {n}", body, f"2014-06-0{3 + n}").encode(), "text/html; charset=utf-8")
    _Receiver.got, _Receiver.calls = [], 0
    hook = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    out = tmp_path / "alerts.jsonl"
    try:
        with FeedServer(site) as base:
            # three stories make the week an alert (the detector wants at least three events)
            feed = base + site.feed("a", paths[:3])
            kw = dict(code=True, alerts=True, alerts_out=str(out), webhook=f"http://127.0.0.1:{hook.server_address[1]}/hook")
            (r1,) = follow([feed], db, tmp_path, **kw)
            assert r1.new_events > 0 and r1.new_alerts == 1
            site.feeds["a"].links = paths  # one more story of the same dyad and window: no new alert
            (r2,) = follow([feed], db, tmp_path, **kw)
            assert r2.new_articles == 1 and r2.new_events > 0 and r2.new_alerts == 0
    finally:
        hook.shutdown()
        hook.server_close()
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 1
    a = lines[0]
    assert (a["source"], a["target"], a["direction"]) == ("RUS", "TUR", "conflict")
    assert any((e["doc"] or "").startswith("http://127.0.0.1") for e in a["evidence"])  # a followed story is evidence
    assert [g["key"] for g in _Receiver.got] == [a["key"]] and _Receiver.calls == 2  # retried once, delivered once
    with Store(db, read_only=True) as st:
        from barograph.live.state import overview

        dates = st.con.execute(
            "SELECT DISTINCT CAST(date AS VARCHAR) FROM events WHERE origin = 'barograph' AND source_entity = 'RUS' AND target_entity = 'TUR'"
        ).fetchall()
        assert any(a["window_start"] <= d <= a["window_end"] for (d,) in dates)  # the window holds a new event
        ov = overview(st.con)
        assert ov["alerts"][0]["key"] == a["key"] and ov["sources"][0]["last_read"]
    # the dashboard: when each source was last read, and the newest alerts
    from fastapi.testclient import TestClient

    from barograph.interfaces.web.app import create_app

    with TestClient(create_app(db)) as c:
        j = c.get("/api/follow").json()
        assert j["sources"][0]["source"] == feed and j["sources"][0]["last_read"] and j["sources"][0]["articles"] == 4
        assert [x["key"] for x in j["alerts"]] == [a["key"]]
        page = c.get("/").text
        assert "Followed sources" in page and feed in page and "RUS → TUR" in page


def _events(db) -> tuple[int, set, int, set]:
    with Store(db, read_only=True) as st:
        arts = st.con.execute("SELECT url FROM articles").fetchall()
        evs = st.con.execute("SELECT event_id FROM events").fetchall()
    return len(arts), {a for (a,) in arts}, len(evs), {e for (e,) in evs}


@pytest.mark.slow
def test_kill_9_in_a_cycle_then_restart_stores_everything_once(tmp_path):
    site = Site()
    paths = [site.add_article(n) for n in range(160)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with FeedServer(site) as base:
        feeds = [base + site.feed(f"f{i}", paths[i::4]) for i in range(4)]
        opts = ["--once", "--delay", "0", "--per-host", "4", "--quiet"]
        db, log = tmp_path / "k.duckdb", tmp_path / "k.jsonl"
        p = subprocess.Popen(BAROGRAPH + ["follow", *feeds, "--db", str(db), "--log", str(log), *opts], env=env, stderr=subprocess.PIPE)
        deadline = time.time() + 240
        while time.time() < deadline and p.poll() is None:
            if log.exists() and '"event": "batch"' in log.read_text():
                break
            time.sleep(0.02)
        assert p.poll() is None, "follow finished before it could be killed"
        p.send_signal(signal.SIGKILL)
        p.wait()
        n_killed, stored_before, _, _ = _events(db)
        assert 0 < n_killed < len(paths)
        done = subprocess.run(
            BAROGRAPH + ["follow", *feeds, "--db", str(db), "--log", str(log), *opts], env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        # pages stored before the kill are not fetched again; the others (fetched ahead, not yet stored) are
        assert all(site.hits[u[len(base) :]] == 1 for u in stored_before)
        assert all(site.hits[p] <= 2 for p in paths)
        ref = tmp_path / "ref.duckdb"
        subprocess.run(BAROGRAPH + ["follow", *feeds, "--db", str(ref), "--log", str(tmp_path / "r.jsonl"), *opts], env=env, check=True, timeout=600)
    n, urls, n_ev, ev_ids = _events(db)
    rn, rurls, rn_ev, rev_ids = _events(ref)
    assert n == len(urls) == len(paths) == rn and urls == rurls
    assert n_ev == len(ev_ids) == rn_ev and ev_ids == rev_ids and n_ev > 0


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_bad_sources_are_one_line(tmp_path):
    site = Site()
    paths = [site.add_article(n) for n in range(5)]
    db, log = tmp_path / "t.duckdb", tmp_path / "t.jsonl"
    with FeedServer(site) as base:
        p = subprocess.Popen(
            BAROGRAPH + ["follow", base + site.feed("a", paths), "--db", str(db), "--log", str(log), "--every", "1s", "--delay", "0", "--no-code"],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline and not (log.exists() and log.read_text().count('"event": "summary"') >= 2):
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert "cycle 1:" in err and "cycle 2:" in err and "Traceback" not in err
    kinds = [json.loads(x)["event"] for x in log.read_text().splitlines()]
    assert kinds[0] == "start" and kinds[-1] == "stop"
    bad = subprocess.run(BAROGRAPH + ["follow", str(tmp_path / "nope.txt"), "--db", str(db), "--once"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "nope.txt" in bad.stderr
