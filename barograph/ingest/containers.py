"""Compressed inputs (gzip, zip) opened as the files they hold, and binary formats named.

Why: news dumps and event files come compressed (`news.jsonl.gz`, GDELT's
`*.export.CSV.zip`, ICEWS's `events.2014.*.tab.zip`), and a PDF or Word file handed to
barograph deserves "PDF is not supported; extract its text first", not "binary file (NUL
bytes)". Recognised by content (magic bytes), so a misnamed file is read right too.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import BinaryIO

from barograph.errors import BadInput

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

# first bytes -> what the file is (formats barograph cannot read, named in the rejection)
BINARIES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office (Word/Excel 97-2003) document"),
    (b"{\\rtf", "RTF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "executable (ELF)"),
    (b"PAR1", "Parquet file"),
    (b"SQLite format 3\x00", "SQLite database"),
)

# zip members that make a zip an office document rather than an archive of inputs
OFFICE_MEMBERS = (("word/", "Word document (.docx)"), ("xl/", "Excel workbook (.xlsx)"), ("ppt/", "PowerPoint file (.pptx)"))
ODF_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument"


def binary_kind(head: bytes) -> str | None:
    """The name of a known binary format from the first bytes, or None."""
    for magic, name in BINARIES:
        if head.startswith(magic):
            return name
    if head.startswith(ZIP_MAGIC) and ODF_MIMETYPE in head[:120]:
        return "OpenDocument file"
    if len(head) > 12 and head[4:8] == b"ftyp":
        return "video/audio file (MP4)"
    return None


def unsupported(where: str, kind: str) -> BadInput:
    if kind == "PDF":
        return BadInput(where, "PDF is not supported; extract its text first (for example: pdftotext FILE.pdf)")
    return BadInput(where, f"{kind} is not supported; save or export it as text, HTML, JSONL or CSV first")


def is_compressed(head: bytes) -> bool:
    return head.startswith((GZIP_MAGIC, ZIP_MAGIC, EMPTY_ZIP_MAGIC))


def inner_name(name: str) -> str:
    """`news.jsonl.gz` -> `news.jsonl` (the name whose suffix says the format inside)."""
    p = PurePath(name)
    return p.stem if p.suffix.lower() in (".gz", ".gzip", ".zip") else name


def members(stream: BinaryIO, name: str, where: str) -> Iterator[tuple[str, str, BinaryIO, int | None]]:
    """(name, where, stream, size) of each file inside a gzip or zip stream.

    gzip holds one file (named for the archive less `.gz`); a zip yields its files in order
    (folders, hidden files and macOS `__MACOSX/` entries skipped), each `where` as
    `archive.zip!member`. An office document (.docx, .xlsx) or a broken archive is a BadInput.
    """
    head = stream.peek(8)[:8] if hasattr(stream, "peek") else b""
    if head.startswith(GZIP_MAGIC):
        yield inner_name(name), where, gzip.GzipFile(fileobj=stream, mode="rb"), None  # type: ignore[misc]
        return
    try:
        zf = zipfile.ZipFile(stream)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise BadInput(where, f"not a readable zip archive ({e})") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        for prefix, kind in OFFICE_MEMBERS:
            if any(i.filename.startswith(prefix) for i in infos) and any(i.filename == "[Content_Types].xml" for i in infos):
                raise unsupported(where, kind)
        infos = [i for i in infos if not i.filename.startswith("__MACOSX/") and not PurePath(i.filename).name.startswith(".")]
        if not infos:
            raise BadInput(where, "zip archive holds no files")
        for info in infos:
            try:
                f = zf.open(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as e:
                raise BadInput(f"{where}!{info.filename}", f"cannot unpack ({e})") from None
            with f:
                yield PurePath(info.filename).name, f"{where}!{info.filename}", f, info.file_size  # type: ignore[misc]


def open_path(path: str) -> Iterator[tuple[str, BinaryIO]]:
    """(where, binary stream) of a plain, gzipped or zipped file: its content, decompressed
    (every member of a zip). For whole-file readers (GDELT, ICEWS) that take a stream."""
    import io

    with open(path, "rb") as f:
        buf = io.BufferedReader(f)  # type: ignore[arg-type]
        if not is_compressed(buf.peek(8)[:8]):
            yield path, buf
            return
        for _name, where, inner, _size in members(buf, PurePath(path).name, path):
            yield where, inner  # type: ignore[misc]
