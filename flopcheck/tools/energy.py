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
    accelerator_hours: PositiveNumber | None = Field(
        default=None, description="accelerator-hours (or give accelerator_count and days)"
    )
    accelerator: str = Field(description="accelerator name, for its TDP, e.g. 'A100 80GB'")
    accelerator_count: PositiveNumber | None = Field(
        default=None, description="number of accelerators, with days, instead of accelerator_hours"
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


def _multiplier(given: float | None, default: tuple[float, float, float]) -> Value:
    if given is None:
        return Value(low=default[0], mid=default[1], high=default[2], unit="x")
    return Value.exact(given, "x")


def energy(args: EnergyArgs) -> ToolResult:
    """Energy in kWh of a training or inference job: accelerator-hours x power (default TDP) x
    server overhead x PUE / 1000, as a range when overhead and PUE are not given.

    Args:
        args: accelerator-hours (or accelerators and days), the accelerator, and optional power,
            overhead and PUE.
    """
    hours, hours_text = job_hours(args.accelerator_hours, args.accelerator_count, args.days)
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    assumptions = [match.note] if match.note else []
    if args.power_w is not None:
        power = args.power_w
        assumptions.append(f"average power {power:g} W per accelerator (given)")
    elif chip.tdp_w is not None:
        power = chip.tdp_w
        assumptions.append(f"power = {chip.id} TDP {power:g} W (an upper bound for the chip alone)")
    else:
        raise ToolInputError(f"no TDP is published for {chip.id}; pass power_w explicitly")
    overhead = _multiplier(args.server_overhead, OVERHEAD_RANGE)
    pue = _multiplier(args.pue, PUE_RANGE)
    if args.server_overhead is None or args.pue is None:
        assumptions.append(
            "low = accelerators alone; mid/high add host servers "
            f"(x{overhead.mid:g}/x{overhead.high:g}) and facility PUE ({pue.mid:g}/{pue.high:g})"
        )
    base_kwh = hours * power / 1000
    kwh = Value(
        low=base_kwh * overhead.low * pue.low,
        mid=base_kwh * overhead.mid * pue.mid,
        high=base_kwh * overhead.high * pue.high,
        unit="kWh",
    )
    return ToolResult(
        value=kwh,
        formula=(
            f"{hours_text} x {power:g} W x overhead {overhead.low:g}-{overhead.high:g} x PUE "
            f"{pue.low:g}-{pue.high:g} / 1000 = {fmt(kwh.low)}-{fmt(kwh.high)} kWh"
        ),
        assumptions=assumptions,
        sources=[*chip.sources, *ENERGY_SOURCES],
    )
