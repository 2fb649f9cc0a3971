"""The CAMEO verb dictionary (PETRARCH2's CAMEO.2.0.txt) read as data, turned into lookups.

PETRARCH matches its patterns against a constituency parse; barograph keeps the lexical
knowledge and matches it against a dependency parse instead: a verb lemma gives a default
code, and a pattern fires when all of its words occur among the verb's dependents (objects,
particles, prepositional phrases). Synonym sets (``&WEAPON``) are expanded to word sets.
Everything is parsed once and cached, so the hot loop only does dict lookups by lemma.

Format notes (PETRARCH2 docs, PETRreader.read_verb_dictionary):
``--- NAME [code] ---`` opens a block of synonymous verbs sharing patterns; a verb line is
``WORD [code] {irregular forms}``; ``+WORD_PARTICLE`` is a multi-word verb; a pattern line is
``- words * words [code] # VERB`` where ``*`` is the verb, ``$``/``+`` source/target,
``^`` skip, ``%`` compound, ``(...)`` a prepositional phrase, ``{...}`` a phrase and
``&NAME`` a synonym set. ``[a:b]`` pairs a code with the code of the reversed event;
``[---]`` means "no event".
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from barograph.events import codes

_CODE = re.compile(r"\[([0-9:\-]*)\]")
_SKIP = {"$", "+", "^", "%", "*", "-", "", "a", "an", "the"}


@dataclass
class Pattern:
    words: tuple[frozenset[str], ...]  # each slot: acceptable words (lower case)
    code: str | None  # None: the pattern blocks any event
    reverse: bool = False  # the code belongs to the reversed (target -> source) event
    origin: str = ""  # the verb its comment names (``# DEPLOY``), lower case


@dataclass
class VerbEntry:
    lemma: str
    code: str | None = None
    reverse: bool = False
    particles: tuple[str, ...] = ()  # extra words a multi-word verb needs (``meet with``)
    patterns: list[Pattern] = field(default_factory=list)
    word: str = ""  # as written in the dictionary, lower case (``killed_and``)
    own_code: bool = False  # the verb line carries its own code, unlike its block
    block: str = ""  # the block's name (``SEND``), lower case


@dataclass
class VerbDictionary:
    verbs: dict[str, list[VerbEntry]]  # lemma -> entries (plain verb and multi-word forms)
    forms: dict[str, str]  # irregular surface form -> lemma
    digest: str
    # lemma -> its patterns in lookup order and, per word of a pattern's first slot, where
    # they stand in that order (built on first use by ``_pattern_index``)
    _index: dict[str, tuple[list[tuple[VerbEntry, Pattern]], dict[str, list[int]]]] = field(default_factory=dict, repr=False, compare=False)


def _pattern_index(dic: VerbDictionary, lemma: str, entries: list[VerbEntry]):
    """A verb's (entry, pattern) pairs in the order ``lookup`` weighs them, and for each word
    of a pattern's first slot the positions of the patterns that word can start.

    Why: SAY, MAKE or ACCUSE carry hundreds of patterns, and a pattern can match only if a
    word of its first slot is in the frame; looking up those words first skips the rest
    (the coder looks up every verb of every sentence)."""
    got = dic._index.get(lemma)
    if got is None:
        pairs = [(e, p) for e in entries for p in e.patterns]
        by_word: dict[str, list[int]] = {}
        for i, (_, p) in enumerate(pairs):
            for w in p.words[0]:
                by_word.setdefault(w, []).append(i)
        got = dic._index[lemma] = (pairs, by_word)
    return got


def _parse_code(text: str) -> tuple[str | None, bool]:
    """'042:043' -> ('042', False); ':020' -> ('020', True); '---' -> (None, False)."""
    first, _, second = text.partition(":")
    if first and first != "---" and codes.is_valid(first):
        return first, False
    if not first and second and second != "---" and codes.is_valid(second):
        return second, True
    return None, False


def _words(term: str, synsets: dict[str, frozenset[str]]) -> frozenset[str] | None:
    term = term.strip().lower()
    if term.startswith("&"):  # synset names are upper case in the file; terms arrive lower-cased
        return synsets.get(term[1:].rstrip("_").upper())
    term = term.rstrip("_").replace("_", " ").strip()
    if term in _SKIP or not re.match(r"[a-z]", term):
        return None
    return frozenset({term.split()[-1]})


def _pattern_slots(body: str, synsets: dict[str, frozenset[str]]) -> tuple[frozenset[str], ...]:
    body = body.replace("(", " ").replace(")", " ").replace("{", " ").replace("}", " ")
    slots = []
    for term in body.split():
        if "/" in term:  # (BY/WITH PROTESTS): alternatives
            alts = [w for t in term.split("/") if (w := _words(t, synsets))]
            if alts:
                slots.append(frozenset().union(*alts))
            continue
        w = _words(term, synsets)
        if w:
            slots.append(w)
    return tuple(slots)


def _unlisted_verbs(text: str) -> set[str]:
    """Verbs that pattern comments name (``# URGE``) but no verb line lists.

    CAMEO.2.0.txt has 22 patterns written for URGE in the DEMAND block, yet no URGE line, so
    "X urged Y to ..." (one of the commonest verbs in news) was no event at all; its patterns
    meanwhile applied to every DEMAND verb. Such a verb is restored by ``_restore``."""
    listed, section = set(), None
    named: Counter[str] = Counter()
    for raw in text.splitlines():
        if raw.startswith("#######"):
            section = "verbs" if "VERB PATTERNS" in raw else "other"
            continue
        line, _, comment = raw.partition("#")
        if section != "verbs" or not line.strip() or line.startswith("---"):
            continue
        if line.startswith("-"):
            if comment.split() and comment.split()[0].isalpha():
                named[comment.split()[0].lower()] += 1
            continue
        head = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", line).split()
        if head:
            word = head[0].lstrip("+").lower()
            listed.update({word, word.split("_")[0]})
            irregular = re.search(r"\{([^}]*)\}", line)
            listed.update(f.lstrip("+").lower() for f in (irregular.group(1).split() if irregular else ()))
    # three patterns or more: a single comment naming an inflected form ("# PLAYED") or a
    # noun ("# PULLBACK") is a note, not a missing verb
    return {w for w, n in named.items() if n >= 3} - listed


def _restore(entry: VerbEntry) -> None:
    """A restored verb's default code: the root most of its own patterns give, at its base
    level (URGE: 17 of its 22 patterns are appeals, 02x, so 020), as CAMEO codes a verb by the
    sense its patterns share."""
    roots = Counter(p.code[:2] for p in entry.patterns if p.code and p.origin == entry.word)
    if roots:
        entry.code = roots.most_common(1)[0][0] + "0"


def parse(text: str) -> VerbDictionary:
    unlisted = _unlisted_verbs(text)
    restored: list[VerbEntry] = []
    synsets: dict[str, set[str]] = {}
    verbs: dict[str, list[VerbEntry]] = {}
    forms: dict[str, str] = {}
    section = None
    block_name = ""
    current_syn = None
    block_code: tuple[str | None, bool] = (None, False)
    block: list[VerbEntry] = []

    for raw in text.splitlines():
        line, _, comment = raw.partition("#")
        line = line.rstrip()
        if raw.startswith("#######"):
            section = "syn" if "SYNONYM" in raw else "verbs" if "VERB PATTERNS" in raw else "other"
            continue
        if not line.strip():
            continue
        if section == "syn":
            if line.startswith("&"):
                current_syn = line[1:].strip().rstrip("_")
                synsets[current_syn] = set()
            elif line.startswith("+") and current_syn:
                w = line[1:].strip().rstrip("_").lower().replace("_", " ")
                if w:
                    synsets[current_syn].add(w.split()[-1])
            continue
        if section != "verbs":
            continue
        if line.startswith("---"):
            block_name = line.strip("- ").split()[0].lower() if line.strip("- ").split() else ""
            m = _CODE.search(line)
            block_code = _parse_code(m.group(1)) if m else (None, False)
            block = []
            continue
        if line.startswith("-"):
            m = _CODE.search(line)
            if not m:
                continue
            code, rev = _parse_code(m.group(1))
            frozen = {k: frozenset(v) for k, v in synsets.items()}
            slots = _pattern_slots(line[1 : m.start()], frozen)
            if not slots:
                continue
            origin = comment.split()[0].lower() if comment.split() else ""
            pat = Pattern(slots, code, rev, origin)
            if origin in unlisted and not any(e.word == origin for e in block):
                entry = VerbEntry(origin, None, word=origin, own_code=True, block=block_name)
                block.append(entry)
                verbs.setdefault(origin, []).append(entry)
                restored.append(entry)
            # the comment names the verb the pattern was written for; it applies to that
            # verb only (a CONVICT pattern is not an ACCUSE pattern), else to the block
            # (but synonyms without a code of their own share it: SEND's patterns fit SHIP)
            owners = [e for e in block if e.word == origin and e.own_code] or block
            for entry in owners:
                entry.patterns.append(pat)
            continue
        # a verb line
        m = _CODE.search(line)
        code, rev = _parse_code(m.group(1)) if m else block_code
        if m and code is None and m.group(1) != "---":
            code, rev = block_code
        head = line[: m.start()] if m else line
        irregular = re.search(r"\{([^}]*)\}", head)
        head = re.sub(r"\{[^}]*\}", " ", head).split()
        if not head:
            continue
        word = head[0].lstrip("+").lower()
        parts = [p for p in word.split("_") if p]
        if not parts:
            continue
        lemma = parts[0]
        entry = VerbEntry(lemma, code, rev, tuple(parts[1:]), word=word, own_code=bool(m) and (code, rev) != block_code, block=block_name)
        block.append(entry)
        verbs.setdefault(lemma, []).append(entry)
        if irregular and len(parts) == 1:
            for f in irregular.group(1).split():
                forms.setdefault(f.lstrip("+").lower(), lemma)

    for entry in restored:
        _restore(entry)
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return VerbDictionary(verbs, forms, digest)


@lru_cache(maxsize=1)
def default_dictionary() -> VerbDictionary:
    """PETRARCH2's dictionary with barograph's own additions (``verb-patterns.txt``) after it:
    one text, so the additions use the dictionary's synonym sets and share its digest."""
    data = resources.files("barograph").joinpath("data")
    text = data.joinpath("petrarch2", "CAMEO.2.0.txt").read_text(encoding="utf-8")
    text += "\n" + data.joinpath("barograph", "verb-patterns.txt").read_text(encoding="utf-8")
    return parse(text)


def _prefixes(frame: set[str]) -> set[str]:
    """The frame's words and all their prefixes of 5+ letters: dictionary words are often stems
    (VIOLAT, NEGOTIAT), and a set intersection then tests every slot word at C speed."""
    return frame | {f[:k] for f in frame for k in range(5, len(f))}


def lookup(dic: VerbDictionary, lemma: str, frame: set[str]) -> tuple[str | None, bool, int]:
    """Code for a verb lemma given the words of its frame: (code, reverse, matched words).

    The most specific matching pattern wins (most words; on a tie, one written for this very
    verb beats one written for a synonym, then the code most of the tied patterns give: SEND +
    military has [062] once and [072] twice, so 072); a matching ``[---]`` pattern blocks the
    event; otherwise the verb's default code (None for a code-less block).
    """
    entries = dic.verbs.get(lemma)
    if not entries:
        return None, False, 0
    best_rank: tuple[int, bool] = (0, False)
    tied: list[Pattern] = []
    default: VerbEntry | None = None
    seen: set[int] = set()
    block_head = entries[0].block if entries else ""
    stems = _prefixes(frame)
    usable = set()
    for entry in entries:
        if entry.particles and not all(p in frame for p in entry.particles):
            continue
        usable.add(id(entry))
        if entry.code and (default is None or len(entry.particles) > len(default.particles)):
            default = entry
    pairs, by_word = _pattern_index(dic, lemma, entries)
    # only patterns whose first slot the frame fills, in the order the entries hold them
    # (a pattern shared by several entries counts once, under the first usable one)
    for i in sorted({i for w in stems for i in by_word.get(w, ())}):
        entry, pat = pairs[i]
        if id(entry) not in usable or id(pat) in seen:
            continue
        seen.add(id(pat))
        rank = (len(pat.words), pat.origin in (lemma, entry.word, block_head))
        if rank >= best_rank and all(not s.isdisjoint(stems) for s in pat.words[1:]):
            if rank > best_rank:
                best_rank, tied = rank, []
            tied.append(pat)
    return _verdict(tied, best_rank[0], default)


def _verdict(tied: list[Pattern], words: int, default: VerbEntry | None) -> tuple[str | None, bool, int]:
    """``lookup``'s answer from the most specific patterns that matched (``tied``, of ``words``
    words each): the code most of them give, the first given on a tie; with none, the verb's
    default code."""
    if tied:
        votes = Counter((p.code, p.reverse) for p in tied)
        code, reverse = max(votes, key=lambda k: (votes[k], -next(i for i, p in enumerate(tied) if (p.code, p.reverse) == k)))
        return code, reverse, words
    if default is not None:
        return default.code, default.reverse, 0
    return None, False, 0
