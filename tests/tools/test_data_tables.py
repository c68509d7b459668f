"""The shipped data tables load, agree with each other, and keep the reference ratios."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import flopcheck
from flopcheck.tools.tables import (
    Accelerator,
    accelerators,
    api_prices,
    rental_prices,
    training_runs,
)

CASE_KEYS = {
    "id",
    "model",
    "active_params",
    "tokens",
    "accelerator",
    "precision",
    "reported_accelerator_hours",
    "source",
    "note",
}
PRECISIONS = {"fp64", "tf32", "bf16", "fp16", "fp8", "fp4"}


def _key(name: str) -> str:
    """Compare names case-insensitively, ignoring spaces, dashes and underscores."""
    return re.sub(r"[\s\-_]+", "", name.lower())


def _by_id() -> dict[str, Accelerator]:
    return {accelerator.id: accelerator for accelerator in accelerators()}


def _peak(accelerator_id: str, precision: str) -> float:
    value = getattr(_by_id()[accelerator_id].dense_peak_tflops, precision)
    assert isinstance(value, float), f"{accelerator_id} has no {precision} peak"
    return value


def _cases() -> list[dict[str, Any]]:
    path = Path(flopcheck.__file__).parent / "evals" / "data" / "calculator_cases.jsonl"
    text = path.read_text(encoding="utf-8")
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            assert isinstance(row, dict), f"line {number} is not an object"
            rows.append(row)
    return rows


def test_every_table_loads() -> None:
    assert len(accelerators()) >= 24
    assert len(rental_prices()) >= 13
    assert len(api_prices()) >= 11
    assert len(training_runs()) >= 24


def test_accelerator_ids_are_unique() -> None:
    counts = Counter(accelerator.id for accelerator in accelerators())
    assert [name for name, n in counts.items() if n > 1] == []


def test_no_alias_names_two_accelerators() -> None:
    owner: dict[str, str] = {}
    clashes: list[str] = []
    for accelerator in accelerators():
        for name in {accelerator.id, *accelerator.aliases}:
            key = _key(name)
            if owner.setdefault(key, accelerator.id) != accelerator.id:
                clashes.append(f"{name!r}: {owner[key]} and {accelerator.id}")
    assert clashes == []


def test_each_generation_has_one_flagship() -> None:
    flagships = Counter(a.flagship_of for a in accelerators() if a.flagship_of is not None)
    assert [name for name, n in flagships.items() if n > 1] == []
    for generation in ("Volta", "Ampere", "Hopper", "Blackwell"):
        assert flagships[generation] == 1, generation


@pytest.mark.parametrize(
    ("generation", "chip"),
    [
        ("Volta", "V100 SXM2"),
        ("Ampere", "A100 SXM 80GB"),
        ("Hopper", "H100 SXM"),
        ("Blackwell", "B200"),
    ],
)
def test_flagship_is_the_expected_chip(generation: str, chip: str) -> None:
    assert _by_id()[chip].flagship_of == generation


@pytest.mark.parametrize(
    ("bare", "chip"), [("A100", "A100 SXM 80GB"), ("H100", "H100 SXM"), ("V100", "V100 SXM2")]
)
def test_bare_names_resolve_to_the_common_part(bare: str, chip: str) -> None:
    owners = [a.id for a in accelerators() if _key(bare) in {_key(n) for n in a.aliases}]
    assert owners == [chip]


def test_no_alias_names_two_training_runs() -> None:
    owner: dict[str, str] = {}
    clashes: list[str] = []
    for run in training_runs():
        for name in {run.id, *run.aliases}:
            key = _key(name)
            if owner.setdefault(key, run.id) != run.id:
                clashes.append(f"{name!r}: {owner[key]} and {run.id}")
    assert clashes == []


def test_rental_prices_name_known_accelerators() -> None:
    ids = set(_by_id())
    assert [p.accelerator for p in rental_prices() if p.accelerator not in ids] == []


def test_h800_typical_price_is_deepseeks_assumption() -> None:
    (h800,) = [p for p in rental_prices() if p.accelerator == "H800 SXM"]
    assert h800.typical_usd_per_hour == 2.0
    assert h800.low_usd_per_hour < 2.0 < h800.high_usd_per_hour


def test_training_runs_name_known_accelerators() -> None:
    ids = set(_by_id())
    unknown = [
        r.id for r in training_runs() if r.accelerator is not None and r.accelerator not in ids
    ]
    assert unknown == []


def test_dense_runs_have_active_equal_to_total() -> None:
    for run in training_runs():
        if run.architecture == "dense" and run.total_params and run.active_params:
            assert run.active_params.value == run.total_params.value, run.id


def test_deepseek_v3_stages_add_up() -> None:
    (run,) = [r for r in training_runs() if r.id == "DeepSeek-V3"]
    assert run.accelerator_hours_total is not None
    stages = sum(stage.accelerator_hours for stage in run.accelerator_hours_stages)
    assert math.isclose(stages, run.accelerator_hours_total.mid(), rel_tol=1e-9)
    assert run.reported_cost_usd is not None
    assert math.isclose(run.reported_cost_usd.mid(), 2.0 * stages, rel_tol=1e-9)


def test_h100_over_a100_bf16_is_3_17() -> None:
    ratio = _peak("H100 SXM", "bf16") / _peak("A100 SXM 80GB", "bf16")
    assert ratio == pytest.approx(3.17, rel=0.01)


def test_h100_fp8_is_twice_bf16() -> None:
    assert _peak("H100 SXM", "fp8") / _peak("H100 SXM", "bf16") == pytest.approx(2.0, rel=1e-3)


def test_gaudi3_fp8_equals_bf16() -> None:
    assert _peak("Gaudi 3", "fp8") / _peak("Gaudi 3", "bf16") == pytest.approx(1.0)


@pytest.mark.parametrize("chip", ["A100 SXM 40GB", "A100 SXM 80GB", "A800 SXM 80GB", "V100 SXM2"])
def test_pre_hopper_chips_have_no_fp8(chip: str) -> None:
    assert _by_id()[chip].dense_peak_tflops.fp8 is None


def test_fp4_only_on_blackwell() -> None:
    with_fp4 = {a.id for a in accelerators() if a.dense_peak_tflops.fp4 is not None}
    assert with_fp4
    assert all(_by_id()[chip].architecture.startswith("Blackwell") for chip in with_fp4)


def test_v100_has_fp16_but_no_bf16_or_tf32() -> None:
    peaks = _by_id()["V100 SXM2"].dense_peak_tflops
    assert peaks.fp16 == 125.0
    assert peaks.bf16 is None
    assert peaks.tf32 is None


def test_calculator_cases_are_valid() -> None:
    cases = _cases()
    ids = set(_by_id())
    assert len(cases) >= 25
    assert len({case["id"] for case in cases}) == len(cases)
    for case in cases:
        assert set(case) == CASE_KEYS, case.get("id")
        assert case["accelerator"] in ids, case["id"]
        assert case["precision"] in PRECISIONS, case["id"]
        peak = getattr(_by_id()[case["accelerator"]].dense_peak_tflops, case["precision"])
        assert peak is not None, f"{case['id']}: {case['accelerator']} has no {case['precision']}"
        for field in ("active_params", "tokens", "reported_accelerator_hours"):
            value = case[field]
            assert isinstance(value, int | float), (case["id"], field)
            assert value > 0, (case["id"], field)
        assert case["source"].strip(), case["id"]


def test_every_shipped_table_is_registered_for_the_surfaces() -> None:
    from flopcheck.tools import tables

    shipped = {p.stem for p in Path(tables.__file__).with_name("data").glob("*.json")}
    assert shipped == set(tables.TABLES)
    for table in tables.TABLES.values():
        rows = table.load()
        assert rows
        assert all(isinstance(row, table.row_model) for row in rows)
