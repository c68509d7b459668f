"""Help text for the tools, generated from their schemas: one line per tool, or one tool's
arguments with their types, ranges, defaults and descriptions."""

from __future__ import annotations

import textwrap
from typing import Any

from flopcheck.plugin.render import clip
from flopcheck.tools import Tool, tools

# Bounds at the edge of what a float may hold say nothing a reader needs.
_SILENT_BOUND = 1e30
_LINE = 100


def tool_list() -> str:
    """Return one line per tool: its name and the first sentence of its description."""
    registry = tools()
    width = max(len(name) for name in registry)
    lines = []
    for name, tool in registry.items():
        first = tool.description.split(". ")[0].removesuffix(".")
        lines.append(f"{name:<{width}}  {clip(first, _LINE - width - 2)}")
    return "\n".join(lines) + "\n"


def _bound(branch: dict[str, Any], side: str) -> tuple[float, bool] | None:
    """Return a number's bound on one side ("Minimum" or "Maximum") and whether it is exclusive."""
    for key, exclusive in ((f"exclusive{side}", True), (side.lower(), False)):
        if key in branch and abs(branch[key]) < _SILENT_BOUND:
            return branch[key], exclusive
    return None


def _range(branch: dict[str, Any]) -> str:
    """Return a number's range as text: "> 0", "in (0, 1]", "<= 5", or ""."""
    low, high = _bound(branch, "Minimum"), _bound(branch, "Maximum")
    if low and high:
        return f" in {'(' if low[1] else '['}{low[0]:g}, {high[0]:g}{')' if high[1] else ']'}"
    if low:
        return f" {'>' if low[1] else '>='} {low[0]:g}"
    if high:
        return f" {'<' if high[1] else '<='} {high[0]:g}"
    return ""


def _type(prop: dict[str, Any]) -> str:
    """Return a property's type with its range or choices, e.g. "number > 0", "bf16|fp8"."""
    branches = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    parts = []
    for branch in branches:
        if "enum" in branch:
            parts.append("|".join(str(v) for v in branch["enum"]))
        else:
            parts.append(f"{branch.get('type', 'any')}{_range(branch)}")
    return " or ".join(parts)


def tool_help(tool: Tool) -> str:
    """Return a tool's description and arguments, for ``flopcheck tool NAME --help``.

    Args:
        tool: the registry tool.
    """
    schema = tool.args_model.model_json_schema()
    required = set(schema.get("required", []))
    lines = [f"{tool.name}: {tool.description}", "", "arguments (a JSON object):"]
    for name, prop in schema["properties"].items():
        need = "required" if name in required else "optional"
        lines.append(f"  {name}  ({_type(prop)}, {need})")
        for part in textwrap.wrap(prop.get("description", ""), 88):
            lines.append(f"      {part}")
    example = ", ".join(f'"{name}": ...' for name in schema["properties"] if name in required)
    lines += ["", f"usage: flopcheck tool {tool.name} '{{{example}}}'"]
    return "\n".join(lines) + "\n"
