"""The openai-backend options shared by `check`, `batch` and `eval`."""

from __future__ import annotations

import argparse
from typing import Any


def add_llm_options(parser: argparse.ArgumentParser) -> None:
    """Add --model, --base-url, --timeout and --max-retries as an "openai backend" group.

    Args:
        parser: the command's parser.
    """
    llm = parser.add_argument_group("openai backend")
    llm.add_argument("--model", help="model name (default $FLOPCHECK_MODEL or gpt-4.1-mini)")
    llm.add_argument(
        "--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1"
    )
    llm.add_argument("--timeout", type=float, metavar="SECONDS", help="per request (default 60)")
    llm.add_argument("--max-retries", type=int, metavar="N", help="on 429/5xx (default 2)")


def llm_options(args: argparse.Namespace) -> dict[str, Any]:
    """Return the openai-backend options the user gave, leaving the rest to their defaults.

    Args:
        args: the parsed arguments of a command that called :func:`add_llm_options`.
    """
    given = {
        "model": args.model,
        "base_url": args.base_url,
        "timeout": args.timeout,
        "max_retries": args.max_retries,
    }
    return {k: v for k, v in given.items() if v is not None}
