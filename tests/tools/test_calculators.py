"""The calculators against the published figures of FACTS.md."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flopcheck.tools import call


def value(name: str, args: dict[str, Any]) -> dict[str, float]:
    result = call(name, args)
    assert "error" not in result, result
    v: dict[str, float] = result["value"]
    return v


def test_deepseek_rental_cost_is_hours_times_two_dollars() -> None:
    v = value("training_cost", {"accelerator_hours": 2_788_000, "usd_per_accelerator_hour": 2})
    assert v["mid"] == pytest.approx(5.576e6, rel=1e-9)
    assert v["low"] == v["high"] == v["mid"]


def test_deepseek_compute_is_six_n_d_with_active_params() -> None:
    v = value("training_compute", {"active_params": 37e9, "tokens": 14.8e12})
    assert v["mid"] == pytest.approx(3.2856e24, rel=1e-6)


def test_training_compute_notes_moe_overstatement() -> None:
    result = call(
        "training_compute", {"active_params": 37e9, "tokens": 14.8e12, "total_params": 671e9}
    )
    assert any("18.1x" in a for a in result["assumptions"])


@pytest.mark.parametrize("precision", ["bf16", "fp8"])
def test_default_h800_range_contains_deepseek_pretraining_hours(precision: str) -> None:
    v = value("accelerator_hours", {"flop": 3.29e24, "accelerator": "H800", "precision": precision})
    assert v["low"] <= 2.664e6 <= v["high"]


def test_fp8_default_mfu_is_lower_than_bf16_against_its_own_peak() -> None:
    bf16 = call("accelerator_hours", {"flop": 3.29e24, "accelerator": "H800", "precision": "bf16"})
    fp8 = call("accelerator_hours", {"flop": 3.29e24, "accelerator": "H800", "precision": "fp8"})
    assert fp8["mfu"]["mid"] == pytest.approx(bf16["mfu"]["mid"] / 2, rel=1e-3)
    # The convention keeps FP8 runs from being predicted twice as fast as they ever ran.
    assert fp8["value"]["mid"] == pytest.approx(bf16["value"]["mid"], rel=1e-3)


def test_llama_405b_hours_fall_inside_default_range() -> None:
    flop = value("training_compute", {"active_params": 405e9, "tokens": 15.6e12})["mid"]
    v = value("accelerator_hours", {"flop": flop, "accelerator": "H100 SXM"})
    assert v["low"] <= 30.84e6 <= v["high"]


def test_given_mfu_gives_an_exact_answer() -> None:
    v = value("accelerator_hours", {"flop": 3.29e24, "accelerator": "H800", "mfu": 0.35})
    assert v["mid"] == pytest.approx(3.29e24 / (989.4e12 * 0.35 * 3600), rel=1e-3)
    assert v["low"] == v["high"]


def test_bloom_energy_is_hours_times_400_watts() -> None:
    args = {
        "accelerator_hours": 1_082_990,
        "accelerator": "A100 80GB",
        "pue": 1.0,
        "server_overhead": 1.0,
    }
    assert value("energy", args)["mid"] == pytest.approx(433_196, rel=1e-6)


def test_default_energy_range_starts_at_accelerators_alone() -> None:
    v = value("energy", {"accelerator_hours": 1_082_990, "accelerator": "A100 80GB"})
    assert v["low"] == pytest.approx(433_196, rel=1e-6)
    assert v["high"] > 2 * v["low"]


@pytest.mark.parametrize(
    ("a", "b", "pa", "pb", "ratio"),
    [
        ("H100", "A100", None, None, 3.17),
        ("H100", "H100", "fp8", "bf16", 2.0),
        ("Gaudi 3", "Gaudi 3", "fp8", "bf16", 1.0),
        ("B200", "H100", None, None, 2.27),
        ("H100", "A100", "fp8", "bf16", 6.34),
        ("H800", "H100", None, None, 1.0),
    ],
)
def test_accelerator_ratios_match_datasheets(
    a: str, b: str, pa: str | None, pb: str | None, ratio: float
) -> None:
    args = {"a": a, "b": b, "precision_a": pa, "precision_b": pb}
    assert value("compare_accelerators", args)["mid"] == pytest.approx(ratio, rel=0.01)


def test_fp8_on_an_a100_is_a_clear_error() -> None:
    result = call("compare_accelerators", {"a": "A100", "b": "A100", "precision_a": "fp8"})
    assert result["error_type"] == "bad_arguments"
    assert "no FP8 support" in result["error"]
    assert "bf16" in result["suggestions"]


def test_cluster_days_to_gpu_hours() -> None:
    v = value("cluster_time", {"accelerator_count": 2048, "days": 54})
    assert v["mid"] == pytest.approx(2.65e6, rel=0.01)


def test_cluster_gpu_hours_to_days() -> None:
    v = value("cluster_time", {"accelerator_count": 2048, "accelerator_hours": 2.664e6})
    assert v["mid"] == pytest.approx(54.2, rel=0.01)


def test_cost_ratio_of_deepseek_to_llama_is_nine_percent() -> None:
    v = value("calculate", {"expression": "(37 * 14.8) / (405 * 15)"})
    assert v["mid"] == pytest.approx(0.090, rel=0.01)


def test_training_cost_from_accelerator_uses_dated_price_range() -> None:
    result = call("training_cost", {"accelerator_hours": 2_788_000, "accelerator": "H800"})
    v = result["value"]
    assert v["low"] <= 5.576e6 <= v["high"]
    assert any("as of" in a for a in result["assumptions"])


def test_inference_crossover_batch_matches_h100_bf16() -> None:
    result = call("inference_cost", {"active_params": 70e9, "accelerator": "H100"})
    assert result["crossover_batch_size"] == pytest.approx(295, rel=0.01)
    assert result["value"]["low"] < result["value"]["high"]


def test_inference_at_batch_one_is_memory_bound() -> None:
    big = call("inference_cost", {"active_params": 70e9, "accelerator": "H100", "batch_size": 1})
    assert big["tokens_per_second"]["high"] < big["compute_bound_tokens_per_second"]


@pytest.mark.parametrize(
    ("claimed", "low", "high", "label"),
    [
        (5.5e6, 5.576e6, 5.576e6, "supported"),
        (0.25, 0.5, 0.5, "refuted"),
        (0.1, 0.315, 0.315, "refuted"),
        (2.7e6, 1.8e6, 4.6e6, "supported"),
    ],
)
def test_compare_claim_labels(claimed: float, low: float, high: float, label: str) -> None:
    result = call("compare_claim", {"claimed": claimed, "low": low, "high": high})
    assert result["label"] == label
    assert result["ratio"] == pytest.approx(claimed / ((low + high) / 2), rel=1e-6)


def test_compare_claim_accepts_a_claimed_range() -> None:
    result = call(
        "compare_claim", {"claimed": 0.05, "claimed_high": 0.10, "low": 0.055, "high": 0.055}
    )
    assert result["label"] == "supported"


@pytest.mark.parametrize(
    "name",
    ["H800", "h800 sxm", "A100 80GB", "A100-SXM-80GB", "NVIDIA H100", "TPUv4", "MI300X", "H800s"],
)
def test_accelerator_names_resolve_forgivingly(name: str) -> None:
    assert "error" not in call("lookup_accelerator", {"accelerator": name})


@pytest.mark.parametrize(
    ("generation", "flagship"),
    [("Hopper", "H100 SXM"), ("Ampere", "A100 SXM 80GB"), ("Blackwell", "B200")],
)
def test_generation_names_resolve_to_flagship_with_a_note(generation: str, flagship: str) -> None:
    result = call("lookup_accelerator", {"accelerator": generation})
    assert result["accelerator"]["id"] == flagship
    assert "generation" in result["note"]


def test_unknown_accelerator_lists_closest_names() -> None:
    result = call("lookup_accelerator", {"accelerator": "H900"})
    assert result["error_type"] == "unknown_name"
    assert any(s.startswith("H") for s in result["suggestions"])


def test_lookup_training_run_has_stages_and_sources() -> None:
    run = call("lookup_training_run", {"model": "deepseek v3"})["run"]
    stages = {s["stage"]: s["accelerator_hours"] for s in run["accelerator_hours_stages"]}
    assert stages["pre-training"] == 2_664_000
    assert run["active_params"]["source"]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("training_compute", {"active_params": -1, "tokens": 1e12}),
        ("training_compute", {"active_params": 0, "tokens": 1e12}),
        ("training_compute", {"active_params": float("nan"), "tokens": 1e12}),
        ("training_compute", {"active_params": 1e400, "tokens": 1e12}),
        ("training_compute", {"active_params": 1e30, "tokens": 1e30}),
        ("accelerator_hours", {"flop": 1e24, "accelerator": ""}),
        ("accelerator_hours", {"flop": 1e24, "accelerator": "H100", "mfu": 40}),
        ("accelerator_hours", {"flop": 1e24, "accelerator": "H100", "precision": "fp12"}),
        ("convert_units", {"value": 1, "from_unit": "kWh", "to_unit": "parsecs"}),
        ("cluster_time", {"accelerator_count": 8}),
        ("training_cost", {"accelerator_hours": 10}),
        ("training_compute", {"active_params": 1e9}),
        ("training_compute", {"active_params": 1e9, "tokens": 1e12, "bogus": 1}),
        ("no_such_tool", {}),
    ],
)
def test_bad_input_is_an_error_result_not_an_exception(name: str, args: dict[str, Any]) -> None:
    result = call(name, args)
    assert set(result) == {"error", "error_type", "suggestions"}
    assert result["error"]


def test_arguments_may_be_a_json_string() -> None:
    assert call("cluster_time", '{"accelerator_count": 2048, "days": 54}')["value"]["mid"] > 0
    assert call("cluster_time", "{not json")["error_type"] == "bad_arguments"


def test_null_arguments_mean_defaults() -> None:
    result = call(
        "accelerator_hours", {"flop": 1e24, "accelerator": "H100", "precision": None, "mfu": None}
    )
    assert result["precision"] == "bf16"


def test_results_have_the_spine() -> None:
    result = call("accelerator_hours", {"flop": 1e24, "accelerator": "H100"})
    assert {"value", "formula", "assumptions", "sources"} <= set(result)
    assert all(math.isfinite(result["value"][k]) for k in ("low", "mid", "high"))
    assert "TFLOP/s" in result["formula"]


def test_a_legacy_name_argument_still_looks_up_an_accelerator() -> None:
    # Reports written before the argument was called "accelerator" must re-run.
    assert call("lookup_accelerator", {"name": "H800"})["accelerator"]["id"] == "H800 SXM"


@pytest.mark.parametrize(
    ("name", "args", "needle"),
    [
        ("training_compute", {"active_params": 37, "tokens": 14.8e12}, "3.7e10 (37B)"),
        ("training_compute", {"active_params": 37e9, "tokens": 14.8}, "1.48e13 (14.8T)"),
        ("accelerator_hours", {"flop": 3.3, "accelerator": "H100"}, "flop = 3.3"),
        ("cluster_time", {"accelerator_count": 2e9, "days": 1}, "implausibly large"),
        ("energy", {"accelerator_hours": 1e3, "accelerator": "H100", "power_w": 0.7}, "700"),
        ("training_cost", {"accelerator_hours": 1e6, "usd_per_accelerator_hour": 2000}, "USD"),
    ],
)
def test_implausible_magnitudes_are_computed_with_a_warning(
    name: str, args: dict[str, Any], needle: str
) -> None:
    result = call(name, args)
    assert "value" in result, result
    assert any(needle in w for w in result["warnings"]), result["warnings"]


def test_the_deepseek_figures_raise_no_warning() -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("training_compute", {"active_params": 37e9, "tokens": 14.8e12, "total_params": 671e9}),
        ("accelerator_hours", {"flop": 3.29e24, "accelerator": "H800"}),
        ("training_cost", {"accelerator_hours": 2.788e6, "usd_per_accelerator_hour": 2}),
        ("cluster_time", {"accelerator_count": 2048, "days": 54}),
        ("energy", {"accelerator_hours": 2.788e6, "accelerator": "H800"}),
    ]
    for name, args in calls:
        assert call(name, args)["warnings"] == [], name


def test_energy_accepts_accelerators_times_days() -> None:
    by_hours = value("energy", {"accelerator_hours": 2048 * 54 * 24, "accelerator": "H800"})
    result = call("energy", {"accelerator_count": 2048, "days": 54, "accelerator": "H800"})
    for key in ("low", "mid", "high"):
        assert result["value"][key] == pytest.approx(by_hours[key], rel=1e-12)
    assert "2048 accelerators x 54 days" in result["formula"]


@pytest.mark.parametrize(
    "args",
    [
        {"accelerator": "H800"},
        {"accelerator": "H800", "accelerator_hours": 1e6, "accelerator_count": 8, "days": 1},
    ],
)
def test_energy_needs_hours_one_way(args: dict[str, Any]) -> None:
    result = call("energy", args)
    assert result["error_type"] == "bad_arguments"
    assert "accelerator_count and days" in result["error"]


def test_inference_warns_when_the_weights_do_not_fit() -> None:
    args = {"active_params": 37e9, "total_params": 671e9, "accelerator": "H100 SXM"}
    result = call("inference_cost", args)
    assert result["memory_needed_gb"] == pytest.approx(1342, rel=1e-3)
    assert result["memory_available_gb"] == 80
    assert any("does not fit" in w and "at least 17" in w for w in result["warnings"])
    fitted = call("inference_cost", {**args, "accelerator_count": 17})
    assert fitted["warnings"] == []
    assert fitted["value"] == result["value"]


def test_inference_counts_the_kv_cache_at_the_batch_size() -> None:
    args = {"active_params": 8e9, "accelerator": "H100 SXM", "batch_size": 64}
    assert call("inference_cost", args)["warnings"] == []
    crowded = call("inference_cost", {**args, "kv_cache_gb_per_sequence": 2})
    assert crowded["memory_needed_gb"] == pytest.approx(16 + 128, rel=1e-6)
    assert any("KV cache 128 GB at batch 64" in w for w in crowded["warnings"])


def test_compare_claim_rejects_a_range_out_of_order() -> None:
    result = call("compare_claim", {"claimed": 5, "low": 10, "high": 2})
    assert result["error_type"] == "bad_arguments"
    assert "low (10) is above high (2)" in result["error"]
