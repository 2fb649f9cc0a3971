"""Temporal knowledge-graph quadruples in the ICEWS14 benchmark layout.

The benchmark folder (train/valid/test.txt with tab-separated ``s r o t [x]`` ids, plus
entity2id.txt and relation2id.txt) is the one distributed by Gastinger et al. (2023),
github.com/nec-research/TKG-Forecasting-Evaluation. Timestamps there are hours since
2014-01-01 stepping by 24; everything here works in whole time steps. A folder of this kind
that carries only stat.txt beside the quadruples, or no count at all, still ranks: an id
without a name is then called "entity 17".
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


def _read_ids(path: Path) -> dict[int, str] | None:
    """Names by id from a 'name<TAB>id' file (or 'id<TAB>name'), None when there is no such
    file. Names are only shown (the example explanation, groups), so bytes that are not
    UTF-8 are replaced rather than refused."""
    if not path.exists():
        return None
    names: dict[int, str] = {}
    for n, line in enumerate(path.read_bytes().decode("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        name, sep, num = line.rpartition("\t")
        if not (sep and num.strip().isdigit()):
            num, sep, name = line.partition("\t")
            if not (sep and num.strip().isdigit()):
                raise BadInput(str(path), "expected 'name<TAB>id'", line=n)
        names[int(num)] = name
    return names


def _read_stat(path: Path) -> tuple[int, int] | None:
    """(entities, relations) from stat.txt, which some folders of this layout carry instead
    of (or beside) the name files; None when absent or not two leading integers."""
    if not path.exists():
        return None
    parts = path.read_text(encoding="utf-8", errors="replace").split()
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1])


def _names(names: dict[int, str] | None, count: int | None, used: int, kind: str) -> list[str]:
    """One name per id 0..n-1. n is the name file's highest id + 1, else stat.txt's count,
    else the highest id the quadruples use + 1; an id the file does not name is called
    "<kind> <id>"."""
    n = (max(names) + 1 if names else 0) if names is not None else count if count is not None else used
    named = names or {}
    return [named.get(i, f"{kind} {i}") for i in range(n)]


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
    for name in (f"{s}.txt" for s in SPLITS):
        if not (folder / name).exists():
            raise BadInput(str(folder / name), "missing from the benchmark folder")
    raw = {s: _read_quads(folder / f"{s}.txt") for s in SPLITS}
    for s, q in raw.items():
        if (q[:, :3] < 0).any():
            raise BadInput(str(folder / f"{s}.txt"), "negative id", line=int(np.argmax((q[:, :3] < 0).any(1))) + 1)
    quads = np.concatenate(list(raw.values()))
    stat = _read_stat(folder / "stat.txt")
    ent_path, rel_path = folder / "entity2id.txt", folder / "relation2id.txt"
    used_e = int(max(quads[:, 0].max(), quads[:, 2].max())) + 1 if len(quads) else 0
    used_r = int(quads[:, 1].max()) + 1 if len(quads) else 0
    ent_names, rel_names = _read_ids(ent_path), _read_ids(rel_path)
    entities = _names(ent_names, stat[0] if stat else None, used_e, "entity")
    relations = _names(rel_names, stat[1] if stat else None, used_r, "relation")
    sources = [p.name if names is not None else "stat.txt" if stat else "" for p, names in ((ent_path, ent_names), (rel_path, rel_names))]
    counted_by = " and ".join(dict.fromkeys(x for x in sources if x))
    g = TKG(entities, relations, epoch=epoch)
    times = np.unique(np.concatenate([q[:, 3] for q in raw.values()]))
    g.step = int(np.gcd.reduce(np.diff(times))) if len(times) > 1 else 1
    for s, q in raw.items():
        q = q.copy()
        q[:, 3] //= g.step
        bad = (q[:, 0] >= g.n_ent) | (q[:, 2] >= g.n_ent) | (q[:, 1] >= g.n_rel)
        if bad.any():  # a name file or stat.txt that does not belong with these quadruples
            why = f"id past the {g.n_ent} entities and {g.n_rel} relations of {counted_by}"
            raise BadInput(str(folder / f"{s}.txt"), why, line=int(np.argmax(bad)) + 1)
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
    """CAMEO root code ("01".."20") of each ICEWS event-type name, or of a name that is
    itself a CAMEO code ("190", "0231", as GDELT-derived graphs may name relations); "" when
    unknown."""
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
        if re.fullmatch(r"\d{2,4}", n) and 1 <= int(n[:2]) <= 20:
            roots.append(n[:2])
            continue
        code = by_desc.get(n) or _ROOT_BY_NAME.get(n)
        if code is None:
            code = next((c for p, c in _ROOT_BY_PREFIX if n.startswith(p)), "")
        roots.append(code[:2])
    return roots
