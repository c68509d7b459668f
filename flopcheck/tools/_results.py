"""The result spine every calculator shares, and the argument base class.

Every tool result has ``value`` (low/mid/high with a unit), ``formula`` (the derivation with
numbers filled in), ``assumptions`` and ``sources``; tool-specific fields come after.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flopcheck.errors import ToolInputError

# Largest magnitude any calculator accepts or returns; far above any real compute figure
# (1e30 FLOP is ~100,000x today's largest runs) yet far below float overflow.
MAX_MAGNITUDE = 1e40


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


def finite(x: float, what: str) -> float:
    """Return ``x`` if it is finite and of sane magnitude; raise a fixable error otherwise.

    Args:
        x: the number to check.
        what: its name in the error message.
    """
    if not math.isfinite(x):
        raise ToolInputError(f"{what} must be a finite number, got {x!r}")
    if abs(x) > MAX_MAGNITUDE:
        raise ToolInputError(
            f"{what} = {x:g} is absurdly large; check the units (max {MAX_MAGNITUDE:g})"
        )
    return x


def positive(x: float, what: str) -> float:
    """Return ``x`` if it is a finite, positive, sane magnitude; raise a fixable error otherwise.

    Args:
        x: the number to check.
        what: its name in the error message, e.g. "active_params".
    """
    if finite(x, what) <= 0:
        raise ToolInputError(f"{what} must be greater than zero, got {x:g}")
    return x


def fraction(x: float, what: str) -> float:
    """Return ``x`` if it lies in (0, 1]; raise a fixable error otherwise.

    Args:
        x: the number to check, e.g. an MFU.
        what: its name in the error message.
    """
    positive(x, what)
    if x > 1:
        hint = f" (did you mean {x / 100:g}?)" if x <= 100 else ""
        raise ToolInputError(f"{what} is a fraction in (0, 1], got {x:g}{hint}")
    return x


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
