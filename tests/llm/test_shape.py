"""What the model is asked to write: one schema from the tools' and the program's models."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from llm_script import program

from flopcheck.engine.program import Program
from flopcheck.engine.trace import number, walk
from flopcheck.llm.shape import (
    MAX_STRING,
    clip,
    figure_paths,
    plan_schema,
    planner_tools,
    without_span,
)
from flopcheck.tools import call
from flopcheck.tools.registry import tools


def branches() -> dict[str, dict[str, Any]]:
    steps = plan_schema()["properties"]["claims"]["items"]["properties"]["steps"]["items"]
    return {b["properties"]["tool"]["enum"][0]: b for b in steps["anyOf"]}


def test_every_tool_but_the_judges_own_is_a_step_with_its_own_argument_schema() -> None:
    found = branches()
    assert list(found) == [n for n in tools() if n != "compare_claim"]
    for name, branch in found.items():
        args = branch["properties"]["args"]
        strict = tools()[name].schema()
        assert args["required"] == strict["required"]
        assert set(args["properties"]) == set(strict["properties"])
        assert branch["description"].startswith(tools()[name].description)


def test_numeric_arguments_also_take_a_reference_to_an_earlier_result() -> None:
    flop = branches()["accelerator_hours"]["properties"]["args"]["properties"]["flop"]
    assert {"$ref": "#/$defs/Ref"} in flop["anyOf"]
    assert plan_schema()["$defs"]["Ref"]["required"] == ["ref"]


def test_the_schema_has_no_keyword_that_strict_output_rejects() -> None:
    def keywords(node: Any, names: bool = False) -> set[str]:
        if isinstance(node, list):
            return set().union(*(keywords(x) for x in node)) if node else set()
        if not isinstance(node, dict):
            return set()
        found = set() if names else set(node)
        for key, value in node.items():
            found |= keywords(value, names=key in ("properties", "$defs") and not names)
        return found

    assert not keywords(plan_schema()) & {"title", "default", "maxLength", "minLength"}


def test_a_program_the_model_writes_matches_the_schema_and_the_program_model() -> None:
    written = program(framing=[{"reason": "rental_vs_total", "note": "final run only"}])
    jsonschema.validate({"claims": [written]}, plan_schema())
    full = Program.model_validate({**written, "start": 3, "end": 3 + len(written["quote"])})
    assert without_span(full) == written


def test_the_lookups_figure_paths_point_at_figures_in_real_results() -> None:
    paths = figure_paths(tools()["lookup_training_run"].result_model.model_json_schema())
    assert {"run.total_params", "run.accelerator_hours_stages.N.accelerator_hours"} <= set(paths)
    result = call("lookup_training_run", {"model": "DeepSeek-V3"})
    for path in paths:
        node, _, _ = walk(result, path.replace(".N.", ".0."))
        if node is not None:  # a figure the run does not report
            assert isinstance(number(node, path), float)


@pytest.mark.parametrize("name", list(planner_tools()))
def test_every_tool_lists_the_figures_of_its_result(name: str) -> None:
    assert "value" in figure_paths(tools()[name].result_model.model_json_schema())


def test_clip_bounds_strings_lists_objects_and_depth() -> None:
    written = json.loads(
        json.dumps({"k" * 5000: [["x" * (MAX_STRING * 3)] * 1000], "deep": [[[[[[[[[[1]]]]]]]]]]})
    )
    text = json.dumps(clip(written))
    assert max(len(s) for s in text.split('"')) <= MAX_STRING
    assert text.count('"x') <= 64
    assert "1" not in text.split('"deep"')[1]
