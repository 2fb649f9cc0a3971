"""Ingest with text workers gives the same store as one process, and Ctrl-C stops the workers too."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import wait_for_commits

from barograph.pipeline import ingest
from barograph.store.db import Store
from barograph.text import prepare

TABLES = {
    "documents": "doc_id, doc, text",
    "articles": "article_id, doc_id, article_index, start_char, end_char, body_start, body_end, title, outlet, "
    "author, date, url, language, duplicate_of",
    "sentences": "article_id, idx, start_char, end_char, text",
    "appearances": "article_id, doc_id, outlet",
    "signatures": "article_id, minhash",
}


def _corpus(dest: Path, shared: Path, sample: Path) -> Path:
    """Pages of several stories, reworded reposts (near-duplicates), exact copies, a bad record."""
    dest.mkdir()
    page = sample.read_text(encoding="utf-8")
    for i in range(6):
        (dest / f"page{i}.txt").write_text(page.replace("Source:", f"Source: Outlet {i} /", 1 + i % 3) + f"\nPage {i}.\n", encoding="utf-8")
    (dest / "copy.txt").write_text(page, encoding="utf-8")
    (dest / "copy2.txt").write_text(page, encoding="utf-8")
    with (shared / "train" / "ngec-synthetic-events.csv").open(encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:300]
    lines = []
    for i, t in enumerate(texts + [re.sub(r"\bsaid\b", "stated", t, count=1) for t in texts[:100]]):
        lines.append(json.dumps({"id": f"s{i}", "text": t, "source": "AP", "date": "2020-03-04"}))
    lines.insert(50, "{broken")
    (dest / "stories.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def _rows(db: Path) -> dict[str, list]:
    with Store(db, read_only=True) as st:
        return {t: sorted(st.con.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr) for t, cols in TABLES.items()}


def test_workers_store_exactly_what_one_process_stores(tmp_path, shared, sample_path, monkeypatch):
    src = _corpus(tmp_path / "in", shared, sample_path)
    one = ingest([src], tmp_path / "one.duckdb", code=False, progress=False, workers=1)

    monkeypatch.setenv("BAROGRAPH_POOL_MIN_CHARS", "0")  # small test input: use the pool anyway
    pooled = []
    real = prepare.Preparer._map_pool
    monkeypatch.setattr(prepare.Preparer, "_map_pool", lambda self, docs: pooled.append(len(docs)) or real(self, docs))
    two = ingest([src], tmp_path / "two.duckdb", code=False, progress=False, workers=2)

    assert pooled, "the worker pool was never used"
    assert one.to_json() | {"db": None} == two.to_json() | {"db": None}
    assert one.near_duplicates > 0 and one.already_stored >= 1 and len(one.rejected) == 1
    a, b = _rows(tmp_path / "one.duckdb"), _rows(tmp_path / "two.duckdb")
    for table in TABLES:
        assert a[table] == b[table], table
    assert len(a["sentences"]) > 1000


def test_prepare_reports_a_document_it_cannot_split(monkeypatch):
    from barograph.records import Document

    def boom(doc):
        raise ValueError("no lines")

    monkeypatch.setattr("barograph.text.articles.split_articles", boom)
    p = prepare.prepare(Document(doc="d", text="Some text.", kind="text"))
    assert p.articles == [] and "cannot split into articles (ValueError: no lines)" == p.error


def _descendants_alive(marker: str) -> list[int]:
    """Processes whose command line names `marker` (the test's own database path)."""
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmd:
                pids.append(int(d.name))
    return pids


@pytest.mark.slow
def test_ctrl_c_stops_workers_and_keeps_whole_articles(tmp_path, shared, sample_path):
    src = tmp_path / "corpus.jsonl"
    with (shared / "train" / "ngec-synthetic-events.csv").open(encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)][:3000]
    src.write_text("".join(json.dumps({"id": f"s{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    env = dict(os.environ, BAROGRAPH_BATCH_DOCUMENTS="40", BAROGRAPH_POOL_MIN_CHARS="0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "barograph.interfaces.cli", "ingest", str(src), "--db", str(db), "--quiet", "--no-code", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_own_group,
    )
    wait_for_commits(proc, db)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    workers = [p for p in _descendants_alive(str(db)) if p != proc.pid]
    assert len(workers) == 2, workers  # the pool is running
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the parent and its workers
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err, err
    time.sleep(0.5)
    assert _descendants_alive(str(db)) == []
    with Store(db, read_only=True) as st:
        partial = st.con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    rest = ingest([src], db, code=False, progress=False, workers=1)
    full = ingest([src], tmp_path / "ref.duckdb", code=False, progress=False, workers=1)
    assert 0 < partial < full.articles and partial + rest.articles == full.articles
    assert _rows(db) == _rows(tmp_path / "ref.duckdb")


def _own_group() -> None:
    """The child leads its own process group (so the test can Ctrl-C it alone) with SIGINT's default."""
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_bad_workers_setting_is_one_line(tmp_path, sample_path):
    env = dict(os.environ, BAROGRAPH_WORKERS="many")
    p = subprocess.run(
        [sys.executable, "-m", "barograph.interfaces.cli", "ingest", str(sample_path), "--db", str(tmp_path / "b.duckdb"), "--no-code", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 2 and p.stderr.strip() == "barograph: BAROGRAPH_WORKERS must be a whole number, not 'many'"
