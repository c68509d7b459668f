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
    accelerator_hours: float = Field(description="accelerator-hours")
    accelerator: str = Field(description="accelerator name, for its TDP, e.g. 'A100 80GB'")
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


def energy(args: EnergyArgs) -> ToolResult:
    """Energy in kWh of a training or inference job: accelerator-hours x power (default TDP) x
    server overhead x PUE / 1000, as a range when overhead and PUE are not given.

    Args:
        args: accelerator-hours, the accelerator, and optional power, overhead and PUE.
    """
    hours = positive(args.accelerator_hours, "accelerator_hours")
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
            f"{fmt(hours)} h x {power:g} W x overhead {overhead.low:g}-{overhead.high:g} x PUE "
            f"{pue.low:g}-{pue.high:g} / 1000 = {fmt(kwh.low)}-{fmt(kwh.high)} kWh"
        ),
        assumptions=assumptions,
        sources=[*chip.sources, *ENERGY_SOURCES],
    )
