"""Merging rule findings and model answers: what survives grounding and why."""

from __future__ import annotations

from briefx._answers import Agreement, FactsAnswer, PeopleAnswer, Person, Quote
from briefx._assemble import assemble
from briefx._prepare import prepare


def _facts(**kw: object) -> FactsAnswer:
    return FactsAnswer.model_validate(
        {"organizations": [], "agreements": [], "quotes": [], "trade_figures": [], **kw}
    )


def test_mentioned_people_are_dropped_present_ones_kept(seed_texts: dict[str, str]) -> None:
    prep = prepare(seed_texts["smolensk-press-release"], source_id="smolensk")
    people = PeopleAnswer(
        is_meeting=True,
        participants=[
            Person(name="Aleksandr Lukashenko", position="Belarusian President", country="BY"),
            Person(name="Vasily Anokhin", position="Smolensk Oblast Governor", country="RU"),
            Person(name="Vladimir Putin", position="President of Russia", country="RU"),
        ],
    )
    record = assemble(prep, people, _facts())
    assert [p.name for p in record.participants] == ["Aleksandr Lukashenko", "Vasily Anokhin"]
    assert any("Putin" in w for w in record.warnings)
    assert record.participants[1].country == "RU"
    assert record.meeting_date == "2024-11-18"
    assert record.region is not None and record.region.iso_code == "RU-SMO"


def test_every_fact_cites_the_cleaned_text(seed_texts: dict[str, str]) -> None:
    prep = prepare(seed_texts["penza-belta-doubled"])
    people = PeopleAnswer(
        is_meeting=True,
        participants=[
            Person(name="Oleg Melnichenko", position="Governor of Penza Oblast", country="RU")
        ],
    )
    facts = _facts(
        organizations=["MAZ", "GRAZ"],
        quotes=[{"speaker": "Aleksandr Lukashenko", "text": "We should rely on ourselves."}],
    )
    record = assemble(prep, people, facts)
    assert len(record.trade_figures) == 4 and record.quotes
    for ev in record.evidence:
        assert prep.text[ev.start : ev.end] == ev.text
    fields = {ev.field for ev in record.evidence}
    assert {"participants[0]", "organizations[1]", "quotes[0]", "trade_figures[3]"} <= fields


def test_unquoted_sentence_is_not_a_quote(seed_texts: dict[str, str]) -> None:
    prep = prepare(seed_texts["vologda-belta"])
    sentence = "Belarus’ main exports include liquid crystal devices, lasers"
    facts = FactsAnswer.model_construct(
        organizations=[], agreements=[], trade_figures=[], quotes=[Quote(speaker="", text=sentence)]
    )
    record = assemble(prep, PeopleAnswer(is_meeting=True), facts)
    assert record.quotes == []
    assert any("quotation marks" in w for w in record.warnings)


def test_signed_needs_a_signing_sentence(seed_texts: dict[str, str]) -> None:
    prep = prepare(seed_texts["vologda-rewrite"])
    facts = _facts()
    facts.agreements = [
        Agreement(
            title="three-year cooperation development program",
            status="signed",
            evidence="A new three-year cooperation development program has been signed",
        ),
        Agreement(
            title="multi-brand service center",
            status="signed",
            evidence="create a multi-brand service center",
        ),
    ]
    record = assemble(prep, PeopleAnswer(is_meeting=True), facts)
    assert [(a.title, a.status) for a in record.agreements] == [
        ("three-year cooperation development program", "signed"),
        ("multi-brand service center", "proposed"),
    ]


def test_no_meeting_gives_no_date_place_region_or_trade() -> None:
    text = (
        "MINSK, 4 February (BelTA) - Belarus exported dairy products worth $2.9 billion "
        "in 2024, up 8%, the ministry said. Russia remains the main market."
    )
    prep = prepare(text)
    record = assemble(prep, PeopleAnswer(is_meeting=True), _facts())
    assert not record.is_meeting
    assert (record.meeting_date, record.location, record.region) == (None, None, None)
    assert record.trade_figures == [] and record.participants == []
