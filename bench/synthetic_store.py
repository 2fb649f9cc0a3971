"""A synthetic store of millions of ICEWS-like events, to measure the dashboard at scale.

    .venv/bin/python bench/synthetic_store.py --db big.duckdb [--events 10000000] [--years 10] [--seed 1]

Why: ICEWS14 (90k events) is the largest real store the bench data holds; the dashboard must
also answer on a store of ten million events (issue 14). The distribution follows what ICEWS
looks like: actor entities drawn Zipf-like from the ISO 3166 countries (a handful of countries
make most events), about a third of the events domestic (source and target entity equal),
sector codes (GOV, MIL, CVL, ...) on most actors, CAMEO codes Zipf-like with consult/statements
(01-05) most common and force (18-20) rare, dates spread over `--years` years ending 2024-12-31,
a few percent claimed rather than asserted. Each event gets a stand-in sentence
("<source> <CAMEO action> <target>.", as bench/serve.py gives ICEWS14 events) for search.

It writes through `barograph.store.db.Store` (the migrations) and inserts the events in one
transaction followed by `store.indexes.rebuild`, as `barograph import icews`/`gdelt` do, in
chunks of a million from Arrow tables, events stored by date as imports store them. Prints the
generation, insert and index times, the row counts and the size of the file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTORS = ["", "GOV", "MIL", "CVL", "BUS", "OPP", "POL", "MED", "JUD", "REB", "EDU", "LEG"]
SECTOR_P = np.array([30, 22, 8, 10, 5, 4, 6, 4, 4, 2, 2, 3], float)
SECTOR_NAMES = {
    "": "",
    "GOV": "government",
    "MIL": "military",
    "CVL": "citizens",
    "BUS": "business",
    "OPP": "opposition",
    "POL": "police",
    "MED": "media",
    "JUD": "judiciary",
    "REB": "rebels",
    "EDU": "education",
    "LEG": "parliament",
}
# the busiest entities first (as in ICEWS); the other countries follow in code order
TOP = "USA RUS CHN UKR IND GBR IRN ISR SYR NGA PAK AFG IRQ TUR JPN FRA DEU KOR PRK EGY AUS PHL THA BRA".split()


def actors() -> tuple[list[str], list[str]]:
    import pycountry

    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    codes = TOP + sorted(c for c in names if c not in TOP)
    return codes, [names[c] for c in codes]


def cameo_table() -> tuple[list[str], np.ndarray, list[int], list[float], list[str]]:
    from barograph.events import codes

    cams = sorted(c for c in codes.goldstein_table() if codes.is_valid(c) and len(c) >= 3)
    # Zipf over the roots (ICEWS: 01-05 most, 18-20 few), then over the codes of a root
    root_rank = {r: i for i, r in enumerate("04 01 05 03 02 19 11 17 08 12 07 06 10 13 18 09 14 15 16 20".split())}
    w = np.array([1.0 / (1 + root_rank.get(c[:2], 19)) ** 1.1 / (1 + (len(c) - 3)) for c in cams])
    return cams, w / w.sum(), [codes.quad_class(c) for c in cams], [codes.goldstein(c) for c in cams], [codes.name(c).lower() for c in cams]


def chunk(rng, n: int, start: int, days: int, first: date, ents, names, cams) -> pa.Table:
    cam, cam_p, quads, golds, actions = cams
    k = len(ents)
    zipf = 1.0 / np.arange(1, k + 1) ** 1.15
    zipf /= zipf.sum()
    s_i = rng.choice(k, n, p=zipf)
    t_i = np.where(rng.random(n) < 0.35, s_i, rng.choice(k, n, p=zipf))
    p = SECTOR_P / SECTOR_P.sum()
    s_sec = rng.choice(len(SECTORS), n, p=p)
    t_sec = rng.choice(len(SECTORS), n, p=p)
    c_i = rng.choice(len(cam), n, p=cam_p)
    day = np.sort(rng.integers(0, days, n))
    ent = np.array(ents, dtype=object)
    sec = np.array(SECTORS, dtype=object)
    secn = np.array([SECTOR_NAMES[s] for s in SECTORS], dtype=object)
    nm = np.array(names, dtype=object)
    s_code = ent[s_i] + sec[s_sec]
    t_code = ent[t_i] + sec[t_sec]
    s_name = np.where(sec[s_sec] == "", nm[s_i], nm[s_i] + " " + secn[s_sec])
    t_name = np.where(sec[t_sec] == "", nm[t_i], nm[t_i] + " " + secn[t_sec])
    act = np.array(actions, dtype=object)[c_i]
    text = s_name + " " + act + " " + t_name + "."
    camv = np.array(cam, dtype=object)[c_i]
    return pa.table(
        {
            "event_id": pa.array([f"syn:{i}" for i in range(start, start + n)], pa.string()),
            "source": pa.array(s_code, pa.string()),
            "source_entity": pa.array(ent[s_i], pa.string()),
            "source_sector": pa.array(np.where(sec[s_sec] == "", None, sec[s_sec]), pa.string()),
            "source_name": pa.array(s_name, pa.string()),
            "target": pa.array(t_code, pa.string()),
            "target_entity": pa.array(ent[t_i], pa.string()),
            "target_sector": pa.array(np.where(sec[t_sec] == "", None, sec[t_sec]), pa.string()),
            "target_name": pa.array(t_name, pa.string()),
            "cameo": pa.array(camv, pa.string()),
            "quad_class": pa.array(np.array(quads)[c_i], pa.int8()),
            "goldstein": pa.array(np.array(golds)[c_i], pa.float64()),
            "modality": pa.array(np.where(rng.random(n) < 0.04, "claimed", "asserted"), pa.string()),
            "date": pa.array(np.datetime64(first) + day.astype("timedelta64[D]"), pa.date32()),
            "text": pa.array(text, pa.string()),
            "mentions": pa.array(1 + rng.poisson(0.6, n), pa.int32()),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="database file to create (must not exist)")
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=1_000_000)
    args = ap.parse_args()
    if args.db.exists():
        sys.exit(f"bench/synthetic_store.py: {args.db}: already exists (give a new file)")

    from barograph.events import codes
    from barograph.store import indexes
    from barograph.store.db import Store

    last = date(2024, 12, 31)
    first = date(last.year - args.years + 1, 1, 1)
    days = (last - first).days + 1
    rng = np.random.default_rng(args.seed)
    ents, names = actors()
    cams = cameo_table()
    t0 = time.perf_counter()
    gen = ins = 0.0
    with Store(args.db) as store:
        con = store.con
        with store.transaction():
            # chunks in date order: chunk i covers its share of the days, so the table is stored by date
            done = 0
            while done < args.events:
                n = min(args.chunk, args.events - done)
                lo = days * done // args.events
                hi = max(lo + 1, days * (done + n) // args.events)
                t = time.perf_counter()
                tab = chunk(rng, n, done, hi - lo, first.fromordinal(first.toordinal() + lo), ents, names, cams)
                gen += time.perf_counter() - t
                t = time.perf_counter()
                con.register("syn", tab)
                con.execute(
                    """INSERT INTO events (event_id, origin, corpus, source, source_entity, source_sector, source_name,
                           target, target_entity, target_sector, target_name, cameo, root_code, quad_class, goldstein,
                           modality, date, historical, coder, mentions, confidence, text)
                       SELECT event_id, 'icews', 'synthetic', source, source_entity, source_sector, source_name,
                           target, target_entity, target_sector, target_name, cameo, left(cameo, 2), quad_class, goldstein,
                           modality, date, FALSE, 'synthetic', mentions, 1.0, text FROM syn"""
                )
                con.unregister("syn")
                ins += time.perf_counter() - t
                done += n
                print(f"  {done:,} events", file=sys.stderr, flush=True)
            t = time.perf_counter()
            indexes.rebuild(con)
            idx = time.perf_counter() - t
        t = time.perf_counter()
        con.execute("CHECKPOINT")
        ckpt = time.perf_counter() - t
        counts = {
            tb: con.execute(f"SELECT count(*) FROM {tb}").fetchone()[0]
            for tb in ("events", "search_words", "search_vocab", "dyad_days", "dyad_series_days", "actor_entities")
        }
    total = time.perf_counter() - t0
    size = os.path.getsize(args.db)
    del codes
    print(f"synthetic store {args.db}: {args.events:,} events, {first} to {last}, {len(ents)} entities, {len(cams[0])} CAMEO codes")
    print(f"generate {gen:.1f}s, insert {ins:.1f}s, index (search words, dyad days) {idx:.1f}s, checkpoint {ckpt:.1f}s; total {total:.1f}s")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"file size {size / 2**20:,.0f} MiB ({size / args.events:.0f} bytes per event)")


if __name__ == "__main__":
    main()
