"""The eval: span matching, metric arithmetic, shipped datasets, ``flopcheck eval`` and floors."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import pytest

from flopcheck.engine.report import Amount, Claim, Label, Report, Verdict
from flopcheck.errors import InputError
from flopcheck.evals.cli import add_eval_command, render_text
from flopcheck.evals.metrics import (
    CalculatorDetail,
    ClaimDetail,
    LabelPair,
    Span,
    accuracy,
    all_supported,
    by_confidence,
    confusion,
    fact_check,
    grounded,
    macro_f1,
    match_spans,
    per_class,
    percentile,
    prf,
    same_figure,
    score_calculator,
    score_verdicts,
)
from flopcheck.evals.runner import (
    FLOORS,
    ArticleSet,
    CalculatorSet,
    EvalResult,
    Floors,
    GoldClaim,
    check_floors,
    compare_article,
    load_dataset,
    load_floors,
    metric_values,
)

TOP_KEYS = {"real", "synthetic", "all", "calculator", "cost", "details"}
SET_KEYS = {
    "gold",
    "claims",
    "verdicts",
    "false_refute_rate",
    "refuted_precision",
    "committed_precision",
    "coverage",
    "baseline",
    "by_kind",
    "by_confidence",
}
VERDICT_KEYS = {
    "accuracy",
    "macro_f1",
    "per_class",
    "confusion",
    "grounded_accuracy",
    "end_to_end_accuracy",
    "end_to_end_macro_f1",
}


def run_cli(argv: list[str]) -> int:
    """Parse ``flopcheck eval ARGV`` with the eval subcommand alone and run it."""
    parser = argparse.ArgumentParser(prog="flopcheck")
    add_eval_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["eval", *argv])
    code: int = args.func(args)
    return code


@pytest.fixture(scope="module")
def rules_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON of ``flopcheck eval --format json`` on the rules backend, run once."""
    out = tmp_path_factory.mktemp("eval") / "eval.json"
    assert run_cli(["--format", "json", "-o", str(out), "--no-floors"]) == 0
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def rules_result(rules_json: dict[str, Any]) -> EvalResult:
    """The same run as an EvalResult."""
    return EvalResult.model_validate(rules_json)


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        pytest.param([(0, 10)], [(5, 15)], {0: 0}, id="overlap"),
        pytest.param([(0, 10)], [(9, 10)], {0: 0}, id="one-char-overlap"),
        pytest.param([(0, 10)], [(10, 20)], {}, id="touching-is-no-overlap"),
        pytest.param([(0, 10)], [(30, 40)], {}, id="no-overlap"),
        pytest.param([(0, 10), (12, 30)], [(5, 20)], {1: 0}, id="one-pred-two-golds-largest"),
        pytest.param([(0, 10), (20, 30)], [(5, 25)], {0: 0}, id="tie-goes-to-earlier-gold"),
        pytest.param([(0, 10)], [(0, 4), (2, 10)], {0: 1}, id="two-preds-one-gold"),
        pytest.param([(0, 10), (10, 20)], [(0, 10), (10, 20)], {0: 0, 1: 1}, id="exact"),
    ],
)
def test_match_spans(gold: list[Span], pred: list[Span], expected: dict[int, int]) -> None:
    assert match_spans(gold, pred) == expected


def test_a_prediction_matches_at_most_one_gold() -> None:
    matched = match_spans([(0, 10), (5, 15), (8, 30)], [(0, 30)])
    assert len(matched) == 1
    assert len(set(matched.values())) == len(matched)


def test_among_claims_on_one_sentence_the_same_figure_wins() -> None:
    # Two predictions quote the same sentence; the second claims the gold figure.
    matched = match_spans([(0, 10)], [(0, 40), (0, 40)], lambda i, j: (j == 1,))
    assert matched == {0: 1}


@pytest.mark.parametrize(
    ("gold", "pred", "same"),
    [
        pytest.param(Amount(value=9000, unit="GPUs"), Amount(value=9000, unit="GPUs"), True),
        pytest.param(Amount(value=2e25, unit="FLOP"), Amount(value=9000, unit="GPUs"), False),
        pytest.param(Amount(value=30, unit="MWh"), Amount(value=30000, unit="kWh"), True),
        pytest.param(None, Amount(value=1, unit="USD"), False, id="gold-without-figure"),
    ],
)
def test_same_figure(gold: Amount | None, pred: Amount, same: bool) -> None:
    assert same_figure(gold, pred) is same


PAIRS: list[LabelPair] = [
    ("supported", "supported"),
    ("supported", "refuted"),
    ("refuted", "refuted"),
    ("misleading", "supported"),
    ("unverifiable", "unverifiable"),
    ("unverifiable", None),
]


def test_per_class_macro_f1_and_accuracy_known_answers() -> None:
    scores = per_class(PAIRS)
    assert (scores["supported"].precision, scores["supported"].recall) == (0.5, 0.5)
    assert (scores["refuted"].precision, scores["refuted"].recall) == (0.5, 1.0)
    assert scores["misleading"].f1 == 0.0
    assert scores["unverifiable"].f1 == pytest.approx(2 / 3)
    assert macro_f1(scores) == pytest.approx((0.5 + 2 / 3 + 0 + 2 / 3) / 4)
    assert accuracy(PAIRS) == 0.5


def test_macro_f1_leaves_out_labels_absent_from_gold_and_predictions() -> None:
    assert macro_f1(per_class([("supported", "supported"), ("refuted", "refuted")])) == 1.0


def test_confusion_rows_are_gold_and_misses_are_skipped() -> None:
    matrix = confusion(PAIRS)
    assert matrix["supported"] == {
        "supported": 1,
        "refuted": 1,
        "misleading": 0,
        "unverifiable": 0,
    }
    assert matrix["misleading"]["supported"] == 1
    assert sum(sum(row.values()) for row in matrix.values()) == 5


def test_prf() -> None:
    scores = prf(tp=3, fp=1, fn=2)
    assert (scores.precision, scores.recall) == (0.75, 0.6)
    assert scores.f1 == pytest.approx(2 / 3)
    assert prf(0, 0, 0).f1 == 0.0


def amount(
    value: float | None, low: float | None = None, high: float | None = None, unit: str = "ratio"
) -> Amount:
    """An amount, by default a plain ratio."""
    return Amount(value=value, low=low, high=high, unit=unit)


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        pytest.param(amount(100), amount(109), True, id="within-10pct"),
        pytest.param(amount(100), amount(111), False, id="outside-10pct"),
        pytest.param(amount(100), amount(None, 95, 105), True, id="pred-range-middle"),
        pytest.param(amount(100), None, False, id="no-pred-figure"),
        pytest.param(None, None, True, id="gold-null"),
        pytest.param(amount(None), amount(5), True, id="gold-all-null"),
        pytest.param(amount(None, 10, 20), amount(21.9), True, id="gold-range-widened"),
        pytest.param(amount(None, 10, 20), amount(23), False, id="gold-range-outside"),
        pytest.param(amount(50, unit="percent"), amount(0.5), True, id="ratio-as-percent"),
        pytest.param(amount(8833, unit="kWh"), amount(8.833, unit="MWh"), True, id="MWh-as-kWh"),
        pytest.param(amount(2048, unit="GPUs"), amount(2048, unit="days"), False, id="other-kind"),
    ],
)
def test_grounded(gold: Amount | None, pred: Amount | None, expected: bool) -> None:
    assert grounded(gold, pred, 0.10) is expected


def detail(
    gold: Label,
    pred: Label | None,
    is_grounded: bool = True,
    confidence: Literal["high", "medium", "low"] | None = None,
) -> ClaimDetail:
    """A hand-built claim detail of kind params."""
    right = gold == pred
    return ClaimDetail(
        set="real",
        article="a.txt",
        gold_id=f"g-{gold}-{pred}",
        kind="params",
        quote="q",
        gold_label=gold,
        confidence=confidence,
        pred_id=None if pred is None else "c1",
        pred_kind=None if pred is None else "params",
        pred_label=pred,
        pred_quote=None if pred is None else "q",
        gold_computed=None,
        pred_computed=None,
        label_correct=right,
        grounded=right and is_grounded,
    )


def test_score_verdicts_counts_misses_only_end_to_end() -> None:
    rows = [
        detail("supported", "supported"),
        detail("refuted", "refuted", is_grounded=False),
        detail("misleading", "supported"),
        detail("refuted", None),
    ]
    scores = score_verdicts(rows)
    assert scores.matched == 3
    assert scores.accuracy == pytest.approx(2 / 3)
    assert scores.end_to_end_accuracy == 0.5
    assert scores.grounded_accuracy == pytest.approx(1 / 3)
    assert scores.end_to_end_grounded_accuracy == 0.25
    assert scores.end_to_end_macro_f1 < scores.macro_f1


def test_fact_check_figures_known_answers() -> None:
    rows = [
        detail("supported", "supported"),
        detail("supported", "refuted"),
        detail("supported", None),
        detail("supported", "unverifiable"),
        detail("refuted", "refuted"),
        detail("misleading", "supported"),
        detail("unverifiable", "unverifiable"),
    ]
    scores = fact_check(rows)
    # One of four gold-supported claims was labelled refuted; the missed one counts as not.
    assert scores.false_refute_rate == 0.25
    assert scores.refuted_precision == 0.5
    # Committed: supported, refuted, refuted, supported (misleading gold) -> 2 right of 4.
    assert scores.committed_precision == 0.5
    assert scores.coverage == pytest.approx(4 / 7)
    assert scores.end_to_end_accuracy == pytest.approx(3 / 7)


def test_fact_check_figures_without_a_denominator_are_none() -> None:
    scores = fact_check([detail("refuted", "unverifiable")])
    assert scores.false_refute_rate is None
    assert scores.refuted_precision is None
    assert scores.committed_precision is None
    assert scores.coverage == 0.0


def test_all_supported_baseline_commits_everything_and_never_refutes() -> None:
    rows = [detail("supported", None), detail("refuted", "refuted"), detail("misleading", None)]
    base = fact_check(all_supported(rows))
    assert base.coverage == 1.0
    assert base.false_refute_rate == 0.0
    assert base.refuted_precision is None
    assert base.committed_precision == pytest.approx(1 / 3)


def test_by_confidence_groups_high_and_medium_apart_from_low() -> None:
    rows = [
        detail("supported", "supported", confidence="high"),
        detail("supported", "refuted", confidence="medium"),
        detail("refuted", "refuted", confidence="low"),
        detail("refuted", "refuted"),
    ]
    groups = by_confidence(rows)
    assert {k: v.gold for k, v in groups.items()} == {"high_medium": 2, "low": 1, "unrated": 1}
    assert groups["high_medium"].checker.false_refute_rate == 0.5
    assert groups["high_medium"].baseline.false_refute_rate == 0.0


def test_percentile_and_calculator_scores() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 90) == pytest.approx(3.7)
    assert percentile([], 90) is None
    rows = [
        CalculatorDetail(id="a", reported=10, low=8, mid=11, high=12, inside=True, rel_error=0.1),
        CalculatorDetail(id="b", reported=10, low=1, mid=2, high=3, rel_error=0.8),
        CalculatorDetail(id="c", reported=10, error="unknown accelerator"),
    ]
    scores = score_calculator(rows)
    assert (scores.inside, scores.failed) == (1, 1)
    assert scores.inside_share == pytest.approx(1 / 3)
    assert scores.median_rel_error == pytest.approx(0.45)


def claim(cid: str, text: str, quote: str, label: Label) -> Claim:
    """A predicted claim quoting ``quote`` in ``text``."""
    start = text.index(quote)
    verdict = Verdict(label=label, confidence=0.9, computed=None, ratio=None, explanation="")
    return Claim(
        id=cid,
        quote=quote,
        start=start,
        end=start + len(quote),
        kind="params",
        claimed=amount(1),
        verdict=verdict,
    )


def gold_claim(gid: str, quote: str, label: Label) -> GoldClaim:
    """A gold claim of article a.txt."""
    return GoldClaim(
        article="a.txt",
        id=gid,
        quote=quote,
        kind="params",
        claimed=amount(1),
        label=label,
        computed=None,
        reason="",
        misleading_reason=None,
    )


def test_compare_article_matches_one_to_one_and_lists_extras() -> None:
    text = "A has 7B params. B has 70B params. Nothing else here."
    gold = [gold_claim("g1", "A has 7B", "supported"), gold_claim("g2", "B has 70B", "refuted")]
    preds = [
        claim("c1", text, "A has 7B params. B has 70B", "supported"),
        claim("c2", text, "Nothing else", "unverifiable"),
    ]
    report = Report(source="a.txt", backend="rules", claims=preds)
    details, extras = compare_article("a.txt", text, gold, report, "real")
    assert [d.pred_id for d in details] == [None, "c1"]  # c1 overlaps g2 by more characters
    assert not details[1].label_correct
    assert [e.pred_id for e in extras] == ["c2"]


@pytest.mark.parametrize(("name", "least"), [("real", 155), ("synthetic", 100)])
def test_shipped_article_datasets_are_valid(name: str, least: int) -> None:
    dataset = load_dataset(name)  # validates every row (extra keys forbidden)
    assert isinstance(dataset, ArticleSet)
    repeated = [c.id for c in dataset.claims if dataset.texts[c.article].count(c.quote) > 1]
    # A gold span is the quote's first occurrence; a real page may repeat a paragraph, but a
    # quote found more than once should stay the exception (DATASET.md lists it).
    assert len(repeated) <= 1, repeated
    labels = Counter(c.label for c in dataset.claims)
    assert len(dataset.claims) >= least
    assert labels["refuted"] >= 15
    assert labels["misleading"] >= 8
    assert set(labels) == {"supported", "refuted", "misleading", "unverifiable"}


def test_real_set_pages_name_their_source() -> None:
    dataset = load_dataset("real")
    assert isinstance(dataset, ArticleSet)
    pages = [a for a in dataset.texts if not a.startswith("founding_")]
    assert len(pages) == 12
    for article in pages:
        assert dataset.texts[article].startswith("# source: https://"), article
    rated = [c for c in dataset.claims if c.confidence is not None]
    assert len(rated) == 99


def test_shipped_calculator_dataset_is_valid() -> None:
    dataset = load_dataset("calculator")
    assert isinstance(dataset, CalculatorSet)
    assert len(dataset.cases) >= 20
    assert len({c.id for c in dataset.cases}) == len(dataset.cases)


def test_dataset_path_schema_is_detected_and_checked(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A has 7B params.", encoding="utf-8")
    row = gold_claim("g1", "A has 7B", "supported").model_dump()
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert isinstance(load_dataset(str(good)), ArticleSet)
    for bad_row in ({**row, "extra": 1}, {**row, "quote": "not there"}, {"x": 1}):
        bad = tmp_path / "bad.jsonl"
        bad.write_text(json.dumps(bad_row) + "\n", encoding="utf-8")
        with pytest.raises(InputError):
            load_dataset(str(bad))


def test_eval_json_on_rules_backend_has_documented_keys(rules_json: dict[str, Any]) -> None:
    assert set(rules_json) >= TOP_KEYS
    for name in ("real", "synthetic", "all"):
        assert set(rules_json[name]) >= SET_KEYS, name
        assert set(rules_json[name]["baseline"]) >= {"false_refute_rate", "coverage"}
    assert rules_json["real"]["gold"] >= 99
    assert rules_json["all"]["gold"] == rules_json["real"]["gold"] + rules_json["synthetic"]["gold"]
    assert set(rules_json["real"]["by_confidence"]) >= {"high_medium", "low"}
    assert set(rules_json["all"]["claims"]) >= {"precision", "recall", "f1", "tp", "fp", "fn"}
    verdicts = rules_json["all"]["verdicts"]
    assert set(verdicts) >= VERDICT_KEYS
    assert set(verdicts["confusion"]) == {"supported", "refuted", "misleading", "unverifiable"}
    assert set(rules_json["calculator"]) >= {"inside_share", "median_rel_error", "p90_rel_error"}
    cost_keys = {"llm_calls", "prompt_tokens", "completion_tokens", "tool_calls", "wall_seconds"}
    assert set(rules_json["cost"]) >= cost_keys


def test_eval_details_cover_every_gold_claim(rules_result: EvalResult) -> None:
    assert rules_result.all is not None
    claims = rules_result.all.claims
    assert len(rules_result.details.claims) == claims.tp + claims.fn
    assert rules_result.cost.llm_calls == 0


def test_text_report_has_the_tables(rules_result: EvalResult) -> None:
    text = render_text(rules_result)
    for heading in ("Claim extraction", "confusion", "Calculator", "Cost", "Missed gold claims"):
        assert heading in text
    # Real pages come first; every figure has the all-supported baseline beside it.
    assert text.index("== real") < text.index("== synthetic") < text.index("== all")
    assert "all-supported" in text


def test_shipped_floors_name_existing_metrics(rules_result: EvalResult) -> None:
    limits = load_floors(FLOORS)
    names = set(metric_values(rules_result))
    assert limits.floors
    assert set(limits.floors) <= names
    assert set(limits.ceilings) <= names
    # The real-article set is gated, not only the synthetic one.
    assert any(k.startswith("real.") for k in limits.floors)
    assert "real.false_refute_rate" in limits.ceilings


def test_floors_fail_below_and_pass_at_the_value(rules_result: EvalResult) -> None:
    assert rules_result.real is not None
    f1 = rules_result.real.claims.f1
    assert check_floors(rules_result, Floors(floors={"real.claims.f1": f1})) == []
    failures = check_floors(rules_result, Floors(floors={"real.claims.f1": f1 + 0.01}))
    assert len(failures) == 1
    assert failures[0].startswith("real.claims.f1")
    missing = check_floors(rules_result, Floors(floors={"real.claims.f2": 0.0}))
    assert missing == ["real.claims.f2: no such metric (floor 0)"]


def test_ceilings_fail_above_and_pass_at_the_value(rules_result: EvalResult) -> None:
    assert rules_result.real is not None
    rate = rules_result.real.false_refute_rate
    assert rate is not None
    assert check_floors(rules_result, Floors(ceilings={"real.false_refute_rate": rate})) == []
    failures = check_floors(rules_result, Floors(ceilings={"real.false_refute_rate": rate - 0.01}))
    assert len(failures) == 1
    assert "above its ceiling" in failures[0]


def test_floors_of_sections_not_run_are_skipped(rules_result: EvalResult) -> None:
    partial = rules_result.model_copy(update={"real": None})
    assert check_floors(partial, Floors(floors={"real.claims.f1": 2.0})) == []


def test_eval_exits_1_naming_the_metric_below_its_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"floors": {"calculator.inside_share": 1.01}}), encoding="utf-8")
    code = run_cli(["--dataset", "calculator", "--floors", str(floors), "-o", str(tmp_path / "r")])
    assert code == 1
    assert "calculator.inside_share" in capsys.readouterr().err
