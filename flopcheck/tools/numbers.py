"""Number literals as articles write them: one reader shared by the calculator and the grammar.

Accepted forms:

- plain and comma-grouped integers and decimals: "2048", "2,048", "1,082,990", "5.576";
- glued scale suffixes: "5k", "10K", "2.788M", "37B", "4b", "$2bn", "14.8T", "$40m" (a bare
  lower-case "m" means million only after a currency sign: "5m" alone is five metres);
- scale words: "5.5 million", "2 billion", "1.27 trillion", "70-billion";
- a currency prefix: "$", "US$", "USD";
- scientific notation as articles write it: "3.8e25", "9e^17" (= 9e17), "1.27*10^9",
  "3.49×10^6", "3.49 x 10^6", "10^25", "10²⁵".

A value is built from its decimal digits and one power of ten in a single ``float()`` call, so
"2.788M" is exactly 2788000.0 instead of 2.788 * 1e6 with a rounding error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import MAX_MAGNITUDE
from flopcheck.tools.tries import initials

# Horizontal white space only: a number and its scale word never span a line break.
SP = r"[ \t\u00a0\u2009\u202f]"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_CLASS = f"[{_SUPERSCRIPTS}]"
_SUP_TO_ASCII = str.maketrans(_SUPERSCRIPTS + "⁻−", "0123456789--")
_SUFFIX_EXP = {"k": 3, "K": 3, "M": 6, "m": 6, "mn": 6, "B": 9, "b": 9, "bn": 9, "T": 12, "tn": 12}
_WORD_EXP = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "quadrillion": 15}
_SPELT = {
    "half a": "0.5",
    "a half": "0.5",
    "a": "1",
    "an": "1",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}
# An exponent with more digits over- or underflows anyway; the limit also keeps int() from
# ever parsing a 5,000-digit exponent.
_MAX_EXPONENT_DIGITS = 4
# MAX_MAGNITUDE as people write it in an error message: "1e40", not "1e+40".
LIMIT = f"1e{round(math.log10(MAX_MAGNITUDE))}"


# The letters a number literal can start with: "US$", "USD" and the spelled counts.
NUMBER_LETTERS = frozenset({"U"} | {c for w in _SPELT for c in (w[0].lower(), w[0].upper())})


def number_pattern(tag: str = "", products: bool = True) -> str:
    """Return the regex source of one number literal, its groups suffixed with ``tag``.

    Args:
        tag: suffix for the group names, so that one pattern can hold several literals.
        products: also read "1.27*10^9", "3.49 x 10^6" and "10^25" as one literal; the
            calculator turns this off and evaluates them as operators instead.
    """
    t = tag
    plain = rf"(?P<mant{t}>(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.[0-9]+)?)"
    sci = rf"[eE]\^?(?P<exp{t}>[+\-−]?[0-9]+)"
    if products:
        # LaTeX writes "2 \times 10^{25}".
        times = rf"{SP}?(?:[*×xX·]|\\times){SP}?10"
        sci += rf"|{times}(?:\^|\*\*)\{{?(?P<xexp{t}>[+\-−]?[0-9]+)\}}?"
        sci += rf"|{times}(?P<xsup{t}>[⁻−]?{_SUP_CLASS}+)"
        ten = rf"10(?:\^(?P<tenexp{t}>[+\-−]?[0-9]+)|(?P<tensup{t}>[⁻−]?{_SUP_CLASS}+))"
        # "one million miles", "half a billion": a spelled-out count only before a scale word.
        spelt = (
            rf"{initials(list(_SPELT))}(?P<spelt{t}>(?i:{'|'.join(_SPELT)}))"
            rf"(?=(?:{SP}|-)(?i:thousand|million|billion|trillion)\b)"
        )
        body = rf"(?:{ten}|{plain}(?:{sci})?|{spelt})"
    else:
        body = rf"{plain}(?:{sci})?"
    suffix = rf"(?P<suf{t}>[kKMBbT]|bn|mn|tn|(?(cur{t})m|(?!)))(?![A-Za-z0-9])"
    word = rf"(?:{SP}|-)(?P<word{t}>(?i:thousand|million|billion|trillion|quadrillion))\b"
    return rf"(?P<cur{t}>US{SP}?\$|USD{SP}?|\$)?{body}(?:{suffix}|{word})?"


@dataclass(frozen=True, slots=True)
class NumberLiteral:
    """A number literal found in a text: its span, value and whether it is a dollar amount."""

    start: int
    end: int
    text: str
    value: float
    usd: bool


def _exponent(raw: str, text: str) -> int:
    """Return an exponent written in ASCII or superscript digits; raise when absurdly long.

    Args:
        raw: the exponent as matched, e.g. "25", "-3", "²⁵".
        text: the whole literal, for the error message.
    """
    digits = raw.translate(_SUP_TO_ASCII)
    if len(digits.lstrip("+-")) > _MAX_EXPONENT_DIGITS:
        raise ToolInputError(f"{text!r} is out of range: |x| must be at most {LIMIT}")
    return int(digits)


def literal_scale(match: re.Match[str], tag: str = "") -> int:
    """Return the power of ten a literal's scale suffix or word adds (0 when it has none).

    Args:
        match: a match of a pattern built with ``number_pattern(tag)``.
        tag: the group-name suffix used when building the pattern.
    """
    suffix = match.group(f"suf{tag}")
    if suffix is not None:
        return _SUFFIX_EXP[suffix]
    word = match.group(f"word{tag}")
    return _WORD_EXP[word.lower()] if word is not None else 0


def literal_value(match: re.Match[str], tag: str = "", extra_scale: int = 0) -> float:
    """Return the value of a literal matched by a ``number_pattern``; raise when out of range.

    Args:
        match: a match of a pattern built with ``number_pattern(tag)``.
        tag: the group-name suffix used when building the pattern.
        extra_scale: a further power of ten, e.g. "2" in "2-3K" inheriting the K of "3K".
    """
    text = match.group(0)
    mantissa = match.group(f"mant{tag}")
    spelt = match.group(f"spelt{tag}") if f"spelt{tag}" in match.re.groupindex else None
    if spelt is not None:
        digits, exp = _SPELT[" ".join(spelt.lower().split())], 0
    elif mantissa is None:
        digits = "1"
        exp = _exponent(match.group(f"tenexp{tag}") or match.group(f"tensup{tag}"), text)
    else:
        digits = mantissa.replace(",", "")
        raw = match.group(f"exp{tag}")
        if raw is None and f"xexp{tag}" in match.re.groupindex:
            raw = match.group(f"xexp{tag}") or match.group(f"xsup{tag}")
        exp = _exponent(raw, text) if raw else 0
    value = float(f"{digits}e{exp + literal_scale(match, tag) + extra_scale}")
    if not math.isfinite(value) or value > MAX_MAGNITUDE:
        raise ToolInputError(
            f"{text!r} is out of range: |x| must be at most {LIMIT}; check the exponent"
        )
    return value


# In running text a literal must not continue a word ("H100", "Meta’s1"), a decimal, a
# comma-grouped number, a fraction ("1/3"), or a hyphenated name ("GPT-4").
NUMBER_RE = re.compile(rf"(?<![\w.,/])(?<![A-Za-z]-){number_pattern()}")
_FULL_RE = re.compile(rf"{SP}*(?P<sign>[+\-−])?{SP}*{number_pattern()}{SP}*")


def find_numbers(text: str) -> list[NumberLiteral]:
    """Return every number literal in ``text`` with its span; out-of-range literals are skipped.

    Args:
        text: any text, e.g. an article.
    """
    found = []
    for m in NUMBER_RE.finditer(text):
        try:
            value = literal_value(m)
        except ToolInputError:
            continue
        found.append(
            NumberLiteral(m.start(), m.end(), m.group(0), value, m.group("cur") is not None)
        )
    return found


def parse_number(text: str) -> float:
    """Return the value of one number literal such as "2,048", "2.788M", "$5.5 million", "3.8e25".

    Args:
        text: the literal alone, optionally signed and surrounded by spaces.
    """
    m = _FULL_RE.fullmatch(text)
    if m is None:
        raise ToolInputError(
            f"cannot read {text[:60]!r} as a number: write digits with optional comma groups and "
            "one scale or exponent, e.g. '2,048', '2.788M', '5.5 million', '3.8e25', '3.49x10^6'",
            ["2,048", "2.788M", "5.5 million", "3.8e25", "3.49x10^6"],
        )
    value = literal_value(m)
    return -value if m.group("sign") in ("-", "−") else value
