"""Plans for yardsticks: a footprint restated as miles driven, cars on the road for a year or
homes powered for a year, recomputed with the reference figures of the energy tables.

A yardstick depends on whose car or home it means; only the references the tables hold are
used, and a home or car-year yardstick is checked only when the sentence says it is American.
"""

from __future__ import annotations

import re
from typing import Any

from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.rules.quantities import Quantity

# Reference records (energy_references.json) by what they measure.
_CAR_PER_KM = "uk-average-petrol-car-defra-desnz-co2e-per-km-kg"
_CAR_PER_MILE = "typical-us-passenger-vehicle-epa-co2-per-mile-g"
_CAR_PER_YEAR = "typical-us-passenger-vehicle-epa-co2-per-year-t"
_HOME_PER_YEAR = "us-household-as-cited-by-epoch-ai-electricity-use-kwh-per-yr"
_AMERICAN = re.compile(r"\bU\.?S\.?\b|\bAmerican\b|\bUnited States\b")


def _reference(b: Builder, record: str) -> Any:
    return b.call("lookup_reference", query=record).ref("references.0.value")


def plan_yardstick(b: Builder) -> None:
    """Recompute a yardstick from the footprint the sentence states before it."""
    b.ground("the article's own figures", None, "article")
    found: dict[str, Any] = b.cand.detail["yardstick"]
    footprint: Quantity = found["footprint"]
    unit = b.cand.claimed.unit
    if found["per"] == "distance":
        kg = b.call("convert_units", value=footprint.value, from_unit=footprint.unit, to_unit="kg")
        km = b.calc("x1 / x2", x1=kg.ref(), x2=_reference(b, _CAR_PER_KM))
        miles = b.calc("x1 * 1000 / x2", x1=kg.ref(), x2=_reference(b, _CAR_PER_MILE))
        for handle, per, who in ((km, "km", "a UK petrol car"), (miles, "mi", "a US car")):
            driven = b.call("convert_units", value=handle.ref(), from_unit=per, to_unit=unit)
            b.compare(driven, label=f"{footprint.text} of CO2 as distance driven by {who}")
        return
    if found["per"] == "grid":
        _grid_share(b, footprint, found["region"])
        return
    rate: Quantity | None = found["rate"]
    if rate is None and _AMERICAN.search(b.sentence) is None:
        raise Unplannable("flopcheck has yardsticks for US cars and homes only")
    per_year = "car-year" if found["per"] == "car-year" else "home-year"
    base = "t" if per_year == "car-year" else "kWh"
    total = b.call("convert_units", value=footprint.value, from_unit=footprint.unit, to_unit=base)
    if rate is not None:
        # The article states the yardstick's size: its own arithmetic.
        stated = b.call("convert_units", value=rate.value, from_unit=rate.unit, to_unit=base)
        size, whose = stated.ref(), f"{rate.text} a year"
    else:
        record = _CAR_PER_YEAR if per_year == "car-year" else _HOME_PER_YEAR
        size, whose = _reference(b, record), f"a US {per_year.split('-')[0]}'s year"
    count = b.calc("x1 / x2", x1=total.ref(), x2=size)
    b.compare(count, label=f"{footprint.text} at {whose}", unit="number")


# A region's yearly electricity, one reference per year the tables hold.
_GRID = {
    "California": [
        f"california-total-system-electric-generation-{year}-twh" for year in (2019, 2023, 2024)
    ],
    "the US": [
        "united-states-net-generation-utility-scale-2021-twh",
        "united-states-net-generation-utility-scale-2022-twh",
        "united-states-total-electric-generation-2023-twh",
    ],
}


def _grid_share(b: Builder, footprint: Quantity, region: str) -> None:
    """Recompute an energy figure as a percent of a region's yearly electricity, for each year
    the tables hold."""
    kwh = b.call("convert_units", value=footprint.value, from_unit=footprint.unit, to_unit="kWh")
    for record in _GRID[region]:
        year = record.split("-")[-2]
        share = b.calc("x1 / (x2 * 1e9) * 100", x1=kwh.ref(), x2=_reference(b, record))
        b.compare(share, label=f"{footprint.text} of {region}'s {year} electricity", unit="percent")
