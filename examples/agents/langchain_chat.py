"""flopcheck's calculators as LangChain tools, bound to a chat model.

Run: OPENAI_API_KEY=... [OPENAI_BASE_URL=...] [FLOPCHECK_MODEL=...] python langchain_chat.py
(needs langchain-openai for ChatOpenAI; any LangChain chat model with tool calling works.)
"""

import os
from typing import Any

from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

from flopcheck.plugin.adapters import langchain_tools

MODEL = os.environ.get("FLOPCHECK_MODEL", "gpt-4o-mini")
QUESTION = "How many FLOP does training 37B active parameters on 14.8T tokens take?"

tools = {tool.name: tool for tool in langchain_tools()}
model = ChatOpenAI(model=MODEL).bind_tools(list(tools.values()))  # reads the OPENAI_* env
messages: list[Any] = [HumanMessage(QUESTION)]
while (reply := model.invoke(messages)).tool_calls:
    messages += [reply, *(tools[call["name"]].invoke(call) for call in reply.tool_calls)]
print(reply.content)
