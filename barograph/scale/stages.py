"""What a Ray worker does to one shard's documents: the local path's stage calls, in its order.

It mirrors ``barograph.events.stream.code_documents`` (which takes paths, not documents): a
story marked a near-duplicate by the splitter, or repeated within the shard, is not coded
(``text.dedup.is_repeat``, the one rule of both).
Repeats *across* shards are settled afterwards by ``finalize``, in shard order, so the run
keeps exactly the events the local path would.
"""

from __future__ import annotations

from collections.abc import Sequence

from barograph.errors import BarographError
from barograph.records import Article, Document, Event


def process_documents(docs: Sequence[Document], coder) -> tuple[list[Article], list[Event], list[str]]:
    """Articles and (when ``coder`` is given) events of ``docs``, plus the problems met."""
    from barograph.text.articles import split_articles
    from barograph.text.dedup import is_repeat
    from barograph.text.sentences import split_sentences

    articles: list[Article] = []
    items = []
    problems: list[str] = []
    seen: set[str] = set()
    for d in docs:
        try:
            arts = split_articles(d)
            todo = []
            for a in arts:
                if not is_repeat(a, seen):
                    todo.append((a, split_sentences(a, d.text)))
        except BarographError as e:
            problems.append(str(e))
            continue
        articles.extend(arts)
        items.extend(todo)
    events: list[Event] = []
    if coder is not None:
        for evs in coder.code_many(items):
            events.extend(evs)
    return articles, events, problems


def coded_ids(articles: Sequence[Article]) -> list[str]:
    """Ids of the articles a shard coded, in order (the rule of ``process_documents``)."""
    from barograph.text.dedup import is_repeat

    out: list[str] = []
    seen: set[str] = set()
    for a in articles:
        if a.id and not is_repeat(a, seen):
            out.append(a.id)
    return out
