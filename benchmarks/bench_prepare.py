"""Benchmark ``briefx._prepare.prepare``: throughput and per-seed reduction.

Run: ``python benchmarks/bench_prepare.py`` (from the repository root).

Prints prepare() throughput in MB/s on the seed articles repeated to ~10 MB
(mostly exact repeats: the hash path), on ~5 MB of distinct paragraphs (the
near-repeat path), on the HTML fixtures, and each seed's characters before and
after cleaning.
"""

from __future__ import annotations

import logging
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from briefx._prepare import prepare

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "examples" / "articles"
HTML = sorted((ROOT / "tests" / "data").glob("*.html"))
TARGET_BYTES = 10_000_000


def _best_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _throughput_row(label: str, text: str, runs: int) -> str:
    size = len(text.encode("utf-8"))
    seconds = _best_of(runs, lambda: prepare(text))
    return f"| {label:<38} | {size / 1e6:8.3f} | {seconds:8.3f} | {size / 1e6 / seconds:8.2f} |"


def _distinct_text(target: int) -> str:
    rng = random.Random(0)
    words = [f"word{i}" for i in range(5000)]
    paras: list[str] = []
    size = 0
    while size < target:
        para = " ".join(rng.choices(words, k=60)) + "."
        paras.append(para)
        size += len(para) + 1
    return "\n".join(paras)


def main() -> None:
    logging.getLogger("briefx").setLevel(logging.ERROR)  # the 99%-removed alarm is expected here
    seeds = {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))}
    joined = "\n\n".join(seeds.values())
    repeated = "\n\n".join([joined] * (TARGET_BYTES // len(joined.encode("utf-8")) + 1))

    print("prepare() throughput (best of 3)\n")
    print(f"| {'input':<38} | {'MB':>8} | {'seconds':>8} | {'MB/s':>8} |")
    print(f"|{'-' * 40}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    print(_throughput_row("seeds repeated to ~10 MB", repeated, 3))
    print(_throughput_row("distinct paragraphs, ~5 MB", _distinct_text(5_000_000), 3))
    print(_throughput_row("one seed (vologda-belta)", seeds["vologda-belta"], 20))
    for page in HTML:
        print(_throughput_row(f"HTML {page.name}", page.read_text(encoding="utf-8"), 20))

    print("\nPer-seed reduction\n")
    print(f"| {'seed':<24} | {'before':>7} | {'after':>7} | {'reduction':>9} | {'removed':>7} |")
    print(f"|{'-' * 26}|{'-' * 9}|{'-' * 9}|{'-' * 11}|{'-' * 9}|")
    reductions = []
    for name, text in seeds.items():
        prep = prepare(text, source_id=name)
        before, after = len(text), len(prep.text)
        reductions.append(1 - after / before)
        print(
            f"| {name:<24} | {before:7d} | {after:7d} | {1 - after / before:9.1%} "
            f"| {len(prep.removed):7d} |"
        )
    print(f"\nmean reduction {statistics.mean(reductions):.1%}")


if __name__ == "__main__":
    main()
