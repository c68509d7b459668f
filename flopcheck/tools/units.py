"""The ``convert_units`` tool and a small unit table for the quantities AI articles use.

Not pint: pint takes ~0.45 s to import and build its registry, and flopcheck must start in under
0.3 s. The tests cross-check every factor here against pint.

Conventions (stated in results as assumptions where they matter):

- Case matters where SI makes it matter: "mW" is a milliwatt, "MW" a megawatt; "Mb"/"Gb" are
  bits and "MB"/"GB" bytes; "m" is a metre and "min" a minute. Spellings that only differ in
  case are accepted when they name one unit ("kwh", "Mwh", "KW"); all-lower-case "mb", "gb",
  "tb" are read as bytes (as people type them); "mw" is refused as ambiguous.
- Data: "KB", "MB", "GB", "TB", "PB" are decimal (1 GB = 1e9 bytes); "KiB" ... "PiB" binary.
- FLOP: an upper-case S means per second ("TFLOPS", "FLOPS"), as does "/s" and the plural
  word ("teraflops", "petaflops"); a lower-case s is a plural count ("FLOPs", "flops",
  "TFLOPs"). "PF"/"TF"/"EF" are PFLOP/s, TFLOP/s, EFLOP/s. A petaflop/s-day is 8.64e19 FLOP.
- Time: a month is 1/12 of a year = 30.44 days; a year is 365.25 days.
- Energy: "cal" is the thermochemical calorie (4.184 J); "kcal", "Cal" and "kCal" are the
  food calorie (4184 J); "BTU" is the international-table BTU (1055.056 J).
- Mass: "t" is the metric tonne; "tCO2", "kgCO2e" and the like are masses (of CO2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pydantic import Field

from flopcheck.errors import ToolInputError, UnknownNameError
from flopcheck.tools._results import MAX_MAGNITUDE, Args, ToolResult, Value, fmt

_SI = (("k", "kilo", 1e3), ("M", "mega", 1e6), ("G", "giga", 1e9), ("T", "tera", 1e12),
       ("P", "peta", 1e15), ("E", "exa", 1e18), ("Z", "zetta", 1e21), ("Y", "yotta", 1e24))
_BINARY = (("Ki", "kibi", 2.0**10), ("Mi", "mebi", 2.0**20), ("Gi", "gibi", 2.0**30),
           ("Ti", "tebi", 2.0**40), ("Pi", "pebi", 2.0**50))
_YEAR_S = 365.25 * 86400
_FOLD = re.compile(r"[\s\-_·⋅.]+")
# Folded spellings that two units share, resolved to the reading writers almost always mean.
_PREFERRED = {"kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB", "pb": "PB", "kb/s": "KB/s",
              "mb/s": "MB/s", "gb/s": "GB/s", "tb/s": "TB/s", "pb/s": "PB/s", "flops": "FLOP"}
# Things callers pass as units that are counts or currencies, keyed by folded singular.
_NOT_UNITS = {
    "gpuhour": "GPU-hours count accelerator time, not a physical unit; use the gpu_hours or "
    "cluster_time tools",
    "usd": "currency is not converted here; use calculate for dollar arithmetic",
    "dollar": "currency is not converted here; use calculate for dollar arithmetic",
    "token": "tokens are a count, not a unit; use calculate",
    "param": "parameters are a count, not a unit; use calculate",
    "parameter": "parameters are a count, not a unit; use calculate",
}
_ASSUMPTIONS = {
    "month": "a month is 1/12 of a 365.25-day year = 30.44 days",
    "year": "a year is 365.25 days",
    "cal": "cal is the thermochemical calorie, 4.184 J (a food Calorie is a kcal)",
    "kcal": "kcal = Cal (food calorie) = 4184 J",
    "BTU": "BTU is the international-table BTU, 1055.056 J",
    "KB": "KB, MB, GB, TB and PB are decimal: 1 KB = 1000 bytes",
    "PFLOP/s-day": "a petaflop/s-day is 1e15 FLOP/s for 86,400 s = 8.64e19 FLOP",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit: its canonical symbol, its dimension and its size in the dimension's base unit."""

    symbol: str
    dimension: str
    factor: float


# Each entry: canonical symbol, factor to the base unit, case-sensitive aliases, and words
# (lower case, parts separated by spaces; matched with any joiner and in any case).
_Entry = tuple[str, float, tuple[str, ...], tuple[str, ...]]
BASE_UNITS = {"energy": "J", "power": "W", "flop": "FLOP", "flop_rate": "FLOP/s", "time": "s",
              "data": "B", "data_rate": "B/s", "distance": "m", "mass": "kg"}


def _si_family(sym: str, word: str, prefixes: tuple[tuple[str, str, float], ...],
               plural: str = "s") -> list[_Entry]:
    """Return the base unit and its prefixed multiples, with their words.

    Args:
        sym: the base symbol, e.g. "J".
        word: the base word, e.g. "joule".
        prefixes: the (symbol, word, factor) prefixes to generate.
        plural: the ending that makes the word plural.
    """
    entries: list[_Entry] = [(sym, 1.0, (), (word, word + plural))]
    for p_sym, p_word, factor in prefixes:
        entries.append((p_sym + sym, factor, (), (p_word + word, p_word + word + plural)))
    return entries


def _flop_entries() -> list[_Entry]:
    """Return the FLOP count and FLOP/s units with their loose spellings."""
    counts: list[_Entry] = [("FLOP", 1.0, ("FLOPs", "flop", "flops"),
                             ("floating point operation", "floating point operations"))]
    rates: list[_Entry] = [("FLOP/s", 1.0, ("FLOPS", "flop/s", "FLOPs/s"),
                            ("floating point operations per second",))]
    for p_sym, p_word, factor in _SI:
        counts.append((f"{p_sym}FLOP", factor, (f"{p_sym}FLOPs",), (f"{p_word}flop",)))
        short = (f"{p_sym}F",) if p_sym in "TPE" else ()
        rates.append((f"{p_sym}FLOP/s", factor, (f"{p_sym}FLOPS", f"{p_sym}FLOPs/s", *short),
                      (f"{p_word}flops", f"{p_word}flop/s")))
    counts.append(("PFLOP/s-day", 8.64e19, ("PF-day", "PF-days", "pfs-day", "pfs-days"),
                   ("petaflop/s day", "petaflop/s days", "petaflop day", "petaflop days")))
    return counts + rates


def _time_entries() -> list[_Entry]:
    """Return the time units; month and year use the Julian year of 365.25 days."""
    return [
        ("ms", 1e-3, (), ("millisecond", "milliseconds")),
        ("s", 1.0, ("sec", "secs"), ("second", "seconds")),
        ("min", 60.0, ("mins",), ("minute", "minutes")),
        ("h", 3600.0, ("hr", "hrs"), ("hour", "hours")),
        ("day", 86400.0, ("d", "days"), ("day", "days")),
        ("week", 604800.0, ("wk", "wks", "weeks"), ("week", "weeks")),
        ("month", _YEAR_S / 12, ("mo", "months"), ("month", "months")),
        ("year", _YEAR_S, ("yr", "yrs", "years"), ("year", "years")),
    ]


def _data_entries() -> list[_Entry]:
    """Return bytes (decimal and binary prefixes), bits, and their rates."""
    data: list[_Entry] = [("B", 1.0, (), ("byte", "bytes")), ("bit", 0.125, (), ("bit", "bits"))]
    rates: list[_Entry] = [("B/s", 1.0, (), ("bytes per second",)),
                           ("bit/s", 0.125, ("bps", "b/s"), ("bits per second",))]
    for p_sym, p_word, factor in _SI[:5]:
        byte = "KB" if p_sym == "k" else f"{p_sym}B"
        aliases = ("kB",) if p_sym == "k" else ()
        data.append((byte, factor, aliases, (f"{p_word}byte", f"{p_word}bytes")))
        data.append((f"{p_sym}bit", factor / 8, (f"{p_sym}b",) if p_sym != "k" else ("kb", "Kb"),
                     (f"{p_word}bit", f"{p_word}bits")))
        rates.append((f"{byte}/s", factor, ("kB/s",) if p_sym == "k" else (),
                      (f"{p_word}bytes per second",)))
        rates.append((f"{p_sym}bit/s", factor / 8, (f"{p_sym}bps", f"{p_sym}b/s"),
                      (f"{p_word}bits per second",)))
    for p_sym, p_word, factor in _BINARY:
        data.append((f"{p_sym}B", factor, (), (f"{p_word}byte", f"{p_word}bytes")))
    return data + rates


def _table() -> dict[str, list[_Entry]]:
    """Return every unit entry by dimension."""
    energy = _si_family("J", "joule", _SI[:6])
    energy += [(p + "Wh", f * 3600, (), (f"{w}watt hour", f"{w}watt hours"))
               for p, w, f in (("", "", 1.0), *_SI[:5])]
    energy += [("cal", 4.184, (), ("calorie", "calories")),
               ("kcal", 4184.0, ("Cal", "kCal", "KCal", "Kcal"),
                ("kilocalorie", "kilocalories", "food calorie", "food calories")),
               ("BTU", 1055.056, ("Btu",), ("british thermal unit", "british thermal units"))]
    power = [("mW", 1e-3, (), ("milliwatt", "milliwatts")),
             *_si_family("W", "watt", _SI[:4])]
    distance = [("m", 1.0, (), ("metre", "metres", "meter", "meters")),
                ("cm", 0.01, (), ("centimetre", "centimetres", "centimeter", "centimeters")),
                ("km", 1e3, (), ("kilometre", "kilometres", "kilometer", "kilometers")),
                ("mi", 1609.344, (), ("mile", "miles")),
                ("ft", 0.3048, (), ("foot", "feet"))]
    mass = [("g", 1e-3, ("gCO2", "gCO2e"), ("gram", "grams")),
            ("kg", 1.0, ("kgCO2", "kgCO2e"), ("kilogram", "kilograms")),
            ("t", 1e3, ("tCO2", "tCO2e"), ("tonne", "tonnes", "metric ton", "metric tons")),
            ("Mt", 1e9, ("MtCO2", "MtCO2e"), ("megatonne", "megatonnes")),
            ("lb", 0.45359237, ("lbs",), ("pound", "pounds"))]
    flop = _flop_entries()
    data = _data_entries()
    return {
        "energy": energy, "power": power,
        "flop": [e for e in flop if "/s" not in e[0] or e[0].endswith("-day")],
        "flop_rate": [e for e in flop if e[0].endswith("/s")],
        "time": _time_entries(),
        "data": [e for e in data if "/s" not in e[0]],
        "data_rate": [e for e in data if "/s" in e[0]],
        "distance": distance, "mass": mass,
    }


def fold(spelling: str) -> str:
    """Return the case- and joiner-insensitive key of a unit spelling ("Kilowatt-Hours" -> ...).

    Args:
        spelling: a unit as written.
    """
    return _FOLD.sub("", spelling).lower()


@dataclass(frozen=True)
class _Index:
    """Lookup tables over every unit spelling."""

    units: dict[str, Unit]
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
    units: dict[str, Unit] = {}
    exact: dict[str, Unit] = {}
    by_fold: dict[str, dict[str, Unit]] = {}
    words: list[str] = []
    for dimension, entries in _table().items():
        for symbol, factor, aliases, unit_words in entries:
            unit = Unit(symbol, dimension, factor)
            units[symbol] = unit
            for spelling in (symbol, *aliases):
                exact[spelling] = unit
            for spelling in (symbol, *aliases, *unit_words):
                # One-letter symbols only match exactly: "T" is not a tonne, "S" not a second.
                if len(spelling) > 1:
                    by_fold.setdefault(fold(spelling), {})[symbol] = unit
            words.extend(unit_words)
    folded: dict[str, Unit] = {}
    ambiguous: dict[str, tuple[Unit, ...]] = {}
    for key, found in by_fold.items():
        choice = _prefer(key, found)
        if choice is None:
            ambiguous[key] = tuple(found.values())
        else:
            folded[key] = choice
    return _Index(units, exact, folded, ambiguous, tuple(words))


def all_units() -> tuple[Unit, ...]:
    """Return every unit in the table, grouped by dimension."""
    return tuple(_index().units.values())


def _dimension_summary() -> str:
    """Return a short list of known units per dimension, for error messages."""
    by_dim: dict[str, list[str]] = {}
    for unit in all_units():
        by_dim.setdefault(unit.dimension, []).append(unit.symbol)
    return "; ".join(f"{d}: {', '.join(s[:8])}" for d, s in by_dim.items())


def lookup_unit(name: str) -> Unit:
    """Return the unit a spelling names ("kWh", "kilowatt-hours", "TFLOPS", "GiB", "petaflops").

    Args:
        name: the unit as written; case matters only where it distinguishes units (mW/MW).
    """
    spelled = " ".join(name.split())
    index = _index()
    unit = index.exact.get(spelled)
    key = fold(spelled)
    if unit is None:
        unit = index.folded.get(key) or (index.folded.get(key[:-1]) if key.endswith("s") else None)
    if unit is not None:
        return unit
    if key in index.ambiguous:
        options = [u.symbol for u in index.ambiguous[key]]
        raise UnknownNameError(
            f"unit {name!r} is ambiguous: write one of {', '.join(options)} (case matters)", options
        )
    singular = key[:-1] if key.endswith("s") else key
    if singular in _NOT_UNITS:
        raise UnknownNameError(f"{name!r} is not a unit: {_NOT_UNITS[singular]}")
    import difflib  # only on this error path: keeps startup lean

    close = difflib.get_close_matches(key, list(index.folded), n=8, cutoff=0.6)
    suggestions = list(dict.fromkeys(index.folded[k].symbol for k in close))[:5]
    hint = f"did you mean {', '.join(suggestions)}? " if suggestions else ""
    raise UnknownNameError(
        f"unknown unit {name!r}; {hint}known units: {_dimension_summary()}", suggestions
    )


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Return ``value`` in ``from_unit`` expressed in ``to_unit``; raise across dimensions.

    Args:
        value: the number to convert.
        from_unit: its unit, any accepted spelling.
        to_unit: the target unit, any accepted spelling.
    """
    return value * _factor(lookup_unit(from_unit), lookup_unit(to_unit))


_CROSS_HINTS = {
    frozenset({"energy", "power"}): "energy = power x time: multiply by hours with calculate",
    frozenset({"flop", "flop_rate"}): "FLOP = FLOP/s x seconds: multiply by a time with calculate",
    frozenset({"data", "data_rate"}): "bytes = bytes/s x seconds: multiply with calculate",
}


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


class ConvertUnitsArgs(Args):
    """Arguments of convert_units."""

    value: float = Field(description="the number to convert, e.g. 8833")
    from_unit: str = Field(
        description='its unit, e.g. "kWh", "megajoules", "TFLOPS", "GiB", "months", "kcal"'
    )
    to_unit: str = Field(description='the unit wanted, of the same kind, e.g. "J", "PFLOP/s"')


class ConvertUnitsResult(ToolResult):
    """The converted value, the canonical units and the factor used."""

    from_unit: str = Field(description="canonical symbol of the source unit")
    to_unit: str = Field(description="canonical symbol of the target unit")
    dimension: str = Field(description="what both units measure, e.g. energy, flop_rate")
    factor: float = Field(description="number of to_unit in one from_unit")


def _num(x: float) -> str:
    """Return a compact number for a formula: 6 significant figures, "3.6e6" style exponents.

    Args:
        x: the number.
    """
    text = f"{x:.6g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text


def _notes(spellings: tuple[str, str], units: tuple[Unit, Unit]) -> list[str]:
    """Return the conventions a conversion relied on, for the result's assumptions.

    Args:
        spellings: the units as the caller wrote them.
        units: the units they resolved to.
    """
    notes = []
    for spelled, unit in zip(spellings, units, strict=True):
        spelled = " ".join(spelled.split())
        if fold(spelled) == "flops":
            notes.append(f"{spelled!r} read as a count of operations (FLOP); write FLOP/s for a rate")
        elif spelled != unit.symbol:
            notes.append(f"{spelled!r} read as {unit.symbol}")
        key = "KB" if unit.symbol in ("KB", "MB", "GB", "TB", "PB") else unit.symbol
        if key in _ASSUMPTIONS:
            notes.append(_ASSUMPTIONS[key])
    return list(dict.fromkeys(notes))


def convert_units(args: ConvertUnitsArgs) -> ConvertUnitsResult:
    """Convert a value between units of one kind: energy, power, FLOP, FLOP/s, time, data, mass.

    Knows J..EJ, Wh..PWh, cal, kcal, BTU; mW..TW; FLOP..YFLOP and FLOP/s..YFLOP/s (TFLOPS,
    petaflops, PF), petaflop/s-days; s..year; B..PB, KiB..PiB, bits and their rates; m, km, mi,
    ft; g, kg, t, lb. Refuses conversions across kinds (kWh to W) and names the closest units
    when a spelling is unknown.

    Args:
        args: the value and the two units.
    """
    if not abs(args.value) <= MAX_MAGNITUDE:
        raise ToolInputError(f"value must be a finite number within ±{MAX_MAGNITUDE:g}")
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


def text_spellings(skip: frozenset[str] = frozenset({"time"})) -> tuple[list[str], list[str]]:
    """Return the unit spellings to look for in running text: (case-sensitive, any-case words).

    One-letter symbols other than W and J are left out: in prose "5 m" or "2 t" is more often
    something else. Words keep their spaces; the caller decides which joiners to allow.

    Args:
        skip: dimensions to leave out (time by default: the article grammar names durations).
    """
    index = _index()
    exact = [s for s, u in index.exact.items()
             if u.dimension not in skip and (len(s) > 1 or s in ("W", "J"))]
    any_case = [w for w in index.words
                if (u := index.folded.get(fold(w))) is not None and u.dimension not in skip]
    any_case += [k for k, u in index.folded.items()
                 if u.dimension not in skip and len(k) > 2 and k.isascii() and " " not in k]
    return exact, list(dict.fromkeys(any_case))
