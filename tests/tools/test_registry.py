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

SNAPSHOT = Path(__file__).parents[1] / "snapshots" / "tool_schemas.json"
CONTRACT = {
    "lookup_accelerator": {"accelerator"},
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


# Keywords OpenAI's strict mode accepts (structured outputs' supported subset of JSON Schema).
STRICT_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "anyOf",
    "enum",
    "description",
    "title",
    "items",
    "$defs",
    "$ref",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "format",
}
# The string formats strict mode accepts; a date argument is "date".
STRICT_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6"}


def _formats(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_formats(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["format"]} if isinstance(node.get("format"), str) else set()
    return found.union(*(_formats(v) for k, v in node.items() if k != "format"))


def _keywords(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_keywords(n) for n in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set(node) if "type" in node or "anyOf" in node or "$ref" in node else set()
    for key, value in node.items():
        if key == "properties":
            found |= set().union(*(_keywords(v) for v in value.values()))
        elif key not in ("enum", "required", "description", "title"):
            found |= _keywords(value)
    return found


@pytest.mark.parametrize("name", sorted(tools()))
def test_schemas_use_only_strict_mode_keywords(name: str) -> None:
    schema = tools()[name].schema()
    assert _keywords(schema) <= STRICT_KEYWORDS
    assert _formats(schema) <= STRICT_FORMATS


def _number_branch(schema: dict[str, Any], field: str) -> dict[str, Any]:
    prop: dict[str, Any] = schema["properties"][field]
    return next(p for p in prop.get("anyOf", [prop]) if p.get("type") == "number")


@pytest.mark.parametrize(
    ("tool", "field", "bounds"),
    [
        ("accelerator_hours", "mfu", {"exclusiveMinimum": 0, "maximum": 1}),
        ("cluster_time", "goodput", {"exclusiveMinimum": 0, "maximum": 1}),
        ("energy", "pue", {"minimum": 1}),
        ("energy", "server_overhead", {"minimum": 1}),
        ("training_compute", "active_params", {"exclusiveMinimum": 0}),
        ("cluster_time", "accelerator_count", {"exclusiveMinimum": 0}),
        ("inference_cost", "batch_size", {"exclusiveMinimum": 0}),
        ("training_cost", "usd_per_accelerator_hour", {"exclusiveMinimum": 0}),
        ("compare_claim", "tolerance", {"minimum": 0, "exclusiveMaximum": 1}),
    ],
)
def test_ranges_are_in_the_schema(tool: str, field: str, bounds: dict[str, float]) -> None:
    branch = _number_branch(tools()[tool].schema(), field)
    assert bounds.items() <= branch.items()


def test_precision_is_an_enum_that_still_accepts_aliases() -> None:
    prop = tools()["accelerator_hours"].schema()["properties"]["precision"]
    enum = next(p["enum"] for p in prop["anyOf"] if "enum" in p)
    assert {"bf16", "fp8", "fp16"} <= set(enum)
    result = call("accelerator_hours", {"flop": 1e24, "accelerator": "H100", "precision": "FP8"})
    assert result["precision"] == "fp8"
    assert (
        call("accelerator_hours", {"flop": 1e24, "accelerator": "H100", "precision": "bfloat16"})[
            "precision"
        ]
        == "bf16"
    )


def _description(tool: str, field: str) -> str:
    return str(tools()[tool].schema()["properties"][field]["description"])


def test_the_default_mfu_is_stated_with_the_runs_it_comes_from() -> None:
    used = call("accelerator_hours", {"flop": 1e24, "accelerator": "H100", "precision": "bf16"})
    mfu = used["mfu"]
    stated = " ".join(used["assumptions"])
    assert f"MFU {mfu['low']:.0%}-{mfu['high']:.0%} (mid {mfu['mid']:.0%})" in stated
    assert "published Hopper runs" in stated
    assert "published runs" in _description("accelerator_hours", "mfu")


def test_the_energy_descriptions_state_the_default_ranges() -> None:
    result = call(
        "energy", {"accelerator_hours": 1000, "accelerator": "H100", "server_overhead": 1.0}
    )
    low, mid, high = (result["value"][k] / result["value"]["low"] for k in ("low", "mid", "high"))
    # With the overhead fixed at 1, the range of the result is the range of the default PUE.
    text = _description("energy", "pue")
    assert f"{low:g}-{high:g} (mid {mid:g})" in text


def test_the_tolerance_description_states_the_default() -> None:
    result = call("compare_claim", {"claimed": 1, "low": 1, "high": 1})
    assert f"default {result['tolerance']:g}" in _description("compare_claim", "tolerance")


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("gpu_hours", "accelerator_hours"),
        ("training_costs", "training_cost"),
        ("cost", "training_cost"),
    ],
)
def test_an_unknown_tool_gets_the_closest_names(asked: str, expected: str) -> None:
    result = call(asked, {})
    assert result["error_type"] == "unknown_tool"
    assert expected in result["suggestions"][:3]
    hint = result["error"].split("available:")[0]
    assert "did you mean" in hint
    assert expected in hint


def test_an_unknown_tool_with_nothing_close_lists_every_tool() -> None:
    assert call("zzzz", {})["suggestions"] == list(tools())


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        ({"flop": 1e24, "accelerator": "H100", "mfu": 40}, ["mfu", "did you mean 0.4"]),
        ({"flop": "lots", "accelerator": "H100"}, ["flop", "valid number"]),
        ({"flop": 1e24, "accelerator": "H100", "gpus": 8}, ["gpus", "the arguments are flop"]),
    ],
)
def test_argument_errors_are_one_short_line(args: dict[str, Any], needles: list[str]) -> None:
    error = call("accelerator_hours", args)["error"]
    assert "\n" not in error
    assert len(error) < 300
    assert "https://" not in error
    for needle in needles:
        assert needle in error


def test_responses_format_puts_the_function_at_the_top_level() -> None:
    chat = openai_tools()
    responses = openai_tools(api="responses")
    assert len(responses) == len(chat)
    for c, r in zip(chat, responses, strict=True):
        assert r == {"type": "function", **c["function"]}
        assert r["strict"] is True
    with pytest.raises(ValueError, match="responses"):
        openai_tools(api="assistants")  # type: ignore[arg-type]
