"""Seed and extra-article quality: briefx vs a bare instructor call, same model, one run.

    python benchmarks/eval_report.py            # replay the recorded cassettes (offline)
    python benchmarks/eval_report.py --live     # against a running server (BRIEFX_BASE_URL)

Prints per-article and per-field tables for both, the macro-F1 ratio, and what
preparation saved: characters and prompt tokens per article.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import vcr

import briefx._extract as extract_module
from briefx import Extractor, MeetingSummary, Settings, Usage, prepare
from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer
from briefx._baseline import baseline_extract
from briefx._errors import BriefxError
from briefx._eval import evaluate, format_comparison

ROOT = Path(__file__).resolve().parents[1]
ARTICLES, GOLD, CASSETTES = ROOT / "examples/articles", ROOT / "examples/gold", ROOT / "cassettes"
RECORDED_BASE_URL = "http://127.0.0.1:8765/v1"
sys.path.insert(0, str(ROOT / "tests"))
from _cassettes import canonical  # noqa: E402  # the tests' matcher: one way to replay


def _settings(live: bool) -> Settings:
    return Settings(
        base_url=os.environ.get("BRIEFX_BASE_URL", RECORDED_BASE_URL)
        if live
        else RECORDED_BASE_URL,
        api_key="test-key",
        mode="json_object",
        model="qwen2.5-coder-1.5b-instruct-q4_k_m",
        cache=False,
        max_retries=0,
    )


@contextmanager
def _cassette(live: bool, module: str, test: str, name: str) -> Iterator[None]:
    if live:
        with nullcontext():
            yield
        return
    path = CASSETTES / module / f"{test}[{name}].yaml"
    recorder = vcr.VCR(record_mode="none", match_on=["method", "path", "canonical"])
    recorder.register_matcher("canonical", canonical)
    with recorder.use_cassette(str(path)):
        yield


def _run(
    names: list[str], live: bool, module: str, test: str, fn: Callable[[str, str], MeetingSummary]
) -> tuple[dict[str, MeetingSummary], dict[str, str]]:
    records, errors = {}, {}
    for name in names:
        text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
        try:
            with _cassette(live, module, test, name):
                records[name] = fn(text, name)
        except BriefxError as exc:
            # A failed article scores as an empty record, and its cost still counts.
            errors[name] = type(exc).__name__
            records[name] = MeetingSummary(is_meeting=False)
            usage = getattr(exc, "usage", None)
            if isinstance(usage, Usage):
                records[name].usage = usage
    return records, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", action="store_true", help="call the server instead of cassettes")
    args = parser.parse_args(argv)
    names = sorted(p.stem for p in GOLD.glob("*.json") if (ARTICLES / f"{p.stem}.txt").exists())
    settings = _settings(args.live)
    cleaned = {n: prepare((ARTICLES / f"{n}.txt").read_text(encoding="utf-8")).text for n in names}
    answers: dict[str, tuple[Any, ...]] = {}
    with Extractor(settings) as ex, _keeping_answers(answers):
        ours, our_err = _run(
            names,
            args.live,
            "test_extract",
            "test_extract_article",
            lambda t, n: ex.extract(t, source_id=n),
        )
    base, base_err = _run(
        names,
        args.live,
        "test_baseline_cassettes",
        "test_baseline_article",
        lambda t, n: baseline_extract(t, settings),
    )
    report = evaluate(ours, GOLD, cleaned, label="briefx", errors=our_err)
    baseline = evaluate(base, GOLD, cleaned, label="baseline", errors=base_err)
    source = "live server" if args.live else "recorded cassettes"
    print(f"source: {source}; model: {settings.resolved_model()}\n")
    print(report.format_table(), "\n")
    print(baseline.format_table(), "\n")
    print(format_comparison(report, baseline), "\n")
    _print_preparation(names, cleaned, ours, base)
    print()
    print(_ablation(answers, ours, cleaned))
    return 0


@contextmanager
def _keeping_answers(out: dict[str, tuple[Any, ...]]) -> Iterator[None]:
    """Keep each article's model answers as assembly receives them, for the ablation."""
    real = extract_module.assemble

    def keeping(prep: Any, *answers: Any, **kwargs: Any) -> MeetingSummary:
        out[str(prep.source_id)] = (prep, answers, kwargs)
        return real(prep, *answers, **kwargs)

    extract_module.assemble = keeping  # type: ignore[assignment]
    try:
        yield
    finally:
        extract_module.assemble = real  # type: ignore[assignment]


def _ablation(
    answers: dict[str, tuple[Any, ...]],
    combined: dict[str, MeetingSummary],
    cleaned: dict[str, str],
) -> str:
    """Rules alone (model answers emptied), the model alone (rule finders off), both."""
    from briefx._assemble import assemble

    empty = (PeopleAnswer(), CompaniesAnswer(), FactsAnswer())
    rules = {n: assemble(p, *empty, **kw) for n, (p, _, kw) in answers.items()}
    model = {n: assemble(p, *a, finders=False, **kw) for n, (p, a, kw) in answers.items()}
    both = {n: combined[n] for n in answers}
    reports = [evaluate(r, GOLD, cleaned, label=label) for label, r in
               (("rules only", rules), ("model only", model), ("combined", both))]  # fmt: skip
    fields = list(reports[-1].field_f1)
    head = f"{'ablation':<16}" + "".join(f"{r.label:>12}" for r in reports)
    rows = [head, "-" * len(head)]
    for name in fields:
        rows.append(f"{name:<16}" + "".join(f"{r.field_f1.get(name, 0.0):>12.3f}" for r in reports))
    rows.append(f"{'macro-F1':<16}" + "".join(f"{r.macro_f1:>12.3f}" for r in reports))
    return "\n".join(rows)


def _token_counter() -> tuple[Callable[[str], int], str]:
    """The model's own tokenizer when the GGUF is here, else a 4-chars-per-token estimate."""
    model = (
        Path(os.environ.get("BRIEFX_MODEL_PATH", ""))
        if os.environ.get("BRIEFX_MODEL_PATH")
        else Path.home() / ".cache/briefx/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    )
    try:
        from llama_cpp import Llama

        llm = Llama(model_path=str(model), vocab_only=True, verbose=False)
        return (lambda text: len(llm.tokenize(text.encode("utf-8"), add_bos=False))), "model"
    except Exception:
        return (lambda text: len(text) // 4), "est"


def _print_preparation(
    names: list[str],
    cleaned: dict[str, str],
    ours: dict[str, MeetingSummary],
    base: dict[str, MeetingSummary],
) -> None:
    count, how = _token_counter()
    print(f"article tokens before/after preparation (tokenizer: {how}); prompt tokens per run")
    print(
        f"{'article':<24}{'raw tok':>9}{'clean tok':>10}{'saved':>7}"
        f"{'baseline prompt':>16}{'briefx prompt':>14}{'briefx calls':>13}"
    )
    for n in names:
        raw = count((ARTICLES / f"{n}.txt").read_text(encoding="utf-8"))
        clean = count(cleaned[n])
        b = base[n].usage.prompt_tokens if n in base else 0
        o, c = (ours[n].usage.prompt_tokens, ours[n].usage.calls) if n in ours else (0, 0)
        print(f"{n:<24}{raw:>9}{clean:>10}{1 - clean / raw:>7.1%}{b:>16}{o:>14}{c:>13}")


if __name__ == "__main__":
    sys.exit(main())
