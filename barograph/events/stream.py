"""Inputs to events without a database: documents -> articles -> sentences -> events.

Documents are gathered into chunks so the parse is batched across small documents (a JSONL
of short stories parses as fast as one long page). An article that repeats one already
seen in the run (same body hash, or marked a near-duplicate by the splitter) is not coded
again: one story reposted seven times is one set of events.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from barograph.records import Document, Event

CHUNK_SENTENCES = 2000


def code_documents(paths: Iterable[str], coder, *, errors, text_column: str | None = None) -> Iterator[tuple[Document, list[Event]]]:
    from barograph.ingest.sources import iter_documents
    from barograph.text.articles import split_articles
    from barograph.text.dedup import is_repeat
    from barograph.text.sentences import split_sentences

    seen: set[str] = set()
    pending: list[tuple[Document, list]] = []
    size = 0

    def flush():
        items = [item for _, items in pending for item in items]
        coded = coder.code_many(items)
        for doc, items in pending:
            events: list[Event] = []
            for _ in items:
                events.extend(next(coded))
            yield doc, events

    for doc in iter_documents(paths, errors=errors, text_column=text_column):
        items = []
        for art in split_articles(doc):
            if is_repeat(art, seen):
                continue
            sents = split_sentences(art, doc.text)
            items.append((art, sents))
            size += len(sents)
        pending.append((doc, items))
        if size >= CHUNK_SENTENCES:
            yield from flush()
            pending, size = [], 0
    if pending:
        yield from flush()
