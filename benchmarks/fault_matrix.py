"""The fault matrix: every injected fault against what briefx makes of it.

    python benchmarks/fault_matrix.py [--n 100] [--rate 0.2] [--seed 7]

Runs ``Extractor.extract`` on a seed article through ``briefx.testing.StubServer``
once per fault, with the fault injected once (then healthy answers) and on
every request, and then ``run_batch`` over N short inputs with a share of
random faults, then two batches started at once on one output (one must be
refused, naming the other) and a batch against a server that trickles its
answers a byte a second (the time budget must cut them off). Prints one
table: requests the server saw, model calls, retries, re-asks, the outcome,
and for the batches records, errors, lost and duplicated inputs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
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
from briefx.testing import FAULTS, SLOW_FAULTS, StubServer

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
    duplicated: int | None = None


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
        duplicated=0,
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
        **_lost_and_duplicated(n, records + errors),
    )
    injected = Counter(outcome for _, outcome in srv.log if outcome != "ok")
    reasons = Counter(line["error"] for line in errors)
    return row, injected, reasons


def _lost_and_duplicated(n: int, lines: list[dict[str, Any]]) -> dict[str, int]:
    ids = Counter(line["id"] for line in lines)
    return {"lost": n - len(ids), "duplicated": sum(c - 1 for c in ids.values())}


def _write_inputs(path: Path, n: int) -> None:
    rows = [json.dumps({"id": f"a{i:03d}", "text": _short_article(i)}) for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def two_writers(n: int) -> Row:
    """Two ``briefx batch`` processes started at once on one ``-o``."""
    with tempfile.TemporaryDirectory() as tmp, StubServer(delay=0.05) as srv:
        inputs, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        _write_inputs(inputs, n)
        env = {**os.environ, "BRIEFX_BASE_URL": srv.base_url, "BRIEFX_API_KEY": "test-key"}
        env |= {"BRIEFX_CACHE": "false", "BRIEFX_PROCESSES": "0"}
        command = [sys.executable, "-m", "briefx.cli", "batch", str(inputs), "-o", str(out)]
        command += ["--no-progress", "--concurrency", "8"]
        started = time.monotonic()
        procs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        results = [
            (p.wait(timeout=600), p.stderr.read().decode() if p.stderr else "") for p in procs
        ]
        seconds = time.monotonic() - started
        records, errors = _lines(out), _lines(Path(tmp) / "out.errors.jsonl")
    codes = sorted(code for code, _ in results)
    refused = [err for code, err in results if code == 2]
    named = bool(refused) and all("another briefx batch (pid" in err for err in refused)
    outcome = f"exit codes {codes[0]}+{codes[1]}" + (", refusal names pid" if named else "")
    return Row(
        f"two writers, {n} inputs",
        srv.requests,
        0,
        0,
        0,
        outcome,
        seconds,
        records=len(records),
        errors=len(errors),
        **_lost_and_duplicated(n, records + errors),
    )


def trickle(n: int, budget: float) -> Row:
    """``run_batch`` where the first requests are trickled a byte a second."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        _write_inputs(inputs, n)
        with StubServer(script=["trickle"] * 6, trickle=1.0) as srv:
            settings = _settings(srv, time_budget=budget, request_timeout=60.0, concurrency=4)
            started = time.monotonic()
            with Extractor(settings) as extractor:
                run_batch([inputs], out, settings=settings, extractor=extractor, progress=False)
            seconds = time.monotonic() - started
        records, errors = _lines(out), _lines(Path(tmp) / "out.errors.jsonl")
    kinds = Counter(line["error"] for line in errors)
    return Row(
        f"{SLOW_FAULTS[0]} 1 B/s, budget {budget:g}s, {n} inputs",
        srv.requests,
        sum(int(line["usage"].get("calls", 0)) for line in records),
        0,
        0,
        f"{len(records)} records, {dict(kinds)}",
        seconds,
        records=len(records),
        errors=len(errors),
        **_lost_and_duplicated(n, records + errors),
    )


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def render(rows: list[Row]) -> str:
    head = ("fault", "requests", "calls", "retries", "re-asks", "outcome", "records", "errors")
    table = [(*head, "lost", "duplicated", "secs")]
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
                _opt(r.duplicated),
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
    rows.append(two_writers(args.n))
    rows.append(trickle(8, budget=3.0))
    print(
        f"max_retries={MAX_RETRIES} max_reasks={MAX_REASKS} request_timeout=1s (batch: 3 retries)"
    )
    print(render(rows))
    print(f"batch faults injected: {dict(sorted(injected.items()))}")
    print(f"batch error lines by error: {dict(sorted(reasons.items()))}")
    ok = all(r.lost == 0 and r.duplicated == 0 for r in rows) and not any(
        r.outcome.startswith("UNCAUGHT") for r in rows
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
