"""Market lookups: what chips and systems cost to buy, how big clusters are, what power costs.

A purchase price is capital cost: the result says so, so that it is not set against the rental
cost of a run. Cluster records keep announcements apart from what was reported as built.
"""

from __future__ import annotations

import statistics
from datetime import date

from pydantic import Field

from flopcheck.errors import ToolInputError, UnknownNameError
from flopcheck.tools._results import Args, ToolResult, Value, fmt
from flopcheck.tools.names import normalize, resolve_accelerator, resolve_system
from flopcheck.tools.tables import (
    Cluster,
    ElectricityPrice,
    PurchasePrice,
    clusters,
    electricity_prices,
    purchase_prices,
)


class LookupPurchasePriceArgs(Args):
    item: str = Field(description="a chip or a system, e.g. 'H100', 'DGX H100', 'GB200 NVL72'")
    as_of: date | None = Field(
        default=None, description="date of interest (YYYY-MM-DD): prices nearest to it first"
    )


class PurchasePriceResult(ToolResult):
    prices: list[PurchasePrice] = Field(description="matching prices, nearest to as_of first")


def _purchase_rows(item: str) -> tuple[list[PurchasePrice], str]:
    """Return the price rows of a chip (one-unit prices) or of a system, and what was matched."""
    try:
        system = resolve_system(item)
    except UnknownNameError:
        system = None
    if system is not None:
        key = normalize(system.id)
        rows = [p for p in purchase_prices() if normalize(p.item) == key]
        if rows:
            return rows, system.id
    wanted = normalize(item)
    named = [p for p in purchase_prices() if wanted and wanted in normalize(p.item)]
    systems = [p for p in named if p.item_kind == "system"]
    if systems and len(systems) == len(named):
        return systems, item
    chip = resolve_accelerator(item).record
    rows = [
        p for p in purchase_prices() if p.accelerator == chip.id and p.item_kind == "accelerator"
    ]
    return rows, chip.id


def purchase_range(item: str) -> tuple[float, float] | None:
    """Return the lowest and highest USD purchase price on record for an item, or None.

    Args:
        item: a chip or system name.
    """
    try:
        rows, _ = _purchase_rows(item)
    except ToolInputError:
        return None
    ranges = [r for p in rows if (r := p.usd_range()) is not None]
    return (min(r[0] for r in ranges), max(r[2] for r in ranges)) if ranges else None


def lookup_purchase_price(args: LookupPurchasePriceArgs) -> PurchasePriceResult:
    """What buying one accelerator or one system costs in USD: list, street and reseller prices
    and analysts' estimates, dated, with their range (capital cost, not the cost of a run).

    Args:
        args: the chip or system, and optionally the date of interest.
    """
    rows, matched = _purchase_rows(args.item)
    if not rows:
        raise ToolInputError(
            f"no purchase price of {matched} is on record; items on record: "
            + ", ".join(sorted({p.item for p in purchase_prices()})),
            sorted({p.item for p in purchase_prices()}),
        )
    if args.as_of is not None:
        on = args.as_of

        def distance(p: PurchasePrice) -> int:
            return abs((p.as_of - on).days) if p.as_of else 10**6

        rows = sorted(rows, key=distance)
    else:
        rows = sorted(rows, key=lambda p: p.as_of or date.min, reverse=True)
    ranges = [r for p in rows if (r := p.usd_range()) is not None]
    value = None
    if ranges:
        value = Value(
            low=min(r[0] for r in ranges),
            mid=statistics.median(r[1] for r in ranges),
            high=max(r[2] for r in ranges),
            unit="USD",
        )
    lines = [
        f"{p.item}, {p.scope}: "
        + (f"${fmt(r[1])}" if (r := p.usd_range()) else f"CNY {fmt(p.price_cny or 0)}")
        + f" ({p.basis}, {p.as_of or 'undated'}, {p.tier})"
        for p in rows
    ]
    return PurchasePriceResult(
        value=value,
        formula=f"{matched}: " + "; ".join(lines),
        assumptions=[
            "purchase (capital) prices: not the rental cost of a run; systems include more "
            "than the accelerators (CPUs, memory, network)"
        ],
        sources=sorted({p.source for p in rows}),
        prices=rows,
    )


class LookupClusterArgs(Args):
    name: str = Field(
        description="cluster, fleet or operator, e.g. 'Colossus', 'Stargate', 'Meta', 'Rainier'"
    )


class ClusterResult(ToolResult):
    records: list[Cluster] = Field(description="dated records, oldest first")


def lookup_cluster(args: LookupClusterArgs) -> ClusterResult:
    """Publicly reported AI clusters and company fleets: accelerator counts (and which chips),
    power in MW and H100-equivalents, as dated records marked announced, planned, under
    construction, operating or reported.

    Args:
        args: the cluster, fleet or operator name.
    """
    wanted = normalize(args.name)
    if not wanted:
        raise ToolInputError("give a cluster, fleet or operator name, e.g. 'Colossus'")
    found = [
        c for c in clusters() if wanted in normalize(c.name) or wanted in normalize(c.operator)
    ]
    if not found:
        names = sorted({c.name for c in clusters()})
        raise UnknownNameError(
            f"no cluster matches {args.name!r}; on record: {', '.join(names)}", names
        )
    found.sort(key=lambda c: c.as_of or date.min)
    lines = []
    for c in found:
        figures = [
            f"{fmt(f.mid())} {f.unit} [{f.tier}]"
            for f in (c.accelerator_count, c.h100_equivalents, c.power_mw)
            if f is not None
        ]
        chips = c.accelerator or c.accelerator_mix or "chips not stated"
        lines.append(
            f"{c.name}, {c.record} ({c.status}, {c.as_of or 'undated'}): "
            f"{', '.join(figures)}; {chips}"
        )
    return ClusterResult(
        value=None,
        formula="; ".join(lines),
        assumptions=["announced and planned sizes are not what was built; fleets are not clusters"],
        sources=sorted(
            {
                f.source
                for c in found
                for f in (c.accelerator_count, c.h100_equivalents, c.power_mw)
                if f
            }
        ),
        records=found,
    )


class LookupElectricityPriceArgs(Args):
    market: str = Field(
        description="e.g. 'United States', 'Texas', 'Virginia', 'China', 'EU-27', 'Ireland'"
    )
    year: int | None = Field(default=None, description="year; default the latest on record")
    sector: str | None = Field(
        default=None, description="industrial (default), commercial or non-household"
    )


class ElectricityPriceResult(ToolResult):
    prices: list[ElectricityPrice]
    note: str = Field(description="how the year and sector were applied; empty if exact")


def _market_rows(market: str) -> list[ElectricityPrice]:
    """Return the rows of the one market a name or alias means (a unique part of a name will
    do); raise UnknownNameError listing the markets otherwise."""
    wanted = normalize(market)
    names: dict[str, str] = {}
    for p in electricity_prices():
        for name in (p.market, *p.aliases):
            names[normalize(name)] = p.market
    found = {names[wanted]} if wanted in names else {m for n, m in names.items() if wanted in n}
    markets = sorted({p.market for p in electricity_prices()})
    if len(found) != 1 or not wanted:
        why = "names more than one market" if found else "is not a market on record"
        raise UnknownNameError(f"{market!r} {why}", sorted(found) or markets)
    (name,) = found
    return [p for p in electricity_prices() if p.market == name]


def lookup_electricity_price(args: LookupElectricityPriceArgs) -> ElectricityPriceResult:
    """Average electricity price per kWh (USD, or EUR for Eurostat markets) for a market,
    sector and year, to price the energy of a run; nearest year when the one asked is missing.

    Args:
        args: the market, and optionally the year and sector.
    """
    rows = _market_rows(args.market)
    notes = []
    sector = (args.sector or "industrial").strip().lower()
    in_sector = [p for p in rows if p.sector == sector]
    if not in_sector:
        notes.append(f"no {sector} price for {rows[0].market}: using {rows[0].sector}")
        in_sector = [p for p in rows if p.sector == rows[0].sector]
    years = sorted({p.year for p in in_sector})
    asked = args.year
    year = years[-1] if asked is None else min(years, key=lambda y: (abs(y - asked), -y))
    if asked is not None and year != asked:
        notes.append(f"no {asked} price on record: using {year}")
    chosen = [p for p in in_sector if p.year == year]
    annual = [p for p in chosen if p.period == "annual"] or chosen
    unit = annual[0].unit
    value = Value(
        low=min(p.low if p.low is not None else p.mid() for p in annual),
        mid=statistics.median(p.mid() for p in annual),
        high=max(p.high if p.high is not None else p.mid() for p in annual),
        unit=unit,
    )
    return ElectricityPriceResult(
        value=value,
        formula=f"{annual[0].market} {annual[0].sector} {year}: "
        + "; ".join(f"{p.mid():.4g} {p.unit} ({p.period}, {p.tier})" for p in annual),
        assumptions=[*notes, "average retail or contract price; data-centre deals can differ"],
        sources=sorted({p.source for p in annual}),
        prices=annual,
        note="; ".join(notes),
    )
