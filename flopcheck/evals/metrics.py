"""The eval's metric definitions: span matching, claim P/R/F1, verdict and calculator scores.

Pure functions over plain data, so each rule can be tested on hand-built inputs; runner.py feeds
them. EVAL.md states every rule in prose.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from flopcheck.engine.report import KINDS, LABELS, Amount, Kind, Label
from flopcheck.tools import call

Span = tuple[int, int]
Confidence = Literal["high", "medium", "low"]
# Labels that commit to a finding; `unverifiable` declines to.
COMMITTED: frozenset[Label] = frozenset({"supported", "refuted", "misleading"})
LabelPair = tuple[Label, Label | None]
GROUNDED_TOLERANCE = 0.10
# Dimensionless units, as multiples of a plain ratio; convert_units handles dimensioned ones.
DIMENSIONLESS = {"ratio": 1.0, "x": 1.0, "percent": 0.01, "%": 0.01}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Scores(_Model):
    """Precision, recall and F1 of claim extraction, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


class ClassScores(_Model):
    """Precision, recall and F1 of one label; support is its gold count."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


class ClaimDetail(_Model):
    """One gold claim, the prediction matched to it (if any) and whether its verdict is right."""

    set: str
    article: str
    gold_id: str
    kind: Kind
    quote: str
    gold_label: Label
    confidence: Confidence | None
    pred_id: str | None
    pred_kind: Kind | None
    pred_label: Label | None
    pred_quote: str | None
    gold_computed: Amount | None
    pred_computed: Amount | None
    label_correct: bool
    grounded: bool


class ExtraPrediction(_Model):
    """A predicted claim that matched no gold claim (a false positive of extraction)."""

    set: str
    article: str
    pred_id: str
    kind: Kind
    label: Label
    quote: str


class ArticleSummary(_Model):
    """Counts for one article, to see where the misses are."""

    set: str
    article: str
    gold: int
    predicted: int
    matched: int
    correct: int
    seconds: float


class VerdictScores(_Model):
    """Verdict quality over matched claims and end to end (a missed gold claim counts as wrong)."""

    matched: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, ClassScores]
    confusion: dict[str, dict[str, int]]
    grounded_tolerance: float
    grounded_accuracy: float
    end_to_end_accuracy: float
    end_to_end_macro_f1: float
    end_to_end_grounded_accuracy: float


class CalculatorDetail(_Model):
    """One published run: reported accelerator-hours against the computed range."""

    id: str
    reported: float
    low: float | None = None
    mid: float | None = None
    high: float | None = None
    inside: bool = False
    rel_error: float | None = None
    error: str | None = None


class CalculatorScores(_Model):
    """How often the computed range holds the reported value, and the error of its mid."""

    cases: int
    failed: int
    inside: int
    inside_share: float
    median_rel_error: float | None
    p90_rel_error: float | None


def overlap(a: Span, b: Span) -> int:
    """Return the number of characters two half-open spans share.

    Args:
        a: (start, end) of one span.
        b: (start, end) of the other.
    """
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(
    gold: Sequence[Span],
    pred: Sequence[Span],
    affinity: Callable[[int, int], tuple[bool, ...]] | None = None,
) -> dict[int, int]:
    """Match gold to predicted spans one to one, greedily by largest overlap (>= 1 char).

    Several claims can quote one sentence; among equal overlaps the prediction with the higher
    affinity (same figure, then same kind) wins. Remaining ties go to the earlier gold span,
    then the earlier prediction, so the result is stable.

    Args:
        gold: gold claim spans.
        pred: predicted claim spans.
        affinity: how alike gold claim i and prediction j are, compared as tuples.

    Returns:
        gold index -> predicted index, for every matched pair.
    """
    alike = affinity or (lambda i, j: ())
    candidates = [
        (overlap(g, p), tuple(not x for x in alike(i, j)), i, j)
        for i, g in enumerate(gold)
        for j, p in enumerate(pred)
    ]
    ranked = sorted((c for c in candidates if c[0] > 0), key=lambda c: (-c[0], c[1], c[2], c[3]))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, _, i, j in ranked:
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def _ratio(num: int, den: int) -> float:
    # An empty denominator scores 0, as scikit-learn's zero_division=0 does.
    return num / den if den else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(tp: int, fp: int, fn: int) -> Scores:
    """Return precision, recall and F1 from counts.

    Args:
        tp: matched predictions.
        fp: predictions that match no gold claim.
        fn: gold claims that no prediction matches.
    """
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _f1(precision, recall)
    return Scores(precision=precision, recall=recall, f1=f1, tp=tp, fp=fp, fn=fn)


def per_class(pairs: Sequence[LabelPair]) -> dict[str, ClassScores]:
    """Return precision, recall and F1 of each label; a None prediction is a miss.

    Args:
        pairs: (gold label, predicted label or None) per gold claim.
    """
    scores: dict[str, ClassScores] = {}
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in pairs)
        predicted = sum(p == label for _, p in pairs)
        support = sum(g == label for g, _ in pairs)
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        scores[label] = ClassScores(
            precision=precision,
            recall=recall,
            f1=_f1(precision, recall),
            support=support,
            predicted=predicted,
        )
    return scores


def macro_f1(scores: dict[str, ClassScores]) -> float:
    """Return the mean F1 over labels that occur in gold or in predictions.

    A label absent from both has no defined F1, so it is left out rather than counted as 0.

    Args:
        scores: per-label scores from per_class.
    """
    present = [s.f1 for s in scores.values() if s.support or s.predicted]
    return statistics.fmean(present) if present else 0.0


def accuracy(pairs: Sequence[LabelPair]) -> float:
    """Return the share of pairs whose predicted label equals the gold one.

    Args:
        pairs: (gold label, predicted label or None); None is always wrong.
    """
    return _ratio(sum(g == p for g, p in pairs), len(pairs))


def confusion(pairs: Sequence[LabelPair]) -> dict[str, dict[str, int]]:
    """Return the label confusion matrix: rows are gold labels, columns predicted ones.

    Args:
        pairs: (gold label, predicted label or None); pairs without a prediction are skipped.
    """
    matrix: dict[str, dict[str, int]] = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    for g, p in pairs:
        if p is not None:
            matrix[g][p] += 1
    return matrix


def figure(amount: Amount | None) -> float | None:
    """Return the point figure of an amount: its value, else the middle of its range.

    Args:
        amount: a computed amount, or None.
    """
    if amount is None:
        return None
    if amount.value is not None:
        return amount.value
    ends = [x for x in (amount.low, amount.high) if x is not None]
    return statistics.fmean(ends) if ends else None


def in_unit(value: float, unit: str, target: str) -> float | None:
    """Return a value expressed in another unit, or None when the units measure different things.

    Args:
        value: the number.
        unit: its unit, e.g. "MWh", "months", "ratio".
        target: the unit wanted, e.g. "kWh", "days", "percent".
    """
    if unit.strip().lower() == target.strip().lower():
        return value
    if unit in DIMENSIONLESS and target in DIMENSIONLESS:
        return value * DIMENSIONLESS[unit] / DIMENSIONLESS[target]
    converted = call("convert_units", {"value": value, "from_unit": unit, "to_unit": target})
    return None if "error" in converted else float(converted["value"]["mid"])


def same_figure(gold: Amount | None, pred: Amount) -> bool:
    """Whether a prediction claims the gold claim's figure (within 1%, in the same unit).

    Args:
        gold: the gold claim's figure, if it has one.
        pred: the predicted claim's figure.
    """
    want, got = figure(gold), figure(pred)
    if gold is None or want is None or got is None:
        return False
    if gold.unit != pred.unit:
        converted = in_unit(got, pred.unit, gold.unit)
        if converted is None:
            return False
        got = converted
    return math.isclose(want, got, rel_tol=0.01)


def grounded(
    gold: Amount | None, pred: Amount | None, tolerance: float = GROUNDED_TOLERANCE
) -> bool:
    """Return whether a predicted figure is within tolerance of gold (True if gold has none).

    Gold's value is the target; a gold range without a value accepts anything inside it. The
    predicted figure is first converted to gold's unit; units of different kinds never match.

    Args:
        gold: the gold computed amount.
        pred: the checker's computed amount.
        tolerance: allowed relative distance, e.g. 0.10.
    """
    if gold is None or figure(gold) is None:
        return True
    lo: float | None = gold.value
    hi: float | None = gold.value
    if gold.value is None:
        lo = gold.low if gold.low is not None else gold.high
        hi = gold.high if gold.high is not None else gold.low
    got = figure(pred)
    if pred is None or got is None or lo is None or hi is None:
        return False
    got = in_unit(got, pred.unit, gold.unit)
    return got is not None and lo - tolerance * abs(lo) <= got <= hi + tolerance * abs(hi)


def score_claims(details: Sequence[ClaimDetail], unmatched_predictions: int) -> Scores:
    """Return claim extraction scores.

    Args:
        details: one entry per gold claim.
        unmatched_predictions: predictions that matched no gold claim.
    """
    tp = sum(d.pred_id is not None for d in details)
    return prf(tp, unmatched_predictions, len(details) - tp)


def score_verdicts(
    details: Sequence[ClaimDetail], tolerance: float = GROUNDED_TOLERANCE
) -> VerdictScores:
    """Return verdict scores over matched claims and end to end.

    Args:
        details: one entry per gold claim, with grounded computed at ``tolerance``.
        tolerance: the tolerance grounded was computed with, recorded in the result.
    """
    everything: list[LabelPair] = [(d.gold_label, d.pred_label) for d in details]
    matched = [d for d in details if d.pred_id is not None]
    pairs: list[LabelPair] = [(d.gold_label, d.pred_label) for d in matched]
    classes = per_class(pairs)
    grounded_right = sum(d.label_correct and d.grounded for d in details)
    return VerdictScores(
        matched=len(matched),
        accuracy=accuracy(pairs),
        macro_f1=macro_f1(classes),
        per_class=classes,
        confusion=confusion(pairs),
        grounded_tolerance=tolerance,
        grounded_accuracy=_ratio(grounded_right, len(matched)),
        end_to_end_accuracy=accuracy(everything),
        end_to_end_macro_f1=macro_f1(per_class(everything)),
        end_to_end_grounded_accuracy=_ratio(grounded_right, len(details)),
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the q-th percentile with linear interpolation (numpy's default), None if empty.

    Args:
        values: the sample.
        q: the percentile, 0 to 100.
    """
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    below = int(pos)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (pos - below)


def score_calculator(details: Sequence[CalculatorDetail]) -> CalculatorScores:
    """Return the share of reported values inside the computed range and the error of the mid.

    Args:
        details: one entry per case; a failed tool call counts as outside, with no error value.
    """
    errors = [d.rel_error for d in details if d.rel_error is not None]
    inside = sum(d.inside for d in details)
    return CalculatorScores(
        cases=len(details),
        failed=sum(d.error is not None for d in details),
        inside=inside,
        inside_share=_ratio(inside, len(details)),
        median_rel_error=percentile(errors, 50),
        p90_rel_error=percentile(errors, 90),
    )


class FactCheckScores(_Model):
    """The figures a fact-checker lives by, over one group of gold claims.

    ``None`` means the figure has no denominator here (no gold-supported claim, nothing
    labelled refuted), which is not the same as 0.
    """

    false_refute_rate: float | None
    refuted_precision: float | None
    committed_precision: float | None
    coverage: float | None
    accuracy: float | None
    end_to_end_accuracy: float | None
    end_to_end_macro_f1: float | None


class SliceScores(_Model):
    """One slice of a set (a kind, a gold confidence): counts, the checker, and the baseline."""

    gold: int
    matched: int
    correct: int
    checker: FactCheckScores
    baseline: FactCheckScores


def _share(num: int, den: int) -> float | None:
    return num / den if den else None


def fact_check(details: Sequence[ClaimDetail]) -> FactCheckScores:
    """Return false-refute rate, refuted and committed precision, coverage and accuracies.

    Args:
        details: one entry per gold claim of the group (a missed claim has no prediction).
    """
    supported = [d for d in details if d.gold_label == "supported"]
    matched = [d for d in details if d.pred_id is not None]
    refuted = [d for d in matched if d.pred_label == "refuted"]
    committed = [d for d in matched if d.pred_label in COMMITTED]
    pairs: list[LabelPair] = [(d.gold_label, d.pred_label) for d in details]
    return FactCheckScores(
        false_refute_rate=_share(sum(d.pred_label == "refuted" for d in supported), len(supported)),
        refuted_precision=_share(sum(d.gold_label == "refuted" for d in refuted), len(refuted)),
        committed_precision=_share(
            sum(d.gold_label == d.pred_label for d in committed), len(committed)
        ),
        coverage=_share(len(committed), len(details)),
        accuracy=_share(sum(d.label_correct for d in matched), len(matched)),
        end_to_end_accuracy=_share(sum(d.label_correct for d in details), len(details)),
        end_to_end_macro_f1=macro_f1(per_class(pairs)) if details else None,
    )


def all_supported(details: Sequence[ClaimDetail]) -> list[ClaimDetail]:
    """Return the trivial baseline's rows: every gold claim found and labelled supported.

    Args:
        details: one entry per gold claim.
    """
    return [
        d.model_copy(
            update={
                "pred_id": "baseline",
                "pred_label": "supported",
                "label_correct": d.gold_label == "supported",
            }
        )
        for d in details
    ]


def score_slice(details: Sequence[ClaimDetail]) -> SliceScores:
    """Return the counts and fact-check figures of a group, with the baseline's beside them.

    Args:
        details: one entry per gold claim of the group.
    """
    return SliceScores(
        gold=len(details),
        matched=sum(d.pred_id is not None for d in details),
        correct=sum(d.label_correct for d in details),
        checker=fact_check(details),
        baseline=fact_check(all_supported(details)),
    )


def confidence_group(confidence: Confidence | None) -> str:
    """Return the reporting group of a gold confidence: high_medium, low or unrated.

    Args:
        confidence: the annotator's confidence in the gold label, if recorded.
    """
    if confidence is None:
        return "unrated"
    return "low" if confidence == "low" else "high_medium"


def by_kind(details: Sequence[ClaimDetail]) -> dict[str, SliceScores]:
    """Return the slice scores of each gold kind present.

    Args:
        details: one entry per gold claim.
    """
    return {
        kind: score_slice(rows)
        for kind in KINDS
        if (rows := [d for d in details if d.kind == kind])
    }


def by_confidence(details: Sequence[ClaimDetail]) -> dict[str, SliceScores]:
    """Return the slice scores of each gold-confidence group present.

    Args:
        details: one entry per gold claim.
    """
    groups = ("high_medium", "low", "unrated")
    return {
        group: score_slice(rows)
        for group in groups
        if (rows := [d for d in details if confidence_group(d.confidence) == group])
    }
