"""The event stage: articles and their sentences in, coded events out.

One spaCy pipeline per Coder; sentences of many articles are parsed together with
``nlp.pipe`` (the parse is the expensive part), then each article is coded in order so
pronouns can look back at earlier sentences of the same article.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Iterator

from barograph.events import extract, hybrid, verbs
from barograph.events.classifier import EventClassifier
from barograph.events.nlp import load, model_version
from barograph.records import Article, Event, Sentence

__version__ = "1.0.0"
DEFAULT = object()


class Coder:
    """``Coder(resolver=None)``: ``resolver`` defaults to ``ActorResolver.default()``.

    ``classifier`` defaults to the bundled sentence classifier (``classifier.py``) when its
    files are installed; ``classifier=None`` gives the rules alone (coder 0.4 behaviour).
    """

    def __init__(self, resolver=None, *, model: str | None = None, batch_size: int = 256,
                 dictionary: verbs.VerbDictionary | None = None, classifier=DEFAULT,
                 settings: hybrid.Settings | None = None):
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
        if classifier is DEFAULT:
            classifier = EventClassifier() if EventClassifier.available() else None
        self.classifier = classifier
        meta = getattr(classifier, "meta", {}) if classifier is not None else {}
        self.settings = settings or hybrid.Settings(**meta.get("hybrid", {}),
                                                    calibration=meta.get("calibration"))
        parts = [self.dic.digest, extract.nouns_digest(), model_version(self.nlp),
                 str(getattr(resolver, "version", "") or getattr(resolver, "digest", "")),
                 str(getattr(classifier, "digest", "rules-only")), repr(self.settings),
                 hashlib.sha1(Path(hybrid.__file__).read_bytes()).hexdigest()[:10]]
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

    def _mentions(self, text: str, date: str | None):
        if self._agents:
            return self.resolver.mentions(text, date, include_agents=True)
        return self.resolver.mentions(text, date)

    def _code_chunk(self, chunk):
        texts = [s.text for _, sents in chunk for s in sents]
        docs = list(self.nlp.pipe(texts, batch_size=self.batch_size))
        mentions = [self._mentions(s.text, article.date) for article, sents in chunk for s in sents]
        readings = self._read(texts, docs, mentions)
        k = 0
        for article, sentences in chunk:
            ctx = extract.ArticleContext(article)
            events: list[Event] = []
            for sent in sentences:
                doc, found_mentions = docs[k], mentions[k]
                history = list(ctx.history)
                found = extract.code_sentence(doc, sent, ctx, found_mentions, self.dic, self.version)
                if readings is not None:
                    view = hybrid.SentenceView(
                        doc, sent, article, found_mentions, history, self.dic, self.version,
                        readings.probs[k], self.settings, readings.spans[k],
                        None if readings.types is None else dict(zip(readings.type_names, readings.types[k])))
                    found = hybrid.combine(view, found)
                events.extend(found)
                k += 1
            yield events

    def _read(self, texts, docs, mentions):
        """The classifier's reading of the sentences that could hold an event: those that name
        an actor (a dictionary mention or a named entity). The others are not worth the
        encoder's time: no step of the hybrid acts on a sentence without an actor."""
        if self.classifier is None:
            return None
        want = [i for i, (d, m) in enumerate(zip(docs, mentions)) if hybrid.worth_reading(d, m)]
        return self.classifier.read([texts[i] for i in want]).take(want, len(texts))
