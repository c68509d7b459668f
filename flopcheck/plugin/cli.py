"""The ``flopcheck`` command line: a thin layer over the checker and the tool registry.

Exit codes: 0 success, 1 an eval metric below its floor, 2 usage or input error (one line on
stderr), 3 backend failure.
Heavy modules are imported inside the commands so that ``flopcheck tool`` starts fast.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flopcheck import __version__
from flopcheck.errors import BackendError, FlopcheckError
from flopcheck.plugin.llm_options import add_llm_options, backend_in_use

_DESCRIPTION = """\
Check the compute numbers in writing about AI. flopcheck finds claims such as "trained for
$5.5M on 2,048 H800s", recomputes them against a hardware model (accelerator specs, FLOP
formulas, prices, power) and prints a verdict per claim with its derivation.

examples:
  flopcheck check article.txt                 verdict table for an article
  flopcheck check - --format json < a.txt     the Report as JSON, from stdin
  flopcheck check a.txt --format html -o a.html   the article with its claims marked
  flopcheck batch corpus/ feed.jsonl -o out.jsonl  a corpus, one JSON line per input
  flopcheck recheck report.json               re-run a Report's programs, no model
  flopcheck eval                              accuracy on the labelled datasets
  flopcheck tools --list                      one line per tool
  flopcheck tool accelerator_hours --help     one tool's arguments
  flopcheck data accelerators H100            a table's records with their sources
  flopcheck tool training_cost '{"accelerator_hours": 2788000, "usd_per_accelerator_hour": 2}'
"""


def _cmd_tools(args: argparse.Namespace) -> int:
    if args.list:
        from flopcheck.plugin.tool_help import tool_list

        _write(tool_list(), args.output)
        return 0
    from flopcheck.tools import openai_tools

    _write(json.dumps(openai_tools(args.api), indent=2), args.output)
    return 0


def _tool_error(result: dict[str, Any]) -> int:
    """Print a registry error on one line, with suggestions it does not already name."""
    shown = result["suggestions"][:5]
    hint = f" (try: {', '.join(shown)})" if shown and shown[0] not in result["error"] else ""
    print(f"flopcheck: {result['error']}{hint}", file=sys.stderr)
    return 2


def _cmd_tool(args: argparse.Namespace) -> int:
    from flopcheck.tools import call

    if args.name is None:
        if not args.help:
            args.parser.error("give a tool name (see `flopcheck tools --list`)")
        args.parser.print_help()
        return 0
    if args.help:
        from flopcheck.plugin.tool_help import tool_help
        from flopcheck.tools import tools
        from flopcheck.tools.registry import unknown_tool

        tool = tools().get(args.name)
        if tool is None:
            return _tool_error(unknown_tool(args.name))
        sys.stdout.write(tool_help(tool))
        return 0
    result = call(args.name, args.arguments)
    if "error" in result:
        return _tool_error(result)
    print(json.dumps(result, indent=2))
    return 0


def _cmd_mcp(args: argparse.Namespace) -> int:
    from flopcheck.plugin.mcp_server import run

    run(args.http, args.host, args.port, args.prefix)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from flopcheck.plugin.checker import check
    from flopcheck.plugin.inputs import read_input
    from flopcheck.plugin.render import TextOptions, render

    document = read_input(args.file)
    for warning in document.warnings:
        print(f"flopcheck: warning: {warning}", file=sys.stderr)
    with backend_in_use(args, args.backend) as (backend, options):
        report = check(document.text, backend=backend, source=document.source, **options)
    terminal = args.output in (None, "-") and sys.stdout.isatty()
    width = shutil.get_terminal_size((100, 24)).columns if terminal else 100
    color = terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    page = render(report, args.format, document.text, TextOptions(width, color, args.steps))
    _write(page, args.output)
    return 0


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise FlopcheckError(f"cannot write {output}: {exc.strerror}") from exc


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``flopcheck`` command."""
    parser = argparse.ArgumentParser(
        prog="flopcheck",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"flopcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = sub.add_parser(
        "check",
        help="check the claims in one article",
        description="Find the compute claims in an article, recompute them, print verdicts.",
    )
    check.add_argument("file", metavar="FILE", help="article text file, or - for stdin")
    check.add_argument(
        "--format",
        choices=["text", "json", "markdown", "html"],
        default="text",
        help="text: a readable table (default); json: the Report; markdown: a table; "
        "html: a self-contained page with the claims marked (use -o report.html)",
    )
    check.add_argument(
        "--backend",
        choices=["auto", "rules", "openai"],
        default="auto",
        help="rules: offline and deterministic; openai: an LLM on any OpenAI-compatible server; "
        "auto: openai when --base-url, --replay, OPENAI_API_KEY or OPENAI_BASE_URL is set, "
        "else rules",
    )
    add_llm_options(check)
    check.add_argument(
        "-v",
        "--verbose",
        "--steps",
        dest="steps",
        action="store_true",
        help="text format: list each claim's tool calls (arguments and results) under it",
    )
    check.add_argument("-o", "--output", metavar="OUT", help="write to OUT (- for stdout)")
    check.set_defaults(func=_cmd_check)

    tools_cmd = sub.add_parser(
        "tools",
        help="list the tools, or print their JSON schemas",
        description="Print the tools as OpenAI function tools with strict JSON schemas, or "
        "one line per tool with --list.",
    )
    tools_cmd.add_argument("--list", action="store_true", help="one line per tool: name and what")
    tools_cmd.add_argument(
        "--api",
        choices=["chat", "responses"],
        default="chat",
        help="schema format: Chat Completions (default) or the Responses API",
    )
    tools_cmd.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    tools_cmd.set_defaults(func=_cmd_tools)

    tool = sub.add_parser(
        "tool",
        help="run one tool and print its JSON result",
        description="Run one calculator. Errors print one line on stderr and exit 2. "
        "`flopcheck tool NAME --help` lists NAME's arguments.",
        epilog='example: flopcheck tool compare_accelerators \'{"a": "H100", "b": "A100"}\'',
        add_help=False,
    )
    tool.add_argument("name", nargs="?", help="tool name (see `flopcheck tools --list`)")
    tool.add_argument("arguments", nargs="?", default="{}", help="arguments as a JSON object")
    tool.add_argument(
        "-h", "--help", action="store_true", help="show this help, or with NAME the tool's"
    )
    tool.set_defaults(func=_cmd_tool, parser=tool)

    from flopcheck.evals.cli import add_eval_command
    from flopcheck.plugin.batch_cli import add_batch_command
    from flopcheck.plugin.data_cli import add_data_command
    from flopcheck.plugin.recheck import add_recheck_command

    add_batch_command(sub)
    add_eval_command(sub)
    add_recheck_command(sub)
    add_data_command(sub)
    mcp = sub.add_parser(
        "mcp",
        help="serve the tools to MCP hosts (stdio; --http for streamable HTTP)",
        description="Serve every flopcheck tool plus check_article and extract_claims over MCP. "
        "Stdio by default (for Claude Desktop and other hosts); --http serves /mcp.",
    )
    mcp.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="HTTP interface (default 127.0.0.1)")
    mcp.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    mcp.add_argument(
        "--prefix",
        default="",
        metavar="PREFIX",
        help="prepend PREFIX to every tool name (e.g. flopcheck_), to avoid clashes with other "
        "servers' tools such as energy or calculate",
    )
    mcp.set_defaults(func=_cmd_mcp)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Args:
        argv: arguments without the program name; default ``sys.argv[1:]``.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except BackendError as exc:
        print(f"flopcheck: {exc}", file=sys.stderr)
        return 3
    except FlopcheckError as exc:
        print(f"flopcheck: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("flopcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error. Python would report the failed
        # flush at exit; point stdout at nothing instead (the signal module's recipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if os.environ.get("FLOPCHECK_DEBUG"):
            raise
        print(
            f"flopcheck: internal error ({type(exc).__name__}: {exc}); please report it "
            "(set FLOPCHECK_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return 70
