"""briefx: validated, grounded MeetingSummary records from news articles.

>>> from briefx import extract
>>> record = extract(open("article.txt").read())  # doctest: +SKIP
"""

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
from briefx._version import __version__


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
