"""Who did what to whom in one parsed sentence: triggers, their actors, code, modality, date.

Works on the dependency parse only (no second parse, no regular expressions over the
sentence), so it stays cheap next to spaCy. Triggers are verbs found in the CAMEO verb
dictionary and the event nouns in data/barograph/event-nouns.txt. Roles come from
grammatical relations: active subject -> source, object or prepositional object -> target;
passive subject -> target, "by" agent -> source; a verb without a subject borrows one from
what governs it (coordination, "threatening to attack", relative clauses, "joined X in
bombing", "accused of shipping"); pronouns take the last compatible actor in the article;
"we"/"I" inside reported speech take the speaker. An event needs both actors resolved.

General rules on top (each tested in tests/test_events_rules.py): a verb that labels actors
hostile ("named/viewed X as a threat") criticises them (111); a light verb lends its
dative/"to" target to its event noun ("gave X credit" = praise, "increased its deployment to
X"); transfer verbs find "to X" deep in their object; "give" without something material is no
aid; joining a group is no meeting; "managed/tried to V" codes only V; movement verbs are
visits only for actors who act politically; "says X should" is advice, not a demand, and a
speaker's comment on his own state is no event; an object "them" takes the nearest plural noun;
bare agents ("police") take the country of their sentence or article (see anchor_agents).
Since 0.3.0: an object naming no actor stands for its named owner ("condemned X's policy");
citizens by demonym face their own placed government; "anti-X" nouns target X; "for X"/"from X"
targets for cooperation/yield nouns; protesters who fight riot (145); declared or promised yields
are PLOVER CONCEDE; a threat finds its target in a conjoined act; "stop shooting" de-escalates.
Since 0.4.0: an actor's own forces ("its troops") leave the place as target; "the resignation of
X" is aimed at X; a protest takes its purpose's target; force aims at "in X".
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, is_dataclass, replace
from functools import lru_cache
from importlib import resources

from barograph.events import codes, dates, verbs
from barograph.events.modality import CLAIMED, INTENDED, is_question, modality
from barograph.records import Article, Event, Sentence

SUBJ = ("nsubj",)
PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person",
            "it": "thing", "its": "thing", "they": "plural", "them": "plural", "their": "plural",
            "theirs": "plural"}
FIRST_PERSON = {"we", "us", "our", "i", "me", "my", "ours"}
RELATIVE = {"which", "who", "that", "whom", "whose"}
TARGET_PREPS = {"with", "against", "to", "on", "at", "toward", "towards", "into", "upon", "over"}
NOUN_TARGET_PREPS = {"against", "on", "to", "with", "into", "toward", "towards", "upon", "over", "in"}
# "support/aid/praise for X" names who benefits; "withdrawal/retreat from X" whom one yields to
FOR_ROOTS = {"05", "06", "07"}
FROM_ROOTS = {"08"}
# verbs that hand their action to an event noun object: "made a visit", "launched an attack"
LIGHT = {"make", "take", "have", "give", "hold", "conduct", "launch", "carry", "stage", "begin",
         "start", "continue", "resume", "increase", "step", "escalate", "intensify", "expand",
         "pay", "undertake", "mount", "order", "announce", "renew", "provoke", "plan", "threaten",
         "impose", "call", "lead", "see"}
# verbs whose "of"/"with"/"for" complement is an act of their object ("accused X of shipping")
ACCUSE = {"accuse", "charge", "suspect", "blame", "convict", "indict", "condemn", "criticize",
          "criticise", "praise", "thank", "fault", "credit", "punish", "sanction"}
SPEECH = {"say", "tell", "state", "declare", "announce", "add", "insist", "argue", "claim", "express",
          "stress", "warn", "note", "repeat", "write", "explain", "assert", "maintain"}
DEMAND_AUX = {"must"}   # "should" gives advice; "must"/"has to" demand
WITH_IS_ALONGSIDE = {"fight", "work", "serve", "stand", "side", "join", "cooperate", "ally"}
NEUTRAL_REPORT = {"say", "tell", "state", "declare", "announce", "add", "write", "note", "repeat", "explain"}
# verbs whose event is about the act they govern: "threatened to attack X" threatens X
ACT_GOVERNORS = {"threaten", "warn", "vow", "pledge", "promise", "offer", "plan", "intend", "prepare",
                 "refuse", "agree", "decide", "attempt", "try", "seek"}
RECIPROCAL_ROOTS = {"03", "04", "05", "06", "08"}
# nouns that name an organ or agent of whoever owns them ("Assad's regime", "Erdogan's son")
AGENT_NOUNS = {"regime", "government", "army", "military", "forces", "force", "troops", "navy",
               "police", "ministry", "son", "daughter", "ally", "allies", "people", "leader",
               "leaders", "president", "minister", "official", "officials", "delegation",
               "embassy", "ambassador", "diplomat", "diplomats", "soldier", "soldiers", "aircraft",
               "plane", "planes", "jet", "jets", "warplane", "warplanes", "ship", "ships", "citizens",
               "administration", "parliament", "authorities", "spokesman", "envoy", "intelligence"}
# verbs that put a label on their object: "named/called/branded X (as) a threat" -> 111 for X
LABEL_VERBS = {"name", "call", "label", "brand", "designate", "list", "view", "see", "regard",
               "consider", "describe", "term", "dub", "declare", "identify", "portray", "paint", "treat"}
HOSTILE_LABELS = {"threat", "enemy", "terrorist", "terrorism", "aggressor", "menace", "danger",
                  "adversary", "foe", "pariah", "dictator", "criminal", "rogue", "sponsor", "invader",
                  "occupier", "war-monger", "warmonger", "extremist", "tyrant", "butcher", "puppet",
                  "stooge", "traitor", "fascist", "nazi", "liar", "thug", "murderer", "killer"}
# nouns of a leadership change: "demanded the resignation of X" is aimed at X, as the CAMEO
# dictionary's DEMAND * RESIGNATION [100], PROTEST * RESIGNATION [1411], CALL (FOR OUSTER) codes
LEADERSHIP_CHANGE = {"resignation", "ouster", "removal", "departure", "overthrow", "impeachment",
                     "dismissal", "downfall"}
# verbs that end the act they govern: "stop shooting", "halt attacks on X"
CEASE = {"stop", "cease", "halt", "end", "suspend", "quit", "abandon", "discontinue"}
# heads of a crowd in the street: its fighting is rioting, CAMEO 145 "protest violently, riot"
PROTEST_CROWDS = {"protester", "protesters", "protestor", "protestors", "demonstrator", "demonstrators",
                  "rioter", "rioters", "marcher", "marchers", "mob", "mobs"}
# assaults a crowd commits when it riots; bombings, shelling, air strikes and killings by
# assassination are no riot whoever commits them
RIOT_EXCLUDED = {"183", "184", "185", "186", "194", "195", "196", "20"}
# verbs that declare or promise what they govern: a declared ceasefire or withdrawal is a
# concession, not yet the material retreat (PLOVER CONCEDE vs RETREAT)
DECLARE = {"declare", "announce", "proclaim", "promise", "pledge", "vow", "offer"}
# head nouns of a quantity phrase: "an amount of hardware" is about the hardware
QUANTITY = {"amount", "number", "lot", "batch", "quantity", "shipment", "consignment", "range",
            "array", "load", "supply", "dozens", "hundreds", "thousands", "set", "package", "cache",
            "dozen", "hundred", "thousand", "million", "scores", "score", "contingent", "battalion",
            "unit", "group", "some", "many", "several", "few", "most", "all", "rest"}
# force posture, coercion and assault aim at where they happen: "its presence in X", "raids in X"
IN_TARGET_ROOTS = {"15", "17", "18", "19", "20"}
# verbs of yielding whose "from X" names whom they yield to: "withdrew from Gaza"
YIELD_FROM = {"withdraw", "retreat", "pull", "evacuate", "demobilize", "demobilise"}
# verbs that move things: "to X" anywhere in their object phrase names the destination
TRANSFER = {"send", "ship", "deliver", "deploy", "dispatch", "transfer", "supply", "move", "sell",
            "provide", "airlift", "fly", "smuggle", "export", "channel", "funnel", "redeploy"}
# movement verbs code a visit (04) only for actors who act politically, not for migrants or workers
MOVEMENT = {"come", "arrive", "approach", "go", "travel", "return", "fly", "move", "migrate", "flee"}
# bare agents that belong to no country ("international organisations", "companies abroad")
NATIONLESS_SECTORS = {"IGO", "NGO", "MNC"}
ANCHORED = "anchored"   # the kind of a bare agent placed by anchor_agents
CIVILIAN_SECTORS = {"LAB", "CVL", "REF", "EDU", "BUS", "AGR", "HLH", "REL", "MED", "SPT", "ENV", "CRM"}
# verbs whose default (no pattern) "give" event needs a material object: "gave Obama credit" is no aid
MATERIAL_GIVE = {"give", "grant", "award", "bestow", "lend", "endow", "entrust"}
AID_OBJECTS = {"aid", "assistance", "money", "fund", "funds", "funding", "weapon", "weapons", "arms",
               "loan", "loans", "grant", "food", "supplies", "equipment", "ammunition", "munitions",
               "missile", "missiles", "tank", "tanks", "jet", "jets", "medicine", "medicines", "fuel",
               "oil", "gas", "cash", "dollars", "euros", "support", "training", "troops", "asylum",
               "refuge", "shelter", "hardware", "vehicles", "credits", "subsidies", "relief", "vaccines"}
# verbs whose xcomp carries the act: "managed to resolve", "tried to negotiate" code only the xcomp
ASPECT_GOVERNORS = {"manage", "try", "attempt", "seek", "continue", "begin", "start", "fail", "get",
                    "help", "come", "go", "keep", "proceed", "dare", "strive", "struggle", "endeavor",
                    "endeavour", "rush", "hasten", "move", "work"}
# a singular agent mention with one of these heads is a person, for "he"/"she"
PERSON_AGENTS = {"diplomat", "minister", "ambassador", "official", "spokesman", "spokeswoman",
                 "spokesperson", "president", "envoy", "general", "commander", "leader", "chief",
                 "secretary", "senator", "journalist", "premier", "chancellor", "king", "queen",
                 "prince", "emir", "sheikh", "negotiator", "lawmaker", "politician", "officer",
                 "activist", "analyst", "expert", "adviser", "advisor", "prosecutor", "judge", "mayor",
                 "governor", "militant", "soldier", "cleric", "dissident", "reporter", "director"}


@lru_cache(maxsize=1)
def event_nouns() -> dict[str, tuple[str, str]]:
    text = resources.files("barograph").joinpath("data", "barograph", "event-nouns.txt").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 3 and codes.is_valid(parts[1]):
            table[parts[0]] = (parts[1], parts[2])
    return table


def nouns_digest() -> str:
    return hashlib.sha1(repr(sorted(event_nouns().items())).encode()).hexdigest()[:8]


@dataclass
class Arg:
    """An argument resolved to an actor."""

    code: str
    entity: str
    text: str
    start: int                    # document offsets
    end: int
    token: int                    # token index in the sentence (-1: from another sentence)
    via: str = "mention"          # mention | pronoun | speaker | relative
    ref: int = -1                 # document offset of the mention it stands for
    sector: str | None = None
    kind: str = ""                # the mention's kind: state | person | demonym | agent ...


@dataclass
class Mention:
    match: object                 # ActorMatch
    start: int                    # document offsets
    end: int
    kind: str                     # person | plural | thing


def _national(entity) -> bool:
    from barograph.events.actors import _iso3   # memoised there

    return bool(entity) and entity in _iso3()


def anchor_agents(mentions, ctx: "ArticleContext") -> list:
    """Bare agents ("police", "protesters", "militants") take the country the news is about,
    as ICEWS codes them by place: the nearest national mention in the sentence, else the last
    one in the article. Agents with no national reading ("international organisations") and
    agents in an article that names no country stay out: no actor is better than a guess."""
    if all(getattr(m, "entity", "x") for m in mentions):
        return mentions
    near = [x for x in mentions if _national(x.entity)]
    last = None if near else next(
        (h.match.entity for h in reversed(ctx.history[-40:]) if _national(h.match.entity)), None)
    out = []
    for m in mentions:
        if getattr(m, "entity", "x"):
            out.append(m)
            continue
        if not is_dataclass(m) or m.code[:3] in NATIONLESS_SECTORS:
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
    described: dict = field(default_factory=dict)   # agent noun -> actor it last named


def _mention_kind(match, toks) -> str:
    kind = str(getattr(match, "kind", "") or "").lower()
    inside = {t.i for t in toks}
    # the phrase's head decides number: "jihadists in Syria" is plural
    last = next((t for t in toks if t.head.i not in inside or t.head is t), toks[-1]) if toks else None
    if kind in ("person", "leader", "individual") or (last is not None and last.ent_type_ == "PERSON"):
        return "person"
    if kind == "agent" and last is not None and last.tag_ == "NN" and last.lemma_.lower() in PERSON_AGENTS:
        return "person"   # "a former Australian diplomat" ... "He"
    if last is not None and (last.tag_ in ("NNS", "NNPS") or (last.ent_type_ == "NORP" and last.lower_.endswith("s"))):
        return "plural"
    return "thing"


class SentenceCoder:
    """Codes one parsed sentence; holds the token -> actor alignment for it."""

    def __init__(self, doc, sent: Sentence, ctx: ArticleContext, mentions, dic, version: str):
        self.doc, self.sent, self.ctx, self.dic, self.version = doc, sent, ctx, dic, version
        self.base = sent.start
        self.tok_mention: dict[int, Mention] = {}
        self.mentions: list[tuple[int, Mention]] = []
        mentions = anchor_agents(mentions, ctx)
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            toks = list(span) if span is not None else [t for t in doc if t.idx < m.end and t.idx + len(t) > m.start]
            if not toks:
                continue
            if getattr(m, "kind", "") == ANCHORED and (
                    toks[-1].dep_ in ("amod", "compound", "nmod") or toks[-1].pos_ not in ("NOUN", "PROPN")
                    or any(c.dep_ == "poss" for c in toks[-1].children)):
                continue   # "Russia's military deployment", "your ambassador": its owner says whose
            men = Mention(m, self.base + m.start, self.base + m.end, _mention_kind(m, toks))
            self.mentions.append((toks[0].i, men))
            for t in toks:
                self.tok_mention.setdefault(t.i, men)
        self.question = is_question(sent.text)

    # ---- actors -------------------------------------------------------------------------
    def _arg_from_mention(self, men: Mention, tok, via="mention") -> Arg:
        return Arg(men.match.code, men.match.entity or men.match.code,
                   self.doc.text[men.start - self.base:men.end - self.base],
                   men.start, men.end, tok.i, via, men.start, getattr(men.match, "sector", None),
                   str(getattr(men.match, "kind", "") or ""))

    def _core(self, h, with_poss: bool):
        """The noun phrase's own words: modifiers, compounds, names; not its clauses."""
        out, stack = [], [h]
        while stack:
            t = stack.pop()
            for c in t.children:
                if c.dep_ in ("compound", "amod", "nmod", "flat", "appos", "nummod", "npadvmod") or (
                        with_poss and c.dep_ == "poss"):
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
            if a:
                if h.pos_ == "NOUN" and h.lemma_.lower() in AGENT_NOUNS:
                    self.ctx.described[h.lemma_.lower()] = a   # "a CIA delegation" ... "the delegation"
                return a
        lem = h.lemma_.lower()
        if h.pos_ == "NOUN" and lem in self.ctx.described and any(
                c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in h.children):
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
        deployment"), or the one whose leadership change it is ("the resignation of X")."""
        return [c for t in targets for c in self._named_owners(t)] + [
            p for t in targets if t.lemma_.lower() in LEADERSHIP_CHANGE for c in t.children
            if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]

    def _own(self, h) -> bool:
        """An agent noun owned by a possessive pronoun and naming no one itself ("its troops")."""
        return (h.i not in self.tok_mention and (h.lemma_.lower() in AGENT_NOUNS or h.lower_ in AGENT_NOUNS)
                and any(c.dep_ == "poss" and c.lower_ in PERSONAL and c.pos_ == "PRON" for c in h.children))

    def _placed(self, h) -> bool:
        """A bare agent whose country was only guessed by anchor_agents ("troops", "police")."""
        men = self.tok_mention.get(h.i)
        return men is not None and getattr(men.match, "kind", "") == ANCHORED

    def _anti(self, h) -> list:
        """Modifiers of ``h`` written "anti-X" ("anti-Moscow sanctions", "anti-Russian protests")."""
        out = []
        for c in h.children:
            if c.dep_ in ("amod", "compound", "nmod") and c.i < h.i and (
                    (c.i >= 2 and self.doc[c.i - 1].text == "-" and self.doc[c.i - 2].lower_ == "anti")
                    or (c.lower_.startswith("anti-") and len(c) > 5)):
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
        cands = [m for i, m in reversed(self.mentions) if i < p.i and getattr(m.match, "kind", "") != ANCHORED]
        if p.lower_ == "them":
            near = self._nearest_plural_noun(p)
            if near is False:
                return None   # "armed the rebels and bombed them": them = the rebels, no actor
            if near is not None:
                cands = [near]
        cands += list(reversed(self.ctx.history[-40:]))
        for men in cands:
            if men.kind == want:
                return Arg(men.match.code, men.match.entity or men.match.code, p.text,
                           self.base + p.idx, self.base + p.idx + len(p), p.i, "pronoun", men.start,
                           getattr(men.match, "sector", None), str(getattr(men.match, "kind", "") or ""))
        return None

    def _nearest_plural_noun(self, p):
        """An object "them" takes the nearest plural noun before it in its sentence: its mention,
        False when that noun is no actor, None when the sentence has none (look further back)."""
        for t in reversed(self.doc[:p.i]):
            if t.tag_ in ("NNS", "NNPS") and t.dep_ not in ("compound", "poss") and t.pos_ in ("NOUN", "PROPN"):
                men = self.tok_mention.get(t.i) or next(
                    (self.tok_mention[c.i] for c in t.children
                     if c.dep_ in ("amod", "compound") and c.i in self.tok_mention), None)
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
            if cur.head is cur:
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
            return self.subjects(head, depth + 1)   # "saw fit to bomb", "is ready to strike": the subject's
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
            if gov is not v and gov.pos_ in ("VERB", "AUX"):
                subs, passive = self.subjects(gov, depth + 1)
                return (subs, False) if not passive else ([], False)
        return [], False

    def _target_candidates(self, v):
        objs = [c for c in v.children if c.dep_ in ("dobj", "dative", "iobj", "attr")]
        out = []
        for o in objs:
            out.extend(self._conj(o))
        # "withdrew its troops from X", "sent their fighters to X": the actor's own forces, owned
        # by a pronoun, are what moves; the place they move from or to is the other side. So are
        # bare forces a mover sends or pulls out ("Turkey sent troops to Libya"): placing them by
        # the nearest country is a guess the verb overrules, they go with the subject
        moves = v.lemma_.lower() in TRANSFER | YIELD_FROM
        own = [o for o in out if self._own(o) or (moves and self._placed(o))]
        if own and all(o in own for o in out if self.actor(o)):
            out = [o for o in out if o not in own]
        if not out or not any(self.actor(o) for o in out):
            for c in v.children:   # spaCy may tag "sent troops to X"'s "to" as a dative
                if c.dep_ in ("prep", "dative") and (c.lower_ in TARGET_PREPS or (
                        c.lower_ == "from" and v.lemma_.lower() in YIELD_FROM)) and not (
                        c.lower_ == "with" and v.lemma_.lower() in WITH_IS_ALONGSIDE):
                    for p in c.children:
                        if p.dep_ == "pobj":
                            out.extend(self._conj(p))
            for o in objs:  # "imposed sanctions on Russia", "escalate his clash with Assad"
                key = self._noun_key(o)
                for c in o.children:
                    if c.dep_ == "prep" and (c.lower_ in NOUN_TARGET_PREPS - {"in"} or (
                            c.lower_ == "for" and key and event_nouns()[key][0][:2] in FOR_ROOTS)):
                        out.extend(p for p in c.children if p.dep_ == "pobj")   # "pledged support for X"
            if v.lemma_.lower() in TRANSFER:
                # "sent an amount of hardware, including jets, to Syria": the destination hangs deep
                for o in objs:
                    for t in o.subtree:
                        if t.dep_ == "prep" and t.lower_ in ("to", "into") and t is not o:
                            out.extend(p for p in t.children if p.dep_ == "pobj")
        return out

    def frame(self, v) -> set[str]:
        words = set()
        for c in v.children:
            if c.dep_ in ("nsubj", "nsubjpass", "punct", "aux", "auxpass", "cc", "conj", "mark",
                          "ccomp", "advcl", "relcl", "neg", "csubj"):
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
        for t in self.doc:
            if t.pos_ == "VERB":
                for ev in self.verb_events(t):
                    key = (ev.source, ev.target, ev.cameo, ev.trigger_start)
                    if key not in seen:
                        seen.add(key)
                        out.append(ev)
            elif t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound":
                key_ = self._noun_key(t)
                if key_:
                    for ev in self.noun_events(t, *nouns[key_]):
                        key = (ev.source, ev.target, ev.cameo, ev.trigger_start)
                        if key not in seen:
                            seen.add(key)
                            out.append(ev)
        return out

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
        lemma = v.lemma_.lower()
        ended = None
        objs = [c for c in v.children if c.dep_ == "dobj"]
        if lemma in LIGHT and any(self._noun_key(o) for o in objs):
            return []   # the event noun carries the action
        if any(c.dep_ == "prep" and c.lower_ == "in" and any(p.dep_ == "pcomp" and p.tag_ == "VBG" for p in c.children)
               for c in v.children):
            return []   # "joined the U.S. in bombing": the bombing is the event
        fr = self.frame(v)
        labelled = self._labelled(v) if lemma in LABEL_VERBS else None
        if labelled is not None:
            code, reverse, matched = "111", False, 1   # calling X a threat/terrorist criticises X
        else:
            code, reverse, matched = verbs.lookup(self.dic, lemma, fr)
            if code is None and v.lower_ in self.dic.forms:
                code, reverse, matched = verbs.lookup(self.dic, self.dic.forms[v.lower_], fr)
        if code is None:
            return []
        if labelled is None and lemma == "call" and any(c.dep_ in ("oprd", "attr") for c in v.children) and objs:
            return []   # "called X a partner": naming, not a phone call
        if codes.root(code) in ("18", "19", "20") and v.dep_ in ("xcomp", "dobj", "pcomp", "ccomp") and \
                v.head.lemma_.lower() in CEASE:
            code = "087"   # "agreed to stop shooting at X": ending the fight de-escalates (CAMEO 087)
            ended = v.head   # the stopping is the event: its modality, not the stopped act's
        root = codes.root(code)
        if not matched:
            if lemma in ASPECT_GOVERNORS and any(c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") for c in v.children):
                return []   # "managed to resolve": the resolving is the event
            if lemma == "join":
                return []   # joining a group or alliance is membership, not a meeting
            if lemma in MATERIAL_GIVE and root == "07" and not (
                    {o.lemma_.lower() for o in objs} | {o.lower_ for o in objs}) & AID_OBJECTS:
                return []   # "gave X credit/time/a chance": no aid without something material
        subs, passive = self.subjects(v)
        if not subs:
            return []
        inherited = not any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children)
        from_statement = from_owner = False
        if labelled is not None:
            targets = labelled
        elif passive:
            targets = subs
            subs = [p for c in v.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
            subs = [x for s in subs for x in self._conj(s)]
        else:
            targets = self._target_candidates(v)
        if not passive and targets and not any(self.actor(t) for t in targets):
            # "condemned China's deployment", "protested against the government's cuts": an act
            # or policy that names no actor stands for its owner (a named one, not a pronoun)
            objs_ = targets
            targets = self._stand_ins(targets)
            from_owner = True
            if not any(self.actor(t) for t in targets) and codes.root(code) in IN_TARGET_ROOTS:
                # "stepped up its military presence in X": force and coercion aim where they are
                targets = [p for o in [*objs_, v] for c in o.children if c.dep_ == "prep" and c.lower_ == "in"
                           for p in c.children if p.dep_ == "pobj"]
            if not any(self.actor(t) for t in targets):
                targets = []   # "expressed his concern that Russia ...": the object names no one
        if not targets and not passive:
            # "threatening to attack X", "vowed to punish X": the act's target
            for c in v.children:
                if c.dep_ == "xcomp" and c.pos_ == "VERB" and lemma in ACT_GOVERNORS:
                    # "threatened to arrest and beat demonstrators": the acts share their object
                    for x in self._conj(c):
                        targets = self._target_candidates(x)
                        if targets:
                            break
                    break
        if not targets and not passive and codes.root(code) == "14":
            # "protested to demand the resignation of X", "rallied to denounce X": a protest is
            # aimed at whom its purpose names
            for c in v.children:
                if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB" and any(
                        a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                    cand = self._target_candidates(c)
                    if cand and not any(self.actor(t) for t in cand):
                        cand, from_owner = self._stand_ins(cand), True
                    if any(self.actor(t) for t in cand):
                        targets = cand
                        break
        if not targets and not passive and lemma in SPEECH | ACCUSE | {"argue", "insist"}:
            s, clause = self._statement_target(v)
            if s is not None:
                if any(c.dep_ == "aux" and c.lower_ in DEMAND_AUX for c in clause.children) or (
                        clause.lemma_ == "have" and any(x.dep_ == "xcomp" for x in clause.children)):
                    code = "100"   # "says X must go": a demand
                elif codes.root(code) == "01" and lemma in NEUTRAL_REPORT:
                    s = None   # "X said Y did Z" (or "Y should do Z", advice) is about Y, not X's act to Y
                if s is not None:
                    targets = self._conj(s)
                    from_statement = True
        if codes.root(code) == "01" and not targets:
            return []
        srcs = [a for s in subs if (a := self.actor(s))]
        tgts = [a for o in targets if (a := self.actor(o))]
        if from_statement:
            # what a speaker says about his own state is domestic comment, not an event between actors
            tgts = [t for t in tgts if all(t.entity != a.entity for a in srcs)]
        elif from_owner:
            # "rushed to Poland's defence" by Poland's own leader: the state as owner of what its
            # organ does is no target (an organ, "the government's cuts", still is)
            tgts = [t for t in tgts if not (t.code == t.entity and any(a.entity == t.entity for a in srcs))]
        if lemma in MOVEMENT and codes.root(code) == "04":
            srcs = [a for a in srcs if (a.sector or "") not in CIVILIAN_SECTORS and a.kind != "demonym"]
        if codes.root(code) == "01" and lemma in SPEECH:
            tgts = [t for t in tgts if t.sector != "MED" and t.code[-3:] != "MED"]   # "told Reuters": reporting
        if not tgts and not passive and v.dep_ == "conj" and codes.root(code) in RECIPROCAL_ROOTS:
            # "met with X and agreed to coordinate": the agreement is with the partner met
            tgts = [a for c in v.head.children if c.dep_ == "prep" and c.lower_ == "with"
                    for p in c.children if p.dep_ == "pobj" for x in self._conj(p) if (a := self.actor(x))]
        if not tgts and not passive and len(srcs) >= 2 and codes.root(code) in RECIPROCAL_ROOTS:
            # "Ukraine and Russia agreed on a cease-fire": each with the other
            out = []
            for a in srcs:
                out += self._emit(v, v.text, v.idx, v.idx + len(v), [a], [b for b in srcs if b is not a],
                                  code, modality(v, self.question), 0.55)
            return out
        if reverse:
            srcs, tgts = tgts, srcs
        mod = modality(ended if ended is not None else v, self.question)
        conf = 0.6 + (0.15 if matched else 0) - (0.1 if inherited else 0)
        return self._emit(v, v.text, v.idx, v.idx + len(v), srcs, tgts, code, mod, conf)

    def noun_events(self, n, code: str, of_role: str) -> list[Event]:
        srcs, tgts, pairs = [], [], []
        anti = self._anti(n)
        for c in n.children:
            if c in anti:
                if a := self.actor(c, poss=False):
                    tgts.append(a)   # "the anti-Moscow sanctions" are aimed at Moscow
            elif c.dep_ == "poss" or (c.dep_ in ("amod", "compound", "nmod") and c.i < n.i):
                a = self.actor(c, poss=False)
                if a and not (c.dep_ != "poss" and self._noun_key(c)):
                    srcs.append(a)
            elif c.dep_ == "prep":
                pobjs = [p for p in c.children if p.dep_ == "pobj"]
                for p in pobjs:
                    group = self._conj(p)
                    args = [a for g in group if (a := self.actor(g) or self._located(g))]
                    if c.lower_ == "between" and len(args) >= 2:
                        pairs.append(args)
                    elif c.lower_ == "by" or (c.lower_ == "of" and of_role == "source"):
                        srcs.extend(args)
                        # "the visit of a delegation to Moscow": "to" often hangs on the agent
                        for pp in p.children:
                            if pp.dep_ == "prep" and (pp.lower_ in NOUN_TARGET_PREPS - {"in"} or (
                                    pp.lower_ == "from" and code[:2] in FROM_ROOTS)):
                                tgts.extend(a for q in pp.children if q.dep_ == "pobj" and (a := self.actor(q)))
                    elif c.lower_ == "of" or c.lower_ in NOUN_TARGET_PREPS or (
                            c.lower_ == "for" and code[:2] in FOR_ROOTS) or (
                            c.lower_ == "from" and code[:2] in FROM_ROOTS):
                        if c.lower_ == "in" and code[:2] not in IN_TARGET_ROOTS:
                            continue
                        tgts.extend(args)
        holder = None   # a verb that lends the noun its roles
        if n.dep_ == "dobj" and n.head.lemma_.lower() in LIGHT:
            holder = n.head
        elif n.dep_ == "pobj" and n.head.lower_ == "with" and n.head.head.pos_ == "VERB":
            holder = n.head.head   # "responded with airstrikes on Gaza": the responder strikes
        if not srcs and holder is not None:
            subs, passive = self.subjects(holder)
            if not passive:
                srcs = [a for s in subs if (a := self.actor(s))]
        if not tgts and holder is not None:
            # "gave Obama credit", "increased its deployment ... to Tartus": the light verb holds the target
            for c in holder.children:
                if c.dep_ in ("dative", "iobj"):
                    tgts.extend(a for x in self._conj(c) if (a := self.actor(x)))
                elif c.dep_ == "prep" and c.lower_ in TARGET_PREPS:
                    tgts.extend(a for p in c.children if p.dep_ == "pobj"
                                for x in self._conj(p) if (a := self.actor(x) or self._located(x)
                                                           or self._owner(x)))
        if srcs and pairs and code.startswith("045"):
            # "Qatar's mediation between A and B": the mediator deals with each party
            tgts.extend(a for group in pairs for a in group)
            pairs = []
        mod = modality(n, self.question)
        out = self._emit(n, n.text, n.idx, n.idx + len(n), srcs, tgts, code, mod, 0.5)
        for group in pairs:   # "talks between A and B": one event, A first
            out.extend(self._emit(n, n.text, n.idx, n.idx + len(n), [group[0]], group[1:2], code, mod, 0.5))
        return out

    def _emit(self, trig, ttext, tstart, tend, srcs, tgts, code, mod, conf) -> list[Event]:
        out = []
        art, sent = self.ctx.article, self.sent
        for s in srcs:
            for t in tgts:
                s, t = self._citizens(s, t), self._citizens(t, s)
                if (s.start == t.start and s.end == t.end) or s.ref == t.ref:
                    continue   # one mention on both sides ("Erdogan ... his war")
                if s.code == t.code and len(s.code) == 3:
                    continue   # a bare state acting on itself names no dyad ("US sanctions ban U.S. persons")
                if (s.kind == ANCHORED or t.kind == ANCHORED) and s.entity == t.entity and not (
                        {s.kind, t.kind} <= {ANCHORED, "agent"} and s.sector != t.sector):
                    # a placed agent acts inside its own state only with another organ or group
                    # ("police arrested protesters"), never with the state or a person named there
                    continue
                code_ = code
                if (code[:2] in ("18", "19") and code[:3] not in RIOT_EXCLUDED and s.token >= 0
                        and self.doc[s.token].lower_ in PROTEST_CROWDS):
                    code_ = "145"   # protesters who clash or attack riot (CAMEO 145)
                date, historical, precision = dates.event_date(trig, art.date)
                ptype, pmode = codes.plover(code_)
                if ptype == "RETREAT" and (mod == INTENDED or trig.lemma_.lower() in DECLARE or (
                        trig.dep_ == "dobj" and trig.head.lemma_.lower() in DECLARE)):
                    ptype, pmode = "CONCEDE", None   # declared or promised, not yet done (PLOVER)
                c = conf - (0.1 if "pronoun" in (s.via, t.via) else 0)
                ev = Event(
                    doc=art.doc, start=sent.start, end=sent.end, text=sent.text,
                    source=s.code, source_entity=s.entity, target=t.code, target_entity=t.entity,
                    cameo=code_, quad_class=codes.quad_class(code_), goldstein=codes.goldstein(code_),
                    plover=ptype, plover_mode=pmode, modality=mod, date=date, historical=historical,
                    outlet=art.outlet, article_id=art.id, article_index=art.index,
                    sentence_index=sent.index, trigger=ttext, trigger_start=self.base + tstart,
                    trigger_end=self.base + tend, source_text=s.text, target_text=t.text,
                    confidence=round(max(0.05, min(0.95, c)), 2), coder=self.version,
                )
                if hasattr(ev, "date_precision"):
                    ev.date_precision = precision
                ev.id = hashlib.sha1(
                    f"{art.doc}|{art.id}|{sent.index}|{s.code}|{t.code}|{code_}|{ev.trigger_start}".encode()
                ).hexdigest()[:16]
                out.append(ev)
        return out

    def _citizens(self, a: Arg, other: Arg) -> Arg:
        """A plural demonym ("thousands of Brazilians") facing an organ placed in its own state
        ("the government") is that state's people, as ICEWS codes citizens (CVL)."""
        if (other.kind == ANCHORED and a.kind == "demonym" and a.entity == other.entity and a.token >= 0
                and self.doc[a.token].tag_ in ("NNS", "NNPS") and len(a.code) == 3):
            return replace(a, code=a.entity + "CVL", sector="CVL", kind="agent")
        return a

    def remember(self) -> None:
        """Leave this sentence's actors (and its speaker) to the sentences after it; placed bare
        agents are a guess, too weak to lend to pronouns."""
        self.ctx.history.extend(m for _, m in self.mentions if getattr(m.match, "kind", "") != ANCHORED)
        del self.ctx.history[:-60]
        for t in self.doc:
            if t.lemma_.lower() in SPEECH and any(c.dep_ == "ccomp" for c in t.children):
                for s in t.children:
                    if s.dep_ in SUBJ:
                        a = self.actor(s)
                        if a and a.via != "speaker":
                            self.ctx.speaker = a
                            return


def code_sentence(doc, sent: Sentence, ctx: ArticleContext, mentions, dic, version) -> list[Event]:
    sc = SentenceCoder(doc, sent, ctx, mentions, dic, version)
    events = sc.events()
    sc.remember()
    return events
