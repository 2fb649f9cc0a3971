"""Actor resolution against the real bundled dictionaries (Phoenix + barograph's file)."""

from __future__ import annotations

import time

import pytest

from barograph.errors import BadInput
from barograph.events.actor_dictionaries import parse_date, phrase_key, read_barograph_actors, read_petrarch_actors, read_petrarch_agents, tokenize
from barograph.events.actors import ActorResolver, entity_of, pick_role


@pytest.fixture(scope="module")
def r() -> ActorResolver:
    return ActorResolver.default()


def code(r, phrase, date=None):
    m = r.resolve(phrase, date)
    return None if m is None else (m.code, m.entity)


# -- phrases a parser hands over: head actor, country + sector ------------------------------
@pytest.mark.parametrize(
    "phrase,date,want",
    [
        ("two Turkish journalists", None, ("TURMED", "TUR")),
        ("the Pentagon", None, ("USAMIL", "USA")),
        ("the Kremlin", None, ("RUSGOV", "RUS")),
        ("the White House", None, ("USAGOV", "USA")),
        ("Moscow", None, ("RUS", "RUS")),
        ("Washington", None, ("USA", "USA")),
        ("Beijing", None, ("CHN", "CHN")),
        ("the U.S.", None, ("USA", "USA")),
        ("the Syrian regime", None, ("SYRGOV", "SYR")),
        ("the Assad regime", "2015-06-01", ("SYRGOV", "SYR")),
        ("the Islamic State", None, ("IMGMUSISI", "ISIS")),
        ("Daesh", None, ("IMGMUSISI", "ISIS")),
        ("al-Nusra Front fighters", None, ("IMGMUSAQD", "AQ")),
        ("NATO allies", None, ("IGOWSTNAT", "NATO")),
        ("the UN Security Council", None, ("IGOUNO", "UN")),
        ("the EU", None, ("IGOEUREEC", "EU")),
        ("Ukrainian separatists", None, ("UKRREB", "UKR")),
        ("the Israeli Defense Forces", None, ("ISRMIL", "ISR")),
        ("Iranian Revolutionary Guards", None, ("IRNMIL", "IRN")),
        ("Saudi-led coalition", None, ("SAU", "SAU")),
        ("U.S.-led coalition", None, ("USA", "USA")),
        ("the president of Russia", None, ("RUSGOV", "RUS")),
        ("rebels in Syria", None, ("SYRREB", "SYR")),
        ("the Syrian opposition", None, ("SYROPP", "SYR")),
        ("Russian officials in Syria", None, ("RUSGOV", "RUS")),
        ("Assad's army", "2015-06-01", ("SYRMIL", "SYR")),
        ("Russia's defense ministry", None, ("RUSGOVMIL", "RUS")),
    ],
)
def test_resolve_country_and_sector(r, phrase, date, want):
    assert code(r, phrase, date) == want


def test_kurds_are_one_entity_across_states(r):
    for phrase in ("Kurds", "Syrian Kurds", "Kurdish fighters", "Kurdish militias", "the PKK", "the YPG", "Peshmerga"):
        m = r.resolve(phrase)
        assert m is not None and m.entity == "KUR", phrase


def test_titles_name_the_head_and_keep_the_span(r):
    phrase = "Russian Defense Minister Sergey Shoigu"
    m = r.resolve(phrase, "2015-12-01")
    assert m.entity == "RUS" and m.sector == "GOV" and "MIL" in m.code
    assert phrase[m.start : m.end] == phrase
    m = r.resolve("Chinese Foreign Ministry spokesman")
    assert (m.code, m.entity) == ("CHNGOV", "CHN")
    m = r.resolve("North Korean state media")
    assert m.entity == "PRK" and "MED" in m.code


# -- dates: office holders by the article's date -----------------------------------------
@pytest.mark.parametrize(
    "phrase,date,want",
    [
        ("Kerry", "2015-06-01", "USAGOV"),
        ("Kerry", "2022-06-01", "USAELI"),
        ("Secretary of State John Kerry", "2015-03-01", "USAGOV"),
        ("President Obama", "2015-01-01", "USAGOV"),
        ("Obama", "2019-01-01", "USAELI"),
        ("Panetta", "2010-01-01", "USASPY"),
        ("Panetta", "2015-01-01", "USAELI"),
        ("French President Francois Hollande", "2015-03-01", "FRAGOV"),
        ("Hollande", "2019-03-01", "FRAELI"),
        ("German Chancellor Angela Merkel", "2015-03-01", "DEUGOV"),
        ("Putin", "2015-03-01", "RUSGOV"),
        ("Erdogan", "2015-12-01", "TURGOV"),
    ],
)
def test_office_holders_by_date(r, phrase, date, want):
    assert r.resolve(phrase, date).code == want


def test_former_officials_are_elites_not_government(r):
    assert code(r, "the former CIA chief", "2015-01-01") == ("USAELI", "USA")
    assert code(r, "former President Obama", "2015-01-01") == ("USAELI", "USA")
    m = r.resolve("Erdogan's son", "2015-12-01")
    assert m.entity == "TUR" and m.sector == "ELI"


def test_no_date_takes_the_incumbent_or_general_role(r):
    assert r.resolve("Putin").code == "RUSGOV"  # open-ended term
    assert r.resolve("Obama").code == "USAELI"  # only closed terms: the general role


# -- false actors ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "phrase",
    [
        "us",
        "Us",
        "the government",
        "rebels",
        "officials",
        "May",
        "the turkey",
        "china plates",
        "the Russian-backed rebels",
        "U.S.-backed rebels",  # a dotted abbreviation in a compound, as "US-backed"
        "U.N.-funded militia fighters",
        "Kurdish-held towns",
        "Manchester United",
    ],
)
def test_no_actor(r, phrase):
    assert r.resolve(phrase) is None


def test_capitals_only_for_short_forms(r):
    assert r.mentions("let us go") == []
    assert [m.code for m in r.mentions("the US and the UN")] == ["USA", "IGOUNO"]
    assert r.mentions("he will go in may")[:1] == []


# -- mentions in running text --------------------------------------------------------------
def test_mentions_spans_and_order(r):
    s = (
        "Russia, which joined the U.S. in bombing the tanker trucks, accused Erdogan's son of "
        "profiting from ISIS oil, while two Turkish journalists said Ankara armed Syrian rebels."
    )
    ms = r.mentions(s, "2015-12-01")
    got = [(s[m.start : m.end], m.entity) for m in ms]
    assert got == [
        ("Russia", "RUS"),
        ("the U.S.", "USA"),
        ("Erdogan's son", "TUR"),
        ("ISIS", "ISIS"),
        ("Turkish journalists", "TUR"),
        ("Ankara", "TUR"),
        ("Syrian rebels", "SYR"),
    ]
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:]))


def test_sentences_do_not_merge(r):
    s = "Troops entered Damascus. Erdogan protested."
    got = [s[m.start : m.end] for m in r.mentions(s, "2015-12-01")]
    assert got == ["Damascus", "Erdogan"]


def test_bare_agents_on_request(r):
    ms = r.mentions("The rebels shelled the town.", include_agents=True)
    assert [(m.kind, m.entity, m.code) for m in ms] == [("agent", "", "REB")]
    assert r.mentions("The rebels shelled the town.") == []


def test_sample_page_actors(r, sample_path):
    text = sample_path.read_text(encoding="utf-8")
    ms = r.mentions(text, "2015-12-01")
    ents = {m.entity for m in ms}
    assert {"RUS", "TUR", "USA", "SYR", "NATO", "ISIS", "KUR"} <= ents
    for m in ms:  # every span is real text and capitalised where a name is required
        assert text[m.start : m.end].strip() == text[m.start : m.end]
        assert m.kind == "agent" or any(c.isupper() for c in text[m.start : m.end])


def test_mentions_are_fast(r):
    s = (
        "Russian Foreign Minister Sergey Lavrov told reporters in Moscow on Tuesday that Turkey "
        "had shot down the jet over Syria and that NATO allies had ignored Kurdish fighters."
    )
    r.mentions(s)
    n = 200
    t = time.perf_counter()
    for _ in range(n):
        r.mentions(s, "2015-12-01")
    assert (time.perf_counter() - t) / n < 0.005  # generous bound; bench/ has the real figure


# -- dictionary readers --------------------------------------------------------------------
def test_tokenize_keeps_offsets_and_splits_possessives():
    s = "Erdogan’s son met U.S. Gen. Dempsey in Russia."
    toks = tokenize(s)
    assert [t for t, _, _ in toks] == ["Erdogan", "’s", "son", "met", "U.S.", "Gen.", "Dempsey", "in", "Russia", "."]
    assert all(s[a:b] == t for t, a, b in toks)
    assert phrase_key("U.S._VICE_PRESIDENT") == ("US", "VICE", "PRESIDENT")


def test_petrarch_formats():
    text = (
        "# comment\nVLADIMIR_PUTIN_  # note\n+PUTIN_\n\t[RUSELI 700101-990809]\n\t[RUSGOV >080508]\n"
        "\t[UKRGOV > 20140607]\n\t[RUSELI]\nNATO_\n+NORTH_ATLANTIC_TREATY_ORGANIZATION_\n\t[IGOWSTNAT]\n"
        "NOCODE_\n"
    )
    gs = list(read_petrarch_actors(text, "x"))
    assert [g.name for g in gs] == ["VLADIMIR_PUTIN", "NATO"]
    putin = gs[0]
    assert putin.kind == "person" and ("PUTIN",) in putin.phrases
    assert [(x.code, x.start, x.end) for x in putin.roles] == [
        ("RUSELI", 19700101, 19990809),
        ("RUSGOV", 20080508, None),
        ("UKRGOV", 20140607, None),
        ("RUSELI", None, None),
    ]
    agents = dict(read_petrarch_agents("!MINIST! = MINISTER, MINISTRY\nDEFENSE_!MINIST! [~GOVMIL]\nJOURNALIST [~MED]\nBAD [IGO~]\n"))
    assert agents[("DEFENSE", "MINISTER")] == "GOVMIL" and agents[("JOURNALISTS",)] == "MED"
    assert ("BAD",) not in agents
    assert parse_date("991231") == 19991231 and parse_date("150101") == 20150101


def test_barograph_format_errors_name_file_and_line():
    good = "@kind person\nJane Roe | Roe = XYZGOV 2001-01-01..2004-12-31; XYZELI\n"
    g = next(read_barograph_actors(good, "mine.txt"))
    assert g.name == "JANE_ROE" and g.roles[0].start == 20010101 and g.roles[1].start is None
    for bad, why in [
        ("Jane Roe XYZGOV\n", "no '='"),
        ("@kind nobody\n", "bad directive"),
        ("Jane = xyz\n", "bad actor code"),
        ("Jane = XYZ 2001/1/1\n", "date range"),
        ("@kind agent\nclerk = GOV\n", "agent codes"),
    ]:
        with pytest.raises(BadInput) as e:
            list(read_barograph_actors("# head\n" + bad, "mine.txt"))
        assert str(e.value).startswith("mine.txt:") and why in str(e.value)


def test_user_files_add_and_override(tmp_path, monkeypatch):
    f = tmp_path / "mine.actors.txt"
    f.write_text(
        "@kind group\nNorthern Front | the Front = XYZREB@NFRONT\n@kind place\nMoscow = RUSGOV\n@kind agent\nhackers = ~SPY\n", encoding="utf-8"
    )
    res = ActorResolver(extra_files=[f])
    m = res.resolve("the Northern Front")
    assert (m.code, m.entity, m.kind) == ("XYZREB", "NFRONT", "group")
    assert res.resolve("Moscow").code == "RUSGOV"
    assert res.resolve("Russian hackers").code == "RUSSPY"
    assert ActorResolver.default().resolve("Moscow").code == "RUS"  # the shared one is untouched
    env = tmp_path / "env.txt"
    env.write_text("@kind person\nJane Roe = GBRGOV\n", encoding="utf-8")
    monkeypatch.setenv("BAROGRAPH_ACTORS", str(env))
    assert ActorResolver().resolve("Jane Roe").code == "GBRGOV"
    with pytest.raises(BadInput, match="no such actor file"):
        ActorResolver(extra_files=[tmp_path / "missing.txt"])


def test_entity_and_role_rules():
    assert entity_of("IGOWSTNAT") == "NATO" and entity_of("IMGMUSISI") == "ISIS"
    assert entity_of("KSV") == "XKX" and entity_of("RUSGOVMIL") == "RUS"
    assert entity_of("XYZREB", "NFRONT") == "NFRONT"
    roles = (("USAGOV", 20090120, 20170120, None), ("USAELI", None, None, None))
    assert pick_role(roles, 20150101)[0][0] == "USAGOV"
    assert pick_role(roles, 20190101)[0][0] == "USAELI"
    only_dated = (("USASPY", 20090213, 20110701, None),)
    assert pick_role(only_dated, 20150101) == (only_dated[0], True)  # out of office: former


def test_hyphen_compounds(r):
    s = "The anti-Moscow sanctions hurt anti-American protesters and the Saudi-led coalition."
    got = [(s[m.start : m.end], m.code) for m in r.mentions(s)]
    assert got == [("Moscow", "RUS"), ("American", "USA"), ("Saudi", "SAU")]
    assert r.mentions("pro-Russian separatists") == []


def test_a_place_after_an_agent_with_its_own_country_is_its_own_mention(r):
    s = "Ugandan soldiers in Burundi and their envoys from Kenya met officials from Chad."
    got = [(s[m.start : m.end], m.code) for m in r.mentions(s, include_agents=True)]
    assert ("Ugandan soldiers", "UGAMIL") in got and ("Burundi", "BDI") in got
    assert ("Kenya", "KEN") in got and ("envoys", "GOV") in got
    # an agent with no country of its own takes the place's
    assert ("officials from Chad", "TCDGOV") in got
    assert code(r, "the ambassador of Kenya") == ("KENGOV", "KEN")


def test_actor_files_are_part_of_the_version(tmp_path, monkeypatch):
    """`recode` can only see stale events if the coder version changes with the actor files."""
    monkeypatch.delenv("BAROGRAPH_ACTORS", raising=False)
    f = tmp_path / "mine.actors.txt"
    f.write_text("@kind person\nJane Roe = GBRGOV\n", encoding="utf-8")
    first = ActorResolver(extra_files=[f]).digest
    assert ActorResolver(extra_files=[f]).digest == first  # same files, same version
    f.write_text("@kind person\nJane Roe = FRAGOV\n", encoding="utf-8")
    second = ActorResolver(extra_files=[f]).digest
    builtin = ActorResolver().digest
    assert len({first, second, builtin}) == 3
    monkeypatch.setenv("BAROGRAPH_ACTORS", str(f))  # a user's file by environment
    assert ActorResolver().digest == second


def test_the_coder_version_changes_with_an_actor_file(tmp_path, monkeypatch):
    from barograph.events.coder import Coder

    monkeypatch.delenv("BAROGRAPH_ACTORS", raising=False)
    f = tmp_path / "mine.actors.txt"
    f.write_text("@kind person\nJane Roe = GBRGOV\n", encoding="utf-8")
    mine = Coder(ActorResolver(extra_files=[f])).version
    assert mine != Coder(ActorResolver()).version
    f.write_text("@kind person\nJane Roe = GBRMIL\n", encoding="utf-8")
    assert Coder(ActorResolver(extra_files=[f])).version != mine


def test_a_one_word_name_that_goes_on_is_someone_else(r):
    # "Abdullah Al Taweel" is not King Abdullah; a title, a dictionary word, a weekday or a
    # headline's capitals do not make a name go on
    assert not [m for m in r.mentions("Kuwait's trade minister Abdullah Al Taweel signed the deal.") if m.entity == "SAU"]
    assert [m.entity for m in r.mentions("King Abdullah met Obama.")] == ["JOR", "USA"]
    assert [m.entity for m in r.mentions("Obama Monday said the talks would resume.")][:1] == ["USA"]
    assert [m.entity for m in r.mentions("Obama Increases Number Of Syrian Refugees")][:1] == ["USA"]
