"""The ingest's dedup rules without a database (pipeline.Planner), and the one repeat rule of
the store-less paths (text.dedup.is_repeat)."""

from __future__ import annotations

from barograph.pipeline import NEAR, NEW, REPEAT, STORED, Planner
from barograph.records import Article, Document
from barograph.text.dedup import is_repeat


def doc(sha: str) -> Document:
    return Document(doc=sha, text=f"text of {sha}", kind="text", sha256=sha)


def art(aid: str, duplicate_of: str | None = None) -> Article:
    return Article(doc="d", index=0, start=0, end=1, id=aid, duplicate_of=duplicate_of)


def test_documents_stored_or_in_flight_are_not_split_again():
    p = Planner(doc_articles={"old": 3})
    todo, already, dups = p.documents([doc("a"), doc("old"), doc("a"), doc("s"), doc("b")], stored={"s"})
    assert [d.sha256 for d in todo] == ["a", "b"]
    assert already == 3  # "old" (read before), the second "a" (in flight), "s" (stored)
    assert dups == 3  # "old" repeats its 3 articles; "s" holds none known yet
    # "a" comes back split into 2 articles: its repeat seen meanwhile repeats both
    assert p.split(doc("a"), 2) == 2 and p.doc_articles["a"] == 2
    # a rejected document adds nothing and is forgotten
    assert p.split(doc("b"), None) == 0 and "b" not in p.doc_articles and not p.inflight
    # once split, the same bytes again are a repeat of its articles
    assert p.documents([doc("a")], stored=set()) == ([], 1, 2)


def test_articles_stored_repeated_near_or_new():
    p = Planner(stored={"s1"})
    near_of = {"n1": "orig", "new1": None}
    assert p.article(art("s1"), near_of) == STORED
    fresh = art("new1")
    assert p.article(fresh, near_of) == NEW and fresh.duplicate_of is None
    assert p.article(art("new1"), near_of) == REPEAT  # the same story again in this run
    copy = art("n1")
    assert p.article(copy, near_of) == NEAR and copy.duplicate_of == "orig"
    assert p.run_ids == {"new1", "n1"}
    # a splitter's "duplicate of itself" is no duplicate
    me = art("self1", duplicate_of="self1")
    assert p.article(me, {}) == NEW and me.duplicate_of is None
    # without the near-duplicate check, the splitter's own marking stands
    assert Planner().article(art("x", duplicate_of="y"), None) == NEAR


def test_candidates_are_new_to_the_store_and_the_run():
    class Prep:
        def __init__(self, ids):
            self.articles = [art(i) for i in ids]

    p = Planner(stored={"s"}, run_ids={"r"})
    split = [(doc("d1"), Prep(["s", "a", "r", "a"])), (doc("d2"), Prep(["b", "a"]))]
    assert [(aid, i) for aid, _prep, i in p.candidates(split)] == [("a", 1), ("b", 0)]


def test_is_repeat_is_the_rule_of_code_and_the_shards():
    seen: set[str] = set()
    assert not is_repeat(art("a"), seen) and seen == {"a"}
    assert is_repeat(art("a"), seen)
    assert is_repeat(art("b", duplicate_of="a"), seen) and "b" not in seen
    assert not is_repeat(art(""), seen) and not is_repeat(art(""), seen)  # no id: never a repeat
