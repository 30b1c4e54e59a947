"""The real development set replays offline at the figures its live run recorded.

``benchmarks/eval_realdev.py --live`` records every model call on the 38 real
articles of ``examples/realdev`` into ``cassettes/realdev`` and writes its
figures to ``cassettes/realdev/figures.json``. Here the same command replays
those answers through the current rules: a change that moves real-text
quality shows as a failing test, not as a surprise on the next live run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "cassettes/realdev/figures.json"
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import eval_realdev

    out = tmp_path_factory.mktemp("realdev") / "figures.json"
    assert eval_realdev.main(["--json", str(out)]) == 0
    return dict(json.loads(out.read_text(encoding="utf-8")))


@pytest.mark.slow
def test_replayed_macro_f1_is_the_recorded_one(replayed: dict[str, Any]) -> None:
    recorded = json.loads(FIGURES.read_text(encoding="utf-8"))
    for side in ("briefx", "bare call"):
        assert replayed["macro_f1"][side] == pytest.approx(recorded["macro_f1"][side], abs=0.01)


@pytest.mark.slow
def test_every_realdev_article_replays_without_a_miss(replayed: dict[str, Any]) -> None:
    assert replayed["errors"] == {}


@pytest.mark.slow
def test_records_are_english_and_of_the_right_kind(replayed: dict[str, Any]) -> None:
    checks = replayed["checks"]
    assert checks["non_latin"] == []
    assert checks["summary_share"] >= 0.95
    assert checks["kind_share"] >= 0.9
