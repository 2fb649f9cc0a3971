"""Every setting, command and web route is described in docs/ (after datasette's test_docs.py).

A new BAROGRAPH_* setting, `barograph` command or route fails here until docs/ says what it
is; the lists come from the code itself (settings.SETTINGS, the typer app, the FastAPI app),
so nothing has to be registered twice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from barograph import settings
from barograph.interfaces.cli import app

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


def _commands(cmd, prefix: tuple[str, ...] = ()):
    subs = getattr(cmd, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from _commands(sub, prefix + (name,))
    else:
        yield " ".join(prefix)


COMMANDS = sorted(_commands(typer.main.get_command(app)))


def _routes() -> list[str]:
    from barograph.interfaces.web.app import create_app

    def walk(routes):
        for r in routes:
            if hasattr(r, "original_router"):  # an included router (FastAPI keeps it whole)
                yield from walk(r.original_router.routes)
            elif getattr(r, "methods", None) and not r.path.startswith("/static"):
                yield r.path

    return sorted(set(walk(create_app("unused.duckdb").routes)))


ROUTES = _routes()


def test_the_lists_are_read_from_the_code():
    assert {"ingest", "code", "serve", "settings", "import icews", "import gdelt"} <= set(COMMANDS)
    assert {"/api/events", "/api/export", "/search", "/dyad/{a}/{b}"} <= set(ROUTES)
    assert "BAROGRAPH_DB" in settings.SETTINGS and len(settings.SETTINGS) >= 9


@pytest.mark.parametrize("name", sorted(settings.SETTINGS))
def test_setting_is_documented(name):
    assert re.search(rf"\b{name}\b", _docs()), f"{name}: not described in docs/ (docs/settings.md)"


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command):
    assert f"barograph {command}" in _docs(), f"`barograph {command}`: not described in docs/"


@pytest.mark.parametrize("route", ROUTES)
def test_route_is_documented(route):
    # a path parameter is written as a placeholder in the docs: /dyad/{a}/{b} as /dyad/A/B
    pattern = re.sub(r"\\\{[^}]+\\\}", r"[^/\\s`?]+", re.escape(route))
    assert re.search(rf"(?<![\w/]){pattern}(?![\w/])", _docs()), f"route {route}: not described in docs/web.md"


def test_the_check_fails_for_what_is_missing():
    """The matching is strict enough to miss an undocumented name."""
    assert "barograph no-such-command" not in _docs()
    assert not re.search(r"\bBAROGRAPH_NO_SUCH\b", _docs())


def _groups(cmd, prefix: tuple[str, ...] = ()):
    for name, sub in (getattr(cmd, "commands", None) or {}).items():
        yield " ".join(prefix + (name,)), sub
        yield from _groups(sub, prefix + (name,))


@pytest.mark.parametrize("command, cmd", list(_groups(typer.main.get_command(app))), ids=lambda v: v if isinstance(v, str) else "")
def test_command_summary_is_one_line_in_the_command_list(command, cmd):
    """`barograph --help` lists each command by the first paragraph of its docstring and, in
    rich markup, keeps that paragraph's line breaks: a summary wrapped in the source shows
    broken mid-sentence in the list. The summary is one line; detail goes below a blank line."""
    import inspect

    first = inspect.cleandoc(cmd.help or "").split("\n\n")[0]
    assert first and "\n" not in first, f"`barograph {command}`: summary spans lines: {first!r}"
