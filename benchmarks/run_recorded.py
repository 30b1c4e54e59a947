"""Extract a folder of articles live, recording each article's model calls, or replay them.

    python benchmarks/run_recorded.py ARTICLES OUT.jsonl --cassettes DIR           # record
    python benchmarks/run_recorded.py ARTICLES OUT.jsonl --cassettes DIR --replay  # offline

Recording once lets later changes to the rules (which send the model nothing
new) be measured on the same model answers, offline; a change that alters
what the model is asked misses its recording and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import vcr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from _cassettes import canonical  # noqa: E402
from briefx import Extractor, Settings  # noqa: E402
from briefx._errors import BriefxError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--cassettes", type=Path, required=True)
    parser.add_argument("--replay", action="store_true")
    parser.add_argument(
        "--ask",
        choices=("open", "all"),
        default="open",
        help="the facts question (Settings.ask); the recordings in cassettes/eval_unseen"
        " were made with 'all', before the facts pass asked only what the rules leave open",
    )
    args = parser.parse_args(argv)
    args.cassettes.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        base_url=os.environ.get("BRIEFX_BASE_URL", "http://127.0.0.1:8765/v1"),
        api_key="not-needed",
        mode="json_object",
        model="qwen2.5-coder-1.5b-instruct-q4_k_m",
        cache=False,
        max_retries=0,
        ask=args.ask,
    )
    recorder = vcr.VCR(
        record_mode="none" if args.replay else "all",
        match_on=["method", "path", "canonical"],
        filter_headers=["authorization"],
    )
    recorder.register_matcher("canonical", canonical)
    with Extractor(settings) as ex, args.out.open("w", encoding="utf-8") as out:
        for path in sorted(args.articles.glob("*.txt")):
            with recorder.use_cassette(str(args.cassettes / f"{path.stem}.yaml")):
                try:
                    record = ex.extract(path.read_text(encoding="utf-8"), source_id=path.stem)
                except BriefxError as exc:
                    print(f"{path.stem}: {exc}", file=sys.stderr)
                    continue
            line = {"id": path.stem, **record.model_dump(mode="json")}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            usage = record.usage
            print(f"{path.stem}: {usage.calls} calls, {usage.seconds:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
