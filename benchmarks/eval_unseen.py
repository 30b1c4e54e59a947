"""Score a batch's records against gold written for articles the rules never saw.

    briefx batch examples/unseen/articles -o out/unseen.jsonl     # live model
    python benchmarks/eval_unseen.py out/unseen.jsonl              # this table

Prints the per-article and per-field table of the contract's scoring, and the
language checks of issue 19: records with non-Latin script in English fields,
``kind`` accuracy, and re-asks per article.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from briefx import MeetingSummary, prepare
from briefx._eval import evaluate
from briefx._grounding import ungrounded_numbers

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = ROOT / "examples" / "unseen"
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F]")  # a letter outside Latin


def _records(path: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        rid = data.pop("id", None) or data.get("source", {}).get("id")
        data.pop("event_id", None)
        out[Path(str(rid)).stem] = data
    return out


def english_fields(record: dict[str, Any]) -> list[str]:
    """The values the contract wants in English or Latin script."""
    values = [record.get("summary") or ""]
    for person in record.get("participants") or []:
        values += [person.get("name") or "", person.get("position") or ""]
    values += [(record.get("region") or {}).get("name") or ""]
    values += [(record.get("location") or {}).get("city") or ""]
    values += list(record.get("organizations") or [])
    return [v for v in values if v]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("--gold", type=Path, default=UNSEEN / "gold")
    parser.add_argument("--articles", type=Path, default=UNSEEN / "articles")
    args = parser.parse_args(argv)
    raw = _records(args.records)
    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in args.gold.glob("*.json")}
    known = {k: v for k, v in raw.items() if k in gold}
    records = {
        k: MeetingSummary.model_validate(
            {f: v for f, v in rec.items() if f in MeetingSummary.model_fields}
        )
        for k, rec in known.items()
    }
    report = evaluate(records, args.gold)
    print(report.format_table())
    print("\nper field:", {k: round(v, 3) for k, v in report.field_f1.items()})
    non_latin = [
        k for k, rec in known.items() if any(_NON_LATIN.search(v) for v in english_fields(rec))
    ]
    print(f"records with non-Latin script in English fields: {len(non_latin)} of {len(known)}")
    if non_latin:
        print("  " + ", ".join(sorted(non_latin)))
    ungrounded = {}
    for k, rec in known.items():
        article = args.articles / f"{k}.txt"
        if article.exists() and rec.get("summary"):
            cleaned = prepare(article.read_text(encoding="utf-8")).text
            bad = ungrounded_numbers(rec["summary"], cleaned)
            if bad:
                ungrounded[k] = bad
    print(f"summaries with numbers or dates the article lacks: {len(ungrounded)}", ungrounded or "")
    kinds = [(k, rec.get("kind"), gold[k].get("kind")) for k, rec in known.items()]
    right = sum(1 for _, got, want in kinds if got == want)
    print(f"kind accuracy: {right}/{len(kinds)}")
    for k, got, want in sorted(kinds):
        if got != want:
            print(f"  {k}: {got} (gold {want})")
    reasks = [int((rec.get("usage") or {}).get("reasks", 0)) for rec in known.values()]
    calls = [int((rec.get("usage") or {}).get("calls", 0)) for rec in known.values()]
    n = max(1, len(reasks))
    print(
        f"re-asks per article: {sum(reasks) / n:.2f} "
        f"({sum(1 for r in reasks if r)} of {len(reasks)} articles re-asked); "
        f"calls per article: {sum(calls) / n:.2f}"
    )
    missing = sorted(set(gold) - set(known))
    if missing:
        print(f"no record (errors?): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
