"""Dated rental prices: the price of an accelerator-hour on a given day, with its history."""

from __future__ import annotations

import statistics
from datetime import date

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, ToolResult, Value
from flopcheck.tools.hardware import rental_price
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import Accelerator, RentalPrice, rental_prices


def rental_prices_at(chip: Accelerator, on: date | None) -> tuple[list[RentalPrice], str]:
    """Return the rental prices of a chip in force on a day (the default range when no day is
    given or nothing dated covers it) and a note on how the day was applied.

    Args:
        chip: the accelerator record.
        on: the day, or None.
    """
    default = rental_price(chip)
    if on is not None:
        dated = [r for r in rental_prices() if r.accelerator == chip.id and not r.default]
        in_force = [r for r in dated if r.in_force(on)]
        if in_force:
            return in_force, ""
        if default is not None:
            return [default], (
                f"no dated {chip.id} price covers {on}: using its undated range "
                f"({default.as_of} onwards)"
            )
    if default is None:
        raise ToolInputError(
            f"no rental price is known for {chip.id}; pass usd_per_accelerator_hour explicitly"
        )
    return [default], ""


def combined(rows: list[RentalPrice]) -> Value:
    """Return one range over several price rows: lowest low, median typical, highest high.

    Args:
        rows: rental price rows of one chip.
    """
    return Value(
        low=min(r.low_usd_per_hour for r in rows),
        mid=statistics.median(r.typical_usd_per_hour for r in rows),
        high=max(r.high_usd_per_hour for r in rows),
        unit="USD/accelerator-hour",
    )


class LookupRentalPriceArgs(Args):
    accelerator: str = Field(description="accelerator name, e.g. 'H100', 'A100 80GB', 'B200'")
    as_of: date | None = Field(
        default=None,
        description="date whose price to return (YYYY-MM-DD); default: the undated range",
    )


class RentalPriceResult(ToolResult):
    accelerator: str
    in_force: list[RentalPrice] = Field(description="the price rows the value combines")
    history: list[RentalPrice] = Field(description="every price row of this accelerator")
    note: str = Field(description="how the date was applied; empty when a dated row covered it")


def lookup_rental_price(args: LookupRentalPriceArgs) -> RentalPriceResult:
    """Rental price of one accelerator-hour in USD on a date (on-demand and committed quotes
    in force then, from hyperscalers and neoclouds), as a low/typical/high range, with the
    price history; without a date, the undated 2023-2025 range.

    Args:
        args: the accelerator and optionally the date.
    """
    match = resolve_accelerator(args.accelerator)
    chip = match.record
    rows, note = rental_prices_at(chip, args.as_of)
    value = combined(rows)
    history = sorted(
        (r for r in rental_prices() if r.accelerator == chip.id), key=lambda r: r.as_of
    )
    assumptions = [x for x in (match.note, note) if x]
    assumptions += [f"{r.market}, {r.as_of}: {r.basis}" for r in rows]
    return RentalPriceResult(
        value=value,
        formula=(
            f"{chip.id} rental {value.low:g}-{value.high:g} USD per accelerator-hour "
            f"(typical {value.mid:g}) from {len(rows)} price row(s)"
        ),
        assumptions=assumptions,
        sources=sorted({r.source for r in rows}),
        accelerator=chip.id,
        in_force=rows,
        history=history,
        note=note,
    )
