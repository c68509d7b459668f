"""The result spine every calculator shares, and the argument base class.

Every tool result has ``value`` (low/mid/high with a unit), ``formula`` (the derivation with
numbers filled in), ``assumptions`` and ``sources``; tool-specific fields come after.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flopcheck.errors import ToolInputError

# Largest magnitude any calculator accepts or returns; far above any real compute figure
# (1e30 FLOP is ~100,000x today's largest runs) yet far below float overflow.
MAX_MAGNITUDE = 1e40

# Argument types whose ranges are part of the JSON schema (`exclusiveMinimum`, `maximum`), so a
# model sees them before it calls and pydantic enforces them before a calculator runs.
PositiveNumber = Annotated[float, Field(gt=0, le=MAX_MAGNITUDE, allow_inf_nan=False)]
"""A count or quantity that must be greater than zero (parameters, tokens, hours, prices)."""
FiniteNumber = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)]
"""Any finite number of sane magnitude (a claimed or computed value)."""
Fraction = Annotated[float, Field(gt=0, le=1)]
"""A fraction in (0, 1], such as an MFU or a goodput."""


class Args(BaseModel):
    """Base class of tool arguments: unknown fields are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Record(BaseModel):
    """Base class of the objects inside a tool result: closed, like every result."""

    model_config = ConfigDict(extra="forbid")


class Value(BaseModel):
    """A computed quantity as a range: low == mid == high when nothing is uncertain."""

    model_config = ConfigDict(extra="forbid")

    low: float
    mid: float
    high: float
    unit: str

    @model_validator(mode="after")
    def _finite_and_ordered(self) -> Value:
        for x in (self.low, self.mid, self.high):
            if not math.isfinite(x) or abs(x) > MAX_MAGNITUDE:
                raise ToolInputError(
                    f"the result ({x!r} {self.unit}) is out of range; check the inputs' magnitudes"
                )
        if not self.low <= self.mid <= self.high:
            raise ValueError(f"range out of order: {self.low} <= {self.mid} <= {self.high}")
        return self

    @classmethod
    def exact(cls, x: float, unit: str) -> Value:
        """Return a range with no uncertainty.

        Args:
            x: the value.
            unit: its unit.
        """
        return cls(low=x, mid=x, high=x, unit=unit)

    @classmethod
    def spread(cls, a: float, mid: float, b: float, unit: str) -> Value:
        """Return a range from two bounds in any order and a middle value.

        Args:
            a: one bound.
            mid: the middle value.
            b: the other bound.
            unit: the unit.
        """
        return cls(low=min(a, b), mid=mid, high=max(a, b), unit=unit)


class ToolResult(BaseModel):
    """The spine of every calculator result."""

    model_config = ConfigDict(extra="forbid")

    value: Value | None = Field(description="the main output as a low/mid/high range")
    formula: str = Field(description="the derivation with the numbers filled in")
    assumptions: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(
        default_factory=list,
        description="inputs that are probably wrong (37 parameters is not a model); the value "
        "is computed anyway",
    )


def fmt(x: float) -> str:
    """Format a number for a formula: 3 significant figures with a readable scale suffix.

    Args:
        x: the number.
    """
    ax = abs(x)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if 1e3 <= ax < 1e15 and ax >= scale:
            return f"{x / scale:.4g}{suffix}"
    if ax >= 1e15 or (0 < ax < 1e-3):
        return f"{x:.3e}"
    return f"{x:.4g}"
