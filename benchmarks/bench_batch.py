"""Batch throughput against a loopback OpenAI-compatible stub with a fixed latency.

    python benchmarks/bench_batch.py            # N=200, concurrency 16, 0.5 s per call

Runs N distinct articles through ``run_batch`` with the real ``Extractor``
(cache on, in a temp dir) against ``briefx.testing.StubServer``, which answers
every request with a minimal valid instance of the schema it asks for after
``--latency`` seconds. Prints:

- ratio = wall / (N / C x latency): 1.0 is the bound; target <= 1.15;
- a rerun of the same inputs from the cache: library overhead per article in
  ms (everything but the model: reading, cleaning, cache lookup, writing);
  target <= 1 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from briefx._batch import BatchSummary, run_batch
from briefx._settings import Settings
from briefx.testing import StubServer

ARTICLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def write_articles(folder: Path, n: int) -> None:
    """N distinct articles: the examples in turn, each with its own closing line."""
    seeds = sorted(ARTICLES.glob("*.txt"))
    folder.mkdir(parents=True)
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (folder / f"a{i:04}.txt").write_text(f"{text}\n\nReport {i} of the benchmark run.\n")


def run(inputs: Path, out: Path, settings: Settings) -> tuple[BatchSummary, float]:
    started = time.perf_counter()
    summary = run_batch([inputs], out, settings=settings, progress=False)
    return summary, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, StubServer(delay=args.latency) as stub:
        root = Path(tmp)
        write_articles(root / "in", args.n)
        settings = Settings(
            base_url=stub.base_url,
            api_key="bench-key",
            model="stub-model",
            cache=True,
            cache_dir=root / "cache",
            concurrency=args.concurrency,
        )
        cold, cold_wall = run(root / "in", root / "cold.jsonl", settings)
        calls = stub.requests
        warm, warm_wall = run(root / "in", root / "warm.jsonl", settings)
    bound = args.n / args.concurrency * args.latency
    ratio = cold_wall / bound
    overhead_ms = warm_wall / args.n * 1000
    print(f"articles {args.n}, concurrency {args.concurrency}, latency {args.latency} s")
    print(
        f"cold run:  {cold.records} records, {cold.errors} errors, "
        f"{calls} model calls ({calls / args.n:.2f}/article), wall {cold_wall:.2f} s"
    )
    print(f"           bound N/C x latency = {bound:.2f} s, ratio {ratio:.3f} (target <= 1.15)")
    print(
        f"cache run: {warm.records} records, {warm.cache_hits} cache hits, "
        f"{stub.requests - calls} model calls, wall {warm_wall:.3f} s"
    )
    print(f"           library overhead {overhead_ms:.3f} ms/article (target <= 1 ms)")
    ok = cold.errors == 0 and ratio <= 1.15 and overhead_ms <= 1.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
