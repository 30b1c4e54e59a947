from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

import briefx._eval
import briefx._extract
import briefx._local
from briefx import cli
from briefx._errors import BackendError, InputError
from briefx._models import MeetingSummary, Region, Source, Usage
from briefx._settings import Settings


class FakeExtractor:
    """Replaces only the model call; records the settings the CLI built."""

    instances: ClassVar[list[FakeExtractor]] = []

    def __init__(self, settings: Settings | None = None, **_: Any) -> None:
        self.settings = settings or Settings()
        self.seen: list[dict[str, Any]] = []
        FakeExtractor.instances.append(self)

    def _answer(self, source: str | bytes, **kw: Any) -> MeetingSummary:
        self.seen.append({"source": source, **kw})
        text = source.decode() if isinstance(source, bytes) else source
        if "FAIL" in text:
            raise BackendError("model server unreachable", hint="set BRIEFX_BASE_URL", attempts=2)
        if "EMPTY" in text:
            raise InputError("the article is empty", input_id=kw.get("source_id"))
        if "INTERRUPT" in text:
            raise KeyboardInterrupt
        return MeetingSummary(
            meeting_date="2025-08-25",
            region=Region(name="Vologda Oblast", iso_code="RU-VLG"),
            usage=Usage(prompt_tokens=10),
            source=Source(id=kw.get("source_id")),
        )

    def extract(self, source: str | bytes, **kw: Any) -> MeetingSummary:
        return self._answer(source, **kw)

    async def aextract(self, source: str | bytes, **kw: Any) -> MeetingSummary:
        return self._answer(source, **kw)

    def close(self) -> None:
        pass

    def __enter__(self) -> FakeExtractor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


@pytest.fixture(autouse=True)
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> type[FakeExtractor]:
    FakeExtractor.instances = []
    monkeypatch.setattr(briefx._extract, "Extractor", FakeExtractor)
    return FakeExtractor


def _article(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_extract_prints_the_record_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _article(tmp_path, "vologda.txt", "Lukashenko met Filimonov.")

    code = cli.main(["extract", str(path), "--published", "2025-08-25", "--model", "m1"])

    out = capsys.readouterr().out
    assert code == 0
    assert MeetingSummary.model_validate_json(out).region is not None
    seen = FakeExtractor.instances[0].seen[0]
    assert (seen["source_id"], seen["published"]) == ("vologda", "2025-08-25")
    assert FakeExtractor.instances[0].settings.model == "m1"


def test_extract_reads_stdin_and_prints_a_table(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Some article")))

    code = cli.main(["extract", "-", "--format", "table"])

    out = capsys.readouterr().out
    assert code == 0
    assert "region" in out and "Vologda Oblast (RU-VLG)" in out
    assert FakeExtractor.instances[0].seen[0]["source"] == b"Some article"


def test_options_then_environment_build_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _article(tmp_path, "a.html", "<p>text</p>")
    monkeypatch.setenv("BRIEFX_MODEL", "from-env")
    monkeypatch.setenv("BRIEFX_BASE_URL", "http://env:1/v1")

    assert cli.main(["extract", str(path), "--base-url", "http://arg:2/v1", "--no-cache"]) == 0

    extractor = FakeExtractor.instances[0]
    assert extractor.settings.base_url == "http://arg:2/v1"
    assert extractor.settings.model == "from-env"
    assert extractor.settings.cache is False
    assert extractor.seen[0]["html"] is True


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("FAIL", 1, "briefx: error: [x] model server unreachable (fix: set BRIEFX_BASE_URL)\n"),
        ("EMPTY", 2, "briefx: error: [x] the article is empty\n"),
    ],
)
def test_errors_are_one_clean_line_with_the_documented_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, code: int, message: str
) -> None:
    path = _article(tmp_path, "x.txt", text)

    assert cli.main(["extract", str(path)]) == code

    captured = capsys.readouterr()
    assert captured.err == message
    assert captured.out == ""


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["extract", str(tmp_path / "nope.txt")]) == 2
    assert capsys.readouterr().err.startswith("briefx: error: cannot read")


def test_interrupt_exits_130(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _article(tmp_path, "x.txt", "INTERRUPT")

    assert cli.main(["extract", str(path)]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_invalid_setting_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["batch", str(tmp_path), "-o", str(tmp_path / "r.jsonl"), "--concurrency", "0"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("briefx: error: invalid settings: concurrency") and "Traceback" not in err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["batch", "in"])  # no -o
    assert info.value.code == 2
    assert (
        "briefx: error: the following arguments are required: -o/--out" in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "command", [[], ["extract"], ["batch"], ["schema"], ["eval"], ["model", "pull"]]
)
def test_help_documents_exit_codes(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main([*command, "--help"])

    out = capsys.readouterr().out
    assert info.value.code == 0
    assert "exit codes:" in out and "130  interrupted" in out


def test_schema_prints_the_record_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schema"]) == 0

    assert json.loads(capsys.readouterr().out) == MeetingSummary.model_json_schema()


def test_batch_prints_summary_and_paths_and_exits_1_on_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _article(tmp_path, "in/a.txt", "good")
    _article(tmp_path, "in/b.txt", "FAIL")
    out = tmp_path / "r.csv"

    args = ["batch", str(tmp_path / "in"), "-o", str(out), "--no-progress", "--concurrency", "2"]
    code = cli.main([*args, "--processes", "0"])

    printed = capsys.readouterr().out
    assert code == 1
    assert "records" in printed and "errors" in printed
    assert f"table:   {out}" in printed
    assert f"errors:  {tmp_path / 'r.csv.errors.jsonl'}" in printed
    assert out.read_text().count("\n") == 2  # header + one record
    assert FakeExtractor.instances[0].settings.concurrency == 2
    assert FakeExtractor.instances[0].settings.processes == 0


def test_batch_all_good_exits_0_and_missing_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _article(tmp_path, "in/a.txt", "good")
    out = str(tmp_path / "r.jsonl")

    assert cli.main(["batch", str(tmp_path / "in"), "-o", out, "--no-progress"]) == 0
    assert cli.main(["batch", str(tmp_path / "missing"), "-o", out, "--no-progress"]) == 2
    assert "input folder" in capsys.readouterr().err


def test_ray_options_need_the_ray_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _article(tmp_path, "in/a.txt", "good")
    out = str(tmp_path / "r.jsonl")

    code = cli.main(["batch", str(tmp_path / "in"), "-o", out, "--workers", "2", "--no-progress"])

    assert code == 2 and "--engine ray" in capsys.readouterr().err
    assert not FakeExtractor.instances  # refused before anything ran


def test_engine_ray_without_ray_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    _article(tmp_path, "in/a.txt", "good")
    out = tmp_path / "r.jsonl"

    code = cli.main(["batch", str(tmp_path / "in"), "-o", str(out), "--engine", "ray"])

    assert code == 2
    assert "pip install 'briefx[ray]'" in capsys.readouterr().err
    assert not out.exists()


class _Report:
    def __init__(self, label: str, error: str | None = None) -> None:
        self.label = label
        self.articles = [type("A", (), {"error": error})()]

    def format_table(self) -> str:
        return f"table of {self.label}"


def test_eval_prints_the_table_and_the_comparison(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_run_eval(gold: Path, articles: Path, *, settings: Settings, baseline: bool) -> Any:
        calls.append((gold, articles, baseline, settings.model))
        return (
            (_Report("briefx"), _Report("baseline"))
            if baseline
            else _Report("briefx", "BackendError")
        )

    monkeypatch.setattr(briefx._eval, "run_eval", fake_run_eval)
    monkeypatch.setattr(briefx._eval, "format_comparison", lambda a, b: f"{a.label} vs {b.label}")

    assert cli.main(["eval", "g", "a", "--baseline", "--model", "m"]) == 0
    assert capsys.readouterr().out == "table of briefx\n\nbriefx vs baseline\n"
    assert cli.main(["eval", "g", "a"]) == 1
    assert calls == [(Path("g"), Path("a"), True, "m"), (Path("g"), Path("a"), False, None)]


def test_model_pull_prints_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fake_pull(settings: Settings, *, progress: bool) -> Path:
        assert progress
        return settings.cache_dir / "models" / "m.gguf"

    monkeypatch.setattr(briefx._local, "pull_model", fake_pull)

    assert cli.main(["model", "pull"]) == 0
    assert capsys.readouterr().out.strip().endswith("models/m.gguf")


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"briefx {cli.__version__}"


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["batch", "in", "-o", "x.jsonl", "--bogus"], "usage: briefx batch"),
        (["extract", "a.txt", "--formt", "json"], "usage: briefx extract"),
        (["report", "r.jsonl", "-o", "r.html", "--nope"], "usage: briefx report"),
    ],
)
def test_a_mistyped_option_shows_its_commands_usage(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    bogus = next(a for a in argv[1:] if a.startswith("--") and a not in ("--format",))
    assert err.startswith(usage) and f"unrecognized arguments: {bogus}" in err


@pytest.mark.parametrize("bad", ["garbage", "2025-13-01", "01.05.2025", ""])
def test_published_must_be_an_iso_date(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("text", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["extract", str(article), "--published", bad])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "usage: briefx extract" in err and f"{bad!r} is not a date YYYY-MM-DD" in err


def test_a_closed_pipe_ends_quietly() -> None:
    """``briefx schema | head -c 0``: the reader is gone before the first write."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from briefx.cli import main; sys.exit(main(['schema']))",
            ],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert done.returncode == cli.EXIT_BROKEN_PIPE
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
