"""The verb dictionary's lookup (``barograph/events/verbs.py``).

``lookup`` reads only the patterns whose first slot the frame fills (``_pattern_index``);
these tests hold it to what reading every pattern of the verb in order gives, on frames built
from the dictionary's own patterns, so that an index that drops or reorders a pattern fails."""

from __future__ import annotations

import random

from barograph.events import verbs


def every_pattern(dic, lemma, frame):
    """The lookup written out plainly: every pattern of every usable entry, in order (the
    verdict among the patterns that matched is ``lookup``'s own)."""
    entries = dic.verbs.get(lemma)
    if not entries:
        return None, False, 0
    best_rank, tied, default, seen = (0, False), [], None, set()
    block_head = entries[0].block
    stems = verbs._prefixes(frame)
    for entry in entries:
        if entry.particles and not all(p in frame for p in entry.particles):
            continue
        if entry.code and (default is None or len(entry.particles) > len(default.particles)):
            default = entry
        for pat in entry.patterns:
            if id(pat) in seen:
                continue
            seen.add(id(pat))
            rank = (len(pat.words), pat.origin in (lemma, entry.word, block_head))
            if rank >= best_rank and all(not s.isdisjoint(stems) for s in pat.words):
                if rank > best_rank:
                    best_rank, tied = rank, []
                tied.append(pat)
    return verbs._verdict(tied, best_rank[0], default)


def test_indexed_lookup_is_the_plain_lookup_on_the_dictionarys_own_patterns():
    dic = verbs.default_dictionary()
    rng = random.Random(5)
    matched = 0
    for lemma, entries in sorted(dic.verbs.items()):
        pats = [p for e in entries for p in e.patterns]
        particles = [w for e in entries for w in e.particles]
        for pat in rng.sample(pats, min(4, len(pats))):
            other = rng.choice(pats)
            frame = {lemma} | {rng.choice(sorted(s)) for s in pat.words} | {rng.choice(sorted(s)) for s in other.words[:1]}
            frame |= {w for w in particles if rng.random() < 0.5}
            got = verbs.lookup(dic, lemma, frame)
            assert got == every_pattern(dic, lemma, frame), (lemma, sorted(frame))
            matched += got[2] > 0
    assert matched > 1000  # the frames reach the patterns, not only the defaults


def test_a_pattern_matches_only_when_every_slot_is_filled():
    dic = verbs.parse(
        """####### VERB PATTERNS #######
---  WARN   [130]  ---
WARN
- * (OF ATTACK)                             [138]   # WARN
- * RETALIATION                             [131]   # WARN
"""
    )
    assert verbs.lookup(dic, "warn", {"warn", "of", "attack"})[0] == "138"
    assert verbs.lookup(dic, "warn", {"warn", "attack"})[0] == "130"  # "of" missing: the default
    assert verbs.lookup(dic, "warn", {"warn", "retaliation"}) == ("131", False, 1)
    assert verbs.lookup(dic, "warn", {"warn", "of", "retaliatory", "attack"})[0] == "138"
