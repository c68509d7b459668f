"""Arithmetic written out in an article: "4184*834=3.49 megajoules", "31.8 GJ is 8833 kWh".

Finds ``expression = result`` and ``value unit is (equivalent to) value unit`` in a sentence,
and plans their exact check with ``calculate`` and ``convert_units``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from flopcheck.errors import FlopcheckError
from flopcheck.tools.numbers import NUMBER_RE, literal_value, number_pattern
from flopcheck.tools.tries import gated
from flopcheck.tools.units import convert, same_dimension

# Inside arithmetic a number may follow an operator with no space ("/3", "x365").
_OPERAND = re.compile(number_pattern())
_OP = re.compile(r"\s*([*/×+^]|x(?=\s?\d)|-(?=\s?\d))\s*")
_UNIT = re.compile(r"\s?([A-Za-z][A-Za-z\-]*(?:\s(?:hours?|hour))?)")
# The words that state a result; the white space around them is part of the "equals".
_EQUALS = gated(re.compile(
    r"=|\bequals\b|\bis equivalent to\b|\bis\b|\bor\b|, so (?:roughly|about)\b"
    r"| so (?:roughly|about)\b|\bcomes to(?: about| roughly)?|\bworks out to(?: about| roughly)?"
    r"|\bamounts to(?: about| roughly)?|\btakes in(?: about)?",
    re.I,
))  # fmt: skip
CONVERT_TARGETS = ("J", "Wh", "W", "s", "FLOP", "g", "m", "B")


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


class _Span(NamedTuple):
    start: int
    end: int


def _around(text: str, word: re.Match[str], first: int, last: int) -> _Span:
    """Return the span of an "equals" word with the white space on either side of it.

    Args:
        text: the article text.
        word: the word's match.
        first: where the white space before it may begin at the earliest.
        last: where the white space after it must end at the latest.
    """
    start, end = word.start(), word.end()
    while start > first and text[start - 1].isspace():
        start -= 1
    while end < last and text[end].isspace():
        end += 1
    return _Span(start, end)


def find_arithmetic(text: str, sentence: tuple[int, int]) -> list[Arithmetic]:
    """Return the ``lhs = rhs`` claims of one sentence.

    Args:
        text: the article text.
        sentence: the (start, end) of the sentence.
    """
    found = []
    s_start, s_end = sentence
    numbers: list[int] | None = None  # found once a result follows an "equals"; most never
    last = s_start
    for word in _EQUALS.finditer(text, s_start, s_end):
        if word.start() < last:
            continue
        eq = _around(text, word, last, s_end)
        last = eq.end
        rhs = _term_at(text, eq.end, s_end)
        if rhs is None:
            continue
        if numbers is None:
            numbers = [m.start() for m in NUMBER_RE.finditer(text, s_start, s_end)]
        conversion = word.group().strip().lower() not in ("=", "equals")
        best = None
        # A written chain is short; looking further back would make a sentence of many "="
        # cost the square of its length.
        for n in numbers[bisect_left(numbers, eq.start - _LHS_REACH) :]:
            if n >= eq.start:
                break
            terms = _lhs(text, n, eq.start)
            if terms and (len(terms) > 1 or (conversion and terms[0][1].unit)):
                best = terms
                break
        if best is None:
            continue
        if conversion and (
            len(best) != 1
            or best[0][1].unit is None
            or rhs.unit is None
            or convertible(1.0, best[0][1].unit, rhs.unit) is None
        ):
            continue
        expression = " ".join(f"{_OPS.get(op, op)} {_operand(t, rhs)}".strip() for op, t in best)
        units = tuple(t.unit for _, t in best if t.unit)
        found.append(Arithmetic(best[0][1].start, rhs.end, expression, units, rhs, conversion))
    return found


_OPS = {"×": "*", "x": "*", "^": "^"}
_LHS_REACH = 200  # characters before an "equals" where its left-hand side may begin


def _operand(term: Term, rhs: Term) -> str:
    """Return a term as an expression operand, in hours when the result is in hours.

    "2,048 GPUs x 54 days = 2.65M GPU hours" multiplies days but states hours.
    """
    if term.unit and rhs.unit and "hour" in rhs.unit.lower():
        hours = convertible(1.0, term.unit, "h")
        if hours is not None and hours != 1.0:
            return f"({term.value!r} * {hours!r})"
    return repr(term.value)


def convertible(value: float, unit: str, target: str) -> float | None:
    """Return ``value`` in ``target`` when the unit table relates the two, else None.

    A planning-time reading of the unit table (which related unit is the right side written
    in?); the conversion the verdict rests on is a ``convert_units`` step of the program.

    Args:
        value: the number.
        unit: its unit.
        target: the unit wanted.
    """
    if not same_dimension(unit, target):
        return None
    try:
        return convert(value, unit, target)
    except FlopcheckError:
        return None
