"""Command modules, one per area; importing them registers their commands on the app."""
import importlib

for _name in ("ingest", "code", "analysis", "forecast", "serve"):
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as e:  # an area not built yet
        if e.name != f"{__name__}.{_name}":
            raise
