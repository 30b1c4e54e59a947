"""The MeetingSummary record: the contract's fields, plus grounding and usage.

Field names and JSON types follow ``contract.md`` exactly; briefx only adds
fields (``is_meeting``, ``warnings``, ``usage``, ``source``).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = "1"

Topic = Literal[
    "machinery",
    "passenger_transport",
    "elevators",
    "food_agriculture",
    "construction",
    "housing_utilities",
    "service_maintenance",
    "joint_production",
    "aerospace",
    "microelectronics",
    "machine_tools",
    "education",
    "culture_memory",
    "finance",
    "energy_resources",
    "politics",
]
TOPICS: tuple[str, ...] = Topic.__args__  # type: ignore[attr-defined]

Flow = Literal["turnover", "exports", "imports"]
Qualifier = Literal["exact", "approx", "over", "under"]
AgreementStatus = Literal["signed", "planned", "proposed"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD = re.compile(r"^\d{4}(-\d{2})?(/\d{4}(-\d{2})?)?$")
_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _check_alpha2(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if not _ALPHA2.match(value):
        raise ValueError(f"country must be an ISO 3166-1 alpha-2 code like 'BY', got {value!r}")
    return value


class Location(_Record):
    """Where the meeting took place."""

    city: str | None = Field(None, description="City in English, e.g. 'Minsk'; null if not stated")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code, e.g. 'BY'")

    _country = field_validator("country")(classmethod(lambda cls, v: _check_alpha2(v)))


class Participant(_Record):
    """A person present at the meeting (not merely mentioned)."""

    name: str = Field(description="Full name in the article's own Latin spelling")
    position: str | None = Field(None, description="Title, e.g. 'Governor of Penza Oblast'")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code of the person's country")

    _country = field_validator("country")(classmethod(lambda cls, v: _check_alpha2(v)))


class Region(_Record):
    """The Russian federal subject met with."""

    name: str = Field(description="English name, e.g. 'Penza Oblast'")
    iso_code: str = Field(description="ISO 3166-2 code, e.g. 'RU-PNZ'")

    @field_validator("iso_code")
    @classmethod
    def _iso(cls, value: str) -> str:
        value = value.strip().upper()
        if not _SUBDIVISION.match(value):
            raise ValueError(f"iso_code must be ISO 3166-2 like 'RU-PNZ', got {value!r}")
        return value


class TradeFigure(_Record):
    """One trade amount with its period and direction."""

    period: str | None = Field(
        None, description="'2024' for a year, '2025-01/2025-06' for a span; null if none given"
    )
    amount_usd: float = Field(description="Amount in US dollars, e.g. 4.4e9 for '$4.4 billion'")
    flow: Flow = Field("turnover", description="turnover, exports or imports (seen from Belarus)")
    qualifier: Qualifier = Field(
        "exact", description="exact; approx ('about'); over ('exceeded'); under ('almost')"
    )
    growth_pct: float | None = Field(
        None, description="Year-on-year change in percent: '100.9% y/y' is 0.9, 'up 10%' is 10"
    )

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None and not _PERIOD.match(value):
            raise ValueError(f"period must look like '2024' or '2025-01/2025-06', got {value!r}")
        return value

    @field_validator("amount_usd")
    @classmethod
    def _dollars(cls, value: float) -> float:
        # A figure below a thousand dollars is a unit slip ("4.4" meant billions).
        if value < 1000:
            raise ValueError(f"amount_usd must be in dollars (4.4e9, not 4.4), got {value}")
        return value


class Agreement(_Record):
    """A document signed, planned or proposed at or around the meeting."""

    title: str
    status: AgreementStatus


class Quote(_Record):
    """A verbatim quotation from the cleaned article."""

    speaker: str | None = None
    text: str = Field(description="Copied verbatim from the article")


class Evidence(_Record):
    """A span of the cleaned article that supports one field value."""

    field: str = Field(description="Which value, e.g. 'participants[0]' or 'meeting_date'")
    start: int = Field(ge=0, description="Offset into the cleaned article")
    end: int = Field(ge=0)
    text: str
    source_start: int | None = Field(None, description="The same span in the input as given")
    source_end: int | None = None


class Usage(_Record):
    """What extracting one article cost."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    reasks: int = 0
    retries: int = 0
    cache_hit: bool = False
    seconds: float = 0.0

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.calls += other.calls
        self.reasks += other.reasks
        self.retries += other.retries


class Source(_Record):
    """Where the article came from and what cleaning learned about it."""

    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    dateline: str | None = None


class MeetingSummary(_Record):
    """A validated, grounded record of one meeting, as in contract.md."""

    meeting_date: str | None = Field(None, description="ISO date YYYY-MM-DD; null if unknown")
    location: Location | None = None
    participants: list[Participant] = Field(default_factory=list)
    region: Region | None = None
    topics: list[Topic] = Field(default_factory=list)
    trade_figures: list[TradeFigure] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    summary: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    # briefx additions
    is_meeting: bool = Field(True, description="False when the article reports no meeting")
    warnings: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    source: Source = Field(default_factory=Source)

    @field_validator("meeting_date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.match(value):
            raise ValueError(f"meeting_date must be YYYY-MM-DD, got {value!r}")
        return value

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("organizations")
    @classmethod
    def _unique_orgs(cls, value: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for name in value:
            seen.setdefault(name.casefold().strip(), name.strip())
        return list(seen.values())

    def _repr_html_(self) -> str:
        """Jupyter's rich display: a card of the record (see ``briefx._notebook``)."""
        from briefx._notebook import record_html

        return record_html(self)
