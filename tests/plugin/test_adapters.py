"""The agent-framework adapters, driven by their real packages against a local fake model.

The fake is an OpenAI-protocol HTTP server on 127.0.0.1: it answers the first request with a
``training_compute`` tool call and the next one with a sentence built from the tool's result,
so a test passes only if the framework really ran the flopcheck tool and sent its JSON back.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import pytest

from flopcheck.errors import FlopcheckError
from flopcheck.plugin.adapters import agents_tools, execute_tool_calls, langchain_tools
from flopcheck.tools import openai_tools, tools

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "agents").glob("*.py"))
DOCS = ROOT / "docs" / "agents.md"
ANSWER = "3.29e+24"  # 6 x 37e9 x 14.8e12 FLOP, as the fake model reports it
USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
TOOL_ARGS = {"active_params": 37e9, "tokens": 14.8e12, "total_params": None}
REGISTRY = {name: set(tool.args_model.model_fields) for name, tool in tools().items()}


def _tool_text(content: Any) -> str:
    return content if isinstance(content, str) else "".join(p["text"] for p in content)


def _script(body: dict[str, Any]) -> dict[str, Any]:
    """Return the fake model's assistant message for a chat-completions request body."""
    results = [m for m in body["messages"] if m.get("role") == "tool"]
    if results:
        result = json.loads(_tool_text(results[-1]["content"]))
        return {"role": "assistant", "content": f"6ND gives {result['value']['mid']:.3g} FLOP."}
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "training_compute", "arguments": json.dumps(TOOL_ARGS)},
    }
    return {"role": "assistant", "content": None, "tool_calls": [call]}


class _Handler(BaseHTTPRequestHandler):
    server: _FakeServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        names = [t["function"]["name"] for t in body.get("tools", [])]
        if not self.path.endswith("/chat/completions") or "training_compute" not in names:
            self._send(400, {"error": {"message": f"unexpected request to {self.path}"}})
            return
        message = _script(body)
        if body.get("stream"):
            self._stream(body, message)
            return
        finish = "tool_calls" if "tool_calls" in message else "stop"
        choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
        self._send(200, _envelope(body, "chat.completion", choices=[choice], usage=USAGE))

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, body: dict[str, Any], message: dict[str, Any]) -> None:
        delta = dict(message)
        if "tool_calls" in delta:
            delta["tool_calls"] = [dict(tc, index=i) for i, tc in enumerate(delta["tool_calls"])]
        finish = "tool_calls" if "tool_calls" in message else "stop"
        chunks: list[dict[str, Any]] = [
            {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
            {"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]},
        ]
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append({"choices": [], "usage": USAGE})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for chunk in chunks:
            event = _envelope(body, "chat.completion.chunk", **chunk)
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")


def _envelope(body: dict[str, Any], kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": kind, "created": 0, "model": body["model"], **fields}


class _FakeServer(ThreadingHTTPServer):
    requests: list[dict[str, Any]]


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[_FakeServer]:
    """Serve the scripted model on 127.0.0.1 and point the OPENAI_* env at it."""
    server = _FakeServer(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-key")
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _assert_tool_ran(server: _FakeServer) -> None:
    """The fake received the tool's JSON result (formula and all) in its second request."""
    tool_messages = [m for m in server.requests[-1]["messages"] if m.get("role") == "tool"]
    assert tool_messages, "the framework never sent a tool result back"
    result = json.loads(_tool_text(tool_messages[-1]["content"]))
    assert result["value"]["unit"] == "FLOP"
    assert "6 x 37B params" in result["formula"]


# --- OpenAI SDK -------------------------------------------------------------------------------


def test_execute_tool_calls_on_a_real_openai_response(fake_openai: _FakeServer) -> None:
    from openai import OpenAI

    client, schemas = OpenAI(), cast(Any, openai_tools())
    messages: list[Any] = [{"role": "user", "content": "FLOP for 37B x 14.8T?"}]
    reply = client.chat.completions.create(model="m", messages=messages, tools=schemas)
    message = reply.choices[0].message
    tool_messages = execute_tool_calls(message.tool_calls)
    assert [m["role"] for m in tool_messages] == ["tool"]
    assert tool_messages[0]["tool_call_id"] == "call_1"
    assert json.loads(tool_messages[0]["content"])["value"]["mid"] == pytest.approx(3.2856e24)

    messages += [message, *tool_messages]
    final = client.chat.completions.create(model="m", messages=messages, tools=schemas)
    assert ANSWER in (final.choices[0].message.content or "")
    sent = fake_openai.requests[-1]["messages"][1]
    assert sent["tool_calls"][0]["function"]["name"] == "training_compute"
    assert "parsed" not in sent


def test_execute_tool_calls_turns_errors_into_json_content() -> None:
    calls: list[Any] = [
        {"id": "a", "type": "function", "function": {"name": "nope", "arguments": "{}"}},
        {"id": "b", "type": "function", "function": {"name": "calculate", "arguments": "{oops"}},
        {
            "id": "c",
            "type": "function",
            "function": {"name": "training_compute", "arguments": '{"active_params": 1}'},
        },
        {"id": "d", "type": "custom", "custom": {"name": "x", "input": ""}},
        {
            "id": "e",
            "type": "function",
            "function": {"name": "calculate", "arguments": '{"expression": "2 * 3"}'},
        },
    ]
    out = execute_tool_calls(calls)
    assert [m["tool_call_id"] for m in out] == ["a", "b", "c", "d", "e"]
    errors = [json.loads(m["content"]) for m in out[:4]]
    assert [e["error_type"] for e in errors] == [
        "unknown_tool",
        "bad_arguments",
        "bad_arguments",
        "unknown_tool",
    ]
    assert "tokens" in errors[2]["error"]
    assert json.loads(out[4]["content"])["value"]["mid"] == 6
    assert execute_tool_calls(None) == []


# --- OpenAI Agents SDK ------------------------------------------------------------------------


def test_agents_tools_mirror_the_registry() -> None:
    from agents import FunctionTool

    built = agents_tools()
    assert all(isinstance(t, FunctionTool) and t.strict_json_schema for t in built)
    assert {t.name: set(t.params_json_schema["properties"]) for t in built} == REGISTRY
    assert {t.name: t.description for t in built} == {n: t.description for n, t in tools().items()}


def test_agents_tool_returns_json_text() -> None:
    from agents.tool_context import ToolContext

    tool = next(t for t in agents_tools() if t.name == "cluster_time")
    args = json.dumps({"accelerator_count": 2048, "accelerator_hours": 2.788e6, "days": None})
    ctx = ToolContext(context=None, tool_name=tool.name, tool_call_id="1", tool_arguments=args)

    async def invoke(arguments: str) -> Any:
        return await tool.on_invoke_tool(ctx, arguments)

    out = asyncio.run(invoke(args))
    assert isinstance(out, str)
    assert json.loads(out)["value"]["unit"] == "days"
    bad = asyncio.run(invoke('{"accelerator_count": 0}'))
    assert json.loads(bad)["error_type"] == "bad_arguments"


def test_agents_sdk_agent_runs_a_real_tool_call(fake_openai: _FakeServer) -> None:
    from agents import Agent, OpenAIChatCompletionsModel, Runner, set_tracing_disabled
    from openai import AsyncOpenAI

    set_tracing_disabled(True)
    agent = Agent(
        name="t",
        instructions="use the tools",
        tools=[*agents_tools()],
        model=OpenAIChatCompletionsModel(model="m", openai_client=AsyncOpenAI()),
    )
    result = Runner.run_sync(agent, "FLOP for 37B x 14.8T?")
    assert ANSWER in str(result.final_output)
    _assert_tool_ran(fake_openai)


# --- LangChain --------------------------------------------------------------------------------


def test_langchain_tools_mirror_the_registry() -> None:
    built = langchain_tools()
    assert {t.name: set(t.args) for t in built} == REGISTRY
    assert all(t.args_schema is tools()[t.name].args_model for t in built)


def test_langchain_tool_returns_json_text_and_json_errors() -> None:
    tool = next(t for t in langchain_tools() if t.name == "lookup_accelerator")
    out = tool.invoke({"accelerator": "H800"})
    assert isinstance(out, str)
    assert json.loads(out)["accelerator"]["vendor"] == "NVIDIA"
    unknown = json.loads(tool.invoke({"accelerator": "H900"}))
    assert unknown["error_type"] == "unknown_name"
    assert unknown["suggestions"]
    invalid = json.loads(tool.invoke({"accelerator": "H800", "colour": "green"}))
    assert invalid["error_type"] == "bad_arguments"
    assert "colour" in invalid["error"]


def test_langchain_tool_answers_a_tool_call_with_a_tool_message() -> None:
    tool = next(t for t in langchain_tools() if t.name == "training_compute")
    call = {"name": tool.name, "args": TOOL_ARGS, "id": "call_1", "type": "tool_call"}
    message = tool.invoke(call)
    assert message.tool_call_id == "call_1"
    assert json.loads(message.content)["value"]["mid"] == pytest.approx(3.2856e24)


# --- llm --------------------------------------------------------------------------------------


def test_llm_plugin_registers_every_registry_tool() -> None:
    import llm

    from flopcheck.plugin import llm_plugin

    collected: list[llm.Tool] = []
    llm_plugin.register_tools(collected.append)
    assert {t.name: set(t.input_schema["properties"]) for t in collected} == REGISTRY
    # Installed with its entry point, llm loads the plugin itself (as `llm install flopcheck`).
    registered = llm.get_tools()
    assert llm.plugins.pm.get_plugin("flopcheck") is llm_plugin
    assert set(REGISTRY) <= set(registered)
    tool = registered["training_compute"]
    assert isinstance(tool, llm.Tool)
    assert tool.implementation is not None
    out = tool.implementation(active_params=37e9, tokens=14.8e12)
    assert json.loads(out)["value"]["unit"] == "FLOP"


def test_llm_cli_line_from_the_docs_runs_a_tool(
    fake_openai: _FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import llm
    from click.testing import CliRunner
    from llm.cli import cli

    from flopcheck.plugin import llm_plugin

    line = next(x for x in DOCS.read_text().splitlines() if x.startswith("llm ") and "-T" in x)
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path))
    llm.get_tools()  # loads the installed plugins, flopcheck's entry point among them
    assert llm.plugins.pm.get_plugin("flopcheck") is llm_plugin
    result = CliRunner().invoke(cli, shlex.split(line)[1:], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ANSWER in result.output
    _assert_tool_ran(fake_openai)


# --- missing extras ---------------------------------------------------------------------------


def _build_mcp() -> object:
    return importlib.import_module("flopcheck.plugin.mcp_server").build_server()


def _import_llm_plugin() -> object:
    sys.modules.pop("flopcheck.plugin.llm_plugin", None)
    return importlib.import_module("flopcheck.plugin.llm_plugin")


@pytest.mark.parametrize(
    ("module", "extra", "build"),
    [
        ("agents", "agents", agents_tools),
        ("langchain_core.tools", "langchain", langchain_tools),
        ("mcp", "mcp", _build_mcp),
        ("llm", "llm", _import_llm_plugin),
    ],
)
def test_a_missing_extra_says_what_to_install(
    module: str, extra: str, build: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    monkeypatch.delitem(sys.modules, "flopcheck.plugin.llm_plugin", raising=False)
    with pytest.raises(FlopcheckError, match=re.escape(f"pip install 'flopcheck[{extra}]'")):
        build()


# --- every surface agrees ---------------------------------------------------------------------


def _mcp_surface() -> dict[str, set[str]]:
    from mcp import Client

    from flopcheck.plugin.mcp_server import ARTICLE_TOOLS, build_server

    async def listing() -> dict[str, set[str]]:
        async with Client(build_server()) as client:
            listed = await client.list_tools()
        return {
            t.name: set(t.input_schema["properties"])
            for t in listed.tools
            if t.name not in ARTICLE_TOOLS
        }

    return asyncio.run(listing())


def test_every_surface_exposes_the_registry_names_and_arguments() -> None:
    from flopcheck.plugin.llm_plugin import llm_tools

    surfaces = {
        "openai_tools": {
            t["function"]["name"]: set(t["function"]["parameters"]["properties"])
            for t in openai_tools()
        },
        "mcp": _mcp_surface(),
        "agents": {t.name: set(t.params_json_schema["properties"]) for t in agents_tools()},
        "langchain": {t.name: set(t.args) for t in langchain_tools()},
        "llm": {t.name: set(t.input_schema["properties"]) for t in llm_tools()},
    }
    for name, surface in surfaces.items():
        assert surface == REGISTRY, name


# --- the documented examples ------------------------------------------------------------------


def _code_blocks(markdown: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"```python\n(.*?)```", markdown, re.S)]


def test_docs_show_every_example_verbatim() -> None:
    blocks = _code_blocks(DOCS.read_text())
    assert EXAMPLES
    for example in EXAMPLES:
        assert example.read_text() in blocks, f"{example.name} differs from docs/agents.md"
    config = re.search(r"```json\n(.*?)```", DOCS.read_text(), re.S)
    assert config is not None
    server = json.loads(config.group(1))["mcpServers"]["flopcheck"]
    assert server["args"][-1] == "mcp"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_against_the_local_server(
    example: Path, fake_openai: _FakeServer, tmp_path: Path
) -> None:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "LLM_USER_PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(example)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert ANSWER in done.stdout
    _assert_tool_ran(fake_openai)
