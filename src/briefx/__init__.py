"""briefx: validated, grounded MeetingSummary records from news articles.

>>> from briefx import extract
>>> record = extract(open("article.txt").read())  # doctest: +SKIP

Names are imported on first use (as pydantic does), so ``import briefx`` and
the worker processes that run the rules do not pay for openai and instructor
until a model is called.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from briefx._version import __version__

if TYPE_CHECKING:
    from briefx._api import aextract, extract
    from briefx._batch import BatchSummary, batch
    from briefx._errors import (
        BackendError,
        BriefxError,
        BudgetExceeded,
        ConfigError,
        ExtractionError,
        InputError,
        ModelOutputError,
        UsageError,
    )
    from briefx._extract import Extractor
    from briefx._models import (
        Agreement,
        BatchRecord,
        Evidence,
        Location,
        MeetingSummary,
        Participant,
        Quote,
        RecordWarning,
        Region,
        Source,
        TradeFigure,
        Usage,
    )
    from briefx._prepare import PreparedText, prepare
    from briefx._read import BatchEvent, read_events, read_records
    from briefx._report import report
    from briefx._settings import Settings

# name -> the private module that defines it
_EXPORTS: dict[str, str] = {
    "aextract": "_api",
    "extract": "_api",
    "BatchSummary": "_batch",
    "batch": "_batch",
    "BatchEvent": "_read",
    "read_events": "_read",
    "read_records": "_read",
    "report": "_report",
    **dict.fromkeys(
        (
            "BackendError",
            "BriefxError",
            "BudgetExceeded",
            "ConfigError",
            "ExtractionError",
            "InputError",
            "ModelOutputError",
            "UsageError",
        ),
        "_errors",
    ),
    "Extractor": "_extract",
    **dict.fromkeys(
        (
            "Agreement",
            "BatchRecord",
            "Evidence",
            "Location",
            "MeetingSummary",
            "Participant",
            "Quote",
            "RecordWarning",
            "Region",
            "Source",
            "TradeFigure",
            "Usage",
        ),
        "_models",
    ),
    "PreparedText": "_prepare",
    "prepare": "_prepare",
    "Settings": "_settings",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'briefx' has no attribute {name!r}")
    value = getattr(import_module(f"briefx.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def to_dataframe(records: object, *, explode: str | None = None) -> object:
    """One row per record (pandas); ``explode="participants"`` for one row per item."""
    from briefx._notebook import to_dataframe as _to_dataframe

    return _to_dataframe(records, explode=explode)  # type: ignore[arg-type]


__all__ = [
    "Agreement",
    "BackendError",
    "BatchEvent",
    "BatchRecord",
    "BatchSummary",
    "BriefxError",
    "BudgetExceeded",
    "ConfigError",
    "Evidence",
    "ExtractionError",
    "Extractor",
    "InputError",
    "Location",
    "MeetingSummary",
    "ModelOutputError",
    "Participant",
    "PreparedText",
    "Quote",
    "RecordWarning",
    "Region",
    "Settings",
    "Source",
    "TradeFigure",
    "Usage",
    "UsageError",
    "__version__",
    "aextract",
    "batch",
    "extract",
    "prepare",
    "read_events",
    "read_records",
    "report",
    "to_dataframe",
]
