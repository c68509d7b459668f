"""Thin adapters that hand the tool registry to agent frameworks.

Every adapter reads names, descriptions and schemas from :mod:`flopcheck.tools.registry` and
runs tools through ``registry.call``, so each surface exposes exactly the registry's tools and
returns the same JSON. Framework packages are imported lazily; a missing one raises a
:class:`~flopcheck.errors.FlopcheckError` that names the extra to install.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from functools import partial
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from flopcheck.errors import FlopcheckError
from flopcheck.tools import call, tools
from flopcheck.tools.registry import validation_message

if TYPE_CHECKING:
    from agents import FunctionTool
    from agents.tool_context import ToolContext
    from langchain_core.tools import StructuredTool

__all__ = ["agents_tools", "execute_tool_call", "execute_tool_calls", "langchain_tools"]


def _require(module: str, extra: str) -> ModuleType:
    """Import an optional dependency, or raise a FlopcheckError naming the extra that provides it.

    Args:
        module: the module to import, e.g. "agents".
        extra: the flopcheck extra that installs it, e.g. "agents".
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise FlopcheckError(
            f"this needs the {extra} extra ({module} is not installed): "
            f"pip install 'flopcheck[{extra}]'"
        ) from exc


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)


def _run_json(name: str, arguments: dict[str, Any] | str | None) -> str:
    return json.dumps(call(name, arguments))


def execute_tool_call(tool_call: Any) -> dict[str, str]:
    """Run one chat-completion tool call and return the ``tool`` message that answers it.

    Args:
        tool_call: an item of ``message.tool_calls``, as an openai object or a dict.
    """
    function = _get(tool_call, "function")
    if function is None:
        content = json.dumps(
            {
                "error": "only function tool calls can be run; call one of the flopcheck tools",
                "error_type": "unknown_tool",
                "suggestions": list(tools()),
            }
        )
    else:
        content = _run_json(str(_get(function, "name")), _get(function, "arguments"))
    return {"role": "tool", "tool_call_id": str(_get(tool_call, "id")), "content": content}


def execute_tool_calls(tool_calls: Sequence[Any] | None) -> list[dict[str, str]]:
    """Run the tool calls of a chat completion and return the ``tool`` messages, in order.

    Errors (unknown tool, bad arguments) come back as JSON content the model can act on.

    Args:
        tool_calls: ``message.tool_calls`` of a chat completion (objects or dicts), or None.
    """
    return [execute_tool_call(tc) for tc in tool_calls or []]


async def _invoke_agents_tool(name: str, context: ToolContext[Any], arguments: str) -> str:
    return _run_json(name, arguments)


def agents_tools() -> list[FunctionTool]:
    """Return every registry tool as an OpenAI Agents SDK ``FunctionTool`` with a strict schema.

    Each tool returns its result (or its error) as JSON text.
    """
    agents = _require("agents", "agents")
    return [
        agents.FunctionTool(
            name=tool.name,
            description=tool.description,
            params_json_schema=tool.schema(),
            on_invoke_tool=partial(_invoke_agents_tool, tool.name),
            strict_json_schema=True,
        )
        for tool in tools().values()
    ]


def _validation_error_json(name: str, exc: Exception) -> str:
    tool = tools()[name]
    details = validation_message(exc, tool.args_model) if isinstance(exc, ValidationError) else exc
    return json.dumps(
        {
            "error": f"invalid arguments for {name}: {details}",
            "error_type": "bad_arguments",
            "suggestions": [],
        }
    )


def _run_kwargs_json(tool_name: str, /, **kwargs: Any) -> str:
    return _run_json(tool_name, kwargs)


def langchain_tools() -> list[StructuredTool]:
    """Return every registry tool as a LangChain ``StructuredTool`` whose args_schema is the
    registry's pydantic model; results and errors come back as JSON text."""
    lc_tools = _require("langchain_core.tools", "langchain")
    return [
        lc_tools.StructuredTool.from_function(
            func=partial(_run_kwargs_json, tool.name),
            name=tool.name,
            description=tool.description,
            args_schema=tool.args_model,
            handle_validation_error=partial(_validation_error_json, tool.name),
        )
        for tool in tools().values()
    ]
