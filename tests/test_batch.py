from __future__ import annotations

import asyncio
import datetime
import gc
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from briefx._batch import BatchSummary, arun_batch, collect_inputs, run_batch
from briefx._errors import BackendError, InputError, UsageError
from briefx._models import MeetingSummary, Usage
from briefx._settings import Settings
from conftest import ALL_ARTICLES, ARTICLES

_GOLD_ONLY = {"topics_optional", "participants_optional", "organizations_optional", "notes"}
_GOLD_ONLY |= {"trade_figures_optional"}


class FakeExtractor:
    """Stands in for the model call only: answers with gold records, fails on 'FAIL' texts."""

    def __init__(self, gold: dict[str, dict[str, Any]] | None = None, delay: float = 0.0) -> None:
        self.gold = gold or {}
        self.delay = delay
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def aextract(
        self,
        source: str | bytes,
        *,
        source_id: str | None = None,
        published: str | None = None,
        url: str | None = None,
        html: bool | None = None,
    ) -> MeetingSummary:
        assert source_id is not None
        self.calls.append(source_id)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        text = source if isinstance(source, str) else source.decode()
        if "FAIL" in text:
            raise BackendError("server kept failing", attempts=3, usage=Usage(prompt_tokens=7))
        if "BUG" in text:
            raise RuntimeError("unexpected")
        body = {k: v for k, v in self.gold.get(source_id, {}).items() if k not in _GOLD_ONLY}
        usage = {
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "calls": 1,
            "cache_hit": "HIT" in text,
        }
        return MeetingSummary.model_validate(
            {
                **body,
                "usage": usage,
                "source": {"id": source_id, "url": url, "published": published},
            }
        )


@pytest.fixture
def seed_files(articles_dir: Path, seed_texts: dict[str, str]) -> list[Path]:
    return [articles_dir / f"{name}.txt" for name in seed_texts]


@pytest.fixture
def seed_gold(
    seed_texts: dict[str, str], gold_records: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    return {name: gold_records[name] for name in seed_texts}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _ids(*paths: Path) -> list[str]:
    return sorted(line["id"] for path in paths if path.exists() for line in _lines(path))


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, rows: Iterable[str]) -> Path:
    return _write(path, "\n".join(rows) + "\n")


def _settings(concurrency: int = 4) -> Settings:
    return Settings(concurrency=concurrency, cache=False)


def test_seed_folder_gives_one_record_each_and_groups_vologda(
    tmp_path: Path, seed_files: list[Path], seed_gold: dict[str, dict[str, Any]]
) -> None:
    out = tmp_path / "out" / "results.jsonl"
    fake = FakeExtractor(seed_gold)

    summary = run_batch(seed_files, out, settings=_settings(), extractor=fake, progress=False)

    lines = _lines(out)
    assert sorted(line["id"] for line in lines) == sorted(seed_gold)
    assert (summary.records, summary.errors, summary.inputs) == (5, 0, 5)
    assert summary.tokens == 5 * 120
    by_id = {line["id"]: line for line in lines}
    assert by_id["vologda-belta"]["event_id"] == by_id["vologda-rewrite"]["event_id"]
    assert len({line["event_id"] for line in lines}) == 4
    assert (
        MeetingSummary.model_validate(
            {k: v for k, v in by_id["samara-rewrite"].items() if k not in {"id", "event_id"}}
        ).region
        is not None
    )
    events = _lines(tmp_path / "out" / "results.events.jsonl")
    assert summary.events == len(events) == 4
    assert not (tmp_path / "out" / "results.errors.jsonl").read_text()


def test_mixed_inputs_each_end_as_exactly_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder / "good.txt", "An article.")
    _write(folder / "page.html", "<p>An article.</p>")
    _write(folder / "ignored.md", "not an article")
    _write(folder / "cp1251.txt", "Лукашенко встретился".encode("cp1251"))
    _write(folder / "fails.txt", "FAIL")
    feed = _jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps({"id": "j1", "text": "ok", "url": "https://x/1", "published": "2025-08-25"}),
            json.dumps({"html": "<p>no id</p>"}),
            "{broken json",
            json.dumps({"id": "j4", "title": "no text"}),
            json.dumps(["not", "an", "object"]),
            json.dumps({"id": "j6", "text": "BUG"}),
        ],
    )
    missing = tmp_path / "gone.txt"
    out = tmp_path / "r.jsonl"
    fake = FakeExtractor()

    summary = run_batch([folder, feed, missing], out, extractor=fake, progress=False)

    records = {line["id"]: line for line in _lines(out)}
    errors = {line["id"]: line for line in _lines(tmp_path / "r.errors.jsonl")}
    assert sorted(records) == ["feed:2", "good", "j1", "page.html"]
    assert sorted(errors) == ["cp1251", "fails", "feed:3", "feed:5", "gone", "j4", "j6"]
    assert set(records).isdisjoint(errors)
    assert (summary.records, summary.errors, summary.failed) == (4, 7, 7)
    assert records["j1"]["source"] == {**records["j1"]["source"], "url": "https://x/1"}
    assert errors["cp1251"]["error"] == "InputError" and "UTF-8" in errors["cp1251"]["message"]
    assert "iconv" in errors["cp1251"]["hint"]
    assert (
        errors["feed:3"]["error"] == "InputError" and "broken JSONL" in errors["feed:3"]["message"]
    )
    assert "no 'text' or 'html'" in errors["j4"]["message"]
    assert errors["gone"]["error"] == "InputError" and "cannot read" in errors["gone"]["message"]
    assert errors["fails"] == {
        "id": "fails",
        "input": str(folder / "fails.txt"),
        "error": "BackendError",
        "message": "server kept failing",
        "hint": None,
        "attempts": 3,
        "usage": Usage(prompt_tokens=7).model_dump(mode="json"),
    }
    assert errors["j6"]["error"] == "RuntimeError"
    # Unreadable inputs never reach the model.
    assert sorted(fake.calls) == ["fails", "feed:2", "good", "j1", "j6", "page.html"]


def test_missing_folder_is_a_usage_error_before_anything_runs(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    with pytest.raises(InputError, match="does not exist"):
        run_batch([tmp_path / "no-such-dir"], out, extractor=FakeExtractor(), progress=False)
    assert not out.exists()


def test_unknown_format_and_clashing_output_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown output format"):
        run_batch([tmp_path], tmp_path / "r.xml", fmt="xml", extractor=FakeExtractor())
    with pytest.raises(UsageError, match="named as jsonl but the format asked for is csv"):
        run_batch([tmp_path], tmp_path / "r.jsonl", fmt="csv", extractor=FakeExtractor())


def test_duplicate_ids_are_numbered_not_lost(tmp_path: Path) -> None:
    a = _write(tmp_path / "a" / "same.txt", "one")
    b = _write(tmp_path / "b" / "same.txt", "two")

    items = collect_inputs([a, b])

    assert [item.id for item in items] == ["same", "same~2"]


def test_rerun_skips_finished_and_repairs_a_half_written_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for n in range(6):
        _write(folder / f"a{n}.txt", "FAIL" if n == 5 else f"article {n}")
    out = tmp_path / "r.jsonl"
    first = run_batch([folder], out, extractor=FakeExtractor(), progress=False)
    assert (first.records, first.errors) == (5, 1)
    # Simulate a kill: drop the last two records and leave half a line behind.
    kept = out.read_text().splitlines(keepends=True)[:3]
    out.write_text("".join(kept) + kept[0][: len(kept[0]) // 2])
    fake = FakeExtractor()

    second = run_batch([folder], out, extractor=fake, progress=False)

    assert sorted(fake.calls) == ["a3", "a4"]
    assert out.read_bytes().endswith(b"\n")
    assert _ids(out) == ["a0", "a1", "a2", "a3", "a4"]
    assert _ids(tmp_path / "r.errors.jsonl") == ["a5"]
    assert (second.skipped, second.records, second.errors, second.previous_errors) == (4, 2, 0, 1)
    assert second.failed == 1


def test_retry_errors_redoes_failed_inputs_only(tmp_path: Path) -> None:
    bad = _write(tmp_path / "in" / "bad.txt", "FAIL")
    _write(tmp_path / "in" / "good.txt", "fine")
    out = tmp_path / "r.jsonl"
    run_batch([tmp_path / "in"], out, extractor=FakeExtractor(), progress=False)
    bad.write_text("fixed now")
    fake = FakeExtractor()

    summary = run_batch([tmp_path / "in"], out, extractor=fake, progress=False, retry_errors=True)

    assert fake.calls == ["bad"]
    assert _ids(out) == ["bad", "good"]
    assert _ids(tmp_path / "r.errors.jsonl") == []
    assert (summary.records, summary.failed) == (1, 0)


def test_concurrency_is_bounded_and_used(tmp_path: Path) -> None:
    for n in range(20):
        _write(tmp_path / "in" / f"a{n:02}.txt", "text")
    fake = FakeExtractor(delay=0.02)

    run_batch(
        [tmp_path / "in"],
        tmp_path / "r.jsonl",
        settings=_settings(5),
        extractor=fake,
        progress=False,
    )

    assert fake.max_in_flight == 5


def test_cache_hits_counted_and_only_tokens_spent_now(tmp_path: Path) -> None:
    """The cached record's 100+20 tokens were spent by an earlier run, not this one."""
    _write(tmp_path / "in" / "a.txt", "HIT")
    _write(tmp_path / "in" / "b.txt", "miss")
    _write(tmp_path / "in" / "c.txt", "FAIL")

    summary = run_batch(
        [tmp_path / "in"], tmp_path / "r.jsonl", extractor=FakeExtractor(), progress=False
    )

    assert (summary.cache_hits, summary.prompt_tokens, summary.completion_tokens) == (1, 107, 20)
    table = summary.format_table()
    assert "cache hits" in table and "107+20" in table


def test_csv_output_is_flat_with_one_row_per_record(
    tmp_path: Path, seed_files: list[Path], seed_gold: dict[str, dict[str, Any]]
) -> None:
    import csv

    out = tmp_path / "r.csv"
    summary = run_batch(seed_files, out, extractor=FakeExtractor(seed_gold), progress=False)

    with out.open(encoding="utf-8", newline="") as fh:
        rows = {row["id"]: row for row in csv.DictReader(fh)}
    assert summary.records_jsonl == tmp_path / "r.csv.jsonl"
    assert sorted(rows) == sorted(seed_gold)
    row = rows["vologda-rewrite"]
    assert row["region.iso_code"] == "RU-VLG"
    assert row["organizations"].split("; ")[:2] == ["MAZ", "MTZ"]
    assert json.loads(row["participants"])[2]["name"] == "Viktor Karanchevich"
    assert row["event_id"] == rows["vologda-belta"]["event_id"]


def test_parquet_output_round_trips(
    tmp_path: Path, seed_files: list[Path], seed_gold: dict[str, dict[str, Any]]
) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")

    out = tmp_path / "r.parquet"
    run_batch(seed_files, out, extractor=FakeExtractor(seed_gold), progress=False)

    frame = pd.read_parquet(out)
    assert sorted(frame["id"]) == sorted(seed_gold)
    assert set(frame.loc[frame["id"] == "samara-rewrite", "meeting_date"]) == {
        datetime.date(2025, 7, 21)
    }


def test_progress_bar_shows_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "in" / "a.txt", "HIT")
    _write(tmp_path / "in" / "b.txt", "FAIL")

    run_batch([tmp_path / "in"], tmp_path / "r.jsonl", extractor=FakeExtractor(), progress=True)

    err = capsys.readouterr().err
    assert "2/2" in err and "ok=1" in err and "err=1" in err and "cache=1" in err


async def test_run_batch_works_inside_a_running_event_loop(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", "text")

    summary = run_batch(
        [tmp_path / "in"], tmp_path / "r.jsonl", extractor=FakeExtractor(), progress=False
    )
    again = await arun_batch(
        [tmp_path / "in"], tmp_path / "r.jsonl", extractor=FakeExtractor(), progress=False
    )

    assert isinstance(summary, BatchSummary)
    assert (summary.records, again.records, again.skipped) == (1, 0, 1)


# --- a real kill ------------------------------------------------------------------

SRC = Path(__file__).resolve().parents[1] / "src"

_DRIVER = """
import asyncio, json, sys
from pathlib import Path
from briefx._batch import run_batch
from briefx._models import MeetingSummary, Usage

class SlowModel:
    # Only the model call is faked: reading, writing and resuming are the real batch.
    async def aextract(self, source, *, source_id=None, published=None, url=None, html=None):
        await asyncio.sleep(0.1)
        usage = Usage(prompt_tokens=1)
        return MeetingSummary(summary=source, usage=usage, source={"id": source_id})

summary = run_batch([sys.argv[1]], Path(sys.argv[2]), extractor=SlowModel(), progress=False)
print(json.dumps({"records": summary.records, "skipped": summary.skipped}))
"""


def _env(**extra: str) -> dict[str, str]:
    import os

    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def _kill_after(cmd: list[str], out: Path, lines: int, env: dict[str, str]) -> int:
    """Start ``cmd``, SIGKILL it once ``out`` has ``lines`` complete lines; lines seen then."""
    import subprocess
    import time

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= lines:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the batch ended (or failed) before it could be killed"
        proc.kill()
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -9
    return out.read_bytes().count(b"\n")


def _assert_each_input_once(out: Path, errors: Path, ids: list[str]) -> None:
    seen = [line["id"] for path in (out, errors) if path.exists() for line in _lines(path)]
    assert sorted(seen) == sorted(ids)  # every input, exactly once
    assert not errors.exists() or not errors.read_text()


@pytest.mark.slow
def test_sigkilled_batch_restarted_has_every_input_exactly_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    ids = [f"art{n:02}" for n in range(40)]
    for name in ids:
        _write(tmp_path / "in" / f"{name}.txt", f"text of {name}")
    driver = _write(tmp_path / "driver.py", _DRIVER)
    out = tmp_path / "r.jsonl"
    cmd = [sys.executable, str(driver), str(tmp_path / "in"), str(out)]

    written = _kill_after(cmd, out, lines=8, env=_env())
    assert 8 <= written < len(ids)

    rerun = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=60, check=True)

    result = json.loads(rerun.stdout)
    assert result["skipped"] >= written and result["records"] == len(ids) - result["skipped"]
    _assert_each_input_once(out, tmp_path / "r.errors.jsonl", ids)
    assert all(line["summary"] == f"text of {line['id']}" for line in _lines(out))


def _real_extractor_works(base_url: str, text: str) -> bool:
    from briefx._extract import Extractor

    settings = Settings(base_url=base_url, api_key="test-key", cache=False)
    try:
        with Extractor(settings) as extractor:
            extractor.extract(text, source_id="probe")
    except NotImplementedError:
        return False
    return True


@pytest.mark.slow
def test_sigkilled_cli_batch_against_a_stub_server_resumes(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    import subprocess
    import sys

    from briefx.testing import StubServer

    texts = list(seed_texts.values())
    ids = [f"art{n:02}" for n in range(24)]
    for n, name in enumerate(ids):
        _write(tmp_path / "in" / f"{name}.txt", f"{texts[n % len(texts)]}\n\nItem {n}.\n")
    out = tmp_path / "r.jsonl"
    cmd = [sys.executable, "-m", "briefx.cli", "batch", str(tmp_path / "in"), "-o", str(out)]
    cmd += ["--concurrency", "2", "--no-progress"]
    with StubServer(delay=0.15) as stub:
        if not _real_extractor_works(stub.base_url, texts[0]):
            pytest.skip("briefx._extract.Extractor is not implemented yet")
        env = _env(
            BRIEFX_BASE_URL=stub.base_url,
            BRIEFX_API_KEY="test-key",
            BRIEFX_CACHE_DIR=str(tmp_path / "cache"),
        )

        written = _kill_after(cmd, out, lines=4, env=env)
        assert 4 <= written < len(ids)
        rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)

    assert rerun.returncode == 0, rerun.stderr
    assert "skipped (done before)" in rerun.stdout
    _assert_each_input_once(out, tmp_path / "r.errors.jsonl", ids)


def test_empty_folder_writes_empty_files_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "in").mkdir()
    out = tmp_path / "new" / "r.jsonl"

    summary = run_batch([tmp_path / "in"], out, extractor=FakeExtractor(), progress=False)

    assert (summary.inputs, summary.records, summary.failed) == (0, 0, 0)
    assert out.read_text() == "" and summary.events_path.read_text() == ""
    assert "no .txt, .html or .jsonl inputs" in caplog.text


def test_an_extractor_the_batch_creates_is_closed_inside_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefx._extract

    made: list[Any] = []

    class Owned(FakeExtractor):
        def __init__(self, settings: Settings | None = None) -> None:
            super().__init__()
            self.settings = settings
            self.closed_in_loop = False
            made.append(self)

        async def aclose(self) -> None:
            self.closed_in_loop = asyncio.get_running_loop().is_running()

    monkeypatch.setattr(briefx._extract, "Extractor", Owned)
    _write(tmp_path / "in" / "a.txt", "text")

    run_batch([tmp_path / "in"], tmp_path / "r.jsonl", settings=_settings(3), progress=False)

    (extractor,) = made
    assert extractor.calls == ["a"] and extractor.settings.concurrency == 3
    assert extractor.closed_in_loop


def _records_by_id(path: Path) -> dict[str, dict[str, Any]]:
    return {line["id"]: {k: v for k, v in line.items() if k != "usage"} for line in _lines(path)}


def test_rules_in_worker_processes_give_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from briefx import _pool
    from briefx._extract import Extractor
    from briefx.testing import StubServer

    sent: list[int] = []
    submit = _pool._Worker.submit

    def counted(self: _pool._Worker, task_id: int, payload: bytes) -> Any:
        sent.append(task_id)
        return submit(self, task_id, payload)

    monkeypatch.setattr(_pool._Worker, "submit", counted)
    with StubServer() as stub:
        outs = {}
        for processes in (0, 1):
            settings = Settings(
                base_url=stub.base_url,
                api_key="test-key",
                cache=False,
                concurrency=4,
                processes=processes,
            )
            outs[processes] = tmp_path / f"p{processes}.jsonl"
            with Extractor(settings).start() as extractor:  # started: its worker is ready
                summary = run_batch(
                    [ARTICLES], outs[processes], extractor=extractor, progress=False
                )
            assert summary.records == len(ALL_ARTICLES) and summary.errors == 0
    # Each article of the second run was prepared and assembled in a worker.
    assert len(sent) == 2 * len(ALL_ARTICLES)
    assert "with none the rules run here" not in caplog.text
    assert _records_by_id(outs[1]) == _records_by_id(outs[0])


def test_objects_from_before_the_batch_are_frozen_only_while_it_runs(tmp_path: Path) -> None:
    for n in range(3):
        _write(tmp_path / "in" / f"a{n}.txt", "text")

    class Watching(FakeExtractor):
        frozen: ClassVar[list[int]] = []

        async def aextract(self, source: str | bytes, **kw: Any) -> MeetingSummary:
            self.frozen.append(gc.get_freeze_count())
            return await super().aextract(source, **kw)

    fake = Watching()
    run_batch([tmp_path / "in"], tmp_path / "r.jsonl", extractor=fake, progress=False)
    assert len(fake.frozen) == 3 and min(fake.frozen) > 0  # full collections skip them
    assert gc.get_freeze_count() == 0


def test_a_heap_the_caller_froze_stays_frozen(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", "text")
    gc.freeze()
    try:
        run_batch(
            [tmp_path / "in"], tmp_path / "r.jsonl", extractor=FakeExtractor(), progress=False
        )
        assert gc.get_freeze_count() > 0  # not unfrozen by the batch
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("change", ["model", "prompts", "schema"])
def test_rerun_redoes_what_another_model_prompt_or_schema_made(
    tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    for n in range(3):
        _write(folder / f"a{n}.txt", "FAIL" if n == 2 else f"article {n}")
    out = tmp_path / "r.jsonl"
    first = Settings(model="model-a", api_key="k")
    run_batch([folder], out, settings=first, extractor=FakeExtractor(), progress=False)
    made = json.loads((tmp_path / "r.jsonl.run.json").read_text())
    assert made["model"] == "model-a" and set(made) == {"model", "prompts", "schema"}

    # The same fingerprint: everything is skipped.
    same = FakeExtractor()
    run_batch([folder], out, settings=first, extractor=same, progress=False)
    assert same.calls == []

    again = first
    if change == "model":
        again = Settings(model="model-b", api_key="k")
    else:
        import briefx._extract

        name = "prompt_version" if change == "prompts" else "SCHEMA_VERSION"
        value = (lambda: "people:9") if change == "prompts" else "99"
        monkeypatch.setattr(briefx._extract, name, value)
    fake = FakeExtractor()
    summary = run_batch([folder], out, settings=again, extractor=fake, progress=False)

    assert sorted(fake.calls) == ["a0", "a1", "a2"]  # all done again, the error too
    assert (summary.skipped, summary.records, summary.errors) == (0, 2, 1)
    stale = sorted(p.name for p in tmp_path.glob("*.stale-*"))
    assert len(stale) == 2 and all(n.startswith(("r.stale-", "r.errors.stale-")) for n in stale)
    kept = next(tmp_path.glob("r.stale-*.jsonl"))
    assert _ids(kept) == ["a0", "a1"]  # the old lines are kept, not lost
    assert json.loads((tmp_path / "r.jsonl.run.json").read_text()) != made


class _WarningExtractor(FakeExtractor):
    async def aextract(self, source: str | bytes, **kw: Any) -> MeetingSummary:
        record = await super().aextract(source, **kw)
        record.warnings = [  # type: ignore[assignment]  # strings become RecordWarning
            "dropped organization 'X': not found in the article",
            {"code": "disagreement", "field": "region", "message": "kept the rules'"},
        ]
        return record


def test_summary_counts_field_coverage_and_warnings_by_code(
    seed_files: list[Path], seed_gold: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    extractor = _WarningExtractor(seed_gold)
    summary = run_batch(seed_files, tmp_path / "r.jsonl", extractor=extractor, progress=False)
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    for name in ("meeting_date", "region", "participants", "trade_figures", "quotes"):
        assert summary.filled[name] == sum(bool(line.get(name)) for line in lines), name
    assert 0 < summary.filled["meeting_date"] <= summary.records == len(lines)
    assert summary.warnings == {"dropped": len(lines), "disagreement": len(lines)}
    table = summary.format_table()
    assert f"records with (of {len(lines)})" in table
    assert f"meeting_date {summary.filled['meeting_date']}" in table
    assert f"disagreement {len(lines)}, dropped {len(lines)}" in table
