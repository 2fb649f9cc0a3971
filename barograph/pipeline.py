"""The stages put together: inputs -> documents -> articles -> sentences -> events -> store.

`ingest` reads in batches of whole documents (many small JSONL records share one
transaction, a document never spans two), so a crash or Ctrl-C leaves every article either
stored with all its sentences and events, or absent; running the same command again then
finishes the job, adding each article exactly once.

Deduplication across runs: a stored document (same sha256) is skipped before it is split;
an article whose body hash is stored adds only an appearance; near-duplicates are found
against every signature the store keeps, so a repost with a new headline is counted once
however many runs apart it arrives.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import duckdb

from barograph.errors import BadInput, StoreError
from barograph.records import Article, Document, Event, Sentence

# A transaction holds at most BAROGRAPH_BATCH_DOCUMENTS documents and about this much text: big enough that
# commits cost little, small enough that memory stays flat and an interruption loses little.
# When coding, batches are smaller because parsing is ~100x slower than storing.
BATCH_CHARS = 6_000_000
BATCH_CHARS_CODED = 400_000

Paths = Iterable[str | os.PathLike]


@dataclass
class IngestReport:
    documents: int = 0  # new documents stored
    already_stored: int = 0  # documents skipped: same bytes stored before
    articles: int = 0  # new stories
    duplicates: int = 0  # exact reposts and near-duplicates (stored as appearances)
    near_duplicates: int = 0
    sentences: int = 0
    events: int = 0
    rejected: list[BadInput] = field(default_factory=list)
    coder: str | None = None
    db: str | None = None

    def line(self) -> str:
        extra = f", already stored {self.already_stored}" if self.already_stored else ""
        return (
            f"new {self.articles}, duplicate {self.duplicates}, rejected {len(self.rejected)} "
            f"(documents {self.documents}{extra}, sentences {self.sentences}, events {self.events})"
        )

    def to_json(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "rejected"}
        d["rejected"] = [str(r) for r in self.rejected]
        return d


def _reporter(errors) -> Callable[[BadInput], None]:
    if errors is None:
        return lambda e: None
    return errors.append if isinstance(errors, list) else errors


def read_articles(paths: Paths, errors=None, *, text_column: str | None = None, dedup=None) -> Iterator[tuple[Document, list[Article]]]:
    """(document, its articles) with near-duplicates marked against the whole run; no store."""
    from barograph.text.stream import iter_articles

    yield from iter_articles(paths, errors=_reporter(errors), text_column=text_column, dedup=dedup)


def code(paths: Paths, errors=None, *, coder=None, text_column: str | None = None) -> Iterator[Event]:
    """Events straight from inputs, no store: each story coded once however often it repeats."""
    from barograph.events.stream import code_documents

    if coder is None:
        from barograph.events.coder import Coder

        coder = Coder()
    for _doc, events in code_documents(paths, coder, errors=_reporter(errors), text_column=text_column):
        yield from events


# --------------------------------------------------------------------------- ingest


class _Progress:
    """Bytes read, for the rich bar: whole files as they finish, records by their text."""

    def __init__(self, paths: list, enabled: bool):
        self.bar = None
        if not enabled:
            return
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

        self.sizes = _input_sizes(paths)
        self.done = 0  # bytes of files finished
        self.current: str | None = None
        self.in_file = 0
        self.bar = Progress(
            TextColumn("ingest"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeRemainingColumn(),
            console=_stderr(),
            transient=True,
        )
        self.task = self.bar.add_task("ingest", total=sum(self.sizes.values()) or None, counts="")
        self.bar.start()

    def _file(self, path: str | None) -> str | None:
        if not path:
            return None
        if path in self.sizes:
            return path
        for sep in (":", "#"):
            base = path.rsplit(sep, 1)[0]
            if base in self.sizes:
                return base
        return None

    def advance(self, doc: Document, report: IngestReport) -> None:
        if self.bar is None:
            return
        f = self._file(doc.path)
        if f != self.current:
            if self.current is not None:
                self.done += self.sizes.get(self.current, 0)
            self.current, self.in_file = f, 0
        self.in_file = min(self.in_file + len(doc.text) + 1, self.sizes.get(f, 0))
        self.bar.update(
            self.task, completed=self.done + self.in_file, counts=f"new {report.articles}, dup {report.duplicates}, rejected {len(report.rejected)}"
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


def _batches(docs: Iterator[Document], max_chars: int) -> Iterator[list[Document]]:
    from barograph import settings

    max_docs = settings.get("BAROGRAPH_BATCH_DOCUMENTS")
    batch: list[Document] = []
    chars = 0
    for d in docs:
        batch.append(d)
        chars += len(d.text)
        if len(batch) >= max_docs or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _near_duplicates(near, split, planner: Planner) -> dict[str, str | None]:
    """Near-duplicate check of a batch's new stories in one go: id -> the original it repeats, or None.

    Only originals join the index: memory and the bands table grow with distinct stories rather
    than with every repost, and chains (a copy of a copy drifting away from the story) cannot form.
    """
    import numpy as np

    items = [(aid, np.frombuffer(prep.signature(i), dtype="<u8")) for aid, prep, i in planner.candidates(split)]
    found = near.check_many(items)
    return {aid: dup for (aid, _), dup in zip(items, found)}


# What the planner says of an article of a batch (see Planner.article).
STORED, REPEAT, NEAR, NEW = "stored", "repeat", "near", "new"


@dataclass
class Planner:
    """Which documents and articles of a run are new, repeated or near-duplicates; no store.

    The rules of deduplication in one place, kept apart from the SQL and the batching so they
    can be tested on their own: a document whose bytes are stored or in flight is not split
    again and repeats all its articles; an article whose body hash is stored is a repost (an
    appearance), one seen earlier in the run a repeat, and a new one either a near-duplicate
    of a stored original or a new story.
    """

    run_ids: set[str] = field(default_factory=set)  # article ids given a row (or found stored)
    doc_articles: dict[str, int] = field(default_factory=dict)  # sha256 of documents read -> articles
    inflight: dict[str, int] = field(default_factory=dict)  # sha256 being split -> repeats meanwhile
    stored: set[str] = field(default_factory=set)  # article ids of this batch found stored

    def documents(self, docs: list[Document], stored: set[str]) -> tuple[list[Document], int, int]:
        """(documents to split, documents already stored or in flight, articles those repeat)."""
        todo: list[Document] = []
        already = duplicates = 0
        for d in docs:
            if d.sha256 in self.inflight:
                already += 1
                self.inflight[d.sha256] += 1
            elif d.sha256 in stored or d.sha256 in self.doc_articles:
                already += 1
                duplicates += self.doc_articles.get(d.sha256, 0)
            else:
                self.inflight[d.sha256] = 0
                todo.append(d)
        return todo, already, duplicates

    def split(self, doc: Document, articles: int | None) -> int:
        """A document came back split into `articles` (None: rejected); returns the duplicates
        its repeats seen meanwhile add."""
        repeated = self.inflight.pop(doc.sha256)
        if articles is None:
            return 0
        self.doc_articles[doc.sha256] = articles
        return repeated * articles

    def candidates(self, split) -> Iterator[tuple[str, Any, int]]:
        """(id, prepared, index) of a batch's articles that are new to the store and the run."""
        seen: set[str] = set()
        for _d, prep in split:
            for i, a in enumerate(prep.articles):
                if a.id in self.stored or a.id in self.run_ids or a.id in seen:
                    continue
                seen.add(a.id)
                yield a.id, prep, i

    def article(self, a: Article, near_of: dict[str, str | None] | None) -> str:
        """STORED, REPEAT, NEAR or NEW; a new one joins the run and, when near-duplicates are
        checked (`near_of`: new id -> the original it repeats), gets its `duplicate_of` from them."""
        if a.duplicate_of == a.id:
            a.duplicate_of = None
        if a.id in self.stored:
            return STORED
        if a.id in self.run_ids:
            return REPEAT
        self.run_ids.add(a.id)
        if near_of is not None:
            a.duplicate_of = near_of.get(a.id)
        return NEAR if a.duplicate_of else NEW


class Ingest:
    """One ingest run over an open store: plans each batch, codes its new stories, writes it.

    The parts `ingest()` used to hold in closures: the run's counts (`report`), its dedup state
    (`planner`) and the rejects not yet written. `progress(doc, report)` is called once per
    document read.
    """

    def __init__(
        self,
        store,
        *,
        code: bool,
        corpus: str,
        coder,
        version: str | None,
        dedup: bool,
        preparer,
        on_reject: Callable[[BadInput], None] | None = None,
        progress: Callable[[Document, IngestReport], None] | None = None,
        report: IngestReport,
    ):
        from barograph.store.db import bound_memory

        self.store, self.code, self.corpus, self.coder, self.version = store, code, corpus, coder, version
        self.preparer, self.on_reject, self.progress = preparer, on_reject, progress
        self.report = report
        self.planner = Planner()
        self.pending_rejects: list[BadInput] = []
        bound_memory(store.con)
        self.near = None
        if dedup:
            from barograph.text.dedup_store import BandIndex

            with store.transaction():
                self.near = BandIndex(store.con)
                self.near.backfill()

    def reject(self, bad: BadInput) -> None:
        self.report.rejected.append(bad)
        if not bad.unread:  # a path that does not exist was never read: no rejects row
            self.pending_rejects.append(bad)
        if self.on_reject:
            self.on_reject(bad)

    def submit(self, docs: list[Document]):
        """Count repeats of stored or in-flight documents; hand the rest to the text stage."""
        from barograph.store.writer import articles_of_documents, known_ids

        con = self.store.con
        stored_docs = known_ids(con, "documents", "doc_id", (d.sha256 for d in docs))
        if stored_docs:  # how many articles each holds: a repeat of it repeats them all
            self.planner.doc_articles.update(articles_of_documents(con, stored_docs - self.planner.doc_articles.keys()))
        todo, already, duplicates = self.planner.documents(docs, stored_docs)
        self.report.already_stored += already
        self.report.duplicates += duplicates
        if self.progress:
            for d in docs:
                self.progress(d, self.report)
        return todo, self.preparer.map(todo)

    def store_batch(self, todo: list[Document], prepared) -> None:
        """Near-duplicates against the store, then one transaction for the batch."""
        from barograph.store.writer import DocBatch, known_ids, write_many

        split = []
        for d, prep in zip(todo, prepared):
            self.report.duplicates += self.planner.split(d, None if prep.error else len(prep.articles))
            if prep.error:
                self.reject(BadInput(d.path or d.doc, prep.error))
                continue
            split.append((d, prep))
        self.planner.stored = known_ids(self.store.con, "articles", "article_id", (a.id for _, prep in split for a in prep.articles))
        near_of = _near_duplicates(self.near, split, self.planner) if self.near is not None else None
        batch: list[DocBatch] = []
        to_code: list[tuple[Article, list[Sentence]]] = []
        for d, prep in split:
            item = DocBatch(d, prep.articles, coder=self.version, coded=set() if self.code else None)
            for i, a in enumerate(prep.articles):
                what = self.planner.article(a, near_of)
                if what == STORED:
                    continue  # a repost: the writer adds its appearance
                sents = prep.sentences(i, d.text)
                # a repost of this run: its sentences go along in case the first copy's
                # document is rejected later in this batch
                item.sentences.extend(sents)
                if what == NEW and self.near is not None:
                    item.signatures[a.id] = prep.signature(i)
                if what == NEW and self.code:
                    to_code.append((a, sents))
            batch.append(item)
        if self.code and to_code:
            _code_into(batch, to_code, self.coder, self.reject)
        r = write_many(self.store, batch, corpus=self.corpus, rejects=self.pending_rejects)
        self.pending_rejects.clear()
        if self.near is not None:  # the batch's originals join the index once they are stored
            with self.store.transaction():
                self.near.flush({aid for item in batch for aid in item.signatures})
        for k in ("documents", "articles", "duplicates", "near_duplicates", "sentences", "events"):
            setattr(self.report, k, getattr(self.report, k) + getattr(r, k))
        self.report.already_stored += r.already_stored

    def finish(self) -> None:
        """Write the rejects no batch carried."""
        from barograph.store.writer import write_many

        if self.pending_rejects:
            write_many(self.store, [], corpus=self.corpus, rejects=self.pending_rejects)
            self.pending_rejects.clear()


def ingest(
    paths: Paths,
    db: str | os.PathLike | None = None,
    *,
    code: bool = True,
    corpus: str = "default",
    progress: bool = True,
    coder=None,
    text_column: str | None = None,
    on_reject: Callable[[BadInput], None] | None = None,
    dedup: bool = True,
    workers: int | None = None,
) -> IngestReport:
    """Store documents, articles, sentences (and events unless ``code=False``).

    ``workers``: processes that split text when ``code=False`` (None: $BAROGRAPH_WORKERS or 1); with
    coding the text stage is a rounding error next to parsing, so it stays in this process.

    Rejected inputs are reported (``on_reject`` as they happen, and in the report) and kept
    in the ``rejects`` table; the run goes on without them.
    """
    from barograph.ingest.sources import iter_documents
    from barograph.store.db import Store
    from barograph.text.prepare import Preparer

    paths = [os.fspath(p) for p in paths]
    report = IngestReport()
    if code and coder is None:
        from barograph.events.coder import Coder

        coder = Coder()
    version = coder.version if code else None
    report.coder = version

    preparer = Preparer(1 if code else workers, signatures=dedup)
    if preparer.workers > 1:
        preparer.start(sum(_input_sizes(paths).values()))
    try:
        store = Store(db)
    except BaseException:
        preparer.close(abort=True)
        raise
    report.db = str(store.path)
    bar = None
    failed = True
    try:
        bar = _Progress(paths, progress)
        run = Ingest(
            store,
            code=code,
            corpus=corpus,
            coder=coder,
            version=version,
            dedup=dedup,
            preparer=preparer,
            on_reject=on_reject,
            progress=bar.advance,
            report=report,
        )
        docs_in = iter_documents(paths, errors=run.reject, text_column=text_column)
        # One batch ahead: while a batch is written, the workers (if any) split the next one.
        # Ctrl-C is held until a batch boundary: raised anywhere else it could land inside a
        # DuckDB statement (leaving an aborted transaction) or in a __del__ that swallows it.
        with _Interrupts() as interrupts:
            ahead = None
            for docs in _batches(docs_in, BATCH_CHARS_CODED if code else BATCH_CHARS):
                interrupts.check()
                nxt = run.submit(docs)
                if ahead is not None:
                    run.store_batch(*ahead)
                    interrupts.check()
                ahead = nxt
            if ahead is not None:
                run.store_batch(*ahead)
            interrupts.check()
        run.finish()
        failed = False
    except KeyboardInterrupt as e:
        e.report = report  # what was committed before Ctrl-C, for the caller to tell
        raise
    except (RuntimeError, duckdb.InterruptException) as e:
        if not isinstance(e, duckdb.InterruptException) and "interrupted" not in str(e).lower():
            raise
        # Ctrl-C that lands inside a DuckDB query comes back as its own error; same meaning
        ki = KeyboardInterrupt()
        ki.report = report
        raise ki from None
    finally:
        preparer.close(abort=failed)
        if bar is not None:
            bar.close()
        store.close()
    return report


class _Interrupts:
    """SIGINT noted while a batch is processed and raised at the next `check`; a second one at once.

    Only in the main thread (the only one Python delivers signals to); elsewhere a no-op.
    """

    def __init__(self):
        self.requested = False
        self._old = None

    def __enter__(self) -> "_Interrupts":
        import signal
        import threading

        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._old = signal.signal(signal.SIGINT, self._note)
        return self

    def _note(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt  # asked twice: stop now, the open batch rolls back
        self.requested = True

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt

    def __exit__(self, *exc) -> None:
        if self._old is not None:
            import signal

            signal.signal(signal.SIGINT, self._old)


def _input_sizes(paths: list[str]) -> dict[str, int]:
    """Bytes of each named input file (standard input has none): for the bar and the workers."""
    from barograph.ingest.sources import expand

    sizes: dict[str, int] = {}
    for p in expand(paths, lambda e: None):
        if p != "-" and p not in sizes:
            try:
                sizes[p] = os.path.getsize(p)
            except OSError:
                pass
    return sizes


def _code_into(batch, to_code, coder, reject) -> None:
    """Code the batch's new stories; a document whose coding fails is rejected, not half-stored."""
    by_article: dict[str, list[Event]] = {}
    try:
        for (a, _), events in zip(to_code, coder.code_many(to_code)):
            by_article[a.id] = events
    except Exception:  # noqa: BLE001 - find the article that fails, keep the rest
        by_article = {}
        for a, sents in to_code:
            try:
                by_article[a.id] = coder.code(a, sents)
            except Exception as e:  # noqa: BLE001
                by_article[a.id] = e
    keep = []
    for item in batch:
        failed = next((by_article[a.id] for a in item.articles if isinstance(by_article.get(a.id), Exception)), None)
        if failed is not None:
            reject(BadInput(item.doc.path or item.doc.doc, f"event coding failed ({type(failed).__name__}: {failed})"))
            continue
        item.coded = set()
        for a in item.articles:
            evs = by_article.get(a.id)
            if evs is not None:
                item.coded.add(a.id)
                item.events.extend(evs)
        keep.append(item)
    batch[:] = keep


# --------------------------------------------------------------------------- recode


@dataclass
class RecodeReport:
    corpus: str | None
    articles: int = 0
    events: int = 0
    replaced: int = 0  # barograph events deleted
    coder: str | None = None

    def line(self) -> str:
        where = f"corpus {self.corpus}" if self.corpus else "all corpora"
        return f"recoded {self.articles} articles of {where} with {self.coder}: {self.events} events (replacing {self.replaced})"


RECODE_CHUNK = 500


def recode(db: str | os.PathLike | None = None, corpus: str | None = None, coder=None, progress: bool = False) -> RecodeReport:
    """Code a stored corpus again and swap its events in one transaction: all new, or all old."""
    from barograph.store.db import Store
    from barograph.store.writer import event_rows, insert_events

    if coder is None:
        from barograph.events.coder import Coder

        coder = Coder()
    rep = RecodeReport(corpus=corpus, coder=coder.version)
    with Store(db) as store:
        con = store.con
        where, params = "duplicate_of IS NULL", []
        if corpus:
            where += " AND corpus = ?"
            params.append(corpus)
            if not con.execute("SELECT count(*) FROM articles WHERE corpus = ?", [corpus]).fetchall()[0][0]:
                raise StoreError(f"{store.path}: no articles in corpus {corpus!r}")
        ids = [r[0] for r in con.execute(f"SELECT article_id FROM articles WHERE {where} ORDER BY rowid", params).fetchall()]
        bar = _count_bar(len(ids), progress)
        with store.transaction():
            ev_where = "origin = 'barograph'" + (" AND corpus = ?" if corpus else "")
            rep.replaced = con.execute(f"SELECT count(*) FROM events WHERE {ev_where}", params).fetchall()[0][0]
            con.execute(f"DELETE FROM events WHERE {ev_where}", params)
            for i in range(0, len(ids), RECODE_CHUNK):
                chunk = ids[i : i + RECODE_CHUNK]
                items, doc_ids, corpora = _load_articles(con, chunk)
                events_by_corpus: dict[str, list[Event]] = {}
                for (a, _), events in zip(items, coder.code_many(items)):
                    events_by_corpus.setdefault(corpora[a.id], []).extend(events)
                for c, events in events_by_corpus.items():
                    cols = event_rows(events, doc_ids, c)
                    insert_events(con, cols)
                    rep.events += len(cols["event_id"])
                rep.articles += len(items)
                _set_coder(con, chunk, coder.version)
                if bar:
                    bar[0].update(bar[1], advance=len(chunk))
            from barograph.store import indexes

            indexes.rebuild(con)  # the dashboard's word index and dyad days, in the same transaction
        if bar:
            bar[0].stop()
    return rep


def _count_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from rich.progress import Progress

    p = Progress(console=_stderr(), transient=True)
    t = p.add_task("recode", total=total)
    p.start()
    return p, t


def _set_coder(con, ids: list[str], version: str) -> None:
    import pyarrow as pa

    con.register("_recoded", pa.table({"id": pa.array(ids, pa.string())}))
    try:
        con.execute("UPDATE articles SET coder = ? WHERE article_id IN (SELECT id FROM _recoded)", [version])
    finally:
        con.unregister("_recoded")


def _load_articles(con, ids: list[str]):
    """Articles (with body text cut from their document) and their stored sentences."""
    import pyarrow as pa

    con.register("_ids", pa.table({"id": pa.array(ids, pa.string())}))
    try:
        arts = con.execute(
            """SELECT a.article_id, d.doc, a.article_index, a.start_char, a.end_char, a.title, a.outlet,
                      a.author, strftime(a.date, '%Y-%m-%d'), a.url, a.language, a.body_start, a.body_end,
                      d.text, a.doc_id, a.corpus
               FROM articles a JOIN documents d USING (doc_id)
               WHERE a.article_id IN (SELECT id FROM _ids)"""
        ).fetchall()
        sents = con.execute(
            """SELECT article_id, idx, start_char, end_char, text FROM sentences
               WHERE article_id IN (SELECT id FROM _ids) ORDER BY article_id, idx"""
        ).fetchall()
    finally:
        con.unregister("_ids")
    by_art: dict[str, list[Sentence]] = {}
    for aid, idx, s, e, t in sents:
        by_art.setdefault(aid, []).append(Sentence(article_id=aid, index=idx, start=s, end=e, text=t))
    order = {aid: i for i, aid in enumerate(ids)}
    items, doc_ids, corpora = [], {}, {}
    for aid, doc, idx, start, end, title, outlet, author, date, url, lang, bs, be, text, doc_id, corp in sorted(arts, key=lambda r: order[r[0]]):
        bs_ = bs if bs is not None else start
        be_ = be if be is not None else end
        a = Article(
            doc=doc,
            index=idx,
            start=start,
            end=end,
            title=title,
            outlet=outlet,
            author=author,
            date=date,
            url=url,
            language=lang,
            body_start=bs,
            body_end=be,
            text=text[bs_:be_],
            id=aid,
        )
        items.append((a, by_art.get(aid, [])))
        doc_ids[aid] = doc_id
        corpora[aid] = corp
    return items, doc_ids, corpora


def samples_dir() -> Path:
    """The bundled sample pages: `samples/` beside the package (a checkout or an sdist)."""
    return Path(__file__).resolve().parent.parent / "samples"
