"""Model calls: one backend seam, openai + instructor underneath, and retries.

Two loops, kept apart on purpose:

* transport retries (tenacity): 429, 5xx, timeouts and dropped connections are
  retried with exponential backoff and jitter, honouring ``Retry-After``; they
  are never shown to the model;
* validation re-asks (instructor): output that fails the response model's
  validators is sent back to the model with the reason, ``max_reasks`` times.

Both stop at the article's deadline, which holds across every call for it.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import logging
import time
from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import httpx
import instructor
import openai
from httpx_aiohttp import AiohttpTransport
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from briefx._context import validating
from briefx._errors import (
    BackendError,
    BudgetExceeded,
    ConfigError,
    ModelOutputError,
    ServerUnreachable,
)
from briefx._models import Usage
from briefx._settings import Settings

logger = logging.getLogger("briefx")

T = TypeVar("T", bound=BaseModel)
Messages = list[dict[str, str]]

# The Usage of the article being extracted; instructor's hooks add to it, so
# re-asks and retries are counted per article even under concurrency.
_current_usage: contextvars.ContextVar[Usage | None] = contextvars.ContextVar(
    "briefx_usage", default=None
)


@functools.cache
def _prepared(response_model: type[T]) -> type[T]:
    """The response model wrapped for instructor once, with its JSON schema kept.

    instructor otherwise builds a new wrapper class and regenerates its schema
    on every call (about 2 ms of CPU each); the request sent is the same.
    """
    wrapped = instructor.openai_schema(response_model)
    schema = wrapped.model_json_schema()
    plain = wrapped.model_json_schema

    def model_json_schema(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return plain(*args, **kwargs) if args or kwargs else _copy_json(schema)

    setattr(wrapped, "model_json_schema", model_json_schema)  # noqa: B010  # mypy: no method assignment
    return wrapped


class Backend(Protocol):
    """The one seam for model backends: turn messages into a validated model."""

    def complete(
        self, messages: Messages, response_model: type[T], *, context: dict[str, Any], call: Call
    ) -> T: ...

    async def acomplete(
        self, messages: Messages, response_model: type[T], *, context: dict[str, Any], call: Call
    ) -> T: ...

    def close(self) -> None: ...

    async def aclose(self) -> None: ...


class Call:
    """Per-article bookkeeping: its id, deadline and usage across calls."""

    def __init__(self, input_id: str | None, budget: float, usage: Usage | None = None):
        self.input_id = input_id
        self.deadline = time.monotonic() + budget
        self.budget = budget
        self.usage = usage or Usage()

    def restart(self) -> float:
        """Give the whole budget again from now (the calls start only now); returns now."""
        now = time.monotonic()
        self.deadline = now + self.budget
        return now

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check_budget(self) -> None:
        if self.remaining() <= 0:
            raise BudgetExceeded(
                f"time budget of {self.budget:.0f}s ran out",
                input_id=self.input_id,
                hint="raise BRIEFX_TIME_BUDGET or use a faster model",
                attempts=self.usage.calls,
                usage=self.usage,
            )

    @contextmanager
    def one_pass(self) -> Iterator[None]:
        """Count one pass on its own, so passes running at once cannot mix their counts.

        Every answer after the first within a pass was a validation re-ask.
        """
        usage = Usage()
        token = _current_usage.set(usage)
        try:
            yield
        finally:
            _current_usage.reset(token)
            usage.reasks = max(0, usage.calls - 1)
            self.usage.add(usage)


def _is_transient(exc: BaseException) -> bool:
    if _server_fault(exc) is not None:
        return True
    exc = _unwrap(exc)
    if _refused(exc):
        return False  # nothing listens there: retrying only delays the report
    if isinstance(exc, (openai.APIConnectionError, openai.RateLimitError)):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


def _server_fault(exc: BaseException) -> str | None:
    """What the server did, when an HTTP 200 answer is unusable in a way a retry may fix."""
    if isinstance(exc, IncompleteOutputException) or isinstance(
        exc.__cause__, IncompleteOutputException
    ):
        return "its answer was cut off at max_tokens (finish_reason 'length')"
    if not isinstance(exc, InstructorRetryException):
        return None
    if isinstance(exc.__cause__, IndexError):
        return "it answered with no choices"
    if isinstance(exc.__cause__, json.JSONDecodeError) and exc.last_completion is None:
        return "its response body was not complete JSON"
    return None


def _refused(exc: BaseException) -> bool:
    """A connection refused anywhere in the chain (httpx and aiohttp wrap it differently)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unwrap(exc: BaseException) -> BaseException:
    """instructor wraps API errors in its retry exception; look underneath."""
    if isinstance(exc, InstructorRetryException) and isinstance(exc.__cause__, openai.OpenAIError):
        return exc.__cause__
    return exc


def _retry_after(exc: BaseException) -> float | None:
    exc = _unwrap(exc)
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class _Wait:
    """Retry-After when the server gives one, else exponential backoff with jitter."""

    def __init__(self, call: Call):
        self.call = call
        self.backoff = wait_exponential_jitter(initial=1.0, max=30.0, jitter=1.0)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        wait = _retry_after(exc) if exc else None
        if wait is None:
            wait = float(self.backoff(state))
        return max(0.0, min(wait, self.call.remaining()))


class InstructorBackend:
    """Any OpenAI-compatible endpoint through openai + instructor."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: openai.OpenAI | None = None,
        async_client: openai.AsyncOpenAI | None = None,
        base_url: str | None = None,
    ):
        self.settings = settings
        self.model = settings.resolved_model()
        wanted = settings.resolved_mode()
        mode = instructor.Mode.TOOLS if wanted == "tools" else instructor.Mode.JSON_SCHEMA
        url = base_url or settings.base_url
        key = settings.api_key.get_secret_value() if settings.api_key else None
        if settings.resolved_backend() == "openai" and not key and client is None:
            raise ConfigError("no API key for the OpenAI backend", hint="set OPENAI_API_KEY")
        # openai's own retries are off: ours count against the article's budget.
        common: dict[str, Any] = {
            "base_url": url,
            "api_key": key or "not-needed",
            "max_retries": 0,
            "timeout": settings.request_timeout,
        }
        json_object = wanted == "json_object"
        self._given = client
        self._client: openai.OpenAI | None = None  # made on the first sync call
        self._given_async = async_client
        self._args = (common, json_object, mode)
        self._per_loop: dict[asyncio.AbstractEventLoop, _LoopClient] = {}

    @functools.cached_property
    def _sync(self) -> Any:
        """The sync instructor client, made when first needed.

        Async-only use (a batch, ``aextract``) never pays for it: building an
        httpx client loads the CA bundle, 40-80 ms of the batch's start-up.
        """
        common, json_object, mode = self._args
        self._client = self._given or openai.OpenAI(
            **common, http_client=_sync_http_client(json_object)
        )
        patched = _instructor(self._client, mode)
        patched.on("completion:response", _count_response)
        return patched

    async def _async(self) -> Any:
        """The async instructor client of the running event loop.

        An aiohttp session belongs to the loop that opened it, so each loop gets
        its own, closed inside that loop when it shuts down (``asyncio.run``
        finalises open async generators before closing the loop).
        """
        loop = asyncio.get_running_loop()
        entry = self._per_loop.get(loop)
        if entry is None:
            self._drop_ended_loops()
            common, json_object, mode = self._args
            client = self._given_async or openai.AsyncOpenAI(
                **common, http_client=_async_http_client(json_object)
            )
            patched = _instructor(client, mode)
            patched.on("completion:response", _count_response)
            own = client if client is not self._given_async else None  # a caller's stays open
            entry = self._per_loop[loop] = _LoopClient(patched, _close_with_loop(own))
            await anext(entry.closer)
        return entry.patched

    def _drop_ended_loops(self) -> None:
        """Forget clients of loops closed without finalising them (no ``asyncio.run``)."""
        for loop in [loop for loop in self._per_loop if loop.is_closed()]:
            del self._per_loop[loop]

    def _kwargs(
        self,
        messages: Messages,
        response_model: type[BaseModel],
        call: Call,
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_model": _prepared(response_model),
            # One answer per create: briefx re-asks itself (``_reask``), with a message
            # that names the field, the value and why, and none of pydantic's text.
            "max_retries": 0,
            "temperature": self.settings.temperature,
            # A pass's own cap, when its answer model declares one (see _answers).
            "max_tokens": min(
                self.settings.max_tokens, getattr(response_model, "max_tokens", None) or 1 << 30
            ),
            "timeout": max(1.0, min(self.settings.request_timeout, call.remaining())),
        }
        if self.settings.seed is not None:
            kwargs["seed"] = self.settings.seed
        return kwargs

    def _retrying(self, call: Call) -> dict[str, Any]:
        return {
            "retry": retry_if_exception(_is_transient),
            "stop": stop_after_attempt(self.settings.max_retries + 1),
            "wait": _Wait(call),
            "before_sleep": lambda state: _count_retry(call, state),
            "reraise": True,
        }

    def complete(
        self, messages: Messages, response_model: type[T], *, context: dict[str, Any], call: Call
    ) -> T:
        asked = messages
        with call.one_pass(), validating(context):
            for reasks_left in range(self.settings.max_reasks, -1, -1):
                try:
                    return self._once(asked, response_model, call)
                except Exception as exc:
                    followup = _reask(messages, exc) if reasks_left else None
                    if followup is None:
                        return _recover(exc, response_model, context, call)
                    asked = followup
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, messages: Messages, response_model: type[T], call: Call) -> T:
        """One answer, transport errors retried; invalid output raises."""
        for attempt in Retrying(**self._retrying(call)):
            with attempt:
                call.check_budget()
                result: T = self._sync.chat.completions.create(
                    **self._kwargs(messages, response_model, call)
                )
                return _as_declared(result, response_model)
        raise AssertionError("unreachable")  # pragma: no cover

    async def acomplete(
        self, messages: Messages, response_model: type[T], *, context: dict[str, Any], call: Call
    ) -> T:
        patched = await self._async()
        asked = messages
        with call.one_pass(), validating(context):
            for reasks_left in range(self.settings.max_reasks, -1, -1):
                try:
                    return await self._aonce(patched, asked, response_model, call)
                except Exception as exc:
                    followup = _reask(messages, exc) if reasks_left else None
                    if followup is None:
                        return _recover(exc, response_model, context, call)
                    asked = followup
        raise AssertionError("unreachable")  # pragma: no cover

    async def _aonce(
        self, patched: Any, messages: Messages, response_model: type[T], call: Call
    ) -> T:
        async for attempt in AsyncRetrying(**self._retrying(call)):
            with attempt:
                call.check_budget()
                result: T = await patched.chat.completions.create(
                    **self._kwargs(messages, response_model, call)
                )
                return _as_declared(result, response_model)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._drop_ended_loops()

    async def aclose(self) -> None:
        entry = self._per_loop.pop(asyncio.get_running_loop(), None)
        if entry is not None:
            await entry.closer.aclose()  # its finally closes the client
        self._drop_ended_loops()


# What instructor sends, all plain JSON already: openai's request transform
# (aliases, dates, files) would return them unchanged.
_PLAIN_PARAMS = frozenset(
    {"model", "messages", "response_format", "tools", "tool_choice", "temperature",
     "max_tokens", "seed", "timeout"}
)  # fmt: skip
_PATH = "/chat/completions"


def _instructor(client: openai.OpenAI | openai.AsyncOpenAI, mode: instructor.Mode) -> Any:
    """instructor over ``client``, sending chat completions without openai's transform.

    ``chat.completions.create`` checks every message against the union of
    message types before it sends: 0.6 ms of CPU per call, half of openai's
    own, on a batch's one event loop. ``client.post`` is openai's documented
    way to send a body as it is; anything else goes through ``create``.
    """
    if isinstance(client, openai.AsyncOpenAI):
        create = instructor.patch(create=functools.partial(_apost, client), mode=mode)
        return instructor.AsyncInstructor(client=client, create=create, mode=mode)
    create = instructor.patch(create=functools.partial(_post, client), mode=mode)
    return instructor.Instructor(client=client, create=create, mode=mode)


def _plain(kwargs: dict[str, Any]) -> tuple[dict[str, Any], Any] | None:
    """The body and request options, if openai's transform would leave the body as it is."""
    if not kwargs.keys() <= _PLAIN_PARAMS:
        return None
    body = {key: value for key, value in kwargs.items() if key != "timeout"}
    return body, {"timeout": kwargs["timeout"]} if "timeout" in kwargs else {}


def _post(client: openai.OpenAI, **kwargs: Any) -> Any:
    plain = _plain(kwargs)
    if plain is None:
        return client.chat.completions.create(**kwargs)
    return client.post(_PATH, body=plain[0], options=plain[1], cast_to=ChatCompletion)


async def _apost(client: openai.AsyncOpenAI, **kwargs: Any) -> Any:
    plain = _plain(kwargs)
    if plain is None:
        return await client.chat.completions.create(**kwargs)
    return await client.post(_PATH, body=plain[0], options=plain[1], cast_to=ChatCompletion)


@dataclass
class _LoopClient:
    patched: Any  # instructor's async client
    closer: AsyncGenerator[None, None]


async def _close_with_loop(client: openai.AsyncOpenAI | None) -> AsyncGenerator[None, None]:
    """Closes ``client`` when finalised: by ``aclose()``, or by its loop shutting down."""
    try:
        yield
    finally:
        if client is not None:
            await client.close()


def _copy_json(value: Any) -> Any:
    """A copy of JSON data, 4x faster than deepcopy (instructor's tools mode edits it)."""
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value


def _as_declared(result: T, response_model: type[T]) -> T:
    """The answer as the model class asked for, not instructor's wrapper (which cannot pickle)."""
    if type(result) is response_model:
        return result
    fields = {name: getattr(result, name) for name in type(result).model_fields}
    return response_model.model_construct(_fields_set=result.model_fields_set, **fields)


def _as_json_object(request: httpx.Request) -> httpx.Request:
    """llama-cpp-python's server takes a schema only as ``json_object`` + ``schema``.

    The OpenAI form is ``{"type": "json_schema", "json_schema": {"schema": S}}``;
    rewriting it keeps the server's grammar-constrained decoding, which a small
    model needs to produce valid JSON at all.
    """
    if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
        return request
    body = json.loads(request.content or b"{}")
    fmt = body.get("response_format") or {}
    if fmt.get("type") != "json_schema":
        return request
    body["response_format"] = {"type": "json_object", "schema": fmt["json_schema"]["schema"]}
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    return httpx.Request(request.method, request.url, headers=headers, json=body)


class _JsonObjectTransport(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return super().handle_request(_as_json_object(request))


class _AsyncJsonObjectTransport(AiohttpTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await super().handle_async_request(_as_json_object(request))


def _sync_http_client(json_object: bool) -> httpx.Client | None:
    return httpx.Client(transport=_JsonObjectTransport()) if json_object else None


def _async_http_client(json_object: bool) -> httpx.AsyncClient:
    """openai's async client on aiohttp rather than httpx's own pool.

    httpx's pool rescans every connection on each request (quadratic in
    connections): with 16 articles x 3 passes in flight that was 12 ms of CPU
    per article. openai ships the aiohttp transport for this reason.
    """
    if not json_object:
        return openai.DefaultAioHttpClient()
    transport = _AsyncJsonObjectTransport(limits=openai.DEFAULT_CONNECTION_LIMITS)
    return openai.DefaultAioHttpClient(transport=transport)


def _count_response(response: Any) -> None:
    usage = _current_usage.get()
    if usage is None:
        return
    usage.calls += 1
    raw = getattr(response, "usage", None)
    if raw is not None:
        usage.prompt_tokens += int(getattr(raw, "prompt_tokens", 0) or 0)
        usage.completion_tokens += int(getattr(raw, "completion_tokens", 0) or 0)


def _count_retry(call: Call, state: RetryCallState) -> None:
    call.usage.retries += 1
    exc = state.outcome.exception() if state.outcome else None
    logger.info("retrying %s after %r", call.input_id, _unwrap(exc) if exc else None)


def _recover(exc: Exception, response_model: type[T], context: dict[str, Any], call: Call) -> T:
    """Turn a failed call into a lenient result or a briefx error naming the article."""
    if isinstance(exc, (BudgetExceeded, ConfigError)):
        raise exc.with_input(call.input_id)
    inner = _unwrap(exc)
    fault = _server_fault(exc)
    if fault is not None:
        raise ModelOutputError(
            f"the model server failed {call.usage.retries + 1} time(s): {fault}",
            input_id=call.input_id,
            hint="raise BRIEFX_MAX_TOKENS if answers are cut off; check the server otherwise",
            attempts=call.usage.retries + 1,
            usage=call.usage,
        ) from exc
    if _refused(inner):
        where = getattr(getattr(inner, "request", None), "url", None) or "the server"
        raise ServerUnreachable(
            f"connection refused at {where}",
            input_id=call.input_id,
            hint="start the model server, or check BRIEFX_BASE_URL",
            attempts=call.usage.retries + 1,
            usage=call.usage,
        ) from inner
    if _is_transient(inner) or isinstance(inner, openai.APIError):
        if call.remaining() <= 0:
            raise BudgetExceeded(
                f"time budget of {call.budget:.0f}s ran out after {type(inner).__name__}",
                input_id=call.input_id,
                hint="raise BRIEFX_TIME_BUDGET",
                attempts=call.usage.calls + call.usage.retries,
                usage=call.usage,
            ) from inner
        raise BackendError(
            f"model server failed: {type(inner).__name__}: {inner}",
            input_id=call.input_id,
            hint="check BRIEFX_BASE_URL / OPENAI_API_KEY and that the server is up",
            attempts=call.usage.retries + 1,
            usage=call.usage,
        ) from inner
    if isinstance(inner, IncompleteOutputException) or isinstance(
        exc.__cause__, IncompleteOutputException
    ):
        raise ModelOutputError(
            "the model's answer was cut off at max_tokens",
            input_id=call.input_id,
            hint="raise BRIEFX_MAX_TOKENS",
            attempts=_pass_calls(),
            usage=call.usage,
        ) from exc
    if isinstance(exc, InstructorRetryException):
        if isinstance(exc.__cause__, (TypeError, AttributeError)):
            raise exc.__cause__  # a programming error, not the model's output
        return _lenient(exc, response_model, context, call)
    raise exc


def _lenient(
    exc: InstructorRetryException, response_model: type[T], context: dict[str, Any], call: Call
) -> T:
    """After the re-asks, keep what validates: bad items are dropped with a warning."""
    raw = _completion_text(exc.last_completion)
    try:
        data = json.loads(raw) if raw else None
        if data is None:
            raise ValueError("empty completion")
        return response_model.model_validate(data, context={**context, "lenient": True})
    except (ValueError, ValidationError) as err:
        attempts = _pass_calls() or int(exc.n_attempts or 0)  # briefx's own re-asks count
        reasons = _reasons(err) if isinstance(err, ValidationError) else str(err)
        raise ModelOutputError(
            f"model output failed validation after {attempts} attempts: {reasons}",
            input_id=call.input_id,
            hint="use a stronger model or raise BRIEFX_MAX_REASKS",
            attempts=attempts,
            last_completion=raw,
            usage=call.usage,
        ) from exc


def _completion_text(completion: Any) -> str | None:
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments)
    content = getattr(message, "content", None)
    return str(content) if content is not None else None


def _reask(messages: Messages, exc: Exception) -> Messages | None:
    """The messages that ask again after an answer failed validation, else None.

    The model sees its answer and, per refused field, which value and why,
    in briefx's own words: pydantic's wording, documentation links and
    ``input_value=`` echoes change between releases (and would break recorded
    requests) and only lengthen a small model's prompt.
    """
    if not isinstance(exc, InstructorRetryException):
        return None
    error = _validation_error(exc)
    answer = _completion_text(exc.last_completion)
    if error is None or answer is None:
        return None
    ask = (
        f"Your JSON answer was refused:\n{_reasons(error)}\n"
        "Answer again with the whole JSON, corrected. Use only what the ARTICLE says."
    )
    return [*messages, {"role": "assistant", "content": answer}, {"role": "user", "content": ask}]


def _reasons(error: ValidationError) -> str:
    """One line per refused value: where, and why in briefx's words."""
    return "\n".join(f"- {_where(e['loc'])}: {_why(e)}" for e in error.errors())


def _validation_error(exc: InstructorRetryException) -> ValidationError | None:
    attempts = getattr(exc, "failed_attempts", None) or []
    for candidate in (*(a.exception for a in reversed(attempts)), exc.__cause__):
        if isinstance(candidate, ValidationError):
            return candidate
    return None


def _where(loc: tuple[int | str, ...]) -> str:
    """``('participants', 1, 'name')`` -> ``participants[1].name``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "answer"


def _why(error: Any) -> str:
    """The reason, from briefx's validators or pydantic's stable error type, never its prose."""
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in ctx:
        return str(ctx["error"])
    reason = str(error["type"]).replace("_", " ")
    if "expected" in ctx:
        reason += f", expected {ctx['expected']}"
    if error["type"] not in ("missing", "json_invalid"):
        reason += f", got {json.dumps(error.get('input'), ensure_ascii=False)[:80]}"
    return reason


def _pass_calls() -> int:
    """Answers received so far in the pass under way (counted into the call at its end)."""
    usage = _current_usage.get()
    return usage.calls if usage is not None else 0
