"""Pages to articles: where each story starts and ends, and what it says about itself.

Aggregator pages glue stories together and mark them in a few recurring ways: a closing
"Source: X" / "Read more at X" / "This article originally appeared on X" line, or a title
followed by an opening marker or byline ("By X"). The splitter looks for those anchors, not for
anything particular to one site: a closing marker ends a story, an opening anchor starts one at
the headline above it, and a page without anchors is a single story.
"""

from __future__ import annotations

from barograph.ingest.dates import find_date
from barograph.records import Article, Document
from barograph.text.language import detect_language
from barograph.text.lines import BIO_RE, Line, split_lines, title_like
from barograph.text.metadata import body_id, clean, dateline_date, outlet_and_url

_MIN_CONTENT = 80  # characters; a region with less is leftover furniture, not a story
_HEADER_SPAN = 6  # lines after a title that may hold byline, date, source
_META = ("byline", "dateline", "marker", "boiler", "copyright")


def _prev_content(lines: list[Line], i: int, skip=("byline", "dateline")) -> int | None:
    """Index of the nearest non-blank line above i, skipping the given kinds."""
    j = i - 1
    while j >= 0 and (lines[j].kind == "blank" or lines[j].kind in skip):
        j -= 1
    return j if j >= 0 else None


def _opens_story(lines: list[Line], t: int) -> bool:
    """Line t is a headline standing alone (start of page, or after a blank or a marker)."""
    if lines[t].kind not in ("short",) or not title_like(lines[t].text):
        return False
    if t == 0:
        return True
    before = lines[t - 1]
    return before.kind in ("blank", "marker", "boiler")


def boundaries(lines: list[Line]) -> list[int]:
    """Line indices where a new story starts."""
    cuts = {0}
    for i, line in enumerate(lines):
        if line.kind == "marker" or (line.kind == "byline" and line.value):
            t = _prev_content(lines, i)
            if t is not None and _opens_story(lines, t) and i - t <= 4:
                cuts.add(t)  # title, [byline/date], marker-or-byline: an opening anchor
            elif line.kind == "marker":
                cuts.add(i + 1)  # a closing marker: the story ends here
    return sorted(c for c in cuts if c < len(lines))


def _trim(lines: list[Line], a: int, b: int) -> tuple[int, int]:
    """Drop blank and boilerplate lines at both ends of lines[a:b]."""
    while a < b and lines[a].kind in ("blank", "boiler"):
        a += 1
    while b > a and lines[b - 1].kind in ("blank", "boiler"):
        b -= 1
    return a, b


def _article(doc: Document, lines: list[Line], a: int, b: int, index: int, alone: bool) -> Article:
    text = doc.text
    meta: dict = {}
    title = None
    first = lines[a]
    body_a = a
    if alone and doc.title:
        title = clean(doc.title)
        if clean(first.text) == title:
            body_a = a + 1
    elif first.kind == "short" and title_like(first.text) and b - a > 1:
        title = clean(first.text)
        body_a = a + 1
    # header: byline, date and source lines right under the title
    header: list[Line] = []
    while body_a < b and body_a - a <= _HEADER_SPAN and lines[body_a].kind in ("blank", *_META):
        if lines[body_a].kind != "blank":
            header.append(lines[body_a])
        body_a += 1
    # footer: closing marker, boilerplate, bylines, bios, copyright lines at the end
    footer: list[Line] = []
    body_b = b
    while body_b > body_a:
        ln = lines[body_b - 1]
        if ln.kind == "blank" or ln.kind in _META:
            pass
        elif footer and BIO_RE.match(ln.text) and len(ln.text) <= 600 and "bio" not in meta:
            meta["bio"] = clean(ln.text)
        else:
            break
        if ln.kind != "blank":
            footer.append(ln)
        body_b -= 1
    if body_b <= body_a:  # nothing but a headline and furniture: keep it all as body
        body_a, body_b = a, b
    around = header + footer[::-1]
    # metadata lines anywhere in the story ("Written by ..." deep inside a repost)
    inner = [ln for ln in lines[body_a:body_b] if ln.kind in ("byline", "dateline", "marker")]
    outlet = url = author = date = None
    for ln in around + inner:
        if ln.kind == "marker" and outlet is None:
            outlet, url = outlet_and_url(ln.value)
        elif ln.kind == "byline":
            if ln.value and author is None:
                author = clean(ln.value)
            if date is None:  # "By X | March 3, 2016"
                date = find_date(ln.text)
        elif ln.kind == "dateline" and date is None:
            date = ln.value
    if author is None and "bio" in meta:
        m = BIO_RE.match(meta["bio"])
        author = clean(m.group("name")) if m else None
    body_start, body_end = lines[body_a].start, lines[body_b - 1].end
    body = text[body_start:body_end]
    if date is None:
        date = dateline_date(lines[body_a].text)
    subheads = [
        clean(ln.text)
        for k, ln in enumerate(lines[body_a + 1 : body_b], body_a + 1)
        if ln.kind == "short" and title_like(ln.text) and ln.text[-1] not in "?!\"”" and lines[k - 1].kind == "blank" and len(ln.text) <= 100
    ]
    if subheads:
        meta["subheadings"] = subheads
    furniture = [clean(ln.text) for ln in around + inner]
    if furniture:
        meta["lines"] = furniture
    if outlet is None and doc.outlet:
        outlet = clean(doc.outlet)
    if alone:
        url = url or doc.url
    return Article(
        doc=doc.doc,
        index=index,
        start=first.start,
        end=lines[b - 1].end,
        title=title,
        outlet=outlet,
        author=author or (clean(doc.author) if alone else None),
        date=date or doc.date,
        url=url,
        language=detect_language(body),
        body_start=body_start,
        body_end=body_end,
        text=body,
        id=body_id(body),
        meta=meta,
    )


def split_articles(doc: Document) -> list[Article]:
    """The stories of a document, in order, with spans indexing `doc.text`."""
    lines = split_lines(doc.text)
    regions = []
    cuts = boundaries(lines) + [len(lines)]
    for a, b in zip(cuts, cuts[1:]):
        a, b = _trim(lines, a, b)
        if a >= b:
            continue
        content = sum(len(ln.text) for ln in lines[a:b] if ln.kind not in _META)
        if content < _MIN_CONTENT and regions:
            continue  # a stray line between stories ("Advertisements", share buttons)
        regions.append((a, b))
    if len(regions) > 1 and sum(len(ln.text) for ln in lines[regions[0][0] : regions[0][1]] if ln.kind not in _META) < _MIN_CONTENT:
        regions.pop(0)
    alone = len(regions) == 1
    return [_article(doc, lines, a, b, i, alone) for i, (a, b) in enumerate(regions)]
