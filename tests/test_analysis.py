"""Analysis over a real DuckDB store: ICEWS import, query filters, series, alerts, exports, reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from barograph.errors import BadInput
from barograph.store.db import Store

BAROGRAPH = [sys.executable, "-m", "barograph.interfaces.cli"]


def write_icews(d: Path, rows: list[tuple[str, str, str, int]]) -> Path:
    """A small ICEWS14-style folder: names mapped to ids, time in hours (day * 24)."""
    d.mkdir(parents=True, exist_ok=True)
    ents = sorted({r[0] for r in rows} | {r[2] for r in rows})
    rels = sorted({r[1] for r in rows})
    (d / "entity2id.txt").write_text("".join(f"{e}\t{i}\n" for i, e in enumerate(ents)))
    (d / "relation2id.txt").write_text("".join(f"{r}\t{i}\n" for i, r in enumerate(rels)))
    lines = [f"{ents.index(s)}\t{rels.index(r)}\t{ents.index(o)}\t{day * 24}\t-1\n" for s, r, o, day in rows]
    (d / "train.txt").write_text("".join(lines))
    return d


ROWS = [
    ("Government_(Russia)", "Consult", "Government_(Turkey)", 0),
    ("Government_(Russia)", "Make_a_visit", "Turkey", 1),
    ("Military_(Russia)", "Use_conventional_military_force", "Turkey", 2),
    ("Turkey", "Criticize_or_denounce", "Russia", 2),
    ("Police_(Nigeria)", "Arrest,_detain,_or_charge_with_legal_action", "Citizen_(Nigeria)", 10),
    ("Citizen_(Nigeria)", "Demonstrate_or_rally", "Government_(Nigeria)", 11),
    ("Nobody_Known_Xyz", "Make_statement", "Russia", 12),
]


@pytest.fixture
def store(tmp_path):
    src = write_icews(tmp_path / "mini", ROWS)
    s = Store(tmp_path / "a.duckdb")
    from barograph.analysis.icews import import_icews

    r = import_icews(s, src, corpus="mini")
    assert r.events == len(ROWS)
    yield s
    s.close()


def test_icews_import_maps_names_to_codes(store):
    df = store.events(order="id")
    assert len(df) == len(ROWS)
    row = df[df["cameo"] == "190"].iloc[0]
    assert (row["source"], row["source_entity"], row["source_sector"], row["target_entity"]) == ("RUSMIL", "RUS", "MIL", "TUR")
    assert row["quad_class"] == 4 and row["goldstein"] == -10.0 and row["date"] == "2014-01-03"
    arrest = df[df["source"] == "NGACOP"].iloc[0]
    assert arrest["target"] == "NGACVL" and arrest["cameo"].startswith("17")
    assert set(df["origin"]) == {"icews"} and set(df["corpus"]) == {"mini"}
    assert set(df["modality"]) == {"asserted"}


def test_icews_reimport_replaces(store, tmp_path):
    from barograph.analysis.icews import import_icews

    import_icews(store, tmp_path / "mini", corpus="mini")
    assert len(store.events()) == len(ROWS)


def test_icews_bad_line_names_file_and_line(tmp_path):
    from barograph.analysis.icews import import_icews

    d = write_icews(tmp_path / "bad", ROWS[:2])
    with open(d / "train.txt", "a") as f:
        f.write("0\tx\t1\t24\t-1\n")
    with Store(tmp_path / "b.duckdb") as s, pytest.raises(BadInput) as e:
        import_icews(s, d)
    assert "train.txt:3" in str(e.value)
    with Store(tmp_path / "b.duckdb") as s, pytest.raises(BadInput, match="no such directory"):
        import_icews(s, tmp_path / "missing")


def test_query_filters(store):
    assert len(store.events(dyad=("RUS", "TUR"))) == 3
    assert len(store.events(dyad=("RUS", "TUR"), undirected=True)) == 4
    assert len(store.events(actors=["NGA"])) == 2
    assert len(store.events(codes=["19"])) == 1
    assert len(store.events(codes=["04"])) == 2
    assert len(store.events(since="2014-01-03", until="2014-01-11")) == 3
    assert len(store.events(dyad=("RUSGOV", "TUR"))) == 2  # a full code matches too
    assert len(store.events(modality="hypothetical")) == 0
    assert len(store.events(corpus="other")) == 0
    assert len(store.events(limit=2, offset=1)) == 2
    # user values never reach the SQL text
    assert len(store.events(actors=["RUS' OR 1=1 --"])) == 0
    with pytest.raises(BadInput):
        store.events(codes=["1;DROP"])


def test_dyad_series_counts_once_and_fills(store):
    from barograph.analysis.series import dyad_series

    store.con.execute(
        "INSERT INTO events (event_id, origin, corpus, source, source_entity, target, target_entity, "
        "cameo, root_code, quad_class, goldstein, date, mentions, modality) VALUES "
        "('dup1', 'barograph', 'x', 'RUS', 'RUS', 'TUR', 'TUR', '190', '19', 4, -10, '2014-01-03', 3, 'asserted'),"
        "('hyp1', 'barograph', 'x', 'RUS', 'RUS', 'TUR', 'TUR', '190', '19', 4, -10, '2014-01-20', 1, 'hypothetical')"
    )
    df = dyad_series(store, "RUS", "TUR", freq="week")
    assert list(df.columns[:7]) == ["period", "quad1", "quad2", "quad3", "quad4", "goldstein_sum", "events"]
    first = df.iloc[0]
    assert first["period"] == "2013-12-30"
    # the duplicate report of the same attack counts once, its mentions add up; the hypothetical never counts
    assert (first["quad1"], first["quad4"], first["events"], first["mentions"]) == (2, 1, 3, 6)
    assert first["net_index"] == pytest.approx((2 - 1) / 3, abs=1e-3)
    assert df["quad4"].sum() == 1
    und = dyad_series(store, "RUS", "TUR", directed=False)
    assert und["quad3"].sum() == 1 and und["events"].sum() == 4


def test_alerts_flag_a_surge(tmp_path):
    """A quiet dyad that suddenly fights gets a conflict alert with its evidence."""
    from barograph.analysis.alerts import detect

    rows = [("Government_(Russia)", "Consult", "Government_(Turkey)", d) for d in range(0, 140, 3)]
    rows += [("Military_(Russia)", "Use_conventional_military_force", "Turkey", d) for d in range(0, 140, 20)]
    rows += [("Military_(Russia)", "Use_conventional_military_force", "Turkey", 147 + d % 10) for d in range(30)]
    rows += [("Turkey", "Threaten", "Russia", 150 + d % 5) for d in range(10)]
    src = write_icews(tmp_path / "surge", rows)
    from barograph.analysis.icews import import_icews

    with Store(tmp_path / "s.duckdb") as s:
        import_icews(s, src)
        found = detect(s, min_events=3)
        rt = [a for a in found if (a.source, a.target) == ("RUS", "TUR") and a.direction == "conflict"]
        assert rt, found
        top = max(rt, key=lambda a: a.recent)
        assert top.window_start >= "2014-05-19" and top.magnitude > 2
        assert top.evidence and all(e["goldstein"] == -10.0 for e in top.evidence)
        quiet = [a for a in rt if a.window_end < "2014-05-01"]
        assert not quiet


def test_roc_auc_matches_definition():
    import numpy as np

    from barograph.analysis.early_warning import roc_auc

    y = np.array([0, 0, 1, 1, 0, 1], dtype=bool)
    s = np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.4])
    pairs = [(a, b) for a in s[y] for b in s[~y]]
    expect = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs) / len(pairs)
    assert roc_auc(y, s) == pytest.approx(expect)


def test_gdelt_round_trip_and_hand_line(store, tmp_path):
    from barograph.analysis.exports import export
    from barograph.analysis.gdelt import COLUMNS, import_gdelt

    out = tmp_path / "ev.export.CSV"
    n = export(store, "gdelt", out)
    lines = out.read_text().splitlines()
    assert n == len(lines) == len(ROWS) and all(len(l.split("\t")) == 61 for l in lines)
    # a line in the official column order, written by hand
    cells = [""] * 61
    vals = {
        "GLOBALEVENTID": "1200000001",
        "SQLDATE": "20151124",
        "MonthYear": "201511",
        "Year": "2015",
        "FractionDate": "2015.8959",
        "Actor1Code": "TURMIL",
        "Actor1Name": "TURKEY",
        "Actor1CountryCode": "TUR",
        "Actor1Type1Code": "MIL",
        "Actor2Code": "RUSMIL",
        "Actor2Name": "RUSSIA",
        "Actor2CountryCode": "RUS",
        "Actor2Type1Code": "MIL",
        "IsRootEvent": "1",
        "EventCode": "190",
        "EventBaseCode": "190",
        "EventRootCode": "19",
        "QuadClass": "4",
        "GoldsteinScale": "-10.0",
        "NumMentions": "12",
        "NumSources": "3",
        "NumArticles": "12",
        "AvgTone": "-7.1",
        "DATEADDED": "20151124120000",
        "SOURCEURL": "https://www.example.org/news/jet-downed",
    }
    for k, v in vals.items():
        cells[COLUMNS.index(k)] = v
    hand = tmp_path / "hand.CSV"
    hand.write_text("\t".join(cells) + "\n")
    with Store(tmp_path / "g.duckdb") as g:
        import_gdelt(g, [out, hand])
        import_gdelt(g, [out, hand])  # idempotent
        df = g.events(order="id")
        assert len(df) == len(ROWS) + 1
        h = df[df["event_id"] == "gdelt:1200000001"].iloc[0]
        assert (h["source"], h["target_entity"], h["cameo"], h["mentions"], h["date"], h["outlet"]) == (
            "TURMIL",
            "RUS",
            "190",
            12,
            "2015-11-24",
            "example.org",
        )
        back = df[df["cameo"] == "190"].sort_values("date").iloc[0]
        orig = store.events(codes=["190"]).iloc[0]
        assert (back["source"], back["target"], back["date"], back["goldstein"]) == (orig["source"], orig["target"], orig["date"], orig["goldstein"])
    bad = tmp_path / "bad.CSV"
    bad.write_text("\t".join(cells) + "\n" + "1\t2\t3\n")
    with Store(tmp_path / "g2.duckdb") as g, pytest.raises(BadInput) as e:
        import_gdelt(g, [bad])
    assert "bad.CSV:2" in str(e.value) and "61" in str(e.value)


def test_exports_plover_parquet_csv(store, tmp_path):
    from barograph.analysis.exports import export

    export(store, "plover", tmp_path / "e.json", dyad=("RUS", "TUR"))
    recs = json.loads((tmp_path / "e.json").read_text())
    assert len(recs) == 3
    attack = [r for r in recs if r["cameo"] == "190"][0]
    from barograph.events import codes

    assert (
        attack["event_type"] == codes.plover("190")[0]
        and attack["event_type"]
        and attack["source"]["country"] == "RUS"
        and attack["target"]["country"] == "TUR"
    )
    export(store, "parquet", tmp_path / "e.parquet", codes=["19"])
    assert len(pd.read_parquet(tmp_path / "e.parquet")) == 1
    export(store, "csv", tmp_path / "e.csv")
    assert len(pd.read_csv(tmp_path / "e.csv")) == len(ROWS)


def test_network_edges(store):
    from barograph.analysis.network import edges

    e = edges(store, min_events=1)
    rt = e[(e["source"] == "RUS") & (e["target"] == "TUR")].iloc[0]
    assert rt["events"] == 4 and rt["quad4"] == 1
    assert not ((e["source"] == e["target"]).any())


def test_cli_commands(store, tmp_path):
    db = str(store.path)
    store.close()

    def run(*args):
        return subprocess.run(BAROGRAPH + list(args), capture_output=True, text=True, timeout=120)

    r = run("dyad", "RUS", "TUR", "--db", db, "--freq", "week", "--format", "csv")
    assert r.returncode == 0, r.stderr
    head = r.stdout.splitlines()[0].split(",")
    assert head[:7] == ["period", "quad1", "quad2", "quad3", "quad4", "goldstein_sum", "events"]
    r = run("alerts", "--db", db, "--format", "jsonl", "--min-events", "1")
    assert r.returncode == 0, r.stderr
    for line in r.stdout.splitlines():
        assert {"source", "target", "window_start", "direction", "score", "evidence"} <= set(json.loads(line))
    r = run("report", "--dyad", "RUS", "TUR", "--db", db, "--out", str(tmp_path / "rep"))
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "RUS and TUR" in html and (tmp_path / "rep" / "timeline.png").stat().st_size > 10_000
    r = run("map", "--db", db, "--out", str(tmp_path / "map"), "--min-events", "1")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "map" / "map.png").stat().st_size > 10_000
    r = run("export", "--db", db, "--format", "gdelt", "--out", str(tmp_path / "x.tsv"), "--code", "19")
    assert r.returncode == 0 and len((tmp_path / "x.tsv").read_text().splitlines()) == 1
    r = run("import", "icews", str(tmp_path / "nope"), "--db", db)
    assert r.returncode == 2 and "nope: no such directory" in r.stderr


def test_icews14_import_and_early_warning(shared, tmp_path):
    """The real ICEWS14 record: every row imported, and the detector beats persistence."""
    from barograph.analysis.early_warning import evaluate
    from barograph.analysis.icews import import_icews

    with Store(tmp_path / "i.duckdb") as s:
        r = import_icews(s, shared / "bench" / "icews14")
        assert r.events == 90730 and r.first_date == "2014-01-01" and r.last_date == "2014-12-31"
        res = evaluate(s, split="2014-10-27")
        assert res["detector"]["auc"] > res["persistence"]["auc"]
