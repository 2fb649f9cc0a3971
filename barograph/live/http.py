"""Polite HTTP for `barograph follow`: one client, a user agent naming barograph, robots.txt,
per-host concurrency and delay, a deadline per request, a size cap, and one-line errors.

Everything a server can do wrong (an error status, a reset, a stall, a redirect loop, a
page too large) comes back as `FetchError` with one line saying what happened, so the caller
logs it against its source and carries on. Only this module talks to the network; it holds no
database, so it is safe to call from the fetching threads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

USER_AGENT = "barograph/0.1 (news event coder; +https://pypi.org/project/barograph/)"
ROBOTS_AGENT = "barograph"
ROBOTS_TTL = 3600.0  # seconds a host's robots.txt is trusted before it is read again
ROBOTS_RETRY = 300.0  # after robots.txt could not be read (5xx, no answer): everything refused this long


@dataclass(frozen=True)
class Limits:
    """How hard `follow` may pull on other people's servers, and how long it waits for them."""

    timeout: float = 20.0  # seconds for a whole request, first byte to last
    max_bytes: int = 10 * 1024 * 1024  # a page or feed larger than this is refused
    per_host: int = 2  # requests at once to one host
    delay: float = 1.0  # seconds between the starts of two requests to one host
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    robots: bool = True


class FetchError(Exception):
    """A request that gave nothing usable; str() is the one line to log."""


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 (not modified: body empty)
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @property
    def charset(self) -> str | None:
        ctype = self.headers.get("content-type", "")
        for part in ctype.split(";")[1:]:
            k, _, v = part.strip().partition("=")
            if k.lower() == "charset" and v:
                return v.strip().strip('"').lower()
        return None


class _Host:
    """A host's turnstile: at most `per_host` requests at once, starts `delay` seconds apart."""

    def __init__(self, per_host: int, delay: float):
        self.slots = threading.BoundedSemaphore(per_host)
        self.delay = delay
        self.lock = threading.Lock()
        self.next_start = 0.0

    def enter(self) -> None:
        self.slots.acquire()
        with self.lock:
            now = time.monotonic()
            wait = self.next_start - now
            self.next_start = max(now, self.next_start) + self.delay
        if wait > 0:
            time.sleep(wait)

    def leave(self) -> None:
        self.slots.release()


class Fetcher:
    """GET with politeness and limits; thread-safe (the fetching pool shares one)."""

    def __init__(self, limits: Limits | None = None):
        import httpx

        self.limits = limits or Limits()
        lim = self.limits
        self.client = httpx.Client(
            headers={"User-Agent": lim.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=True,
            max_redirects=lim.max_redirects,
            timeout=httpx.Timeout(lim.timeout, connect=min(10.0, lim.timeout)),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            trust_env=False,  # no proxies or .netrc picked up from the environment
        )
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, tuple[RobotFileParser | None, float, str | None]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def _host(self, netloc: str) -> _Host:
        with self._lock:
            h = self._hosts.get(netloc)
            if h is None:
                h = self._hosts[netloc] = _Host(self.limits.per_host, self.limits.delay)
            return h

    def allowed(self, url: str) -> None:
        """FetchError when robots.txt of the URL's host refuses it to barograph."""
        if not self.limits.robots:
            return
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        now = time.monotonic()
        with self._lock:
            cached = self._robots.get(key)
        if cached is None or cached[1] < now:
            cached = self._read_robots(key, now)
            with self._lock:
                self._robots[key] = cached
        parser, _, problem = cached
        if problem:
            raise FetchError(problem)
        if parser is not None and not parser.can_fetch(ROBOTS_AGENT, url):
            raise FetchError("refused by robots.txt")

    def _read_robots(self, base: str, now: float) -> tuple[RobotFileParser | None, float, str | None]:
        """RFC 9309: a missing robots.txt (4xx) allows all; an unreachable one (5xx, no answer) refuses all for a while."""
        try:
            r = self._get(f"{base}/robots.txt", {}, 512 * 1024)
        except FetchError as e:
            text = str(e)
            if text.startswith("HTTP 4"):
                return None, now + ROBOTS_TTL, None
            return None, now + ROBOTS_RETRY, f"robots.txt unreadable ({text}); the host is skipped for now"
        parser = RobotFileParser()
        parser.parse(r.body.decode("utf-8", "replace").splitlines())
        return parser, now + ROBOTS_TTL, None

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """The URL's body (or status 304 when the validators still match); FetchError otherwise."""
        self.allowed(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers, self.limits.max_bytes)

    def _get(self, url: str, headers: dict[str, str], cap: int) -> Response:
        import httpx

        host = self._host(urlsplit(url).netloc)
        host.enter()
        deadline = time.monotonic() + self.limits.timeout
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                if r.status_code == 304:
                    return Response(str(r.url), 304, b"", {k.lower(): v for k, v in r.headers.items()})
                if r.status_code >= 400:
                    raise FetchError(f"HTTP {r.status_code} {r.reason_phrase}".strip())
                size = r.headers.get("content-length")
                if size and size.isdigit() and int(size) > cap:
                    raise FetchError(f"{_mb(int(size))} is over the {_mb(cap)} cap for one page")
                chunks, got = [], 0
                for chunk in r.iter_bytes(64 * 1024):
                    got += len(chunk)
                    if got > cap:
                        raise FetchError(f"more than the {_mb(cap)} cap for one page")
                    if time.monotonic() > deadline:
                        raise FetchError(f"no complete answer within {self.limits.timeout:g} s")
                    chunks.append(chunk)
                return Response(str(r.url), r.status_code, b"".join(chunks), {k.lower(): v for k, v in r.headers.items()})
        except httpx.TooManyRedirects:
            raise FetchError(f"redirect loop (more than {self.limits.max_redirects} redirects)") from None
        except httpx.TimeoutException:
            raise FetchError(f"no answer within {self.limits.timeout:g} s") from None
        except httpx.RemoteProtocolError as e:
            raise FetchError(f"connection closed by the server ({_first(e)})") from None
        except httpx.ConnectError as e:
            raise FetchError(f"cannot connect ({_first(e)})") from None
        except (httpx.ReadError, httpx.WriteError, httpx.NetworkError) as e:
            raise FetchError(f"connection reset ({_first(e)})") from None
        except httpx.DecodingError as e:
            raise FetchError(f"cannot decode the response ({_first(e)})") from None
        except httpx.HTTPError as e:
            raise FetchError(f"{type(e).__name__}: {_first(e)}") from None
        finally:
            host.leave()


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB"


def _first(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]
