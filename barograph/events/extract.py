"""Who did what to whom in one parsed sentence: triggers, their actors, code, modality, date.

Works on the dependency parse only (no second parse, no regular expressions over the
sentence), so it stays cheap next to spaCy. Triggers are verbs found in the CAMEO verb
dictionary and the event nouns in data/barograph/event-nouns.txt. Roles come from
grammatical relations: active subject -> source, object or prepositional object -> target;
passive subject -> target, "by" agent -> source; a verb without a subject borrows one from
what governs it (coordination, "threatening to attack", relative clauses, "joined X in
bombing", "accused of shipping"); pronouns take the last compatible actor in the article;
"we"/"I" inside reported speech take the speaker. An event needs both sides named; a named
entity no dictionary knows is kept with its name and an empty code (resolved=False).

This module reads the parse (who a token names, a verb's subjects and frame); what it decides
about events are the named rules of rules.py, run in the order listed there, with the word
lists of data/barograph/word-lists.txt (wordlists.py).

General rules on top (each tested in tests/test_events_rules.py): a verb that labels actors
hostile ("named/viewed X as a threat") criticises them (111); a light verb lends its
dative/"to" target to its event noun ("gave X credit" = praise, "increased its deployment to
X"); transfer verbs find "to X" deep in their object; "give" without something material is no
aid; joining a group is no meeting; "managed/tried to V" codes only V; movement verbs are
visits only for actors who act politically; "says X should" is advice, not a demand, and a
speaker's comment on his own state is no event; an object "them" takes the nearest plural noun;
bare agents ("police") take the country of their sentence or article (see anchor_agents).
The rules added in each coder version are listed in CHANGELOG.md and docs/coding.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, is_dataclass, replace
from importlib import resources

from barograph.events import codes, dates, places, rules, wordlists
from barograph.events.modality import is_question, modality
from barograph.events.nlp import text_of
from barograph.events.actors import is_capital
from barograph.events.rules import ANCHORED, UNRESOLVED
from barograph.events.wordlists import (
    ACCUSE,
    AGENT_NOUNS,
    FIRST_PERSON,
    HOSTILE_LABELS,
    LEADERSHIP_CHANGE,
    NAMED_FOR_PLACES,
    NATIONLESS_SECTORS,
    PERSON_AGENTS,
    PERSONAL,
    QUANTITY,
    RELATIVE,
    SPEECH,
    event_nouns,
)
from barograph.records import Article, Event, Sentence

SUBJ = ("nsubj",)
UNKNOWN_NAME_LABELS = {"PERSON", "ORG", "NORP", "GPE"}  # spaCy entities kept when unresolved


def nouns_digest() -> str:
    """The extractor's part of the coder version, under the name coder.py asks for: ``digest``."""
    return digest()


def digest() -> str:
    """Hash of everything in the extractor that changes its output: the event nouns, the word
    lists, the rule order and the source of the modules that decide (this one, rules,
    wordlists, modality, dates, codes) and the code tables, so `barograph recode` sees events
    coded by other rules as stale. (The verb dictionary, the actor files and the spaCy model
    are hashed by their owners.)"""
    h = hashlib.sha1(repr(sorted(event_nouns().items())).encode())
    h.update(wordlists.digest().encode())
    h.update(" ".join(r.__name__ for r in rules.ALL_RULES).encode())
    h.update(places.digest().encode())
    pkg = resources.files("barograph")
    for parts in (
        ("events", "extract.py"),
        ("events", "rules.py"),
        ("events", "wordlists.py"),
        ("events", "modality.py"),
        ("events", "dates.py"),
        ("events", "codes.py"),
        ("data", "cameo", "CAMEO.goldsteinscale.txt"),
        ("data", "plover", "CAMEO2PLOVER-2021.txt"),
    ):
        try:
            h.update(pkg.joinpath(*parts).read_bytes())
        except OSError:  # installed without sources: the rule names above still count
            h.update("/".join(parts).encode())
    return h.hexdigest()[:8]


@dataclass
class Arg:
    """An argument resolved to an actor."""

    code: str
    entity: str
    text: str
    start: int  # document offsets
    end: int
    token: int  # token index in the sentence (-1: from another sentence)
    via: str = "mention"  # mention | pronoun | speaker | relative
    ref: int = -1  # document offset of the mention it stands for
    sector: str | None = None
    kind: str = ""  # the mention's kind: state | person | demonym | agent ...
    resolved: bool = True  # False: a name no dictionary knows, kept with an empty code


@dataclass
class Mention:
    match: object  # ActorMatch
    start: int  # document offsets
    end: int
    kind: str  # person | plural | thing


def _national(entity) -> bool:
    from barograph.events.actors import _iso3  # memoised there

    return bool(entity) and entity in _iso3()


def _place_after(doc, m) -> str | None:
    """The country of the place named right after a bare agent: "rebels in Douma" are Syrian,
    "protesters in Lima" Peruvian, whatever other country the sentence names ("..., the
    United States said"). Read with the gazetteer (``places``), only from a named place."""
    if doc is None:
        return None
    # the agent's words, found by offset (a span, not a walk over the sentence: this runs for
    # every bare agent of every sentence)
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    toks = list(span) if span is not None else []
    head = next((t for t in toks if m.start <= t.idx < m.end and not (m.start <= t.head.idx < m.end)), None)
    if head is None or head.dep_ in ("amod", "compound", "nmod") or any(c.dep_ == "poss" for c in head.children):
        return None  # "its military presence in X", "their troops in X": the owner's, not X's
    nxt = next((doc[i] for i in range(toks[-1].i + 1, len(doc)) if not doc[i].is_space), None)
    if nxt is None or nxt.idx < m.end or nxt.lower_ not in ("in", "from") or nxt.dep_ != "prep":
        return None
    objs = [c for c in nxt.children if c.dep_ == "pobj"]
    if not objs:
        return None
    lo, hi = objs[0].left_edge.i, objs[0].i + 1
    for e in doc.ents:
        if e.label_ in ("GPE", "LOC", "FAC") and e.start >= lo and e.end <= hi:
            where = places.lookup(e.text)
            if where is not None and _national(where.country):
                return where.country
    return None


def thing_name(head) -> bool:
    """Is the name whose head word is ``head`` a thing's: a treaty or a meeting by its own last
    word ("the Camp David Accords", "the Munich Security Conference"), or a place naming one
    (``names_a_thing``)?"""
    return head.lower_ in NAMED_FOR_PLACES or names_a_thing(head)


def places_naming_things(doc, mentions) -> list:
    """Mentions of a state less those whose name only names a thing (``names_a_thing``)."""
    out = []
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand") if _national(getattr(m, "entity", "")) and m.code == m.entity else None
        if span is not None and len(span) and names_a_thing(span.root):
            continue
        out.append(m)
    return out


def names_a_thing(tok) -> bool:
    """Is ``tok`` a word of a name set before a noun the name names ("the Paris Agreement",
    "the Minsk agreements", "the Vienna talks", "the Mexico City policy"; data
    @named-for-places)? Such a name is the place where a thing was made or met, not a state
    or a group acting or acted on: "ratified the Paris Agreement" is no act on France. A name
    joined to another by a hyphen ("the US-Taliban agreement") names the parties instead."""
    top = tok
    while top.dep_ == "compound" and top.head.i != top.i:
        top = top.head
    if top.i == tok.i or top.lower_ not in NAMED_FOR_PLACES:
        return False
    lo, hi = sorted((tok.i, top.i))
    return not any(t.text == "-" for t in tok.doc[lo:hi])


def anchor_agents(mentions, ctx: "ArticleContext", doc=None) -> list:
    """Bare agents ("police", "protesters", "militants") take the country the news is about,
    as ICEWS codes them by place: the place named right after them ("rebels in Douma"), else
    the nearest national mention in the sentence, else the last one in the article. Agents
    with no national reading ("international organisations") and agents in an article that
    names no country stay out: no actor is better than a guess."""
    if all(getattr(m, "entity", "x") for m in mentions):
        return mentions
    near = [x for x in mentions if _national(x.entity)]
    last = None if near else next((h.match.entity for h in reversed(ctx.history[-40:]) if _national(h.match.entity)), None)
    out = []
    for m in mentions:
        if getattr(m, "entity", "x"):
            out.append(m)
            continue
        if not is_dataclass(m) or m.code[:3] in NATIONLESS_SECTORS:
            continue
        there = _place_after(doc, m)
        if there is not None:
            # placed by its own words, as "Syrian rebels" would be, not by a guess
            out.append(replace(m, code=there + m.code, entity=there, sector=m.code[:3], confidence=0.6))
            continue
        ent = min(near, key=lambda x: (abs(x.start - m.start), x.start < m.start)).entity if near else last
        if ent is not None:
            out.append(replace(m, code=ent + m.code, entity=ent, sector=m.code[:3], kind=ANCHORED, confidence=0.3))
    return out


@dataclass
class ArticleContext:
    """What earlier sentences of the article leave behind for later ones."""

    article: Article
    history: list[Mention] = field(default_factory=list)
    speaker: Arg | None = None
    described: dict = field(default_factory=dict)  # agent noun -> actor it last named


def _mention_kind(match, toks) -> str:
    kind = str(getattr(match, "kind", "") or "").lower()
    inside = {t.i for t in toks}
    # the phrase's head decides number: "jihadists in Syria" is plural
    last = next((t for t in toks if t.head.i not in inside or t.head == t), toks[-1]) if toks else None
    if kind in ("person", "leader", "individual") or (last is not None and last.ent_type_ == "PERSON"):
        return "person"
    if kind == "agent" and last is not None and last.tag_ == "NN" and last.lemma_.lower() in PERSON_AGENTS:
        return "person"  # "a former Australian diplomat" ... "He"
    if last is not None and (last.tag_ in ("NNS", "NNPS") or (last.ent_type_ == "NORP" and last.lower_.endswith("s"))):
        return "plural"
    return "thing"


def _acted_on_by_its_verb(noun, ev: Event, by_verb: dict) -> bool:
    """Is an event noun the object of a verb coded in the same dyad? Then it names what the
    verb acts on, not an event of its own: "China lifted its sanctions on Japan" is the lifting
    (085), not also the imposing of sanctions (163); "extended its sanctions" is one act."""
    if noun.dep_ not in ("dobj", "nsubjpass") or noun.head.i not in by_verb:
        return False
    return any((e.source_entity, e.target_entity) == (ev.source_entity, ev.target_entity) for e in by_verb[noun.head.i])


def build_event(
    art: Article,
    sent: Sentence,
    trig,
    s,
    t,
    code: str,
    ptype,
    pmode,
    mod: str,
    conf: float,
    version: str,
    trigger: str,
    trigger_start: int,
    trigger_end: int,
    method: str = "rules",
) -> Event:
    """The one way an Event is made from a coded trigger, for the rules and the hybrid alike:
    ``s`` and ``t`` are the sides (anything with code, entity, text and resolved); the date
    comes from the trigger's own words or the article; the id from what makes the event
    itself, so an unresolved side is told apart by its words."""
    date, historical, precision = dates.event_date(trig, art.date)
    ev = Event(
        doc=art.doc,
        start=sent.start,
        end=sent.end,
        text=sent.text,
        source=s.code,
        source_entity=s.entity,
        target=t.code,
        target_entity=t.entity,
        cameo=code,
        quad_class=codes.quad_class(code),
        goldstein=codes.goldstein(code),
        plover=ptype,
        plover_mode=pmode,
        modality=mod,
        date=date,
        historical=historical,
        outlet=art.outlet,
        article_id=art.id,
        article_index=art.index,
        sentence_index=sent.index,
        trigger=trigger,
        trigger_start=trigger_start,
        trigger_end=trigger_end,
        source_text=s.text,
        target_text=t.text,
        confidence=conf,
        coder=version,
        method=method,
        source_resolved=s.resolved,
        target_resolved=t.resolved,
    )
    if hasattr(ev, "date_precision"):
        ev.date_precision = precision
    where = places.place_of(trig, (s.entity, t.entity))
    if where is not None:
        ev.place, ev.place_country, ev.latitude, ev.longitude = where.name, where.country, where.latitude, where.longitude
    ev.id = hashlib.sha1(f"{art.doc}|{art.id}|{sent.index}|{s.code or s.text}|{t.code or t.text}|{code}|{trigger_start}".encode()).hexdigest()[:16]
    return ev


class SentenceCoder:
    """Codes one parsed sentence; holds the token -> actor alignment for it."""

    def __init__(self, doc, sent: Sentence, ctx: ArticleContext, mentions, dic, version: str):
        self.doc, self.sent, self.ctx, self.dic, self.version = doc, sent, ctx, dic, version
        self.text = text_of(doc)
        self.base = sent.start
        self.tok_mention: dict[int, Mention] = {}
        self.mentions: list[tuple[int, Mention]] = []
        mentions = anchor_agents(mentions, ctx, doc)
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            toks = list(span) if span is not None else [t for t in doc if t.idx < m.end and t.idx + len(t) > m.start]
            if not toks:
                continue
            if getattr(m, "kind", "") == ANCHORED and (
                toks[-1].dep_ in ("amod", "compound", "nmod")
                or toks[-1].pos_ not in ("NOUN", "PROPN")
                or any(c.dep_ == "poss" for c in toks[-1].children)
            ):
                continue  # "Russia's military deployment", "your ambassador": its owner says whose
            men = Mention(m, self.base + m.start, self.base + m.end, _mention_kind(m, toks))
            self.mentions.append((toks[0].i, men))
            for t in toks:
                self.tok_mention.setdefault(t.i, men)
        self._keep_unknown_names()
        self.question = is_question(sent.text)

    def _keep_unknown_names(self) -> None:
        """Named entities (spaCy PERSON, ORG, NORP, GPE) that no dictionary resolves stay actors
        with their name, an empty code and resolved=False, as GDELT and ICEWS keep actor names:
        "Haftar", "Acme Holdings", "Douma". They are never antecedents of pronouns."""
        from barograph.events.actors import ActorMatch

        added = []
        for ent in self.doc.ents:
            if ent.label_ not in UNKNOWN_NAME_LABELS or any(t.i in self.tok_mention for t in ent) or thing_name(ent.root):
                continue
            toks = [t for t in ent if t.pos_ != "DET" and t.tag_ != "POS"]
            if not toks or not any(t.pos_ in ("PROPN", "NOUN", "ADJ") for t in toks):
                continue
            start, end = toks[0].idx, toks[-1].idx + len(toks[-1])
            m = ActorMatch("", "", None, self.text[start:end], start, end, UNRESOLVED, 0.3)
            men = Mention(m, self.base + start, self.base + end, _mention_kind(m, toks))
            added.append((toks[0].i, men))
            for t in toks:
                self.tok_mention.setdefault(t.i, men)
        if added:
            self.mentions = sorted(self.mentions + added, key=lambda x: x[0])

    # ---- actors -------------------------------------------------------------------------
    def _arg_from_mention(self, men: Mention, tok, via="mention") -> Arg:
        kind = str(getattr(men.match, "kind", "") or "")
        return Arg(
            men.match.code,
            men.match.entity or men.match.code,
            self.text[men.start - self.base : men.end - self.base],
            men.start,
            men.end,
            tok.i,
            via,
            men.start,
            getattr(men.match, "sector", None),
            kind,
            kind != UNRESOLVED,
        )

    def _core(self, h, with_poss: bool):
        """The noun phrase's own words: modifiers, compounds, names; not its clauses."""
        out, stack = [], [h]
        while stack:
            t = stack.pop()
            for c in t.children:
                if c.dep_ in ("compound", "amod", "nmod", "flat", "appos", "nummod", "npadvmod") or (with_poss and c.dep_ == "poss"):
                    out.append(c)
                    stack.append(c)
                elif with_poss and c.dep_ == "prep" and c.lower_ == "of" and t is h:
                    out.extend(p for p in c.children if p.dep_ == "pobj")
        return sorted(out, key=lambda t: abs(t.i - h.i))

    def actor(self, h, poss: bool | None = None) -> Arg | None:
        low = h.lower_
        if low in RELATIVE and h.head.dep_ == "relcl":
            a = self.actor(h.head.head)
            if a:
                a.via = "relative"
            return a
        if low in PERSONAL and h.pos_ == "PRON":
            return self.pronoun(h)
        if low in FIRST_PERSON and h.pos_ == "PRON":
            return self.speaker(h)
        men = self.tok_mention.get(h.i)
        if men and getattr(men.match, "kind", "") == UNRESOLVED:
            # "Jane Roe, a Kenyan activist,": an unknown name takes what its apposition says
            for c in h.children:
                if c.dep_ == "appos" and (a := self.actor(c)) is not None and a.resolved:
                    return replace(a, text=self.text[men.start - self.base : c.idx + len(c)], start=men.start, end=self.base + c.idx + len(c))
        if men:
            return self._arg_from_mention(men, h)
        if h.lemma_.lower() in QUANTITY or h.pos_ == "NUM":
            # "dozens of Boko Haram militants", "five of the soldiers": the group counted
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    for g in c.children:
                        if g.dep_ == "pobj" and (a := self.actor(g)):
                            return a
        if h.pos_ not in ("NOUN", "PROPN"):
            return None
        if poss is None:
            poss = h.lemma_.lower() in AGENT_NOUNS or h.lower_ in AGENT_NOUNS
        for t in self._core(h, poss):
            if t.dep_ == "poss" and t.lower_ in PERSONAL:
                a = self.pronoun(t)
            else:
                men = self.tok_mention.get(t.i)
                a = self._arg_from_mention(men, t) if men else None
                if a is not None and t.dep_ == "compound" and not poss and a.kind in ("place", "state") and is_capital(a.text, a.entity):
                    a = None  # "the Mexico City policy", "the Minsk accords": a city names no owner
            if a:
                if h.pos_ == "NOUN" and h.lemma_.lower() in AGENT_NOUNS and a.resolved:
                    self.ctx.described[h.lemma_.lower()] = a  # "a CIA delegation" ... "the delegation"
                return a
        lem = h.lemma_.lower()
        if (
            h.pos_ == "NOUN"
            and lem in self.ctx.described
            and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in h.children)
        ):
            a = self.ctx.described[lem]
            return Arg(a.code, a.entity, h.text, self.base + h.idx, self.base + h.idx + len(h), h.i, "pronoun", a.ref)
        return None

    @staticmethod
    def _named_owners(h) -> list:
        """Possessors of ``h`` that name someone ("Canada's criticism"), not pronouns ("its")."""
        return [c for c in h.children if c.dep_ == "poss" and not (c.pos_ == "PRON" or c.lower_ in PERSONAL)]

    def _owner(self, h) -> Arg | None:
        """The named possessor of an act or policy ("Canada's criticism"): whose it is."""
        return next((a for c in self._named_owners(h) if (a := self.actor(c))), None)

    def _stand_ins(self, targets) -> list:
        """Who an act or policy that names no actor stands for: its named owner ("China's
        deployment"), the one whose leadership change it is ("the resignation of X"), or
        whoever it is by ("a request by X's rulers")."""
        return (
            [c for t in targets for c in self._named_owners(t)]
            + [
                p
                for t in targets
                if t.lemma_.lower() in LEADERSHIP_CHANGE
                for c in t.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for p in c.children
                if p.dep_ == "pobj"
            ]
            + [p for t in targets for c in t.children if c.dep_ == "prep" and c.lower_ == "by" for p in c.children if p.dep_ == "pobj"]
        )

    def _own(self, h) -> bool:
        """An agent noun owned by a possessive pronoun and naming no one itself ("its troops")."""
        return (
            h.i not in self.tok_mention
            and (h.lemma_.lower() in AGENT_NOUNS or h.lower_ in AGENT_NOUNS)
            and any(c.dep_ == "poss" and c.lower_ in PERSONAL and c.pos_ == "PRON" for c in h.children)
        )

    def _placed(self, h) -> bool:
        """A bare agent whose country was only guessed by anchor_agents ("troops", "police")."""
        men = self.tok_mention.get(h.i)
        return men is not None and getattr(men.match, "kind", "") == ANCHORED

    def _anti(self, h) -> list:
        """Modifiers of ``h`` written "anti-X" ("anti-Moscow sanctions", "anti-Russian protests")."""
        out = []
        for c in h.children:
            if (
                c.dep_ in ("amod", "compound", "nmod")
                and c.i < h.i
                and (
                    (c.i >= 2 and self.doc[c.i - 1].text == "-" and self.doc[c.i - 2].lower_ == "anti")
                    or (c.lower_.startswith("anti-") and len(c) > 5)
                )
            ):
                out.append(c)
        return out

    def _located(self, h) -> Arg | None:
        """A place named by "in X" on a noun ("its naval facility in Tartus") stands for X."""
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ == "in":
                for p in c.children:
                    if p.dep_ == "pobj" and (a := self.actor(p)):
                        return a
        return None

    def pronoun(self, p) -> Arg | None:
        want = PERSONAL[p.lower_]
        cands = [m for i, m in reversed(self.mentions) if i < p.i and getattr(m.match, "kind", "") not in (ANCHORED, UNRESOLVED)]
        if p.lower_ == "them":
            near = self._nearest_plural_noun(p)
            if near is False:
                return None  # "armed the rebels and bombed them": them = the rebels, no actor
            if near is not None:
                cands = [near]
        cands += list(reversed(self.ctx.history[-40:]))
        for men in cands:
            if men.kind == want:
                return Arg(
                    men.match.code,
                    men.match.entity or men.match.code,
                    p.text,
                    self.base + p.idx,
                    self.base + p.idx + len(p),
                    p.i,
                    "pronoun",
                    men.start,
                    getattr(men.match, "sector", None),
                    str(getattr(men.match, "kind", "") or ""),
                )
        return None

    def _nearest_plural_noun(self, p):
        """An object "them" takes the nearest plural noun before it in its sentence: its mention,
        False when that noun is no actor, None when the sentence has none (look further back)."""
        for t in reversed(self.doc[: p.i]):
            if t.tag_ in ("NNS", "NNPS") and t.dep_ not in ("compound", "poss") and t.pos_ in ("NOUN", "PROPN"):
                men = self.tok_mention.get(t.i) or next(
                    (self.tok_mention[c.i] for c in t.children if c.dep_ in ("amod", "compound") and c.i in self.tok_mention), None
                )
                return men if men is not None else False
        return None

    def speaker(self, p) -> Arg | None:
        """'we'/'I' in reported speech: the subject of the speech verb that governs it."""
        cur = p.head
        for _ in range(10):
            if cur.dep_ == "ccomp" and cur.head.lemma_.lower() in SPEECH:
                for s in cur.head.children:
                    if s.dep_ in SUBJ:
                        a = self.actor(s)
                        if a:
                            a.via = "speaker"
                            return a
            if cur.head == cur:
                break
            cur = cur.head
        if self.ctx.speaker is not None and any(q in self.sent.text for q in "\"“”"):
            a = self.ctx.speaker
            return Arg(a.code, a.entity, p.text, self.base + p.idx, self.base + p.idx + len(p), p.i, "speaker", a.ref)
        return None

    # ---- roles --------------------------------------------------------------------------
    @staticmethod
    def _conj(t):
        return [t, *t.conjuncts] if t.conjuncts else [t]

    def subjects(self, v, depth=0) -> tuple[list, bool]:
        """Subject tokens of verb ``v`` and whether they are passive subjects."""
        for c in v.children:
            if c.dep_ in SUBJ:
                return self._conj(c), False
        for c in v.children:
            if c.dep_ == "nsubjpass":
                return self._conj(c), True
        if depth > 4:
            return [], False
        dep, head = v.dep_, v.head
        if dep == "conj":
            return self.subjects(head, depth + 1)
        if v.pos_ == "ADJ" and dep in ("acomp", "dobj", "oprd", "xcomp"):
            return self.subjects(head, depth + 1)  # "saw fit to bomb", "is ready to strike": the subject's
        if dep == "xcomp":
            # "persuaded Iran to stop": the object acts; "saw fit to bomb": no nominal object, the subject does
            objs = [c for c in head.children if c.dep_ in ("dobj",) and c.pos_ in ("NOUN", "PROPN", "PRON")]
            if objs and head.lemma_.lower() not in ("threaten", "promise", "vow"):
                return self._conj(objs[0]), False
            return self.subjects(head, depth + 1)
        if dep in ("relcl", "acl") and head.pos_ in ("NOUN", "PROPN"):
            return [head], v.tag_ == "VBN"
        if dep == "pcomp" or (dep == "advcl" and v.tag_ in ("VBG", "VBN", "VB")):
            gov = head
            prep = head if head.pos_ == "ADP" else None
            for _ in range(6):
                if gov.pos_ in ("VERB", "AUX") or gov.dep_ == "ROOT":
                    break
                gov = gov.head
            if prep is not None and prep.lower_ in ("of", "with", "for") and gov.lemma_.lower() in ACCUSE:
                objs = [c for c in gov.children if c.dep_ in ("dobj", "nsubjpass")]
                if objs:
                    return self._conj(objs[0]), False
            if gov != v and gov.pos_ in ("VERB", "AUX"):
                subs, passive = self.subjects(gov, depth + 1)
                return (subs, False) if not passive else ([], False)
        return [], False

    def _target_candidates(self, v):
        """Target tokens of verb ``v``: rules.OBJECT_RULES, then, when no object names an actor,
        rules.FALLBACK_TARGET_RULES."""
        c = rules.Candidates(v, v.lemma_.lower(), [c for c in v.children if c.dep_ in ("dobj", "dative", "iobj", "attr")])
        rules.run(rules.OBJECT_RULES, self, c)
        if not c.out or not any(self.actor(o) for o in c.out):
            rules.run(rules.FALLBACK_TARGET_RULES, self, c)
        return c.out

    def frame(self, v) -> set[str]:
        words = set()
        for c in v.children:
            if c.dep_ in ("nsubj", "nsubjpass", "punct", "aux", "auxpass", "cc", "conj", "mark", "ccomp", "advcl", "relcl", "neg", "csubj"):
                continue
            words.add(c.lemma_.lower())
            words.add(c.lower_)
            if c.dep_ == "dobj" and c.lemma_.lower() in QUANTITY:
                # "sent a significant amount of military hardware": the pattern sees the hardware
                for of in c.children:
                    if of.dep_ == "prep" and of.lower_ == "of":
                        for g in of.children:
                            if g.dep_ == "pobj":
                                words.update((g.lemma_.lower(), g.lower_))
                                words.update(x.lemma_.lower() for x in g.children if x.dep_ in ("amod", "compound"))
            for g in c.children:
                if g.dep_ in ("pobj", "compound", "amod", "dobj", "prt", "pcomp"):
                    words.add(g.lemma_.lower())
                    words.add(g.lower_)
                    for gg in g.children:
                        if gg.dep_ in ("compound", "amod", "pobj"):
                            words.add(gg.lemma_.lower())
        return words

    # ---- events -------------------------------------------------------------------------
    def _noun_key(self, t) -> str | None:
        table = event_nouns()
        lem = t.lemma_.lower()
        if t.i >= 2 and self.doc[t.i - 1].text == "-":
            key = f"{self.doc[t.i - 2].lower_}-{t.lower_}"
            if key in table:
                return key
        if lem in table:
            return lem
        if t.lower_ in table:
            return t.lower_
        return None

    def events(self) -> list[Event]:
        out: list[Event] = []
        seen = set()
        nouns = event_nouns()
        by_verb: dict[int, list[Event]] = {}
        for t in self.doc:
            if t.pos_ == "VERB":
                for ev in self.verb_events(t):
                    key = (ev.source, ev.target, ev.cameo, ev.trigger_start)
                    if key not in seen:
                        seen.add(key)
                        out.append(ev)
                        by_verb.setdefault(t.i, []).append(ev)
        for t in self.doc:
            if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound":
                key_ = self._noun_key(t)
                if key_:
                    for ev in self.noun_events(t, *nouns[key_]):
                        key = (ev.source, ev.target, ev.cameo, ev.trigger_start)
                        if key not in seen and not _acted_on_by_its_verb(t, ev, by_verb):
                            seen.add(key)
                            out.append(ev)
        return sorted(out, key=lambda e: e.trigger_start)

    def _statement_target(self, v):
        """'X argues that Y has lost legitimacy' -> Y; only for demand/disapprove verbs."""
        clauses = [c for c in v.children if c.dep_ == "ccomp"]
        clauses += [g for c in v.children if c.dep_ == "dobj" for g in c.children if g.dep_ in ("acl", "ccomp")]
        for c in clauses:
            for s in c.children:
                if s.dep_ in ("nsubj", "nsubjpass") and s.lower_ not in ("it", "this", "that", "there"):
                    return s, c
        return None, None

    def _labelled(self, v):
        """'named the threats: ISIS and Russia', 'views Russia as a threat', 'branded X a terrorist':
        the actors a label verb calls hostile, or None when it puts no hostile label."""
        labels, named = [], []
        for c in v.children:
            if c.dep_ in ("dobj", "oprd", "attr", "xcomp", "ccomp"):
                labels.append(c)
                named.append(c)
                for g in c.children:
                    if g.dep_ in ("oprd", "attr", "appos", "nsubj") or (g.dep_ == "prep" and g.lower_ == "as"):
                        labels.extend(x for x in ([g] if g.dep_ != "prep" else g.children) if x.dep_ != "det")
            elif c.dep_ == "prep" and c.lower_ == "as":
                labels.extend(x for x in c.children if x.dep_ == "pobj")
        hostile = [t for t in labels if t.lemma_.lower() in HOSTILE_LABELS]
        if not hostile:
            return None
        out = []
        for t in named + hostile:
            for x in self._conj(t):
                out.append(x)
                out.extend(a for a in x.children if a.dep_ in ("appos", "nsubj"))
        return [t for t in out if t.lemma_.lower() not in HOSTILE_LABELS]

    def verb_events(self, v) -> list[Event]:
        """Events of verb ``v``: rules.VERB_RULES in order, then one event per source-target pair."""
        f = rules.VerbFrame(v, v.lemma_.lower(), [c for c in v.children if c.dep_ == "dobj"])
        got = rules.run(rules.VERB_RULES, self, f)
        if got is not None:
            return list(got)
        mod = modality(f.ended if f.ended is not None else v, self.question)
        conf = 0.6 + (0.15 if f.matched else 0) - (0.1 if f.inherited else 0)
        return self._emit(v, v.text, v.idx, v.idx + len(v), f.srcs, f.tgts, f.code, mod, conf)

    def noun_events(self, n, code: str, of_role: str) -> list[Event]:
        """Events of event noun ``n``: rules.NOUN_RULES, then one event per pair ("talks between
        A and B" adds A with B)."""
        f = rules.NounFrame(n, code, of_role)
        got = rules.run(rules.NOUN_RULES, self, f)
        if got is not None:
            return list(got)
        mod = modality(n, self.question)
        out = self._emit(n, n.text, n.idx, n.idx + len(n), f.srcs, f.tgts, code, mod, 0.5)
        for group in f.pairs:
            out.extend(self._emit(n, n.text, n.idx, n.idx + len(n), [group[0]], group[1:2], code, mod, 0.5))
        return out

    def _emit(self, trig, ttext, tstart, tend, srcs, tgts, code, mod, conf) -> list[Event]:
        """One Event per source-target pair that rules.PAIR_RULES keep."""
        out = []
        art, sent = self.ctx.article, self.sent
        for s in srcs:
            for t in tgts:
                p = rules.Pair(s, t, trig, code, mod, conf)
                got = rules.run(rules.PAIR_RULES, self, p)
                s = p.s  # a source read as citizens stays so for its later targets
                if got is not None:
                    continue
                t, code_ = p.t, p.code
                out.append(
                    build_event(
                        art,
                        sent,
                        trig,
                        s,
                        t,
                        code_,
                        p.ptype,
                        p.pmode,
                        mod,
                        round(max(0.05, min(0.95, p.conf)), 2),
                        self.version,
                        ttext,
                        self.base + tstart,
                        self.base + tend,
                    )
                )
        return out

    def remember(self) -> None:
        """Leave this sentence's actors (and its speaker) to the sentences after it; placed bare
        agents are a guess, too weak to lend to pronouns."""
        self.ctx.history.extend(m for _, m in self.mentions if getattr(m.match, "kind", "") not in (ANCHORED, UNRESOLVED))
        del self.ctx.history[:-60]
        for t in self.doc:
            if t.lemma_.lower() in SPEECH and any(c.dep_ == "ccomp" for c in t.children):
                for s in t.children:
                    if s.dep_ in SUBJ:
                        a = self.actor(s)
                        if a and a.via != "speaker" and a.resolved:
                            self.ctx.speaker = a
                            return


def code_sentence(doc, sent: Sentence, ctx: ArticleContext, mentions, dic, version) -> list[Event]:
    sc = SentenceCoder(doc, sent, ctx, mentions, dic, version)
    events = sc.events()
    sc.remember()
    return events
