"""A Report in pages for agents: a compact summary per claim, or the full claims, in pages.

A full Report carries every tool call with its complete result (~8 KB per claim), which fills a
model's context on a long article. The summary keeps what an agent acts on, about 100 tokens a
claim: the quote, the label, claimed vs computed and a one-line reason; ``detail="full"`` pages
through the complete claims.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcheck.engine.report import Claim, Label, Report, Usage
from flopcheck.plugin.figures import claimed_and_computed
from flopcheck.plugin.render import clip, reason

Detail = Literal["summary", "full"]
# Pages sized to stay well under a typical tool-result limit: ~50 x 450 B of summaries, or a
# few full claims (8 KB each on average, up to ~30 KB, with their tool results).
DEFAULT_LIMIT: dict[Detail, int] = {"summary": 50, "full": 3}
MAX_LIMIT = 200
_QUOTE_CHARS = 120
_REASON_CHARS = 160


class ClaimSummary(BaseModel):
    """One claim in a line: where it is, what it says, and what flopcheck found."""

    model_config = ConfigDict(extra="forbid")

    id: str
    quote: str = Field(description=f"the claim's text, cut at {_QUOTE_CHARS} characters")
    start: int = Field(description="offset of the quote in the article")
    end: int
    label: Label
    confidence: float
    claimed: str = Field(description="the claimed amount, e.g. '5.5M USD'")
    computed: str = Field(description="the recomputed amount, or '-' when none")
    reason: str = Field(description="the first line of the explanation")


class ReportPage(BaseModel):
    """One page of an article's claims, with the counts of the whole article."""

    model_config = ConfigDict(extra="forbid")

    source: str
    backend: str
    detail: Detail
    total_claims: int
    label_counts: dict[str, int]
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null on the last")
    claims: list[ClaimSummary] | list[Claim]
    usage: Usage
    warnings: list[str] = Field(default_factory=list, description="how the text was read")


def summarize(claim: Claim) -> ClaimSummary:
    """Return the compact form of a claim.

    Args:
        claim: a checked claim.
    """
    verdict = claim.verdict
    claimed, computed = claimed_and_computed(claim)
    return ClaimSummary(
        id=claim.id,
        quote=clip(claim.quote, _QUOTE_CHARS),
        start=claim.start,
        end=claim.end,
        label=verdict.label,
        confidence=round(verdict.confidence, 2),
        claimed=claimed,
        computed=computed,
        reason=clip(reason(claim), _REASON_CHARS),
    )


def page(
    report: Report,
    detail: Detail = "summary",
    offset: int = 0,
    limit: int | None = None,
    warnings: list[str] | None = None,
) -> ReportPage:
    """Return one page of a Report's claims, summarized or in full.

    Args:
        report: the checked article.
        detail: "summary" (one line per claim) or "full" (claims with steps and sources).
        offset: index of the first claim of the page.
        limit: claims per page; default DEFAULT_LIMIT[detail].
        warnings: notes on how the input was read (invalid UTF-8, empty text).
    """
    size = DEFAULT_LIMIT[detail] if limit is None else limit
    chosen = report.claims[offset : offset + size]
    end = offset + len(chosen)
    claims: list[ClaimSummary] | list[Claim] = (
        [summarize(c) for c in chosen] if detail == "summary" else list(chosen)
    )
    return ReportPage(
        source=report.source,
        backend=report.backend,
        detail=detail,
        total_claims=len(report.claims),
        label_counts=report.label_counts(),
        offset=offset,
        next_offset=end if end < len(report.claims) else None,
        claims=claims,
        usage=report.usage,
        warnings=warnings or [],
    )
