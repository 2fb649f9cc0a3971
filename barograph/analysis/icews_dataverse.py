"""Import ICEWS event files as users download them from the Harvard Dataverse.

Why: `icews.py` reads the ICEWS14 benchmark layout (ids and quadruples), but an analyst who
downloads ICEWS gets `events.2014.20150313084929.tab` files (zipped or not): tab-separated,
one header line (Event ID, Event Date, Source Name, Source Sectors, Source Country, Event
Text, CAMEO Code, Intensity, Target Name, Target Sectors, Target Country, Story ID, Sentence
Number, Publisher, City, District, Province, Country, Latitude, Longitude). Each side becomes
a CAMEO-style code: a country by name (RUS), else a person or group through the actor
dictionaries, else its country and the first sector word that names a CAMEO agent
(Police + Nigeria -> NGACOP), else the raw name (no event is lost). Intensity is kept as the
Goldstein value; the publisher as the outlet. Re-importing a file replaces its events.
"""

from __future__ import annotations

import glob
import os
import time
from datetime import date
from pathlib import Path

from barograph.analysis.icews import EntityCode, ImportResult, _resolver, _transaction, countries, resolve_entity, sector_of
from barograph.errors import BadInput
from barograph.store import indexes

REQUIRED = ("Event ID", "Event Date", "Source Name", "Source Country", "CAMEO Code", "Target Name", "Target Country")
OPTIONAL = (
    "Source Sectors",
    "Target Sectors",
    "Intensity",
    "Publisher",
    "Story ID",
    "Sentence Number",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
PATTERN = "events.*.tab*"


def expand(paths) -> list[Path]:
    """Files named, `events.*.tab*` files under folders, and glob matches."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(Path(f) for f in glob.glob(os.path.join(p, "**", PATTERN), recursive=True) if os.path.isfile(f))
            if not found:
                raise BadInput(str(p), "no ICEWS files here (events.YYYY.*.tab, zipped or not; or entity2id.txt and train.txt)")
            out += found
        elif p.is_file():
            out.append(p)
        elif glob.has_magic(str(p)):
            found = sorted(Path(f) for f in glob.glob(str(p)) if os.path.isfile(f))
            if not found:
                raise BadInput(str(p), "no file matches this pattern")
            out += found
        else:
            raise BadInput(str(p), "no such file or folder")
    return out


def read_file(path: Path):
    """One Dataverse file (plain, gzipped or zipped) as a frame of strings; BadInput on a bad one."""
    import pandas as pd

    from barograph.ingest.containers import open_path

    frames = []
    try:
        for where, stream in open_path(str(path)):
            try:
                df = pd.read_csv(stream, sep="\t", dtype=str, keep_default_na=False, quoting=3, encoding="utf-8", on_bad_lines="error")
            except pd.errors.ParserError as e:
                raise BadInput(where, f"not a tab-separated ICEWS event file ({str(e).splitlines()[0][:100]})") from None
            except UnicodeDecodeError as e:
                raise BadInput(where, f"not UTF-8 text (byte {e.start})") from None
            except pd.errors.EmptyDataError:
                raise BadInput(where, "empty file") from None
            df.columns = [c.strip() for c in df.columns]
            missing = [c for c in REQUIRED if c not in df.columns]
            if missing:
                raise BadInput(where, f"not an ICEWS event file: no column {', '.join(repr(c) for c in missing)} in the header", line=1)
            for c in OPTIONAL:
                if c not in df.columns:
                    df[c] = ""
            dates = pd.to_datetime(df["Event Date"], format="%Y-%m-%d", errors="coerce")
            if dates.isna().any():
                i = int(dates.isna().to_numpy().argmax())
                raise BadInput(where, f"Event Date is not YYYY-MM-DD: {df['Event Date'].iat[i][:20]!r}", line=i + 2)
            df["date"] = dates.dt.date
            code = df["CAMEO Code"].str.strip()
            ok = code.str.fullmatch(r"\d{1,4}")
            if not ok.all():
                i = int((~ok).to_numpy().argmax())
                raise BadInput(where, f"CAMEO Code is not a code: {code.iat[i][:20]!r}", line=i + 2)
            df["cameo"] = code.where(code.str.len() >= 3, code.str.zfill(3))  # "42" read as a number elsewhere -> "042"
            df["where"] = where
            frames.append(df)
    except (OSError, EOFError) as e:
        raise BadInput(str(path), f"cannot read ({e})") from None
    return pd.concat(frames, ignore_index=True)


def side(name: str, sectors: str, country: str, when: date | None, resolver) -> EntityCode:
    """One side of a Dataverse event -> actor code, entity and sector."""
    name = name.strip()
    table = countries()
    if name.upper() in table:
        return EntityCode(table[name.upper()], table[name.upper()], None, name, True)
    known = resolve_entity(name.replace(" ", "_"), when, resolver)
    if known.resolved:
        return EntityCode(known.code, known.entity, known.sector, name, True)
    ent = table.get(country.strip().upper())
    if ent:
        sec = next((s for s in (sector_of(w) for w in sectors.split(",") if w.strip()) if s), None) or sector_of(name)
        return EntityCode(ent + (sec or ""), ent, sec, name, True)
    return EntityCode(name, name, None, name, False)


def import_icews_events(store, paths, *, corpus: str | None = None, progress=None) -> ImportResult:
    """Import Dataverse ICEWS event files (`events.YYYY.*.tab`, zipped or not)."""
    import pandas as pd
    import pyarrow as pa

    from barograph.events import codes, places

    t0 = time.perf_counter()
    files = expand(paths)
    frames = []
    for f in files:
        df = read_file(f)
        frames.append(df)
        if progress:
            progress(f.name, len(df))
    df = pd.concat(frames, ignore_index=True)
    if df.empty:
        raise BadInput(str(files[0]), "the ICEWS files hold no events")
    corpus = corpus or "icews"
    resolver = _resolver()
    mid = sorted(df["date"])[len(df) // 2]
    cache: dict[tuple[str, str, str], EntityCode] = {}
    sides: dict[str, list[EntityCode]] = {}
    for pre in ("Source", "Target"):
        keys = list(zip(df[f"{pre} Name"], df[f"{pre} Sectors"], df[f"{pre} Country"]))
        for k in set(keys):
            if k not in cache:
                cache[k] = side(*k, mid, resolver)
        got = [cache[k] for k in keys]
        p = pre.lower()
        sides[p] = got
        df[f"{p}_resolved"] = [g.resolved for g in got]
    facts = {c: (codes.root(c), codes.quad_class(c), codes.goldstein(c), *codes.plover(c)) for c in set(df["cameo"])}
    intensity = pd.to_numeric(df["Intensity"], errors="coerce")
    # where it happened, as ICEWS located it (City/Province/Country/Latitude/Longitude)
    where_cache: dict[tuple, object] = {}
    located = []
    for k in zip(df["City"], df["Province"], df["Country"], df["Latitude"], df["Longitude"]):
        if k not in where_cache:
            where_cache[k] = places.from_columns(*k)
        located.append(where_cache[k])
    rows = pa.table(
        {
            "event_id": ("icews:" + df["Event ID"].str.strip()).tolist(),
            "source": [g.code for g in sides["source"]],
            "source_entity": [g.entity for g in sides["source"]],
            "source_sector": pa.array([g.sector for g in sides["source"]], pa.string()),
            "source_name": df["Source Name"].tolist(),
            "target": [g.code for g in sides["target"]],
            "target_entity": [g.entity for g in sides["target"]],
            "target_sector": pa.array([g.sector for g in sides["target"]], pa.string()),
            "target_name": df["Target Name"].tolist(),
            "cameo": df["cameo"].tolist(),
            "root_code": [facts[c][0] for c in df["cameo"]],
            "quad_class": [facts[c][1] for c in df["cameo"]],
            "goldstein": [float(i) if i == i else facts[c][2] for i, c in zip(intensity, df["cameo"])],
            "plover": [facts[c][3] for c in df["cameo"]],
            "plover_mode": [facts[c][4] for c in df["cameo"]],
            "date": df["date"].tolist(),
            "outlet": [x.strip() or None for x in df["Publisher"]],
            "place": pa.array([p.name if p else None for p in located], pa.string()),
            "place_country": pa.array([(p.country or None) if p else None for p in located], pa.string()),
            "latitude": pa.array([p.latitude if p else None for p in located], pa.float64()),
            "longitude": pa.array([p.longitude if p else None for p in located], pa.float64()),
        }
    )
    con = store.con
    con.register("icews_rows", rows)
    try:
        with _transaction(store):
            con.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM icews_rows)")
            con.execute(
                """
                INSERT INTO events (event_id, origin, corpus, source, source_entity, source_sector, source_name,
                    target, target_entity, target_sector, target_name, cameo, root_code, quad_class, goldstein,
                    plover, plover_mode, modality, date, outlet, historical, coder, mentions, confidence,
                    place, place_country, latitude, longitude)
                SELECT event_id, 'icews', ?, source, source_entity, source_sector, source_name,
                    target, target_entity, target_sector, target_name, cameo, root_code, quad_class, goldstein,
                    plover, plover_mode, 'asserted', date, outlet, FALSE, 'icews-import', 1, 1.0,
                    place, place_country, latitude, longitude
                FROM icews_rows
                QUALIFY row_number() OVER (PARTITION BY event_id) = 1
                """,
                [corpus],
            )
            indexes.rebuild(con)  # the dashboard's word index and dyad days, in the same transaction
    finally:
        con.unregister("icews_rows")
    both = int((df["source_resolved"] & df["target_resolved"]).sum())
    unresolved = pd.concat([df.loc[~df["source_resolved"], "Source Name"], df.loc[~df["target_resolved"], "Target Name"]]).value_counts()
    return ImportResult(
        corpus=corpus,
        events=len(df),
        files=[str(f) for f in files],
        entities=len(cache),
        entities_resolved=sum(1 for v in cache.values() if v.resolved),
        events_both_resolved=both,
        relations=len(facts),
        seconds=time.perf_counter() - t0,
        first_date=str(min(df["date"])),
        last_date=str(max(df["date"])),
        unresolved_top=[(str(n), int(c)) for n, c in unresolved.head(10).items()],
    )
