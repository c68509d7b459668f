"""The tool registry: each calculator as a named tool with a strict JSON schema and a dispatcher.

The schema of a tool is generated from its pydantic argument model and its description from the
calculator's docstring, so nothing is written twice. ``call`` never raises for bad input: errors
a model can fix come back as ``{"error": ..., "error_type": ..., "suggestions": [...]}``, and
arguments of implausible magnitude (37 for 37B parameters) come back with ``warnings``.
"""

from __future__ import annotations

import copy
import difflib
import inspect
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ValidationError

from flopcheck.errors import ToolInputError, UnknownNameError
from flopcheck.tools import (
    arithmetic,
    compare,
    energy,
    families,
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
from flopcheck.tools.magnitudes import magnitude_warnings

ToolFormat = Literal["chat", "responses"]


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

    @property
    def title(self) -> str:
        """Return a human-readable title, e.g. "Training compute"."""
        return self.name.replace("_", " ").capitalize()

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Validate ``arguments`` and run the calculator; raises on bad input.

        Args:
            arguments: the tool arguments as a JSON-like dict.
        """
        args = self.args_model.model_validate(arguments)
        result = self.func(args)
        result.warnings.extend(magnitude_warnings(args))
        return result


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
        families.lookup_family,
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
        arithmetic.span,
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
    # Iterative, exact types: this runs on every tool result.
    stack = [node]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is float:
            if not math.isfinite(item):
                return False
        elif kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return True


def _error(message: str, error_type: str, suggestions: list[str] | None = None) -> dict[str, Any]:
    return {"error": message, "error_type": error_type, "suggestions": suggestions or []}


def _error_text(err: Any) -> str:
    message: str = err["msg"].removeprefix("Value error, ")
    given = err.get("input")
    limit = err.get("ctx", {}).get("le")
    # A fraction given as a percentage is the commonest slip ("mfu": 40).
    if limit == 1 and isinstance(given, int | float) and 1 < given <= 100:
        message += f", got {given:g} (a fraction: did you mean {given / 100:g}?)"
    elif err["type"] == "extra_forbidden":
        message = "unknown argument"
    return message


def validation_message(exc: ValidationError, model: type[BaseModel] | None = None) -> str:
    """Return a pydantic validation error as one short line: "field: what is wrong; ...".

    Args:
        exc: the validation error.
        model: the argument model, to list its arguments when an unknown one was given.
    """
    errors = exc.errors(include_url=False)
    parts = []
    for err in errors[:5]:
        where = ".".join(str(x) for x in err["loc"]) or "arguments"
        parts.append(f"{where}: {_error_text(err)}")
    if model is not None and any(err["type"] == "extra_forbidden" for err in errors):
        parts.append(f"the arguments are {', '.join(model.model_fields)}")
    return "; ".join(parts)


def unknown_tool(name: str) -> dict[str, Any]:
    """Return the error result for a tool name that is not in the registry, closest names first.

    Args:
        name: the name asked for.
    """
    names = list(tools())
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    # A name that shares a word with tools ("cost" -> training_cost, inference_cost) is close too.
    words = set(name.lower().replace("-", "_").split("_")) - {""}
    close += [n for n in names if n not in close and words & set(n.split("_"))]
    hint = f"did you mean {' or '.join(close[:3])}? " if close else ""
    return _error(
        f"unknown tool {name!r}; {hint}available: {', '.join(names)}",
        "unknown_tool",
        close or names,
    )


def call(name: str, arguments: dict[str, Any] | str | None) -> dict[str, Any]:
    """Run a tool by name and return its result as a JSON-ready dict; never raises on bad input.

    Args:
        name: the tool name, e.g. "training_cost".
        arguments: the arguments as a dict or a JSON object string.
    """
    tool = tools().get(name)
    if tool is None:
        return unknown_tool(name)
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
        message = validation_message(exc, tool.args_model)
        return _error(f"invalid arguments for {name}: {message}", "bad_arguments")
    if not _finite(result):
        return _error(
            f"{name} produced a non-finite number; check the inputs' magnitudes", "bad_arguments"
        )
    return result


def openai_tools(api: ToolFormat = "chat") -> list[dict[str, Any]]:
    """Return every tool as an OpenAI function tool with a strict schema.

    Args:
        api: "chat" for Chat Completions (``{"type": "function", "function": {...}}``), or
            "responses" for the Responses API (the function's fields at the top level).
    """
    functions = [
        {"name": t.name, "description": t.description, "parameters": t.schema(), "strict": True}
        for t in tools().values()
    ]
    if api == "responses":
        return [{"type": "function", **f} for f in functions]
    if api == "chat":
        return [{"type": "function", "function": f} for f in functions]
    raise ValueError(f"unknown api {api!r}; use 'chat' or 'responses'")
