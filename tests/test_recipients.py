"""The hybrid's recipient steps (``hybrid.recipient_of_a_gift`` ... ``own_forces_no_target``)
on sentences written for these tests, the classifier's reading fixed.

Each test codes a sentence twice: with the shipped steps, and with the one step under test
taken out of ``hybrid.STEPS``, so that it shows the step itself changes the target (and a
second sentence shows where it must not)."""

from __future__ import annotations

import pytest

from barograph.events import hybrid
from barograph.events.classifier import CLASSES, FixedProbabilities
from barograph.events.coder import Coder
from barograph.events.hybrid import Settings
from barograph.records import Article, Sentence

STATEMENT, VCOOP, MCOOP, VCONF, MCONF = range(5)
# the shipped gates for a parse event (meta.json), without its calibration
SHIPPED = dict(
    need_named=1,
    min_source_score=0.5,
    gate="dictionary",
    source_named=True,
    target_someone=True,
    passive_agent=True,
    statement_resolved=1,
    things_no_target=True,
    purpose_acts=True,
    one_sided=True,
    one_sided_named=True,
    inner_targets=True,
    beside_uncounted=True,
    passive_place=True,
    bare_agents=True,
    nation_things=True,
)


def _p(cls: int, p: float = 0.99) -> list[float]:
    rest = (1 - p) / (len(CLASSES) - 1)
    return [p if k == cls else rest for k in range(len(CLASSES))]


@pytest.fixture(scope="module")
def base():
    return Coder(classifier=None)


def counted(events):
    return [e for e in events if e.modality in ("asserted", "claimed")]


def first(base, text: str, cls: int, monkeypatch=None, without=None, target=None, source=None):
    evs = first_all(base, text, cls, monkeypatch, without, target, source)
    return evs[0] if evs else None


def first_all(base, text: str, cls: int, monkeypatch=None, without=None, target=None, source=None):
    """The first event of ``text`` read as class ``cls``, the tagger marking its first word (or
    the words ``source``) as the source and the words ``target`` as the target; with
    ``without``, that step taken out of the hybrid's steps."""
    if without is not None:
        monkeypatch.setattr(hybrid, "STEPS", tuple(s for s in hybrid.STEPS if s is not without))
    lo = text.index(source) if source else 0
    spans = {"source": [lo, lo + len(source) if source else text.index(" "), 0.9]}
    if target:
        spans["target"] = [text.index(target), text.index(target) + len(target), 0.9]
    c = Coder(base.resolver, classifier=FixedProbabilities({text: (_p(cls), spans)}), settings=Settings(**SHIPPED))
    c.nlp = base.nlp
    art = Article(doc="t", index=0, start=0, end=len(text), date="2024-03-04", text=text, id="a1")
    evs = c.code(art, [Sentence("a1", 0, 0, len(text), text)])
    if without is not None:
        monkeypatch.undo()
    return evs


def test_the_recipient_of_a_gift_is_the_target_not_what_is_given(base, monkeypatch):
    # the tagger marks the adjective on what is given, which names a state: still not the target
    text = "Canada returned three Peruvian statues to the government of Peru."
    e = first(base, text, MCOOP, target="Peruvian")
    assert (e.source, e.target, e.target_text) == ("CAN", "PERGOV", "the government of Peru")
    e = first(base, text, MCOOP, monkeypatch, without=hybrid.recipient_of_a_gift, target="Peruvian")
    assert e.target_text == "Peruvian"
    # passive: what was returned is the subject, the giver the "by" agent
    text = "The statues were returned by Canadian officials to the Peruvian authorities."
    e = first(base, text, MCOOP)
    assert (e.source, e.target) == ("CANGOV", "PERGOV")


def test_someone_acted_on_outside_what_is_given_stays_the_target(base):
    text = "Canada sent troops to the border to protect Kurdish villagers."
    e = first(base, text, MCOOP)
    assert e is None or e.target_text != "the border"


def test_cooperation_with_a_mission_reaches_its_host_country(base, monkeypatch):
    text = "Ireland is deploying troops to the UN peacekeeping mission in Lebanon."
    e = first(base, text, MCOOP)
    assert (e.source, e.target, e.target_text) == ("IRL", "LBN", "Lebanon")
    e = first(base, text, MCOOP, monkeypatch, without=hybrid.host_of_a_mission)
    assert e.target == "IGOUNO"
    # an attack on the mission is an attack on the mission's body, not on its host
    text = "Rebels attacked the UN peacekeeping mission in Lebanon."
    e = first(base, text, MCONF)
    assert e.target == "IGOUNO"


def test_aid_with_no_recipient_goes_to_whom_its_purpose_helps(base, monkeypatch):
    text = "Norway provided emergency aid to help victims of the floods."
    e = first(base, text, MCOOP)
    assert e.cameo.startswith("07") and e.source == "NOR" and e.target_text == "victims of the floods"
    e = first(base, text, MCOOP, monkeypatch, without=hybrid.aid_to_the_place)
    assert e is None or e.target_text == ""


def test_aid_with_no_recipient_goes_to_the_country_it_is_for(base, monkeypatch):
    for text in (
        "Japan gave 20 million dollars to promote rural development in Kenya.",
        "Norway has provided 30 million dollars for humanitarian aid to end the famine in Somalia.",
    ):
        e = first(base, text, MCOOP)
        assert e.cameo.startswith("07") and e.target_text in ("Kenya", "Somalia") and e.target_resolved, text
        e = first(base, text, MCOOP, monkeypatch, without=hybrid.aid_to_the_place)
        assert e is None or e.target_text == "", text


def test_an_object_pronoun_is_its_antecedent_in_the_sentence(base, monkeypatch):
    text = "Rebels seized forty villagers near Goma and used them as porters."
    e = first(base, text, MCONF)
    assert e.target_text == "villagers" or e.target_text.endswith("villagers")
    text = "Chile summoned Bolivian Ambassador Luis Arce on Monday, then thanked him for his help."
    words = hybrid.ParseActors  # the step reads the antecedent from the parse
    doc = base.nlp(text)
    him = next(t for t in doc if t.lower_ == "him")
    ante = hybrid._antecedent(him, "Chile")
    assert words and ante is not None and ante.text == "Arce"
    # the source itself is no antecedent of its object
    doc = base.nlp("Luis Arce said the court had summoned him.")
    assert hybrid._antecedent(next(t for t in doc if t.lower_ == "him"), "Luis Arce") is None


def test_an_actors_own_forces_are_no_target(base, monkeypatch):
    # the tagger marks "its forces": the place of the act is the target
    text = "Turkey has strengthened its forces in Syria amid the fighting."
    e = first(base, text, MCONF, target="its forces")
    assert (e.source, e.target_text) == ("TUR", "Syria") and e.target_resolved
    e = first(base, text, MCONF, monkeypatch, without=hybrid.own_forces_no_target, target="its forces")
    assert e.target_text == "its forces"
    # with no place it names, the act is one-sided
    text = "Chad is withdrawing its troops."
    e = first(base, text, MCOOP, target="its troops")
    assert e.source == "TCD" and e.target_text == "" and e.target == ""
    e = first(base, text, MCOOP, monkeypatch, without=hybrid.own_forces_no_target, target="its troops")
    assert e.target_text == "its troops"


def test_forces_shown_with_no_owner_are_the_sources_own(base, monkeypatch):
    # a show of force (15) on bare forces: the source's own, no one acted on; one event, not
    # one per force named
    text = "The government of Peru mobilized police and soldiers to the mining area."
    evs = counted(first_all(base, text, MCONF, source="The government of Peru"))
    assert [(e.cameo[:2], e.source, e.target, e.target_text) for e in evs] == [("15", "PERGOV", "", "")]
    evs = counted(first_all(base, text, MCONF, monkeypatch, without=hybrid.own_forces_no_target, source="The government of Peru"))
    assert {e.target_text for e in evs} == {"police", "soldiers"}
    # forces another's by their adjective are whom the act is aimed at
    text = "Russia deployed troops against the Ukrainian army."
    e = first(base, text, MCONF)
    assert e.target == "UKRMIL"


def test_a_one_sided_acts_pronoun_object_is_its_antecedent(base, monkeypatch):
    text = "President Tom Reyes met Ana Lopez on Friday and pardoned her."
    e = first(base, text, MCOOP, source="President Tom Reyes")
    assert e.target_text == "Ana Lopez"
    e = first(base, text, MCOOP, monkeypatch, without=hybrid.pronoun_in_the_sentence, source="President Tom Reyes")
    assert e is None or e.target_text == ""


def test_a_claim_of_responsibility_is_aimed_at_whom_the_deed_hit(base, monkeypatch):
    # a name no tagger marks inside the object: the object, not the place after it
    text = "ADF rebels claimed that they had attacked two FARDC camps near Beni."
    e = first(base, text, STATEMENT, source="ADF rebels")
    assert e.cameo == "015" and e.target_text == "two FARDC camps"
    e = first(base, text, STATEMENT, monkeypatch, without=hybrid.whom_a_claimed_deed_hit, source="ADF rebels")
    assert e is None or e.target_text == ""


def test_a_recipient_the_dictionary_knows_outranks_a_name_elsewhere(base):
    text = "Chile expressed condolences to the government of Peru over the death of Alan Garcia."
    e = first(base, text, STATEMENT)
    assert (e.source, e.target) == ("CHL", "PERGOV")


def test_a_tagger_span_cut_inside_its_phrase_is_completed(base):
    """``hybrid._completed``: the tagger's span runs on to the end of the noun phrase it stops
    inside, and starts at the owner of a leading "'s"; a nation's adjective stays as marked."""
    cases = [
        ("The Ministry of Defence opened an inquiry.", "The Ministry of", "The Ministry of Defence"),
        ("Members of the Security Council met on Monday.", "Members of", "Members of the Security Council"),
        (
            "A local militia leader and his five bodyguards surrendered.",
            "A local militia leader and his",
            "A local militia leader and his five bodyguards",
        ),
        ("Bolivia detained opposition leader Luis Camacho on Friday.", "opposition leader Luis", "opposition leader Luis Camacho"),
        ("Chile condemned the international criminal court.", "the international", "the international criminal court"),
        ("Troops entered Nigeria's Army School on Friday.", "'s Army School", "Nigeria's Army School"),
        ("Canada imposed tariffs on Chinese goods.", "Chinese", "Chinese"),
    ]
    for text, marked, whole in cases:
        doc = base.nlp(text)
        lo = text.index(marked)
        a, b = hybrid._completed(doc, lo, lo + len(marked))
        assert text[a:b] == whole, (text, text[a:b])
