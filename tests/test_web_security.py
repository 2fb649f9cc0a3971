"""Attacks on a real uvicorn server: injection, path traversal, oversized and unauthorised uploads."""

from __future__ import annotations

from contextlib import contextmanager

import os
import socket
import subprocess
import sys
import time

import duckdb
import httpx
import pytest
from test_web_data import LiveServer, build_db

from barograph.interfaces.web.app import create_app
from barograph.interfaces.web.reader import Reader

TOKEN = "t0ken-for-tests-0123456789"
CAP = 64 * 1024


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("websec") / "sec.duckdb"
    build_db(path, articles=20)
    return path


@pytest.fixture(scope="module")
def server(db):
    with LiveServer(create_app(db, token=TOKEN, max_upload=CAP)) as s:
        yield s


@pytest.fixture(scope="module")
def readonly_server(db):
    with LiveServer(create_app(db)) as s:
        yield s


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """Send the path exactly as written (clients normalise '..' away before sending)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 400
    return status, data


def total(server) -> int:
    return httpx.get(server.url + "/health").json()["events"]


def test_sql_injection_returns_nothing_extra(server):
    before = total(server)
    everything = httpx.get(server.url + "/api/events", params={"limit": 5000}).json()
    assert len(everything) == before
    for params in (
        {"dyad": "RUS' OR 1=1--,TUR"},
        {"dyad": "RUS,TUR' OR '1'='1"},
        {"actors": "x') OR TRUE --"},
        {"codes": "19;DROP TABLE events"},
        {"outlets": "' OR 1=1 --"},
        {"q": "' OR 1=1 --"},
        {"corpus": "default' OR 'a'='a"},
    ):
        r = httpx.get(server.url + "/api/events", params={**params, "limit": 5000})
        assert r.status_code in (200, 422), (params, r.status_code)
        if r.status_code == 200:
            assert r.json() == [], params
    r = httpx.get(server.url + "/api/events?dyad=RUS'%20OR%201=1--")
    assert r.status_code == 422
    r = httpx.get(server.url + "/api/dyads/RUS'%20OR%201=1--/TUR/series")
    assert r.status_code == 422
    assert total(server) == before  # nothing dropped


@pytest.mark.parametrize(
    "target",
    [
        "/static/../../etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%5c..%5cetc%5cpasswd",
        "/static//etc/passwd",
        "/static/vendor/../../../../../../etc/passwd",
        "/api/articles/..%2f..%2fetc%2fpasswd",
    ],
)
def test_path_traversal_reads_no_file(server, target):
    status, data = raw_get(server.port, target)
    assert status in (400, 404, 422), (target, status)
    assert b"root:" not in data


def test_static_files_are_served(server):
    r = httpx.get(server.url + "/static/vendor/d3.min.js")
    assert r.status_code == 200 and "d3js.org" in r.text[:200]


def test_security_headers_on_every_kind_of_response(server):
    for path in ("/", "/api/events", "/static/app.css", "/nope", "/api/events?dyad=bad"):
        h = httpx.get(server.url + path).headers
        csp = h["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"


def test_upload_needs_the_token(server, readonly_server):
    body = b'{"id": "a", "text": "Russia criticized Turkey."}\n'
    r = httpx.post(readonly_server.url + "/api/ingest", content=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "switched off" in r.json()["detail"]
    r = httpx.post(server.url + "/api/ingest", content=body)
    assert r.status_code == 401
    r = httpx.post(server.url + "/api/ingest", content=body, headers={"Authorization": "Bearer wrong-token"})
    assert r.status_code == 403
    r = httpx.post(server.url + "/api/ingest", content=body, headers={"X-Barograph-Token": TOKEN[:-1]})
    assert r.status_code == 403


def test_oversized_upload_is_413_by_declared_length(server):
    before = total(server)
    r = httpx.post(server.url + "/api/ingest", content=b"x" * (CAP + 70_000), headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 413
    assert total(server) == before


def test_oversized_chunked_upload_is_cut_off_while_streaming(server):
    """No Content-Length: the server must answer 413 before the client has finished sending."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(
            (
                f"POST /api/ingest?kind=jsonl HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                "Transfer-Encoding: chunked\r\nContent-Type: application/x-ndjson\r\n\r\n"
            ).encode()
        )
        chunk = b"y" * 8192
        sent = 0
        s.settimeout(0.05)
        response = b""
        while sent < 100 * CAP:  # far more than the cap; a server reading it all would never answer early
            try:
                s.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
            try:
                response += s.recv(65536)
                if response:
                    break
            except TimeoutError:
                pass
        s.settimeout(5)
        if not response:
            response = s.recv(65536)
    assert response.startswith(b"HTTP/1.1 413"), response[:100]
    assert sent < 20 * CAP


def test_reader_connection_is_read_only(db):
    reader = Reader(db, linger=0)
    with reader.store() as store, pytest.raises(duckdb.Error):
        store.con.execute("DELETE FROM events")
    with reader.store() as store:
        assert store.con.execute("SELECT count(*) FROM events").fetchone()[0] > 0


def test_writer_holding_the_file_gives_503_then_recovers(tmp_path):
    path = tmp_path / "busy.duckdb"
    build_db(path, articles=3)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.readline()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with LiveServer(create_app(path, wait=0.3)) as s:
            r = httpx.get(s.url + "/api/events")
            assert r.status_code == 503 and r.headers["retry-after"] and "busy" in r.json()["detail"]
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(10)
            r = httpx.get(s.url + "/api/events")
            assert r.status_code == 200 and r.json()
    finally:
        if holder.poll() is None:
            holder.kill()


def test_serve_refuses_a_missing_database(tmp_path):
    exe = os.path.join(os.path.dirname(sys.executable), "barograph")
    r = subprocess.run([exe, "serve", "--db", str(tmp_path / "none.duckdb")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "none.duckdb" in r.stderr and "no such database" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@contextmanager
def serving(db, *extra: str, wait: float = 30.0):
    """`barograph serve --db db --quiet *extra` on a free loopback port, once /health answers:
    (process, port, that first answer); stopped afterwards."""
    exe = os.path.join(os.path.dirname(sys.executable), "barograph")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen(
        [exe, "serve", "--db", str(db), "--port", str(port), "--quiet", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read() if proc.poll() is not None else "server did not start")
                time.sleep(0.2)
        yield proc, port, r
    finally:
        proc.terminate()
        proc.wait(20)


def test_serve_command_binds_loopback_and_answers(db):
    with serving(db) as (_, port, r):
        assert r.status_code == 200 and r.json()["writable"] is False
        out = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout if _has("ss") else ""
        if out:
            listening = [line for line in out.splitlines() if f":{port} " in line]
            assert listening and all("127.0.0.1:" in line for line in listening)


def _has(cmd: str) -> bool:
    from shutil import which

    return which(cmd) is not None


def test_serve_with_workers_answers_from_several_processes_read_only(db):
    """`serve --workers 2`: two processes answer (read-only, each its own reader), and uploads,
    which need the file in one process, are refused in one line."""
    exe = os.path.join(os.path.dirname(sys.executable), "barograph")
    r = subprocess.run([exe, "serve", "--db", str(db), "--workers", "2", "--write-token"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--workers" in r.stderr and "one server process" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    with serving(db, "--workers", "2", wait=60) as (proc, port, r):
        assert r.status_code == 200 and r.json()["writable"] is False
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:  # new connections: either process may answer
            pages = [c.get("/api/events", params={"limit": 3, "since": f"2015-0{1 + i % 9}-01"}, headers={"Connection": "close"}) for i in range(12)]
        assert all(p.status_code == 200 for p in pages)
        assert httpx.post(f"http://127.0.0.1:{port}/api/ingest", content=b"{}").status_code in (401, 403, 405)
        children = [p for p in os.listdir("/proc") if p.isdigit() and _parent(p) == proc.pid]
        workers = [p for p in children if "multiprocessing" in _cmdline(p) or "barograph" in _cmdline(p) or "python" in _cmdline(p)]
        assert len(workers) >= 2, [_cmdline(p) for p in children]


def _parent(pid: str) -> int | None:
    try:
        return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid: str) -> str:
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""
