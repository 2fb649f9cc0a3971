"""A run directory that survives being killed at any moment.

Layout of ``--out DIR``::

    manifest.json              what the run is (inputs, shard sizes, coder) and each shard's fingerprint
    spool/part-00012.parquet   shard 12's input documents, waiting for a worker
    documents/ articles/ events/   part-00012.parquet each, once shard 12 is coded

Every file is written under a temporary name and renamed, and a worker renames a shard's
``events`` file last, so "shard done" is exactly "events/part-k.parquet exists". A rerun trusts
only that, recodes what is missing, and never emits a shard twice.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from barograph.errors import BadInput
from barograph.scale.partitions import TABLES, part_name

MANIFEST_FORMAT = 1


class RunDir:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    # ---- layout ----
    def part(self, kind: str, shard: int) -> Path:
        return self.path / kind / part_name(shard)

    def spool(self, shard: int) -> Path:
        return self.path / "spool" / part_name(shard)

    def is_done(self, shard: int) -> bool:
        return self.part("events", shard).exists()

    def done_shards(self) -> list[int]:
        d = self.path / "events"
        if not d.is_dir():
            return []
        return sorted(int(p.name[5:10]) for p in d.glob("part-?????.parquet"))

    def prepare(self) -> None:
        try:
            for sub in ("spool", *TABLES):
                (self.path / sub).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BadInput(str(self.path), f"cannot create the output folder ({e.strerror})") from None

    # ---- manifest ----
    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def load_manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.manifest_path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise BadInput(str(self.manifest_path), f"unreadable run manifest ({e}); delete the folder to start over") from None

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.path / f".manifest.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
        os.replace(tmp, self.manifest_path)

    def check_same_run(self, previous: dict[str, Any] | None, current: dict[str, Any]) -> None:
        """Refuse to mix two different runs in one folder: the shards would not line up."""
        if previous is None:
            if self.done_shards():
                raise BadInput(str(self.path), "holds coded parts but no manifest.json; use an empty --out folder")
            return
        for key in ("inputs", "text_column", "shard_docs", "shard_chars", "coded"):
            if previous.get(key) != current.get(key):
                raise BadInput(
                    str(self.path), f"holds a run with other {key} ({previous.get(key)!r}, now {current.get(key)!r}); use a new --out folder"
                )

    def clean_temporaries(self) -> None:
        """Half-written files of a killed run; harmless, but they would pile up."""
        for sub in ("spool", *TABLES):
            for tmp in (self.path / sub).glob(".part-*.tmp"):
                try:
                    tmp.unlink()
                except OSError:
                    pass


def finalize(run: RunDir) -> int:
    """Drop events of stories a shard repeats from an earlier shard; returns how many went.

    Workers see one shard each, so a story reposted in shards 3 and 40 is coded twice; the local
    path codes its first appearance only. Walking the shards in order settles that, the same way
    every time, so running it again (after a kill) changes nothing more.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from barograph.scale.partitions import write_atomic

    seen: set[str] = set()
    dropped = 0
    for n in run.done_shards():
        arts = pq.read_table(run.part("articles", n), columns=["id", "duplicate_of"]).to_pydict()
        here: list[str] = []
        for aid, dup in zip(arts["id"], arts["duplicate_of"]):
            if aid and not dup and aid not in here:
                here.append(aid)
        repeats = [a for a in here if a in seen]
        if repeats:
            path = run.part("events", n)
            events = pq.read_table(path)
            keep = events.filter(pc.invert(pc.is_in(events["article_id"], value_set=pa_array(repeats))))
            if keep.num_rows < events.num_rows:
                dropped += events.num_rows - keep.num_rows
                write_atomic(keep, path)
        seen.update(here)
    return dropped


def pa_array(values: list[str]):
    import pyarrow as pa

    return pa.array(values, pa.string())
