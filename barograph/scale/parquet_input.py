"""Parquet files of articles as input: what a Ray pipeline upstream of barograph usually hands over.

One Document per row, read one record batch at a time so a large file never sits in memory.
Columns follow the JSONL reader's names: ``text`` (required), ``id``, ``title``, ``date``,
``url``, ``source``/``outlet``, ``author``. A row without text is reported and skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator

from barograph.errors import BadInput
from barograph.records import Document

SUFFIXES = (".parquet", ".pq")
BATCH_ROWS = 1024


def is_parquet(path: str) -> bool:
    return path.lower().endswith(SUFFIXES)


def _str(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def read_parquet(path: str, report: Callable[[BadInput], None]) -> Iterator[Document]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from barograph.ingest.dates import iso_date

    try:
        f = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as e:
        report(BadInput(path, f"not a readable Parquet file ({str(e).splitlines()[0][:200]})"))
        return
    names = set(f.schema_arrow.names)
    if "text" not in names:
        report(BadInput(path, f"no 'text' column (columns: {', '.join(sorted(names))})"))
        return
    wanted = [c for c in ("id", "text", "title", "date", "url", "source", "outlet", "author") if c in names]
    base = os.path.basename(path)
    row = 0
    try:
        for batch in f.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            for rec in batch.to_pylist():
                row += 1
                text = rec.get("text")
                if not isinstance(text, str) or not text.strip():
                    report(BadInput(path, "empty or missing 'text'", row))
                    continue
                blob = json.dumps(rec, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
                yield Document(
                    doc=_str(rec.get("id")) or f"{base}:{row}",
                    text=text,
                    kind="parquet",
                    path=f"{path}:{row}",
                    sha256=hashlib.sha256(blob).hexdigest(),
                    encoding="utf-8",
                    title=_str(rec.get("title")),
                    date=iso_date(rec.get("date")),
                    url=_str(rec.get("url")),
                    outlet=_str(rec.get("source") or rec.get("outlet")),
                    author=_str(rec.get("author")),
                )
    except (OSError, pa.ArrowException) as e:
        report(BadInput(path, f"cannot read Parquet ({str(e).splitlines()[0][:200]})", row + 1))


def iter_inputs(paths: Iterable[str], *, errors, text_column: str | None = None) -> Iterator[Document]:
    """``iter_documents`` for every input, except that Parquet files are read here, in order."""
    from barograph.ingest.sources import expand, iter_documents

    report = errors.append if isinstance(errors, list) else errors
    plain: list[str] = []
    for p in expand(list(paths), report):
        if p != "-" and is_parquet(p):
            if plain:
                yield from iter_documents(plain, errors=errors, text_column=text_column)
                plain = []
            yield from read_parquet(p, report)
        else:
            plain.append(p)
    if plain:
        yield from iter_documents(plain, errors=errors, text_column=text_column)
