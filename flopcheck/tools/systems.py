"""Systems and clusters: look up a node, rack or pod, and the peak of N accelerators.

A node or rack figure is count x chip: the vendor's system peaks are shown next to that
product so a claim can be checked against either, and never against one chip.
"""

from __future__ import annotations

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, PositiveNumber, Record, ToolResult, Value, fmt
from flopcheck.tools.hardware import (
    DEFAULT_PRECISION,
    PrecisionArg,
    dense_peak_tflops,
    sparse_peaks,
)
from flopcheck.tools.names import accelerator_by_id, resolve_accelerator, resolve_system
from flopcheck.tools.tables import PRECISIONS, DensePeaks, Precision, System, Tier


class LookupSystemArgs(Args):
    name: str = Field(description="system name, e.g. 'DGX H100', 'GB200 NVL72', 'TPU v5p pod'")


class AcceleratorTotals(Record):
    """The system's chips added up: count x the chip's datasheet figures (derived)."""

    derivation: str
    tier: Tier
    dense_peak_pflops: DensePeaks
    accelerator_tdp_kw: float | None = Field(description="count x chip TDP: the chips alone")


class SystemResult(ToolResult):
    system: System
    accelerator_totals: AcceleratorTotals


def accelerator_totals(system: System) -> AcceleratorTotals:
    """Return count x chip peaks and TDP for a system.

    Args:
        system: the system record.
    """
    chip = accelerator_by_id(system.accelerator)
    n = system.accelerator_count
    peaks = {}
    for p in PRECISIONS:
        tflops = chip.dense_peak_tflops.get(p)
        if tflops is not None:
            peaks[p] = n * tflops / 1000
    return AcceleratorTotals(
        derivation=f"{n} x {chip.id} datasheet figures",
        tier=chip.tier,
        dense_peak_pflops=DensePeaks(**peaks),
        accelerator_tdp_kw=n * chip.tdp_w / 1000 if chip.tdp_w else None,
    )


def lookup_system(args: LookupSystemArgs) -> SystemResult:
    """Look up a node, rack or pod (DGX/HGX, NVL72, TPU pod): its accelerator and count, the
    vendor's system power and peaks, and count x chip peaks and TDP for comparison.

    Args:
        args: the system name.
    """
    system = resolve_system(args.name)
    totals = accelerator_totals(system)
    parts = [f"{system.id}: {system.accelerator_count} x {system.accelerator}"]
    if system.system_power_kw is not None:
        parts.append(f"{system.system_power_kw:g} kW ({system.power_scope or 'system power'})")
    elif "system_power_kw" in system.other_figures:
        fig = system.other_figures["system_power_kw"]
        parts.append(f"~{fig.mid():g} kW ({fig.tier}, {fig.estimator})")
    if totals.accelerator_tdp_kw is not None:
        parts.append(f"chips alone {totals.accelerator_tdp_kw:g} kW at TDP")
    assumptions = [
        "system peaks are the vendor's dense figures (quotes 'with sparsity' halved); chip "
        "totals are count x the chip's dense peaks"
    ]
    return SystemResult(
        value=None,
        formula="; ".join(parts),
        assumptions=assumptions + list(system.notes),
        sources=list(system.sources),
        system=system,
        accelerator_totals=totals,
    )


class ClusterPeakArgs(Args):
    accelerator: str = Field(
        description="accelerator or system name, e.g. 'H100', 'GB200 NVL72', 'TPU v5p pod'"
    )
    accelerator_count: PositiveNumber | None = Field(
        default=None,
        description="number of accelerators (chips, not systems); default: a named system's count",
    )
    precision: PrecisionArg | None = Field(
        default=None, description=f"the peak to multiply; default {DEFAULT_PRECISION}"
    )
    sparse: bool | None = Field(
        default=None, description="true for the vendor's 'with sparsity' peak; default dense"
    )


class ClusterPeakResult(ToolResult):
    accelerator: str
    accelerator_count: float
    precision: Precision
    sparse: bool
    peak_per_accelerator_tflops: float


def cluster_peak(args: ClusterPeakArgs) -> ClusterPeakResult:
    """Peak throughput of N accelerators in PFLOP/s: count x the chip's dense peak at a
    precision, or its derived 'with sparsity' peak when sparse is true.

    Args:
        args: the chip or system, the count, the precision and dense or sparse.
    """
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    assumptions: list[str] = []
    if args.accelerator_count is not None:
        count = args.accelerator_count
        assumptions += [match.note] if match.note else []
    else:
        try:
            system = resolve_system(args.accelerator)
        except ToolInputError:
            raise ToolInputError(
                "give accelerator_count, or name a system (e.g. 'GB200 NVL72') to use its count"
            ) from None
        count = float(system.accelerator_count)
        assumptions.append(f"{system.id}: {system.accelerator_count} x {chip.id}")
    precision = args.precision or DEFAULT_PRECISION
    peak = dense_peak_tflops(chip, precision)
    sparse = bool(args.sparse)
    if sparse:
        derived = sparse_peaks(chip)
        value = getattr(derived, precision) if derived is not None and precision != "fp64" else None
        if value is None:
            raise ToolInputError(f"{chip.id} has no 'with sparsity' {precision.upper()} figure")
        how = derived.derivation if derived else ""
        assumptions.append(f"sparse peak {value:g} TFLOP/s = {how}")
        peak = value
    else:
        assumptions.append("dense peak (vendors' 'with sparsity' figures are higher)")
    total = count * peak / 1000
    kind = "sparse" if sparse else "dense"
    return ClusterPeakResult(
        value=Value.exact(total, "PFLOP/s"),
        formula=f"{fmt(count)} x {chip.id} {precision.upper()} {kind} {peak:g} TFLOP/s = "
        f"{fmt(total)} PFLOP/s",
        assumptions=assumptions,
        sources=list(chip.sources),
        accelerator=chip.id,
        accelerator_count=count,
        precision=precision,
        sparse=sparse,
        peak_per_accelerator_tflops=peak,
    )
