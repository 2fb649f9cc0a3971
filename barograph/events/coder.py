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

__version__ = "1.0.12"
DEFAULT = object()


class Coder:
    """``Coder(resolver=None)``: ``resolver`` defaults to ``ActorResolver.default()``.

    ``classifier`` defaults to the bundled sentence classifier (``classifier.py``) when its
    files are installed; ``classifier=None`` gives the rules alone (coder 0.4 behaviour).
    """

    def __init__(
        self,
        resolver=None,
        *,
        model: str | None = None,
        batch_size: int = 256,
        dictionary: verbs.VerbDictionary | None = None,
        classifier=DEFAULT,
        settings: hybrid.Settings | None = None,
    ):
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
        self.settings = settings or hybrid.Settings.of(classifier)
        parts = [
            self.dic.digest,
            extract.nouns_digest(),
            model_version(self.nlp),
            str(getattr(resolver, "version", "") or getattr(resolver, "digest", "")),
            str(getattr(classifier, "digest", "rules-only")),
            repr(self.settings),
            hashlib.sha1(Path(hybrid.__file__).read_bytes()).hexdigest()[:10],
        ]
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
                yield from self._zoned(chunk)
                chunk, n = [], 0
        if chunk:
            yield from self._zoned(chunk)

    def _zoned(self, chunk):
        """A chunk's parses live in a spaCy memory zone: the words and strings the parse adds to
        the vocabulary are freed when the chunk is done. Without it a process that codes for days
        (`barograph follow`) grows with every new name it reads; nothing spaCy made outlives the
        chunk (events carry plain strings)."""
        zone = getattr(self.nlp, "memory_zone", None)
        if zone is None:
            yield from self._code_chunk(chunk)
            return
        with zone():
            out = list(self._code_chunk(chunk))
        yield from out

    def _mentions(self, text: str, date: str | None):
        if self._agents:
            return self.resolver.mentions(text, date, include_agents=True)
        return self.resolver.mentions(text, date)

    def _code_chunk(self, chunk):
        texts = [s.text for _, sents in chunk for s in sents]
        docs = list(self.nlp.pipe(texts, batch_size=self.batch_size))
        mentions = [self._mentions(s.text, article.date) for article, sents in chunk for s in sents]
        mentions = [extract.places_naming_things(d, m) for d, m in zip(docs, mentions)]
        # the rules first, article by article (pronouns look back), then the classifier on the
        # sentences where a step of the hybrid can act, then the hybrid
        found, histories = [], []
        k = 0
        for article, sentences in chunk:
            ctx = extract.ArticleContext(article)
            for sent in sentences:
                histories.append(list(ctx.history))
                found.append(extract.code_sentence(docs[k], sent, ctx, mentions[k], self.dic, self.version))
                k += 1
        leads = [hybrid.is_lead(s, self.settings) for _, sents in chunk for s in sents]
        readings = self._read(texts, docs, mentions, found, leads)
        k = 0
        for article, sentences in chunk:
            events: list[Event] = []
            for sent in sentences:
                evs = found[k]
                if readings is not None:
                    types = None if readings.types is None else dict(zip(readings.type_names, readings.types[k]))
                    view = hybrid.SentenceView(
                        docs[k],
                        sent,
                        article,
                        mentions[k],
                        histories[k],
                        self.dic,
                        self.version,
                        readings.probs[k],
                        self.settings,
                        readings.spans[k],
                        types,
                    )
                    evs = hybrid.combine(view, evs)
                events.extend(evs)
                k += 1
            yield events

    def _read(self, texts, docs, mentions, found, leads):
        """The classifier's reading of the sentences a step of the hybrid can act on: those
        with the rules' events, and those that could carry a parse event (hybrid.worth_reading).
        The others are not worth the encoder's time, which is most of the coder's."""
        if self.classifier is None:
            return None
        dic = self.dic if self.settings.gate != "any" else None
        want = [i for i in range(len(texts)) if found[i] or leads[i] or hybrid.worth_reading(docs[i], mentions[i], dic, self.settings)]
        return self.classifier.read([texts[i] for i in want]).take(want, len(texts))
