"""Rows of the reference tables: energy and carbon references, and published trend figures.

These are the yardsticks claims are set against ("as much CO2 as 100 cars", "compute doubles
every six months"): each is one sourced figure with its subject, year and unit.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from flopcheck.tools.provenance import SourcedFigure


class Reference(SourcedFigure):
    """One reference figure: a grid's carbon intensity, a fleet PUE, a car's CO2 per mile..."""

    id: str = Field(description="stable slug")
    topic: str = Field(description="e.g. 'grid carbon intensity', 'data centre PUE'")
    subject: str = Field(description="what the figure is about, e.g. 'World grid (Ember)'")
    quantity: str = Field(description="what is measured, e.g. 'pue_annual_avg'")
    year: int | None = Field(default=None, ge=1990, le=2035, description="data year")
    checked: date


class Trend(Reference):
    """A published growth rate: compute, cost or price-performance over a period."""

    period: str = Field(description="years the trend was fitted over, e.g. '2010-2024'")
    method: str = Field(description="how it was estimated")
