"""Answer cache: a second extract of the same article makes no model call.

The key is a sha256 over a sorted JSON dump of everything that changes the
answer: cleaned text, model, backend endpoint, prompt version, schema version
and options. A cache that cannot be opened or read (corrupt, locked, read-only)
degrades to no cache with a warning; it never returns a wrong record. Each
entry carries its key and the schema version, checked on read: an entry that
does not match is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from briefx._models import SCHEMA_VERSION

logger = logging.getLogger("briefx")


def cache_key(**parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Cache:
    """A small wrapper over diskcache that fails soft."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self._store: Any = None
        if directory is None:
            return
        try:
            _check_not_locked(directory / "records" / "cache.db")
            import diskcache

            # A short sqlite timeout: a locked cache must degrade to "no cache", not hang.
            self._store = diskcache.Cache(str(directory / "records"), size_limit=2**30, timeout=1.0)
        except Exception as exc:
            logger.warning("briefx cache at %s unusable, running without it: %s", directory, exc)
            self._store = None

    @property
    def enabled(self) -> bool:
        return self._store is not None

    def get(self, key: str) -> dict[str, Any] | None:
        if self._store is None:
            return None
        try:
            value = self._store.get(key)
        except Exception as exc:
            self._disable(exc)
            return None
        if value is None:
            return None
        try:
            data = json.loads(value)
        except (TypeError, ValueError):
            logger.warning("briefx cache entry %s is corrupt; ignoring it", key[:12])
            return None
        return _unwrap(data, key)

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._store is None:
            return
        entry = {"key": key, "schema": SCHEMA_VERSION, "record": value}
        try:
            self._store.set(key, json.dumps(entry, ensure_ascii=False))
        except Exception as exc:
            self._disable(exc)

    def _disable(self, exc: Exception) -> None:
        logger.warning("briefx cache at %s failed, running without it: %s", self.directory, exc)
        self.close()
        self._store = None

    def close(self) -> None:
        if self._store is not None:
            # Closing a broken cache is best effort.
            with contextlib.suppress(Exception):
                self._store.close()


def _unwrap(data: Any, key: str) -> dict[str, Any] | None:
    """The record of an entry written for ``key`` under this schema, else None (a miss).

    An entry carries its own key, so one copied or swapped under another key is
    never served as that article's record.
    """
    if not isinstance(data, dict) or data.get("key") != key:
        logger.warning("briefx cache entry %s is not this key's entry; ignoring it", key[:12])
        return None
    record = data.get("record")
    if data.get("schema") != SCHEMA_VERSION or not isinstance(record, dict):
        return None  # another schema version: a miss, quietly
    return record


def _check_not_locked(db: Path) -> None:
    """diskcache retries a locked database for 60 s at start-up; find out in one."""
    if not db.exists():
        return
    conn = sqlite3.connect(str(db), timeout=1.0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    finally:
        conn.close()
