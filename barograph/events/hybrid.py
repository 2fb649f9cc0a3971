"""Rules and classifier together: what a sentence reports, decided once per sentence.

Why a hybrid and not the classifier alone: the rule coder (``extract.py``) is precise where
the PETRARCH2 patterns match and it knows the specific CAMEO code, the actors' dictionary
codes, the modality and the date; the classifier (``classifier.py``) knows the class of the
event in almost every sentence but nothing else. Each is used where it is strong, as a row of
named steps applied in order (``STEPS``), each a small function with its reason:

1. ``without_rules``: for the ablation only (``use_rules=False``), forget the rules' events.
2. ``intent_as_act``: a stated intention or refusal is itself an act, as CAMEO codes it
   ("will meet" 036, "refused to lift" 124), unless the sentence puts it in doubt.
3. ``agreeing_first``: when the rules coded events and one of them has the class the
   classifier reads, that event leads the sentence (the first event is the sentence's main one).
4. ``recode_disagreeing``: when the rules' events all have another class and the classifier is
   sure, the event keeps its actors and evidence but takes the dictionary code of its trigger
   word that fits the class, or the base code of the class's most probable PLOVER type.
5. ``model_event``: when the rules found nothing, the event is built from the parse and the
   tagger: the predicate that carries the class, the tagger's source (else its subject) and
   the predicate's own object as target, resolved by the actor resolver where they can be and
   kept by name (``resolved: false``) where they cannot, with the modality and date of that
   predicate; only behind the gates of ``Settings`` (docs/coding.md says why each is there).
6. ``lead_event``: a story's first sentence that nothing else coded gives the event the tagger
   marks, when the classifier is sure of its class.
7. The recipient steps read the target again on every event made so far, each only towards
   someone the sentence names: ``recipient_of_a_gift`` ("returned Peruvian statues to the
   government of Peru": the government, not "Peruvian"), ``host_of_a_mission`` ("troops to the
   UN mission in Lebanon": Lebanon), ``aid_to_the_place`` (aid with no recipient "to promote
   development in Kenya": Kenya), ``pronoun_in_the_sentence`` ("urged him" after naming him),
   ``whom_a_claimed_deed_hit`` (a claim of responsibility is aimed at whom the deed hit),
   ``own_forces_no_target`` ("reinforced its troops in Syria": Syria, not its troops).
8. ``calibrate``: ``confidence`` is mapped through the table that ``make model`` measured on
   out-of-fold predictions, so that a threshold means a precision.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from barograph.events import codes, verbs, wordlists
from barograph.events.extract import _national, build_event, thing_name
from barograph.events.nlp import kept, text_of
from barograph.events.classifier import class_of
from barograph.events.rules import MAX_JOINT, speaks_to_the_press
from barograph.events.modality import ASSERTED, CLAIMED, HYPOTHETICAL, INTENDED, NEGATED, asks_a_question, modality
from barograph.records import Event

COUNTED = (ASSERTED, CLAIMED)
# the generic CAMEO code of each class, used when no word of the sentence gives a specific one
GENERIC = {0: "010", 1: "040", 2: "060", 3: "110", 4: "190"}
# each PLOVER type's base CAMEO code (by the bundled CAMEO->PLOVER table); the type head
# chooses among the types of the predicted class when the dictionary gives no code
TYPE_CODE = {
    "AGREE": "030",
    "CONSULT": "040",
    "SUPPORT": "050",
    "COOPERATE": "060",
    "AID": "070",
    "CONCEDE": "080",
    "RETREAT": "087",
    "ACCUSE": "112",
    "REJECT": "120",
    "REQUEST": "100",
    "THREATEN": "130",
    "SANCTION": "160",
    "PROTEST": "140",
    "MOBILIZE": "150",
    "COERCE": "170",
    "ASSAULT": "190",
}
SPEECH = {
    "say",
    "tell",
    "state",
    "declare",
    "announce",
    "add",
    "insist",
    "argue",
    "claim",
    "stress",
    "note",
    "repeat",
    "write",
    "explain",
    "assert",
    "report",
    "confirm",
    "quote",
}
OBJECTS = ("dobj", "dative", "attr", "oprd")
# the words a name is built on: a person's title before it ("Saudi Foreign Minister Prince Saud")
TITLE_DEPS = ("compound", "amod", "poss", "nmod", "flat")
TARGET_PREPS = {"with", "against", "to", "on", "at", "toward", "towards", "into", "upon", "over", "from", "for", "in", "of", "by"}
NAMED = {"GPE", "NORP", "ORG", "PERSON", "FAC", "LOC"}
# third-person pronouns stand for the article's last actor; "I", "we", "you" are no actor here
PRONOUNS = {"he", "she", "it", "they", "him", "her", "them"}
# organ and agent nouns: an actor when a name owns them ("Syrian officials", "Iraq's army")
AGENT_HEADS = {
    "government",
    "regime",
    "administration",
    "army",
    "military",
    "forces",
    "force",
    "troops",
    "police",
    "ministry",
    "minister",
    "president",
    "leader",
    "leaders",
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
    "diplomat",
    "diplomats",
    "delegation",
    "embassy",
    "authorities",
    "parliament",
    "court",
    "rebels",
    "militants",
    "fighters",
    "soldiers",
    "navy",
    "envoy",
    "party",
    "prime",
    "chief",
    "premier",
    "chancellor",
    "king",
    "commander",
    "general",
    "insurgents",
    "protesters",
    "lawmakers",
    "senate",
    "congress",
    "council",
    "cabinet",
    "department",
    "agency",
    "office",
    "state",
    "coalition",
    "militia",
    "group",
    "union",
    "gunmen",
    "guards",
    "forces",
}
MIN_TOKENS, MAX_TOKENS = 4, 150
SOMEONE = AGENT_HEADS | wordlists.AGENT_NOUNS | wordlists.PERSON_AGENTS | wordlists.PROTEST_CROWDS | wordlists.CAPTIVES | wordlists.GROUP_NOUNS
# nouns that are the actor of the name that owns them ("Chinese peacekeepers", "members of the
# Security Council", "Iraq's army"): people, groups and organs
OWNED_HEADS = SOMEONE
# CAMEO codes a stated intention as an act of its own (03 "express intent to cooperate", 13
# "threaten") and a refusal as a rejection (12): "X will meet Y" is 036, "X threatened to
# strike Y" 138, "X refused to lift sanctions on Y" 124. Keys: the root of the intended act.
# roots whose stated intention is the act itself: a statement or appeal ("X will propose a
# plan", "X said it would call on the Council to ..."), an investigation ("the Department will
# investigate Yale", as news and ICEWS report it), a refusal ("will refuse to comply"), and the
# intent codes (03, 13), which are intentions already
KEEP_OWN_CODE = {"01", "02", "03", "09", "12", "13"}
INTENT_CODE = {
    "04": "036",
    "05": "032",
    "06": "031",
    "07": "033",
    "08": "035",
    "14": "133",
    "15": "138",
    "16": "131",
    "17": "137",
    "18": "138",
    "19": "138",
    "20": "138",
}
REFUSAL_CODE = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "124"}
REFUSE = {"refuse", "decline", "reject", "rebuff", "spurn"}
# "failed to reach agreement", "failed to agree on talks": talks that fail are a rejection
# (12) of the agreement sought; only for agreements and talks (03-05), since "failed to
# deliver aid" or "failed to capture the town" is no refusal
FAIL = {"fail"}
FAILED_ROOTS = {"03", "04", "05"}
# auxiliaries that leave an act open ("could lift", "might accept"), and those of the future
OPEN_AUX = {"could", "might", "may", "would"}
FUTURE = {"will", "shall", "'ll", "wo"}
# words that put a whole sentence in doubt: its intentions are not stated as facts
DOUBT = {"if", "unless", "unlikely", "whether", "would", "could", "might", "may", "perhaps"}
CONDITION = {"if", "unless", "whether"}
# "is considering sending aid": weighing an option is an act of its own, CAMEO 014 "consider
# policy option", whatever is weighed
CONSIDER = {"consider", "mull", "weigh", "contemplate", "study", "explore", "eye"}
# "is willing/ready/prepared to" states an intention, as CAMEO 03 codes "express willingness"
WILLING = {"willing", "ready", "prepared", "eager"}
# objects that receive what the act gives or aims: "returned X to Y", "sanctions on Y"
RECIPIENT_PREPS = {"to", "against", "with", "on", "toward", "towards", "at", "upon"}
INTEND = {
    "will",
    "shall",
    "'ll",
    "plan",
    "intend",
    "vow",
    "pledge",
    "promise",
    "agree",
    "decide",
    "prepare",
    "offer",
    "threaten",
    "schedule",
    "set",
    "aim",
    "expect",
    "commit",
    "resolve",
}
# a decision is the act decided, not an intention: "Japan has decided to lift sanctions on
# India" is the easing (08), asserted, as a government's decision takes effect by being taken
DECIDE = {"decide", "resolve"}
# words that are no actor however a parse places them: times, amounts, places of measure
NOT_ACTOR = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL"}


@dataclass
class Side:
    """One side of an event read off the parse: words, span, and the actor they name."""

    text: str
    start: int  # document offsets
    end: int
    code: str = ""
    entity: str = ""
    resolved: bool = False
    named: bool = False  # a named entity or a dictionary actor: evidence of a political actor
    group: bool = False  # a group no one places, named only by its sector ("teachers"): group_source


@dataclass
class Settings:
    """Thresholds of the hybrid; ``make model`` chooses them on out-of-fold dev predictions."""

    recode_min: float = 0.8  # classifier probability needed to overrule the rules' class
    model_min: float = 0.0  # classifier probability needed for an event from the parse
    need_named: int = 2  # sides of a parse event that must be a named or dictionary actor
    # the tagger's summed probability over the source it marks: on news that reports an event
    # it finds one almost always; on analysis and comment mostly none (docs/coding.md)
    min_source_score: float = 1.5
    local_targets: bool = True  # False: with no object of its own, the sentence's other actor
    use_rules: bool = True  # False: the classifier on the parse alone (for the ablation)
    # which predicates may carry a parse event: "any" verb; a "dictionary" verb; or one whose
    # dictionary codes include the class the classifier reads ("agree")
    gate: str = "agree"
    present_ok: bool = False  # a simple-present predicate ("Moscow assesses") may carry one
    # ... in headline style at least ("Saudi Arabia lifts blockade of Qatar")
    headline_present: bool = False
    # the source must be a named or dictionary actor ("Germany provided ..."), not a phrase
    # the tagger marked ("a car bomb", "Ukrainian sovereignty")
    source_named: bool = False
    # when no dictionary code of the predicate has the class read, a target the tagger did not
    # mark must be someone: a named or dictionary actor, or a noun
    # for people, a group or an organ ("protesters", "the government"), not a thing ("left the
    # door open")
    target_someone: bool = False
    # in a passive clause the source is the "by" agent or no one: its subject is the patient
    # ("Ukrainian sovereignty was endorsed" is no act of Ukraine)
    passive_agent: bool = False
    # sides of a parse event of class 0 (a statement or appeal) that must be dictionary actors:
    # a statement is between known actors, not about a topic
    statement_resolved: int = 2
    # a target that names no actor and no people, group or organ makes no event, whether or
    # not the tagger marked it
    things_no_target: bool = False
    # a deed done "to V" that is no event itself is V done ("donated ventilators to assist X")
    purpose_acts: bool = False
    # a protest (CAMEO 14) that names no one it is aimed at is aimed at the protesters' own
    # government
    protest_government: bool = False
    # a parse event may have no target when its source is a dictionary actor and its
    # predicate a dictionary verb of the class read ("X declined to comment")
    one_sided: bool = False
    # ... and also when its source is a name the dictionaries lack (kept unresolved)
    one_sided_named: bool = False
    # a parse event whose objects name no one targets the first named actor inside the act
    # itself ("lifted a ban on imports of British beef"): _actor_in_the_act
    inner_targets: bool = False
    # the rules' events are all uncounted (hypothetical, intended, negated: "rejected appeals
    # to release X" gives only the intended release): the parse may still find the act
    beside_uncounted: bool = False
    # classifier probability at which a parse event with no dictionary code whose object is a
    # thing may be one-sided, its source named ("Kuwait launched a mediation effort")
    one_sided_generic: float = 1.01
    # classifier probability at which a story's lead sentence that nothing else coded gives
    # the event its tagger marks (``lead_event``); above 1, never
    lead_min: float = 1.01
    # a passive act no "by" names the doer of is the state's whose country its "in/from X"
    # names, when only a state does such a thing ("was arrested in Niger"): _state_of_place
    passive_place: bool = False
    # a group the agents dictionary knows but nothing places ("teachers", "hackers") may be a
    # side, with its sector code and no country, as CAMEO codes an agent alone
    bare_agents: bool = False
    # a thing acted on is its nation's when an adjective names the nation ("shelled Ukrainian
    # positions"): ParseActors.nation_of
    nation_things: bool = False
    # method -> [[raw scores], [precision]]: maps the classifier's probability of an event's
    # class to the share of such events whose class was right on out-of-fold dev predictions
    calibration: dict | None = None

    @classmethod
    def of(cls, classifier) -> "Settings":
        """The thresholds and calibration a classifier's ``meta.json`` carries (``make model``
        writes them); the defaults for a classifier with none (rules only, or readings made
        elsewhere)."""
        meta = getattr(classifier, "meta", {}) if classifier is not None else {}
        return cls(**meta.get("hybrid", {}), calibration=meta.get("calibration"))


def worth_reading(doc, mentions, dic=None, settings: Settings | None = None) -> bool:
    """Could ``model_event`` act on this sentence the rules found nothing in? Only if it is
    of a size to hold an event, names an actor, and (when the gate asks for one) has a verb
    the CAMEO dictionary knows; with ``source_named``, only if such a verb (not a bare simple
    present unless ``present_ok``) has a subject that names someone, since a parse event's
    source must. The classifier is not run on the others: the encoder is most of the coder's
    time, and on news most sentences without a rule event fail these checks anyway."""
    if not (_of_a_size(doc) and (bool(mentions) or any(e.label_ in NAMED for e in doc.ents))):
        return False
    if dic is None:
        return True
    verbs_ = [t for t in doc if t.pos_ == "VERB" and t.lemma_.lower() in dic.verbs and t.lemma_.lower() not in NON_EVENT_LEMMAS]
    if not verbs_:
        return False
    if settings is None or not settings.source_named:
        return True
    actors = ParseActors(doc, 0, mentions, [], settings.bare_agents)
    for v in verbs_:
        if not settings.present_ok and _bare_present(v, settings.headline_present):
            continue
        if settings.passive_place and _passive(v) and _state_of_place(actors, dic, v, None):
            return True  # "were released in Tripoli": the state of the place acts
        subj, _ = _subject(v)
        # a permissive check, model_event applies the exact gates: the tagger may mark a name
        # anywhere in the subject ("the country's largest party, the LSSR, ..."), or before a
        # verb the parse left without one ("USAID had announced" parsed with USAID an adverb)
        if subj is None:
            if any(t.i < v.i and (t.ent_type_ in NAMED or actors._mention_at(t) is not None) for t in doc):
                return True
        elif subj.lower_ in PRONOUNS or actors.group_source(actors.side(subj)).named or any(t.ent_type_ in NAMED for t in subj.subtree):
            return True
    return False


# ---- the parse side ------------------------------------------------------------------------
def _of_a_size(doc) -> bool:
    """Is the sentence of a size to hold an event (``MIN_TOKENS`` to ``MAX_TOKENS`` words)?
    Counted once per doc: the gate and three steps ask."""
    words = kept(doc, "barograph.words", lambda: sum(1 for t in doc if not t.is_space))
    return MIN_TOKENS <= words <= MAX_TOKENS


def _span(tok):
    """The noun phrase a head word stands for, without its clauses and appositions."""
    keep = [tok]
    stack = [c for c in tok.children if c.dep_ not in ("relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep")]
    stack += [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
    while stack:
        t = stack.pop()
        keep.append(t)
        stack.extend(c for c in t.children if c.dep_ not in ("relcl", "acl", "punct"))
    lo = min(t.i for t in keep)
    hi = max(t.i for t in keep)
    return tok.doc[lo : hi + 1]


def _subject(v, depth=0):
    """Subject of a predicate, borrowed from what governs it when it has none of its own."""
    for c in v.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p, True
    for c in v.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c, False
    if depth < 4 and v.dep_ in ("conj", "xcomp", "advcl", "ccomp", "acomp") and v.head != v:
        return _subject(v.head, depth + 1)
    return None, False


def _where_it_happened(v, prep) -> bool:
    """Does the preposition say where the act happened, not whom it was done to? After a verb
    that only reports words (``@said-where``), "in X" and "at X" are where it was said: "said in
    Dubai", "told a press conference at the ministry in Kabul", "said in a statement that ...".
    Other acts keep them: a protest "in London" is against the government there, "announced a
    ceasefire in Idlib" bears on Idlib. Who it was said to may still be named inside
    (``_met_with``)."""
    return prep.lower_ in ("in", "at") and v.lemma_.lower() in wordlists.SAID_WHERE


def _met_with(prep) -> list:
    """The "with X" of the occasion a place preposition names: "said in a meeting with X"."""
    return [
        x
        for p in prep.children
        if p.dep_ == "pobj"
        for w in p.children
        if w.dep_ == "prep" and w.lower_ == "with"
        for x in w.children
        if x.dep_ == "pobj"
    ]


def _place_words(v) -> set[int]:
    """Positions of the words that say where the act of ``v`` happened (``_where_it_happened``),
    on the predicate or on its objects, less who it was done with: no target is taken from
    among them."""
    heads = [v, *(c for c in v.children if c.dep_ in OBJECTS)]
    preps = [c for h in heads for c in h.children if c.dep_ == "prep" and _where_it_happened(v, c)]
    return {t.i for c in preps for t in c.subtree} - {t.i for c in preps for x in _met_with(c) for t in x.subtree}


def _objects(v):
    """Candidate targets of a predicate in order of preference; of a place it was said in, only
    who it was said with (``_where_it_happened``)."""
    out = [c for c in v.children if c.dep_ == "nsubjpass"]
    out += [c for c in v.children if c.dep_ in OBJECTS]
    for c in v.children:
        if c.dep_ in ("prep", "dative") and c.lower_ in TARGET_PREPS:
            out += _met_with(c) if _where_it_happened(v, c) else [p for p in c.children if p.dep_ == "pobj"]
    if v.lemma_.lower() not in SPEECH:  # "urged X to": X; "said X did": a topic
        for c in v.children:
            if c.dep_ in ("xcomp", "ccomp"):
                out += [x for x in c.children if x.dep_ in ("nsubj", "dobj")]
    return out


def _target_words(v):
    """Objects of the predicate and the "to/against/on/with X" of its object ("issued an
    ultimatum to X", "imposed sanctions on X"), in order; not where it was said ("told a news
    conference at the ministry", ``_where_it_happened``)."""
    out = []
    for o in _objects(v):
        out.append(o)
        if o.dep_ in OBJECTS:
            out += [
                p
                for c in o.children
                if c.dep_ == "prep" and c.lower_ in TARGET_PREPS - {"of", "in", "by"} and not _where_it_happened(v, c)
                for p in c.children
                if p.dep_ == "pobj"
            ]
    return out


def _stand_in_owners(words):
    """Owners of objects that name an act, not an actor: "a proposal by X", "X's plan"."""
    return [
        p
        for o in words
        for c in o.children
        if c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in ("by", "of"))
        for p in ([c] if c.dep_ == "poss" else [x for x in c.children if x.dep_ == "pobj"])
    ]


def _expletive(tok) -> bool:
    """An "it" that stands for a clause, not an actor: "made it clear that ...", "found it
    hard to ..." (the clause or complement follows it under the same verb)."""
    if tok.lower_ != "it":
        return False
    if tok.dep_ == "nsubj" and tok.head.pos_ == "ADJ":
        return True  # parsed as a small clause: "made [it clear]"
    return any(c.dep_ in ("oprd", "ccomp", "xcomp", "acomp") and c.i > tok.i for c in tok.head.children)


def _best_target(actors, v, subj, src):
    """The object that most looks like an actor: named or a dictionary actor first, then any
    noun phrase that is not a time or an amount; the first in order on a tie. An object that
    is no actor gives way to a named owner of it ("rejected a proposal by X" targets X)."""
    best, best_score = None, -1
    words = _target_words(v)
    for o in words + _stand_in_owners(words):
        counted = o.pos_ == "NUM" and any(c.dep_ == "prep" and c.lower_ == "of" for c in o.children)
        if o.i == subj.i or (o.ent_type_ in NOT_ACTOR and not counted) or (o.pos_ in ("NUM", "ADV") and not counted) or _expletive(o):
            continue  # a time, an amount, a bare number; not "three of the hostages"
        if o.pos_ == "PRON" and o.dep_ in ("nsubj", "nsubjpass") and o.head.i != v.i:
            continue  # "made it clear that it was ...": a guessed pronoun in a reported clause

        cand = actors.side(o)
        if not (cand.start >= src.end or cand.end <= src.start):
            continue
        score = 2 if cand.resolved else 1 if cand.named else 0
        if score == 0 and o.dep_ == "pobj" and o.head.lower_ in RECIPIENT_PREPS:
            score = 0.5
        if score > best_score:
            best, best_score = cand, score
    return best


def _actor_over_thing(actors, v, subj, src, marked_thing):
    """The tagger marked a thing among the predicate's objects ("returned the paintings and a
    fresco to the government of Italy": "a fresco"), while the parse finds a dictionary actor
    among them (the government): the actor is the target, as a recipient is. The marked thing
    stays when the parse finds no actor. Returns the target and whether it is the tagger's."""
    best = _best_target(actors, v, subj, src)
    if best is not None and best.resolved:
        return best, False
    return marked_thing, True


def _predicates(sent_doc):
    """Verbs of the sentence from the root down (breadth first), with their dictionary class."""
    roots = [t for t in sent_doc if t.dep_ == "ROOT"]
    seen, order = set(), []
    queue = list(roots)
    while queue:
        t = queue.pop(0)
        if t.i in seen:
            continue
        seen.add(t.i)
        if t.pos_ in ("VERB", "AUX") or t.dep_ == "ROOT" or t.dep_ == "acomp" and t.lower_ in wordlists.STANCE_ADJECTIVES:
            order.append(t)
        queue.extend(c for c in t.children if c.dep_ in ("ccomp", "xcomp", "conj", "advcl", "relcl", "pcomp", "acl", "parataxis", "acomp"))
    return order


# predicates that state, not report: "X is no Y", "X has a problem", "X does a fine job"
NON_EVENT_LEMMAS = {"be", "have", "do", "become", "remain", "seem", "appear", "look", "stay", "get"}


def _lemma_classes(dic, v) -> set[int]:
    """Every class the dictionary's codes for this verb fall in, whatever the pattern."""
    return {c for r in _lemma_roots(dic, v) if (c := class_of(r)) is not None}


def _lemma_roots(dic, v) -> list[str]:
    """The CAMEO roots of the dictionary's codes for this verb, its default first."""
    roots = []
    for entry in dic.verbs.get(v.lemma_.lower(), []) if dic is not None else []:
        for c in [entry.code] + [p.code for p in entry.patterns]:
            if c and c[:2] not in roots:
                roots.append(c[:2])
    return roots


def _passes_gate(view, v, cls: int) -> bool:
    """Does predicate ``v`` look like the report of an event of class ``cls``?"""
    s = view.settings
    if _stance_code(v, cls) or _posture_code(v, cls):
        return True
    if v.lemma_.lower() in wordlists.ATTRIBUTION or asks_a_question(v):
        return False  # "Reuters quoted X as saying": sourcing, no act; "asked whether": a question
    if v.lemma_.lower() in NON_EVENT_LEMMAS or v.pos_ != "VERB":
        return s.gate == "any"
    if not s.present_ok and _bare_present(v, s.headline_present):
        return False  # generic present: analysis, not a report
    if s.gate == "dictionary":
        return v.lemma_.lower() in view.dic.verbs
    if s.gate == "agree":
        return cls in _lemma_classes(view.dic, v)
    return True


def _bare_present(v, headlines: bool = False) -> bool:
    """A simple present with no auxiliary ("Moscow assesses"): analysis, not a report. With
    ``headlines``, not in headline style ("Saudi Arabia lifts blockade of Qatar")."""
    if not (v.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in v.children)):
        return False
    return not (headlines and _headline(v))


def _headline(v) -> bool:
    """Headlinese: a short sentence whose verb's object is a common noun with no article or
    possessive ("lifts blockade of Qatar", "rejects demands from rebel group"). Analysis in
    the present names its objects in full ("Moscow assesses the situation"), or names actors
    ("Russia supports Assad"), which this does not take as a headline."""
    words = [t for t in v.doc if not t.is_punct and not t.is_space]
    if len(words) > 18 or v.dep_ != "ROOT":
        return False
    objs = [c for c in v.children if c.dep_ == "dobj"] + [p for c in v.children if c.dep_ == "prt" for p in v.children if p.dep_ == "dobj"]
    return any(o.pos_ == "NOUN" and o.tag_ in ("NN", "NNS") and not any(c.dep_ in ("det", "poss") for c in o.children) for o in objs)


def _dictionary_code(dic, v):
    """The dictionary's code for predicate ``v`` in its frame, if a valid one. A verb of
    saying's frame leaves out the clause it reports: "claimed responsibility for the bombing"
    is 015, "claimed that the police lied about the bombing" is not.

    Kept on the doc per verb and dictionary: the steps ask it again for the same predicate
    (``model_event``'s loop, refusals, intentions, claims), and the frame is the verb's whole
    subtree."""
    return kept(v.doc, ("barograph.dictionary_code", id(dic), v.i), lambda: _frame_code(dic, v))


def _frame_code(dic, v):
    words = list(v.subtree)
    if v.lemma_.lower() in SPEECH:
        reported = {w.i for c in v.children if c.dep_ in ("ccomp", "parataxis") for w in c.subtree}
        words = [w for w in words if w.i not in reported]
    frame = {w.lower_ for w in words} | {w.lemma_.lower() for w in words}
    code, _, _ = verbs.lookup(dic, v.lemma_.lower(), frame)
    return code if code and codes.is_valid(code) else None


def _refusal_code(view, v, cls):
    """The rejection a predicate negated in the future states when the classifier reads verbal
    conflict: "will not lift the ban on ZTE" withholds 081 and so is 124 (``REFUSAL_CODE`` of
    the root the dictionary gives the predicate in its frame). Not when the refusal is left
    open ("could not accept") or the act withheld is no cooperation."""
    if cls != 3 or v.pos_ != "VERB" or not any(c.dep_ == "neg" for c in v.children):
        return None
    govs = _governors(v)
    backshift = _reported_would(v, govs)
    will = {g.lower_ for g in govs if g.dep_ == "aux"} & FUTURE or backshift is not None
    if not will or _left_open(govs, backshift):
        return None  # "was not seeking territory" denies an aim; only "will not" refuses
    return REFUSAL_CODE.get(str(_dictionary_code(view.dic, v) or "")[:2])


def _event_noun_code(v, cls):
    """The code of the event noun a light verb carries, when of the class read: "launched an
    investigation into X" is 090, "carried out air strikes" 195 (``@light`` and
    ``event-nouns.txt``, the lists the rules read the same phrases with)."""
    if v.pos_ != "VERB" or v.lemma_.lower() not in wordlists.LIGHT:
        return None
    nouns = wordlists.event_nouns()
    for o in v.children:
        if o.dep_ == "dobj" and o.lemma_.lower() in nouns:
            code = nouns[o.lemma_.lower()][0]
            return code if class_of(code) == cls else None
    return None


def _claimed_deed(view, v, cls):
    """A claim of one's own deed, read as a statement, is a claim of responsibility (015): "the
    Houthis claimed that they had attacked the airport". Only for a deed of force or coercion
    (CAMEO 14-20) whose doer is the claimant, named again by a pronoun."""
    if cls != 0 or v.lemma_.lower() != "claim":
        return None
    for c in v.children:
        if c.dep_ == "ccomp" and c.pos_ == "VERB":
            subj, _ = _subject(c)
            code = _dictionary_code(view.dic, c)
            if subj is not None and subj.lower_ in PRONOUNS and code and class_of(code) == 4:
                return "015"
    return None


def _stance_code(v, cls):
    """The statement an adjective of stance makes ("X is skeptical of Y": 012), when the
    classifier reads a statement (``@stance-adjectives`` in the word lists); weighing an option
    ("is considering the possibility of ...", "is exploring ways to ...") is 014."""
    if cls != 0:
        return None
    if v.pos_ == "VERB" and v.tag_ == "VBG" and v.lemma_.lower() in CONSIDER:
        return "014"
    if v.pos_ == "VERB":
        word = next((w for w in (v.lemma_.lower(), v.lower_) if w in wordlists.STANCE_VERBS), None)
        if word:
            return wordlists.STANCE_VERBS[word]
    return wordlists.STANCE_ADJECTIVES.get(v.lower_) if v.dep_ == "acomp" else None


def _posture_code(v, cls):
    """A standing the predicate puts its subject in ("troops remained on alert": 152, "workers
    went on strike": 143, "on hunger strike": 142), when of the class read (``@postures``: the
    noun after "on" and its code). The verb is mostly "be", "remain" or "go", which say nothing."""
    if v.pos_ not in ("VERB", "AUX"):
        return None
    for c in v.children:
        if c.dep_ == "prep" and c.lower_ == "on":
            for p in c.children:
                if p.dep_ == "pobj" and p.lemma_.lower() in wordlists.POSTURES:
                    word = "hunger-" + p.lemma_.lower() if any(m.lower_ == "hunger" for m in p.children) else p.lemma_.lower()
                    code = wordlists.POSTURES.get(word, wordlists.POSTURES[p.lemma_.lower()])
                    return code if class_of(code) == cls else None
    return None


def _code_for(dic, v, cls):
    """The dictionary's code for predicate ``v`` when it falls in class ``cls``."""
    code = _dictionary_code(dic, v)
    return code if code and class_of(code) == cls else None


def _intended_code(dic, v, cls):
    """The dictionary's own code for an act a sentence states the intention or willingness of
    ("is willing to withdraw its troops", class read: verbal cooperation), when CAMEO's
    intent code for it is of the class read; ``intent_as_act`` then makes the intention the
    act."""
    gov = v.head if v.dep_ == "xcomp" else None
    stated = gov is not None and (gov.lemma_.lower() in INTEND | WILLING or gov.lower_ in WILLING)
    if not stated and v.dep_ == "ccomp" and v.head.lemma_.lower() in SPEECH and not any(c.dep_ == "neg" for c in v.children):
        # "the rebels said they will release the hostages", "... said it would withdraw": a
        # reported will, the intention the speaker states (intent_as_act reads it the same way)
        aux = {c.lower_ for c in v.children if c.dep_ == "aux"}
        stated = bool(aux & FUTURE) or "would" in aux and v.head.tag_ in ("VBD", "VBN")
    if not stated:
        return None
    code = _dictionary_code(dic, v)
    intent = INTENT_CODE.get(str(code or "")[:2])
    return code if code and intent and class_of(intent) == cls else None


def _phrase_head(inside, lo: int, hi: int):
    """The head of the phrase at characters lo:hi, among its words ``inside``: the word whose
    own head lies outside the phrase (or that is the sentence's root)."""
    return next((t for t in inside if not (lo <= t.head.idx < hi) or t.head == t), None)


def _acronym(tok) -> bool:
    """An organisation's initials the tagger did not mark ("ICE returned ...", "CLO has
    demanded ..."): a word of two to six capitals, however the tagger read it ("ICE" as ice),
    in a sentence not set in capitals."""
    if not (tok.is_upper and tok.is_alpha and 2 <= len(tok) <= 6):
        return False
    words = [t for t in tok.sent if t.is_alpha]
    return sum(t.is_upper for t in words) * 2 < len(words)


def _completed(doc, lo: int, hi: int) -> tuple[int, int]:
    """A tagger span that stops inside its noun phrase, completed by the parse. The tagger
    marks the word pieces it is sure of, and an actor is read from a whole phrase. A span that
    ends on a preposition, an article, "and", a possessive or the first part of a name ("the
    Ministry of", "members of", "a militia leader and his", "President Luis"), or begins with an
    article whose noun lies past it ("the international"), runs on to the end of that phrase
    ("... of Defence", "... of the Security Council", "... and his bodyguards", "... Luis
    Arce", "... criminal court"); one that begins with the possessive "'s" starts at its owner.
    A nation's adjective stays as marked ("tariffs on Chinese goods": the tagger marks the
    nation)."""
    inside = [t for t in doc if lo <= t.idx < hi]
    if not inside:
        return lo, hi
    first_i, last_i = inside[0].i, inside[-1].i
    for _ in range(3):
        last = doc[last_i]
        end = None
        if last.dep_ == "cc":
            conj = next((c for c in last.head.children if c.dep_ == "conj" and c.i > last.i), None)
            end = None if conj is None else max(t.i for t in conj.subtree)
        elif last.pos_ == "ADP" and last.dep_ == "prep":
            end = max(t.i for t in last.subtree)
        elif (last.pos_ == "DET" or last.dep_ == "poss") and last.head.i > last.i:
            end = last.head.i  # "the", "his": the noun they belong to
        elif last.pos_ == "PROPN" and last.dep_ == "compound" and last.head.pos_ == "PROPN" and last.head.i > last.i:
            end = last.head.i  # a name cut short: "Luis" of "Luis Arce"
        elif doc[first_i].pos_ == "DET" and doc[first_i].head.i > last_i:
            end = doc[first_i].head.i  # "the international" of "the international court"
        if end is None or end <= last_i or end - first_i > 2 * len(inside) + 8:
            break
        last_i = end
    first = doc[first_i]
    if first.dep_ == "case" and first.head.i < first.i:
        first_i = min(t.i for t in first.head.subtree)  # "'s School": whose school
    return doc[first_i].idx, doc[last_i].idx + len(doc[last_i])


class ParseActors:
    """Sides of a parse event: resolver mentions first, then named entities, then words."""

    def __init__(self, doc, base: int, mentions, history, bare_agents: bool = False):
        self.doc, self.base = doc, base
        self.bare: list = []  # bare agents, sources of their own: ``group_source``
        self.text = text_of(doc)
        # each token with its characters, read once: the sides are cut out by characters
        self.tokens = [(t, t.idx, t.idx + len(t)) for t in doc]
        self.mentions = []
        for m in mentions:
            ent = getattr(m, "entity", "") or ""
            if not ent and getattr(m, "kind", "") == "agent":
                if bare_agents:
                    self.bare.append(m)
                continue  # a bare agent the rules could not place
            self.mentions.append(m)
        self.history = history

    def side(self, tok) -> Side:
        span = _span(tok)
        return self.side_of(span.start_char, span.end_char, tok)

    def side_of(self, lo: int, hi: int, tok=None) -> Side:
        """The side named by characters lo:hi of the sentence (a phrase the tagger marked),
        widened to whole words (the tagger marks word pieces, and "LTTE" cut to "LT" is no name)
        and, when it stops inside its noun phrase, to the whole phrase (``_completed``)."""
        for _, a, b in self.tokens:
            if a < hi and b > lo:
                lo, hi = min(lo, a), max(hi, b)
        if tok is None:
            lo, hi = _completed(self.doc, lo, hi)
        text = self.text[lo:hi]
        if tok is None:
            inside = [t for t, a, b in self.tokens if a >= lo and b <= hi]
            if not inside:
                return Side(text, self.base + lo, self.base + hi)
            # the phrase's head: the word whose own head lies outside the phrase
            tok = _phrase_head(inside, lo, hi) or inside[-1]
        return self._actor(tok, lo, hi, text)

    def _mention_at(self, tok):
        return next((m for m in self.mentions if m.start <= tok.idx < m.end), None)

    def _title_of(self, head, lo: int, hi: int):
        """The dictionary actor of a person's title before the name, inside the phrase: "Saudi
        Foreign Minister Prince Saud al-Faisal" is Saudi Arabia's government, as the rules read
        "Saudi Foreign Minister" (a name the dictionaries do not know would leave the person
        unplaced). Only the words the name is built on (compounds, adjectives, owners), the
        nearest first: "the envoy of ..." or a clause about the person is no title."""
        if head.ent_type_ != "PERSON":
            return None
        stack = [c for c in head.children if c.i < head.i and c.dep_ in TITLE_DEPS]
        while stack:
            t = stack.pop()
            if lo <= t.idx < hi and (m := self._mention_at(t)) is not None:
                return m
            stack.extend(c for c in t.children if c.i < t.i and c.dep_ in TITLE_DEPS)
        return None

    def _actor(self, head, lo: int, hi: int, text: str) -> Side:
        """Who the phrase lo:hi names, read from its head word: a dictionary mention or named
        entity at the head; an organ or agent noun ("officials", "the government") owned by one
        ("Syrian officials", "Iraq's army", "the government of Iraq"); a third-person pronoun
        standing for the article's last actor. A name elsewhere in the phrase ("the collapse of
        regimes in Ukraine", "Europe's exhaustion") does not make the phrase that actor."""
        where = (self.base + lo, self.base + hi)
        m = self._mention_at(head) or self._title_of(head, lo, hi)
        if m is not None:
            return Side(text, *where, m.code, m.entity or m.code, True, True)
        if head.lemma_.lower() in wordlists.QUANTITY or head.pos_ == "NUM":
            # "thousands of Peruvian teachers": the group counted, as the rules read it
            counted = [p for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
            if counted:
                inner = self._actor(counted[0], lo, hi, text)
                if inner.named:
                    return inner
        if head.lemma_.lower() in OWNED_HEADS or head.lower_ in OWNED_HEADS:
            owners = [c for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod", "appos")]
            owners += [p for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
            for o in owners:
                m = next((self._mention_at(t) for t in o.subtree if self._mention_at(t) is not None), None)
                if m is not None:
                    return Side(text, *where, m.code, m.entity or m.code, True, True)
            if any(t.ent_type_ in NAMED for o in owners for t in o.subtree):
                return Side(text, *where, "", "", False, True)
        if (head.ent_type_ in NAMED or _acronym(head)) and not thing_name(head):
            return Side(text, *where, "", "", False, True)
        if head.lower_ in PRONOUNS and self.history and (head.lower_ != "it" or head.dep_.startswith("nsubj")):
            # an object "it" is mostly a thing or an expletive ("made it clear")
            prev = self.history[-1]
            match = getattr(prev, "match", prev)
            return Side(text, *where, match.code, match.entity or match.code, True, True)
        return Side(text, *where, "", "", False, False)

    def group_source(self, side: Side) -> Side:
        """A source no one places may be a group the agents dictionary knows ("teachers went on
        strike", "hackers launched attacks"): kept with the group's sector code and no country,
        as CAMEO codes an agent alone. Only a plural head or a singular organ (``@organs``: "the
        ministry declined to comment"): a group or an institution acts as one; "the president"
        or "his old boss" with no name is someone the sentence leaves unsaid."""
        if side.named or not self.bare:
            return side
        lo, hi = side.start - self.base, side.end - self.base
        inside = [t for t, a, _ in self.tokens if lo <= a < hi]
        head = _phrase_head(inside, lo, hi)
        if head is None:
            return side
        organ = head.lemma_.lower() in wordlists.ORGANS and not any(c.dep_ == "poss" for c in head.children)
        if head.tag_ not in ("NNS", "NNPS") and not organ:
            return side
        m = next((m for m in self.bare if m.start <= head.idx < m.end), None)
        if m is None:
            return side
        return Side(side.text, side.start, side.end, m.code, "", False, True, True)

    def nation_of(self, side: Side) -> Side | None:
        """The state a thing acted on belongs to, by the nation's adjective on it: "shelled
        Ukrainian positions", "tariffs on Chinese goods" (Ukraine, China), as CAMEO codes the
        target of an act on a state's things. Only a thing (a person or group is owned already,
        ``_actor``) and only a state."""
        lo, hi = side.start - self.base, side.end - self.base
        inside = [t for t, a, b in self.tokens if a >= lo and b <= hi]
        head = _phrase_head(inside, lo, hi)
        if head is None or head.pos_ != "NOUN" or head.lower_ in SOMEONE or head.lemma_.lower() in SOMEONE:
            return None
        for c in head.children:
            if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE"):
                m = self._mention_at(c)
                if m is not None and _national(m.entity) and m.code == m.entity:
                    return Side(side.text, side.start, side.end, m.code, m.entity, True, True)
        return None

    def nearest_other(self, src: Side) -> Side | None:
        """A named actor of the sentence other than the source: the target when the parse gives none."""
        for m in self.mentions:
            if m.end + self.base <= src.start or m.start + self.base >= src.end:
                return Side(self.text[m.start : m.end], self.base + m.start, self.base + m.end, m.code, m.entity or m.code, True, True)
        for e in self.doc.ents:
            if e.label_ in NAMED and not thing_name(e.root) and (e.end_char + self.base <= src.start or e.start_char + self.base >= src.end):
                return Side(e.text, self.base + e.start_char, self.base + e.end_char, "", "", False, True)
        return None


# ---- events --------------------------------------------------------------------------------
def _event(art, sent, version, trig, src: Side, tgt: Side, code, mod, conf, method) -> Event:
    ptype, pmode = codes.plover(code)
    return build_event(
        art, sent, trig, src, tgt, code, ptype, pmode, mod, conf, version, trig.text, sent.start + trig.idx, sent.start + trig.idx + len(trig), method
    )


@dataclass
class SentenceView:
    """What the steps see of one sentence."""

    doc: object
    sent: object
    article: object
    mentions: list
    history: list
    dic: object
    version: str
    probs: np.ndarray
    settings: Settings
    spans: dict | None = None  # the tagger's source/target: [start, end, score] in the sentence
    types: dict | None = None  # PLOVER type -> probability, when the type head is installed

    @cached_property
    def actors(self) -> ParseActors:
        """The sentence's sides as the parse reads them, built once for all the steps."""
        return ParseActors(self.doc, self.sent.start, self.mentions, self.history, self.settings.bare_agents)

    def class_code(self, cls: int) -> str:
        """The CAMEO code for class ``cls`` when no word gives one: the base code of the most
        probable PLOVER type of that class, else the class's generic code."""
        if self.types:
            fits = [(p, t) for t, p in self.types.items() if t in TYPE_CODE and class_of(TYPE_CODE[t]) == cls]
            if fits:
                return TYPE_CODE[max(fits)[1]]
        return GENERIC[cls]

    @property
    def cls(self) -> int:
        return int(self.probs.argmax())

    @property
    def pmax(self) -> float:
        return float(self.probs.max())


def agreeing_first(view: SentenceView, events: list[Event]) -> list[Event]:
    """The sentence's main event comes first: the rules' event whose class the classifier reads."""
    if not events or view.pmax == 0:
        return events
    agree = [e for e in events if e.modality in COUNTED and class_of(e.cameo) == view.cls]
    if not agree:
        return events
    return agree + [e for e in events if e not in agree]


def recode_disagreeing(view: SentenceView, events: list[Event]) -> list[Event]:
    """Rules' events all of another class, classifier sure: re-code the first in its class."""
    counted = [e for e in events if e.modality in COUNTED]
    if not counted or view.pmax < view.settings.recode_min:
        return events
    if any(class_of(e.cameo) == view.cls for e in counted):
        return events
    first = counted[0]
    trig = next((t for t in view.doc if view.sent.start + t.idx == first.trigger_start), None)
    code = _code_for(view.dic, trig, view.cls) if trig is not None and trig.pos_ == "VERB" else None
    code = code or view.class_code(view.cls)
    ptype, pmode = codes.plover(code)
    new = replace(first, cameo=code, quad_class=codes.quad_class(code), goldstein=codes.goldstein(code), plover=ptype, plover_mode=pmode)
    new.method = "recoded"
    new.id = hashlib.sha1(f"{first.id}|{code}".encode()).hexdigest()[:16]
    return [new] + [e for e in events if e is not first]


def model_event(view: SentenceView, events: list[Event]) -> list[Event]:
    """No event from the rules: the classifier's class on the parse's predicate and actors."""
    if view.pmax < view.settings.model_min:
        return events
    if events and not (view.settings.beside_uncounted and not any(e.modality in COUNTED for e in events)):
        return events
    # the tagger sees no one acting: commentary, not a report (unless a passive act's place
    # names the state that does it, checked once the predicate is chosen)
    unmarked = (view.spans or {}).get("source", [0, 0, 0.0])[2] < view.settings.min_source_score
    if unmarked and not view.settings.passive_place:
        return events
    if not _of_a_size(view.doc):
        return events
    cls = view.cls
    preds = _predicates(view.doc)
    if not preds:
        return events
    chosen, code, from_dictionary = None, None, True
    said = None  # "X said ..." (010): the statement, unless what is said is an act of its own
    refused = False  # the code is the refusal of the act the negated predicate withholds
    # the code is the event noun's a light verb carries ("launched an investigation"), or the
    # standing the predicate puts its subject in ("remained on alert")
    by_noun = False
    actors = view.actors
    for v in preds:
        c = _code_for(view.dic, v, cls) if v.pos_ == "VERB" else None
        if c is None and v.pos_ == "VERB":
            c = _intended_code(view.dic, v, cls)
        refusal = c is None and _refusal_code(view, v, cls)
        noun = None if c or refusal else _event_noun_code(v, cls)
        posture = _posture_code(v, cls)  # also when the dictionary gives the code: the standing is no target
        c = c or refusal or noun or _stance_code(v, cls) or posture or _claimed_deed(view, v, cls)
        if c and (_subject(v)[0] is not None or view.settings.passive_place and _passive(v) and _state_of_place(actors, view.dic, v, c)):
            if c == "010" and v.lemma_.lower() in SPEECH and said is None:
                said = (v, c)
                continue
            chosen, code, refused, by_noun = v, c, bool(refusal), bool(noun or posture)
            break
    if chosen is None and said is not None:
        chosen, code = said
    if chosen is None:
        root = preds[0]
        chosen = root
        if root.lemma_.lower() in SPEECH and cls != 0:
            inner = [c for c in root.children if c.dep_ in ("ccomp", "xcomp")]
            if inner:
                chosen = inner[0]
        code, from_dictionary = view.class_code(cls), False
    if not _passes_gate(view, chosen, cls):
        return events
    subj, passive_by = _subject(chosen)
    # the state a passive act with no "by" doer is done by, read once for both uses below
    placed = _state_of_place(actors, view.dic, chosen, code) if view.settings.passive_place and _passive(chosen) and not passive_by else None
    if unmarked and placed is None:
        return events
    tagged = view.spans or {}
    if view.settings.passive_agent and _passive(chosen):
        if not passive_by:
            if placed is None:
                return events
            src, subj = placed
        else:
            src = actors.side(subj)
    elif "source" in tagged:
        src = actors.side_of(tagged["source"][0], tagged["source"][1])
        if _own_subject_elsewhere(chosen, subj, passive_by, tagged["source"]):
            doer = actors.side(subj)
            if cls in (2, 4) or doer.named:
                src = doer
    elif subj is not None:
        src = actors.side(subj)
    else:
        return events
    src = actors.group_source(src)
    # the target is an object of the predicate itself ("X attacked Y", "sanctions on Y"); the
    # tagger's span gives its extent. A name in a clause the predicate reports ("said the
    # White House appears ...") is a topic, not a target.
    own = {t.i for o in _target_words(chosen) for t in o.subtree} - _place_words(chosen)
    tgt, marked = None, False
    if "target" in tagged:
        cand = actors.side_of(tagged["target"][0], tagged["target"][1])
        lo, hi = tagged["target"][0], tagged["target"][1]
        inside = [t for t in view.doc if lo <= t.idx < hi]
        if (
            (cand.start >= src.end or cand.end <= src.start)
            and any(lo <= view.doc[i].idx < hi for i in own)
            and not (len(inside) == 1 and _expletive(inside[0]))
        ):
            tgt, marked = cand, True
    if marked and not (tgt.named or tgt.resolved) and subj is not None:
        tgt, marked = _actor_over_thing(actors, chosen, subj, src, tgt)
    if tgt is None and subj is not None:
        tgt = _best_target(actors, chosen, subj, src)
    if tgt is None and not view.settings.local_targets:
        tgt = actors.nearest_other(src)
    if (
        view.settings.inner_targets
        and chosen.lemma_.lower() not in SPEECH  # a quote's topic is no target ("said ... in Guinea")
        and (tgt is None or not (marked or _named_or_someone(view, tgt)))
    ):
        tgt = _actor_in_the_act(actors, chosen, src) or tgt
    if tgt is not None and speaks_to_the_press(code, chosen.lemma_.lower(), tgt):
        tgt = None  # "told The Associated Press": speaking to the press is reporting
    if view.settings.protest_government and str(code).startswith("14") and (tgt is None or not (marked or tgt.named)):
        tgt = _own_government(src) or tgt
    one_sided = False
    if tgt is None and _alone(view, src) and not _passive(chosen) and _specific(chosen, code, from_dictionary):
        # "Karzai expressed deep concern", "X declined to comment": an act with no one acted on,
        # kept with an empty target as GDELT keeps a missing Actor2; it joins no dyad. Not a
        # bare "X said": that every quote would become an event
        tgt, one_sided = _nobody(src), True
    if tgt is None:
        return events
    if view.settings.nation_things and not tgt.named and not one_sided:
        tgt = actors.nation_of(tgt) or tgt
    if int(src.named) + int(tgt.named) < view.settings.need_named:
        return events  # "a topic", "the best", "rockets": no actor, no event
    if view.settings.source_named and not src.named:
        return events
    someone = _named_or_someone(view, tgt)
    if view.settings.target_someone and not from_dictionary and not (marked or someone):
        if not (view.pmax >= view.settings.one_sided_generic and _alone(view, src) and not _passive(chosen) and chosen.lemma_.lower() not in SPEECH):
            return events
        # "Germany made available ambulances": the class read, done by a named source to no
        # one named; what it is done to is a thing (off: the classifier's sureness is about the
        # class, not about there being an event, docs/coding.md "Coder 1.0.4")
        tgt, one_sided = _nobody(src), True
    if (refused or by_noun) and not someone and not one_sided:
        # "will not end the strike", "will not lift the ban": what is withheld is no target;
        # nor is what is investigated when it is no one ("launched an investigation into the
        # crash"), nor the standing itself ("remained on alert")
        if not _alone(view, src):
            return events
        tgt, one_sided = _nobody(src), True
    if view.settings.things_no_target and not someone and cls in (1, 2) and not one_sided:
        # "send a military force", "signed economic and trade agreements": in cooperation a
        # thing is what is given or agreed, not who receives it; the act is one-sided when its
        # source is known, else no event
        if not _alone(view, src):
            return events
        tgt, one_sided = _nobody(src), True
    # a statement is an event between named actors, one of them known, not about a topic
    if cls == 0 and not one_sided and (int(src.resolved) + int(tgt.resolved) < view.settings.statement_resolved or not (src.named and tgt.named)):
        if not (_alone(view, src) and not tgt.named and _specific(chosen, code, from_dictionary)):
            return events
        # "X rejected accusations that ...", "X claimed responsibility": the statement's object
        # is a topic, not an actor, so the statement is one-sided
        tgt, one_sided = _nobody(src), True
    if src.code and src.code == tgt.code:
        return events
    if src.group and not (one_sided or someone):  # every change of tgt above makes it one-sided
        return events  # "people have broken the law", "authorities took the weapons": a group no
        # one places needs someone it acts on, or an act of its own with no one acted on
    mod = modality(chosen, text_of(view.doc).rstrip().endswith("?"))
    if refused:
        mod = ASSERTED  # the refusal the dictionary's code of the withheld act gives
    elif (
        mod == NEGATED
        and cls == 3
        and not from_dictionary
        and chosen.tag_ != "VBG"
        and any(c.dep_ == "neg" for c in chosen.children)
        and _refusing(chosen)
    ):
        # "Bangladesh will not accept refugees", read as conflict: the refusal is the act,
        # and it is asserted (CAMEO 12, the refusal code of what is withheld); "was not
        # seeking territory" denies an aim and refuses nothing, "did not attack" or "have not
        # planned" deny a deed
        own = _lemma_roots(view.dic, chosen)
        code, mod = next((REFUSAL_CODE[r] for r in own if r in REFUSAL_CODE), "120"), ASSERTED
    trigger = chosen
    demand = _demanded(chosen) if cls == 3 else None
    if demand is not None:
        # "X said that the government must ensure security": X demands it of the government
        # (CAMEO 10), asserted, whatever the clause asks for
        speech, who = demand
        if who is not None:
            cand = actors.side(who)
            if _named_or_someone(view, cand) and (cand.start >= src.end or cand.end <= src.start):
                tgt = cand
        code, mod, trigger = "100", modality(speech, text_of(view.doc).rstrip().endswith("?")), speech
        if mod not in COUNTED:
            return events
    if events and trigger.lemma_.lower() in SPEECH:
        return events  # beside the rules' uncounted events, what is said is theirs, not an act
    # "UK and EU negotiators", "Russia and China": joint sources of a cooperative act act each
    # with the others, as the rules pair joint subjects (@reciprocal-roots), up to MAX_JOINT;
    # more are a gathering ("Bolivia, Ecuador, Russia and Mexico are preparing to attend"): no dyad
    sides = _joined(actors, src) if not tgt.named else []
    if len(sides) > MAX_JOINT:
        return events
    reciprocal = len(sides) >= 2 and codes.root(code) in wordlists.RECIPROCAL_ROOTS
    joint = [(a, b) for a in sides for b in sides if a is not b] if reciprocal else []
    if joint:
        # "UK and EU negotiators have agreed a trade deal": each acts with the other
        made = [_event(view.article, view.sent, view.version, trigger, a, b, code, mod, view.pmax, "model") for a, b in joint]
    else:
        made = [_event(view.article, view.sent, view.version, trigger, src, tgt, code, mod, view.pmax, "model")]
    new = purpose_as_act(view, intent_as_act(view, made))
    if events:
        # beside the rules' uncounted events only an asserted or claimed act of its own: the
        # parse may read the same hypothetical the rules read ("could eventually open talks")
        seen = {(e.trigger_start, e.cameo) for e in events}
        new = [e for e in new if e.modality in COUNTED and (e.trigger_start, e.cameo) not in seen]
    return new + events


# clauses below a predicate that are not its own act: what is reported or said (ccomp,
# parataxis), other acts (conj, advcl), background (relcl, acl), and its subject or agent
NOT_THE_ACT = {"nsubj", "nsubjpass", "csubj", "agent", "ccomp", "parataxis", "conj", "advcl", "relcl", "acl", "cc", "punct", "mark", "appos"}


# prepositions of a verb's own place and time: "said at a forum in San Francisco" is where it
# was said, not to whom (under a noun they may name the target: "a ceasefire in Hodeidah")
WHERE_WHEN = {"at", "in", "on", "during", "after", "before", "since", "until", "near", "inside", "outside", "across", "throughout"}
# prepositions, anywhere in the act, whose object is no one acted on: who says so ("according
# to officials"), who gave ("thanks to Islamic Relief"), who acts too ("fought alongside X",
# "along with X"), the circumstances ("despite X's request", "amid", "as part of X's programme")
ASIDE = {
    "according",
    "thanks",
    "due",
    "despite",
    "amid",
    "amidst",
    "like",
    "unlike",
    "following",
    "alongside",
    "along",
    "besides",
    "beside",
    "including",
    "except",
}


def _actor_in_the_act(actors: ParseActors, v, src: Side) -> Side | None:
    """The first named actor inside the act itself when its objects name no one: "lifted a ban
    on imports of British beef", "resigned as president of Indonesia", "launched an effort to
    resolve the rift between Qatar and ...". CAMEO's target is who the act bears on, and a
    name in the predicate's own phrase (objects, their prepositions, its "to" clause) is that;
    a name in a clause it reports, another act or a relative clause is not. Dictionary actors
    first, then named entities; the first after the predicate in word order."""
    words, stack = [], [c for c in v.children if c.dep_ not in NOT_THE_ACT]
    while stack:
        t = stack.pop()
        if t.dep_ == "prep" and (
            t.lower_ in ASIDE
            or (t.lower_ == "as" and any(c.lemma_ == "part" for c in t.children))
            or (t.lower_ in WHERE_WHEN and t.head.pos_ in ("VERB", "AUX"))
        ):
            continue
        words.append(t)
        stack.extend(c for c in t.children if c.dep_ not in NOT_THE_ACT)
    words.sort(key=lambda t: (t.i < v.i, t.i))

    def outside(lo, hi):
        return actors.base + hi <= src.start or actors.base + lo >= src.end

    for t in words:
        m = actors._mention_at(t)
        if m is not None and m.code and outside(m.start, m.end):
            return actors.side_of(m.start, m.end)
    for t in words:
        if t.ent_type_ in NAMED and t.ent_iob_ == "B":
            ent = next((e for e in t.doc.ents if e.start == t.i), None)
            if ent is not None and outside(ent.start_char, ent.end_char):
                return actors.side_of(ent.start_char, ent.end_char)
    return None


def _own_subject_elsewhere(v, subj, by_agent: bool, span) -> bool:
    """Does predicate ``v`` name its own doer apart from the source the tagger marked? "The
    Observatory said security forces had fired on protesters": the tagger marks the sentence's
    speaker, the act inside the report is the forces'. Only a subject of ``v`` itself that is
    a noun (a pronoun in a report is mostly the speaker: "X said it would ..."). The caller
    takes that subject when it is named, or when the act is material (a speaker may speak for
    "the government", not fire for "security forces")."""
    if subj is None or by_agent or subj.head.i != v.i or subj.pos_ not in ("NOUN", "PROPN"):
        return False
    lo, hi = span[0], span[1]
    return not any(lo <= t.idx < hi for t in subj.subtree)


def _same_event(a: Event, b: Event) -> bool:
    def key(e: Event) -> tuple:
        return (e.source, e.target, e.source_text, e.target_text, e.cameo, e.modality)

    return key(a) == key(b)


def _same_act(a: Event, b: Event) -> bool:
    """Two counted events of one word between the same actors: "agreed" coded by the rules
    (050, for "agreed to coordinate") and again as the intention the agreement states."""
    return a.modality in COUNTED and b.modality in COUNTED and (a.trigger_start, a.source, a.target) == (b.trigger_start, b.source, b.target)


def _joined(actors: ParseActors, src: Side) -> list[Side]:
    """The distinct dictionary actors a source phrase joins ("Russia and China", "UK and EU
    negotiators"), one side each; none when its names are not joined by "and", "&" or a comma:
    "Nicaragua's U.N. Ambassador" is one person, not Nicaragua and the UN."""
    inside = sorted(
        (m for m in actors.mentions if m.code and actors.base + m.start >= src.start and actors.base + m.end <= src.end), key=lambda m: m.start
    )
    for a, b in zip(inside, inside[1:]):
        gap = actors.text[a.end : b.start]
        if not ("," in gap or "&" in gap or " and " in f" {gap.lower()} "):
            return []
    sides, seen = [], set()
    for m in inside:
        key = m.entity or m.code
        if key not in seen:
            seen.add(key)
            sides.append(actors.side_of(m.start, m.end))
    return sides


def _demanded(v):
    """Is predicate ``v`` what a speaker says someone must do ("said that the government must
    ensure security", ``@demand-aux``)? Then (the verb of saying, the subject of the demand).
    Not a passive ("must be avoided"): who is asked is not said."""
    if v.dep_ != "ccomp" or v.head.lemma_.lower() not in SPEECH or _passive(v):
        return None
    if not any(c.dep_ == "aux" and c.lower_ in wordlists.DEMAND_AUX for c in v.children):
        return None
    return v.head, next((c for c in v.children if c.dep_ == "nsubj"), None)


def _alone(view: SentenceView, src: Side) -> bool:
    """May this source act with no one acted on? With ``one_sided``, when it is a known actor;
    with ``one_sided_named`` too, when it is a name the dictionaries lack ("Gov. Phil Murphy
    declined to comment"), kept unresolved as GDELT and ICEWS keep actor names."""
    return view.settings.one_sided and (src.resolved or view.settings.one_sided_named and src.named)


def _nobody(src: Side) -> Side:
    """The empty target of a one-sided act, placed where its source ends."""
    return Side("", src.end, src.end)


def _own_government(src: Side) -> Side | None:
    """The government a protest of a state's own people is aimed at when it names no one
    ("Protesters in Lima went on strike"), as ICEWS codes protests. Not for a government's own
    protest, nor for a source whose state is unknown. The target has no words in the text."""
    from barograph.events.actors import _iso3

    state = (src.entity or "")[:3]
    if len(src.entity or "") != 3 or state not in _iso3() or (src.code or "")[3:6] == "GOV" or src.code == state:
        return None
    return Side("", src.end, src.end, state + "GOV", state, True, True)


def _specific(v, code, from_dictionary: bool) -> bool:
    """May this predicate carry a one-sided act? Only with a dictionary code that says more
    than "made a statement" or "appealed" (010, 020), and not as a verb of saying: "X said
    ...", "X suggested that ..." with no one addressed is every quote in the news. A verb of
    saying whose words the dictionary reads as a specific statement of its own (01x: "claimed
    responsibility" 015, "declared a day of mourning" 018) is that statement."""
    if not from_dictionary or str(code) == "010":
        return False
    if str(code) == "020":
        # an appeal stated as one ("called for reform", "launched an appeal for $80 million"),
        # not a suggestion or a remark the dictionary reads as one
        return v.lemma_.lower() in wordlists.APPEALS or any(c.dep_ == "dobj" and c.lemma_.lower() in wordlists.APPEALS for c in v.children)
    return v.lemma_.lower() not in SPEECH or str(code)[:2] == "01"


# CAMEO roots of what only a state does to people in its territory: yield (08: "the curfew was
# eased in Amman", "were released in Tripoli"), reduce relations (16: "were expelled from
# North Korea"), coerce (17: "was arrested in Niger", "were deported from the US")
STATE_ROOTS = {"08", "16", "17"}


def _state_of_place(actors, dic, v, code):
    """The state a passive act with no "by" agent is done by, when only a state does such a
    thing and the act's own "in X" or "from X" names a country: "the journalist was arrested in
    Niger" is Niger's act, as ICEWS codes it (police of the country). Not for killings or
    attacks (18-20): who kills where is not known from the place."""
    own = _dictionary_code(dic, v) if v.pos_ == "VERB" else None
    if str(code)[:2] not in STATE_ROOTS and str(own)[:2] not in STATE_ROOTS:
        return None  # "arrested for spying" read as an accusation is still an arrest
    for c in v.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "from"):
            for p in c.children:
                if p.dep_ == "pobj":
                    side = actors.side(p)
                    if side.resolved and _national(side.entity) and side.code == side.entity:
                        return side, p
    return None


def _passive(v) -> bool:
    """Is predicate ``v`` in the passive voice ("was endorsed", "is purchased by")?"""
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children)


def _is_someone(doc, lo: int, hi: int) -> bool:
    """Does the phrase at characters lo:hi of the sentence name people, a group or an organ?
    Read from its head word (the word whose own head lies outside the phrase)."""
    inside = [t for t in doc if t.idx >= lo and t.idx + len(t) <= hi]
    if not inside:
        return False
    head = _phrase_head(inside, lo, hi) or inside[-1]
    return head.lower_ in SOMEONE or head.lemma_.lower() in SOMEONE


def _named_or_someone(view: SentenceView, side: Side) -> bool:
    """Does a side name an actor, or people, a group or an organ (``_is_someone``)?"""
    return side.named or _is_someone(view.doc, side.start - view.sent.start, side.end - view.sent.start)


def _token_at(view: SentenceView, offset: int):
    return next((t for t in view.doc if view.sent.start + t.idx == offset), None)


def _governors(tok, limit=4):
    """The trigger's auxiliaries and the chain of words that govern it (xcomp/ccomp/conj)."""
    out = [c for c in tok.children if c.dep_ == "aux"]
    t = tok
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("dobj", "attr", "oprd") and tok.head != tok:
        # an event noun is intended through the verb that carries it: "will hold talks",
        # "will make a visit", "plans to launch an offensive"
        t = tok.head
        out.append(t)
        out += [c for c in t.children if c.dep_ == "aux"]
    for _ in range(limit):
        if t.dep_ not in ("xcomp", "ccomp", "conj", "advcl") or t.head == t:
            break
        t = t.head
        out.append(t)
        out += [c for c in t.children if c.dep_ == "aux"]
    return out


def _doubted(doc, reported=None) -> bool:
    """Does a word of doubt stand anywhere in the sentence? Not a name ("Theresa May") nor the
    "would" of reported speech."""
    return any(_doubt_word(t, reported) for t in doc)


def _doubt_word(w, reported=None) -> bool:
    """Is ``w`` a word of doubt? Not a name ("Theresa May") nor ``reported``, the "would" of
    reported speech."""
    return w.lower_ in DOUBT and w.pos_ != "PROPN" and (reported is None or w.i != reported.i)


def _doubted_near(trig, reported=None) -> bool:
    """Does a word of doubt bear on this trigger: a condition anywhere in the sentence ("if",
    "unless", "whether"), or an auxiliary, marker, adverb or adjective ("may", "perhaps", "is
    unlikely to") on it or on a word that governs it, up to the sentence's root? A "would" in
    a clause of its own ("a deal that would provide ...", "because they would not feel at
    home") says nothing of the intention reported in the main clause."""
    if any(t.lower_ in CONDITION for t in trig.doc):
        return True  # a condition anywhere: the parse of what it governs is too unsure to trust
    t = trig
    for _ in range(12):
        words = [t] + [c for c in t.children if c.dep_ in ("aux", "auxpass", "mark", "advmod", "acomp")]
        if any(_doubt_word(w, reported) for w in words):
            return True
        if t.head == t or t.dep_ in ("relcl", "appos", "parataxis"):
            return False
        t = t.head
    return False


def _reported_would(trig, govs):
    """The "would" of reported speech, if that is what makes this event hypothetical: "X said
    it would release the hostages" reports "we will release", an intention, not a condition.
    Only in the clause a speech verb reports, and only without "if"/"unless" (the caller
    still rejects any other word of doubt in the sentence)."""
    would = next((g for g in govs if g.dep_ == "aux" and g.lower_ == "would"), None)
    if would is None:
        return None
    clause = would.head
    if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in SPEECH and clause.head.tag_ in ("VBD", "VBN"):
        return would
    return None


def _left_open(govs, backshift) -> bool:
    """Is a refusal only possible ("could not accept", "might refuse to")? A refusal with a
    condition is still stated: "will not release the soldiers unless Israel releases ...",
    "will not accept refugees even if ..." refuse now and name the price, as CAMEO codes them
    (12); only an open auxiliary on the refusal itself, other than the "would" of reported
    speech (``backshift``: "said it would not lift"), leaves it unstated."""
    return any(g.dep_ == "aux" and g.lower_ in OPEN_AUX and g is not backshift for g in govs)


# auxiliaries of a negation that withholds an act now or from now on ("will not accept",
# "cannot accept", "does not accept"), unlike the denial of a deed ("did not", "has not")
REFUSING_AUX = FUTURE | {"would", "can", "ca", "do", "does"}


def _refusing(v) -> bool:
    """Does this negated verb refuse rather than deny? "will not", "cannot", "does not"
    refuse; "did not" or "has not" refuse only consent (``@consent``: "did not accept the
    refugees", a rejection, CAMEO 12), and otherwise deny a deed ("did not attack", "have not
    planned", "has not received a single migrant")."""
    aux = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    if aux and all(a.lower_ in REFUSING_AUX for a in aux):
        return True
    return v.lemma_.lower() in wordlists.CONSENT


def _conditional(toks) -> bool:
    """Is any of these words the head of an "if/unless" clause's consequence?"""
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children) for t in toks for c in t.children)


def intent_as_act(view: SentenceView, events: list[Event]) -> list[Event]:
    """A stated intention or refusal is itself an act, as CAMEO codes it: before each intended
    or refused event comes the asserted 03/13/12 event of its speaker."""
    out = []
    dropped: set[int] = set()
    for e in events:
        new = None
        root = str(e.cameo)[:2]
        if e.modality in (INTENDED, NEGATED, HYPOTHETICAL) and (root in INTENT_CODE or root in REFUSAL_CODE or root in KEEP_OWN_CODE):
            trig = _token_at(view, e.trigger_start)
            govs = _governors(trig) if trig is not None else []
            lemmas = {g.lemma_.lower() for g in govs} | {g.lower_ for g in govs}
            negated_here = trig is not None and any(c.dep_ == "neg" for c in trig.children)
            backshift = _reported_would(trig, govs) if e.modality in (HYPOTHETICAL, NEGATED) and trig is not None else None
            if backshift is not None:
                lemmas.add("will")
            future = bool(lemmas & FUTURE)
            code = None
            refusal = e.modality == NEGATED and (
                lemmas & REFUSE and not negated_here or negated_here and future or bool(lemmas & FAIL) and not negated_here and root in FAILED_ROOTS
            )
            if e.modality == HYPOTHETICAL and trig is not None and lemmas & CONSIDER and trig.tag_ == "VBG":
                code = "014"  # "is considering sending aid to X": the weighing is asserted
            elif refusal:
                code = REFUSAL_CODE.get(root)  # "refused to lift", "will not lift", "failed to agree"
                if code is None and view.pmax > 0 and view.cls == 3 and not (lemmas & FAIL):
                    # "refuses to remove the ban": whatever the dictionary makes of the refused
                    # act ("remove" as expel), read as verbal conflict the refusal is a rejection
                    code = "120"
            elif (e.modality == INTENDED or backshift is not None) and lemmas & INTEND or (e.modality == HYPOTHETICAL and lemmas & WILLING):
                code = e.cameo if root in KEEP_OWN_CODE or lemmas & DECIDE else INTENT_CODE.get(root)
            if code and refusal and _left_open(govs, backshift):
                code = None  # "could not accept", "might refuse to": no refusal stated
            elif code and not refusal and (_conditional([trig] + govs) or _doubted_near(trig, backshift)):
                code = None  # "if they meet, X will try to ...": a condition, not a statement of intent
            if code:
                gov = next((g for g in govs if g.lemma_.lower() in REFUSE | FAIL | INTEND | WILLING | CONSIDER and g.dep_ != "aux"), None)
                if backshift is not None and gov is None:
                    gov = backshift.head.head  # the speech verb: "X said it would release ..."
                ptype, pmode = codes.plover(code)
                said = modality(gov, text_of(view.doc).rstrip().endswith("?")) if gov is not None else ASSERTED
                if refusal and said == INTENDED:
                    said = ASSERTED  # "will refuse to comply" states the refusal now, as "will not comply" does
                if said not in COUNTED:
                    out.append(e)
                    continue  # the intention itself is hypothetical, denied or asked about
                new = replace(
                    e, cameo=code, quad_class=codes.quad_class(code), goldstein=codes.goldstein(code), plover=ptype, plover_mode=pmode, modality=said
                )
                if gov is not None and backshift is None:
                    new.trigger = gov.text
                    new.trigger_start = view.sent.start + gov.idx
                    new.trigger_end = new.trigger_start + len(gov)
                new.id = hashlib.sha1(f"{e.id}|{code}".encode()).hexdigest()[:16]
                new.method = "intent"
        if new is not None:
            others = [x for x in events + out if x is not e]
            if not any(_same_event(x, new) for x in others):  # "are preparing to attend": coded already
                out.append(new)
                # "agreed to open its borders": the rules' code for the agreeing word itself
                # (AGREE's default, 050) gives way to the intention it states (035)
                dropped.update(id(x) for x in others if _same_act(x, new))
            if new.cameo == e.cameo:
                continue  # already an intent code (03, 13): the statement replaces it
        out.append(e)
    return [x for x in out if id(x) not in dropped]


# verbs whose "to V" is an attempt or a wish, not the means to an end: "tried to arrest X"
ATTEMPT = {"try", "attempt", "seek", "want", "hope", "wish", "need", "struggle", "fail", "hesitate", "refuse", "ask", "urge", "call"}
# roots of acts a deed can be the first step of: "sent a team to investigate", "donated
# ventilators to assist X", "launched operations to detain 110": investigations, aid,
# protests, coercion, force
PURPOSE_ROOTS = {"06", "07", "09", "14", "15", "17", "18", "19", "20"}


def purpose_as_act(view: SentenceView, events: list[Event]) -> list[Event]:
    """A deed done to V, when the deed itself is no event, is V done: "The US donated
    ventilators to assist Ethiopia" is aid to Ethiopia, "launched operations to detain 110
    people" arrests, as CAMEO coders read such sentences. Only when the sentence has no counted
    event, the purpose infinitive is governed by an asserted verb that is no attempt, wish or
    intention ("tried to arrest", "plans to send" stay what they are), and the act is of a
    material kind or an investigation (``PURPOSE_ROOTS``)."""
    if not view.settings.purpose_acts or any(e.modality in COUNTED for e in events):
        return events
    out = []
    for e in events:
        trig = _token_at(view, e.trigger_start) if e.modality == INTENDED else None
        said = _purpose_of_a_deed(trig, view) if trig is not None and str(e.cameo)[:2] in PURPOSE_ROOTS else None
        if said is not None:
            e = replace(e, modality=said, method="purpose")
            e.id = hashlib.sha1(f"{e.id}|purpose".encode()).hexdigest()[:16]
        out.append(e)
    return out


def _purpose_of_a_deed(trig, view) -> str | None:
    """The modality of the deed whose purpose ``trig`` is, when the purpose counts as done:
    asserted, or claimed when the deed is reported ("the office said police launched
    operations to detain ..."); None when it does not count."""
    if not (trig.dep_ in ("advcl", "acl", "xcomp") and trig.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children)):
        return None
    gov = trig.head
    while gov.pos_ not in ("VERB", "AUX") and gov.head != gov and gov.dep_ not in ("ROOT",):
        gov = gov.head  # "launched operations to detain": the noun's verb
    if gov.pos_ not in ("VERB", "AUX") or gov.lemma_.lower() in ATTEMPT | INTEND | WILLING | CONSIDER | REFUSE:
        return None
    if trig.dep_ == "xcomp" and gov.lemma_.lower() not in ("help", "move"):
        return None  # "X agreed to send", "X decided to deploy": an intention, handled above
    said = modality(gov, text_of(view.doc).rstrip().endswith("?"))
    return said if said in COUNTED and not _doubted(view.doc) else None


def calibrate(view: SentenceView, events: list[Event]) -> list[Event]:
    """Confidence that means a precision: the classifier's probability of the event's class,
    read through the table measured for events made the same way (method) (``make model``)."""
    table = view.settings.calibration
    if not table or view.pmax == 0:
        return events
    for e in events:
        c = class_of(e.cameo)
        curve = table.get(e.method) or table.get("all")
        if c is None or not curve:
            continue
        e.confidence = round(float(np.interp(float(view.probs[c]), curve[0], curve[1])), 3)
    return events


def without_rules(view: SentenceView, events: list[Event]) -> list[Event]:
    """Ablation only (``use_rules=False``): forget what the rules found."""
    return events if view.settings.use_rules else []


def is_lead(sent, settings: Settings) -> bool:
    """Is this the sentence ``lead_event`` may code: a story's first sentence, when it is on?"""
    return settings.lead_min <= 1 and sent.index == 0


def lead_event(view: SentenceView, events: list[Event]) -> list[Event]:
    """A news story's first sentence reports its main event (the inverted pyramid: ICEWS and
    the Phoenix pipeline code only a story's first sentences for this reason). When neither the
    rules nor ``model_event`` coded the lead, yet the classifier reads its class surely
    (``lead_min``) and the tagger marks who acts, the event is the tagger's source acting
    through the predicate whose subject it heads, on the target the tagger marks when that is
    someone, else on no one (as GDELT keeps a missing Actor2). The predicate must carry the
    class read among its dictionary codes ("visited" may be a meeting, never an attack), and the
    event takes the dictionary's code of that class in the predicate's frame; with none, the
    class's code, and only when someone is acted on (one-sided with a guessed code, half were
    wrong on dev: "launched a mediation effort" as 110). "X said ..." read as conflict is the
    conflict X reports, not X's act. Not a passive predicate ("26 people were killed": the
    tagger may mark the victims), nor one ``model_event``'s gate refuses (``_passes_gate``: a
    bare present is analysis), nor an act the predicate does not assert."""
    if events or not is_lead(view.sent, view.settings) or view.pmax < view.settings.lead_min:
        return events
    tagged = view.spans or {}
    if tagged.get("source", [0, 0, 0.0])[2] < view.settings.min_source_score:
        return events
    if not _of_a_size(view.doc):
        return events
    lo, hi = tagged["source"][0], tagged["source"][1]
    cls = view.cls
    chosen = next((v for v in _predicates(view.doc) if _heads_the_subject(v, lo, hi)), None)
    if chosen is None or _passive(chosen) or not _passes_gate(view, chosen, cls):
        return events  # the parse event's gate: no be/have, sourcing, question or bare present
    lemma = chosen.lemma_.lower()
    if chosen.pos_ != "VERB" or (lemma in SPEECH and cls != 0) or cls not in _lemma_classes(view.dic, chosen):
        return events
    mod = modality(chosen, text_of(view.doc).rstrip().endswith("?"))
    if mod not in COUNTED:
        return events
    actors = view.actors
    src = actors.group_source(actors.side_of(lo, hi))
    if not (src.group or _named_or_someone(view, src)):
        return events
    if len(_joined(actors, src)) > MAX_JOINT:
        return events  # a gathering ("the governments of Bolivia, Ecuador, Russia, ... are to attend")
    tgt = None
    if "target" in tagged:
        cand = actors.side_of(tagged["target"][0], tagged["target"][1])
        apart = cand.start >= src.end or cand.end <= src.start
        places = _place_words(chosen)
        where = bool(places) and all(t.i in places for t in view.doc if cand.start <= view.sent.start + t.idx < cand.end)
        if apart and not where and _named_or_someone(view, cand):
            tgt = cand  # not where it happened: "said in Dubai" names no one spoken to
    own = _code_for(view.dic, chosen, cls)
    code = own or view.class_code(cls)
    if tgt is not None and speaks_to_the_press(code, lemma, tgt):
        tgt = None  # "spoke to Reuters": reporting, as in model_event
    if tgt is None or (src.code and src.code == tgt.code):
        tgt = _nobody(src)
    if own is None and not tgt.text:
        return events  # no code of its own and no one acted on: "broke ground" read as coercion
    return [_event(view.article, view.sent, view.version, chosen, src, tgt, code, mod, view.pmax, "lead")]


def _heads_the_subject(v, lo: int, hi: int) -> bool:
    """Is the head word of ``v``'s subject inside characters lo:hi (the tagger's source)? The
    span must name the doer itself, not sit inside its subject ("the community's attempt has
    come to an end" is no act of the community)."""
    subj, _ = _subject(v)
    return subj is not None and lo <= subj.idx < hi


# ---- recipients: whom the act reaches, read again once the events are made ------------------
# The rules and ``model_event`` choose a target from the parse one predicate at a time; the
# kinds of target they read wrong on dev (out of fold) are read again here, on every event of
# the sentence, as named steps: the recipient of a gift, the host country of a mission, the
# place aid goes to, an object pronoun's antecedent, whom a claimed deed hit, an actor's own
# forces. Each changes only the target, and only towards someone the sentence names.


def _target_words_of(view: SentenceView, e: Event) -> list:
    """The words of the sentence an event's target text stands at (its occurrence nearest the
    trigger): events keep the target's text, not its offsets."""
    if not e.target_text:
        return []
    hits = [m.start() for m in re.finditer(re.escape(e.target_text), text_of(view.doc))]
    if not hits:
        return []
    lo = min(hits, key=lambda h: abs(h - (e.trigger_start - view.sent.start)))
    hi = lo + len(e.target_text)
    return [t for t in view.doc if lo <= t.idx < hi]


def _retargeted(e: Event, side: Side) -> Event:
    """The event with another target; its id says which."""
    new = replace(e, target=side.code, target_entity=side.entity, target_text=side.text, target_resolved=side.resolved)
    new.id = hashlib.sha1(f"{e.id}|{side.code or side.text}".encode()).hexdigest()[:16]
    return new


def _not_the_source(e: Event, side: Side) -> bool:
    """Is the side someone other than the event's source (not its words, nor its code)?"""
    return side.text not in e.source_text and not (side.code and side.code == e.source)


def _handed(v) -> set[int]:
    """Positions of what a verb of giving hands over: its object, or its passive subject."""
    return {t.i for c in v.children if c.dep_ in ("dobj", "nsubjpass") for t in c.subtree}


def _recipients(v) -> list:
    """The "to X" of a verb of giving, on the verb or on what it hands over, in word order."""
    heads = [v, *(c for c in v.children if c.dep_ in ("dobj", "nsubjpass"))]
    return sorted(
        (p for h in heads for c in h.children if c.dep_ in ("prep", "dative") and c.lower_ == "to" for p in c.children if p.dep_ == "pobj"),
        key=lambda t: t.i,
    )


def _giving(trig, code):
    """The verb of giving an event's trigger is, or, for a cooperative code, states the will to
    ("is ready to contribute troops": the intention's trigger is "ready"; a threat read on
    "agreed to provide assistance to X fighting Y" is no gift to X)."""
    if trig is None:
        return None
    if trig.lemma_.lower() in wordlists.GIFT_VERBS and trig.pos_ == "VERB":
        return trig
    if class_of(code) not in (1, 2):
        return None
    return next((c for c in trig.children if c.dep_ == "xcomp" and c.lemma_.lower() in wordlists.GIFT_VERBS), None)


def recipient_of_a_gift(view: SentenceView, events: list[Event]) -> list[Event]:
    """A verb of giving (``@gift-verbs``) with "to X", X someone the sentence names: X is the
    target, not what is given nor a word that describes it: "returned three Peruvian statues to
    the government of Peru" (not "Peruvian"), "returned a Flemish painting to its owners", "were
    returned by Canadian officials to the Peruvian authorities" (not a name inside what was
    returned). A target that is someone outside what is given gives way only to a recipient a
    dictionary knows ("offered condolences to X over the death of Y"): "sent troops to the
    border to protect Kurds" keeps the Kurds."""
    out = []
    for e in events:
        trig = _giving(_token_at(view, e.trigger_start), e.cameo)
        if trig is None:
            out.append(e)
            continue
        words = _target_words_of(view, e)
        handed = _handed(trig)
        given = not words or all(t.i in handed for t in words)  # no target, or a word of what is given
        for p in _recipients(trig):
            cand = view.actors.side(p)
            if not (_named_or_someone(view, cand) and _not_the_source(e, cand)) or cand.text == e.target_text:
                continue
            if given or (cand.resolved and not e.target_resolved) or (cand.resolved and cand.code != e.target):
                # someone named outside what is given gives way only to a recipient the
                # dictionaries know: "expressed condolences to X over the death of Y"
                e = _retargeted(e, cand)
            break
        out.append(e)
    return out


def _mission_of(words):
    """The mission or force a target's words name or belong to ("the UN" in "the UN peacekeeping
    mission in Lebanon"), up to three words up the parse; None when they belong to none."""
    inside = {t.i for t in words}
    tops = [t for t in words if t.head.i not in inside or t.head == t]
    t = next((t for t in reversed(tops) if t.pos_ in ("NOUN", "PROPN")), tops[-1] if tops else None)
    for _ in range(3):
        if t is None:
            return None
        if t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() in wordlists.MISSIONS:
            return t
        if t.dep_ in ("compound", "amod", "nmod", "poss", "npadvmod"):
            t = t.head
        elif t.dep_ == "pobj" and t.head.lower_ == "of":
            t = t.head.head
        else:
            return None
    return None


def host_of_a_mission(view: SentenceView, events: list[Event]) -> list[Event]:
    """Cooperation given to a mission or force set in a country ("deploying troops to the UN
    peacekeeping mission in Lebanon", "ready to send police to the EU-led mission in Kosovo")
    reaches the host country, as ICEWS codes such deployments: the target is the country its
    "in X" names, when a dictionary knows it. Only for cooperation: "attacked NATO forces in
    Afghanistan" is an attack on NATO."""
    out = []
    for e in events:
        mission = _mission_of(_target_words_of(view, e)) if class_of(e.cameo) in (1, 2) else None
        if mission is not None:
            # the "in X" of the mission, or of the phrase it is a word of ("the UN mission's
            # deployment plan in Ukraine")
            phrase = [mission]
            while phrase[-1].dep_ in ("compound", "nmod") and len(phrase) < 4:
                phrase.append(phrase[-1].head)
            for c in (c for w in phrase for c in w.children):
                if c.dep_ == "prep" and c.lower_ == "in":
                    host = next((view.actors.side(p) for p in c.children if p.dep_ == "pobj"), None)
                    if host is not None and host.resolved and _not_the_source(e, host):
                        e = _retargeted(e, host)
                        break
        out.append(e)
    return out


def _in_the_act(v) -> list:
    """The words of predicate ``v``'s act in word order, less its subject and asides
    ("according to", "in cooperation with" reads as no place of the act's own)."""
    subject = {t.i for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "csubj", "agent") for t in c.subtree}
    aside = {t.i for t in v.subtree if t.dep_ == "prep" and t.lower_ in ASIDE for t in t.subtree}
    return [t for t in v.subtree if t.i not in subject and t.i not in aside and t.i != v.i]


def aid_to_the_place(view: SentenceView, events: list[Event]) -> list[Event]:
    """Aid (CAMEO 07) coded with no one receiving it goes to whom its purpose clause helps
    ("provided emergency aid to help victims of the floods") or else to the place the act names
    with "in X" when a dictionary knows X ("gave 20 million dollars to promote rural development in
    Kenya", "provided 30 million dollars to end the famine in Somalia"): CAMEO's target of aid
    is its recipient, and money for a country's development is the country's."""
    out = []
    for e in events:
        trig = _token_at(view, e.trigger_start) if str(e.cameo).startswith("07") and not e.target_text else None
        if trig is not None:
            words = _in_the_act(trig)
            helped = [o for t in words if t.pos_ == "VERB" and t.lemma_.lower() in wordlists.HELP_VERBS for o in t.children if o.dep_ == "dobj"]
            places = [p for t in words if t.dep_ == "prep" and t.lower_ == "in" for p in t.children if p.dep_ == "pobj"]
            helped_sides = [s for s in (view.actors.side(o) for o in helped) if _named_or_someone(view, s)]
            place_sides = [s for s in (view.actors.side(p) for p in places) if s.resolved]
            side = next((s for s in helped_sides + place_sides if _not_the_source(e, s)), None)
            if side is not None:
                e = _retargeted(e, side)
        out.append(e)
    return out


def _antecedent(pron, source_text: str):
    """The phrase earlier in the sentence an object pronoun stands for: "him" or "her" the
    nearest person named before it, "them" the nearest plural group of people (``SOMEONE``),
    passing over the event's own source (which would be "himself", "themselves"). None when
    the sentence names no such one before it."""
    word = pron.lower_
    for t in reversed(list(pron.doc[: pron.i])):
        if t.pos_ not in ("NOUN", "PROPN") or t.dep_ in ("compound", "amod", "poss"):
            continue  # the head of a phrase only: "President Luis Arce" at "Arce"
        if word in ("him", "her") and not (t.ent_type_ == "PERSON" or t.lemma_.lower() in wordlists.PERSON_AGENTS):
            continue
        if word == "them" and not (t.tag_ in ("NNS", "NNPS") and (t.lower_ in SOMEONE or t.lemma_.lower() in SOMEONE)):
            continue
        while t.dep_ == "appos" and t.head.i < t.i:
            t = t.head  # "Garcia, a retired general, ... arrest him": Garcia
        if t.text in source_text:
            continue  # the doer itself would be "himself", "themselves": not the one acted on
        return t
    return None


def pronoun_in_the_sentence(view: SentenceView, events: list[Event]) -> list[Event]:
    """An object pronoun whose antecedent the same sentence names is that antecedent, as a reader
    takes it: "summoned Bolivia's ambassador Luis Arce and urged him to explain" targets the
    ambassador, "sued the governor, accusing him of fraud" the governor, "seized forty
    villagers and used them as porters" the villagers. The resolver alone reads a pronoun as the
    article's last actor, which in such a sentence is often the source. Not "it": a thing or a
    clause as often as an actor."""
    out = []
    for e in events:
        words = _target_words_of(view, e)
        trig = _token_at(view, e.trigger_start) if not e.target_text else None
        if trig is not None:
            # a one-sided act whose own object is such a pronoun: "pardoned him" read with no
            # target, the pronoun being no one by itself
            words = [c for c in trig.children if c.dep_ == "dobj" and c.lower_ in ("him", "her", "them")][:1]
        if len(words) == 1 and words[0].lower_ in ("him", "her", "them"):
            ante = _antecedent(words[0], e.source_text)
            if ante is not None:
                side = view.actors.side(ante)
                if _named_or_someone(view, side) and _not_the_source(e, side):
                    e = _retargeted(e, side)
        out.append(e)
    return out


def _source_side(view: SentenceView, e: Event) -> Side:
    """The event's source as a side, placed at its words in the sentence (nowhere when absent)."""
    at = text_of(view.doc).find(e.source_text) if e.source_text else -1
    lo = view.sent.start + max(at, 0)
    return Side(e.source_text, lo, lo + (len(e.source_text) if at >= 0 else 0), e.source, e.source_entity, e.source_resolved, True)


def whom_a_claimed_deed_hit(view: SentenceView, events: list[Event]) -> list[Event]:
    """A claim of responsibility (015) with no target is aimed at whom the deed it claims was
    done to, as ICEWS codes claims: "the ADF claimed that they had attacked two FARDC camps"
    (the camps), "claimed responsibility for a bombing of the UN compound" (the UN). The first
    named actor inside the deed (``_actor_in_the_act``), past the claimant."""
    out = []
    for e in events:
        trig = _token_at(view, e.trigger_start) if str(e.cameo) == "015" and not e.target_text else None
        if trig is not None:
            src = _source_side(view, e)
            deeds = [c for c in trig.children if c.dep_ == "ccomp" and c.pos_ == "VERB"] or [trig]
            inner = [x for x in (_actor_in_the_act(view.actors, d, src) for d in deeds) if x is not None]
            # a dictionary actor inside the deed; else the deed's object when a name is in it,
            # one no tagger marks among them ("attacked two FARDC camps near Beni": the camps,
            # not the place); else any name inside the deed
            objs = [o for d in deeds if d is not trig for o in d.children if o.dep_ == "dobj"]
            named_obj = [view.actors.side(o) for o in objs if any(t.ent_type_ in NAMED or _acronym(t) for t in o.subtree)]
            side = next(iter([x for x in inner if x.resolved] + named_obj + inner), None)
            if side is not None and _not_the_source(e, side):
                e = _retargeted(e, side)
        out.append(e)
    return out


OWN = {"its", "their", "his", "her", "our"}


def _owned_by_its_source(words, head) -> bool:
    """ "its troops", "their army": an agent noun the source owns by a possessive pronoun."""
    return words[0].lower_ in OWN and words[0].dep_ == "poss" and head.lemma_.lower() in wordlists.AGENT_NOUNS | {"force", "troop"}


def _bare_forces(e: Event, head) -> bool:
    """Forces shown (CAMEO 15) that no word says are another's: no adjective, name, owner or "of"
    on them ("the troops", "police", "more than 6,000 officers")."""
    owned = any(c.dep_ in ("amod", "compound", "poss", "nmod") or (c.dep_ == "prep" and c.lower_ == "of") for c in head.children)
    return str(e.cameo).startswith("15") and head.lemma_.lower() in wordlists.FORCES and not owned


def own_forces_no_target(view: SentenceView, events: list[Event]) -> list[Event]:
    """An actor's own forces are no one it acts on: "Turkey has reinforced its troops in
    Syria" bears on Syria, "is withdrawing its troops from Mali" on Mali; the target
    is the place the act names ("in", "into", "from", "to" X) when a dictionary knows it, else
    no one (a one-sided act, as GDELT keeps a missing Actor2). For a target whose words are
    the source's by a possessive pronoun and whose head is an agent noun ("its troops", "their
    army"), not "its neighbours"; and for a show of force (CAMEO 15) whose target is forces no
    word says are anyone else's (``@forces``: "mobilized police and the military to the area",
    not "deployed troops against Ukrainian forces")."""
    out = []
    for e in events:
        words = _target_words_of(view, e)
        inside = {w.i for w in words}
        heads = [t for t in words if t.head.i not in inside]
        own_forces = len(heads) == 1 and (_owned_by_its_source(words, heads[0]) or _bare_forces(e, heads[0]))
        trig = _token_at(view, e.trigger_start) if own_forces else None
        if trig is not None:
            own = (trig.i, heads[0].i)  # the act's own place or the forces', not another clause's
            places = [
                p
                for t in view.doc
                if t.head.i in own and t.dep_ == "prep" and t.lower_ in ("in", "into", "from", "to")
                for p in t.children
                if p.dep_ == "pobj"
            ]
            side = next((x for x in (view.actors.side(p) for p in places) if x.resolved and _not_the_source(e, x)), None)
            e = _retargeted(e, side or _nobody(Side(e.source_text, 0, 0)))
            if any(_same_event(x, e) and x.trigger_start == e.trigger_start for x in out):
                continue  # "mobilized police and the military": one act, now with no one acted on
        out.append(e)
    return out


STEPS = (
    without_rules,
    intent_as_act,
    purpose_as_act,
    agreeing_first,
    recode_disagreeing,
    model_event,
    lead_event,
    recipient_of_a_gift,
    host_of_a_mission,
    aid_to_the_place,
    pronoun_in_the_sentence,
    whom_a_claimed_deed_hit,
    own_forces_no_target,
    calibrate,
)


def combine(view: SentenceView, events: list[Event]) -> list[Event]:
    """Apply the steps in order."""
    for step in STEPS:
        events = step(view, events)
    return events
