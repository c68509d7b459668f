"""The openai-backend options: typed for Python callers, and as flags shared by `check`, `batch`
and `eval`.

:class:`OpenAIOptions` lists every option :func:`flopcheck.check` passes to the openai backend,
so a type checker flags a misspelt one, and :func:`check_options` refuses it at run time: an
option is an error when it is unknown or when the backend that runs does not use it, never
silently ignored.
"""

from __future__ import annotations

import argparse
import difflib
from typing import TYPE_CHECKING, Any, TypedDict

from flopcheck.errors import FlopcheckError

if TYPE_CHECKING:
    import openai


class OpenAIOptions(TypedDict, total=False):
    """Options of the openai backend (see :func:`flopcheck.llm.agent.check_with_openai`)."""

    model: str
    base_url: str
    api_key: str
    timeout: float
    max_retries: int
    max_turns_per_claim: int
    token_budget: int
    chunk_tokens: int
    seed: int
    client: openai.OpenAI


# What the caller's own client already decides; giving both would leave one silently unused.
_CLIENT_SETTINGS = ("base_url", "api_key", "timeout", "max_retries")


def check_options(backend: str, options: dict[str, Any]) -> None:
    """Raise a FlopcheckError for an unknown option, or one the chosen backend would not use.

    Args:
        backend: the backend that will run: "rules" or "openai".
        options: the options the caller gave.
    """
    known = list(OpenAIOptions.__annotations__)
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise FlopcheckError(f"unknown option {name!r}; {hint}options: {', '.join(known)}")
    if options and backend != "openai":
        raise FlopcheckError(
            f"{', '.join(options)}: options of the openai backend, but the {backend} backend "
            "runs; pass backend='openai' (or 'auto' with OPENAI_API_KEY or OPENAI_BASE_URL set)"
        )
    if "client" in options:
        _check_client(options)


def _check_client(options: dict[str, Any]) -> None:
    """Raise unless ``client`` is a sync OpenAI client given without settings it already has."""
    import openai

    if not isinstance(options["client"], openai.OpenAI):
        raise FlopcheckError(
            f"client must be an openai.OpenAI client, got {type(options['client']).__name__} "
            "(for async code, call flopcheck.acheck with a sync client)"
        )
    clashing = [name for name in _CLIENT_SETTINGS if name in options]
    if clashing:
        raise FlopcheckError(
            f"{', '.join(clashing)} with client: set them on the client instead, e.g. "
            "client.with_options(timeout=30, max_retries=2)"
        )


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
