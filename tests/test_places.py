"""Where events happened: the place finder on hand-built sentences, the gazetteer's codes, the
store's place columns (and the migration of an older file), GDELT import/export of ActionGeo,
the per-country API and the world map in Chromium."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from barograph.events import places
from barograph.records import Article, Document, Event, Sentence
from barograph.store.db import Store


@pytest.fixture(scope="module")
def coder():
    from barograph.events.coder import Coder

    return Coder(classifier=None)  # the rules alone, with the bundled actor dictionaries


def code(coder, sentence: str):
    text = "Headline\n\n" + sentence
    art = Article(doc="t.txt", index=0, start=0, end=len(text), date="2016-05-10", body_start=10, body_end=len(text), text=sentence, id="a1")
    return coder.code(art, [Sentence("a1", 0, 10, len(text), sentence)])


@pytest.mark.parametrize(
    "sentence, place, country, has_xy",
    [
        ("Russian forces shelled rebel positions in Aleppo on Monday.", "Aleppo", "SYR", True),
        ("Separatists attacked Ukrainian troops in eastern Ukraine.", "eastern Ukraine", "UKR", False),
        ("Russian missiles struck Ukrainian positions near Kharkiv.", "Kharkiv", "UKR", True),
        ("Israel launched air strikes on Hamas in the Gaza Strip.", "Gaza Strip", "PSE", True),
        ("Turkish troops shelled Kurdish fighters in Syria's Idlib province.", "Idlib", "SYR", True),
        ("Obama met Merkel in Berlin.", "Berlin", "DEU", True),
        ("Police arrested protesters outside the parliament in Kiev.", "Kyiv", "UKR", True),
        ("French troops attacked rebels in northern Mali.", "northern Mali", "MLI", False),
        ("Israel demolished a Bedouin village in the occupied West Bank.", "West Bank", "PSE", True),  # "West" is part of the name
        ("Russia deployed troops to Crimea.", "Crimea", "UKR", True),  # "to" after a movement
        ("Armenian forces attacked Azerbaijani positions in Nagorno-Karabakh.", "Nagorno-Karabakh", "AZE", True),
        # one name, two towns: the actors' country decides
        ("The Lebanese army clashed with Syrian rebels in Tripoli.", "Tripoli", "LBN", True),
        ("Libyan militias clashed with Egyptian troops in Tripoli.", "Tripoli", "LBY", True),
    ],
)
def test_event_gets_the_place_its_sentence_names(coder, sentence, place, country, has_xy):
    evs = code(coder, sentence)
    assert evs, sentence
    e = evs[0]
    assert (e.place, e.place_country) == (place, country)
    assert (e.latitude is not None and e.longitude is not None) == has_xy
    if has_xy:
        assert -90 <= e.latitude <= 90 and -180 <= e.longitude <= 180


@pytest.mark.parametrize(
    "sentence",
    [
        "Putin met Erdogan in March.",  # a month, though an English town is called March
        "Russia condemned the United States.",  # a country as actor is no place
        "Kerry said Russian actions in Syria worried Washington.",  # the place of another clause
        "Obama sent a letter to Merkel.",  # "to" names a place only after a movement, and Merkel is none
        "Putin spoke to Erdogan in March.",
    ],
)
def test_no_place_where_the_sentence_gives_none_for_the_event(coder, sentence):
    evs = code(coder, sentence)
    assert evs, sentence
    assert all(e.place is None and e.place_country is None and e.latitude is None for e in evs)


def test_coordinates_of_a_city_are_its_own():
    aleppo = places.lookup("Aleppo")
    assert aleppo.country == "SYR" and abs(aleppo.latitude - 36.2) < 0.1 and abs(aleppo.longitude - 37.16) < 0.1
    assert places.lookup("Kiev").name == "Kyiv"  # an alternate name leads to the city
    assert places.lookup("Syria") == places.Place("Syria", "SYR", None, None, "country")
    assert places.lookup("Georgia").country == "GEO"  # the country before the US state
    assert places.lookup("Tripoli", ("LBN",)).country == "LBN" and places.lookup("Tripoli").country == "LBY"
    assert places.lookup("March") is None and places.lookup("Nowhereville") is None


def test_every_country_code_is_iso_3166():
    import pycountry

    iso = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    names = places.country_names()
    assert set(names.values()) <= iso
    assert names["united states"] == "USA" and names["russia"] == "RUS" and names["russian federation"] == "RUS"
    assert names["ivory coast"] == names["côte d'ivoire"] == "CIV"
    rows = [line.split("\t") for line in places._data("regions.tsv").splitlines() if line and not line.startswith("#")]
    assert len(rows) > 50
    for name, country, lat, lon in rows:
        assert country in iso, name
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, name
    aliases = [line.split("\t") for line in places._data("country-aliases.tsv").splitlines() if line and not line.startswith("#")]
    assert all(code in iso for _, code in aliases)


def test_import_columns_become_a_place():
    p = places.from_columns("Kharkiv", "Kharkivs'ka Oblast'", "Ukraine", "49.98", "36.25")
    assert (p.name, p.country, p.latitude, p.longitude) == ("Kharkiv", "UKR", 49.98, 36.25)
    assert places.from_columns(None, None, "SYR", "", "").country == "SYR"
    assert places.from_columns("", "Donetsk", "Ukraine", "91", "20").latitude is None  # out of range: no coordinates
    assert places.from_columns("", "", "", None, None) is None


def _event(**kw) -> Event:
    base = dict(
        doc="d.txt",
        start=0,
        end=40,
        text="Russian jets bombed rebels in Aleppo.",
        source="RUSMIL",
        source_entity="RUS",
        target="SYRREB",
        target_entity="SYR",
        cameo="195",
        quad_class=4,
        goldstein=-10.0,
        date="2016-05-10",
        article_id="a1",
        trigger="bombed",
        trigger_start=13,
        trigger_end=19,
    )
    base.update(kw)
    return Event(**base)


def test_store_keeps_the_place(tmp_path):
    from barograph.store.writer import write_batch

    text = "Headline\n\nRussian jets bombed rebels in Aleppo. Talks went on.\n"
    doc = Document(doc="d.txt", text=text, kind="text", sha256="ab" * 32)
    art = Article(doc="d.txt", index=0, start=0, end=len(text), date="2016-05-10", body_start=10, body_end=len(text) - 1, text=text[10:-1], id="a1")
    sents = [Sentence("a1", 0, 10, 47, text[10:47])]
    evs = [
        _event(place="Aleppo", place_country="SYR", latitude=36.2012, longitude=37.1612),
        _event(cameo="042", quad_class=1, goldstein=1.9, trigger="visited", trigger_start=30),
    ]
    with Store(tmp_path / "p.duckdb") as st:
        write_batch(st, doc, [art], sents, evs, coder="test")
    with Store(tmp_path / "p.duckdb", read_only=True) as st:
        df = st.events(order="goldstein")
        assert list(df.columns[-4:]) == ["place", "place_country", "latitude", "longitude"]
        bombed, visited = df.iloc[0], df.iloc[1]
        assert (bombed["place"], bombed["place_country"], bombed["latitude"], bombed["longitude"]) == ("Aleppo", "SYR", 36.2012, 37.1612)
        assert pd.isna(visited["place"]) and pd.isna(visited["place_country"]) and pd.isna(visited["latitude"])


def test_an_older_store_opens_and_keeps_its_events(tmp_path):
    """A file written before the place columns upgrades in place (this and every later
    migration); its rows stay."""
    import duckdb

    from barograph.store.schema import LATEST, MIGRATIONS

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    places_at = next(i for i, m in enumerate(MIGRATIONS, 1) if "place_country" in m)
    for v in range(1, places_at):
        con.execute(MIGRATIONS[v - 1])
        con.execute("INSERT INTO schema_version VALUES (?, current_timestamp)", [v])
    con.execute("INSERT INTO events (event_id, cameo, source_entity, target_entity, date) VALUES ('old1', '190', 'RUS', 'UKR', '2014-03-01')")
    con.close()
    with pytest.raises(Exception, match="older"):
        Store(path, read_only=True)  # read-only cannot upgrade: says so, changes nothing
    with Store(path) as st:
        df = st.events()
        assert list(df["event_id"]) == ["old1"] and pd.isna(df.iloc[0]["place"])
        assert st.con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == LATEST
    with Store(path, read_only=True) as st:
        assert len(st.events()) == 1


def test_gdelt_import_keeps_action_geo_and_export_writes_it(tmp_path):
    from barograph.analysis.exports import export
    from barograph.analysis.gdelt import COLUMNS, import_gdelt

    cells = [""] * 61
    vals = {
        "GLOBALEVENTID": "1200000002",
        "SQLDATE": "20160510",
        "Actor1Code": "RUSMIL",
        "Actor1CountryCode": "RUS",
        "Actor2Code": "SYRREB",
        "Actor2CountryCode": "SYR",
        "EventCode": "195",
        "EventRootCode": "19",
        "QuadClass": "4",
        "GoldsteinScale": "-10",
        "NumMentions": "4",
        "ActionGeo_Type": "4",
        "ActionGeo_FullName": "Aleppo, Halab, Syria",
        "ActionGeo_CountryCode": "SY",  # FIPS 10-4, as GDELT writes it
        "ActionGeo_ADM1Code": "SY09",
        "ActionGeo_Lat": "36.2028",
        "ActionGeo_Long": "37.1586",
        "SOURCEURL": "https://example.org/aleppo",
    }
    for k, v in vals.items():
        cells[COLUMNS.index(k)] = v
    src = tmp_path / "one.export.CSV"
    src.write_text("\t".join(cells) + "\n")
    with Store(tmp_path / "g.duckdb") as st:
        import_gdelt(st, [src])
        e = st.events().iloc[0]
        assert (e["place"], e["place_country"], e["latitude"], e["longitude"]) == ("Aleppo, Halab, Syria", "SYR", 36.2028, 37.1586)
        out = tmp_path / "back.tsv"
        export(st, "gdelt", out)
    row = dict(zip(COLUMNS, out.read_text().rstrip("\n").split("\t")))
    assert row["ActionGeo_FullName"] == "Aleppo, Halab, Syria" and row["ActionGeo_CountryCode"] == "SY"
    assert (row["ActionGeo_Type"], row["ActionGeo_Lat"], row["ActionGeo_Long"]) == ("4", "36.2028", "37.1586")
    with Store(tmp_path / "g2.duckdb") as st:  # and back again
        import_gdelt(st, [out])
        assert st.events().iloc[0]["place_country"] == "SYR"


def test_csv_parquet_and_plover_exports_carry_the_place(tmp_path):
    import json

    from barograph.analysis.exports import export
    from barograph.store.writer import write_batch

    text = "Headline\n\nRussian jets bombed rebels in Aleppo.\n"
    doc = Document(doc="d.txt", text=text, kind="text", sha256="cd" * 32)
    art = Article(doc="d.txt", index=0, start=0, end=len(text), date="2016-05-10", body_start=10, body_end=len(text) - 1, text=text[10:-1], id="a1")
    with Store(tmp_path / "x.duckdb") as st:
        write_batch(
            st,
            doc,
            [art],
            [Sentence("a1", 0, 10, 47, text[10:47])],
            [_event(place="Aleppo", place_country="SYR", latitude=36.2, longitude=37.16)],
            coder="test",
        )
        export(st, "csv", tmp_path / "e.csv")
        export(st, "parquet", tmp_path / "e.parquet")
        export(st, "plover", tmp_path / "e.jsonl")
    c = pd.read_csv(tmp_path / "e.csv").iloc[0]
    assert (c["place"], c["place_country"], c["latitude"]) == ("Aleppo", "SYR", 36.2)
    assert pd.read_parquet(tmp_path / "e.parquet").iloc[0]["longitude"] == 37.16
    rec = json.loads((tmp_path / "e.jsonl").read_text().splitlines()[0])
    assert rec["location"] == {"name": "Aleppo", "country": "SYR", "lat": 36.2, "lon": 37.16}


# ---- the API and the map ---------------------------------------------------------------------


def _placed_db(path: Path) -> dict:
    """The web tests' store with places set on its events: RUS->TUR events in Syria (Aleppo),
    TUR->RUS events in Turkey, the rest without a place."""
    from test_web_data import build_db

    facts = build_db(path)
    with Store(path) as st:
        st.con.execute(
            "UPDATE events SET place = 'Aleppo', place_country = 'SYR', latitude = 36.2, longitude = 37.16 WHERE source_entity = 'RUS' AND target_entity = 'TUR'"
        )
        st.con.execute("UPDATE events SET place = 'Turkey', place_country = 'TUR' WHERE source_entity = 'TUR' AND target_entity = 'RUS'")
        facts["by_country"] = dict(st.con.execute("SELECT place_country, count(*) FROM events WHERE place_country IS NOT NULL GROUP BY 1").fetchall())
        facts["gold"] = dict(st.con.execute("SELECT place_country, avg(goldstein) FROM events WHERE place_country IS NOT NULL GROUP BY 1").fetchall())
        facts["late_syria"] = st.con.execute("SELECT count(*) FROM events WHERE place_country = 'SYR' AND date >= '2015-10-15'").fetchone()[0]
    return facts


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    path = tmp_path_factory.mktemp("places") / "web.duckdb"
    return path, _placed_db(path)


def test_api_counts_events_per_country(placed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from barograph.interfaces.web.app import create_app

    path, facts = placed
    with TestClient(create_app(path)) as client:
        body = client.get("/api/places/countries").json()
        got = {c["country"]: c for c in body["countries"]}
        assert {k: v["events"] for k, v in got.items()} == facts["by_country"]
        assert got["SYR"]["numeric"] == "760" and got["TUR"]["numeric"] == "792" and got["SYR"]["name"] == "Syria"
        assert abs(got["SYR"]["goldstein_mean"] - facts["gold"]["SYR"]) < 1e-3
        assert got["SYR"]["conflict"] + got["SYR"]["cooperation"] <= got["SYR"]["events"]
        assert body["located"] == sum(facts["by_country"].values()) and body["events"] == facts["events"]
        assert body["unlocated"] == body["events"] - body["located"] > 0
        late = client.get("/api/places/countries", params={"since": "2015-10-15"}).json()
        assert {c["country"]: c["events"] for c in late["countries"]}["SYR"] == facts["late_syria"] < facts["by_country"]["SYR"]
        assert late["since"] == "2015-10-15"
        assert client.get("/api/places/countries", params={"since": "yesterday"}).status_code == 422
        # the `places` event filter: by country code or by place name, in every read
        syr = client.get("/api/events", params={"places": "SYR", "limit": 5000}).json()
        assert len(syr) == facts["by_country"]["SYR"] and all(e["place_country"] == "SYR" and e["place"] == "Aleppo" for e in syr)
        assert len(client.get("/api/events", params={"places": "Aleppo", "limit": 5000}).json()) == len(syr)
        both = client.get("/api/places/countries", params={"places": "SYR,TUR"}).json()
        assert both["events"] == both["located"] == sum(facts["by_country"].values())
        page = client.get("/map?since=2015-10-15&shade=goldstein")
        assert page.status_code == 200 and 'id="worldmap"' in page.text and "/api/places/countries?since=2015-10-15" in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        outline = client.get("/static/vendor/world-atlas/countries-110m.json")
        assert outline.status_code == 200 and outline.json()["type"] == "Topology"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("shade", ["events", "goldstein"])
def test_world_map_draws_in_chromium(placed, shade):
    from test_browser_pages import ARGS, check_clean, visit
    from test_web_data import LiveServer

    from barograph.interfaces.web.app import create_app

    path, facts = placed
    from playwright.sync_api import sync_playwright

    with LiveServer(create_app(path)) as s, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            ctx, page, *problems = visit(browser, s.url + f"/map?shade={shade}", f"map-{shade}", "#worldmap svg path.country.has-events")
            countries = page.eval_on_selector_all("#worldmap path.country", "els => els.length")
            assert countries > 150  # the whole Natural Earth outline is drawn
            shaded = page.eval_on_selector_all(
                "#worldmap path.country.has-events", "els => els.map(e => [e.dataset.country, e.getAttribute('fill')])"
            )
            assert sorted(c for c, _ in shaded) == sorted(facts["by_country"])
            grey = page.eval_on_selector("#worldmap path.country:not(.has-events)", "e => e.getAttribute('fill')")
            assert all(fill and fill != grey for _, fill in shaded)
            assert len({fill for _, fill in shaded}) == 2  # two countries, two different shades
            assert "events have a place" in page.inner_text("#map-coverage")
            assert page.eval_on_selector_all("#map-table tbody tr", "els => els.length") == len(facts["by_country"])
            check_clean(*problems)
            # a country links to its events, in the same window
            page.click("#worldmap a[href*='places=SYR'] path")
            page.wait_for_load_state("networkidle")
            assert "/search?" in page.url and "places=SYR" in page.url
            assert page.inner_text(".pager span").strip() == f"{facts['by_country']['SYR']:,} events"
            assert page.eval_on_selector_all("table.events td.evidence .place", "els => els.map(e => e.innerText)")[0] == "in Aleppo"
            ctx.close()
        finally:
            browser.close()


def test_cli_and_web_filter_by_place_alike(placed, tmp_path):
    import subprocess
    import sys

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from barograph.interfaces.web.app import create_app

    path, facts = placed
    out = tmp_path / "syr.csv"
    p = subprocess.run(
        [sys.executable, "-m", "barograph.interfaces.cli", "export", "--db", str(path), "--format", "csv", "--out", str(out), "--places", "SYR"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    with TestClient(create_app(path)) as client:
        web = client.get("/api/export", params={"format": "csv", "places": "SYR"})
    assert web.content == out.read_bytes()
    assert len(pd.read_csv(out)) == facts["by_country"]["SYR"]


def test_places_command_counts_as_the_api_does(placed):
    import json
    import subprocess
    import sys

    path, facts = placed
    cli = [sys.executable, "-m", "barograph.interfaces.cli", "places", "--db", str(path)]
    p = subprocess.run(cli + ["--format", "json"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert {r["country"]: r["events"] for r in rows} == facts["by_country"]
    assert f"{sum(facts['by_country'].values()):,} of {facts['events']:,} events have a place" in p.stderr
    late = subprocess.run(cli + ["--format", "csv", "--since", "2015-10-15", "--places", "SYR"], capture_output=True, text=True)
    assert late.returncode == 0 and late.stdout.splitlines()[1].startswith(f"SYR,Syria,{facts['late_syria']},")
    bad = subprocess.run(cli + ["--format", "xml"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.strip() == "barograph: --format: unknown format 'xml' (use table, csv or json)"


def test_gazetteer_cache_is_rebuilt_when_damaged(tmp_path, monkeypatch):
    cache = tmp_path / f"places-{places.digest()}.pickle"
    cache.write_bytes(b"not a pickle")
    monkeypatch.setattr(places, "_cache_path", lambda: cache)
    places.gazetteer.cache_clear()
    try:
        g = places.gazetteer()
        assert g["aleppo"][0].country == "SYR"
        places.gazetteer.cache_clear()
        assert places.gazetteer() == g  # read back from the rewritten cache
        assert cache.stat().st_size > 1_000_000
    finally:
        places.gazetteer.cache_clear()
