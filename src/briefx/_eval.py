"""Score MeetingSummary records against gold files, as contract.md's "scored how" column says.

Eight fields are scored per article; each gets precision, recall and F1:

* ``meeting_date`` exact; ``region`` exact on ``iso_code`` (both null is a match);
* ``location`` on the city, case-insensitive, only where gold has a city;
* ``participants`` (surname, case and diacritics folded), ``topics``, ``trade_figures``
  (same period and flow, amounts within 2%), ``organizations`` (token-set ratio >= 85)
  and signed ``agreements`` (fuzzy title) as sets with one-to-one matching.

Set fields: gold and prediction both empty scores F1 = 1.0 (nothing to find, nothing
invented); gold empty with a non-empty prediction scores 0.0; an empty prediction
against non-empty gold scores 0.0. Predicted items that match only a gold
``*_optional`` item are removed before scoring, so they are neither rewarded nor
penalised.

Macro-F1 is the mean over the eight fields of each field's mean F1 across the articles
where that field is scorable. Quotes and evidence are not scored against gold but
against the cleaned article (the grounding rate).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rapidfuzz import fuzz, utils

from briefx._errors import BriefxError, ExtractionError, InputError
from briefx._language import strip_marks, transliterate
from briefx._models import MeetingSummary, Usage
from briefx._settings import Settings

log = logging.getLogger("briefx")

FIELDS: tuple[str, ...] = (
    "meeting_date",
    "location",
    "participants",
    "region",
    "topics",
    "trade_figures",
    "organizations",
    "agreements",
)
_COLUMN = {
    "meeting_date": "date",
    "location": "city",
    "participants": "people",
    "region": "region",
    "topics": "topics",
    "trade_figures": "trade",
    "organizations": "orgs",
    "agreements": "agreed",
}
AMOUNT_TOLERANCE = 0.02
ORG_MIN_RATIO = 85.0
# Titles are paraphrased far more than company names ("three-year programme" vs
# "programme for 2025-2027"), so they get a looser bar than organisations.
AGREEMENT_MIN_RATIO = 70.0
_GROUNDED_FIELDS = ("participants", "organizations", "trade_figures", "agreements")
_EVIDENCE_KEY = re.compile(r"^\s*([a-z_]+)\s*(?:\[(\d+)\]|\.(\d+))")

Item = Any
Same = Callable[[Item, Item], bool]


@dataclass(frozen=True)
class FieldScore:
    """Precision, recall and F1 of one field in one article."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def exact(cls, hit: bool) -> FieldScore:
        value = 1.0 if hit else 0.0
        return cls(value, value, value)


@dataclass
class ArticleScore:
    """The scores of one article; a field is absent where it is not scorable."""

    id: str
    fields: dict[str, FieldScore]
    tokens: int = 0
    quotes: int = 0
    quotes_grounded: int = 0
    spans: int = 0
    spans_valid: int = 0
    facts: int = 0
    facts_grounded: int = 0
    error: str | None = None

    @property
    def macro_f1(self) -> float:
        scores = [s.f1 for s in self.fields.values()]
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def quote_grounding(self) -> float | None:
        return _share(self.quotes_grounded, self.quotes)

    @property
    def evidence_valid(self) -> float | None:
        return _share(self.spans_valid, self.spans)

    @property
    def grounding_rate(self) -> float | None:
        return _share(self.facts_grounded, self.facts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fields": {
                name: {"precision": s.precision, "recall": s.recall, "f1": s.f1}
                for name, s in self.fields.items()
            },
            "macro_f1": self.macro_f1,
            "tokens": self.tokens,
            "quote_grounding": self.quote_grounding,
            "evidence_valid": self.evidence_valid,
            "grounding_rate": self.grounding_rate,
            "error": self.error,
        }


@dataclass
class EvalReport:
    """Scores of many articles: per-field means, macro-F1 and a printable table."""

    articles: list[ArticleScore]
    label: str = "briefx"
    grounding_measured: bool = True

    @property
    def field_f1(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name in FIELDS:
            scores = [a.fields[name].f1 for a in self.articles if name in a.fields]
            if scores:
                out[name] = sum(scores) / len(scores)
        return out

    @property
    def macro_f1(self) -> float:
        means = list(self.field_f1.values())
        return sum(means) / len(means) if means else 0.0

    @property
    def tokens_mean(self) -> float:
        return sum(a.tokens for a in self.articles) / len(self.articles) if self.articles else 0.0

    @property
    def grounding_rate(self) -> float | None:
        """Pooled over all articles: grounded facts / returned facts."""
        return _share(sum(a.facts_grounded for a in self.articles), self._facts())

    def _facts(self) -> int:
        return sum(a.facts for a in self.articles)

    def format_table(self) -> str:
        """A fixed-width table: one row per article, a per-field mean line, a macro line."""
        width = max([len("field mean"), *(len(a.id) for a in self.articles)])
        head = [f"{'article':<{width}}", *(f"{_COLUMN[f]:>7}" for f in FIELDS)]
        head += [f"{'macro':>7}", f"{'tokens':>7}", f"{'ground':>7}"]
        lines = [f"[{self.label}]", " ".join(head), "-" * len(" ".join(head))]
        for art in self.articles:
            cells = [f"{art.id:<{width}}", *(_cell(art.fields.get(f)) for f in FIELDS)]
            cells += [f"{art.macro_f1:>7.2f}", f"{art.tokens:>7d}", _pct(art.grounding_rate)]
            lines.append(" ".join(cells) + (f"  ! {art.error}" if art.error else ""))
        means = self.field_f1
        mean_cells = [f"{'field mean':<{width}}", *(_num(means.get(f)) for f in FIELDS)]
        mean_cells += [f"{self.macro_f1:>7.2f}", f"{self.tokens_mean:>7.0f}"]
        mean_cells.append(_pct(self.grounding_rate))
        lines += ["-" * len(" ".join(head)), " ".join(mean_cells)]
        lines.append(f"macro-F1: {self.macro_f1:.3f} over {len(self.articles)} articles")
        lines.append(f"grounding rate: {_pct(self.grounding_rate).strip()}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "macro_f1": self.macro_f1,
            "field_f1": self.field_f1,
            "tokens_mean": self.tokens_mean,
            "grounding_rate": self.grounding_rate,
            "articles": [a.to_dict() for a in self.articles],
        }


class _SupportsExtract(Protocol):
    def extract(self, source: str, *, source_id: str | None = None) -> MeetingSummary: ...


# --- scoring one article -----------------------------------------------------


def score_record(
    pred: MeetingSummary | Mapping[str, Any],
    gold: Mapping[str, Any],
    cleaned_text: str | None = None,
    *,
    article_id: str = "",
) -> ArticleScore:
    """Score one prediction against one gold record (the contract's gold form).

    ``cleaned_text`` enables the quote and evidence checks; without it they stay unmeasured.
    """
    got = pred.model_dump() if isinstance(pred, MeetingSummary) else dict(pred)
    fields = {
        "meeting_date": FieldScore.exact(got.get("meeting_date") == gold.get("meeting_date")),
        "region": FieldScore.exact(_iso(got.get("region")) == _iso(gold.get("region"))),
        "participants": _set_field(got, gold, "participants", _same_person),
        "topics": _set_field(got, gold, "topics", _same_topic),
        "trade_figures": _set_field(got, gold, "trade_figures", _same_figure),
        "organizations": _set_field(got, gold, "organizations", _same_org),
        "agreements": _agreements(got, gold),
    }
    gold_city = _city(gold.get("location"))
    if gold_city:
        fields["location"] = FieldScore.exact(_city(got.get("location")) == gold_city)
    score = ArticleScore(article_id, {f: fields[f] for f in FIELDS if f in fields})
    usage = got.get("usage") or {}
    score.tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
    if cleaned_text is not None:
        _grounding(score, got, cleaned_text)
    return score


def _set_field(
    got: Mapping[str, Any], gold: Mapping[str, Any], name: str, same: Same
) -> FieldScore:
    pred = list(got.get(name) or [])
    return set_prf(pred, list(gold.get(name) or []), same, list(gold.get(f"{name}_optional") or []))


def _agreements(got: Mapping[str, Any], gold: Mapping[str, Any]) -> FieldScore:
    def signed(items: Iterable[Any] | None) -> list[Any]:
        return [a for a in items or [] if isinstance(a, Mapping) and a.get("status") == "signed"]

    return set_prf(signed(got.get("agreements")), signed(gold.get("agreements")), _same_title)


def set_prf(
    pred: Sequence[Item], gold: Sequence[Item], same: Same, optional: Sequence[Item] = ()
) -> FieldScore:
    """Set precision/recall/F1 with one-to-one matching; both empty scores 1.0."""
    pred = [p for p in pred if not (any(same(p, o) for o in optional) and not _hits(p, gold, same))]
    if not pred and not gold:
        return FieldScore(1.0, 1.0, 1.0)
    hits = _max_matching(pred, gold, same)
    precision = hits / len(pred) if pred else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FieldScore(precision, recall, f1)


def _hits(item: Item, gold: Sequence[Item], same: Same) -> bool:
    return any(same(item, g) for g in gold)


def _max_matching(pred: Sequence[Item], gold: Sequence[Item], same: Same) -> int:
    """Maximum bipartite matching (Kuhn), so one gold item is never counted twice."""
    edges = [[j for j, g in enumerate(gold) if same(p, g)] for p in pred]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    return sum(augment(i, set()) for i in range(len(pred)))


# --- matching rules ------------------------------------------------------------


def fold(text: str) -> str:
    """Casefold and strip diacritics, as the contract scores: 'Łukašenko' -> 'lukasenko'."""
    return strip_marks(text.replace("ł", "l").replace("Ł", "L")).casefold()


def surname(name: str) -> str:
    """The last name-like token, skipping initials ('Lukashenko A.G.' -> 'lukashenko')."""
    tokens = [t for t in re.findall(r"[^\W\d_]+\.?", fold(name)) if len(t.rstrip(".")) > 1]
    names = [t for t in tokens if not t.endswith(".")]
    return names[-1] if names else ""


def _same_person(pred: Item, gold: Item) -> bool:
    mine, theirs = surname(_get(pred, "name")), surname(_get(gold, "name"))
    return bool(mine) and mine == theirs


def _same_topic(pred: Item, gold: Item) -> bool:
    return str(pred) == str(gold)


def _same_figure(pred: Item, gold: Item) -> bool:
    if _get(pred, "period") != _get(gold, "period") or _get(pred, "flow") != _get(gold, "flow"):
        return False
    try:
        mine, theirs = float(_get(pred, "amount_usd")), float(_get(gold, "amount_usd"))
    except (TypeError, ValueError):
        return False
    # 1e-9 absorbs float noise exactly at the 2% edge (102.0 vs 100.0).
    return abs(mine - theirs) <= AMOUNT_TOLERANCE * abs(theirs) * (1 + 1e-9)


def _same_org(pred: Item, gold: Item) -> bool:
    return _ratio(str(pred), str(gold)) >= ORG_MIN_RATIO


def _same_title(pred: Item, gold: Item) -> bool:
    return _ratio(str(_get(pred, "title")), str(_get(gold, "title"))) >= AGREEMENT_MIN_RATIO


def _ratio(a: str, b: str) -> float:
    # default_process lowercases and turns quotes and other punctuation into spaces.
    # The contract asks Latin only of people's names, so a company named in Cyrillic
    # ("МАЗ") is compared by its transliteration ("maz").
    mine, theirs = latin(fold(a)), latin(fold(b))
    return float(fuzz.token_set_ratio(mine, theirs, processor=utils.default_process))


def latin(text: str) -> str:
    """Cyrillic in Latin letters, by the library's one transliteration."""
    return transliterate(text)


def _get(item: Item, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _iso(region: Any) -> str | None:
    code = _get(region, "iso_code") if region else None
    return str(code).strip().upper() if code else None


def _city(location: Any) -> str | None:
    city = _get(location, "city") if location else None
    return fold(str(city)).strip() if city else None


# --- grounding --------------------------------------------------------------------


def _grounding(score: ArticleScore, got: Mapping[str, Any], cleaned: str) -> None:
    quotes = [q for q in got.get("quotes") or [] if _get(q, "text")]
    score.quotes = len(quotes)
    score.quotes_grounded = sum(str(_get(q, "text")) in cleaned for q in quotes)
    by_fact: dict[tuple[str, int], list[bool]] = {}
    for span in got.get("evidence") or []:
        ok = _span_ok(span, cleaned)
        score.spans += 1
        score.spans_valid += ok
        key = _evidence_key(str(_get(span, "field") or ""))
        if key:
            by_fact.setdefault(key, []).append(ok)
    facts = [(name, i) for name in _GROUNDED_FIELDS for i in range(len(got.get(name) or []))]
    score.facts = len(facts) + score.quotes
    grounded = sum(bool(by_fact.get(f)) and all(by_fact[f]) for f in facts)
    score.facts_grounded = grounded + score.quotes_grounded


def _span_ok(span: Any, cleaned: str) -> bool:
    start, end, text = _get(span, "start"), _get(span, "end"), _get(span, "text")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        return False
    return end <= len(cleaned) and cleaned[start:end] == text


def _evidence_key(name: str) -> tuple[str, int] | None:
    """'participants[0]', 'participants[0].name' or 'participants.0' -> ('participants', 0)."""
    match = _EVIDENCE_KEY.match(name)
    if not match:
        return None
    return match.group(1), int(match.group(2) or match.group(3))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _cell(score: FieldScore | None) -> str:
    return _num(score.f1 if score else None)


def _num(value: float | None) -> str:
    return f"{'-':>7}" if value is None else f"{value:>7.2f}"


def _pct(value: float | None) -> str:
    return f"{'n/a':>7}" if value is None else f"{value * 100:>6.0f}%"


# --- many articles -------------------------------------------------------------------


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    """Every ``*.json`` gold record in ``gold_dir``, by file stem."""
    if not gold_dir.is_dir():
        raise InputError(f"gold directory {gold_dir} does not exist", hint="pass a directory")
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        try:
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(
                f"gold file {path} is not readable JSON: {exc}",
                input_id=path.stem,
                hint="fix the file or move it out of the gold directory",
            ) from exc
    if not out:
        raise InputError(f"no *.json gold files in {gold_dir}", hint="point at examples/gold")
    return out


def evaluate(
    records: Mapping[str, MeetingSummary],
    gold_dir: Path,
    cleaned: Mapping[str, str] | None = None,
    *,
    label: str = "briefx",
    errors: Mapping[str, str] | None = None,
) -> EvalReport:
    """Score ``records`` (by article id) against ``gold_dir/ID.json``."""
    gold = load_gold(Path(gold_dir))
    cleaned = cleaned or {}
    articles: list[ArticleScore] = []
    for article_id, record in records.items():
        if article_id not in gold:
            raise InputError(
                f"no gold file {article_id}.json in {gold_dir}",
                input_id=article_id,
                hint="add the gold record or drop the article from the run",
            )
        score = score_record(record, gold[article_id], cleaned.get(article_id))
        score.id = article_id
        score.error = (errors or {}).get(article_id)
        articles.append(score)
    return EvalReport(articles, label=label, grounding_measured=bool(cleaned))


def run_eval(
    gold_dir: Path,
    articles_dir: Path,
    *,
    settings: Settings | None = None,
    baseline: bool = False,
    extractor: _SupportsExtract | None = None,
) -> EvalReport | tuple[EvalReport, EvalReport]:
    """Extract every article that has a gold file and score it; with ``baseline`` also
    run the bare instructor call on the same articles and return ``(briefx, baseline)``."""
    gold_dir, articles_dir = Path(gold_dir), Path(articles_dir)
    texts = _article_texts(load_gold(gold_dir), articles_dir)
    cleaned = _cleaned(texts)
    if extractor is None:
        from briefx._extract import Extractor

        with Extractor(settings) as own:
            records, errors = _run(texts, lambda text, aid: own.extract(text, source_id=aid))
    else:
        records, errors = _run(texts, lambda text, aid: extractor.extract(text, source_id=aid))
    report = evaluate(records, gold_dir, cleaned, label="briefx", errors=errors)
    if not baseline:
        return report
    from briefx._baseline import baseline_extract

    base_settings = settings or Settings()
    base_records, base_errors = _run(texts, lambda text, _: baseline_extract(text, base_settings))
    base = evaluate(base_records, gold_dir, cleaned, label="baseline", errors=base_errors)
    return report, base


def _article_texts(gold: Mapping[str, Any], articles_dir: Path) -> dict[str, str]:
    texts: dict[str, str] = {}
    for article_id in gold:
        path = articles_dir / f"{article_id}.txt"
        if not path.is_file():
            raise InputError(
                f"gold {article_id}.json has no article {path}",
                input_id=article_id,
                hint="add the article or remove its gold file",
            )
        texts[article_id] = path.read_text(encoding="utf-8")
    return texts


def _cleaned(texts: Mapping[str, str]) -> dict[str, str]:
    """Cleaned texts for the grounding checks; empty if cleaning is not available yet."""
    from briefx._prepare import prepare

    out: dict[str, str] = {}
    for article_id, text in texts.items():
        try:
            out[article_id] = prepare(text, source_id=article_id).text
        except NotImplementedError:
            log.warning("text preparation is not available; grounding is not measured")
            return {}
        except BriefxError as exc:
            log.warning("cannot clean %s for grounding: %s", article_id, exc)
    return out


def _run(
    texts: Mapping[str, str], extract: Callable[[str, str], MeetingSummary]
) -> tuple[dict[str, MeetingSummary], dict[str, str]]:
    """Extract each article; a failed one scores as an empty record with its error noted."""
    records: dict[str, MeetingSummary] = {}
    errors: dict[str, str] = {}
    for article_id, text in texts.items():
        try:
            records[article_id] = extract(text, article_id)
        except ExtractionError as exc:
            log.warning("extraction failed for %s: %s", article_id, exc)
            usage = exc.usage if isinstance(exc.usage, Usage) else Usage()
            records[article_id] = MeetingSummary(meeting_date=None, usage=usage)
            errors[article_id] = type(exc).__name__
    return records, errors


def format_comparison(briefx: EvalReport, baseline: EvalReport) -> str:
    """Side by side: per-field F1, macro-F1, tokens and grounding, with briefx/baseline."""
    ours, theirs = briefx.field_f1, baseline.field_f1
    width = max(len("grounding rate"), *(len(a.id) for a in briefx.articles))
    rows = [f"{'':<{width}} {'briefx':>8} {'baseline':>8} {'ratio':>7}"]
    for name in FIELDS:
        if name in ours or name in theirs:
            rows.append(_compare_row(name, ours.get(name), theirs.get(name), width))
    rows.append(_compare_row("macro-F1", briefx.macro_f1, baseline.macro_f1, width))
    rows.append("")
    base_by_id = {a.id: a.macro_f1 for a in baseline.articles}
    for art in briefx.articles:
        rows.append(_compare_row(art.id, art.macro_f1, base_by_id.get(art.id), width))
    rows.append("")
    tokens = (briefx.tokens_mean, baseline.tokens_mean)
    rows.append(_compare_row("tokens/article", *tokens, width, fmt="{:>8.0f}"))
    rows.append(
        _compare_row("grounding rate", briefx.grounding_rate, baseline.grounding_rate, width)
    )
    return "\n".join(rows)


def _compare_row(
    name: str, ours: float | None, theirs: float | None, width: int, fmt: str = "{:>8.3f}"
) -> str:
    ratio = f"{ours / theirs:>6.1f}x" if ours is not None and theirs else f"{'-':>7}"
    cells = [fmt.format(v) if v is not None else f"{'-':>8}" for v in (ours, theirs)]
    return f"{name:<{width}} {cells[0]} {cells[1]} {ratio}"
