"""Accelerators and systems: the reviewed figures, system names, derived sparse peaks, the
count x chip tools, and the contract that every number in a lookup result names its unit."""

from __future__ import annotations

from typing import Any

import pytest

from flopcheck.tools import call
from flopcheck.tools.names import normalize
from flopcheck.tools.provenance import unitless_numbers
from flopcheck.tools.tables import Accelerator, accelerators, systems


def _chip(chip_id: str) -> Accelerator:
    (chip,) = [a for a in accelerators() if a.id == chip_id]
    return chip


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("lookup_accelerator", {"name": "B300"}),
        ("lookup_accelerator", {"name": "A10G"}),
        ("lookup_accelerator", {"name": "MI355X"}),
        ("lookup_system", {"name": "GB200 NVL72"}),
        ("lookup_training_run", {"model": "GPT-4"}),
        ("lookup_training_run", {"model": "DeepSeek-R1"}),
        ("lookup_api_price", {"model": "GPT-4o"}),
        ("cluster_peak", {"accelerator": "DGX H100"}),
        ("energy", {"accelerator": "H100", "accelerator_count": 8, "accelerator_hours": 80}),
    ],
)
def test_every_number_in_a_lookup_names_its_unit(tool: str, args: dict[str, Any]) -> None:
    result = call(tool, args)
    assert "error" not in result, result
    assert unitless_numbers(result) == []


@pytest.mark.parametrize(
    ("chip", "precision", "tflops"),
    [
        ("GB200", "fp64", 40),
        ("B200", "tf32", 1100),
        ("B200", "fp64", 37),
        ("TPU v5p", "fp8", 459),
        ("TPU v6e", "fp8", 918),
        ("TPU7x", "bf16", 2307),
        ("TPU7x", "fp8", 4614),
        ("B300", "fp4", 14000),
        ("H100 NVL", "bf16", 835.5),
        ("L40S", "bf16", 362.05),
        ("Trainium2", "fp8", 1299),
    ],
)
def test_reviewed_dense_peaks(chip: str, precision: str, tflops: float) -> None:
    assert getattr(_chip(chip).dense_peak_tflops, precision) == pytest.approx(tflops)


def test_b200_bandwidth_and_b100_fp64_estimate() -> None:
    assert _chip("B200").hbm_bandwidth_tb_s == pytest.approx(7.7)
    b100 = call("lookup_accelerator", {"name": "B100"})
    assert "FP64 30" in b100["formula"]
    fp64 = b100["accelerator"]["other_figures"]["fp64_tflops"]
    assert fp64["tier"] == "estimate"
    assert b100["accelerator"]["dense_peak_tflops"]["fp64"] is None


@pytest.mark.parametrize(("chip", "gib"), [("TPU v5e", 16), ("TPU v5p", 95), ("TPU v6e", 32)])
def test_tpu_memory_in_gib_is_converted_to_gb(chip: str, gib: float) -> None:
    assert _chip(chip).memory_gb == pytest.approx(gib * 2**30 / 1e9, rel=0.01)


def test_tpu_v3_tdp_source_is_not_patterson() -> None:
    chip = _chip("TPU v3")
    assert chip.tdp_w == 450
    assert not any("Patterson" in s for s in chip.sources)
    assert chip.other_figures["measured_max_power_w"].value == 262


@pytest.mark.parametrize(
    ("chip", "tier"),
    [("Ascend 910B", "rumour"), ("Ascend 910C", "estimate"), ("B300", "disclosed")],
)
def test_chip_rows_carry_their_tier(chip: str, tier: str) -> None:
    assert _chip(chip).tier == tier


def test_sparse_peaks_are_derived_and_labelled() -> None:
    h100 = call("lookup_accelerator", {"name": "H100"})
    sparse = h100["sparse_peak_tflops"]
    assert sparse["fp8"] == pytest.approx(2 * h100["accelerator"]["dense_peak_tflops"]["fp8"])
    assert "dense x" in sparse["derivation"]
    b300 = call("lookup_accelerator", {"name": "B300"})["sparse_peak_tflops"]
    assert b300["fp4"] == pytest.approx(18000)
    assert b300["fp8"] == pytest.approx(9000)


def test_tpus_quote_no_sparse_peak() -> None:
    assert call("lookup_accelerator", {"name": "TPU v5p"})["sparse_peak_tflops"] is None


def test_no_chip_alias_is_a_system_name() -> None:
    system_keys = {normalize(n) for s in systems() for n in (s.id, *s.aliases)}
    chips = [(a.id, n) for a in accelerators() for n in (a.id, *a.aliases)]
    assert [(c, n) for c, n in chips if normalize(n) in system_keys] == []


@pytest.mark.parametrize("name", ["DGX H100", "GB200 NVL72", "HGX B200"])
def test_a_system_name_gives_one_chip_with_a_note(name: str) -> None:
    result = call("lookup_accelerator", {"name": name})
    assert "lookup_system" in result["note"]


def test_every_system_names_a_known_chip() -> None:
    ids = {a.id for a in accelerators()}
    assert [s.id for s in systems() if s.accelerator not in ids] == []


@pytest.mark.parametrize("system", [s.id for s in systems() if s.dense_peak_pflops])
def test_vendor_system_peaks_are_count_times_chip(system: str) -> None:
    result = call("lookup_system", {"name": system})
    vendor = result["system"]["dense_peak_pflops"]
    totals = result["accelerator_totals"]["dense_peak_pflops"]
    compared = [p for p, v in vendor.items() if v is not None and totals.get(p) is not None]
    for p in compared:
        assert vendor[p] == pytest.approx(totals[p], rel=0.07), p  # vendors round system peaks


@pytest.mark.parametrize(
    ("system", "count", "power_kw"), [("DGX H100", 8, 10.2), ("DGX B200", 8, 14.3)]
)
def test_node_power_and_count(system: str, count: int, power_kw: float) -> None:
    result = call("lookup_system", {"name": system})["system"]
    assert result["accelerator_count"] == count
    assert result["system_power_kw"] == pytest.approx(power_kw)


def test_rack_power_is_a_third_party_estimate() -> None:
    power = call("lookup_system", {"name": "GB200 NVL72"})["system"]["other_figures"]
    assert power["system_power_kw"]["tier"] == "estimate"
    assert 117 <= power["system_power_kw"]["value"] <= 132


@pytest.mark.parametrize(
    ("args", "pflops"),
    [
        ({"accelerator": "GB200 NVL72", "precision": "fp4", "sparse": True}, 1440),
        ({"accelerator": "GB200 NVL72", "precision": "bf16"}, 180),
        ({"accelerator": "H100", "accelerator_count": 1000, "precision": "bf16"}, 989.4),
        (
            {"accelerator": "H100", "accelerator_count": 1000, "precision": "fp8", "sparse": True},
            3957.8,
        ),
    ],
)
def test_cluster_peak(args: dict[str, Any], pflops: float) -> None:
    assert call("cluster_peak", args)["value"]["mid"] == pytest.approx(pflops, rel=1e-3)


def test_cluster_peak_needs_a_count_for_a_chip() -> None:
    assert call("cluster_peak", {"accelerator": "H100"})["error_type"] == "bad_arguments"


def test_cluster_peak_refuses_sparse_fp64() -> None:
    args = {"accelerator": "H100", "accelerator_count": 8, "precision": "fp64", "sparse": True}
    assert call("cluster_peak", args)["error_type"] == "bad_arguments"


def test_energy_gives_average_power_of_n_accelerators() -> None:
    result = call("energy", {"accelerator": "H100", "accelerator_count": 100_000})
    power = result["average_power_kw"]
    assert power["low"] == pytest.approx(70_000)
    assert result["energy_kwh"] is None
    assert "MW" in result["formula"]


def test_energy_needs_hours_or_a_count() -> None:
    assert call("energy", {"accelerator": "H100"})["error_type"] == "bad_arguments"


def test_vendor_best_cases_are_not_per_chip() -> None:
    result = call("lookup_speedup", {"a": "H100", "b": "A100"})
    claims = {c["claim"]: c for c in result["vendor_claims"]}
    assert claims["up to 9x faster AI training"]["per_accelerator"] is False
    assert "cluster" in claims["up to 9x faster AI training"]["scope"]
    assert claims["up to 30x faster AI inference"]["per_accelerator"] is False
    assert any("not per-chip" in a for a in result["assumptions"])


def test_measured_h100_over_a100_covers_two_to_three_times() -> None:
    value = call("lookup_speedup", {"a": "H100", "b": "A100", "kind": "training"})["value"]
    assert value["low"] <= 2.5
    assert value["high"] >= 3.0
    assert value["high"] < 9


def test_speedup_the_other_way_round_is_the_inverse() -> None:
    forward = call("lookup_speedup", {"a": "H100", "b": "A100"})["value"]
    backward = call("lookup_speedup", {"a": "A100", "b": "H100"})["value"]
    assert backward["mid"] == pytest.approx(1 / forward["mid"])


def test_speedup_of_an_unknown_pair_lists_the_pairs_on_record() -> None:
    result = call("lookup_speedup", {"a": "TPU v4", "b": "V100"})
    assert result["error_type"] == "bad_arguments"
    assert "H100 SXM vs A100 SXM 80GB" in result["suggestions"]


def test_speedup_result_names_its_units() -> None:
    assert unitless_numbers(call("lookup_speedup", {"a": "B200", "b": "H100"})) == []
