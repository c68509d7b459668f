"""What the model writes: a chunk's claims as claim programs without their spans.

The model quotes each claim; code anchors the quote to a verbatim span of the article (see
:mod:`flopcheck.llm.anchor`), so the LLM-facing shape is :class:`~flopcheck.engine.program.Program`
minus ``start``/``end``. Its JSON schema is built from the Program model and from
:func:`~flopcheck.engine.program.step_schema` over the registry's strict tool schemas, so the
tools, the program and what the model is asked for share one source. Each step branch carries
its tool's description and the figures its result holds, so the tools are described once per
request, inside the schema.

Everything the model writes is bounded here before it can reach a Report: strings, lists,
objects and nesting are cut by :func:`clip`, and a reply holds at most ``MAX_CLAIMS`` claims.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flopcheck.engine.program import Program, step_schema
from flopcheck.tools.registry import Tool, strict_schema, tools

MAX_CLAIMS = 40
MAX_STRING = 2000
_MAX_ITEMS = 64
_MAX_DEPTH = 8
# The judge calls compare_claim itself: a program computes figures, it does not judge them.
_JUDGE_ONLY = frozenset({"compare_claim"})
# Keywords that strict structured output does not accept; code validates these bounds instead.
_UNSUPPORTED = frozenset({"title", "default", "maxLength", "minLength"})
_FIGURE_KEYS = frozenset({"value", "mid"})


def planner_tools() -> dict[str, Tool]:
    """Return the registry tools a program's steps may call."""
    return {name: tool for name, tool in tools().items() if name not in _JUDGE_ONLY}


def figure_paths(schema: dict[str, Any]) -> list[str]:
    """Return the dotted paths of the figures in a tool result schema, for ``ref`` and ``compare``.

    A figure is a number, or an object holding ``value`` or ``mid`` (it stands for that number).
    A list's items are addressed by index, written ``N``.

    Args:
        schema: a tool result model's JSON schema.
    """
    defs = schema.get("$defs", {})
    paths: list[str] = []

    def visit(node: dict[str, Any], path: str, depth: int) -> None:
        node = _resolved(node, defs)
        props = node.get("properties")
        if isinstance(props, dict):
            if path and _FIGURE_KEYS & props.keys():
                paths.append(path)
                return
            if depth < 4:
                for key, child in props.items():
                    visit(child, f"{path}.{key}" if path else key, depth + 1)
        elif node.get("type") == "array" and isinstance(node.get("items"), dict):
            visit(node["items"], f"{path}.N", depth + 1)
        elif node.get("type") in ("number", "integer") and path:
            paths.append(path)

    visit(schema, "", 0)
    return paths


def _resolved(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Follow a $ref, and pick the non-null branch of a nullable anyOf."""
    for _ in range(8):
        if "$ref" in node:
            node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        elif "anyOf" in node:
            branches = [b for b in node["anyOf"] if b.get("type") != "null"]
            node = branches[0] if len(branches) == 1 else {}
        else:
            break
    return node


def tool_note(tool: Tool) -> str:
    """Return what the model needs to know of a tool: what it does and what its result holds.

    Args:
        tool: a registry tool.
    """
    paths = figure_paths(tool.result_model.model_json_schema())
    return f"{tool.description} Result figures: {', '.join(paths) or 'value'}."


@cache
def plan_schema() -> dict[str, Any]:
    """Return the strict JSON schema of a plan reply: ``{"claims": [program without span]}``."""
    program = strict_schema(Program)
    props, required = program["properties"], program["required"]
    for key in ("start", "end"):
        del props[key]
        required.remove(key)
    steps = step_schema({name: tool.schema() for name, tool in planner_tools().items()})
    for branch, tool in zip(steps["anyOf"], planner_tools().values(), strict=True):
        branch["description"] = tool_note(tool)
    props["steps"]["items"] = _shared_refs(steps)
    defs = {k: v for k, v in program.pop("$defs").items() if k != "Step"}
    schema = {
        "type": "object",
        "properties": {"claims": {"type": "array", "items": program}},
        "required": ["claims"],
        "additionalProperties": False,
        "$defs": defs,
    }
    supported: dict[str, Any] = _supported(schema)
    return supported


def _shared_refs(node: Any) -> Any:
    """Return a step schema whose inline reference objects point at one ``$defs`` entry."""
    if isinstance(node, list):
        return [_shared_refs(x) for x in node]
    if not isinstance(node, dict):
        return node
    if node.get("required") == ["ref"] and set(node.get("properties", {})) == {"ref"}:
        return {"$ref": "#/$defs/Ref"}
    return {k: _shared_refs(v) for k, v in node.items()}


def _supported(node: Any) -> Any:
    """Return a schema without the keywords strict structured output rejects."""
    if isinstance(node, list):
        return [_supported(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "$defs") and isinstance(value, dict):
            # Field names here may be anything, "title" included: only their schemas are cut.
            out[key] = {name: _supported(sub) for name, sub in value.items()}
        elif key not in _UNSUPPORTED:
            out[key] = _supported(value)
    return out


def clip(node: Any, depth: int = 0) -> Any:
    """Return a model's JSON with every string, list, object and nesting level bounded.

    Args:
        node: parsed JSON the model wrote.
        depth: how deep ``node`` is.
    """
    if isinstance(node, str):
        return node[:MAX_STRING]
    if depth >= _MAX_DEPTH:
        return None
    if isinstance(node, list):
        return [clip(x, depth + 1) for x in node[:_MAX_ITEMS]]
    if isinstance(node, dict):
        items = list(node.items())[:_MAX_ITEMS]
        return {str(k)[:MAX_STRING]: clip(v, depth + 1) for k, v in items}
    return node


def without_span(program: Program) -> dict[str, Any]:
    """Return a program as the model writes it: everything but ``start`` and ``end``.

    Args:
        program: a full program.
    """
    return program.model_dump(mode="json", exclude={"start", "end"})
