"""Batch throughput against a loopback OpenAI-compatible stub with a fixed latency.

    python benchmarks/bench_batch.py            # N=200, concurrency 16, 0.5 s per call

Runs N distinct articles through ``run_batch`` with the real ``Extractor``
(cache on, in a temp dir) against ``briefx.testing.StubServer``, which answers
every request with a minimal valid instance of the schema it asks for after
``--latency`` seconds. The stub runs in its own process, as a model server
would, so its CPU time is not charged to briefx. Each article makes three
calls at once (people, companies, facts), so the bound is N / C x latency.

Prints, in one run:

- start-up: creating an Extractor and its client, starting the rules workers
  (what a batch pays once, before its first request);
- the cold batch twice, rules in the event loop and rules in worker
  processes: wall, ratio = wall / (N / C x latency) (target <= 1.15, the
  bound itself 1.0; with C not dividing N the last round is part-full, so
  ceil(N / C) rounds give a floor above 1.0), CPU per article in this
  process and in the workers, seconds per article from its first model call;
- the same model calls alone (openai + instructor, three per article, C
  articles at once, all started together: no preparation, rules, cache,
  output or start spacing): what the client stack costs by itself on this
  machine;
- a rerun of the same inputs from the cache: library overhead per article in
  ms (reading, cleaning, cache lookup, writing); target <= 1 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer
from briefx._batch import BatchSummary, run_batch
from briefx._client import Call, InstructorBackend
from briefx._extract import Extractor
from briefx._prepare import prepare
from briefx._prompts import build_messages
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


@dataclass
class Cold:
    label: str
    startup: float
    wall: float
    cpu: float  # this process, seconds
    worker_cpu: float  # the rules workers, seconds
    summary: BatchSummary
    calls: int
    latencies: list[float]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _lines(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def cold_run(inputs: Path, out: Path, settings: Settings, *, label: str = "") -> Cold:
    """A batch with nothing cached: start-up first, then the articles.

    With no ``label`` the batch makes its own extractor, as ``briefx batch``
    does, and its wall includes that start-up.
    """
    started = time.perf_counter()
    extractor = Extractor(settings).start() if label else None
    startup = time.perf_counter() - started
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    summary = run_batch([inputs], out, settings=settings, extractor=extractor, progress=False)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if extractor is not None:
        extractor.close()  # waits for the workers, so their CPU is counted below
    usages = [line["usage"] for line in _lines(out)]
    return Cold(
        label=label or "first batch, as `briefx batch`",
        startup=startup,
        wall=wall,
        cpu=cpu,
        worker_cpu=_children_cpu() - children,
        summary=summary,
        calls=sum(u["calls"] for u in usages if isinstance(u, dict)),
        latencies=sorted(u["seconds"] for u in usages if isinstance(u, dict)),
    )


def calls_only(articles: Path, settings: Settings) -> Cold:
    """The same model calls with nothing of briefx around them: the client's own floor."""
    texts = [prepare(p.read_text(encoding="utf-8")).text for p in sorted(articles.glob("*.txt"))]
    backend = InstructorBackend(settings)
    passes = ((PeopleAnswer, "people"), (CompaniesAnswer, "companies"), (FactsAnswer, "facts"))

    async def article(text: str, slots: asyncio.Semaphore) -> float:
        async with slots:
            call, started = Call(None, 600), time.perf_counter()
            context = {"text": text, "warnings": []}
            await asyncio.gather(
                *(
                    backend.acomplete(build_messages(name, text), model, context=context, call=call)
                    for model, name in passes
                )
            )
            return time.perf_counter() - started

    async def run() -> list[float]:
        slots = asyncio.Semaphore(settings.concurrency)
        try:
            return list(await asyncio.gather(*(article(t, slots) for t in texts)))
        finally:
            await backend.aclose()

    started, cpu = time.perf_counter(), time.process_time()
    latencies = asyncio.run(run())
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    summary = BatchSummary(inputs=len(texts), records=len(texts))
    label = "(model calls only)"
    return Cold(label, 0.0, wall, cpu, 0.0, summary, 3 * len(texts), sorted(latencies))


def cache_run(inputs: Path, out: Path, settings: Settings) -> tuple[BatchSummary, float]:
    started = time.perf_counter()
    summary = run_batch([inputs], out, settings=settings, progress=False)
    return summary, time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def report(runs: list[Cold], n: int, c: int, latency: float) -> None:
    bound = n / c * latency
    floor = math.ceil(n / c) * latency / bound
    print(f"articles {n}, concurrency {c}, latency {latency} s, 3 calls per article at once")
    print(f"bound N/C x latency = {bound:.2f} s; whole rounds alone give {floor:.3f}x")
    print()
    head = (
        "rules in",
        "start-up s",
        "wall s",
        "ratio",
        "ratio+start-up",
        "loop CPU ms/art",
        "worker CPU ms/art",
        "article s p50/p90",
        "records",
        "errors",
    )
    rows = [
        (
            r.label,
            f"{r.startup:.2f}",
            f"{r.wall:.2f}",
            f"{r.wall / bound:.3f}",
            f"{(r.wall + r.startup) / bound:.3f}",
            f"{r.cpu / n * 1000:.1f}",
            f"{r.worker_cpu / n * 1000:.1f}",
            f"{_pct(r.latencies, 0.5):.3f}/{_pct(r.latencies, 0.9):.3f}",
            str(r.summary.records),
            str(r.summary.errors),
        )
        for r in runs
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    for row in (head, *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    first, loop, workers, floor = runs
    print(f"worker processes vs the event loop: wall {loop.wall / workers.wall:.2f}x faster")
    print(
        f"the same calls with nothing around them: ratio {floor.wall / bound:.3f}; briefx's "
        f"wall per article minus theirs: {(workers.wall - floor.wall) / n * 1000:+.1f} ms "
        "(below 0: its spaced starts won back more than the rest of briefx costs)"
    )
    print(
        f"a process's first batch, end to end: ratio {first.wall / bound:.3f}; "
        f"{first.wall - workers.wall:.2f} s more than the same batch once imports, clients "
        "and the workers are up"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per call (> 0)")
    args = parser.parse_args(argv)
    if args.latency <= 0:
        parser.error("--latency must be above 0")
    n, c, latency = args.n, args.concurrency, args.latency
    with tempfile.TemporaryDirectory() as tmp, stub_server(latency) as base_url:
        root = Path(tmp)
        write_articles(root / "in", n)
        runs = []
        # None: what briefx picks for this machine. The first run pays for the
        # imports and clients; the next ones show the batch itself.
        for label, processes in (("", None), ("the event loop", 0), ("worker processes", None)):
            settings = Settings(
                base_url=base_url,
                api_key="bench-key",
                model="stub-model",
                cache=True,
                cache_dir=root / f"cache{len(runs)}",
                concurrency=c,
                processes=processes,
            )
            if label == "worker processes":
                label = f"{settings.rule_processes()} worker process(es)"
            out = root / f"cold{len(runs)}.jsonl"
            runs.append(cold_run(root / "in", out, settings, label=label))
        runs.append(calls_only(root / "in", settings.model_copy(update={"cache": False})))
        warm, warm_wall = cache_run(root / "in", root / "warm.jsonl", settings)
        resumed, resumed_wall = cache_run(root / "in", root / "warm.jsonl", settings)
    report(runs, n, c, latency)
    overhead_ms = warm_wall / n * 1000
    print()
    print(
        f"cache rerun: {warm.records} records, {warm.cache_hits} cache hits, "
        f"library overhead {overhead_ms:.3f} ms/article (target <= 1 ms)"
    )
    print(
        f"resumed run (same output, all done): {resumed.skipped} skipped, "
        f"{resumed_wall / n * 1000:.3f} ms/article"
    )
    best = runs[2]
    bound = n / c * latency
    ok = best.summary.errors == 0 and best.wall / bound <= 1.15 and overhead_ms <= 1.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
