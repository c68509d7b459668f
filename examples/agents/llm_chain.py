"""flopcheck's calculators as tools for Simon Willison's `llm`, from Python.

Run: OPENAI_API_KEY=... [OPENAI_BASE_URL=...] [FLOPCHECK_MODEL=...] python llm_chain.py
"""

import os

import llm

from flopcheck.plugin.llm_plugin import llm_tools

MODEL = os.environ.get("FLOPCHECK_MODEL", "gpt-4o-mini")
QUESTION = "How many FLOP does training 37B active parameters on 14.8T tokens take?"

model = llm.get_model(MODEL)  # OpenAI models read OPENAI_BASE_URL through the openai client
chain = model.chain(QUESTION, tools=[*llm_tools()], key=os.environ.get("OPENAI_API_KEY"))
print(chain.text())
