"""Shared fixtures: the bundled sample and the shared evaluation data beside the repo."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "samples" / "000_3e898528250441a4.txt"


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip("../shared is not beside the repository")
    return SHARED


def wait_for_commits(proc, db: Path, timeout: float = 240) -> None:
    """Wait until an ingest running in `proc` has committed batches into `db`: its WAL is past the
    schema and stands still (it grows while a commit is written; a kill inside the first one
    would leave nothing committed, which made kill tests flaky on a loaded machine)."""
    wal = Path(str(db) + ".wal")
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None and not (wal.exists() and wal.stat().st_size > 150_000):
        time.sleep(0.01)
    size = -1
    while time.time() < deadline and proc.poll() is None and wal.exists() and wal.stat().st_size != size:
        size = wal.stat().st_size
        time.sleep(0.05)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's), one per test module, for the dashboard's browser tests."""
    from playwright.sync_api import sync_playwright
    from test_browser_pages import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()
