"""Provenance of a figure: who reported it (tier, estimator), where (source) and when (as_of).

Every figure in the shipped tables carries its provenance, either on the figure itself or on
the row that holds it (a datasheet row whose figures all come from the vendor). The rule a
reader of a lookup result uses: the tier of a figure is the ``tier`` of the innermost object
on its path that has one.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Tier = Literal["disclosed", "estimate", "rumour"]
TIERS: tuple[Tier, ...] = ("disclosed", "estimate", "rumour")

# A source must let a reader find the document: a URL, an arXiv id, or a named document kind.
_DOCUMENT = re.compile(
    r"https?://|arxiv|doi\b|datasheet|data sheet|paper|report|brief|model card|card\b|"
    r"whitepaper|white paper|docs\b|documentation|blog|press release|announcement|page\b|"
    r"dataset|keynote|hot chips|isca|survey|spec|guide|filing|post\b|interview|table\b|standard",
    re.I,
)


class Row(BaseModel):
    """Base of every table row: unknown fields are errors and rows are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_source(source: str) -> str:
    """Return ``source`` if it names a URL or a document; raise otherwise.

    Args:
        source: e.g. "Llama 3 model card (https://github.com/meta-llama/...)".
    """
    if not _DOCUMENT.search(source):
        raise ValueError(f"source {source!r} names neither a URL nor a document")
    return source


def check_estimator(tier: Tier, estimator: str | None, what: str) -> None:
    """Raise unless an estimate or rumour names who made it, and a disclosed figure names none.

    Args:
        tier: the figure's tier.
        estimator: who made the estimate, or None.
        what: the figure's name for the message.
    """
    if tier != "disclosed" and not estimator:
        raise ValueError(f"{what}: an {tier} needs an estimator (who made it)")
    if tier == "disclosed" and estimator:
        raise ValueError(f"{what}: a disclosed figure has no estimator, got {estimator!r}")


class Provenance(Row):
    """Who reported a figure, where and when."""

    tier: Tier = Field(description="disclosed (the maker's own document), estimate, rumour")
    estimator: str | None = Field(
        default=None, description="who made the estimate or spread the rumour; null if disclosed"
    )
    source: str = Field(description="document title and URL (or arXiv id / document reference)")
    as_of: date | None = Field(default=None, description="when the figure was published")
    note: str | None = None

    @model_validator(mode="after")
    def _provenance_is_complete(self) -> Provenance:
        check_source(self.source)
        check_estimator(self.tier, self.estimator, self.source[:60])
        return self


class SourcedFigure(Provenance):
    """A number with its unit, range and provenance."""

    value: float | None = Field(description="the figure; null when only a range is reported")
    low: float | None = None
    high: float | None = None
    unit: str = Field(description="unit of value/low/high, e.g. 'params', 'USD', 'kgCO2e/kWh'")
    checked: date | None = Field(
        default=None, description="when compared with its source, if not the row's date"
    )

    @model_validator(mode="after")
    def _range_is_consistent(self) -> SourcedFigure:
        if self.value is None and (self.low is None and self.high is None):
            raise ValueError(f"{self.source[:60]}: a figure needs a value or a range")
        numbers = [x for x in (self.low, self.value, self.high) if x is not None]
        if numbers != sorted(numbers):
            raise ValueError(f"{self.source[:60]}: low <= value <= high is violated: {numbers}")
        return self

    def mid(self) -> float:
        """Return the value, or the middle of the range when only a range is reported."""
        if self.value is not None:
            return self.value
        bounds = [x for x in (self.low, self.high) if x is not None]
        return sum(bounds) / len(bounds)


class Figure(SourcedFigure):
    """A figure with the other sources' figures for the same quantity (estimates that differ)."""

    alternatives: list[SourcedFigure] = Field(
        default_factory=list, description="other published figures for the same quantity"
    )

    @model_validator(mode="after")
    def _alternatives_share_the_unit(self) -> Figure:
        for alt in self.alternatives:
            if alt.unit != self.unit:
                raise ValueError(f"alternative in {alt.unit!r} for a figure in {self.unit!r}")
        return self

    def all_figures(self) -> list[SourcedFigure]:
        """Return this figure followed by its alternatives."""
        return [self, *self.alternatives]


def fill_units(data: object, units: dict[str, str]) -> object:
    """Return row data with each named figure's ``unit`` filled in from its field name.

    Data files may leave the unit out where the field name fixes it (``tokens``); lookup
    results always carry it.

    Args:
        data: the raw row (a dict when valid).
        units: field name -> unit.
    """
    if not isinstance(data, dict):
        return data
    filled = dict(data)
    for name, unit in units.items():
        fig = filled.get(name)
        if isinstance(fig, dict):
            fig = {**fig, "unit": fig.get("unit", unit)}
            fig["alternatives"] = [
                {**alt, "unit": alt.get("unit", unit)} if isinstance(alt, dict) else alt
                for alt in fig.get("alternatives", [])
            ]
            filled[name] = fig
    return filled


def best_tier(tiers: list[Tier]) -> Tier | None:
    """Return the most direct tier among ``tiers`` (disclosed > estimate > rumour).

    Args:
        tiers: tiers of several figures.
    """
    return min(tiers, key=TIERS.index) if tiers else None


# The units-from-names contract: every numeric field of a lookup result ends in one of these
# suffixes, is a figure named in FIGURE_NAMES, or sits in an object that carries a ``unit`` (or
# in a peaks object whose own name carries the suffix, e.g. ``dense_peak_tflops.fp8``).
UNIT_SUFFIXES = (
    "_tflops", "_pflops", "_tops", "_pops", "_gb", "_tb", "_pb", "_tb_s", "_gb_s", "_w", "_kw",
    "_mw", "_usd", "_usd_per_mtok", "_usd_per_hour", "_usd_per_kwh", "_eur_per_kwh", "_kwh",
    "_kg_per_kwh", "_days", "_hours", "_flop", "_billion", "_count", "_multiplier", "_year",
)  # fmt: skip
FIGURE_NAMES = {
    "total_params", "active_params", "tokens", "accelerator_hours_total", "accelerator_hours",
    "accelerator_count", "mfu", "duration_days", "training_compute_flop", "reported_cost_usd",
    "cost_usd", "energy_kwh", "year",
}  # fmt: skip


def unitless_numbers(node: Any, name: str = "", unit_here: bool = False) -> list[str]:
    """Return the paths of numbers in ``node`` whose unit nothing names."""
    if isinstance(node, bool):
        return []
    if isinstance(node, int | float):
        ok = unit_here or name in FIGURE_NAMES or name.endswith(UNIT_SUFFIXES)
        return [] if ok else [name]
    if isinstance(node, dict):
        here = "unit" in node or name.endswith(UNIT_SUFFIXES)
        return [p for k, v in node.items() for p in unitless_numbers(v, k, here)]
    if isinstance(node, list):
        return [p for item in node for p in unitless_numbers(item, name, unit_here)]
    return []
