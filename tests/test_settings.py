"""Settings: arguments, then BRIEFX_* variables, then defaults; what they resolve to."""

from __future__ import annotations

import pytest

from briefx._settings import Settings


def test_rule_processes_only_when_articles_run_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert Settings(base_url="http://x/v1", concurrency=16).rule_processes() == 4
    assert Settings(base_url="http://x/v1", concurrency=1).rule_processes() == 0
    # The embedded model answers one article at a time: no workers.
    assert Settings(concurrency=16).rule_processes() == 0
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert Settings(base_url="http://x/v1", concurrency=16).rule_processes() == 1
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert Settings(base_url="http://x/v1", concurrency=16).rule_processes() == 0


def test_processes_from_argument_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFX_PROCESSES", "0")
    assert Settings(base_url="http://x/v1", concurrency=16).rule_processes() == 0
    assert Settings(base_url="http://x/v1", processes=2).rule_processes() == 2
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        Settings(processes=-1)


def test_start_interval_from_argument_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().start_interval == 0.01
    monkeypatch.setenv("BRIEFX_START_INTERVAL", "0")
    assert Settings().start_interval == 0.0
    assert Settings(start_interval=0.25).start_interval == 0.25
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        Settings(start_interval=-0.1)
