"""Plain records passed from one stage to the next.

Every stage takes and returns these dataclasses and nothing else, so any stage can be
swapped, run in another process (Ray) or tested alone. Offsets are Python ``str`` indices
into the *document's decoded text*, the one coordinate system every stage shares, so an
event can always be traced back to the characters that justify it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Any


@dataclass
class Document:
    """One input unit: a file, a feed entry, a JSONL/CSV record or standard input."""

    doc: str  # file base name, or the record's `id`
    text: str  # decoded (and, for HTML, extracted) text
    kind: str  # text | html | feed | jsonl | csv | stdin
    path: str | None = None  # where it came from (file path, or path:line)
    sha256: str = ""  # of the raw bytes, for idempotent ingest
    encoding: str | None = None  # detected encoding of the raw bytes
    # Metadata the container already knows (feed entry, JSONL record); the article
    # splitter prefers what the text itself says and falls back to these.
    title: str | None = None
    date: str | None = None  # ISO date YYYY-MM-DD
    url: str | None = None
    outlet: str | None = None
    author: str | None = None  # byline the container gives (HTML meta, feed entry, record)


@dataclass
class Article:
    """One news story found inside a document."""

    doc: str
    index: int  # position in the document, from 0
    start: int  # span of the whole article in the document text
    end: int
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD; None when nothing says (never "today")
    url: str | None = None
    language: str | None = None
    body_start: int | None = None  # span of the body (title/byline/source lines excluded)
    body_end: int | None = None
    text: str = ""  # document text[body_start:body_end]
    id: str = ""  # content hash of the normalised body (dedup key)
    duplicate_of: str | None = None  # id of the near-duplicate article this repeats
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. subheadings, bio lines

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("text")
        return d


@dataclass
class Sentence:
    article_id: str
    index: int
    start: int  # in the document text
    end: int
    text: str


@dataclass
class Actor:
    """A resolved mention of a political actor."""

    code: str  # CAMEO-style code: RUSGOV, USAMIL, TURMED, NATO, IMGMUSISI
    entity: str  # ISO 3166 alpha-3, or an organisation code (NATO, ISIS, KUR...)
    text: str  # the words in the sentence
    start: int = -1  # span in the document text
    end: int = -1
    sector: str | None = None  # GOV, MIL, MED, CVL, REB, ... (None for a bare state)
    name: str | None = None  # canonical name from the dictionary, if any


@dataclass
class Event:
    """Who did what to whom, with the sentence that says so."""

    doc: str
    start: int  # evidence sentence span in the document text
    end: int
    text: str  # the evidence sentence
    source: str  # CAMEO actor code
    source_entity: str
    target: str
    target_entity: str
    cameo: str  # CAMEO event code, e.g. "042"
    quad_class: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    goldstein: float
    plover: str | None = None  # PLOVER event type, e.g. CONSULT
    plover_mode: str | None = None
    modality: str = "asserted"  # asserted | hypothetical | negated | question | claimed | intended
    date: str | None = None  # when the event happened (ISO), article date unless the text fixes one
    historical: bool = False  # the text places it well before the article
    outlet: str | None = None
    article_id: str = ""
    article_index: int = 0
    sentence_index: int = 0
    trigger: str = ""  # the words that carry the action
    trigger_start: int = -1
    trigger_end: int = -1
    source_text: str = ""
    target_text: str = ""
    confidence: float = 0.5  # calibrated: the share of such events whose class is right
    coder: str = ""  # coder version that produced it
    id: str = ""
    # which part of the coder made it: rules (dictionary patterns), model (classifier class on
    # the parse's actors), recoded (rules' actors, classifier's class), intent (a stated
    # intention or refusal coded as the CAMEO act it is), purpose (a deed's stated purpose, the
    # act done), lead (a story's first sentence, the tagger's actors: hybrid.lead_event)
    method: str = "rules"
    # False: a named actor no dictionary knows, kept with its name (source_text/target_text)
    # and an empty code, as GDELT and ICEWS keep actor names
    source_resolved: bool = True
    target_resolved: bool = True
    # where it happened, when the sentence names a place ("in Aleppo", "in eastern Ukraine"):
    # the place's name, its country (ISO 3166 alpha-3) and, below country level, its
    # coordinates (decimal degrees); see barograph.events.places
    place: str | None = None
    place_country: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
