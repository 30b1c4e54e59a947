"""The fault matrix: every injected fault against what briefx makes of it.

    python benchmarks/fault_matrix.py [--n 100] [--rate 0.2] [--seed 7]

Runs ``Extractor.extract`` on a seed article through ``briefx.testing.StubServer``
once per fault, with the fault injected once (then healthy answers) and on
every request, and then ``run_batch`` over N short inputs with a share of
random faults. Prints one table: requests the server saw, model calls,
retries, re-asks, the outcome, and for the batch records, errors and lost.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefx._batch import run_batch
from briefx._errors import BriefxError
from briefx._extract import Extractor
from briefx._settings import Settings
from briefx.testing import FAULTS, StubServer

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "examples" / "articles" / "penza-belta-doubled.txt"
MAX_RETRIES, MAX_REASKS = 2, 1


@dataclass
class Row:
    case: str
    requests: int
    calls: int
    retries: int
    reasks: int
    outcome: str
    seconds: float
    records: int | None = None
    errors: int | None = None
    lost: int | None = None


def _settings(srv: StubServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": srv.base_url,
        "api_key": "test-key",
        "cache": False,
        "max_retries": MAX_RETRIES,
        "max_reasks": MAX_REASKS,
        "request_timeout": 1.0,
        "time_budget": 10.0,
        **overrides,
    }
    return Settings(**values)


def one_fault(text: str, fault: str, times: int) -> Row:
    """Extract one article with ``fault`` on the first ``times`` requests."""
    with StubServer(script=[fault] * times, retry_after=0.5, hang=3) as srv:
        started = time.monotonic()
        usage: Any = None
        try:
            with Extractor(_settings(srv)) as extractor:
                record = extractor.extract(text, source_id="penza")
            usage, outcome = record.usage, "record"
        except BriefxError as exc:
            usage, outcome = getattr(exc, "usage", None), type(exc).__name__
        except Exception as exc:
            outcome = f"UNCAUGHT {type(exc).__name__}"
        seconds = time.monotonic() - started
    label = f"{fault} x{'1' if times == 1 else 'all'}"
    return Row(
        label,
        srv.requests,
        getattr(usage, "calls", 0),
        getattr(usage, "retries", 0),
        getattr(usage, "reasks", 0),
        outcome,
        seconds,
        records=int(outcome == "record"),
        errors=int(outcome != "record"),
        lost=0,
    )


def _short_article(n: int) -> str:
    return (
        f"MINSK, {n % 28 + 1} April (BelTA) - Aleksandr Lukashenko met with Governor "
        f"Ivan Petrov{n} of Penza Oblast.\n\nThey discussed tractor supplies, item {n}."
    )


def batch(n: int, rate: float, seed: int) -> tuple[Row, Counter[str], Counter[str]]:
    """``run_batch`` over ``n`` inputs with ``rate`` of requests faulted at random."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        rows = [json.dumps({"id": f"a{i:03d}", "text": _short_article(i)}) for i in range(n)]
        inputs.write_text("\n".join(rows) + "\n", encoding="utf-8")
        with StubServer(fault_rate=rate, faults=FAULTS, seed=seed, retry_after=0.2, hang=2) as srv:
            settings = _settings(srv, max_retries=3, concurrency=16, time_budget=30.0)
            started = time.monotonic()
            with Extractor(settings) as extractor:
                run_batch([inputs], out, settings=settings, extractor=extractor, progress=False)
            seconds = time.monotonic() - started
        records = _lines(out)
        errors = _lines(Path(tmp) / "out.errors.jsonl")
    usage = Counter[str]()
    for line in records:
        usage.update({k: int(line["usage"].get(k, 0)) for k in ("calls", "retries", "reasks")})
    for line in errors:
        usage.update({k: int((line.get("usage") or {}).get(k, 0)) for k in ("retries", "reasks")})
    ids = {line["id"] for line in records + errors}
    row = Row(
        f"batch {n}, {rate:.0%} faults",
        srv.requests,
        usage["calls"],
        usage["retries"],
        usage["reasks"],
        f"{len(records)} records",
        seconds,
        records=len(records),
        errors=len(errors),
        lost=n - len(ids) + (len(records) + len(errors) - len(ids)),
    )
    injected = Counter(outcome for _, outcome in srv.log if outcome != "ok")
    reasons = Counter(line["error"] for line in errors)
    return row, injected, reasons


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def render(rows: list[Row]) -> str:
    head = ("fault", "requests", "calls", "retries", "re-asks", "outcome", "records", "errors")
    table = [(*head, "lost", "secs")]
    for r in rows:
        table.append(
            (
                r.case,
                str(r.requests),
                str(r.calls),
                str(r.retries),
                str(r.reasks),
                r.outcome,
                _opt(r.records),
                _opt(r.errors),
                _opt(r.lost),
                f"{r.seconds:.2f}",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _opt(value: int | None) -> str:
    return "" if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="batch size")
    parser.add_argument("--rate", type=float, default=0.2, help="share of faulted requests")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # Keep the table readable: instructor's retry chatter and the batch's
    # tracebacks for unexpected errors would otherwise go to stderr.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    logging.getLogger("briefx").addHandler(logging.NullHandler())
    text = ARTICLE.read_text(encoding="utf-8")
    rows = [one_fault(text, fault, times) for fault in FAULTS for times in (1, 99)]
    batch_row, injected, reasons = batch(args.n, args.rate, args.seed)
    rows.append(batch_row)
    print(
        f"max_retries={MAX_RETRIES} max_reasks={MAX_REASKS} request_timeout=1s (batch: 3 retries)"
    )
    print(render(rows))
    print(f"batch faults injected: {dict(sorted(injected.items()))}")
    print(f"batch error lines by error: {dict(sorted(reasons.items()))}")
    ok = batch_row.lost == 0 and not any(r.outcome.startswith("UNCAUGHT") for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
