from __future__ import annotations

import builtins
import json
import re
from typing import Any

import pytest

from briefx._errors import UsageError
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
from briefx._notebook import flatten_record, record_html, record_text, to_dataframe

TEXT = "MINSK, 25 August (BelTA) - Aleksandr Lukashenko met Georgy Filimonov <b>today</b>."


def _span(field: str, needle: str) -> Evidence:
    start = TEXT.index(needle)
    return Evidence(field=field, start=start, end=start + len(needle), text=needle)


@pytest.fixture
def record() -> MeetingSummary:
    return MeetingSummary(
        meeting_date="2025-08-25",
        location=Location(city="Minsk", country="BY"),
        participants=[
            Participant(name="Aleksandr Lukashenko", position="President of Belarus", country="BY"),
            Participant(name="Georgy Filimonov", position="Governor <Vologda>", country="RU"),
        ],
        region=Region(name="Vologda Oblast", iso_code="RU-VLG"),
        topics=["machinery", "elevators"],
        trade_figures=[TradeFigure(period="2024", amount_usd=678.1e6, growth_pct=0.9)],
        organizations=["MAZ", "Amkodor & Co"],
        agreements=[Agreement(title="Roadmap", status="signed")],
        quotes=[Quote(speaker="Lukashenko", text="We are <friends>")],
        summary="Lukashenko met the Vologda governor.",
        evidence=[
            _span("participants[0]", "Aleksandr Lukashenko"),
            _span("participants[1]", "Georgy Filimonov"),
            _span("meeting_date", "25 August"),
            _span("location", "MINSK, 25"),  # overlaps the date span: the earlier one wins
            Evidence(field="bogus", start=0, end=3, text="XYZ"),  # does not match the text
        ],
        warnings=["date resolved from dateline"],
        usage=Usage(prompt_tokens=900, completion_tokens=120, calls=1),
        source=Source(id="vologda-belta"),
    )


def test_dataframe_has_one_row_per_record_with_flat_columns(record: MeetingSummary) -> None:
    other = record.model_copy(update={"meeting_date": None, "source": Source(id="b")})

    frame = to_dataframe([record, other.model_dump(mode="json")])

    assert len(frame) == 2
    assert list(frame["source.id"]) == ["vologda-belta", "b"]
    assert frame.loc[0, "region.iso_code"] == "RU-VLG"
    assert frame.loc[0, "topics"] == ["machinery", "elevators"]
    assert frame["meeting_date"].isna().tolist() == [False, True]


def test_explode_gives_one_row_per_item_with_item_columns(record: MeetingSummary) -> None:
    empty = MeetingSummary(source=Source(id="empty"))

    people = to_dataframe([record, empty], explode="participants")
    topics = to_dataframe([record], explode="topics")

    assert list(people["participants.name"][:2]) == ["Aleksandr Lukashenko", "Georgy Filimonov"]
    assert list(people["participants.country"][:2]) == ["BY", "RU"]
    assert list(people["source.id"]) == ["vologda-belta", "vologda-belta", "empty"]
    assert "participants" not in people.columns
    assert list(topics["topics"]) == ["machinery", "elevators"]


def test_explode_rejects_unknown_field(record: MeetingSummary) -> None:
    with pytest.raises(UsageError, match="cannot explode 'summary'"):
        to_dataframe([record], explode="summary")


def test_missing_pandas_gives_install_hint(
    record: MeetingSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(UsageError) as info:
        to_dataframe([record])
    assert info.value.hint == "pip install 'briefx[notebook]'"


def test_flatten_record_joins_strings_and_encodes_objects(record: MeetingSummary) -> None:
    row = flatten_record(record)

    assert row["topics"] == "machinery; elevators"
    assert row["location.city"] == "Minsk"
    assert json.loads(row["trade_figures"])[0]["amount_usd"] == 678.1e6
    assert all(not isinstance(v, (list, dict)) for v in row.values())


def test_card_escapes_everything_and_shows_each_section(record: MeetingSummary) -> None:
    card = record_html(record)

    for expected in (
        "2025-08-25",
        "Minsk, BY",
        "RU-VLG",
        "Georgy Filimonov",
        "machinery",
        "678,100,000",
    ):
        assert expected in card
    assert "Governor &lt;Vologda&gt;" in card and "<Vologda>" not in card
    assert "We are &lt;friends&gt;" in card
    assert "Amkodor &amp; Co" in card
    assert "Roadmap" in card and "signed" in card
    assert "date resolved from dateline" in card
    assert "900+120" in card
    assert "<mark" not in card  # no article given: evidence is listed, not highlighted
    assert record._repr_html_() == card


def test_card_highlights_matching_evidence_spans(record: MeetingSummary) -> None:
    card = record_html(record, cleaned_text=TEXT)

    marks = re.findall(r"<mark title='([^']*)'>([^<]*)</mark>", card)
    assert marks == [
        ("location", "MINSK, 25"),
        ("participants[0]", "Aleksandr Lukashenko"),
        ("participants[1]", "Georgy Filimonov"),
    ]
    assert "&lt;b&gt;today&lt;/b&gt;" in card and "<b>today</b>" not in card


def test_text_view_lists_the_record(record: MeetingSummary) -> None:
    text = record_text(record)

    assert "region         Vologda Oblast (RU-VLG)" in text
    assert "participant    Georgy Filimonov | Governor <Vologda> | RU" in text
    assert "trade          2024 turnover exact $678,100,000 (+0.9% y/y)" in text
