"""Shared fixtures: the bundled sample and the shared evaluation data beside the repo."""
from __future__ import annotations

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
