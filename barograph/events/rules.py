"""The extractor's decisions as named rules, run in the order listed at the end of this module.

``extract.SentenceCoder`` knows the parse: who a token names (``actor``), a verb's subjects,
its frame. Everything it *decides* about an event is here, one small function per rule with a
docstring saying why, so a rule can be read, tested (tests/test_events_rules.py) and reordered
on its own. There are five lists, each run in order by the extractor:

* ``VERB_RULES`` turn a verb into events: they read and update a ``VerbFrame`` (code, subject
  and object tokens, then resolved actors) and may end it: a rule returns ``None`` to go on,
  or the events to finish with (``NO_EVENT`` for none).
* ``OBJECT_RULES`` then ``FALLBACK_TARGET_RULES`` (these only when no object names an actor)
  collect a verb's target tokens in a ``Candidates``.
* ``NOUN_RULES`` do the same for an event noun ("Turkey's attack on X") in a ``NounFrame``.
* ``PAIR_RULES`` check and re-code each source-target pair before it becomes an ``Event``;
  returning ``NO_EVENT`` drops the pair.

Word lists come from data/barograph/word-lists.txt (``wordlists``). The module's source is
part of the coder version (``extract.digest``), so changing a rule marks events stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from barograph.events import codes, verbs
from barograph.events.actors import is_capital
from barograph.events.modality import INTENDED, asks_a_question, modality
from barograph.events.wordlists import (
    BACKGROUND_ROOTS,
    CAPTIVES,
    CLAUSE_TARGET_VERBS,
    DISMISS,
    PERSON_AGENTS,
    event_nouns,
    ACCUSE,
    ATTRIBUTION,
    ACT_GOVERNORS,
    AID_OBJECTS,
    ASPECT_GOVERNORS,
    CEASE,
    CIVILIAN_SECTORS,
    DECLARE,
    DEMAND_AUX,
    FOR_ROOTS,
    FROM_ROOTS,
    IN_TARGET_ROOTS,
    LABEL_VERBS,
    LIGHT,
    MATERIAL_GIVE,
    MOVEMENT,
    MUTUAL_VERBS,
    NEUTRAL_REPORT,
    NOUN_TARGET_PREPS,
    PROTEST_CROWDS,
    RECIPROCAL_ROOTS,
    RIOT_EXCLUDED,
    SPEECH,
    TARGET_PREPS,
    TO_THE_PRESS,
    TRANSFER,
    WITH_IS_ALONGSIDE,
    YIELD_FROM,
)

MAX_JOINT = 3  # joint subjects beyond this many are a gathering, not pairs (joint_subjects_act_on_each_other)
NO_EVENT: tuple = ()  # a rule's answer "this verb, noun or pair gives no event"
ANCHORED = "anchored"  # the kind of a bare agent placed by extract.anchor_agents
UNRESOLVED = "unresolved"  # the kind of a named entity no dictionary knows (code "")


# ---- frames: what the rules of one trigger know so far ---------------------------------------
@dataclass
class VerbFrame:
    """One verb on its way to events; verb rules read and update it in order."""

    v: object  # the spaCy token
    lemma: str
    objs: list  # its direct objects
    words: set = field(default_factory=set)  # its frame, for the dictionary's patterns
    code: str | None = None
    reverse: bool = False  # the code belongs to the reversed event
    matched: int = 0  # pattern words matched (0: the verb's default code)
    labelled: list | None = None  # actors a label verb calls hostile
    ended: object = None  # the stopping verb whose modality the event takes
    subs: list = field(default_factory=list)  # subject tokens
    passive: bool = False
    inherited: bool = False  # the subject comes from a governing verb
    targets: list = field(default_factory=list)  # target tokens
    objects: list = field(default_factory=list)  # the objects an owner stands in for
    from_statement: bool = False  # targets from a reported clause
    from_owner: bool = False  # targets are owners of the object
    srcs: list = field(default_factory=list)  # resolved Args
    tgts: list = field(default_factory=list)


@dataclass
class Candidates:
    """The target tokens of a verb, collected by OBJECT_RULES and FALLBACK_TARGET_RULES."""

    v: object
    lemma: str
    objs: list  # dobj, dative, iobj, attr children
    out: list = field(default_factory=list)


@dataclass
class NounFrame:
    """One event noun on its way to events."""

    n: object
    code: str
    of_role: str  # role of its "of" phrase: source | target
    srcs: list = field(default_factory=list)
    tgts: list = field(default_factory=list)
    pairs: list = field(default_factory=list)  # "between A and B" groups


@dataclass
class Pair:
    """One source-target pair of a trigger, before it becomes an Event."""

    s: object  # Arg
    t: object  # Arg
    trig: object  # the trigger token
    code: str
    mod: str
    conf: float
    ptype: str | None = None
    pmode: str | None = None


# ---- verb rules: the code --------------------------------------------------------------------
def light_verb_leaves_the_act_to_its_noun(sc, f: VerbFrame):
    """ "made a visit", "launched an attack": the event noun carries the action (see
    light_verb_lends_its_subject), so the light verb codes nothing itself."""
    if f.lemma in LIGHT and any(sc._noun_key(o) for o in f.objs):
        return NO_EVENT


def joining_in_an_act_is_the_act(sc, f: VerbFrame):
    """ "joined the U.S. in bombing X": the bombing is the event, coded on its own verb."""
    if any(c.dep_ == "prep" and c.lower_ == "in" and any(p.dep_ == "pcomp" and p.tag_ == "VBG" for p in c.children) for c in f.v.children):
        return NO_EVENT


def hostile_label_criticises(sc, f: VerbFrame):
    """ "named X a threat", "views X as an enemy", "branded X a terrorist": putting a hostile
    label on someone criticises them (111); the dictionary has no pattern for most labels."""
    f.labelled = sc._labelled(f.v) if f.lemma in LABEL_VERBS else None
    if f.labelled is not None:
        f.code, f.reverse, f.matched = "111", False, 1


def dictionary_code(sc, f: VerbFrame):
    """The CAMEO code of the verb's most specific pattern in the PETRARCH2 dictionary, by lemma
    or by an irregular form the dictionary lists; no code, no event."""
    if f.labelled is None:
        f.words = sc.frame(f.v)
        f.code, f.reverse, f.matched = verbs.lookup(sc.dic, f.lemma, f.words)
        if f.code is None and f.v.lower_ in sc.dic.forms:
            f.code, f.reverse, f.matched = verbs.lookup(sc.dic, sc.dic.forms[f.v.lower_], f.words)
    if f.code is None:
        return NO_EVENT


def a_relation_in_a_modifier_is_background(sc, f: VerbFrame):
    """ "Assad, backed by Moscow, used chemical weapons": a participle modifying an actor states
    a standing relation (backing, support, alliance, aid) as background; the main clause is the
    event. Other participles ("the convoy, attacked by rebels,") still report an act."""
    v = f.v
    if (
        v.dep_ in ("acl", "advcl")
        and v.tag_ == "VBN"
        and codes.root(f.code) in BACKGROUND_ROOTS
        and (v.dep_ == "acl" or any(c.dep_ == "agent" for c in v.children))
    ):
        return NO_EVENT


def firing_a_person_is_dismissal(sc, f: VerbFrame):
    """ "fired the minister", "sacked two generals": with a person as object these verbs dismiss,
    no military force (CAMEO 18-20); "fired rockets at X" keeps its object of fire."""
    if (
        f.lemma in DISMISS
        and codes.root(f.code) in ("18", "19", "20")
        and any(
            o.lemma_.lower() in PERSON_AGENTS
            or o.ent_type_ == "PERSON"
            or ((a := sc.actor(o)) is not None and a.kind in ("person", "agent") and a.via == "mention")
            for o in f.objs
        )
        and not any(c.dep_ == "prep" and c.lower_ in ("at", "on", "into", "upon") for c in f.v.children)
    ):
        return NO_EVENT


def a_release_frees_people(sc, f: VerbFrame):
    """ "released prisoners" frees people (CAMEO 084); "released accounts of a call", "released
    a report" publish something: a release whose objects are neither actors nor people held
    (data: captives) is no 084."""
    if (
        f.code.startswith("084")
        and f.objs
        and not any(sc.actor(o) is not None or o.lemma_.lower() in CAPTIVES or o.ent_type_ in ("PERSON", "NORP") for o in f.objs)
    ):
        return NO_EVENT


def calling_someone_names_them(sc, f: VerbFrame):
    """ "called X a partner": naming, not a phone call (the dictionary's CALL is 040)."""
    if f.labelled is None and f.lemma == "call" and any(c.dep_ in ("oprd", "attr") for c in f.v.children) and f.objs:
        return NO_EVENT


def stopping_a_fight_de_escalates(sc, f: VerbFrame):
    """ "agreed to stop shooting at X": ending a fight de-escalates (CAMEO 087), and the stopping
    is the event, so it takes the stopping verb's modality, not the stopped act's."""
    v = f.v
    if codes.root(f.code) in ("18", "19", "20") and v.dep_ in ("xcomp", "dobj", "pcomp", "ccomp") and v.head.lemma_.lower() in CEASE:
        f.code = "087"
        f.ended = v.head


def aspect_verb_leaves_the_act_to_its_complement(sc, f: VerbFrame):
    """ "managed to resolve", "tried to negotiate": the resolving is the event, not the managing
    (unless a dictionary pattern names the aspect verb's own act)."""
    if not f.matched and f.lemma in ASPECT_GOVERNORS and any(c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") for c in f.v.children):
        return NO_EVENT


def joining_is_no_meeting(sc, f: VerbFrame):
    """Joining a group or alliance is membership, not a meeting (the dictionary's JOIN is 04x)."""
    if not f.matched and f.lemma == "join":
        return NO_EVENT


def attribution_is_no_act(sc, f: VerbFrame):
    """ "Reuters quoted the spokesman as saying ...", "dpa cited the mayor": saying who said
    something is the news's sourcing, not a statement of the outlet to the person (data:
    attribution)."""
    if f.lemma in ATTRIBUTION:
        return NO_EVENT


def asking_whether_is_a_question(sc, f: VerbFrame):
    """ "asked the State Department whether ...": an indirect question is no request
    (``modality.asks_a_question``)."""
    if asks_a_question(f.v):
        return NO_EVENT


def giving_needs_something_material(sc, f: VerbFrame):
    """ "gave X credit/time/a chance" is no aid: "give" codes aid (07) by default only when its
    object is something material (data: aid-objects)."""
    if (
        not f.matched
        and f.lemma in MATERIAL_GIVE
        and codes.root(f.code) == "07"
        and not ({o.lemma_.lower() for o in f.objs} | {o.lower_ for o in f.objs}) & AID_OBJECTS
    ):
        return NO_EVENT


# ---- verb rules: the roles -------------------------------------------------------------------
def subject_is_the_source(sc, f: VerbFrame):
    """The grammatical subject acts, borrowed from a governing verb when the verb has none of
    its own (coordination, "threatening to attack", relative clauses); no subject, no event."""
    f.subs, f.passive = sc.subjects(f.v)
    if not f.subs:
        return NO_EVENT
    f.inherited = not any(c.dep_ in ("nsubj", "nsubjpass") for c in f.v.children)


def voice_decides_the_roles(sc, f: VerbFrame):
    """Active: the objects are targets (``sc._target_candidates``); passive: the subject is the
    target and the "by" agent the source; a hostile label's bearers are its targets."""
    if f.labelled is not None:
        f.targets = f.labelled
    elif f.passive:
        f.targets = f.subs
        subs = [p for c in f.v.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        f.subs = [x for s in subs for x in sc._conj(s)]
    else:
        f.targets = sc._target_candidates(f.v)


def owner_stands_for_its_act(sc, f: VerbFrame):
    """ "condemned China's deployment", "protested against the government's cuts": an object that
    names an act or policy but no actor stands for its named owner (not a pronoun: "its" could
    be anyone's), or for whom its leadership change concerns ("the resignation of X")."""
    if not f.passive and f.targets and not any(sc.actor(t) for t in f.targets):
        f.objects = f.targets
        f.targets = sc._stand_ins(f.targets)
        f.from_owner = True


def force_aims_where_it_is(sc, f: VerbFrame):
    """ "stepped up its military presence in X": force posture, coercion and assault whose object
    names no one aim at the place "in X" on the object or the verb."""
    if f.from_owner and not any(sc.actor(t) for t in f.targets) and codes.root(f.code) in IN_TARGET_ROOTS:
        f.targets = [
            p for o in [*f.objects, f.v] for c in o.children if c.dep_ == "prep" and c.lower_ == "in" for p in c.children if p.dep_ == "pobj"
        ]


def unnamed_object_is_no_target(sc, f: VerbFrame):
    """ "expressed his concern that Russia ...": an object that names no one, with no owner or
    place standing in for it, leaves the verb without a target (later rules may find one)."""
    if f.from_owner and not any(sc.actor(t) for t in f.targets):
        f.targets = []


def governed_act_lends_its_target(sc, f: VerbFrame):
    """ "threatened to attack X", "vowed to punish X": a verb that governs an act is aimed at the
    act's target; "threatened to arrest and beat X": conjoined acts share their object."""
    if not f.targets and not f.passive:
        for c in f.v.children:
            if c.dep_ == "xcomp" and c.pos_ == "VERB" and f.lemma in ACT_GOVERNORS:
                for x in sc._conj(c):
                    f.targets = sc._target_candidates(x)
                    if f.targets:
                        break
                break


def protest_aims_at_its_purpose(sc, f: VerbFrame):
    """ "protested to demand the resignation of X", "rallied to denounce X": a protest with no
    target of its own is aimed at whom its purpose infinitive names."""
    if not f.targets and not f.passive and codes.root(f.code) == "14":
        for c in f.v.children:
            if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                cand = sc._target_candidates(c)
                if cand and not any(sc.actor(t) for t in cand):
                    cand, f.from_owner = sc._stand_ins(cand), True
                if any(sc.actor(t) for t in cand):
                    f.targets = cand
                    break


def reported_clause_names_the_target(sc, f: VerbFrame):
    """ "X argues that Y has lost legitimacy", "demanded that Y return the archives": a speech,
    accusation or demand verb with no object is aimed at the subject of its clause. "says Y must go" (must, has to) is a demand (100);
    "X said Y did Z" or "Y should do Z" (advice) is about Y, no act of X towards Y."""
    if not f.targets and not f.passive and f.lemma in SPEECH | ACCUSE | CLAUSE_TARGET_VERBS:
        s, clause = sc._statement_target(f.v)
        if s is not None:
            if any(c.dep_ == "aux" and c.lower_ in DEMAND_AUX for c in clause.children) or (
                clause.lemma_ == "have" and any(x.dep_ == "xcomp" for x in clause.children)
            ):
                f.code = "100"
            elif codes.root(f.code) == "01" and f.lemma in NEUTRAL_REPORT:
                s = None
            if s is not None:
                f.targets = sc._conj(s)
                f.from_statement = True


def comment_needs_a_target(sc, f: VerbFrame):
    """A public statement (01) aimed at no one is no event between actors."""
    if codes.root(f.code) == "01" and not f.targets:
        return NO_EVENT


def tokens_to_actors(sc, f: VerbFrame):
    """The subject and target tokens as actors (mentions, pronouns, owners); unresolved ones drop."""
    f.srcs = [a for s in f.subs if (a := sc.actor(s))]
    f.tgts = [a for o in f.targets if (a := sc.actor(o))]


def own_state_is_no_partner_in_comment(sc, f: VerbFrame):
    """What a speaker says about his own state is domestic comment, not an event between actors."""
    if f.from_statement:
        f.tgts = [t for t in f.tgts if all(t.entity != a.entity for a in f.srcs)]


def a_state_owning_its_leaders_act_is_no_target(sc, f: VerbFrame):
    """ "rushed to Poland's defence" by Poland's own leader: the state as owner of what its organ
    does is no target (an organ, "the government's cuts", still is)."""
    if f.from_owner and not f.from_statement:
        f.tgts = [t for t in f.tgts if not (t.code == t.entity and any(a.entity == t.entity for a in f.srcs))]


def migrants_are_no_visitors(sc, f: VerbFrame):
    """Movement verbs code a visit (04) only for actors who act politically: refugees, workers
    or a people by demonym who go somewhere visit no one."""
    if f.lemma in MOVEMENT and codes.root(f.code) == "04":
        f.srcs = [a for a in f.srcs if (a.sector or "") not in CIVILIAN_SECTORS and a.kind != "demonym"]


def speaks_to_the_press(code, lemma: str, target) -> bool:
    """Is a statement (CAMEO 01) made by speaking to the press ("told Reuters that ...", "spoke
    to the BBC")? That is reporting, not a statement to the press, which is then no target.
    One check for the rules (``the_press_is_no_target_of_statements``) and the parse paths
    (``hybrid``); ``target`` is an Actor or a hybrid Side (either has a ``code``)."""
    if codes.root(code) != "01" or not (lemma in SPEECH or lemma in TO_THE_PRESS):
        return False
    return getattr(target, "sector", "") == "MED" or str(getattr(target, "code", ""))[-3:] == "MED"


def the_press_is_no_target_of_statements(sc, f: VerbFrame):
    """ "told Reuters that ...": speaking to the media is reporting, not a statement to them."""
    f.tgts = [t for t in f.tgts if not speaks_to_the_press(f.code, f.lemma, t)]


def partner_met_carries_to_a_conjoined_act(sc, f: VerbFrame):
    """ "met with X and agreed to coordinate": the agreement is with the partner met."""
    if not f.tgts and not f.passive and f.v.dep_ == "conj" and codes.root(f.code) in RECIPROCAL_ROOTS:
        f.tgts = [
            a
            for c in f.v.head.children
            if c.dep_ == "prep" and c.lower_ == "with"
            for p in c.children
            if p.dep_ == "pobj"
            for x in sc._conj(p)
            if (a := sc.actor(x))
        ]


def joint_subjects_act_on_each_other(sc, f: VerbFrame):
    """ "Ukraine and Russia agreed on a cease-fire": with no target, cooperative subjects (data:
    reciprocal-roots), and the subjects of a mutual verb whatever its code ("exchanged
    threats", data: mutual-verbs), act each with the others, up to three states or groups ("Russia, China
    and Iran held joint drills": six events). Four or more ("Bolivia, Ecuador, Russia and
    Mexico are preparing to attend the talks") are a gathering: every pair of them would count
    one report twelve times or more, so they make no dyad (``MAX_JOINT``)."""
    if not f.tgts and not f.passive and len(f.srcs) >= 2 and (codes.root(f.code) in RECIPROCAL_ROOTS or f.lemma in MUTUAL_VERBS):
        if len({a.entity for a in f.srcs if a.entity}) > MAX_JOINT:
            return None
        if codes.root(f.code) == "03" and _aimed_elsewhere(sc, f.v):
            return None  # "X and Y offered aid to help Syria": an offer to Syria, not to each other
        v, out = f.v, []
        for a in f.srcs:
            out += sc._emit(v, v.text, v.idx, v.idx + len(v), [a], [b for b in f.srcs if b is not a], f.code, modality(v, sc.question), 0.55)
        return out


def _aimed_elsewhere(sc, v) -> bool:
    """Does a purpose of the verb ("to help Syria's peace process") name an actor?"""
    for c in v.children:
        if c.dep_ in ("advcl", "xcomp") and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            if any(sc.actor(t) for t in c.subtree if t.pos_ in ("PROPN", "NOUN", "ADJ")):
                return True
    return False


def reversed_code_swaps_the_roles(sc, f: VerbFrame):
    """A dictionary code written for the reversed event (``[:code]``) goes from target to source."""
    if f.reverse:
        f.srcs, f.tgts = f.tgts, f.srcs


# ---- target candidates of a verb -------------------------------------------------------------
def objects_are_targets(sc, c: Candidates):
    """Direct, indirect and attribute objects, with their conjuncts, are the targets."""
    for o in c.objs:
        c.out.extend(sc._conj(o))


def own_forces_are_no_target(sc, c: Candidates):
    """ "withdrew its troops from X", "sent their fighters to X": the actor's own forces, owned by
    a pronoun, are what moves, the place is the other side. So are bare forces a mover sends or
    pulls out ("Turkey sent troops to Libya"): placing them by the nearest country is a guess
    the verb overrules, they go with the subject."""
    moves = c.lemma in TRANSFER | YIELD_FROM
    own = [o for o in c.out if sc._own(o) or (moves and sc._placed(o))]
    if own and all(o in own for o in c.out if sc.actor(o)):
        c.out = [o for o in c.out if o not in own]


def prepositions_name_the_target(sc, c: Candidates):
    """ "fired at X", "sided against X", "withdrew from X" (yield verbs): the object of a target
    preposition; "fought with X" is alongside X, no target. spaCy may tag "sent troops to X"'s
    "to" as a dative: it counts as the preposition it is."""
    for ch in c.v.children:
        if (
            ch.dep_ in ("prep", "dative")
            and (ch.lower_ in TARGET_PREPS or (ch.lower_ == "from" and c.lemma in YIELD_FROM))
            and not (ch.lower_ == "with" and c.lemma in WITH_IS_ALONGSIDE)
        ):
            for p in ch.children:
                if p.dep_ == "pobj":
                    c.out.extend(sc._conj(p))


def object_noun_names_the_target(sc, c: Candidates):
    """ "imposed sanctions on Russia", "escalated his clash with Assad", "pledged support for X":
    the object noun's own target preposition ("for" after cooperation and aid nouns)."""
    for o in c.objs:
        key = sc._noun_key(o)
        for ch in o.children:
            if ch.dep_ == "prep" and (
                ch.lower_ in NOUN_TARGET_PREPS - {"in"} or (ch.lower_ == "for" and key and event_nouns()[key][0][:2] in FOR_ROOTS)
            ):
                c.out.extend(p for p in ch.children if p.dep_ == "pobj")


def transfer_destination_deep_in_the_object(sc, c: Candidates):
    """ "sent an amount of hardware, including jets, to Syria": a transfer verb's destination may
    hang anywhere in its object phrase."""
    if c.lemma in TRANSFER:
        for o in c.objs:
            for t in o.subtree:
                if t.dep_ == "prep" and t.lower_ in ("to", "into") and t is not o:
                    c.out.extend(p for p in t.children if p.dep_ == "pobj")


# ---- noun rules ------------------------------------------------------------------------------
def noun_modifiers_give_the_roles(sc, f: NounFrame):
    """An event noun's own phrase: its possessor or national modifier acts ("Turkey's attack",
    "the Russian invasion"), "anti-X" is the target ("anti-Moscow sanctions"), "by X" acts,
    "of X" plays the noun's of-role (event-nouns.txt), target prepositions name the target
    ("in X" only for force, "for X" for cooperation, "from X" for yielding), and "between A
    and B" makes pairs."""
    n, code = f.n, f.code
    anti = sc._anti(n)
    for c in n.children:
        if c in anti:
            if a := sc.actor(c, poss=False):
                f.tgts.append(a)
        elif c.dep_ == "poss" or (c.dep_ in ("amod", "compound", "nmod") and c.i < n.i):
            a = sc.actor(c, poss=False)
            if a and not (c.dep_ != "poss" and sc._noun_key(c)):
                f.srcs.append(a)
        elif c.dep_ == "prep":
            pobjs = [p for p in c.children if p.dep_ == "pobj"]
            for p in pobjs:
                group = sc._conj(p)
                args = [a for g in group if (a := sc.actor(g) or sc._located(g))]
                if c.lower_ == "between" and len(args) >= 2:
                    f.pairs.append(args)
                elif c.lower_ == "by" or (c.lower_ == "of" and f.of_role == "source"):
                    f.srcs.extend(args)
                    # "the visit of a delegation to Moscow": "to" often hangs on the agent
                    for pp in p.children:
                        if pp.dep_ == "prep" and (pp.lower_ in NOUN_TARGET_PREPS - {"in"} or (pp.lower_ == "from" and code[:2] in FROM_ROOTS)):
                            f.tgts.extend(a for q in pp.children if q.dep_ == "pobj" and (a := sc.actor(q)))
                elif (
                    c.lower_ == "of"
                    or c.lower_ in NOUN_TARGET_PREPS
                    or (c.lower_ == "for" and code[:2] in FOR_ROOTS)
                    or (c.lower_ == "from" and code[:2] in FROM_ROOTS)
                ):
                    if c.lower_ == "in" and code[:2] not in IN_TARGET_ROOTS:
                        continue
                    f.tgts.extend(args)


def _lending_verb(n):
    """The verb that lends an event noun its roles: a light verb it is the object of ("made a
    visit"), or the verb of a "with" it hangs on ("responded with airstrikes")."""
    if n.dep_ == "dobj" and n.head.lemma_.lower() in LIGHT:
        return n.head
    if n.dep_ == "pobj" and n.head.lower_ == "with" and n.head.head.pos_ == "VERB":
        return n.head.head
    return None


def light_verb_lends_its_subject(sc, f: NounFrame):
    """ "Iran launched an attack", "Israel responded with airstrikes": with no source of its own,
    the noun's source is the (active) subject of the verb that carries it."""
    holder = _lending_verb(f.n)
    if not f.srcs and holder is not None:
        subs, passive = sc.subjects(holder)
        if not passive:
            f.srcs = [a for s in subs if (a := sc.actor(s))]


def light_verb_lends_its_target(sc, f: NounFrame):
    """ "gave Obama credit", "increased its deployment ... to Tartus": with no target of its own,
    the noun's target is the carrying verb's indirect object or target preposition."""
    holder = _lending_verb(f.n)
    if not f.tgts and holder is not None:
        for c in holder.children:
            if c.dep_ in ("dative", "iobj"):
                f.tgts.extend(a for x in sc._conj(c) if (a := sc.actor(x)))
            elif c.dep_ == "prep" and c.lower_ in TARGET_PREPS:
                f.tgts.extend(a for p in c.children if p.dep_ == "pobj" for x in sc._conj(p) if (a := sc.actor(x) or sc._located(x) or sc._owner(x)))


def mediator_deals_with_each_party(sc, f: NounFrame):
    """ "Qatar's mediation between A and B": the mediator deals with each party, where "talks
    between A and B" (no mediator) stay A with B."""
    if f.srcs and f.pairs and f.code.startswith("045"):
        f.tgts.extend(a for group in f.pairs for a in group)
        f.pairs = []


# ---- pair rules ------------------------------------------------------------------------------
def citizens_face_their_own_government(sc, p: Pair):
    """A plural demonym ("thousands of Brazilians") facing an organ placed in its own state ("the
    government") is that state's people, as ICEWS codes citizens (CVL)."""

    def citizens(a, other):
        if (
            other.kind == ANCHORED
            and a.kind == "demonym"
            and a.entity == other.entity
            and a.token >= 0
            and sc.doc[a.token].tag_ in ("NNS", "NNPS")
            and len(a.code) == 3
        ):
            return replace(a, code=a.entity + "CVL", sector="CVL", kind="agent")
        return a

    p.s, p.t = citizens(p.s, p.t), citizens(p.t, p.s)


def a_capital_that_acts_is_its_government(sc, p: Pair):
    """ "Berlin rejected", "Nairobi criticised": a capital as the actor is metonymy for its
    state's government (data/barograph/capitals.txt), as "the Kremlin" is RUSGOV; as a target
    ("shelled Kyiv", "flew to Paris") it stays the state."""
    s = p.s
    if (
        s.resolved
        and s.code == s.entity
        and len(s.code) == 3
        and s.kind in ("place", "state")
        and s.via == "mention"
        and is_capital(s.text, s.entity)
    ):
        p.s = replace(s, code=s.entity + "GOV", sector="GOV")


def an_unknown_name_needs_a_known_partner(sc, p: Pair):
    """A named actor no dictionary knows ("Haftar", "Douma") is kept with its name and an empty
    code (resolved=False) when the other side is known from its own words, at lower
    confidence. Two unknown names, an unknown name facing a pronoun's guess, or an unknown
    name in a plain statement (01, the noisiest code) make no event: nothing would place it
    among the actors a user follows."""
    if p.s.resolved and p.t.resolved:
        return None
    if (not p.s.resolved and not p.t.resolved) or p.s.via == "pronoun" or p.t.via == "pronoun" or p.code[:2] == "01":
        return NO_EVENT
    p.conf -= 0.2


def one_mention_is_no_dyad(sc, p: Pair):
    """ "Erdogan ... his war": one mention (or a pronoun for it) on both sides is no event."""
    if (p.s.start == p.t.start and p.s.end == p.t.end) or p.s.ref == p.t.ref:
        return NO_EVENT


def a_state_on_itself_is_no_dyad(sc, p: Pair):
    """ "US sanctions ban U.S. persons": a bare state acting on itself names no dyad; nor does
    an organ named alike on both sides ("the FBI was evacuating an FBI office"). Two actors
    that share a code under different names ("the European Parliament called on the EU") stay."""
    if p.s.code == p.t.code and (len(p.s.code) == 3 or p.s.code and _name(p.s.text) == _name(p.t.text)):
        return NO_EVENT


def _name(text: str) -> str:
    words = text.lower().split()
    return " ".join(words[1:] if words and words[0] in ("the", "a", "an") else words)


def placed_agent_needs_a_partner_of_its_kind(sc, p: Pair):
    """A bare agent placed in its state by the news (``anchor_agents``) acts inside that state
    only with another organ or group ("police arrested protesters"), never with the state or
    a person named there."""
    s, t = p.s, p.t
    if (s.kind == ANCHORED or t.kind == ANCHORED) and s.entity == t.entity and not ({s.kind, t.kind} <= {ANCHORED, "agent"} and s.sector != t.sector):
        return NO_EVENT


def fighting_protesters_riot(sc, p: Pair):
    """Protesters, demonstrators or a mob who clash or attack riot (CAMEO 145, as the
    dictionary's CLASH pattern has it); bombings, shelling, air strikes and assassinations
    (data: riot-excluded) are no riot whoever commits them."""
    if p.code[:2] in ("18", "19") and p.code[:3] not in RIOT_EXCLUDED and p.s.token >= 0 and sc.doc[p.s.token].lower_ in PROTEST_CROWDS:
        p.code = "145"


def plover_type_of_the_code(sc, p: Pair):
    """The PLOVER type and mode of the (re-coded) CAMEO code, from the bundled OEDA table."""
    p.ptype, p.pmode = codes.plover(p.code)


def declared_yield_is_a_concession(sc, p: Pair):
    """A declared or promised yield ("declared a truce", "will release") is PLOVER CONCEDE, not
    yet the material RETREAT (PLOVER: "declarations (but not implementations) of ceasefires")."""
    trig = p.trig
    if p.ptype == "RETREAT" and (
        p.mod == INTENDED or trig.lemma_.lower() in DECLARE or (trig.dep_ == "dobj" and trig.head.lemma_.lower() in DECLARE)
    ):
        p.ptype, p.pmode = "CONCEDE", None


def a_pronoun_is_less_sure(sc, p: Pair):
    """An actor reached through a pronoun may be the wrong antecedent: lower confidence."""
    if "pronoun" in (p.s.via, p.t.via):
        p.conf -= 0.1


# ---- the order -------------------------------------------------------------------------------
VERB_RULES = (
    light_verb_leaves_the_act_to_its_noun,
    joining_in_an_act_is_the_act,
    hostile_label_criticises,
    dictionary_code,
    a_relation_in_a_modifier_is_background,
    firing_a_person_is_dismissal,
    a_release_frees_people,
    calling_someone_names_them,
    stopping_a_fight_de_escalates,
    aspect_verb_leaves_the_act_to_its_complement,
    joining_is_no_meeting,
    attribution_is_no_act,
    asking_whether_is_a_question,
    giving_needs_something_material,
    subject_is_the_source,
    voice_decides_the_roles,
    owner_stands_for_its_act,
    force_aims_where_it_is,
    unnamed_object_is_no_target,
    governed_act_lends_its_target,
    protest_aims_at_its_purpose,
    reported_clause_names_the_target,
    comment_needs_a_target,
    tokens_to_actors,
    own_state_is_no_partner_in_comment,
    a_state_owning_its_leaders_act_is_no_target,
    migrants_are_no_visitors,
    the_press_is_no_target_of_statements,
    partner_met_carries_to_a_conjoined_act,
    joint_subjects_act_on_each_other,
    reversed_code_swaps_the_roles,
)

OBJECT_RULES = (objects_are_targets, own_forces_are_no_target)

# only when no object left by OBJECT_RULES names an actor
FALLBACK_TARGET_RULES = (prepositions_name_the_target, object_noun_names_the_target, transfer_destination_deep_in_the_object)

NOUN_RULES = (noun_modifiers_give_the_roles, light_verb_lends_its_subject, light_verb_lends_its_target, mediator_deals_with_each_party)

PAIR_RULES = (
    citizens_face_their_own_government,
    an_unknown_name_needs_a_known_partner,
    one_mention_is_no_dyad,
    a_state_on_itself_is_no_dyad,
    placed_agent_needs_a_partner_of_its_kind,
    a_capital_that_acts_is_its_government,
    fighting_protesters_riot,
    plover_type_of_the_code,
    declared_yield_is_a_concession,
    a_pronoun_is_less_sure,
)

ALL_RULES = VERB_RULES + OBJECT_RULES + FALLBACK_TARGET_RULES + NOUN_RULES + PAIR_RULES


def run(rules, sc, frame):
    """Run ``rules`` in order on ``frame``; the first answer that is not None ends the run."""
    for rule in rules:
        got = rule(sc, frame)
        if got is not None:
            return got
    return None
