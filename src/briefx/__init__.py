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
        Evidence,
        Location,
        MeetingSummary,
        Participant,
        Quote,
        Region,
        Source,
        TradeFigure,
        Usage,
    )
    from briefx._prepare import PreparedText, prepare
    from briefx._settings import Settings

# name -> the private module that defines it
_EXPORTS: dict[str, str] = {
    "aextract": "_api",
    "extract": "_api",
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
            "Evidence",
            "Location",
            "MeetingSummary",
            "Participant",
            "Quote",
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
    "Region",
    "Settings",
    "Source",
    "TradeFigure",
    "Usage",
    "UsageError",
    "__version__",
    "aextract",
    "extract",
    "prepare",
    "to_dataframe",
]
