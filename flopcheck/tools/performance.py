"""Realised speed between accelerators: measured ratios and vendors' best-case claims.

"H100 trains 2-3x faster than A100" is checked against measured per-accelerator ratios, not
only against the ratio of peaks; a vendor's "up to 9x" comes with the conditions it holds
under (a cluster, a workload, a precision), so it can be told apart from per-chip speed.
"""

from __future__ import annotations

import statistics

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, ToolResult, Value
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import Speedup, measured_speedups, vendor_claims


class LookupSpeedupArgs(Args):
    a: str = Field(description="the accelerator said to be faster, e.g. 'H100', 'B200'")
    b: str = Field(description="the accelerator compared against, e.g. 'A100', 'H100'")
    kind: str | None = Field(
        default=None, description="training, inference, cost and energy, peak math; default all"
    )


class SpeedupResult(ToolResult):
    measured: list[Speedup] = Field(description="measured ratios, faster / slower")
    vendor_claims: list[Speedup] = Field(description="vendor claims, faster / slower, with basis")


def _pair(rows: tuple[Speedup, ...], a: str, b: str, kind: str | None) -> list[Speedup]:
    return [r for r in rows if (r.faster, r.slower) == (a, b) and kind in (None, r.kind)]


def lookup_speedup(args: LookupSpeedupArgs) -> SpeedupResult:
    """Measured speedups of accelerator a over b (value: the range of per-accelerator
    measurements, as a/b) and vendors' best-case claims with the basis of each (cluster, rack
    or chip; workload; precision).

    Args:
        args: the faster and the slower accelerator, and optionally the kind of workload.
    """
    ma, mb = resolve_accelerator(args.a), resolve_accelerator(args.b)
    a, b = ma.record.id, mb.record.id
    measured = _pair(measured_speedups(), a, b, args.kind)
    claims = _pair(vendor_claims(), a, b, args.kind)
    flipped = not measured and not claims
    if flipped:
        measured = _pair(measured_speedups(), b, a, args.kind)
        claims = _pair(vendor_claims(), b, a, args.kind)
    if not measured and not claims:
        known = sorted(
            {f"{r.faster} vs {r.slower}" for r in (*measured_speedups(), *vendor_claims())}
        )
        raise ToolInputError(
            f"no measured speedup or vendor claim of {a} over {b} is on record; pairs on record: "
            f"{', '.join(known)}; compare_accelerators gives the ratio of their peaks",
            known,
        )
    like_for_like = [r for r in measured if r.per_accelerator]
    value = None
    if like_for_like:
        lows = [r.low if r.low is not None else r.mid() for r in like_for_like]
        highs = [r.high if r.high is not None else r.mid() for r in like_for_like]
        value = Value(
            low=min(lows),
            mid=statistics.median(r.mid() for r in like_for_like),
            high=max(highs),
            unit="ratio",
        )
    if value is not None and flipped:
        value = Value(low=1 / value.high, mid=1 / value.mid, high=1 / value.low, unit="ratio")
    parts = [f"{r.workload}: {r.mid():.3g}x ({r.scope})" for r in measured]
    parts += [f"vendor: '{r.claim}' ({r.scope})" for r in claims]
    assumptions = [m.note for m in (ma, mb) if m.note]
    if flipped:
        a, b = b, a
        assumptions.append(f"on record as {a} over {b}; value is the inverse ratio")
    cluster = [r.claim for r in claims if not r.per_accelerator]
    if cluster:
        assumptions.append(
            "not per-chip speed: " + "; ".join(f"'{c}'" for c in cluster) + " compare clusters "
            "or racks under the vendor's best case"
        )
    return SpeedupResult(
        value=value,
        formula=f"{a} vs {b}: " + "; ".join(parts),
        assumptions=assumptions,
        sources=sorted({r.source for r in (*measured, *claims)}),
        measured=measured,
        vendor_claims=claims,
    )
