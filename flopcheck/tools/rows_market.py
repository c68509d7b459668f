"""Rows of the market tables: purchase prices, clusters and fleets, electricity prices.

A purchase price is capital cost (what buying a chip or a server costs), never a run's cost;
a cluster record is one dated statement about a cluster (announced, planned, operating), so
what was announced stays apart from what was reported as built.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from flopcheck.tools.provenance import Figure, Provenance, Row, SourcedFigure

PurchaseBasis = Literal[
    "list price",
    "street price",
    "reseller listing",
    "secondary market",
    "analyst estimate",
    "vendor statement",
    "press report",
]


class PurchasePrice(Provenance):
    """What buying one accelerator or one system cost, in USD (or CNY where only that is given)."""

    item: str = Field(description="what was priced, e.g. 'H100 SXM', 'DGX H100', 'GB200 NVL72'")
    item_kind: Literal["accelerator", "system"]
    accelerator: str | None = Field(default=None, description="Accelerator.id of its chips")
    accelerator_count: int = Field(gt=0, description="accelerators the price buys")
    scope: str = Field(description="what the price includes: one GPU, a baseboard, a server")
    basis: PurchaseBasis
    price_usd: float | None = Field(default=None, gt=0)
    low_usd: float | None = Field(default=None, gt=0)
    high_usd: float | None = Field(default=None, gt=0)
    price_cny: float | None = Field(default=None, gt=0)
    checked: date

    @model_validator(mode="after")
    def _has_a_price(self) -> PurchasePrice:
        usd = [x for x in (self.low_usd, self.price_usd, self.high_usd) if x is not None]
        if not usd and self.price_cny is None:
            raise ValueError(f"{self.item}: no price")
        if usd != sorted(usd):
            raise ValueError(f"{self.item}: low_usd <= price_usd <= high_usd is violated")
        return self

    def usd_range(self) -> tuple[float, float, float] | None:
        """Return (low, typical, high) in USD, or None when only a CNY price is known."""
        values = [x for x in (self.low_usd, self.price_usd, self.high_usd) if x is not None]
        if not values:
            return None
        typical = self.price_usd if self.price_usd is not None else sum(values) / len(values)
        return min(values), typical, max(values)


ClusterStatus = Literal["announced", "planned", "under construction", "operating", "reported"]


class Cluster(Row):
    """One dated statement about an AI cluster or a company's fleet."""

    name: str = Field(description="the cluster or fleet, e.g. 'xAI Colossus'")
    record: str = Field(description="which phase or statement, e.g. 'phase 1 (Memphis)'")
    operator: str
    status: ClusterStatus = Field(description="announced or planned vs reported as operating")
    as_of: date | None = Field(default=None, description="date of the statement")
    accelerator: str | None = Field(default=None, description="Accelerator.id when one chip")
    accelerator_mix: str | None = Field(default=None, description="chips when several or unnamed")
    accelerator_count: Figure | None = None
    h100_equivalents: Figure | None = None
    power_mw: Figure | None = None
    checked: date

    @model_validator(mode="after")
    def _has_a_figure(self) -> Cluster:
        if not (self.accelerator_count or self.h100_equivalents or self.power_mw):
            raise ValueError(f"{self.name} ({self.record}): no figure")
        return self


class ElectricityPrice(SourcedFigure):
    """An average electricity price for one market, sector and period (USD or EUR per kWh)."""

    market: str = Field(description="e.g. 'United States', 'Virginia', 'EU-27', 'China'")
    aliases: list[str] = Field(
        default_factory=list, description="other names of the market ('US'); any row may list them"
    )
    sector: Literal["industrial", "commercial", "non-household"]
    year: int = Field(ge=2000, le=2035)
    period: str = Field(description="'annual', a half-year ('2024H1') or a month ('2020-12')")
    checked: date

    @model_validator(mode="after")
    def _priced_per_kwh(self) -> ElectricityPrice:
        if self.unit not in ("USD/kWh", "EUR/kWh"):
            raise ValueError(f"{self.market}: unit must be USD/kWh or EUR/kWh, got {self.unit}")
        return self
