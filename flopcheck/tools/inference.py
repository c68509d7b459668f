"""The inference cost calculator: USD per million generated tokens on one accelerator."""

from __future__ import annotations

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, ToolResult, Value, fmt, positive
from flopcheck.tools.hardware import dense_peak_tflops, parse_precision, rental_price
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.vocabulary import bytes_per_param

# Decode rarely reaches training-level utilization; 20-60% of peak spans published serving
# benchmarks from small to well-tuned deployments.
INFERENCE_MFU = (0.2, 0.4, 0.6)


class InferenceCostArgs(Args):
    active_params: float = Field(description="parameters active per token")
    accelerator: str = Field(description="accelerator name, e.g. 'H100'")
    usd_per_accelerator_hour: float | None = Field(
        default=None, description="rental price; default: the accelerator's market range"
    )
    batch_size: float | None = Field(
        default=None, description="concurrent sequences; default: large enough to be compute-bound"
    )
    precision: str | None = Field(
        default=None, description="weights/compute precision, bf16 default"
    )
    total_params: float | None = Field(
        default=None, description="total parameters (MoE): all must be read from memory"
    )


class InferenceCostResult(ToolResult):
    tokens_per_second: Value = Field(description="generated tokens per second per accelerator")
    compute_bound_tokens_per_second: float
    memory_bound_tokens_per_second_per_sequence: float
    crossover_batch_size: float = Field(description="batch above which decode is compute-bound")


def inference_cost(args: InferenceCostArgs) -> InferenceCostResult:
    """Serving cost in USD per million generated tokens, from compute-bound and memory-bound
    decode throughput (2 x active params FLOP per token; weights read once per decode step).

    Args:
        args: model size, accelerator, and optionally price, batch size, precision.
    """
    n = positive(args.active_params, "active_params")
    total = positive(args.total_params, "total_params") if args.total_params else n
    if total < n:
        raise ToolInputError("total_params must be at least active_params")
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    precision = parse_precision(args.precision)
    peak = dense_peak_tflops(chip, precision) * 1e12
    weight_bytes = total * bytes_per_param(precision)
    if chip.hbm_bandwidth_tb_s is None:
        raise ToolInputError(f"no memory bandwidth is published for {chip.id}")
    bandwidth = chip.hbm_bandwidth_tb_s * 1e12
    compute_tps = peak / (2 * n)
    per_sequence_tps = bandwidth / weight_bytes
    crossover = compute_tps / per_sequence_tps
    if args.batch_size is not None:
        batch = positive(args.batch_size, "batch_size")
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
        p = positive(args.usd_per_accelerator_hour, "usd_per_accelerator_hour")
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
    )
