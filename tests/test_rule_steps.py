"""Each named rule of barograph.events.rules on sentences written for it: the outcome with the
rule, and (where a sentence shows it) a different outcome with that one rule taken out, so a
test fails when its rule stops doing anything. Runs the real resolver and parser."""

from __future__ import annotations

import pytest

from barograph.events import extract, rules
from barograph.records import Article, Sentence

LISTS = ("VERB_RULES", "OBJECT_RULES", "FALLBACK_TARGET_RULES", "NOUN_RULES", "PAIR_RULES")


@pytest.fixture(scope="module")
def coder():
    from barograph.events.coder import Coder

    return Coder(classifier=None)  # the rules alone


def code(coder, *sentences):
    text, sents, pos = "", [], 0
    for i, s in enumerate(sentences):
        sents.append(Sentence("a1", i, pos, pos + len(s), s))
        text += s + " "
        pos += len(s) + 1
    art = Article(
        doc="steps.txt", index=0, start=0, end=len(text), date="2019-06-01", outlet="Wire", body_start=0, body_end=len(text), text=text, id="a1"
    )
    return coder.code(art, sents)


def without(monkeypatch, name):
    for lst in LISTS:
        monkeypatch.setattr(rules, lst, tuple(r for r in getattr(rules, lst) if r.__name__ != name))


def has(evs, src, tgt, root="", trigger=None):
    return [e for e in evs if e.source == src and e.target == tgt and e.cameo.startswith(root) and (trigger is None or e.trigger == trigger)]


# (rule, sentences, what the rule gives: a check on the events) - each check fails without the rule
CASES = [
    (
        "light_verb_leaves_the_act_to_its_noun",
        ["Egypt made a visit to Sudan."],
        lambda evs: has(evs, "EGY", "SDN", "04", "visit") and not [e for e in evs if e.trigger == "made"],
    ),
    (
        "joining_in_an_act_is_the_act",
        ["Canada joined Australia in condemning Fiji."],
        lambda evs: has(evs, "CAN", "FJI", "11") and not has(evs, "CAN", "AUS"),
    ),
    ("hostile_label_criticises", ["Ecuador described Colombia as an aggressor."], lambda evs: has(evs, "ECU", "COL", "111")),
    (
        "a_relation_in_a_modifier_is_background",
        ["Maduro, backed by Havana, ordered raids against Colombia."],
        lambda evs: has(evs, "VENGOV", "COL", "19") and not [e for e in evs if e.cameo.startswith("05")],
    ),
    ("firing_a_person_is_dismissal", ["Kenya fired two Ugandan officials."], lambda evs: not [e for e in evs if e.cameo[:2] in ("18", "19", "20")]),
    ("a_release_frees_people", ["The Kremlin released a readout to Ukraine."], lambda evs: not [e for e in evs if e.cameo.startswith("084")]),
    (
        "reported_clause_names_the_target",
        ["Iraqi officials demanded that Turkey withdraw its troops."],
        lambda evs: has(evs, "IRQGOV", "TUR", "10", "demanded"),
    ),
    ("owner_stands_for_its_act", ["Rome rejected a proposal by Egypt's rulers for a new pipeline."], lambda evs: has(evs, "ITAGOV", "EGYGOV", "12")),
    (
        "stopping_a_fight_de_escalates",
        ["Sudanese troops agreed to stop shelling Chadian villages."],
        lambda evs: [e for e in evs if e.cameo == "087" and e.modality == "intended"] and not [e for e in evs if e.cameo.startswith("19")],
    ),
    (
        "aspect_verb_leaves_the_act_to_its_complement",
        ["Kenya and Somalia managed to end their dispute."],
        lambda evs: not [e for e in evs if e.trigger == "managed"],
    ),
    (
        "joining_is_no_meeting",
        ["Dozens of Belgian volunteers joined the Kurdish militias."],
        lambda evs: not [e for e in evs if e.cameo.startswith("04")],
    ),
    (
        "attribution_is_no_act",
        ["Al Jazeera cited Qatar's foreign minister as saying talks would resume."],
        lambda evs: not [e for e in evs if e.trigger == "cited"],
    ),
    (
        "asking_whether_is_a_question",
        ["Egypt asked Sudan whether the talks on the dam would resume."],
        lambda evs: not [e for e in evs if e.cameo.startswith("02")],
    ),
    ("owner_stands_for_its_act", ["Denmark criticised Norway's fishing policy."], lambda evs: has(evs, "DNK", "NOR", "11")),
    ("force_aims_where_it_is", ["Iran boosted its military presence in Yemen."], lambda evs: has(evs, "IRN", "YEM", "15")),
    (
        "unnamed_object_is_no_target",
        ["Lithuania criticised the report's claim that Belarus had hidden the accident."],
        lambda evs: has(evs, "LTU", "BLR", "11"),
    ),
    ("governed_act_lends_its_target", ["Algeria threatened to expel Moroccan diplomats."], lambda evs: has(evs, "DZA", "MARGOV", "13", "threatened")),
    (
        "protest_aims_at_its_purpose",
        ["Hundreds of Armenians protested in Yerevan to denounce Azerbaijan."],
        lambda evs: has(evs, "ARM", "AZE", "14", "protested"),
    ),
    ("reported_clause_names_the_target", ["Lithuania insisted that Belarus must close the plant."], lambda evs: has(evs, "LTU", "BLR", "100")),
    (
        "own_state_is_no_partner_in_comment",
        ["Rouhani insisted that Iran must resist the pressure."],
        lambda evs: not [e for e in evs if e.target == "IRN"],
    ),
    (
        "a_state_owning_its_leaders_act_is_no_target",
        ["The Greek president vowed to defend Greece's islands."],
        lambda evs: not [e for e in evs if e.target == "GRC"],
    ),
    ("migrants_are_no_visitors", ["Honduran migrants travelled to Mexico."], lambda evs: not [e for e in evs if e.cameo.startswith("04")]),
    (
        "the_press_is_no_target_of_statements",
        ["The Thai foreign minister told the Associated Press that talks would continue."],
        lambda evs: not [e for e in evs if e.target.endswith("MED")],
    ),
    (
        "partner_met_carries_to_a_conjoined_act",
        ["The Jordanian king met with Saudi officials and agreed to expand trade."],
        lambda evs: has(evs, "JORGOV", "SAUGOV", trigger="agreed"),
    ),
    (
        "joint_subjects_act_on_each_other",
        ["Serbia and Kosovo agreed on a new border crossing."],
        lambda evs: has(evs, "SRB", "XKX") and has(evs, "XKX", "SRB"),
    ),
    (
        "reversed_code_swaps_the_roles",
        ["Thousands of Eritreans immigrated to Israel."],
        lambda evs: has(evs, "ISR", "ERI", "075") and not has(evs, "ERI", "ISR"),
    ),
    ("own_forces_are_no_target", ["Estonia withdrew its soldiers from Mali."], lambda evs: has(evs, "EST", "MLI", "08")),
    (
        "prepositions_name_the_target",
        ["Venezuelan sailors fired at a Guyanese boat."],
        lambda evs: [e for e in evs if e.source_entity == "VEN" and e.target_entity == "GUY"],
    ),
    (
        "prepositions_name_the_target",
        ["Nepal fought with India against China."],
        lambda evs: has(evs, "NPL", "CHN", "19") and not has(evs, "NPL", "IND"),
    ),
    ("object_noun_names_the_target", ["Spain promised support for Portugal."], lambda evs: has(evs, "ESP", "PRT", "03", "promised")),
    ("light_verb_lends_its_subject", ["Azerbaijan launched an offensive against Armenia."], lambda evs: has(evs, "AZE", "ARM", "19", "offensive")),
    ("light_verb_lends_its_target", ["The Spanish king paid Morocco a visit."], lambda evs: has(evs, "ESPGOV", "MAR", "04", "visit")),
    (
        "mediator_deals_with_each_party",
        ["Norway's mediation between Colombia and the FARC rebels ended the war."],
        lambda evs: has(evs, "NOR", "COL", "045") and not has(evs, "COL", "COLREB"),
    ),
    (
        "citizens_face_their_own_government",
        ["Thousands of Serbians protested against the government."],
        lambda evs: has(evs, "SRBCVL", "SRBGOV", "14"),
    ),
    ("placed_agent_needs_a_partner_of_its_kind", ["Soldiers criticised Peru."], lambda evs: not evs),
    ("a_capital_that_acts_is_its_government", ["Nairobi criticised Kampala."], lambda evs: has(evs, "KENGOV", "UGA", "11")),
    ("an_unknown_name_needs_a_known_partner", ["Jean Dupont criticised Acme Holdings."], lambda evs: not evs),
    (
        "fighting_protesters_riot",
        ["Demonstrators in Quito attacked the police."],
        lambda evs: [e for e in evs if e.cameo == "145" and e.source_entity == "ECU"],
    ),
    (
        "declared_yield_is_a_concession",
        ["Armenia will release Azerbaijani prisoners."],
        lambda evs: [e for e in evs if e.cameo.startswith("084") and e.plover == "CONCEDE"],
    ),
    (
        "a_pronoun_is_less_sure",
        ["Chile recalled its envoy.", "It also criticised Peru."],
        lambda evs: has(evs, "CHL", "PER", "11") and has(evs, "CHL", "PER", "11")[0].confidence == 0.5,
    ),
]


@pytest.mark.parametrize("rule,sentences,check", CASES, ids=[c[0] for c in CASES])
def test_rule_gives_its_outcome_and_only_it(coder, monkeypatch, rule, sentences, check):
    assert check(code(coder, *sentences)), f"{rule} with all rules"
    without(monkeypatch, rule)
    assert not check(code(coder, *sentences)), f"{rule} taken out changes nothing here"


# -- rules whose effect another rule would also give on a whole sentence: checked on their own
def sentence_coder(coder, text):
    doc = coder.nlp(text)
    art = Article(doc="d", index=0, start=0, end=len(text), date="2019-06-01", text=text, id="a")
    mentions = coder.resolver.mentions(text, art.date, include_agents=True)
    return extract.SentenceCoder(doc, Sentence("a", 0, 0, len(text), text), extract.ArticleContext(art), mentions, coder.dic, "v")


def verb_frame(sc, word):
    v = next(t for t in sc.doc if t.text == word)
    return rules.VerbFrame(v, v.lemma_.lower(), [c for c in v.children if c.dep_ == "dobj"])


def test_calling_someone_a_partner_is_no_call(coder):
    sc = sentence_coder(coder, "Lula called Biden a good partner.")
    f = verb_frame(sc, "called")
    assert rules.calling_someone_names_them(sc, f) == rules.NO_EVENT
    sc = sentence_coder(coder, "Lula called Biden on Monday.")
    assert rules.calling_someone_names_them(sc, verb_frame(sc, "called")) is None


def test_giving_without_anything_material_is_no_aid(coder):
    sc = sentence_coder(coder, "Sweden gave Finland a head start.")
    f = verb_frame(sc, "gave")
    f.code = "070"
    assert rules.giving_needs_something_material(sc, f) == rules.NO_EVENT
    sc = sentence_coder(coder, "Sweden gave Finland weapons.")
    f = verb_frame(sc, "gave")
    f.code = "070"
    assert rules.giving_needs_something_material(sc, f) is None
    f.matched = 1  # a dictionary pattern knows better than the default
    sc = sentence_coder(coder, "Sweden gave Finland a head start.")
    f2 = verb_frame(sc, "gave")
    f2.code, f2.matched = "070", 1
    assert rules.giving_needs_something_material(sc, f2) is None


def test_transfer_finds_the_destination_inside_the_object(coder):
    sc = sentence_coder(coder, "Turkey delivered a batch of rifles and a consignment of shells to Armenia.")
    v = next(t for t in sc.doc if t.text == "delivered")
    objs = [c for c in v.children if c.dep_ in ("dobj", "dative", "iobj", "attr")]
    assert not [c for c in v.children if c.dep_ == "prep" and c.lower_ == "to"]  # "to" is deep in the object
    c = rules.Candidates(v, "deliver", objs)
    rules.transfer_destination_deep_in_the_object(sc, c)
    assert [t.text for t in c.out] == ["Armenia"]
    c = rules.Candidates(v, "praise", objs)  # only transfer verbs look inside their object
    rules.transfer_destination_deep_in_the_object(sc, c)
    assert c.out == []


def test_comment_without_a_target_is_no_event(coder):
    sc = sentence_coder(coder, "Chile commented on the vote.")
    f = verb_frame(sc, "commented")
    f.code = "010"
    assert rules.comment_needs_a_target(sc, f) == rules.NO_EVENT
    f.targets = [sc.doc[0]]
    assert rules.comment_needs_a_target(sc, f) is None


def _arg(code, entity, start, end, ref, kind="state", via="mention"):
    return extract.Arg(code, entity, code, start, end, -1, via, ref, None, kind)


def test_one_mention_or_one_state_is_no_dyad(coder):
    sc = sentence_coder(coder, "Erdogan defended his war.")
    erdogan = _arg("TURGOV", "TUR", 0, 7, 0, "person")
    his = _arg("TURGOV", "TUR", 17, 20, 0, "person", via="pronoun")  # stands for the same mention
    p = rules.Pair(erdogan, his, sc.doc[1], "190", "asserted", 0.6)
    assert rules.one_mention_is_no_dyad(sc, p) == rules.NO_EVENT
    other = _arg("RUSGOV", "RUS", 30, 35, 30, "person")
    assert rules.one_mention_is_no_dyad(sc, rules.Pair(erdogan, other, sc.doc[1], "190", "asserted", 0.6)) is None
    tur1, tur2 = _arg("TUR", "TUR", 0, 3, 0), _arg("TUR", "TUR", 10, 13, 10)
    assert rules.a_state_on_itself_is_no_dyad(sc, rules.Pair(tur1, tur2, sc.doc[1], "190", "asserted", 0.6)) == rules.NO_EVENT
    gov = _arg("TURGOV", "TUR", 10, 13, 10)
    assert rules.a_state_on_itself_is_no_dyad(sc, rules.Pair(tur1, gov, sc.doc[1], "190", "asserted", 0.6)) is None


def test_plover_type_follows_the_recoded_code(coder):
    sc = sentence_coder(coder, "Protesters attacked the police.")
    p = rules.Pair(_arg("A", "A", 0, 1, 0), _arg("B", "B", 2, 3, 2), sc.doc[1], "145", "asserted", 0.6)
    rules.plover_type_of_the_code(sc, p)
    assert p.ptype == "PROTEST"
    p.code = "190"
    rules.plover_type_of_the_code(sc, p)
    assert p.ptype == "ASSAULT"


# -- the list itself
def test_every_rule_says_why_and_runs_once_in_one_order():
    names = [r.__name__ for r in rules.ALL_RULES]
    assert len(names) == len(set(names))
    for r in rules.ALL_RULES:
        assert r.__doc__ and len(r.__doc__.split()) >= 6, f"{r.__name__} needs a docstring saying why"


def test_every_decision_rule_has_a_test_here():
    mechanics = {
        "dictionary_code",
        "subject_is_the_source",
        "voice_decides_the_roles",
        "tokens_to_actors",
        "objects_are_targets",
        "noun_modifiers_give_the_roles",
    }  # the plain reading, tested everywhere
    tested = {c[0] for c in CASES} | {
        "calling_someone_names_them",
        "giving_needs_something_material",
        "transfer_destination_deep_in_the_object",
        "comment_needs_a_target",
        "one_mention_is_no_dyad",
        "a_state_on_itself_is_no_dyad",
        "plover_type_of_the_code",
    }
    assert {r.__name__ for r in rules.ALL_RULES} - mechanics == tested


def test_rules_and_word_lists_are_part_of_the_version(monkeypatch):
    from barograph.events import wordlists

    base = extract.digest()
    assert extract.nouns_digest() == base  # the name coder.py asks for
    monkeypatch.setattr(rules, "ALL_RULES", tuple(reversed(rules.ALL_RULES)))
    assert extract.digest() != base  # another order is another coder
    monkeypatch.undo()
    text = wordlists._text()
    monkeypatch.setattr(wordlists, "_text", lambda: text.replace("\n@light\n", "\n@light\nbrandish "))
    assert extract.digest() != base
