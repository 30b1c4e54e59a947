"""The Ray engine: the local batch's files and guarantees, extracted by Ray Data actors.

One local Ray instance (2 CPUs) serves the whole module; every test talks to
a loopback ``StubServer`` with latency, never a model.
"""

from __future__ import annotations

import json
import logging
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")

import numpy as np  # noqa: E402  (after the skip: it comes with ray[data])

import briefx._extract  # noqa: E402
from briefx import cli  # noqa: E402
from briefx._batch import run_batch  # noqa: E402
from briefx._errors import ServerUnreachable  # noqa: E402
from briefx._settings import Settings  # noqa: E402
from briefx.ray import OUTPUT_COLUMNS, Extract, batch, item_row, row_item  # noqa: E402
from briefx.testing import StubServer  # noqa: E402
from conftest import ALL_ARTICLES, ARTICLES  # noqa: E402

pytestmark = pytest.mark.slow

# Every error line the local batch writes has exactly these keys.
ERROR_KEYS = {"id", "input", "error", "message", "hint", "attempts", "usage"}
SENTENCE = "The governor of Penza Oblast met the president in Minsk on 3 March 2024 on trade."


@pytest.fixture(scope="module", autouse=True)
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One local Ray instance for the module: starting one takes seconds.

    Its processes keep the environment they start with, so they start with
    no briefx or OpenAI variables and a home of their own, as every test does.
    """
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("BRIEFX_") or name in {"OPENAI_API_KEY", "OPENAI_BASE_URL"}:
                env.delenv(name)
        env.setenv("HOME", str(tmp_path_factory.mktemp("ray-home")))
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer(delay=0.05) as server:
        yield server


def _settings(stub: StubServer, **more: Any) -> Settings:
    return Settings(base_url=stub.base_url, api_key="test-key", cache=False, **more)


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines() if raw]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the callable class, called directly ------------------------------------------


def _columns(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    return {name: np.array([row.get(name) for row in rows], dtype=object) for name in rows[0]}


def test_rows_round_trip_to_the_local_batchs_items(tmp_path: Path) -> None:
    from briefx._batch import collect_inputs

    _write(tmp_path / "in" / "a.txt", "text")
    _write(tmp_path / "in" / "b.html", "<p>page</p>")
    jsonl = {"id": "c", "html": "<p>x</p>", "url": "https://e.org/c", "published": "2024-03-01"}
    _write(tmp_path / "in" / "d.jsonl", json.dumps(jsonl) + '\n{"text": "plain"}\n')
    items = collect_inputs([tmp_path / "in"])

    back = [row_item(item_row(item)) for item in items]

    # Files travel as absolute paths (an actor's working directory is its own).
    assert [(b.id, b.text, b.html, b.url, b.published) for b in back] == [
        (i.id, i.text, i.html, i.url, i.published) for i in items
    ]
    assert [Path(b.path).resolve() for b in back[:2]] == [Path(i.path).resolve() for i in items[:2]]


def test_every_row_comes_back_even_when_one_raises(
    stub: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = briefx._extract.Extractor.aextract

    async def flaky(self: Any, source: Any, **kw: Any) -> Any:
        if kw.get("source_id") == "bug":
            raise RuntimeError("a bug in one article")
        return await real(self, source, **kw)

    monkeypatch.setattr(briefx._extract.Extractor, "aextract", flaky)
    extract = Extract(**_settings(stub).model_dump(exclude_unset=True))
    rows = [
        {"id": "ok", "text": SENTENCE, "html": None, "path": None},
        {"id": "bug", "text": SENTENCE, "html": None, "path": None},
        # Arrow hands an all-null column to numpy as NaN: still "no text".
        {"id": "empty", "text": float("nan"), "html": None, "path": None},
        {"id": "gone", "text": None, "html": None, "path": "/nonexistent/gone.txt"},
    ]
    try:
        out = extract(_columns(rows))
    finally:
        extract.close()

    assert set(out) == set(OUTPUT_COLUMNS)
    assert out["id"] == ["ok", "bug", "empty", "gone"]
    assert out["kind"] == ["record", "error", "error", "error"]
    lines = [json.loads(line) for line in out["line"]]
    assert lines[0]["id"] == "ok" and lines[0]["source"]["id"] == "ok"
    assert all(set(line) == ERROR_KEYS for line in lines[1:])
    assert [line["error"] for line in lines[1:]] == ["RuntimeError", "InputError", "InputError"]
    assert out["reached_model"] == [True, True, False, False]


def _error_row(item_id: str) -> dict[str, Any]:
    line = {"id": item_id, "input": item_id, "error": "InputError", "message": "m"}
    line |= {"hint": None, "attempts": 0, "usage": None}
    return {"id": item_id, "kind": "error", "line": json.dumps(line)}


def test_the_driver_writes_an_id_once_and_refuses_to_finish_short(tmp_path: Path) -> None:
    from briefx._batch import BatchSummary, OutcomeWriter, _plan
    from briefx._errors import ExtractionError
    from briefx.ray import _Job

    paths = _plan(tmp_path / "r.jsonl", None, None)
    more = {"unreachable": False, "reached_model": False}
    rows = [{**_error_row("a"), **more}, {**_error_row("a"), **more}, {**_error_row("x"), **more}]
    writer = OutcomeWriter(paths, BatchSummary(inputs=2), 2, False)
    try:
        # "a" twice (a retried batch) and "x" (no input of this run); "b" never comes.
        with pytest.raises(ExtractionError, match="1 input"):
            _Job._drain(rows, writer, {"a", "b"})
    finally:
        writer.close()

    assert [line["id"] for line in _lines(paths.errors)] == ["a"]


# --- the driver on the cluster ----------------------------------------------------


def _inputs(folder: Path, files: int) -> list[str]:
    """``files`` short articles, plus a JSONL file: one good line, one empty, one broken."""
    ids = [f"art{n:04}" for n in range(files)]
    for name in ids:
        _write(folder / f"{name}.txt", f"{SENTENCE} Item {name}.\n")
    good = json.dumps({"id": "j-good", "html": f"<html><body><p>{SENTENCE}</p></body></html>"})
    empty = json.dumps({"id": "j-empty", "text": ""})
    _write(folder / "more.jsonl", f"{good}\n{empty}\n{{not json\n")
    return [*ids, "j-good", "j-empty", "more:3"]


def test_500_inputs_with_a_worker_killed_mid_run_end_exactly_once(
    tmp_path: Path, stub: StubServer
) -> None:
    ids = _inputs(tmp_path / "in", 497)
    victim = "art0300"
    died, starts, calls = tmp_path / "died", tmp_path / "starts", tmp_path / "calls"

    class DiesOnce(Extract):
        """Kills its own process the first time it is handed the victim's batch."""

        def __init__(self, **settings: Any) -> None:
            with starts.open("a") as fh:
                fh.write(f"{os.getpid()}\n")
            super().__init__(**settings)

        def __call__(self, batch: Any) -> dict[str, list[Any]]:
            with calls.open("a") as fh:
                fh.write(json.dumps([os.getpid(), *map(str, batch["id"])]) + "\n")
            if victim in set(batch["id"]) and not died.exists():
                died.write_text(str(os.getpid()))
                os.kill(os.getpid(), signal.SIGKILL)
            return super().__call__(batch)

    out = tmp_path / "r.jsonl"
    summary = batch(
        [tmp_path / "in"],
        out,
        settings=_settings(stub, concurrency=8),
        progress=False,
        workers=2,
        actor=DiesOnce,
    )

    records, errors = _lines(out), _lines(tmp_path / "r.errors.jsonl")
    seen = [line["id"] for line in records + errors]
    assert len(seen) == len(set(seen)) == 500  # no input twice
    assert set(seen) == set(ids)  # and none lost
    assert {line["id"] for line in errors} == {"j-empty", "more:3"}
    assert all(set(line) == ERROR_KEYS for line in errors)
    assert (summary.records, summary.errors, summary.inputs) == (498, 2, 500)
    # The kill happened, a new actor took over, and the victim's batch ran again.
    assert died.exists()
    batches = [json.loads(raw) for raw in calls.read_text().splitlines()]
    tries = [pid for pid, *batch_ids in batches if victim in batch_ids]
    assert len(tries) >= 2 and tries[0] == int(died.read_text()) != tries[-1]
    assert len(starts.read_text().split()) >= 3  # two actors and at least one restart
    assert all(line["event_id"] for line in records)  # finished: grouped, in input order
    assert [line["id"] for line in records] == [i for i in ids if i in {r["id"] for r in records}]


def test_a_rerun_sends_only_the_new_inputs_to_ray(tmp_path: Path, stub: StubServer) -> None:
    for n in range(6):
        _write(tmp_path / "in" / f"a{n}.txt", f"{SENTENCE} Item {n}.\n")
    out = tmp_path / "r.jsonl"
    first = batch([tmp_path / "in"], out, settings=_settings(stub), progress=False, workers=2)
    calls_first = stub.requests
    for n in range(6, 9):
        _write(tmp_path / "in" / f"a{n}.txt", f"{SENTENCE} Item {n}.\n")

    again = batch([tmp_path / "in"], out, settings=_settings(stub), progress=False, workers=2)

    assert (first.records, again.skipped, again.records) == (6, 6, 3)
    assert stub.requests - calls_first == calls_first // 2  # three articles' calls, not nine
    assert sorted(line["id"] for line in _lines(out)) == [f"a{n}" for n in range(9)]


def test_no_server_stops_early_and_leaves_every_input_resumable(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for n in range(40):
        _write(tmp_path / "in" / f"a{n}.txt", f"{SENTENCE} Item {n}.\n")
    settings = Settings(base_url=f"http://127.0.0.1:{port}/v1", api_key="k", cache=False)
    out = tmp_path / "r.jsonl"

    with pytest.raises(ServerUnreachable, match="wrote no error line"):
        batch([tmp_path / "in"], out, settings=settings, progress=False, workers=2)

    assert _lines(out) == [] and _lines(tmp_path / "r.errors.jsonl") == []


def test_parquet_from_ray_has_the_local_batchs_columns_and_rows(
    tmp_path: Path, stub: StubServer
) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    local, on_ray = tmp_path / "local.parquet", tmp_path / "ray.parquet"

    run_batch([ARTICLES], local, settings=_settings(stub, processes=0), progress=False)
    batch([ARTICLES], on_ray, settings=_settings(stub), progress=False, workers=2)

    a, b = pq.read_table(local), pq.read_table(on_ray)
    assert a.schema == b.schema
    timing = [name for name in a.column_names if name.startswith("usage.")]
    assert a.drop_columns(timing).to_pylist() == b.drop_columns(timing).to_pylist()
    assert b.num_rows == len(ALL_ARTICLES)
    for side in ("local", "ray"):  # the same side files beside each
        assert (tmp_path / f"{side}.parquet.jsonl").exists()
        assert (tmp_path / f"{side}.parquet.events.jsonl").exists()


def test_cli_engine_ray_gives_every_example_article_once(
    tmp_path: Path, stub: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFX_BASE_URL", stub.base_url)
    monkeypatch.setenv("BRIEFX_API_KEY", "test-key")
    out = tmp_path / "out.jsonl"

    code = cli.main(["batch", str(ARTICLES), "-o", str(out), "--engine", "ray", "--no-progress"])

    seen = [line["id"] for line in _lines(out) + _lines(tmp_path / "out.errors.jsonl")]
    assert code == 0
    assert sorted(seen) == sorted(ALL_ARTICLES)  # 14, each once
    assert len(_lines(out)) == len(ALL_ARTICLES)
