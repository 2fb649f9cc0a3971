"""Who a phrase names: CAMEO-style actor codes from dictionaries, dated by the article.

Sources, later ones winning for the same words: ISO 3166 country names (pycountry), the
Phoenix dictionaries (countries with dated office holders, international actors, armed
groups, agents, discards; MIT, OEDA), barograph's own file (demonyms, metonyms, IGOs, armed
groups, fresher office terms) and users' files (`extra_files`, env `BAROGRAPH_ACTORS`).

A mention is a run of dictionary pieces read as one noun phrase: a country or demonym,
agents (titles, sectors) and a person — "Russian Defense Minister Sergey Shoigu",
"two Turkish journalists", "Erdogan's son". The last agent or name is the head; the country
supplies the entity and the agent the sector (TUR + MED -> TURMED). Policy decisions:

* A former office holder ("former", or a date outside every dated role) is coded as the
  country's elite, ISO3 + ELI, as Phoenix does, never as its government.
* With no date the open-ended role wins (an incumbent), else the undated fallback.
* Capitals are their state with no sector ("Moscow" -> RUS); seats of power carry their
  organ ("the Kremlin" -> RUSGOV, "the Pentagon" -> USAMIL). "Brussels" stays BEL. Every
  capital of data/barograph/capitals.txt is a name of its state (``is_capital`` tells the
  extractor, which reads a capital that acts as the state's government: "Berlin rejected").
* "in/from X" after an agent joins the mention only when nothing before the agent (a
  country, name or possessive pronoun) says whose it is: "officials from Chad" -> TCDGOV, but
  "Ugandan soldiers from Burundi" -> UGAMIL and BDI, "its troops in Syria" -> troops and SYR.
* "X-led" counts X as an actor ("Saudi-led coalition" -> SAU) and "anti-X" names X, the
  target ("anti-Moscow sanctions"); other compounds ("Russian-backed", "Kurdish-held",
  "pro-Russian") name no actor.
* Bare agents ("the government", "rebels") name no one on their own: `resolve` returns
  None and `mentions` leaves them out unless `include_agents=True` (code = sector,
  entity "").
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from barograph.errors import BadInput
from barograph.events.pickle_cache import load_or_build
from barograph.events.actor_dictionaries import (
    ActorGroup,
    Role,
    key,
    phrase_key,
    read_barograph_actors,
    read_discards,
    read_petrarch_actors,
    read_petrarch_agents,
    tokenize,
    with_plurals,
)

FORMAT_VERSION = 3  # bump when the built tables change shape or meaning

# Codes whose first three letters are not the entity users filter on.
_ENTITY_PREFIX = {
    "IGOWSTNAT": "NATO",
    "IGOUNO": "UN",
    "IGOEUREEC": "EU",
    "IGOGOE": "G7",
    "IGOBUSGOE": "G7",
    "IGOGOS": "G7",
    "IGOMEAARL": "ARL",
    "IGOAFRAFU": "AU",
    "IMGMUSISI": "ISIS",
    "IMGMUSISL": "ISIS",
    "IMGMUSAQD": "AQ",
    "IMGMUSALQ": "AQ",
    "KUR": "KUR",
    # Phoenix's non-ISO country codes
    "KSV": "XKX",
    "SUN": "RUS",
    "USR": "RUS",
    "YUG": "SRB",
    "SCG": "SRB",
    "FRY": "SRB",
    "TMP": "TLS",
}
_PREFIXES = sorted(_ENTITY_PREFIX, key=len, reverse=True)

_KIND_CONFIDENCE = {"person": 0.9, "state": 0.95, "org": 0.9, "group": 0.9, "demonym": 0.85, "place": 0.75, "agent": 0.8}
_FORMER = {"FORMER", "EX", "ONETIME", "ERSTWHILE"}
_LINKS = {("OF",), ("OF", "THE"), ("IN",), ("IN", "THE"), ("FROM",), ("FROM", "THE"), ("FOR",), ("FOR", "THE")}
# Links that only place an agent ("troops in Syria", "officials from Chad"): they name its
# country only when nothing before the agent does ("Ethiopian troops from Somalia" are ETH's).
_PLACE_LINKS = {("IN",), ("IN", "THE"), ("FROM",), ("FROM", "THE")}
# Possessive pronouns: "its troops from Syria" are the owner's troops, placed in Syria.
_POSS_PRONOUNS = {"ITS", "THEIR", "HIS", "HER", "OUR", "MY", "YOUR"}
# Words that end a noun phrase's head when `resolve` looks for it.
_CUT = {
    "OF",
    "IN",
    "FROM",
    "AT",
    "ON",
    "WITH",
    "FOR",
    "TO",
    "WHO",
    "WHICH",
    "THAT",
    "AND",
    "OR",
    "BUT",
    ",",
    ";",
    "(",
    ":",
    "AGAINST",
    "NEAR",
    "BY",
    "OVER",
    "AFTER",
    "BEFORE",
    "DURING",
    "WHILE",
    "WHOSE",
    "WHERE",
    "AS",
    "ABOUT",
    "INTO",
    "UNDER",
    "SAID",
    "SAYS",
}
# Lowercase words allowed between a demonym and its agent ("Turkish investigative journalists").
_NOT_MODIFIER = {
    "AND",
    "OR",
    "BUT",
    "TO",
    "OF",
    "IN",
    "ON",
    "AT",
    "BY",
    "FOR",
    "WITH",
    "FROM",
    "IS",
    "ARE",
    "WAS",
    "WERE",
    "BE",
    "BEEN",
    "HAS",
    "HAVE",
    "HAD",
    "WILL",
    "WOULD",
    "SAID",
    "SAYS",
    "SAY",
    "THAT",
    "WHO",
    "WHICH",
    "THE",
    "A",
    "AN",
    "NOT",
    "AS",
}
_CALENDAR = {
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
    "THE",
    "A",
    "AN",
    "ON",
    "IN",
}
_HYPHEN_ACTOR_SUFFIXES = {"LED"}
# Phoenix codes that are a sector with no country (media outlets are [MED]).
_SECTOR_ONLY = {
    "MED",
    "GOV",
    "MIL",
    "REB",
    "OPP",
    "BUS",
    "CVL",
    "NGO",
    "IGO",
    "MNC",
    "ELI",
    "UAF",
    "JUD",
    "LEG",
    "EDU",
    "HLH",
    "REL",
    "SPY",
    "COP",
    "LAB",
    "AGR",
    "ENV",
    "HRI",
    "REF",
}

# Entry kinds inside the tables: actor group, agent, discard.
_ACTOR, _AGENT, _DISCARD = 0, 1, 2


@dataclass
class ActorMatch:
    code: str  # CAMEO-style: RUS, RUSGOV, USAMIL, TURMED, IGOWSTNAT, IMGMUSISI
    entity: str  # ISO 3166 alpha-3 for a state and its organs/people; else NATO, UN, ISIS, KUR...
    sector: str | None  # GOV, MIL, MED, REB, ELI, ... (None for a bare state or an organisation)
    name: str | None  # canonical dictionary name ("VLADIMIR_PUTIN", "RUSSIA")
    start: int  # span of the matched words in the text given
    end: int
    kind: str  # state | person | org | group | place | demonym | agent
    confidence: float


def entity_of(code: str, explicit: str | None = None) -> str:
    """The entity a code belongs to: ISO3 for states, an organisation code otherwise."""
    if explicit:
        return explicit
    for p in _PREFIXES:
        if code.startswith(p):
            return _ENTITY_PREFIX[p]
    if code[:3] in _iso3():
        return code[:3]
    return code


_ISO3: set[str] | None = None


def _iso3() -> set[str]:
    global _ISO3
    if _ISO3 is None:
        import pycountry

        _ISO3 = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    return _ISO3


def _date_int(date: str | None) -> int | None:
    if not date:
        return None
    digits = str(date)[:10].replace("-", "")
    if len(digits) == 8 and digits.isdigit():
        return int(digits)
    if len(digits) >= 4 and digits[:4].isdigit():
        return int(digits[:4]) * 10000 + 101
    return None


def pick_role(roles: tuple, date: int | None) -> tuple[tuple | None, bool]:
    """(role, former) for a date: the dated role covering it (latest start wins), else the
    undated fallback, else - when the date is outside every term - the last role, former."""
    dated = [r for r in roles if r[1] is not None or r[2] is not None]
    undated = [r for r in roles if r[1] is None and r[2] is None]
    if date is None:
        open_ended = [r for r in dated if r[2] is None]
        if open_ended:
            return max(open_ended, key=lambda r: r[1] or 0), False
        if undated:
            return undated[0], False
        return (max(dated, key=lambda r: r[2]), True) if dated else (None, False)
    covering = [r for r in dated if (r[1] is None or r[1] <= date) and (r[2] is None or date < r[2])]
    if covering:
        return max(covering, key=lambda r: (r[1] or 0, len(r[0]))), False
    if undated:
        return undated[0], False
    return (max(dated, key=lambda r: r[2] or 0), True) if dated else (None, False)


class _Tables:
    """Everything the matcher reads, built once and pickled: phrase -> entry, entries, groups."""

    def __init__(self) -> None:
        self.phrases: dict[tuple[str, ...], int] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}
        self.entries: list[tuple] = []  # (type, ref, caps, adjective)
        self.groups: list[tuple] = []  # (name, kind, roles tuple)
        self.by_name: dict[str, int] = {}

    # -- building -------------------------------------------------------------------------
    def _put(self, phrase: tuple[str, ...], entry: tuple, weak: bool = False) -> None:
        if weak and phrase in self.phrases:
            return
        self.entries.append(entry)
        self.phrases[phrase] = len(self.entries) - 1

    @staticmethod
    def _caps(phrase: tuple[str, ...], written: str | None) -> int:
        """0: any case; 1: last word capitalised; 2: written in capitals (US, UN, EU)."""
        if len(phrase) == 1 and phrase[0].isalpha() and len(phrase[0]) <= 3:
            if written is None or written.replace(".", "").isupper():
                return 2
        return 1

    def add_group(self, g: ActorGroup, written: list[str] | None = None) -> None:
        roles = tuple((r.code, r.start, r.end, r.entity) for r in g.roles)
        gid = self.by_name.get(g.name)
        if gid is not None and g.source != self.groups[gid][3]:
            self.groups[gid] = (g.name, g.kind, roles, g.source)  # fresher roles for old synonyms
        else:
            self.groups.append((g.name, g.kind, roles, g.source))
            gid = len(self.groups) - 1
            self.by_name.setdefault(g.name, gid)
        for n, ph in enumerate(g.phrases):
            w = written[n] if written and n < len(written) else None
            caps = self._caps(ph, w)
            if g.kind == "demonym":
                forms = with_plurals(ph)
                self._put(forms[0], (_ACTOR, gid, caps, True))
                for f in forms[1:]:  # "Philippines" stays the state, not a plural
                    self._put(f, (_ACTOR, gid, 1, False), weak=True)
            else:
                self._put(ph, (_ACTOR, gid, caps, False))

    def add_agent(self, phrase: tuple[str, ...], code: str) -> None:
        self._put(phrase, (_AGENT, code, 0, False))

    def finish(self) -> None:
        lengths: dict[str, set[int]] = {}
        for ph in self.phrases:
            lengths.setdefault(ph[0], set()).add(len(ph))
        self.lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


def _data_text(*parts: str) -> str:
    return resources.files("barograph").joinpath("data", *parts).read_text(encoding="utf-8", errors="replace")


_BUILTIN_FILES = [
    ("petrarch2", "Phoenix.Countries.actors.txt"),
    ("petrarch2", "Phoenix.International.actors.txt"),
    ("petrarch2", "Phoenix.MilNonState.actors.txt"),
    ("petrarch2", "Phoenix.agents.txt"),
    ("petrarch2", "Phoenix.discards.txt"),
    ("actors", "barograph.actors.txt"),
    ("barograph", "capitals.txt"),
]


_CAPITALS: dict[tuple[str, ...], str] | None = None


def capitals() -> dict[tuple[str, ...], str]:
    """Capital name (token keys) -> ISO3 of its state, from data/barograph/capitals.txt."""
    global _CAPITALS
    if _CAPITALS is None:
        table = {}
        for line in _data_text("barograph", "capitals.txt").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                iso, _, names = line.partition(" ")
                for name in names.split("|"):
                    if phrase_key(name):
                        table[phrase_key(name)] = iso
        _CAPITALS = table
    return _CAPITALS


def is_capital(text: str, entity: str) -> bool:
    """Whether ``text`` ("Berlin", "the Hague") names the capital of ``entity`` (an ISO3)."""
    keys = phrase_key(text)
    got = capitals().get(keys) or (capitals().get(keys[1:]) if keys[:1] == ("THE",) else None)
    return bool(entity) and got == entity


def _add_barograph_file(t: _Tables, text: str, source: str) -> None:
    for g in read_barograph_actors(text, source):
        if g.kind == "none":
            for ph in g.phrases:
                t._put(ph, (_DISCARD, None, 0, False))
            continue
        if g.kind == "agent":
            for ph in g.phrases:
                for form in with_plurals(ph):
                    t.add_agent(form, g.roles[0].code[1:])
            continue
        # the names as written decide case rules ("US" needs capitals, "Xi" a capital)
        line = text.splitlines()[g.line - 1].split("#", 1)[0]
        written = [w.strip() for w in line.split("=", 1)[0].split("|") if w.strip()]
        t.add_group(g, written)


def _build_builtin() -> _Tables:
    import pycountry

    t = _Tables()
    for c in pycountry.countries:
        names = {c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", c.name)}
        phrases = [phrase_key(n) for n in names if n]
        t.add_group(ActorGroup(c.name.upper().replace(" ", "_"), "state", [Role(c.alpha_3)], [p for p in phrases if p], "iso3166"))
    for fname, kind in (
        ("Phoenix.Countries.actors.txt", None),
        ("Phoenix.International.actors.txt", None),
        ("Phoenix.MilNonState.actors.txt", "group"),
    ):
        for g in read_petrarch_actors(_data_text("petrarch2", fname), fname, kind):
            if g.kind == "state" and entity_of(g.roles[0].code) not in _iso3():
                g.kind = "org"  # [MED] for Reuters, regions such as [AFR]
            t.add_group(g)
    for ph, code in read_petrarch_agents(_data_text("petrarch2", "Phoenix.agents.txt")):
        t.add_agent(ph, code)
    for ph in read_discards(_data_text("petrarch2", "Phoenix.discards.txt")):
        t._put(ph, (_DISCARD, None, 0, False), weak=True)
    _add_barograph_file(t, _data_text("actors", "barograph.actors.txt"), "barograph.actors.txt")
    for phrase, iso in capitals().items():  # capitals no dictionary names are still their state
        if phrase not in t.phrases:
            t.add_group(ActorGroup("_".join(phrase), "place", [Role(iso)], [phrase], "capitals.txt"))
    return t


def _builtin_hash() -> str:
    """Hash of the built-in actor data and of the code that reads and matches it."""
    h = hashlib.sha256(str(FORMAT_VERSION).encode())
    for parts in _BUILTIN_FILES:
        h.update(_data_text(*parts).encode("utf-8", "replace"))
    for code_file in ("actor_dictionaries.py", "actors.py"):  # the build's logic too
        try:
            h.update(Path(__file__).with_name(code_file).read_bytes())
        except OSError:
            h.update(code_file.encode())
    try:
        import pycountry  # ISO names are the lowest-priority actor names

        h.update(str(getattr(pycountry, "__version__", "")).encode())
    except ImportError:
        pass
    return h.hexdigest()


def _cache_path() -> Path | None:
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("barograph")) / f"actors-{_builtin_hash()[:16]}.pickle"
    except Exception:
        return None


def _load_builtin() -> _Tables:
    """The built-in tables from the pickle cache, rebuilt when any data file changes."""
    return load_or_build(_cache_path(), _build_builtin, "actors-*.pickle")


def _env_files() -> list[str]:
    raw = os.environ.get("BAROGRAPH_ACTORS", "")
    return [p for p in raw.split(os.pathsep) if p.strip()]


class ActorResolver:
    """Finds and codes actor mentions; one instance is safe to share between threads."""

    _default: "ActorResolver | None" = None
    _lock = threading.Lock()

    def __init__(self, extra_files: list[str | Path] | tuple = (), use_builtin: bool = True):
        t = _load_builtin() if use_builtin else _Tables()
        h = hashlib.sha256(_builtin_hash().encode() if use_builtin else b"no-builtin")
        for f in list(extra_files) + _env_files():
            p = Path(f)
            try:
                text = p.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise BadInput(str(p), "no such actor file") from None
            except (OSError, UnicodeDecodeError) as e:
                raise BadInput(str(p), f"cannot read actor file: {e}") from None
            _add_barograph_file(t, text, str(p))
            h.update(b"\0" + text.encode("utf-8"))  # a user's file codes actors too
        t.finish()
        self._t = t
        # part of the coder version: events coded with other actor files are stale for `recode`
        self.digest = h.hexdigest()[:10]

    @classmethod
    def default(cls) -> "ActorResolver":
        """The shared resolver over the built-in dictionaries (and BAROGRAPH_ACTORS files)."""
        with cls._lock:
            if cls._default is None:
                cls._default = cls()
            return cls._default

    # -- matching -------------------------------------------------------------------------
    def _case_ok(self, caps: int, toks: list, i: int, j: int) -> bool:
        if caps == 0:
            return True
        last = toks[j - 1][0]
        if caps == 2:
            return last.replace(".", "").isupper()
        return any(c.isupper() for c in last)

    def _match_at(self, keys: list[str], toks: list, i: int) -> tuple[int, tuple] | None:
        t = self._t
        for n in t.lengths.get(keys[i], ()):
            if i + n > len(keys):
                continue
            eid = t.phrases.get(tuple(keys[i : i + n]))
            if eid is None:
                continue
            entry = t.entries[eid]
            if entry[0] == _ACTOR and not self._case_ok(entry[2], toks, i, i + n):
                continue
            return i + n, entry
        return None

    def _pieces(self, toks: list, keys: list[str]) -> list[tuple]:
        """Longest dictionary matches, left to right: (i, j, entry, start, end, from_compound)."""
        pieces = []
        i, n = 0, len(keys)
        while i < n:
            m = self._match_at(keys, toks, i)
            if m is not None:
                j, entry = m
                if not self._name_goes_on(entry, i, j, keys, toks):
                    pieces.append((i, j, entry, toks[i][1], toks[j - 1][2], False))
                i = j
                continue
            tok = toks[i][0]
            if "-" in tok:
                head, _, tail = tok.partition("-")
                entry = None
                if key(tail) in _HYPHEN_ACTOR_SUFFIXES:  # "Saudi-led": the leader acts
                    entry, s, e = self._single(head), toks[i][1], toks[i][1] + len(head)
                elif key(head) == "ANTI":  # "anti-Moscow sanctions": the target
                    entry, s, e = self._single(tail), toks[i][1] + len(head) + 1, toks[i][2]
                if entry is not None:
                    pieces.append((i, i + 1, entry, s, e, True))
            i += 1
        return pieces

    def _name_goes_on(self, entry, i: int, j: int, keys: list[str], toks: list) -> bool:
        """Is a one-word person's name the start of a longer name no dictionary knows? "Abdullah
        Al Taweel", Kuwait's minister, is not King Abdullah; "Trump Tower" is no one. A next word
        the dictionaries know ("Obama Administration") continues the mention instead, and in a
        headline ("Obama Increases Number of Refugees") every word is capitalised."""
        if j != i + 1 or j >= len(toks) or self._kind(entry) != "person":
            return False
        nxt = toks[j][0]
        if not (nxt[:1].isupper() and nxt.isalpha() and keys[j] not in _CALENDAR and self._match_at(keys, toks, j) is None):
            return False
        words = [t[0] for t in toks if t[0].isalpha()]
        return sum(w[:1].isupper() for w in words) < 0.6 * len(words)  # a headline capitalises every word

    def _single(self, word: str) -> tuple | None:
        """The actor entry of one capitalised word, for parts of hyphenated compounds."""
        eid = self._t.phrases.get((key(word),))
        if eid is None or not word[:1].isupper():
            return None
        entry = self._t.entries[eid]
        return entry if entry[0] == _ACTOR else None

    def _kind(self, entry: tuple) -> str:
        if entry[0] == _AGENT:
            return "agent"
        if entry[0] == _DISCARD:
            return "discard"
        return self._t.groups[entry[1]][1]

    def _joins(self, prev: tuple, q: tuple, keys: list[str], toks: list, based: bool = False) -> bool:
        """Whether piece ``q`` continues the mention ending in ``prev``; ``based``: the mention
        already has a country, state or group of its own before ``prev``."""
        pk, qk = self._kind(prev[2]), self._kind(q[2])
        if "discard" in (pk, qk) or prev[5] or q[5]:  # compounds stand alone
            return False
        gap = tuple(keys[prev[1] : q[0]])
        if qk == "agent":
            if not gap:
                return True
            if gap == ("'S",) and pk != "agent":
                return True
            if (
                pk == "demonym"
                and prev[2][3]
                and len(gap) <= 2
                and all(k.isalpha() and k not in _NOT_MODIFIER and toks[x][0].islower() for x, k in zip(range(prev[1], q[0]), gap))
            ):
                return True
            return False
        if qk == "person":
            return not gap and pk in ("agent", "demonym", "state", "org", "place")
        if pk == "demonym" and prev[2][3] and not gap and qk in ("group", "org"):
            return True
        if pk == "agent" and gap in _LINKS and qk in ("state", "place", "org", "group", "demonym"):
            return not (based and gap in _PLACE_LINKS)  # "Ethiopian troops | from Somalia"
        return False

    @staticmethod
    def _owned(i: int, keys: list[str], toks: list) -> bool:
        """Whether a possessive pronoun owns the phrase starting at token ``i`` ("its own
        troops"), over at most three lowercase modifiers."""
        b = i - 1
        while b >= 0 and i - b <= 4:
            if keys[b] in _POSS_PRONOUNS:
                return True
            if not (toks[b][0].isalpha() and toks[b][0].islower() and keys[b] not in _NOT_MODIFIER):
                return False
            b -= 1
        return False

    def _groups(self, pieces: list[tuple], keys: list[str], toks: list) -> list[list[tuple]]:
        groups: list[list[tuple]] = []
        k = 0
        while k < len(pieces):
            grp = [pieces[k]]
            owned = self._owned(pieces[k][0], keys, toks)
            while k + 1 < len(pieces) and self._joins(grp[-1], pieces[k + 1], keys, toks, owned or any(p[2][0] == _ACTOR for p in grp)):
                k += 1
                grp.append(pieces[k])
            k += 1
            if self._kind(grp[0][2]) != "discard":
                groups.append(grp)
        return groups

    def _code(self, gid: int, date: int | None) -> tuple[str, str, bool] | None:
        """(code, entity, former) of a dictionary group at a date."""
        name, kind, roles, _ = self._t.groups[gid]
        role, former = pick_role(roles, date)
        if role is None:
            return None
        code, ent = role[0], entity_of(role[0], role[3])
        if code in ("ELI", "---"):
            return None
        return code, ent, former

    def _resolve_group(
        self, grp: list[tuple], toks: list, keys: list[str], date: int | None, starts: set[int], include_agents: bool
    ) -> ActorMatch | None:
        kinds = [self._kind(p[2]) for p in grp]
        # head: the last agent or name, unless a base follows an "of/in" link after it
        head_i = len(grp) - 1
        for x in range(1, len(grp)):
            if kinds[x - 1] == "agent" and kinds[x] != "agent" and keys[grp[x - 1][1] : grp[x][0]]:
                head_i = x - 1
                break
        head = grp[head_i]
        start, end = grp[0][3], grp[-1][4]
        last_tok = grp[-1][1]
        former = any(keys[x] in _FORMER for x in range(grp[0][0], last_tok))
        b = grp[0][0] - 1
        while b >= 0 and keys[b] in ("THE", "A", "AN"):
            b -= 1
        if b >= 0 and (keys[b] in _FORMER or keys[b].startswith("EX-")):
            former = True
        kind = kinds[head_i]
        name = None
        if kind != "agent":
            gid = head[2][1]
            got = self._code(gid, date)
            if got is None:
                return None
            code, ent, was = got
            name = self._t.groups[gid][0]
            former = former or (was and kind == "person")
            conf = _KIND_CONFIDENCE.get(kind, 0.8)
        else:
            sectors = [p[2][1] for p in grp[: head_i + 1] if p[2][0] == _AGENT]
            sector_code = sectors[-1]
            for s in sectors[:-1]:
                if s.startswith(sector_code) and len(s) > len(sector_code):
                    sector_code = s
            bases = [p for p in grp[:head_i] if p[2][0] == _ACTOR] or [p for p in grp[head_i + 1 :] if p[2][0] == _ACTOR]
            # a name after a title ("Defense Minister Sergey Shoigu") belongs to the mention
            x = last_tok
            while (
                x < len(toks)
                and x - last_tok < 3
                and x not in starts
                and toks[x][0][:1].isupper()
                and toks[x][0].replace("-", "").replace(".", "").isalpha()
                and keys[x] not in _CALENDAR
                and head is grp[-1]
            ):
                end = toks[x][2]
                x += 1
            named = x > last_tok
            if not bases:
                if not include_agents:
                    return None
                return ActorMatch(sector_code, "", sector_code[:3], None, start, end, "agent", 0.4)
            base = bases[-1] if bases[0] in grp[:head_i] else bases[0]
            got = self._code(base[2][1], date)
            if got is None:
                return None
            bcode, ent, was = got
            name = self._t.groups[base[2][1]][0]
            bkind = self._kind(base[2])
            if sector_code.startswith("ELI"):
                code = ent + "ELI" if ent in _iso3() else bcode
                former = former or (was and bkind == "person")
            elif bkind == "person" and ent in _iso3():
                code = ent + sector_code  # "Assad's army" is the state's army, in office or not
            elif len(bcode) == 3 and bcode not in _SECTOR_ONLY:
                code = bcode + sector_code
            else:
                code = bcode  # the base already says which organ (Kremlin, Pentagon, ISIS)
            kind = "person" if named else "agent"
            conf = 0.85 if bkind != "place" else 0.7
        if former and ent in _iso3():
            code = ent + "ELI"
        sector = None
        if ent in _iso3() or len(code) > 3 and code[:3] == ent:
            sector = code[3:6] or None
        return ActorMatch(code, ent, sector, name, start, end, kind, conf)

    def _scan(self, text: str, date: str | None, include_agents: bool):
        toks = tokenize(text)
        keys = [key(t[0]) for t in toks]
        pieces = self._pieces(toks, keys)
        starts = {p[0] for p in pieces}
        d = _date_int(date)
        out = []
        for grp in self._groups(pieces, keys, toks):
            m = self._resolve_group(grp, toks, keys, d, starts, include_agents)
            if m is not None:
                out.append((grp, m))
        return toks, keys, out

    def mentions(self, text: str, date: str | None = None, *, include_agents: bool = False) -> list[ActorMatch]:
        """Every actor mention in `text`, non-overlapping, in text order, spans in `text`."""
        return [m for _, m in self._scan(text, date, include_agents)[2]]

    def resolve(self, phrase: str, date: str | None = None) -> ActorMatch | None:
        """The one actor a noun phrase denotes: its head's, before any "of/and/who" tail."""
        toks, keys, found = self._scan(phrase, date, True)
        covered = set()
        for grp, _ in found:
            covered.update(range(grp[0][0], grp[-1][1]))
        cut = next((x for x, k in enumerate(keys) if k in _CUT and x not in covered), len(keys))
        best = None
        for grp, m in found:
            if grp[0][0] < cut:
                best = m
        if best is None or best.kind == "agent" and not best.entity:
            return None
        return best
