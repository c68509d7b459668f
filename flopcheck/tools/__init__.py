"""flopcheck's calculators as tool-calling functions.

>>> from flopcheck import tools
>>> tools.call("training_cost", {"gpu_hours": 2.788e6, "price_usd_per_gpu_hour": 2})["value"]["mid"]
5576000.0
"""

from __future__ import annotations

from flopcheck.tools.registry import Tool, call, openai_tools, strict_schema, tools

__all__ = ["Tool", "call", "openai_tools", "strict_schema", "tools"]
