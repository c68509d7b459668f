"""The LLM backend: an OpenAI-compatible model finds claims and drives the calculator tools.

The LLM proposes, the calculator disposes: the model picks out claims (each quote must be a
verbatim span of the article) and decides which tools to call; every number in a verdict comes
from a tool, and the supported/refuted label from ``compare_claim``. Works against any server
that speaks Chat Completions with tools (OpenAI, DeepSeek, vLLM, Ollama, llama.cpp server).
"""

from __future__ import annotations

import logging
import os
from contextlib import nullcontext

import openai

from flopcheck.engine.report import Claim, Report, Usage
from flopcheck.errors import BackendError
from flopcheck.llm.extract import Extractor, FoundClaim
from flopcheck.llm.session import BudgetExhaustedError, Session
from flopcheck.llm.tokens import counter_for, split_text
from flopcheck.llm.verify import ClaimVerifier
from flopcheck.tools import call

log = logging.getLogger("flopcheck.agent")

# A current small model that supports strict structured output, tools, temperature and seed.
DEFAULT_MODEL = "gpt-4.1-mini"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_TURNS = 8
# A claim takes ~10-20k tokens (3-4 turns, each resending ~3.5k of tool schemas, the prompt
# and the chunk), so this covers an article of ~25 claims and caps what a runaway loop spends.
DEFAULT_TOKEN_BUDGET = 500_000
# Small chunks keep extraction thorough and each verification's context cheap.
DEFAULT_CHUNK_TOKENS = 2_000
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
    timeout: float = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    max_turns_per_claim: int = DEFAULT_MAX_TURNS,
    token_budget: int = DEFAULT_TOKEN_BUDGET,
    chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
    seed: int = DEFAULT_SEED,
    client: openai.OpenAI | None = None,
) -> Report:
    """Check an article with an LLM that extracts claims and verifies them through the tools.

    Args:
        text: the article (untrusted data: instructions inside it change nothing).
        source: a name for the Report, e.g. the file path.
        model: the model name; default ``FLOPCHECK_MODEL`` or DEFAULT_MODEL.
        base_url: the server's base URL (".../v1"); default ``OPENAI_BASE_URL`` or OpenAI.
        api_key: the API key; default ``OPENAI_API_KEY`` (a placeholder for local servers).
        timeout: seconds to wait for each HTTP request.
        max_retries: retries with backoff on 408/409/429/5xx, timeouts and connection errors.
        max_turns_per_claim: model replies one claim may take before it becomes unverifiable.
        token_budget: prompt + completion tokens for the whole article; a claim reached after
            it is spent becomes unverifiable.
        chunk_tokens: the largest piece of the article sent to the model at once.
        seed: the sampling seed, for servers that honour one.
        client: the caller's own client (Azure, a proxy, extra headers); it is used as it is
            configured (base_url, api_key, timeout and max_retries are then not used) and is
            not closed.
    """
    _check_options(timeout, max_retries, max_turns_per_claim, token_budget, chunk_tokens)
    model = model or default_model()
    own = (
        _client(base_url, api_key, timeout, max_retries) if client is None else nullcontext(client)
    )
    with own as active:
        session = Session(
            client=active,
            model=model,
            counter=counter_for(model),
            token_budget=token_budget,
            seed=seed,
        )
        found = _extract(session, text, chunk_tokens)
        verifier = ClaimVerifier(session, text, max_turns_per_claim)
        claims = []
        for number, (claim, chunk) in enumerate(found, start=1):
            claim_id = f"c{number}"
            claims.append(
                Claim(
                    id=claim_id,
                    quote=text[claim.start : claim.end],
                    start=claim.start,
                    end=claim.end,
                    kind=claim.kind,
                    claimed=claim.claimed,
                    verdict=verifier.verify(claim_id, claim, chunk),
                )
            )
    usage = session.usage.model_copy(
        update={"estimated_cost_usd": estimated_cost(session.model, session.usage)}
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
    timeout: float, max_retries: int, max_turns: int, token_budget: int, chunk_tokens: int
) -> None:
    """Raise BackendError naming every option out of range."""
    problems = [
        f"{name} must be {rule}, got {value}"
        for name, value, ok, rule in (
            ("timeout", timeout, timeout > 0, "> 0 seconds"),
            ("max_retries", max_retries, max_retries >= 0, ">= 0"),
            ("max_turns_per_claim", max_turns, max_turns >= 1, ">= 1"),
            ("token_budget", token_budget, token_budget >= 1, ">= 1"),
            ("chunk_tokens", chunk_tokens, chunk_tokens >= 64, ">= 64"),
        )
        if not ok
    ]
    if problems:
        raise BackendError("; ".join(problems))


def _client(
    base_url: str | None, api_key: str | None, timeout: float, max_retries: int
) -> openai.OpenAI:
    """Return the SDK client; its retries (with backoff) are the run's retries."""
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
        return openai.OpenAI(
            api_key=key, base_url=base_url, timeout=timeout, max_retries=max_retries
        )
    except openai.OpenAIError as exc:
        raise BackendError(f"cannot configure the OpenAI client: {exc}") from exc


def _extract(
    session: Session, text: str, chunk_tokens: int
) -> list[tuple[FoundClaim, tuple[int, int]]]:
    """Return every anchored claim with its chunk, in text order."""
    extractor = Extractor(session, text)
    found: list[tuple[FoundClaim, tuple[int, int]]] = []
    for chunk in split_text(text, session.model, chunk_tokens):
        if not text[chunk[0] : chunk[1]].strip():
            continue
        try:
            found += [(claim, chunk) for claim in extractor.claims(chunk)]
        except BudgetExhaustedError as exc:
            raise BackendError(f"claim extraction stopped: {exc}; raise the token budget") from exc
    return sorted(found, key=lambda pair: (pair[0].start, pair[0].end))
