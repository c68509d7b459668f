"""The checker: text in, Report out, with the rules backend (or the LLM agent) doing the work."""

from __future__ import annotations

import os
from typing import Any

from flopcheck.engine.report import Amount, Claim, Report, Usage, Verdict
from flopcheck.errors import FlopcheckError
from flopcheck.rules.arith import check_arithmetic
from flopcheck.rules.claimable import Claimable, screen
from flopcheck.rules.entities import build_context
from flopcheck.rules.extract import Candidate, as_claim, extract
from flopcheck.rules.plans import PLANS
from flopcheck.rules.plans_compute import COMPUTE_PLANS
from flopcheck.rules.plans_hardware import HARDWARE_PLANS
from flopcheck.rules.plans_prices import PRICE_PLANS
from flopcheck.rules.plans_written import written_plan
from flopcheck.rules.verify import Session, Unverifiable

BACKENDS = ("auto", "rules", "openai")


def _plan_arithmetic(c: Claimable) -> Verdict:
    return check_arithmetic(c.session, c.cand.detail["arithmetic"], c.cand.claimed)


ALL_PLANS = {
    **PLANS,
    **HARDWARE_PLANS,
    **PRICE_PLANS,
    **COMPUTE_PLANS,
    "arithmetic": _plan_arithmetic,
}


def resolve_backend(backend: str, base_url: str | None = None, client: Any = None) -> str:
    """Return the concrete backend: ``auto`` is openai when an endpoint is configured.

    Args:
        backend: "auto", "rules" or "openai".
        base_url: a model server's URL given for this run; it implies openai under auto.
        client: a caller's own openai client; it implies openai under auto.
    """
    if backend not in BACKENDS:
        raise FlopcheckError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend != "auto":
        return backend
    configured = (
        base_url
        or client is not None
        or os.environ.get("OPENAI_API_KEY")
        or os.environ.get("OPENAI_BASE_URL")
    )
    return "openai" if configured else "rules"


def verify_candidate(cand: Candidate, text: str, ctx: Any) -> Verdict:
    """Run the plan for a candidate's kind and return its verdict (never raises).

    Args:
        cand: the candidate claim.
        text: the article text.
        ctx: the article's entity context.
    """
    session = Session()
    plan = ALL_PLANS.get(cand.kind)
    try:
        claimable = Claimable(cand=cand, text=text, ctx=ctx, session=session)
        screen(claimable)
        written = written_plan(claimable)
        if written is not None:
            return written
        if plan is None:
            raise Unverifiable(f"flopcheck has no plan to recompute {cand.kind} claims yet")
        return plan(claimable)
    except Unverifiable as exc:
        return session.verdict("unverifiable", None, str(exc), [], 0.5)


def check_rules(text: str, source: str = "<text>") -> Report:
    """Check an article with the offline rules backend.

    Args:
        text: the article text.
        source: where it came from, for the Report.
    """
    ctx = build_context(text)
    claims = []
    tool_calls = 0
    for i, cand in enumerate(extract(text, ctx), start=1):
        verdict = verify_candidate(cand, text, ctx)
        tool_calls += len(verdict.steps)
        claims.append(Claim(**dict(as_claim(text, i, cand)), verdict=verdict))
    return Report(source=source, backend="rules", claims=claims, usage=Usage(tool_calls=tool_calls))


def check(text: str, backend: str = "rules", source: str = "<text>", **options: Any) -> Report:
    """Check an article and return its Report.

    Args:
        text: the article text (untrusted data).
        backend: "rules", "openai" or "auto".
        source: where the text came from.
        **options: options of the openai backend (model, base_url, timeout, ...); a base_url
            or a client implies it under "auto".
    """
    chosen = resolve_backend(backend, options.get("base_url"), options.get("client"))
    if chosen == "openai":
        from flopcheck.llm.agent import check_with_openai

        return check_with_openai(text, source=source, **options)
    return check_rules(text, source=source)


__all__ = ["Amount", "check", "check_rules"]
