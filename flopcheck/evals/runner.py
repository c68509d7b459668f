"""Run flopcheck over the labelled datasets and score it; EVAL.md defines every metric.

Datasets are named (``real`` = data/real/claims.jsonl, pages written by others; ``synthetic`` =
data/synthetic/claims.jsonl, articles written for the project; ``articles`` = both; ``calculator``
= data/calculator_cases.jsonl) or given as a path to a JSONL file of either schema, told apart by
its keys. Article claims are scored per set (``real``, ``synthetic``) and over ``all`` of them.

Floors: ``floors.json`` holds ``floors`` (dotted metric path -> minimum, e.g.
"real.claims.f1") and ``ceilings`` (path -> maximum, for figures where lower is better such as
"real.false_refute_rate"). They are set from figures measured on the rules backend, a small
margin from them, and only ever tightened.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flopcheck.engine.report import Amount, Claim, Kind, Label, Report, Usage
from flopcheck.errors import InputError
from flopcheck.evals.metrics import (
    GROUNDED_TOLERANCE,
    ArticleSummary,
    CalculatorDetail,
    CalculatorScores,
    ClaimDetail,
    Confidence,
    ExtraPrediction,
    FactCheckScores,
    Scores,
    SliceScores,
    VerdictScores,
    all_supported,
    by_confidence,
    by_kind,
    fact_check,
    grounded,
    match_spans,
    same_figure,
    score_calculator,
    score_claims,
    score_verdicts,
)
from flopcheck.tools import call

DATA = Path(__file__).parent / "data"
ARTICLE_SETS = ("real", "synthetic")
NAMED = {
    "real": DATA / "real" / "claims.jsonl",
    "synthetic": DATA / "synthetic" / "claims.jsonl",
    "calculator": DATA / "calculator_cases.jsonl",
}
# A name that stands for several datasets.
ALIASES = {"articles": ARTICLE_SETS}
DEFAULT_DATASETS = ("real", "synthetic", "calculator")
FLOORS = Path(__file__).parent / "floors.json"
SECTIONS = ("real", "synthetic", "all", "calculator", "cost")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldClaim(_Model):
    """One annotated claim of claims.jsonl (schema in data/DATASET.md)."""

    article: str = Field(pattern=r"^[^/\\]+$")
    id: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    kind: Kind
    claimed: Amount | None
    claimed_text: str | None = Field(
        default=None, description="what the claim asserts, in words, where no Amount is given"
    )
    label: Label
    computed: Amount | None
    reason: str
    misleading_reason: str | None
    confidence: Confidence | None = Field(
        default=None, description="the annotator's confidence in the label, where recorded"
    )

    @model_validator(mode="after")
    def _named_reason(self) -> GoldClaim:
        # The verdict policy: a misleading label needs a named reason.
        if self.label == "misleading" and not self.misleading_reason:
            raise ValueError("a misleading claim needs a misleading_reason")
        if self.claimed is None and not self.claimed_text:
            raise ValueError("a claim needs claimed (an Amount) or claimed_text")
        return self


class CalculatorCase(_Model):
    """One published training run of calculator_cases.jsonl (schema in CALCULATOR_CASES.md)."""

    id: str = Field(min_length=1)
    model: str
    active_params: float = Field(gt=0)
    tokens: float = Field(gt=0)
    accelerator: str
    precision: str
    reported_accelerator_hours: float = Field(gt=0)
    source: str
    note: str


class ArticleSet(_Model):
    """Annotated claims with the text of every article they quote."""

    name: str
    claims: list[GoldClaim]
    texts: dict[str, str]


class CalculatorSet(_Model):
    """Published runs for the GPU-hours calculator."""

    name: str
    cases: list[CalculatorCase]


class Cost(_Model):
    """What the checker spent: summed Report usage and time."""

    articles: int
    llm_calls: int
    prompt_tokens: int
    completion_tokens: int
    tokens_per_claim: float | None = Field(
        description="prompt + completion tokens per claim found; null when no model ran"
    )
    tool_calls: int
    estimated_cost_usd: float | None
    skipped: int = Field(description="chunks, claims or repairs left unchecked (Report usage)")
    checker_seconds: float
    wall_seconds: float


class Details(_Model):
    """Per-claim, per-article and per-case rows behind the scores."""

    claims: list[ClaimDetail]
    unmatched_predictions: list[ExtraPrediction]
    articles: list[ArticleSummary]
    calculator: list[CalculatorDetail]


class SetScores(_Model):
    """Every score of one set of articles: extraction, verdicts, and the fact-check figures."""

    gold: int
    articles: int
    claims: Scores
    verdicts: VerdictScores
    false_refute_rate: float | None
    refuted_precision: float | None
    committed_precision: float | None
    coverage: float | None
    baseline: FactCheckScores
    by_kind: dict[str, SliceScores]
    by_confidence: dict[str, SliceScores]


class EvalResult(_Model):
    """Every score of one eval run; a section is None when no dataset fed it."""

    datasets: list[str]
    backend: str
    real: SetScores | None
    synthetic: SetScores | None
    all: SetScores | None
    calculator: CalculatorScores | None
    cost: Cost
    details: Details


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read dataset {path}: {exc.strerror}") from exc
    rows: list[Any] = []
    for number, line in enumerate(lines, start=1):
        try:
            rows += [json.loads(line)] if line.strip() else []
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
    if not rows or not all(isinstance(r, dict) for r in rows):
        raise InputError(f"{path}: expected one JSON object per line")
    return rows


def _validated(path: Path, rows: list[dict[str, Any]], model: type[_Model]) -> Iterator[Any]:
    for number, row in enumerate(rows, start=1):
        try:
            yield model.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "row"
            raise InputError(f"{path}: row {number}: {where}: {first['msg']}") from exc


def _article_text(path: Path, article: str) -> str:
    # Texts live in articles/ next to the JSONL (the shipped layout), or beside it.
    for candidate in (path.parent / "articles" / article, path.parent / article):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise InputError(f"{path}: article {article!r} not found in {path.parent / 'articles'}")


def _article_set(name: str, path: Path, rows: list[dict[str, Any]]) -> ArticleSet:
    claims: list[GoldClaim] = list(_validated(path, rows, GoldClaim))
    texts = {c.article: _article_text(path, c.article) for c in claims}
    seen: set[tuple[str, str]] = set()
    for c in claims:
        if (c.article, c.id) in seen:
            raise InputError(f"{path}: duplicate claim id {c.id!r} in {c.article}")
        seen.add((c.article, c.id))
        if c.quote not in texts[c.article]:
            raise InputError(f"{path}: claim {c.id}: quote is not verbatim in {c.article}")
    return ArticleSet(name=name, claims=claims, texts=texts)


def load_dataset(spec: str) -> ArticleSet | CalculatorSet:
    """Load and validate a dataset by name or path; the schema is detected from its keys.

    Args:
        spec: "real", "synthetic", "calculator", or a path to a JSONL file of either schema.
    """
    path = NAMED.get(spec, Path(spec))
    rows = _read_jsonl(path)
    if "quote" in rows[0]:
        return _article_set(spec, path, rows)
    if "reported_accelerator_hours" in rows[0]:
        return CalculatorSet(name=spec, cases=list(_validated(path, rows, CalculatorCase)))
    raise InputError(
        f"{path}: unknown dataset schema: rows need 'quote' (articles) "
        "or 'reported_accelerator_hours' (calculator)"
    )


def gold_span(text: str, quote: str) -> tuple[int, int]:
    """Return the span of the first occurrence of a gold quote in its article.

    Args:
        text: the article text.
        quote: a verbatim substring of it.
    """
    start = text.index(quote)
    return start, start + len(quote)


def compare_article(
    article: str, text: str, gold: Sequence[GoldClaim], report: Report, set_name: str = ""
) -> tuple[list[ClaimDetail], list[ExtraPrediction]]:
    """Match one article's predicted claims to its gold claims and judge each verdict.

    Args:
        article: the article's file name.
        text: its text.
        gold: its gold claims.
        report: the checker's Report for it.
        set_name: the set the article belongs to ("real", "synthetic", or a dataset path).
    """
    preds = report.claims
    pairs = match_spans(
        [gold_span(text, g.quote) for g in gold],
        [(p.start, p.end) for p in preds],
        lambda i, j: (
            same_figure(gold[i].claimed, preds[j].claimed),
            gold[i].kind == preds[j].kind,
        ),
    )
    details = [
        _detail(set_name, article, g, preds[pairs[i]] if i in pairs else None)
        for i, g in enumerate(gold)
    ]
    used = set(pairs.values())
    extras = [
        ExtraPrediction(
            set=set_name,
            article=article,
            pred_id=p.id,
            kind=p.kind,
            label=p.verdict.label,
            quote=p.quote,
        )
        for j, p in enumerate(preds)
        if j not in used
    ]
    return details, extras


def _detail(set_name: str, article: str, gold: GoldClaim, pred: Claim | None) -> ClaimDetail:
    right = pred is not None and pred.verdict.label == gold.label
    computed = pred.verdict.computed if pred is not None else None
    return ClaimDetail(
        set=set_name,
        article=article,
        gold_id=gold.id,
        kind=gold.kind,
        quote=gold.quote,
        gold_label=gold.label,
        confidence=gold.confidence,
        pred_id=pred.id if pred else None,
        pred_kind=pred.kind if pred else None,
        pred_label=pred.verdict.label if pred else None,
        pred_quote=pred.quote if pred else None,
        gold_computed=gold.computed,
        pred_computed=computed,
        label_correct=right,
        grounded=right and grounded(gold.computed, computed, GROUNDED_TOLERANCE),
    )


def run_calculator_case(case: CalculatorCase) -> CalculatorDetail:
    """Predict a run's accelerator-hours with the tools and compare with the reported figure.

    Args:
        case: the published run.
    """
    flop = call("training_compute", {"active_params": case.active_params, "tokens": case.tokens})
    args = {
        "accelerator": case.accelerator,
        "precision": case.precision,
        "active_params": case.active_params,
    }
    hours = (
        flop
        if "error" in flop
        else call("accelerator_hours", {"flop": flop["value"]["mid"], **args})
    )
    reported = case.reported_accelerator_hours
    if "error" in hours:
        return CalculatorDetail(id=case.id, reported=reported, error=str(hours["error"]))
    low, mid, high = (float(hours["value"][k]) for k in ("low", "mid", "high"))
    return CalculatorDetail(
        id=case.id,
        reported=reported,
        low=low,
        mid=mid,
        high=high,
        inside=low <= reported <= high,
        rel_error=abs(mid - reported) / reported,
    )


def add_usage(a: Usage, b: Usage) -> Usage:
    """Return the sum of two usages; the cost is known only when both are.

    Args:
        a: one usage.
        b: the other.
    """
    costs = (a.estimated_cost_usd, b.estimated_cost_usd)
    return Usage(
        llm_calls=a.llm_calls + b.llm_calls,
        prompt_tokens=a.prompt_tokens + b.prompt_tokens,
        completion_tokens=a.completion_tokens + b.completion_tokens,
        tool_calls=a.tool_calls + b.tool_calls,
        estimated_cost_usd=None if None in costs else sum(c or 0.0 for c in costs),
        skipped=[*a.skipped, *b.skipped],
    )


def _run_articles(
    sets: Sequence[ArticleSet], backend: str, options: Mapping[str, Any]
) -> tuple[list[ClaimDetail], list[ExtraPrediction], list[ArticleSummary], Usage, float]:
    from flopcheck.plugin.checker import check

    details: list[ClaimDetail] = []
    extras: list[ExtraPrediction] = []
    summaries: list[ArticleSummary] = []
    usage = Usage(estimated_cost_usd=0.0)  # stays a sum only while every Report prices its tokens
    seconds = 0.0
    for ds in sets:
        for article, text in ds.texts.items():
            gold = [c for c in ds.claims if c.article == article]
            start = time.perf_counter()
            report = check(text, backend=backend, source=article, **options)
            elapsed = time.perf_counter() - start
            seconds += elapsed
            usage = add_usage(usage, report.usage)
            rows, unmatched = compare_article(article, text, gold, report, ds.name)
            details += rows
            extras += unmatched
            summaries.append(
                ArticleSummary(
                    set=ds.name,
                    article=article,
                    gold=len(gold),
                    predicted=len(report.claims),
                    matched=sum(r.pred_id is not None for r in rows),
                    correct=sum(r.label_correct for r in rows),
                    seconds=elapsed,
                )
            )
    return details, extras, summaries, usage, seconds


def evaluate(
    datasets: Sequence[str] = DEFAULT_DATASETS, backend: str = "rules", **options: Any
) -> EvalResult:
    """Run the checker and the calculator over datasets and return every score.

    Args:
        datasets: dataset names or JSONL paths.
        backend: the checker backend ("rules" or "openai").
        **options: options of the openai backend (model, base_url, timeout, ...).
    """
    start = time.perf_counter()
    specs = list(dict.fromkeys(s for spec in datasets for s in ALIASES.get(spec, (spec,))))
    loaded = [load_dataset(spec) for spec in specs]
    article_sets = [d for d in loaded if isinstance(d, ArticleSet)]
    cases = [c for d in loaded if isinstance(d, CalculatorSet) for c in d.cases]
    details, extras, summaries, usage, seconds = _run_articles(article_sets, backend, options)
    calc = [run_calculator_case(c) for c in cases]
    claims = sum(a.predicted for a in summaries)
    tokens = usage.prompt_tokens + usage.completion_tokens
    cost = Cost(
        articles=len(summaries),
        **usage.model_dump(exclude={"skipped"}),
        tokens_per_claim=round(tokens / claims, 1) if usage.llm_calls and claims else None,
        skipped=len(usage.skipped),
        checker_seconds=seconds,
        wall_seconds=time.perf_counter() - start,
    )
    ran = {ds.name for ds in article_sets}

    def scored(names: set[str]) -> SetScores | None:
        rows = [d for d in details if d.set in names]
        if not rows:
            return None
        extra = sum(e.set in names for e in extras)
        articles = sum(a.set in names for a in summaries)
        return score_set(rows, extra, articles)

    return EvalResult(
        datasets=specs,
        backend=backend,
        real=scored({"real"}) if "real" in ran else None,
        synthetic=scored({"synthetic"}) if "synthetic" in ran else None,
        all=scored(ran),
        calculator=score_calculator(calc) if cases else None,
        cost=cost,
        details=Details(
            claims=details, unmatched_predictions=extras, articles=summaries, calculator=calc
        ),
    )


def score_set(details: Sequence[ClaimDetail], extras: int, articles: int) -> SetScores:
    """Return every score of one set of gold claims.

    Args:
        details: one entry per gold claim of the set.
        extras: predictions in the set's articles that matched no gold claim.
        articles: how many articles the set holds.
    """
    checker = fact_check(details)
    return SetScores(
        gold=len(details),
        articles=articles,
        claims=score_claims(details, extras),
        verdicts=score_verdicts(details, GROUNDED_TOLERANCE),
        false_refute_rate=checker.false_refute_rate,
        refuted_precision=checker.refuted_precision,
        committed_precision=checker.committed_precision,
        coverage=checker.coverage,
        baseline=fact_check(all_supported(details)),
        by_kind=by_kind(details),
        by_confidence=by_confidence(details),
    )


def metric_values(result: EvalResult) -> dict[str, float]:
    """Return every numeric score of a result under its dotted path, e.g. "claims.f1".

    Args:
        result: an eval result.
    """
    values: dict[str, float] = {}
    pending: list[tuple[str, object]] = list(result.model_dump(include=set(SECTIONS)).items())
    while pending:
        path, node = pending.pop()
        if isinstance(node, dict):
            pending += [(f"{path}.{key}", child) for key, child in node.items()]
        elif isinstance(node, int | float) and not isinstance(node, bool):
            values[path] = float(node)
    return values


class Floors(_Model):
    """Minimums for figures where higher is better, maximums where lower is better."""

    floors: dict[str, float] = Field(default_factory=dict)
    ceilings: dict[str, float] = Field(default_factory=dict)


def load_floors(path: Path = FLOORS) -> Floors:
    """Read a floors file: {"floors": {path: minimum}, "ceilings": {path: maximum}}.

    Args:
        path: the floors file; default the shipped floors.json.
    """
    try:
        return Floors.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read floors {path}: {exc.strerror}") from exc
    except ValidationError as exc:
        raise InputError(
            f'{path}: expected {{"floors": {{metric: minimum}}, "ceilings": {{metric: maximum}}}}'
        ) from exc


def check_floors(result: EvalResult, limits: Floors) -> list[str]:
    """Return one message per metric past its floor or ceiling (or unknown); empty when all pass.

    A limit whose section was not evaluated in this run (e.g. calculator floors when only
    articles ran) is skipped.

    Args:
        result: an eval result.
        limits: the floors and ceilings.
    """
    values = metric_values(result)
    failures: list[str] = []
    checks = [(k, v, "floor") for k, v in limits.floors.items()]
    checks += [(k, v, "ceiling") for k, v in limits.ceilings.items()]
    for key, limit, which in sorted(checks):
        section = key.split(".", 1)[0]
        if section in SECTIONS and getattr(result, section) is None:
            continue
        value = values.get(key)
        if value is None:
            failures.append(f"{key}: no such metric ({which} {limit:g})")
        elif which == "floor" and value < limit:
            failures.append(f"{key} = {value:.4f} is below its floor {limit:g}")
        elif which == "ceiling" and value > limit:
            failures.append(f"{key} = {value:.4f} is above its ceiling {limit:g}")
    return failures
