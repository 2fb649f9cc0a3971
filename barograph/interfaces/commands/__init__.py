"""Command modules, one per area; importing them registers their commands on the app."""

from barograph.interfaces.commands import analysis, code, follow, forecast, ingest, lookup, places, serve, settings  # noqa: F401
