"""The report as a browser renders it: Debian's chromium, headless, driven by playwright.

Skipped when playwright or a chromium binary is missing (playwright's own
browser download is not used: the system chromium is). Screenshots of the
page and of one card go to ``$BRIEFX_TEST_ARTIFACTS`` or ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import briefx
from conftest import ROOT

pytestmark = pytest.mark.slow

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium on PATH (apt-get install chromium)")


def _artifacts() -> Path:
    folder = Path(os.environ.get("BRIEFX_TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = _chromium()
    with sync_api.sync_playwright() as pw:
        try:
            launched = pw.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        except sync_api.Error as exc:  # e.g. a chromium too new or too old for this playwright
            pytest.skip(f"chromium at {executable} did not start under playwright: {exc}")
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report_file(example_batch: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return briefx.report(example_batch, tmp_path_factory.mktemp("browser") / "report.html")


@pytest.fixture
def page(browser: Any, report_file: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda exc: problems.append(str(exc)))
    opened.on("request", lambda r: requests.append(r.url))
    opened.goto(report_file.as_uri())
    opened.wait_for_load_state("load")
    yield opened
    context.close()
    assert problems == [], "console errors"
    assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _visible(page: Any, selector: str) -> int:
    return int(page.locator(f"{selector}:visible").count())


def test_every_card_renders_and_the_region_filter_hides_the_others(
    page: Any, example_batch: Path
) -> None:
    lines = _lines(example_batch)
    vologda = [line for line in lines if line["region"] and line["region"]["iso_code"] == "RU-VLG"]

    assert _visible(page, "#bx-records .bx-card") == len(lines)
    page.select_option("#bx-region", "RU-VLG")

    assert _visible(page, "#bx-records .bx-rec") == len(vologda) < len(lines)
    assert page.text_content("#bx-shown") == str(len(vologda))
    shown = page.locator("#bx-records .bx-rec:visible h3").all_text_contents()
    assert shown == [line["id"] for line in vologda]
    page.click("#bx-reset")
    assert _visible(page, "#bx-records .bx-rec") == len(lines)


def test_date_range_and_kind_filters(page: Any, example_batch: Path) -> None:
    lines = _lines(example_batch)
    dates = sorted(line["meeting_date"] for line in lines if line["meeting_date"])
    day = dates[len(dates) // 2]

    page.fill("#bx-from", day)
    page.fill("#bx-to", day)
    assert _visible(page, "#bx-records .bx-rec") == dates.count(day)
    page.click("#bx-reset")
    kinds = {line["kind"] for line in lines}
    for kind in kinds:
        page.select_option("#bx-kind", kind)
        assert _visible(page, "#bx-records .bx-rec") == sum(li["kind"] == kind for li in lines)


def test_region_chart_draws_a_bar_per_region(page: Any, example_batch: Path) -> None:
    lines = _lines(example_batch)
    regions = {line["region"]["name"] for line in lines if line["region"] and line["is_meeting"]}

    bars = page.locator(".bx-charts figure").first.locator("rect.bx-bar")

    assert bars.count() == len(regions)
    assert all(box and box["width"] > 0 for box in (b.bounding_box() for b in bars.all()))


def test_a_field_link_opens_the_folded_article_at_its_span(page: Any) -> None:
    event = page.locator(".bx-event").first
    details = event.locator("details.bx-art").first
    assert details.get_attribute("open") is None  # folded in the side-by-side view

    event.locator(".bx-fieldlist a.bx-link").first.click()

    assert details.get_attribute("open") is not None
    target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
    assert page.locator(f"[id='{target}']").evaluate("e => e.tagName") == "MARK"
    assert page.locator(f"[id='{target}']").is_visible()


def test_screenshots_of_the_report_and_a_card(page: Any) -> None:
    folder = _artifacts()
    whole, card = folder / "report.png", folder / "card.png"

    page.screenshot(path=str(whole), full_page=True)
    page.locator("#bx-records .bx-card").first.screenshot(path=str(card))

    for shot in (whole, card):
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")
