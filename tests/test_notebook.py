from __future__ import annotations

import builtins
import json
from typing import Any

import pytest

from _dom import Page
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
            _span("location", "MINSK, 25"),  # crosses the date span
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
    assert "<mark" not in card  # no article given or kept: evidence is listed, not highlighted
    assert "bx-card" in record._repr_html_()


def test_card_colours_spans_by_field_family_with_a_legend(record: MeetingSummary) -> None:
    page = Page.of(record_html(record, cleaned_text=TEXT))

    marks = {m.attrs["data-field"]: m for m in page.marks}
    assert marks["participants[0]"].text == "Aleksandr Lukashenko"
    assert marks["location"].text == "MINSK, 25"
    families = {f: marks[f].attrs["class"] for f in ("participants[0]", "meeting_date", "location")}
    assert families["participants[0]"] == marks["participants[1]"].attrs["class"]
    assert len(set(families.values())) == 3  # one class, so one colour, per family
    backgrounds = {page.background(c) for c in families.values()}
    assert len(backgrounds) == 3 and None not in backgrounds
    legend = [e.attrs["data-family"] for e in page.elements if "data-family" in e.attrs]
    assert legend == ["participants", "meeting_date", "location"]  # "bogus" did not match


def test_overlapping_spans_both_stay_visible(record: MeetingSummary) -> None:
    page = Page.of(record_html(record, cleaned_text=TEXT))

    texts = {m.attrs["data-field"]: m.text for m in page.marks}
    assert texts["location"] == "MINSK, 25"  # crosses the date span at "25"
    assert "".join(m.text for m in page.marks if m.attrs["data-field"] == "meeting_date") == (
        "25 August"
    )
    assert "&lt;b&gt;today&lt;/b&gt;" in page.html and "<b>today</b>" not in page.html


def test_crossing_span_is_split_and_anchored_once() -> None:
    text = "abcdefghijklmnopqrstuvwxyz"
    evidence = [
        Evidence(field="region", start=0, end=10, text=text[0:10]),
        Evidence(field="quotes[0]", start=5, end=15, text=text[5:15]),
        Evidence(field="topics[0]", start=5, end=15, text=text[5:15]),  # same extent as quotes
    ]
    record = MeetingSummary(evidence=evidence, source=Source(text=text))
    page = Page.of(record_html(record, prefix="c"))

    pieces = [m for m in page.marks if m.attrs["data-ev"] == "1"]
    assert [m.text for m in pieces] == ["fghij", "klmno"]
    assert [m.attrs.get("id") for m in pieces] == ["c-ev1", None]
    assert "".join(m.text for m in page.marks if m.attrs["data-ev"] == "2") == text[5:15]
    assert {m.attrs.get("id") for m in page.marks} >= {"c-ev0", "c-ev1", "c-ev2"}


def test_every_field_link_points_at_a_span_in_the_card(record: MeetingSummary) -> None:
    page = Page.of(record_html(record, cleaned_text=TEXT))

    links = [e.attrs["href"] for e in page.elements if e.attrs.get("href", "").startswith("#")]
    assert len(links) == 4  # the four located spans; "bogus" has no field entry
    for href in links:
        target = page.by_id(href[1:])
        assert target.tag == "mark"
    ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids))


def test_card_reads_the_article_from_the_record(record: MeetingSummary) -> None:
    with_text = record.model_copy(update={"source": Source(id="v", text=TEXT)})

    page = Page.of(with_text._repr_html_())

    assert {m.attrs["data-field"] for m in page.marks} == {
        "participants[0]",
        "participants[1]",
        "meeting_date",
        "location",
    }


def test_card_without_text_links_fields_to_the_evidence_table(record: MeetingSummary) -> None:
    page = Page.of(record_html(record, prefix="old"))

    links = [e.attrs["href"] for e in page.elements if e.attrs.get("href", "").startswith("#")]
    assert links and all(page.by_id(h[1:]).tag == "tr" for h in links)
    assert "XYZ" in page.html  # the evidence table lists every span


def test_article_text_is_escaped() -> None:
    text = "Before <script>alert(1)</script> after & more"
    start = text.index("alert")
    record = MeetingSummary(
        evidence=[Evidence(field="quotes[0]", start=start, end=start + 8, text="alert(1)")],
        source=Source(text=text),
    )

    card = record_html(record)

    assert "<script" not in card
    assert "&lt;script&gt;" in card and "&amp; more" in card


def test_two_cards_share_no_id(record: MeetingSummary) -> None:
    first = Page.of(record_html(record, cleaned_text=TEXT))
    second = Page.of(record_html(record, cleaned_text=TEXT))

    ids = lambda p: {e.attrs["id"] for e in p.elements if "id" in e.attrs}  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)


def test_text_view_lists_the_record(record: MeetingSummary) -> None:
    text = record_text(record)

    assert "region         Vologda Oblast (RU-VLG)" in text
    assert "participant    Georgy Filimonov | Governor <Vologda> | RU" in text
    assert "trade          2024 turnover exact $678,100,000 (+0.9% y/y)" in text
