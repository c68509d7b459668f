"""Rows of the hardware tables: accelerators and systems (nodes, racks, pods).

A datasheet row carries one provenance for all its plain figures (``tier``, ``estimator``,
``sources``); a figure from elsewhere (a third party's estimate, a measurement) goes into
``other_figures`` with its own provenance, so the innermost ``tier`` always applies.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from flopcheck.tools.provenance import (
    Figure,
    Row,
    SourcedFigure,
    Tier,
    check_estimator,
    check_source,
)

Precision = Literal["fp64", "tf32", "bf16", "fp16", "fp8", "fp4"]
PRECISIONS: tuple[Precision, ...] = ("fp64", "tf32", "bf16", "fp16", "fp8", "fp4")


class DensePeaks(Row):
    """Dense (not "with sparsity") peak throughput per precision; None = unsupported."""

    fp64: float | None = Field(default=None, gt=0)
    tf32: float | None = Field(default=None, gt=0)
    bf16: float | None = Field(default=None, gt=0)
    fp16: float | None = Field(default=None, gt=0)
    fp8: float | None = Field(default=None, gt=0)
    fp4: float | None = Field(default=None, gt=0)

    def get(self, precision: Precision) -> float | None:
        """Return the dense peak at ``precision``, or None when unsupported.

        Args:
            precision: one of fp64, tf32, bf16, fp16, fp8, fp4.
        """
        value: float | None = getattr(self, precision)
        return value

    def supported(self) -> list[Precision]:
        """Return the precisions with a peak, in table order."""
        return [p for p in PRECISIONS if self.get(p) is not None]


class Sheet(Row):
    """Provenance shared by every plain figure of a row, plus figures sourced elsewhere."""

    tier: Tier = Field(default="disclosed", description="tier of every plain figure of this row")
    estimator: str | None = None
    other_figures: dict[str, Figure] = Field(
        default_factory=dict,
        description="figures with their own provenance (estimates, measurements, old specs)",
    )
    notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1, description="documents the plain figures come from")
    checked: date = Field(description="when the row's figures were last compared with sources")

    @model_validator(mode="after")
    def _sourced(self) -> Sheet:
        for source in self.sources:
            check_source(source)
        check_estimator(self.tier, self.estimator, "row")
        return self


class Accelerator(Sheet):
    """One accelerator (GPU, TPU, Gaudi, Trainium, Ascend) as its vendor specifies it."""

    id: str = Field(description="canonical name, e.g. 'H100 SXM'")
    vendor: str
    architecture: str = Field(description="generation name, e.g. 'Hopper'")
    year: int = Field(ge=2010, le=2030)
    aliases: list[str] = Field(default_factory=list)
    flagship_of: str | None = Field(
        default=None, description="generation name that resolves to this chip, e.g. 'Hopper'"
    )
    form_factor: str | None = Field(default=None, description="SXM module, PCIe card, OAM, ...")
    dense_peak_tflops: DensePeaks
    sparse_multiplier: float | None = Field(
        default=None, ge=1, description="vendor 'with sparsity' figure / dense figure"
    )
    per_precision_sparse_multiplier: dict[Precision, float] = Field(
        default_factory=dict, description="precisions whose sparse/dense ratio differs (B300 FP4)"
    )
    int8_tops: float | None = Field(default=None, gt=0, description="dense INT8 tensor peak")
    fp32_vector_tflops: float | None = Field(
        default=None, gt=0, description="FP32 on the vector (non-tensor) cores"
    )
    memory_gb: float | None = Field(default=None, gt=0)
    hbm_bandwidth_tb_s: float | None = Field(default=None, gt=0)
    scale_up_bandwidth_gb_s: float | None = Field(
        default=None, gt=0, description="total chip-to-chip bandwidth, both directions"
    )
    scale_up_link: str | None = None
    scale_up_link_count: int | None = Field(default=None, gt=0)
    scale_up_link_gb_s: float | None = Field(
        default=None, gt=0, description="bandwidth of one link, both directions"
    )
    tdp_w: float | None = Field(default=None, gt=0)
    tdp_scope: str | None = Field(
        default=None, description="what tdp_w covers: GPU module, PCIe board, superchip, ..."
    )
    compute_unit_count: int | None = Field(default=None, gt=0)
    compute_unit_kind: str | None = Field(default=None, description="SMs, CUs, TensorCores, ...")
    core_count: int | None = Field(default=None, gt=0)
    core_kind: str | None = Field(default=None, description="CUDA cores, stream processors")
    die_count: int | None = Field(default=None, gt=0)
    transistors_billion: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _has_a_figure(self) -> Accelerator:
        if not (self.dense_peak_tflops.supported() or self.memory_gb or self.tdp_w):
            raise ValueError(f"{self.id}: no peak, memory or power figure")
        if (self.compute_unit_count is None) != (self.compute_unit_kind is None):
            raise ValueError(f"{self.id}: compute_unit_count and compute_unit_kind go together")
        if (self.core_count is None) != (self.core_kind is None):
            raise ValueError(f"{self.id}: core_count and core_kind go together")
        return self


SystemKind = Literal["node", "rack", "pod", "platform"]


class System(Sheet):
    """A node, rack or pod: a number of one accelerator, with the vendor's system figures."""

    id: str = Field(description="canonical name, e.g. 'DGX H100', 'GB200 NVL72'")
    vendor: str
    kind: SystemKind
    year: int = Field(ge=2010, le=2030)
    aliases: list[str] = Field(default_factory=list)
    accelerator: str = Field(description="Accelerator.id of its chips")
    accelerator_count: int = Field(gt=0)
    cpu_count: int | None = Field(default=None, gt=0)
    system_power_kw: float | None = Field(default=None, gt=0)
    power_scope: str | None = Field(default=None, description="what system_power_kw covers")
    dense_peak_pflops: DensePeaks | None = Field(
        default=None, description="the vendor's system peaks, dense (sparse quotes halved)"
    )
    accelerator_memory_gb: float | None = Field(default=None, gt=0)
    hbm_bandwidth_tb_s: float | None = Field(default=None, gt=0)
    scale_up_bandwidth_tb_s: float | None = Field(default=None, gt=0)


SpeedupKind = Literal["training", "inference", "cost and energy", "peak math", "accelerator count"]


class Speedup(SourcedFigure):
    """A speed ratio between two accelerators: a vendor's claim or a measurement, with the
    conditions it holds under. ``value``/``low``/``high`` are faster / slower, unit "x"."""

    id: str = Field(description="stable slug")
    subject: str = Field(description="the comparison as its source words it")
    faster: str = Field(description="Accelerator.id of the side claimed faster")
    slower: str = Field(description="Accelerator.id of the side compared against")
    kind: SpeedupKind
    scope: str = Field(description="what was compared: per GPU, 8-GPU systems, a rack, a cluster")
    per_accelerator: bool = Field(
        description="true when the ratio compares one accelerator with one (like for like)"
    )
    workload: str
    formats: str | None = Field(
        default=None, description="the numeric format (precision) of each side"
    )
    claim: str | None = Field(default=None, description="the vendor's wording, for claims")
    checked: date
