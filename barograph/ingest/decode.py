"""Bytes to text: the encoding is detected (BOM, UTF-8, then charset-normalizer), never assumed.

UTF-8 is tried first because a strict UTF-8 decode that succeeds is itself the strongest
detection there is, and it costs next to nothing; charset-normalizer only sees the rest.
"""

from __future__ import annotations

import codecs
import re

from barograph.errors import BadInput

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# control characters that never occur in text (tab, line breaks and form feed are text)
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def bom(raw: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) when the bytes start with a byte-order mark."""
    for mark, enc in _BOMS:
        if raw.startswith(mark):
            return enc, len(mark)
    return None


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs in every other byte (for mostly-ASCII text)."""
    n = min(len(raw), 4096) & ~1
    if n < 4:
        return None
    even = raw[0:n:2].count(0)
    odd = raw[1:n:2].count(0)
    half = n // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def detect_encoding(sample: bytes, where: str, *, partial: bool = False) -> str:
    """The encoding of `sample` (a whole file, or its head when `partial`)."""
    b = bom(sample)
    if b:
        return b[0]
    if b"\x00" in sample:
        enc = _utf16_without_bom(sample)
        if enc:
            return enc
        raise BadInput(where, "binary file (NUL bytes), not text")
    try:
        if partial:  # the head may end inside a multi-byte character
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        else:
            sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise BadInput(where, "cannot detect the text encoding (binary or corrupt file?)")
    return best.encoding


def decode(raw: bytes, where: str) -> tuple[str, str]:
    """(text, encoding) of a whole document; BadInput when it is not text."""
    b = bom(raw)
    if not b and b"\x00" not in raw:
        try:  # the common case, decoded once
            text = raw.decode("utf-8")
            check_text(text, where)
            return text, "utf-8"
        except UnicodeDecodeError:
            pass
    enc = detect_encoding(raw, where)
    try:
        text = raw[b[1] :].decode(enc) if b else raw.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise BadInput(where, f"not valid {enc} text") from None
    check_text(text, where)
    return text, enc


def check_text(text: str, where: str) -> None:
    """Reject decoded 'text' that is really binary (many control characters)."""
    head = text[:65536]
    if not head:
        return
    if len(_CONTROL_RE.findall(head)) > max(2, len(head) // 100):
        raise BadInput(where, "binary file (control characters), not text")
