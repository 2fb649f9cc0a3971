"""Article splitting and metadata, on the sample page and on pages with other layouts."""

from __future__ import annotations

import re

import pytest

from barograph.ingest.sources import iter_documents
from barograph.records import Document
from barograph.text.articles import split_articles
from barograph.text.metadata import body_id

SAMPLE_ARTICLES = [
    ("How to Avoid War With Russia", "National Interest"),
    ("Time has passed the Turkish alliance", "The American Conservative"),
    ("Putin exposes obama’s paid isis mercenaries in middle east and syria", "The Marshall Report"),
    ("Obama’s former CIA chief: We need a Middle East strategy", "Fortune"),
    ("Russia unfairly demonized", "Japan Times"),
    ("The Real Scandal of the Libyan War", "The American Conservative"),
    ("US Forced to Cooperate with Russia on Syrian Quagmire", "Russian Council"),
]


def ws(s: str) -> str:
    return re.sub(r"\s+", " ", s)


@pytest.fixture(scope="module")
def sample():
    from tests.conftest import SAMPLE

    (doc,) = list(iter_documents([str(SAMPLE)], errors=[]))
    return doc, split_articles(doc)


def test_sample_titles_and_outlets(sample):
    doc, arts = sample
    assert [(a.title, a.outlet) for a in arts] == SAMPLE_ARTICLES
    assert [a.index for a in arts] == list(range(7))


def test_sample_spans_slice_the_document(sample):
    doc, arts = sample
    prev_end = 0
    for a in arts:
        assert prev_end <= a.start < a.body_start < a.body_end <= a.end <= len(doc.text)
        assert ws(doc.text[a.start : a.end]).startswith(a.title)
        assert a.text == doc.text[a.body_start : a.body_end]
        assert not a.text.startswith(a.title)
        prev_end = a.end
    # each article ends with its Source line, which is not in the body
    for a, (_, outlet) in zip(arts, SAMPLE_ARTICLES):
        assert ws(doc.text[a.start : a.end]).endswith(outlet) and "Source:" not in a.text


def test_sample_metadata(sample):
    doc, arts = sample
    marshall = arts[2]
    assert marshall.author == "Dianne Marshall" and marshall.date == "2015-09-25"
    assert "Advertisements" not in doc.text[arts[1].start : arts[1].end]
    assert arts[0].meta.get("subheadings") == ["Logic of a U.S.-Russia Divide"]
    assert all(a.language == "en" for a in arts)
    # no other date is invented: the other articles state none in a byline/dateline
    assert [a.date for a in arts if a is not marshall] == [None] * 6
    assert len({a.id for a in arts}) == 7 and all(len(a.id) == 32 for a in arts)


def test_id_is_hash_of_normalised_body():
    a = split_articles(Document("a", "Headline here\n\nRussia  and Turkey\nclashed at the border today.", "text"))
    b = split_articles(Document("b", "Other headline\n\nrussia and TURKEY clashed   at the border today.", "text"))
    assert a[0].id == b[0].id == body_id("russia and turkey clashed at the border today.")


BODY1 = (
    "NATO foreign ministers met in Brussels on Tuesday and agreed to station more troops in the "
    "Baltic states. Russia's foreign ministry condemned the decision as provocative."
)
BODY2 = (
    "Iran and Saudi Arabia exchanged sharp words at the United Nations on Wednesday. Tehran accused "
    "Riyadh of fuelling the war in Yemen, while Saudi diplomats rejected the charge."
)
BODY3 = (
    "China's navy held exercises near the disputed islands, and Vietnam protested to Beijing. The United States urged both sides to show restraint."
)


def doc_of(text: str, **kw) -> Document:
    return Document(doc="page.txt", text=text, kind="text", **kw)


def test_closing_markers_of_other_aggregators():
    text = (
        f"Ministers agree Baltic deployment\n\n{BODY1}\n\nOriginally published at Defense Daily\n\n"
        f"Share this:\nTwitter\nFacebook\n\n"
        f"Gulf rivals clash at UN\n\n{BODY2}\n\nRead more at https://www.gulfnews.example/un-clash\n\n"
        f"Tension at sea\n\n{BODY3}\n\nThis article originally appeared on The Diplomat.\n"
    )
    arts = split_articles(doc_of(text))
    assert [a.title for a in arts] == ["Ministers agree Baltic deployment", "Gulf rivals clash at UN", "Tension at sea"]
    assert [a.outlet for a in arts] == ["Defense Daily", "gulfnews.example", "The Diplomat"]
    assert arts[1].url == "https://www.gulfnews.example/un-clash"
    assert [a.text for a in arts] == [BODY1, BODY2, BODY3]


def test_opening_markers_and_bylines_before_the_body():
    text = (
        f"Ministers agree Baltic deployment\nBy John Smith\nMarch 3, 2016\nSource: Defense Daily\n\n{BODY1}\n\n"
        f"Gulf rivals clash at UN\nWritten by Amira El-Sayed | 4 March 2016\n\n{BODY2}\n\n"
        f"Tension at sea\nBy Tran Van Minh\n\n{BODY3}\n"
    )
    arts = split_articles(doc_of(text))
    assert [a.title for a in arts] == ["Ministers agree Baltic deployment", "Gulf rivals clash at UN", "Tension at sea"]
    assert [a.author for a in arts] == ["John Smith", "Amira El-Sayed", "Tran Van Minh"]
    assert [a.date for a in arts] == ["2016-03-03", "2016-03-04", None]
    assert [a.outlet for a in arts] == ["Defense Daily", None, None]
    assert [a.text for a in arts] == [BODY1, BODY2, BODY3]
    for a in arts:
        assert text[a.start : a.end].startswith(a.title)


def test_mixed_layout_last_story_without_marker():
    text = f"First headline\n\n{BODY1}\n\nSource: Wire One\n\nSecond headline\n\n{BODY2}\n"
    arts = split_articles(doc_of(text))
    assert [(a.title, a.outlet) for a in arts] == [("First headline", "Wire One"), ("Second headline", None)]
    assert arts[1].text == BODY2


def test_single_article_without_marker_takes_first_short_line_as_title():
    text = f"\n\n  Baltic deployment agreed  \n\n{BODY1}\n\n{BODY2}\n"
    (a,) = split_articles(doc_of(text))
    assert a.title == "Baltic deployment agreed"
    assert a.start == text.index("Baltic") and a.end == len(text.rstrip())
    assert a.text == f"{BODY1}\n\n{BODY2}"


def test_single_paragraph_record_uses_container_metadata():
    d = doc_of(BODY1, title="Ministers agree", date="2016-03-03", outlet="Wire", url="https://w.example/1")
    (a,) = split_articles(d)
    assert (a.title, a.date, a.outlet, a.url) == ("Ministers agree", "2016-03-03", "Wire", "https://w.example/1")
    assert (a.start, a.end, a.body_start, a.body_end) == (0, len(BODY1), 0, len(BODY1))


def test_text_dates_win_and_relative_dates_are_never_used():
    text = f"Headline\nPublished on Sep 25, 2015\n\n{BODY1}\n"
    (a,) = split_articles(doc_of(text, date="2020-01-01"))
    assert a.date == "2015-09-25"
    (b,) = split_articles(doc_of(f"Headline\nPublished today\n\nUpdated 2 days ago\n\n{BODY1}\n"))
    assert b.date is None
    (c,) = split_articles(doc_of(f"Headline\n\nMOSCOW, March 3, 2016 (Reuters) - {BODY1}\n"))
    assert c.date == "2016-03-03"


def test_sentence_starting_with_by_is_not_a_byline():
    text = f"Headline\n\nBy uniting forces with the coalition, Moscow wants to prove its point.\n\n{BODY1}\n"
    (a,) = split_articles(doc_of(text))
    assert a.author is None and a.text.startswith("By uniting forces")


def test_language_of_other_languages():
    de = (
        "Die Bundesregierung hat am Mittwoch beschlossen, dass die Soldaten in Litauen bleiben sollen. "
        "Russland kritisierte die Entscheidung und sprach von einer Provokation gegen die Sicherheit."
    )
    (a,) = split_articles(doc_of(f"Truppen bleiben\n\n{de}\n"))
    assert a.language == "de"
