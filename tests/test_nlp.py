"""The parse helpers of ``barograph/events/nlp.py``."""

from __future__ import annotations

from barograph.events.nlp import kept, load, text_of


def test_text_of_is_the_docs_text_kept_on_the_doc():
    doc = load()("Russia warned Ukraine on Monday.")
    assert text_of(doc) == doc.text == "Russia warned Ukraine on Monday."
    # kept after the first call: spaCy is not asked to join the tokens again
    doc.user_data["barograph.text"] = "kept"
    assert text_of(doc) == "kept"


def test_kept_works_a_value_out_once_per_doc_and_key():
    nlp = load()
    doc, other = nlp("Russia warned Ukraine."), nlp("Russia warned Ukraine.")
    calls = []

    def make():
        calls.append(1)
        return len(calls)

    assert kept(doc, ("k", 1), make) == 1 and kept(doc, ("k", 1), make) == 1
    assert kept(doc, ("k", 2), make) == 2  # another key
    assert kept(other, ("k", 1), make) == 3  # another doc
    assert len(calls) == 3


def test_places_are_kept_as_positions_and_read_back_as_the_docs_tokens():
    from barograph.events.places import places_in

    doc = load()("Rebels shelled the airport in Tripoli on Monday.")
    first = places_in(doc)
    assert [(t.text, p.country) for t, p in first] == [("in", "LBY")]
    # what the doc keeps holds no token (a token would hold its doc in a reference cycle)
    stored = [v for k, v in doc.user_data.items() if isinstance(k, tuple) and k[0] == "barograph.places_in"]
    assert stored and all(isinstance(i, int) for found in stored for i, _ in found)
    again = places_in(doc)
    assert [(t.i, t.doc is doc, p) for t, p in again] == [(t.i, True, p) for t, p in first]
