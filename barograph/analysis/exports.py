"""Write filtered events out as GDELT 2.0 columns, PLOVER JSON, Parquet or CSV.

PLOVER JSON follows POLECAT's field names where they exist (event_type, event_mode,
contexts, source/target actor, country, sector, story/sentence evidence) and adds barograph's
own (cameo, goldstein, quad_class, modality, start/end offsets), one object per event.
"""
from __future__ import annotations

import json
from pathlib import Path

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
        recs.append({
            "event_id": r["event_id"],
            "event_date": r["date"],
            "event_type": r.get("plover"),
            "event_mode": r.get("plover_mode"),
            "contexts": [ctx] if ctx else [],
            "event_text": r.get("text"),
            "source": {"code": r.get("source"), "actor": r.get("source_name") or r.get("source"),
                       "country": r.get("source_entity"), "sector": r.get("source_sector")},
            "target": {"code": r.get("target"), "actor": r.get("target_name") or r.get("target"),
                       "country": r.get("target_entity"), "sector": r.get("target_sector")},
            "modality": r.get("modality"),
            "cameo": cam, "goldstein": r.get("goldstein"), "quad_class": r.get("quad_class"),
            "story_id": r.get("article_id"), "publisher": r.get("outlet"), "doc": r.get("doc"),
            "sentence_index": r.get("sentence_index"), "start": r.get("start"), "end": r.get("end"),
            "mentions": r.get("mentions"), "origin": r.get("origin"), "corpus": r.get("corpus"),
        })
    return recs


def export(store, fmt: str, out, **filters) -> int:
    """Write the events matching `filters` to `out` in `fmt`; returns the number written."""
    from barograph.store.query import events

    if fmt not in FORMATS:
        raise BadInput("--format", f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    df = events(store, **filters)
    path = Path(out)
    if path.parent and not path.parent.exists():
        raise BadInput(str(path), "the folder to write into does not exist")
    try:
        if fmt == "csv":
            df.to_csv(path, index=False)
        elif fmt == "parquet":
            df.to_parquet(path, index=False)
        elif fmt == "gdelt":
            from barograph.analysis.gdelt import to_gdelt_rows

            to_gdelt_rows(df).to_csv(path, sep="\t", header=False, index=False, quoting=3, lineterminator="\n")
        else:
            recs = plover_records(df)
            with open(path, "w", encoding="utf-8") as f:
                if path.suffix == ".jsonl":
                    for r in recs:
                        f.write(json.dumps(r, ensure_ascii=False) + "\n")
                else:
                    json.dump(recs, f, ensure_ascii=False, indent=1)
    except OSError as e:
        raise BadInput(str(path), f"cannot write ({e.strerror})") from None
    return len(df)
