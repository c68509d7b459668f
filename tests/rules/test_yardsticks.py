"""Yardsticks: a footprint restated as miles driven, car-years or homes powered for a year."""

from __future__ import annotations

import pytest

from flopcheck.plugin.checker import check_rules

# UK petrol car 0.16844 kg/km, US car 404 g/mile and 4.6 t a year, US home 10,500 kWh a year.
PER_MILE_UK = 0.16844 * 1.609344


@pytest.mark.parametrize(
    ("text", "label", "computed"),
    [
        pytest.param(
            "The run emitted 300 tonnes of CO2, comparable to driving a car over one million "
            "miles.",
            "supported",
            300_000 / PER_MILE_UK,
            id="miles-driven",
        ),
        pytest.param(
            "The run emitted 12,000 tonnes of CO2, comparable to driving a car over one "
            "million miles.",
            "refuted",
            12_000_000 / PER_MILE_UK,
            id="miles-off-by-forty",
        ),
        pytest.param(
            "It emitted 460 tonnes of CO2, as much as 100 American cars emit in a year.",
            "supported",
            100.0,
            id="car-years",
        ),
        pytest.param(
            "The cluster used 21 GWh, enough to power 20,000 US homes for a year.",
            "refuted",
            2000.0,
            id="homes-off-by-ten",
        ),
    ],
)
def test_a_yardstick_is_recomputed_from_the_footprint(
    text: str, label: str, computed: float
) -> None:
    claim = check_rules(text).claims[-1]
    assert claim.verdict.label == label, claim.verdict.explanation
    assert claim.verdict.computed is not None
    assert claim.verdict.computed.value == pytest.approx(computed, rel=0.05)


def test_whose_homes_unsaid_is_unverifiable() -> None:
    # A British home uses about a quarter of an American one: no refuting on a guess.
    claim = check_rules("The cluster used 21 GWh, enough to power 20,000 homes for a year.")
    assert [c.verdict.label for c in claim.claims] == ["unverifiable"]


def test_over_a_distance_driven_is_not_a_lower_bound() -> None:
    claim = check_rules(
        "It emitted 12,000 tonnes of CO2, comparable to driving a car over one million miles."
    ).claims[-1]
    assert claim.program is not None
    assert claim.program.claimed.written.bound is None


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "The run used 50 GWh. That is about 0.02% of the electricity California generates "
            "in a year.",
            "supported",
        ),
        (
            "The run used 50 GWh. That is about 2% of the electricity California generates in "
            "a year.",
            "refuted",
        ),
        ("The run used 4 TWh, or 0.1% of US electricity.", "supported"),
    ],
)
def test_an_energy_as_a_share_of_a_region_s_yearly_electricity(text: str, label: str) -> None:
    claim = next(c for c in check_rules(text).claims if "%" in c.quote)
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "electricity" in claim.verdict.explanation
