"""The tool registry: each calculator as a named tool with a strict JSON schema and a dispatcher.

The schema of a tool is generated from its pydantic argument model and its description from the
calculator's docstring, so nothing is written twice. ``call`` never raises for bad input: errors
a model can fix come back as ``{"error": ..., "error_type": ..., "suggestions": [...]}``.
"""

from __future__ import annotations

import copy
import inspect
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, get_type_hints

from pydantic import BaseModel, ValidationError

from flopcheck.errors import ToolInputError, UnknownNameError
from flopcheck.tools import (
    arithmetic,
    compare,
    energy,
    hardware,
    inference,
    market,
    performance,
    prices,
    references,
    runs,
    systems,
    training,
    units,
)
from flopcheck.tools._results import Args, ToolResult


@dataclass(frozen=True)
class Tool:
    """One calculator exposed as a tool."""

    name: str
    description: str
    args_model: type[Args]
    result_model: type[ToolResult]
    func: Callable[[Any], ToolResult]

    def schema(self) -> dict[str, Any]:
        """Return the strict JSON schema of the tool's arguments."""
        return strict_schema(self.args_model)

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Validate ``arguments`` and run the calculator; raises on bad input.

        Args:
            arguments: the tool arguments as a JSON-like dict.
        """
        return self.func(self.args_model.model_validate(arguments))


def _describe(func: Callable[..., Any]) -> str:
    doc = inspect.getdoc(func) or ""
    summary = doc.split("\n\n", 1)[0]
    return " ".join(summary.split())


def _tool(func: Callable[[Any], ToolResult]) -> Tool:
    hints = get_type_hints(func)
    return Tool(
        name=func.__name__,
        description=_describe(func),
        args_model=hints["args"],
        result_model=hints["return"],
        func=func,
    )


@cache
def tools() -> dict[str, Tool]:
    """Return every tool by name, in a stable order."""
    funcs: list[Callable[[Any], ToolResult]] = [
        hardware.lookup_accelerator,
        systems.lookup_system,
        runs.lookup_training_run,
        runs.lookup_api_price,
        prices.lookup_rental_price,
        market.lookup_purchase_price,
        market.lookup_cluster,
        market.lookup_electricity_price,
        training.training_compute,
        training.accelerator_hours,
        training.training_cost,
        training.cluster_time,
        hardware.compare_accelerators,
        performance.lookup_speedup,
        systems.cluster_peak,
        energy.energy,
        references.lookup_reference,
        inference.inference_cost,
        arithmetic.calculate,
        units.convert_units,
        compare.compare_claim,
    ]
    return {f.__name__: _tool(f) for f in funcs}


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Return a model's JSON schema in OpenAI strict form: closed objects, every field required.

    Optional fields stay nullable, so a model passes null for "use the default".

    Args:
        model: the pydantic argument model.
    """
    schema = copy.deepcopy(model.model_json_schema())
    _strictify(schema)
    return schema


def _strictify(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _strictify(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "object":
        node.setdefault("additionalProperties", False)
    if isinstance(node.get("properties"), dict):
        node["required"] = list(node["properties"])
    if "default" in node and node["default"] is None:
        del node["default"]
    for value in node.values():
        _strictify(value)


def _finite(node: Any) -> bool:
    if isinstance(node, float):
        return math.isfinite(node)
    if isinstance(node, dict):
        return all(_finite(v) for v in node.values())
    if isinstance(node, list):
        return all(_finite(v) for v in node)
    return True


def _error(message: str, error_type: str, suggestions: list[str] | None = None) -> dict[str, Any]:
    return {"error": message, "error_type": error_type, "suggestions": suggestions or []}


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(x) for x in err["loc"]) or "arguments"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def call(name: str, arguments: dict[str, Any] | str | None) -> dict[str, Any]:
    """Run a tool by name and return its result as a JSON-ready dict; never raises on bad input.

    Args:
        name: the tool name, e.g. "training_cost".
        arguments: the arguments as a dict or a JSON object string.
    """
    registry = tools()
    tool = registry.get(name)
    if tool is None:
        return _error(
            f"unknown tool {name!r}; available: {', '.join(registry)}",
            "unknown_tool",
            list(registry),
        )
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError as exc:
            return _error(
                f"arguments are not valid JSON ({exc.msg}); pass a JSON object", "bad_arguments"
            )
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        return _error("arguments must be a JSON object", "bad_arguments")
    # Strict-mode models send null for "use the default"; drop nulls so defaults apply.
    arguments = {k: v for k, v in arguments.items() if v is not None}
    try:
        result = tool.run(arguments).model_dump(mode="json")
    except UnknownNameError as exc:
        return _error(str(exc), "unknown_name", exc.suggestions)
    except ToolInputError as exc:
        return _error(str(exc), "bad_arguments", exc.suggestions)
    except ValidationError as exc:
        return _error(f"invalid arguments for {name}: {_validation_message(exc)}", "bad_arguments")
    if not _finite(result):
        return _error(
            f"{name} produced a non-finite number; check the inputs' magnitudes", "bad_arguments"
        )
    return result


def openai_tools() -> list[dict[str, Any]]:
    """Return every tool as an OpenAI Chat Completions function tool with a strict schema."""
    return [
        {
            "type": "function",
            "function": {
                "name": t.name,
                "description": t.description,
                "parameters": t.schema(),
                "strict": True,
            },
        }
        for t in tools().values()
    ]
