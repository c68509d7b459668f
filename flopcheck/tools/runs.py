"""Lookups of reported figures: training runs and hosted-model API prices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import Field

from flopcheck.tools._results import Args, Record, ToolResult, fmt
from flopcheck.tools.names import resolve_api_model, resolve_training_run
from flopcheck.tools.provenance import SourcedFigure, Tier
from flopcheck.tools.tables import ApiModel, ApiPricePoint, TrainingRun


class LookupTrainingRunArgs(Args):
    model: str = Field(description="model name, e.g. 'DeepSeek-V3', 'Llama 3.1 405B', 'GPT-3'")


class TrainingRunResult(ToolResult):
    run: TrainingRun


def _provenance(fig: SourcedFigure) -> str:
    who = f" ({fig.estimator})" if fig.estimator else ""
    return f"{fig.tier}{who}"


def headline_tier(run: Mapping[str, Any]) -> Tier | None:
    """Return the most direct tier among a run record's headline figures (cost, hours, FLOP).

    Args:
        run: the ``run`` of a lookup_training_run result.
    """
    return TrainingRun.model_validate(run).headline_tier()


def lookup_training_run(args: LookupTrainingRunArgs) -> TrainingRunResult:
    """Look up a model's training run: parameters (total and active), tokens, hardware,
    accelerator-hours by stage, compute, MFU, cost and its basis, energy; every figure with its
    tier (disclosed / estimate / rumour), estimator and source, and other estimates of it.

    Args:
        args: the model name; a family name alone ("Llama 3") is ambiguous.
    """
    run = resolve_training_run(args.model)
    figures = run.figures()
    parts = []
    for name, fig in figures.items():
        parts.append(f"{name} {fmt(fig.mid())} [{_provenance(fig)}]")
    assumptions = [
        f"{name}: also {fmt(alt.mid())} [{_provenance(alt)}]"
        for name, fig in figures.items()
        for alt in fig.alternatives
    ]
    if run.cost_basis:
        assumptions.append(f"cost basis: {run.cost_basis}")
    return TrainingRunResult(
        value=None,
        formula=f"{run.id}: " + ("; ".join(parts) or "no figures published"),
        assumptions=[*assumptions, *run.notes],
        sources=list(run.sources),
        run=run,
    )


class LookupApiPriceArgs(Args):
    model: str = Field(description="hosted model name, e.g. 'GPT-4o', 'DeepSeek-V3', 'o1'")
    as_of: date | None = Field(
        default=None,
        description="date whose price to return (YYYY-MM-DD), e.g. the article's date; "
        "default: the latest listed price",
    )


class PriceInForce(Record):
    """The price a hosted model listed over one period."""

    model: str
    provider: str
    kind: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    cached_input_usd_per_mtok: float | None
    as_of: str = Field(description="when this price took effect (YYYY-MM-DD)")
    effective_until: str | None = Field(description="when it was superseded; null if current")
    tier: Tier
    estimator: str | None
    source: str
    note: str | None


class ApiPriceResult(ToolResult):
    price: PriceInForce = Field(description="the standard price in force at as_of (or latest)")
    variants: list[PriceInForce] = Field(
        description="other prices in force then: off-peak, batch, flex, long-context, promotion"
    )
    reasoning: str | None = Field(description="yes / optional / no: whether the model thinks first")
    history: list[ApiPricePoint] = Field(description="every price point, oldest first")
    note: str = Field(description="how the date was applied; empty when the price was in force")


def price_at(row: ApiModel, on: date | None) -> tuple[ApiPricePoint, str]:
    """Return the standard price of a hosted model on a date (latest when None), and a note
    when no standard price was in force that day.

    Args:
        row: the hosted model.
        on: the day, or None for the latest price.
    """
    standard = row.history()
    if on is None:
        latest = standard[-1]
        if latest.effective_until is None:
            return latest, ""
        return latest, f"no longer listed after {latest.effective_until}: its last price"
    in_force = [p for p in standard if p.in_force(on)]
    if in_force:
        return in_force[0], ""
    variants = sorted((p for p in row.prices if p.in_force(on)), key=lambda p: p.kind)
    if variants:
        return variants[0], f"no standard price on {on}: the {variants[0].kind} price applied"
    before = [p for p in standard if p.as_of <= on]
    if before:
        return before[-1], f"not listed on {on}: its last price ended {before[-1].effective_until}"
    return standard[
        0
    ], f"no price on record on {on}: the earliest recorded is from {standard[0].as_of}"


def price_history(row: ApiModel) -> list[ApiPricePoint]:
    """Return every price point of a hosted model, oldest first (the lookup's ``history``).

    Args:
        row: the hosted model.
    """
    return sorted(row.prices, key=lambda p: (p.as_of, p.kind))


def price_in_force(row: ApiModel, point: ApiPricePoint) -> PriceInForce:
    """Return one price point of a hosted model as a self-describing record.

    Args:
        row: the hosted model.
        point: one of its price points.
    """
    return PriceInForce(
        model=row.model,
        provider=row.provider,
        kind=point.kind,
        input_usd_per_mtok=point.input_usd_per_mtok,
        output_usd_per_mtok=point.output_usd_per_mtok,
        cached_input_usd_per_mtok=point.cached_input_usd_per_mtok,
        as_of=point.as_of.isoformat(),
        effective_until=point.effective_until.isoformat() if point.effective_until else None,
        tier=point.tier,
        estimator=point.estimator,
        source=point.source,
        note=point.note,
    )


def lookup_api_price(args: LookupApiPriceArgs) -> ApiPriceResult:
    """Look up a hosted model's API list price in USD per million input, output and cached
    input tokens: the price in force on a date (default the latest), the other prices in force
    then (off-peak, batch), the full price history, and whether it is a reasoning model.

    Args:
        args: the model name and optionally the date.
    """
    row = resolve_api_model(args.model)
    point, note = price_at(row, args.as_of)
    on = args.as_of or point.as_of
    variants = [p for p in row.prices if p is not point and p.in_force(on)]
    until = f" until {point.effective_until}" if point.effective_until else ""
    assumptions = ["list prices; discounts, caching and batch pricing differ"]
    if note:
        assumptions.insert(0, note)
    if args.as_of is None and len(row.history()) > 1:
        assumptions.append(
            "the price changed over time: pass as_of (the article's date) to get the price then"
        )
    return ApiPriceResult(
        value=None,
        formula=(
            f"{row.model} ({row.provider}): ${point.input_usd_per_mtok:g} input / "
            f"${point.output_usd_per_mtok:g} output per million tokens, "
            f"{point.kind} from {point.as_of}{until}"
        ),
        assumptions=assumptions,
        sources=sorted({p.source for p in row.prices}),
        price=price_in_force(row, point),
        variants=[price_in_force(row, p) for p in variants],
        reasoning=row.reasoning,
        history=price_history(row),
        note=note,
    )
