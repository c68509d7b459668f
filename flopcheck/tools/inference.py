"""The inference cost calculator: USD per million generated tokens on one accelerator."""

from __future__ import annotations

import math

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, PositiveNumber, ToolResult, Value, fmt
from flopcheck.tools.hardware import (
    DEFAULT_PRECISION,
    PrecisionArg,
    dense_peak_tflops,
    rental_price,
)
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import Accelerator
from flopcheck.tools.vocabulary import bytes_per_param

# Decode rarely reaches training-level utilization; 20-60% of peak spans published serving
# benchmarks from small to well-tuned deployments.
INFERENCE_MFU = (0.2, 0.4, 0.6)


class InferenceCostArgs(Args):
    active_params: PositiveNumber = Field(
        description="parameters active per token, counted one by one (70e9 for 70B)"
    )
    accelerator: str = Field(description="accelerator name, e.g. 'H100'")
    usd_per_accelerator_hour: PositiveNumber | None = Field(
        default=None, description="rental price; default: the accelerator's market range"
    )
    batch_size: PositiveNumber | None = Field(
        default=None, description="concurrent sequences; default: large enough to be compute-bound"
    )
    precision: PrecisionArg | None = Field(
        default=None, description=f"weights/compute precision; default {DEFAULT_PRECISION}"
    )
    total_params: PositiveNumber | None = Field(
        default=None, description="total parameters (MoE): all must be read from memory"
    )
    accelerator_count: PositiveNumber | None = Field(
        default=None,
        description="accelerators holding one copy of the weights; default 1 (only memory fit "
        "depends on it: per-accelerator throughput is the same when weights are sharded)",
    )
    kv_cache_gb_per_sequence: PositiveNumber | None = Field(
        default=None,
        description="KV-cache memory of one sequence in GB, to check memory fit at the batch "
        "size; default not counted",
    )


class InferenceCostResult(ToolResult):
    tokens_per_second: Value = Field(description="generated tokens per second per accelerator")
    compute_bound_tokens_per_second: float
    memory_bound_tokens_per_second_per_sequence: float
    crossover_batch_size: float = Field(description="batch above which decode is compute-bound")
    memory_needed_gb: float = Field(description="weights plus KV cache at the batch size")
    memory_available_gb: float | None = Field(
        description="memory of accelerator_count accelerators; null when not published"
    )


def _memory_warning(
    chip: Accelerator, count: float, weights_gb: float, kv_gb: float, batch: float
) -> list[str]:
    """Return a warning when weights and KV cache do not fit the accelerators' memory.

    Args:
        chip: the accelerator.
        count: how many accelerators hold one copy of the weights.
        weights_gb: the weights' size in GB.
        kv_gb: the KV cache at the batch size, in GB.
        batch: the batch size.
    """
    needed = weights_gb + kv_gb
    if chip.memory_gb is None or needed <= chip.memory_gb * count:
        return []
    kv = f" + KV cache {kv_gb:,.0f} GB at batch {batch:.0f}" if kv_gb else ""
    fewest = math.ceil(needed / chip.memory_gb)
    return [
        f"does not fit: weights {weights_gb:,.0f} GB{kv} need {needed:,.0f} GB, but "
        f"{count:g} x {chip.id} hold {chip.memory_gb * count:,.0f} GB; serving needs at least "
        f"{fewest} accelerators (pass accelerator_count)"
        + (", or a smaller batch" if kv_gb else "")
    ]


def inference_cost(args: InferenceCostArgs) -> InferenceCostResult:
    """Serving cost in USD per million generated tokens, from compute-bound and memory-bound
    decode throughput (2 x active params FLOP per token; weights read once per decode step).

    Args:
        args: model size, accelerator, and optionally price, batch size, precision.
    """
    n = args.active_params
    total = args.total_params or n
    if total < n:
        raise ToolInputError("total_params must be at least active_params")
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    precision = args.precision or DEFAULT_PRECISION
    peak = dense_peak_tflops(chip, precision) * 1e12
    weight_bytes = total * bytes_per_param(precision)
    if chip.hbm_bandwidth_tb_s is None:
        raise ToolInputError(f"no memory bandwidth is published for {chip.id}")
    bandwidth = chip.hbm_bandwidth_tb_s * 1e12
    compute_tps = peak / (2 * n)
    per_sequence_tps = bandwidth / weight_bytes
    crossover = compute_tps / per_sequence_tps
    if args.batch_size is not None:
        batch = args.batch_size
        ceiling = min(compute_tps, batch * per_sequence_tps)
    else:
        batch, ceiling = crossover, compute_tps
    tps = Value(
        low=ceiling * INFERENCE_MFU[0],
        mid=ceiling * INFERENCE_MFU[1],
        high=ceiling * INFERENCE_MFU[2],
        unit="tokens/s",
    )
    assumptions = [match.note] if match.note else []
    sources = list(chip.sources)
    if args.usd_per_accelerator_hour is not None:
        p = args.usd_per_accelerator_hour
        prices = (p, p, p)
    else:
        row = rental_price(chip)
        if row is None:
            raise ToolInputError(
                f"no rental price known for {chip.id}; pass usd_per_accelerator_hour"
            )
        prices = (row.low_usd_per_hour, row.typical_usd_per_hour, row.high_usd_per_hour)
        assumptions.append(f"rental price {row.basis} (as of {row.as_of})")
        sources.append(row.source)
    usd = Value(
        low=prices[0] / (tps.high * 3600) * 1e6,
        mid=prices[1] / (tps.mid * 3600) * 1e6,
        high=prices[2] / (tps.low * 3600) * 1e6,
        unit="USD/Mtok",
    )
    assumptions += [
        f"utilization {INFERENCE_MFU[0]:.0%}-{INFERENCE_MFU[2]:.0%} of the throughput ceiling",
        f"batch {batch:.0f}"
        + (" (the compute-bound crossover)" if args.batch_size is None else ""),
        "KV-cache reads and prefill ignored: a lower bound on real serving cost",
    ]
    kv_gb = (args.kv_cache_gb_per_sequence or 0.0) * batch
    if args.kv_cache_gb_per_sequence is None:
        assumptions.append("memory fit counts the weights only (no kv_cache_gb_per_sequence)")
    count = args.accelerator_count or 1.0
    weights_gb = weight_bytes / 1e9
    return InferenceCostResult(
        value=usd,
        formula=(
            f"ceiling min({peak / 1e12:g} TFLOP/s / (2 x {fmt(n)}), batch {batch:.0f} x "
            f"{chip.hbm_bandwidth_tb_s:g} TB/s / {fmt(weight_bytes)} B) = {ceiling:.4g} tok/s; "
            f"${prices[1]:g}/h / ({tps.mid:.4g} tok/s x 3600) x 1e6 = ${usd.mid:.3g}/Mtok"
        ),
        assumptions=assumptions,
        sources=sources,
        tokens_per_second=tps,
        compute_bound_tokens_per_second=compute_tps,
        memory_bound_tokens_per_second_per_sequence=per_sequence_tps,
        crossover_batch_size=crossover,
        memory_needed_gb=weights_gb + kv_gb,
        memory_available_gb=chip.memory_gb * count if chip.memory_gb is not None else None,
        warnings=_memory_warning(chip, count, weights_gb, kv_gb, batch),
    )
