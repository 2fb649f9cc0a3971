"""One reader per input format; each turns an open binary stream into `Document`s.

`INPUTS` (at the end) is the registry every caller uses: a format's extensions, its content
sniffer and its reader, so a new input format is one reader and one line there; the web
upload's `kind` names come from it too.

Record formats (JSONL, CSV, feeds) are read one record at a time, so a large dump never sits
in memory; a bad record is reported and skipped, its neighbours still come through.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from barograph.errors import BadInput
from barograph.ingest.dates import iso_date
from barograph.ingest.decode import bom, check_text, decode, detect_encoding
from barograph.ingest.limits import MAX_DOCUMENT_BYTES, SNIFF_BYTES, too_large
from barograph.records import Document

Report = Callable[[BadInput], None]

_HTML_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|p|div)[\s>]", re.IGNORECASE)
_FEED_RE = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates (JSON "\\ud800" escapes) are not text


# -- recognising a format --------------------------------------------------------------------
def _start(head: bytes) -> bytes:
    """The head without a UTF-8 byte-order mark and leading white space (first 4 KB)."""
    b = bom(head)
    start = head[b[1] :] if b and b[1] == 3 else head
    return start.lstrip()[:4096]


def _looks_feed(head: bytes) -> bool:
    first = _start(head)
    return first.startswith(b"<") and bool(_FEED_RE.search(first))


def _looks_html(head: bytes) -> bool:
    first = _start(head)
    return first.startswith(b"<") and bool(_HTML_RE.search(first))


def _looks_jsonl(head: bytes) -> bool:
    first = _start(head)
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first.split(b"\n", 1)[0]), dict)
    except ValueError:
        return False


def _feed_or_html(head: bytes) -> str | None:
    """An .xml/.rss file that holds a web page rather than a feed is read as the page."""
    if not _FEED_RE.search(head[:4096]) and _HTML_RE.search(head[:4096]):
        return "html"
    return None


def sniff(head: bytes, suffix: str = "") -> str:
    """The format of an input (a name in INPUTS), from its extension, else from its first bytes."""
    suffix = suffix.lower()
    for name, fmt in INPUTS.items():
        if suffix in fmt.suffixes:
            return (fmt.recheck(head) if fmt.recheck else None) or name
    for name, fmt in INPUTS.items():
        if fmt.sniff is not None and fmt.sniff(head):
            return name
    return "text"


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# -- whole documents -----------------------------------------------------------------------
def read_whole(stream: BinaryIO, where: str, size: int | None) -> bytes:
    """All bytes of one document, refusing (before reading) one over the size limit."""
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise BadInput(where, too_large(size))
    raw = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise BadInput(where, f"more than {MAX_DOCUMENT_BYTES >> 20} MB is too large for one document; split it or use JSONL")
    if not raw.strip():
        raise BadInput(where, "empty file")
    return raw


def read_text(raw: bytes, name: str, where: str, kind: str = "text") -> Document:
    text, enc = decode(raw, where)
    if not text.strip():
        raise BadInput(where, "empty file (only white space)")
    return Document(doc=name, text=text, kind=kind, path=where, sha256=_sha(raw), encoding=enc)


def html_to_text(html: str) -> str:
    """Visible text of broken or boilerplate-free HTML, one block per paragraph."""
    import lxml.html

    html = _XML_UNSAFE.sub("", html)  # lxml refuses strings holding control characters
    try:
        root = lxml.html.fromstring(html)
    except Exception:  # lxml raises several kinds on garbage
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = root.xpath("//p|//h1|//h2|//h3|//h4|//li|//blockquote|//pre|//td")
    if blocks:
        parts = [
            re.sub(r"[ \t\r\f\v]+", " ", b.text_content()).strip() for b in blocks if not b.xpath("ancestor::p|ancestor::li|ancestor::blockquote")
        ]
    else:
        parts = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in root.text_content().splitlines()]
    return "\n\n".join(p for p in parts if p)


def read_html(raw: bytes, name: str, where: str) -> Document:
    html, enc = decode(raw, where)
    import trafilatura

    got = None
    try:
        got = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            # only dates the page states in its markup: no guesses from a copyright year
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # trafilatura gives up on some broken markup with an exception
        got = None
    got = got if isinstance(got, dict) or got is None else got.as_dict()
    body = (got or {}).get("text") or ""
    meta = got or {}
    if not body.strip():
        body = html_to_text(html)
    if not body.strip():
        raise BadInput(where, "no text found in the HTML (broken or empty page)")
    title = (meta.get("title") or "").strip() or None
    text = body if not title or body.lstrip().startswith(title) else f"{title}\n\n{body}"
    return Document(
        doc=name,
        text=text,
        kind="html",
        path=where,
        sha256=_sha(raw),
        encoding=enc,
        title=title,
        date=iso_date(meta.get("date")),
        url=meta.get("url") or None,
        outlet=meta.get("sitename") or None,
        author=meta.get("author") or None,
    )


# -- record formats ------------------------------------------------------------------------
def _lines(stream: BinaryIO, where: str, report: Report) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) from a binary stream; an over-long line is skipped unread."""
    n = 0
    while True:
        line = stream.readline(MAX_DOCUMENT_BYTES + 1)
        if not line:
            return
        n += 1
        if len(line) > MAX_DOCUMENT_BYTES and not line.endswith(b"\n"):
            while True:  # skip to the end of the line in bounded chunks
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            report(BadInput(where, too_large(MAX_DOCUMENT_BYTES + 1, "one record"), n))
            continue
        yield n, line


def _text_lines(stream: BinaryIO, enc: str) -> Iterator[tuple[int, bytes]]:
    """Lines of a UTF-16/32 stream, re-encoded as UTF-8 bytes (those encodings break byte lines)."""
    wrapper = io.TextIOWrapper(stream, encoding=enc, newline="")
    for n, line in enumerate(wrapper, 1):
        yield n, line.encode("utf-8")


def _str(v) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def read_jsonl(stream: BinaryIO, name: str, where: str, report: Report) -> Iterator[Document]:
    """One Document per JSON object line: `id`, `text`, optional `title`, `date`, `url`, `source`."""
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    enc = detect_encoding(head, where, partial=True) if head else "utf-8"
    wide = enc.startswith(("utf-16", "utf-32"))
    if not wide and bom(head):
        stream.read(len(codecs.BOM_UTF8))
    lines = _text_lines(stream, enc) if wide else _lines(stream, where, report)
    seen = 0
    for n, raw in lines:
        if not raw.strip():
            continue
        seen += 1
        try:
            line = raw.decode("utf-8" if wide else enc)
        except UnicodeDecodeError:
            report(BadInput(where, f"not valid {enc} text", n))
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            report(BadInput(where, f"malformed JSON ({e.msg} at column {e.colno})", n))
            continue
        if not isinstance(rec, dict):
            report(BadInput(where, "a JSON object {...} is expected on each line", n))
            continue
        text = rec.get("text")
        if not isinstance(text, str):
            report(BadInput(where, "no 'text' field" if text is None else "'text' is not a string", n))
            continue
        if not text.strip():
            report(BadInput(where, "empty 'text'", n))
            continue
        if _SURROGATE.search(text):
            report(BadInput(where, "unpaired UTF-16 surrogate escape (\\ud800-\\udfff) in the record", n))
            continue
        try:
            check_text(text, f"{where}:{n}")
        except BadInput as e:
            report(BadInput(where, e.problem, n))
            continue
        rid = _str(rec.get("id"))
        yield Document(
            doc=rid or f"{name}:{n}",
            text=text,
            kind="jsonl",
            path=f"{where}:{n}",
            sha256=_sha(raw),
            encoding=enc,
            title=_str(rec.get("title")),
            date=iso_date(rec.get("date")),
            url=_str(rec.get("url")),
            outlet=_str(rec.get("source") or rec.get("outlet")),
            author=_str(rec.get("author")),
        )
    if not seen:
        report(BadInput(where, "empty file"))


TEXT_COLUMNS = ("text", "body", "content", "article", "story")
ID_COLUMNS = ("id", "doc", "doc_id", "guid", "uuid")


class _Recorder:
    """Feeds lines to csv.reader and remembers them, so each record's raw text is known."""

    def __init__(self, lines: Iterator[str]):
        self.lines, self.taken = lines, []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line


def read_csv(stream: BinaryIO, name: str, where: str, report: Report, text_column: str | None = None) -> Iterator[Document]:
    """One Document per row; the text column is `text_column` or the first of TEXT_COLUMNS."""
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    if not head.strip():
        raise BadInput(where, "empty file")
    enc = detect_encoding(head, where, partial=True)
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig" if enc == "utf-8" else enc, errors="strict", newline="")
    rec = _Recorder(iter(wrapper))
    header_line = head.split(b"\n", 1)[0]
    delim = max((",", ";", "\t", "|"), key=lambda d: header_line.count(d.encode()))
    csv.field_size_limit(MAX_DOCUMENT_BYTES)
    reader = csv.reader(rec, delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput(where, "empty file") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise BadInput(where, f"cannot read the CSV header ({e})", 1) from None
    cols = {h.strip().lower(): i for i, h in enumerate(header)}
    if text_column:
        if text_column.lower() not in cols:
            raise BadInput(where, f"no column {text_column!r} (columns: {', '.join(header)})", 1)
        ti = cols[text_column.lower()]
    else:
        ti = next((cols[c] for c in TEXT_COLUMNS if c in cols), None)
        if ti is None:
            raise BadInput(where, f"no text column (looked for {', '.join(TEXT_COLUMNS)}; name one with --text-column)", 1)

    def col(row, *names):
        for c in names:
            i = cols.get(c)
            if i is not None and i < len(row):
                return _str(row[i])
        return None

    line = reader.line_num + 1
    while True:
        rec.taken = []
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            report(BadInput(where, f"not valid {enc} text", line))
            return  # the decoder cannot resynchronise reliably
        except csv.Error as e:
            report(BadInput(where, f"malformed CSV ({e})", line))
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in row):
            continue
        text = row[ti] if ti < len(row) else ""
        if not text.strip():
            report(BadInput(where, "empty text column", start))
            continue
        raw = "".join(rec.taken).encode("utf-8")
        yield Document(
            doc=col(row, *ID_COLUMNS) or f"{name}:{start}",
            text=text,
            kind="csv",
            path=f"{where}:{start}",
            sha256=_sha(raw),
            encoding=enc,
            title=col(row, "title", "headline"),
            date=iso_date(col(row, "date", "published", "pubdate")),
            url=col(row, "url", "link"),
            outlet=col(row, "source", "outlet", "publisher"),
            author=col(row, "author", "byline"),
        )


def read_feed(raw: bytes, name: str, where: str, report: Report) -> Iterator[Document]:
    """One Document per RSS/Atom entry: its title, then its content or summary as text."""
    import feedparser

    parsed = feedparser.parse(raw)
    if not parsed.entries:
        problem = "no entries in the feed"
        if parsed.get("bozo"):
            problem += f" (not a readable RSS/Atom feed: {str(parsed.get('bozo_exception')).splitlines()[0]})"
        raise BadInput(where, problem)
    outlet = _str(parsed.feed.get("title"))
    for i, e in enumerate(parsed.entries, 1):
        html = ""
        if e.get("content"):
            html = max((c.get("value", "") for c in e.content), key=len)
        html = html or e.get("summary", "") or e.get("description", "")
        body = html_to_text(f"<div>{html}</div>") if "<" in html else html.strip()
        title = _str(e.get("title"))
        if not body.strip() and not title:
            report(BadInput(where, f"feed entry {i} has no text"))
            continue
        text = f"{title}\n\n{body}" if title and body else (body or title)
        eid = _str(e.get("id")) or _str(e.get("link")) or f"{name}:{i}"
        date = e.get("published_parsed") or e.get("updated_parsed")
        blob = json.dumps([eid, title, body], ensure_ascii=False).encode("utf-8")
        yield Document(
            doc=eid,
            text=text,
            kind="feed",
            path=f"{where}#{i}",
            sha256=_sha(blob),
            encoding=parsed.get("encoding"),
            title=title,
            date=iso_date(date),
            url=_str(e.get("link")),
            outlet=outlet,
            author=_str(e.get("author")),
        )


# -- the registry of input formats -----------------------------------------------------------
@dataclass
class Source:
    """One open input, as every reader in INPUTS takes it."""

    stream: BinaryIO
    name: str
    where: str
    size: int | None
    report: Report
    text_column: str | None = None
    stdin: bool = False


@dataclass(frozen=True)
class InputFormat:
    """How an input format is recognised (extension, content) and read into Documents.

    `sniff(head)`: whether the first bytes look like this format (None: only by extension);
    `recheck(head)`: with a matching extension, another format's name when the content says so.
    """

    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool] | None
    read: Callable[[Source], Iterator[Document]]
    aliases: tuple[str, ...] = ()
    recheck: Callable[[bytes], str | None] | None = None


def _whole(src: Source) -> bytes:
    return read_whole(src.stream, src.where, src.size)


# Checked in this order when sniffing content; a new input format is one reader and one line here.
INPUTS: dict[str, InputFormat] = {
    "feed": InputFormat(
        (".rss", ".atom", ".xml", ".rdf"),
        _looks_feed,
        lambda src: read_feed(_whole(src), src.name, src.where, src.report),
        aliases=("rss", "atom", "xml"),
        recheck=_feed_or_html,
    ),
    "html": InputFormat((".html", ".htm", ".xhtml", ".shtml"), _looks_html, lambda src: iter([read_html(_whole(src), src.name, src.where)])),
    "jsonl": InputFormat(
        (".jsonl", ".ndjson", ".json", ".jsonlines"),
        _looks_jsonl,
        lambda src: read_jsonl(src.stream, src.name, src.where, src.report),
        aliases=("json",),
    ),
    "csv": InputFormat((".csv", ".tsv"), None, lambda src: read_csv(src.stream, src.name, src.where, src.report, src.text_column)),
    "text": InputFormat(
        (".txt", ".text", ".md"),
        None,
        lambda src: iter([read_text(_whole(src), src.name, src.where, "stdin" if src.stdin else "text")]),
        aliases=("txt",),
    ),
}


def input_kinds() -> dict[str, str]:
    """Every name (and alias) of an input format -> the file suffix that makes `sniff` choose it."""
    return {n: fmt.suffixes[0] for name, fmt in INPUTS.items() for n in (name, *fmt.aliases)}
