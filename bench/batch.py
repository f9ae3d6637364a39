"""Batch throughput: records/s for one job, all cores, and a Dask local cluster.

Why: ``pinyinize batch`` promises to use every core and to scale out with Dask; this says
by how much, on the same corpus, with the same chunking.  The corpus is the CPP test
sentences (../shared/data/cpp/test.sent, the U+2581 target markers removed) repeated
``--repeat`` times, one JSON record per line.  Each run writes its own output; the outputs
must be identical (order kept), and the script says so.  Start-up (pool or cluster, and
one Annotator per worker) is inside the timings, as a user would see it.

Example: ``python bench/batch.py --repeat 5``
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from pinyinize.batch import BatchSettings, dask_engine, run_batch

ROOT = Path(__file__).resolve().parent.parent
CPP = ROOT.parent / "shared" / "data" / "cpp" / "test.sent"


def write_corpus(source: Path, repeat: int, target: Path) -> int:
    sentences = [
        line.replace("\u2581", "").strip()
        for line in source.read_text(encoding="utf-8").splitlines()
    ]
    count = 0
    with open(target, "w", encoding="utf-8") as stream:
        for _ in range(repeat):
            for sentence in sentences:
                count += 1
                stream.write(json.dumps({"id": count, "text": sentence}, ensure_ascii=False))
                stream.write("\n")
    return count


def timed(
    corpus: Path,
    output: Path,
    jobs: int,
    chunk_size: int,
    engine: Callable[[], AbstractContextManager[Any]] | None = None,
) -> float:
    started = time.perf_counter()
    run_batch(
        corpus,
        output,
        BatchSettings(),
        jobs=jobs,
        chunk_size=chunk_size,
        engine=engine() if engine else None,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CPP, help="a .sent file")
    parser.add_argument("--repeat", type=int, default=5, help="copies of the corpus")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="all cores")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        corpus = folder / "corpus.jsonl"
        records = write_corpus(arguments.corpus, arguments.repeat, corpus)
        jobs, chunk = arguments.jobs, arguments.chunk_size
        runs = {
            "1 job": timed(corpus, folder / "one.jsonl", 1, chunk),
            f"{jobs} jobs (process pool)": timed(corpus, folder / "all.jsonl", jobs, chunk),
            f"dask LocalCluster, {jobs} worker processes": timed(
                corpus, folder / "dask.jsonl", jobs, chunk, lambda: dask_engine(workers=jobs)
            ),
        }
        outputs = {
            (folder / name).read_bytes() for name in ("one.jsonl", "all.jsonl", "dask.jsonl")
        }
    print(
        f"{records} records ({arguments.repeat} x {arguments.corpus.name}), {os.cpu_count()} cores"
    )
    print("| engine | seconds | records/s | vs 1 job |")
    print("| --- | --- | --- | --- |")
    base = records / runs["1 job"]
    for name, seconds in runs.items():
        rate = records / seconds
        print(f"| {name} | {seconds:.2f} | {rate:,.0f} | {rate / base:.2f}x |")
    print("outputs identical:", len(outputs) == 1)


if __name__ == "__main__":
    main()
