"""Finding actors and codes: `dyad` and `forecast` read names, an unknown name is one line with
"did you mean ...", `barograph actors` and `barograph codes` search, `--actors FILE` codes with
a user's dictionary, and a dyad says how many undated events it leaves out. A real DuckDB
store filled by `barograph import icews` from the Dataverse fixture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barograph.interfaces.cli import app
from barograph.store.db import Store

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("lookup") / "icews.duckdb"
    res = CliRunner().invoke(app, ["import", "icews", str(DATA / "icews" / "events.2014.20150313084929.tab"), "--db", str(path), "-q"])
    assert res.exit_code == 0, res.output
    with Store(path) as st:  # two undated RUS -> UKR events (an article with no date)
        for i in (1, 2):
            st.con.execute(
                "INSERT INTO events (event_id, source, source_entity, target, target_entity, cameo, root_code, quad_class, modality, article_id) "
                "VALUES (?, 'RUS', 'RUS', 'UKR', 'UKR', '111', '11', 3, 'asserted', ?)",
                [f"undated{i}", f"art{i}"],
            )
    return path


def cli(*args):
    return subprocess.run([sys.executable, "-m", "barograph.interfaces.cli", *map(str, args)], capture_output=True, text=True, check=False)


def test_dyad_reads_country_names_and_demonyms_like_codes(db):
    by_code = CliRunner().invoke(app, ["dyad", "RUS", "UKR", "--db", str(db), "--freq", "month", "-f", "csv"])
    by_name = cli("dyad", "Russia", "Ukrainians", "--db", db, "--freq", "month", "-f", "csv")
    assert by_code.exit_code == 0 and by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_code.stdout and "2014-03-01,2,0,1,6" in by_name.stdout
    assert "reading Russia = RUS, Ukrainians = UKR" in by_name.stderr
    assert "2 undated event(s) of RUS -> UKR are left out" in by_name.stderr


@pytest.mark.parametrize(
    "a, b, words",
    [
        ("RUS", "XXX", "unknown actor 'XXX'"),
        ("Rusia", "UKR", "did you mean Russia"),
        ("Fiji", "UKR", "'Fiji' is FJI, but the store has no events of FJI"),
    ],
)
def test_unknown_actor_is_one_line_and_a_failure(db, a, b, words):
    p = cli("dyad", a, b, "--db", db)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip().count("\n") == 0 and words in p.stderr


def test_actors_search_finds_people_countries_and_stored_codes(db):
    p = cli("actors", "putin", "--db", db, "-f", "jsonl")
    rows = [json.loads(x) for x in p.stdout.splitlines()]
    assert p.returncode == 0 and rows[0]["code"] == "RUSGOV" and rows[0]["name"] == "Vladimir Putin"
    assert rows[0]["events"] == 3  # events of the code RUSGOV: Putin twice, Lavrov once
    assert "vladimir v putin" in rows[0]["aliases"]
    rows = [json.loads(x) for x in cli("actors", "ukr", "--db", db, "-f", "jsonl").stdout.splitlines()]
    codes = [r["code"] for r in rows]
    assert codes[0] == "UKR" and "UKRMIL" in codes and "UKRCOP" in codes  # stored sector codes too


def test_codes_search_by_number_and_words():
    p = cli("codes", "19", "-f", "jsonl")
    rows = [json.loads(x) for x in p.stdout.splitlines()]
    assert rows[0] == {
        "scheme": "CAMEO",
        "code": "19",
        "description": "Fight",
        "quad_class": 4,
        "goldstein": -10.0,
        "plover": "ASSAULT",
        "cameo_roots": "",
    }
    assert all(r["code"].startswith("19") for r in rows) and any(r["code"] == "190" for r in rows)
    rows = [json.loads(x) for x in cli("codes", "sanction", "-f", "jsonl").stdout.splitlines()]
    assert {"scheme": "PLOVER", "code": "SANCTION"}.items() <= rows[1].items() and rows[1]["cameo_roots"] == "16"
    assert any(r["code"] == "163" for r in rows)  # "Impose embargo, boycott, or sanctions"
    p = cli("codes", "zzzzqq")
    assert p.returncode == 2 and "no CAMEO code or PLOVER type matches" in p.stderr


def test_actors_file_option_codes_with_the_users_dictionary(tmp_path):
    actors = tmp_path / "my.actors.txt"
    actors.write_text("@kind group\nNorthern Front | the Front = XYZREB\n@kind person\nJane Roe | Minister Roe = XYZGOV\n", encoding="utf-8")
    story = tmp_path / "story.txt"
    story.write_text("Minister Roe condemned the Northern Front on Monday.\n", encoding="utf-8")
    without = cli("code", story, "--rules-only", "-q")
    with_file = cli("code", story, "--rules-only", "-q", "--actors", actors)
    assert with_file.returncode == 0, with_file.stderr
    ev = [json.loads(x) for x in with_file.stdout.splitlines()]
    assert [(e["source"], e["target"], e["cameo"]) for e in ev] == [("XYZGOV", "XYZREB", "111")]
    assert "XYZ" not in without.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("@kind person\nNo Code Here = \n", encoding="utf-8")
    for f, words in ((tmp_path / "missing.txt", "no such actor file"), (bad, "bad.txt")):
        p = cli("code", story, "--rules-only", "-q", "--actors", f)
        assert p.returncode == 2 and p.stderr.strip().count("\n") == 0 and words in p.stderr


def test_dashboard_says_how_many_undated_events_the_timeline_leaves_out_and_searches_actors(db):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from barograph.interfaces.web.app import create_app

    with TestClient(create_app(db)) as c:
        page = c.get("/dyad/RUS/UKR?directed=true")
        assert page.status_code == 200 and "2 undated events left out of the timeline" in page.text
        assert "undated" not in c.get("/dyad/USA/RUS?directed=true").text
        rows = c.get("/api/actor-search?q=putin&limit=3").json()
        assert rows[0]["code"] == "RUSGOV" and rows[0]["events"] == 3 and "putin" in rows[0]["aliases"]
        actor = c.get("/api/actors/RUS").json()
        top = actor["dyads"][0]
        assert (top["source"], top["target"]) == ("RUS", "UKR") and top["events"] == 16  # entity level (RUSMIL -> UKRMIL too), undated ones included
        assert all("RUS" in (d["source"], d["target"]) for d in actor["dyads"]) and "russian federation" in actor["aliases"]
        assert c.get("/api/actor-search?q=").status_code == 422
