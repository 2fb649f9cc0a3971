"""A synthetic temporal knowledge graph in the benchmark layout, to time `bench/forecast.py`
on graphs of other shapes than the two real ones in ../shared/bench.

    .venv/bin/python bench/synthetic_graph.py --out DIR [--shape icews0515|gdelt|wiki|yago] [--seed 7]
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

WIKI and YAGO are of another kind: yearly snapshots of facts that hold over intervals (a
country's head of state, a player's club), so a fact repeats at every timestamp of its
interval, a few relations carry everything, and names have no country in parentheses (the
group and sector features then read each entity alone). `--shape wiki|yago` draws pool
triples with a start and a geometric duration and writes each at every year it holds, with
the published sizes (WIKI: 12,554 entities, 24 relations, 232 years, ~2,900 facts a year;
YAGO: 7,026, 10, 189, ~1,070), and names entities "Q<i>".
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SHAPES = {
    # entities, relations, timestamps, step (raw units per timestamp), train, valid, test, pool
    "icews0515": (10094, 251, 4017, 24, 368868, 46302, 46159, 60_000),
    "gdelt": (7691, 240, 2975, 15, 1734399, 238765, 305241, 300_000),
    # interval graphs: the last number is the mean number of years a fact holds
    "wiki": (12554, 24, 232, 1, 539286, 67538, 63110, 12),
    "yago": (7026, 10, 189, 1, 161540, 19523, 20026, 8),
}
INTERVALS = {"wiki", "yago"}


def zipf(rng: np.random.Generator, n: int, size: int, a: float = 1.1) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1) ** a
    return rng.choice(n, size, p=p / p.sum())


def write(out: Path, shape: str, seed: int) -> dict[str, tuple[int, int, int]]:
    """Write the graph; returns each split's (facts, first timestamp, last timestamp)."""
    E, R, T, step, n_train, n_valid, n_test, n_pool = SHAPES[shape]
    rng = np.random.default_rng(seed)
    n = n_train + n_valid + n_test
    if shape in INTERVALS:
        facts, t = _intervals(rng, E, R, T, n, n_pool)
    else:
        pool = np.column_stack([zipf(rng, E, n_pool), zipf(rng, R, n_pool, 1.3), zipf(rng, E, n_pool)])
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
    name = (lambda i: f"Q{i}") if shape in INTERVALS else (lambda i: f"Entity {i} (Country {i % 150})")
    (out / "entity2id.txt").write_text("".join(f"{name(i)}\t{i}\n" for i in range(E)))
    (out / "relation2id.txt").write_text("".join(f"relation {i}\t{i}\n" for i in range(R)))
    return sizes


def _intervals(rng: np.random.Generator, E: int, R: int, T: int, n: int, mean_years: int) -> tuple[np.ndarray, np.ndarray]:
    """About n facts from triples that each hold over a run of years, sorted by year.

    Each triple starts in a uniform year and holds a geometric number of years (mean
    `mean_years`, cut at the first and last year); it is written once for every year it
    holds."""
    k = int(n / mean_years * 2)
    triples = np.column_stack([zipf(rng, E, k), zipf(rng, R, k, 1.3), zipf(rng, E, k)])
    triples = np.unique(triples[triples[:, 0] != triples[:, 2]], axis=0)
    triples = triples[rng.permutation(len(triples))]
    # starts before year 0 too, so that the first years hold as many facts as the rest
    start = rng.integers(-3 * mean_years, T, len(triples))
    end = np.minimum(start + rng.geometric(1.0 / mean_years, len(triples)), T)
    start = np.maximum(start, 0)
    held = end > start
    triples, start, length = triples[held], start[held], (end - start)[held]
    keep = np.searchsorted(np.cumsum(length), n) + 1
    triples, start, length = triples[:keep], start[:keep], length[:keep]
    which = np.repeat(np.arange(len(triples)), length)
    offset = np.arange(len(which)) - np.repeat(np.cumsum(length) - length, length)
    t = start[which] + offset
    order = np.argsort(t, kind="stable")
    return triples[which][order], t[order]


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
