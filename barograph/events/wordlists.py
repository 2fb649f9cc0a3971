"""The extractor's word lists and event nouns, read once from data/barograph/.

Which verbs are light, which nouns are agents, which labels are hostile: these are lexical
choices a linguist tunes, not code, so they live in one data file with a comment saying why
each list exists (its format is described at the top of the file). The module reads it once
per process and exposes every list under its upper-case name (``@light`` -> ``LIGHT``) as a
frozenset, or as a dict for lists of ``word:value`` entries. The file is part of the coder's
version (``digest``), so editing a list marks coded events as stale.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

from barograph.events import codes

FILE = ("data", "barograph", "word-lists.txt")


def _text() -> str:
    return resources.files("barograph").joinpath(*FILE).read_text("utf-8")


def parse(text: str) -> dict[str, frozenset[str] | dict[str, str]]:
    """``{"LIGHT": frozenset(...), "PERSONAL": {"he": "person", ...}, ...}`` of a word-list text."""
    raw: dict[str, list[str]] = {}
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("@"):
            current = line[1:].strip().upper().replace("-", "_")
            if not current or current in raw:
                raise ValueError(f"word-lists line {n}: empty or repeated list name {line!r}")
            raw[current] = []
            continue
        if current is None:
            raise ValueError(f"word-lists line {n}: words before the first '@list'")
        raw[current].extend(line.split())
    out: dict[str, frozenset[str] | dict[str, str]] = {}
    for name, words in raw.items():
        if words and all(":" in w for w in words):
            out[name] = dict(w.split(":", 1) for w in words)
        else:
            out[name] = frozenset(words)
    return out


@lru_cache(maxsize=1)
def lists() -> dict[str, frozenset[str] | dict[str, str]]:
    return parse(_text())


@lru_cache(maxsize=1)
def event_nouns() -> dict[str, tuple[str, str]]:
    """noun -> (CAMEO code, role of its "of" phrase) from data/barograph/event-nouns.txt."""
    text = resources.files("barograph").joinpath("data", "barograph", "event-nouns.txt").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 3 and codes.is_valid(parts[1]):
            table[parts[0]] = (parts[1], parts[2])
    return table


def digest() -> str:
    """Hash of the word-list file as read (part of the coder version)."""
    return hashlib.sha1(_text().encode("utf-8")).hexdigest()[:8]


_L = lists()
PERSONAL: dict[str, str] = _L["PERSONAL"]  # type: ignore[assignment]
FIRST_PERSON = _L["FIRST_PERSON"]
RELATIVE = _L["RELATIVE"]
TARGET_PREPS = _L["TARGET_PREPS"]
NOUN_TARGET_PREPS = _L["NOUN_TARGET_PREPS"]
FOR_ROOTS = _L["FOR_ROOTS"]
FROM_ROOTS = _L["FROM_ROOTS"]
LIGHT = _L["LIGHT"]
ACCUSE = _L["ACCUSE"]
SPEECH = _L["SPEECH"]
TO_THE_PRESS = _L["TO_THE_PRESS"]
DEMAND_AUX = _L["DEMAND_AUX"]
WITH_IS_ALONGSIDE = _L["WITH_IS_ALONGSIDE"]
NEUTRAL_REPORT = _L["NEUTRAL_REPORT"]
ACT_GOVERNORS = _L["ACT_GOVERNORS"]
RECIPROCAL_ROOTS = _L["RECIPROCAL_ROOTS"]
MUTUAL_VERBS = _L["MUTUAL_VERBS"]
AGENT_NOUNS = _L["AGENT_NOUNS"]
LABEL_VERBS = _L["LABEL_VERBS"]
HOSTILE_LABELS = _L["HOSTILE_LABELS"]
LEADERSHIP_CHANGE = _L["LEADERSHIP_CHANGE"]
CEASE = _L["CEASE"]
PROTEST_CROWDS = _L["PROTEST_CROWDS"]
RIOT_EXCLUDED = _L["RIOT_EXCLUDED"]
DECLARE = _L["DECLARE"]
QUANTITY = _L["QUANTITY"]
IN_TARGET_ROOTS = _L["IN_TARGET_ROOTS"]
SAID_WHERE = _L["SAID_WHERE"]
YIELD_FROM = _L["YIELD_FROM"]
TRANSFER = _L["TRANSFER"]
MOVEMENT = _L["MOVEMENT"]
NATIONLESS_SECTORS = _L["NATIONLESS_SECTORS"]
CIVILIAN_SECTORS = _L["CIVILIAN_SECTORS"]
MATERIAL_GIVE = _L["MATERIAL_GIVE"]
AID_OBJECTS = _L["AID_OBJECTS"]
ASPECT_GOVERNORS = _L["ASPECT_GOVERNORS"]
PERSON_AGENTS = _L["PERSON_AGENTS"]
CLAUSE_TARGET_VERBS = _L["CLAUSE_TARGET_VERBS"]
BACKGROUND_ROOTS = _L["BACKGROUND_ROOTS"]
DISMISS = _L["DISMISS"]
CAPTIVES = _L["CAPTIVES"]
GROUP_NOUNS = _L["GROUP_NOUNS"]
STANCE_ADJECTIVES: dict[str, str] = _L["STANCE_ADJECTIVES"]  # type: ignore[assignment]
STANCE_VERBS: dict[str, str] = _L["STANCE_VERBS"]  # type: ignore[assignment]
APPEALS = _L["APPEALS"]
POSTURES: dict[str, str] = _L["POSTURES"]  # type: ignore[assignment]
ATTRIBUTION = _L["ATTRIBUTION"]
CONSENT = _L["CONSENT"]
ORGANS = _L["ORGANS"]
NAMED_FOR_PLACES = _L["NAMED_FOR_PLACES"]
GIFT_VERBS = _L["GIFT_VERBS"]
MISSIONS = _L["MISSIONS"]
HELP_VERBS = _L["HELP_VERBS"]
FORCES = _L["FORCES"]
