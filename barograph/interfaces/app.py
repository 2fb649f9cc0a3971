"""The typer application every command module registers on.

Commands are a thin shell: each parses flags, calls one library function and prints.
Heavy imports (spaCy, Ray, FastAPI) happen inside the command so `--help` stays instant.
"""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="barograph",
    help="Read the news, code who does what to whom, and watch relations move.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)  # results (stdout)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # messages, progress (stderr)


def _version(value: bool) -> None:
    if value:
        from barograph import __version__

        out.print(f"barograph {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", help="Print barograph's version and exit.", callback=_version, is_eager=True)) -> None:
    """Read the news, code who does what to whom, and watch relations move."""
