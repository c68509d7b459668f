"""The tool contract: names, strict schemas (snapshotted), and the dispatcher's error results."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai.lib._pydantic import to_strict_json_schema

from flopcheck.tools import call, openai_tools, tools

SNAPSHOT = Path(__file__).parent / "snapshots" / "tool_schemas.json"
CONTRACT = {
    "lookup_accelerator": {"name"},
    "lookup_training_run": {"model"},
    "training_compute": {"active_params", "tokens"},
    "accelerator_hours": {"flop", "accelerator", "precision", "mfu"},
    "training_cost": {"accelerator_hours", "usd_per_accelerator_hour", "accelerator"},
    "cluster_time": {"accelerator_count", "days", "accelerator_hours"},
    "compare_accelerators": {"a", "b", "precision_a", "precision_b"},
    "energy": {"accelerator_hours", "accelerator", "pue", "power_w"},
    "inference_cost": {"active_params", "accelerator", "usd_per_accelerator_hour", "batch_size"},
    "calculate": {"expression"},
    "convert_units": {"value", "from_unit", "to_unit"},
    "compare_claim": {"claimed", "low", "high", "tolerance"},
}


def test_design_tools_exist_with_contract_argument_names() -> None:
    registry = tools()
    for name, args in CONTRACT.items():
        assert name in registry
        assert args <= set(registry[name].args_model.model_fields)


@pytest.mark.parametrize("name", sorted(tools()))
def test_schema_equals_openai_strict_schema(name: str) -> None:
    tool = tools()[name]
    assert tool.schema() == to_strict_json_schema(tool.args_model)


@pytest.mark.parametrize("name", sorted(tools()))
def test_schema_matches_snapshot(name: str) -> None:
    current = {t["function"]["name"]: t for t in openai_tools()}
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", "utf-8")
    snapshot = json.loads(SNAPSHOT.read_text("utf-8"))
    assert current[name] == snapshot[name], "schema changed: rerun with UPDATE_SNAPSHOTS=1"


def test_every_tool_has_a_description_and_closed_schema() -> None:
    for t in openai_tools():
        fn = t["function"]
        assert fn["strict"] is True
        assert len(fn["description"]) > 30
        params = fn["parameters"]
        assert params["additionalProperties"] is False
        assert set(params["required"]) == set(params["properties"])


NUMBERS = st.floats(min_value=1e-6, max_value=1e30, allow_nan=False, allow_infinity=False)
ACCELERATORS = st.sampled_from(["H100", "A100", "H800", "MI300X", "TPU v4", "B200", "V100"])


def _finite(node: Any) -> bool:
    if isinstance(node, float):
        return math.isfinite(node)
    if isinstance(node, dict):
        return all(_finite(v) for v in node.values())
    if isinstance(node, list):
        return all(_finite(v) for v in node)
    return True


@settings(max_examples=150, deadline=None)
@given(n=NUMBERS, d=NUMBERS, chip=ACCELERATORS, mfu=st.floats(0.01, 1.0), hours=NUMBERS)
def test_no_calculator_returns_nan_or_infinity(
    n: float, d: float, chip: str, mfu: float, hours: float
) -> None:
    results = [
        call("training_compute", {"active_params": n, "tokens": d}),
        call("accelerator_hours", {"flop": n * d, "accelerator": chip, "mfu": mfu}),
        call("training_cost", {"accelerator_hours": hours, "accelerator": chip}),
        call("cluster_time", {"accelerator_count": n, "accelerator_hours": hours}),
        call("energy", {"accelerator_hours": hours, "accelerator": chip, "power_w": 700}),
        call(
            "inference_cost",
            {"active_params": n, "accelerator": chip, "usd_per_accelerator_hour": 2},
        ),
        call("compare_claim", {"claimed": n, "low": d, "high": d * 2}),
    ]
    for result in results:
        assert _finite(result)
        assert "value" in result or "error" in result
