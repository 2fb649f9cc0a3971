"""Inputs to articles in one pass, without a database: what `barograph articles` prints."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from barograph.ingest.sources import Errors, iter_documents
from barograph.records import Article, Document
from barograph.text.articles import split_articles
from barograph.text.dedup import NearDuplicates


def iter_articles(
    paths: Iterable[str | os.PathLike], *, errors: Errors, text_column: str | None = None, dedup: NearDuplicates | None = None
) -> Iterator[tuple[Document, list[Article]]]:
    """(document, its articles), with `duplicate_of` set against everything read before."""
    index = dedup if dedup is not None else NearDuplicates()
    for doc in iter_documents(paths, errors=errors, text_column=text_column):
        arts = split_articles(doc)
        for a in arts:
            a.duplicate_of = index.check(a)
        yield doc, arts
