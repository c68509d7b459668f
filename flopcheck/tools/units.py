"""The ``convert_units`` tool and a small unit table for the quantities AI articles use.

Not pint: pint takes ~0.45 s to import and build its registry, and flopcheck must start in under
0.3 s. The tests cross-check every factor here against pint.

Conventions (stated in results as assumptions where they matter):

- Case matters where SI makes it matter: "mW" is a milliwatt, "MW" a megawatt; "Mb"/"Gb" are
  bits and "MB"/"GB" bytes; "m" is a metre and "min" a minute. Spellings that differ only in
  case are accepted when they name one unit ("kwh", "Mwh", "KW"); all-lower-case "mb", "gb",
  "tb", "pb" are read as bytes (as people type them), but "kb" is the SI kilobit; "mw" and
  "CAL" are refused as ambiguous.
  One-letter symbols match exactly only: "T" is not a tonne.
- Data: "kB" (also "KB"), "MB", "GB", "TB", "PB" are decimal (1 GB = 1e9 bytes); "KiB" ...
  "PiB" binary.
- FLOP: an upper-case S means per second ("TFLOPS", "FLOPS"), as do "/s" and the plural word
  ("teraflops", "petaflops"); a lower-case s is a plural count ("FLOPs", "flops", "TFLOPs"),
  except that an all-lower-case "tflops" is a rate. "TF", "PF", "EF" are TFLOP/s, PFLOP/s,
  EFLOP/s. A petaflop/s-day is 8.64e19 FLOP.
- Time: a month is 1/12 of a year = 30.44 days; a year is 365.25 days.
- Energy: "cal" is the thermochemical calorie (4.184 J); "kcal", "Cal" and "kCal" are the food
  calorie (4184 J); "BTU" is the international-table BTU (1055.056 J).
- Mass: "t" is the metric tonne; "tCO2", "kgCO2e" and the like are masses (of CO2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pydantic import Field

from flopcheck.errors import ToolInputError, UnknownNameError
from flopcheck.tools._results import Args, FiniteNumber, ToolResult, Value
from flopcheck.tools.tries import trie_pattern

_PREFIXES = {"-": ("", "", 1.0), "m": ("m", "milli", 1e-3)}
_SI_WORDS = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"]
_SI = zip("kMGTPEZY", _SI_WORDS, strict=True)
_PREFIXES.update((s, (s, w, 1e3**i)) for i, (s, w) in enumerate(_SI, 1))
_IEC_PREFIXES = ["Ki", "Mi", "Gi", "Ti", "Pi"]
_IEC = zip(_IEC_PREFIXES, ["kibi", "mebi", "gibi", "tebi", "pebi"], strict=True)
_PREFIXES.update((s, (s, w, 1024.0**i)) for i, (s, w) in enumerate(_IEC, 1))
# One unit (family) per row: dimension | symbol | factor to the dimension's base unit |
# prefixes ("-" none, "m" milli, "k" to "Y" SI, "IEC" Ki to Pi) | case-sensitive aliases |
# words, matched in any case with any joiner. A "*" in a symbol, alias or word takes the
# prefix: "*Wh" with "k" is "kWh", "*watt hour" "kilowatt hour". Rows may repeat a unit to add
# spellings.
_ROWS = """
energy    | *J          | 1          | -kMGTPE  |                    | *joule, *joules
energy    | *Wh         | 3600       | -kMGTP   |                    | *watt hour, *watt hours
energy    | cal         | 4.184      | -        |                    | calorie, calories
energy    | kcal        | 4184       | -        | Cal kCal KCal Kcal | kilocalorie, kilocalories
energy    | kcal        | 4184       | -        |                    | food calorie, food calories
energy    | BTU         | 1055.056   | -        | Btu                | british thermal unit
energy    | BTU         | 1055.056   | -        |                    | british thermal units
power     | *W          | 1          | m-kMGT   |                    | *watt, *watts
flop      | FLOP        | 1          | -        | FLOPs flop flops   | floating point operation
flop      | FLOP        | 1          | -        |                    | floating point operations
flop      | *FLOP       | 1          | kMGTPEZY | *FLOPs             | *flop
flop      | PFLOP/s-day | 8.64e19    | -        | PF-day PF-days     | petaflop/s day
flop      | PFLOP/s-day | 8.64e19    | -        | pfs-day pfs-days   | petaflop/s days
flop_rate | FLOP/s      | 1          | -        | FLOPS flop/s       | flops per second
flop_rate | FLOP/s      | 1          | -        | FLOPs/s            |
flop_rate | *FLOP/s     | 1          | kMGTPEZY | *FLOPS *FLOPs/s    | *flops, *flop/s
flop_rate | *FLOP/s     | 1          | TPE      | *F                 |
time      | s           | 1          | -        | sec secs           | second, seconds
time      | min         | 60         | -        | mins               | minute, minutes
time      | h           | 3600       | -        | hr hrs             | hour, hours
time      | day         | 86400      | -        | d                  | day, days
time      | week        | 604800     | -        | wk wks             | week, weeks
time      | month       | 2629800    | -        | mo                 | month, months
time      | year        | 31557600   | -        | yr yrs             | year, years
data      | *B          | 1          | -kMGTP   |                    | *byte, *bytes
data      | kB          | 1000       | -        | KB                 |
data      | *B          | 1          | IEC      |                    | *byte, *bytes
data      | *bit        | 0.125      | -kMGTP   | *b                 | *bit, *bits
data      | kbit        | 125        | -        | Kb                 |
data_rate | *B/s        | 1          | -kMGTP   |                    | *bytes per second
data_rate | kB/s        | 1000       | -        | KB/s               |
data_rate | *bit/s      | 0.125      | -kMGTP   | *bps *b/s          | *bits per second
distance  | m           | 1          | -        |                    | metre, metres, meter
distance  | m           | 1          | -        |                    | meters
distance  | km          | 1000       | -        |                    | kilometre, kilometres
distance  | km          | 1000       | -        |                    | kilometer
distance  | mi          | 1609.344   | -        |                    | mile, miles
distance  | ft          | 0.3048     | -        |                    | foot, feet
mass      | g           | 0.001      | -        | gCO2 gCO2e         | gram, grams
mass      | kg          | 1          | -        | kgCO2 kgCO2e       | kilogram, kilograms
mass      | t           | 1000       | -        | tCO2 tCO2e         | tonne, tonnes, metric ton
mass      | Mt          | 1e9        | -        | MtCO2 MtCO2e       | megatonne, megatonnes
mass      | lb          | 0.45359237 | -        | lbs                | pound, pounds
ratio     | ratio       | 1          | -        | x                  | fraction, times
ratio     | percent     | 0.01       | -        | %                  | per cent, percentage
"""
_FOLD = re.compile(r"[\s\-_·⋅.]+")
# Folded spellings that two units share, resolved to the reading writers almost always mean.
_PREFERRED = {f"{p.lower()}b{s}": f"{p}B{s}" for p in "kMGTP" for s in ("", "/s")}
_PREFERRED["flops"] = "FLOP"
# Things callers pass as units that are counts or currencies, keyed by folded singular.
_MONEY = "currency is not converted here; use calculate for dollar arithmetic"
_NOT_UNITS = {
    "gpuhour": "GPU-hours count accelerator time; use the accelerator_hours or cluster_time tools",
    "usd": _MONEY, "dollar": _MONEY, "token": "tokens are a count; use calculate",
    "param": "parameters are a count; use calculate",
    "parameter": "parameters are a count; use calculate",
}  # fmt: skip
_ASSUMPTIONS = {
    "month": "a month is 1/12 of a 365.25-day year = 30.44 days",
    "year": "a year is 365.25 days",
    "cal": "cal is the thermochemical calorie, 4.184 J (a food Calorie is a kcal)",
    "kcal": "kcal = Cal (food calorie) = 4184 J",
    "BTU": "BTU is the international-table BTU, 1055.056 J",
    "decimal": "kB, MB, GB, TB and PB are decimal: 1 kB = 1000 bytes",
    "PFLOP/s-day": "a petaflop/s-day is 1e15 FLOP/s for 86,400 s = 8.64e19 FLOP",
}
_CROSS_HINTS = {
    frozenset({"energy", "power"}): "energy = power x time: multiply by hours with calculate",
    frozenset({"flop", "flop_rate"}): "FLOP = FLOP/s x seconds: multiply by a time with calculate",
    frozenset({"data", "data_rate"}): "bytes = bytes/s x seconds: multiply with calculate",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit: its canonical symbol, its dimension and its size in the dimension's base unit."""

    symbol: str
    dimension: str
    factor: float


def _rows() -> Iterator[tuple[Unit, list[str], list[str]]]:
    """Yield each unit of the table with its aliases and words, prefixes expanded."""
    for line in _ROWS.strip().splitlines():
        dimension, symbol, factor, prefixes, aliases, words = (c.strip() for c in line.split("|"))
        for prefix in _IEC_PREFIXES if prefixes == "IEC" else prefixes:
            p_sym, p_word, scale = _PREFIXES[prefix]
            unit = Unit(symbol.replace("*", p_sym), dimension, float(factor) * scale)
            names = [w.strip().replace("*", p_word) for w in words.split(",") if w.strip()]
            yield unit, [a.replace("*", p_sym) for a in aliases.split()], names


def fold(spelling: str) -> str:
    """Return the case- and joiner-insensitive key of a unit spelling ("Kilowatt-Hours").

    Args:
        spelling: a unit as written.
    """
    return _FOLD.sub("", spelling).lower()


@dataclass(frozen=True)
class _Index:
    """Lookup tables over every unit spelling."""

    exact: dict[str, Unit]
    folded: dict[str, Unit]
    ambiguous: dict[str, tuple[Unit, ...]]
    words: tuple[str, ...]


def _prefer(key: str, found: dict[str, Unit]) -> Unit | None:
    """Return the unit a folded spelling means, or None when it stays ambiguous.

    Args:
        key: the folded spelling.
        found: the units (by symbol) whose spellings fold to ``key``.
    """
    if len(found) == 1:
        return next(iter(found.values()))
    if key in _PREFERRED:
        return found[_PREFERRED[key]]
    # "TFLOPs" is written for both a count and a rate; folded, the rate is the usual meaning.
    rates = [u for u in found.values() if u.dimension == "flop_rate"]
    return rates[0] if len(rates) == 1 else None


@cache
def _index() -> _Index:
    """Build the lookup tables once."""
    exact: dict[str, Unit] = {}
    by_fold: dict[str, dict[str, Unit]] = {}
    words: list[str] = []
    for unit, aliases, unit_words in _rows():
        for spelling in (unit.symbol, *aliases):
            exact[spelling] = unit
        for spelling in (unit.symbol, *aliases, *unit_words):
            if len(spelling) > 1:  # one-letter symbols only ever match exactly
                by_fold.setdefault(fold(spelling), {})[unit.symbol] = unit
        words += unit_words
    folded: dict[str, Unit] = {}
    ambiguous: dict[str, tuple[Unit, ...]] = {}
    for key, found in by_fold.items():
        choice = _prefer(key, found)
        if choice is None:
            ambiguous[key] = tuple(found.values())
        else:
            folded[key] = choice
    return _Index(exact, folded, ambiguous, tuple(words))


def all_units() -> tuple[Unit, ...]:
    """Return every unit in the table, grouped by dimension."""
    return tuple({u.symbol: u for u in _index().exact.values()}.values())


def find_unit(name: str) -> Unit | None:
    """Return the unit a spelling names, or None when it names no unit (cheap, never raises).

    Args:
        name: the unit as written.
    """
    spelled, key, singular = _spellings(name)
    index = _index()
    return index.exact.get(spelled) or index.folded.get(key) or index.folded.get(singular)


def _spellings(name: str) -> tuple[str, str, str]:
    """Return a unit name as written (spaces squeezed), folded, and folded without a plural s."""
    spelled = " ".join(name.split())
    key = fold(spelled)
    return spelled, key, key[:-1] if key.endswith("s") else key


def same_dimension(a: str, b: str) -> bool:
    """Return whether two spellings name units of one dimension, so one converts to the other.

    Args:
        a: one unit as written.
        b: the other.
    """
    first, second = find_unit(a), find_unit(b)
    return first is not None and second is not None and first.dimension == second.dimension


def lookup_unit(name: str) -> Unit:
    """Return the unit a spelling names ("kWh", "kilowatt-hours", "TFLOPS", "GiB", "petaflops").

    Args:
        name: the unit as written; case matters only where it distinguishes units (mW/MW).
    """
    unit = find_unit(name)
    if unit is not None:
        return unit
    index = _index()
    _, key, singular = _spellings(name)
    if key in index.ambiguous:
        options = [u.symbol for u in index.ambiguous[key]]
        raise UnknownNameError(
            f"unit {name!r} is ambiguous: write one of {', '.join(options)} (case matters)", options
        )
    if singular in _NOT_UNITS:
        raise UnknownNameError(f"{name!r} is not a unit: {_NOT_UNITS[singular]}")
    import difflib  # only on this error path: keeps startup lean

    close = difflib.get_close_matches(key, list(index.folded), n=8, cutoff=0.6)
    suggestions = list(dict.fromkeys(index.folded[k].symbol for k in close))[:5]
    hint = f"did you mean {', '.join(suggestions)}? " if suggestions else ""
    by_dimension: dict[str, list[str]] = {}
    for unit in all_units():
        by_dimension.setdefault(unit.dimension, []).append(unit.symbol)
    known = "; ".join(f"{d}: {', '.join(u[:8])}" for d, u in by_dimension.items())
    raise UnknownNameError(f"unknown unit {name!r}; {hint}known units: {known}", suggestions)


def _factor(a: Unit, b: Unit) -> float:
    """Return the number of ``b`` in one ``a``; raise a fixable error across dimensions.

    Args:
        a: the unit converted from.
        b: the unit converted to.
    """
    if a.dimension != b.dimension:
        hint = _CROSS_HINTS.get(frozenset({a.dimension, b.dimension}), "pick units of one kind")
        raise ToolInputError(
            f"cannot convert {a.symbol} ({a.dimension}) to {b.symbol} ({b.dimension}): they "
            f"measure different things; {hint}"
        )
    return a.factor / b.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Return ``value`` in ``from_unit`` expressed in ``to_unit``; raise across dimensions.

    Args:
        value: the number to convert.
        from_unit: its unit, any accepted spelling.
        to_unit: the target unit, any accepted spelling.
    """
    return value * _factor(lookup_unit(from_unit), lookup_unit(to_unit))


class ConvertUnitsArgs(Args):
    """Arguments of convert_units."""

    value: FiniteNumber = Field(description="the number to convert, e.g. 8833")
    from_unit: str = Field(
        description='its unit, e.g. "kWh", "megajoules", "TFLOPS", "GiB", "months", "kcal"'
    )
    to_unit: str = Field(description='the unit wanted, of the same kind, e.g. "J", "PFLOP/s"')


class ConvertUnitsResult(ToolResult):
    """The converted value, the canonical units and the factor used."""

    value: Value = Field(description="the converted value, exact, in to_unit")
    from_unit: str = Field(description="canonical symbol of the source unit")
    to_unit: str = Field(description="canonical symbol of the target unit")
    dimension: str = Field(description="what both units measure, e.g. energy, flop_rate")
    factor: float = Field(description="number of to_unit in one from_unit")


def _num(x: float) -> str:
    """Return a number for a formula: 6 significant figures, exponents written "3.6e6".

    Args:
        x: the number.
    """
    mantissa, _, exp = f"{x:.6g}".partition("e")
    return f"{mantissa}e{int(exp)}" if exp else mantissa


def _notes(spellings: tuple[str, str], units: tuple[Unit, Unit]) -> list[str]:
    """Return the readings and conventions a conversion relied on, for its assumptions.

    Args:
        spellings: the units as the caller wrote them.
        units: the units they resolved to.
    """
    notes = []
    for spelled, unit in zip(spellings, units, strict=True):
        spelled = " ".join(spelled.split())
        if fold(spelled) == "flops":
            notes.append(f"{spelled!r} read as a count (FLOP); write FLOP/s for a rate")
        elif spelled != unit.symbol:
            notes.append(f"{spelled!r} read as {unit.symbol}")
        decimal = unit.dimension in ("data", "data_rate") and unit.symbol[:2] in (
            "kB", "MB", "GB", "TB", "PB",
        )  # fmt: skip
        key = "decimal" if decimal else unit.symbol
        if key in _ASSUMPTIONS:
            notes.append(_ASSUMPTIONS[key])
    return list(dict.fromkeys(notes))


def convert_units(args: ConvertUnitsArgs) -> ConvertUnitsResult:
    """Convert a value between units of one kind: energy, power, FLOP, FLOP/s, time, data, mass.

    Knows J..EJ, Wh..PWh, cal, kcal, BTU; mW..TW; FLOP..YFLOP and FLOP/s..YFLOP/s (TFLOPS,
    petaflops, PF), petaflop/s-days; s..year; B..PB, KiB..PiB, bits and their rates; m, km,
    mi, ft; g, kg, t, lb. Refuses conversions across kinds (kWh to W) and names the closest
    units when a spelling is unknown.

    Args:
        args: the value and the two units.
    """
    a, b = lookup_unit(args.from_unit), lookup_unit(args.to_unit)
    factor = _factor(a, b)
    result = args.value * factor
    return ConvertUnitsResult(
        value=Value.exact(result, b.symbol),
        formula=f"{_num(args.value)} {a.symbol} × {_num(factor)} {b.symbol} per {a.symbol} "
        f"= {_num(result)} {b.symbol}",
        assumptions=_notes((args.from_unit, args.to_unit), (a, b)),
        sources=["BIPM SI Brochure, 9th ed. (prefixes); NIST SP 811, App. B (non-SI factors)"],
        from_unit=a.symbol,
        to_unit=b.symbol,
        dimension=a.dimension,
        factor=factor,
    )


def text_pattern(joiner: str) -> str:
    """Return a regex alternation of unit spellings (not durations or ratios) for prose.

    Symbols match in their own case, words and unambiguous symbols in any case. One-letter
    symbols other than W and J are left out: in prose "5 m" or "2 t" is more often something
    else; durations are left to the caller's own grammar.

    Args:
        joiner: the regex allowed between the parts of a word ("watt hour"), e.g. "[- ]".
    """
    index = _index()
    # Durations and ratios have their own grammar (months, "25%", "18x", "1/10th").
    prose = {"time", "ratio"}
    exact = [s for s, u in index.exact.items() if u.dimension not in prose and len(s) > 1]
    any_case = [w for w in index.words if index.folded[fold(w)].dimension not in prose]
    any_case += [k for k, u in index.folded.items() if u.dimension not in prose and len(k) > 2]
    exact_part = "|".join(re.escape(s) for s in sorted([*exact, "W", "J"], key=len, reverse=True))
    return f"{exact_part}|{trie_pattern(sorted({w.lower() for w in any_case}), joiner)}"
