"""The energy calculator: accelerator-hours x power x server overhead x PUE."""

from __future__ import annotations

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, ToolResult, Value, fmt, positive
from flopcheck.tools.names import resolve_accelerator

# Defaults when the caller gives no overhead or PUE. Low: the accelerator alone at TDP (the
# boundary BLOOM's 433,196 kWh uses); mid and high add host servers (a DGX H100 is specified at
# 10.2 kW for 8 x 700 W GPUs, 1.8x) and the facility (Google fleet PUE ~1.1; Uptime Institute
# survey average ~1.58).
OVERHEAD_RANGE = (1.0, 1.3, 1.8)
PUE_RANGE = (1.0, 1.2, 1.6)
ENERGY_SOURCES = [
    "NVIDIA DGX H100 datasheet: 10.2 kW max system power for 8 GPUs",
    "Google data centers efficiency report: fleet PUE ~1.10",
    "Uptime Institute Global Data Center Survey 2023: average PUE 1.58",
    "Luccioni et al. 2022 (arXiv 2211.02001): BLOOM 1,082,990 GPU-h x 400 W = 433,196 kWh",
]


class EnergyArgs(Args):
    accelerator: str = Field(description="accelerator name, for its TDP, e.g. 'A100 80GB'")
    accelerator_hours: float | None = Field(
        default=None, description="accelerator-hours, for the energy (give this and/or a count)"
    )
    accelerator_count: float | None = Field(
        default=None, description="accelerators running at once, for the average power draw"
    )
    power_w: float | None = Field(default=None, description="average power per accelerator in W")
    server_overhead: float | None = Field(
        default=None, description="host power multiplier (CPU, memory, network) >= 1"
    )
    pue: float | None = Field(default=None, description="data-centre PUE >= 1")


def _multiplier(given: float | None, default: tuple[float, float, float], what: str) -> Value:
    if given is None:
        return Value(low=default[0], mid=default[1], high=default[2], unit="x")
    if not 1.0 <= positive(given, what) <= 5.0:
        raise ToolInputError(f"{what} is a multiplier between 1 and 5, got {given:g}")
    return Value.exact(given, "x")


class EnergyResult(ToolResult):
    energy_kwh: Value | None = Field(description="energy of the accelerator-hours, if given")
    average_power_kw: Value | None = Field(
        description="average draw of accelerator_count accelerators, if given"
    )


def energy(args: EnergyArgs) -> EnergyResult:
    """Energy in kWh (accelerator-hours x power x server overhead x PUE) and average power in
    kW of N accelerators (N x power x overhead x PUE); power defaults to the TDP, and overhead
    and PUE to published ranges. value is the energy, or the power when no hours are given.

    Args:
        args: the accelerator, accelerator-hours and/or a count, optional power/overhead/PUE.
    """
    if args.accelerator_hours is None and args.accelerator_count is None:
        raise ToolInputError("give accelerator_hours (for energy) or accelerator_count (for power)")
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    assumptions = [match.note] if match.note else []
    if args.power_w is not None:
        power = positive(args.power_w, "power_w")
        assumptions.append(f"average power {power:g} W per accelerator (given)")
    elif chip.tdp_w is not None:
        power = chip.tdp_w
        assumptions.append(f"power = {chip.id} TDP {power:g} W (an upper bound for the chip alone)")
    else:
        raise ToolInputError(f"no TDP is published for {chip.id}; pass power_w explicitly")
    overhead = _multiplier(args.server_overhead, OVERHEAD_RANGE, "server_overhead")
    pue = _multiplier(args.pue, PUE_RANGE, "pue")
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
    if args.accelerator_hours is not None:
        hours = positive(args.accelerator_hours, "accelerator_hours")
        kwh = _scaled(hours * power / 1000, overhead, pue, "kWh")
        formulas.append(f"{fmt(hours)} h x {factors} = {fmt(kwh.low)}-{fmt(kwh.high)} kWh")
    if args.accelerator_count is not None:
        count = positive(args.accelerator_count, "accelerator_count")
        kw = _scaled(count * power / 1000, overhead, pue, "kW")
        formulas.append(
            f"{fmt(count)} accelerators x {factors} = {fmt(kw.low)}-{fmt(kw.high)} kW "
            f"({kw.low / 1000:.3g}-{kw.high / 1000:.3g} MW)"
        )
    return EnergyResult(
        value=kwh or kw,
        formula="; ".join(formulas),
        assumptions=assumptions,
        sources=[*chip.sources, *ENERGY_SOURCES],
        energy_kwh=kwh,
        average_power_kw=kw,
    )


def _scaled(base: float, overhead: Value, pue: Value, unit: str) -> Value:
    return Value(
        low=base * overhead.low * pue.low,
        mid=base * overhead.mid * pue.mid,
        high=base * overhead.high * pue.high,
        unit=unit,
    )
