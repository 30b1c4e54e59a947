"""The package ships what it promises: prompts, schemas, a small public API."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import briefx
from briefx import MeetingSummary
from briefx._prompts import PASSES, load_examples, load_template
from briefx._resources import resource_dir
from conftest import ROOT


def test_prompts_and_schema_found_through_the_package() -> None:
    for name in ("system", *PASSES):
        assert load_template(name).version != "0"
    assert load_examples()
    schema = json.loads(resource_dir("schemas").joinpath("meeting_summary.schema.json").read_text())
    assert schema["title"] == "MeetingSummary"


def test_committed_schema_matches_the_models() -> None:
    committed = json.loads((ROOT / "schemas" / "meeting_summary.schema.json").read_text())
    assert committed == MeetingSummary.model_json_schema(), (
        "schemas/ is out of date: run `briefx schema > schemas/meeting_summary.schema.json`"
    )


@pytest.mark.slow
def test_built_wheel_contains_prompts_and_schemas(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "-o",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("briefx-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "briefx/prompts/system.md" in names
    assert "briefx/prompts/examples.json" in names
    assert "briefx/schemas/meeting_summary.schema.json" in names
    assert "briefx/py.typed" in names


def test_public_api_is_small_and_explicit() -> None:
    assert "extract" in briefx.__all__ and "aextract" in briefx.__all__
    assert all(not name.startswith("_") or name == "__version__" for name in briefx.__all__)
    for name in briefx.__all__:
        assert hasattr(briefx, name)


def test_every_public_name_resolves_lazily_and_only_those() -> None:
    from briefx import _EXPORTS

    assert set(briefx.__all__) == {*_EXPORTS, "to_dataframe", "__version__"}
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = briefx.nope  # type: ignore[attr-defined]


def test_the_rules_import_without_the_model_client() -> None:
    # What a rules worker process imports: no openai, instructor or httpx.
    heavy = "{'openai', 'instructor', 'httpx'}"
    code = f"import sys, briefx._assemble; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
