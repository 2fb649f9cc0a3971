"""`barograph code` end to end: real files, the real actor resolver, the shared scorer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

BIN = [sys.executable, "-m", "barograph.interfaces.cli"]
FIELDS = {
    "doc",
    "start",
    "end",
    "text",
    "source",
    "source_entity",
    "target",
    "target_entity",
    "cameo",
    "quad_class",
    "goldstein",
    "plover",
    "modality",
    "date",
    "outlet",
    "confidence",
    "id",
    "coder",
}


def run(*args, cwd=None):
    return subprocess.run([*BIN, "code", *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.mark.slow
def test_code_sample_jsonl_and_bad_input(tmp_path, sample_path, shared):
    missing = tmp_path / "nope.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = run(sample_path, missing, empty, "--format", "jsonl", "--quiet")
    assert r.returncode == 1  # some inputs rejected, the good one still coded
    bad = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(bad) == 2 and any("nope.txt" in l for l in bad) and any("empty" in l for l in bad)
    events = [json.loads(l) for l in r.stdout.splitlines()]
    assert len(events) >= 10
    text = sample_path.read_text(encoding="utf-8")
    for e in events:
        assert FIELDS <= set(e)
        assert e["doc"] == sample_path.name
        assert text[e["start"] : e["end"]] == e["text"]
        assert text[e["trigger_start"] : e["trigger_end"]] == e["trigger"]
        assert e["modality"] in {"asserted", "hypothetical", "negated", "question", "claimed", "intended"}
    assert len({e["id"] for e in events}) == len(events)
    out = tmp_path / "ev.jsonl"
    out.write_text(r.stdout, encoding="utf-8")
    score = subprocess.run(
        [sys.executable, str(shared / "eval" / "score_events.py"), str(shared / "eval" / "seed-gold.jsonl"), str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "modality errors 0" in score, score
    quad_f1 = float(score.split("quad-class")[1].split("F1=")[1].split()[0])
    assert quad_f1 >= 0.80, score  # regression floor (0.88 when written)


def test_code_csv_format(tmp_path):
    doc = tmp_path / "story.txt"
    doc.write_text("Border clash\n\nRussian troops attacked Ukrainian positions near Donetsk on Monday.\n", encoding="utf-8")
    r = run(doc, "--format", "csv", "--quiet")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("id,doc,start,end")
    assert len(lines) >= 2 and "story.txt" in lines[1]


def test_code_rejects_unknown_format(tmp_path):
    r = run(tmp_path, "--format", "xml")
    assert r.returncode == 2 and "xml" in r.stderr
