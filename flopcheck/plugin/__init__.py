"""Everything that faces an LLM or a user: claim and verdict models, the extractor, the
verifier, the agent, the MCP server, the framework adapters and the CLI."""

from __future__ import annotations

from typing import Any

_ADAPTERS = ("agents_tools", "langchain_tools", "execute_tool_calls")


def __getattr__(name: str) -> Any:
    # Lazy, so that importing flopcheck.plugin (the CLI does) does not load the registry.
    if name in _ADAPTERS:
        from flopcheck.plugin import adapters

        return getattr(adapters, name)
    raise AttributeError(name)
