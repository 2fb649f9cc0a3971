"""The notebook and first-contact surface: `barograph.open` reads by default (so the CLI works
on the same file meanwhile) and writes only when asked, `barograph --version`, and the demo's
"Coded events" table keeping source, action, target and modality readable at 80 and 160 columns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

import barograph
from barograph.errors import StoreError

DATA = Path(__file__).parent / "data"


def cli(*args, **env):
    import os

    return subprocess.run(
        [sys.executable, "-m", "barograph.interfaces.cli", *map(str, args)], capture_output=True, text=True, check=False, env={**os.environ, **env}
    )


def test_open_reads_by_default_and_the_cli_reads_meanwhile(tmp_path):
    db = tmp_path / "nb.duckdb"
    with pytest.raises(StoreError, match="no such database"):
        barograph.open(db)  # reading never creates a file
    assert not db.exists()
    p = cli("import", "icews", DATA / "icews" / "events.2014.20150313084929.tab", "--db", db, "-q")
    assert p.returncode == 0, p.stderr
    nb = barograph.open(db)
    try:
        assert nb.read_only and len(nb.events(dyad=("RUS", "UKR"))) == 12
        p = cli("dyad", "RUS", "UKR", "--db", db, "--freq", "month", "-f", "csv")  # another process, same file
        assert p.returncode == 0, p.stderr
        assert "2014-03-01,2,0,1,6" in p.stdout
        with pytest.raises(StoreError, match="opened read-only; cannot write"):
            with nb.transaction():
                pass
    finally:
        nb.close()
    w = barograph.open(db, read_only=False)  # writing is explicit
    try:
        with w.transaction() as con:
            con.execute("DELETE FROM events WHERE event_id = 'icews:9001'")
        assert not w.read_only
    finally:
        w.close()
    with barograph.open(db) as nb:
        assert nb.con.execute("SELECT count(*) FROM events").fetchone()[0] == 19


def test_version_flag():
    p = cli("--version")
    assert p.returncode == 0 and p.stdout.strip() == f"barograph {barograph.__version__}"


EVENTS = [
    {
        "source": "IGOWSTNAT",
        "cameo": "1721",
        "target": "RUSGOV",
        "modality": "hypothetical",
        "text": "NATO might impose restrictions on Russian officials, a spokesman said on Monday in Brussels.",
    },
    {"source": "USA", "cameo": "111", "target": "RUS", "modality": "asserted", "text": "Washington criticised Moscow."},
    {"source": "TUR", "cameo": "190", "target": "KUR", "modality": "claimed", "text": None},
]


@pytest.mark.parametrize("width", [80, 160])
def test_demo_events_table_shows_every_short_column_whole(width):
    from barograph.interfaces.commands.ingest import coded_events_table

    con = Console(width=width, record=True, color_system=None)
    con.print(coded_events_table(EVENTS, width))
    lines = con.export_text().splitlines()
    assert max(len(x) for x in lines) <= width
    for e in EVENTS:
        row = next(x for x in lines if x.startswith(f"│ {e['source']} "))
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert cells[0] == e["source"] and cells[2] == e["target"] and cells[3] == e["modality"]
        assert cells[1].startswith(e["cameo"] + " ") and len(cells[1]) >= len(e["cameo"]) + 5
        assert len(cells[4]) >= 10 or e["text"] is None or len(e["text"]) < 10
    wide = "\n".join(lines)
    if width == 160:
        assert "1721 Impose restrictions" in wide and "Washington criticised Moscow." in wide


def test_demo_table_follows_the_terminal_width(tmp_path):
    """The demo prints at the console's width: COLUMNS=80 gives lines of at most 80."""
    import os

    code = (
        "from barograph.interfaces.app import out; from barograph.interfaces.commands.ingest import coded_events_table; "
        f"out.print(coded_events_table({EVENTS!r}, out.width))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"}, check=False)
    assert p.returncode == 0, p.stderr
    assert max(len(x) for x in p.stdout.splitlines()) <= 80 and "hypothetical" in p.stdout and "RUSGOV" in p.stdout
