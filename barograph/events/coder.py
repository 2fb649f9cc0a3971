"""The event stage: articles and their sentences in, coded events out.

One spaCy pipeline per Coder; sentences of many articles are parsed together with
``nlp.pipe`` (the parse is the expensive part), then each article is coded in order so
pronouns can look back at earlier sentences of the same article.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Iterator

from barograph.events import extract, verbs
from barograph.events.nlp import load, model_version
from barograph.records import Article, Event, Sentence

__version__ = "0.4.1"


class Coder:
    """``Coder(resolver=None)``: ``resolver`` defaults to ``ActorResolver.default()``."""

    def __init__(self, resolver=None, *, model: str | None = None, batch_size: int = 256,
                 dictionary: verbs.VerbDictionary | None = None):
        if resolver is None:
            from barograph.events.actors import ActorResolver

            resolver = ActorResolver.default()
        self.resolver = resolver
        self.nlp = load(model) if model else load()
        self.batch_size = batch_size
        # bare agents ("police", "protesters") come too, so the extractor can place them
        try:
            import inspect
            self._agents = "include_agents" in inspect.signature(resolver.mentions).parameters
        except (TypeError, ValueError):
            self._agents = False
        self.dic = dictionary or verbs.default_dictionary()
        parts = [self.dic.digest, extract.nouns_digest(), model_version(self.nlp),
                 str(getattr(resolver, "version", "") or getattr(resolver, "digest", ""))]
        h = hashlib.sha1("|".join(parts).encode()).hexdigest()[:10]
        self.version = f"barograph-coder {__version__}+{h}"

    def code(self, article: Article, sentences: list[Sentence]) -> list[Event]:
        return next(self.code_many([(article, sentences)]))

    def code_many(self, items: Iterable[tuple[Article, list[Sentence]]]) -> Iterator[list[Event]]:
        """One list of events per input article, in order; parses in batches across articles."""
        chunk: list[tuple[Article, list[Sentence]]] = []
        n = 0
        for item in items:
            chunk.append(item)
            n += len(item[1])
            if n >= self.batch_size * 4:
                yield from self._code_chunk(chunk)
                chunk, n = [], 0
        if chunk:
            yield from self._code_chunk(chunk)

    def _code_chunk(self, chunk):
        texts = [s.text for _, sents in chunk for s in sents]
        docs = iter(self.nlp.pipe(texts, batch_size=self.batch_size))
        for article, sentences in chunk:
            ctx = extract.ArticleContext(article)
            events: list[Event] = []
            for sent in sentences:
                doc = next(docs)
                if self._agents:
                    mentions = self.resolver.mentions(sent.text, article.date, include_agents=True)
                else:
                    mentions = self.resolver.mentions(sent.text, article.date)
                events.extend(extract.code_sentence(doc, sent, ctx, mentions, self.dic, self.version))
            yield events
