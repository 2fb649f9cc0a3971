"""Storing a Ray run: the store's own ingest, fed the events the workers already coded.

``pipeline.ingest`` owns every storage rule (documents already stored are skipped, reposts
become appearances, near-duplicates found against the store are not coded, a batch of whole
documents per transaction). Rather than keep a second copy of those rules, the Ray path hands
it a ``PrecodedCoder`` that answers from the run's Parquet parts, so a Ray ingest stores
exactly what a local ingest of the same input would, and a rerun adds nothing.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence

from barograph.errors import BadInput
from barograph.records import Article, Event, Sentence
from barograph.scale.partitions import read_part
from barograph.scale.resume import RunDir

LOOKAHEAD = 3  # shards searched past the current one before coding an article here instead


class PrecodedCoder:
    """A ``Coder`` look-alike whose answers come from a finished run, read shard by shard.

    The store's ingest asks for articles in input order, which is shard order, so a small
    window of loaded shards suffices and memory stays flat. An article the run did not code
    (a repeat it settled differently) is coded here by a real ``Coder``, so answers are
    always right, only occasionally slower.
    """

    def __init__(self, out: str | os.PathLike, version: str):
        self.run = RunDir(out)
        self.version = version
        self._todo = deque(self.run.done_shards())
        self._window: deque[dict] = deque()
        self._seen: set[str] = set()  # stories coded by earlier shards (finalize's rule)
        self._coder = None
        self.from_run = 0
        self.coded_here = 0

    def _load_next(self) -> bool:
        if not self._todo:
            return False
        n = self._todo.popleft()
        arts: list[Article] = read_part(self.run.path, "articles", n)
        answers: dict[tuple, list[Event]] = {}
        for a in arts:
            if a.duplicate_of or not a.id or a.id in self._seen:
                continue
            answers.setdefault((a.doc, a.index, a.id), [])
        for e in read_part(self.run.path, "events", n):
            key = (e.doc, e.article_index, e.article_id)
            if key in answers:
                answers[key].append(e)
        self._seen.update(k[2] for k in answers)
        self._window.append(answers)
        return True

    def _lookup(self, a: Article) -> list[Event] | None:
        """Answers in input order: a hit in a later shard means the earlier ones are finished."""
        key = (a.doc, a.index, a.id)
        loaded = 0
        while True:
            for i, shard in enumerate(self._window):
                if key in shard:
                    for _ in range(i):
                        self._window.popleft()
                    return shard.pop(key)
            if loaded >= LOOKAHEAD + 1 or not self._load_next():
                return None  # not in the run: code it here, keep the window as it is
            loaded += 1

    def code(self, article: Article, sentences: list[Sentence]) -> list[Event]:
        return next(self.code_many([(article, sentences)]))

    def code_many(self, items: Iterable[tuple[Article, list[Sentence]]]) -> Iterator[list[Event]]:
        for a, sents in items:
            got = self._lookup(a)
            if got is None:
                if self._coder is None:
                    from barograph.events.coder import Coder

                    self._coder = Coder()
                got = self._coder.code(a, sents)
                self.coded_here += 1
            else:
                self.from_run += 1
            yield got


def ingest_ray(
    paths: Sequence[str],
    db: str | os.PathLike | None,
    out: str | os.PathLike,
    *,
    workers: int = 2,
    address: str | None = None,
    code: bool = True,
    corpus: str = "default",
    text_column: str | None = None,
    progress=None,
    on_reject=None,
):
    """Code on Ray into ``out`` (resumable), then store through the store's ingest.

    Returns (RunReport or None when ``code`` is false, IngestReport).
    """
    from barograph.pipeline import ingest
    from barograph.scale.parquet_input import is_parquet
    from barograph.scale.ray_engine import code_ray

    for p in paths:
        if is_parquet(str(p)):
            raise BadInput(str(p), "Parquet input is read by `code --engine ray` only (the store's ingest reads text, HTML, feeds, JSONL and CSV)")

    seen: set[str] = set()

    def reject(bad) -> None:  # the store's pass reads the same input: report each problem once
        seen.add(str(bad))
        if on_reject:
            on_reject(bad)

    run, coder = None, None
    if code:  # without coding there is nothing worth sending to Ray: the store's ingest does it all
        run = code_ray(paths, out, workers=workers, address=address, text_column=text_column, progress=progress, errors=reject)
        coder = PrecodedCoder(out, RunDir(out).load_manifest().get("coder") or "")

    def reject_again(bad) -> None:
        if str(bad) not in seen and on_reject:
            on_reject(bad)

    rep = ingest(paths, db, code=code, corpus=corpus, progress=progress is not None, coder=coder, text_column=text_column, on_reject=reject_again)
    return run, rep
