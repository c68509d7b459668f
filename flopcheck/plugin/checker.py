"""The checker: text in, Report out. A planner (rules, or the LLM) writes claim programs; the
engine runs every program and its judge labels each claim."""

from __future__ import annotations

import os
from typing import Unpack

from flopcheck.engine.report import Amount, Claim, Report, Usage
from flopcheck.engine.runner import run_program
from flopcheck.errors import FlopcheckError
from flopcheck.plugin.llm_options import OpenAIOptions, check_options
from flopcheck.rules.planner import plan_article

BACKENDS = ("auto", "rules", "openai")


def resolve_backend(backend: str) -> str:
    """Return the concrete backend: ``auto`` is openai when an endpoint is configured.

    Args:
        backend: "auto", "rules" or "openai".
    """
    if backend not in BACKENDS:
        raise FlopcheckError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend != "auto":
        return backend
    configured = os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")
    return "openai" if configured else "rules"


def check_rules(text: str, source: str = "<text>") -> Report:
    """Check an article with the offline rules backend.

    Args:
        text: the article text.
        source: where it came from, for the Report.
    """
    claims = []
    tool_calls = 0
    for number, program in enumerate(plan_article(text), start=1):
        verdict = run_program(program)
        tool_calls += len(verdict.steps)
        claimed = program.claimed
        claims.append(
            Claim(
                id=f"c{number}",
                quote=program.quote,
                start=program.start,
                end=program.end,
                kind=program.kind,
                claimed=Amount(
                    value=claimed.value, low=claimed.low, high=claimed.high, unit=claimed.unit
                ),
                verdict=verdict,
                program=program,
            )
        )
    return Report(source=source, backend="rules", claims=claims, usage=Usage(tool_calls=tool_calls))


def check(
    text: str, backend: str = "rules", source: str = "<text>", **options: Unpack[OpenAIOptions]
) -> Report:
    """Check an article and return its Report.

    Args:
        text: the article text (untrusted data).
        backend: "rules", "openai" or "auto" ("auto" with a ``client`` is openai).
        source: where the text came from.
        **options: options of the openai backend (model, base_url, timeout, client, ...); an
            unknown one, or one the chosen backend does not use, is an error.
    """
    chosen = "openai" if backend == "auto" and "client" in options else resolve_backend(backend)
    check_options(chosen, dict(options))
    if chosen == "openai":
        from flopcheck.llm.agent import check_with_openai

        return check_with_openai(text, source=source, **options)
    return check_rules(text, source=source)


__all__ = ["Amount", "check", "check_rules"]
