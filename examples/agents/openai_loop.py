"""flopcheck's calculators in your own OpenAI SDK tool loop (any OpenAI-compatible server).

Run: OPENAI_API_KEY=... [OPENAI_BASE_URL=...] [FLOPCHECK_MODEL=...] python openai_loop.py
"""

import os
from typing import Any

from openai import OpenAI

from flopcheck.plugin.adapters import execute_tool_calls
from flopcheck.tools import openai_tools

MODEL = os.environ.get("FLOPCHECK_MODEL", "gpt-4o-mini")
QUESTION = "How many FLOP does training 37B active parameters on 14.8T tokens take?"

client = OpenAI()  # reads OPENAI_API_KEY and OPENAI_BASE_URL
messages: list[Any] = [{"role": "user", "content": QUESTION}]
while True:
    reply = client.chat.completions.create(model=MODEL, messages=messages, tools=openai_tools())
    message = reply.choices[0].message
    if not message.tool_calls:
        break
    messages += [message, *execute_tool_calls(message.tool_calls)]
print(message.content)
