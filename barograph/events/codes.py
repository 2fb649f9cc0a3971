"""CAMEO code facts: Goldstein score, QuadClass, PLOVER type/mode and the code's name.

Read from the public tables bundled in `barograph/data` (see data/SOURCES.md): the GDELT
Goldstein lookup and the OEDA CAMEO->PLOVER conversion table (whose comments carry the CAMEO
descriptions). Looked up by the longest known prefix, so a four-digit code missing from a
table inherits its three- or two-digit parent's value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# PLOVER codes statements (01) nowhere and folds appeals (02) into REQUEST with demands (10);
# barograph follows that reading for 02 and leaves 01 without a PLOVER type.
_PLOVER_FALLBACK = {"02": ("REQUEST", "", "")}

# CAMEO root names (CAMEO 1.1b3 codebook, Gerner et al.): facts, not in the PLOVER table for 01/02.
ROOT_NAMES = {
    "01": "Make public statement",
    "02": "Appeal",
    "03": "Express intent to cooperate",
    "04": "Consult",
    "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation",
    "07": "Provide aid",
    "08": "Yield",
    "09": "Investigate",
    "10": "Demand",
    "11": "Disapprove",
    "12": "Reject",
    "13": "Threaten",
    "14": "Protest",
    "15": "Exhibit force posture",
    "16": "Reduce relations",
    "17": "Coerce",
    "18": "Assault",
    "19": "Fight",
    "20": "Use unconventional mass violence",
}


def _data(*parts: str) -> str:
    return resources.files("barograph").joinpath("data", *parts).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def goldstein_table() -> dict[str, float]:
    table = {}
    for line in _data("cameo", "CAMEO.goldsteinscale.txt").splitlines()[1:]:
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            table[parts[0]] = float(parts[1])
    return table


_PLOVER_LINE = re.compile(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*))?(?:,([^#]*))?(?:#\s*(.*))?$")


@lru_cache(maxsize=1)
def plover_table() -> dict[str, tuple[str, str, str, str]]:
    """code -> (type, mode, context, CAMEO description)."""
    table: dict[str, tuple[str, str, str, str]] = {}
    for line in _data("plover", "CAMEO2PLOVER-2021.txt").splitlines():
        m = _PLOVER_LINE.match(line.strip())
        if not m:
            continue
        code, ptype, mode, ctx, desc = m.groups()
        if code in table and not desc:  # a root listed twice (08 CONCEDE / RETREAT): keep the first
            continue
        table[code] = (ptype, (mode or "").strip(), (ctx or "").strip(), (desc or "").strip())
    return table


def _lookup(table: dict, code: str):
    code = str(code).strip()
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


def root(code: str) -> str:
    return str(code).strip()[:2]


def quad_class(code: str) -> int:
    """1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict."""
    r = int(root(code))
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 14 else 4


def goldstein(code: str) -> float:
    v = _lookup(goldstein_table(), code)
    return float(v) if v is not None else 0.0


def plover(code: str) -> tuple[str | None, str | None]:
    """(PLOVER type, mode); mode is None when the table gives none."""
    v = _lookup(plover_table(), code) or _PLOVER_FALLBACK.get(root(code))
    if not v:
        return None, None
    return v[0], (v[1] or None)


def name(code: str) -> str:
    """Human name of a CAMEO code (its description, else its root's name)."""
    v = plover_table().get(str(code).strip())
    if v and v[3]:
        return v[3]
    return ROOT_NAMES.get(root(code), str(code))


def is_valid(code: str) -> bool:
    c = str(code).strip()
    return c.isdigit() and 2 <= len(c) <= 4 and 1 <= int(c[:2]) <= 20
