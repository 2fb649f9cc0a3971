"""Where documents come from: files, folders, globs and standard input, in any format.

`iter_documents` is the stage's one entry point. Every problem with an input becomes a
`BadInput` handed to `errors` (a list to append to, or a callable) and the run goes on.
"""

from __future__ import annotations

import glob
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from barograph.errors import BadInput
from barograph.ingest import containers, readers
from barograph.ingest.limits import SNIFF_BYTES
from barograph.records import Document

Errors = list | Callable[[BadInput], None]
STDIN = "-"


def _reporter(errors: Errors) -> Callable[[BadInput], None]:
    return errors.append if isinstance(errors, list) else errors


def expand(paths: Iterable[str | os.PathLike], report: Callable[[BadInput], None]) -> Iterator[str]:
    """Files named, found under folders (recursively, hidden ones skipped) or matched by globs."""
    for p in paths:
        p = os.fspath(p)
        if p == STDIN:
            yield p
        elif os.path.isdir(p):
            found = False
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for f in sorted(files):
                    if not f.startswith("."):
                        found = True
                        yield os.path.join(root, f)
            if not found:
                report(BadInput(p, "folder holds no files"))
        elif os.path.exists(p):
            yield p
        elif glob.has_magic(p):
            matches = sorted(m for m in glob.glob(p, recursive=True) if os.path.isfile(m))
            if not matches:
                report(BadInput(p, "no file matches this pattern", unread=True))
            yield from matches
        else:
            report(BadInput(p, "no such file or folder", unread=True))


def read_stream(
    stream: BinaryIO,
    name: str,
    where: str,
    size: int | None,
    suffix: str,
    report: Callable[[BadInput], None],
    text_column: str | None = None,
    stdin: bool = False,
    depth: int = 0,
) -> Iterator[Document]:
    """Documents from one open binary stream, whose format is sniffed from its head; a gzip or
    zip stream is read as the file(s) it holds, a known binary (PDF, image) rejected by name."""
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    binary = containers.binary_kind(head)
    if binary:
        raise containers.unsupported(where, binary)
    if containers.is_compressed(head):
        if depth:
            raise BadInput(where, "an archive inside an archive is not read; unpack the outer one first")
        for inner, inner_where, f, inner_size in containers.members(stream, name, where):
            try:
                yield from read_stream(f, inner, inner_where, inner_size, Path(inner).suffix, report, text_column, stdin, depth=depth + 1)
            except BadInput as e:  # one bad member; the archive's other files still come through
                report(e)
        return
    kind = readers.sniff(head, suffix)
    src = readers.Source(stream, name, where, size, report, text_column, stdin)
    yield from readers.INPUTS[kind].read(src)


def iter_documents(paths: Iterable[str | os.PathLike], *, errors: Errors, text_column: str | None = None) -> Iterator[Document]:
    """Documents of every input, in order; bad inputs and records go to `errors`."""
    report = _reporter(errors)
    for p in expand(paths, report):
        try:
            if p == STDIN:
                yield from read_stream(sys.stdin.buffer, "stdin", "<stdin>", None, "", report, text_column, stdin=True)
                continue
            path = Path(p)
            try:
                size = path.stat().st_size
                f = open(path, "rb")
            except OSError as e:
                report(BadInput(p, f"cannot open ({e.strerror})"))
                continue
            with f:
                if size == 0:
                    report(BadInput(p, "empty file"))
                    continue
                yield from read_stream(f, path.name, p, size, path.suffix, report, text_column)
        except BadInput as e:
            report(e)
        except OSError as e:
            report(BadInput(p, f"cannot read ({e.strerror or e})"))
