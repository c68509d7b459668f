"""Plausible magnitudes of tool arguments, keyed by name: a value outside them gets a warning.

Every tool names one thing the same way (``active_params``, ``tokens``, ``flop``), so one table
covers them all. A value outside its range is computed anyway (it may be a thought experiment),
but the result says it is probably a unit slip: "37" written for 37 billion parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel


@dataclass(frozen=True)
class Plausible:
    """The range a real value of one argument falls in, and how writers shorten it.

    Args:
        low: the smallest plausible value, or None.
        high: the largest plausible value, or None.
        what: what the number counts, e.g. "parameters".
        scale: the multiplier writers often drop ("37" for 37B is 1e9), or None.
        suffix: the suffix of that scale, e.g. "B".
    """

    low: float | None
    high: float | None
    what: str
    scale: float | None = None
    suffix: str = ""


# Bounds sit one to two orders of magnitude outside what has been built, so a warning means a
# unit slip, not an unusual model. Largest disclosed runs: ~2T parameters, ~36T tokens, ~5e25
# FLOP, ~3e7 accelerator-hours, clusters of ~2e5 accelerators; chips draw 300-1,400 W and rent
# for $0.2-$15 an hour.
PLAUSIBLE: dict[str, Plausible] = {
    "active_params": Plausible(1e6, 1e14, "parameters", 1e9, "B"),
    "total_params": Plausible(1e6, 1e14, "parameters", 1e9, "B"),
    "tokens": Plausible(1e6, 1e15, "training tokens", 1e12, "T"),
    "flop": Plausible(1e15, 1e30, "FLOP of a training or inference job"),
    "accelerator_count": Plausible(1, 1e7, "accelerators"),
    "accelerator_hours": Plausible(None, 1e10, "accelerator-hours"),
    "days": Plausible(None, 3650, "days of wall-clock time"),
    "usd_per_accelerator_hour": Plausible(0.05, 100, "USD per accelerator-hour"),
    "power_w": Plausible(10, 5000, "watts per accelerator", 1e3, " kW"),
    "batch_size": Plausible(1, 1e5, "concurrent sequences"),
}


def _short(x: float) -> str:
    return f"{x:.3g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def _expected(rule: Plausible) -> str:
    low = None if rule.low is None else _short(rule.low)
    high = None if rule.high is None else _short(rule.high)
    if low and high:
        return f"{low} to {high}"
    return f"at least {low}" if low else f"at most {high}"


def warning_for(name: str, x: float) -> str | None:
    """Return a warning when ``x`` is not a plausible value of argument ``name``, else None.

    Args:
        name: the argument name, e.g. "active_params".
        x: its value.
    """
    rule = PLAUSIBLE.get(name)
    if rule is None:
        return None
    if rule.low is not None and x < rule.low:
        size = "small"
    elif rule.high is not None and x > rule.high:
        size = "large"
    else:
        return None
    message = f"{name} = {_short(x)}: {_short(x)} {rule.what} is implausibly {size} "
    message += f"(expected {_expected(rule)})"
    if size == "small" and rule.scale is not None:
        scaled = x * rule.scale
        if (rule.low or 0) <= scaled <= (rule.high or scaled):
            return f"{message}; did you mean {_short(scaled)} ({_short(x)}{rule.suffix})?"
    return f"{message}; check the units"


@cache
def _checked(model: type[BaseModel]) -> tuple[str, ...]:
    """Return the argument names of a tool that have a plausible range (most have none)."""
    return tuple(name for name in model.model_fields if name in PLAUSIBLE)


def magnitude_warnings(args: BaseModel) -> list[str]:
    """Return a warning for each numeric argument outside its plausible range.

    Args:
        args: a validated tool argument model.
    """
    warnings = []
    for name in _checked(type(args)):
        value = getattr(args, name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            warning = warning_for(name, float(value))
            if warning is not None:
                warnings.append(warning)
    return warnings
