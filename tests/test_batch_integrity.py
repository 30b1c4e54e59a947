"""Batch integrity under concurrency, faults and hostile files (issue 15).

Each test here failed before its fix: they are what a careless or hostile
user does to a batch, against the loopback ``StubServer`` or a fake extractor.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import socket
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from briefx import cli
from briefx._batch import OutputLock, collect_inputs, run_batch
from briefx._cache import Cache
from briefx._errors import InputError, ModelOutputError, ServerUnreachable, UsageError
from briefx._extract import Extractor
from briefx._models import MeetingSummary, Usage
from briefx._settings import Settings
from briefx.testing import StubServer

KEY = "sk-test-SECRET-1234567890"


class Fake:
    """Answers every article with a small record; optional delay per article."""

    def __init__(self, delay: float = 0.0, summary: str = "ok") -> None:
        self.delay = delay
        self.summary = summary
        self.calls: list[str] = []

    async def aextract(
        self, source: str | bytes, *, source_id: str | None = None, **_: Any
    ) -> MeetingSummary:
        assert source_id is not None
        self.calls.append(source_id)
        await asyncio.sleep(self.delay)
        return MeetingSummary(summary=self.summary, usage=Usage(calls=1))


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _article(n: int) -> str:
    return (
        f"MINSK, {n % 28 + 1} April (BelTA) - Aleksandr Lukashenko met with Governor "
        f"Ivan Petrov{n} of Penza Oblast.\n\nThey discussed tractor supplies, item {n}."
    )


def _stub_settings(srv: StubServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": srv.base_url,
        "api_key": "test-key",
        "cache": False,
        "max_retries": 2,
        "max_reasks": 1,
        "request_timeout": 2.0,
        "time_budget": 30.0,
        "processes": 0,
        **overrides,
    }
    return Settings(**values)


# --- two batches on one output -----------------------------------------------


def test_a_second_batch_on_the_same_output_is_refused_naming_the_first(tmp_path: Path) -> None:
    for n in range(10):
        _write(tmp_path / "in" / f"a{n}.txt", f"article {n}")
    out = tmp_path / "r.jsonl"
    first_done = threading.Event()

    def first() -> None:
        run_batch([tmp_path / "in"], out, extractor=Fake(delay=0.3), progress=False)
        first_done.set()

    thread = threading.Thread(target=first)
    thread.start()
    deadline = time.monotonic() + 5
    while not (out.with_name("r.jsonl.lock").exists() and out.exists()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        with pytest.raises(UsageError, match=f"another briefx batch \\(pid {os.getpid()}"):
            run_batch([tmp_path / "in"], out, extractor=Fake(), progress=False)
        code = cli.main(["batch", str(tmp_path / "in"), "-o", str(out), "--no-progress"])
        assert code == cli.EXIT_USAGE
    finally:
        thread.join()
    assert first_done.is_set()
    ids = [line["id"] for line in _lines(out)]
    assert sorted(ids) == [f"a{n}" for n in range(10)]  # none lost, none doubled
    # The lock goes with its holder: the next batch runs.
    run_batch([tmp_path / "in"], out, extractor=Fake(), progress=False)


def test_a_lock_held_by_a_dead_process_does_not_block(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    OutputLock(out).acquire()._fh.close()  # type: ignore[union-attr]  # "killed": fd gone
    _write(tmp_path / "in" / "a.txt", "x")
    summary = run_batch([tmp_path / "in"], out, extractor=Fake(), progress=False)
    assert summary.records == 1


# --- ids -------------------------------------------------------------------------


def test_ids_stay_put_when_a_file_with_the_same_stem_is_added(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder / "report.txt", "plain")
    out = tmp_path / "r.jsonl"
    run_batch([folder], out, extractor=Fake(), progress=False)
    _write(folder / "report.html", "<p>page</p>")
    fake = Fake()

    run_batch([folder], out, extractor=fake, progress=False)

    assert fake.calls == ["report.html"]  # the new one, and not report.txt again
    assert sorted(line["id"] for line in _lines(out)) == ["report", "report.html"]


def test_generated_ids_never_take_an_explicit_one(tmp_path: Path) -> None:
    feed = _write(
        tmp_path / "f.jsonl",
        "\n".join(json.dumps({"id": i, "text": "t"}) for i in ["dup", "dup", "dup~2"]) + "\n",
    )
    ids = [item.id for item in collect_inputs([feed])]
    assert len(set(ids)) == 3 and ids[0] == "dup" and ids[2] == "dup~2"


# --- wall-clock budget -------------------------------------------------------------


def test_time_budget_is_wall_clock_even_for_a_trickling_server(tmp_path: Path) -> None:
    feed = _write(tmp_path / "f.jsonl", json.dumps({"id": "slow", "text": _article(1)}) + "\n")
    out = tmp_path / "r.jsonl"
    with StubServer(script=["trickle"] * 3, trickle=0.5) as srv:
        settings = _stub_settings(srv, time_budget=3.0, request_timeout=30.0)
        started = time.monotonic()
        run_batch([feed], out, settings=settings, progress=False)
        elapsed = time.monotonic() - started
    assert elapsed < 3.0 + 2.0, f"{elapsed:.1f} s for a 3 s budget"
    (error,) = _lines(tmp_path / "r.errors.jsonl")
    assert error["error"] == "BudgetExceeded"


# --- outputs over inputs and bad lines ---------------------------------------------


def test_output_equal_to_an_input_is_refused_up_front(tmp_path: Path) -> None:
    feed = _write(tmp_path / "f.jsonl", json.dumps({"id": "a", "text": "t"}) + "\n")
    before = feed.read_bytes()
    with pytest.raises(UsageError, match="also an input"):
        run_batch([feed], feed, extractor=Fake(), progress=False)
    assert feed.read_bytes() == before


def test_a_bad_line_in_the_records_file_does_not_break_reruns(tmp_path: Path) -> None:
    for n in range(3):
        _write(tmp_path / "in" / f"a{n}.txt", f"article {n}")
    out = tmp_path / "r.jsonl"
    run_batch([tmp_path / "in"], out, extractor=Fake(), progress=False)
    lines = out.read_text().splitlines()
    old_schema = {**json.loads(lines[1]), "participants": "not a list", "retired_field": 1}
    out.write_text("\n".join([lines[0], json.dumps(old_schema), lines[2]]) + "\n")
    fake = Fake()

    summary = run_batch([tmp_path / "in"], out, extractor=fake, progress=False)

    assert fake.calls == ["a1"]  # redone, not counted as done
    assert summary.records == 1
    assert sorted(line["id"] for line in _lines(out)) == ["a0", "a1", "a2"]
    assert [line["id"] for line in _lines(tmp_path / "r.rejected.jsonl")] == ["a1"]


def test_outputs_inside_an_input_folder_are_not_read_as_inputs(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", "x")
    out = tmp_path / "in" / "r.jsonl"
    run_batch([tmp_path / "in"], out, extractor=Fake(), progress=False)
    fake = Fake()
    summary = run_batch([tmp_path / "in"], out, extractor=fake, progress=False)
    assert summary.inputs == 1 and fake.calls == []


# --- environment -------------------------------------------------------------------


def test_only_documented_variables_give_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BRIEFX_API_KEY", "OPENAI_API_KEY", "BRIEFX_BASE_URL", "BRIEFX_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("API_KEY", "stray")
    assert Settings().api_key is None and Settings().resolved_backend() == "local"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("BRIEFX_API_KEY", "")
    key = Settings().api_key
    assert key is not None and key.get_secret_value() == "sk-openai"
    monkeypatch.setenv("BRIEFX_API_KEY", "sk-briefx")
    key = Settings().api_key
    assert key is not None and key.get_secret_value() == "sk-briefx"
    assert Settings(api_key="given").api_key.get_secret_value() == "given"  # type: ignore[union-attr]


# --- cache entries ---------------------------------------------------------------


def test_cache_entries_carry_their_key_and_schema(tmp_path: Path) -> None:
    record = MeetingSummary(summary="one").model_dump(mode="json")
    cache = Cache(tmp_path)
    cache.set("k1", record)
    cache.set("k2", {**record, "summary": "two"})
    assert cache.get("k1") == record
    store = cache._store
    store.set("junk", json.dumps({"foo": 1}))
    one, two = store.get("k1"), store.get("k2")
    store.set("k1", two)  # swapped between keys
    store.set("k2", one)
    old = json.loads(one)
    store.set("old", json.dumps({**old, "key": "old", "schema": "0"}))
    assert cache.get("junk") is None
    assert cache.get("k1") is None and cache.get("k2") is None
    assert cache.get("old") is None
    cache.close()


def test_a_junk_cache_entry_is_a_miss_not_a_failure(tmp_path: Path) -> None:
    with StubServer() as srv:
        settings = _stub_settings(srv, cache=True, cache_dir=tmp_path)
        with Extractor(settings) as extractor:
            first = extractor.extract(_article(1), source_id="a")
            store = extractor._cache._store
            for key in list(store.iterkeys()):
                store.set(key, json.dumps({"foo": 1}))
            again = extractor.extract(_article(1), source_id="a")
    assert not again.usage.cache_hit and again.summary == first.summary


# --- file reads ------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_and_a_device_fail_fast_instead_of_hanging(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    _write(folder / "ok.txt", "fine")
    out = tmp_path / "r.jsonl"
    started = time.monotonic()
    summary = run_batch([folder, Path("/dev/zero")], out, extractor=Fake(), progress=False)
    assert time.monotonic() - started < 5
    errors = {line["id"]: line for line in _lines(tmp_path / "r.errors.jsonl")}
    assert "not a regular file" in errors["pipe"]["message"]
    assert "not a regular file" in errors["zero"]["message"]
    assert summary.records == 1


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = _write(tmp_path / "big.txt", b"a" * 5000)
    out = tmp_path / "r.jsonl"
    run_batch(
        [big],
        out,
        settings=Settings(max_input_chars=1000, cache=False),
        extractor=Fake(),
        progress=False,
    )
    (error,) = _lines(tmp_path / "r.errors.jsonl")
    assert "over the limit" in error["message"] and error["error"] == "InputError"


def test_files_are_read_off_the_event_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(4):
        _write(tmp_path / "in" / f"a{n}.txt", "x")
    import briefx._batch as batch

    real = batch._read_bytes
    loops: list[bool] = []

    def spy(path: Path, max_bytes: int | None) -> bytes:
        try:
            asyncio.get_running_loop()
            loops.append(True)
        except RuntimeError:
            loops.append(False)
        return real(path, max_bytes)

    monkeypatch.setattr(batch, "_read_bytes", spy)
    run_batch([tmp_path / "in"], tmp_path / "r.jsonl", extractor=Fake(), progress=False)
    assert loops == [False] * 4


# --- final pass memory ---------------------------------------------------------------


def test_the_final_pass_streams_the_records(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    line = {"id": "", **MeetingSummary(summary="s" * 2000).model_dump(mode="json")}
    with out.open("w", encoding="utf-8") as fh:
        for n in range(3000):
            fh.write(json.dumps({**line, "id": f"a{n}"}) + "\n")
    feed = _write(
        tmp_path / "f.jsonl",
        "\n".join(json.dumps({"id": f"a{n}", "text": "t"}) for n in range(3000)) + "\n",
    )
    _write(tmp_path / "warm" / "w.txt", "x")  # imports made on first use are not the pass's
    run_batch([tmp_path / "warm"], tmp_path / "warm.jsonl", extractor=Fake(), progress=False)
    tracemalloc.start()
    run_batch([feed], out, extractor=Fake(), progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # 3000 records of ~2 kB each: holding them all would be far above this.
    assert peak < 6_000_000, f"peak {peak / 1e6:.1f} MB"
    assert len(_lines(out)) == 3000 and all(x["event_id"] for x in _lines(out))


# --- keys, CSV ---------------------------------------------------------------------


def test_a_key_echoed_by_the_server_is_redacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _write(tmp_path / "f.jsonl", json.dumps({"id": "a", "text": _article(1)}) + "\n")
    out = tmp_path / "r.jsonl"
    with _EchoKeyServer() as url:
        settings = Settings(base_url=url, api_key=KEY, cache=False, max_retries=0, processes=0)
        run_batch([feed], out, settings=settings, progress=False)
        with Extractor(settings) as extractor, pytest.raises(Exception) as caught:
            extractor.extract(_article(1), source_id="a")
    text = (tmp_path / "r.errors.jsonl").read_text()
    assert "redacted" in text and KEY not in text
    assert KEY not in str(caught.value) and KEY not in capsys.readouterr().err


class _EchoKeyServer:
    """Answers 401 with the Authorization header in the error body, as some proxies do."""

    def __enter__(self) -> str:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None: ...

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                auth = self.headers.get("Authorization", "")
                body = json.dumps({"error": {"message": f"bad key {auth}", "type": "x"}}).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_csv_cells_that_look_like_formulas_are_escaped(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "a.txt", "x")
    out = tmp_path / "r.csv"
    run_batch(
        [tmp_path / "in"], out, extractor=Fake(summary='=HYPERLINK("http://x")'), progress=False
    )
    with out.open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["summary"] == '\'=HYPERLINK("http://x")'
    assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())


# --- truncated and empty answers -------------------------------------------------------


@pytest.mark.parametrize("fault", ["truncated", "empty_choices", "truncated_body"])
def test_one_truncated_or_empty_answer_is_retried(fault: str) -> None:
    with StubServer(script=[fault]) as srv, Extractor(_stub_settings(srv)) as extractor:
        record = extractor.extract(_article(1), source_id="a")
    assert record.usage.retries >= 1 or fault == "truncated_body"
    assert [o for _, o in srv.log].count(fault) == 1


@pytest.mark.parametrize(
    ("fault", "said"), [("truncated", "cut off"), ("empty_choices", "no choices")]
)
def test_persistent_bad_answers_say_what_the_server_did(fault: str, said: str) -> None:
    with (
        StubServer(script=[fault] * 20) as srv,
        Extractor(_stub_settings(srv)) as extractor,
        pytest.raises(ModelOutputError) as caught,
    ):
        extractor.extract(_article(1), source_id="a")
    assert said in str(caught.value) and "3 time" in str(caught.value)


# --- inputs ----------------------------------------------------------------------------


def test_utf16_with_a_bom_is_decoded(tmp_path: Path) -> None:
    _write(tmp_path / "in" / "le.txt", "Лукашенко встретился".encode("utf-16"))
    _write(tmp_path / "in" / "be.txt", codecs_be("Лукашенко встретился"))
    _write(tmp_path / "in" / "bin.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    fake = Fake()
    run_batch([tmp_path / "in"], tmp_path / "r.jsonl", extractor=fake, progress=False)
    assert sorted(fake.calls) == ["be", "le"]
    (error,) = _lines(tmp_path / "r.errors.jsonl")
    assert "binary" in error["message"] and "iconv" not in (error["hint"] or "")


def codecs_be(text: str) -> bytes:
    import codecs

    return codecs.BOM_UTF16_BE + text.encode("utf-16-be")


def test_subfolders_and_symlink_loops_are_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "in"
    _write(folder / "sub" / "deep.txt", "x")
    _write(folder / "top.txt", "x")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    run_batch([folder], tmp_path / "r.jsonl", extractor=Fake(), progress=False)
    assert "subfolder" in caplog.text and "sub" in caplog.text
    (error,) = _lines(tmp_path / "r.errors.jsonl")
    assert error["id"] == "loop" and "symbolic links" in error["message"]


def test_a_bad_output_path_is_a_clear_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "in" / "a.txt", "x")
    blocker = _write(tmp_path / "file", "x")
    code = cli.main(
        ["batch", str(tmp_path / "in"), "-o", str(blocker / "r.jsonl"), "--no-progress"]
    )
    assert code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "briefx: error: cannot create the folder" in err and "Traceback" not in err
    code = cli.main(["batch", str(tmp_path / "in"), "-o", str(tmp_path), "--no-progress"])
    assert code == cli.EXIT_USAGE


def test_extract_takes_lone_surrogates_and_refuses_paths_plainly() -> None:
    with StubServer() as srv, Extractor(_stub_settings(srv)) as extractor:
        text = json.loads(json.dumps(_article(1))[:-1] + ' \\ud800"')
        record = extractor.extract(text, source_id="a")
        assert isinstance(record, MeetingSummary)
        for bad in (Path("article.txt"), None, 42):
            with pytest.raises(InputError, match="str or bytes"):
                extractor.extract(bad, source_id="a")  # type: ignore[arg-type]


# --- unreachable server ---------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_said_fast_and_stops_the_batch(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    settings = Settings(base_url=url, api_key="k", cache=False, processes=0, concurrency=2)
    started = time.monotonic()
    with (
        Extractor(settings) as extractor,
        pytest.raises(ServerUnreachable, match="connection refused at"),
    ):
        extractor.extract(_article(1), source_id="a")
    assert time.monotonic() - started < 3
    feed = _write(
        tmp_path / "f.jsonl",
        "\n".join(json.dumps({"id": f"a{n}", "text": _article(n)}) for n in range(14)) + "\n",
    )
    out = tmp_path / "r.jsonl"
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match="rerun"):
        run_batch([feed], out, settings=settings, progress=False)
    assert time.monotonic() - started < 10
    assert _lines(tmp_path / "r.errors.jsonl") == []  # every input left to resume
    code = cli.main(["batch", str(feed), "-o", str(out), "--no-progress", "--base-url", url])
    assert code == cli.EXIT_FAILED
    with StubServer() as srv:
        summary = run_batch([feed], out, settings=_stub_settings(srv), progress=False)
    assert summary.records == 14


if sys.platform == "win32":  # pragma: no cover
    pytestmark = pytest.mark.skip("POSIX files (FIFOs, symlinks)")
