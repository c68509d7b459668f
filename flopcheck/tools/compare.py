"""The claim comparator: decides supported/refuted from a claimed value and a computed range."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, ToolResult, Value, finite

# Articles round: "$5.5M" for $5.576M, "2.7M hours" for 2.664M. 10% absorbs one significant
# figure of rounding at the first digit's scale without accepting a wrong ratio.
DEFAULT_TOLERANCE = 0.10


class CompareClaimArgs(Args):
    claimed: float = Field(description="the claimed value (or the low end of a claimed range)")
    low: float = Field(description="low end of the computed range")
    high: float = Field(description="high end of the computed range")
    claimed_high: float | None = Field(
        default=None, description="high end when the claim is itself a range ('$40-100M')"
    )
    mid: float | None = Field(
        default=None, description="best estimate; default midpoint of low-high"
    )
    tolerance: float | None = Field(
        default=None, description="relative slack on both ends, default 0.10 for rounding"
    )
    bound: Literal["at_least", "at_most", "up_to"] | None = Field(
        default=None,
        description="one-sided claims: at_least ('over', 'more than'), at_most ('under', "
        "'less than'), up_to; default: the claim is a value or a range",
    )


class CompareClaimResult(ToolResult):
    label: Literal["supported", "refuted"]
    ratio: float | None = Field(description="claimed / computed mid (claim midpoint for ranges)")
    tolerance: float


def compare_claim(args: CompareClaimArgs) -> CompareClaimResult:
    """Compare a claimed value (or range) with a computed range: 'supported' when they overlap
    within the tolerance (default 10%, for rounding), else 'refuted'; also the ratio to the mid.

    Args:
        args: the claim, the computed range, and optionally the claim's high end and tolerance.
    """
    tol = DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance
    if not 0 <= tol < 1:
        raise ToolInputError(f"tolerance is a fraction in [0, 1), got {tol:g}")
    claimed_low = args.claimed
    claimed_high = args.claimed if args.claimed_high is None else args.claimed_high
    low, high = finite(args.low, "low"), finite(args.high, "high")
    computed = Value.spread(low, (low + high) / 2, high, "")
    finite(claimed_low, "claimed")
    finite(claimed_high, "claimed_high")
    if claimed_high < claimed_low:
        raise ToolInputError("claimed_high must be at least claimed")
    mid = computed.mid if args.mid is None else finite(args.mid, "mid")
    slack_low = computed.low - tol * abs(computed.low)
    slack_high = computed.high + tol * abs(computed.high)
    overlaps = _holds(args.bound, claimed_low, claimed_high, computed, tol)
    claim_mid = (claimed_low + claimed_high) / 2
    ratio = claim_mid / mid if mid else None
    label: Literal["supported", "refuted"] = "supported" if overlaps else "refuted"
    shown = (
        f"{claimed_low:g}" if claimed_low == claimed_high else f"{claimed_low:g}-{claimed_high:g}"
    )
    if args.bound is not None:
        shown = f"{args.bound.replace('_', ' ')} {claimed_low:g}"
    formula = (
        f"claimed {shown} vs computed {computed.low:g}-{computed.high:g} "
        f"(+/-{tol:.0%}: {slack_low:g}-{slack_high:g}) -> {label}"
    )
    if ratio is not None:
        formula += f"; ratio to mid {ratio:.3g}"
    assumptions = [f"tolerance {tol:.0%} on both ends of the computed range"]
    if args.bound is not None:
        assumptions.append(_BOUND_RULES[args.bound])
    return CompareClaimResult(
        value=None,
        formula=formula,
        assumptions=assumptions,
        label=label,
        ratio=ratio,
        tolerance=tol,
    )


_BOUND_RULES = {
    "at_least": "'at least X' holds when the computed low reaches X within the tolerance",
    "at_most": "'at most X' holds when the computed high stays under X within the tolerance",
    "up_to": "'up to X' holds when X is within reach of the computed range",
}


def _holds(
    bound: str | None, claimed_low: float, claimed_high: float, v: Value, tol: float
) -> bool:
    """Return whether a claim holds against a computed range under the tolerance rule."""
    if bound == "at_least":
        return v.low + tol * abs(v.low) >= claimed_low
    if bound == "at_most":
        return v.high - tol * abs(v.high) <= claimed_low
    slack_low, slack_high = v.low - tol * abs(v.low), v.high + tol * abs(v.high)
    return claimed_low <= slack_high and claimed_high >= slack_low
