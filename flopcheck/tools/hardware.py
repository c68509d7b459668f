"""Accelerator tools: look a chip up, and compare two chips' dense peaks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, ToolResult, Value
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import PRECISIONS, Accelerator, Precision, RentalPrice, rental_prices

_PRECISION_ALIASES = {"fp32": "tf32", "float16": "fp16", "bfloat16": "bf16", "float8": "fp8"}


def parse_precision(name: str | None, default: Precision = "bf16") -> Precision:
    """Return a canonical precision name, or raise a fixable error.

    Args:
        name: e.g. "BF16", "fp8", "FP16"; None gives ``default``.
        default: the precision to use when ``name`` is None.
    """
    if name is None:
        return default
    key = name.strip().lower().replace("-", "").replace(" ", "")
    key = _PRECISION_ALIASES.get(key, key)
    for p in PRECISIONS:
        if key == p:
            return p
    raise ToolInputError(
        f"unknown precision {name!r}; use one of {', '.join(PRECISIONS)}", list(PRECISIONS)
    )


def supported_precisions(chip: Accelerator) -> list[Precision]:
    """Return the precisions a chip has a dense peak for.

    Args:
        chip: the accelerator record.
    """
    return [p for p in PRECISIONS if chip.dense_peak_tflops.get(p) is not None]


def dense_peak_tflops(chip: Accelerator, precision: Precision) -> float:
    """Return a chip's dense peak at a precision, or raise an error naming what it supports.

    Args:
        chip: the accelerator record.
        precision: the precision asked for.
    """
    peak = chip.dense_peak_tflops.get(precision)
    if peak is None:
        supported = supported_precisions(chip)
        raise ToolInputError(
            f"{chip.id} ({chip.architecture}) has no {precision.upper()} support; "
            f"it supports {', '.join(p.upper() for p in supported)}",
            list(supported),
        )
    return peak


def reference_peak_tflops(chip: Accelerator) -> tuple[Precision, float]:
    """Return the precision and peak that MFU is conventionally quoted against (BF16, else FP16).

    Args:
        chip: the accelerator record.
    """
    for p in ("bf16", "fp16", "tf32"):
        peak = chip.dense_peak_tflops.get(p)
        if peak is not None:
            return p, peak
    raise ToolInputError(f"{chip.id} has no 16-bit or TF32 peak to quote MFU against")


def rental_price(chip: Accelerator) -> RentalPrice | None:
    """Return the default rental price range of a chip (used when no date is given), if any.

    Args:
        chip: the accelerator record.
    """
    return next((r for r in rental_prices() if r.accelerator == chip.id and r.default), None)


class LookupAcceleratorArgs(Args):
    name: str = Field(description="accelerator name, e.g. 'H800', 'A100 80GB', 'MI300X', 'TPU v4'")


class AcceleratorResult(ToolResult):
    accelerator: Accelerator
    rental_usd_per_hour: RentalPrice | None = Field(description="dated rental price range")
    note: str = Field(description="how the name was interpreted; empty when it matched exactly")


def lookup_accelerator(args: LookupAcceleratorArgs) -> AcceleratorResult:
    """Look up an accelerator's datasheet figures: dense peak TFLOP/s per precision (absent =
    unsupported), memory, HBM bandwidth, TDP, year, rental price range and sources.

    Args:
        args: the accelerator name; generation names ("Hopper") resolve to their flagship.
    """
    match = resolve_accelerator(args.name)
    chip = match.record
    price = rental_price(chip)
    peaks = ", ".join(
        f"{p.upper()} {dense_peak_tflops(chip, p):g}" for p in supported_precisions(chip)
    )
    sources = list(chip.sources) + ([price.source] if price else [])
    return AcceleratorResult(
        value=None,
        formula=f"{chip.id}: dense peak TFLOP/s {peaks}",
        assumptions=[match.note] if match.note else [],
        sources=sources,
        accelerator=chip,
        rental_usd_per_hour=price,
        note=match.note,
    )


class CompareAcceleratorsArgs(Args):
    a: str = Field(description="first accelerator (numerator), e.g. 'H100'")
    b: str = Field(description="second accelerator (denominator), e.g. 'A100'")
    precision_a: str | None = Field(default=None, description="precision of a; default bf16")
    precision_b: str | None = Field(
        default=None, description="precision of b; default the same as precision_a"
    )


class PeakSide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accelerator: str
    architecture: str
    precision: Precision
    dense_peak_tflops: float


class CompareAcceleratorsResult(ToolResult):
    a: PeakSide
    b: PeakSide
    same_precision: bool
    same_generation: bool


def compare_accelerators(args: CompareAcceleratorsArgs) -> CompareAcceleratorsResult:
    """Compare two accelerators' dense peak throughput: ratio a/b at the given precisions.

    Args:
        args: the two chips and their precisions (b defaults to a's precision, a to bf16).
    """
    ma, mb = resolve_accelerator(args.a), resolve_accelerator(args.b)
    pa = parse_precision(args.precision_a)
    pb = parse_precision(args.precision_b, default=pa)
    peak_a, peak_b = dense_peak_tflops(ma.record, pa), dense_peak_tflops(mb.record, pb)
    ratio = peak_a / peak_b
    side_a = PeakSide(
        accelerator=ma.record.id,
        architecture=ma.record.architecture,
        precision=pa,
        dense_peak_tflops=peak_a,
    )
    side_b = PeakSide(
        accelerator=mb.record.id,
        architecture=mb.record.architecture,
        precision=pb,
        dense_peak_tflops=peak_b,
    )
    assumptions = [m.note for m in (ma, mb) if m.note]
    assumptions.append("dense peaks (vendors' 'with sparsity' figures are 2x these)")
    if pa != pb:
        assumptions.append(f"cross-precision comparison: {pa.upper()} vs {pb.upper()}")
    if side_a.architecture != side_b.architecture:
        assumptions.append(
            f"cross-generation comparison: {side_a.architecture} vs {side_b.architecture}"
        )
    return CompareAcceleratorsResult(
        value=Value.exact(ratio, "ratio"),
        formula=(
            f"{side_a.accelerator} {pa.upper()} {peak_a:g} TFLOP/s / "
            f"{side_b.accelerator} {pb.upper()} {peak_b:g} TFLOP/s = {ratio:.3g}x"
        ),
        assumptions=assumptions,
        sources=[*ma.record.sources, *mb.record.sources],
        a=side_a,
        b=side_b,
        same_precision=pa == pb,
        same_generation=side_a.architecture == side_b.architecture,
    )
