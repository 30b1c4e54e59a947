"""Time briefx grounding on a 50k-character article built from the seeds.

Run: python benchmarks/bench_grounding.py [--chars 50000] [--repeat 200]

"warm" reuses the article's folded copy and word index (the normal case:
one article, many fields); "cold" clears those caches before every call.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from briefx import _grounding
from briefx._grounding import Span, align, find_verbatim, number_in_text, percent_in_text

ARTICLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


SEEDS = ("penza-belta-doubled", "samara-rewrite", "smolensk-press-release", "vologda-belta")
SEEDS += ("vologda-rewrite",)


def build_article(chars: int, names: tuple[str, ...] = SEEDS) -> str:
    seeds = [(ARTICLES / f"{name}.txt").read_text(encoding="utf-8") for name in names]
    parts: list[str] = []
    while sum(map(len, parts)) < chars:
        parts.extend(seeds)
    return "\n\n".join(parts)[:chars]


def cyrillic_cases(chars: int) -> list[tuple[str, Callable[[], Span | None]]]:
    text = build_article(chars, ("nizhny-ru",))
    typo = "встретилься с губернатором Нижегородской области Глебом Никитиным"
    absent = "Стороны подписали соглашение о строительстве завода микроэлектроники в Казани"
    return [
        ("ru: align fuzzy (typo)", lambda: align(typo, text)),
        ("ru: align absent sentence", lambda: align(absent, text)),
        ("ru: find_verbatim «» as straight quotes", lambda: find_verbatim(QUOTE_RU, text)),
        ("ru: number_in_text $1,2 млрд", lambda: number_in_text(1.2e9, text)),
    ]


QUOTE_RU = '"Нижегородская область - один из наших самых надежных партнеров в России."'


def cases(text: str) -> list[tuple[str, Callable[[], Span | None]]]:
    # Needles sit late in the article so exact and normalised finds scan most of it.
    tail = text[-3000:]
    sentence = tail[tail.index("\n") + 1 :][:160].strip()
    shouty = sentence.upper().replace(" ", "  ")
    typo = sentence.replace("e", "a", 3).replace("th", "ht", 1)
    absent = (
        "The delegation inspected a new semiconductor fabrication line in Kazan and signed "
        "a memorandum on quantum computing research with the Tatarstan academy"
    )
    paraphrase = "We are happy about that because the Pesnyary band made you recognisable"
    return [
        ("align exact (160 chars)", lambda: align(sentence, text)),
        ("align normalised (case, spaces)", lambda: align(shouty, text)),
        ("align fuzzy (typos)", lambda: align(typo, text)),
        ("align name homoglyph 'Filimonоv'", lambda: align("Georgy Filimonоv", text)),
        ("align absent sentence (worst case)", lambda: align(absent, text)),
        ("align absent short name", lambda: align("Mintimer Shaimiev", text)),
        ("find_verbatim exact", lambda: find_verbatim(sentence, text)),
        ("find_verbatim with added quote marks", lambda: find_verbatim(f'"{sentence}"', text)),
        ("find_verbatim paraphrase (absent)", lambda: find_verbatim(paraphrase, text)),
        ("number_in_text $678.1 million", lambda: number_in_text(678.1e6, text)),
        ("number_in_text absent $9.9 billion", lambda: number_in_text(9.9e9, text)),
        ("percent_in_text 0.9 (100.9%)", lambda: percent_in_text(0.9, text)),
    ]


def clear_caches() -> None:
    _grounding._folded.cache_clear()
    _grounding._index.cache_clear()
    _grounding._money_mentions.cache_clear()


def time_ms(call: Callable[[], object], repeat: int, cold: bool) -> float:
    samples = []
    call()  # warm the interpreter and, for warm runs, the caches
    for _ in range(repeat):
        if cold:
            clear_caches()
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    text = build_article(args.chars)
    print(f"article: {len(text):,} characters from the English seeds; ru: rows use a")
    print(f"{args.chars:,}-character Russian article (nizhny-ru repeated); median of calls\n")
    print(f"{'case':<38} {'result':<12} {'warm ms':>9} {'cold ms':>9}")
    print("-" * 71)
    for name, call in cases(text) + cyrillic_cases(args.chars):
        span = call()
        result = f"{span.method} {span.score:.0f}" if span else "None"
        warm = time_ms(call, args.repeat, cold=False)
        cold = time_ms(call, max(5, args.repeat // 10), cold=True)
        print(f"{name:<38} {result:<12} {warm:>9.3f} {cold:>9.3f}")


if __name__ == "__main__":
    main()
