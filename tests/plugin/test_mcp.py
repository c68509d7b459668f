"""The MCP server as a host sees it: a subprocess driven by the official mcp client.

Each test starts ``flopcheck mcp`` (or, until the CLI command is wired, the module's ``run``)
over stdio or streamable HTTP on 127.0.0.1, and always stops it.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult, TextContent, TextResourceContents

from flopcheck.tools import tools

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
}
ARTICLE = ROOT / "flopcheck/evals/data/real/articles" / "founding_deepseek_apples_oranges.txt"
T = TypeVar("T")


@cache
def _cli_wired() -> bool:
    """Whether ``python -m flopcheck mcp`` exists yet."""
    probe = subprocess.run(
        [sys.executable, "-m", "flopcheck", "mcp", "--help"],
        env=ENV,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return probe.returncode == 0


def _server_args(http_port: int | None = None) -> list[str]:
    """Arguments for ``python`` that start the server: the CLI form when it is wired."""
    if _cli_wired():
        http = ["--http", "--host", "127.0.0.1", "--port", str(http_port)] if http_port else []
        return ["-m", "flopcheck", "mcp", *http]
    run = f"run(True, '127.0.0.1', {http_port})" if http_port else "run(False, '', 0)"
    return ["-c", f"from flopcheck.plugin.mcp_server import run; {run}"]


def _session(target: StdioServerParameters | str, body: Callable[[Client], Awaitable[T]]) -> T:
    """Connect an mcp Client to ``target``, run ``body`` with it, and return its result."""

    async def main() -> T:
        with anyio.fail_after(90):
            async with Client(target) as client:
                return await body(client)

    return asyncio.run(main())


def _stdio() -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=_server_args(), env=ENV)


def _text(result: CallToolResult) -> str:
    return "".join(c.text for c in result.content if isinstance(c, TextContent))


async def _exercise(client: Client) -> dict[str, Any]:
    """List the tools and make the calls every transport must answer the same way."""
    listed = await client.list_tools()
    return {
        "tools": {t.name: t for t in listed.tools},
        "compute": await client.call_tool(
            "training_compute", {"active_params": 37e9, "tokens": 14.8e12}
        ),
        "bad_type": await client.call_tool(
            "training_compute", {"active_params": "lots", "tokens": 1e12}
        ),
        "unknown_arg": await client.call_tool(
            "training_compute", {"active_params": 37e9, "tokens": 1e12, "mfu": 0.4}
        ),
        "out_of_range": await client.call_tool(
            "accelerator_hours", {"flop": 3e24, "accelerator": "H800", "mfu": 40}
        ),
        "unknown_gpu": await client.call_tool("lookup_accelerator", {"accelerator": "H900"}),
        "extract": await client.call_tool("extract_claims", {"text": ARTICLE.read_text()}),
    }


def _check_exercise(seen: dict[str, Any]) -> None:
    listed = seen["tools"]
    assert set(listed) == {*tools(), "check_article", "extract_claims"}
    for name, tool in tools().items():
        schema = listed[name].input_schema
        assert set(schema["properties"]) == set(tool.args_model.model_fields), name
        assert schema.get("additionalProperties") is False, name
        assert all(p.get("description") for p in schema["properties"].values()), name
        assert listed[name].output_schema is not None, name
        assert listed[name].annotations.read_only_hint is True
        assert listed[name].annotations.idempotent_hint is True
        assert listed[name].annotations.open_world_hint is False
        assert listed[name].title == tool.title

    compute = seen["compute"]
    assert not compute.is_error
    assert compute.structured_content["value"]["mid"] == pytest.approx(3.2856e24)
    assert compute.structured_content["value"]["unit"] == "FLOP"
    assert compute.structured_content["formula"]

    for key, needle in [
        ("bad_type", "active_params"),
        ("unknown_arg", "mfu"),
        ("out_of_range", "0.4"),
        ("unknown_gpu", "H800"),
    ]:
        assert seen[key].is_error, key
        assert needle in _text(seen[key]), (key, _text(seen[key]))
        # One line like the registry's, not a pydantic dump.
        assert "\n" not in _text(seen[key]), _text(seen[key])
        assert "validation error" not in _text(seen[key])

    extract = seen["extract"]
    assert not extract.is_error, _text(extract)
    claims = extract.structured_content["claims"]
    assert claims
    text = ARTICLE.read_text()
    assert all(text[c["start"] : c["end"]] == c["quote"] for c in claims)
    assert all("verdict" not in c for c in claims)


def test_stdio_lists_tools_calls_them_and_reports_errors() -> None:
    _check_exercise(_session(_stdio(), _exercise))


def test_stdio_check_article_returns_a_compact_summary() -> None:
    text = ARTICLE.read_text()

    async def body(client: Client) -> CallToolResult:
        return await client.call_tool("check_article", {"text": text})

    result = _session(_stdio(), body)
    assert not result.is_error, _text(result)
    # What the host receives: the structured content and its text twin.
    assert len(result.model_dump_json(by_alias=True)) < 20_000
    summary = result.structured_content
    assert summary is not None
    # The text copy for older hosts is the same JSON, unindented.
    assert json.loads(_text(result)) == summary
    assert "\n" not in _text(result)
    assert summary["backend"] == "rules"
    assert summary["detail"] == "summary"
    assert summary["total_claims"] == len(summary["claims"]) > 5
    assert summary["next_offset"] is None
    for claim in summary["claims"]:
        assert claim["label"] in {"supported", "refuted", "misleading", "unverifiable"}
        written = " ".join(text[claim["start"] : claim["end"]].split())
        assert written.startswith(claim["quote"].removesuffix("…"))
        assert claim["claimed"]
        assert claim["reason"]
        assert "steps" not in claim


def test_stdio_writes_only_protocol_messages_to_stdout() -> None:
    requests = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "test", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "lookup_accelerator", "arguments": {"accelerator": "H900"}},
        },
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "calculate", "arguments": {"expression": "2.788M * 2"}},
        },
    ]
    proc = subprocess.Popen(
        [sys.executable, *_server_args()],
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, proc.kill)  # a hung server fails the test, not the run
    watchdog.start()
    try:
        assert proc.stdin is not None
        assert proc.stdout is not None
        for request in requests:
            proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        lines = [proc.stdout.readline() for _ in range(3)]
    finally:
        watchdog.cancel()
        proc.kill()
        proc.communicate(timeout=30)
    replies = sorted((json.loads(line) for line in lines), key=lambda r: int(r["id"]))
    assert all(r["jsonrpc"] == "2.0" for r in replies)
    assert [r["id"] for r in replies] == [1, 2, 3]
    assert replies[1]["result"]["isError"] is True
    assert replies[2]["result"]["structuredContent"]["value"]["mid"] == 5576000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def http_url(tmp_path: Path) -> Iterator[str]:
    """Start the server on streamable HTTP, wait until it accepts connections, then stop it."""
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, *_server_args(http_port=port)],
        env=ENV,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the HTTP server did not come up in 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def test_streamable_http_serves_the_same_tools(http_url: str) -> None:
    _check_exercise(_session(http_url, _exercise))


def _in_process(body: Callable[[Client], Awaitable[T]], prefix: str = "") -> T:
    """Run ``body`` against the server in this process (no transport), with a tool prefix."""
    from flopcheck.plugin.mcp_server import build_server

    async def main() -> T:
        with anyio.fail_after(90):
            async with Client(build_server(prefix)) as client:
                return await body(client)

    return asyncio.run(main())


def test_full_detail_pages_through_every_claim() -> None:
    text = ARTICLE.read_text()

    async def body(client: Client) -> list[dict[str, Any]]:
        pages, offset = [], 0
        while offset is not None:
            args = {"text": text, "detail": "full", "offset": offset, "limit": 4}
            result = await client.call_tool("check_article", args)
            assert not result.is_error, _text(result)
            pages.append(result.structured_content)
            offset = result.structured_content["next_offset"]
        return pages

    pages = _in_process(body)
    assert len(pages) > 2
    assert all(len(p["claims"]) <= 4 for p in pages)
    claims = [c for p in pages for c in p["claims"]]
    assert len(claims) == pages[0]["total_claims"]
    assert [c["id"] for c in claims] == [f"c{i}" for i in range(1, len(claims) + 1)]
    for claim in claims:
        assert text[claim["start"] : claim["end"]] == claim["quote"]
        assert "steps" in claim["verdict"]


def test_input_over_the_cli_limit_is_refused_like_the_cli(tmp_path: Path) -> None:
    from flopcheck.plugin.inputs import MAX_INPUT_BYTES

    big = "The run cost $5.5M. " * (MAX_INPUT_BYTES // 20 + 1)
    (tmp_path / "big.txt").write_text(big)

    async def body(client: Client) -> CallToolResult:
        return await client.call_tool("check_article", {"text": big})

    result = _in_process(body)
    cli = subprocess.run(
        [sys.executable, "-m", "flopcheck", "check", str(tmp_path / "big.txt")],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.is_error
    assert cli.returncode == 2
    limit = "the limit for one article is 8 MB"
    assert limit in _text(result)
    assert limit in cli.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ({"text": "x", "detail": "everything"}, "detail: Input should be 'summary' or 'full'"),
        ({"text": "x", "offset": -1}, "offset"),
        ({"text": "x", "colour": "red"}, "the arguments are text, detail, offset, limit"),
        ({}, "text: Field required"),
    ],
)
def test_article_tool_argument_errors_are_one_line(args: dict[str, Any], needle: str) -> None:
    async def body(client: Client) -> CallToolResult:
        return await client.call_tool("check_article", args)

    result = _in_process(body)
    assert result.is_error
    assert needle in _text(result)
    assert "\n" not in _text(result)


def test_a_prefix_renames_every_tool() -> None:
    async def body(client: Client) -> tuple[list[str], CallToolResult]:
        listed = await client.list_tools()
        called = await client.call_tool("flopcheck_calculate", {"expression": "2.788M * 2"})
        return [t.name for t in listed.tools], called

    names, called = _in_process(body, prefix="flopcheck_")
    assert set(names) == {f"flopcheck_{n}" for n in [*tools(), "check_article", "extract_claims"]}
    assert called.structured_content is not None
    assert called.structured_content["value"]["mid"] == 5576000


def test_the_data_tables_are_resources() -> None:
    from flopcheck.tools.tables import TABLES

    async def body(client: Client) -> tuple[dict[str, Any], str]:
        listed = await client.list_resources()
        read = await client.read_resource("flopcheck://tables/accelerators")
        content = read.contents[0]
        assert isinstance(content, TextResourceContents)
        return {str(r.uri): r for r in listed.resources}, content.text

    listed, accelerators = _in_process(body)
    assert set(listed) == {f"flopcheck://tables/{name}" for name in TABLES}
    assert all(r.mime_type == "application/json" and r.description for r in listed.values())
    rows = json.loads(accelerators)
    assert len(rows) == len(TABLES["accelerators"].load())
    assert {"id", "dense_peak_tflops", "sources", "checked"} <= set(rows[0])
