"""Arithmetic written out in an article: "4184*834=3.49 megajoules", "31.8 GJ is 8833 kWh".

Finds ``expression = result`` and ``value unit is (equivalent to) value unit`` in a sentence,
and checks them exactly with ``calculate`` and ``convert_units``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flopcheck.engine.report import Amount, Verdict
from flopcheck.rules.verify import Session, Unverifiable, rounding
from flopcheck.tools import call
from flopcheck.tools.numbers import NUMBER_RE, literal_value, number_pattern

# Inside arithmetic a number may follow an operator with no space ("/3", "x365").
_OPERAND = re.compile(number_pattern())
_OP = re.compile(r"\s*([*/×+^]|x(?=\s?\d)|-(?=\s?\d))\s*")
_UNIT = re.compile(r"\s?([A-Za-z][A-Za-z\-]*(?:\s(?:hours?|hour))?)")
_EQUALS = re.compile(
    r"\s*(?:=|\bequals\b|\bis equivalent to\b|\bis\b|\bor\b|,? so (?:roughly|about)\b"
    r"|\b(?:comes|works out|amounts) to(?: about| roughly)?|\btakes in(?: about)?)\s*",
    re.I,
)
_CONVERT_TARGETS = ("J", "Wh", "W", "s", "FLOP", "g", "m", "B")


@dataclass(frozen=True)
class Term:
    """A number in an arithmetic claim, with the unit word written after it (if any)."""

    start: int
    end: int
    value: float
    literal: str
    unit: str | None


@dataclass(frozen=True)
class Arithmetic:
    """An ``lhs = rhs`` claim found in a sentence."""

    start: int
    end: int
    expression: str
    lhs_units: tuple[str, ...]
    rhs: Term
    conversion: bool


def _term_at(text: str, pos: int, limit: int) -> Term | None:
    m = _OPERAND.match(text, pos, limit)
    if m is None:
        return None
    try:
        value = literal_value(m)
    except ValueError:
        return None
    end, unit = m.end(), None
    u = _UNIT.match(text, end, limit)
    if u and not _OP.match(text, end, limit) and u.group(1).lower() not in {"x", "is", "or", "and"}:
        unit, end = u.group(1), u.end()
    return Term(m.start(), end, value, m.group(), unit)


def _lhs(text: str, start: int, stop: int) -> list[tuple[str, Term]] | None:
    """Parse ``term (op term)*`` ending exactly at ``stop``; None when it does not."""
    terms: list[tuple[str, Term]] = []
    pos, op = start, ""
    while pos < stop:
        term = _term_at(text, pos, stop)
        if term is None:
            return None
        terms.append((op, term))
        pos = term.end
        if pos >= stop:
            break
        o = _OP.match(text, pos, stop)
        if o is None:
            return None
        op, pos = o.group(1), o.end()
    return terms if pos == stop else None


def find_arithmetic(text: str, sentence: tuple[int, int]) -> list[Arithmetic]:
    """Return the ``lhs = rhs`` claims of one sentence.

    Args:
        text: the article text.
        sentence: the (start, end) of the sentence.
    """
    found = []
    s_start, s_end = sentence
    numbers = [m.start() for m in NUMBER_RE.finditer(text, s_start, s_end)]
    for eq in _EQUALS.finditer(text, s_start, s_end):
        rhs = _term_at(text, eq.end(), s_end)
        if rhs is None:
            continue
        conversion = eq.group().strip().lower() != "=" and eq.group().strip().lower() != "equals"
        best = None
        for n in numbers:
            if n >= eq.start():
                break
            terms = _lhs(text, n, eq.start())
            if terms and (len(terms) > 1 or (conversion and terms[0][1].unit)):
                best = terms
                break
        if best is None:
            continue
        if conversion and (
            len(best) != 1
            or best[0][1].unit is None
            or rhs.unit is None
            or _try_convert(1.0, best[0][1].unit, rhs.unit) is None
        ):
            continue
        expression = " ".join(f"{_OPS.get(op, op)} {_operand(t, rhs)}".strip() for op, t in best)
        units = tuple(t.unit for _, t in best if t.unit)
        found.append(Arithmetic(best[0][1].start, rhs.end, expression, units, rhs, conversion))
    return found


_OPS = {"×": "*", "x": "*", "^": "^"}


def _operand(term: Term, rhs: Term) -> str:
    """Return a term as an expression operand, in hours when the result is in hours.

    "2,048 GPUs x 54 days = 2.65M GPU hours" multiplies days but states hours.
    """
    if term.unit and rhs.unit and "hour" in rhs.unit.lower():
        hours = _try_convert(1.0, term.unit, "h")
        if hours is not None and hours != 1.0:
            return f"({term.value!r} * {hours!r})"
    return repr(term.value)


def _try_convert(value: float, unit: str, target: str) -> float | None:
    """Convert without recording a step: most candidate targets are the wrong dimension."""
    result = call("convert_units", {"value": value, "from_unit": unit, "to_unit": target})
    return None if "error" in result else float(result["value"]["mid"])


def _closest(left: float, options: list[tuple[float, str]]) -> tuple[float, str]:
    def distance(option: tuple[float, str]) -> float:
        return abs(math.log10(abs(option[0]) + 1e-300) - math.log10(abs(left) + 1e-300))

    return min(options, key=distance)


def check_arithmetic(session: Session, a: Arithmetic, claimed: Amount) -> Verdict:
    """Recompute an arithmetic or conversion claim exactly and judge it.

    Args:
        session: the tool session.
        a: the arithmetic found in the text.
        claimed: the claimed right-hand side.
    """
    if a.conversion:
        if not a.lhs_units or not a.rhs.unit:
            raise Unverifiable("a conversion needs units on both sides")
        value = float(a.expression)
        if _try_convert(value, a.lhs_units[0], a.rhs.unit) is None:
            raise Unverifiable(f"cannot convert {a.lhs_units[0]} to {a.rhs.unit}")
        args = {"value": value, "from_unit": a.lhs_units[0], "to_unit": a.rhs.unit}
        left = float(session.call("convert_units", args)["value"]["mid"])
        formula = f"{value:g} {a.lhs_units[0]} = {left:.6g} {a.rhs.unit}"
        return session.judge(
            Amount(value=a.rhs.value, unit=a.rhs.unit),
            Amount(value=left, unit=a.rhs.unit),
            rounding(a.rhs.literal, False),
            f"unit conversion: {formula}.",
            confidence=0.95,
        )
    left = float(session.call("calculate", {"expression": a.expression})["value"]["mid"])
    right, shown = a.rhs.value, a.rhs.unit or ""
    if a.rhs.unit:
        # The left side often drops its unit ("4184*834=3.49 megajoules" is in joules): read
        # the right side in whichever related unit brings it nearest the computed value.
        options = [(right, a.rhs.unit)]
        for target in (*a.lhs_units, *_CONVERT_TARGETS):
            converted = _try_convert(a.rhs.value, a.rhs.unit, target)
            if converted is not None:
                options.append((converted, target))
        right, shown = _closest(left, options)
        if shown != a.rhs.unit:
            session.call(
                "convert_units", {"value": a.rhs.value, "from_unit": a.rhs.unit, "to_unit": shown}
            )
    spread = rounding(a.rhs.literal, False)
    return session.judge(
        Amount(value=right, unit=shown or "number"),
        Amount(value=left, unit=shown or "number"),
        spread,
        f"{a.expression} = {left:.6g}" + (f" {shown}" if shown else "") + ".",
        confidence=0.95,
    )
