"""Finding actors and codes: the names people type resolved to the codes the store holds.

Why: an analyst types `dyad Russia Ukraine` or `dyad RUS XXX` and used to get an empty table
with exit 0. Here a name becomes a code - a code or imported name the store holds as it is,
else a country name or demonym (ICEWS/Phoenix country list), else a person, group or
organisation from the actor dictionaries (`ActorResolver`) - and a name nobody knows is a
BadInput with "did you mean ..." drawn from the store's codes and the dictionaries' names.
`search_actors` and `search_codes` are the `barograph actors` and `barograph codes` lookups:
actors by code, name or alias with their events in the store; CAMEO codes and PLOVER types by
number or words, with their descriptions.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from barograph.errors import BadInput

# PLOVER event types (Halterman et al., PLOVER codebook): one line each, in barograph's words
PLOVER_TYPES: dict[str, str] = {
    "AGREE": "agree to, or express intent to, cooperate, meet, negotiate or settle",
    "CONSULT": "meet, visit, talk or negotiate",
    "SUPPORT": "praise, endorse or defend another actor, or cooperate diplomatically",
    "COOPERATE": "cooperate economically, militarily or judicially; share intelligence",
    "AID": "give economic, military, humanitarian or protective aid",
    "CONCEDE": "yield: ease restrictions, release, return, allow access, give ground",
    "RETREAT": "withdraw, demobilise or stop fighting",
    "REQUEST": "ask, appeal or demand that another actor act",
    "ACCUSE": "criticise, blame, accuse or denounce",
    "REJECT": "refuse a request, proposal or mediation; defy norms",
    "THREATEN": "threaten sanctions, force or other harm; give an ultimatum",
    "PROTEST": "demonstrate, strike, boycott or riot",
    "SANCTION": "cut relations, aid or trade; impose embargoes, expel or withdraw",
    "MOBILIZE": "show force: raise alert, mobilise or deploy armed forces",
    "COERCE": "seize, arrest, detain, deport, impose curfews or restrictions; use repression",
    "ASSAULT": "use physical force: fight, bomb, shell, kill, abduct or use mass violence",
}

ACTOR_CODE = re.compile(r"^[A-Z0-9]{3,15}$")


def _norm(s: str) -> str:
    return re.sub(r"[\s_.]+", " ", s).strip().lower()


def store_actors(store) -> dict[str, int]:
    """Every code, entity and imported name on either side of a stored event -> its events."""
    rows = store.con.execute(
        """SELECT k, count(*) FROM (
               SELECT source AS k FROM events UNION ALL SELECT target FROM events
               UNION ALL SELECT source_entity FROM events WHERE source_entity IS DISTINCT FROM source
               UNION ALL SELECT target_entity FROM events WHERE target_entity IS DISTINCT FROM target)
           WHERE k IS NOT NULL AND k <> '' GROUP BY k"""
    ).fetchall()
    return {k: int(n) for k, n in rows}


@lru_cache(maxsize=1)
def _resolver():
    from barograph.events.actors import ActorResolver

    return ActorResolver.default()


def name_to_code(name: str) -> tuple[str, str] | None:
    """(code, how) for a country name, demonym or dictionary name; None when nobody knows it.

    States (and their demonyms, capitals) give the entity (RUS); people and groups their code
    (`name_to_codes` also gives an organisation's entity: IGOWSTNAT and NATO)."""
    got = name_to_codes(name)
    return (got[0][0], got[0][1]) if got else None


def name_to_codes(name: str) -> list[tuple[str, str]]:
    """Every code a name may be stored under, best first: [(code, how)]."""
    from barograph.analysis.icews import countries

    from barograph.analysis.icews import resolve_entity

    up = name.strip().upper().replace("_", " ")
    table = countries()
    if up in table:
        return [(table[up], "country")]
    if "(" in name:  # ICEWS's "Military (Russia)" / "Military_(Russia)"
        e = resolve_entity(name.strip().replace(" (", "_("))
        if e.resolved:
            return [(e.code, "sector"), (e.entity, "country")]
    try:
        m = _resolver().resolve(name.strip())
    except Exception:  # the dictionaries are optional for reading a store
        m = None
    if m is None:
        low = name.strip().lower()
        for form in (low.title(), low.upper()):  # typed lower case: "russia", "nato"
            try:
                m = _resolver().resolve(form)
            except Exception:
                m = None
            if m is not None:
                break
    if m is None or not m.code:
        return []
    if m.kind in ("state", "demonym", "place") and m.entity:
        return [(m.entity, m.kind)]
    return [(m.code, m.kind)] + ([(m.entity, m.kind)] if m.entity and m.entity != m.code else [])


def _suggestions(text: str, known: dict[str, int], k: int = 3) -> list[str]:
    from barograph.analysis.icews import countries

    up = text.upper()
    pool = {c for c in known if ACTOR_CODE.match(c)} | set(countries())
    close = difflib.get_close_matches(up, list(pool), n=k, cutoff=0.6)
    if not close and len(up) >= 3:
        close = sorted((c for c in known if c.startswith(up[:3])), key=lambda c: -known[c])[:k]
    return [c.title() if " " in c or (c not in known and len(c) > 3) else c for c in close]


def resolve_actor(store, text: str, where: str = "actor") -> str:
    """The code the store knows for what a user typed: a stored code/entity/name as it is,
    else a name's code; BadInput (with "did you mean ...") for a name nobody knows or a
    code with no events in the store."""
    known = store_actors(store)
    t = text.strip()
    if t in known:
        return t
    if t.upper() in known and ACTOR_CODE.match(t.upper()):
        return t.upper()
    got = name_to_codes(t)
    for code, _how in got:
        if code in known:
            return code
    if got:
        raise BadInput(where, f"{t!r} is {got[0][0]}, but the store has no events of {got[0][0]}")
    hint = _suggestions(t, known)
    tail = f"; did you mean {' or '.join(hint)}?" if hint else ""
    raise BadInput(where, f"unknown actor {t!r} (not a code in the store, a country or a dictionary name){tail} (search: barograph actors {t[:20]})")


@lru_cache(maxsize=1)
def _dictionary_index() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(name, kind, code, aliases) of every dictionary actor."""
    from barograph.events.actors import _ACTOR, pick_role

    t = _resolver()._t
    aliases: dict[int, list[str]] = {}
    for phrase, idx in t.phrases.items():
        entry = t.entries[idx]
        if entry[0] == _ACTOR:
            aliases.setdefault(entry[1], []).append(" ".join(phrase))
    out = []
    for gid, (name, kind, roles, _src) in enumerate(t.groups):
        role, _former = pick_role(roles, None)
        if role is None:
            continue
        stems = {w[:5] for w in name.replace("_", " ").lower().split() if len(w) >= 4}
        # aliases that share a word of the name first (Russia before Omsk, Putin first), then shorter
        ranked = sorted(set(aliases.get(gid, ())), key=lambda a: (not any(st in a.lower() for st in stems), len(a), a))
        out.append((name.replace("_", " ").title(), kind, role[0], tuple(ranked)))
    return out


def aliases_of(code: str) -> list[str]:
    """Names and aliases the dictionaries give an actor code (RUSGOV: Putin, the Kremlin...) or,
    for an entity, its state's names (RUS: Russia, Russian Federation, Moscow...)."""
    out: list[str] = []
    for name, _kind, c, aliases in _dictionary_index():
        if c == code:
            for a in (name.lower(), *(x.lower() for x in aliases)):
                if a not in out:
                    out.append(a)
    return out


def search_actors(store, query: str, limit: int = 20) -> list[dict]:
    """Actors whose code, name or an alias contains `query`: from the store (codes and imported
    names, with their events) and from the dictionaries (name, kind, code, aliases)."""
    q = _norm(query)
    if not q:
        raise BadInput("SEARCH", "give a word to search for, e.g. barograph actors putin")
    known = store_actors(store) if store is not None else {}
    rows: dict[str, dict] = {}
    for name, kind, code, aliases in _dictionary_index():
        hit = q in _norm(name) or q == code.lower() or any(q in a for a in aliases)
        if hit:
            r = rows.setdefault(code, {"code": code, "name": name, "kind": kind, "aliases": [], "events": known.get(code, 0)})
            for a in (name.lower(), *(x.lower() for x in aliases)):
                if a not in r["aliases"] and len(r["aliases"]) < 6:
                    r["aliases"].append(a)
    for k, n in known.items():
        if q in _norm(k) and k not in rows:
            rows[k] = {"code": k, "name": k.replace("_", " "), "kind": "in store", "aliases": [], "events": n}
    exact = [r for r in rows.values() if r["code"].lower() == q or _norm(r["name"]) == q]
    rest = sorted((r for r in rows.values() if r not in exact), key=lambda r: (-r["events"], len(r["name"]), r["code"]))
    out = (exact + rest)[:limit]
    for r in out:
        r["aliases"] = ", ".join(r["aliases"])
    return out


def search_codes(query: str, limit: int = 50) -> list[dict]:
    """CAMEO codes (by number prefix or words of the description) and PLOVER types (by name or
    words), each with its description, QuadClass, Goldstein and PLOVER type."""
    from barograph.events import codes

    q = query.strip()
    if not q:
        raise BadInput("SEARCH", "give a code or words, e.g. barograph codes 19 or barograph codes sanction")
    ql = q.lower()
    table = codes.plover_table()
    all_codes = sorted(set(codes.goldstein_table()) | {c for c in table if len(c) >= 3} | {f"{r}" for r in codes.ROOT_NAMES})
    out: list[dict] = []
    for name, desc in PLOVER_TYPES.items():
        if ql in name.lower() or ql in desc:
            cameo = sorted(c for c, v in table.items() if v[0] == name and len(c) == 2)
            out.append(
                {
                    "scheme": "PLOVER",
                    "code": name,
                    "description": desc,
                    "quad_class": None,
                    "goldstein": None,
                    "plover": name,
                    "cameo_roots": " ".join(cameo),
                }
            )
    for c in all_codes:
        desc = codes.name(c)
        if (q.isdigit() and c.startswith(q)) or (not q.isdigit() and ql in desc.lower()):
            ptype, _mode = codes.plover(c)
            out.append(
                {
                    "scheme": "CAMEO",
                    "code": c,
                    "description": desc,
                    "quad_class": codes.quad_class(c),
                    "goldstein": codes.goldstein(c),
                    "plover": ptype,
                    "cameo_roots": "",
                }
            )
    return out[:limit]
