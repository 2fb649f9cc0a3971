"""Readers for actor dictionaries: PETRARCH2/Phoenix files and barograph's own format.

The Phoenix files (MIT, Open Event Data Alliance) are read as data, the way PETRARCH2
reads them, so they can be refreshed upstream without code changes. barograph's own
additions and users' files use a simpler line format (see docs/actors.md):

    @kind person
    Barack Obama | Obama | President Obama = USAGOV 2009-01-20..2017-01-20; USAELI

Names are matched case-insensitively on word tokens; the shared tokenizer below is used
for dictionary phrases and for text alike, so both sides split words the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

from barograph.errors import BadInput

KINDS = ("state", "person", "org", "group", "place", "demonym", "agent", "none")

# Abbreviations whose final period belongs to the word ("Mr.", "Gen."), so "Russia." at the
# end of a sentence loses its period but "Gen." keeps it.
_ABBREV = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "lt",
    "col",
    "maj",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "pres",
    "st",
    "jr",
    "sr",
    "adm",
    "cmdr",
    "prof",
    "rev",
    "hon",
    "no",
    "vs",
}
_TOKEN = re.compile(r"[^\W_]+(?:[.'’\-&][^\W_]+)*\.?|[^\w\s]")
_POSSESSIVE = re.compile(r"^(.*[^\W_])(['’][sS])$")


@dataclass(frozen=True)
class Role:
    """One code an actor carries, optionally only between two dates (YYYYMMDD ints)."""

    code: str
    start: int | None = None
    end: int | None = None
    entity: str | None = None  # explicit entity, else derived from the code

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass
class ActorGroup:
    """A dictionary entry: its phrases (token keys), its roles and what kind of actor it is."""

    name: str
    kind: str
    roles: list[Role]
    phrases: list[tuple[str, ...]]
    source: str
    line: int = 0


def key(word: str) -> str:
    """The comparison form of a token: ASCII, upper case, no periods ("U.S." -> "US")."""
    if word.isascii():
        return word.replace(".", "").upper()
    w = unicodedata.normalize("NFKD", word)
    w = "".join(c for c in w if not unicodedata.combining(c))
    return w.replace("’", "'").replace(".", "").upper()


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Word tokens with their spans; a possessive 's is its own token, a sentence's final
    period is dropped from the word, abbreviations ("U.S.", "Gen.") keep theirs."""
    out: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text):
        tok, s, e = m.group(), m.start(), m.end()
        if tok.endswith(".") and len(tok) > 1:
            inner = tok[:-1]
            if "." not in inner and len(inner) > 1 and inner.lower() not in _ABBREV:
                out.append((inner, s, e - 1))
                out.append((".", e - 1, e))  # keeps "Damascus. Erdogan" apart
                continue
        pm = _POSSESSIVE.match(tok)
        if pm and len(pm.group(1)) > 1:
            n = len(pm.group(1))
            out.append((pm.group(1), s, s + n))
            out.append((pm.group(2), s + n, e))
            continue
        out.append((tok, s, e))
    return _join_dotted_compounds(out) if ".-" in text else out


def _join_dotted_compounds(toks: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """ "U.S.-backed" is one word, as "US-backed" is: the token pattern ends an abbreviation at
    its last full stop, which left "U.S." to be read as an actor of its own ("U.S.-backed
    rebels" as the United States). Joined, the compound is read like any other ("-led" names
    its leader, other compounds no actor)."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(toks):
        tok, s, e = toks[i]
        if (
            tok.endswith(".")
            and i + 2 < len(toks)
            and toks[i + 1][0] == "-"
            and toks[i + 1][1] == e
            and toks[i + 2][1] == e + 1
            and toks[i + 2][0][:1].isalpha()
        ):
            out.append((tok + "-" + toks[i + 2][0], s, toks[i + 2][2]))
            i += 3
            continue
        out.append((tok, s, e))
        i += 1
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Token keys of a dictionary phrase ("U.S._VICE_PRESIDENT" or "U.S. vice president")."""
    return tuple(key(t) for t, _, _ in tokenize(phrase.replace("_", " ")) if key(t))


def parse_date(s: str) -> int | None:
    """YYMMDD (00-30 -> 20YY, as PETRARCH/TABARI read it), YYYYMMDD, YYYY-MM-DD or YYYY."""
    s = s.strip()
    digits = s.replace("-", "")
    if not digits.isdigit():
        return None
    if len(s) == 4:
        return int(s) * 10000 + 101
    if len(digits) == 6:
        yy = int(digits[:2])
        return (2000 + yy if yy <= 30 else 1900 + yy) * 10000 + int(digits[2:])
    if len(digits) == 8:
        v = int(digits)
        return v if 1000_01_01 <= v <= 2999_12_31 else None
    return None


def _petrarch_role(body: str) -> Role | None:
    parts = body.split()
    if not parts or set(parts[0]) <= {"-"}:
        return None
    code = parts[0].upper()
    if len(parts) < 2:
        return Role(code)
    d = "".join(parts[1:])  # "[UKRGOV > 20140607]" has a stray space
    if d.startswith(">"):
        start = parse_date(d[1:])
        return Role(code, start, None) if start else Role(code)
    if d.startswith("<"):
        end = parse_date(d[1:])
        return Role(code, None, end) if end else Role(code)
    if "-" in d:
        a, b = d.split("-", 1)
        start, end = parse_date(a), parse_date(b)
        if start and end:
            return Role(code, start, end)
    return Role(code)  # unreadable date: keep the code, undated


_BRACKET = re.compile(r"\[([^\]]*)\]")


def read_petrarch_actors(text: str, source: str, kind: str | None = None) -> Iterator[ActorGroup]:
    """Groups of a PETRARCH2 .actors file: a base line, '+' synonyms, '[CODE date]' roles.

    `kind` forces the kind (armed groups file); otherwise dated roles make a person, a bare
    three-letter code a state, anything else an organisation."""
    group: ActorGroup | None = None

    def finish(g: ActorGroup | None) -> ActorGroup | None:
        if g is None or not g.roles or not g.phrases:
            return None
        if kind:
            g.kind = kind
        elif any(len(r.code) == 3 for r in g.roles):
            g.kind = "state"  # a country (its dated roles are regime changes)
        elif any(r.dated for r in g.roles):
            g.kind = "person"
        else:
            g.kind = "org"
        return g

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        roles = [r for r in (_petrarch_role(b) for b in _BRACKET.findall(line)) if r]
        phrase = _BRACKET.sub(" ", line).strip()
        if line.startswith("["):
            if group is not None:
                group.roles.extend(roles)
            continue
        if phrase.startswith("+"):
            if group is not None:
                k = phrase_key(phrase[1:])
                if k:
                    group.phrases.append(k)
                group.roles.extend(roles)
            continue
        done = finish(group)
        if done:
            yield done
        k = phrase_key(phrase)
        group = ActorGroup(
            name=phrase.strip("_ ").replace(" ", "_").upper(), kind="", roles=list(roles), phrases=[k] if k else [], source=source, line=n
        )
    done = finish(group)
    if done:
        yield done


def _plurals(word: str) -> list[str]:
    if word.endswith("MAN"):
        return [word[:-3] + "MEN"]
    if word.endswith("PERSON"):
        return [word + "S", word[:-6] + "PEOPLE"]
    if word.endswith("Y") and len(word) > 2 and word[-2] not in "AEIOU":
        return [word[:-1] + "IES"]
    if word.endswith(("S", "X", "CH", "SH", "Z")):
        return [word + "ES"]
    return [word + "S"]


def with_plurals(phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The phrase and its regular plural(s), formed on the last word (PETRARCH 0.5's rule)."""
    if not phrase or not phrase[-1].isalpha():
        return [phrase]
    return [phrase] + [phrase[:-1] + (p,) for p in _plurals(phrase[-1])]


_SUBST = re.compile(r"^(![A-Z]+!)\s*=\s*(.+)$")


def read_petrarch_agents(text: str) -> Iterator[tuple[tuple[str, ...], str]]:
    """(phrase key, agent code such as 'MED' or 'GOVMIL') for each line of Phoenix.agents.txt,
    with its !SET! substitutions expanded and regular plurals added."""
    subst: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = _SUBST.match(line)
        if m:
            subst[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        codes = _BRACKET.findall(line)
        if not codes or not codes[0].strip().startswith("~"):
            continue  # 'IGO~' prefixes and malformed lines are not sectors
        code = codes[0].strip()[1:].upper()
        body = _BRACKET.sub(" ", line)
        extra = re.findall(r"\{([^}]*)\}", body)
        body = re.sub(r"\{[^}]*\}", " ", body).strip()
        variants = [body]
        for name, words in subst.items():
            if name in body:
                variants = [v.replace(name, " " + w + " ") for v in variants for w in words]
        for v in variants + [e for e in extra if e.strip()]:
            k = phrase_key(v)
            if k:
                for p in with_plurals(k):
                    yield p, code


def read_discards(text: str) -> Iterator[tuple[str, ...]]:
    """Phrases of Phoenix.discards.txt (sports, awards, years...) that name no political actor."""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().lstrip("+").strip()
        if not line or line.replace(" ", "").isdigit():
            continue
        k = phrase_key(line)
        if k:
            yield k


def _barograph_role(item: str, where: str, n: int) -> Role:
    parts = item.split()
    code, entity = parts[0], None
    if "@" in code:
        code, entity = code.split("@", 1)
    if not re.fullmatch(r"~?[A-Z0-9]{2,16}", code) or (entity is not None and not entity):
        raise BadInput(where, f"bad actor code {parts[0]!r}", n)
    if len(parts) == 1:
        return Role(code, entity=entity)
    if len(parts) > 2 or ".." not in parts[1]:
        raise BadInput(where, f"bad date range {' '.join(parts[1:])!r} (want FROM..TO)", n)
    a, b = parts[1].split("..", 1)
    start, end = (parse_date(a) if a else None), (parse_date(b) if b else None)
    if (a and start is None) or (b and end is None):
        raise BadInput(where, f"bad date in {parts[1]!r} (want YYYY-MM-DD)", n)
    return Role(code, start, end, entity)


def read_barograph_actors(text: str, source: str) -> Iterator[ActorGroup]:
    """Groups of a barograph actor file: `@kind K` lines, then `name | name = CODE [FROM..TO]; ...`."""
    kind = "state"
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("@"):
            parts = line[1:].split()
            if len(parts) != 2 or parts[0] != "kind" or parts[1] not in KINDS:
                raise BadInput(source, f"bad directive {line!r} (want '@kind' one of {', '.join(KINDS)})", n)
            kind = parts[1]
            continue
        if kind == "none":  # names that are no actor: "Organization", "Youth"
            phrases = [phrase_key(x) for x in line.split("|") if x.strip()]
            yield ActorGroup(name="", kind="none", roles=[], phrases=[p for p in phrases if p], source=source, line=n)
            continue
        if "=" not in line:
            raise BadInput(source, f"no '=' in {line!r} (want 'name | name = CODE')", n)
        names, codes = line.split("=", 1)
        phrases = [phrase_key(x) for x in names.split("|") if x.strip()]
        roles = [_barograph_role(c.strip(), source, n) for c in codes.split(";") if c.strip()]
        if not phrases or not all(phrases) or not roles:
            raise BadInput(source, f"empty name or code in {line!r}", n)
        if kind == "agent" and not all(r.code.startswith("~") for r in roles):
            raise BadInput(source, "agent codes start with '~' (e.g. ~MED)", n)
        first = names.split("|")[0].strip()
        yield ActorGroup(name=re.sub(r"\s+", "_", first).upper(), kind=kind, roles=roles, phrases=phrases, source=source, line=n)
