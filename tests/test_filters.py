"""One filter vocabulary: the command line and the web accept the same filter names (those of
`store.query.FILTERS`) and give the same rows for them; problems are one line naming the filter."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest
from test_web_data import build_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from barograph.errors import BadInput
from barograph.interfaces.web.app import create_app
from barograph.store.query import FILTERS, EventFilter

CLI = [sys.executable, "-m", "barograph.interfaces.cli"]

# each filter with a value that selects some but not all of build_db's events
CASES = {
    "actors": "TUR",
    "dyad": "RUS,TUR",
    "undirected": True,
    "codes": "19,042",
    "since": "2015-10-15",
    "until": "2015-10-20",
    "outlets": "Fortune",
    "modality": "asserted,claimed",
    "origin": "barograph",
    "corpus": "default",
    "text": "ankara",
    "min_confidence": "0.6",
    "places": "SYR",  # build_db's events have no place: tests/test_places.py checks this one on placed events
    "historical": True,
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("filters") / "f.duckdb"
    build_db(path)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


def test_every_filter_has_a_case():
    assert set(CASES) == {f.name for f in FILTERS}


def test_cli_and_web_accept_the_same_names(client):
    help_text = subprocess.run(CLI + ["export", "--help"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"}).stdout
    web = {p["name"] for p in client.get("/openapi.json").json()["paths"]["/api/events"]["get"]["parameters"]}
    for f in FILTERS:
        assert f"--{f.name}" in help_text, f.name
        assert f.name in web, f.name


def _cli_args(values: dict) -> list[str]:
    args = []
    for name, v in values.items():
        args += [f"--{name}"] if v is True else [f"--{name}", v]
    return args


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"dyad": "RUS,TUR"},
        {"dyad": "RUS,TUR", "undirected": True, "since": "2015-10-15"},
        {"actors": "TUR", "codes": "19,042"},
        {"modality": "asserted", "origin": "barograph", "corpus": "default", "until": "2015-11-30"},
        {"text": "ankara"},
        {"outlets": "Fortune,Japan Times"},
        {"min_confidence": "0.6"},
    ],
)
def test_cli_and_web_give_the_same_rows(db, client, tmp_path, case):
    out = tmp_path / "cli.csv"
    p = subprocess.run(CLI + ["export", "--db", str(db), "--format", "csv", "--out", str(out)] + _cli_args(case), capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    r = client.get("/api/export", params={"format": "csv", **{k: "true" if v is True else v for k, v in case.items()}})
    assert r.status_code == 200
    assert r.content == out.read_bytes()
    if case in ({}, {"dyad": "RUS,TUR"}):
        assert len(r.content.splitlines()) > 1  # the comparison is over real rows


def test_older_spellings_still_work(db, client, tmp_path):
    """--actor/--code/--outlet on the command line and q= on the web: the same as the new names."""
    new = client.get("/api/events", params={"text": "ankara", "limit": 5000}).json()
    assert new and client.get("/api/events", params={"q": "ankara", "limit": 5000}).json() == new
    for old, name, v in (("--actor", "--actors", "TUR"), ("--code", "--codes", "19"), ("--outlet", "--outlets", "Fortune")):
        a, b = tmp_path / "a.csv", tmp_path / "b.csv"
        for flag, path in ((old, a), (name, b)):
            p = subprocess.run(CLI + ["export", "--db", str(db), "--out", str(path), flag, v], capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
        assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    "name, value, says",
    [
        ("codes", "1x", "not a CAMEO code or prefix: '1x'"),
        ("dyad", "RUS", "two actors separated by a comma"),
        ("since", "last week", "not a date: 'last week'"),
        ("modality", "rumoured", "unknown modality 'rumoured'"),
        ("actors", "RUS;DROP", "not an actor code: 'RUS;DROP'"),
        ("min_confidence", "1.5", "1.5 is not between 0 and 1"),
        ("min_confidence", "high", "not a number: 'high'"),
    ],
)
def test_a_bad_filter_is_one_line_naming_it_in_both(db, client, tmp_path, name, value, says):
    with pytest.raises(BadInput) as e:
        EventFilter.parse({name: value}, prefix="--")
    assert str(e.value).startswith(f"--{name}: ") and says in str(e.value)
    r = client.get("/api/events", params={name: value})
    assert r.status_code == 422 and r.json()["detail"].startswith(f"{name}: ") and says in r.json()["detail"]
    p = subprocess.run(CLI + ["export", "--db", str(db), "--out", str(tmp_path / "x.csv"), f"--{name}", value], capture_output=True, text=True)
    assert p.returncode == 2 and p.stderr.strip() == f"barograph: --{name}: " + str(e.value).split(": ", 1)[1]


def test_min_confidence_keeps_only_surer_events(db, client):
    every = client.get("/api/events", params={"limit": 5000}).json()
    sure = client.get("/api/events", params={"min_confidence": "0.6", "limit": 5000}).json()
    assert every and sure, "the sample has events above and below 0.6"
    assert len(sure) < len(every)
    assert all(e["confidence"] is None or e["confidence"] >= 0.6 for e in sure)
