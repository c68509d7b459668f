"""flopcheck's calculators as OpenAI Agents SDK function tools.

Run: OPENAI_API_KEY=... [OPENAI_BASE_URL=...] [FLOPCHECK_MODEL=...] python agents_sdk.py
"""

import os

from agents import Agent, OpenAIChatCompletionsModel, Runner, set_tracing_disabled
from openai import AsyncOpenAI

from flopcheck.plugin.adapters import agents_tools

MODEL = os.environ.get("FLOPCHECK_MODEL", "gpt-4o-mini")
QUESTION = "How many FLOP does training 37B active parameters on 14.8T tokens take?"

set_tracing_disabled(True)  # do not export traces
agent = Agent(
    name="flopcheck",
    instructions="Compute every number with the tools; never do arithmetic yourself.",
    tools=[*agents_tools()],
    # Chat Completions works with any OpenAI-compatible server; AsyncOpenAI reads the env.
    model=OpenAIChatCompletionsModel(model=MODEL, openai_client=AsyncOpenAI()),
)
print(Runner.run_sync(agent, QUESTION).final_output)
