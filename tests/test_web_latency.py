"""The latency work's shortcuts give exactly the answers of the library calls they replace."""

from __future__ import annotations

import pytest
from test_web_data import build_db

from barograph.analysis.series import dyad_series
from barograph.interfaces.web import views
from barograph.interfaces.web.filters import records
from barograph.store.db import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("latency") / "latency.duckdb"
    build_db(path, articles=40)
    return path


def _dyads(store) -> list[tuple[str, str]]:
    rows = store.con.execute(
        """SELECT source_entity, target_entity FROM events WHERE source_entity IS NOT NULL
           AND target_entity IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT 8"""
    ).fetchall()
    return [tuple(r) for r in rows] + [("RUSGOV", "TUR"), ("NOBODY", "TUR")]


RANGES = [
    (None, None),
    ("2015-10-01", None),
    (None, "2015-12-31"),
    ("2015-09-03", "2016-02-10"),
    ("2030-01-01", "2030-03-05"),
    ("2015-11-11", "2015-11-11"),
]


@pytest.mark.parametrize("freq", ["day", "week", "month", "quarter", "year"])
def test_series_view_is_dyad_series(db, freq):
    with Store(db, read_only=True) as store:
        checked = 0
        for a, b in _dyads(store):
            for directed in (True, False):
                for since, until in RANGES:
                    want = records(dyad_series(store, a, b, freq=freq, directed=directed, since=since, until=until))
                    got = views.series(store, a, b, freq=freq, directed=directed, since=since, until=until)
                    assert got == want, (a, b, freq, directed, since, until)
                    assert [type(v) for r in got for v in r.values()] == [type(v) for r in want for v in r.values()]
                    checked += len(got)
        assert checked > 50
