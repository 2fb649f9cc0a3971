"""New alerts out of `follow`: a line each in `--alerts-out` and a POST each to `--webhook`.

The webhook is posted from its own thread through a bounded queue, with retries and back-off,
so a slow or dead receiver never holds up ingest; what is still undelivered when follow stops
is logged, and the alerts file (written first, synchronously) remains the record.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time

from barograph.live.log import Log

RETRIES = 4  # attempts per alert
BACKOFF = 1.0  # seconds before the second attempt, doubled after each
QUEUE_MAX = 10_000


class AlertsFile:
    def __init__(self, path: str | os.PathLike):
        self.path = path

    def write(self, payloads: list[dict]) -> None:
        if not payloads:
            return
        with open(self.path, "a", encoding="utf-8") as f:
            for p in payloads:
                f.write(json.dumps(p, ensure_ascii=False, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())


class Webhook:
    """POSTs JSON bodies to one URL from a background thread; `close(wait)` drains for up to `wait` seconds."""

    def __init__(self, url: str, log: Log, timeout: float = 10.0, user_agent: str | None = None):
        import httpx

        from barograph.live.http import USER_AGENT

        self.url, self.log = url, log
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": user_agent or USER_AGENT}, trust_env=False)
        self.q: queue.Queue = queue.Queue(QUEUE_MAX)
        self.delivered = 0
        self.failed = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="barograph-webhook", daemon=True)
        self.thread.start()

    def post(self, payload: dict) -> None:
        try:
            self.q.put_nowait(payload)
        except queue.Full:
            self.failed += 1
            self.log.error("webhook", f"webhook {self.url}: queue full, alert not posted (it is in the alerts file)", alert=payload.get("key"))

    def _run(self) -> None:
        while not (self._stop.is_set() and self.q.empty()):
            try:
                payload = self.q.get(timeout=0.2)
            except queue.Empty:
                continue
            self._send(payload)
            self.q.task_done()

    def _send(self, payload: dict) -> None:
        import httpx

        wait = BACKOFF
        problem = ""
        for attempt in range(1, RETRIES + 1):
            try:
                r = self.client.post(self.url, json=payload)
                if r.status_code < 300:
                    self.delivered += 1
                    self.log.event("webhook", f"alert posted to {self.url}", alert=payload.get("key"), attempt=attempt)
                    return
                problem = f"HTTP {r.status_code}"
            except httpx.HTTPError as e:
                problem = (str(e).splitlines() or [type(e).__name__])[0]
            if attempt < RETRIES and not self._stop.wait(wait):
                wait *= 2
            elif attempt < RETRIES:
                time.sleep(min(wait, 0.5))  # stopping: retry quickly
        self.failed += 1
        self.log.error("webhook", f"webhook {self.url}: alert not delivered after {RETRIES} tries ({problem})", alert=payload.get("key"))

    def close(self, wait: float = 10.0) -> None:
        deadline = time.monotonic() + wait
        while not self.q.empty() and time.monotonic() < deadline:
            time.sleep(0.05)
        self._stop.set()
        self.thread.join(max(0.0, deadline - time.monotonic()) + 0.5)
        left = self.q.qsize()
        if left:
            self.log.error("webhook", f"webhook {self.url}: {left} alerts not posted before stopping (they are in the alerts file)")
        self.client.close()
