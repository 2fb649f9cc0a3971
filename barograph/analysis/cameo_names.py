"""CAMEO event names -> codes, for records (ICEWS, TKG benchmarks) that carry names, not codes.

ICEWS writes CAMEO names with underscores ("Make_a_visit"). Most names are the descriptions in
the PLOVER conversion table (see `barograph.events.codes`); the rest are listed below, written
for barograph from the CAMEO 1.1b3 codebook (Gerner, Schrodt, Yilmaz, Abu-Jabr 2002): the
codes and their names are facts of the codebook, in ICEWS's wording.
"""

from __future__ import annotations

import re
from functools import lru_cache

from barograph.events import codes

# names the PLOVER table words differently or omits (CAMEO codebook, ICEWS spelling)
EXTRA_NAMES: dict[str, str] = {
    "Make statement": "010",
    "Make_statement": "010",
    "Decline comment": "011",
    "Make pessimistic comment": "012",
    "Make optimistic comment": "013",
    "Consider policy option": "014",
    "Acknowledge or claim responsibility": "015",
    "Deny responsibility": "016",
    "Engage in symbolic act": "017",
    "Make empathetic comment": "018",
    "Express accord": "019",
    "Make an appeal or request": "020",
    "Appeal for material cooperation": "021",
    "Appeal for economic cooperation": "0211",
    "Appeal for military cooperation": "0212",
    "Appeal for judicial cooperation": "0213",
    "Appeal for intelligence": "0214",
    "Appeal for diplomatic cooperation (such as policy support)": "022",
    "Appeal for aid": "023",
    "Appeal for economic aid": "0231",
    "Appeal for military aid": "0232",
    "Appeal for humanitarian aid": "0233",
    "Appeal for military protection or peacekeeping": "0234",
    "Appeal for political reform": "024",
    "Appeal for change in leadership": "0241",
    "Appeal for policy change": "0242",
    "Appeal for rights": "0243",
    "Appeal for change in institutions, regime": "0244",
    "Appeal to yield": "025",
    "Appeal for easing of administrative sanctions": "0251",
    "Appeal for easing of popular dissent": "0252",
    "Appeal for release of persons or property": "0253",
    "Appeal for easing of economic sanctions, boycott, or embargo": "0254",
    "Appeal for target to allow international involvement (non-mediation)": "0255",
    "Appeal for de-escalation of military engagement": "0256",
    "Appeal to others to meet or negotiate": "026",
    "Appeal to others to settle dispute": "027",
    "Appeal to engage in or accept mediation": "028",
    "Express intent to engage in material cooperation": "031",
    "Express intent to institute political reform": "034",
    "Express intent to ease economic sanctions, boycott, or embargo": "0354",
    "Mediate": "045",
    "Apologize": "055",
    "Ease curfew": "0813",
    "Demand material aid": "103",
    "Demand easing of administrative sanctions": "1051",
    "Reject request for military aid": "1222",
    "Reject request for military protection or peacekeeping": "1224",
    "Reject request for change in leadership": "1231",
    "Refuse to yield": "124",
    "Refuse to ease administrative sanctions": "1241",
    "Refuse to release persons or property": "1243",
    "Refuse to ease economic sanctions, boycott, or embargo": "1244",
    "Refuse to de-escalate military engagement": "1246",
    "Reject proposal to meet, discuss, or negotiate": "125",
    "Threaten with sanctions, boycott, embargo": "1312",
    "Threaten with repression": "137",
    "Obstruct passage to demand leadership change": "1441",
    "Reduce or stop material aid": "162",
    "Impose restrictions on political freedoms": "1721",
    "Abduct, hijack, or take hostage": "181",
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.replace("_", " ").lower()).strip()


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    idx: dict[str, str] = {}
    for name, code in EXTRA_NAMES.items():
        idx[_norm(name)] = code
    for code, (_t, _m, _c, desc) in sorted(codes.plover_table().items(), key=lambda kv: len(kv[0])):
        if desc:
            idx.setdefault(_norm(desc), code)
    for code, name in codes.ROOT_NAMES.items():
        idx.setdefault(_norm(name), code + "0")
    return idx


def code_for_name(name: str) -> str | None:
    """CAMEO code of an event name ("Make_a_visit" -> "042"), or None when unknown."""
    return _index().get(_norm(name))
