"""The claim comparator: decides supported/refuted from a claimed value and a computed range.

A plain figure or range holds when it overlaps the computed range widened by the tolerance. A
bound is one-sided: "up to X" holds when the computed best case reaches X; "at least X" and
"over X" when the computed low reaches X; "at most X" and "under X" when the computed high stays
below X. A bound the computed range straddles is neither confirmed nor ruled out (``partly``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, FiniteNumber, ToolResult, Value

# Articles round: "$5.5M" for $5.576M, "2.7M hours" for 2.664M. 10% absorbs one significant
# figure of rounding at the first digit's scale without accepting a wrong ratio.
DEFAULT_TOLERANCE = 0.10


class CompareClaimArgs(Args):
    claimed: FiniteNumber = Field(
        description="the claimed value (or the low end of a claimed range)"
    )
    low: FiniteNumber = Field(description="low end of the computed range (at most high)")
    high: FiniteNumber = Field(description="high end of the computed range")
    claimed_high: FiniteNumber | None = Field(
        default=None, description="high end when the claim is itself a range ('$40-100M')"
    )
    mid: FiniteNumber | None = Field(
        default=None, description="best estimate; default midpoint of low-high"
    )
    tolerance: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        description=f"relative slack on both ends, default {DEFAULT_TOLERANCE:g} for rounding",
    )
    bound: Literal["up_to", "at_least", "at_most", "over", "under", "span"] | None = Field(
        default=None,
        description="a one-sided claim: 'up to X', 'at least X', 'at most X', 'over X', "
        "'under X'; or span: the claim gives a range's two ends ('ranging from 7B to 70B'), "
        "each of which must match",
    )


class CompareClaimResult(ToolResult):
    label: Literal["supported", "refuted"]
    ratio: float | None = Field(description="claimed / computed mid (claim midpoint for ranges)")
    tolerance: float
    partly: bool = Field(
        description="a bound the computed range straddles: true for part of it, not all of it"
    )


def compare_claim(args: CompareClaimArgs) -> CompareClaimResult:
    """Compare a claimed value, range or bound with a computed range: 'supported' when they agree
    within the tolerance (default 10%), else 'refuted'; also the ratio to the computed mid.

    Args:
        args: the claim, the computed range, and optionally the claim's high end and tolerance.
    """
    tol = DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance
    claimed_low = args.claimed
    claimed_high = args.claimed if args.claimed_high is None else args.claimed_high
    if args.low > args.high:
        raise ToolInputError(
            f"low ({args.low:g}) is above high ({args.high:g}); pass the computed range in order"
        )
    if claimed_high < claimed_low:
        raise ToolInputError("claimed_high must be at least claimed")
    computed = Value(low=args.low, mid=(args.low + args.high) / 2, high=args.high, unit="")
    mid = computed.mid if args.mid is None else args.mid
    slack_low = computed.low - tol * abs(computed.low)
    slack_high = computed.high + tol * abs(computed.high)
    holds, partly = _holds(args.bound, claimed_low, claimed_high, computed, tol)
    claim_mid = (claimed_low + claimed_high) / 2
    ratio = claim_mid / mid if mid else None
    label: Literal["supported", "refuted"] = "supported" if holds else "refuted"
    shown = (
        f"{claimed_low:g}" if claimed_low == claimed_high else f"{claimed_low:g}-{claimed_high:g}"
    )
    if args.bound == "span":
        shown = f"the range {shown}"
    elif args.bound is not None:
        shown = f"{args.bound.replace('_', ' ')} {shown}"
    formula = (
        f"claimed {shown} vs computed {computed.low:g}-{computed.high:g} "
        f"(+/-{tol:.0%}: {slack_low:g}-{slack_high:g}) -> {label}"
        + (" (the bound holds for part of the computed range)" if partly else "")
    )
    if ratio is not None:
        formula += f"; ratio to mid {ratio:.3g}"
    return CompareClaimResult(
        value=None,
        formula=formula,
        assumptions=[f"tolerance {tol:.0%} on both ends of the computed range"],
        label=label,
        ratio=ratio,
        tolerance=tol,
        partly=partly,
    )


def _holds(
    bound: str | None, claimed_low: float, claimed_high: float, computed: Value, tol: float
) -> tuple[bool, bool]:
    """Return whether the claim holds against the widened computed range, and whether a bound
    holds for part of the range only."""
    slack_low = computed.low - tol * abs(computed.low)
    slack_high = computed.high + tol * abs(computed.high)
    if bound is None:
        return claimed_low <= slack_high and claimed_high >= slack_low, False
    if bound == "span":
        ends = (claimed_low, computed.low), (claimed_high, computed.high)
        return all(abs(said - end) <= tol * abs(end) for said, end in ends), False
    if bound == "up_to":
        return claimed_low <= slack_high, False
    if bound in ("at_least", "over"):
        holds = computed.low + tol * abs(computed.low) >= claimed_low
        return holds, not holds and slack_high >= claimed_low
    holds = computed.high - tol * abs(computed.high) <= claimed_high
    return holds, not holds and slack_low <= claimed_high
