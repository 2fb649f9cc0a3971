"""Modality of an event, read from the dependency tree around its trigger.

An event is only a fact when nothing above its trigger makes it otherwise. We look at the
trigger's own auxiliaries, negation and subordinators, then climb the chain of governing
words (xcomp/ccomp/advcl/pcomp/conj...) and ask each governor what it does to its
complement: "could", "if" make it hypothetical; "plan", "threaten", "will" intended;
"deny", "instead of", "not" negated; "accuse", "allege", "reportedly" claimed. Relative
clauses are presupposed facts, so the climb stops there. Nothing here looks at words
outside the trigger's chain, so "X could attack; Y attacked" codes Y as asserted.
"""

from __future__ import annotations

ASSERTED, HYPOTHETICAL, NEGATED, QUESTION, CLAIMED, INTENDED = ("asserted", "hypothetical", "negated", "question", "claimed", "intended")

HYPOTHETICAL_AUX = {"could", "might", "may", "would", "should", "can", "must", "ought"}
INTENDED_AUX = {"will", "shall", "'ll", "wo"}
HYPOTHETICAL_MARK = {"if", "unless", "whether", "lest", "should", "once", "until"}
NEGATORS = {"not", "n't", "never", "no", "nor", "neither", "without"}
NEG_PREPS = {"instead", "without", "rather"}  # "instead of battling", "without firing"
# governors that change what their complement clause asserts
GOVERNOR_MODALITY = {
    HYPOTHETICAL: {
        "want",
        "hope",
        "wish",
        "seek",
        "consider",
        "propose",
        "suggest",
        "urge",
        "ask",
        "demand",
        "call",
        "need",
        "may",
        "could",
        "would",
        "expect",
        "risk",
        "fear",
        "worry",
        "warn",
        "possible",
        "likely",
        "able",
        "ready",
        "willing",
        "prefer",
        "aim",
        "attempt",
        "dare",
        "insist",
        "recommend",
        "push",
        "press",
        "encourage",
        "invite",
        "imagine",
        "provoke",
        "allow",
        "permit",
    },
    INTENDED: {
        "plan",
        "intend",
        "threaten",
        "vow",
        "pledge",
        "promise",
        "prepare",
        "decide",
        "resolve",
        "agree",
        "offer",
        "schedule",
        "go",
        "mean",
        "determine",
        "commit",
        # adjectives of an aim: "is determined to disrupt X" is no act yet
        "determined",
        "intent",
        "eager",
        "keen",
        "bent",
        "poised",
    },
    NEGATED: {
        "deny",
        "refuse",
        "fail",
        "avoid",
        "decline",
        "reject",
        "stop",
        "cease",
        "halt",
        "abandon",
        "refrain",
        "prevent",
        "forbid",
        "ban",
        "oppose",
        "rule",
        "deter",
    },
    CLAIMED: {
        "accuse",
        "allege",
        "charge",
        "claim",
        "blame",
        "suspect",
        "report",
        "say",
        "tell",
        "state",
        "insist",
        "argue",
        "assert",
        "maintain",
        "contend",
        "indicate",
        "suggest",
        "believe",
        "think",
        "according",
        "convict",
        "indict",
    },
}
CLAIM_ADVERBS = {"reportedly", "allegedly", "purportedly", "supposedly", "apparently", "ostensibly"}
HYPO_ADVERBS = {"perhaps", "maybe", "possibly", "probably"}
OBLIGATION = {"have"}  # "has to V" in the present says what is due, not what was done
_RANK = {ASSERTED: 0, CLAIMED: 1, INTENDED: 2, HYPOTHETICAL: 3, QUESTION: 4, NEGATED: 5}


def _own(tok) -> str | None:
    """What the trigger's own dependents say about it."""
    found = None
    for c in tok.children:
        low = c.lower_
        if c.dep_ == "neg" or (c.dep_ in ("det", "advmod", "preconj") and low in NEGATORS):
            return NEGATED
        if c.dep_ in ("aux", "auxpass") and c.tag_ == "MD":
            if low in INTENDED_AUX:
                found = found or INTENDED
            elif low in HYPOTHETICAL_AUX:
                found = HYPOTHETICAL
        if c.dep_ == "mark" and low in HYPOTHETICAL_MARK:
            found = HYPOTHETICAL
        if c.dep_ == "advmod" and low in CLAIM_ADVERBS:
            found = found or CLAIMED
        if c.dep_ == "advmod" and low in HYPO_ADVERBS:
            found = HYPOTHETICAL
    # a purpose infinitive states an aim, not a deed: "bombed Belgrade to force a transfer"
    if tok.dep_ == "advcl" and tok.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        found = found or INTENDED
    # so does an infinitive that completes a noun: "in a bid to bolster contacts", "an effort
    # to end the war", "the decision to withdraw" (the bid, effort or decision is the deed)
    if tok.dep_ == "acl" and tok.tag_ == "VB" and tok.head.pos_ == "NOUN" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        found = found or INTENDED
    # "be going to V": intended
    if tok.dep_ == "xcomp" and tok.head.lemma_ == "go" and tok.head.tag_ == "VBG":
        found = found or INTENDED
    return found


def _stronger(a: str, b: str | None) -> str:
    return b if b and _RANK[b] > _RANK[a] else a


def modality(tok, question: bool = False) -> str:
    """Modality of the event whose trigger is ``tok`` (a spaCy Token, verb or event noun)."""
    result = _own(tok) or ASSERTED
    if result == NEGATED:
        return NEGATED
    for c in tok.children:  # "Neither X nor Y compel...", "No country attacked..."
        if c.dep_ in ("nsubj", "nsubjpass") and any(g.dep_ in ("preconj", "det") and g.lower_ in ("neither", "no") for g in c.children):
            return NEGATED
    cur = tok
    for _ in range(12):
        dep, head = cur.dep_, cur.head
        if head == cur or dep == "ROOT":
            break
        if dep in ("relcl", "appos", "parataxis"):
            # a relative clause presupposes its content; a parenthetical stands alone
            return result
        if dep == "conj" and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in cur.children):
            break  # a clause of its own ("X could retaliate, but Y attacked"): nothing is shared
        if dep == "conj":
            # coordinated verbs share their first conjunct's auxiliaries: "could escalate ... and drag"
            if not any(c.dep_ in ("aux", "auxpass", "neg") for c in cur.children):
                own = _own(head)
                if own == NEGATED and not any(c.dep_ == "neg" for c in cur.children):
                    # "did not X but Y": negation does not distribute past "but"
                    if not any(c.lower_ in ("but", "instead") for c in head.children if c.dep_ == "cc"):
                        result = _stronger(result, NEGATED)
                else:
                    result = _stronger(result, own)
            cur = head
            continue
        if dep == "pcomp":
            # "accused of shipping", "refrained from attacking": ask the governing verb
            gov = head
            for _ in range(6):
                if gov.pos_ == "VERB" or gov.dep_ == "ROOT" or gov.head == gov:
                    break
                gov = gov.head
            lem = gov.lemma_.lower()
            if head.lower_ in NEG_PREPS or (
                head.lower_ in ("of", "than") and (head.head.lower_ in NEG_PREPS or any(c.lower_ in NEG_PREPS for c in head.children))
            ):
                return NEGATED
            for kind in (NEGATED, CLAIMED, HYPOTHETICAL, INTENDED):
                if gov.pos_ == "VERB" and lem in GOVERNOR_MODALITY[kind] and head.lower_ in ("of", "from", "with", "for", "to", "in"):
                    result = _stronger(result, kind)
                    break
        if dep == "pcomp" or dep == "pobj":
            prep = head
            if prep.lower_ in ("of", "than") and prep.head.lower_ in NEG_PREPS:
                return NEGATED
            if prep.lower_ in NEG_PREPS:
                return NEGATED
            cur = prep
            continue
        if dep == "prep":
            if cur.lower_ in NEG_PREPS:
                return NEGATED
            g = _own(head) if head.pos_ in ("VERB", "AUX") else None
            if g == NEGATED:
                return NEGATED
            result = _stronger(result, g)  # "may lead to a meeting"
            cur = head
            continue
        if dep in ("xcomp", "ccomp", "advcl", "acl", "csubj", "dobj", "nsubj", "nsubjpass", "attr", "oprd"):
            gov = head
            lem = gov.lemma_.lower()
            if dep == "xcomp" and lem in OBLIGATION and gov.tag_ in ("VB", "VBP", "VBZ"):
                # "the leaders have to respect the decision": an obligation, like "must"; a past
                # "had to withdraw" reports what was done
                result = _stronger(result, HYPOTHETICAL)
            if dep in ("xcomp", "ccomp", "advcl", "acl", "dobj", "oprd"):
                for kind in (NEGATED, INTENDED, HYPOTHETICAL, CLAIMED):
                    if lem in GOVERNOR_MODALITY[kind]:
                        if kind == NEGATED and dep not in ("xcomp", "ccomp", "acl"):
                            continue
                        result = _stronger(result, kind)
                        break
            g = _own(gov)
            if g == NEGATED:
                # "did not authorize them to attack": the complement did not happen either
                if dep in ("xcomp", "ccomp", "dobj", "acl"):
                    return NEGATED
            elif g:
                result = _stronger(result, g)
            cur = gov
            if result == NEGATED:
                return NEGATED
            continue
        cur = head
    if question and result in (ASSERTED, CLAIMED) and _in_main_clause(tok):
        return QUESTION
    return result


def _in_main_clause(tok) -> bool:
    cur = tok
    for _ in range(12):
        if cur.dep_ == "ROOT" or cur.head == cur:
            return True
        if cur.dep_ in ("relcl", "parataxis"):
            return False
        cur = cur.head
    return True


def is_question(sent_text: str) -> bool:
    return sent_text.rstrip().rstrip("\"'”’)»").endswith("?")


def asks_a_question(v) -> bool:
    """ "asked the State Department whether Kerry had discussed it", "asked Putin why troops
    moved": a verb of asking whose clause "whether", "if" or a wh-word opens asks an indirect
    question. That is no request (CAMEO 02 needs something asked for), as a question mark
    makes a sentence a question."""
    return v.lemma_.lower() in ("ask", "wonder", "inquire", "enquire", "question") and any(
        c.dep_ in ("ccomp", "advcl") and any(m.lower_ in ("whether", "if") or m.tag_ in ("WDT", "WP", "WRB") for m in c.children if m.i < c.i)
        for c in v.children
    )
