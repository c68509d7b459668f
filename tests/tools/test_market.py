"""Purchase prices, clusters, electricity prices and trend figures, and the one-sided claims of
compare_claim."""

from __future__ import annotations

from typing import Any

import pytest

from flopcheck.tools import call
from flopcheck.tools.provenance import unitless_numbers
from flopcheck.tools.tables import clusters, electricity_prices, purchase_prices, trends


def test_tables_hold_the_most_cited_rows() -> None:
    assert len(purchase_prices()) >= 12
    assert len({c.name for c in clusters()}) >= 12
    assert len({p.year for p in electricity_prices()}) >= 5
    assert len({p.market for p in electricity_prices()}) >= 3
    assert len(trends()) >= 10


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("lookup_purchase_price", {"item": "H100"}),
        ("lookup_cluster", {"name": "Colossus"}),
        ("lookup_electricity_price", {"market": "United States"}),
        ("lookup_reference", {"query": "training compute growth", "topic": "trend"}),
    ],
)
def test_market_lookups_name_their_units(tool: str, args: dict[str, Any]) -> None:
    result = call(tool, args)
    assert "error" not in result, result
    assert unitless_numbers(result) == []


def test_a_chip_price_is_a_unit_price() -> None:
    result = call("lookup_purchase_price", {"item": "H100"})
    assert {p["item_kind"] for p in result["prices"]} == {"accelerator"}
    assert result["value"]["low"] <= 25_000
    assert result["value"]["high"] >= 40_000
    assert any("not the rental cost" in a for a in result["assumptions"])


def test_a_system_price_is_the_systems() -> None:
    result = call("lookup_purchase_price", {"item": "DGX H100"})
    assert {p["item"] for p in result["prices"]} == {"DGX H100"}
    assert {p["accelerator_count"] for p in result["prices"]} == {8}
    assert 199_000 <= result["value"]["mid"] <= 375_000


def test_purchase_prices_nearest_the_date_come_first() -> None:
    result = call("lookup_purchase_price", {"item": "DGX H100", "as_of": "2023-06-01"})
    assert result["prices"][0]["as_of"] == "2023-05-29"


def test_cluster_records_keep_announcements_apart_from_operation() -> None:
    records = call("lookup_cluster", {"name": "Colossus"})["records"]
    statuses = {r["record"]: r["status"] for r in records}
    assert statuses["phase 1 (Memphis)"] == "operating"
    assert statuses["1M-GPU expansion plan"] == "announced"
    phase1 = next(r for r in records if r["record"] == "phase 1 (Memphis)")
    assert phase1["accelerator_count"]["value"] == 100_000
    assert phase1["power_mw"]["tier"] == "estimate"
    assert [r.get("as_of") for r in records if r.get("as_of")] == sorted(
        r["as_of"] for r in records if r.get("as_of")
    )


def test_unknown_cluster_lists_the_names() -> None:
    result = call("lookup_cluster", {"name": "Skynet"})
    assert result["error_type"] == "unknown_name"
    assert "xAI Colossus" in result["suggestions"]


@pytest.mark.parametrize(
    ("args", "mid", "unit"),
    [
        ({"market": "United States", "year": 2023}, 0.0806, "USD/kWh"),
        ({"market": "US", "year": 2023}, 0.0806, "USD/kWh"),
        ({"market": "Virginia", "year": 2023}, 0.0892, "USD/kWh"),
        ({"market": "Texas", "year": 2022, "sector": "commercial"}, 0.0905, "USD/kWh"),
        ({"market": "China", "year": 2019}, 0.084, "USD/kWh"),
        ({"market": "Finland", "year": 2023, "sector": "non-household"}, 0.089, "EUR/kWh"),
    ],
)
def test_electricity_price(args: dict[str, Any], mid: float, unit: str) -> None:
    value = call("lookup_electricity_price", args)["value"]
    assert value["mid"] == pytest.approx(mid)
    assert value["unit"] == unit


def test_electricity_price_of_a_missing_year_says_which_it_used() -> None:
    result = call("lookup_electricity_price", {"market": "United States", "year": 2010})
    assert "no 2010 price" in result["note"]


def test_an_electricity_market_names_one_market() -> None:
    result = call("lookup_electricity_price", {"market": "ia"})
    assert "more than one market" in result["error"]
    assert result["suggestions"] == ["California", "Georgia", "Virginia"]


def test_trend_figures_carry_period_and_method() -> None:
    refs = call("lookup_reference", {"query": "GPU price-performance doubling", "topic": "trend"})
    first = refs["references"][0]
    assert first["period"]
    assert first["method"]
    assert first["estimator"].startswith("Epoch AI")


@pytest.mark.parametrize(
    ("bound", "claimed", "low", "high", "label"),
    [
        ("at_least", 15e12, 15.6e12, 15.6e12, "supported"),
        ("at_least", 20e12, 15.6e12, 15.6e12, "refuted"),
        ("at_most", 100, 80, 95, "supported"),
        ("at_most", 50, 80, 95, "refuted"),
        ("up_to", 4, 2.5, 4.5, "supported"),
        ("up_to", 30, 2.5, 4.5, "refuted"),
    ],
)
def test_one_sided_claims(bound: str, claimed: float, low: float, high: float, label: str) -> None:
    args = {"claimed": claimed, "low": low, "high": high, "bound": bound}
    assert call("compare_claim", args)["label"] == label
