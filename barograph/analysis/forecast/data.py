"""Temporal knowledge-graph quadruples in the ICEWS14 benchmark layout.

The benchmark folder (train/valid/test.txt with tab-separated ``s r o t [x]`` ids, plus
entity2id.txt and relation2id.txt) is the one distributed by Gastinger et al. (2023),
github.com/nec-research/TKG-Forecasting-Evaluation. Timestamps there are hours since
2014-01-01 stepping by 24; everything here works in whole days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from barograph.errors import BadInput

SPLITS = ("train", "valid", "test")


@dataclass
class TKG:
    """Quadruples as int64 arrays of (subject, relation, object, day), one per split."""

    entities: list[str]
    relations: list[str]
    splits: dict[str, np.ndarray] = field(default_factory=dict)
    step: int = 24  # raw timestamp units per day
    epoch: str | None = None  # ISO date of day 0, when known (ICEWS14: 2014-01-01)

    @property
    def n_ent(self) -> int:
        return len(self.entities)

    @property
    def n_rel(self) -> int:
        return len(self.relations)

    def date(self, day: int) -> str:
        if not self.epoch:
            return f"day {day}"
        import datetime as dt

        return (dt.date.fromisoformat(self.epoch) + dt.timedelta(days=int(day))).isoformat()

    def relation_name(self, r: int) -> str:
        """Name of an id in the graph with inverses (r >= n_rel is the inverse of r - n_rel)."""
        if r >= self.n_rel:
            return self.relations[r - self.n_rel] + "^-1"
        return self.relations[r]


def _read_ids(path: Path) -> list[str]:
    names: dict[int, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.rsplit("\t", 1)
        if len(parts) != 2 or not parts[1].strip().isdigit():
            raise BadInput(str(path), "expected 'name<TAB>id'", line=n)
        names[int(parts[1])] = parts[0]
    if sorted(names) != list(range(len(names))):
        raise BadInput(str(path), "ids are not 0..n-1")
    return [names[i] for i in range(len(names))]


def _read_quads(path: Path) -> np.ndarray:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        try:
            rows.append([int(x) for x in parts[:4]])
        except ValueError:
            raise BadInput(str(path), "expected integer ids 's r o t'", line=n) from None
        if len(parts) < 4:
            raise BadInput(str(path), "expected at least 4 columns 's r o t'", line=n)
    return np.asarray(rows, dtype=np.int64).reshape(-1, 4)


def load_icews(folder: str | Path, epoch: str | None = None) -> TKG:
    """Read a benchmark folder; timestamps become day numbers (day 0 is `epoch`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(str(folder), "no such benchmark folder (expected train.txt, valid.txt, test.txt)")
    for name in ("entity2id.txt", "relation2id.txt", *(f"{s}.txt" for s in SPLITS)):
        if not (folder / name).exists():
            raise BadInput(str(folder / name), "missing from the benchmark folder")
    g = TKG(_read_ids(folder / "entity2id.txt"), _read_ids(folder / "relation2id.txt"), epoch=epoch)
    raw = {s: _read_quads(folder / f"{s}.txt") for s in SPLITS}
    times = np.unique(np.concatenate([q[:, 3] for q in raw.values()]))
    g.step = int(np.gcd.reduce(np.diff(times))) if len(times) > 1 else 1
    for s, q in raw.items():
        q = q.copy()
        q[:, 3] //= g.step
        bad = (q[:, 0] >= g.n_ent) | (q[:, 2] >= g.n_ent) | (q[:, 1] >= g.n_rel) | (q[:, :3] < 0).any(1)
        if bad.any():
            raise BadInput(str(folder / f"{s}.txt"), "id out of range of entity2id/relation2id", line=int(np.argmax(bad)) + 1)
        g.splits[s] = q
    return g


def with_inverses(quads: np.ndarray, n_rel: int) -> np.ndarray:
    """Add (o, r + n_rel, s, t) for every (s, r, o, t): object queries become subject queries."""
    inv = quads[:, [2, 1, 0, 3]].copy()
    inv[:, 1] += n_rel
    return np.concatenate([quads, inv])


# ICEWS event types are CAMEO descriptions; the names the PLOVER table does not spell the
# same way are placed by their CAMEO 1.1b3 root here.
_ROOT_BY_NAME = {
    "make statement": "01",
    "make optimistic comment": "01",
    "make pessimistic comment": "01",
    "engage in symbolic act": "01",
    "make empathetic comment": "01",
    "deny responsibility": "01",
    "consider policy option": "01",
    "express accord": "01",
    "acknowledge or claim responsibility": "01",
    "decline comment": "01",
    "make an appeal or request": "02",
    "mediate": "04",
    "apologize": "05",
    "ease curfew": "08",
    "reduce or stop material aid": "16",
    "impose restrictions on political freedoms": "17",
    "abduct hijack or take hostage": "18",
    "obstruct passage to demand leadership change": "14",
}
_ROOT_BY_PREFIX = (("appeal", "02"), ("express intent", "03"), ("demand", "10"), ("reject", "12"), ("refuse", "12"), ("threaten", "13"))


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.replace("_", " ").lower()).strip()


def relation_roots(names: list[str]) -> list[str]:
    """CAMEO root code ("01".."20") of each ICEWS event-type name ("" when unknown)."""
    from barograph.events import codes

    by_desc: dict[str, str] = {}
    for code, v in codes.plover_table().items():
        if v[3]:
            by_desc.setdefault(_norm(v[3]), code)
    for code, n in codes.ROOT_NAMES.items():
        by_desc.setdefault(_norm(n), code)
    roots = []
    for name in names:
        n = _norm(name)
        code = by_desc.get(n) or _ROOT_BY_NAME.get(n)
        if code is None:
            code = next((c for p, c in _ROOT_BY_PREFIX if n.startswith(p)), "")
        roots.append(code[:2])
    return roots
