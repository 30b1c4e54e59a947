"""Batch extraction: many articles in, exactly one output line each, resumable after a kill.

Inputs are folders of ``.txt``/``.html``/``.htm`` files, JSONL files of
``{id, text | html, url, published}`` objects, or single files, mixed freely.
Each input gets a stable id: the file stem, the JSONL ``id``, else
``<jsonl stem>:<line number>``.

The format follows ``out``'s suffix (``.jsonl``, ``.csv``, ``.parquet``,
``.db``/``.sqlite``); a ``fmt`` that disagrees with it, or a suffix briefx does
not write, is a ``UsageError`` before anything runs. Files written next to
``out``, named from its whole name so that two outputs never share state
(``results.jsonl`` -> ``results.errors.jsonl``; ``results.csv`` ->
``results.csv.jsonl``, ``results.csv.errors.jsonl``, ...):

- the records, one JSON object per line (a ``BatchRecord``: the record plus
  ``id`` and ``event_id``), appended and flushed line by line while the batch
  runs, then rewritten in input order when it ends; for a table format they
  live in ``<out>.jsonl`` and the table is written from them at the end (see
  ``briefx._outputs``);
- ``<base>.errors.jsonl``: one line per failed input (``id``, ``error``,
  ``message``, ``hint``, ``attempts``, ``usage``);
- ``<base>.events.jsonl``: one line per meeting (see ``briefx._events``).

A rerun with the same arguments skips every id already in the records or
errors file; a half-written last line from a killed run is cut off and that
input is done again.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import csv
import gc
import hashlib
import importlib.util
import json
import logging
import os
import socket
import stat
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, Protocol, cast

from pydantic import BaseModel, ValidationError

from briefx._errors import (
    BriefxError,
    ExtractionError,
    InputError,
    ServerUnreachable,
    UsageError,
    redact,
)
from briefx._events import _event, _event_id, group_indices
from briefx._models import COVERAGE_FIELDS, MeetingSummary
from briefx._outputs import columns, csv_rows, write_parquet, write_sqlite
from briefx._settings import Settings

log = logging.getLogger("briefx")

Format = Literal["jsonl", "csv", "parquet", "sqlite"]
# The output's suffix names its format; the first suffix of each is the usual one.
SUFFIX_FORMATS: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".db": "sqlite",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
}
FORMATS: tuple[str, ...] = tuple(dict.fromkeys(SUFFIX_FORMATS.values()))
# Optional libraries each table format needs, and the extra that installs them.
_FORMAT_NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "parquet": (("pyarrow",), "parquet"),
    "sqlite": (("sqlite_utils",), "sqlite"),
}
TEXT_SUFFIXES = frozenset({".txt", ".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FSYNC_INTERVAL = 1.0
# Inputs that fail to connect, with none getting through, before a batch stops.
BREAKER_THRESHOLD = 3
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

    def load(self, max_bytes: int | None = None) -> str:
        """The article's text; raises ``InputError`` if it cannot be read.

        ``max_bytes`` refuses a larger file before reading it.
        """
        if self.error is not None:
            raise self.error
        if self.text is not None:
            return self.text
        return _read_text(Path(self.path), self.id, max_bytes)


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
    # This run's records: how many have each field, and their warnings by code.
    filled: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
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
        if self.records:
            have = ", ".join(f"{name} {self.filled[name]}" for name in COVERAGE_FIELDS)
            rows.append((f"records with (of {self.records})", have))
            codes = ", ".join(f"{c} {n}" for c, n in sorted(self.warnings.items())) or "none"
            rows.append(("warnings by code", codes))
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


@dataclass(frozen=True)
class _Paths:
    output: Path
    records: Path
    errors: Path
    events: Path
    rejected: Path
    fmt: Format

    @property
    def run(self) -> Path:
        """What the records were made with (``fingerprint``), beside the records."""
        return self.records.with_name(self.records.name + ".run.json")


# --- inputs -------------------------------------------------------------------


def collect_inputs(inputs: Sequence[str | Path], *, skip: Sequence[Path] = ()) -> list[BatchItem]:
    """Expand folders and JSONL files into items with unique ids, in a stable order.

    Raises ``InputError`` before anything runs when a path that names a folder
    does not exist; a missing or unreadable file becomes an item that fails.
    Files in ``skip`` (the batch's own outputs) are never taken as inputs.
    """
    paths = [Path(p) for p in inputs]
    if not paths:
        raise UsageError("no inputs given", hint="pass folders, .txt/.html files or .jsonl files")
    for path in paths:
        if not path.exists() and (not path.suffix or str(path).endswith(os.sep)):
            raise InputError(
                f"input folder {str(path)!r} does not exist", hint="check the path and try again"
            )
    own = {_resolved(p) for p in skip}
    items = [item for path in paths for item in _expand(path, own)]
    return _unique_ids(items)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return path.absolute()


def _expand(path: Path, own: set[Path]) -> Iterator[BatchItem]:
    if path.is_dir():
        yield from _folder_items(path, own)
    elif path.suffix.lower() in JSONL_SUFFIXES:
        yield from _jsonl_items(path)
    else:
        yield _file_item(path)


def _folder_items(folder: Path, own: set[Path]) -> Iterator[BatchItem]:
    subfolders: list[str] = []
    for child in sorted(folder.iterdir()):
        suffix = child.suffix.lower()
        if child.is_dir():
            subfolders.append(child.name)
        elif suffix not in TEXT_SUFFIXES | JSONL_SUFFIXES or _resolved(child) in own:
            continue
        elif suffix in JSONL_SUFFIXES:
            yield from _jsonl_items(child)
        else:
            # Not only regular files: a symlink loop or a FIFO named *.txt fails
            # with its reason instead of vanishing from the batch.
            yield _file_item(child)
    if subfolders:
        log.warning(
            "%s: not reading %d subfolder(s) (%s); pass them as inputs to include them",
            folder,
            len(subfolders),
            ", ".join(subfolders[:5]) + (", ..." if len(subfolders) > 5 else ""),
        )


def file_id(path: Path) -> str:
    """An id that depends on the file alone, so it is the same on every rerun.

    A ``.txt`` file is named by its stem (what gold files and most users
    expect); any other kind keeps its suffix, so ``report.txt`` and
    ``report.html`` side by side never share an id.
    """
    return path.stem if path.suffix.lower() == ".txt" else path.name


def _file_item(path: Path) -> BatchItem:
    html = True if path.suffix.lower() in _HTML_SUFFIXES else None
    return BatchItem(id=file_id(path), path=str(path), html=html)


def _jsonl_items(path: Path) -> Iterator[BatchItem]:
    try:
        data = _read_bytes(path, None)
    except OSError as exc:
        yield BatchItem(path.stem, str(path), error=_unreadable(path, path.stem, exc))
        return
    except InputError as exc:
        exc.with_input(path.stem)
        yield BatchItem(path.stem, str(path), error=exc)
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
    # Two inputs with one id would make a rerun skip the second: number the repeats,
    # never with a number that another input already has as its own id.
    explicit = {item.id for item in items}
    claimed: set[str] = set()
    unique: list[BatchItem] = []
    for item in items:
        if item.id in claimed:
            count = 2
            while f"{item.id}~{count}" in claimed or f"{item.id}~{count}" in explicit:
                count += 1
            new_id = f"{item.id}~{count}"
            log.warning("input id %r is used twice (%s); calling it %r", item.id, item.path, new_id)
            item = BatchItem(
                new_id, item.path, item.text, item.html, item.url, item.published, item.error
            )
        claimed.add(item.id)
        unique.append(item)
    return unique


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    """A regular file's bytes, refusing FIFOs and devices (they hang or never end)
    and, with ``max_bytes``, a file too large before reading any of it."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise block forever.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                f"{path} is not a regular file", hint="pass article files, not pipes or devices"
            )
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputError(
                f"{path} is {info.st_size:,} bytes, over the limit of {max_bytes:,}",
                hint="raise BRIEFX_MAX_INPUT_CHARS or split the file",
            )
        # A file that grows while it is read stops at the limit too.
        data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(f"{path} grew over the limit of {max_bytes:,} bytes while read")
    return data


def _read_text(path: Path, item_id: str, max_bytes: int | None = None) -> str:
    try:
        data = _read_bytes(path, max_bytes)
    except OSError as exc:
        raise _unreadable(path, item_id, exc) from exc
    except InputError as exc:
        raise exc.with_input(item_id) from None
    return decode_text(data, str(path), item_id)


# Longest first: a UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, where: str, item_id: str | None = None) -> str:
    """Text from bytes: the encoding its byte-order mark names, else UTF-8."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        raise InputError(
            f"{where} looks like a binary file, not text (it has NUL bytes)",
            input_id=item_id,
            hint="pass .txt or .html articles; convert other documents to text first",
        )
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where} is not {encoding or 'UTF-8'} text (bad byte at offset {exc.start})",
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
    chosen = output_format(out, fmt)
    needs, extra = _FORMAT_NEEDS.get(chosen, ((), ""))
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(
            f"{chosen} output needs {' and '.join(missing)}", hint=f"pip install 'briefx[{extra}]'"
        )
    records, errors, events = side_paths(out)
    base = _side_base(out)
    return _Paths(
        output=out,
        records=records,
        errors=Path(errors_path) if errors_path else errors,
        events=events,
        rejected=base.with_name(base.name + ".rejected.jsonl"),
        fmt=chosen,
    )


def output_format(out: Path, fmt: str | None = None) -> Format:
    """The format ``out`` is written in: its suffix's; ``fmt`` may only confirm it.

    A ``.csv`` holding Parquet bytes, or JSONL in ``z.xlsx``, would mislead
    every program that opens it, so a mismatch is refused before anything runs.
    """
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown output format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    suffix = Path(out).suffix.lower()
    implied = SUFFIX_FORMATS.get(suffix)
    usual = {f: next(s for s, g in SUFFIX_FORMATS.items() if g == f) for f in FORMATS}
    if implied is None:
        wanted = fmt or "jsonl"
        raise UsageError(
            f"cannot write {Path(out).name!r}: briefx writes "
            + ", ".join(f"{f} ({s})" for f, s in usual.items()),
            hint=f"name the output {Path(out).with_suffix(usual[wanted]).name}",
        )
    if fmt is not None and fmt != implied:
        raise UsageError(
            f"output {Path(out).name} is named as {implied} but the format asked for is {fmt}",
            hint=f"name it {Path(out).with_suffix(usual[fmt]).name}, or leave out the format",
        )
    return implied


def _side_base(out: Path) -> Path:
    """What the errors and events files are named from: ``r.jsonl`` -> ``r``, any other
    output by its whole name (``r.csv``), so no two outputs share one."""
    return out.with_suffix("") if out.suffix.lower() == ".jsonl" else out


def side_paths(out: Path | str) -> tuple[Path, Path, Path]:
    """The records, errors and events files of batch output ``out`` (default names)."""
    out = Path(out)
    records = out if output_format(out) == "jsonl" else out.with_name(out.name + ".jsonl")
    base = _side_base(out)
    errors, events = (base.with_name(base.name + end) for end in (".errors.jsonl", ".events.jsonl"))
    return records, errors, events


def _cut_partial_line(path: Path) -> None:
    """A partial last line (killed writer) is cut off, so the input is done again."""
    with path.open("r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return
        # Walk back to the last newline, a block at a time.
        end = size
        while end > 0:
            start = max(0, end - 65536)
            fh.seek(start)
            found = fh.read(end - start).rfind(b"\n")
            if found >= 0:
                cut = start + found + 1
                break
            end = start
        else:
            cut = 0
        log.warning("%s ends in a partial line from an interrupted run; removing it", path)
        fh.truncate(cut)


def _iter_lines(path: Path) -> Iterator[tuple[bytes, dict[str, Any] | None]]:
    """Each complete line and its JSON object (None if it is not an object with an id)."""
    for _offset, raw, obj in _iter_offsets(path):
        yield raw, obj


def _iter_offsets(path: Path) -> Iterator[tuple[int, bytes, dict[str, Any] | None]]:
    """As :func:`_iter_lines`, with each line's byte offset, to read it again by seeking."""
    if not path.exists():
        return
    _cut_partial_line(path)
    offset = 0
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except ValueError:
                log.warning("%s:%d is not JSON; ignoring it", path, number)
                obj = None
            ok = isinstance(obj, dict) and isinstance(obj.get("id"), str)
            yield start, raw, obj if ok else None


def _read_lines(path: Path) -> list[dict[str, Any]]:
    """The file's complete JSON lines (used for the errors file, which stays small)."""
    return [obj for _, obj in _iter_lines(path) if obj is not None]


def _reject_bad_records(paths: _Paths) -> set[str]:
    """Ids of the valid record lines; lines that are not records move to ``rejected``.

    An older schema's line, or anything else written there, would otherwise
    fail the end of every rerun, and its input would count as done.
    """
    done: set[str] = set()
    bad = 0
    for _raw, obj in _iter_lines(paths.records):
        if obj is not None and _to_record(obj) is not None:
            done.add(obj["id"])
        else:
            bad += 1
    if bad:
        log.warning(
            "%s: %d line(s) are not valid records; moving them to %s and redoing their inputs",
            paths.records,
            bad,
            paths.rejected,
        )
        _split_records(paths)
    return done


def _split_records(paths: _Paths) -> None:
    tmp = paths.records.with_name(paths.records.name + ".tmp")
    with tmp.open("wb") as good, paths.rejected.open("ab") as rejected:
        for raw, obj in _iter_lines(paths.records):
            valid = obj is not None and _to_record(obj) is not None
            line = raw if raw.endswith(b"\n") else raw + b"\n"
            (good if valid else rejected).write(line)
        good.flush()
        os.fsync(good.fileno())
    os.replace(tmp, paths.records)


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


class OutputLock:
    """One batch at a time per output: an OS lock on ``<records>.lock``, naming its holder.

    The kernel drops the lock when its process dies, however it dies, so a
    killed batch never leaves a stale lock behind; the file itself stays (to
    delete it would let a third batch lock a new file while a second waits
    on the old one).
    """

    def __init__(self, records: Path) -> None:
        self.path = records.with_name(records.name + ".lock")
        self.records = records
        self._fh: IO[str] | None = None

    def acquire(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        if not _try_lock(fh):
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise UsageError(
                f"{self.records} is being written by another briefx batch ({holder})",
                hint="wait for that batch to finish, or write to another -o",
            )
        fh.seek(0)
        fh.truncate()
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}, started {started}\n")
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is None:
            return
        self._fh.truncate(0)
        self._fh.close()  # closing drops the lock
        self._fh = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_lock(fh: IO[str]) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


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


def batch(
    inputs: str | Path | Sequence[str | Path],
    out: str | Path,
    *,
    settings: Settings | None = None,
    fmt: Format | None = None,
    errors_path: str | Path | None = None,
    retry_errors: bool = False,
    progress: bool = True,
    extractor: AsyncExtractor | None = None,
) -> BatchSummary:
    """Extract many articles into ``out``, as ``briefx batch`` does; returns what happened.

    ``inputs`` is one path or several: folders of ``.txt``/``.html`` files,
    JSONL files of ``{id, text | html, url, published}`` objects, or single
    articles. ``out``'s suffix picks the format (``.jsonl``, ``.csv``,
    ``.parquet``, ``.db``); ``fmt`` may only confirm it. Calling it again with
    the same arguments resumes: inputs already done are skipped, and
    ``retry_errors=True`` redoes the ones that failed.

    Read the results back with :func:`briefx.read_records` and
    :func:`briefx.read_events` (``summary.records_jsonl``, ``summary.events_path``).
    A failed input does not raise: it is counted in ``summary.errors`` and has
    its line in ``summary.errors_path``. ``UsageError`` (bad arguments, an
    output another batch is writing) and ``ServerUnreachable`` (no model server)
    do raise. Works inside a running event loop (Jupyter).

    >>> summary = briefx.batch("articles/", "results.jsonl")  # doctest: +SKIP
    >>> summary.records, summary.failed  # doctest: +SKIP
    (14, 0)
    """
    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    return run_batch(
        paths,
        out,
        settings=settings,
        fmt=fmt,
        errors_path=errors_path,
        extractor=extractor,
        progress=progress,
        retry_errors=retry_errors,
    )


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
    paths, items = open_job(inputs, out, fmt, errors_path)
    settings = settings or getattr(extractor, "settings", None) or Settings()
    with locked_job(paths, items, retry_errors, settings) as (todo, summary):
        if todo:
            await _extract_all(todo, paths, settings, extractor, summary, progress)
    summary.wall_seconds = time.perf_counter() - started
    return summary


def open_job(
    inputs: Sequence[str | Path], out: Path | str, fmt: str | None, errors_path: Path | str | None
) -> tuple[_Paths, list[BatchItem]]:
    """The output files and the inputs of a batch, every usage error raised before any work."""
    paths = _plan(Path(out), fmt, Path(errors_path) if errors_path else None)
    own = [paths.output, paths.records, paths.errors, paths.events]
    _refuse_output_over_input(inputs, own)
    items = collect_inputs(inputs, skip=own)
    if not items:
        log.warning("no .txt, .html or .jsonl inputs found in %s", ", ".join(map(str, inputs)))
    _make_parents(paths)
    return paths, items


@contextlib.contextmanager
def locked_job(
    paths: _Paths, items: list[BatchItem], retry_errors: bool, settings: Settings
) -> Iterator[tuple[list[BatchItem], BatchSummary]]:
    """Holds the output's lock; yields the inputs still to do; groups and writes at the end.

    The body writes outcomes (``OutcomeWriter``); whatever engine runs it, a
    rerun skips what is done because resume and finishing happen only here.
    """
    from briefx._extract import fingerprint  # lazily: reading records needs no model client

    with OutputLock(paths.records):
        _set_stale_aside(paths, fingerprint(settings))
        todo, summary = _resume(items, paths, retry_errors)
        order = [item.id for item in items]
        try:
            yield todo, summary
        except ServerUnreachable:
            _finish(paths, summary, order)  # what did get done is grouped and written
            raise
        _finish(paths, summary, order)


def _set_stale_aside(paths: _Paths, current: dict[str, str]) -> None:
    """A rerun skips only what the same model, prompts and schema made.

    Records and errors written under another fingerprint are moved aside
    (``records.stale-<tag>.jsonl``, kept, never deleted) and their inputs done
    again; outputs from before briefx wrote a fingerprint count as the same.
    """
    try:
        before = json.loads(paths.run.read_text(encoding="utf-8"))
    except FileNotFoundError:
        before = current
    except (OSError, ValueError):
        before = {}
    if before != current:
        tag = hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()[:8]
        for path in (paths.records, paths.errors):
            if path.exists():
                stale = path.with_name(f"{path.stem}.stale-{tag}{path.suffix}")
                path.replace(stale)
                log.warning(
                    "%s was made with %s, not %s: moved to %s; its inputs are done again",
                    path, before, current, stale,
                )  # fmt: skip
    _write_atomic(paths.run, [_dumps(current)])


def _refuse_output_over_input(inputs: Sequence[str | Path], outputs: list[Path]) -> None:
    given = {_resolved(Path(p)): str(p) for p in inputs}
    for path in outputs:
        if _resolved(path) in given:
            raise UsageError(
                f"output {path} is also an input ({given[_resolved(path)]})",
                hint="write the results to another file with -o",
            )


def _make_parents(paths: _Paths) -> None:
    for path in (paths.output, paths.records, paths.errors, paths.events):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                f"cannot create the folder for {path}: {exc.strerror or exc}",
                hint="choose an -o path in a folder you can write to",
            ) from exc
        if path.is_dir():
            raise UsageError(f"output {path} is a folder", hint="give -o a file name")
        if not os.access(path.parent, os.W_OK):
            raise UsageError(
                f"cannot write to {path.parent}",
                hint="choose an -o path in a folder you can write to",
            )


def _resume(
    items: list[BatchItem], paths: _Paths, retry_errors: bool
) -> tuple[list[BatchItem], BatchSummary]:
    done = _reject_bad_records(paths)
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
    writer = OutcomeWriter(paths, summary, len(todo), progress)
    queue = iter(todo)
    limits = _Limits(settings)

    async def worker() -> None:
        if extractor is None:  # narrowed above; closures lose the narrowing
            raise AssertionError("no extractor")
        for item in queue:
            if writer.stopped:
                return
            writer.write(await _process(item, extractor, limits))

    try:
        width = article_width(extractor, settings)
        with _older_objects_frozen():
            await asyncio.gather(*(worker() for _ in range(min(width, len(todo)))))
        writer.settle()
    finally:
        writer.close()
        if own:
            await _close(extractor)


def article_width(extractor: AsyncExtractor, settings: Settings) -> int:
    """How many articles one event loop works on at once."""
    from briefx._extract import Extractor

    # briefx's Extractor bounds its own model calls to the backend's limit;
    # twice as many articles keep its rules and the writing busy while that
    # many are with the model. Any other extractor gets `concurrency` at once.
    if isinstance(extractor, Extractor):
        return 2 * extractor.settings.workers()
    return settings.concurrency


class OutcomeWriter:
    """The one place outcomes become lines: a record line or an error line each, counted.

    Outcomes pass the connection breaker first (see ``_Breaker``); both the
    local batch and the Ray driver (``briefx.ray``) write through this.
    """

    def __init__(self, paths: _Paths, summary: BatchSummary, total: int, progress: bool) -> None:
        self.summary = summary
        self._records, self._errors = _LineSink(paths.records), _LineSink(paths.errors)
        self._bar = _progress_bar(total, progress)
        self._breaker = _Breaker(min(BREAKER_THRESHOLD, total))

    @property
    def stopped(self) -> bool:
        """True once the breaker tripped: take no more inputs."""
        return self._breaker.tripped is not None

    def write(self, outcome: _Outcome) -> None:
        for line, ok in self._breaker.admit(outcome):
            (self._records if ok else self._errors).write(line)
            _count(self.summary, line, ok)
            _tick(self._bar, self.summary)

    def settle(self) -> None:
        """At the end: raise ``ServerUnreachable`` if the server was never reached."""
        self._breaker.settle()

    def close(self) -> None:
        self._records.close()
        self._errors.close()
        if self._bar is not None:
            self._bar.close()


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


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    secret: str | None

    def __init__(self, settings: Settings) -> None:
        # UTF-8 takes at most 4 bytes a character (+4 for a byte-order mark).
        object.__setattr__(self, "max_bytes", 4 * settings.max_input_chars + 4)
        key = settings.api_key
        object.__setattr__(self, "secret", key.get_secret_value() if key else None)


@dataclass(frozen=True)
class _Outcome:
    line: dict[str, Any]
    ok: bool
    unreachable: ServerUnreachable | None = None
    reached_model: bool = True


class _Breaker:
    """Stops a batch whose first inputs all fail to connect, and keeps them resumable.

    Until an input gets through (or fails for another reason at the server),
    failures to connect are held back, not written: if ``threshold`` of them
    pile up, the batch stops with no error line for them, so a rerun does them.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = max(1, threshold)
        self.held: list[dict[str, Any]] = []
        self.server_seen = False
        self.tripped: ServerUnreachable | None = None

    def admit(self, outcome: _Outcome) -> list[tuple[dict[str, Any], bool]]:
        if outcome.unreachable is None:
            if self.server_seen or not outcome.reached_model:
                return [(outcome.line, outcome.ok)]
            self.server_seen = True
            released, self.held = self.held, []
            return [*((line, False) for line in released), (outcome.line, outcome.ok)]
        if self.server_seen:
            return [(outcome.line, False)]
        if self.tripped is None:
            self.held.append(outcome.line)
            if len(self.held) >= self.threshold:
                self.tripped = outcome.unreachable
        return []

    def settle(self) -> None:
        """At the end: raise if the server was never reached (nothing held is written)."""
        if self.tripped is None and self.held and not self.server_seen:
            self.tripped = ServerUnreachable(self.held[-1]["message"])
        if self.tripped is not None:
            raise ServerUnreachable(
                f"{self.tripped.message}; stopped the batch after {len(self.held)} input(s)"
                " failed to connect, and wrote no error line for them",
                hint="start the model server (or fix BRIEFX_BASE_URL), then rerun the same"
                " command to resume",
            )


async def _process(item: BatchItem, extractor: AsyncExtractor, limits: _Limits) -> _Outcome:
    try:
        # Off the event loop: one slow disk or network file must not stall every article.
        source = await asyncio.to_thread(item.load, limits.max_bytes)
    except BriefxError as exc:
        return input_failed(item, exc, limits)
    except Exception as exc:  # a bug reading one input must not take the others down
        log.exception("unexpected error reading %s", item.id)
        return _Outcome(_error_line(item, exc, limits), False, None, False)
    try:
        record = await extractor.aextract(
            source, source_id=item.id, published=item.published, url=item.url, html=item.html
        )
    except ServerUnreachable as exc:
        return _Outcome(_error_line(item, exc.with_input(item.id), limits), False, exc)
    except BriefxError as exc:
        reached = not isinstance(exc, UsageError)
        line = _error_line(item, exc.with_input(item.id), limits)
        return _Outcome(line, False, None, reached)
    except Exception as exc:
        # A bug or an unexpected library error must not take the other inputs down.
        log.exception("unexpected error extracting %s", item.id)
        return _Outcome(_error_line(item, exc, limits), False)
    if record.source.id != item.id:
        record = record.model_copy(
            update={"source": record.source.model_copy(update={"id": item.id})}
        )
    return _Outcome({"id": item.id, **record.model_dump(mode="json")}, True)


def input_failed(item: BatchItem, exc: BriefxError, limits: _Limits) -> _Outcome:
    """The outcome of an input that could not be read: it never reached the model."""
    return _Outcome(_error_line(item, exc.with_input(item.id), limits), False, None, False)


def _error_line(item: BatchItem, exc: BaseException, limits: _Limits) -> dict[str, Any]:
    usage = getattr(exc, "usage", None)
    if isinstance(usage, BaseModel):
        usage = usage.model_dump(mode="json")
    hint = getattr(exc, "hint", None)
    return {
        "id": item.id,
        "input": item.path,
        "error": type(exc).__name__,
        # A server may echo the key in its error body: never write it out.
        "message": redact(str(getattr(exc, "message", exc)), limits.secret),
        "hint": redact(hint, limits.secret) if isinstance(hint, str) else hint,
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
    summary.filled.update(name for name in COVERAGE_FIELDS if line.get(name))
    summary.warnings.update(
        w.get("code", "note") if isinstance(w, dict) else "note" for w in line.get("warnings") or []
    )


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


def _finish(paths: _Paths, summary: BatchSummary, order: Sequence[str] = ()) -> None:
    """Group events, stamp ``event_id`` on every record line, write events and the table.

    Two passes over the records file, one line at a time: the first keeps only
    what grouping needs and where each line starts, the second rewrites the
    lines in input order (``order``: ids no input names now go last, as found)
    and holds a record only until the rest of its event has been read.
    Memory does not grow with the batch's records, only with their count.
    """
    rank = {item_id: n for n, item_id in enumerate(order)}
    slim: list[tuple[str, MeetingSummary]] = []
    where: list[tuple[int, int, int]] = []  # (input rank, file rank, offset)
    for offset, line, record in _record_offsets(paths.records):
        where.append((rank.get(line["id"], len(rank)), len(where), offset))
        slim.append((line["id"], _slim(record)))
    event_of, size_of = _group(slim)
    del slim
    where.sort()
    pending: dict[str, list[tuple[str, MeetingSummary]]] = {}
    tmp = paths.records.with_name(paths.records.name + ".tmp")
    events = 0
    with (
        tmp.open("w", encoding="utf-8", newline="\n") as out,
        paths.events.with_name(paths.events.name + ".tmp").open(
            "w", encoding="utf-8", newline="\n"
        ) as events_out,
    ):
        for line, record in _lines_at(paths.records, [offset for *_, offset in where]):
            event_id = event_of[line["id"]]
            line["event_id"] = event_id
            out.write(_dumps(line))
            members = pending.setdefault(event_id, [])
            members.append((line["id"], record))
            if len(members) == size_of[event_id]:
                del pending[event_id]
                ids = [source for source, _ in members]
                event = _event([r for _, r in members], ids)
                events_out.write(_dumps(event.to_json()))
                events += 1
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, paths.records)
    os.replace(paths.events.with_name(paths.events.name + ".tmp"), paths.events)
    summary.events = events
    _write_table(paths)


def _record_offsets(path: Path) -> Iterator[tuple[int, dict[str, Any], MeetingSummary]]:
    """The records file's record lines with their offsets, one at a time."""
    for offset, _raw, obj in _iter_offsets(path):
        record = _to_record(obj) if obj is not None else None
        if obj is not None and record is not None:
            yield offset, obj, record


def _lines_at(path: Path, offsets: list[int]) -> Iterator[tuple[dict[str, Any], MeetingSummary]]:
    """The record lines starting at ``offsets``, in that order (all checked by the first pass)."""
    if not offsets:  # the file may not even exist: a batch of no inputs
        return
    with path.open("rb") as fh:
        for offset in offsets:
            fh.seek(offset)
            line = json.loads(fh.readline())
            record = _to_record(line)
            if record is None:  # the first pass validated it; the file changed under us
                raise AssertionError(f"{path} changed while the batch finished")
            yield line, record


@dataclass(frozen=True, slots=True)
class _Slim:
    """Only the fields that decide grouping and the event id (a whole record is ~3 kB)."""

    is_meeting: bool
    meeting_date: str | None
    region: Any
    participants: tuple[Any, ...]


def _slim(record: MeetingSummary) -> MeetingSummary:
    slim = _Slim(record.is_meeting, record.meeting_date, record.region, tuple(record.participants))
    return cast(MeetingSummary, slim)  # duck-typed: grouping reads these four fields only


def _group(slim: list[tuple[str, MeetingSummary]]) -> tuple[dict[str, str], dict[str, int]]:
    """Each record's event id and each event's size, as ``group_events`` would give them."""
    records = [record for _, record in slim]
    ids = [source for source, _ in slim]
    event_of: dict[str, str] = {}
    size_of: dict[str, int] = {}
    for members in group_indices(records):
        first = min(members, key=lambda i: (records[i].meeting_date or "9999", ids[i]))
        event_id = _event_id(records[first], ids[first])
        size_of[event_id] = len(members)
        event_of.update((ids[i], event_id) for i in members)
    return event_of, size_of


def _to_record(line: dict[str, Any]) -> MeetingSummary | None:
    body = {key: value for key, value in line.items() if key not in _LINE_KEYS}
    try:
        record = MeetingSummary.model_validate(body)
    except ValidationError:
        return None
    if record.source.id != line["id"]:
        record.source = record.source.model_copy(update={"id": line["id"]})
    return record


# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _lines_of(path: Path) -> Iterator[dict[str, Any]]:
    for _, obj in _iter_lines(path):
        if obj is not None:
            yield obj


def _write_table(paths: _Paths) -> None:
    """The table output, written whole from the finished records file (in input order)."""
    if paths.fmt == "csv":
        _write_csv(paths.output, paths.records)
    elif paths.fmt == "parquet":
        write_parquet(paths.output, _lines_of(paths.records))
    elif paths.fmt == "sqlite":
        write_sqlite(paths.output, _lines_of(paths.records), _lines_of_events(paths.events))


def _lines_of_events(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open("rb") as fh:
        for raw in fh:
            if raw.strip():
                yield json.loads(raw)


def _write_csv(path: Path, records: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[col.name for col in columns()])
        writer.writeheader()
        for row in csv_rows(_lines_of(records)):
            writer.writerow({key: _safe_cell(value) for key, value in row.items()})
    os.replace(tmp, path)
