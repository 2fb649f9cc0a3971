"""The event coder on sentences from many conflicts: roles, codes, modality, dates, evidence.

Actors come from a tiny throwaway resolver (a handful of names) so these tests pin the
coder's own logic whatever the actor dictionaries say; tests/test_code_command.py runs the
real resolver end to end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from barograph.events import codes, verbs
from barograph.records import Article, Sentence


@dataclass
class _Match:
    code: str
    entity: str
    sector: str | None
    name: str
    start: int
    end: int
    kind: str
    confidence: float = 0.9


_NAMES = [
    ("Russian troops", "RUSMIL", "RUS"),
    ("Russia|Russian|Moscow", "RUS", "RUS"),
    ("Ukraine|Ukrainian|Kyiv", "UKR", "UKR"),
    ("Ethiopia", "ETH", "ETH"),
    ("Somalia", "SOM", "SOM"),
    ("Eritrea", "ERI", "ERI"),
    ("Israel|Israeli", "ISR", "ISR"),
    ("Egypt", "EGY", "EGY"),
    ("Iran", "IRN", "IRN"),
    ("China|Beijing|Chinese", "CHN", "CHN"),
    ("Taiwan", "TWN", "TWN"),
    ("Pakistan", "PAK", "PAK"),
    ("India|Indian", "IND", "IND"),
    ("Lebanon", "LBN", "LBN"),
    ("Serbs", "SRB", "SRB"),
    ("Modi", "INDGOV", "IND"),
    ("Sharif", "PAKGOV", "PAK"),
]
_PEOPLE = {"Modi", "Sharif"}


class TinyResolver:
    version = "tiny"

    def mentions(self, text, date=None):
        out, taken = [], set()
        for pat, code, ent in _NAMES:
            for m in re.finditer(rf"\b(?:{pat})\b", text):
                if any(i in taken for i in range(m.start(), m.end())):
                    continue
                taken.update(range(m.start(), m.end()))
                kind = "person" if m.group(0) in _PEOPLE else "demonym" if m.group(0).endswith("s") else "state"
                out.append(_Match(code, ent, None, m.group(0), m.start(), m.end(), kind))
        return sorted(out, key=lambda a: a.start)

    def resolve(self, phrase, date=None):
        found = self.mentions(phrase, date)
        return found[0] if found else None


@pytest.fixture(scope="module")
def coder():
    from barograph.events.coder import Coder

    return Coder(TinyResolver(), classifier=None)  # the rules alone


def article(*sentences: str, date: str = "2016-05-10", prefix: str = "Headline\n\n"):
    text, sents, pos = prefix, [], len(prefix)
    for i, s in enumerate(sentences):
        sents.append(Sentence("art1", i, pos, pos + len(s), s))
        text += s + " "
        pos += len(s) + 1
    art = Article(
        doc="test.txt",
        index=0,
        start=0,
        end=len(text),
        date=date,
        outlet="Wire",
        body_start=len(prefix),
        body_end=len(text),
        text=text[len(prefix) :],
        id="art1",
    )
    return art, sents, text


def events(coder, *sentences, date="2016-05-10"):
    art, sents, _ = article(*sentences, date=date)
    return coder.code(art, sents)


def find(evs, source, target, root=None):
    return [e for e in evs if e.source_entity == source and e.target_entity == target and (root is None or e.cameo.startswith(root))]


# ---- the dictionary -------------------------------------------------------------------------
def test_verb_dictionary_is_read_as_data():
    d = verbs.default_dictionary()
    assert len(d.verbs) > 1000
    assert verbs.lookup(d, "accuse", set())[0] == "112"
    assert verbs.lookup(d, "invade", set())[0].startswith("19")
    # a pattern written for CONVICT (own code 173) does not leak into ACCUSE
    assert verbs.lookup(d, "accuse", {"of"})[0] == "112"
    # a pattern of the SEND block reaches its synonyms
    code, _, matched = verbs.lookup(d, "deploy", {"peacekeeper", "peacekeepers"})
    assert code is not None and matched == 1
    assert d.forms["fought"] == "fight"


def test_dictionary_parser_handles_format():
    text = (
        "####### VERB PATTERNS #######\n---  HIT   [190]  ---\nHIT {HITS HITTING}\nTAP [010]\n"
        "+HIT_BACK [195]\n- * (WITH SANCTIONS)   [163]  # HIT\n- * LIGHTLY  [---]  # HIT\n"
        "######## TRANSFORMATIONS ##########\n"
    )
    d = verbs.parse(text)
    assert verbs.lookup(d, "hit", set())[0] == "190"
    assert verbs.lookup(d, "hit", {"with", "sanction", "sanctions"})[0] == "163"
    assert verbs.lookup(d, "hit", {"lightly"})[0] is None  # [---] blocks
    assert verbs.lookup(d, "hit", {"back"})[0] == "195"  # multi-word verb
    assert verbs.lookup(d, "tap", set())[0] == "010"
    assert d.forms["hitting"] == "hit"


# ---- roles ----------------------------------------------------------------------------------
def test_active_and_passive_roles(coder):
    evs = events(coder, "Russian troops shelled Ukrainian positions.", "Ukrainian villages were attacked by Russian troops.")
    assert find(evs, "RUS", "UKR", "19")
    assert not find(evs, "UKR", "RUS")
    passive = [e for e in evs if e.sentence_index == 1]
    assert passive and passive[0].source == "RUSMIL" and passive[0].trigger == "attacked"


def test_relative_clause_and_dates(coder):
    evs = events(coder, "Ethiopia, which invaded Somalia in 2006, accused Eritrea of arming rebels.")
    inv = find(evs, "ETH", "SOM", "19")
    assert inv and inv[0].date == "2006-01-01" and inv[0].historical
    acc = find(evs, "ETH", "ERI", "11")
    assert acc and acc[0].date == "2016-05-10" and not acc[0].historical


def test_coordination_and_pronouns(coder):
    evs = events(coder, "Israel and Egypt condemned Iran.", "Iran rejected the offer.", "It later accused Israel of sabotage.")
    assert find(evs, "ISR", "IRN", "11") and find(evs, "EGY", "IRN", "11")
    assert find(evs, "IRN", "ISR", "11")
    pron = find(evs, "IRN", "ISR", "11")[0]
    assert pron.source_text == "It" and pron.sentence_index == 2


def test_person_pronoun_needs_a_person(coder):
    evs = events(coder, "Modi arrived in Beijing.", "He met with Chinese officials.")
    met = find(evs, "IND", "CHN", "04")
    assert met and met[0].source == "INDGOV"


def test_nominal_events(coder):
    evs = events(coder, "Israel's invasion of Lebanon drew protests.", "The visit of an Indian delegation to Beijing went well.")
    inv = find(evs, "ISR", "LBN", "19")
    assert inv and inv[0].trigger == "invasion" and inv[0].modality == "asserted"
    assert find(evs, "IND", "CHN", "04")


def test_light_verb_hands_action_to_noun(coder):
    evs = events(coder, "Sharif made a surprise visit to India.")
    visit = find(evs, "PAK", "IND", "04")
    assert visit and visit[0].trigger == "visit"


def test_unresolved_actors_give_no_event(coder):
    assert events(coder, "The rebels attacked the convoy.") == []
    assert events(coder, "Ethiopia said it was ready.") == []  # a statement with no target


# ---- modality -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("China attacked Taiwan.", "asserted"),
        ("China could attack Taiwan.", "hypothetical"),
        ("If China attacks Taiwan, the region will suffer.", "hypothetical"),
        ("China did not attack Taiwan.", "negated"),
        ("China never attacked Taiwan.", "negated"),
        ("China will attack Taiwan.", "intended"),
        ("China plans to attack Taiwan.", "intended"),
        ("Did China attack Taiwan?", "question"),
        ("China reportedly attacked Taiwan.", "claimed"),
        ("China denied attacking Taiwan.", "negated"),
        ("Instead of attacking Taiwan, China attacked India.", "negated"),
        ("China has to attack Taiwan.", "hypothetical"),  # an obligation, like "must"
        ("China had to attack Taiwan.", "asserted"),  # a past obligation reports the deed
    ],
)
def test_modality_from_the_tree(coder, sentence, expected):
    evs = find(events(coder, sentence), "CHN", "TWN", "19")
    assert evs, sentence
    assert evs[0].modality == expected


def test_an_infinitive_completing_a_noun_is_an_aim(coder):
    # "in a bid to bolster contacts": the contacts are aimed at, not made
    evs = find(events(coder, "Spain hosted the talks in a bid to bolster contacts between China and Taiwan."), "CHN", "TWN", "04")
    assert evs and evs[0].modality == "intended"
    evs = find(events(coder, "Spain hosted the talks and bolstered contacts between China and Taiwan."), "CHN", "TWN", "04")
    assert evs and evs[0].modality == "asserted"


def test_modality_is_per_event_not_per_sentence(coder):
    evs = events(coder, "Pakistan could retaliate, but India attacked Pakistan.")
    assert find(evs, "IND", "PAK", "19")[0].modality == "asserted"
    evs = events(coder, "Instead of attacking Taiwan, China attacked India.")
    assert find(evs, "CHN", "IND", "19")[0].modality == "asserted"


def test_threat_is_a_threat_and_its_act_intended(coder):
    evs = events(coder, "China threatened to attack Taiwan.")
    assert find(evs, "CHN", "TWN", "13")[0].modality == "asserted"
    assert find(evs, "CHN", "TWN", "19")[0].modality == "intended"


def test_accused_act_is_claimed(coder):
    evs = events(coder, "Iran accused Israel of attacking Lebanon.")
    assert find(evs, "IRN", "ISR", "11")[0].modality == "asserted"
    assert find(evs, "ISR", "LBN", "19")[0].modality == "claimed"


# ---- evidence and the record ----------------------------------------------------------------
def test_evidence_offsets_and_fields(coder):
    art, sents, text = article("Russia attacked Ukraine on March 3rd.")
    evs = coder.code(art, sents)
    e = find(evs, "RUS", "UKR", "19")[0]
    assert text[e.start : e.end] == e.text == sents[0].text
    assert text[e.trigger_start : e.trigger_end] == "attacked"
    assert e.date == "2016-03-03"
    assert e.quad_class == codes.quad_class(e.cameo) == 4
    assert e.goldstein == codes.goldstein(e.cameo) < 0
    assert e.plover == codes.plover(e.cameo)[0]
    assert e.coder == coder.version and coder.version.startswith("barograph-coder ")
    assert e.outlet == "Wire" and e.article_id == "art1" and e.doc == "test.txt"
    assert 0 < e.confidence < 1 and len(e.id) == 16


def test_ids_are_stable_and_code_many_keeps_order(coder):
    a1 = article("Russia attacked Ukraine.")
    a2 = article("China attacked Taiwan.", "India attacked Pakistan.")
    out = list(coder.code_many([(a1[0], a1[1]), (a2[0], a2[1])]))
    assert len(out) == 2
    assert {e.source_entity for e in out[0]} == {"RUS"}
    assert {e.source_entity for e in out[1]} == {"CHN", "IND"}
    again = coder.code(a1[0], a1[1])
    assert [e.id for e in again] == [e.id for e in out[0]]
    assert len({e.id for evs in out for e in evs}) == sum(len(x) for x in out)


def test_relative_dates():
    from barograph.events.dates import parse_expression
    import datetime as dt

    ref = dt.date(2016, 1, 10)
    assert parse_expression("last week", ref) == (dt.date(2016, 1, 3), "week")
    assert parse_expression("December 30", ref)[0] == dt.date(2015, 12, 30)
    assert parse_expression("during the Cold War", ref) == (dt.date(1947, 1, 1), "year")
    assert parse_expression("on Monday", ref)[0].weekday() == 0
    assert parse_expression("soon", ref) is None


def test_a_weekday_in_an_article_of_that_weekday_is_that_day():
    import datetime as dt

    from barograph.events.dates import parse_expression

    monday = dt.date(2016, 1, 11)
    assert monday.weekday() == 0
    assert parse_expression("on Monday", monday) == (monday, "day")  # was: the Monday before
    assert parse_expression("last Monday", monday) == (dt.date(2016, 1, 4), "day")
    assert parse_expression("on Friday", monday) == (dt.date(2016, 1, 8), "day")
    assert parse_expression("on Sunday", monday) == (dt.date(2016, 1, 10), "day")


def test_coded_event_on_the_articles_own_weekday_and_undated_text_takes_the_article_date(tmp_path, coder):
    import json

    from barograph.events.stream import code_documents

    recs = [
        {"id": "m", "date": "2016-01-11", "text": "Russia condemned Turkey on Monday."},
        {"id": "n", "date": "2016-01-11", "text": "Russia condemned Turkey."},
    ]
    p = tmp_path / "news.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    got = {doc.doc: [e.date for e in evs] for doc, evs in code_documents([str(p)], coder, errors=[])}
    assert got["m"] == ["2016-01-11"] and got["n"] == ["2016-01-11"]


def test_new_names_do_not_grow_the_vocabulary():
    """`follow` codes for days: the words each chunk's parse adds to spaCy's vocabulary are freed
    with the chunk (a memory zone), so new names do not accumulate."""
    import random
    import string

    from barograph.events.coder import Coder
    from barograph.records import Article, Sentence

    c = Coder(classifier=None, batch_size=8)
    rng = random.Random(5)

    def items(n):
        out = []
        for i in range(n):
            w = ["".join(rng.choice(string.ascii_lowercase) for _ in range(10)).title() for _ in range(3)]
            t = f"{w[0]} officials met {w[1]} envoys in {w[2]} on Monday."
            a = Article(doc="v", index=i, start=0, end=len(t), date="2024-01-02", text=t, id=f"v{i}-{w[0]}")
            out.append((a, [Sentence(a.id, 0, 0, len(t), t)]))
        return out

    list(c.code_many(items(40)))
    before = len(c.nlp.vocab.strings)
    events = [e for evs in c.code_many(items(40)) for e in evs]
    assert len(c.nlp.vocab.strings) == before
    assert all(isinstance(e.source_text, str) for e in events)
