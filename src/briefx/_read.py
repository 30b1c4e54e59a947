"""Reading a batch's results back as typed objects.

>>> records = briefx.read_records("results.jsonl")  # doctest: +SKIP
>>> events = briefx.read_events("results.jsonl")  # doctest: +SKIP

Both take the records or events file itself, or the ``-o`` path the batch was
given (``results.csv`` finds ``results.csv.jsonl`` and
``results.csv.events.jsonl``). A line that is not a valid record is an error
naming the file and line: the reader never guesses. Only a last line without
its newline (a batch still writing, or killed mid-line) is left out, with a
warning; rerunning the batch redoes that input.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefx._batch import side_paths
from briefx._errors import InputError, UsageError
from briefx._models import BatchRecord, MeetingSummary

log = logging.getLogger("briefx")
M = TypeVar("M", bound=BaseModel)


class BatchEvent(BaseModel):
    """One line of a batch's events file: a meeting, the records reporting it, and a
    merged view (the first record's scalars, the union of their lists)."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(description="The event_id its records carry")
    sources: list[str] = Field(description="Ids of the records that report this meeting")
    merged: MeetingSummary = Field(description="One view of the meeting; source.id is event_id")


def read_records(path: str | Path) -> list[BatchRecord]:
    """The records of a batch, in input order, each with its ``id`` and ``event_id``."""
    return list(_read(_records_file(Path(path)), BatchRecord))


def read_events(path: str | Path) -> list[BatchEvent]:
    """The events (meetings) of a batch, each naming the records that report it."""
    return list(_read(_events_file(Path(path)), BatchEvent))


def _records_file(path: Path) -> Path:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return path
    return _batch_file(path, 0)


def _events_file(path: Path) -> Path:
    if path.name.lower().endswith(".events.jsonl"):
        return path
    return _batch_file(path, 2)


def _batch_file(out: Path, which: int) -> Path:
    try:
        return side_paths(out)[which]
    except UsageError as exc:
        raise InputError(
            f"cannot tell which results file {out} is",
            hint="pass the records .jsonl, the .events.jsonl, or the batch's -o path",
        ) from exc


def _read(path: Path, model: type[M]) -> Iterator[M]:
    for number, raw, last in _lines(path):
        if not raw.strip():
            continue
        if last and not raw.endswith(b"\n") and not _parses(raw):
            log.warning("%s:%d is a partial line (batch running or killed); left out", path, number)
            return
        try:
            yield model.model_validate_json(raw)
        except ValidationError as exc:
            raise InputError(
                f"{path}:{number} is not a valid {model.__name__}: {_first_problem(exc)}",
                hint="is it a briefx results file? an older one? rerun the batch to rewrite it",
            ) from None


def _lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """Each line with its number and whether it is the file's last."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror or exc}", hint="check the path"
        ) from exc
    with fh:
        previous: bytes | None = None
        number = 0
        for number, raw in enumerate(fh, start=1):
            if previous is not None:
                yield number - 1, previous, False
            previous = raw
        if previous is not None:
            yield number, previous, True


def _parses(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True


def _first_problem(exc: ValidationError) -> str:
    error: dict[str, Any] = dict(exc.errors()[0])
    where = ".".join(map(str, error.get("loc", ()))) or "line"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {error.get('msg', '')}{more}"
