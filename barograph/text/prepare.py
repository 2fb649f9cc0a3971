"""The text stage of one document in one call: articles, sentence spans and MinHash signatures.

Ingest without event coding spends nearly all its time here, in per-article Python, so a
large input is spread over worker processes. Each document is prepared independently of
every other, which is what makes that safe; what depends on the rest of the corpus (is this
article stored already, or a near-duplicate of one) stays with the caller and the store.

Workers send back spans and signature bytes rather than sentence strings, so the text crosses
the process boundary once; `Prepared.sentences` cuts the strings from the caller's copy.
A story reposted many times is sentence-split and signed once: each process remembers the
bodies it has prepared and leaves out their spans and signature, which the caller has
already had (in input order, a first copy always comes first) or computes itself if not.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass, field

from barograph.records import Article, Document, Sentence

CHUNK_DOCS = 32
SEEN_MAX = 500_000  # bodies a process remembers (~100 bytes each) before it starts afresh


@dataclass
class Prepared:
    """A document's articles, each with its sentence spans and (if asked) signature bytes."""

    articles: list[Article] = field(default_factory=list)
    spans: list[list[tuple[int, int]] | None] = field(default_factory=list)  # None: left out
    signatures: list[bytes | None] = field(default_factory=list)  # None: left out
    error: str | None = None  # the document could not be split: why, for the reject line

    def sentences(self, i: int, doc_text: str) -> list[Sentence]:
        from barograph.text.sentences import body_sentence_spans, to_sentences

        a = self.articles[i]
        if self.spans[i] is None:
            self.spans[i] = body_sentence_spans(a, doc_text)
        return to_sentences(a.id, self.spans[i], doc_text)

    def signature(self, i: int) -> bytes:
        if self.signatures[i] is None:
            from barograph.text.dedup import signature

            self.signatures[i] = signature(self.articles[i].text)
        return self.signatures[i]


def prepare(doc: Document, signatures: bool = True, seen: set[str] | None = None) -> Prepared:
    """Split, sentence-split and sign one document; an exception becomes `error`, not a crash.

    Articles whose id is in `seen` keep None for spans and signature; new ids are added to it.
    """
    from barograph.text.articles import split_articles
    from barograph.text.dedup import signature
    from barograph.text.sentences import body_sentence_spans

    out = Prepared()
    try:
        out.articles = split_articles(doc)
    except Exception as e:  # noqa: BLE001 - one bad document must not stop the run
        out.error = f"cannot split into articles ({type(e).__name__}: {e})"
        return out
    if seen is not None and len(seen) > SEEN_MAX:
        seen.clear()
    try:
        for a in out.articles:
            if seen is not None and a.id in seen:
                out.spans.append(None)
                out.signatures.append(None)
                continue
            out.spans.append(body_sentence_spans(a, doc.text))
            out.signatures.append(signature(a.text) if signatures else None)
            if seen is not None:
                seen.add(a.id)
    except Exception as e:  # noqa: BLE001
        out.error = f"cannot split into sentences ({type(e).__name__}: {e})"
    return out


_worker_seen: set[str] = set()


def _prepare_light(args: tuple[Document, bool]) -> Prepared:
    """In a worker: the article bodies are left out of the reply; the caller cuts them again."""
    doc, signatures = args
    p = prepare(doc, signatures, _worker_seen)
    for a in p.articles:
        if a.body_start is not None and a.text == doc.text[a.body_start : a.body_end]:
            a.text = None
    return p


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle: it stops the pool, so workers must not print tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Preparer:
    """`map` over documents in order, in this process or in a pool of forked workers.

    The pool is forked by `start`, before the caller opens its database: a fork copies the
    parent's threads' locks but not the threads, so it must happen while DuckDB has none.
    Fork rather than spawn also spares callers the `if __name__ == "__main__"` guard.
    """

    def __init__(self, workers: int | None = 1, signatures: bool = True):
        self.workers = max(1, workers if workers is not None else default_workers())
        self.signatures = signatures
        # below this much text a batch is prepared in-process: starting workers costs about a second
        from barograph import settings

        self.pool_min_chars = settings.get("BAROGRAPH_POOL_MIN_CHARS")
        self._pool = None
        self._seen: set[str] = set()

    def start(self, expected_chars: int) -> "Preparer":
        """Fork the workers if the input is big enough to repay them (about 0.1 s each)."""
        if self.workers > 1 and expected_chars >= self.pool_min_chars and self._pool is None:
            import multiprocessing as mp

            self._pool = mp.get_context("fork").Pool(self.workers, initializer=_quiet_worker)
        return self

    def map(self, docs: list[Document]) -> Iterator[Prepared]:
        if self._pool is None or sum(len(d.text) for d in docs) < self.pool_min_chars:
            return (prepare(d, self.signatures, self._seen) for d in docs)
        return self._map_pool(docs)

    def _map_pool(self, docs: list[Document]) -> Iterator[Prepared]:
        for d, p in zip(docs, self._pool.imap(_prepare_light, ((d, self.signatures) for d in docs), chunksize=CHUNK_DOCS)):
            for a in p.articles:
                if a.text is None:
                    a.text = d.text[a.body_start : a.body_end]
            yield p

    def close(self, *, abort: bool = False) -> None:
        if self._pool is not None:
            if abort:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> "Preparer":
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        self.close(abort=exc_type is not None)


def default_workers() -> int:
    """BAROGRAPH_WORKERS, else 1: on 2 cores the workers gained nothing (docs/ingest.md), as
    reading and writing in the parent take longer than the text stage does in one worker."""
    from barograph import settings

    return settings.get("BAROGRAPH_WORKERS")
