"""The one judge: the tolerance rule as a table of written figures against computed ranges."""

from __future__ import annotations

import pytest

from flopcheck.engine.judge import judge, rounding
from flopcheck.engine.program import ClaimedAmount, Comparison, Program, Step, Subject, Written
from flopcheck.engine.report import Step as ReportStep
from flopcheck.engine.trace import Trace
from flopcheck.engine.vocab import Bound, Grounding, Label, Tier


def claim_program(
    literal: str,
    value: float | None,
    *,
    unit: str = "ratio",
    low: float | None = None,
    high: float | None = None,
    hedged: bool = False,
    bound: Bound | None = None,
    grounding: Grounding = "named",
) -> Program:
    """A program whose one step (s1) holds the computed figure."""
    quote = f"the figure is {literal}"
    return Program(
        quote=quote,
        start=0,
        end=len(quote),
        kind="other",
        claimed=ClaimedAmount(
            value=value,
            low=low,
            high=high,
            unit=unit,
            written=Written(literal=literal, hedged=hedged, bound=bound),
        ),
        subjects=[Subject(text="X", record="X", grounding=grounding)],
        steps=[Step(id="s1", tool="calculate", args={"expression": "0"})],
        compare=[Comparison(step="s1")],
    )


def computed_trace(low: float, high: float, unit: str = "ratio", tier: Tier | None = None) -> Trace:
    """A trace whose step s1 computed the range [low, high]."""
    trace = Trace()
    result = {
        "value": {"low": low, "mid": (low + high) / 2, "high": high, "unit": unit},
        "formula": f"{low:g}-{high:g}",
    }
    trace.steps.append(ReportStep(id="s1", tool="calculate", args={}, result=result))
    trace.results["s1"] = result
    trace.tiers["s1"] = tier
    return trace


@pytest.mark.parametrize(
    ("literal", "hedged", "expected"),
    [
        pytest.param("10x", False, 0.05, id="10x-is-exact-to-the-unit"),
        pytest.param("$5M", False, 0.1, id="5M-one-significant-digit"),
        pytest.param("$5.5M", True, 0.5 * 0.1 / 5.5 + 0.1, id="about-5.5M"),
        pytest.param("2.788M", False, 0.0005 / 2.788, id="2.788M"),
        pytest.param("1/10th", False, 0.15, id="fraction"),
        pytest.param("2000", False, 0.15, id="round-thousands-capped"),
    ],
)
def test_rounding_implied_by_the_written_figure(
    literal: str, hedged: bool, expected: float
) -> None:
    assert rounding(literal, hedged) == pytest.approx(expected, rel=1e-6)


CASES = [
    # literal, value, low, high, hedged, bound, computed low, high, unit, label
    ("10x", 10.0, None, None, False, None, 10.4, 10.4, "ratio", "supported"),
    ("10x", 10.0, None, None, False, None, 12.0, 12.0, "ratio", "refuted"),
    ("~$5.5M", 5.5e6, None, None, True, None, 5.576e6, 5.576e6, "USD", "supported"),
    ("$5M", 5e6, None, None, False, None, 5.576e6, 5.576e6, "USD", "supported"),
    ("$5M", 5e6, None, None, False, None, 7.0e6, 7.0e6, "USD", "refuted"),
    ("1/10th", 0.1, None, None, False, None, 0.0867, 0.0867, "ratio", "supported"),
    ("1/10th", 0.1, None, None, False, None, 0.315, 0.315, "ratio", "refuted"),
    (
        "2.788M",
        2.788e6,
        None,
        None,
        False,
        None,
        2.788e6,
        2.788e6,
        "accelerator-hours",
        "supported",
    ),
    ("2.788M", 2.788e6, None, None, False, None, 3.2e6, 3.2e6, "accelerator-hours", "refuted"),
    ("up to 2.4x", 2.4, None, None, False, "up_to", 2.0, 3.0, "ratio", "supported"),
    ("up to 2.4x", 2.4, None, None, False, "up_to", 3.17, 3.17, "ratio", "supported"),
    ("up to 30x", 30.0, None, None, False, "up_to", 3.17, 6.34, "ratio", "refuted"),
    ("at least 20x", 20.0, None, None, False, "at_least", 19.97, 19.97, "ratio", "supported"),
    ("at least 20x", 20.0, None, None, False, "at_least", 12.0, 12.0, "ratio", "refuted"),
    ("at least 20x", 20.0, None, None, False, "at_least", 15.0, 30.0, "ratio", "unverifiable"),
    ("over $100M", 1e8, None, None, False, "over", 1.5e8, 2e8, "USD", "supported"),
    ("over $100M", 1e8, None, None, False, "over", 6.3e7, 7.8e7, "USD", "refuted"),
    ("over $100M", 1e8, None, None, False, "over", 6.3e7, 1.2e8, "USD", "unverifiable"),
    ("under two months", 2.0, None, None, False, "under", 1.78, 1.86, "month", "supported"),
    ("under two months", 2.0, None, None, False, "under", 3.0, 3.2, "month", "refuted"),
    ("$40-50", None, 40.0, 50.0, False, None, 45.0, 45.0, "USD", "supported"),
    ("$40-50", None, 40.0, 50.0, False, None, 60.0, 60.0, "USD", "refuted"),
]


@pytest.mark.parametrize(
    ("literal", "value", "low", "high", "hedged", "bound", "c_low", "c_high", "unit", "label"),
    CASES,
    ids=[f"{c[0]}-vs-{c[6]:g}-{c[7]:g}" for c in CASES],
)
def test_the_one_tolerance_rule(
    literal: str,
    value: float | None,
    low: float | None,
    high: float | None,
    hedged: bool,
    bound: Bound | None,
    c_low: float,
    c_high: float,
    unit: str,
    label: Label,
) -> None:
    prog = claim_program(literal, value, unit=unit, low=low, high=high, hedged=hedged, bound=bound)
    verdict = judge(prog, computed_trace(c_low, c_high, unit))
    assert verdict.label == label, verdict.explanation
    assert verdict.steps[-1].tool == "compare_claim"


def test_claimed_unit_is_converted_to_the_computed_one() -> None:
    prog = claim_program("9 PF", 9e15, unit="FLOP/s")
    verdict = judge(prog, computed_trace(9000.0, 9000.0, "TFLOP/s"))
    assert verdict.label == "supported"
    assert [s.tool for s in verdict.steps[-2:]] == ["convert_units", "compare_claim"]


def test_percent_is_converted_to_a_ratio_as_a_recorded_step() -> None:
    prog = claim_program("25%", 25.0, unit="percent")
    verdict = judge(prog, computed_trace(0.5, 0.5))
    assert verdict.label == "refuted"
    assert verdict.ratio == pytest.approx(0.5)
    assert verdict.steps[-2].tool == "convert_units"


def test_unlike_units_are_never_refuted() -> None:
    prog = claim_program("80 GB", 80.0, unit="GB")
    verdict = judge(prog, computed_trace(989.0, 989.0, "TFLOP/s"))
    assert verdict.label == "unverifiable"
    assert "measure different things" in verdict.explanation


def test_an_inferred_subject_is_not_enough_to_refute() -> None:
    prog = claim_program("10x", 10.0, grounding="inferred")
    verdict = judge(prog, computed_trace(3.17, 3.17))
    assert verdict.label == "unverifiable"
    assert verdict.grounding == "inferred"


def test_a_rumour_neither_supports_nor_refutes() -> None:
    for figure in (10.0, 3.0):
        verdict = judge(claim_program("10x", 10.0), computed_trace(figure, figure, tier="rumour"))
        assert verdict.label == "unverifiable"


def test_an_estimate_supports_at_lower_confidence_and_names_itself() -> None:
    disclosed = judge(claim_program("10x", 10.0), computed_trace(10.0, 10.0, tier="disclosed"))
    estimate = judge(claim_program("10x", 10.0), computed_trace(10.0, 10.0, tier="estimate"))
    assert disclosed.label == estimate.label == "supported"
    assert estimate.confidence < disclosed.confidence
    assert estimate.tier == "estimate"
    assert "estimate" in estimate.explanation


def test_confidence_says_how_the_subject_was_grounded() -> None:
    named = judge(claim_program("10x", 10.0), computed_trace(10.0, 10.0))
    anaphor = judge(claim_program("10x", 10.0, grounding="anaphor"), computed_trace(10.0, 10.0))
    assert anaphor.confidence < named.confidence
    assert (named.grounding, anaphor.grounding) == ("named", "anaphor")


def estimates_trace(main: float, *others: tuple[float, Tier, str]) -> Trace:
    """A trace whose step s1 looked up a figure (an estimate) with other published estimates."""
    alternatives = [
        {"value": v, "unit": "USD", "tier": tier, "estimator": who} for v, tier, who in others
    ]
    figure = {
        "value": main,
        "unit": "USD",
        "tier": "estimate",
        "estimator": "Lab A",
        "alternatives": alternatives,
    }
    result = {"value": None, "formula": "", "run": {"reported_cost_usd": figure}}
    trace = Trace()
    trace.steps.append(ReportStep(id="s1", tool="lookup_training_run", args={}, result=result))
    trace.results["s1"] = result
    return trace


def cost_program(literal: str, value: float) -> Program:
    program = claim_program(literal, value, unit="USD")
    return program.model_copy(
        update={"compare": [Comparison(step="s1", field="run.reported_cost_usd")]}
    )


@pytest.mark.parametrize(
    ("value", "others", "label", "named"),
    [
        pytest.param(4.6e6, [(12e6, "estimate", "Press")], "supported", "Lab A", id="the-main"),
        pytest.param(12e6, [(12e6, "estimate", "Press")], "supported", "Press", id="another"),
        pytest.param(12e6, [(12e6, "rumour", "unattributed")], "unverifiable", "", id="rumour"),
        pytest.param(40e6, [(12e6, "estimate", "Press")], "refuted", "Lab A", id="none"),
    ],
)
def test_every_published_estimate_of_a_figure_is_compared(
    value: float, others: list[tuple[float, Tier, str]], label: Label, named: str
) -> None:
    verdict = judge(cost_program(f"${value:g}", value), estimates_trace(4.6e6, *others))
    assert verdict.label == label, verdict.explanation
    assert named in verdict.explanation


def test_a_matching_rumour_never_outranks_a_matching_estimate() -> None:
    trace = estimates_trace(4.6e6, (4.7e6, "rumour", "unattributed"))
    verdict = judge(cost_program("$4.7M", 4.7e6), trace)
    assert verdict.label == "supported"
    assert verdict.tier == "estimate"


@pytest.mark.parametrize(
    ("low", "high", "label"),
    [
        pytest.param(7e9, 70e9, "supported", id="both-ends"),
        pytest.param(70e9, 700e9, "refuted", id="overlapping-but-wrong-ends"),
        pytest.param(7e9, 700e9, "refuted", id="one-end-wrong"),
    ],
)
def test_a_span_claim_must_match_both_ends(low: float, high: float, label: Label) -> None:
    program = claim_program("7-70B", None, unit="params", low=low, high=high, bound="span")
    verdict = judge(program, computed_trace(6.7e9, 69e9, unit="params"))
    assert verdict.label == label, verdict.explanation
