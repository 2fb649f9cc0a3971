"""Near-duplicate detection: exact and edited reposts found, unrelated stories not."""

from __future__ import annotations

import csv
import itertools

import pytest

from barograph.ingest.sources import iter_documents
from barograph.records import Document
from barograph.text.articles import split_articles
from barograph.text.dedup import NearDuplicates, signature


@pytest.fixture(scope="module")
def sample_articles():
    from tests.conftest import SAMPLE

    (doc,) = list(iter_documents([str(SAMPLE)], errors=[]))
    return split_articles(doc)


def article(text: str, title="Headline", outlet=None):
    page = f"{title}\n\n{text}\n" + (f"\nSource: {outlet}\n" if outlet else "")
    (a,) = split_articles(Document("x", page, "text"))
    return a


def test_exact_and_near_duplicates(sample_articles):
    index = NearDuplicates()
    for a in sample_articles:
        assert index.find(a) is None
        index.add(a)
    orig = sample_articles[3]
    paras = orig.text.split("\n\n")
    exact = article(orig.text, title="A different headline", outlet="Another Outlet")
    assert exact.id == orig.id and index.find(exact) == orig.id
    trimmed = article("\n\n".join(paras[:-1]) + "\n\nFollow us on Twitter for more news.", title="Reposted")
    assert trimmed.id != orig.id and index.find(trimmed) == orig.id


def test_unrelated_stories_are_not_duplicates(sample_articles, shared):
    index = NearDuplicates()
    for a in sample_articles:
        index.add(a)
    with open(shared / "train" / "ngec-synthetic-events.csv", newline="", encoding="utf-8") as f:
        rows = list(itertools.islice(csv.DictReader(f), 300))
    false = [r["title"] for r in rows if len(r["text"]) > 300 and index.find(article(r["text"]))]
    assert false == []


def test_signatures_round_trip(sample_articles):
    a, b = sample_articles[:2]
    stored = {x.id: signature(x) for x in (a, b)}
    assert isinstance(stored[a.id], bytes) and len(stored[a.id]) == 128 * 8
    reloaded = NearDuplicates()
    for k, sig in stored.items():
        reloaded.add_signature(k, sig)
    edited = article(a.text.replace("Moscow", "Moskva", 2), title="Edited")
    assert reloaded.find(edited) == a.id
    assert reloaded.check(sample_articles[2]) is None and len(reloaded) == 3
