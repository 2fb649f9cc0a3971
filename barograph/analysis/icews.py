"""Import the ICEWS14-style quadruple files (subject, relation, object, hours) into the store.

Why: analysis should work on a real record before barograph has read much news. The files
carry names, not codes, so names are mapped here: relations by their CAMEO names
(`cameo_names`), entities by their form ("Police_(Nigeria)" -> NGA + COP sector, "Nigeria" ->
NGA, people and groups through the actor dictionaries when `barograph.events.actors` is there).
An entity nobody can resolve keeps its raw ICEWS name as its entity, so no event is lost.
Rows are mapped in bulk (pandas/arrow, then one INSERT ... SELECT in one transaction).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from barograph.errors import BadInput
from barograph.store import indexes

SPLITS = ("train", "valid", "test")

# ICEWS sector words (inside "Sector_(Country)") -> CAMEO agent code; first match wins, so the
# specific words come before the general ones. Written for barograph from the CAMEO actor codebook.
SECTOR_WORDS: list[tuple[str, str]] = [
    ("police", "COP"),
    ("intelligence", "SPY"),
    ("rights", "NGO"),
    ("non-governmental", "NGO"),
    ("ngo", "NGO"),
    ("refugee", "REF"),
    ("immigrant", "REF"),
    ("displaced", "REF"),
    ("military", "MIL"),
    ("naval", "MIL"),
    ("coast guard", "MIL"),
    ("army", "MIL"),
    ("navy", "MIL"),
    ("air force", "MIL"),
    ("armed forces", "MIL"),
    ("defense", "MIL"),
    ("defence", "MIL"),
    ("soldier", "MIL"),
    ("border guard", "MIL"),
    ("rebel", "REB"),
    ("insurgent", "REB"),
    ("militant", "REB"),
    ("combatant", "REB"),
    ("terrorist", "REB"),
    ("separatist", "SEP"),
    ("armed gang", "UAF"),
    ("armed band", "UAF"),
    ("criminal", "CRM"),
    ("attacker", "CRM"),
    ("gang", "CRM"),
    ("smuggler", "CRM"),
    ("detainee", "CRM"),
    ("prisoner", "CRM"),
    ("media", "MED"),
    ("news", "MED"),
    ("journalist", "MED"),
    ("newspaper", "MED"),
    ("radio", "MED"),
    ("television", "MED"),
    ("court", "JUD"),
    ("judge", "JUD"),
    ("judiciary", "JUD"),
    ("lawyer", "JUD"),
    ("attorney", "JUD"),
    ("justice", "JUD"),
    ("prosecutor", "JUD"),
    ("legislat", "LEG"),
    ("parliament", "LEG"),
    ("lawmaker", "LEG"),
    ("senate", "LEG"),
    ("congress", "LEG"),
    ("party", "PTY"),
    ("opposition", "OPP"),
    ("dissident", "OPP"),
    ("activist", "OPP"),
    ("protester", "OPP"),
    ("business", "BUS"),
    ("company", "BUS"),
    ("bank", "BUS"),
    ("employee", "BUS"),
    ("industry", "BUS"),
    ("labor", "LAB"),
    ("labour", "LAB"),
    ("union", "LAB"),
    ("worker", "LAB"),
    ("education", "EDU"),
    ("student", "EDU"),
    ("professor", "EDU"),
    ("scholar", "EDU"),
    ("scientist", "EDU"),
    ("university", "EDU"),
    ("school", "EDU"),
    ("teacher", "EDU"),
    ("health", "HLH"),
    ("medical", "HLH"),
    ("doctor", "HLH"),
    ("hospital", "HLH"),
    ("religio", "REL"),
    ("muslim", "REL"),
    ("christian", "REL"),
    ("clergy", "REL"),
    ("church", "REL"),
    ("farmer", "AGR"),
    ("agricultur", "AGR"),
    ("citizen", "CVL"),
    ("men", "CVL"),
    ("women", "CVL"),
    ("children", "CVL"),
    ("population", "CVL"),
    ("villager", "CVL"),
    ("people", "CVL"),
    ("civilian", "CVL"),
    ("youth", "CVL"),
    ("voter", "CVL"),
    ("government", "GOV"),
    ("ministry", "GOV"),
    ("minister", "GOV"),
    ("foreign affairs", "GOV"),
    ("head of", "GOV"),
    ("cabinet", "GOV"),
    ("governor", "GOV"),
    ("mayor", "GOV"),
    ("official", "GOV"),
    ("royal", "GOV"),
    ("envoy", "GOV"),
    ("director", "GOV"),
    ("secretariat", "GOV"),
    ("domestic affairs", "GOV"),
    ("treasury", "GOV"),
    ("authorit", "GOV"),
    ("president", "GOV"),
    ("ambassador", "GOV"),
    ("state", "GOV"),
    ("council", "GOV"),
    ("elite", "ELI"),
]

# place names ICEWS uses that the country dictionary lacks (CAMEO region codes; barograph's own)
EXTRA_PLACES: dict[str, str] = {
    "PALESTINIAN TERRITORY, OCCUPIED": "PSE",
    "OCCUPIED PALESTINIAN TERRITORY": "PSE",
    "AFRICA": "AFR",
    "MIDDLE EAST": "MEA",
    "SOUTHEAST ASIA": "SEA",
    "SOUTH ASIA": "SAS",
    "LATIN AMERICA": "LAM",
    "NORTH AMERICA": "NMR",
    "EUROPE": "EUR",
    "ASIA": "ASA",
    "CARIBBEAN": "CRB",
    "PERSIAN GULF": "PGS",
    "XINJIANGUYGHUR": "CHN",
    "CRIMEA": "UKR",
    "NORTHERN IRELAND": "GBR",
    "GUINEA-BISSAU": "GNB",
    "CURACAO": "CUW",
    "NORFOLK ISLAND": "AUS",
    "FRENCH POLYNESIA": "PYF",
}

_PAREN = re.compile(r"^(.*?)_?\((.+)\)$")


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Upper-case country name or alias -> ISO 3166 alpha-3 (Phoenix country dictionary)."""
    table: dict[str, str] = {}
    text = resources.files("barograph").joinpath("data", "icews", "countries.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, code = line.partition("\t")
            table[name] = code
    table.update(EXTRA_PLACES)
    return table


def sector_of(words: str) -> str | None:
    w = " " + words.replace("_", " ").lower() + " "
    for key, code in SECTOR_WORDS:
        if (" " + key) in w:
            return code
    return None


def _resolver():
    try:
        from barograph.events.actors import ActorResolver
    except ImportError:
        return None
    try:
        return ActorResolver.default()
    except Exception:  # dictionaries missing in a partial install: import stays usable
        return None


@dataclass
class EntityCode:
    code: str
    entity: str
    sector: str | None
    name: str
    resolved: bool


def resolve_entity(raw: str, when: date | None = None, resolver=None) -> EntityCode:
    """One ICEWS entity name -> CAMEO-style actor code, entity and sector."""
    name = raw.replace("_", " ").strip()
    table = countries()
    up = name.upper()
    if up in table:
        return EntityCode(table[up], table[up], None, name, True)
    m = _PAREN.match(raw.strip())
    if m:
        who, where = m.group(1), m.group(2).replace("_", " ").upper()
        if where in table:
            ent = table[where]
            sec = sector_of(who)
            return EntityCode(ent + (sec or ""), ent, sec, name, True)
    if resolver is not None:
        try:
            match = resolver.resolve(name, when.isoformat() if when else None)
        except Exception:
            match = None
        if match is not None and getattr(match, "code", None):
            code = match.code
            ent = getattr(match, "entity", None) or code[:3]
            return EntityCode(code, ent, getattr(match, "sector", None), name, True)
    return EntityCode(raw, raw, None, name, False)


@dataclass
class ImportResult:
    corpus: str
    events: int
    files: list[str]
    entities: int
    entities_resolved: int
    events_both_resolved: int
    relations: int
    seconds: float
    first_date: str | None = None
    last_date: str | None = None
    unresolved_top: list[tuple[str, int]] = field(default_factory=list)

    @property
    def entity_coverage(self) -> float:
        return self.entities_resolved / self.entities if self.entities else 0.0

    @property
    def event_coverage(self) -> float:
        return self.events_both_resolved / self.events if self.events else 0.0


def _read_ids(path: Path) -> dict[int, str]:
    if not path.exists():
        raise BadInput(str(path), "missing (an ICEWS directory holds entity2id.txt and relation2id.txt)")
    ids: dict[int, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise BadInput(str(path), f"not UTF-8 text (byte {e.start})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        name, sep, num = line.rpartition("\t")
        if not sep or not num.strip().isdigit():
            raise BadInput(str(path), f"expected 'name<TAB>id', got {line[:60]!r}", line=n)
        ids[int(num)] = name
    if not ids:
        raise BadInput(str(path), "holds no 'name<TAB>id' lines")
    return ids


def _read_quads(path: Path, ent_ids, rel_ids):
    import numpy as np
    import pandas as pd

    try:
        df = pd.read_csv(
            path,
            sep="\t",
            header=None,
            dtype=str,
            usecols=range(4),
            keep_default_na=False,
            names=["s", "r", "o", "t"],
            engine="c",
            skip_blank_lines=True,
        )
    except pd.errors.ParserError as e:
        m = re.search(r"line (\d+)", str(e))
        raise BadInput(str(path), "wrong number of columns (expected subject, relation, object, time)", line=int(m.group(1)) if m else None) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BadInput(str(path), f"not a quadruple file ({str(e).splitlines()[0]})") from None
    nums = {c: pd.to_numeric(df[c], errors="coerce") for c in ("s", "r", "o", "t")}
    bad = np.zeros(len(df), dtype=bool)
    for c, v in nums.items():
        bad |= v.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        got = " ".join(df.iloc[i]).strip()[:60]
        raise BadInput(str(path), f"expected four integers, got {got!r}", line=i + 1)
    out = pd.DataFrame({c: v.astype("int64") for c, v in nums.items()})
    for col, known, what in (("s", ent_ids, "entity"), ("o", ent_ids, "entity"), ("r", rel_ids, "relation")):
        badi = np.flatnonzero(~out[col].isin(known).to_numpy())
        if len(badi):
            raise BadInput(str(path), f"unknown {what} id {int(out[col].iloc[badi[0]])}", line=int(badi[0]) + 1)
    out["line"] = np.arange(1, len(out) + 1)
    return out


def import_icews(
    store, directory, *, corpus: str | None = None, start: str = "2014-01-01", hours_per_step: int | None = None, progress=None
) -> ImportResult:
    """Import train/valid/test quadruples of an ICEWS14-style folder; re-import replaces them.

    The time column counts hours from `start` (ICEWS14: steps of 24, one per day); a folder
    whose times are day numbers is detected (all values small and not multiples of 24).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    t0 = time.perf_counter()
    d = Path(directory)
    if not d.is_dir():
        raise BadInput(str(d), "no such directory")
    corpus = corpus or d.name
    ents = _read_ids(d / "entity2id.txt")
    rels = _read_ids(d / "relation2id.txt")
    files = [d / f"{s}.txt" for s in SPLITS if (d / f"{s}.txt").exists()]
    if not files:
        raise BadInput(str(d), "no train.txt, valid.txt or test.txt quadruple files")
    quads = []
    for f in files:
        q = _read_quads(f, list(ents), list(rels))
        q["split"] = f.stem
        quads.append(q)
        if progress:
            progress(f.name, len(q))
    q = pd.concat(quads, ignore_index=True)
    if q.empty:
        raise BadInput(str(d), "the quadruple files hold no events")
    t = q["t"].to_numpy()
    step = hours_per_step
    if step is None:
        step = 24 if (t % 24 == 0).all() and t.max() >= 24 else 1
    base = np.datetime64(date.fromisoformat(start))
    q["date"] = base + (t // step).astype("timedelta64[D]")
    mid = date.fromisoformat(start) + timedelta(days=int(np.median(t // step)))

    # relation names -> CAMEO code and the code's facts
    from barograph.analysis.cameo_names import code_for_name
    from barograph.events import codes

    rel_rows = []
    for rid, rname in rels.items():
        c = code_for_name(rname)
        if c is None:
            raise BadInput(str(d / "relation2id.txt"), f"no CAMEO code for relation {rname!r}")
        ptype, pmode = codes.plover(c)
        rel_rows.append((rid, c, codes.root(c), codes.quad_class(c), codes.goldstein(c), ptype, pmode))
    rel_t = pa.table(dict(zip(["rid", "cameo", "root_code", "quad_class", "goldstein", "plover", "plover_mode"], map(list, zip(*rel_rows)))))

    used = np.union1d(q["s"].unique(), q["o"].unique())
    resolver = _resolver()
    ent_rows = []
    for eid in used.tolist():
        r = resolve_entity(ents[eid], mid, resolver)
        ent_rows.append((eid, r.code, r.entity, r.sector, r.name, r.resolved))
    ent_t = pa.table(dict(zip(["eid", "code", "entity", "sector", "name", "resolved"], map(list, zip(*ent_rows)))))
    quad_t = pa.Table.from_pandas(q[["s", "r", "o", "date", "split", "line"]], preserve_index=False)

    con = store.con
    con.register("icews_rel", rel_t)
    con.register("icews_ent", ent_t)
    con.register("icews_quad", quad_t)
    try:
        with _transaction(store):
            con.execute("DELETE FROM events WHERE origin = 'icews' AND corpus = ?", [corpus])
            con.execute(
                """
                INSERT INTO events (event_id, origin, corpus, source, source_entity, source_sector, source_name,
                    target, target_entity, target_sector, target_name, cameo, root_code, quad_class, goldstein,
                    plover, plover_mode, modality, date, historical, coder, mentions, confidence)
                SELECT 'icews:' || ? || ':' || q.split || ':' || q.line, 'icews', ?,
                    s.code, s.entity, s.sector, s.name, o.code, o.entity, o.sector, o.name,
                    r.cameo, r.root_code, r.quad_class, r.goldstein, r.plover, r.plover_mode,
                    'asserted', CAST(q.date AS DATE), FALSE, 'icews-import', 1, 1.0
                FROM icews_quad q
                JOIN icews_ent s ON s.eid = q.s
                JOIN icews_ent o ON o.eid = q.o
                JOIN icews_rel r ON r.rid = q.r
                """,
                [corpus, corpus],
            )
            indexes.rebuild(con)  # the dashboard's word index and dyad days, in the same transaction
        both = con.execute(
            "SELECT count(*) FROM icews_quad q JOIN icews_ent s ON s.eid = q.s JOIN icews_ent o ON o.eid = q.o WHERE s.resolved AND o.resolved"
        ).fetchall()[0][0]
        top = con.execute(
            "SELECT e.name, count(*) n FROM icews_quad q JOIN icews_ent e ON e.eid = q.s OR e.eid = q.o "
            "WHERE NOT e.resolved GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10"
        ).fetchall()
    finally:
        for v in ("icews_rel", "icews_ent", "icews_quad"):
            con.unregister(v)
    return ImportResult(
        corpus=corpus,
        events=len(q),
        files=[str(f) for f in files],
        entities=len(ent_rows),
        entities_resolved=sum(1 for r in ent_rows if r[5]),
        events_both_resolved=int(both),
        relations=len(rels),
        seconds=time.perf_counter() - t0,
        first_date=str(q["date"].min().date()),
        last_date=str(q["date"].max().date()),
        unresolved_top=[(n, int(c)) for n, c in top],
    )


def _transaction(store):
    """The store's transaction helper when the writer's engineer has added it, else a plain one."""
    if hasattr(store, "transaction"):
        return store.transaction()
    from contextlib import contextmanager

    @contextmanager
    def tx():
        store.con.execute("BEGIN TRANSACTION")
        try:
            yield store.con
            store.con.execute("COMMIT")
        except BaseException:
            store.con.execute("ROLLBACK")
            raise

    return tx()
