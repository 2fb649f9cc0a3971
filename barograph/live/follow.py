"""The follow loop: read due sources, fetch new articles, ingest and code them as `ingest` does, raise alerts.

One cycle: every source that is due (its interval passed, its back-off over) is read with a
conditional request; the articles it lists that were not read before are fetched by a pool of
threads (polite per host, see `barograph.live.http`); in the main thread the pages become
Documents and go through `barograph.pipeline.Ingest` in small batches, exactly the code path
of `barograph ingest` (same deduplication, same store, same coder). After each batch commits,
its URLs are marked read. After the cycle, alerts are computed for the dyads the new events
touched, and each one not raised before is written once.

Stopping (Ctrl-C, SIGTERM) is noted and acted on at a batch boundary; fetches in flight are
dropped, not half-stored. The store is opened for a cycle and closed while waiting, so
`barograph serve` and other commands can read it between cycles.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable

from barograph.errors import BadInput
from barograph.live.discover import Item, Listing
from barograph.live.http import Fetcher, FetchError, Limits
from barograph.live.log import Log
from barograph.live.sources import FollowSource
from barograph.live.state import MAX_TRIES, SourceState, now
from barograph.records import Document

BATCH_DOCS = 100  # pages per ingest transaction: small, so a stop or a crash loses little
MAX_BACKOFF = 6 * 3600.0  # a failing source is still tried at least this often


@dataclass
class Options:
    every: float = 900.0  # seconds between reads of a source (per-source intervals override)
    once: bool = False
    corpus: str = "default"
    code: bool = True
    alerts: bool = True
    alerts_out: str | None = None
    webhook: str | None = None
    limits: Limits = field(default_factory=Limits)
    fetchers: int = 8  # threads fetching pages (the per-host limit still applies)
    batch: int = BATCH_DOCS
    max_cycles: int | None = None


@dataclass
class CycleReport:
    cycle: int
    sources_ok: int = 0
    sources_failing: int = 0
    sources_waiting: int = 0  # not due (interval or back-off)
    new_articles: int = 0
    duplicates: int = 0
    pages_failed: int = 0
    new_events: int = 0
    new_alerts: int = 0
    seconds: float = 0.0
    alert_seconds: float = 0.0  # of `seconds`, spent computing alerts
    stopped: bool = False

    def line(self) -> str:
        waiting = f", {self.sources_waiting} waiting" if self.sources_waiting else ""
        return (
            f"cycle {self.cycle}: sources ok {self.sources_ok}, failing {self.sources_failing}{waiting}; "
            f"new articles {self.new_articles}, new events {self.new_events}, new alerts {self.new_alerts} "
            f"(duplicates {self.duplicates}, pages failed {self.pages_failed}, {self.seconds:.1f} s)"
        )

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class _Pending:
    """A page (or file) on its way into the store."""

    source: str
    item: str  # URL or file path
    stamp: str | None = None
    tries: int = 0


class _Stop:
    """SIGINT/SIGTERM noted and acted on at the next batch boundary; a second Ctrl-C stops at once."""

    def __init__(self):
        self.event = threading.Event()
        self._old: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, self._note)

    def _note(self, signum, frame) -> None:
        if self.event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # asked twice: the open batch rolls back
        self.event.set()

    def restore(self) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)  # type: ignore[arg-type]
        self._old.clear()


class Follower:
    """`run()` cycles until stopped (or once); `cycle()` is one pass over the due sources."""

    def __init__(self, sources: list[FollowSource], db, options: Options | None = None, *, log: Log | None = None, coder=None):
        self.sources = sources
        self.db = db
        self.opt = options or Options()
        self.log = log or Log(None)
        self.coder = coder
        self.version: str | None = None
        self.stop = _Stop()
        self.fetcher = Fetcher(self.opt.limits)
        self.cycles = 0
        self.alerts_file = None
        self.webhook = None

    # -- the loop ------------------------------------------------------------------------
    def run(self, until: Callable[[CycleReport], bool] | None = None) -> list[CycleReport]:
        """Cycle until Ctrl-C/SIGTERM, `--once`, `max_cycles`, or `until(report)` says so."""
        from barograph.store.db import Store

        self._start()
        self.stop.install()
        reports: list[CycleReport] = []
        try:
            while True:
                rep = self.cycle()
                reports.append(rep)
                if rep.stopped or self.opt.once or (self.opt.max_cycles and len(reports) >= self.opt.max_cycles) or (until and until(rep)):
                    break
                with Store(self.db) as store:
                    pause = self._next_due(store.con)
                self.log.event("sleep", f"next read in {pause:.0f} s", seconds=round(pause, 1))
                if self.stop.event.wait(pause):
                    break
        finally:
            self.stop.restore()
            self._finish()
        return reports

    def _start(self) -> None:
        from barograph.live.notify import AlertsFile, Webhook

        if self.opt.code and self.coder is None:
            from barograph.events.coder import Coder

            self.coder = Coder()
        self.version = self.coder.version if self.opt.code else None
        if self.opt.alerts_out:
            self.alerts_file = AlertsFile(self.opt.alerts_out)
        if self.opt.webhook:
            self.webhook = Webhook(self.opt.webhook, self.log, user_agent=self.opt.limits.user_agent)
        self.log.event(
            "start",
            f"following {len(self.sources)} sources into {self.db} (pid {os.getpid()})",
            sources=len(self.sources),
            db=str(self.db),
            pid=os.getpid(),
        )

    def _finish(self) -> None:
        if self.webhook is not None:
            self.webhook.close()
        self.fetcher.close()
        self.log.event("stop", "follow stopped; everything stored is whole, a restart continues where this left off", cycles=self.cycles)

    def _next_due(self, con) -> float:
        from barograph.live.state import load_sources

        states = load_sources(con)
        t = now()
        waits = [max(0.0, (s.next_try - t).total_seconds()) for s in states.values() if s.next_try is not None and s.source in self._locations()]
        return max(1.0, min(waits)) if waits else self.opt.every

    def _locations(self) -> set[str]:
        return {s.location for s in self.sources}

    # -- one cycle -----------------------------------------------------------------------
    def cycle(self) -> CycleReport:
        from barograph.live.state import load_sources, save_sources
        from barograph.store.db import Store

        if self.version is None and self.opt.code:
            self._start_coder_only()
        self.cycles += 1
        rep = CycleReport(self.cycles)
        t0 = time.monotonic()
        with Store(self.db) as store:
            states = load_sources(store.con)
            t = now()
            due = []
            for s in self.sources:
                st = states.setdefault(s.location, SourceState(s.location, s.name))
                st.name = s.name
                if self.opt.once and st.failures == 0:
                    due.append((s, st))  # --once (from cron, say) reads every healthy source
                elif st.due(t):
                    due.append((s, st))
                else:
                    rep.sources_waiting += 1
            run = _CycleRun(self, store, due, rep)
            try:
                run.go()
            finally:
                with store.transaction() as con:
                    save_sources(con, [st for _, st in due])
            rep.sources_ok = sum(1 for _, st in due if st.failures == 0)
            rep.sources_failing = sum(1 for _, st in due if st.failures > 0)
            if self.opt.alerts and run.doc_ids:  # stopping too: what was stored must not miss its alerts
                ta = time.monotonic()
                rep.new_alerts = self._alerts(store, run.doc_ids)
                rep.alert_seconds = round(time.monotonic() - ta, 2)
        rep.seconds = time.monotonic() - t0
        self.log.event("summary", rep.line(), **rep.to_json())
        return rep

    def _start_coder_only(self) -> None:
        from barograph.events.coder import Coder

        if self.coder is None:
            self.coder = Coder()
        self.version = self.coder.version

    # -- alerts ----------------------------------------------------------------------------
    def _alerts(self, store, doc_ids: set[str]) -> int:
        """Alerts whose window holds a new event of their dyad; each written (and posted) once."""
        from barograph.live import state

        touched = touched_dyads(store.con, doc_ids)
        if not touched:
            return 0
        try:
            found = alerts_for(store, touched)
        except Exception as e:  # noqa: BLE001 - a detector failure must not stop the follow
            self.log.error("alerts", f"alerts not computed this cycle ({type(e).__name__}: {e})")
            return 0
        keys = [state.alert_key(a) for a in found]
        known = state.known_alerts(store.con, keys)
        fresh = [a for a in found if state.alert_key(a) not in known]
        if not fresh:
            return 0
        payloads = [{"key": state.alert_key(a), **a.to_json()} for a in fresh]
        # the file first: a crash before the commit below writes the line again (never loses it)
        if self.alerts_file is not None:
            self.alerts_file.write(payloads)
        with store.transaction() as con:
            for a, p in zip(fresh, payloads):
                state.save_alert(con, a, p)
        for p in payloads:
            self.log.event(
                "alert",
                f"alert: {p['source']} -> {p['target']} {p['direction']} {p['window_start']}..{p['window_end']} score {p['score']}",
                alert=p["key"],
            )
            if self.webhook is not None:
                self.webhook.post(p)
        return len(fresh)


def touched_dyads(con, doc_ids: set[str]) -> dict[tuple[str, str], set[dt.date]]:
    """(source entity, target entity) -> dates of the events stored from these documents."""
    import pyarrow as pa

    con.register("_follow_docs", pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())}))
    try:
        rows = con.execute(
            """SELECT DISTINCT source_entity, target_entity, date FROM events
               WHERE doc_id IN (SELECT doc_id FROM _follow_docs) AND date IS NOT NULL
                 AND source_entity IS NOT NULL AND target_entity IS NOT NULL"""
        ).fetchall()
    finally:
        con.unregister("_follow_docs")
    out: dict[tuple[str, str], set[dt.date]] = {}
    for s, t, d in rows:
        out.setdefault((s, t), set()).add(d)
    return out


def alerts_for(store, touched: dict[tuple[str, str], set[dt.date]]) -> list:
    """`barograph.analysis.alerts.detect` over the touched actors' events, kept to the touched dyads
    and to windows that hold one of their new events."""
    from barograph.analysis.alerts import detect

    actors = sorted({x for pair in touched for x in pair})
    # a week alerts as a whole: start at the Monday of the earliest new event's week, or that week
    # would be left out (the windows are filtered to those holding a new event below)
    first = min(d for ds in touched.values() for d in ds)
    since = first - dt.timedelta(days=first.weekday())
    out = []
    for a in detect(store, actors=actors, since=since.isoformat()):
        dates = touched.get((a.source, a.target))
        if not dates:
            continue
        ws, we = dt.date.fromisoformat(a.window_start), dt.date.fromisoformat(a.window_end)
        if any(ws <= d <= we for d in dates):
            out.append(a)
    return out


class _CycleRun:
    """The fetching and storing of one cycle (its state in one place instead of closures)."""

    def __init__(self, follower: Follower, store, due: list[tuple[FollowSource, SourceState]], rep: CycleReport):
        from barograph.pipeline import Ingest, IngestReport
        from barograph.text.prepare import Preparer

        self.f, self.store, self.due, self.rep = follower, store, due, rep
        self.log = follower.log
        self.pool = ThreadPoolExecutor(max(1, follower.opt.fetchers), thread_name_prefix="barograph-fetch")
        self.futures: dict[Future, tuple] = {}
        self.claimed: set[str] = set()  # items taken this cycle (a URL two feeds list is fetched once)
        self.ready: list[tuple[Document, _Pending]] = []
        self.failed: list[tuple[_Pending, str]] = []
        self.doc_ids: set[str] = set()
        self.report = IngestReport()
        self.rejected: dict[str, str] = {}
        self.preparer = Preparer(1, signatures=True)
        self.ingest = Ingest(
            store,
            code=follower.opt.code,
            corpus=follower.opt.corpus,
            coder=follower.coder,
            version=follower.version,
            dedup=True,
            preparer=self.preparer,
            on_reject=self._rejected,
            report=self.report,
        )
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.state = {s.location: st for s, st in due}
        self.spec = {s.location: s for s, _ in due}

    def _rejected(self, bad: BadInput) -> None:
        self.rejected[str(bad.path)] = bad.problem

    def go(self) -> None:
        stop = self.f.stop.event
        try:
            for s, st in self.due:
                if s.is_folder:
                    self._folder(s, st)
                else:
                    self._submit(self._read_listing, s, st, s.location, kind=("listing", s.location))
            while self.futures and not stop.is_set():
                done, _ = wait(list(self.futures), timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in done:
                    self._done(fut, self.futures.pop(fut))
                while len(self.ready) >= self.f.opt.batch and not stop.is_set():
                    self._store_ready()
                if not self.futures and self.ready and not stop.is_set():
                    self._store_ready()
            if stop.is_set():
                self.rep.stopped = True
            if self.ready and not stop.is_set():
                self._store_ready()
            if self.failed:
                self._mark_failed()
            self.ingest.finish()
            if not stop.is_set():
                for loc, (etag, modified) in self.validators.items():
                    self.state[loc].etag, self.state[loc].last_modified = etag, modified
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.preparer.close()
            self.rep.new_articles = self.report.articles
            self.rep.duplicates = self.report.duplicates + self.report.already_stored
            self.rep.new_events = self.report.events
            if self.rep.stopped:
                self.log.event("stop", "stopping at a batch boundary: pages in flight are dropped and fetched again next time")

    def _submit(self, fn, *args, kind) -> None:
        self.futures[self.pool.submit(fn, *args)] = kind

    # -- listings ---------------------------------------------------------------------------
    def _read_listing(self, s: FollowSource, st: SourceState, url: str):
        """In a fetching thread: the listing (feed, sitemap, page), following a sitemap index one level."""
        from barograph.live.discover import listing

        first = url == s.location
        r = self.f.fetcher.get(url, etag=st.etag if first else None, last_modified=st.last_modified if first else None)
        if r.status == 304:
            return r, None
        found = listing(r.body, r.url)
        if found.sitemaps:
            items, problems = [], []
            for child in found.sitemaps:
                try:
                    sub = listing(self.f.fetcher.get(child).body, child)
                    items.extend(sub.items)
                except (FetchError, BadInput) as e:
                    problems.append(f"{child}: {e}")
            found.items = items
            if problems:
                found.warning = f"{len(problems)} of {len(found.sitemaps)} sitemaps unreadable (first: {problems[0]})"
        return r, found

    def _done(self, fut: Future, kind: tuple) -> None:
        what = kind[0]
        if what == "listing":
            self._listing_done(fut, kind[1])
        else:
            self._page_done(fut, kind[1], kind[2])

    def _listing_done(self, fut: Future, location: str) -> None:
        from barograph.live import state

        s, st = self.spec[location], self.state[location]
        st.last_read = now()
        try:
            r, found = fut.result()
        except (FetchError, BadInput) as e:
            self._failing(s, st, e.problem if isinstance(e, BadInput) else str(e))
            return
        except Exception as e:  # noqa: BLE001 - whatever a server sends, the cycle goes on
            self._failing(s, st, f"{type(e).__name__}: {e}")
            return
        self._ok(s, st, r.headers)
        retry = [Item(u) for u in state.to_retry(self.store.con, location, MAX_TRIES)]
        if found is None:
            self.log.event("unchanged", f"{location}: not modified", source=location)
            found = Listing(st.kind or "feed", [])
        st.kind = found.kind
        found.items = found.items + [i for i in retry if i.url not in {x.url for x in found.items}]
        if found.warning:
            self.log.warning("source", f"{location}: {found.warning}", source=location)
        urls = [i.url for i in found.items if i.url not in self.claimed]
        known = state.seen(self.store.con, urls)
        fresh = 0
        for item in found.items:
            if item.url in self.claimed:
                continue
            prev = known.get(item.url)
            if prev and (prev[0] == "stored" or prev[1] >= MAX_TRIES):
                continue
            self.claimed.add(item.url)
            p = _Pending(location, item.url, tries=(prev[1] if prev else 0))
            self._submit(self._fetch_page, item, s, found.title, kind=("page", p, item))
            fresh += 1
        self.log.event(
            "listing", f"{location}: {found.kind}, {len(found.items)} items, {fresh} new", source=location, items=len(found.items), new=fresh
        )

    def _ok(self, s: FollowSource, st: SourceState, headers: dict) -> None:
        if st.failures:
            self.log.event("recovered", f"{s.location}: reading again after {st.failures} failures", source=s.location)
        st.failures, st.last_error, st.last_ok = 0, None, now()
        # kept aside until the cycle ends unstopped: a listing whose articles were not all
        # fetched must be read in full next time, not answered 304
        self.validators[s.location] = (headers.get("etag") or None, headers.get("last-modified") or None)
        st.next_try = now() + dt.timedelta(seconds=s.every or self.f.opt.every)

    def _failing(self, s: FollowSource, st: SourceState, problem: str) -> None:
        st.failures += 1
        st.last_error = problem
        every = s.every or self.f.opt.every
        backoff = min(every * 2 ** (st.failures - 1), max(every, MAX_BACKOFF))
        st.next_try = now() + dt.timedelta(seconds=backoff)
        self.log.error(
            "source",
            f"{s.location}: {problem} (failure {st.failures}; next try in {backoff:.0f} s)",
            source=s.location,
            failures=st.failures,
            backoff=backoff,
        )

    # -- pages --------------------------------------------------------------------------------
    def _fetch_page(self, item, s: FollowSource, feed_title: str | None) -> Document:
        from barograph.live.discover import page_document

        r = self.f.fetcher.get(item.url)
        return page_document(r.body, r.charset, item, r.url, s.name, feed_title)

    def _page_done(self, fut: Future, p: _Pending, item) -> None:
        try:
            doc = fut.result()
        except (FetchError, BadInput) as e:
            self._page_failed(p, e.problem if isinstance(e, BadInput) else str(e))
            return
        except Exception as e:  # noqa: BLE001
            self._page_failed(p, f"{type(e).__name__}: {e}")
            return
        self.ready.append((doc, p))

    def _page_failed(self, p: _Pending, problem: str) -> None:
        self.rep.pages_failed += 1
        self.failed.append((p, problem))
        self.log.error("page", f"{p.source}: {p.item}: {problem}", source=p.source, url=p.item)

    # -- folders ------------------------------------------------------------------------------
    def _folder(self, s: FollowSource, st: SourceState) -> None:
        """New or changed files of a folder source, read as `ingest` reads them."""
        from barograph.ingest.sources import expand, iter_documents
        from barograph.live import state

        problems: list[BadInput] = []
        st.last_read = now()
        if not os.path.isdir(s.location):
            self._failing(s, st, "the folder is gone")
            return
        files = list(expand([s.location], problems.append))
        stamps = {}
        for f in files:
            try:
                stt = os.stat(f)
            except OSError:
                continue
            stamps[f] = f"{stt.st_size}:{stt.st_mtime_ns}"
        known = state.seen(self.store.con, list(stamps))
        changed = [f for f, stamp in stamps.items() if not known.get(f) or known[f][2] != stamp]
        self._ok(s, st, {})
        st.kind = "folder"
        for f in changed:
            p = _Pending(s.location, f, stamps[f])
            bad: list[BadInput] = []
            docs = list(iter_documents([f], errors=bad))
            for b in bad:
                self.log.error("file", f"{s.location}: {b}", source=s.location, file=f)
            if not docs:
                self.failed.append((p, str(bad[0]) if bad else "no documents"))
                continue
            for d in docs:
                self.ready.append((d, p))
            if len(self.ready) >= self.f.opt.batch:
                self._store_ready()
        self.log.event("listing", f"{s.location}: folder, {len(files)} files, {len(changed)} new or changed", source=s.location, new=len(changed))

    def _failed_rows(self) -> list[tuple]:
        rows = [(p.item, p.source, p.stamp, "failed", p.tries + 1) for p, _problem in self.failed]
        self.failed.clear()
        return rows

    def _mark_failed(self) -> None:
        from barograph.live import state

        rows = self._failed_rows()
        with self.store.transaction() as con:
            state.mark(con, rows)

    # -- storing ------------------------------------------------------------------------------
    def _store_ready(self) -> None:
        """One ingest batch (the same calls `barograph ingest` makes), then its items marked read."""
        from barograph.live import state

        n = self.f.opt.batch
        batch, self.ready = self.ready[:n], self.ready[n:]
        docs = [d for d, _ in batch]
        before = self.report.articles
        self.rejected.clear()
        from barograph.store.writer import known_ids

        stored_before = known_ids(self.store.con, "documents", "doc_id", (d.sha256 for d in docs))
        todo, prepared = self.ingest.submit(docs)
        self.ingest.store_batch(todo, prepared)
        self.doc_ids.update(d.sha256 for d in docs)
        rows = []
        per_item: dict[str, _Pending] = {}
        for d, p in batch:
            per_item[p.item] = p
        bad_items = {p.item for d, p in batch if (d.path or d.doc) in self.rejected}
        for d, p in batch:
            if (d.path or d.doc) in self.rejected:
                self.log.error("page", f"{p.source}: {p.item}: {self.rejected[d.path or d.doc]}", source=p.source, url=p.item)
        for item, p in per_item.items():
            ok = item not in bad_items
            rows.append((item, p.source, p.stamp, "stored" if ok else "failed", p.tries + 1))
        rows.extend(self._failed_rows())
        with self.store.transaction() as con:
            state.mark(con, rows)
        new = self.report.articles - before
        if new:  # articles whose first appearance is one of these documents came from its source
            for src, n in _new_by_source(self.store.con, [(d, p) for d, p in batch if d.sha256 not in stored_before]).items():
                self.state[src].articles += n
        self.log.event("batch", f"stored {len(docs)} pages: {new} new articles", pages=len(docs), new=new, events=self.report.events)


def _new_by_source(con, batch: list[tuple[Document, _Pending]]) -> dict[str, int]:
    """Source -> articles first stored from its documents of this batch."""
    src_of = {d.sha256: p.source for d, p in batch}
    if not src_of:
        return {}
    marks = ", ".join("?" for _ in src_of)
    rows = con.execute(f"SELECT doc_id, count(*) FROM articles WHERE doc_id IN ({marks}) GROUP BY doc_id", list(src_of)).fetchall()
    out: dict[str, int] = {}
    for doc_id, n in rows:
        out[src_of[doc_id]] = out.get(src_of[doc_id], 0) + int(n)
    return out
