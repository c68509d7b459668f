"""Name knowledge read from the data tables, for code that links words in text to records.

Which run "Meta" or "Llama 3" usually means, which hosted models stand for "OpenAI" in a price
comparison, which models reason before answering, the generation names, and the widths and
peak columns of numeric formats: all live in data files (organisations, families, runs,
api_prices, accelerators, precisions), and these accessors only shape them for lookups.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from flopcheck.tools.names import normalize
from flopcheck.tools.tables import (
    PRECISIONS,
    Precision,
    PrecisionFormat,
    accelerators,
    api_prices,
    families,
    organisations,
    precisions,
    training_runs,
)


def org_default_runs(on: date | None = None) -> dict[str, str]:
    """Return organisation key -> the run an unqualified mention most plausibly means.

    Args:
        on: the article's date; None for the latest default of each organisation.
    """
    defaults: dict[str, str] = {}
    for org in organisations():
        runs = [d for d in org.default_runs if on is None or d.from_date <= on]
        if runs:
            defaults[org.id] = runs[-1].run
    return defaults


@cache
def family_usual_runs() -> dict[str, str]:
    """Return normalized family name or alias -> the run an article naming only it means."""
    return {
        normalize(name): family.usual_run
        for family in families()
        if family.usual_run
        for name in (family.name, *family.aliases)
    }


@cache
def family_names() -> tuple[str, ...]:
    """Return the spellings of families that have a usual run, for finding them in text."""
    return tuple(n for f in families() if f.usual_run for n in (f.name, *f.aliases))


@cache
def generation_names() -> tuple[str, ...]:
    """Return the generation names that resolve to a flagship chip ("Hopper")."""
    return tuple(a.flagship_of for a in accelerators() if a.flagship_of)


@cache
def price_comparators() -> dict[str, list[str]]:
    """Return word writers use -> hosted models that stand for it in a price comparison."""
    words: dict[str, list[str]] = {}
    for org in organisations():
        words.update(org.price_comparators)
    return words


@cache
def run_api_models() -> dict[str, list[str]]:
    """Return training-run id -> hosted API models built on that run."""
    return {run.id: list(run.api_models) for run in training_runs() if run.api_models}


@cache
def reasoning_models() -> frozenset[str]:
    """Return the hosted models that always reason before answering."""
    return frozenset(m.model for m in api_prices() if m.reasoning == "yes")


@cache
def _formats() -> dict[str, PrecisionFormat]:
    found: dict[str, PrecisionFormat] = {}
    for fmt in precisions():
        for name in (fmt.id, *fmt.aliases):
            found.setdefault(_key(name), fmt)
    return found


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "").replace(" ", "").replace("_", "")


def precision_format(name: str) -> PrecisionFormat | None:
    """Return the numeric format a spelling names ("bfloat16", "E4M3", "FP32"), or None.

    Args:
        name: the spelling.
    """
    return _formats().get(_key(name))


@cache
def precision_bits() -> dict[str, int]:
    """Return format id -> bits per value."""
    return {fmt.id: fmt.bits for fmt in precisions()}


@cache
def compared_precision() -> dict[str, str]:
    """Return format id -> the peak column a claim in it is checked against, where it differs
    from the id (FP32 -> TF32, INT8 -> FP8)."""
    mapped = {f.id: f.compare_as or f.peak_column for f in precisions()}
    return {k: v for k, v in mapped.items() if v and v != k}


def peak_column(name: str) -> Precision | None:
    """Return the dense-peak column a precision spelling maps to, or None.

    Args:
        name: e.g. "bfloat16", "FP32", "fp8".
    """
    fmt = precision_format(name)
    column = fmt.peak_column if fmt else None
    return next((p for p in PRECISIONS if p == column), None)


def bytes_per_param(precision: Precision) -> float:
    """Return the bytes one parameter takes in memory at a precision.

    Args:
        precision: a peak column, e.g. "bf16".
    """
    fmt = precision_format(precision)
    if fmt is None:
        raise KeyError(precision)
    return fmt.bytes_per_param
