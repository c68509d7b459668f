"""The ``llm`` plugin: ``llm install flopcheck`` exposes every calculator to ``llm --tool``.

llm builds a schema from a function's signature but drops the ``Annotated`` descriptions
(it reads ``get_type_hints`` without extras), so each tool is registered as an ``llm.Tool``
whose input schema is the registry's argument model and whose implementation is a typed
function generated from that model. Results and errors come back as JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flopcheck.errors import FlopcheckError
from flopcheck.plugin._signatures import model_parameters, typed_function
from flopcheck.tools import Tool, call, tools

try:
    import llm
except ImportError as exc:
    raise FlopcheckError(
        "the llm plugin needs the llm extra: pip install 'flopcheck[llm]'"
    ) from exc

__all__ = ["llm_tools", "register_tools"]


def _json_body(name: str) -> Callable[[dict[str, Any]], str]:
    """Return a body that runs a registry tool and returns its result or error as JSON text.

    Args:
        name: the registry tool name.
    """

    def body(arguments: dict[str, Any]) -> str:
        return json.dumps(call(name, arguments))

    return body


def _llm_tool(tool: Tool) -> llm.Tool:
    """Return one registry tool as an ``llm.Tool``.

    Args:
        tool: the registry tool.
    """
    function = typed_function(
        tool.name, tool.description, model_parameters(tool.args_model), _json_body(tool.name), str
    )
    return llm.Tool(
        name=tool.name,
        description=tool.description,
        input_schema=tool.args_model.model_json_schema(),
        implementation=function,
    )


def llm_tools() -> list[llm.Tool]:
    """Return every registry tool as an ``llm.Tool``, e.g. for ``model.chain(tools=...)``."""
    return [_llm_tool(tool) for tool in tools().values()]


@llm.hookimpl
def register_tools(register: Callable[[llm.Tool], None]) -> None:
    """Register every flopcheck tool with llm (the ``register_tools`` plugin hook).

    Args:
        register: llm's callback that adds one tool.
    """
    for tool in llm_tools():
        register(tool)
