"""Figures as articles write them: "2,048 GPUs", "$5.58M", "5.5%", "717 kW", "3.17x".

The one place where the text, Markdown and HTML reports turn an Amount into words. A computed
amount is shown in the claimed amount's unit (converted with the ``convert_units`` tool, so
"0.0551 ratio" reads "5.51%" next to a claimed "5.5%"), with at least the precision the claim
is written with. Also here: where the compared figure came from (a reported figure or a
recomputation) and where the claimed figure sits in the quote.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

from flopcheck.engine.report import Amount, Claim, Verdict

Origin = Literal["reported", "recomputed"]

_DIMENSIONLESS = frozenset({"ratio", "x", "percent", ""})
# Count units that name one thing: shown in the claim's spelling, never converted.
_SAME_COUNT = {
    "gpu-hours": "hours", "gpu hours": "hours", "accelerator-hours": "hours",
    "chip-hours": "hours", "tpu-hours": "hours",
    "gpus": "devices", "accelerators": "devices", "chips": "devices", "tpus": "devices",
}  # fmt: skip
# Counts written with a scale word once they reach a million ("14.8T tokens").
_SCALED = frozenset({"params", "tokens", "gpu-hours", "gpu hours", "accelerator-hours", "gpus"})
_SCALED |= {"accelerators", "experts", ""}
_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"))
_SI = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_WORDS = {"params": "parameters", "USD/Mtok": "/M tokens"}
_MAX_DIGITS = 6


def significant_digits(x: float) -> int:
    """Return how many significant digits ``x`` needs (1 to 6): 2048 -> 4, 5.6e6 -> 2.

    Args:
        x: the number.
    """
    if x == 0 or not math.isfinite(x):
        return 1
    for digits in range(1, _MAX_DIGITS):
        if math.isclose(float(f"{x:.{digits}g}"), x, rel_tol=1e-9):
            return digits
    return _MAX_DIGITS


def _sci(x: float, digits: int) -> str:
    """Return ``x`` in scientific notation as articles write it: "3.29e24".

    Args:
        x: the number.
        digits: significant digits.
    """
    if not math.isfinite(x):
        return str(x)
    mantissa, _, exp = f"{x:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exp)}"


def _plain(x: float, digits: int) -> str:
    """Return a number below a million: "2,048", "3.17", "0.055"; tiny ones in exponent form.

    Args:
        x: the number.
        digits: significant digits for numbers below 100.
    """
    if x != 0 and abs(x) < 1e-4:
        return _sci(x, digits)
    if abs(x) >= 100:
        return f"{round(x):,}"  # whole figures are never rounded away: 2,048, not 2,050
    text = f"{x:.{digits}g}"
    return text if "e" not in text else f"{x:,.0f}"


def format_number(x: float, digits: int = 3, scaled: bool = True) -> str:
    """Return a number as articles write it: "2,048", "5.58M", "14.8T", "3.29e24", "0.5".

    Args:
        x: the number.
        digits: significant digits shown for fractions and scaled figures.
        scaled: write millions and up with M/B/T ("2.79M"); otherwise with commas.
    """
    if not math.isfinite(x):
        return str(x)
    ax = abs(x)
    if ax >= 1e15 or (ax >= 1e9 and not scaled):  # "7.03e12 J", not a 13-digit figure
        return _sci(x, digits)
    if ax >= 1e6 and scaled and digits <= 4:
        for scale, suffix in _SUFFIXES:
            if ax >= scale:
                return f"{_plain(x / scale, digits)}{suffix}"
    return _plain(x, digits)


def _fraction(x: float, digits: int) -> str:
    """Return a ratio as a multiple ("3.17x") or, below one, a fraction ("1/10").

    Args:
        x: the ratio.
        digits: significant digits.
    """
    if not 0 < x < 1:  # also NaN, which no comparison admits
        return f"{format_number(x, digits)}x"
    return f"1/{format_number(1 / x, digits)}"


def _si(x: float, digits: int, unit: str) -> str:
    """Return a FLOP figure with an SI prefix ("989 TFLOP/s") or, past exa, in exponent form.

    Args:
        x: the value in FLOP or FLOP/s.
        digits: significant digits.
        unit: "FLOP" or "FLOP/s".
    """
    if abs(x) >= 1e21:
        return f"{_sci(x, digits)} {unit}"
    for scale, prefix in _SI:
        if abs(x) >= scale:
            return f"{_plain(x / scale, digits)} {prefix}{unit}"
    return f"{_plain(x, digits)} {unit}"


def _one(x: float, unit: str, digits: int) -> str:
    """Return one value with its unit, written the way the unit is usually written.

    Args:
        x: the value.
        unit: the unit.
        digits: significant digits.
    """
    if unit == "USD" or unit.startswith("USD/"):
        sign = "-" if x < 0 else ""
        rate = unit[3:]
        return f"{sign}${format_number(abs(x), digits)}{_WORDS.get(unit, rate)}"
    if unit == "percent":
        return f"{format_number(x, digits)}%"
    if unit in ("x", "ratio"):
        return _fraction(x, digits)
    if unit in ("FLOP", "FLOP/s"):
        return _si(x, digits, unit)
    number = format_number(x, digits, scaled=unit.lower() in _SCALED)
    if not unit:
        return number
    word = _WORDS.get(unit, unit)
    if x == 1 and word.endswith("s") and unit.lower() in _SCALED | {"days", "months", "hours"}:
        word = word[:-1]
    return f"{number} {word}"


def format_amount(amount: Amount | None, digits: int | None = None) -> str:
    """Return an amount as articles write it: "$5.58M", "90-100 days", "5.5%", "-" for none.

    Args:
        amount: the amount, or None.
        digits: significant digits; default: as many as the figure needs, at least 3.
    """
    if amount is None:
        return "-"
    low, high, unit = amount.low, amount.high, amount.unit
    if low is not None and high is not None and not math.isclose(low, high, rel_tol=1e-9):
        n = digits or max(3, significant_digits(low), significant_digits(high))
        # "90–100 days" and "5–10%", but "$40M–$100M", "2–3x" and "1/10–1/5" in full.
        spelled = unit.startswith("USD") or unit in ("x", "ratio", "FLOP", "FLOP/s")
        first = _one(low, unit, n) if spelled else format_number(low, n, unit.lower() in _SCALED)
        return f"{first}–{_one(high, unit, n)}"
    value = amount.value if amount.value is not None else low
    if value is None:
        return "-"
    return _one(value, unit, digits or max(3, significant_digits(value)))


def written_digits(amount: Amount) -> int:
    """Return the significant digits an amount is written with (at least 3, for comparisons).

    Args:
        amount: a claimed amount.
    """
    values = [v for v in (amount.value, amount.low, amount.high) if v is not None]
    return max([3, *(significant_digits(v) for v in values)])


# Units come from planners, an LLM among them: a bounded cache, however many spellings arrive.
@lru_cache(maxsize=256)
def _factor(from_unit: str, to_unit: str) -> float | None:
    """Return how many ``to_unit`` make one ``from_unit``, from the convert_units tool.

    Args:
        from_unit: the computed amount's unit.
        to_unit: the claimed amount's unit.
    """
    from flopcheck.tools import call

    aliases = {"x": "ratio", "": "ratio"}
    args = {"value": 1.0, "from_unit": aliases.get(from_unit, from_unit)}
    result = call("convert_units", {**args, "to_unit": aliases.get(to_unit, to_unit)})
    factor = result.get("factor")
    return float(factor) if isinstance(factor, int | float) else None


def in_claimed_unit(computed: Amount, claimed: Amount) -> Amount:
    """Return the computed amount in the claimed amount's unit, when the two units convert.

    Args:
        computed: the computed amount.
        claimed: the claimed amount, whose unit is wanted.
    """
    want, have = claimed.unit, computed.unit
    if want == have:
        return computed
    family = _SAME_COUNT.get(want.lower())
    if family is not None and family == _SAME_COUNT.get(have.lower()):
        return computed.model_copy(update={"unit": want})
    if (want in _DIMENSIONLESS) != (have in _DIMENSIONLESS):
        return computed
    factor = _factor(have, want)
    if factor is None:
        return computed

    def scale(v: float | None) -> float | None:
        return None if v is None else v * factor

    return Amount(
        value=scale(computed.value), low=scale(computed.low), high=scale(computed.high), unit=want
    )


def claimed_and_computed(claim: Claim) -> tuple[str, str]:
    """Return the claimed and computed amounts as written, in one unit and at one precision.

    Args:
        claim: the claim.
    """
    computed = claim.verdict.computed
    if computed is None:
        return format_amount(claim.claimed), "-"
    digits = written_digits(claim.claimed)
    shown = in_claimed_unit(computed, claim.claimed)
    return format_amount(claim.claimed), format_amount(shown, digits)


def ratio_phrase(ratio: float | None) -> str:
    """Return claimed/computed in words: "matches", "12% above", "3.15x the figure", "1/2,049".

    Args:
        ratio: claimed divided by computed, or None.
    """
    if ratio is None or not math.isfinite(ratio) or ratio < 0:
        return ""
    if math.isclose(ratio, 1.0, rel_tol=5e-3):
        return "the claim matches the figure"
    if 0.5 <= ratio < 1:
        return f"the claim is {format_number((1 - ratio) * 100, 2)}% below the figure"
    if 1 < ratio <= 2:
        return f"the claim is {format_number((ratio - 1) * 100, 2)}% above the figure"
    if ratio > 2:
        return f"the claim is {format_number(ratio, 3)}x the figure"
    if ratio == 0:
        return "the claim is zero"
    return f"the claim is 1/{format_number(1 / ratio, 3)} of the figure"


def figure_origin(verdict: Verdict) -> Origin | None:
    """Return whether the compared figure is a reported one (a lookup) or a recomputation.

    The figure a claim is compared with is the ``mid`` of the last ``compare_claim`` step (or
    the computed amount). It is traced back through the steps before it, through unit
    conversions, to the step that produced it: a ``lookup_*`` tool means a reported figure,
    any other tool a recomputation. A figure no step produced was read out of a lookup's
    record, so it is reported when a lookup ran.

    Args:
        verdict: the verdict, with its steps.
    """
    if verdict.computed is None:
        return None
    steps = list(verdict.steps)
    compares = [i for i, s in enumerate(steps) if s.tool == "compare_claim"]
    target = verdict.computed.value
    if compares:
        target = steps[compares[-1]].args.get("mid", target)
        steps = steps[: compares[-1]]
    lookup = any(s.tool.startswith("lookup_") for s in steps)
    for step in reversed(steps):
        value = step.result.get("value")
        mid = value.get("mid") if isinstance(value, dict) else None
        if not isinstance(mid, int | float) or not isinstance(target, int | float):
            continue
        if not math.isclose(mid, target, rel_tol=1e-9, abs_tol=1e-12):
            continue
        if step.tool != "convert_units":
            return "reported" if step.tool.startswith("lookup_") else "recomputed"
        target = step.args.get("value")
    return "reported" if lookup else "recomputed"


def figure_span(claim: Claim) -> tuple[int, int]:
    """Return where the claimed figure is written: its span in the text, else the quote's.

    Args:
        claim: the claim; its figure is found by reading the quote's quantities.
    """
    from flopcheck.rules.quantities import find_quantities

    want = claim.claimed
    for q in find_quantities(claim.quote):
        same_value = want.value is not None and math.isclose(q.value, want.value, rel_tol=1e-6)
        same_range = (
            q.low is not None
            and want.low is not None
            and math.isclose(q.low, want.low, rel_tol=1e-6)
        )
        if same_value or same_range:
            return claim.start + q.start, claim.start + q.end
    return claim.start, claim.end
