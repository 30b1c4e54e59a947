"""A broken cache degrades to no cache with a warning; it never returns a wrong record.

Broken means: garbage in the diskcache SQLite file (before or while it is
open), a corrupt entry, a cache path that cannot be a directory, a read-only
directory, and a database locked by another process.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefx._cache import Cache, cache_key
from briefx._extract import Extractor
from briefx._models import MeetingSummary
from briefx._settings import Settings
from briefx.testing import StubServer

GARBAGE = b"this is not a sqlite database\x00\xff" * 512
RECORD = {"summary": "Lukashenko met the governor.", "topics": ["machinery"]}
# An operation on a locked cache must give up well before diskcache's 60 s default.
LOCK_BOUND = 10.0


def _db(directory: Path) -> Path:
    files = sorted(directory.rglob("*.db"))
    assert files, f"no sqlite file under {directory}"
    return files[0]


def _warned(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "briefx" and r.levelno == logging.WARNING
    ]


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Path]:
    """A cache directory holding one good record, closed again."""
    cache = Cache(tmp_path / "cache")
    assert cache.enabled
    cache.set("k", RECORD)
    assert cache.get("k") == RECORD
    cache.close()
    yield tmp_path / "cache"


def test_a_working_cache_round_trips(filled: Path) -> None:
    cache = Cache(filled)
    assert cache.get("k") == RECORD
    assert cache.get("other") is None
    assert cache_key(text="a", model="m") == cache_key(model="m", text="a")
    assert cache_key(text="a", model="m") != cache_key(text="a", model="n")


def test_garbage_database_degrades_to_no_cache(
    filled: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _db(filled).write_bytes(GARBAGE)
    with caplog.at_level(logging.WARNING, logger="briefx"):
        cache = Cache(filled)
        assert cache.get("k") is None
        cache.set("k", {"summary": "other"})
        assert cache.get("k") is None
    assert not cache.enabled
    assert any("without it" in m for m in _warned(caplog)), _warned(caplog)


def test_database_corrupted_while_open_never_gives_a_wrong_record(
    filled: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = Cache(filled)
    assert cache.get("k") == RECORD
    _db(filled).write_bytes(GARBAGE)
    with caplog.at_level(logging.WARNING, logger="briefx"):
        got = [cache.get("k"), cache.get("missing")]
        cache.set("k2", RECORD)
        got.append(cache.get("k2"))
    # SQLite may still serve pages it holds; what comes back must be right or nothing.
    assert got[0] in (None, RECORD)
    assert got[1] is None
    assert got[2] in (None, RECORD)
    if not cache.enabled:
        assert _warned(caplog)


def test_a_corrupt_entry_is_ignored_with_a_warning(
    filled: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import diskcache

    store = diskcache.Cache(str(_db(filled).parent))
    store.set("k", "{not json")
    store.set("list", "[1, 2]")
    store.close()
    cache = Cache(filled)
    with caplog.at_level(logging.WARNING, logger="briefx"):
        assert cache.get("k") is None
        assert cache.get("list") is None
    assert any("corrupt" in m for m in _warned(caplog))


def test_cache_path_that_is_a_file_degrades(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory should be")
    with caplog.at_level(logging.WARNING, logger="briefx"):
        cache = Cache(blocker)
        cache.set("k", RECORD)
        assert cache.get("k") is None
    assert not cache.enabled
    assert _warned(caplog)
    assert blocker.read_text().startswith("a file")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file modes")
def test_read_only_directory_degrades(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        with caplog.at_level(logging.WARNING, logger="briefx"):
            cache = Cache(directory)
            cache.set("k", RECORD)
            assert cache.get("k") is None
        assert _warned(caplog)
    finally:
        directory.chmod(0o700)


def _bounded(fn: Any) -> tuple[bool, Any]:
    """Run ``fn`` in a thread; (finished within LOCK_BOUND, its result)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    thread.start()
    thread.join(LOCK_BOUND)
    return (not thread.is_alive(), result[0] if result else None)


@pytest.mark.slow
def test_locked_database_degrades_quickly(filled: Path, caplog: pytest.LogCaptureFixture) -> None:
    locker = sqlite3.connect(str(_db(filled)), isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING, logger="briefx"):
            done, cache = _bounded(lambda: Cache(filled))
            assert done, f"opening a locked cache blocked for over {LOCK_BOUND} s"
            done, value = _bounded(lambda: cache.get("k"))
            assert done, f"reading a locked cache blocked for over {LOCK_BOUND} s"
        assert value in (None, RECORD)
        assert _warned(caplog)
    finally:
        locker.execute("ROLLBACK")
        locker.close()


# --- through the extractor ------------------------------------------------------


def _extract_with_cache(srv: StubServer, cache_dir: Path, text: str) -> MeetingSummary:
    settings = Settings(
        base_url=srv.base_url, api_key="test-key", cache=True, cache_dir=cache_dir, max_retries=0
    )
    with Extractor(settings) as extractor:
        return extractor.extract(text, source_id="penza")


def _content(record: MeetingSummary) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude={"usage"})


def test_extract_hits_a_good_cache_and_survives_a_corrupted_one(
    tmp_path: Path, seed_texts: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    text, cache_dir = seed_texts["penza-belta-doubled"], tmp_path / "cache"
    with StubServer() as srv:
        first = _extract_with_cache(srv, cache_dir, text)
        calls = srv.requests
        again = _extract_with_cache(srv, cache_dir, text)
        assert srv.requests == calls, "a cached article must not call the model"
        assert again.usage.cache_hit and not first.usage.cache_hit
        assert _content(again) == _content(first)

        _db(cache_dir).write_bytes(GARBAGE)
        with caplog.at_level(logging.WARNING, logger="briefx"):
            degraded = _extract_with_cache(srv, cache_dir, text)
        assert srv.requests == 2 * calls, "a corrupt cache must fall back to the model"
    assert not degraded.usage.cache_hit
    assert _content(degraded) == _content(first)
    assert any("cache" in m for m in _warned(caplog))


def test_extract_with_a_cache_path_that_is_a_file(
    tmp_path: Path, seed_texts: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    with StubServer() as srv, caplog.at_level(logging.WARNING, logger="briefx"):
        record = _extract_with_cache(srv, blocker, seed_texts["penza-belta-doubled"])
    assert record.usage.calls >= 1 and not record.usage.cache_hit
    assert _warned(caplog)
