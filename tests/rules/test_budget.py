"""Napkin maths on a compute budget: count, hours, days or dollars implied by a FLOP total."""

from __future__ import annotations

import pytest

from flopcheck.engine.report import Claim, Report
from flopcheck.plugin.checker import check_rules
from flopcheck.rules.quantities import find_quantities


def claim_with(report: Report, fragment: str) -> Claim:
    """The claim whose quote holds ``fragment``, other than the FLOP premise it is drawn from."""
    return next(c for c in report.claims if fragment in c.quote and c.kind != "compute_flops")


# H100 SXM dense BF16 peak 989 TFLOPS, A100 312 TFLOPS (FACTS.md).
@pytest.mark.parametrize(
    ("text", "fragment", "label", "computed"),
    [
        pytest.param(
            "At 40% utilization on H100s, a 2e24 FLOP run would take about 1.4 million H100-hours.",
            "1.4 million",
            "supported",
            2e24 / (989e12 * 0.4 * 3600),
            id="hours-from-flop",
        ),
        pytest.param(
            "At 40% utilization on H100s, a 2e24 FLOP run would take about 14 million H100-hours.",
            "14 million",
            "refuted",
            2e24 / (989e12 * 0.4 * 3600),
            id="hours-off-by-ten",
        ),
        pytest.param(
            "At 35% MFU over 90 days, a 1e25 FLOP model on H100s needs about 3,700 GPUs.",
            "3,700",
            "supported",
            1e25 / (989e12 * 0.35 * 3600) / (90 * 24),
            id="count-from-flop-and-days",
        ),
        pytest.param(
            "A 1e24 FLOP job on A100s at 40% utilization would cost about $3.3 million "
            "at $1.50 an hour.",
            "$3.3 million",
            "supported",
            1e24 / (312e12 * 0.4 * 3600) * 1.5,
            id="dollars-with-price-after-the-turn",
        ),
    ],
)
def test_a_budget_figure_is_recomputed_from_its_premises(
    text: str, fragment: str, label: str, computed: float
) -> None:
    claim = claim_with(check_rules(text), fragment)
    assert claim.verdict.label == label, claim.verdict.explanation
    assert claim.verdict.computed is not None
    assert claim.verdict.computed.value == pytest.approx(computed, rel=0.02)


def test_without_a_utilisation_the_sentence_is_not_napkin_maths() -> None:
    report = check_rules("A 2e24 FLOP run on H100s would take about 14 million H100-hours.")
    assert all(c.verdict.label != "refuted" for c in report.claims)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        pytest.param(r"It used $2 \times 10^{25}$ FLOPs.", 2e25, "FLOP", id="latex-product"),
        pytest.param("Rent is $2/H100-hour.", 2.0, "USD/GPU-hour", id="per-chip-hour"),
        pytest.param("Rent is $2 per GPU hour.", 2.0, "USD/GPU-hour", id="per-gpu-hour"),
    ],
)
def test_budget_grammar(text: str, value: float, unit: str) -> None:
    q = find_quantities(text)[0]
    assert q.value == pytest.approx(value)
    assert q.unit == unit


def test_latex_dollars_keep_offsets() -> None:
    text = r"It used $2 \times 10^{25}$ FLOPs."
    q = find_quantities(text)[0]
    assert text[q.start : q.end] == q.text


def test_hours_per_trillion_tokens_are_a_rate_not_the_total() -> None:
    report = check_rules("DeepSeek-V3 says each trillion tokens took 180,000 H800 GPU-hours.")
    claim = next(c for c in report.claims if c.kind == "gpu_hours")
    assert claim.verdict.label == "supported", claim.verdict.explanation
    assert claim.verdict.computed is not None
    assert claim.verdict.computed.value == pytest.approx(2.664e6 / 14.8, rel=0.02)


def test_a_figure_in_an_aside_is_not_the_budget_s_conclusion() -> None:
    text = (
        "At full utilization on the H100, the 3.8e25 FLOPs take about 10.6 million hours (a "
        "quarter of the 39.3 million hours for all three models)."
    )
    report = check_rules(text)
    assert claim_with(report, "10.6 million").verdict.label == "supported"
    assert all(c.verdict.label != "refuted" for c in report.claims)
