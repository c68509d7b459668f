"""The shipped data tables: pydantic models of their rows, and a cached loader per table.

Every row carries its sources and the date its figures were last checked. Units live in the
field names (``memory_gb``, ``tdp_w``, ``typical_usd_per_hour``), so a row reads on its own.
Each loader is registered in :data:`TABLES` by the :func:`table` decorator, so surfaces that
list the tables (the MCP server's resources) serve a new table without a change of their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal, TypeVar, get_args, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from flopcheck.errors import DataError

Precision = Literal["fp64", "tf32", "bf16", "fp16", "fp8", "fp4"]
PRECISIONS: tuple[Precision, ...] = ("fp64", "tf32", "bf16", "fp16", "fp8", "fp4")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DensePeaks(_Row):
    """Dense (not "with sparsity") peak throughput per precision, in TFLOP/s; None = unsupported."""

    fp64: float | None = None
    tf32: float | None = None
    bf16: float | None = None
    fp16: float | None = None
    fp8: float | None = None
    fp4: float | None = None

    def get(self, precision: Precision) -> float | None:
        """Return the dense peak for ``precision`` in TFLOP/s, or None when unsupported.

        Args:
            precision: one of fp64, tf32, bf16, fp16, fp8, fp4.
        """
        value: float | None = getattr(self, precision)
        return value


class Accelerator(_Row):
    """One accelerator (GPU, TPU, Gaudi), as its vendor specifies it."""

    id: str = Field(description="canonical name, e.g. 'H100 SXM'")
    vendor: str
    architecture: str = Field(description="generation name, e.g. 'Hopper'")
    year: int = Field(ge=2010, le=2030)
    aliases: list[str] = Field(default_factory=list)
    flagship_of: str | None = Field(
        default=None, description="generation name that resolves to this chip, e.g. 'Hopper'"
    )
    dense_peak_tflops: DensePeaks
    sparse_multiplier: float | None = Field(
        default=None, description="vendor 'with sparsity' figure / dense figure, where quoted"
    )
    memory_gb: float = Field(gt=0)
    hbm_bandwidth_tb_s: float = Field(gt=0)
    scale_up_bandwidth_gb_s: float | None = Field(default=None, gt=0)
    scale_up_link: str | None = None
    tdp_w: float | None = Field(default=None, gt=0)
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    checked: date

    @model_validator(mode="after")
    def _has_a_peak(self) -> Accelerator:
        if all(self.dense_peak_tflops.get(p) is None for p in PRECISIONS):
            raise ValueError(f"{self.id}: no dense peak for any precision")
        return self


class RentalPrice(_Row):
    """A dated rental price range for one accelerator, in USD per accelerator-hour."""

    accelerator: str = Field(description="Accelerator.id")
    low_usd_per_hour: float = Field(gt=0)
    typical_usd_per_hour: float = Field(gt=0)
    high_usd_per_hour: float = Field(gt=0)
    basis: str = Field(description="what the price is: on-demand, committed, paper assumption")
    as_of: date
    sources: list[str] = Field(min_length=1)
    checked: date

    @model_validator(mode="after")
    def _ordered(self) -> RentalPrice:
        if not self.low_usd_per_hour <= self.typical_usd_per_hour <= self.high_usd_per_hour:
            raise ValueError(f"{self.accelerator}: prices must satisfy low <= typical <= high")
        return self


class ApiPrice(_Row):
    """List price of a hosted model's API, in USD per million tokens."""

    model: str
    provider: str
    aliases: list[str] = Field(default_factory=list)
    input_usd_per_mtok: float = Field(ge=0)
    output_usd_per_mtok: float = Field(ge=0)
    cached_input_usd_per_mtok: float | None = Field(default=None, ge=0)
    as_of: date
    sources: list[str] = Field(min_length=1)
    checked: date


class Figure(_Row):
    """One reported figure with the source that reports it; low/high when given as a range."""

    value: float
    low: float | None = None
    high: float | None = None
    source: str
    note: str | None = None


class StageHours(_Row):
    """Accelerator-hours reported for one stage of a training run."""

    stage: str = Field(description="pre-training, context extension, post-training, ...")
    accelerator_hours: float = Field(gt=0)
    source: str


class TrainingRun(_Row):
    """A training run as its authors (or, marked so, secondary sources) reported it."""

    id: str = Field(description="canonical model name, e.g. 'DeepSeek-V3'")
    aliases: list[str] = Field(default_factory=list)
    organisation: str
    year: int = Field(ge=2015, le=2030)
    architecture: Literal["dense", "moe", "undisclosed"]
    total_params: Figure | None = None
    active_params: Figure | None = None
    tokens: Figure | None = None
    accelerator: str | None = Field(default=None, description="Accelerator.id")
    accelerator_count: Figure | None = None
    precision: Precision | None = None
    accelerator_hours_total: Figure | None = None
    accelerator_hours_stages: list[StageHours] = Field(default_factory=list)
    training_compute_flop: Figure | None = None
    mfu: Figure | None = Field(default=None, description="model FLOP utilization, 0..1")
    duration_days: Figure | None = None
    reported_cost_usd: Figure | None = None
    cost_basis: str | None = None
    energy_kwh: Figure | None = None
    disclosure: Literal["primary", "secondary", "rumour"] = "primary"
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    checked: date


_T = TypeVar("_T", bound=BaseModel)
_DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Table:
    """One shipped table: its name, the model of its rows, and its cached loader."""

    name: str
    row_model: type[BaseModel]
    load: Callable[[], tuple[BaseModel, ...]]


TABLES: dict[str, Table] = {}


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
    """Return every accelerator in the shipped table (loaded once)."""
    return _load("accelerators.json", Accelerator)


@table
def rental_prices() -> tuple[RentalPrice, ...]:
    """Return every rental price range in the shipped table (loaded once)."""
    return _load("rental_prices.json", RentalPrice)


@table
def api_prices() -> tuple[ApiPrice, ...]:
    """Return every API price in the shipped table (loaded once)."""
    return _load("api_prices.json", ApiPrice)


@table
def training_runs() -> tuple[TrainingRun, ...]:
    """Return every reported training run in the shipped table (loaded once)."""
    return _load("training_runs.json", TrainingRun)
