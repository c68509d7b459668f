"""The article's own arithmetic: a figure derived from figures given just before it."""

from __future__ import annotations

import pytest

from flopcheck.engine.report import Claim, Report
from flopcheck.plugin.checker import check_rules
from flopcheck.rules.derive import derivations
from flopcheck.rules.quantities import find_quantities


def claim_with(report: Report, fragment: str) -> Claim:
    """The claim whose quote holds ``fragment``."""
    return next(c for c in report.claims if fragment in c.quote)


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        pytest.param(
            "The data centre drew 30 GWh. Its grid emits 400 gCO2/kWh. "
            "That would come to 12,000 tonnes of CO2.",
            "12,000 tonnes",
            "supported",
            id="energy-times-intensity",
        ),
        pytest.param(
            "The data centre drew 30 GWh. Its grid emits 400 gCO2/kWh. "
            "That would come to 120,000 tonnes of CO2.",
            "120,000 tonnes",
            "refuted",
            id="energy-times-intensity-off-by-ten",
        ),
        pytest.param(
            "A rented node costs $24/hour, which translates to about $576 per day.",
            "$576 per day",
            "supported",
            id="hourly-to-daily",
        ),
        pytest.param(
            "We need 50 servers. A single server is priced at 200,000 RMB. "
            "This would amount to a total of 100 million RMB.",
            "100 million RMB",
            "refuted",
            id="count-times-price",
        ),
        pytest.param(
            "Raw emissions were 5,000 tonnes. The operator buys 40% renewable power, which "
            "brings the figure to 3,000 tonnes.",
            "3,000 tonnes",
            "supported",
            id="percent-cut",
        ),
        pytest.param(
            "Raw emissions were 5,000 tonnes. The operator buys 40% renewable power, which "
            "brings the figure to 2,000 tonnes.",
            "2,000 tonnes",
            "refuted",
            id="a-cut-is-not-a-share",
        ),
        pytest.param(
            "The cluster drew 5,000 MWh. Cooling took 40% of that, which comes to 2,000 MWh.",
            "2,000 MWh",
            "supported",
            id="percent-share",
        ),
        pytest.param(
            "The old fleet used 8,000 MWh. The new fleet used 10,000 MWh, "
            "which means it used 25% more.",
            "25%",
            "supported",
            id="percent-change",
        ),
    ],
)
def test_a_figure_derived_from_the_figures_before_it(text: str, fragment: str, label: str) -> None:
    claim = claim_with(check_rules(text), fragment)
    assert claim.verdict.label == label, claim.verdict.explanation
    if label != "unverifiable":
        assert claim.verdict.grounding == "article"


def test_a_share_written_in_words_is_no_premise() -> None:
    text = (
        "Emissions were 10,000 tonnes. Half of the power was renewable, bringing the adjusted "
        "figure to 5,000 tonnes."
    )
    assert not any(c.kind == "arithmetic" for c in check_rules(text).claims)


def test_without_a_word_that_derives_it_a_figure_is_not_arithmetic() -> None:
    text = "The data centre drew 30 GWh. Its grid emits 400 gCO2/kWh. It emitted 12,000 tonnes."
    assert not any("12,000" in c.quote and c.kind == "arithmetic" for c in check_rules(text).claims)


def test_units_must_compose_to_the_claimed_unit() -> None:
    qs = find_quantities("It used 30 GWh and 5,000 GPUs; that is 150,000 tonnes.")
    target = next(q for q in qs if q.unit == "t")
    assert derivations(target, [q for q in qs if q is not target]) == []


def test_a_scaled_bare_number_is_not_a_premise() -> None:
    qs = find_quantities("The 405B model cost $40M; that is $1.6 billion.")
    target = qs[-1]
    assert derivations(target, qs[:-1]) == []


@pytest.mark.parametrize(
    ("text", "label"),
    [
        pytest.param(
            "The lab ran 10,000 NVIDIA H100 GPUs for 30 days at 700W per GPU. "
            "Total electricity use came to about 7 GWh.",
            "supported",
            id="fleet-energy-with-overhead",
        ),
        pytest.param(
            "The lab ran 10,000 NVIDIA H100 GPUs for 30 days at 700W per GPU. "
            "Total electricity use came to about 70 GWh.",
            "refuted",
            id="fleet-energy-off-by-ten",
        ),
    ],
)
def test_energy_follows_from_the_fleet_just_described(text: str, label: str) -> None:
    # 10,000 x 30 days x 24 h x 700 W = 5.04 GWh for the chips; with hosts and PUE up to 14.5.
    claim = claim_with(check_rules(text), "GWh")
    assert claim.verdict.label == label, claim.verdict.explanation


def test_a_ratio_about_a_named_quantity_is_not_derived_from_figures_of_another_kind() -> None:
    text = (
        "Budgets went from $20 million to $100 million. The A100 gives 3.12e14 FLOP/s in BF16, "
        "3 times less than 9.9e14 FLOP/s in BF16 from an H100."
    )
    figures = find_quantities(text)
    ratio = next(q for q in figures if q.unit == "x")
    sentence = [q for q in figures if q.start >= text.index("The A100")]
    found = derivations(ratio, figures[: figures.index(ratio)], " less than", 0, text, sentence)
    assert all(q.unit == "FLOP/s" for d in found for q in d.operands)
    assert not [c.quote for c in check_rules(text).claims if c.verdict.label == "refuted"]


@pytest.mark.parametrize(
    ("text", "fragment", "label", "expression"),
    [
        pytest.param(
            "The lab would need 4K H100s. At $25K per H100, the fleet would cost $100 million.",
            "$100 million",
            "supported",
            "x1 * x2",
            id="a-count-times-a-price-per-chip",
        ),
        pytest.param(
            "The lab would need 4K H100s. At $25K per H100, the fleet would cost $300 million.",
            "$300 million",
            "refuted",
            "x1 * x2",
            id="a-count-times-a-price-per-chip-off-by-three",
        ),
    ],
)
def test_a_price_per_item_times_a_count_is_the_articles_arithmetic(
    text: str, fragment: str, label: str, expression: str
) -> None:
    claim = claim_with(check_rules(text), fragment)
    assert claim.verdict.label == label, claim.verdict.explanation
    assert expression in claim.verdict.explanation


def test_a_utilization_is_no_cut_in_a_price() -> None:
    text = (
        "The chips run at 40% utilization. Each costs $30K, which brings the cluster to "
        "$18K per chip."
    )
    figures = find_quantities(text)
    target = figures[-1]
    found = derivations(target, figures[:-1], " per chip", 0, text)
    assert not [d for d in found if "40%" in d.text]


@pytest.mark.parametrize(
    "restated",
    ["one million miles (1.609 million km)", "one million miles, or 1.609 million km"],
)
def test_a_figure_and_its_restatement_are_not_two_figures(restated: str) -> None:
    text = f"The fleet drove {restated} last year. This year it exceeded that by 6%."
    figures = find_quantities(text)
    found = derivations(figures[-1], figures[:-1], " exceeded that by", 0, text)
    assert not [d for d in found if "km" in d.text and "miles" in d.text]


def test_a_comparison_introduced_like_arithmetic_is_never_refuted_by_a_guessed_derivation() -> None:
    text = (
        "The model card covers all 3 models. Training the largest took approximately 10.6 "
        "million hours (which is slightly more than a quarter of the total 39.3 million hours)."
    )
    claim = claim_with(check_rules(text), "39.3 million")
    assert claim.verdict.label != "refuted", claim.verdict.explanation


def test_the_articles_arithmetic_after_a_plain_cue_can_refute() -> None:
    text = "The lab bought 4K H100s at $25K per H100. That is $300 million in all."
    assert claim_with(check_rules(text), "$300 million").verdict.label == "refuted"


@pytest.mark.parametrize(("energy", "label"), [("30 GWh", "supported"), ("300 GWh", "refuted")])
def test_a_fleet_s_energy_from_a_server_s_power_shares_it_among_the_node_s_chips(
    energy: str, label: str
) -> None:
    text = (
        "The lab ran 16,000 H100 GPUs for 60 days. The servers drew about 10.2 kW each, "
        f"resulting in roughly {energy} of energy."
    )
    claim = next(c for c in check_rules(text).claims if "GWh" in c.quote)
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "1275 W x overhead 1-1" in claim.verdict.explanation  # 10.2 kW / 8, hosts included
