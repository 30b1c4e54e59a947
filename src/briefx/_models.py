"""The MeetingSummary record: the contract's fields, plus grounding and usage.

Field names and JSON types follow ``contract.md`` exactly; briefx only adds
fields (``is_meeting``, ``warnings``, ``usage``, ``source``).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = "2"

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
# What the article reports: only a held meeting fills the contract's meeting fields.
Kind = Literal["meeting", "announcement", "phone_call", "message", "other"]

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


class RecordWarning(_Record):
    """Something the record's reader should know: a dropped fact, a guess, a disagreement.

    ``code`` says which kind (``dropped``, ``left_out``, ``inferred``,
    ``disagreement``, ``note``); ``candidates`` holds both values when the rules
    and the model disagreed, the kept one first.
    """

    code: str = Field("note", description="dropped, left_out, inferred, disagreement or note")
    field: str | None = Field(None, description="The record field it is about, if one")
    message: str
    candidates: list[str] = Field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    def __contains__(self, text: str) -> bool:
        return text in self.message

    @classmethod
    def of(cls, value: RecordWarning | str) -> RecordWarning:
        """A warning from the plain text older records and the stages below keep."""
        if isinstance(value, RecordWarning):
            return value
        for prefix, code in _WARNING_CODES:
            if value.startswith(prefix):
                return cls(code=code, message=value)
        return cls(code="inferred" if "inferred" in value else "note", message=value)


_WARNING_CODES = (("dropped", "dropped"), ("left out", "left_out"))


class Source(_Record):
    """Where the article came from and what cleaning learned about it."""

    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    dateline: str | None = None
    language: str | None = Field(None, description="BCP-47 tag of the article's language: 'ru'")
    # Kept so a record can show its own article (the notebook card, the report);
    # records cached or written by older versions have none.
    text: str | None = Field(
        None, description="The cleaned article that evidence offsets point into"
    )


# The fields whose coverage a batch summary and the report count.
COVERAGE_FIELDS: tuple[str, ...] = (
    "meeting_date",
    "region",
    "location",
    "participants",
    "topics",
    "trade_figures",
    "organizations",
    "agreements",
    "quotes",
)


class MeetingSummary(_Record):
    """A validated, grounded record of one meeting, as in contract.md."""

    # The published schema also describes a batch line (see ``BatchRecord``).
    model_config = ConfigDict(json_schema_extra=lambda schema: _with_batch_keys(schema))

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
    is_meeting: bool = Field(True, description="False when the article reports no held meeting")
    kind: Kind = Field(
        "meeting", description="meeting, announcement, phone_call, message or other (no meeting)"
    )
    warnings: list[RecordWarning] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    source: Source = Field(default_factory=Source)

    @field_validator("meeting_date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None and not _DATE.match(value):
            raise ValueError(f"meeting_date must be YYYY-MM-DD, got {value!r}")
        return value

    @field_validator("warnings", mode="before")
    @classmethod
    def _structured_warnings(cls, value: list[RecordWarning | str | dict[str, Any]]) -> list[Any]:
        return [RecordWarning.of(w) if isinstance(w, (str, RecordWarning)) else w for w in value]

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
        """Jupyter's rich display: a card of the record (see ``briefx._card``)."""
        from briefx._card import record_html

        return record_html(self)


class BatchRecord(MeetingSummary):
    """One line of a batch's records file: the record plus the batch's two keys.

    ``id`` names the input (file stem, JSONL ``id``, ...), as ``source.id`` does;
    ``event_id`` is shared by every record that reports the same meeting and is
    set when the batch finishes (a line read while a batch runs has none yet).
    """

    id: str = Field(description="The input's id in its batch; the same as source.id")
    event_id: str | None = Field(
        None, description="Shared by the batch records that report one meeting"
    )

    def to_summary(self) -> MeetingSummary:
        """The record without the batch's keys, as ``extract()`` returns it."""
        return MeetingSummary.model_validate(self.model_dump(exclude={"id", "event_id"}))


def _with_batch_keys(schema: dict[str, Any]) -> None:
    """Name ``id`` and ``event_id`` in the published schema, optional, so that both a
    batch line and an ``extract()`` record (which has neither) validate against it."""
    fields = BatchRecord.model_fields
    properties = schema.setdefault("properties", {})
    properties.setdefault(
        "id", {"title": "Id", "type": "string", "description": fields["id"].description}
    )
    properties.setdefault(
        "event_id",
        {
            "title": "Event Id",
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "default": None,
            "description": fields["event_id"].description,
        },
    )
