"""The example articles with another federal subject swapped in: a suite no rule was tuned on.

    python benchmarks/eval_metamorphic.py            # every subject into every example
    python benchmarks/eval_metamorphic.py --per 5    # five subjects per example

Each example's recorded model answers (from the cassettes) are transformed the
same way as its text, and the whole pipeline after the model runs on them:
normalisers, rule finders, grounding, assembly. The region's name is replaced
in every form the article uses it (English name and stem, the six Russian
cases), and its capital with the new one's; the gold record follows.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_report import ARTICLES, GOLD, _cassette, _keeping_answers, _settings  # noqa: E402

from briefx import Extractor, MeetingSummary, prepare  # noqa: E402
from briefx._answers import CompaniesAnswer, FactsAnswer, PeopleAnswer  # noqa: E402
from briefx._assemble import assemble  # noqa: E402
from briefx._data import load_data  # noqa: E402
from briefx._eval import evaluate  # noqa: E402

_SUBJECTS = [s for s in load_data("regions")["subjects"] if s["iso"].startswith("RU-")]
_BY_ISO = {s["iso"]: s for s in _SUBJECTS}


def _forms(subject: dict[str, Any]) -> list[tuple[str, str]]:
    """(form key, text) pairs of a subject's English and typed Russian names."""
    pairs = [("en_name", subject["name"]), ("en_stem", subject["en_stem"])]
    pairs += [(f"ru_{case}", text) for case, text in subject["ru_cases"].items()]
    capital = subject.get("capital") or {}
    if capital.get("en"):
        pairs.append(("capital_en", capital["en"]))
    return pairs


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _inflect(phrase: str, case: str) -> str:
    words = []
    for word in phrase.split():
        parsed = _morph().parse(word)[0].inflect({case})
        form = parsed.word if parsed else word.lower()
        words.append(form[:1].upper() + form[1:] if word[:1].isupper() else form)
    return " ".join(words)


def _case_forms(subject: dict[str, Any]) -> list[tuple[str, str]]:
    """(case, form) of the subject's bare Russian name and its capital, as articles use them."""
    out = []
    capital = (subject.get("capital") or {}).get("ru")
    bare = [w for w in subject["bare"]["ru"] if re.search("[а-я]", w)]
    for nominative in filter(None, [bare[0] if bare else None, capital]):
        out += [(case, _inflect(nominative, case)) for case in _CASES]
    return out


_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def swap(text: str, source: dict[str, Any], target: dict[str, Any]) -> str:
    """``text`` with every form of ``source`` replaced by the same form of ``target``."""
    wanted = dict(_forms(target))
    pairs = [(form, wanted[key]) for key, form in _forms(source) if key in wanted and form]
    targets = _case_forms(target)
    for i, (_case, form) in enumerate(_case_forms(source)):
        if i < len(targets):
            pairs.append((form, targets[i][1]))
    for form, new in sorted(pairs, key=lambda p: -len(p[0])):
        text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", new, text)
    return text


Subject = dict[str, Any]


def _swap_gold(gold: dict[str, Any], source: Subject, target: Subject) -> dict[str, Any]:
    out = json.loads(swap(json.dumps(gold, ensure_ascii=False), source, target))
    out["region"] = {"name": target["name"], "iso_code": target["iso"]}
    return out


def _swap_answers(answers: tuple[Any, ...], source: Subject, target: Subject) -> tuple[Any, ...]:
    people, companies, facts = answers
    return (
        PeopleAnswer.model_validate_json(swap(people.model_dump_json(), source, target)),
        CompaniesAnswer.model_validate_json(swap(companies.model_dump_json(), source, target)),
        FactsAnswer.model_validate_json(swap(facts.model_dump_json(), source, target)),
    )


def recorded_answers(names: list[str]) -> dict[str, tuple[Any, ...]]:
    """Each example's model answers, replayed from its cassette."""
    answers: dict[str, tuple[Any, ...]] = {}
    with Extractor(_settings(live=False)) as ex, _keeping_answers(answers):
        for name in names:
            text = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
            with _cassette(False, "test_extract", "test_extract_article", name):
                ex.extract(text, source_id=name)
    return answers


def run(per: int | None = None) -> tuple[float, int, dict[str, float]]:
    """(macro-F1, variants, per-field F1) over the swapped suite."""
    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in GOLD.glob("*.json")}
    names = sorted(n for n, g in gold.items() if (g.get("region") or {}).get("iso_code") in _BY_ISO)
    answers = recorded_answers(names)
    records: dict[str, MeetingSummary] = {}
    golds: dict[str, dict[str, Any]] = {}
    for name in names:
        source = _BY_ISO[gold[name]["region"]["iso_code"]]
        raw = (ARTICLES / f"{name}.txt").read_text(encoding="utf-8")
        targets = [s for s in _SUBJECTS if s["iso"] != source["iso"]]
        step = max(1, len(targets) // per) if per else 1
        for target in targets[::step][: per or None]:
            vid = f"{name}>{target['iso']}"
            prep = prepare(swap(raw, source, target), source_id=vid)
            kwargs = answers[name][2]
            swapped = _swap_answers(answers[name][1], source, target)
            records[vid] = assemble(prep, *swapped, **kwargs)
            golds[vid] = _swap_gold(gold[name], source, target)
    tmp = Path(ROOT / "out" / "metamorphic-gold")
    tmp.mkdir(parents=True, exist_ok=True)
    for old in tmp.glob("*.json"):
        old.unlink()
    for vid, g in golds.items():
        (tmp / f"{vid}.json").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    report = evaluate(records, tmp)
    return report.macro_f1, len(records), report.field_f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per", type=int, default=None, help="subjects per example (all if unset)")
    args = parser.parse_args(argv)
    macro, n, fields = run(args.per)
    print(f"metamorphic suite: {n} variants of the example articles")
    for name, value in fields.items():
        print(f"  {name:<16}{value:.3f}")
    print(f"macro-F1: {macro:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
