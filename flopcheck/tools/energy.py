"""The energy calculator: accelerator-hours x power x server overhead x PUE."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, PositiveNumber, ToolResult, Value, fmt
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.training import job_hours

# Defaults when the caller gives no overhead or PUE. Low: the accelerator alone at TDP (the
# boundary BLOOM's 433,196 kWh uses); mid and high add host servers (a DGX H100 is specified at
# 10.2 kW for 8 x 700 W GPUs, 1.8x) and the facility (Google fleet PUE ~1.1; Uptime Institute
# survey average ~1.58).
OVERHEAD_RANGE = (1.0, 1.3, 1.8)
PUE_RANGE = (1.0, 1.2, 1.6)
# A multiplier above 5 is a unit slip, not a facility (the surveyed average PUE is 1.58).
MAX_MULTIPLIER = 5.0
Multiplier = Annotated[float, Field(ge=1, le=MAX_MULTIPLIER)]
ENERGY_SOURCES = [
    "NVIDIA DGX H100 datasheet: 10.2 kW max system power for 8 GPUs",
    "Google data centers efficiency report: fleet PUE ~1.10",
    "Uptime Institute Global Data Center Survey 2023: average PUE 1.58",
    "Luccioni et al. 2022 (arXiv 2211.02001): BLOOM 1,082,990 GPU-h x 400 W = 433,196 kWh",
]


def _range_text(r: tuple[float, float, float]) -> str:
    return f"{r[0]:g}-{r[2]:g} (mid {r[1]:g})"


class EnergyArgs(Args):
    accelerator: str = Field(description="accelerator name, for its TDP, e.g. 'A100 80GB'")
    accelerator_hours: PositiveNumber | None = Field(
        default=None, description="accelerator-hours of the job (or accelerator_count and days)"
    )
    accelerator_count: PositiveNumber | None = Field(
        default=None,
        description="accelerators running at once: with days, the job's energy; alone or with "
        "accelerator_hours, the average power draw",
    )
    days: PositiveNumber | None = Field(
        default=None, description="wall-clock days, with accelerator_count"
    )
    power_w: PositiveNumber | None = Field(
        default=None, description="average power per accelerator in W; default its TDP"
    )
    server_overhead: Multiplier | None = Field(
        default=None,
        description="host power multiplier (CPU, memory, network); default the range "
        + _range_text(OVERHEAD_RANGE),
    )
    pue: Multiplier | None = Field(
        default=None, description="data-centre PUE; default the range " + _range_text(PUE_RANGE)
    )


class EnergyResult(ToolResult):
    energy_kwh: Value | None = Field(description="energy of the job, when its hours are known")
    average_power_kw: Value | None = Field(
        description="average draw of accelerator_count accelerators, when a count is given"
    )


def _multiplier(given: float | None, default: tuple[float, float, float]) -> Value:
    if given is None:
        return Value(low=default[0], mid=default[1], high=default[2], unit="x")
    return Value.exact(given, "x")


def _scaled(base: float, overhead: Value, pue: Value, unit: str) -> Value:
    return Value(
        low=base * overhead.low * pue.low,
        mid=base * overhead.mid * pue.mid,
        high=base * overhead.high * pue.high,
        unit=unit,
    )


def _power(args: EnergyArgs) -> tuple[float, list[str], list[str]]:
    """Return the power per accelerator in W, its assumptions and sources."""
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    assumptions = [match.note] if match.note else []
    if args.power_w is not None:
        assumptions.append(f"average power {args.power_w:g} W per accelerator (given)")
        return args.power_w, assumptions, list(chip.sources)
    if chip.tdp_w is None:
        raise ToolInputError(f"no TDP is published for {chip.id}; pass power_w explicitly")
    assumptions.append(
        f"power = {chip.id} TDP {chip.tdp_w:g} W (an upper bound for the chip alone)"
    )
    return chip.tdp_w, assumptions, list(chip.sources)


def energy(args: EnergyArgs) -> EnergyResult:
    """Energy in kWh of a job (accelerator-hours x power x server overhead x PUE / 1000) and the
    average power in kW of N accelerators; power defaults to the TDP, overhead and PUE to
    published ranges. value is the energy, or the power when no hours are known.

    Args:
        args: the accelerator; accelerator-hours, or accelerators and days, and/or a count for
            the power; optional power, overhead and PUE.
    """
    count_only = args.accelerator_count is not None and args.days is None
    if args.accelerator_hours is None and args.accelerator_count is None:
        raise ToolInputError(
            "give accelerator_hours or accelerator_count and days (for energy), or "
            "accelerator_count (for average power)"
        )
    power, assumptions, sources = _power(args)
    overhead = _multiplier(args.server_overhead, OVERHEAD_RANGE)
    pue = _multiplier(args.pue, PUE_RANGE)
    if args.server_overhead is None or args.pue is None:
        assumptions.append(
            "low = accelerators alone; mid/high add host servers "
            f"(x{overhead.mid:g}/x{overhead.high:g}) and facility PUE ({pue.mid:g}/{pue.high:g})"
        )
    factors = (
        f"{power:g} W x overhead {overhead.low:g}-{overhead.high:g} x PUE "
        f"{pue.low:g}-{pue.high:g} / 1000"
    )
    formulas, kwh, kw = [], None, None
    if not (count_only and args.accelerator_hours is None):
        by_cluster = None if count_only else args.accelerator_count
        hours, hours_text = job_hours(args.accelerator_hours, by_cluster, args.days)
        kwh = _scaled(hours * power / 1000, overhead, pue, "kWh")
        formulas.append(f"{hours_text} x {factors} = {fmt(kwh.low)}-{fmt(kwh.high)} kWh")
    if args.accelerator_count is not None:
        count = args.accelerator_count
        kw = _scaled(count * power / 1000, overhead, pue, "kW")
        formulas.append(
            f"{fmt(count)} accelerators x {factors} = {fmt(kw.low)}-{fmt(kw.high)} kW "
            f"({kw.low / 1000:.3g}-{kw.high / 1000:.3g} MW)"
        )
    return EnergyResult(
        value=kwh or kw,
        formula="; ".join(formulas),
        assumptions=assumptions,
        sources=[*sources, *ENERGY_SOURCES],
        energy_kwh=kwh,
        average_power_kw=kw,
    )
