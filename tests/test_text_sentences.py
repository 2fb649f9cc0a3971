"""Sentence spans: offsets into the document, line breaks as boundaries, abbreviations kept."""

from __future__ import annotations

import re

from barograph.ingest.sources import iter_documents
from barograph.records import Article, Document
from barograph.text.articles import split_articles
from barograph.text.sentences import split_sentences


def test_offsets_index_the_document_and_abbreviations_survive():
    text = (
        "Headline\n\nMr. Kerry met Gen. Dunford in the U.S. capital on Monday. They talked for "
        "an hour!  Did they agree? Patrick J. Buchanan doubts it.\nA new line is a new sentence\n\n\n"
        "“Enough,” he said. “We leave.”\n"
    )
    (a,) = split_articles(Document("d", text, "text"))
    sents = split_sentences(a, text)
    assert [s.text for s in sents] == [
        "Mr. Kerry met Gen. Dunford in the U.S. capital on Monday.",
        "They talked for an hour!",
        "Did they agree?",
        "Patrick J. Buchanan doubts it.",
        "A new line is a new sentence",
        "“Enough,” he said.",
        "“We leave.”",
    ]
    for i, s in enumerate(sents):
        assert text[s.start : s.end] == s.text and s.index == i and s.article_id == a.id
        assert a.body_start <= s.start < s.end <= a.body_end


def test_sample_sentences_agree_with_spacy_sentencizer(sample_path):
    import spacy

    (doc,) = list(iter_documents([str(sample_path)], errors=[]))
    arts = split_articles(doc)
    mine = {(s.start, s.end) for a in arts for s in split_sentences(a, doc.text)}
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ref = set()
    for a in arts:
        for m in re.finditer(r"[^\n]+", doc.text[a.body_start : a.body_end]):
            off = a.body_start + m.start()
            for s in nlp(m.group(0)).sents:
                t = s.text.strip()
                if t:
                    st = off + s.start_char + len(s.text) - len(s.text.lstrip())
                    ref.add((st, st + len(t)))
    assert len(mine & ref) >= 0.93 * len(ref)
    assert all(doc.text[s:e].strip() == doc.text[s:e] and e > s for s, e in mine)


def test_no_empty_sentences_and_whitespace_body():
    text = "   \n\t\n"
    a = Article(doc="d", index=0, start=0, end=len(text), body_start=0, body_end=len(text), id="x")
    assert split_sentences(a, text) == []
