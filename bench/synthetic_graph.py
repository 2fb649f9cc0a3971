"""A synthetic temporal knowledge graph in the benchmark layout, to time `bench/forecast.py`
on graphs of other shapes than the two real ones in ../shared/bench.

    .venv/bin/python bench/synthetic_graph.py --out DIR [--shape icews0515|gdelt] [--seed 7]
    .venv/bin/python bench/forecast.py --data DIR --quiet

Why: issue 14 holds a third data set back and the bench must finish on it, whatever its
shape. The published ones differ most in how their facts spread over time: ICEWS05-15 has
4,017 daily timestamps of ~115 facts (ten times ICEWS18's validation and test days, each a
tenth as large), GDELT 2,975 timestamps 15 minutes apart with ~770 facts each and 2.3 million
facts in all. `--shape` takes their published sizes (entities, relations, timestamps, split
sizes; Gastinger et al. 2023) and writes train/valid/test.txt, entity2id.txt and
relation2id.txt. Facts: 70% repeat one of a pool of Zipf-weighted (s, r, o) triples, the
rest are Zipf-random, spread uniformly over the timestamps; entities are named
"Entity i (Country i mod 150)" so the group features have groups to read. The repeats are
built in, so the MRR the bench prints on such a graph says nothing about news: only its time
and memory are the point. Prints the split sizes and their timestamp ranges.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SHAPES = {
    # entities, relations, timestamps, step (raw units per timestamp), train, valid, test, pool
    "icews0515": (10094, 251, 4017, 24, 368868, 46302, 46159, 60_000),
    "gdelt": (7691, 240, 2975, 15, 1734399, 238765, 305241, 300_000),
}


def zipf(rng: np.random.Generator, n: int, size: int, a: float = 1.1) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1) ** a
    return rng.choice(n, size, p=p / p.sum())


def write(out: Path, shape: str, seed: int) -> dict[str, tuple[int, int, int]]:
    """Write the graph; returns each split's (facts, first timestamp, last timestamp)."""
    E, R, T, step, n_train, n_valid, n_test, n_pool = SHAPES[shape]
    rng = np.random.default_rng(seed)
    pool = np.column_stack([zipf(rng, E, n_pool), zipf(rng, R, n_pool, 1.3), zipf(rng, E, n_pool)])
    n = n_train + n_valid + n_test
    repeat = rng.random(n) < 0.7
    facts = np.empty((n, 3), dtype=np.int64)
    facts[repeat] = pool[zipf(rng, n_pool, int(repeat.sum()), 0.9)]
    k = int((~repeat).sum())
    facts[~repeat] = np.column_stack([zipf(rng, E, k), zipf(rng, R, k, 1.3), zipf(rng, E, k)])
    keep = facts[:, 0] != facts[:, 2]
    facts = facts[keep]
    t = np.sort(rng.integers(0, T, len(facts)))
    # splits by time at the published proportions (a timestamp is never split)
    t1, t2 = t[min(n_train, len(t) - 1)], t[min(n_train + n_valid, len(t) - 1)]
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, m in (("train", t < t1), ("valid", (t >= t1) & (t < t2)), ("test", t >= t2)):
        np.savetxt(out / f"{name}.txt", np.column_stack([facts[m], t[m] * step]), fmt="%d", delimiter="\t")
        sizes[name] = (int(m.sum()), int(t[m].min()), int(t[m].max()))
    (out / "entity2id.txt").write_text("".join(f"Entity {i} (Country {i % 150})\t{i}\n" for i in range(E)))
    (out / "relation2id.txt").write_text("".join(f"relation {i}\t{i}\n" for i in range(R)))
    return sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="folder to write the graph into")
    ap.add_argument("--shape", choices=sorted(SHAPES), default="icews0515")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    for name, (n, lo, hi) in write(a.out, a.shape, a.seed).items():
        print(f"{name}: {n} quadruples, timestamps {lo}-{hi} ({hi - lo + 1})")


if __name__ == "__main__":
    main()
