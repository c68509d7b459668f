"""The openai-backend options: typed for Python callers, as flags shared by `check`, `batch`
and `eval`, and the backend in use.

:class:`OpenAIOptions` lists every option :func:`flopcheck.check` passes to the openai backend,
so a type checker flags a misspelt one, and :func:`check_options` refuses it at run time: an
option is an error when it is unknown or when the backend that runs does not use it, never
silently ignored.

:func:`backend_in_use` is the one place the command line settles which backend runs: a base
URL or a recording to replay implies the openai backend under ``auto``; a replay is served by a
local server through the real openai client; the backend is named on stderr in one line; and
the library's warnings (a chunk skipped for budget, a reply format falling back) reach stderr.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
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
    token_budget: int
    chunk_tokens: int
    max_completion_tokens: int
    seed: int
    record: str | Path
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
            "runs; pass backend='openai' (or 'auto' with a base_url, OPENAI_API_KEY or "
            "OPENAI_BASE_URL)"
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
    """Add the openai backend's options as a group: model, endpoint, limits, record/replay.

    Args:
        parser: the command's parser.
    """
    llm = parser.add_argument_group("openai backend")
    llm.add_argument("--model", help="model name (default $FLOPCHECK_MODEL or gpt-4.1-mini)")
    llm.add_argument(
        "--base-url",
        help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (implies the openai "
        "backend)",
    )
    llm.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="per request, from connecting to the reply's last byte (default 60)",
    )
    llm.add_argument("--max-retries", type=int, metavar="N", help="on 429/5xx (default 2)")
    llm.add_argument(
        "--token-budget",
        type=int,
        metavar="N",
        help="tokens per article (default 40,000 per 3,000-token chunk); what it cannot cover "
        "is skipped with a warning",
    )
    llm.add_argument("--record", metavar="DIR", help="save every model reply in DIR")
    llm.add_argument(
        "--replay",
        metavar="DIR",
        help="answer from the replies recorded in DIR (offline; implies the openai backend)",
    )


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
        "token_budget": args.token_budget,
        "record": args.record,
    }
    return {k: v for k, v in given.items() if v is not None}


@contextmanager
def backend_in_use(
    args: argparse.Namespace, backend: str, *, scripted: bool = False
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Settle the backend and its options for one command, and name it on stderr.

    Yields the concrete backend ("rules" or "openai") and the options to pass to ``check``.

    Args:
        args: the parsed arguments of a command that called :func:`add_llm_options`.
        backend: "auto", "rules" or "openai", as the user chose.
        scripted: serve flopcheck's scripted model locally (``eval --scripted-model``).
    """
    from flopcheck.plugin.checker import resolve_backend

    options = llm_options(args)
    with ExitStack() as stack:
        served = _served(args, backend, scripted)
        if served is not None:
            if "base_url" in options:
                raise FlopcheckError("--base-url cannot be combined with a local server")
            server = stack.enter_context(served)
            options |= {"base_url": server.url, "api_key": "flopcheck-local"}
            backend = "openai"
        chosen = resolve_backend(backend, options.get("base_url"))
        check_options(chosen, options)
        print(f"flopcheck: backend: {_describe(chosen, options, args)}", file=sys.stderr)
        _warnings_to_stderr()
        yield chosen, options


def _served(args: argparse.Namespace, backend: str, scripted: bool) -> Any:
    """Return the local server a replay or the scripted model needs (not started), or None."""
    replay = args.replay
    if replay is None and not scripted:
        return None
    if backend == "rules":
        raise FlopcheckError("--replay and the scripted model run the openai backend")
    from flopcheck.testing.fake_llm import FakeLLM

    if replay is None:
        return FakeLLM(model=True)
    if not Path(replay).is_dir():
        raise FlopcheckError(f"no recording at {replay}: give the DIR a --record run wrote")
    return FakeLLM(replay=Path(replay))


def _describe(backend: str, options: dict[str, Any], args: argparse.Namespace) -> str:
    """Return the backend in use as one phrase: which model at which endpoint."""
    if backend == "rules":
        return "rules (offline)"
    from flopcheck.llm.agent import default_model

    model = options.get("model") or default_model()
    if args.replay:
        return f"openai (model {model}, replaying {args.replay})"
    url = options.get("base_url") or os.environ.get("OPENAI_BASE_URL") or "api.openai.com"
    return f"openai (model {model} at {url})"


class _Stderr(logging.Handler):
    """Prints flopcheck's warnings on whatever sys.stderr is now, prefixed like its errors."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"flopcheck: warning: {record.getMessage()}", file=sys.stderr)


def _warnings_to_stderr() -> None:
    """Send the library's warnings to stderr, once per process."""
    logger = logging.getLogger("flopcheck")
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr(logging.WARNING)
        logger.addHandler(handler)
