"""Ray engine throughput at 1 and 2 workers against a loopback stub with latency.

    python benchmarks/ray_throughput.py            # N=240, latency 0.5 s, concurrency 4

Needs ``briefx[ray]``. Starts a local Ray instance (2 CPUs) once, then runs
the same N distinct articles through ``briefx.ray.batch`` (real ``Extractor``
in every actor, cache off) with 1 and then 2 actors, into fresh outputs. The
stub runs in its own process, as a model server would, so its CPU time is
not charged to the actors. Each actor has ``concurrency`` articles in their
model calls at once and each article makes three calls at once, so with the
latency far above the CPU per article the run is I/O-bound: one actor's
bound is concurrency / latency articles per second, and a second actor
should come close to doubling it. Wall time is the whole batch as a user
sees it, actor start-up (imports, clients) included.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from briefx._settings import Settings

_STUB = """
import sys
from briefx.testing import StubServer
with StubServer(delay=float(sys.argv[1])) as stub:
    print(stub.base_url, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
"""
_TEXT = "The governor of Penza Oblast met the president in Minsk on 3 March 2024 on trade."


def _articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"a{n:05}.txt").write_text(f"{_TEXT} Item {n}.\n", encoding="utf-8")


def _run(folder: Path, out: Path, settings: Settings, workers: int) -> tuple[float, int]:
    from briefx.ray import batch

    started = time.perf_counter()
    summary = batch([folder], out, settings=settings, progress=False, workers=workers)
    wall = time.perf_counter() - started
    if summary.records + summary.errors != summary.inputs:
        raise SystemExit(f"{workers} worker(s): {summary.inputs} inputs, not all written")
    return wall, summary.records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=240, help="articles")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per model call")
    parser.add_argument("--concurrency", type=int, default=4, help="articles in calls per actor")
    args = parser.parse_args()

    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    stub = subprocess.Popen(
        [sys.executable, "-c", _STUB, str(args.latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert stub.stdout is not None
        base_url = stub.stdout.readline().strip()
        settings = Settings(
            base_url=base_url, api_key="bench", cache=False, concurrency=args.concurrency
        )
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            _articles(folder, args.n)
            rows = []
            for workers in (1, 2):
                wall, records = _run(folder, Path(tmp) / f"w{workers}.jsonl", settings, workers)
                rows.append((workers, wall, records))
    finally:
        if stub.stdin is not None:
            stub.stdin.close()
        stub.wait(timeout=10)
        ray.shutdown()

    bound = args.concurrency / args.latency
    print(
        f"{args.n} articles, {args.latency:g} s per call, concurrency {args.concurrency}"
        f" per actor (one actor's bound: {bound:g} articles/s)"
    )
    print(f"{'workers':>7}  {'wall s':>7}  {'records':>7}  {'articles/s':>10}  {'ratio':>5}")
    base = rows[0][2] / rows[0][1]
    for workers, wall, records in rows:
        rate = records / wall
        print(f"{workers:>7}  {wall:>7.2f}  {records:>7}  {rate:>10.2f}  {rate / base:>5.2f}")


if __name__ == "__main__":
    main()
