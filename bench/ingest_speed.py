"""Reading speed of the ingest and text stages against raw read+hash of the same files.

Builds a corpus of N text files (the sample page with each file's paragraphs shuffled, so
dedup sees real work) plus one JSONL file holding the same documents, then times, in one run:
raw read+sha256 (the baseline), iter_documents, + split_articles, + dedup, + sentences.
Run: .venv/bin/python bench/ingest_speed.py [--files 200]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from barograph.ingest.sources import iter_documents
from barograph.text.articles import split_articles
from barograph.text.dedup import NearDuplicates
from barograph.text.sentences import split_sentences


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sample = (ROOT / "samples" / "000_3e898528250441a4.txt").read_text(encoding="utf-8")
    paras = sample.split("\n\n")
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        texts = []
        for i in range(args.files):
            p = paras[:]
            rng.shuffle(p)
            texts.append("\n\n".join(p))
            (folder / f"page{i:05d}.txt").write_text(texts[-1], encoding="utf-8")
        jsonl = Path(tmp) / "pages.jsonl"
        with jsonl.open("w", encoding="utf-8") as f:
            for i, t in enumerate(texts):
                f.write(json.dumps({"id": f"p{i}", "text": t}) + "\n")
        files = sorted(folder.iterdir())
        mb = sum(f.stat().st_size for f in files) / 1e6

        def raw():
            for f in files:
                hashlib.sha256(f.read_bytes()).hexdigest()

        def docs(paths):
            return lambda: sum(1 for _ in iter_documents(paths, errors=[]))

        def articles():
            for d in iter_documents([str(folder)], errors=[]):
                split_articles(d)

        def dedup():
            index = NearDuplicates()
            for d in iter_documents([str(folder)], errors=[]):
                for a in split_articles(d):
                    index.check(a)

        def sentences():
            index = NearDuplicates()
            for d in iter_documents([str(folder)], errors=[]):
                for a in split_articles(d):
                    index.check(a)
                    split_sentences(a, d.text)

        base = best_of(raw, args.repeat)
        print(f"{args.files} files, {mb:.1f} MB; best of {args.repeat}")
        print(f"{'stage':<40} {'MB/s':>8} {'ratio to read+hash':>19}")
        print(f"{'read+sha256 (baseline)':<40} {mb / base:8.1f} {1:19.2f}")
        for name, fn in (
            ("iter_documents (folder of .txt)", docs([str(folder)])),
            ("iter_documents (one JSONL file)", docs([str(jsonl)])),
            ("+ split_articles", articles),
            ("+ dedup (NearDuplicates.check)", dedup),
            ("+ split_sentences", sentences),
        ):
            t = best_of(fn, args.repeat)
            print(f"{name:<40} {mb / t:8.1f} {base / t:19.3f}")


if __name__ == "__main__":
    main()
