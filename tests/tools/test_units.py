"""Tests for convert_units: the unit table, forgiving spellings, refusals, and pint cross-checks."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pint
import pytest

from flopcheck.errors import ToolInputError, UnknownNameError
from flopcheck.tools import call
from flopcheck.tools.units import (
    ConvertUnitsArgs,
    ConvertUnitsResult,
    Unit,
    all_units,
    convert,
    convert_units,
    lookup_unit,
    text_pattern,
)

UREG: Any = pint.UnitRegistry()
# The base unit of each dimension as pint spells it; pint has no FLOP, so those are skipped.
PINT_BASES = {"energy": "J", "power": "W", "time": "s", "data": "B", "data_rate": "B/s",
              "distance": "m", "mass": "kg"}  # fmt: skip


def run(value: float, from_unit: str, to_unit: str) -> ConvertUnitsResult:
    """Convert with the tool.

    Args:
        value: the number.
        from_unit: its unit.
        to_unit: the target unit.
    """
    return convert_units(ConvertUnitsArgs(value=value, from_unit=from_unit, to_unit=to_unit))


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (8833, "kWh", "J", 3.17988e10),
        (31.8, "gigajoules", "kWh", 8833.333333),
        (3.49, "megajoules", "kWh", 0.969444444),
        (1, "kilowatt-hours", "MJ", 3.6),
        (900, "petawatt hour", "TWh", 900_000),
        (9, "Mwh", "kWh", 9000),
        (9, "mwh", "kWh", 9000),
        (433_196, "kWh", "GWh", 0.433196),
        (2500, "kCal", "MJ", 10.46),
        (2500, "Cal", "kcal", 2500),
        (1, "kcal", "cal", 1000),
        (1, "BTU", "J", 1055.056),
        (700, "W", "kW", 0.7),
        (1, "KW", "W", 1000),
        (1, "mW", "W", 0.001),
        (1, "MW", "W", 1e6),
        (989, "TFLOPS", "FLOP/s", 9.89e14),
        (989, "teraflops", "PFLOP/s", 0.989),
        (1, "petaflops", "TFLOP/s", 1000),
        (3.94, "PF", "TF", 3940),
        (1, "EFLOP/s", "PFLOPS", 1000),
        (3.8e25, "FLOPs", "YFLOP", 38),
        (3.8e25, "flops", "ZFLOP", 38_000),
        (1, "TFLOPs", "FLOP", 1e12),
        (1, "tflops", "GFLOP/s", 1000),
        (3640, "petaflop/s-days", "FLOP", 3.14496e23),
        (1, "PF-day", "EFLOP", 86.4),
        (1, "month", "days", 30.4375),
        (1, "year", "day", 365.25),
        (2, "months", "h", 1461),
        (54, "days", "weeks", 54 / 7),
        (90, "min", "h", 1.5),
        (1, "hr", "s", 3600),
        (1, "GiB", "GB", 1.073741824),
        (1, "KB", "B", 1000),
        (1, "gb", "MB", 1000),
        (80, "GB", "GiB", 74.50580596923828),
        (1, "Gb", "MB", 125),
        (8, "bits", "B", 1),
        (1.8, "TB/s", "GB/s", 1800),
        (8, "Gbps", "GB/s", 1),
        (1, "mi", "km", 1.609344),
        (1, "mile", "ft", 5280),
        (1, "tCO2", "kg", 1000),
        (1, "lb", "g", 453.59237),
        (1, "metric ton", "lbs", 2204.6226218),
    ],
)
def test_convert_units(value: float, from_unit: str, to_unit: str, expected: float) -> None:
    assert run(value, from_unit, to_unit).value.mid == pytest.approx(expected, rel=1e-9)


def test_result_carries_formula_factor_and_conventions() -> None:
    result = run(2, "months", "days")
    assert result.from_unit == "month"
    assert result.to_unit == "day"
    assert result.dimension == "time"
    assert result.factor == pytest.approx(30.4375)
    assert result.formula == "2 month × 30.4375 day per month = 60.875 day"
    assert any("30.44 days" in a for a in result.assumptions)
    assert result.sources


def test_loose_flops_is_stated_as_a_count() -> None:
    assert any("count" in a for a in run(1, "flops", "FLOP").assumptions)


@pytest.mark.parametrize(
    ("spelled", "symbol"),
    [("kilowatt-hours", "kWh"), ("kwh", "kWh"), ("Kilowatt Hour", "kWh"), ("megajoules", "MJ"),
     ("petawatt hour", "PWh"), ("mW", "mW"), ("MW", "MW"), ("m", "m"), ("min", "min"),
     ("Mb", "Mbit"), ("MB", "MB"), ("TFLOPS", "TFLOP/s"), ("TFLOPs", "TFLOP"),
     ("FLOPS", "FLOP/s"), ("FLOPs", "FLOP"), ("petaflops", "PFLOP/s"), ("petaflop", "PFLOP"),
     ("kCal", "kcal"), ("cal", "cal"), ("hours", "h"), ("days", "day"), ("bits", "bit"),
     ("GWhs", "GWh")],
)  # fmt: skip
def test_lookup_keeps_case_where_it_matters(spelled: str, symbol: str) -> None:
    assert lookup_unit(spelled).symbol == symbol


def test_cross_dimension_names_both_dimensions() -> None:
    with pytest.raises(ToolInputError, match=r"kWh \(energy\) to W \(power\)"):
        run(1, "kWh", "W")
    with pytest.raises(ToolInputError, match=r"\(flop\).*\(flop_rate\)"):
        run(1, "FLOP", "FLOP/s")


def test_unknown_unit_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError) as info:
        run(1, "kwhh", "J")
    assert "kWh" in info.value.suggestions
    assert "did you mean" in str(info.value)


@pytest.mark.parametrize("name", ["mw", "CAL"])
def test_ambiguous_spellings_are_refused(name: str) -> None:
    with pytest.raises(UnknownNameError, match="ambiguous") as info:
        lookup_unit(name)
    assert len(info.value.suggestions) == 2


@pytest.mark.parametrize("name", ["GPU-hours", "GPU hours", "tokens", "USD", "parameters"])
def test_counts_and_money_are_not_units(name: str) -> None:
    with pytest.raises(UnknownNameError, match="not a unit"):
        lookup_unit(name)


@pytest.mark.parametrize("name", ["T", "G", "S", "M"])
def test_one_letter_symbols_match_exactly_only(name: str) -> None:
    with pytest.raises(UnknownNameError):
        lookup_unit(name)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e41])
def test_absurd_values_are_refused(value: float) -> None:
    result = call("convert_units", {"value": value, "from_unit": "J", "to_unit": "kJ"})
    assert result["error_type"] == "bad_arguments"
    assert "value" in result["error"]


def test_convert_helper() -> None:
    assert convert(1, "kWh", "MJ") == pytest.approx(3.6)


def _pint_quantity(spelling: str) -> Any:
    """Return 1 of a unit in pint, or None when pint does not know the spelling.

    Args:
        spelling: a unit spelling; spaces become underscores as pint spells words.
    """
    try:
        return UREG.Quantity(1, spelling.replace(" ", "_"))
    except (pint.errors.UndefinedUnitError, AttributeError, ValueError, AssertionError):
        return None
    except Exception:  # pint's parser raises assorted errors on spellings like "b/s"
        return None


def _spellings() -> list[tuple[str, Unit]]:
    """Return every accepted spelling (symbols, aliases, words) with its unit."""
    from flopcheck.tools.units import _index

    index = _index()
    pairs = list(index.exact.items())
    pairs += [(w, lookup_unit(w)) for w in index.words]
    return pairs


def test_every_factor_agrees_with_pint() -> None:
    checked = 0
    for spelling, unit in _spellings():
        base = PINT_BASES.get(unit.dimension)
        quantity = _pint_quantity(spelling) if base else None
        # pint reads some spellings as other things ("Mb" megabarn, "PF" petafarad): our
        # conventions for those are tested above; only same-dimension readings are compared.
        if quantity is None or quantity.dimensionality != UREG.Quantity(1, base).dimensionality:
            continue
        expected = quantity.to(base).magnitude
        assert unit.factor == pytest.approx(expected, rel=1e-9), (spelling, unit)
        checked += 1
    assert checked >= 150


def test_every_unit_symbol_pint_knows_is_checked() -> None:
    known = [u for u in all_units() if u.dimension in PINT_BASES and _pint_quantity(u.symbol)]
    assert len(known) >= 60


def test_text_pattern_finds_unit_spellings() -> None:
    pattern = re.compile(rf"(?:{text_pattern('[- ]')})(?![A-Za-z0-9])")
    for spelling in ["kWh", "Mwh", "petawatt hour", "kilowatt-hours", "TFLOPS", "TB/s", "W"]:
        assert pattern.fullmatch(spelling), spelling
    assert pattern.match("hours") is None  # durations are left to the caller


def test_module_does_not_import_pint() -> None:
    code = "import sys, flopcheck.tools.units; print('pint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
