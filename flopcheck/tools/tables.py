"""The shipped data tables: one cached loader per table, registered in ``TABLES``.

Each table is a JSON file under ``data/`` validated by a pydantic row model (``rows_*``
modules). Every figure carries its provenance (tier, estimator, source, date) and every row the
date its figures were last compared with their sources (``checked``). Units live in field
names (``memory_gb``, ``tdp_w``) or in a figure's ``unit``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar, get_args, get_type_hints

from pydantic import BaseModel, TypeAdapter, ValidationError

from flopcheck.errors import DataError
from flopcheck.tools.provenance import Figure, Provenance, SourcedFigure, Tier
from flopcheck.tools.rows_hardware import (
    PRECISIONS,
    Accelerator,
    DensePeaks,
    Precision,
    Speedup,
    System,
)
from flopcheck.tools.rows_market import Cluster, ElectricityPrice, PurchasePrice
from flopcheck.tools.rows_names import Family, Organisation, PrecisionFormat
from flopcheck.tools.rows_prices import ApiModel, ApiPricePoint, RentalPrice
from flopcheck.tools.rows_reference import Reference, Trend
from flopcheck.tools.rows_runs import MfuDefault, Stage, TrainingRun

__all__ = [
    "PRECISIONS",
    "TABLES",
    "Accelerator",
    "ApiModel",
    "ApiPricePoint",
    "Cluster",
    "DensePeaks",
    "ElectricityPrice",
    "Family",
    "Figure",
    "MfuDefault",
    "Organisation",
    "Precision",
    "PrecisionFormat",
    "Provenance",
    "PurchasePrice",
    "Reference",
    "RentalPrice",
    "SourcedFigure",
    "Speedup",
    "Stage",
    "System",
    "Table",
    "Tier",
    "TrainingRun",
    "Trend",
    "accelerators",
    "api_prices",
    "clusters",
    "electricity_prices",
    "energy_references",
    "families",
    "measured_speedups",
    "mfu_defaults",
    "organisations",
    "precisions",
    "purchase_prices",
    "rental_prices",
    "systems",
    "training_runs",
    "trends",
    "vendor_claims",
]

_T = TypeVar("_T", bound=BaseModel)
_DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Table:
    """One shipped table: its name, the model of its rows, and its cached loader."""

    name: str
    row_model: type[BaseModel]
    load: Callable[[], tuple[BaseModel, ...]]


TABLES: dict[str, Table] = {}
"""Every table by name, so surfaces that list tables serve a new one without a change."""


def table(loader: Callable[[], tuple[_T, ...]]) -> Callable[[], tuple[_T, ...]]:
    """Cache a table loader and register it in TABLES under its function name.

    Args:
        loader: a function that loads and validates one table, annotated with its row type.
    """
    cached = cache(loader)
    row_model = get_args(get_type_hints(loader)["return"])[0]
    TABLES[loader.__name__] = Table(loader.__name__, row_model, cached)
    return cached


def _load(filename: str, model: type[_T]) -> tuple[_T, ...]:
    path = _DATA_DIR / filename
    try:
        raw = path.read_text("utf-8")
    except OSError as exc:
        raise DataError(f"shipped table {path} is missing; reinstall flopcheck") from exc
    try:
        rows = TypeAdapter(list[model]).validate_python(json.loads(raw))  # type: ignore[valid-type]
    except (ValidationError, json.JSONDecodeError) as exc:
        raise DataError(f"shipped table {filename} is invalid; reinstall flopcheck: {exc}") from exc
    return tuple(rows)


@table
def accelerators() -> tuple[Accelerator, ...]:
    """Accelerators (GPUs, TPUs, ...): dense peaks per precision, memory, power, details."""
    return _load("accelerators.json", Accelerator)


@table
def systems() -> tuple[System, ...]:
    """Systems (nodes, racks, pods): a number of one accelerator, with the vendor's figures."""
    return _load("systems.json", System)


@table
def vendor_claims() -> tuple[Speedup, ...]:
    """Vendors' best-case speed claims between generations, with the basis each holds under."""
    return _load("vendor_claims.json", Speedup)


@table
def measured_speedups() -> tuple[Speedup, ...]:
    """Measured speed ratios between accelerators (MLPerf and published benchmarks)."""
    return _load("measured_speedups.json", Speedup)


@table
def training_runs() -> tuple[TrainingRun, ...]:
    """Training runs: parameters, tokens, hardware, hours, compute, cost, each with its tier."""
    return _load("training_runs.json", TrainingRun)


@table
def mfu_defaults() -> tuple[MfuDefault, ...]:
    """Utilisation (MFU) reached by published runs, per hardware generation and model size."""
    return _load("mfu_defaults.json", MfuDefault)


@table
def families() -> tuple[Family, ...]:
    """Model families: names, the run an unqualified mention usually means, family totals."""
    return _load("families.json", Family)


@table
def energy_references() -> tuple[Reference, ...]:
    """Energy and carbon references: grid intensity, PUE, cars, homes, per-query energy."""
    return _load("energy_references.json", Reference)


@table
def organisations() -> tuple[Organisation, ...]:
    """AI labs: names, the run an unqualified mention means by date, price comparators."""
    return _load("organisations.json", Organisation)


@table
def precisions() -> tuple[PrecisionFormat, ...]:
    """Numeric formats: bits, spellings, bytes per parameter, the peak column each uses."""
    return _load("precisions.json", PrecisionFormat)


@table
def api_prices() -> tuple[ApiModel, ...]:
    """Hosted-model API prices per million tokens, as a history of effective dates."""
    return _load("api_prices.json", ApiModel)


@table
def rental_prices() -> tuple[RentalPrice, ...]:
    """Accelerator rental prices per accelerator-hour, by period."""
    return _load("rental_prices.json", RentalPrice)


@table
def purchase_prices() -> tuple[PurchasePrice, ...]:
    """Purchase prices of accelerators and systems (list, street, reseller), dated."""
    return _load("purchase_prices.json", PurchasePrice)


@table
def clusters() -> tuple[Cluster, ...]:
    """AI clusters and fleets: dated records of what was announced and what was built."""
    return _load("clusters.json", Cluster)


@table
def electricity_prices() -> tuple[ElectricityPrice, ...]:
    """Industrial and commercial electricity prices per kWh by market and year."""
    return _load("electricity_prices.json", ElectricityPrice)


@table
def trends() -> tuple[Trend, ...]:
    """Published growth rates of training compute, cost and hardware price-performance."""
    return _load("trends.json", Trend)
