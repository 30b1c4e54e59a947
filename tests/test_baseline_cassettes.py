"""The bare instructor call the evaluation compares against, on the same real model.

Its cassettes feed ``benchmarks/eval_report.py``; here we check what the
baseline really does: the raw article, boilerplate and repeats included, in one call.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from briefx import ModelOutputError, Settings
from briefx._baseline import baseline_extract
from conftest import ALL_ARTICLES, ARTICLES


@pytest.mark.vcr
@pytest.mark.parametrize("name", ALL_ARTICLES)
def test_baseline_article(name: str, recorded_settings: Settings, vcr: Any) -> None:
    text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
    try:
        record = baseline_extract(text, recorded_settings)
    except ModelOutputError as exc:  # a bare call may not even parse: that is its floor
        assert exc.last_completion is not None
    else:
        assert record.usage.calls == 1 and record.usage.prompt_tokens > 0
    assert len(vcr.requests) == 1
    sent = json.loads(vcr.requests[0].body)["messages"][-1]["content"]
    assert sent == text  # no cleaning: what the bare call sees
