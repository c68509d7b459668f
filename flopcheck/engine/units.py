"""Units as the engine sees them: the unit of a figure in a tool result, and like-for-like tests.

Data tables put units in field names (``memory_gb``, ``tdp_w``, ``input_usd_per_mtok``), and
calculators put them in ``value.unit``. Counts (accelerator-hours, parameters, dollars) are not
physical units, so ``convert_units`` does not know them: they are compared by name here, after
folding the spellings writers and tools use for one thing ("GPU-hours", "accelerator-hours").
"""

from __future__ import annotations

import re

# Field-name suffix -> unit, longest first so "_usd_per_mtok" wins over "_usd".
_SUFFIXES = (
    ("_usd_per_mtok", "USD/Mtok"),
    ("_usd_per_hour", "USD/accelerator-hour"),
    ("_usd_per_kwh", "USD/kWh"),
    ("_kg_per_kwh", "kg/kWh"),
    ("_tflops", "TFLOP/s"),
    ("_pflops", "PFLOP/s"),
    ("_tops", "TOPS"),
    ("_tb_s", "TB/s"),
    ("_gb_s", "GB/s"),
    ("_billion", "billion"),
    ("_hours", "h"),
    ("_days", "day"),
    ("_flop", "FLOP"),
    ("_usd", "USD"),
    ("_kwh", "kWh"),
    ("_gb", "GB"),
    ("_kw", "kW"),
    ("_mw", "MW"),
    ("_w", "W"),
)
# Figure objects named for what they count.
_NAMED = {
    "total_params": "params",
    "active_params": "params",
    "tokens": "tokens",
    "accelerator_hours_total": "accelerator-hours",
    "accelerator_hours": "accelerator-hours",
    "accelerator_count": "accelerators",
    "mfu": "ratio",
    "duration_days": "day",
    "training_compute_flop": "FLOP",
    "reported_cost_usd": "USD",
    "cost_usd": "USD",
    "energy_kwh": "kWh",
}
# Spellings of one count, folded to one name.
_ALIASES = {
    "gpu-hours": "accelerator-hours",
    "gpu-hour": "accelerator-hours",
    "gpu hours": "accelerator-hours",
    "chip-hours": "accelerator-hours",
    "tpu-hours": "accelerator-hours",
    "accelerator-hour": "accelerator-hours",
    "gpus": "accelerators",
    "gpu": "accelerators",
    "chips": "accelerators",
    "tpus": "accelerators",
    "accelerator": "accelerators",
    "parameters": "params",
    "param": "params",
    "token": "tokens",
    "$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "usd/gpu-hour": "USD/accelerator-hour",
    "usd/hour": "USD/accelerator-hour",
    "usd/mtok": "USD/Mtok",
    "x": "ratio",
    "times": "ratio",
    "fraction": "ratio",
    "number": "ratio",
    "": "ratio",
    "%": "percent",
    "days": "day",
    "hours": "h",
    "months": "month",
    "years": "year",
    "weeks": "week",
}
# Dimensionless units, as multiples of a plain ratio.
DIMENSIONLESS = {"ratio": 1.0, "percent": 0.01}
_WRAPPERS = {"value", "low", "mid", "high"}
_INDEX = re.compile(r"^\d+$")


def canonical(unit: str) -> str:
    """Return the one name of a unit, folding spellings of the same count ("GPUs" -> accelerators).

    Args:
        unit: a unit as a tool or the claim grammar writes it.
    """
    stripped = unit.strip()
    return _ALIASES.get(stripped.lower(), stripped)


def unit_of_field(path: str) -> str | None:
    """Return the unit of the figure at a dotted path of a tool result, from its field names.

    Args:
        path: e.g. "accelerator.dense_peak_tflops.fp8", "run.total_params".
    """
    parts = [p for p in path.split(".") if p not in _WRAPPERS and not _INDEX.match(p)]
    for name in reversed(parts):
        if name in _NAMED:
            return _NAMED[name]
        for suffix, unit in _SUFFIXES:
            if name.endswith(suffix):
                return unit
    return None


def same_unit(a: str, b: str) -> bool:
    """Return whether two unit names denote the same unit.

    Args:
        a: one unit.
        b: the other.
    """
    return canonical(a) == canonical(b)


def dimensionless_factor(unit: str) -> float | None:
    """Return the factor that turns a dimensionless unit into a plain ratio, else None.

    Args:
        unit: e.g. "percent", "x", "ratio".
    """
    return DIMENSIONLESS.get(canonical(unit))
