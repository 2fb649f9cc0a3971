"""Time windows everywhere (issue 13, part 1), through the JSON API and the pages' HTML:
since/until on series, events, network, forecast, alerts, dyads and actors; the window's end is
each view's "as of"; stray years do not stretch the default range; historical events only
when asked."""

from __future__ import annotations

import warnings

import pytest
from test_web_data import build_db

from barograph.store.db import Store
from barograph.store.query import count

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from barograph.interfaces.web.app import create_app

DATA_FIRST, DATA_LAST = "2015-09-07", "2016-01-03"  # build_db: 60 articles two days apart


def add_strays(path) -> None:
    """One RUS->TUR event dated 2022 (an article far from the rest) and one the text places in
    1952 (flagged historical), as a coded news store gets them."""
    with Store(path) as store:
        for eid, day, hist in (("stray-2022", "2022-06-13", False), ("hist-1952", "1952-02-18", True)):
            store.con.execute(
                """INSERT INTO events (event_id, origin, corpus, source, source_entity, target, target_entity, cameo,
                   root_code, quad_class, goldstein, date, historical, modality, text, mentions)
                   VALUES (?, 'barograph', 'default', 'RUSMIL', 'RUS', 'TURMIL', 'TUR', '190', '19', 4, -10, ?, ?, 'asserted', ?, 1)""",
                [eid, day, hist, f"Russian jets struck Turkish positions ({day[:4]})."],
            )


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("windows") / "w.duckdb"
    build_db(path)
    add_strays(path)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


def test_historical_events_only_when_asked(db):
    with Store(db, read_only=True) as s:
        every = count(s, dyad=("RUS", "TUR"), historical=True)
        assert count(s, dyad=("RUS", "TUR")) == every - 1
        assert count(s, dyad=("RUS", "TUR"), since="1950-01-01", until="1960-01-01") == 0
        assert count(s, dyad=("RUS", "TUR"), since="1950-01-01", until="1960-01-01", historical=True) == 1


def test_a_stray_year_does_not_stretch_the_default_range(db):
    from barograph.interfaces.web import views
    from barograph.interfaces.web.filters import Filters

    with Store(db, read_only=True) as s:
        r = views.data_range(s, Filters(dyad=("RUS", "TUR")))
        assert (r["first"], r["last"]) == (DATA_FIRST, "2022-06-13") and r["outside"] == 1
        assert (r["lo"], r["hi"]) == (DATA_FIRST, DATA_LAST)
        w = views.window(s, Filters(dyad=("RUS", "TUR")), path="/dyad/RUS/TUR")
        assert not w["chosen"] and w["asof"] == w["until"] == r["hi"] and w["outside"] == 1
        assert [p["key"] for p in w["presets"]] == ["4w", "3m", "1y", "all"]
        assert "since=2022" not in w["presets"][0]["href"] and "until=2022-06-13" in w["all_href"]
        chosen = views.window(s, Filters(dyad=("RUS", "TUR"), since="2015-10-01", until="2015-10-31"), path="/x")
        assert chosen["chosen"] and chosen["asof"] == "2015-10-31" and chosen["outside"] == 0


def test_api_series_events_network_take_the_window(client):
    rows = client.get("/api/dyads/RUS/TUR/series", params={"since": "2015-10-05", "until": "2015-10-25"}).json()
    assert [r["period"] for r in rows] == ["2015-10-05", "2015-10-12", "2015-10-19"]
    whole = client.get("/api/dyads/RUS/TUR/series").json()
    assert whole[0]["period"] >= "2015-01-01"  # the 1952 event is not there unless asked
    evs = client.get("/api/events", params={"dyad": "RUS,TUR", "since": "2015-10-05", "until": "2015-10-25", "limit": 5000}).json()
    assert evs and all("2015-10-05" <= e["date"] <= "2015-10-25" for e in evs)
    narrow = client.get("/api/network", params={"since": "2015-10-05", "until": "2015-10-11", "min_events": 1}).json()
    wide = client.get("/api/network", params={"min_events": 1}).json()
    assert 0 < sum(e["events"] for e in narrow["edges"]) < sum(e["events"] for e in wide["edges"])
    top = client.get("/api/dyads", params={"until": "2015-09-20", "n": 50}).json()
    assert sum(d["events"] for d in top) < sum(d["events"] for d in client.get("/api/dyads", params={"n": 50}).json())
    for url in ("/api/dyads/RUS/TUR/series", "/api/network", "/api/dyads", "/api/alerts", "/api/dyads/RUS/TUR/forecast"):
        r = client.get(url, params={"until": "2015-13-01"})
        assert r.status_code == 422 and "not a date" in r.json()["detail"], url


def test_forecast_is_as_of_the_window_end(client):
    f = client.get("/api/dyads/RUS/TUR/forecast", params={"since": "2015-09-01", "until": "2015-10-31"}).json()
    if not f.get("available"):
        pytest.skip(f.get("detail"))
    assert f["asof"] == "2015-10-31"
    assert client.get("/api/dyads/RUS/TUR/forecast", params={"until": "2015-11-15"}).json()["asof"] == "2015-11-15"


def test_api_alerts_take_window_actor_and_kind(client):
    every = client.get("/api/alerts", params={"min_severity": 0, "limit": 1000}).json()
    assert every, "build_db's RUS->TUR flare should alert"
    for a in every:
        assert 0 <= a["severity"] <= 100 and a["score"] == a["severity"] and a["summary"] and a["events_url"].startswith("/search?")
    assert [a["severity"] for a in every] == sorted((a["severity"] for a in every), reverse=True)
    kind = every[0]["kind"]
    only = client.get("/api/alerts", params={"min_severity": 0, "kind": kind, "limit": 1000}).json()
    assert only and all(a["kind"] == kind for a in only)
    assert client.get("/api/alerts", params={"kind": "riots"}).status_code == 422
    early = client.get("/api/alerts", params={"min_severity": 0, "until": "2015-10-15"}).json()
    assert all(a["window_start"] <= "2015-10-15" for a in early)
    assert len(early) < len(every)


def test_pages_state_the_window_and_carry_it(client):
    for url in ("/", "/dyad/RUS/TUR", "/actor/RUS", "/search", "/alerts"):
        html = client.get(url).text
        assert f'id="asof">as of {DATA_LAST}<' in html, url  # not 2022-06-13
        assert "last 4 weeks" in html and "3 months" in html and 'data-preset="all"' in html
    html = client.get("/dyad/RUS/TUR", params={"since": "2015-10-01", "until": "2015-10-31", "directed": "true"}).text
    assert 'id="asof">as of 2015-10-31<' in html
    assert "since=2015-10-01&amp;until=2015-10-31" in html  # the series/forecast/alerts URLs and the toggles carry it
    assert "/forecast?since=2015-10-01&amp;until=2015-10-31" in html or "forecast?since=2015-10-01\\u0026until=2015-10-31" in html
    html = client.get("/").text
    assert "far outside the rest" in html and "until=2022-06-13" in html  # the stray is left out, and can be shown
    assert client.get("/", params={"since": "yesterday"}).status_code == 422


def test_cli_dyad_and_report_use_the_same_default_window(db, tmp_path):
    import subprocess
    import sys

    cli = [sys.executable, "-m", "barograph.interfaces.cli"]
    r = subprocess.run(cli + ["dyad", "RUS", "TUR", "--db", str(db), "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    periods = [line.split(",")[0] for line in r.stdout.splitlines()[1:]]
    assert periods[0] == "2015-09-07" and periods[-1] <= DATA_LAST
    assert r.stderr.strip() == (
        f"1 event(s) far from the rest ({DATA_FIRST} to 2022-06-13) left out: showing {DATA_FIRST} to {DATA_LAST}; give --since/--until to include them"
    )
    r = subprocess.run(
        cli + ["dyad", "RUS", "TUR", "--db", str(db), "--format", "csv", "--freq", "year", "--since", "1950-01-01", "--until", "2022-12-31"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = {line.split(",")[0]: line.split(",")[4] for line in r.stdout.splitlines()[1:]}
    assert rows["2022-01-01"] == "1" and rows.get("1952-01-01", "0") == "0"  # asked for: the stray; the historical one still needs --historical
    r = subprocess.run(
        cli + ["report", "--dyad", "RUS", "TUR", "--db", str(db), "--out", str(tmp_path / "rep")], capture_output=True, text=True, timeout=180
    )
    assert r.returncode == 0, r.stderr
    assert "left out: showing 2015-09-07" in r.stderr


def test_historical_events_on_the_dashboard_only_when_asked(client):
    rows = client.get("/api/dyads/RUS/TUR/series", params={"freq": "month", "since": "1950-01-01", "until": "1953-01-01"}).json()
    assert sum(r["events"] for r in rows) == 0
    rows = client.get(
        "/api/dyads/RUS/TUR/series", params={"freq": "month", "since": "1950-01-01", "until": "1953-01-01", "historical": "true"}
    ).json()
    assert sum(r["events"] for r in rows) == 1 and [r["period"] for r in rows if r["events"]] == ["1952-02-01"]
    html = client.get("/dyad/RUS/TUR", params={"historical": "true", "since": "1952-01-01", "until": "1952-12-31"}).text
    assert "1952-02-18" in html and "historical=true" in html  # the event is listed; the series URL and presets keep asking
    assert "1952-02-18" not in client.get("/dyad/RUS/TUR", params={"since": "1952-01-01", "until": "1952-12-31"}).text


def test_actor_page_latest_events_are_of_the_window(client):
    html = client.get("/actor/TUR").text
    assert "<td class=\"nowrap\">2022-06-13" not in html and "<td class=\"nowrap\">2016-01-03" in html  # the stray is not the latest event
    assert "<td class=\"nowrap\">2022-06-13" in client.get("/actor/TUR", params={"since": "2015-01-01", "until": "2022-12-31"}).text
