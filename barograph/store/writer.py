"""Writing ingested documents: every article with its sentences and events, or nothing.

Rows go in as Arrow tables (one INSERT ... SELECT per table and batch), because DuckDB's
executemany runs one statement per row. A batch may hold many documents; a document is never
split across batches, so after a crash each article is either whole or absent.

Deduplication rules (why the rows look the way they do):

* a document whose sha256 is already stored is skipped: re-ingesting adds nothing;
* an article whose content id is already stored (or earlier in the batch) adds only an
  ``appearances`` row: a repost counts once and is linked many times;
* a near-duplicate (``Article.duplicate_of`` set) keeps its own ``articles`` row and sentences,
  so its wording can still be shown, but its appearance points at the original and it gets no
  events: the story is counted and coded once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import pyarrow as pa

from barograph.errors import BadInput
from barograph.records import Article, Document, Event, Sentence
from barograph.store import indexes
from barograph.store.db import Store


@dataclass
class DocBatch:
    """One document's worth of rows; the unit that is stored whole or not at all."""

    doc: Document
    articles: list[Article]
    sentences: list[Sentence] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    signatures: dict[str, bytes] = field(default_factory=dict)  # article id -> MinHash bytes
    coder: str | None = None  # version that coded these articles; None when not coded
    coded: set[str] | None = None  # ids actually coded (None: every new story, when coder is set)


@dataclass
class WriteResult:
    """What a write added (skipped documents add nothing but are counted)."""

    documents: int = 0  # new documents
    already_stored: int = 0  # documents skipped because their sha256 is stored
    articles: int = 0  # new stories (articles rows without duplicate_of)
    duplicates: int = 0  # exact reposts and near-duplicates (appearances only)
    near_duplicates: int = 0
    sentences: int = 0
    events: int = 0

    def add(self, other: "WriteResult") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))


def write_batch(
    store: Store,
    doc: Document,
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    events: Sequence[Event],
    *,
    corpus: str = "default",
    coder: str | None = None,
) -> WriteResult:
    """Store one document in one transaction (the stage contract)."""
    return write_many(store, [DocBatch(doc, list(articles), list(sentences), list(events), coder=coder)], corpus=corpus)


def write_many(store: Store, batch: Sequence[DocBatch], *, corpus: str = "default", rejects: Sequence[BadInput] = ()) -> WriteResult:
    """Store many documents in one transaction; rejected inputs are recorded in the same one."""
    with store.transaction() as con:
        result = _write(con, batch, corpus)
        if rejects:
            _insert(
                con,
                "rejects",
                {
                    "path": [r.where for r in rejects],
                    "line": [r.line for r in rejects],
                    "problem": [r.problem for r in rejects],
                    "corpus": [corpus] * len(rejects),
                },
            )
    return result


def known_ids(con, table: str, column: str, ids: Iterable[str]) -> set[str]:
    """Which of `ids` are already in `table` (one query, whatever the count)."""
    ids = list(set(ids))
    if not ids:
        return set()
    rows = con.execute(f"SELECT {column} FROM {table} WHERE {column} IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()
    return {r[0] for r in rows}


def event_id(e: Event) -> str:
    """A stable id when the coder gave none: same article, sentence and coding -> same id."""
    if e.id:
        return e.id
    key = f"{e.article_id}|{e.sentence_index}|{e.source}|{e.target}|{e.cameo}|{e.trigger_start}|{e.modality}"
    return hashlib.sha1(key.encode()).hexdigest()[:20]


def _write(con, batch: Sequence[DocBatch], corpus: str) -> WriteResult:
    res = WriteResult()
    stored_docs = known_ids(con, "documents", "doc_id", (b.doc.sha256 for b in batch))
    new = []
    seen_docs: set[str] = set()
    for b in batch:
        if not b.doc.sha256:
            raise ValueError(f"{b.doc.path or b.doc.doc}: document has no sha256")
        if b.doc.sha256 in stored_docs or b.doc.sha256 in seen_docs:
            res.already_stored += 1
            res.duplicates += len(b.articles)
            continue
        seen_docs.add(b.doc.sha256)
        new.append(b)
    if not new:
        return res
    stored_arts = known_ids(con, "articles", "article_id", (a.id for b in new for a in b.articles))

    docs = _Cols("doc_id", "doc", "path", "kind", "encoding", "chars", "corpus", "text")
    arts = _Cols(
        "article_id",
        "doc_id",
        "article_index",
        "title",
        "outlet",
        "author",
        "date",
        "url",
        "language",
        "start_char",
        "end_char",
        "body_start",
        "body_end",
        "duplicate_of",
        "corpus",
        "coder",
    )
    apps = _Cols("article_id", "doc_id", "article_index", "start_char", "end_char", "title", "outlet", "url", "date")
    sents = _Cols("article_id", "idx", "doc_id", "start_char", "end_char", "text")
    sigs = _Cols("article_id", "corpus", "minhash")
    evs = _Cols(*_EVENT_COLS)
    taken: set[str] = set()  # article ids given an articles row in this batch
    coded: set[str] = set()  # ... of which events may be stored
    event_ids: set[str] = set()

    for b in new:
        d = b.doc
        res.documents += 1
        docs.add(d.sha256, d.doc, d.path, d.kind, d.encoding, len(d.text), corpus, d.text)
        fresh_here: set[str] = set()
        for a in b.articles:
            if not a.id:
                raise ValueError(f"{d.path or d.doc}: article {a.index} has no id")
            if a.duplicate_of == a.id:
                a.duplicate_of = None
            original = a.duplicate_of or a.id
            apps.add(original, d.sha256, a.index, a.start, a.end, a.title, a.outlet, a.url, a.date)
            if a.id in stored_arts or a.id in taken:
                res.duplicates += 1
                continue
            taken.add(a.id)
            fresh_here.add(a.id)
            if a.duplicate_of:
                res.duplicates += 1
                res.near_duplicates += 1
            else:
                res.articles += 1
                if b.coder is not None and (b.coded is None or a.id in b.coded):
                    coded.add(a.id)
            arts.add(
                a.id,
                d.sha256,
                a.index,
                a.title,
                a.outlet,
                a.author,
                a.date,
                a.url,
                a.language,
                a.start,
                a.end,
                a.body_start,
                a.body_end,
                a.duplicate_of,
                corpus,
                b.coder if a.id in coded else None,
            )
            sig = b.signatures.get(a.id)
            if sig is not None:
                sigs.add(a.id, corpus, sig)
        for s in b.sentences:
            if s.article_id in fresh_here:
                sents.add(s.article_id, s.index, d.sha256, s.start, s.end, s.text)
        for e in b.events:
            if e.article_id not in coded or e.article_id not in fresh_here:
                continue
            eid = event_id(e)
            if eid in event_ids:
                continue
            event_ids.add(eid)
            evs.add(*_event_row(e, eid, d.sha256, corpus))

    _insert(con, "documents", docs.cols)
    _insert(con, "articles", arts.cols, dates=("date",))
    _insert(con, "appearances", apps.cols, dates=("date",))
    _insert(con, "sentences", sents.cols)
    _insert(con, "signatures", sigs.cols, binary=("minhash",))
    insert_events(con, evs.cols)
    indexes.add_events(con, evs.cols["event_id"])
    res.sentences = len(sents)
    res.events = len(evs)
    return res


_EVENT_COLS = (
    "event_id",
    "origin",
    "corpus",
    "article_id",
    "doc_id",
    "doc",
    "sentence_idx",
    "start_char",
    "end_char",
    "text",
    "source",
    "source_entity",
    "source_sector",
    "source_name",
    "target",
    "target_entity",
    "target_sector",
    "target_name",
    "cameo",
    "root_code",
    "quad_class",
    "goldstein",
    "plover",
    "plover_mode",
    "modality",
    "date",
    "historical",
    "outlet",
    "trigger",
    "confidence",
    "coder",
    "method",
    "source_resolved",
    "target_resolved",
    "place",
    "place_country",
    "latitude",
    "longitude",
)


def _sector(code: str, entity: str) -> str | None:
    """RUSGOV with entity RUS -> GOV: the part of a CAMEO actor code after its country."""
    if code and entity and code.startswith(entity) and len(code) > len(entity):
        return code[len(entity) :][:3]
    return None


def _event_row(e: Event, eid: str, doc_id: str, corpus: str) -> tuple:
    return (
        eid,
        "barograph",
        corpus,
        e.article_id,
        doc_id,
        e.doc,
        e.sentence_index,
        e.start,
        e.end,
        e.text,
        e.source,
        e.source_entity,
        _sector(e.source, e.source_entity),
        None if e.source_resolved else (e.source_text or None),
        e.target,
        e.target_entity,
        _sector(e.target, e.target_entity),
        None if e.target_resolved else (e.target_text or None),
        e.cameo,
        (e.cameo or "")[:2] or None,
        e.quad_class,
        float(e.goldstein) if e.goldstein is not None else None,
        e.plover,
        e.plover_mode,
        e.modality,
        e.date,
        bool(e.historical),
        e.outlet,
        e.trigger,
        e.confidence,
        e.coder,
        e.method,
        bool(e.source_resolved),
        bool(e.target_resolved),
        e.place,
        e.place_country,
        e.latitude,
        e.longitude,
    )


def event_rows(events: Iterable[Event], doc_ids: dict[str, str], corpus: str) -> dict[str, list]:
    """Columns for `insert_events`; `doc_ids` maps article id -> its document's sha256."""
    cols = _Cols(*_EVENT_COLS)
    seen: set[str] = set()
    for e in events:
        eid = event_id(e)
        if eid in seen:
            continue
        seen.add(eid)
        cols.add(*_event_row(e, eid, doc_ids.get(e.article_id), corpus))  # type: ignore[arg-type]
    return cols.cols


def insert_events(con, cols: dict[str, list]) -> None:
    types = {
        "sentence_idx": pa.int32(),
        "quad_class": pa.int8(),
        "goldstein": pa.float64(),
        "confidence": pa.float64(),
        "latitude": pa.float64(),
        "longitude": pa.float64(),
        "historical": pa.bool_(),
        "source_resolved": pa.bool_(),
        "target_resolved": pa.bool_(),
        "start_char": pa.int64(),
        "end_char": pa.int64(),
    }
    _insert(con, "events", cols, dates=("date",), types=types)


class _Cols:
    """Column lists filled row by row; cheaper than building dicts per row."""

    def __init__(self, *names: str):
        self.cols: dict[str, list] = {n: [] for n in names}
        self._lists = list(self.cols.values())

    def add(self, *values) -> None:
        for lst, v in zip(self._lists, values):
            lst.append(v)

    def __len__(self) -> int:
        return len(self._lists[0])


_INT_COLS = {"article_index", "start_char", "end_char", "body_start", "body_end", "idx", "chars", "line", "sentence_idx"}


def _insert(con, table: str, cols: dict[str, list], *, dates=(), binary=(), types=None) -> None:
    """One INSERT ... SELECT from an Arrow table; dates cast leniently (bad ones become NULL)."""
    if not cols or not len(next(iter(cols.values()))):
        return
    arrays = {}
    for name, values in cols.items():
        if isinstance(values, pa.Array):
            arrays[name] = values
        elif types and name in types:
            arrays[name] = pa.array(values, types[name])
        elif name in binary:
            arrays[name] = pa.array(values, pa.binary())
        elif name in _INT_COLS:
            arrays[name] = pa.array(values, pa.int64())
        else:
            arrays[name] = pa.array(values, pa.string())
    tbl = pa.table(arrays)
    names = list(cols)
    select = ", ".join(f'TRY_CAST("{n}" AS DATE)' if n in dates else f'"{n}"' for n in names)
    view = f"_rows_{table}"
    con.register(view, tbl)
    try:
        quoted = ", ".join(f'"{n}"' for n in names)
        con.execute(f"INSERT INTO {table} ({quoted}) SELECT {select} FROM {view}")
    finally:
        con.unregister(view)


def articles_of_documents(con, doc_ids: set[str]) -> dict[str, int]:
    """How many articles each stored document holds (0 for none): a repeat of it repeats them all."""
    if not doc_ids:
        return {}
    rows = con.execute(
        "SELECT doc_id, count(*) FROM appearances WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY doc_id", [list(doc_ids)]
    ).fetchall()
    return {d: 0 for d in doc_ids} | dict(rows)
