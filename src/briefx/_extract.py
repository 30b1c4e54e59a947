"""The extraction pipeline: prepare -> cache -> model passes -> assemble.

``Extractor`` holds the backend, cache and retry policy; ``extract()`` and
``aextract()`` in the public API are thin wrappers over one of these.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import openai
from pydantic import BaseModel, ValidationError

from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer
from briefx._assemble import assemble, prepare_to_ask
from briefx._cache import Cache, cache_key
from briefx._client import Backend, Call, InstructorBackend
from briefx._errors import BriefxError, BudgetExceeded, ExtractionError, InputError
from briefx._models import SCHEMA_VERSION, MeetingSummary
from briefx._pool import RulesPool
from briefx._prepare import PreparedText, prepare
from briefx._prompts import build_messages, prompt_version
from briefx._settings import Settings
from briefx._version import __version__

_PASSES: tuple[tuple[str, type[BaseModel]], ...] = (
    ("people", PeopleAnswer),
    ("companies", CompaniesAnswer),
    ("facts", FactsAnswer),
)


@dataclass
class _Job:
    """One article between preparation and assembly."""

    keys: list[str]
    prep: PreparedText
    call: Call
    ctx: dict[str, Any]
    started: float = 0.0  # set when its model calls start

    # Each pass's messages and answer model, built before the job waits for a
    # model slot: the slot's time is for talking to the model only.
    asks: list[tuple[list[dict[str, str]], type[BaseModel]]] = field(default_factory=list)

    @staticmethod
    def whole(answers: Sequence[Any]) -> list[Any]:
        """The answers as assembly takes them: a partial facts answer made whole."""
        people, companies, *facts = answers  # no facts pass when it had nothing to ask
        return [people, companies, FactsAnswer.of(facts[0]) if facts else FactsAnswer()]

    def restart_clock(self) -> None:
        """Time and budget count from here: waiting for a model slot is not the article's."""
        self.started = self.call.restart()


def _asks(text: str, facts: frozenset[str]) -> list[tuple[list[dict[str, str]], type[BaseModel]]]:
    """Each pass's messages and answer model; the facts pass asks only ``facts``."""
    out: list[tuple[list[dict[str, str]], type[BaseModel]]] = []
    for name, model in _PASSES:
        if name == "facts" and not facts:
            continue  # the rules leave nothing open that the model could still add
        fields = facts if name == "facts" else None
        asked = FactsAnswer.asking(fields) if fields is not None else model
        out.append((build_messages(name, text, fields=fields), asked))
    return out


def fingerprint(settings: Settings) -> dict[str, str]:
    """What a record is made with: model, prompts and schema (cache keys, batch resume)."""
    return {
        "model": settings.resolved_model(),
        "prompts": prompt_version(),
        "schema": SCHEMA_VERSION,
    }


class Extractor:
    """Holds the client, cache and retry policy; reuse one for many articles.

    ``extract``/``aextract`` raise ``InputError`` for unusable input and an
    ``ExtractionError`` subclass (BackendError, BudgetExceeded, ModelOutputError)
    for run-time failures; the error's ``usage`` says what the attempt cost.
    The returned record's ``usage`` has tokens, calls, re-asks, retries, cache_hit.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        client: openai.OpenAI | None = None,
        async_client: openai.AsyncOpenAI | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._server: Any = None
        self._clients = (client, async_client)
        self._backend_instance = backend
        self._lock = threading.Lock()
        self._cache = Cache(self.settings.cache_dir if self.settings.cache else None)
        self._pool = RulesPool(self.settings.rule_processes())
        self._slots: dict[asyncio.AbstractEventLoop, _PacedSlots] = {}

    @property
    def _backend(self) -> Backend:
        """Made on first use, so answers from the cache never start a local server."""
        with self._lock:
            if self._backend_instance is None:
                self._backend_instance = self._make_backend(*self._clients)
            return self._backend_instance

    def _make_backend(
        self, client: openai.OpenAI | None, async_client: openai.AsyncOpenAI | None
    ) -> Backend:
        base_url = None
        if client is None and self.settings.resolved_backend() == "local":
            from briefx._local import LocalServer, ensure_model, ensure_server_dependency

            ensure_server_dependency()
            self._server = LocalServer(self.settings, model=ensure_model(self.settings))
            self._server.start()
            base_url = self._server.base_url
        return InstructorBackend(
            self.settings, client=client, async_client=async_client, base_url=base_url
        )

    def _server_died(self) -> BriefxError | None:
        """The embedded server's own error if it has exited (a crash says why)."""
        if self._server is None:
            return None
        try:
            self._server.check()
        except BriefxError as died:
            return died
        return None

    def start(self) -> Extractor:
        """Start now what the first article would: the model client (and the embedded
        model's server), and the rules workers used when many articles run at once."""
        _ = self._backend
        self._pool.start(wait=True)
        return self

    # -- the pipeline -------------------------------------------------------

    def _prepare(
        self, source: str | bytes, source_id: str | None, html: bool | None
    ) -> functools.partial[PreparedText]:
        """Text preparation as a call that pickles (it may run in a rules worker)."""
        return functools.partial(
            prepare, source, source_id=source_id, html=html, max_chars=self.settings.max_input_chars
        )

    def _options(self, published: str | None) -> dict[str, Any]:
        s = self.settings
        return {
            **fingerprint(s),
            "backend": s.resolved_backend(),
            "base_url": s.base_url,
            "mode": s.resolved_mode(),
            "ask": s.ask,
            "published": published,
            "temperature": s.temperature,
            # Rules and assembly change records too: a new release starts a new cache.
            "briefx": __version__,
        }

    def _raw_key(self, source: str | bytes, published: str | None, html: bool | None) -> str:
        """A key on the input as given, so a rerun skips even text preparation."""
        data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
        return cache_key(
            raw=hashlib.sha256(data).hexdigest(), html=html, **self._options(published)
        )

    def _key(self, prep: PreparedText, published: str | None) -> str:
        return cache_key(
            text=prep.text,
            dateline=prep.dateline,
            page_date=prep.page_date,
            **self._options(published),
        )

    def _from_cache(
        self, key: str, source_id: str | None, url: str | None
    ) -> MeetingSummary | None:
        hit = self._cache.get(key)
        if hit is None:
            return None
        try:
            record = MeetingSummary.model_validate(hit)
        except ValidationError:
            return None  # an entry from another schema is a miss, not a failure
        record.usage.cache_hit = True
        record.source.id, record.source.url = source_id, url or record.source.url
        return record

    def _rules(
        self, job: _Job, answers: list[Any], published: str | None, url: str | None
    ) -> functools.partial[MeetingSummary]:
        """The assembly of the record, as a call that pickles (it may run in a worker)."""
        people, companies, facts = job.whole(answers)
        return functools.partial(
            assemble,
            job.prep,
            people,
            companies,
            facts,
            published=published,
            url=url,
            warnings=[*job.prep.warnings, *job.ctx["warnings"]],
        )

    def _keep(self, job: _Job, record: MeetingSummary) -> MeetingSummary:
        job.call.usage.seconds = round(time.monotonic() - job.started, 3)
        record.usage = job.call.usage
        dumped = record.model_dump(mode="json")
        for key in job.keys:
            self._cache.set(key, dumped)
        return record

    def _begin(
        self,
        source: str | bytes,
        source_id: str | None,
        published: str | None,
        url: str | None,
        html: bool | None,
    ) -> MeetingSummary | _Job:
        """A cached record (by the input as given, else by its cleaned text), or the job."""
        raw_key = self._raw_key(source, published, html)
        cached = self._from_cache(raw_key, source_id, url)
        if cached is not None:
            return cached
        prep, facts = prepare_to_ask(self._prepare(source, source_id, html), self.settings.ask)
        return self._job(prep, facts, raw_key, source_id, published, url)

    async def _abegin(
        self,
        source: str | bytes,
        source_id: str | None,
        published: str | None,
        url: str | None,
        html: bool | None,
    ) -> MeetingSummary | _Job:
        """``_begin``, with the text prepared in a rules worker when there are some."""
        raw_key = self._raw_key(source, published, html)
        cached = self._from_cache(raw_key, source_id, url)
        if cached is not None:
            return cached
        self._pool.start()  # idempotent; a run all from the cache never starts it
        ready = functools.partial(
            prepare_to_ask, self._prepare(source, source_id, html), self.settings.ask
        )
        prep, facts = await self._pool.run(ready)
        return self._job(prep, facts, raw_key, source_id, published, url)

    def _job(
        self,
        prep: PreparedText,
        facts: frozenset[str],
        raw_key: str,
        source_id: str | None,
        published: str | None,
        url: str | None,
    ) -> MeetingSummary | _Job:
        key = self._key(prep, published)
        cached = self._from_cache(key, source_id, url)
        if cached is not None:
            self._cache.set(raw_key, cached.model_dump(mode="json"))
            return cached
        ctx: dict[str, Any] = {"text": prep.text, "warnings": []}
        call = Call(source_id, self.settings.time_budget)
        return _Job([key, raw_key], prep, call, ctx, asks=_asks(prep.text, facts))

    def extract(
        self,
        source: str | bytes,
        *,
        source_id: str | None = None,
        published: str | None = None,
        url: str | None = None,
        html: bool | None = None,
    ) -> MeetingSummary:
        source = _checked_source(source)
        job = self._begin(source, source_id, published, url, html)
        if isinstance(job, MeetingSummary):
            return job
        try:
            backend = self._backend  # a first-time start-up is not the article's time
            job.restart_clock()
            answers = [
                backend.complete(messages, model, context=job.ctx, call=job.call)
                for messages, model in job.asks
            ]
        except BriefxError as exc:
            exc = self._server_died() or exc  # "connection refused" has a cause to name
            raise _with_usage(exc, source_id, job.call, self._secret()) from exc.__cause__
        return self._keep(job, self._rules(job, answers, published, url)())

    async def aextract(
        self,
        source: str | bytes,
        *,
        source_id: str | None = None,
        published: str | None = None,
        url: str | None = None,
        html: bool | None = None,
    ) -> MeetingSummary:
        source = _checked_source(source)
        job = await self._abegin(source, source_id, published, url, html)
        if isinstance(job, MeetingSummary):
            return job
        try:
            # All passes at once: a hosted model answers in parallel, and a local
            # server queues them, still reusing the shared prompt prefix.
            backend = self._backend  # a first-time start-up is not the article's time
            async with self._model_slots():
                job.restart_clock()
                # A wall-clock limit: a server that trickles its answer byte by
                # byte never trips a read timeout, so the budget cuts it off.
                limit = asyncio.timeout(job.call.remaining())
                try:
                    async with limit:
                        answers = await asyncio.gather(
                            *(
                                backend.acomplete(messages, model, context=job.ctx, call=job.call)
                                for messages, model in job.asks
                            )
                        )
                except TimeoutError as exc:
                    if not limit.expired():
                        raise
                    raise _budget_spent(job.call) from exc
        except BriefxError as exc:
            exc = self._server_died() or exc  # "connection refused" has a cause to name
            raise _with_usage(exc, source_id, job.call, self._secret()) from exc.__cause__
        record = await self._pool.run(self._rules(job, list(answers), published, url))
        return self._keep(job, record)

    def _secret(self) -> str | None:
        key = self.settings.api_key
        return key.get_secret_value() if key is not None else None

    def _model_slots(self) -> _PacedSlots:
        """At most ``Settings.workers()`` articles in their model calls on this loop.

        The limit is on the model calls, not on whole articles, so the rules of
        answered articles run while the next ones are already with the model.
        They start ``Settings.start_interval`` apart (see ``_PacedSlots``).
        """
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            self._slots = {old: s for old, s in self._slots.items() if not old.is_closed()}
            slots = _PacedSlots(self.settings.workers(), self.settings.start_interval)
            self._slots[loop] = slots
        return slots

    async def aclose(self) -> None:
        """Close the async HTTP client inside the loop that used it, then the rest."""
        if self._backend_instance is not None:
            await self._backend_instance.aclose()
        self.close()

    def close(self) -> None:
        """Release the HTTP clients and stop a local server this extractor started."""
        if self._backend_instance is not None:
            self._backend_instance.close()
        self._pool.close()
        self._cache.close()
        if self._server is not None:
            self._server.close()
            self._server = None

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # The async HTTP client's connections belong to this loop: close them in it.
        await self.aclose()


class _PacedSlots:
    """At most ``size`` articles in their model calls, started ``interval`` seconds apart.

    Articles that start together send their requests together, and answers
    that arrive together are worked through turn by turn on the one event
    loop: each article then waits for the whole group, round after round when
    the server's latency is steady. Starts about one article's loop time
    apart keep them out of step, and cost no throughput, since the loop could
    not start them faster.
    """

    def __init__(self, size: int, interval: float) -> None:
        self._free = asyncio.Semaphore(size)
        self._interval = interval
        self._turn = asyncio.Lock()  # one article at a time waits out the interval
        self._last = float("-inf")  # when the last article started

    async def __aenter__(self) -> None:
        await self._free.acquire()
        if self._interval <= 0:
            return
        try:
            # Counted from when the last one really started, so a loop that was
            # busy for a while does not let the waiting ones go all at once.
            async with self._turn:
                wait = self._last + self._interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._last = time.monotonic()
        except BaseException:  # cancelled while waiting: the slot is not taken
            self._free.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._free.release()


def _checked_source(source: object) -> str | bytes:
    """The article as text or bytes; anything else is the caller's mistake, said plainly.

    Lone surrogates (from JSON ``\\ud800`` escapes) cannot be sent as UTF-8:
    they become U+FFFD, as a decoder would make of them.
    """
    if isinstance(source, bytes):
        return source
    if not isinstance(source, str):
        kind = type(source).__name__
        hint = "pass the article's text (str) or its bytes"
        if isinstance(source, PurePath):
            hint = "read the file first, e.g. Path(...).read_text()"
        raise InputError(f"extract() takes the article as str or bytes, not {kind}", hint=hint)
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return source.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return source


def _budget_spent(call: Call) -> BudgetExceeded:
    return BudgetExceeded(
        f"time budget of {call.budget:.0f}s ran out while the server was still answering",
        input_id=call.input_id,
        hint="raise BRIEFX_TIME_BUDGET or use a faster model",
        attempts=call.usage.calls + call.usage.retries,
        usage=call.usage,
    )


def _with_usage(
    exc: BriefxError, source_id: str | None, call: Call, secret: str | None = None
) -> BriefxError:
    exc.with_input(source_id)
    exc.redact(secret)
    if isinstance(exc, ExtractionError) and exc.usage is None:
        exc.usage = call.usage
    return exc
