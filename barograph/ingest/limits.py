"""Size limits of the readers, kept in one place so the message and the check agree."""

from __future__ import annotations

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # one text/HTML document, or one JSONL/CSV record
SNIFF_BYTES = 64 * 1024  # head read to guess format and encoding


def human_size(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def too_large(n: int, what: str = "one document") -> str:
    return f"{human_size(n)} is too large for {what} (limit {MAX_DOCUMENT_BYTES >> 20} MB); split it or use JSONL"
