"""Merging rule findings and model answers: what survives grounding and why."""

from __future__ import annotations

from briefx._answers import Agreement, CompaniesAnswer, FactsAnswer, PeopleAnswer, Person, Quote
from briefx._assemble import assemble
from briefx._prepare import prepare


def _facts(**kw: object) -> FactsAnswer:
    return FactsAnswer.model_validate({"agreements": [], "quotes": [], "trade_figures": [], **kw})


NO_COMPANIES = CompaniesAnswer()


def test_mentioned_people_are_dropped_present_ones_kept(seed_texts: dict[str, str]) -> None:
    prep = prepare(seed_texts["smolensk-press-release"], source_id="smolensk")
    people = PeopleAnswer(
        kind="meeting",
        participants=[
            Person(name="Aleksandr Lukashenko", position="Belarusian President", country="BY"),
            Person(name="Vasily Anokhin", position="Smolensk Oblast Governor", country="RU"),
            Person(name="Vladimir Putin", position="President of Russia", country="RU"),
        ],
    )
    record = assemble(prep, people, NO_COMPANIES, _facts())
    assert [p.name for p in record.participants] == ["Aleksandr Lukashenko", "Vasily Anokhin"]
    assert any("Putin" in w for w in record.warnings)
    assert record.participants[1].country == "RU"
    assert record.meeting_date == "2024-11-18"
    assert record.region is not None and record.region.iso_code == "RU-SMO"


def test_every_fact_cites_the_cleaned_text(seed_texts: dict[str, str]) -> None:
    prep = prepare(seed_texts["penza-belta-doubled"])
    people = PeopleAnswer(
        kind="meeting",
        participants=[
            Person(name="Oleg Melnichenko", position="Governor of Penza Oblast", country="RU")
        ],
    )
    facts = _facts(
        quotes=[{"speaker": "Aleksandr Lukashenko", "text": "We should rely on ourselves."}],
    )
    record = assemble(prep, people, CompaniesAnswer(organizations=["MAZ", "GRAZ"]), facts)
    assert len(record.trade_figures) == 4 and record.quotes
    for ev in record.evidence:
        assert prep.text[ev.start : ev.end] == ev.text
    fields = {ev.field for ev in record.evidence}
    assert {"participants[0]", "organizations[1]", "quotes[0]", "trade_figures[3]"} <= fields


def test_unquoted_sentence_is_not_a_quote(seed_texts: dict[str, str]) -> None:
    prep = prepare(seed_texts["vologda-belta"])
    sentence = "Belarus’ main exports include liquid crystal devices, lasers"
    facts = FactsAnswer.model_construct(
        agreements=[], trade_figures=[], quotes=[Quote(speaker="", text=sentence)]
    )
    record = assemble(prep, PeopleAnswer(kind="meeting"), NO_COMPANIES, facts)
    assert all(sentence not in q.text for q in record.quotes)
    assert any("quotation marks" in w for w in record.warnings)


def test_agreements_need_a_sentence_naming_a_document(seed_texts: dict[str, str]) -> None:
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
    record = assemble(prep, PeopleAnswer(kind="meeting"), NO_COMPANIES, facts)
    assert [(a.title, a.status) for a in record.agreements] == [
        ("three-year cooperation development program", "signed"),
    ]
    assert any("multi-brand service center" in w for w in record.warnings)  # not a document


def test_agreement_status_comes_from_the_sentence() -> None:
    text = (
        "MINSK, 2 May (BelTA) - Aleksandr Lukashenko met with Governor of Omsk Oblast "
        "Vitaly Khotsenko. We signed a roadmap for 2025-2027. An agreement on elevator "
        "assembly is to be signed before the end of the year."
    )
    facts = _facts(
        agreements=[
            {
                "title": "roadmap",
                "status": "proposed",
                "evidence": "We signed a roadmap for 2025-2027",
            },
            {
                "title": "elevator assembly agreement",
                "status": "signed",
                "evidence": (
                    "An agreement on elevator assembly is to be signed before the end of the year"
                ),
            },
        ]
    )
    record = assemble(prepare(text), PeopleAnswer(kind="meeting"), NO_COMPANIES, facts)
    assert [a.status for a in record.agreements] == ["signed", "planned"]


def test_model_first_name_replaced_by_the_articles_own() -> None:
    text = (
        "KAZAN, 2 May (BelTA) - Aleksandr Turchin met with Rustam Minnikhanov. "
        "\u201cWe are ready,\u201d Rustam Minnikhanov said."
    )
    people = PeopleAnswer(
        kind="meeting",
        participants=[Person(name="Rais Minnikhanov", position="Rais of Tatarstan", country="RU")],
    )
    record = assemble(prepare(text), people, NO_COMPANIES, _facts())
    assert [p.name for p in record.participants] == ["Rustam Minnikhanov"]


def test_no_meeting_gives_no_date_place_region_or_trade() -> None:
    text = (
        "MINSK, 4 February (BelTA) - Belarus exported dairy products worth $2.9 billion "
        "in 2024, up 8%, the ministry said. Russia remains the main market."
    )
    prep = prepare(text)
    record = assemble(prep, PeopleAnswer(kind="meeting"), NO_COMPANIES, _facts())
    assert not record.is_meeting
    assert (record.meeting_date, record.location, record.region) == (None, None, None)
    assert record.trade_figures == [] and record.participants == []


def test_evidence_maps_back_to_the_input_as_given(seed_texts: dict[str, str]) -> None:
    raw = seed_texts["vologda-belta"]  # with navigation lines the cleaning removed
    people = PeopleAnswer(kind="meeting", participants=[Person(name="Georgy Filimonov")])
    record = assemble(prepare(raw), people, NO_COMPANIES, _facts())
    assert record.evidence
    for ev in record.evidence:
        assert ev.source_start is not None and ev.source_end is not None
        assert raw[ev.source_start : ev.source_end] == ev.text
    assert any(ev.source_start != ev.start for ev in record.evidence)
