"""Batch throughput against a loopback OpenAI-compatible stub with a fixed latency.

    python benchmarks/bench_batch.py            # N=200, concurrency 16, 0.5 s per call

Runs N distinct articles through ``run_batch`` with the real ``Extractor``
(cache on, in a temp dir) against ``briefx.testing.StubServer``, which answers
every request with a minimal valid instance of the schema it asks for (JSON
schema or tool parameters) after ``--latency`` seconds. The stub runs in its
own process, as a model server would, so its CPU time is not charged to
briefx. Prints:

- ratio = wall / (N / C x latency): 1.0 is the bound; target <= 1.15;
- a rerun of the same inputs from the cache: library overhead per article in
  ms (everything but the model: reading, cleaning, cache lookup, writing);
  target <= 1 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import briefx._extract  # noqa: F401  # import time is start-up, not per-article work
from briefx._batch import BatchSummary, run_batch
from briefx._settings import Settings

_STUB = """
import sys, time
from briefx.testing import StubServer
with StubServer(delay=float(sys.argv[1])) as stub:
    print(stub.base_url, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
"""

ARTICLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


@contextlib.contextmanager
def stub_server(latency: float) -> Iterator[str]:
    """A stub server in a child process; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _STUB, str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=10)


def write_articles(folder: Path, n: int) -> None:
    """N distinct articles: the examples in turn, each with its own closing line."""
    seeds = sorted(ARTICLES.glob("*.txt"))
    folder.mkdir(parents=True)
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (folder / f"a{i:04}.txt").write_text(f"{text}\n\nReport {i} of the benchmark run.\n")


CPU: dict[str, float] = {}


def run(inputs: Path, out: Path, settings: Settings) -> tuple[BatchSummary, float, int]:
    """Run a batch; returns its summary, wall seconds and model calls made."""
    started, cpu = time.perf_counter(), time.process_time()
    summary = run_batch([inputs], out, settings=settings, progress=False)
    wall = time.perf_counter() - started
    CPU[out.name] = time.process_time() - cpu
    calls = sum(
        json.loads(line)["usage"]["calls"] * (not json.loads(line)["usage"]["cache_hit"])
        for line in out.read_text(encoding="utf-8").splitlines()
    )
    return summary, wall, calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per call (> 0)")
    args = parser.parse_args(argv)
    if args.latency <= 0:
        parser.error("--latency must be above 0")
    with tempfile.TemporaryDirectory() as tmp, stub_server(args.latency) as base_url:
        root = Path(tmp)
        write_articles(root / "in", args.n)
        settings = Settings(
            base_url=base_url,
            api_key="bench-key",
            model="stub-model",
            cache=True,
            cache_dir=root / "cache",
            concurrency=args.concurrency,
        )
        cold, cold_wall, calls = run(root / "in", root / "cold.jsonl", settings)
        warm, warm_wall, warm_calls = run(root / "in", root / "warm.jsonl", settings)
        resumed, resumed_wall, _ = run(root / "in", root / "warm.jsonl", settings)
    n, c, latency = args.n, args.concurrency, args.latency
    bound = n / c * latency
    per_call = calls / n
    ratio = cold_wall / bound
    overhead_ms = warm_wall / n * 1000
    print(f"articles {n}, concurrency {c}, latency {latency} s (stub in its own process)")
    print(
        f"cold run:    {cold.records} records, {cold.errors} errors, {calls} model calls "
        f"({per_call:.2f}/article, passes at once), wall {cold_wall:.2f} s"
    )
    cpu_ms = CPU["cold.jsonl"] / n * 1000
    print(
        f"  this process's CPU: {cpu_ms:.1f} ms/article = {CPU['cold.jsonl']:.2f} s on one "
        f"event loop, {CPU['cold.jsonl'] / bound:.2f}x the bound by itself"
    )
    print(
        f"  ratio wall / (N/C x latency)            = {ratio:.3f}  "
        f"(bound {bound:.2f} s, target <= 1.15)"
    )
    print(
        f"  ratio wall / (N/C x latency x calls/art) = {cold_wall / (bound * per_call):.3f}"
        if per_call
        else "  no model calls"
    )
    print(
        f"cache rerun: {warm.records} records, {warm.cache_hits} cache hits, "
        f"{warm_calls} model calls, wall {warm_wall:.3f} s"
    )
    print(f"  library overhead {overhead_ms:.3f} ms/article (target <= 1 ms)")
    print(
        f"resumed run (same output, all done): {resumed.skipped} skipped, "
        f"{resumed_wall / n * 1000:.3f} ms/article"
    )
    ok = cold.errors == 0 and ratio <= 1.15 and overhead_ms <= 1.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
