"""flopcheck's calculators as tool-calling functions.

>>> from flopcheck import tools
>>> args = {"accelerator_hours": 2.788e6, "usd_per_accelerator_hour": 2}
>>> tools.call("training_cost", args)["value"]["mid"]
5576000.0
"""

from __future__ import annotations

from flopcheck.tools.registry import Tool, call, openai_tools, strict_schema, tools

__all__ = ["Tool", "call", "openai_tools", "strict_schema", "tools"]
