"""What the model is asked to fill, with validators that ground every fact.

Validators read the cleaned article from the validation context. In strict
mode an ungrounded fact raises, so instructor re-asks once with the reason;
in lenient mode (after the re-asks) it is dropped and named in ``warnings``.
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
    ungrounded_numbers,
    word_form_in_text,
)
from briefx._language import non_latin
from briefx._normalise import parse_money
from briefx._people import fold, is_org_in_text


def _ctx(info: ValidationInfo) -> dict[str, Any]:
    if isinstance(info.context, dict):
        return info.context
    return validation_context() or {}


def _reject(info: ValidationInfo, what: str, bad: list[str], *, reask: bool = True) -> None:
    """Raise (strict) so the model is re-asked, or record (lenient, or no ``reask``) and go on."""
    if not bad:
        return
    ctx = _ctx(info)
    message = f"{what} not found in the article: {bad}"
    if ctx.get("lenient") or not reask:
        ctx.setdefault("warnings", []).append(f"dropped {message}")
        return
    raise ValueError(message + ". Use only what the ARTICLE says, copied exactly.")


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
    summary: str = Field("", description="One or two sentences in English", max_length=600)

    @property
    def is_meeting(self) -> bool:
        return self.kind == "meeting"

    @field_validator("summary")
    @classmethod
    def _grounded_summary(cls, summary: str, info: ValidationInfo) -> str:
        """No number or date in the summary that the article does not contain."""
        text = _ctx(info).get("text")
        if not text or not summary:
            return summary
        problem = _summary_problem(summary, text)
        if problem and _ctx(info).get("lenient"):
            _ctx(info).setdefault("warnings", []).append(f"dropped summary: {problem}")
            return ""
        if problem:
            raise ValueError(f"{problem}. Write it again in English, only with the ARTICLE's facts")
        return summary

    @field_validator("participants")
    @classmethod
    def _grounded(cls, people: list[Person], info: ValidationInfo) -> list[Person]:
        text = _ctx(info).get("text")
        if not text:
            return people
        keep = [p for p in people if _name_in(p.name, text)]
        _reject(info, "participants", [p.name for p in people if p not in keep])
        return keep


def _summary_problem(summary: str, text: str) -> str | None:
    """Why a summary cannot stand: not in English letters, or facts the article lacks."""
    if non_latin(summary):
        return "the summary is not written in English (Latin letters)"
    bad = ungrounded_numbers(summary, text)
    return f"the summary states {bad}, which the article does not contain" if bad else None


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
        keep = [n for n in names if n.strip() and _org_in(n.strip(" \"'«»“”‘’"), text)]
        _reject(info, "organizations", [n for n in names if n not in keep])
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
        # Dropped, never re-asked: the rules find the quotes in quotation marks
        # first, and the model's rewrite of the whole answer cost more than it won.
        _reject(info, "quotes (not verbatim)", bad, reask=False)
        return keep


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
        _reject(info, "trade amounts", bad)
        return keep


# The facts pass asks only for what the rules leave open (``facts_fields``):
# each part is its own model, and a question is any combination of them.
_FACT_PARTS: dict[str, type[BaseModel]] = {
    "agreements": _AgreementsPart,
    "quotes": _QuotesPart,
    "trade_figures": _TradePart,
}
FACT_FIELDS: tuple[str, ...] = tuple(_FACT_PARTS)


class FactsAnswer(_TradePart, _QuotesPart, _AgreementsPart):
    """Pass 3: agreements, quotes and trade amounts."""

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
    return word_form_in_text(surname, text) is not None


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    return fold(text)
