"""The naive approach briefx is measured against: one bare instructor call.

One plain call with a contract-shaped response model on the RAW article, a one-line
prompt, temperature 0 and no re-ask. No cleaning, no rules, no few-shot, no grounding.
Items the model returns that break the record's validators are dropped (and counted in
``warnings``) so that the baseline scores what it got right instead of crashing.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import instructor
import openai
from instructor.core import InstructorError, InstructorRetryException
from instructor.core.exceptions import IncompleteOutputException
from pydantic import BaseModel, ValidationError

from briefx._client import _completion_text, _sync_http_client
from briefx._errors import BackendError, ConfigError, ModelOutputError
from briefx._models import (
    Agreement,
    AgreementStatus,
    Flow,
    Location,
    MeetingSummary,
    Participant,
    Qualifier,
    Quote,
    RecordWarning,
    Region,
    Topic,
    TradeFigure,
    Usage,
)
from briefx._settings import Settings

log = logging.getLogger("briefx")

PROMPT = "Extract a MeetingSummary from this article."


# Contract-shaped and deliberately bare: the contract's fields and types, none of
# briefx's descriptions or validators (those are part of what is being measured).
class _Location(BaseModel):
    city: str | None
    country: str | None


class _Participant(BaseModel):
    name: str
    position: str | None
    country: str | None


class _Region(BaseModel):
    name: str
    iso_code: str


class _TradeFigure(BaseModel):
    period: str | None
    amount_usd: float
    flow: Flow
    qualifier: Qualifier
    growth_pct: float | None


class _Agreement(BaseModel):
    title: str
    status: AgreementStatus


class _Quote(BaseModel):
    speaker: str | None
    text: str


class MeetingSummaryBaseline(BaseModel):
    """The contract's fields only (no evidence, usage or briefx additions)."""

    meeting_date: str | None
    location: _Location | None
    participants: list[_Participant]
    region: _Region | None
    topics: list[Topic]
    trade_figures: list[_TradeFigure]
    organizations: list[str]
    agreements: list[_Agreement]
    quotes: list[_Quote]
    summary: str


def baseline_extract(
    text: str, settings: Settings | None = None, *, client: openai.OpenAI | None = None
) -> MeetingSummary:
    """Run the bare call on ``text`` and return what it got as a MeetingSummary.

    Raises ``ModelOutputError`` when the single answer does not parse and
    ``BackendError`` when the server cannot be reached.
    """
    settings = settings or Settings()
    patched = instructor.from_openai(client or _client(settings), mode=_mode(settings))
    started = time.monotonic()
    try:
        answer, completion = patched.chat.completions.create_with_completion(
            response_model=MeetingSummaryBaseline,
            messages=[
                {"role": "system", "content": PROMPT},
                {"role": "user", "content": text},
            ],
            model=settings.resolved_model(),
            temperature=0.0,
            max_tokens=settings.max_tokens,
            max_retries=0,  # instructor 1.17 counts re-asks: 0 means one attempt
        )
    except InstructorRetryException as exc:
        if isinstance(exc.__cause__, openai.APIError):
            raise _backend_error(exc.__cause__) from exc
        raise ModelOutputError(
            f"baseline answer did not validate: {exc}",
            hint="none needed; the baseline makes one bare attempt by design",
            attempts=exc.n_attempts,
            last_completion=str(exc.last_completion)[:2000],
            usage=_usage(exc.total_usage),
        ) from exc
    except IncompleteOutputException as exc:  # the bare call ran into max_tokens
        raise ModelOutputError(
            "baseline answer was cut off at max_tokens",
            hint="none needed; the baseline makes one bare attempt by design",
            attempts=1,
            last_completion=_completion_text(exc.last_completion),
            usage=_usage(getattr(exc.last_completion, "usage", None)),
        ) from exc
    except (InstructorError, openai.APIError) as exc:
        raise _backend_error(exc) from exc
    usage = _usage(getattr(completion, "usage", None))
    usage.seconds = time.monotonic() - started
    return to_summary(answer, usage)


def to_summary(answer: MeetingSummaryBaseline, usage: Usage | None = None) -> MeetingSummary:
    """Convert the bare answer, dropping each item briefx's validators reject."""
    drops: list[str] = []
    raw = answer.model_dump()
    record = MeetingSummary(
        meeting_date=_date(raw["meeting_date"], drops),
        location=_item(Location, raw["location"], "location", drops),
        region=_item(Region, raw["region"], "region", drops),
        participants=_items(Participant, raw["participants"], "participants", drops),
        topics=raw["topics"],
        trade_figures=_items(TradeFigure, raw["trade_figures"], "trade_figures", drops),
        organizations=[o for o in raw["organizations"] if o.strip()],
        agreements=_items(Agreement, raw["agreements"], "agreements", drops),
        quotes=_items(Quote, raw["quotes"], "quotes", drops),
        summary=raw["summary"],
        usage=usage or Usage(),
    )
    notes = [f"baseline dropped {len(drops)} invalid item(s)", *drops] if drops else []
    record.warnings = [RecordWarning.of(note) for note in notes]
    return record


def _date(value: str | None, drops: list[str]) -> str | None:
    try:
        return MeetingSummary(meeting_date=value).meeting_date
    except ValidationError as exc:
        drops.append(f"meeting_date: {exc.errors()[0]['msg']}")
        return None


def _item(model: type[BaseModel], value: Any, name: str, drops: list[str]) -> Any:
    if value is None:
        return None
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        drops.append(f"{name}: {exc.errors()[0]['msg']}")
        return None


def _items(model: type[BaseModel], values: list[Any], name: str, drops: list[str]) -> list[Any]:
    kept = [_item(model, value, name, drops) for value in values]
    return [item for item in kept if item is not None]


def _backend_error(exc: Exception) -> BackendError:
    return BackendError(
        f"baseline call failed: {exc}",
        hint="check that BRIEFX_BASE_URL points at a running model server",
        attempts=1,
    )


def _client(settings: Settings) -> openai.OpenAI:
    backend = settings.resolved_backend()
    if backend != "openai" and not settings.base_url:
        raise ConfigError(
            "the baseline needs an OpenAI-compatible server",
            hint="set BRIEFX_BASE_URL (e.g. http://127.0.0.1:8765/v1) or OPENAI_API_KEY",
        )
    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
    # Same wire format as briefx's own calls, so both run on the same server.
    return openai.OpenAI(
        http_client=_sync_http_client(settings.resolved_mode() == "json_object"),
        base_url=settings.base_url,
        api_key=key,
        timeout=settings.request_timeout,
        max_retries=settings.max_retries,
    )


def _mode(settings: Settings) -> instructor.Mode:
    return (
        instructor.Mode.TOOLS
        if settings.resolved_mode() == "tools"
        else instructor.Mode.JSON_SCHEMA
    )


def _usage(raw: Any) -> Usage:
    prompt = getattr(raw, "prompt_tokens", 0) or 0
    completion = getattr(raw, "completion_tokens", 0) or 0
    return Usage(prompt_tokens=int(prompt), completion_tokens=int(completion), calls=1)
