"""`barograph ingest/stats/recode` as a user runs them, including being killed mid-run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import wait_for_commits

from barograph.pipeline import ingest
from barograph.store.db import Store

ROOT = Path(__file__).resolve().parent.parent
BAROGRAPH = [sys.executable, "-m", "barograph.interfaces.cli"]


def run(*args, env=None, **kw):
    return subprocess.run([*BAROGRAPH, *args], capture_output=True, text=True, env=env, timeout=300, **kw)


def test_ingest_reports_counts_and_rejects(tmp_path, sample_path):
    db = tmp_path / "b.duckdb"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "Russia and Turkey met in Sochi to discuss Syria."}\n[1, 2]\n', encoding="utf-8")
    p = run("ingest", str(sample_path), str(bad), "--db", str(db), "--no-code", "--quiet")
    assert p.returncode == 1, p.stderr
    last = p.stdout.strip().splitlines()[-1]
    assert last.startswith("new ") and "rejected 1 (documents 2," in last
    rejected = [ln for ln in p.stderr.splitlines() if "rejected" in ln]
    assert len(rejected) == 1 and f"{bad}:2" in rejected[0]

    p2 = run("ingest", str(sample_path), "--db", str(db), "--no-code", "--quiet", "--format", "json")
    assert p2.returncode == 0, p2.stderr
    rep = json.loads(p2.stdout)
    assert rep["articles"] == 0 and rep["already_stored"] == 1 and rep["duplicates"] >= 5

    s = run("stats", "--db", str(db), "--format", "json")
    assert s.returncode == 0, s.stderr
    st = json.loads(s.stdout)
    assert st["documents"] == 2 and st["rejects"] == 1 and st["events"] == 0
    assert st["articles"] == rep["duplicates"] + 1


def test_store_errors_are_one_line(tmp_path):
    newer = tmp_path / "newer.duckdb"
    with Store(newer) as st:
        st.con.execute("INSERT INTO schema_version VALUES (999, current_timestamp)")
    p = run("stats", "--db", str(newer))
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and str(newer) in p.stderr and "newer" in p.stderr
    p = run("stats", "--db", str(tmp_path / "none.duckdb"))
    assert p.returncode == 2 and "no such database" in p.stderr


def test_full_disk_is_one_store_error_and_store_intact(tmp_path, sample_path):
    """RLIMIT_FSIZE makes writes past a size fail like a full disk does (works as root too)."""
    db = tmp_path / "b.duckdb"
    ingest([sample_path], db, code=False, progress=False)
    size = db.stat().st_size
    with Store(db, read_only=True) as st:
        before = st.con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as f:
        for i in range(3000):
            f.write(json.dumps({"id": f"r{i}", "text": f"Story {i}: " + " ".join(f"w{i}x{j}" for j in range(300))}) + "\n")
    code = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({size + 200_000}, {size + 200_000})); "
        "from barograph.interfaces.cli import main; sys.argv = ['barograph'] + sys.argv[1:]; main()"
    )
    p = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(big), "--db", str(db), "--no-code", "--quiet"], capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert p.stderr.startswith("barograph: ") and str(db) in p.stderr and p.stderr.count("\n") == 1
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == before
        assert st.con.execute("SELECT count(*) FROM documents").fetchall()[0][0] == 1


# ------------------------------------------------------------------ killed mid-run


def _corpus(path: Path, shared: Path, n: int) -> Path:
    with (shared / "train" / "ngec-synthetic-events.csv").open(encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:n]
    with path.open("w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"s{i}", "text": t, "source": ["AP", "AFP", "BBC"][i % 3], "date": f"2020-01-{i % 28 + 1:02d}"}) + "\n")
    return path


def _check_whole(db: Path, ref: Path, coded: bool) -> int:
    """Every stored article has exactly the reference's sentences (and events); returns count."""
    with Store(db) as st:
        st.con.execute(f"ATTACH '{ref}' AS ref (READ_ONLY)")
        n = st.con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        missing = st.con.execute(
            """SELECT count(*) FROM articles a JOIN ref.articles r USING (article_id)
               WHERE (SELECT count(*) FROM sentences s WHERE s.article_id = a.article_id)
                  <> (SELECT count(*) FROM ref.sentences s WHERE s.article_id = a.article_id)"""
        ).fetchall()[0][0]
        assert missing == 0
        orphans = st.con.execute("SELECT count(*) FROM sentences WHERE article_id NOT IN (SELECT article_id FROM articles)").fetchall()[0][0]
        assert orphans == 0
        assert st.con.execute("SELECT count(*) FROM articles WHERE doc_id NOT IN (SELECT doc_id FROM documents)").fetchall()[0][0] == 0
        if coded:
            diff = st.con.execute(
                """SELECT count(*) FROM articles a
                   WHERE (SELECT count(*) FROM events e WHERE e.article_id = a.article_id)
                      <> (SELECT count(*) FROM ref.events e WHERE e.article_id = a.article_id)"""
            ).fetchall()[0][0]
            assert diff == 0
        st.con.execute("DETACH ref")
    return n


def _kill_mid_run(src: Path, db: Path, sig: int, extra: list[str], wait_for: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, BAROGRAPH_BATCH_DOCUMENTS="40")
    # a background job inherits SIGINT ignored; a user's terminal gives the default (Ctrl-C works)
    proc = subprocess.Popen(
        [*BAROGRAPH, "ingest", str(src), "--db", str(db), "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    wait_for_commits(proc, db)
    time.sleep(wait_for)
    assert proc.poll() is None, "the ingest finished before it could be interrupted; use a bigger corpus"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_killed_ingest_leaves_whole_articles_and_rerun_completes(tmp_path, shared, sig):
    src = _corpus(tmp_path / "corpus.jsonl", shared, 3000)
    ref = tmp_path / "ref.duckdb"
    full = ingest([src], ref, code=False, progress=False)
    db = tmp_path / "b.duckdb"
    p = _kill_mid_run(src, db, sig, ["--no-code"], wait_for=0)
    if sig == signal.SIGINT:
        assert p.returncode == 130 and "interrupted" in p.stderr, p.stderr  # the open batch rolled back
    else:
        assert p.returncode == -signal.SIGKILL
    partial = _check_whole(db, ref, coded=False)
    assert 0 < partial < full.articles
    again = ingest([src], db, code=False, progress=False)
    assert again.articles == full.articles - partial
    assert _check_whole(db, ref, coded=False) == full.articles
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT count(*) FROM appearances").fetchall()[0][0] == full.articles + full.duplicates


@pytest.mark.slow
def test_killed_coding_ingest_keeps_events_with_their_articles(tmp_path, shared):
    src = _corpus(tmp_path / "corpus.jsonl", shared, 300)
    db = tmp_path / "b.duckdb"
    p = _kill_mid_run(src, db, signal.SIGKILL, [], wait_for=0)
    assert p.returncode == -signal.SIGKILL
    with Store(db, read_only=True) as st:
        q = lambda sql: st.con.execute(sql).fetchall()[0][0]  # noqa: E731
        partial = q("SELECT count(*) FROM articles")
        assert 0 < partial < 300
        # coded articles carry the coder version; their events all stored (none orphaned)
        assert q("SELECT count(*) FROM articles WHERE coder IS NULL AND duplicate_of IS NULL") == 0
        assert q("SELECT count(*) FROM events WHERE article_id NOT IN (SELECT article_id FROM articles)") == 0
        assert q("SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = a.article_id)") == 0
