"""`barograph articles`: the real command, run as a user would (files, stdin, bad inputs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BAROGRAPH = [str(Path(sys.executable).with_name("barograph"))]
if not Path(BAROGRAPH[0]).exists():
    BAROGRAPH = [sys.executable, "-m", "barograph.interfaces.cli"]


def run(*args, input=None):
    return subprocess.run([*BAROGRAPH, "articles", *args], input=input, capture_output=True, text=True, timeout=120)


def test_jsonl_of_sample_twice_marks_duplicates_and_bad_file(tmp_path, sample_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    r = run(str(sample_path), str(bad), str(sample_path), "--format", "jsonl", "--quiet")
    assert r.returncode == 1
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 14
    for k in ("doc", "title", "outlet", "author", "date", "start", "end", "url", "language", "id", "duplicate_of"):
        assert k in rows[0]
    first, again = rows[:7], rows[7:]
    assert all(r["duplicate_of"] is None for r in first)
    assert [r["duplicate_of"] for r in again] == [r["id"] for r in first]
    text = sample_path.read_text(encoding="utf-8")
    assert all(text[r["start"] : r["end"]].replace("\xa0", " ").startswith(r["title"]) for r in first)
    errs = r.stderr.strip().splitlines()
    assert len(errs) == 1 and "empty.txt" in errs[0] and "empty file" in errs[0]


def test_stdin_text_and_jsonl():
    page = "Kerry calls Lavrov\n\nUS Secretary of State John Kerry called Russian Foreign Minister Sergey Lavrov on Friday.\n"
    r = run("-", "--format", "jsonl", input=page)
    assert r.returncode == 0, r.stderr
    (row,) = [json.loads(x) for x in r.stdout.splitlines()]
    assert row["doc"] == "stdin" and row["title"] == "Kerry calls Lavrov" and row["start"] == 0
    lines = "\n".join(
        [
            json.dumps({"id": "a", "text": "Turkey shot down a Russian jet near the Syrian border on Tuesday morning.", "source": "Wire"}),
            "{broken",
            json.dumps({"id": "b", "text": "NATO ministers met in Brussels to discuss the Baltic deployment plans."}),
        ]
    )
    r = run("-", "--format", "jsonl", input=lines)
    assert r.returncode == 1
    assert [json.loads(x)["doc"] for x in r.stdout.splitlines()] == ["a", "b"]
    assert r.stderr.strip() == "barograph: <stdin>:2: malformed JSON (Expecting property name enclosed in double quotes at column 2)"


def test_table_format_and_unknown_format(sample_path):
    r = run(str(sample_path), "--format", "table")
    assert r.returncode == 0 and "National" in r.stdout
    r = run(str(sample_path), "--format", "xml")
    assert r.returncode == 2 and "unknown format" in r.stderr
