"""The JSON API and pages over a real DuckDB file (in-process ASGI client)."""

from __future__ import annotations

import csv
import io
import re
import warnings

import pytest
from test_web_data import build_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from barograph.interfaces.web.app import create_app
from barograph.store.db import Store

CODE_FIELDS = {
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
    "event_id",
    "article_id",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.duckdb"
    facts = build_db(path)
    return path, facts


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db[0])) as c:
        yield c


def sql(db, query, params=()):
    with Store(db[0], read_only=True) as s:
        return s.con.execute(query, list(params)).fetchall()


def test_health_counts_events(client, db):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["events"] == db[1]["events"] and body["writable"] is False


def test_events_by_dyad_and_since(client, db):
    r = client.get("/api/events", params={"dyad": "RUS,TUR", "since": "2015-10-15", "limit": 5000})
    assert r.status_code == 200
    rows = r.json()
    expected = sql(db, "SELECT count(*) FROM events WHERE source_entity='RUS' AND target_entity='TUR' AND date >= '2015-10-15'")[0][0]
    assert len(rows) == expected > 0
    for e in rows:
        assert CODE_FIELDS <= set(e)
        assert e["source_entity"] == "RUS" and e["target_entity"] == "TUR" and e["date"] >= "2015-10-15"
    assert [e["date"] for e in rows] == sorted((e["date"] for e in rows), reverse=True)


def test_events_filters_codes_modality_outlet(client):
    rows = client.get("/api/events", params={"codes": "19", "modality": "asserted", "outlets": "Fortune", "limit": 5000}).json()
    assert rows and all(e["cameo"].startswith("19") and e["modality"] == "asserted" and e["outlet"] == "Fortune" for e in rows)
    paged = client.get("/api/events", params={"codes": "19", "limit": 3, "offset": 2}).json()
    full = client.get("/api/events", params={"codes": "19", "limit": 5}).json()
    assert [e["event_id"] for e in paged] == [e["event_id"] for e in full[2:5]]


def test_bad_filters_are_422_with_a_reason(client):
    for params in ({"dyad": "RUS"}, {"codes": "1x"}, {"since": "yesterday"}, {"modality": "maybe"}, {"limit": 0}):
        r = client.get("/api/events", params=params)
        assert r.status_code == 422, params
        assert r.json()["detail"]


def test_series_matches_events(client):
    r = client.get("/api/dyads/RUS/TUR/series", params={"freq": "week"})
    assert r.status_code == 200
    rows = r.json()
    assert rows and list(rows[0])[:7] == ["period", "quad1", "quad2", "quad3", "quad4", "goldstein_sum", "events"]
    periods = [row["period"] for row in rows]
    assert periods == sorted(periods)
    from datetime import date

    assert all(date.fromisoformat(p).weekday() == 0 for p in periods)  # weeks start on Monday
    assert all(row["events"] == row["quad1"] + row["quad2"] + row["quad3"] + row["quad4"] for row in rows)
    # hypothetical events are not counted by the series, so it can only be below the raw list
    raw = client.get("/api/events", params={"dyad": "RUS,TUR", "limit": 5000}).json()
    assert 0 < sum(row["events"] for row in rows) <= len(raw)


def test_alerts_network_and_dyads(client):
    alerts = client.get("/api/alerts").json()
    assert isinstance(alerts, list)
    for a in alerts:
        assert {"source", "target", "window_start", "window_end", "direction", "score"} <= set(a)
    net = client.get("/api/network", params={"min_events": 1}).json()
    ids = {n["id"] for n in net["nodes"]}
    assert {"RUS", "TUR"} <= ids and all(e["source"] in ids and e["target"] in ids for e in net["edges"])
    dyads = client.get("/api/dyads", params={"n": 3}).json()
    assert len(dyads) == 3 and dyads[0]["events"] >= dyads[-1]["events"]


def test_search_finds_phrase_in_sentences(client):
    r = client.get("/api/search", params={"q": "Downing of the JET"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] > 0 and body["events"] and body["sentences"]
    assert all("downing of the jet" in e["text"].lower() for e in body["events"])
    assert all("downing of the jet" in s["text"].lower() for s in body["sentences"])
    # LIKE wildcards typed by a user are literal characters, not patterns
    assert client.get("/api/search", params={"q": "%_%"}).json()["total"] == 0


def test_article_offsets_point_at_the_evidence(client, db):
    article_id = db[1]["articles"][5]
    art = client.get(f"/api/articles/{article_id}").json()
    assert art["events"]
    for e in art["events"]:
        assert art["text"][e["start"] - art["body_start"] : e["end"] - art["body_start"]] == e["text"]
    page = client.get(f"/article/{article_id}").text
    for e in art["events"]:
        assert f'id="ev-{e["start"]}"' in page
    assert '<strong class="trigger">' in page
    assert client.get("/api/articles/nope").status_code == 404
    assert client.get("/article/nope").status_code == 404


def test_actor(client):
    a = client.get("/api/actors/TUR").json()
    assert a["events"] > 0 and a["recent"]
    assert all("TUR" in (e["source_entity"], e["target_entity"]) for e in a["recent"])
    assert all("TUR" in (p["source"], p["target"]) for p in a["partners"])
    assert client.get("/api/actors/XXX").status_code == 404


def test_export_carries_the_filters(client):
    params = {"dyad": "USA,RUS", "since": "2015-10-01"}
    listed = client.get("/api/events", params={**params, "limit": 5000}).json()
    r = client.get("/api/export", params={**params, "format": "csv"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(listed) > 0
    assert {row["event_id"] for row in rows} == {e["event_id"] for e in listed}
    import pyarrow.parquet as pq

    r = client.get("/api/export", params={**params, "format": "parquet"})
    table = pq.read_table(io.BytesIO(r.content))
    assert table.num_rows == len(listed)
    # the search page's export link reproduces its filters
    page = client.get("/search", params={**params, "q": "met"}).text
    link = re.search(r'href="(/api/export\?[^"]*format=csv[^"]*)"', page).group(1).replace("&amp;", "&")
    exported = list(csv.DictReader(io.StringIO(client.get(link).text)))
    assert exported and all("met" in row["text"] and row["source_entity"] == "USA" for row in exported)


PAGES = ["/", "/dyad/RUS/TUR", "/dyad/RUS/TUR?freq=month&directed=true", "/actor/RUS", "/search", "/search?q=jet&modality=asserted", "/docs"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_without_inline_script(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    html = r.text
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "http://" not in re.sub(r'href="https?://example\.org[^"]*"', "", html).replace("http://www.w3.org", "")
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_openapi_lists_the_api(client):
    spec = client.get("/openapi.json").json()
    for p in (
        "/api/events",
        "/api/dyads/{a}/{b}/series",
        "/api/alerts",
        "/health",
        "/api/search",
        "/api/export",
        "/api/ingest",
        "/api/articles/{article_id}",
        "/api/actors/{code}",
        "/api/network",
    ):
        assert p in spec["paths"], p
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in client.get("/docs").text
