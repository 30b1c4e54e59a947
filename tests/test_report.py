"""The batch report: one offline HTML page of a real batch of the example articles
(model answers replayed from the cassettes), read back as a DOM."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import briefx
from _dom import Page
from briefx._errors import InputError, UsageError
from briefx._report import COVERAGE_FIELDS, render
from briefx.cli import EXIT_OK, EXIT_USAGE, main


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def page(example_batch: Path, tmp_path_factory: pytest.TempPathFactory) -> Page:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert briefx.report(example_batch, out) == out
    return Page.of(out.read_text(encoding="utf-8"))


def test_every_record_has_its_card_in_input_order(page: Page, example_batch: Path) -> None:
    lines = _lines(example_batch)

    sections = page.with_class("bx-rec")

    assert [s.children[0].text for s in sections] == [line["id"] for line in lines]
    for section, line in zip(sections, lines, strict=True):
        cards = [c for c in section.children if "bx-card" in c.attrs.get("class", "")]
        assert len(cards) == 1
        assert section.attrs["data-kind"] == line["kind"]
        assert section.attrs["data-date"] == (line["meeting_date"] or "")
        region = line["region"]["iso_code"] if line["region"] else "-"
        assert section.attrs["data-region"] == region


def test_cards_show_the_article_from_source_text(page: Page, example_batch: Path) -> None:
    lines = _lines(example_batch)
    spans = sum(len(line["evidence"]) for line in lines)

    anchored = [m for m in page.marks if m.attrs.get("id", "").startswith("r")]

    assert all(line["source"]["text"] for line in lines)
    # Every span of every record is anchored once in its record's card (the
    # events section repeats some cards, with ids of their own).
    assert len(anchored) == spans


def test_ids_are_unique_and_every_link_has_its_target(page: Page) -> None:
    ids = Counter(e.attrs["id"] for e in page.elements if "id" in e.attrs)
    links = [e.attrs["href"][1:] for e in page.elements if e.attrs.get("href", "").startswith("#")]

    assert [i for i, n in ids.items() if n > 1] == []
    assert links and [link for link in links if link not in ids] == []


def test_region_chart_has_one_bar_per_region_with_meetings(page: Page, example_batch: Path) -> None:
    meetings: dict[str, set[str]] = {}
    for line in _lines(example_batch):
        if line["region"] and line["is_meeting"]:
            meetings.setdefault(line["region"]["name"], set()).add(line["event_id"])

    charts = [e for e in page.elements if e.tag == "svg"]
    bars = [c for c in charts[0].children if c.tag == "rect"]

    assert sorted(b.attrs["data-key"] for b in bars) == sorted(meetings)
    widths = {b.attrs["data-key"]: float(b.attrs["width"]) for b in bars}
    most = max(meetings, key=lambda name: len(meetings[name]))
    assert widths[most] == max(widths.values())


def test_coverage_chart_gives_each_fields_share(page: Page, example_batch: Path) -> None:
    lines = _lines(example_batch)
    charts = [e for e in page.elements if e.tag == "svg"]

    bars = [c for c in charts[2].children if c.tag == "rect"]
    shares = {b.attrs["data-key"]: b.children[0].text.split(": ")[1] for b in bars}

    assert list(shares) == list(COVERAGE_FIELDS)
    for name, shown in shares.items():
        have = sum(bool(line[name]) for line in lines)
        assert shown == f"{have / len(lines):.0%}", name
    assert len(set(shares.values())) > 1  # real data: not every field equally filled


def test_trade_chart_has_a_point_per_distinct_figure(page: Page, example_batch: Path) -> None:
    figures = {
        (line["event_id"], f["period"], f["flow"], f["amount_usd"])
        for line in _lines(example_batch)
        for f in line["trade_figures"]
        if f["period"] or line["meeting_date"]
    }

    points = page.with_class("bx-point")

    assert figures and len(points) == len(figures)


def test_events_reported_by_several_outlets_sit_side_by_side(
    page: Page, example_batch: Path
) -> None:
    shared = Counter(line["event_id"] for line in _lines(example_batch))
    expected = {event for event, n in shared.items() if n > 1}

    events = page.with_class("bx-event")

    assert expected and {e.attrs["data-event"] for e in events} == expected
    for event in events:
        row = next(c for c in event.children if "bx-side-by-side" in c.attrs.get("class", ""))
        assert len(row.children) == shared[event.attrs["data-event"]]
        assert "Merged:" in event.text  # the events file's merged view


def test_the_page_loads_nothing_from_the_network(page: Page) -> None:
    for element in page.elements:
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            assert not re.match(r"\s*(https?:)?//", element.attrs.get(name, "")), element
    assert not [e for e in page.elements if e.tag in ("link", "iframe", "img", "object")]
    assert all("url(" not in css and "@import" not in css for css in page.styles)
    assert len(page.scripts) == 1  # the inline filter script, nothing else


def test_article_markup_is_escaped(tmp_path: Path, example_batch: Path) -> None:
    line = _lines(example_batch)[0]
    hostile = "<script>alert('x')</script> and <img src=https://evil.example/p.png>"
    line["source"]["text"] = hostile + line["source"]["text"]  # no evidence matches now
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(line) + "\n", encoding="utf-8")

    html = briefx.report(records, tmp_path / "r.html").read_text(encoding="utf-8")
    page = Page.of(html)

    assert len(page.scripts) == 1 and "alert" not in page.scripts[0]
    assert not [e for e in page.elements if e.tag == "img"]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_records_from_an_older_version_without_text_still_report(
    tmp_path: Path, example_batch: Path
) -> None:
    lines = _lines(example_batch)[:3]
    for line in lines:
        del line["source"]["text"]
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    page = Page.of(briefx.report(records, tmp_path / "r.html").read_text(encoding="utf-8"))

    assert len(page.with_class("bx-rec")) == 3
    assert page.marks == [] and len(page.with_class("bx-evidence")) == 3
    links = [e.attrs["href"][1:] for e in page.elements if e.attrs.get("href", "").startswith("#")]
    assert links and all(page.by_id(link).tag == "tr" for link in links)


def test_missing_events_file_groups_by_event_id(tmp_path: Path, example_batch: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_bytes(example_batch.read_bytes())  # no records.events.jsonl beside it

    page = Page.of(briefx.report(records, tmp_path / "r.html").read_text(encoding="utf-8"))

    assert page.with_class("bx-event") and "Merged:" not in page.by_id("bx-events").text


def test_missing_results_file_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.jsonl"

    with pytest.raises(InputError, match=re.escape(str(missing))):
        briefx.report(missing, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_unwritable_output_is_a_usage_error(tmp_path: Path, example_batch: Path) -> None:
    out = tmp_path / "no-such-folder" / "r.html"

    with pytest.raises(UsageError, match=r"cannot write the report to .*no-such-folder"):
        briefx.report(example_batch, out)


def test_cli_report_writes_the_page(
    tmp_path: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"

    assert main(["report", str(example_batch), "-o", str(out)]) == EXIT_OK

    assert capsys.readouterr().out.strip() == f"report: {out}"
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_cli_report_of_a_missing_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "gone.jsonl"

    assert main(["report", str(missing), "-o", str(tmp_path / "r.html")]) == EXIT_USAGE

    err = capsys.readouterr().err
    assert err.startswith("briefx: error: cannot read") and str(missing) in err


def test_empty_batch_gives_a_page_saying_so() -> None:
    page = Page.of(render([], [], title="empty.jsonl"))

    assert "no records" in page.by_id("bx-records").text
    assert page.by_id("bx-shown").text == "0"
