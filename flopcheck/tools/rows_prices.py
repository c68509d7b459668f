"""Rows of the price tables: hosted-model API prices and accelerator rental prices, dated.

Prices change: each row or price point says when it took effect (``as_of``) and, once
superseded, until when (``effective_until``), so a lookup can return the price in force on a
given day together with the history.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from flopcheck.tools.provenance import Provenance, Row

PriceKind = Literal["standard", "launch promotion", "off-peak", "batch", "flex", "long context"]


class Dated(Provenance):
    """Provenance with a required start date and an optional end date."""

    as_of: date = Field(description="when the price took effect (or was first seen)")
    effective_until: date | None = Field(
        default=None, description="when it stopped applying; null while in force"
    )

    @model_validator(mode="after")
    def _ordered_dates(self) -> Dated:
        if self.effective_until is not None and self.effective_until <= self.as_of:
            raise ValueError(f"{self.source[:60]}: effective_until must follow as_of")
        return self

    def in_force(self, on: date) -> bool:
        """Return whether this applied on ``on``.

        Args:
            on: the day.
        """
        return self.as_of <= on and (self.effective_until is None or on < self.effective_until)


class ApiPricePoint(Dated):
    """One price of a hosted model, in USD per million tokens, over a period."""

    kind: PriceKind = Field(
        default="standard", description="standard list price, or a variant that coexists with it"
    )
    input_usd_per_mtok: float = Field(ge=0)
    output_usd_per_mtok: float = Field(ge=0)
    cached_input_usd_per_mtok: float | None = Field(default=None, ge=0)


class ApiModel(Row):
    """A hosted model's API, with its price history."""

    model: str
    provider: str
    aliases: list[str] = Field(default_factory=list)
    reasoning: Literal["yes", "no", "optional"] | None = Field(
        default=None,
        description="yes: thinks before answering (reasoning tokens billed as output); "
        "optional: thinking can be switched on; no: a chat model; null: not checked",
    )
    reasoning_source: str | None = Field(
        default=None, description="where the reasoning flag comes from"
    )
    prices: list[ApiPricePoint] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)
    checked: date

    @model_validator(mode="after")
    def _standard_prices_do_not_overlap(self) -> ApiModel:
        if (self.reasoning is None) != (self.reasoning_source is None):
            raise ValueError(f"{self.model}: reasoning and reasoning_source go together")
        standard = sorted((p for p in self.prices if p.kind == "standard"), key=lambda p: p.as_of)
        if not standard:
            raise ValueError(f"{self.model}: no standard price")
        for before, after in itertools.pairwise(standard):
            if before.effective_until is None or before.effective_until > after.as_of:
                raise ValueError(f"{self.model}: standard prices overlap at {after.as_of}")
        return self

    def history(self, kind: PriceKind = "standard") -> list[ApiPricePoint]:
        """Return the price points of one kind, oldest first.

        Args:
            kind: standard, or a variant such as off-peak.
        """
        return sorted((p for p in self.prices if p.kind == kind), key=lambda p: p.as_of)


RentalBasis = Literal["on-demand", "committed", "mixed", "assumption"]


class RentalPrice(Dated):
    """A rental price range for one accelerator over a period, in USD per accelerator-hour."""

    accelerator: str = Field(description="Accelerator.id")
    low_usd_per_hour: float = Field(gt=0)
    typical_usd_per_hour: float = Field(gt=0)
    high_usd_per_hour: float = Field(gt=0)
    market: RentalBasis = Field(description="on-demand, committed (reserved), mixed, assumption")
    basis: str = Field(description="what the range summarises and how it was derived")
    default: bool = Field(
        default=False, description="the range used when no date is given (one per accelerator)"
    )
    derived: bool = Field(
        default=False, description="written by benchmarks/derive_rental_prices.py"
    )
    checked: date

    @model_validator(mode="after")
    def _ordered(self) -> RentalPrice:
        if not self.low_usd_per_hour <= self.typical_usd_per_hour <= self.high_usd_per_hour:
            raise ValueError(f"{self.accelerator}: prices must satisfy low <= typical <= high")
        return self
