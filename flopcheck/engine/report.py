"""Claim, Verdict and Report: the structured result of checking an article (DESIGN.md)."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

Label = Literal["supported", "refuted", "misleading", "unverifiable"]
LABELS: tuple[Label, ...] = get_args(Label)
Kind = Literal[
    "training_cost",
    "gpu_hours",
    "cluster_time",
    "compute_flops",
    "params",
    "tokens",
    "hardware_ratio",
    "precision_speedup",
    "price_ratio",
    "energy",
    "arithmetic",
    "other",
]
KINDS: tuple[Kind, ...] = get_args(Kind)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Amount(_Model):
    """A claimed or computed quantity: a value, or a range given by low/high, with its unit."""

    value: float | None
    low: float | None = None
    high: float | None = None
    unit: str


class Step(_Model):
    """One tool call behind a verdict: the tool, its arguments and its full result."""

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
    """One checkable claim with its verdict."""

    verdict: Verdict


class Extraction(_Model):
    """The claims of one text, unjudged."""

    claims: list[ExtractedClaim]


class Usage(_Model):
    """What checking cost: LLM calls, tokens and tool calls."""

    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tool_calls: int = 0
    estimated_cost_usd: float | None = Field(
        default=None, description="tokens at the model's list price, when the price is known"
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
