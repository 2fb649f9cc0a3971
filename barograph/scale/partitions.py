"""Deterministic shards of the input, and their Parquet form.

A run is resumable only if a rerun cuts the input into the same shards: documents are taken
in input order and a shard closes after ``shard_docs`` documents or ``shard_chars``
characters, so shard 12 always holds the same documents. Each shard's fingerprint (the hashes
of its documents) lets a rerun notice that the input changed underneath it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from barograph.records import Article, Document, Event, Sentence

TABLES = ("documents", "articles", "events")
"""Sub-folders of a run directory, one Parquet file per shard in each; events last."""


def part_name(shard: int) -> str:
    return f"part-{shard:05d}.parquet"


@dataclass
class Shard:
    number: int
    docs: list[Document] = field(default_factory=list)
    chars: int = 0

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for d in self.docs:
            h.update((d.sha256 or hashlib.sha256(d.text.encode("utf-8", "surrogatepass")).hexdigest()).encode())
            h.update(d.doc.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()[:24]


def shards(docs: Iterable[Document], shard_docs: int = 200, shard_chars: int = 2_000_000) -> Iterator[Shard]:
    """Cut a document stream into numbered shards, holding one shard in memory at a time."""
    current = Shard(0)
    for d in docs:
        current.docs.append(d)
        current.chars += len(d.text)
        if len(current.docs) >= shard_docs or current.chars >= shard_chars:
            yield current
            current = Shard(current.number + 1)
    if current.docs:
        yield current


# ---- Arrow schemas derived from the records, so a new field travels without edits here ----


def _arrow_type(annotation: Any) -> pa.DataType:
    t = str(annotation)
    if t.startswith("dict") or t.startswith("list"):
        return pa.string()  # stored as JSON text
    if t.startswith("bool"):
        return pa.bool_()
    if t.startswith("int"):
        return pa.int64()
    if t.startswith("float"):
        return pa.float64()
    return pa.string()


def schema_of(cls: type) -> pa.Schema:
    return pa.schema([pa.field(f.name, _arrow_type(f.type)) for f in dataclasses.fields(cls)])


SCHEMAS = {"documents": schema_of(Document), "articles": schema_of(Article), "sentences": schema_of(Sentence), "events": schema_of(Event)}
_CLASSES = {"documents": Document, "articles": Article, "sentences": Sentence, "events": Event}


def to_table(kind: str, records: Iterable[Any]) -> pa.Table:
    schema = SCHEMAS[kind]
    json_cols = [
        f.name
        for f in schema
        if f.type == pa.string() and str(next(x.type for x in dataclasses.fields(_CLASSES[kind]) if x.name == f.name)).startswith(("dict", "list"))
    ]
    rows = []
    for r in records:
        d = dataclasses.asdict(r)
        for c in json_cols:
            d[c] = json.dumps(d[c], ensure_ascii=False, sort_keys=True)
        rows.append(d)
    return pa.Table.from_pylist(rows, schema=schema)


def from_table(kind: str, table: pa.Table) -> list[Any]:
    cls = _CLASSES[kind]
    json_cols = {x.name for x in dataclasses.fields(cls) if str(x.type).startswith(("dict", "list"))}
    out = []
    for d in table.to_pylist():
        for c in json_cols:
            if c in d and isinstance(d[c], str):
                d[c] = json.loads(d[c])
        out.append(cls(**{k: v for k, v in d.items() if k in {f.name for f in dataclasses.fields(cls)}}))
    return out


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write beside the target and rename: a reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_part(run_dir: Path, kind: str, shard: int) -> list[Any]:
    """Records of one part; ``spool`` parts hold documents waiting to be coded."""
    table = pq.read_table(Path(run_dir) / kind / part_name(shard))
    return from_table("documents" if kind == "spool" else kind, table)
