"""GDELT 2.0 event files (61 tab-separated columns, no header), read into and written from the store.

Import maps Actor1/Actor2 to source/target (code, country as entity, Type1 as sector, name),
EventCode to cameo (PLOVER type/mode from `barograph.events.codes`), NumMentions to mentions
and SOURCEURL to `doc` and its host to `outlet`. Re-importing a file replaces its events
(ids are 'gdelt:<GLOBALEVENTID>'), in one transaction. Parsing is columnar (pyarrow); a bad
file is re-read line by line only to name the first bad line.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from barograph.errors import BadInput
from barograph.store import indexes

ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]
GEO = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
COLUMNS: list[str] = (
    ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    + [f"Actor1{c}" for c in ACTOR]
    + [f"Actor2{c}" for c in ACTOR]
    + [
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    ]
    + [f"Actor1Geo_{c}" for c in GEO]
    + [f"Actor2Geo_{c}" for c in GEO]
    + [f"ActionGeo_{c}" for c in GEO]
    + ["DATEADDED", "SOURCEURL"]
)
assert len(COLUMNS) == 61


def _first_bad_line(lines) -> tuple[int, str]:
    """(line number, problem) of the first malformed line of an iterable of text lines."""
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            return n, f"expected 61 tab-separated GDELT 2.0 columns, found {len(cells)}"
        if not re.fullmatch(r"\d{8}", cells[1]):
            return n, f"SQLDATE is not YYYYMMDD: {cells[1][:20]!r}"
        if not re.fullmatch(r"\d{2,4}", cells[26]):
            return n, f"EventCode is not a CAMEO code: {cells[26][:20]!r}"
        if not re.fullmatch(r"-?\d+", cells[0]):
            return n, f"GLOBALEVENTID is not a number: {cells[0][:20]!r}"
    return 0, ""


def read_table(path):
    """The file as a pyarrow Table of 61 string columns; BadInput names the first bad line.

    GDELT distributes its files zipped (`20150218230000.export.CSV.zip`): a zip (every file in
    it) or a gzip is read as the file(s) it holds."""
    import pyarrow as pa

    from barograph.ingest.containers import is_compressed, open_path

    p = Path(path)
    if not p.exists():
        raise BadInput(str(p), "no such file")
    with open(p, "rb") as f:
        compressed = is_compressed(f.read(8))
    if not compressed:
        return _read_one(p, str(p), lambda: open(p, encoding="utf-8", errors="replace"))
    tables = []
    try:
        for where, stream in open_path(str(p)):
            data = stream.read()
            tables.append(_read_one(pa.BufferReader(data), where, lambda data=data: io.StringIO(data.decode("utf-8", "replace"))))
    except (OSError, EOFError) as e:
        raise BadInput(str(p), f"cannot unpack ({e})") from None
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def _read_one(source, where: str, lines):
    """One GDELT file (a path or an arrow buffer) as a Table; `lines()` re-reads it as text."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    try:
        t = pcsv.read_csv(
            source,
            read_options=pcsv.ReadOptions(column_names=COLUMNS, encoding="utf8"),
            parse_options=pcsv.ParseOptions(delimiter="\t", quote_char=False, newlines_in_values=False),
            convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in COLUMNS}, strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as e:
        with lines() as f:
            n, problem = _first_bad_line(f)
        if n:
            raise BadInput(where, problem, line=n) from None
        raise BadInput(where, f"not a GDELT 2.0 event file ({str(e).splitlines()[0][:100]})") from None
    ok = pc.and_(pc.match_substring_regex(t["SQLDATE"], r"^\d{8}$"), pc.match_substring_regex(t["EventCode"], r"^\d{2,4}$"))
    ok = pc.and_(ok, pc.match_substring_regex(t["GLOBALEVENTID"], r"^-?\d+$"))
    if not pc.all(ok).as_py():
        with lines() as f:
            n, problem = _first_bad_line(f)
        raise BadInput(where, problem or "malformed row", line=n or None)
    return t


def import_gdelt(store, paths, *, corpus: str | None = None, progress=None) -> dict:
    """Import GDELT 2.0 event files; returns {'events': n, 'files': [...]}."""
    import pyarrow as pa

    from barograph.analysis.icews import _transaction
    from barograph.events import codes, places
    from barograph.ingest.containers import inner_name

    tables = []
    for path in paths:
        t = read_table(path)
        tables.append((Path(path), t))
        if progress:
            progress(Path(path).name, t.num_rows)
    total = 0
    con = store.con
    with _transaction(store):
        for p, t in tables:
            cam = sorted(set(t["EventCode"].to_pylist()))
            facts = [(c, codes.root(c), *codes.plover(c)) for c in cam]
            ft = pa.table(
                {"cameo": [f[0] for f in facts], "root": [f[1] for f in facts], "plover": [f[2] for f in facts], "mode": [f[3] for f in facts]}
            )
            fips = places.fips_to_iso3()
            geo = pa.table({"fips": list(fips), "iso3": list(fips.values())})
            con.register("gdelt_in", t)
            con.register("gdelt_codes", ft)
            con.register("gdelt_fips", geo)
            try:
                con.execute("DELETE FROM events WHERE event_id IN (SELECT 'gdelt:' || GLOBALEVENTID FROM gdelt_in)")
                con.execute(
                    """
                    INSERT INTO events (event_id, origin, corpus, doc, source, source_entity, source_sector,
                        source_name, target, target_entity, target_sector, target_name, cameo, root_code,
                        quad_class, goldstein, plover, plover_mode, modality, date, outlet, mentions, coder,
                        place, place_country, latitude, longitude)
                    SELECT 'gdelt:' || g.GLOBALEVENTID, 'gdelt', ?, nullif(g.SOURCEURL, ''),
                        nullif(g.Actor1Code, ''), coalesce(nullif(g.Actor1CountryCode, ''), nullif(left(g.Actor1Code, 3), '')),
                        nullif(g.Actor1Type1Code, ''), nullif(g.Actor1Name, ''),
                        nullif(g.Actor2Code, ''), coalesce(nullif(g.Actor2CountryCode, ''), nullif(left(g.Actor2Code, 3), '')),
                        nullif(g.Actor2Type1Code, ''), nullif(g.Actor2Name, ''),
                        g.EventCode, coalesce(nullif(g.EventRootCode, ''), c.root),
                        TRY_CAST(nullif(g.QuadClass, '') AS TINYINT), TRY_CAST(nullif(g.GoldsteinScale, '') AS DOUBLE),
                        c.plover, c.mode, 'asserted', strptime(g.SQLDATE, '%Y%m%d')::DATE,
                        nullif(regexp_extract(g.SOURCEURL, '^[a-z]+://(?:www\\.)?([^/:]+)', 1), ''),
                        coalesce(TRY_CAST(nullif(g.NumMentions, '') AS INTEGER), 1), 'gdelt-import',
                        nullif(g.ActionGeo_FullName, ''), f.iso3,
                        TRY_CAST(nullif(g.ActionGeo_Lat, '') AS DOUBLE), TRY_CAST(nullif(g.ActionGeo_Long, '') AS DOUBLE)
                    FROM gdelt_in g LEFT JOIN gdelt_codes c ON c.cameo = g.EventCode
                    LEFT JOIN gdelt_fips f ON f.fips = g.ActionGeo_CountryCode
                    QUALIFY row_number() OVER (PARTITION BY g.GLOBALEVENTID) = 1
                    """,
                    [corpus or Path(inner_name(p.name)).stem],
                )
            finally:
                con.unregister("gdelt_in")
                con.unregister("gdelt_codes")
                con.unregister("gdelt_fips")
            total += t.num_rows
        indexes.rebuild(con)  # the dashboard's word index and dyad days, in the same transaction
    return {"events": total, "files": [str(p) for p, _ in tables]}


def to_gdelt_rows(df):
    """An events() frame as a 61-column GDELT 2.0 frame (strings; unknown columns empty)."""
    import hashlib

    import numpy as np
    import pandas as pd

    n = len(df)
    out = pd.DataFrame({c: [""] * n for c in COLUMNS})

    def gid(eid: str) -> str:
        if eid.startswith("gdelt:") and eid[6:].lstrip("-").isdigit():
            return eid[6:]
        return str(int.from_bytes(hashlib.sha1(eid.encode()).digest()[:6], "big"))

    def s(col):
        return df[col].astype(object).where(df[col].notna(), "").astype(str)

    d = pd.to_datetime(df["date"], errors="coerce")
    has = d.notna()
    out["GLOBALEVENTID"] = [gid(e) for e in df["event_id"]]
    out["SQLDATE"] = np.where(has, d.dt.strftime("%Y%m%d"), "")
    out["MonthYear"] = np.where(has, d.dt.strftime("%Y%m"), "")
    out["Year"] = np.where(has, d.dt.strftime("%Y"), "")
    frac = d.dt.year + (d.dt.day_of_year - 1) / 365.0
    out["FractionDate"] = np.where(has, frac.round(4).astype(str), "")
    for side, pre in (("source", "Actor1"), ("target", "Actor2")):
        code = s(side)
        out[f"{pre}Code"] = code
        out[f"{pre}Name"] = s(f"{side}_name").str.upper()
        ent = s(f"{side}_entity")
        out[f"{pre}CountryCode"] = np.where(ent.str.fullmatch(r"[A-Z]{3}"), ent, "")
        out[f"{pre}Type1Code"] = s(f"{side}_sector")
    out["IsRootEvent"] = "1"
    out["EventCode"] = s("cameo")
    out["EventBaseCode"] = s("cameo").str[:3]
    out["EventRootCode"] = s("cameo").str[:2]
    out["QuadClass"] = s("quad_class")
    out["GoldsteinScale"] = df["goldstein"].map(lambda v: "" if pd.isna(v) else f"{float(v):g}")
    out["NumMentions"] = df["mentions"].fillna(1).astype(int).astype(str)
    out["NumSources"] = "1"
    out["NumArticles"] = df["mentions"].fillna(1).astype(int).astype(str)
    out["AvgTone"] = "0"
    out["DATEADDED"] = np.where(has, d.dt.strftime("%Y%m%d000000"), "")
    # where it happened: ActionGeo_Type 1 (country) without coordinates, 4 (world city) or
    # 3 (US city) with them; country codes are FIPS 10-4 as in GDELT
    if "place_country" in df:
        from barograph.events import places

        fips = s("place_country").map(lambda c: places.iso3_to_fips().get(c, ""))
        lat = df["latitude"].map(lambda v: "" if pd.isna(v) else f"{float(v):.4f}")
        lon = df["longitude"].map(lambda v: "" if pd.isna(v) else f"{float(v):.4f}")
        has_place = s("place") != ""
        has_xy = lat != ""
        out["ActionGeo_Type"] = np.where(has_xy, np.where(s("place_country") == "USA", "3", "4"), np.where(has_place & (fips != ""), "1", "0"))
        out["ActionGeo_FullName"] = s("place")
        out["ActionGeo_CountryCode"] = fips
        out["ActionGeo_ADM1Code"] = fips
        out["ActionGeo_Lat"] = lat
        out["ActionGeo_Long"] = lon
    doc = s("doc")
    out["SOURCEURL"] = np.where(doc.str.contains("://"), doc, s("outlet"))
    return out
