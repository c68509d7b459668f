"""Dated prices: API price histories and rental prices looked up at a date."""

from __future__ import annotations

from typing import Any

import pytest

from flopcheck.tools import call
from flopcheck.tools.tables import api_prices


def _price(model: str, as_of: str | None = None) -> dict[str, Any]:
    args = {"model": model} | ({"as_of": as_of} if as_of else {})
    result = call("lookup_api_price", args)
    assert "error" not in result, result
    return result


@pytest.mark.parametrize(
    ("model", "as_of", "price_in", "price_out"),
    [
        ("GPT-4o", "2024-06-01", 5, 15),
        ("GPT-4o", "2024-09-01", 2.5, 10),
        ("GPT-4o", None, 2.5, 10),
        ("GPT-4 8K", "2023-06-01", 30, 60),
        ("GPT-4 Turbo", "2024-01-01", 10, 30),
        ("GPT-3.5 Turbo", "2023-05-01", 2, 2),
        ("GPT-3.5 Turbo", "2024-06-01", 0.5, 1.5),
        ("o3", "2025-05-01", 10, 40),
        ("o3", "2025-07-01", 2, 8),
        ("o1-mini", "2024-11-01", 3, 12),
        ("o1-mini", "2025-03-01", 1.1, 4.4),
        ("deepseek-chat", "2025-03-01", 0.27, 1.1),
        ("DeepSeek-V3.1", "2025-09-10", 0.56, 1.68),
        ("DeepSeek-V3.2", "2025-10-10", 0.28, 0.42),
        ("Claude 3 Opus", None, 15, 75),
        ("Claude 3.7 Sonnet", None, 3, 15),
        ("Claude Sonnet 4", None, 3, 15),
        ("Claude Opus 4", None, 15, 75),
        ("Gemini 1.5 Pro", "2024-12-01", 1.25, 5),
        ("Gemini 2.0 Flash", None, 0.1, 0.4),
        ("Gemini 2.5 Pro", None, 1.25, 10),
        ("GPT-5", None, 1.25, 10),
        ("GPT-4.1 mini", None, 0.4, 1.6),
    ],
)
def test_price_in_force(model: str, as_of: str | None, price_in: float, price_out: float) -> None:
    price = _price(model, as_of)["price"]
    assert (price["input_usd_per_mtok"], price["output_usd_per_mtok"]) == (price_in, price_out)


@pytest.mark.parametrize(
    ("model", "cached"),
    [("o1", 7.5), ("o3-mini", 0.55), ("GPT-4o", 1.25), ("deepseek-reasoner", 0.14)],
)
def test_cached_input_prices(model: str, cached: float) -> None:
    assert _price(model)["price"]["cached_input_usd_per_mtok"] == cached


def test_deepseek_launch_promotion_and_off_peak() -> None:
    promo = _price("DeepSeek-V3", "2025-01-15")
    assert promo["price"]["kind"] == "launch promotion"
    assert promo["price"]["input_usd_per_mtok"] == 0.14
    assert "launch promotion" in promo["note"]
    listed = _price("DeepSeek-V3", "2025-04-01")
    assert [v["kind"] for v in listed["variants"]] == ["off-peak"]
    assert listed["variants"][0]["input_usd_per_mtok"] == 0.135


def test_a_retired_price_says_when_it_ended() -> None:
    result = _price("DeepSeek-R1", "2026-01-10")
    assert result["price"]["input_usd_per_mtok"] == 0.55
    assert "2025-09-05" in result["note"]


def test_history_lists_every_price() -> None:
    history = _price("GPT-4o")["history"]
    assert {(p["input_usd_per_mtok"], p["output_usd_per_mtok"]) for p in history} == {
        (5, 15),
        (2.5, 10),
    }
    assert [p["as_of"] for p in history] == sorted(p["as_of"] for p in history)


def test_a_changing_price_without_a_date_says_so() -> None:
    assert any("as_of" in a for a in _price("o3")["assumptions"])


def test_bare_gpt4_is_not_one_api_model() -> None:
    result = call("lookup_api_price", {"model": "GPT-4"})
    assert {"GPT-4 8K", "GPT-4 32K"} <= set(result["suggestions"])


@pytest.mark.parametrize(
    ("model", "reasoning"),
    [("o1", "yes"), ("DeepSeek-R1", "yes"), ("GPT-4o", "no"), ("Claude 3.7 Sonnet", "optional")],
)
def test_reasoning_flags(model: str, reasoning: str) -> None:
    assert _price(model)["reasoning"] == reasoning


def test_every_model_has_one_standard_price_at_a_time() -> None:
    for row in api_prices():
        standard = row.history()
        assert all(a.effective_until is not None for a in standard[:-1]), row.model


def test_an_invalid_date_is_a_clear_error() -> None:
    result = call("lookup_api_price", {"model": "GPT-4o", "as_of": "last spring"})
    assert result["error_type"] == "bad_arguments"
    assert "as_of" in result["error"]


@pytest.mark.parametrize(
    ("as_of", "low", "high"),
    [
        ("2025-04-15", 12.29, 12.29),
        ("2025-06-15", 6.88, 6.88),
        ("2024-02-01", 3.49, 4.78),
    ],
)
def test_h100_rental_price_at_a_date(as_of: str, low: float, high: float) -> None:
    value = call("lookup_rental_price", {"accelerator": "H100", "as_of": as_of})["value"]
    assert (value["low"], value["high"]) == pytest.approx((low, high))


def test_rental_price_without_a_date_is_the_undated_range() -> None:
    result = call("lookup_rental_price", {"accelerator": "H800"})
    assert result["value"]["mid"] == 2.0
    assert result["note"] == ""
    assert len(result["history"]) >= 1


def test_rental_price_with_no_dated_row_falls_back_with_a_note() -> None:
    result = call("lookup_rental_price", {"accelerator": "A100 PCIe 40GB", "as_of": "2024-05-01"})
    assert "no dated" in result["note"]


def test_training_cost_at_a_date() -> None:
    args = {"accelerator_hours": 1e6, "accelerator": "H100", "as_of": "2025-04-15"}
    assert call("training_cost", args)["value"]["mid"] == pytest.approx(12.29e6)
