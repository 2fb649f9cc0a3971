"""The event filters as command-line options, made from `store.query.FILTERS`.

`@filter_options` adds one option per filter (`--actors`, `--codes`, ..., plus the older
spellings `--actor`, `--code`, `--outlet`) to a command and hands the command one checked
`EventFilter` as `filters`; a new filter in `store.query` appears in every such command with
no edit here (sqlite-utils' shared output options are the model).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, List, Optional

import typer

from barograph.store.query import FILTERS, EventFilter


def _option(f) -> inspect.Parameter:
    names = (f"--{f.name}", *f.flags)
    annotation: Any
    if f.kind == "flag":
        default, annotation = typer.Option(False, *names, help=f.help), bool
    elif f.kind in ("date", "text", "number"):
        default, annotation = typer.Option(None, *names, help=f.help), Optional[str]
    else:  # lists and the dyad: repeat the option or comma-separate its values
        default, annotation = (typer.Option(None, *names, help=f.help + " Repeat or comma-separate."), Optional[List[str]])
    return inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give `command` (which takes `filters: EventFilter`) the options of every event filter."""
    sig = inspect.signature(command, eval_str=True)
    own = [p for name, p in sig.parameters.items() if name != "filters"]
    names = {f.name for f in FILTERS}

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        given = {k: kwargs.pop(k) for k in list(kwargs) if k in names}
        return command(*args, filters=EventFilter.parse(given, prefix="--"), **kwargs)

    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + [_option(f) for f in FILTERS]
    run.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": sig.return_annotation}
    del run.__wrapped__  # typer reads the signature above, not the command's own
    return run
