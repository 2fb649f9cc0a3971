"""The dashboard keeps answering, consistently, while news is ingested into its database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest
from test_web_data import LiveServer, build_db

from barograph.interfaces.web.app import create_app

TOKEN = "concurrency-token-0123456789"
PHRASES = [
    "Russia criticized Turkey over the border incident.",
    "Turkey offered talks to Moscow on Tuesday.",
    "NATO ministers met in Brussels to discuss air defence.",
    "The United States urged restraint.",
    "Officials in Ankara said the jet had crossed into Turkish airspace.",
    "Analysts expect the dispute to weigh on trade between the two countries.",
]


def write_jsonl(path, n: int, seed: int = 0) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            k = 3 + (i + seed) % 4
            sentences = [f"{PHRASES[(i + j) % len(PHRASES)]} Report {seed}-{i} adds detail {j}." for j in range(k)]
            fh.write(
                json.dumps(
                    {
                        "id": f"r{seed}-{i}",
                        "title": f"Story {seed}-{i}",
                        "outlet": "Wire",
                        "date": f"2016-01-{1 + i % 28:02d}",
                        "text": " ".join(sentences),
                    }
                )
                + "\n"
            )


class Poller(threading.Thread):
    """Reads the article list over and over; keeps every answer it gets."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.stop, self.seen, self.statuses = url, threading.Event(), [], []

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as c:
            while not self.stop.is_set():
                r = c.get("/api/articles", params={"limit": 5000})
                self.statuses.append(r.status_code)
                if r.status_code == 200:
                    self.seen.append({a["article_id"]: a["sentences"] for a in r.json()})
                else:
                    assert r.status_code == 503 and r.headers.get("retry-after"), r.text
                    time.sleep(0.05)


def check_consistent(seen: list[dict], final: dict) -> None:
    """Every article in every answer already had exactly the sentences it has at the end."""
    for snapshot in seen:
        for aid, n in snapshot.items():
            assert aid in final and n == final[aid], (aid, n, final.get(aid))
    sizes = [len(s) for s in seen]
    assert sizes == sorted(sizes)  # a reader never goes back in time


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.duckdb"
    build_db(path, articles=4)
    return path


@pytest.mark.slow
def test_reads_during_an_upload_are_consistent(db, tmp_path, monkeypatch):
    # many commits, as a large upload would make, so readers can land between them
    monkeypatch.setenv("BAROGRAPH_BATCH_DOCUMENTS", "15")
    news = tmp_path / "news.jsonl"
    write_jsonl(news, 300)
    with LiveServer(create_app(db, token=TOKEN)) as s:
        before = len(httpx.get(s.url + "/api/articles", params={"limit": 5000}).json())
        poller = Poller(s.url)
        poller.start()
        r = httpx.post(
            s.url + "/api/ingest",
            params={"kind": "jsonl", "code": "false"},
            content=news.read_bytes(),
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=300,
        )
        poller.stop.set()
        poller.join(30)
        assert r.status_code == 201, r.text
        final = {a["article_id"]: a["sentences"] for a in httpx.get(s.url + "/api/articles", params={"limit": 5000}).json()}
    assert len(final) == before + 300
    answer = json.dumps(r.json())
    assert "barograph-upload-" not in answer and str(db) not in answer  # no server paths leak
    check_consistent(poller.seen, final)
    # the server answered all along (reads share the upload's in-process database)
    assert poller.statuses and set(poller.statuses) == {200}
    mid = [len(x) for x in poller.seen if before < len(x) < before + 300]
    assert mid, "no answer was given while the upload was being written"


@pytest.mark.slow
def test_reads_during_a_cli_ingest_are_consistent_or_busy(db, tmp_path):
    news = tmp_path / "news.jsonl"
    write_jsonl(news, 300, seed=1)
    exe = os.path.join(os.path.dirname(sys.executable), "barograph")
    with LiveServer(create_app(db, wait=1.0, linger=0.05)) as s:
        proc = subprocess.Popen(
            [exe, "ingest", str(news), "--db", str(db), "--no-code", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "BAROGRAPH_BATCH_DOCUMENTS": "15"},
        )
        time.sleep(0.3)  # let the ingest take the file before the dashboard starts asking
        poller = Poller(s.url)
        poller.start()
        out, errs = proc.communicate(timeout=300)
        time.sleep(0.5)
        poller.stop.set()
        poller.join(30)
        assert proc.returncode == 0, errs
        final = {a["article_id"]: a["sentences"] for a in httpx.get(s.url + "/api/articles", params={"limit": 5000}).json()}
    assert len(final) == 4 + 300
    check_consistent(poller.seen, final)
    assert set(poller.statuses) <= {200, 503} and 200 in poller.statuses


def test_steady_readers_step_aside_only_when_a_writer_asks(db, tmp_path):
    """Under steady reads the shared handle stays open (no reopen, no cold cache every few
    seconds); a barograph writer waiting for the lock signals, and gets the file within a
    second or so instead of waiting for the periodic step-aside (60 s by default)."""
    from barograph.interfaces.web.reader import Reader
    from barograph.store.db import writer_signal

    reader = Reader(db, linger=5.0)
    opens = []
    real_open = reader._open
    reader._open = lambda: opens.append(time.monotonic()) or real_open()
    stop = threading.Event()
    answers = []

    def poll():
        while not stop.is_set():
            try:
                with reader.store() as s:
                    answers.append(s.con.execute("SELECT count(*) FROM articles").fetchone()[0])
            except Exception as e:  # Busy while the writer holds the file
                answers.append(type(e).__name__)
                time.sleep(0.01)

    threads = [threading.Thread(target=poll, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        assert len(opens) == 1 and len(answers) > 50  # no step-aside without a writer
        code = (
            "import sys, time; from barograph.store.db import connect; t = time.monotonic(); "
            "con = connect(sys.argv[1]); waited = time.monotonic() - t; "
            "con.execute(\"INSERT INTO rejects (path, problem) VALUES ('x', 'written while served')\"); con.close(); print(waited)"
        )
        r = subprocess.run(
            [sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60, env={**os.environ, "BAROGRAPH_LOCK_WAIT": "20"}
        )
        assert r.returncode == 0, r.stderr
        assert float(r.stdout.strip()) < 3.0  # well before the 60 s periodic step-aside
        assert not writer_signal(db).exists()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
        reader.close()
    assert len(opens) >= 2 and isinstance(answers[-1], int)  # readers came back after the write
