"""Quality on real articles: briefx, the bare call and the ablation, scored against gold in one run.

    python benchmarks/eval_realdev.py                    # replay cassettes/realdev (offline)
    python benchmarks/eval_realdev.py --live             # call BRIEFX_BASE_URL, re-record cassettes
    python benchmarks/eval_realdev.py --set examples/unseen --cassettes cassettes/unseen

A set is a folder with ``articles/NAME.txt`` and ``gold/NAME.json`` (the
contract's form, plus a ``kind`` label). Prints, from one run:

- per-field precision, recall and F1 for briefx and for the bare single call;
- the ablation: rules alone (model answers emptied), the model alone (rule
  finders off), both;
- English out (records with a non-Latin letter in an English-valued field,
  agreement titles and organisations included; English summaries on records
  whose kind is not ``other``), ``kind`` accuracy, calls and re-asks per article
  with the causes counted from the records' warnings.

Recordings go to ``CASSETTES/briefx/NAME.yaml`` and ``CASSETTES/baseline/NAME.yaml``;
a replay whose question changed fails for that article and says to re-record
with ``--live``. ``--json`` writes the figures (the test in
``tests/eval/test_realdev.py`` holds the replayed macro-F1 to them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import vcr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from eval_report import _keeping_answers  # noqa: E402

from _cassettes import canonical  # noqa: E402
from briefx import Extractor, MeetingSummary, Settings, Usage, prepare  # noqa: E402
from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer  # noqa: E402
from briefx._assemble import assemble  # noqa: E402
from briefx._baseline import baseline_extract  # noqa: E402
from briefx._errors import BriefxError  # noqa: E402
from briefx._eval import FIELDS, EvalReport, evaluate  # noqa: E402

RECORDED_BASE_URL = "http://127.0.0.1:8765/v1"
MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F]")  # a letter outside Latin scripts


def settings(live: bool) -> Settings:
    """The settings recordings are made and replayed with (cache off: every call is real)."""
    url = os.environ.get("BRIEFX_BASE_URL", RECORDED_BASE_URL) if live else RECORDED_BASE_URL
    return Settings(
        base_url=url,
        api_key="not-needed",
        mode="json_object",
        model=MODEL,
        cache=False,
        max_retries=0,
    )


@contextmanager
def cassette(path: Path, live: bool, record: bool) -> Iterator[None]:
    if live and not record:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if live and path.exists():
        path.unlink()  # a live run re-records the article whole
    recorder = vcr.VCR(
        record_mode="all" if live else "none",
        match_on=["method", "path", "canonical"],
        filter_headers=["authorization", "x-api-key", "api-key", "cookie"],
        filter_query_parameters=["api_key", "key", "api-key"],
        decode_compressed_response=True,
    )
    recorder.register_matcher("canonical", canonical)
    with recorder.use_cassette(str(path)):
        yield


def run_side(
    names: list[str],
    texts: dict[str, str],
    fn: Callable[[str, str], MeetingSummary],
    cassettes: Path,
    live: bool,
    record: bool,
) -> tuple[dict[str, MeetingSummary], dict[str, str]]:
    records: dict[str, MeetingSummary] = {}
    errors: dict[str, str] = {}
    for name in names:
        try:
            with cassette(cassettes / f"{name}.yaml", live, record):
                records[name] = fn(texts[name], name)
        except (BriefxError, vcr.errors.CannotOverwriteExistingCassetteException) as exc:
            # A failed article scores as an empty record; its cost still counts.
            errors[name] = f"{type(exc).__name__}: {str(exc)[:160]}"
            records[name] = MeetingSummary(is_meeting=False)
            usage = getattr(exc, "usage", None)
            if isinstance(usage, Usage):
                records[name].usage = usage
        if live:
            u = records[name].usage
            print(f"  {name}: {u.calls} calls, {u.reasks} re-asks, {u.seconds:.0f} s", flush=True)
    return records, errors


def english_values(record: MeetingSummary) -> list[str]:
    """Every value the contract wants in English and Latin letters (quotes are verbatim)."""
    values = [record.summary or ""]
    for p in record.participants:
        values += [p.name or "", p.position or ""]
    values += [record.region.name if record.region else ""]
    values += [record.location.city or "" if record.location else ""]
    values += list(record.organizations)
    values += [a.title for a in record.agreements]
    return [v for v in values if v]


def language_and_kind(
    records: dict[str, MeetingSummary], gold: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    non_latin = sorted(
        n for n, r in records.items() if any(_NON_LATIN.search(v) for v in english_values(r))
    )
    wanted = [n for n, r in records.items() if r.kind != "other"]
    summaries = [n for n in wanted if records[n].summary]
    kinds = {n: (records[n].kind, g.get("kind")) for n, g in gold.items() if g.get("kind")}
    wrong = sorted(f"{n} ({got}, gold {want})" for n, (got, want) in kinds.items() if got != want)
    reasked = [n for n, r in records.items() if r.usage.reasks]
    return {
        "non_latin": non_latin,
        "summaries": f"{len(summaries)} of {len(wanted)}",
        "summary_share": len(summaries) / len(wanted) if wanted else 1.0,
        "kind_right": f"{len(kinds) - len(wrong)} of {len(kinds)}",
        "kind_share": (len(kinds) - len(wrong)) / len(kinds) if kinds else 1.0,
        "kind_wrong": wrong,
        "calls": sum(r.usage.calls for r in records.values()) / max(1, len(records)),
        "reasked": f"{len(reasked)} of {len(records)}",
        "reask_causes": dict(
            Counter(
                (w.field or "?") + ":" + w.code
                for n in reasked
                for w in records[n].warnings
                if w.code in ("dropped", "left_out")
            ).most_common(8)
        ),
    }


def ablation(
    answers: dict[str, tuple[Any, ...]],
    combined: dict[str, MeetingSummary],
    gold_dir: Path,
    cleaned: dict[str, str],
) -> list[EvalReport]:
    """Rules alone (model answers emptied), the model alone (rule finders off), both."""
    empty = (PeopleAnswer(), CompaniesAnswer(), FactsAnswer())
    rules = {n: assemble(p, *empty, **kw) for n, (p, _, kw) in answers.items()}
    model = {n: assemble(p, *a, finders=False, **kw) for n, (p, a, kw) in answers.items()}
    both = {n: combined[n] for n in answers}
    return [
        evaluate(recs, gold_dir, cleaned, label=label)
        for label, recs in (("rules only", rules), ("model only", model), ("both", both))
    ]


def field_table(reports: list[EvalReport]) -> str:
    """One row per field: P/R/F1 of each report side by side."""
    head = f"{'field':<14}" + "".join(f"{r.label:>22}" for r in reports)
    sub = f"{'':<14}" + "".join(f"{'P':>8}{'R':>7}{'F1':>7}" for _ in reports)
    rows = [head, sub, "-" * len(sub)]
    for name in FIELDS:
        cells = ""
        for r in reports:
            p, rc, f = _prf(r, name)
            cells += f"{p:>8.2f}{rc:>7.2f}{f:>7.2f}"
        rows.append(f"{name:<14}{cells}")
    rows.append(f"{'macro-F1':<14}" + "".join(f"{r.macro_f1:>22.3f}" for r in reports))
    return "\n".join(rows)


def _prf(report: EvalReport, name: str) -> tuple[float, float, float]:
    scores = [a.fields[name] for a in report.articles if name in a.fields]
    if not scores:
        return 0.0, 0.0, 0.0
    n = len(scores)
    return (
        sum(s.precision for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.f1 for s in scores) / n,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "examples/realdev")
    parser.add_argument("--cassettes", type=Path, default=ROOT / "cassettes/realdev")
    parser.add_argument("--live", action="store_true", help="call the server (BRIEFX_BASE_URL)")
    parser.add_argument("--no-record", action="store_true", help="live, without re-recording")
    parser.add_argument("--no-baseline", action="store_true", help="leave the bare call out")
    parser.add_argument(
        "--rerecord-baseline",
        action="store_true",
        help="with --live, call the server for the bare call too (its recordings are reused)",
    )
    parser.add_argument("--only", nargs="*", help="these articles only")
    parser.add_argument("--records", type=Path, help="write briefx's records here (JSONL)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--articles-table", action="store_true", help="per-article rows too")
    args = parser.parse_args(argv)

    gold_dir, articles = args.set / "gold", args.set / "articles"
    names = sorted(p.stem for p in gold_dir.glob("*.json") if (articles / f"{p.stem}.txt").exists())
    if args.only:
        names = [n for n in names if n in set(args.only)]
    texts = {n: (articles / f"{n}.txt").read_text(encoding="utf-8") for n in names}
    gold = {n: json.loads((gold_dir / f"{n}.json").read_text(encoding="utf-8")) for n in names}
    cleaned = {n: prepare(texts[n]).text for n in names}
    record = not args.no_record
    s = settings(args.live)

    answers: dict[str, tuple[Any, ...]] = {}
    with Extractor(s) as ex, _keeping_answers(answers):
        ours, our_err = run_side(
            names,
            texts,
            lambda t, n: ex.extract(t, source_id=n),
            args.cassettes / "briefx",
            args.live,
            record,
        )
    reports = [evaluate(ours, gold_dir, cleaned, label="briefx", errors=our_err)]
    if not args.no_baseline:
        # The bare call's question never changes with briefx's prompts: its recordings
        # stand unless asked to be made again (or missing).
        base_dir = args.cassettes / "baseline"
        recorded = all((base_dir / f"{n}.yaml").exists() for n in names)
        base_live = args.live and (args.rerecord_baseline or not recorded)
        base, base_err = run_side(
            names,
            texts,
            lambda t, n: baseline_extract(t, s),
            base_dir,
            base_live,
            record,
        )
        reports.append(evaluate(base, gold_dir, cleaned, label="bare call", errors=base_err))
    abl = ablation(answers, ours, gold_dir, cleaned)

    print(
        f"set: {args.set.name} ({len(names)} articles); "
        f"{'live server' if args.live else 'recorded answers'}; model {s.resolved_model()}\n"
    )
    if args.articles_table:
        print(reports[0].format_table(), "\n")
    print(field_table(reports), "\n")
    print(field_table(abl), "\n")
    checks = language_and_kind(ours, gold)
    print(
        f"non-Latin letters in English-valued fields: {len(checks['non_latin'])} of {len(ours)}"
        + (f" ({', '.join(checks['non_latin'])})" if checks["non_latin"] else "")
    )
    print(f"English summary on records whose kind is not 'other': {checks['summaries']}")
    print(
        f"kind right: {checks['kind_right']}"
        + (f"; wrong: {', '.join(checks['kind_wrong'])}" if checks["kind_wrong"] else "")
    )
    print(
        f"calls per article: {checks['calls']:.2f}; re-asked: {checks['reasked']}; "
        f"their dropped/left-out fields: {checks['reask_causes']}"
    )
    for name, err in sorted(our_err.items()):
        print(f"  ! {name}: {err}")
    if args.records:
        with args.records.open("w", encoding="utf-8") as out:
            for n in names:
                out.write(
                    json.dumps({"id": n, **ours[n].model_dump(mode="json")}, ensure_ascii=False)
                    + "\n"
                )
    if args.json:
        figures = {
            "macro_f1": {r.label: round(r.macro_f1, 4) for r in [*reports, *abl]},
            "field_f1": {
                r.label: {k: round(v, 4) for k, v in r.field_f1.items()} for r in [*reports, *abl]
            },
            "checks": checks,
            "errors": our_err,
        }
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
