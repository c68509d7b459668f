"""Rows of the training-run table: each figure with its own provenance.

A run's figures come from different places (GPT-4's parameters from SemiAnalysis, its cost
from the AI Index), so provenance lives on each figure, not on the run.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, model_validator

from flopcheck.tools.provenance import (
    Figure,
    Provenance,
    Row,
    SourcedFigure,
    Tier,
    best_tier,
    check_source,
    fill_units,
)
from flopcheck.tools.rows_hardware import Precision

# The unit of each figure field of a run; data files may omit it, results always carry it.
RUN_UNITS = {
    "total_params": "params",
    "active_params": "params",
    "tokens": "tokens",
    "accelerator_count": "accelerators",
    "accelerator_hours_total": "accelerator-hours",
    "training_compute_flop": "FLOP",
    "mfu": "ratio",
    "duration_days": "days",
    "reported_cost_usd": "USD",
    "energy_kwh": "kWh",
}
# Fields whose figure counts as the run's headline (what a claim about "the run" is about).
HEADLINE = ("reported_cost_usd", "accelerator_hours_total", "training_compute_flop")


class Stage(Provenance):
    """Accelerator-hours (and cost, where given) of one stage of a run."""

    stage: str = Field(description="pre-training, context extension, post-training, RL, ...")
    accelerator_hours: float = Field(gt=0)
    accelerator_count: float | None = Field(default=None, gt=0)
    duration_hours: float | None = Field(default=None, gt=0)
    cost_usd: float | None = Field(default=None, gt=0)


class TrainingRun(Row):
    """A training run as its authors or, tier-marked, third parties reported it."""

    id: str = Field(description="canonical model name, e.g. 'DeepSeek-V3'")
    aliases: list[str] = Field(default_factory=list)
    family: str | None = Field(default=None, description="Family name, e.g. 'Llama 3.1'")
    organisation: str
    year: int = Field(ge=2015, le=2030)
    modality: Literal["language", "multimodal", "image"] = "language"
    architecture: Literal["dense", "moe", "undisclosed"]
    total_params: Figure | None = None
    active_params: Figure | None = None
    tokens: Figure | None = None
    accelerator: str | None = Field(default=None, description="Accelerator.id")
    accelerator_count: Figure | None = None
    precision: Precision | None = None
    accelerator_hours_total: Figure | None = None
    accelerator_hours_stages: list[Stage] = Field(default_factory=list)
    training_compute_flop: Figure | None = None
    mfu: Figure | None = Field(default=None, description="model FLOP utilization, 0..1")
    duration_days: Figure | None = None
    reported_cost_usd: Figure | None = None
    cost_basis: str | None = None
    energy_kwh: Figure | None = None
    other_figures: dict[str, Figure] = Field(
        default_factory=dict, description="figures without a field of their own (unit given)"
    )
    api_models: list[str] = Field(
        default_factory=list, description="hosted API models built on this run (ApiModel.model)"
    )
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    checked: date

    @model_validator(mode="before")
    @classmethod
    def _units(cls, data: Any) -> Any:
        return fill_units(data, RUN_UNITS)

    @model_validator(mode="after")
    def _consistent(self) -> TrainingRun:
        for source in self.sources:
            check_source(source)
        if self.mfu is not None and not 0 < self.mfu.mid() <= 1:
            raise ValueError(f"{self.id}: mfu is a fraction in (0, 1]")
        for name, fig in self.figures().items():
            if fig.unit != RUN_UNITS.get(name, fig.unit):
                raise ValueError(f"{self.id}.{name}: unit {fig.unit!r}, want {RUN_UNITS[name]!r}")
        return self

    def figures(self) -> dict[str, Figure]:
        """Return every figure of the run by field name, ``other_figures`` included."""
        found = {name: getattr(self, name) for name in RUN_UNITS if getattr(self, name)}
        return {**found, **self.other_figures}

    def headline_tier(self) -> Tier | None:
        """Return the most direct tier among the run's headline figures (cost, hours, FLOP),
        else among all its figures; None when it has none."""
        figures = self.figures()
        headline = [figures[k].tier for k in HEADLINE if k in figures]
        return best_tier(headline or [f.tier for f in figures.values()])


class MfuDefault(SourcedFigure):
    """The utilisation published runs reached on one hardware generation: value/low/high are
    MFU against the BF16 (else FP16) dense peak, over whole reported runs (restarts included)."""

    generation: str = Field(description="Accelerator.architecture, or 'all'")
    size: Literal["small", "large", "any"] = Field(
        description="small: under 10B active parameters; large: 10B or more; any: all runs"
    )
    run_count: int = Field(gt=0, description="published runs the figure summarises")
    checked: date
