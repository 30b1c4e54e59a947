"""What one article costs: briefx beside one bare call, on the same llama.cpp server, in one run.

    python benchmarks/cost_table.py                      # starts the local server itself
    python benchmarks/cost_table.py --limit 6            # the first six examples only
    python benchmarks/cost_table.py --base-url http://127.0.0.1:8765/v1 --server-log /tmp/llama.log

briefx (cache off, as the main job runs it) and the bare single call
(``briefx._baseline``: one instructor call on the raw text) go to the same
server. Per article and per side it prints:

- prompt tokens sent (the usage the server reports) and prompt tokens the
  server evaluated after its prefix cache (from the server's own log: every
  pass of one article starts with the same system prompt and article, so
  llama.cpp reads them once);
- generated tokens; prompt and generation speed in tokens/s (the server's
  timings, so grammar and sampling time count in the generation speed);
- model calls and re-asks; wall seconds;

briefx runs over every article first, then the bare call over every article,
each in order as a real job would (so briefx's shared system prompt stays in
the server's prefix cache from one article to the next, as in the main job);

then the totals, the ratio briefx / bare for wall time and tokens, and both
sides' macro-F1 against ``examples/gold``: speed and quality from one run.
Needs ``llama-cpp-python[server]`` (``pip install '.[local]'``) and the model
(``briefx model pull``) unless ``--base-url`` names a running server whose
log ``--server-log`` can read.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefx import Extractor, MeetingSummary, Settings
from briefx._baseline import baseline_extract
from briefx._errors import BriefxError
from briefx._eval import evaluate
from briefx._models import Usage

ROOT = Path(__file__).resolve().parents[1]
MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
BARE_MAX_TOKENS = 3072

_PREFIX = re.compile(r"(\d+) prefix-match hit, remaining (\d+) prompt tokens")
_PROMPT = re.compile(r"prompt eval time =\s*([\d.]+) ms /\s*(\d+) tokens")
_EVAL = re.compile(r"\beval time =\s*([\d.]+) ms /\s*(\d+) runs")


@dataclass
class Cost:
    """One side's cost for one article."""

    sent: int = 0
    evaluated: int = 0
    generated: int = 0
    prompt_ms: float = 0.0
    gen_ms: float = 0.0
    calls: int = 0
    reasks: int = 0
    wall: float = 0.0
    record: MeetingSummary | None = None
    error: str = ""

    def add_log(self, text: str) -> None:
        """The server's timings for this side's calls (its log since they started)."""
        for ms, tokens in _PROMPT.findall(text):
            self.prompt_ms += float(ms)
            # llama.cpp logs one token for a fully cached prompt (it re-reads the last one).
            self.evaluated += int(tokens)
        for ms, _runs in _EVAL.findall(text):
            self.gen_ms += float(ms)

    @property
    def prompt_tps(self) -> float:
        return self.evaluated / (self.prompt_ms / 1000) if self.prompt_ms else 0.0

    @property
    def gen_tps(self) -> float:
        return self.generated / (self.gen_ms / 1000) if self.gen_ms else 0.0


@dataclass
class Row:
    article: str
    briefx: Cost = field(default_factory=Cost)
    bare: Cost = field(default_factory=Cost)


class ServerLog:
    """Reads what the server logged since the last mark."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def since_mark(self) -> str:
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            data = fh.read()
        self.offset += len(data)
        return data.decode("utf-8", errors="replace")


def _measure(cost: Cost, log: ServerLog, run: Callable[[], MeetingSummary]) -> None:
    log.since_mark()
    started = time.monotonic()
    usage: Usage | None = None
    try:
        cost.record = run()
        usage = cost.record.usage
    except BriefxError as exc:
        cost.error = str(exc).splitlines()[0]
        usage = getattr(exc, "usage", None)  # what the failed attempt cost
    cost.wall = time.monotonic() - started
    time.sleep(0.2)  # the server logs its timings just after it answers
    cost.add_log(log.since_mark())
    if isinstance(usage, Usage):
        cost.sent, cost.generated = usage.prompt_tokens, usage.completion_tokens
        cost.calls, cost.reasks = max(usage.calls, 1), usage.reasks


def _settings(base_url: str) -> Settings:
    return Settings(
        base_url=base_url, api_key="not-needed", model=MODEL, mode="json_object", cache=False
    )


@contextlib.contextmanager
def _server(args: argparse.Namespace) -> Iterator[tuple[str, Path]]:
    if args.base_url:
        yield args.base_url, args.server_log
        return
    from briefx._local import LocalServer

    settings = Settings(backend="local")
    with LocalServer(settings) as server:
        yield server.base_url, server.log_path


def _cells(c: Cost) -> list[str]:
    return [
        f"{c.sent:>6d}",
        f"{c.evaluated:>6d}",
        f"{c.generated:>5d}",
        f"{c.prompt_tps:>6.1f}",
        f"{c.gen_tps:>5.1f}",
        f"{c.calls:>3d}",
        f"{c.reasks:>3d}",
        f"{c.wall:>6.1f}",
    ]


_HEAD = (
    f"{'sent':>6} {'eval':>6} {'gen':>5} {'p t/s':>6} {'g t/s':>5} {'cl':>3} {'re':>3} {'wall':>6}"
)


def print_table(rows: list[Row]) -> None:
    width = max(len(r.article) for r in rows)
    print(f"{'':<{width}}  {'briefx':^47}  |  {'bare call':^47}")
    print(f"{'article':<{width}}  {_HEAD}  |  {_HEAD}")
    for r in rows:
        print(f"{r.article:<{width}}  {' '.join(_cells(r.briefx))}  |  {' '.join(_cells(r.bare))}")
    tb, tc = _total([r.briefx for r in rows]), _total([r.bare for r in rows])
    print(f"{'total':<{width}}  {' '.join(_cells(tb))}  |  {' '.join(_cells(tc))}")
    print()
    print(f"wall time, briefx / bare:            {tb.wall / tc.wall:.2f}x")
    print(f"prompt tokens sent, briefx / bare:   {tb.sent / max(tc.sent, 1):.2f}x")
    print(f"prompt tokens evaluated, b / bare:   {tb.evaluated / max(tc.evaluated, 1):.2f}x")
    print(f"generated tokens, briefx / bare:     {tb.generated / max(tc.generated, 1):.2f}x")
    print(f"briefx extraction time, all {len(rows)}:     {tb.wall:.0f} s ({tb.wall / 60:.1f} min)")
    for name, side in (("briefx", "briefx"), ("bare", "bare")):
        errors = [f"{r.article}: {getattr(r, side).error}" for r in rows if getattr(r, side).error]
        for line in errors:
            print(f"{name} error  {line}")


def _total(costs: list[Cost]) -> Cost:
    total = Cost()
    for c in costs:
        for name in ("sent", "evaluated", "generated", "calls", "reasks"):
            setattr(total, name, getattr(total, name) + getattr(c, name))
        total.prompt_ms += c.prompt_ms
        total.gen_ms += c.gen_ms
        total.wall += c.wall
    return total


def print_quality(rows: list[Row], gold: Path) -> None:
    for side in ("briefx", "bare"):
        records = {r.article: getattr(r, side).record for r in rows}
        kept = {k: v for k, v in records.items() if v is not None}
        empty = {k: MeetingSummary() for k, v in records.items() if v is None}
        report = evaluate({**kept, **empty}, gold, label=side)
        print(f"macro-F1 {side:<7} {report.macro_f1:.3f} over {len(records)} articles")


def _progress(side: str, article: str, cost: Cost) -> None:
    print(f"{side} {article}: {cost.wall:.1f} s {cost.error}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path, nargs="?", default=ROOT / "examples" / "articles")
    parser.add_argument("--gold", type=Path, default=ROOT / "examples" / "gold")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--base-url", default="")
    parser.add_argument("--server-log", type=Path, default=Path("/tmp/llama.log"))
    args = parser.parse_args(argv)
    paths = sorted(args.articles.glob("*.txt"))[: args.limit or None]
    rows = [Row(p.stem) for p in paths]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    with _server(args) as (base_url, log_path):
        log = ServerLog(log_path)
        settings = _settings(base_url)
        # One side after the other, each as it runs for real: briefx's main job
        # reads the articles in turn, so the server keeps the shared system
        # prompt cached from one article to the next.
        with Extractor(settings) as extractor:
            for row, path, text in zip(rows, paths, texts, strict=True):
                run = functools.partial(extractor.extract, text, source_id=path.name)
                _measure(row.briefx, log, run)
                _progress("briefx", row.article, row.briefx)
        # The bare call gets the room its one answer needs: at briefx's per-call cap
        # (1024) it was cut off on about a third of the articles, measuring the cap.
        bare = settings.model_copy(update={"max_tokens": BARE_MAX_TOKENS})
        for row, text in zip(rows, texts, strict=True):
            _measure(row.bare, log, functools.partial(baseline_extract, text, bare))
            _progress("bare", row.article, row.bare)
    print_table(rows)
    print()
    print_quality(rows, args.gold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
