"""Alerts an analyst can act on (issue 13, part 2): warm-up, merged episodes, one 0-100 severity
beside the raw statistic, words and evidence, the same fields in the CLI and the API, and on
ICEWS14 a short list in which the known crises of 2014 rank high in their month."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields

import pytest
from test_analysis import write_icews

from barograph.analysis.alerts import KINDS, MIN_SEVERITY, Alert, detect, severity_of
from barograph.analysis.icews import import_icews
from barograph.store.db import Store

CLI = [sys.executable, "-m", "barograph.interfaces.cli"]
ORIGINAL_FIELDS = [
    "source",
    "target",
    "window_start",
    "window_end",
    "magnitude",
    "direction",
    "score",
    "recent",
    "expected",
    "goldstein_trend",
    "evidence",
]
NEW_FIELDS = ["kind", "severity", "statistic", "intensity", "peak_week", "weeks", "window_events", "p_surge", "first_since", "summary", "events_url"]

# ICEWS14 time 0 is 2014-01-01 (a Wednesday); its first week starts on Monday 2013-12-30
QUIET = [("Government_(Russia)", "Consult", "Government_(Turkey)", d) for d in range(0, 200, 4)]
QUIET += [("Government_(Turkey)", "Consult", "Government_(Russia)", d) for d in range(2, 200, 4)]


def fight(src: str, tgt: str, days: range, per_day: int = 2) -> list[tuple[str, str, str, int]]:
    return [(src, "Use_conventional_military_force", tgt, d) for d in days for _ in range(per_day)]


def _store(tmp_path, name: str, rows) -> Store:
    s = Store(tmp_path / f"{name}.duckdb")
    import_icews(s, write_icews(tmp_path / name, rows))
    return s


def test_fields_keep_the_contract_and_add_the_new_ones():
    names = [f.name for f in fields(Alert)]
    assert names[: len(ORIGINAL_FIELDS)] == ORIGINAL_FIELDS
    assert set(NEW_FIELDS) <= set(names)


def test_no_alert_during_the_warm_up(tmp_path):
    """The same surge alerts in week 20 of the record, not in week 2 (no baseline yet)."""
    early = _store(tmp_path, "early", QUIET + fight("Military_(Russia)", "Turkey", range(10, 14), 3))
    late = _store(tmp_path, "late", QUIET + fight("Military_(Russia)", "Turkey", range(140, 144), 3))
    with early, late:
        assert not [a for a in detect(early, min_events=3) if a.direction == "conflict"]
        found = [a for a in detect(late, min_events=3) if a.direction == "conflict"]
        assert len(found) == 1
        a = found[0]
        assert a.kind == "material conflict" and a.source == "RUS" and a.target == "TUR"
        assert a.peak_week == "2014-05-19" and a.recent == 4  # one event a day: reports of the same code and day collapse


def test_a_long_surge_is_one_alert_with_words_severity_and_evidence(tmp_path):
    rows = QUIET + fight("Military_(Russia)", "Turkey", range(140, 161), 2)  # three weeks of fighting
    with _store(tmp_path, "long", rows) as s:
        found = [a for a in detect(s, min_events=3, evidence=4) if a.direction == "conflict"]
        assert len(found) == 1, [(a.window_start, a.window_end) for a in found]
        a = found[0]
        assert a.weeks >= 2 and a.window_start <= a.peak_week < a.window_end
        assert a.window_events > a.recent >= 5
        # one scale: severity 0-100, the same number as score, from the raw statistic and the stakes
        assert 0 < a.severity <= 100 and a.score == a.severity
        assert a.statistic > 0 and 0 < a.intensity <= 1
        assert a.severity == pytest.approx(float(severity_of(a.statistic * a.intensity)), abs=0.06)
        # words: what changed, against what, and that it is new
        assert a.summary.startswith(f"material conflict RUS→TUR: {a.recent} events in the week of {a.peak_week}, ")
        assert "/week expected" in a.summary and "RUS→TUR earlier in the record" in a.first_since
        # evidence: events of the window, and a link to all of them
        assert len(a.evidence) == 4 and all(a.window_start <= e["date"] <= a.window_end and e["goldstein"] == -10.0 for e in a.evidence)
        assert a.events_url == f"/search?dyad=RUS%2CTUR&since={a.window_start}&until={a.window_end}"


def test_both_directions_of_one_episode_are_one_alert(tmp_path):
    rows = QUIET + fight("Military_(Russia)", "Turkey", range(140, 146), 2) + fight("Military_(Turkey)", "Russia", range(141, 146), 2)
    with _store(tmp_path, "both", rows) as s:
        found = [a for a in detect(s, min_events=3) if a.direction == "conflict"]
        assert len(found) == 1
        a = found[0]
        other = "TUR→RUS" if a.source == "RUS" else "RUS→TUR"
        assert f"; also {other}: " in a.summary and "undirected=true" in a.events_url


def test_until_is_the_as_of_date_and_filters_apply(tmp_path):
    rows = QUIET + fight("Military_(Russia)", "Turkey", range(140, 144), 3)
    with _store(tmp_path, "asof", rows) as s:
        assert detect(s, min_events=3, direction="conflict")
        assert not detect(s, min_events=3, until="2014-05-10", direction="conflict")  # before the surge: nothing known yet
        assert detect(s, min_events=3, actor="TUR", kind="material conflict")
        assert not detect(s, min_events=3, actor="USA")
        assert not detect(s, min_events=3, kind="cooperation", direction="conflict")


def test_cli_alerts_gives_the_same_fields(tmp_path):
    rows = QUIET + fight("Military_(Russia)", "Turkey", range(140, 144), 3)
    with _store(tmp_path, "cli", rows) as s:
        db = str(s.path)

    def run(*args):
        return subprocess.run(CLI + ["alerts", "--db", db, "--min-events", "3", *args], capture_output=True, text=True, timeout=120)

    r = run("--format", "jsonl")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert lines and all(set(ORIGINAL_FIELDS + NEW_FIELDS) <= set(d) for d in lines)
    conflict = [d for d in lines if d["direction"] == "conflict"]
    assert conflict[0]["summary"].startswith("material conflict RUS→TUR: 4 events")
    r = run("--format", "csv", "--kind", "material conflict")
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0].split(",")
    assert set(ORIGINAL_FIELDS) <= set(head) and {"severity", "statistic", "summary", "kind"} <= set(head)
    assert len(r.stdout.splitlines()) == 2
    r = run()  # the table: one paragraph per alert, the words first
    assert r.returncode == 0 and "material conflict RUS→TUR: 4 events in the week of 2014-05-19" in r.stdout
    assert run("--asof", "2014-05-10", "--format", "jsonl").stdout.strip() == run("--until", "2014-05-10", "--format", "jsonl").stdout.strip()
    r = run("--kind", "riots")
    assert r.returncode == 2 and r.stderr.strip().startswith("barograph: --kind: unknown kind 'riots'")
    r = run("--until", "2014-02-30")
    assert r.returncode == 2 and r.stderr.strip() == "barograph: --until: not a date: '2014-02-30' (use YYYY-MM-DD)"


def test_the_web_default_is_the_library_default():
    from barograph.interfaces.web import api

    assert api.MIN_SEVERITY == MIN_SEVERITY and api.KINDS == KINDS


def test_icews14_short_list_with_the_known_crises_on_top(shared, tmp_path):
    """Tens of alerts a month (not thousands a year); Crimea, Iraq/ISIS and Gaza among the ten
    most severe alerts of their month, each month read as of its last day."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("bench_analysis", Path(__file__).resolve().parent.parent / "bench" / "analysis.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # the bench's crisis list, so the test and the figures agree

    with Store(tmp_path / "i.duckdb") as s:
        import_icews(s, shared / "bench" / "icews14")
        found = detect(s, evidence=0)
        per_month: dict[str, int] = {}
        for a in found:
            per_month[a.peak_week[:7]] = per_month.get(a.peak_week[:7], 0) + 1
        assert 100 < len(found) < 600 and max(per_month.values()) < 60, per_month
        assert min(a.window_start for a in found) >= "2014-02-24"  # eight weeks of warm-up
        ranks = {name: rank for name, _, _, rank, _ in bench.crisis_ranks(s, bench.CRISES[:3])}
    assert all(r is not None and r <= 10 for r in ranks.values()), ranks
