"""Batch extraction: many articles in, exactly one output line each, resumable after a kill.

Inputs are folders of ``.txt``/``.html``/``.htm`` files, JSONL files of
``{id, text | html, url, published}`` objects, or single files, mixed freely.
Each input gets a stable id: the file stem, the JSONL ``id``, else
``<jsonl stem>:<line number>``.

Files written next to ``out`` (``results.jsonl`` -> ``results.*``):

- the records, one JSON object per line (``record.model_dump(mode="json")``
  plus ``id`` and ``event_id``), appended and flushed line by line while the
  batch runs; for ``fmt="csv"``/``"parquet"`` these live in ``results.jsonl``
  and the table is written from them at the end;
- ``results.errors.jsonl``: one line per failed input (``id``, ``error``,
  ``message``, ``hint``, ``attempts``, ``usage``);
- ``results.events.jsonl``: one line per meeting (see ``briefx._events``).

A rerun with the same arguments skips every id already in the records or
errors file; a half-written last line from a killed run is cut off and that
input is done again.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import gc
import importlib.util
import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from pydantic import BaseModel

from briefx._errors import BriefxError, ExtractionError, InputError, UsageError
from briefx._events import group_events
from briefx._models import MeetingSummary
from briefx._notebook import flatten_record
from briefx._settings import Settings

log = logging.getLogger("briefx")

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
TEXT_SUFFIXES = frozenset({".txt", ".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FSYNC_INTERVAL = 1.0
_HTML_SUFFIXES = frozenset({".html", ".htm"})
# Only the extraction loop's own bookkeeping keys; everything else is the record.
_LINE_KEYS = ("id", "event_id")


class AsyncExtractor(Protocol):
    """What the batch needs from an extractor (``briefx._extract.Extractor`` fits)."""

    async def aextract(
        self,
        source: str | bytes,
        *,
        source_id: str | None = None,
        published: str | None = None,
        url: str | None = None,
        html: bool | None = None,
    ) -> MeetingSummary: ...


@dataclass(frozen=True)
class BatchItem:
    """One article to extract; file contents are read only when it is processed."""

    id: str
    path: str
    text: str | None = None
    html: bool | None = None
    url: str | None = None
    published: str | None = None
    error: InputError | None = None

    def load(self) -> str:
        """The article's text; raises ``InputError`` if it cannot be read."""
        if self.error is not None:
            raise self.error
        if self.text is not None:
            return self.text
        return _read_text(Path(self.path), self.id)


@dataclass
class BatchSummary:
    """What a batch run did; ``errors`` and ``records`` count this run only."""

    inputs: int
    records: int = 0
    errors: int = 0
    skipped: int = 0
    previous_errors: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    events: int = 0
    wall_seconds: float = 0.0
    output: Path = field(default_factory=Path)
    records_jsonl: Path = field(default_factory=Path)
    errors_path: Path = field(default_factory=Path)
    events_path: Path = field(default_factory=Path)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def failed(self) -> int:
        """Inputs whose line is an error line, this run or an earlier one not retried."""
        return self.errors + self.previous_errors

    def format_table(self) -> str:
        rows = [
            ("inputs", str(self.inputs)),
            ("records", str(self.records)),
            ("errors", str(self.errors)),
            ("skipped (done before)", str(self.skipped)),
            ("earlier errors kept", str(self.previous_errors)),
            ("cache hits", str(self.cache_hits)),
            (
                "tokens (prompt+completion)",
                f"{self.tokens} ({self.prompt_tokens}+{self.completion_tokens})",
            ),
            ("events", str(self.events)),
            ("wall time", f"{self.wall_seconds:.2f} s"),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


@dataclass(frozen=True)
class _Paths:
    output: Path
    records: Path
    errors: Path
    events: Path
    fmt: Format


# --- inputs -------------------------------------------------------------------


def collect_inputs(inputs: Sequence[str | Path]) -> list[BatchItem]:
    """Expand folders and JSONL files into items with unique ids, in a stable order.

    Raises ``InputError`` before anything runs when a path that names a folder
    does not exist; a missing or unreadable file becomes an item that fails.
    """
    paths = [Path(p) for p in inputs]
    if not paths:
        raise UsageError("no inputs given", hint="pass folders, .txt/.html files or .jsonl files")
    for path in paths:
        if not path.exists() and (not path.suffix or str(path).endswith(os.sep)):
            raise InputError(
                f"input folder {str(path)!r} does not exist", hint="check the path and try again"
            )
    items = [item for path in paths for item in _expand(path)]
    return _unique_ids(items)


def _expand(path: Path) -> Iterator[BatchItem]:
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES:
                yield _file_item(child)
            elif child.is_file() and child.suffix.lower() in JSONL_SUFFIXES:
                yield from _jsonl_items(child)
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from _jsonl_items(path)
    else:
        yield _file_item(path)


def _file_item(path: Path) -> BatchItem:
    html = True if path.suffix.lower() in _HTML_SUFFIXES else None
    return BatchItem(id=path.stem, path=str(path), html=html)


def _jsonl_items(path: Path) -> Iterator[BatchItem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield BatchItem(path.stem, str(path), error=_unreadable(path, path.stem, exc))
        return
    for number, raw in enumerate(data.splitlines(), start=1):
        if raw.strip():
            yield _jsonl_item(path, number, raw)


def _jsonl_item(path: Path, number: int, raw: bytes) -> BatchItem:
    where = f"{path}:{number}"
    fallback_id = f"{path.stem}:{number}"
    try:
        obj = json.loads(raw)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        hint = "fix the line: each line must be one JSON object with 'text' or 'html'"
        return BatchItem(
            fallback_id,
            where,
            error=InputError(f"broken JSONL line: {exc}", input_id=fallback_id, hint=hint),
        )
    if not isinstance(obj, dict):
        return BatchItem(
            fallback_id,
            where,
            error=InputError(
                "JSONL line is not an object",
                input_id=fallback_id,
                hint="write one {id, text|html, url, published} object per line",
            ),
        )
    item_id = str(obj["id"]) if obj.get("id") not in (None, "") else fallback_id
    text, html = obj.get("text"), obj.get("html")
    body = html if isinstance(html, str) else text
    if not isinstance(body, str):
        return BatchItem(
            item_id,
            where,
            error=InputError(
                "JSONL line has no 'text' or 'html' string",
                input_id=item_id,
                hint="add a 'text' or 'html' field",
            ),
        )
    return BatchItem(
        id=item_id,
        path=where,
        text=body,
        html=True if isinstance(html, str) else None,
        url=_str_or_none(obj.get("url")),
        published=_str_or_none(obj.get("published")),
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _unique_ids(items: list[BatchItem]) -> list[BatchItem]:
    # Two inputs with one id would make a rerun skip the second: number the repeats.
    seen: dict[str, int] = {}
    unique: list[BatchItem] = []
    for item in items:
        count = seen.get(item.id, 0) + 1
        seen[item.id] = count
        if count > 1:
            new_id = f"{item.id}~{count}"
            log.warning("input id %r is used twice (%s); calling it %r", item.id, item.path, new_id)
            item = BatchItem(
                new_id, item.path, item.text, item.html, item.url, item.published, item.error
            )
        unique.append(item)
    return unique


def _read_text(path: Path, item_id: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, item_id, exc) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (bad byte at offset {exc.start})",
            input_id=item_id,
            hint="convert it to UTF-8, e.g. `iconv -f cp1251 -t utf-8`",
        ) from exc


def _unreadable(path: Path, item_id: str, exc: OSError) -> InputError:
    reason = exc.strerror or type(exc).__name__
    return InputError(
        f"cannot read {path}: {reason}", input_id=item_id, hint="check the path and its permissions"
    )


# --- output files ---------------------------------------------------------------


def _plan(out: Path, fmt: str | None, errors_path: Path | None) -> _Paths:
    out = Path(out)
    chosen = fmt or (
        out.suffix.lower().lstrip(".") if out.suffix.lower() in (".csv", ".parquet") else "jsonl"
    )
    if chosen not in FORMATS:
        raise UsageError(
            f"unknown output format {chosen!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    if chosen == "parquet":
        missing = [m for m in ("pandas", "pyarrow") if importlib.util.find_spec(m) is None]
        if missing:
            raise UsageError(
                f"Parquet output needs {' and '.join(missing)}",
                hint="pip install 'briefx[parquet]'",
            )
    records = out if chosen == "jsonl" else out.with_suffix(".jsonl")
    if records == out and chosen != "jsonl":
        raise UsageError(f"output {out} would overwrite its own JSONL", hint=f"name it *.{chosen}")
    base = records.with_suffix("") if records.suffix else records
    return _Paths(
        output=out,
        records=records,
        errors=Path(errors_path) if errors_path else base.with_name(base.name + ".errors.jsonl"),
        events=base.with_name(base.name + ".events.jsonl"),
        fmt=chosen,  # type: ignore[arg-type]  # checked against FORMATS above
    )


def _read_lines(path: Path) -> list[dict[str, Any]]:
    """The file's complete JSON lines; a partial last line (killed writer) is cut off."""
    if not path.exists():
        return []
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    if cut < len(data):
        log.warning("%s ends in a partial line from an interrupted run; removing it", path)
        with path.open("r+b") as fh:
            fh.truncate(cut)
    lines: list[dict[str, Any]] = []
    for number, raw in enumerate(data[:cut].splitlines(), start=1):
        try:
            obj = json.loads(raw)
        except ValueError:
            log.warning("%s:%d is not JSON; ignoring it", path, number)
            continue
        if isinstance(obj, dict) and isinstance(obj.get("id"), str):
            lines.append(obj)
    return lines


def _write_atomic(path: Path, lines: Iterator[str] | list[str]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


class _LineSink:
    """Appends whole JSON lines, each flushed to the OS at once so a killed process loses none.

    ``fsync`` (survive a power cut too) runs at most every ``fsync_interval``
    seconds and on close: it costs ~5 ms here, which per line would dominate a
    cached rerun. A power cut can lose at most the last interval's lines, and a
    rerun redoes those inputs.
    """

    def __init__(self, path: Path, fsync_interval: float = FSYNC_INTERVAL) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: IO[bytes] = path.open("ab")
        self._interval = fsync_interval
        self._synced = time.monotonic()

    def write(self, obj: dict[str, Any]) -> None:
        self._fh.write(_dumps(obj).encode("utf-8"))
        self._fh.flush()
        now = time.monotonic()
        if now - self._synced >= self._interval:
            os.fsync(self._fh.fileno())
            self._synced = now

    def close(self) -> None:
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()


# --- running --------------------------------------------------------------------


def run_batch(
    inputs: Sequence[str | Path],
    out: Path | str,
    *,
    settings: Settings | None = None,
    fmt: str | None = None,
    errors_path: Path | str | None = None,
    extractor: AsyncExtractor | None = None,
    progress: bool = True,
    retry_errors: bool = False,
) -> BatchSummary:
    """Extract every input into ``out``; see the module docstring for the files written.

    Works inside a running event loop (Jupyter) by running in a worker thread.
    """
    coro = arun_batch(
        inputs,
        out,
        settings=settings,
        fmt=fmt,
        errors_path=errors_path,
        extractor=extractor,
        progress=progress,
        retry_errors=retry_errors,
    )
    return _run_in_thread(coro) if _loop_running() else asyncio.run(coro)


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_in_thread(coro: Any) -> BatchSummary:
    result: list[BatchSummary] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=target, name="briefx-batch")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


async def arun_batch(
    inputs: Sequence[str | Path],
    out: Path | str,
    *,
    settings: Settings | None = None,
    fmt: str | None = None,
    errors_path: Path | str | None = None,
    extractor: AsyncExtractor | None = None,
    progress: bool = True,
    retry_errors: bool = False,
) -> BatchSummary:
    """Async form of :func:`run_batch`."""
    started = time.perf_counter()
    paths = _plan(Path(out), fmt, Path(errors_path) if errors_path else None)
    items = collect_inputs(inputs)
    if not items:
        log.warning("no .txt, .html or .jsonl inputs found in %s", ", ".join(map(str, inputs)))
    for path in (paths.records, paths.errors):
        path.parent.mkdir(parents=True, exist_ok=True)
    settings = settings or getattr(extractor, "settings", None) or Settings()
    todo, summary = _resume(items, paths, retry_errors)
    if todo:
        await _extract_all(todo, paths, settings, extractor, summary, progress)
    _finish(paths, summary)
    summary.wall_seconds = time.perf_counter() - started
    return summary


def _resume(
    items: list[BatchItem], paths: _Paths, retry_errors: bool
) -> tuple[list[BatchItem], BatchSummary]:
    done = {line["id"] for line in _read_lines(paths.records)}
    error_lines = _read_lines(paths.errors)
    failed = {line["id"] for line in error_lines} - done
    if retry_errors and failed:
        wanted = {item.id for item in items}
        kept = [line for line in error_lines if line["id"] not in wanted]
        _write_atomic(paths.errors, [_dumps(line) for line in kept])
        failed -= wanted
    todo = [item for item in items if item.id not in done and item.id not in failed]
    summary = BatchSummary(
        inputs=len(items),
        skipped=len(items) - len(todo),
        previous_errors=sum(1 for item in items if item.id in failed),
        output=paths.output,
        records_jsonl=paths.records,
        errors_path=paths.errors,
        events_path=paths.events,
    )
    if summary.skipped:
        log.info("resuming: %d of %d inputs already done", summary.skipped, len(items))
    return todo, summary


async def _extract_all(
    todo: list[BatchItem],
    paths: _Paths,
    settings: Settings,
    extractor: AsyncExtractor | None,
    summary: BatchSummary,
    progress: bool,
) -> None:
    from briefx._extract import Extractor

    own = extractor is None
    if extractor is None:
        extractor = Extractor(settings)
    records, errors = _LineSink(paths.records), _LineSink(paths.errors)
    bar = _progress_bar(len(todo), progress)
    queue = iter(todo)

    async def worker() -> None:
        if extractor is None:  # narrowed above; closures lose the narrowing
            raise AssertionError("no extractor")
        for item in queue:
            line, ok = await _process(item, extractor)
            (records if ok else errors).write(line)
            _count(summary, line, ok)
            _tick(bar, summary)

    try:
        # briefx's Extractor bounds its own model calls to the backend's limit;
        # twice as many articles keep its rules and the writing busy while that
        # many are with the model. Any other extractor gets `concurrency` at once.
        if isinstance(extractor, Extractor):
            width = 2 * extractor.settings.workers()
        else:
            width = settings.concurrency
        with _older_objects_frozen():
            await asyncio.gather(*(worker() for _ in range(min(width, len(todo)))))
    finally:
        records.close()
        errors.close()
        if bar is not None:
            bar.close()
        if own:
            await _close(extractor)


async def _close(extractor: object) -> None:
    # The async HTTP client must be closed inside the loop that opened it.
    aclose = getattr(extractor, "aclose", None)
    if aclose is not None:
        await aclose()
        return
    close = getattr(extractor, "close", None)
    if close is not None:
        close()


@contextlib.contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Leave the objects made before the batch out of full collections while it runs.

    A full collection rescans every object of the imported libraries: 80-90 ms
    in which every article in flight waits. They are unfrozen afterwards, so
    nothing outlives the batch; a process that froze its own heap is left as is.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def _process(item: BatchItem, extractor: AsyncExtractor) -> tuple[dict[str, Any], bool]:
    try:
        source = item.load()
        record = await extractor.aextract(
            source, source_id=item.id, published=item.published, url=item.url, html=item.html
        )
    except BriefxError as exc:
        return _error_line(item, exc.with_input(item.id)), False
    except Exception as exc:
        # A bug or an unexpected library error must not take the other inputs down.
        log.exception("unexpected error extracting %s", item.id)
        return _error_line(item, exc), False
    if record.source.id != item.id:
        record = record.model_copy(
            update={"source": record.source.model_copy(update={"id": item.id})}
        )
    return {"id": item.id, **record.model_dump(mode="json")}, True


def _error_line(item: BatchItem, exc: BaseException) -> dict[str, Any]:
    usage = getattr(exc, "usage", None)
    if isinstance(usage, BaseModel):
        usage = usage.model_dump(mode="json")
    return {
        "id": item.id,
        "input": item.path,
        "error": type(exc).__name__,
        "message": getattr(exc, "message", str(exc)),
        "hint": getattr(exc, "hint", None),
        "attempts": exc.attempts if isinstance(exc, ExtractionError) else 0,
        "usage": usage if isinstance(usage, dict) else None,
    }


def _count(summary: BatchSummary, line: dict[str, Any], ok: bool) -> None:
    usage = line.get("usage") or {}
    if not usage.get("cache_hit"):  # a cached record's tokens were spent by an earlier run
        summary.prompt_tokens += int(usage.get("prompt_tokens", 0))
        summary.completion_tokens += int(usage.get("completion_tokens", 0))
    if not ok:
        summary.errors += 1
        return
    summary.records += 1
    summary.cache_hits += bool(usage.get("cache_hit"))


def _progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="article", desc="briefx", dynamic_ncols=True)


def _tick(bar: Any, summary: BatchSummary) -> None:
    if bar is None:
        return
    bar.set_postfix_str(
        f"ok={summary.records} err={summary.errors} "
        f"cache={summary.cache_hits} tok={summary.tokens}",
        refresh=False,
    )
    bar.update(1)


# --- finishing ------------------------------------------------------------------


def _finish(paths: _Paths, summary: BatchSummary) -> None:
    """Group events, stamp ``event_id`` on every record line, write events and the table."""
    lines = _read_lines(paths.records)
    records = [_to_record(line) for line in lines]
    events = group_events(records)
    event_of = {source: event.event_id for event in events for source in event.sources}
    for line in lines:
        line["event_id"] = event_of.get(line["id"])
    _write_atomic(paths.records, [_dumps(line) for line in lines])
    _write_atomic(paths.events, [_dumps(event.to_json()) for event in events])
    summary.events = len(events)
    if paths.fmt == "csv":
        _write_csv(paths.output, lines)
    elif paths.fmt == "parquet":
        _write_parquet(paths.output, lines)


def _to_record(line: dict[str, Any]) -> MeetingSummary:
    body = {key: value for key, value in line.items() if key not in _LINE_KEYS}
    record = MeetingSummary.model_validate(body)
    if record.source.id != line["id"]:
        record.source = record.source.model_copy(update={"id": line["id"]})
    return record


def _table_rows(lines: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    rows = [flatten_record(line) for line in lines]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    return columns, rows


def _write_csv(path: Path, lines: list[dict[str, Any]]) -> None:
    columns, rows = _table_rows(lines)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)


def _write_parquet(path: Path, lines: list[dict[str, Any]]) -> None:
    import pandas as pd

    columns, rows = _table_rows(lines)
    tmp = path.with_name(path.name + ".tmp")
    pd.DataFrame(rows, columns=columns).to_parquet(tmp, index=False)
    os.replace(tmp, path)
