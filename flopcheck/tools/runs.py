"""Lookups of reported figures: training runs and API list prices."""

from __future__ import annotations

from pydantic import Field

from flopcheck.tools._results import Args, ToolResult, fmt
from flopcheck.tools.names import resolve_api_model, resolve_training_run
from flopcheck.tools.tables import ApiPrice, TrainingRun


class LookupTrainingRunArgs(Args):
    model: str = Field(description="model name, e.g. 'DeepSeek-V3', 'Llama 3.1 405B', 'GPT-3'")


class TrainingRunResult(ToolResult):
    run: TrainingRun


def lookup_training_run(args: LookupTrainingRunArgs) -> TrainingRunResult:
    """Look up a model's reported training run: parameters (total and active), tokens, hardware,
    accelerator-hours by stage, reported cost and its basis, MFU, energy, each with its source.

    Args:
        args: the model name.
    """
    run = resolve_training_run(args.model)
    parts = []
    if run.total_params:
        active = run.active_params.value if run.active_params else run.total_params.value
        parts.append(f"{fmt(run.total_params.value)} params ({fmt(active)} active)")
    if run.tokens:
        parts.append(f"{fmt(run.tokens.value)} tokens")
    if run.accelerator_hours_total:
        parts.append(
            f"{fmt(run.accelerator_hours_total.value)} {run.accelerator or 'accelerator'}-h"
        )
    if run.reported_cost_usd:
        parts.append(
            f"${fmt(run.reported_cost_usd.value)} ({run.cost_basis or 'basis not stated'})"
        )
    assumptions = [f"disclosure: {run.disclosure}", *run.notes]
    return TrainingRunResult(
        value=None,
        formula=f"{run.id}: " + ("; ".join(parts) or "no figures disclosed"),
        assumptions=assumptions,
        sources=list(run.sources),
        run=run,
    )


class LookupApiPriceArgs(Args):
    model: str = Field(description="hosted model name, e.g. 'GPT-4o', 'DeepSeek-V3', 'o1'")


class ApiPriceResult(ToolResult):
    price: ApiPrice


def lookup_api_price(args: LookupApiPriceArgs) -> ApiPriceResult:
    """Look up a hosted model's API list price in USD per million input and output tokens.

    Args:
        args: the model name.
    """
    row = resolve_api_model(args.model)
    return ApiPriceResult(
        value=None,
        formula=(
            f"{row.model} ({row.provider}): ${row.input_usd_per_mtok:g} input / "
            f"${row.output_usd_per_mtok:g} output per million tokens, as of {row.as_of}"
        ),
        assumptions=["list prices; discounts, caching and batch pricing differ"],
        sources=list(row.sources),
        price=row,
    )
