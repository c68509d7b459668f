"""Figures as articles write them, units matched, and where a compared figure came from."""

from __future__ import annotations

from typing import Any

import pytest

from flopcheck.engine.report import Amount, Claim, Step, Verdict
from flopcheck.plugin.figures import (
    claimed_and_computed,
    figure_origin,
    figure_span,
    format_amount,
    format_number,
    in_claimed_unit,
    ratio_phrase,
    significant_digits,
)


def amount(
    value: float | None, unit: str, low: float | None = None, high: float | None = None
) -> Amount:
    return Amount(value=value, low=low, high=high, unit=unit)


@pytest.mark.parametrize(
    ("value", "unit", "written"),
    [
        (2048, "GPUs", "2,048 GPUs"),
        (1, "GPUs", "1 GPU"),
        (25_000, "accelerators", "25,000 accelerators"),
        (5_576_000, "USD", "$5.576M"),
        (5_600_000, "USD", "$5.6M"),
        (300_000, "USD", "$300,000"),
        (2, "USD/GPU-hour", "$2/GPU-hour"),
        (0.14, "USD/Mtok", "$0.14/M tokens"),
        (1.2e9, "USD", "$1.2B"),
        (5.5, "percent", "5.5%"),
        (717, "kW", "717 kW"),
        (50, "GWh", "50 GWh"),
        (6.71e11, "params", "671B parameters"),
        (1.48e13, "tokens", "14.8T tokens"),
        (2_788_000, "GPU-hours", "2.788M GPU-hours"),
        (9.894e14, "FLOP/s", "989 TFLOP/s"),
        (3.29e24, "FLOP", "3.29e24 FLOP"),
        (3.17, "x", "3.17x"),
        (1000, "ratio", "1,000x"),
        (0.1, "ratio", "1/10"),
        (54, "days", "54 days"),
        (1, "months", "1 month"),
        (12.5, "", "12.5"),
    ],
)
def test_amounts_are_written_as_articles_write_them(value: float, unit: str, written: str) -> None:
    assert format_amount(amount(value, unit)) == written


@pytest.mark.parametrize("unit", ["USD", "x", "ratio", "percent", "FLOP", "GPUs", "odd <unit>"])
def test_absurd_values_are_written_without_error(unit: str) -> None:
    for value in (float("inf"), float("nan"), 1e308, -1e-300, 0.0):
        written = format_amount(amount(value, unit))
        assert written
        assert "/nan" not in written


def test_ranges_and_missing_amounts() -> None:
    assert format_amount(amount(95, "days", 90, 100)) == "90–100 days"
    assert format_amount(amount(7e7, "USD", 4e7, 1e8)) == "$40M–$100M"
    assert format_amount(amount(5.0, "USD", 5.0, 5.0)) == "$5"
    assert format_amount(None) == "-"
    assert format_amount(amount(None, "USD")) == "-"


@pytest.mark.parametrize(
    ("x", "digits", "written"),
    [
        (2048.0, 3, "2,048"),  # a whole figure is never rounded to "2,050"
        (2_654_208.0, 3, "2.65M"),
        (2_654_208.0, 6, "2,654,208"),
        (0.0551416, 3, "0.0551"),
        (3e-7, 2, "3e-7"),
        (1.2e16, 2, "1.2e16"),
        (-5.5e6, 2, "-5.5M"),
    ],
)
def test_format_number(x: float, digits: int, written: str) -> None:
    assert format_number(x, digits) == written


@pytest.mark.parametrize(
    ("x", "written"), [(7.02576e12, "7.03e12"), (10_000_000.0, "10,000,000"), (717.0, "717")]
)
def test_unscaled_figures_use_exponents_past_a_billion(x: float, written: str) -> None:
    assert format_number(x, 3, scaled=False) == written


def test_significant_digits() -> None:
    assert [significant_digits(x) for x in (2048, 5.6e6, 2.788e6, 0.5, 0)] == [4, 2, 4, 1, 1]


def claim(claimed: Amount, computed: Amount | None, quote: str = "x", start: int = 0) -> Claim:
    verdict = Verdict(
        label="supported" if computed else "unverifiable",
        confidence=0.9,
        computed=computed,
        ratio=None,
        explanation="e",
    )
    return Claim(
        id="c1",
        quote=quote,
        start=start,
        end=start + len(quote),
        kind="other",
        claimed=claimed,
        verdict=verdict,
    )


@pytest.mark.parametrize(
    ("claimed", "computed", "pair"),
    [
        (amount(5.5, "percent"), amount(0.05514, "ratio"), ("5.5%", "5.51%")),
        (amount(717, "kW"), amount(717_000, "W"), ("717 kW", "717 kW")),
        (amount(10, "x"), amount(3.1711, "ratio"), ("10x", "3.17x")),
        (amount(25, "percent"), amount(0.5, "ratio"), ("25%", "50%")),
        (amount(2, "months"), amount(60.875, "days"), ("2 months", "2 months")),
        (
            amount(2.7e6, "GPU-hours"),
            amount(2.664e6, "accelerator-hours"),
            ("2.7M GPU-hours", "2.66M GPU-hours"),
        ),
        (amount(2048, "GPUs"), amount(2048, "GPUs"), ("2,048 GPUs", "2,048 GPUs")),
        (
            amount(2.788e6, "GPU-hours"),
            amount(2.788e6, "GPU-hours"),
            ("2.788M GPU-hours", "2.788M GPU-hours"),
        ),
        (amount(0.14, "USD"), amount(0.07, "USD/Mtok"), ("$0.14", "$0.07/M tokens")),
        (amount(100, "x"), None, ("100x", "-")),
    ],
)
def test_the_computed_amount_is_shown_in_the_claimed_unit(
    claimed: Amount, computed: Amount | None, pair: tuple[str, str]
) -> None:
    assert claimed_and_computed(claim(claimed, computed)) == pair


def test_unit_conversion_keeps_ranges_and_refuses_other_dimensions() -> None:
    shown = in_claimed_unit(amount(0.06, "ratio", 0.05, 0.07), amount(5, "percent"))
    assert shown.unit == "percent"
    assert shown.low == pytest.approx(5)
    assert shown.high == pytest.approx(7)
    energy = amount(3.6e6, "J")
    assert in_claimed_unit(energy, amount(1, "kW")) is energy  # energy is not power
    assert in_claimed_unit(energy, amount(1, "percent")) is energy


@pytest.mark.parametrize(
    ("ratio", "phrase"),
    [
        (1.0, "the claim matches the figure"),
        (1.12, "the claim is 12% above the figure"),
        (0.9, "the claim is 10% below the figure"),
        (3.1534, "the claim is 3.15x the figure"),
        (0.000488, "the claim is 1/2,049 of the figure"),
        (None, ""),
    ],
)
def test_ratio_phrase(ratio: float | None, phrase: str) -> None:
    assert ratio_phrase(ratio) == phrase


def step(tool: str, result_mid: float | None, **args: Any) -> Step:
    value = None
    if result_mid is not None:
        value = {"low": result_mid, "mid": result_mid, "high": result_mid, "unit": ""}
    return Step(tool=tool, args=args, result={"value": value, "formula": ""})


def compare(mid: float) -> Step:
    return step("compare_claim", None, claimed=mid, low=mid, high=mid, mid=mid)


@pytest.mark.parametrize(
    ("steps", "origin"),
    [
        ([step("lookup_training_run", None, model="DeepSeek-V3"), compare(2048)], "reported"),
        ([step("training_cost", 5.576e6), compare(5.576e6)], "recomputed"),
        (
            [step("lookup_accelerator", None), step("convert_units", 9.894e14, value=989.4),
             compare(9.894e14)],
            "reported",
        ),
        (
            [step("lookup_training_run", None), step("cluster_time", 2088, value=2088),
             step("convert_units", 87, value=2088), compare(87)],
            "recomputed",
        ),
        (
            [step("lookup_training_run", None), step("calculate", 0.0551),
             step("convert_units", 0.055, value=5.5), compare(0.0551)],
            "recomputed",
        ),
        ([step("calculate", 2.654e6), compare(2.654e6)], "recomputed"),
        ([step("lookup_api_price", 0.27), compare(0.27)], "reported"),
    ],
)  # fmt: skip
def test_where_the_compared_figure_came_from(steps: list[Step], origin: str) -> None:
    verdict = Verdict(
        label="supported",
        confidence=0.9,
        computed=amount(1, ""),
        ratio=1.0,
        explanation="e",
        steps=steps,
    )
    assert figure_origin(verdict) == origin


def test_no_computed_figure_has_no_origin() -> None:
    assert figure_origin(claim(amount(1, "x"), None).verdict) is None


def test_figure_span_finds_the_claimed_figure_in_its_quote() -> None:
    text = "Intro. Training GPT-4 required 25,000 A100 GPUs running 90 to 100 days at 400W."
    start = text.index("Training")
    quote = text[start:]
    gpus = claim(amount(25_000, "GPUs"), None, quote, start)
    a, b = figure_span(gpus)
    assert text[a:b] == "25,000 A100 GPUs"
    days = claim(amount(95, "days", 90, 100), None, quote, start)
    a, b = figure_span(days)
    assert text[a:b].startswith("90")
    assert text[a:b].endswith("days")
    absent = claim(amount(7, "x"), None, quote, start)
    assert figure_span(absent) == (start, len(text))
