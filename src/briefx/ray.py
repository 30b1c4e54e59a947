"""Archive-scale batches on Ray Data: the local batch's job, extracted by a pool of actors.

Ray schedules; briefx does not. Each actor holds one ``Extractor`` (and its
client to the shared OpenAI-compatible server); ``Dataset.map_batches`` feeds
it batches of rows. The driver keeps everything else of the local batch:
inputs and ids (``collect_inputs``), resume (``locked_job``: ids already in
the records or errors file never enter the dataset), the output lock, and
the writing (``OutcomeWriter``), so the files, columns and events are the
local batch's own. Only the driver writes, once per id.

Use it from the command line (``briefx batch IN -o out.parquet --engine ray``),
as :func:`batch`, or with your own dataset::

    import ray
    from briefx.ray import Extract

    rows = ray.data.read_json("archive/")  # {id, text | html, url, published}
    pool = ray.data.ActorPoolStrategy(size=4)
    out = rows.map_batches(Extract, fn_constructor_kwargs={"base_url": URL}, compute=pool)

Input rows: ``id`` and one of ``text``, ``html`` (the page) or ``path`` (a
``.txt``/``.html`` file every node can read); ``url`` and ``published``
optional. Output rows (``OUTPUT_COLUMNS``): ``id``; ``kind``, ``"record"`` or
``"error"``; ``line``, the JSON line the local batch writes to the records or
the errors file; ``unreachable`` and ``reached_model``, what the driver's
connection breaker needs. No row is ever dropped: any failure of one input is
that input's error row, in the local batch's error shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import math
import time
from collections.abc import Generator, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from briefx._batch import (
    BatchItem,
    BatchSummary,
    OutcomeWriter,
    _close,
    _file_item,
    _Limits,
    _Outcome,
    _Paths,
    _process,
    article_width,
    input_failed,
    locked_job,
    open_job,
)
from briefx._errors import BriefxError, ExtractionError, InputError, ServerUnreachable, UsageError
from briefx._settings import Settings

__all__ = ["INPUT_COLUMNS", "OUTPUT_COLUMNS", "Extract", "batch", "require_ray"]

log = logging.getLogger("briefx")

INPUT_COLUMNS = ("id", "text", "html", "url", "published", "path")
OUTPUT_COLUMNS = ("id", "kind", "line", "unreachable", "reached_model")
# Rows per actor call: enough to keep an actor's model calls busy (twice its
# concurrency by default), few enough that a retried call redoes little.
DEFAULT_BATCH_SIZE = 16


def require_ray() -> ModuleType:
    """The ``ray`` module with Ray Data, or a ``UsageError`` saying how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise UsageError(
            f"the Ray engine needs ray[data] ({exc})", hint="pip install 'briefx[ray]'"
        ) from exc
    return ray


# --- the actor --------------------------------------------------------------------


class Extract:
    """A callable class for ``Dataset.map_batches``: one ``Extractor`` per actor.

    ``settings`` are ``Settings`` fields (``base_url``, ``model``, ``cache_dir``,
    ...); fields not given come from the actor's own ``BRIEFX_*`` environment
    and defaults, so an unset ``cache_dir`` is each node's own cache.
    """

    def __init__(self, **settings: Any) -> None:
        from briefx._extract import Extractor

        # Ray is the parallelism: rule processes inside every actor would only
        # compete with the other actors for the same cores.
        settings.setdefault("processes", 0)
        self.settings = Settings(**settings)
        self._limits = _Limits(self.settings)
        self._extractor = Extractor(self.settings)
        # One loop for the actor's life: the async client and its pool belong to it.
        self._loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        # Ray Data drops the actor's instance when the pool shuts down gracefully:
        # close the model client inside the loop that opened it. Best effort: at
        # interpreter exit the loop's machinery may be gone already.
        with contextlib.suppress(Exception):
            self.close()

    def close(self) -> None:
        """Closes the extractor (client, cache, rule workers) and the actor's loop."""
        loop = getattr(self, "_loop", None)  # __init__ may have failed before it
        if loop is None or loop.is_closed():
            return
        loop.run_until_complete(_close(self._extractor))
        loop.close()

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, list[Any]]:
        items = batch_items(batch)
        outcomes = self._loop.run_until_complete(self._extract(items))
        return outcome_columns(items, outcomes)

    async def _extract(self, items: list[BatchItem]) -> list[_Outcome]:
        slots = asyncio.Semaphore(article_width(self._extractor, self.settings))

        async def one(item: BatchItem) -> _Outcome:
            async with slots:
                return await _process(item, self._extractor, self._limits)

        return list(await asyncio.gather(*(one(item) for item in items)))


def batch_items(batch: Mapping[str, Any]) -> list[BatchItem]:
    """The batch's rows as the local batch's items, one each (a bad row fails as its own)."""
    size = len(next(iter(batch.values()), []))
    return [row_item({name: column[n] for name, column in batch.items()}) for n in range(size)]


def row_item(row: Mapping[str, Any]) -> BatchItem:
    """One ``{id, text | html | path, url, published}`` row as a ``BatchItem``."""
    item_id = _cell(row.get("id")) or ""
    path, url, published = (_cell(row.get(name)) for name in ("path", "url", "published"))
    html, text = _cell(row.get("html")), _cell(row.get("text"))
    where = path or item_id
    if html is not None or text is not None:
        body, is_html = (html, True) if html is not None else (text, None)
        return BatchItem(item_id, where, body, is_html, url, published)
    if path is not None:  # read by the actor, as the local batch reads its files
        return dataclasses.replace(_file_item(Path(path)), id=item_id or path)
    problem = InputError(
        "row has no 'text', 'html' or 'path'",
        input_id=item_id or None,
        hint="give each row an id and one of text, html or path",
    )
    return BatchItem(item_id, where, error=problem)


def _cell(value: Any) -> str | None:
    """A cell as text; None and NaN are None (Arrow hands an all-null column over as NaN)."""
    if value is None or isinstance(value, str):
        return value
    with contextlib.suppress(TypeError):
        if math.isnan(value):
            return None
    return str(value)


def item_row(item: BatchItem) -> dict[str, Any]:
    """The row that ``row_item`` turns back into ``item`` (every column, None where unset)."""
    body: dict[str, str | None] = {"text": None, "html": None}
    path = item.path
    if item.text is not None:
        body["html" if item.html else "text"] = item.text
    else:  # read by an actor, whose working directory need not be this one
        path = str(Path(path).absolute())
    return {"id": item.id, **body, "url": item.url, "published": item.published, "path": path}


def outcome_columns(
    items: Sequence[BatchItem], outcomes: Sequence[_Outcome]
) -> dict[str, list[Any]]:
    """Output rows as columns; ``line`` is JSON text so every block has one schema."""
    return {
        "id": [item.id for item in items],
        "kind": ["record" if outcome.ok else "error" for outcome in outcomes],
        "line": [json.dumps(outcome.line, ensure_ascii=False) for outcome in outcomes],
        "unreachable": [outcome.unreachable is not None for outcome in outcomes],
        "reached_model": [outcome.reached_model for outcome in outcomes],
    }


def row_outcome(row: Mapping[str, Any]) -> _Outcome:
    """An output row back as the outcome the local batch's writer takes."""
    line = json.loads(row["line"])
    unreachable = ServerUnreachable(line["message"]) if row["unreachable"] else None
    return _Outcome(line, row["kind"] == "record", unreachable, bool(row["reached_model"]))


# --- the driver -------------------------------------------------------------------


def batch(
    inputs: str | Path | Sequence[str | Path],
    out: str | Path,
    *,
    settings: Settings | None = None,
    fmt: str | None = None,
    errors_path: str | Path | None = None,
    retry_errors: bool = False,
    progress: bool = True,
    address: str | None = None,
    workers: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    actor: type[Extract] = Extract,
) -> BatchSummary:
    """``briefx.batch`` on Ray: the same inputs, files and summary, extracted by Ray actors.

    ``address`` is the cluster's (``"auto"``: the one ``ray start`` began on this
    machine); None connects to the Ray instance this process already has, or
    starts a local one. ``workers`` actors (default: one per CPU of the
    cluster) each work on ``batch_size`` rows at a time. ``actor`` may be a
    subclass of :class:`Extract`.
    """
    ray = require_ray()
    if batch_size < 1 or (workers is not None and workers < 1):
        raise UsageError("workers and batch_size must be at least 1", hint="e.g. --workers 4")
    started = time.perf_counter()
    paths, items = open_job(
        [inputs] if isinstance(inputs, str | Path) else inputs, out, fmt, errors_path
    )
    settings = settings or Settings()
    with locked_job(paths, items, retry_errors, settings) as (todo, summary):
        if todo:
            job = _Job(ray, settings, address, workers, batch_size, actor)
            job.run(todo, paths, summary, progress)
    summary.wall_seconds = time.perf_counter() - started
    return summary


@dataclasses.dataclass(frozen=True)
class _Job:
    ray: ModuleType
    settings: Settings
    address: str | None
    workers: int | None
    batch_size: int
    actor: type[Extract]

    def run(
        self, todo: list[BatchItem], paths: _Paths, summary: BatchSummary, progress: bool
    ) -> None:
        writer = OutcomeWriter(paths, summary, len(todo), progress)
        try:
            # Inputs that failed while being listed (a broken JSONL line) need no actor.
            limits = _Limits(self.settings)
            for item in todo:
                if item.error is not None:
                    writer.write(input_failed(item, item.error, limits))
            rest = [item for item in todo if item.error is None]
            if rest and not writer.stopped:
                # Closed at once when the breaker stops early: Ray stops the dataset.
                with contextlib.closing(self._rows(rest)) as rows:
                    self._drain(rows, writer, {item.id for item in rest})
            writer.settle()
        finally:
            writer.close()

    def _rows(self, items: list[BatchItem]) -> Generator[dict[str, Any], None, None]:
        started = self._connect()
        try:
            yield from self._dataset(items).iter_rows()
        except BriefxError:
            raise
        except Exception as exc:  # a task failed past its retries, or the cluster went
            raise ExtractionError(
                f"the Ray job failed: {type(exc).__name__}: {exc}",
                hint="every line written so far is kept; rerun the same command to resume",
            ) from exc
        finally:
            if started:
                self.ray.shutdown()

    def _connect(self) -> bool:
        """Connects to the cluster; True if this call started Ray (and so stops it)."""
        if self.ray.is_initialized():
            return False
        self.ray.init(address=self.address, logging_level=logging.WARNING)
        return True

    def _dataset(self, items: list[BatchItem]) -> Any:
        context = self.ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # briefx's own bar counts records and errors
        workers = self.workers or max(1, int(self.ray.cluster_resources().get("CPU", 1)))
        # One block per batch: a retry after a dead actor redoes one batch, no more.
        blocks = max(1, math.ceil(len(items) / self.batch_size))
        rows = self.ray.data.from_items(
            [item_row(item) for item in items], override_num_blocks=blocks
        )
        # A dead actor is replaced and its batch retried on the new one: Ray Data
        # gives actor pools max_restarts=-1 and max_task_retries=-1 itself (and
        # deprecates passing them). Only the driver writes, so a retried batch is
        # never written twice.
        return rows.map_batches(
            self.actor,
            fn_constructor_kwargs=self.settings.model_dump(exclude_unset=True),
            batch_size=self.batch_size,
            compute=self.ray.data.ActorPoolStrategy(size=min(workers, blocks)),
        )

    @staticmethod
    def _drain(rows: Iterable[dict[str, Any]], writer: OutcomeWriter, wanted: set[str]) -> None:
        """Writes each wanted id's first row; a repeat (a retried batch) is dropped."""
        seen: set[str] = set()
        repeats = 0
        for row in rows:
            if row["id"] in seen or row["id"] not in wanted:  # not one of this run's inputs
                repeats += 1
                continue
            seen.add(row["id"])
            writer.write(row_outcome(row))
            if writer.stopped:
                return
        if repeats:
            log.warning("dropped %d repeated or unknown row(s) from Ray", repeats)
        if len(seen) < len(wanted):
            raise ExtractionError(
                f"{len(wanted) - len(seen)} input(s) came back from Ray without a row",
                hint="rerun the same command: they are done then, nothing else again",
            )
