"""Reference figures: energy and carbon yardsticks, found by words, with units and tiers."""

from __future__ import annotations

import pytest

from flopcheck.tools import call


@pytest.mark.parametrize(
    ("query", "subject", "value", "unit"),
    [
        ("World grid carbon intensity 2024", "World grid (Ember)", 0.473, "kgCO2e/kWh"),
        (
            "US grid carbon intensity 2023 eGRID",
            "US national average (eGRID)",
            0.349667,
            "kgCO2e/kWh",
        ),
        ("Google data centers PUE", "Google data centers (fleet)", 1.1, "ratio"),
        ("car CO2 per mile", "Typical US passenger vehicle (EPA)", 404, "gCO2/mile"),
        ("US residential customer electricity", "US residential customer (EIA)", 10715, "kWh/yr"),
    ],
)
def test_reference_lookup(query: str, subject: str, value: float, unit: str) -> None:
    refs = call("lookup_reference", {"query": query})["references"]
    first = refs[0]
    assert first["subject"] == subject
    assert first["value"] == pytest.approx(value)
    assert first["unit"] == unit


def test_industry_pue_is_an_uptime_estimate() -> None:
    refs = call("lookup_reference", {"query": "Uptime Institute industry average PUE 2024"})
    first = refs["references"][0]
    assert first["tier"] == "estimate"
    assert first["estimator"] == "Uptime Institute"
    assert first["value"] == pytest.approx(1.56)


def test_an_unmatched_query_lists_subjects() -> None:
    result = call("lookup_reference", {"query": "zzz qqq"})
    assert result["error_type"] == "bad_arguments"
    assert result["suggestions"]


@pytest.mark.parametrize("args", [{"query": "  "}, {"query": "PUE", "topic": "weather"}])
def test_bad_reference_queries(args: dict[str, str]) -> None:
    assert call("lookup_reference", args)["error_type"] == "bad_arguments"
