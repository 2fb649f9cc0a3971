"""Entry point of the `barograph` command."""

from __future__ import annotations

import sys

from barograph.errors import BarographError
from barograph.interfaces.app import app, err
from barograph.interfaces import commands  # noqa: F401  (registers every command)


def main() -> None:
    try:
        app()
    except BarographError as e:
        err.print(f"barograph: {e}", markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("barograph: interrupted; everything stored before the interruption is intact")
        sys.exit(130)


if __name__ == "__main__":
    main()
