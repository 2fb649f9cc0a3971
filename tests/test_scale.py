"""The Ray path: same events as the local path, resumable after kill -9, clear errors.

Real Ray (a local cluster of 2 CPUs), real spaCy, real Parquet and DuckDB files.
"""

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

import pyarrow.parquet as pq
import pytest

from barograph.errors import BadInput
from barograph.records import Article, Document, Event
from barograph.scale.partitions import from_table, shards, to_table
from barograph.scale.resume import RunDir, finalize

ROOT = Path(__file__).resolve().parent.parent
BAROGRAPH = str(Path(sys.executable).with_name("barograph"))


def ngec_corpus(shared: Path, path: Path, n: int, repeat_at: int | None = None, repeat_of: int = 0) -> Path:
    """n NGEC stories as JSONL; with ``repeat_at``, story ``repeat_of`` is posted again there (new record)."""
    csv.field_size_limit(1 << 30)
    with open(shared / "train" / "ngec-synthetic-events.csv", newline="", encoding="utf-8") as f:
        rows = [r for _, r in zip(range(n), csv.DictReader(f))]
    with open(path, "w", encoding="utf-8") as f:
        for k, r in enumerate(rows):
            f.write(
                json.dumps({"id": f"s{k}", "title": r["prompt"].split("\n")[0], "text": r["text"], "date": "2023-05-01", "source": r["source"]})
                + "\n"
            )
            if repeat_at is not None and k == repeat_at:
                # another document (trailing blank lines) holding the same story
                f.write(
                    json.dumps(
                        {"id": f"repost{k}", "title": "Repost", "text": rows[repeat_of]["text"] + "\n\n", "date": "2023-05-02", "source": "Elsewhere"}
                    )
                    + "\n"
                )
    return path


def event_keys(events) -> list[str]:
    return sorted(json.dumps(e.to_json() if isinstance(e, Event) else e, sort_keys=True) for e in events)


# ------------------------------------------------------------------ shards and run folders (no Ray)


def _docs(n: int, size: int = 10) -> list[Document]:
    return [Document(doc=f"d{i}", text="x" * size, kind="jsonl", sha256=f"{i:064x}") for i in range(n)]


def test_shards_cut_by_count_and_size_the_same_way_every_time():
    a = [(s.number, [d.doc for d in s.docs]) for s in shards(iter(_docs(25)), shard_docs=10)]
    b = [(s.number, [d.doc for d in s.docs]) for s in shards(iter(_docs(25)), shard_docs=10)]
    assert a == b
    assert [len(x[1]) for x in a] == [10, 10, 5]
    by_size = list(shards(iter(_docs(6, size=100)), shard_docs=100, shard_chars=250))
    assert [len(s.docs) for s in by_size] == [3, 3]
    fp = [s.fingerprint() for s in shards(iter(_docs(25)), shard_docs=10)]
    changed = _docs(25)
    changed[12].sha256 = "f" * 64
    assert [s.fingerprint() for s in shards(iter(changed), shard_docs=10)] != fp


def test_records_survive_parquet():
    art = Article(doc="d", index=1, start=0, end=5, title="T", date="2016-01-02", id="a1", meta={"subheadings": ["x", "y"]})
    ev = Event(
        doc="d",
        start=0,
        end=5,
        text="Russia warned Turkey",
        source="RUS",
        source_entity="RUS",
        target="TUR",
        target_entity="TUR",
        cameo="130",
        quad_class=3,
        goldstein=-4.4,
        historical=True,
        article_id="a1",
        confidence=0.75,
    )
    assert from_table("articles", to_table("articles", [art])) == [art]
    assert from_table("events", to_table("events", [ev])) == [ev]


def test_a_folder_holding_another_run_is_refused(tmp_path):
    run = RunDir(tmp_path / "out")
    run.prepare()
    first = {"inputs": ["/a.jsonl"], "text_column": None, "shard_docs": 200, "shard_chars": 10, "coded": True}
    run.check_same_run(None, first)
    run.save_manifest(first)
    with pytest.raises(BadInput) as e:
        run.check_same_run(run.load_manifest(), dict(first, inputs=["/b.jsonl"]))
    assert str(run.path) in str(e.value) and "\n" not in str(e.value)
    (tmp_path / "out" / "manifest.json").write_text("{not json")
    with pytest.raises(BadInput, match="manifest.json"):
        run.load_manifest()


def test_finalize_keeps_only_the_first_shards_events_of_a_repost(tmp_path):
    run = RunDir(tmp_path)
    run.prepare()

    def ev(doc, aid):
        return Event(
            doc=doc,
            start=0,
            end=1,
            text="t",
            source="RUS",
            source_entity="RUS",
            target="TUR",
            target_entity="TUR",
            cameo="042",
            quad_class=1,
            goldstein=1.9,
            article_id=aid,
        )

    from barograph.scale.partitions import write_atomic

    for n, (doc, ids) in enumerate([("d0", ["a", "b"]), ("d1", ["c", "a"]), ("d2", ["b", "d"])]):
        arts = [Article(doc=doc, index=i, start=0, end=1, id=x) for i, x in enumerate(ids)]
        write_atomic(to_table("articles", arts), run.part("articles", n))
        write_atomic(to_table("events", [ev(doc, x) for x in ids]), run.part("events", n))
    assert finalize(run) == 2
    kept = [(e.doc, e.article_id) for n in run.done_shards() for e in from_table("events", pq.read_table(run.part("events", n)))]
    assert sorted(kept) == [("d0", "a"), ("d0", "b"), ("d1", "c"), ("d2", "d")]
    assert finalize(run) == 0  # settled: running it again changes nothing


# ------------------------------------------------------------------ on Ray


@pytest.mark.slow
def test_ray_codes_exactly_what_the_local_path_codes_and_stores_the_same(shared, sample_path, tmp_path):
    from barograph.pipeline import code, ingest
    from barograph.scale.load import ingest_ray
    from barograph.scale.ray_engine import code_ray, read_events
    from barograph.store.db import Store

    # repost (in shard 2) a story of shard 0 that has events, so the repeat is visible
    first = list(code([str(ngec_corpus(shared, tmp_path / "plain.jsonl", 5))]))
    with_events = int(first[0].doc[1:])
    corpus = ngec_corpus(shared, tmp_path / "stories.jsonl", 24, repeat_at=15, repeat_of=with_events)
    paths = [str(sample_path), str(corpus)]
    local = list(code(paths))
    rep = code_ray(paths, tmp_path / "out", workers=2, shard_docs=6)
    assert rep.shards == 5 and rep.skipped == 0
    assert len(rep.worker_peak_rss_mb()) == 2  # both actors did work
    ray_events = list(read_events(tmp_path / "out"))
    assert len(local) > 20
    assert rep.repeated_events > 0  # the repost in shard 2 was coded there, then dropped
    assert rep.events == len(local)
    assert event_keys(ray_events) == event_keys(local)

    # a second run over the same folder has nothing left to do and changes nothing
    again = code_ray(paths, tmp_path / "out", workers=2, shard_docs=6)
    assert again.skipped == again.shards == 5 and not again.coded
    assert event_keys(read_events(tmp_path / "out")) == event_keys(local)

    # storing the run gives the rows a local ingest gives (no Ray needed: every shard is done)
    ingest(paths, tmp_path / "local.duckdb", progress=False)
    run, _stored = ingest_ray(paths, tmp_path / "ray.duckdb", tmp_path / "out", workers=2)
    assert run.skipped == run.shards

    def rows(db):
        with Store(db, read_only=True) as s:
            return sorted(
                s.con.execute("SELECT article_id, doc, sentence_idx, start_char, end_char, source, target, cameo, modality FROM events").fetchall()
            )

    assert rows(tmp_path / "ray.duckdb") == rows(tmp_path / "local.duckdb")
    _, twice = ingest_ray(paths, tmp_path / "ray.duckdb", tmp_path / "out", workers=2)
    assert twice.events == 0 and twice.documents == 0

    # the command does the same (the run is done, so no Ray starts and no model loads)
    res = subprocess.run(
        [
            BAROGRAPH,
            "ingest",
            "--engine",
            "ray",
            *paths,
            "--db",
            str(tmp_path / "cli.duckdb"),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["ray"]["skipped"] == 5
    assert rows(tmp_path / "cli.duckdb") == rows(tmp_path / "local.duckdb")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_kill_9_of_the_driver_then_rerun_codes_every_article_once(shared, tmp_path):
    corpus = ngec_corpus(shared, tmp_path / "stories.jsonl", 60)
    out = tmp_path / "out"
    cmd = [BAROGRAPH, "code", "--engine", "ray", str(corpus), "--out", str(out), "--workers", "2", "--quiet"]
    marker = f"kill9-{os.getpid()}-{time.time_ns()}"
    env = dict(os.environ, BAROGRAPH_SHARD_DOCS="4", BAROGRAPH_TEST_MARKER=marker)
    try:
        _kill_then_rerun(cmd, env, out, marker)
    finally:
        _end_processes_marked(marker)


def _end_processes_marked(marker: str) -> None:
    """Ray helpers orphaned by the killed driver: they carry our marker in their environment,
    or (agents re-parented to init) this very test's name."""
    needles = {f"BAROGRAPH_TEST_MARKER={marker}".encode()}
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    for p in Path("/proc").iterdir():
        if not p.name.isdigit() or int(p.name) == os.getpid():
            continue
        try:
            env = (p / "environ").read_bytes().split(b"\0")
            orphan_agent = (
                (p / "cmdline").read_bytes().startswith(b"ray::")
                and (p / "stat").read_text().rsplit(")", 1)[1].split()[1] == "1"
                and current
                and f"PYTEST_CURRENT_TEST={current}".encode() in env
            )
            if needles & set(env) or orphan_agent:
                os.kill(int(p.name), signal.SIGKILL)
        except (OSError, ProcessLookupError, IndexError):
            pass


def _marked(marker: str, name: bytes) -> list[int]:
    needle = f"BAROGRAPH_TEST_MARKER={marker}".encode()
    found = []
    for p in Path("/proc").iterdir():
        try:
            if p.name.isdigit() and name in (p / "cmdline").read_bytes() and needle in (p / "environ").read_bytes().split(b"\0"):
                found.append(int(p.name))
        except OSError:
            pass
    return found


def _parts(out: Path) -> int:
    return len(list((out / "events").glob("part-*.parquet")))


def _wait(proc, out: Path, parts: int, seconds: float = 150) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline and _parts(out) < parts and proc.poll() is None:
        time.sleep(0.2)


def _kill_then_rerun(cmd, env, out: Path, marker: str) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    # a worker dies mid-run (its model and its shard in flight are lost) ...
    _wait(proc, out, 1)
    assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
    workers = _marked(marker, b"MapWorker")
    assert workers, "no Ray worker process found"
    os.kill(workers[0], signal.SIGKILL)
    # ... then the driver itself is killed
    _wait(proc, out, _parts(out) + 2)
    done_before = _parts(out)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 1 <= done_before < 15, "the run must be killed part-way"
    time.sleep(1)

    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=240)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "15 shards" in res.stdout
    m = re.search(r"\((\d+) done before\)", res.stdout)
    assert m and int(m.group(1)) >= done_before, res.stdout

    events = pq.read_table(out / "events").to_pylist()
    arts = pq.read_table(out / "articles").to_pylist()
    docs = pq.read_table(out / "documents").to_pylist()
    assert sorted(d["doc"] for d in docs) == sorted(f"s{k}" for k in range(60))  # each document once
    assert sorted(a["doc"] for a in arts) == sorted(f"s{k}" for k in range(60))  # each article once
    keys = [(e["article_id"], e["sentence_index"], e["trigger_start"], e["cameo"], e["source"], e["target"]) for e in events]
    assert len(keys) == len(set(keys)), "an event was written twice"
    assert {e["doc"] for e in events} <= {f"s{k}" for k in range(60)}
    assert not list(out.rglob(".*.tmp")), "temporary files left behind"


def test_bad_engine_and_missing_out_are_one_line_errors(tmp_path, sample_path):
    for args, needle in ((["--engine", "spark"], "--engine: unknown engine"), (["--engine", "ray"], "--out:")):
        res = subprocess.run([BAROGRAPH, "code", str(sample_path), *args], capture_output=True, text=True)
        assert res.returncode == 2
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and needle in lines[0], res.stderr


def test_parquet_input_gives_the_documents_the_jsonl_reader_gives(shared, tmp_path):
    import pyarrow as pa

    from barograph.ingest.sources import iter_documents
    from barograph.scale.parquet_input import iter_inputs

    src = ngec_corpus(shared, tmp_path / "s.jsonl", 12)
    rows = [json.loads(x) for x in src.read_text().splitlines()]
    rows[3]["text"] = "   "  # reported, skipped
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "s.parquet", row_group_size=5)
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    errors: list = []
    from_parquet = list(iter_inputs([str(tmp_path / "s.parquet")], errors=errors))
    from_jsonl = list(iter_documents([str(src)], errors=[]))
    assert len(from_parquet) == 11 and len(errors) == 1 and f"{tmp_path / 's.parquet'}:4" in str(errors[0])

    def same(d):
        return (d.doc, d.text, d.title, d.date, d.outlet)

    assert [same(d) for d in from_parquet] == [same(d) for d in from_jsonl]
    # mixed inputs keep their order
    mixed = list(iter_inputs([str(src), str(tmp_path / "s.parquet")], errors=[]))
    assert [d.kind for d in mixed] == ["jsonl"] * 11 + ["parquet"] * 11
