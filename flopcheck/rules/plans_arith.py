"""The plan for arithmetic written out in an article: recompute it from the article's numbers."""

from __future__ import annotations

import math

from flopcheck.errors import FlopcheckError
from flopcheck.rules.arith import CONVERT_TARGETS, Arithmetic, convertible
from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.tools.arithmetic import calculate_value


def _closest(left: float, options: list[tuple[float, str]]) -> tuple[float, str]:
    def distance(option: tuple[float, str]) -> float:
        return abs(math.log10(abs(option[0]) + 1e-300) - math.log10(abs(left) + 1e-300))

    return min(options, key=distance)


def plan_arithmetic(b: Builder) -> None:
    """Recompute an arithmetic or conversion claim exactly from the article's own numbers.

    Args:
        b: the claim; its candidate's detail holds the arithmetic found in the text.
    """
    a: Arithmetic = b.cand.detail["arithmetic"]
    b.ground("the article's own arithmetic", None, "article")
    if a.conversion:
        if not a.lhs_units or not a.rhs.unit:
            raise Unplannable("a conversion needs units on both sides")
        value = float(a.expression)
        if convertible(value, a.lhs_units[0], a.rhs.unit) is None:
            raise Unplannable(f"cannot convert {a.lhs_units[0]} to {a.rhs.unit}")
        converted = b.call(
            "convert_units", value=value, from_unit=a.lhs_units[0], to_unit=a.rhs.unit
        )
        b.compare(converted, label=f"{value:g} {a.lhs_units[0]} in {a.rhs.unit}")
        return
    result = b.calc(a.expression)
    shown = a.rhs.unit or "number"
    if a.rhs.unit:
        # The left side often drops its unit ("4184*834=3.49 megajoules" is in joules): read
        # the right side in whichever related unit brings it nearest the written arithmetic.
        left = _plain_value(a.expression)
        options: list[tuple[float, str]] = [(a.rhs.value, a.rhs.unit)]
        for target in (*a.lhs_units, *CONVERT_TARGETS):
            reading = convertible(a.rhs.value, a.rhs.unit, target)
            if reading is not None:
                options.append((reading, target))
        if left is not None:
            shown = _closest(left, options)[1]
    b.compare(result, label=f"{a.expression} as written", unit=shown)


def _plain_value(expression: str) -> float | None:
    """Return the value of a plain expression for choosing a unit (not a verdict figure)."""
    try:
        return calculate_value(expression)
    except FlopcheckError:
        return None
