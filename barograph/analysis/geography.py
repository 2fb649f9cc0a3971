"""Events by the country where they happened, for the dashboard's world map and its API.

Why: analysts coming from GDELT and ACLED look at a map first; the store keeps each event's
place (`place_country`, ISO 3166 alpha-3; see barograph.events.places and the ICEWS/GDELT
imports), and this module counts them per country under the same filters as every other read
(`store.query.EventFilter`), with the Goldstein balance an analyst shades by. Each country
also carries its ISO 3166 numeric code, the id the bundled Natural Earth outline uses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from barograph.store.query import EventFilter


@lru_cache(maxsize=1)
def _country_facts() -> dict[str, tuple[str, str]]:
    """ISO3 -> (English name, ISO 3166 numeric code as three digits)."""
    import pycountry

    from barograph.events.places import country_name_of

    names = country_name_of()  # GeoNames' short names, as the place finder reports countries
    out = {c.alpha_3: (names.get(c.alpha_3) or getattr(c, "common_name", None) or c.name, c.numeric) for c in pycountry.countries}
    out["XKX"] = ("Kosovo", "")  # no ISO numeric code; the outline names it
    return out


def by_country(store, f: EventFilter | None = None) -> dict[str, Any]:
    """Per-country counts of the events matching `f` that have a place: events, material and
    verbal conflict and cooperation, the Goldstein sum and mean; and how many matching events
    have no place (so a map never hides what it leaves out)."""
    f = f or EventFilter()
    where, params = f.sql()
    rows = store.con.execute(
        f"""SELECT e.place_country, count(*) AS events,
                   count(*) FILTER (WHERE e.quad_class IN (1, 2)) AS cooperation,
                   count(*) FILTER (WHERE e.quad_class IN (3, 4)) AS conflict,
                   count(*) FILTER (WHERE e.quad_class = 4) AS material_conflict,
                   sum(e.goldstein) AS goldstein_sum, avg(e.goldstein) AS goldstein_mean,
                   CAST(min(e.date) AS VARCHAR), CAST(max(e.date) AS VARCHAR)
            FROM events e WHERE {where} AND e.place_country IS NOT NULL
            GROUP BY 1 ORDER BY events DESC, 1""",
        params,
    ).fetchall()
    total, dated_first, dated_last = store.con.execute(
        f"SELECT count(*), CAST(min(e.date) AS VARCHAR), CAST(max(e.date) AS VARCHAR) FROM events e WHERE {where}", params
    ).fetchone()
    facts = _country_facts()
    countries = []
    for code, n, coop, conf, mat, gsum, gmean, first, last in rows:
        name, numeric = facts.get(code, (code, ""))
        countries.append(
            {
                "country": code,
                "name": name,
                "numeric": numeric,
                "events": int(n),
                "cooperation": int(coop),
                "conflict": int(conf),
                "material_conflict": int(mat),
                "goldstein_sum": round(float(gsum), 2) if gsum is not None else None,
                "goldstein_mean": round(float(gmean), 3) if gmean is not None else None,
                "first": first,
                "last": last,
            }
        )
    located = sum(c["events"] for c in countries)
    return {
        "since": f.since,
        "until": f.until,
        "first": dated_first,
        "last": dated_last,
        "events": int(total or 0),
        "located": located,
        "unlocated": int(total or 0) - located,
        "countries": countries,
    }
