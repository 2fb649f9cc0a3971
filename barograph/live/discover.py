"""From what a source's URL returns to the articles it points at, and from an article page to a Document.

A listing is told apart by its content, not its URL: an RSS/Atom feed (its entries' links), a
sitemap (`<urlset>` locations; a `<sitemapindex>` names further sitemaps), or an HTML front page
(links on the same site whose paths look like articles). Article URLs are normalised (fragment and
tracking parameters dropped) so a feed that re-issues old items under new GUIDs points at URLs
already read. A page becomes a Document through the same HTML reader `ingest` uses (trafilatura),
with what the listing said (title, date, outlet) as fallbacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from barograph.errors import BadInput
from barograph.records import Document

MAX_ITEMS = 2000  # articles taken from one listing per read (a huge sitemap is read over several cycles)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """An article a listing points at."""

    url: str
    title: str | None = None
    date: str | None = None
    author: str | None = None


@dataclass
class Listing:
    kind: str  # feed | sitemap | page
    items: list[Item]
    title: str | None = None  # the feed's or page's own name
    sitemaps: list[str] | None = None  # a sitemap index: the sitemaps it names
    warning: str | None = None  # read, but something was wrong (malformed XML with entries)


def normalise(url: str) -> str:
    """The URL an article is remembered by: no fragment, no tracking parameters, lower-case host."""
    p = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", query, ""))


def listing(body: bytes, url: str) -> Listing:
    """The articles a feed, sitemap or front page points at; BadInput when it is none of them."""
    from barograph.ingest.readers import _looks_feed, _looks_html

    head = body[:4096].lstrip()
    if re.search(rb"<(?:\w+:)?(urlset|sitemapindex)[\s>]", head):
        return _sitemap(body, url)
    if _looks_feed(body[:65536]):
        return _feed(body, url)
    if _looks_html(body[:65536]):
        return _front_page(body, url)
    raise BadInput(url, "neither a feed, a sitemap nor an HTML page")


def _feed(body: bytes, url: str) -> Listing:
    import feedparser

    from barograph.ingest.dates import iso_date

    parsed = feedparser.parse(body)
    problem = None
    if parsed.get("bozo"):
        problem = f"malformed feed XML ({_first(parsed.get('bozo_exception'))})"
    items = []
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            continue
        items.append(
            Item(
                normalise(urljoin(url, link)),
                (e.get("title") or "").strip() or None,
                iso_date(e.get("published_parsed") or e.get("updated_parsed")),
                (e.get("author") or "").strip() or None,
            )
        )
    if not items and (problem or parsed.entries):
        raise BadInput(url, problem or "the feed's entries have no links")
    title = (parsed.feed.get("title") or "").strip() or None
    return Listing("feed", items[:MAX_ITEMS], title, warning=f"{problem}; {len(items)} entries read anyway" if problem else None)


def _sitemap(body: bytes, url: str) -> Listing:
    from lxml import etree

    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False))
    except etree.XMLSyntaxError as e:
        raise BadInput(url, f"malformed sitemap XML ({_first(e)})") from None
    tag = etree.QName(root).localname
    locs = [(el.text or "").strip() for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "loc"]
    locs = [urljoin(url, u) for u in locs if u]
    if tag == "sitemapindex":
        return Listing("sitemap", [], sitemaps=locs[:50])
    # newest last in most sitemaps; take the last MAX_ITEMS so a long archive does not starve the news
    return Listing("sitemap", [Item(normalise(u)) for u in locs[-MAX_ITEMS:]])


def _front_page(body: bytes, url: str) -> Listing:
    import lxml.html

    text, _ = page_text(body, None, url)
    try:
        root = lxml.html.fromstring(text)
    except Exception:  # noqa: BLE001 - lxml raises several kinds on garbage
        raise BadInput(url, "unreadable HTML front page") from None
    site = urlsplit(url)
    items, seen = [], set()
    for a in root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        u = normalise(urljoin(url, href))
        p = urlsplit(u)
        if p.scheme not in ("http", "https") or p.netloc != site.netloc.lower() or u in seen:
            continue
        if not _looks_article(p.path):
            continue
        seen.add(u)
        items.append(Item(u, " ".join(a.text_content().split()) or None))
    title = root.findtext(".//title")
    return Listing("page", items[:MAX_ITEMS], (title or "").strip() or None)


def _looks_article(path: str) -> bool:
    """A path like /2026/12/02/talks-resume or /world/ministers-meet-in-ankara: deep or wordy, not a section."""
    parts = [s for s in path.split("/") if s]
    if not parts or re.search(r"\.(jpg|jpeg|png|gif|svg|css|js|pdf|xml|rss|zip|mp4|mp3)$", path, re.IGNORECASE):
        return False
    last = parts[-1]
    return len(parts) >= 3 or last.count("-") >= 2 or bool(re.search(r"\d{4,}", path))


def page_text(raw: bytes, charset: str | None, where: str) -> tuple[bytes, str | None]:
    """The page as UTF-8 bytes (HTML read in the charset its server or markup declares), and that charset.

    The ingest reader detects encodings from the bytes alone; a page served as windows-1251 or
    Shift_JIS says so in its headers, which is surer than detection on a short page.
    """
    declared = charset
    if not declared:
        m = _META_CHARSET.search(raw[:4096])
        declared = m.group(1).decode("ascii", "replace").lower() if m else None
    if not declared or declared.replace("-", "").replace("_", "") in ("utf8", "usascii", "ascii"):
        return raw, declared
    try:
        raw.decode("utf-8")
        return raw, "utf-8"  # valid UTF-8 whatever the label says (a common mislabel)
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode(declared).encode("utf-8"), declared
    except (LookupError, UnicodeDecodeError):
        raise BadInput(where, f"not valid {declared} text (the charset the server declares)") from None


def page_document(raw: bytes, charset: str | None, item: Item, final_url: str, outlet: str | None, fallback_outlet: str | None) -> Document:
    """An article page as the Document `ingest` would make of the same HTML file, plus the listing's metadata."""
    from barograph.ingest.readers import read_html

    utf8, _ = page_text(raw, charset, item.url)
    doc = read_html(utf8, item.url, item.url)
    doc.url = item.url if not doc.url else doc.url
    doc.outlet = outlet or doc.outlet or fallback_outlet
    doc.title = doc.title or item.title
    doc.date = doc.date or item.date
    doc.author = doc.author or item.author
    return doc


def _first(e) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0] if e is not None else "unknown error"
