"""Claim, Verdict and Report: the result of checking an article (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flopcheck.engine.program import Program
from flopcheck.engine.vocab import KINDS, LABELS, Grounding, Kind, Label, Reason, Tier

__all__ = [
    "KINDS",
    "LABELS",
    "Amount",
    "Claim",
    "Kind",
    "Label",
    "Report",
    "Skipped",
    "Step",
    "Usage",
    "Verdict",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Amount(_Model):
    """A claimed or computed quantity: a value, or a range given by low/high, with its unit."""

    value: float | None
    low: float | None = None
    high: float | None = None
    unit: str


class Step(_Model):
    """One tool call behind a verdict: the tool, its arguments and its full result.

    ``id`` is the program's step id; the engine's own calls (unit conversions, the comparison)
    have none.
    """

    id: str | None = None
    tool: str
    args: dict[str, Any]
    result: dict[str, Any]


class Verdict(_Model):
    """The label of a claim and the derivation behind it."""

    label: Label
    confidence: float = Field(ge=0, le=1)
    computed: Amount | None
    ratio: float | None = Field(description="claimed / computed")
    explanation: str
    steps: list[Step] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    reasons: list[Reason] = Field(
        default_factory=list, description="named misleading reasons, when misleading"
    )
    grounding: Grounding | None = Field(
        default=None, description="how the claim's subject was grounded (the weakest, if several)"
    )
    tier: Tier | None = Field(
        default=None, description="provenance of the figure compared: disclosed, estimate, rumour"
    )
    figure: str | None = Field(
        default=None,
        description="'reported' when the claim matched a looked-up figure, 'recomputed' when a "
        "calculation; null when nothing was compared",
    )


class ExtractedClaim(_Model):
    """A claim found in the text, before any verification: a verbatim span, kind and value."""

    id: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: Kind
    claimed: Amount

    @model_validator(mode="after")
    def _span(self) -> ExtractedClaim:
        if self.end - self.start != len(self.quote):
            raise ValueError("quote length must equal end - start")
        return self


class Claim(ExtractedClaim):
    """One checkable claim with its verdict and the program that produced it."""

    verdict: Verdict
    program: Program | None = None


def claim_of(number: int, program: Program, verdict: Verdict) -> Claim:
    """Return the Report's claim number ``number`` for a program and its verdict.

    Args:
        number: the claim's position in the Report, from 1 (its id is "c<number>").
        program: the claim's program.
        verdict: what the engine made of it.
    """
    claimed = program.claimed
    return Claim(
        id=f"c{number}",
        quote=program.quote,
        start=program.start,
        end=program.end,
        kind=program.kind,
        claimed=Amount(value=claimed.value, low=claimed.low, high=claimed.high, unit=claimed.unit),
        verdict=verdict,
        program=program,
    )


class Extraction(_Model):
    """The claims of one text, unjudged."""

    claims: list[ExtractedClaim]


class Skipped(_Model):
    """A part of the input left unchecked (a chunk, a claim, a repair), and why."""

    what: str
    reason: str


class Usage(_Model):
    """What checking cost: LLM calls, tokens and tool calls; what was skipped and why."""

    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tool_calls: int = 0
    estimated_cost_usd: float | None = Field(
        default=None, description="tokens at the model's list price, when the price is known"
    )
    skipped: list[Skipped] = Field(
        default_factory=list, description="parts of the input left unchecked, and why"
    )


class Report(_Model):
    """Every claim found in one input, with its verdict."""

    source: str
    backend: str
    claims: list[Claim]
    usage: Usage = Field(default_factory=Usage)

    def label_counts(self) -> dict[str, int]:
        """Return the number of claims per label, every label present."""
        counts: dict[str, int] = dict.fromkeys(LABELS, 0)
        for claim in self.claims:
            counts[claim.verdict.label] += 1
        return counts
