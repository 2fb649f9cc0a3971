"""The settings table: read when asked, checked with one-line errors, printed by `barograph settings`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from barograph import settings
from barograph.errors import BarographError
from barograph.store.db import default_db_path

CLI = [sys.executable, "-m", "barograph.interfaces.cli"]


def test_values_are_read_when_asked_not_at_import(monkeypatch):
    monkeypatch.delenv("BAROGRAPH_BATCH_DOCUMENTS", raising=False)
    assert settings.get("BAROGRAPH_BATCH_DOCUMENTS") == 4000
    monkeypatch.setenv("BAROGRAPH_BATCH_DOCUMENTS", "7")
    assert settings.get("BAROGRAPH_BATCH_DOCUMENTS") == 7
    monkeypatch.setenv("BAROGRAPH_DB", "/tmp/elsewhere.duckdb")
    assert default_db_path() == Path("/tmp/elsewhere.duckdb")


def test_types_and_defaults():
    env = {
        "BAROGRAPH_LOCK_WAIT": "2.5",
        "BAROGRAPH_WORKERS": "0",
        "BAROGRAPH_ACTORS": "a.txt:b.txt",
        "BAROGRAPH_DB_MEMORY": "2GB",
        "BAROGRAPH_SLOW": "1",
    }
    assert settings.get("BAROGRAPH_LOCK_WAIT", env) == 2.5
    assert settings.get("BAROGRAPH_WORKERS", env) == 1  # fewer than one means one
    assert settings.get("BAROGRAPH_ACTORS", env) == ["a.txt", "b.txt"]
    assert settings.get("BAROGRAPH_DB_MEMORY", env) == "2GB"
    assert settings.get("BAROGRAPH_SLOW", env) is True
    assert settings.get("BAROGRAPH_SHARD_DOCS", {}) is None and settings.get("BAROGRAPH_DB", {}) is None


@pytest.mark.parametrize(
    "name, raw, says",
    [
        ("BAROGRAPH_WORKERS", "many", "BAROGRAPH_WORKERS must be a whole number, not 'many'"),
        ("BAROGRAPH_BATCH_DOCUMENTS", "0", "BAROGRAPH_BATCH_DOCUMENTS must be a whole number of at least 1, not '0'"),
        ("BAROGRAPH_LOCK_WAIT", "soon", "BAROGRAPH_LOCK_WAIT must be a number of seconds, not 'soon'"),
        ("BAROGRAPH_DB_MEMORY", "256MB'; DROP", "BAROGRAPH_DB_MEMORY must be a size such as 256MB or 2GB, not \"256MB'; DROP\""),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(name, raw, says):
    with pytest.raises(BarographError) as e:
        settings.get(name, {name: raw})
    assert str(e.value) == says


def test_an_unknown_name_is_an_error():
    with pytest.raises(BarographError, match="no such setting"):
        settings.get("BAROGRAPH_NOPE")


def test_settings_command_prints_values_in_force(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "BAROGRAPH_WORKERS": "3", "BAROGRAPH_DB": str(tmp_path / "w.duckdb")}
    p = subprocess.run(CLI + ["settings", "--format", "jsonl"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    rows = {r["name"]: r for r in map(json.loads, p.stdout.splitlines())}
    assert set(rows) == set(settings.SETTINGS)
    assert rows["BAROGRAPH_WORKERS"]["value"] == 3 and rows["BAROGRAPH_WORKERS"]["source"] == "environment"
    assert rows["BAROGRAPH_DB"]["value"] == str(tmp_path / "w.duckdb")
    assert rows["BAROGRAPH_LOCK_WAIT"] == {**rows["BAROGRAPH_LOCK_WAIT"], "value": 10.0, "source": "default"}


def test_settings_command_shows_an_invalid_value_and_exits_1():
    p = subprocess.run(
        CLI + ["settings", "--format", "jsonl"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "BAROGRAPH_WORKERS": "many"}
    )
    assert p.returncode == 1
    row = next(r for r in map(json.loads, p.stdout.splitlines()) if r["name"] == "BAROGRAPH_WORKERS")
    assert row["value"] == "many" and row["source"].startswith("invalid: BAROGRAPH_WORKERS must be a whole number")


def test_no_module_reads_a_barograph_variable_itself():
    """Every BAROGRAPH_* read goes through settings.get (events/ is being rewritten elsewhere)."""
    root = Path(settings.__file__).parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "settings.py"
        and "events" not in p.parts
        and ('environ.get("BAROGRAPH_' in p.read_text() or "getenv(\"BAROGRAPH_" in p.read_text())
    ]
    assert offenders == []
