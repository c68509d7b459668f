"""Training calculators: compute (6ND), accelerator-hours, rental cost, cluster time."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import (
    Args,
    Fraction,
    PositiveNumber,
    ToolResult,
    Value,
    fmt,
)
from flopcheck.tools.hardware import (
    DEFAULT_PRECISION,
    PrecisionArg,
    dense_peak_tflops,
    reference_peak_tflops,
)
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.prices import combined, rental_prices_at
from flopcheck.tools.tables import Accelerator, MfuDefault, Precision, mfu_defaults

# Runs under 10B active parameters reach a lower MFU than large ones (small matrices); the
# default range is chosen by hardware generation and, when given, model size.
SMALL_MODEL_BELOW = 1e10


def default_mfu(chip: Accelerator, active_params: float | None) -> MfuDefault:
    """Return the published-run MFU range for a chip's generation (and model size if known),
    falling back to all generations.

    Args:
        chip: the accelerator record.
        active_params: the model's active parameters, or None.
    """
    rows = mfu_defaults()
    sizes = ["any"]
    if active_params is not None:
        sizes.insert(0, "small" if active_params < SMALL_MODEL_BELOW else "large")
    for size in sizes:
        for row in rows:
            if row.generation == chip.architecture and row.size == size:
                return row
    return next(row for row in rows if row.generation == "all")


class TrainingComputeArgs(Args):
    active_params: PositiveNumber = Field(
        description="parameters active per token, counted one by one (37e9 for 37B; for MoE: "
        "not total)"
    )
    tokens: PositiveNumber = Field(description="training tokens, counted one by one (14.8e12)")
    total_params: PositiveNumber | None = Field(
        default=None, description="total parameters, for MoE models; only used in a note"
    )


def training_compute(args: TrainingComputeArgs) -> ToolResult:
    """Training compute in FLOP: C = 6 x active parameters x tokens (forward 2ND, backward 4ND).

    Args:
        args: active parameters and tokens; for MoE models pass active, not total, parameters.
    """
    n, d = args.active_params, args.tokens
    flop = 6 * n * d
    assumptions = ["C = 6ND: dense matmul FLOPs only; attention and recomputation not counted"]
    total = args.total_params
    if total is not None and total > n:
        assumptions.append(
            f"MoE: {fmt(n)} active of {fmt(total)} total parameters; using total would "
            f"overstate compute {total / n:.1f}x"
        )
    return ToolResult(
        value=Value.exact(flop, "FLOP"),
        formula=f"6 x {fmt(n)} params x {fmt(d)} tokens = {flop:.3e} FLOP",
        assumptions=assumptions,
        sources=["Kaplan et al. 2020 (arXiv 2001.08361); FLOP formulas, FACTS.md sec. 3"],
    )


class AcceleratorHoursArgs(Args):
    flop: PositiveNumber = Field(description="training compute in FLOP, e.g. 3.29e24")
    accelerator: str = Field(description="accelerator name, e.g. 'H800'")
    precision: PrecisionArg | None = Field(
        default=None, description=f"the peak to divide by; default {DEFAULT_PRECISION}"
    )
    mfu: Fraction | None = Field(
        default=None,
        description="model FLOP utilization in (0, 1] against the peak of `precision`; "
        "default: what published runs on the chip's generation reached",
    )
    active_params: PositiveNumber | None = Field(
        default=None, description="the model's active parameters: small models reach lower MFU"
    )


class AcceleratorHoursResult(ToolResult):
    accelerator: str
    precision: Precision
    dense_peak_tflops: float
    mfu: Value = Field(description="utilization used, against the peak of `precision`")


def accelerator_hours(args: AcceleratorHoursArgs) -> AcceleratorHoursResult:
    """Accelerator-hours needed for a FLOP budget: FLOP / (dense peak x MFU x 3600), as a range;
    the default MFU is what published runs reached on the chip's generation (Hopper runs come
    in lower than Ampere ones) and model size.

    Args:
        args: FLOP, accelerator, precision, optionally a known MFU or the active parameters.
    """
    flop = args.flop
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    precision = args.precision or DEFAULT_PRECISION
    peak = dense_peak_tflops(chip, precision)
    assumptions = [match.note] if match.note else []
    if args.mfu is not None:
        m = args.mfu
        mfu = Value.exact(m, "fraction")
        assumptions.append(f"MFU {m:.0%} of {precision.upper()} dense peak (given)")
        sources = list(chip.sources)
    else:
        ref_precision, ref_peak = reference_peak_tflops(chip)
        # MFU is quoted against the BF16 peak even for FP8 runs; against a faster peak the
        # same run shows a proportionally lower MFU (DeepSeek-V3: 35% of BF16 = 17% of FP8).
        scale = min(1.0, ref_peak / peak)
        row = default_mfu(chip, args.active_params)
        low, mid, high = row.low or row.mid(), row.mid(), row.high or row.mid()
        mfu = Value(low=low * scale, mid=mid * scale, high=high * scale, unit="fraction")
        group = "all generations" if row.generation == "all" else f"{row.generation} runs"
        size = {"small": " under 10B active parameters", "large": " of 10B+ active parameters"}
        assumptions.append(
            f"MFU {low:.0%}-{high:.0%} (mid {mid:.0%}) of {ref_precision.upper()} dense peak: "
            f"what {row.run_count} published {group}{size.get(row.size, '')} reached, "
            "restarts and all (the 5th-95th percentile and the median)"
        )
        if scale < 1.0:
            assumptions.append(
                f"MFU against the {precision.upper()} peak scaled by {ref_precision.upper()}/"
                f"{precision.upper()} = {scale:.3g} ({mfu.low:.0%}-{mfu.high:.0%}): "
                "low-precision runs keep much of their work at 16-bit"
            )
        sources = [*chip.sources, row.source]
    per_hour = peak * 1e12 * 3600
    hours = Value(
        low=flop / (per_hour * mfu.high),
        mid=flop / (per_hour * mfu.mid),
        high=flop / (per_hour * mfu.low),
        unit="accelerator-hours",
    )
    return AcceleratorHoursResult(
        value=hours,
        formula=(
            f"{flop:.3e} FLOP / ({chip.id} {peak:g} TFLOP/s {precision.upper()} x MFU "
            f"{mfu.low:.3g}-{mfu.high:.3g} x 3600 s) = {fmt(hours.low)}-{fmt(hours.high)} "
            f"(mid {fmt(hours.mid)}) accelerator-hours"
        ),
        assumptions=assumptions,
        sources=sources,
        accelerator=chip.id,
        precision=precision,
        dense_peak_tflops=peak,
        mfu=mfu,
    )


class TrainingCostArgs(Args):
    accelerator_hours: PositiveNumber = Field(description="accelerator-hours, e.g. 2788000")
    usd_per_accelerator_hour: PositiveNumber | None = Field(
        default=None, description="rental price; default: the accelerator's dated market range"
    )
    accelerator: str | None = Field(
        default=None, description="accelerator name, used for its price range when no price given"
    )
    as_of: date | None = Field(
        default=None, description="date of the rental prices to use (YYYY-MM-DD); default undated"
    )


def training_cost(args: TrainingCostArgs) -> ToolResult:
    """Rental cost in USD of a number of accelerator-hours (excludes research, staff, data, capex).

    Args:
        args: accelerator-hours and either a price per hour or an accelerator to price.
    """
    hours = args.accelerator_hours
    caveat = "rental cost of these hours only: excludes research, ablations, data, staff, capex"
    if args.usd_per_accelerator_hour is not None:
        price = args.usd_per_accelerator_hour
        total = hours * price
        return ToolResult(
            value=Value.exact(total, "USD"),
            formula=f"{fmt(hours)} accelerator-hours x ${price:g}/hour = ${fmt(total)}",
            assumptions=[f"price ${price:g}/accelerator-hour (given)", caveat],
            sources=[],
        )
    if args.accelerator is None:
        raise ToolInputError(
            "give usd_per_accelerator_hour, or an accelerator to use its price range"
        )
    chip = resolve_accelerator(args.accelerator).record
    rows, note = rental_prices_at(chip, args.as_of)
    rate = combined(rows)
    cost = Value(low=hours * rate.low, mid=hours * rate.mid, high=hours * rate.high, unit="USD")
    basis = "; ".join(f"{r.market}, as of {r.as_of}: {r.basis}" for r in rows)
    return ToolResult(
        value=cost,
        formula=(
            f"{fmt(hours)} {chip.id}-hours x ${rate.low:g}-${rate.high:g}/hour "
            f"(typical ${rate.mid:g}) = ${fmt(cost.low)}-${fmt(cost.high)}"
        ),
        assumptions=[x for x in (note, f"{chip.id} rental price: {basis}", caveat) if x],
        sources=sorted({r.source for r in rows}),
    )


# A cluster's wall-clock time is all useful work unless the caller says otherwise.
DEFAULT_GOODPUT = 1.0


class ClusterTimeArgs(Args):
    accelerator_count: PositiveNumber = Field(
        description="number of accelerators running in parallel"
    )
    days: PositiveNumber | None = Field(
        default=None, description="wall-clock days (give this or accelerator_hours)"
    )
    accelerator_hours: PositiveNumber | None = Field(
        default=None, description="accelerator-hours (give this or days)"
    )
    goodput: Fraction | None = Field(
        default=None,
        description=f"fraction of wall-clock doing useful work, default {DEFAULT_GOODPUT:g}",
    )


def cluster_time(args: ClusterTimeArgs) -> ToolResult:
    """Convert between wall-clock days and accelerator-hours on a cluster of a given size.

    Args:
        args: the accelerator count and exactly one of days / accelerator_hours.
    """
    count = args.accelerator_count
    goodput = DEFAULT_GOODPUT if args.goodput is None else args.goodput
    note = [f"goodput {goodput:.0%} of wall-clock"] if args.goodput is not None else []
    factor = f" x {goodput:g}" if note else ""
    if args.days is not None and args.accelerator_hours is None:
        hours = count * args.days * 24 * goodput
        return ToolResult(
            value=Value.exact(hours, "accelerator-hours"),
            formula=f"{count:g} accelerators x {args.days:g} days x 24 h{factor} = "
            f"{fmt(hours)} accelerator-hours",
            assumptions=note,
        )
    if args.accelerator_hours is not None and args.days is None:
        hours = args.accelerator_hours
        days = hours / (count * 24 * goodput)
        return ToolResult(
            value=Value.exact(days, "days"),
            formula=f"{fmt(hours)} accelerator-hours / ({count:g} accelerators x 24 h{factor}) "
            f"= {days:.3g} days",
            assumptions=note,
        )
    raise ToolInputError("give exactly one of days or accelerator_hours")


def job_hours(
    accelerator_hours: float | None, accelerator_count: float | None, days: float | None
) -> tuple[float, str]:
    """Return a job's accelerator-hours, given directly or as accelerators x days, and its text.

    Args:
        accelerator_hours: the accelerator-hours, if given.
        accelerator_count: the number of accelerators, if given with ``days``.
        days: the wall-clock days, if given with ``accelerator_count``.
    """
    by_cluster = accelerator_count is not None or days is not None
    if accelerator_hours is not None and not by_cluster:
        return accelerator_hours, f"{fmt(accelerator_hours)} h"
    if accelerator_hours is None and accelerator_count is not None and days is not None:
        hours = accelerator_count * days * 24
        return hours, f"{accelerator_count:g} accelerators x {days:g} days x 24 h"
    raise ToolInputError(
        "give accelerator_hours, or accelerator_count and days (not both ways at once)"
    )
