"""Write filtered events out as GDELT 2.0 columns, PLOVER JSON, Parquet or CSV.

PLOVER JSON follows POLECAT's field names where they exist (event_type, event_mode,
contexts, source/target actor, country, sector, story/sentence evidence) and adds barograph's
own (cameo, goldstein, quad_class, modality, start/end offsets), one object per event.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from barograph.errors import BadInput

FORMATS = ("gdelt", "plover", "parquet", "csv")


def plover_records(df) -> list[dict]:
    """POLECAT-like dictionaries of an events() frame."""
    import pandas as pd

    from barograph.events import codes

    table = codes.plover_table()

    def val(v):
        if v is None or (not isinstance(v, (list, dict, str)) and pd.isna(v)):
            return None
        return v.item() if hasattr(v, "item") else v

    recs = []
    for r in df.to_dict("records"):
        r = {k: val(v) for k, v in r.items()}
        cam = r.get("cameo") or ""
        ctx = None
        for n in range(len(cam), 1, -1):
            if cam[:n] in table:
                ctx = table[cam[:n]][2] or None
                break
        recs.append(
            {
                "event_id": r["event_id"],
                "event_date": r["date"],
                "event_type": r.get("plover"),
                "event_mode": r.get("plover_mode"),
                "contexts": [ctx] if ctx else [],
                "event_text": r.get("text"),
                "source": {
                    "code": r.get("source"),
                    "actor": r.get("source_name") or r.get("source"),
                    "country": r.get("source_entity"),
                    "sector": r.get("source_sector"),
                },
                "target": {
                    "code": r.get("target"),
                    "actor": r.get("target_name") or r.get("target"),
                    "country": r.get("target_entity"),
                    "sector": r.get("target_sector"),
                },
                "modality": r.get("modality"),
                "cameo": cam,
                "goldstein": r.get("goldstein"),
                "quad_class": r.get("quad_class"),
                "story_id": r.get("article_id"),
                "publisher": r.get("outlet"),
                "doc": r.get("doc"),
                "sentence_index": r.get("sentence_index"),
                "start": r.get("start"),
                "end": r.get("end"),
                "mentions": r.get("mentions"),
                "origin": r.get("origin"),
                "corpus": r.get("corpus"),
                # where it happened (POLECAT's place fields): null when the text names no place
                "location": {"name": r.get("place"), "country": r.get("place_country"), "lat": r.get("latitude"), "lon": r.get("longitude")},
            }
        )
    return recs


def _csv(df, fh: BinaryIO, name: str) -> None:
    df.to_csv(fh, index=False, encoding="utf-8")


def _parquet(df, fh: BinaryIO, name: str) -> None:
    df.to_parquet(fh, index=False)


def _gdelt(df, fh: BinaryIO, name: str) -> None:
    from barograph.analysis.gdelt import to_gdelt_rows

    to_gdelt_rows(df).to_csv(fh, sep="\t", header=False, index=False, quoting=3, lineterminator="\n", encoding="utf-8")


def _plover(df, fh: BinaryIO, name: str) -> None:
    """A JSON array, or JSON lines when the file is named *.jsonl."""
    recs = plover_records(df)
    if name.endswith(".jsonl"):
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
    else:
        body = json.dumps(recs, ensure_ascii=False, indent=1)
    fh.write(body.encode("utf-8"))


@dataclass(frozen=True)
class ExportFormat:
    """An export: the file suffix and media type of its downloads, and its writer (frame -> bytes)."""

    suffix: str
    media_type: str
    write: Callable[[Any, BinaryIO, str], None]


# The one list of export formats: `barograph export`, `export()` and GET /api/export all read it.
# A new format is one writer above and one line here.
EXPORTS: dict[str, ExportFormat] = {
    "gdelt": ExportFormat(".tsv", "text/tab-separated-values; charset=utf-8", _gdelt),
    "plover": ExportFormat(".json", "application/json", _plover),
    "parquet": ExportFormat(".parquet", "application/vnd.apache.parquet", _parquet),
    "csv": ExportFormat(".csv", "text/csv; charset=utf-8", _csv),
}
FORMATS = tuple(EXPORTS)


def export_format(fmt: str) -> ExportFormat:
    """The registry entry of `fmt`, or a one-line BadInput naming the formats."""
    try:
        return EXPORTS[fmt]
    except KeyError:
        raise BadInput("--format", f"unknown export format {fmt!r} (one of {', '.join(EXPORTS)})") from None


def export_bytes(df, fmt: str, name: str = "") -> bytes:
    """A frame of events in `fmt`, in memory (for a download)."""
    buf = io.BytesIO()
    export_format(fmt).write(df, buf, name or "barograph-events" + EXPORTS[fmt].suffix)
    return buf.getvalue()


def export(store, fmt: str, out, **filters) -> int:
    """Write the events matching `filters` to `out` in `fmt`; returns the number written."""
    from barograph.store.query import events

    writer = export_format(fmt).write
    df = events(store, **filters)
    path = Path(out)
    if path.parent and not path.parent.exists():
        raise BadInput(str(path), "the folder to write into does not exist")
    try:
        with open(path, "wb") as fh:
            writer(df, fh, path.name)
    except OSError as e:
        raise BadInput(str(path), f"cannot write ({e.strerror})") from None
    return len(df)
