"""A news site on 127.0.0.1 for the follow tests and bench: feeds, sitemaps, article pages and faults.

A real HTTP server (the standard library's threading server, which gives the raw socket a
connection reset needs) serving what `Site` holds. Faults, by path:

    /status/500, /status/404       that status
    /reset                          connection reset (RST) before any answer
    /stall                          headers and a little body, then nothing for `stall` seconds
    /slow/<anything>                a complete page after 0.5 s
    /loop/a -> /loop/b -> /loop/a   a redirect loop
    /huge                           a 50 MB page without Content-Length
    /feeds/<name>.xml               the feeds given to `Site.feed` (a `renew=True` feed issues new GUIDs on every read)
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

COUNTRIES = [
    ("Russian", "Russia", "Moscow"),
    ("Turkish", "Turkey", "Ankara"),
    ("Ukrainian", "Ukraine", "Kyiv"),
    ("Iranian", "Iran", "Tehran"),
    ("Israeli", "Israel", "Jerusalem"),
    ("Chinese", "China", "Beijing"),
    ("Indian", "India", "New Delhi"),
    ("Pakistani", "Pakistan", "Islamabad"),
    ("French", "France", "Paris"),
    ("German", "Germany", "Berlin"),
    ("Japanese", "Japan", "Tokyo"),
    ("Egyptian", "Egypt", "Cairo"),
]
ACTIONS = [
    "{a} forces attacked {b} positions near the border on {day}, officials said.",
    "The {a} foreign minister met his {b} counterpart in {cap} on {day} to discuss trade.",
    "{a} officials accused {B} of violating the ceasefire agreement on {day}.",
    "{A} signed an agreement with {B} on energy cooperation on {day}.",
    "{a} police arrested several {b} citizens on {day}, the interior ministry said.",
    "The {a} president threatened {B} with sanctions on {day}.",
]
FILLER = [
    "Analysts said the move was expected after weeks of tension.",
    "The statement gave no further details about the talks.",
    "Diplomats in the region described the situation as fragile.",
    "Markets reacted calmly to the news on the same day.",
]


WORDS = (
    "harbour council budget railway drought election festival treaty refinery pipeline vaccine tariff bridge "
    "harvest province strike court ruling airport convoy reservoir cabinet senate mayor river factory grain "
    "frontier summit corridor embassy"
).split()


def _unique_paragraph(n: int) -> str:
    """Sentences made of words picked by a small generator seeded with n: stories no near-duplicate check confuses."""
    import random

    r = random.Random(n)
    sents = []
    for _ in range(4):
        words = [r.choice(WORDS) for _ in range(9)]
        sents.append(f"Local reports mentioned the {' and the '.join(', '.join(words).rsplit(', ', 1))}.")
    return " ".join(sents)


def article_text(n: int) -> tuple[str, str]:
    """A distinct short news story (title, body) for article number n."""
    i, j = n % len(COUNTRIES), (n * 7 + 3) % len(COUNTRIES)
    if i == j:
        j = (j + 1) % len(COUNTRIES)
    a, b = COUNTRIES[i], COUNTRIES[j]
    day = (dt.date(2014, 6, 2) + dt.timedelta(days=n % 6)).strftime("%A")
    first = ACTIONS[n % len(ACTIONS)].format(a=a[0], b=b[0], A=a[1], B=b[1], cap=b[2], day=day)
    body = [first[0].upper() + first[1:], f"Report number {n} was filed from {a[2]}. {_unique_paragraph(n)}", FILLER[n % 4], FILLER[(n + 1) % 4]]
    return f"{a[1]} and {b[1]}: report {n}", "\n\n".join(body)


def article_html(title: str, body: str, date: str, charset: str = "utf-8") -> str:
    paras = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{escape(title)}</title>'
        f'<meta property="og:site_name" content="Loopback News"><meta name="author" content="Test Desk">'
        f'<meta property="article:published_time" content="{date}"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>{paras}</article>"
        f"<footer>Copyright Loopback News</footer></body></html>"
    )


def rss(items: list[tuple[str, str, str, str]], title: str = "Loopback News") -> str:
    """An RSS 2.0 feed of (guid, link, title, date) items."""
    entries = "".join(
        f"<item><guid>{escape(g)}</guid><link>{escape(link)}</link><title>{escape(t)}</title><pubDate>{d}</pubDate></item>" for g, link, t, d in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>{entries}</channel></rss>'


@dataclass
class Feed:
    links: list[str]
    renew: bool = False  # new GUIDs on every read (same links)
    reads: int = 0
    step: int | None = None  # each read shows this many more links (news arriving); None: all at once
    window: int = 50  # with `step`: the newest this many links are listed, as real feeds do


@dataclass
class Site:
    """What the server serves; tests change it between cycles (new items appear, faults come and go)."""

    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path -> (body, content type)
    feeds: dict[str, Feed] = field(default_factory=dict)
    stall: float = 30.0
    hits: dict[str, int] = field(default_factory=dict)
    conditional: int = 0  # 304 answers given
    user_agents: set[str] = field(default_factory=set)
    robots: str = "User-agent: *\nDisallow: /private/\n"
    flaky: dict[str, int] = field(default_factory=dict)  # path -> times it still fails (500, then a reset) before it answers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_article(self, n: int, path: str | None = None, charset: str = "utf-8", extra: str = "", date: str = "2014-06-03") -> str:
        title, body = article_text(n)
        if extra:
            body += "\n\n" + extra
        path = path or f"/news/2014/06/report-{n}"
        self.pages[path] = (article_html(title, body, date, charset).encode(charset), f"text/html; charset={charset}")
        return path

    def feed(self, name: str, paths: list[str], renew: bool = False) -> str:
        self.feeds[name] = Feed(list(paths), renew)
        return f"/feeds/{name}.xml"

    def feed_body(self, name: str, base: str) -> bytes:
        f = self.feeds[name]
        f.reads += 1
        gen = f"-{f.reads}" if f.renew else ""
        date = email.utils.format_datetime(dt.datetime(2014, 6, 3, 12, tzinfo=dt.timezone.utc))
        links = f.links
        if f.step:
            shown = min(len(links), f.step * f.reads)
            links = links[max(0, shown - f.window) : shown]
        items = [(f"{p}{gen}", base + p, p.rsplit("/", 1)[-1], date) for p in links]
        return rss(items, f"Feed {name}").encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one branch per fault
        site = self.server.site
        path = self.path.split("?", 1)[0]
        with site.lock:
            site.hits[path] = site.hits.get(path, 0) + 1
            site.user_agents.add(self.headers.get("User-Agent", ""))
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if path == "/robots.txt":
            return self._send(200, site.robots.encode(), "text/plain")
        with site.lock:
            left = site.flaky.get(path, 0)
            if left:
                site.flaky[path] = left - 1
        if left % 2 == 1:
            return self._send(500, b"try again later")
        if left:
            path = "/reset"
        if path.startswith("/slow/"):  # a full answer after half a second
            time.sleep(0.5)
            return self._send(200, b"<html><body><p>slow but complete</p></body></html>")
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            return self._send(code, f"error {code}".encode())
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>Slow")
            self.wfile.flush()
            time.sleep(site.stall)
            self.close_connection = True
            return
        if path.startswith("/loop/"):
            nxt = "/loop/b" if path.endswith("/a") else "/loop/a"
            return self._send(302, b"", headers={"Location": nxt})
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"filler text " * 5000 + b"</p>"
            sent = 0
            try:
                while sent < 50 * 1024 * 1024:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            self.close_connection = True
            return
        if path.startswith("/feeds/") and path.endswith(".xml"):
            name = path[len("/feeds/") : -4]
            if name in site.feeds:
                body = site.feed_body(name, base)
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if not site.feeds[name].renew and self.headers.get("If-None-Match") == etag:
                    with site.lock:
                        site.conditional += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                return self._send(200, body, "application/rss+xml; charset=utf-8", {"ETag": etag})
        if path in site.pages:
            body, ctype = site.pages[path]
            return self._send(200, body, ctype)
        return self._send(404, b"not found")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    site: Site

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up (a timeout, a cap reached) is part of the test, not news


class FeedServer:
    """`with FeedServer(site) as base:` serves `site` at http://127.0.0.1:PORT (base) in a thread."""

    def __init__(self, site: Site):
        self.site = site
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.site = site
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.base

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
