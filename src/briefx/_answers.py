"""What the model is asked to fill, with validators that ground every fact.

Validators read the cleaned article from the validation context and keep
only what the article supports; the rest is dropped and named in the
record's warnings (code ``dropped``, with its field). They never ask the
model again: a re-ask re-sends the conversation and regenerates the whole
answer, and a small model that could not ground a fact the first time
rarely can the second. Only an answer that is not the schema's JSON is
re-asked (``briefx._client``).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from briefx._context import validation_context
from briefx._grounding import (
    align,
    find_verbatim,
    number_in_text,
    word_form_in_text,
)
from briefx._language import same_name_key, unreadable_script
from briefx._models import RecordWarning, Topic
from briefx._normalise import parse_money
from briefx._people import fold, is_org_in_text


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    if isinstance(info.context, dict):
        return info.context
    return validation_context() or {}


def _reject(info: ValidationInfo, field: str, what: str, bad: list[str]) -> None:
    """Name what was dropped in the record's warnings, on its field."""
    if not bad:
        return
    _ctx(info).setdefault("warnings", []).append(
        RecordWarning(
            code="dropped",
            field=field,
            message=f"dropped {what} not found in the article: {bad}",
        )
    )


class Person(BaseModel):
    name: str = Field(description="Full name as written in the article")
    position: str = Field("", description="Title, e.g. 'Governor of Penza Oblast'")
    country: str = Field("", description="Two-letter code: BY for Belarus, RU for Russia")


Kind = Literal["meeting", "announcement", "phone_call", "message", "other"]


class PeopleAnswer(BaseModel):
    """Pass 1: what kind of report, and who took part."""

    # Output caps that fit the fields (8 people, three short quotes, two sentences):
    # a small model that starts repeating itself stops there, not at 1024 tokens.
    max_tokens: ClassVar[int] = 600

    kind: Kind = Field("meeting", description="meeting, announcement, phone_call, message or other")
    participants: list[Person] = Field(default_factory=list, max_length=8)
    # Quoted as written: briefx's normalisers make them canonical, and check them
    # against its own finders (a disagreement is kept in the record's warnings).
    region: str = Field("", description="The Russian region, as written in the article")
    city: str = Field("", description="Where they met, as written in the article")
    when: str = Field("", description="The day of the meeting, as written in the article")

    @property
    def is_meeting(self) -> bool:
        return self.kind == "meeting"

    @field_validator("participants")
    @classmethod
    def _grounded(cls, people: list[Person], info: ValidationInfo) -> list[Person]:
        text = _ctx(info).get("text")
        if not text:
            return people
        keep = [p for p in people if _name_in(p.name, text)]
        _reject(info, "participants", "participants", [p.name for p in people if p not in keep])
        return keep


class Quote(BaseModel):
    speaker: str = ""
    text: str = Field(description="Copied word for word from the article")


class Agreement(BaseModel):
    title: str
    status: Literal["signed", "planned", "proposed"]
    evidence: str = Field("", description="The sentence of the article that states it")


class Trade(BaseModel):
    amount_text: str = Field(description="The amount exactly as written, e.g. '$4.4 billion'")
    period: str | None = Field(None, description="'2024' or '2025-01/2025-06'")
    flow: Literal["turnover", "exports", "imports"] = "turnover"


class CompaniesAnswer(BaseModel):
    """Pass 2: companies, plants and holdings."""

    max_tokens: ClassVar[int] = 256

    organizations: list[str] = Field(default_factory=list, max_length=15)

    @field_validator("organizations")
    @classmethod
    def _orgs(cls, names: list[str], info: ValidationInfo) -> list[str]:
        text = _ctx(info).get("text")
        if not text:
            return names
        names = [part for n in names for part in _listed(n, text)]
        keep = [n for n in names if n.strip() and _org_in(n.strip(" \"'«»“”‘’"), text)]
        _reject(info, "organizations", "organizations", [n for n in names if n not in keep])
        return keep


class _AgreementsPart(BaseModel):
    agreements: list[Agreement] = Field(default_factory=list, max_length=5)


class _QuotesPart(BaseModel):
    quotes: list[Quote] = Field(default_factory=list, max_length=3)

    @field_validator("quotes")
    @classmethod
    def _verbatim(cls, quotes: list[Quote], info: ValidationInfo) -> list[Quote]:
        text = _ctx(info).get("text")
        if not text:
            return quotes
        keep, bad = [], []
        for quote in quotes:
            span = find_verbatim(quote.text, text)
            if span is None:
                bad.append(quote.text[:60])
            else:  # make it verbatim: the article's own characters
                keep.append(Quote(speaker=quote.speaker, text=text[span.start : span.end]))
        _reject(info, "quotes", "quotes (not verbatim)", bad)
        return keep


class _TopicsPart(BaseModel):
    # Asked only in a language the topic cues do not cover (``facts_fields``).
    topics: list[Topic] = Field(default_factory=list, max_length=6)


class _TradePart(BaseModel):
    trade_figures: list[Trade] = Field(default_factory=list, max_length=8)

    @field_validator("trade_figures")
    @classmethod
    def _numbers(cls, figures: list[Trade], info: ValidationInfo) -> list[Trade]:
        text = _ctx(info).get("text")
        if not text:
            return figures
        keep, bad = [], []
        for fig in figures:
            parsed = parse_money(fig.amount_text)
            if parsed is not None and number_in_text(parsed[0], text) is not None:
                keep.append(fig)
            else:
                bad.append(fig.amount_text)
        _reject(info, "trade_figures", "trade amounts", bad)
        return keep


# The facts pass asks only for what the rules leave open (``facts_fields``):
# each part is its own model, and a question is any combination of them.
_FACT_PARTS: dict[str, type[BaseModel]] = {
    "agreements": _AgreementsPart,
    "quotes": _QuotesPart,
    "trade_figures": _TradePart,
    "topics": _TopicsPart,
}
FACT_FIELDS: tuple[str, ...] = tuple(_FACT_PARTS)


class FactsAnswer(_TopicsPart, _TradePart, _QuotesPart, _AgreementsPart):
    """Pass 3: agreements, quotes, trade amounts and topics."""

    max_tokens: ClassVar[int] = 900

    @classmethod
    def asking(cls, fields: frozenset[str]) -> type[BaseModel]:
        """The facts pass's model with only ``fields``, in ``FACT_FIELDS`` order."""
        return _facts_model(tuple(f for f in FACT_FIELDS if f in fields))

    @classmethod
    def of(cls, answer: BaseModel) -> FactsAnswer:
        """A partial answer as the whole one; the fields not asked are empty."""
        if type(answer) is cls:
            return answer
        return cls.model_construct(**{n: getattr(answer, n) for n in type(answer).model_fields})


@cache
def _facts_model(fields: tuple[str, ...]) -> type[BaseModel]:
    if fields == FACT_FIELDS:
        return FactsAnswer
    # Bases in reverse so that the JSON schema lists the fields in FACT_FIELDS order.
    bases = tuple(_FACT_PARTS[f] for f in reversed(fields)) or (BaseModel,)
    namespace = {
        "__module__": __name__,
        "__doc__": FactsAnswer.__doc__,
        "__annotations__": {"max_tokens": "ClassVar[int]"},
        "max_tokens": FactsAnswer.max_tokens,
    }
    return type("FactsAnswer", bases, namespace)


# "Gaz and MAZ" in one item: a small model's list inside a list.
_LISTED = re.compile(r"\s*[,;/]\s*|\s+(?:and|und|и|і|i|e|y|és|oraz)\s+", re.I)


def _listed(name: str, text: str) -> list[str]:
    """One candidate, or the companies it lists when the article does not name it whole."""
    parts = [p for p in _LISTED.split(name) if p.strip()]
    if len(parts) < 2 or _org_in(name.strip(" \"'«»“”‘’"), text):
        return [name]
    return parts


def _org_in(name: str, text: str) -> bool:
    """A company is grounded when the article names it, in any case ("Belshina", "Белшиной")."""
    if is_org_in_text(name, text):
        return True
    return " " not in name.strip() and word_form_in_text(name, text) is not None


_HONORIFIC = re.compile(r"^(mr|mrs|ms|dr|president|governor)\.?\s+", re.I)


def _name_in(name: str, text: str) -> bool:
    """A person is grounded when the surname occurs in the article."""
    name = _HONORIFIC.sub("", name.strip())
    if not name:
        return False
    surname = name.split()[-1]
    if len(surname) < 2:
        return False
    # Folding transliterates, so a Latin name is found in a Russian article.
    if align(surname, text, threshold=90.0) is not None or fold(surname) in _folded(text):
        return True
    if word_form_in_text(surname, text) is not None:
        return True
    # Another spelling system ("Łukaszenka" for "Lukashenko"), or a script that
    # has no Latin reading here (Chinese, Japanese): grounded as far as it can be.
    return any(same_name_key(w, surname) for w in _capitalised(text)) or unreadable_script(text)


@lru_cache(maxsize=16)
def _capitalised(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\b[^\W\d_a-z][^\W\d_]{3,}", text))


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    return fold(text)
