"""`--actors FILE`: the user's actor dictionaries, given where coding happens.

Why: custom actor files were set only through the environment (`BAROGRAPH_ACTORS`), which a
new user does not find. `code`, `ingest`, `recode`, `demo` and `serve` (uploads) take
`--actors FILE` (repeatable). The files are checked once here - a missing file or a bad line
is one line naming it - and then added to `BAROGRAPH_ACTORS` for this run, which every coder
reads (local worker processes and Ray workers inherit it), so each path codes with the same
dictionaries and the coder version (hence `recode`'s staleness check) includes them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer

HELP = "An actor dictionary file of your own (repeatable; format: docs/actors.md). Adds to $BAROGRAPH_ACTORS."


def actors_option():
    return typer.Option(None, "--actors", help=HELP, show_default=False)


def use_actor_files(files: Optional[List[Path]]) -> None:
    """Check the files (BadInput naming the first problem) and add them to BAROGRAPH_ACTORS."""
    if not files:
        return
    from barograph.events.actors import ActorResolver

    paths = [str(Path(f)) for f in files]
    ActorResolver(extra_files=tuple(paths))  # reads and parses each: a bad file fails here, in one line
    from barograph import settings

    current = [str(p) for p in settings.get("BAROGRAPH_ACTORS")]
    os.environ["BAROGRAPH_ACTORS"] = os.pathsep.join(current + [p for p in paths if p not in current])
    with ActorResolver._lock:
        ActorResolver._default = None  # the shared resolver is rebuilt with the files
