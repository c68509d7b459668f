"""Accelerator tools: look a chip up, and compare two chips' dense peaks."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, BeforeValidator, Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, Record, ToolResult, Value
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import (
    PRECISIONS,
    Accelerator,
    Precision,
    RentalPrice,
    SourcedFigure,
    Tier,
    rental_prices,
)
from flopcheck.tools.vocabulary import peak_column

# MFU and throughput are conventionally quoted against the 16-bit peak.
DEFAULT_PRECISION: Precision = "bf16"


def canonical_precision(name: object) -> object:
    """Return a precision spelling ("BF16", "bfloat16", "FP32") as its peak column.

    Anything else is returned unchanged, for the enum's own validation to reject.

    Args:
        name: the value given for a precision argument.
    """
    if not isinstance(name, str):
        return name
    return peak_column(name) or name.strip().lower()


PrecisionArg = Annotated[Precision, BeforeValidator(canonical_precision)]
"""A precision argument: an enum in the schema, forgiving of case and common spellings."""


def parse_precision(name: str | None, default: Precision = DEFAULT_PRECISION) -> Precision:
    """Return the peak column a precision spelling maps to, or raise a fixable error.

    Args:
        name: e.g. "BF16", "fp8", "bfloat16", "FP32" (its tensor math is TF32); None gives
            ``default``.
        default: the precision to use when ``name`` is None.
    """
    if name is None:
        return default
    column = peak_column(name)
    if column is None:
        raise ToolInputError(
            f"unknown precision {name!r}; use one of {', '.join(PRECISIONS)}", list(PRECISIONS)
        )
    return column


def peak_figure(chip: Accelerator, precision: Precision) -> SourcedFigure | None:
    """Return a dense peak that is not on the datasheet row but in ``other_figures`` (an
    estimate such as the B100's FP64), or None.

    Args:
        chip: the accelerator record.
        precision: the precision asked for.
    """
    if chip.dense_peak_tflops.get(precision) is not None:
        return None
    return chip.other_figures.get(f"{precision}_tflops")


def supported_precisions(chip: Accelerator) -> list[Precision]:
    """Return the precisions a chip has a dense peak for (datasheet or other figures).

    Args:
        chip: the accelerator record.
    """
    return [
        p
        for p in PRECISIONS
        if chip.dense_peak_tflops.get(p) is not None or peak_figure(chip, p) is not None
    ]


def dense_peak_tflops(chip: Accelerator, precision: Precision) -> float:
    """Return a chip's dense peak at a precision, or raise an error naming what it supports.

    Args:
        chip: the accelerator record.
        precision: the precision asked for.
    """
    peak = chip.dense_peak_tflops.get(precision)
    other = peak_figure(chip, precision)
    if peak is None and other is not None:
        return other.mid()
    if peak is None:
        supported = supported_precisions(chip)
        raise ToolInputError(
            f"{chip.id} ({chip.architecture}) has no {precision.upper()} support; "
            f"it supports {', '.join(p.upper() for p in supported)}"
            if supported
            else f"no peak throughput of {chip.id} is on record; see its notes",
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
    # "name" was this argument's name before every tool said "accelerator"; Reports and
    # planners written then still send it.
    accelerator: str = Field(
        description="accelerator name, e.g. 'H800', 'A100 80GB', 'MI300X', 'TPU v4'",
        validation_alias=AliasChoices("accelerator", "name"),
    )


class SparsePeaks(Record):
    """Peaks "with sparsity" (2:4 structured): derived, dense x the vendor's multiplier."""

    derivation: str = Field(description="how these were derived from the dense peaks")
    tier: Tier
    tf32: float | None = None
    bf16: float | None = None
    fp16: float | None = None
    fp8: float | None = None
    fp4: float | None = None


def sparse_peaks(chip: Accelerator) -> SparsePeaks | None:
    """Return a chip's sparse peaks in TFLOP/s, derived from its dense ones, or None when its
    vendor quotes no sparse figure.

    Args:
        chip: the accelerator record.
    """
    if chip.sparse_multiplier is None:
        return None
    values: dict[str, float] = {}
    for p in PRECISIONS:
        dense = chip.dense_peak_tflops.get(p)
        if p != "fp64" and dense is not None:
            values[p] = dense * chip.per_precision_sparse_multiplier.get(p, chip.sparse_multiplier)
    exceptions = "".join(
        f"; {p.upper()} x{m:.3g}" for p, m in chip.per_precision_sparse_multiplier.items()
    )
    return SparsePeaks(
        derivation=f"dense x the vendor's 'with sparsity' multiplier {chip.sparse_multiplier:g}"
        f"{exceptions}; not a datasheet row of its own",
        tier=chip.tier,
        **values,
    )


class AcceleratorResult(ToolResult):
    accelerator: Accelerator
    sparse_peak_tflops: SparsePeaks | None = Field(
        description="'with sparsity' peaks, derived from the dense ones; null if none is quoted"
    )
    rental_usd_per_hour: RentalPrice | None = Field(description="dated rental price range")
    note: str = Field(description="how the name was interpreted; empty when it matched exactly")


def lookup_accelerator(args: LookupAcceleratorArgs) -> AcceleratorResult:
    """Look up an accelerator's datasheet figures: dense peak TFLOP/s per precision (absent =
    unsupported) and the derived sparse peaks, FP32 vector peak, memory, bandwidth, TDP and what
    it covers, SM/core/die/transistor counts, links, rental price range, tier and sources.

    Args:
        args: the accelerator name; generation names ("Hopper") resolve to their flagship and
            system names ("DGX H100") to their chip, with a note.
    """
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    price = rental_price(chip)
    sparse = sparse_peaks(chip)
    peaks = ", ".join(
        f"{p.upper()} {dense_peak_tflops(chip, p):g}" for p in supported_precisions(chip)
    )
    formula = f"{chip.id}: dense peak TFLOP/s {peaks or 'not on record'}"
    assumptions = [match.note] if match.note else []
    if sparse is not None:
        shown = [(p, getattr(sparse, p)) for p in PRECISIONS if p != "fp64"]
        formula += "; with sparsity (derived) " + ", ".join(
            f"{p.upper()} {v:g}" for p, v in shown if v is not None
        )
    if chip.tier != "disclosed":
        assumptions.append(f"datasheet figures are {chip.tier}s ({chip.estimator})")
    assumptions += [
        f"{p.upper()} peak {fig.mid():g} TFLOP/s is an {fig.tier} ({fig.estimator})"
        for p in PRECISIONS
        if (fig := peak_figure(chip, p)) is not None and fig.tier != "disclosed"
    ]
    sources = list(chip.sources) + ([price.source] if price else [])
    return AcceleratorResult(
        value=None,
        formula=formula,
        assumptions=assumptions,
        sources=sources,
        accelerator=chip,
        sparse_peak_tflops=sparse,
        rental_usd_per_hour=price,
        note=match.note,
    )


class CompareAcceleratorsArgs(Args):
    a: str = Field(description="first accelerator (numerator), e.g. 'H100'")
    b: str = Field(description="second accelerator (denominator), e.g. 'A100'")
    precision_a: PrecisionArg | None = Field(
        default=None, description=f"precision of a; default {DEFAULT_PRECISION}"
    )
    precision_b: PrecisionArg | None = Field(
        default=None, description="precision of b; default the same as precision_a"
    )


class PeakSide(Record):
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
        args: the two chips and their precisions (b defaults to a's precision).
    """
    ma, mb = resolve_accelerator(args.a), resolve_accelerator(args.b)
    pa = args.precision_a or DEFAULT_PRECISION
    pb = args.precision_b or pa
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
