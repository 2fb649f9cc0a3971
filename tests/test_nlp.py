"""The parse helpers of ``barograph/events/nlp.py``."""

from __future__ import annotations

from barograph.events.nlp import load, text_of


def test_text_of_is_the_docs_text_kept_on_the_doc():
    doc = load()("Russia warned Ukraine on Monday.")
    assert text_of(doc) == doc.text == "Russia warned Ukraine on Monday."
    # kept after the first call: spaCy is not asked to join the tokens again
    doc.user_data["barograph.text"] = "kept"
    assert text_of(doc) == "kept"
