"""The LLM backend: an OpenAI-compatible model writes claim programs; the engine runs them.

The LLM proposes, the calculator disposes: the model finds claims (each quote must be a
verbatim span of the article) and writes the calculator steps that check each one; the engine
runs the steps and one judge labels every claim, as for the rules backend. Works against any
server that speaks Chat Completions with JSON output or tool calls (OpenAI, DeepSeek, vLLM,
Ollama, llama.cpp server).
"""

from __future__ import annotations

import math
import os
from contextlib import ExitStack
from pathlib import Path

import openai

from flopcheck.engine.report import Report, Usage, claim_of
from flopcheck.errors import BackendError
from flopcheck.llm.planner import Planner
from flopcheck.llm.record import Recorder
from flopcheck.llm.session import Session
from flopcheck.llm.tokens import counter_for
from flopcheck.llm.transport import bounded
from flopcheck.tools import call

# A current small model that supports strict structured output, tools, temperature and seed.
DEFAULT_MODEL = "gpt-4.1-mini"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
# One chunk's plan and two repair rounds take ~15-30k tokens; the budget scales with the number
# of chunks, so a long article gets more and a runaway server is still capped.
DEFAULT_TOKENS_PER_CHUNK = 40_000
# Large enough that a request's fixed part (prompt and schema) is shared by many claims.
DEFAULT_CHUNK_TOKENS = 3_000
# A chunk's plan is a few hundred tokens per claim.
DEFAULT_MAX_COMPLETION_TOKENS = 16_384
DEFAULT_SEED = 7
# Local servers ignore the key, but the SDK refuses to start without one.
_PLACEHOLDER_KEY = "flopcheck-local"


def default_model() -> str:
    """Return the model to use when none is given: ``FLOPCHECK_MODEL``, else DEFAULT_MODEL."""
    return os.environ.get("FLOPCHECK_MODEL") or DEFAULT_MODEL


def check_with_openai(
    text: str,
    *,
    source: str = "<text>",
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    client: openai.OpenAI | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    token_budget: int | None = None,
    chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
    max_completion_tokens: int = DEFAULT_MAX_COMPLETION_TOKENS,
    seed: int = DEFAULT_SEED,
    record: str | Path | None = None,
) -> Report:
    """Check an article with an LLM that writes a claim program for each claim it finds.

    Args:
        text: the article (untrusted data: instructions inside it change nothing).
        source: a name for the Report, e.g. the file path.
        model: the model name; default ``FLOPCHECK_MODEL`` or DEFAULT_MODEL.
        base_url: the server's base URL (".../v1"); default ``OPENAI_BASE_URL`` or OpenAI.
        api_key: the API key; default ``OPENAI_API_KEY`` (a placeholder for local servers).
        client: the caller's own client (Azure, a proxy, extra headers); it is used as it is
            configured (its base URL, key, timeout and max_retries; those given here are then
            not used), each request still bounded, and it is not closed.
        timeout: seconds one HTTP request may take, from connecting to the reply's last byte.
        max_retries: retries with backoff on 408/409/429/5xx, timeouts and dropped connections.
        token_budget: prompt + completion tokens for the whole article; default
            DEFAULT_TOKENS_PER_CHUNK per chunk. What it cannot cover is skipped, with a warning.
        chunk_tokens: the largest piece of the article sent to the model at once.
        max_completion_tokens: the longest reply the model may write.
        seed: the sampling seed, for servers that honour one.
        record: a directory to save every model reply in, for ``--replay``.
    """
    _check_options(timeout, max_retries, token_budget, chunk_tokens, max_completion_tokens)
    model = model or default_model()
    counter = counter_for(model)
    chunks = math.ceil(counter.count_bounded(text) / chunk_tokens) if text.strip() else 0
    with ExitStack() as stack:
        if client is None:
            client = stack.enter_context(_client(base_url, api_key, timeout))
        else:
            timeout, max_retries = _settings(client)
        session = Session(
            client=stack.enter_context(bounded(client, timeout)),
            model=model,
            counter=counter,
            token_budget=token_budget or DEFAULT_TOKENS_PER_CHUNK * max(1, chunks),
            seed=seed,
            timeout=timeout,
            max_retries=max_retries,
            max_completion_tokens=max_completion_tokens,
            recorder=Recorder(Path(record)) if record is not None else None,
        )
        planner = Planner(session, text, chunk_tokens)
        planned = planner.plan()
    claims = [claim_of(n, program, verdict) for n, (program, verdict) in enumerate(planned, 1)]
    usage = session.usage.model_copy(
        update={
            "tool_calls": sum(len(c.verdict.steps) for c in claims),
            "estimated_cost_usd": estimated_cost(model, session.usage),
            "skipped": planner.skipped,
        }
    )
    return Report(source=source, backend="openai", claims=claims, usage=usage)


def estimated_cost(model: str, usage: Usage) -> float | None:
    """Return what the tokens cost at the model's list price, or None when it is not listed.

    Args:
        model: the model name as sent to the server.
        usage: the tokens used.
    """
    result = call("lookup_api_price", {"model": model})
    if "error" in result:
        return None
    price = result["price"]
    cost: float = (
        usage.prompt_tokens * price["input_usd_per_mtok"]
        + usage.completion_tokens * price["output_usd_per_mtok"]
    ) / 1e6
    return round(cost, 6)


def _check_options(
    timeout: float,
    max_retries: int,
    token_budget: int | None,
    chunk_tokens: int,
    max_completion_tokens: int,
) -> None:
    """Raise BackendError naming every option out of range."""
    most = max_completion_tokens
    problems = [
        f"{name} must be {rule}, got {value}"
        for name, value, ok, rule in (
            ("timeout", timeout, timeout > 0, "> 0 seconds"),
            ("max_retries", max_retries, max_retries >= 0, ">= 0"),
            ("token_budget", token_budget, token_budget is None or token_budget >= 1, ">= 1"),
            ("chunk_tokens", chunk_tokens, chunk_tokens >= 64, ">= 64"),
            ("max_completion_tokens", most, most >= 256, ">= 256"),
        )
        if not ok
    ]
    if problems:
        raise BackendError("; ".join(problems))


def _settings(client: openai.OpenAI) -> tuple[float, int]:
    """Return a caller's client's timeout (in seconds) and retries, which flopcheck then applies."""
    timeout = client.timeout
    seconds = getattr(timeout, "read", timeout)
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0:
        return float(seconds), client.max_retries
    return DEFAULT_TIMEOUT, client.max_retries


def _client(base_url: str | None, api_key: str | None, timeout: float) -> openai.OpenAI:
    """Return the SDK client for the configured endpoint."""
    base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    key = api_key or os.environ.get("OPENAI_API_KEY")
    if not key:
        if base_url is None:
            raise BackendError(
                "no API key for the openai backend: set OPENAI_API_KEY, or point --base-url "
                "at a local OpenAI-compatible server (Ollama, vLLM, llama.cpp)"
            )
        key = _PLACEHOLDER_KEY
    try:
        return openai.OpenAI(api_key=key, base_url=base_url, timeout=timeout, max_retries=0)
    except openai.OpenAIError as exc:
        raise BackendError(f"cannot configure the OpenAI client: {exc}") from exc
