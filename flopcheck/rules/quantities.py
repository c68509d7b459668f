"""The article quantity grammar: each number in a text with its unit, range and hedge.

``find_quantities("2,048 H800s for ~2 months at $2/GPU hour")`` finds "2,048 H800s" (2048
GPUs, subject H800), "~2 months" (approximate) and "$2/GPU hour" (2 USD/GPU-hour).

General-purpose extractors misread this domain ("37B" as bytes, "14.8T" as tesla). Here one
compiled pattern holds every branch, and at each position the leftmost branch wins, so look-alikes
come first and are skipped: dates ("27-Jan-2025", "July 2024"), model names ("Mixtral 8x22B",
"GPT-4"; the size in "Llama 3.1 405B" is kept as params with ``in_name``), "[3]", "24/7". Chip
names ("H100", "TPU v4") and digits glued to words ("Meta’s1") never start a number.

Units (``Quantity.unit``):

- money: "USD" ("$5.5 million", "10 cents", "5 million dollars"); rates "USD/GPU-hour",
  "USD/hour", "USD/day", "USD/month", "USD/year", "USD/Mtok" (per million tokens);
- compute: "FLOP" and "FLOP/s", always in base units ("989 TFLOPS" -> 9.89e14 FLOP/s); a
  "FLOPS" figure of 1e21 or more is read as a count, which is what such writers mean;
- counts: "params" (``qualifier`` "active"/"total"), "tokens", "GPU-hours" (also chip- and
  TPU-hours; ``subject`` names the chip), "GPUs" or "accelerators" (TPUs, "chips"), "experts";
- physical units keep the writer's prefix, under ``flopcheck.tools.units`` symbols: "kWh",
  "PWh", "MJ", "kcal", "W", "TB/s", "GB", "bits"; time: "hours", "days", "months", "years" ...;
- ratios: "percent" (25 for "25%"), "ratio" (0.1 for "1/10th"; 10**n for "n orders of
  magnitude"; "several/many/a few orders of magnitude" is low=100, value=1000, high=None), "x"
  (multipliers: "18x", "10 times", "3-fold");
- "" for a bare number; years (1900-2100), footnote marks and list numbers are not reported.

Ranges ("2-3K H800s", "$40-$100 million", "5% to 10%", "between 5 and 10") carry ``low`` and
``high``, with ``value`` their midpoint; a scale on the second number applies to the first.
``approx`` marks "~", "≈", "about", "around", "roughly", "approximately", "nearly", "some" and a
dash standing for a tilde ("a total of -2.7M GPU hours").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import NamedTuple

from flopcheck.errors import ToolInputError
from flopcheck.tools.numbers import (
    NUMBER_LETTERS,
    SP,
    literal_scale,
    literal_value,
    number_pattern,
    parse_number,
)
from flopcheck.tools.tries import initials
from flopcheck.tools.units import find_unit, lookup_unit, text_pattern


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity at ``text[start:end]``; ``low``/``high`` are set for ranges only."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: str
    low: float | None = None
    high: float | None = None
    approx: bool = False
    qualifier: str | None = None
    subject: str | None = None
    in_name: bool = False


@dataclass(frozen=True, slots=True)
class PrecisionMention:
    """A numeric format named in the text, e.g. "FP8" -> precision "fp8", 8 bits."""

    start: int
    end: int
    text: str
    precision: str
    bits: int


class _Reading(NamedTuple):
    """How to read a quantity: normalized unit, kind, factor applied to the number, details."""

    unit: str
    kind: str
    factor: float = 1.0
    qualifier: str | None = None
    subject: str | None = None
    approx: bool = False
    in_name: bool = False


# fmt: off
_S = SP[1:-1]  # the horizontal spaces, for use inside a character class
_J = rf"[-{_S}]"  # a joiner: one space or hyphen
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_MONTHS_START = "JFMASOND"  # every month name starts with one of these
_DATE = (rf"(?<![\w.])[0-9]{{1,2}}[-/{_S}]{_MONTH}[-/,{_S}]+[0-9]{{2,4}}(?!\w)"
         rf"|\b{_MONTH}{SP}+[0-9]{{4}}\b"
         rf"|\b{_MONTH}{SP}+[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?{SP}+[0-9]{{4}})?(?![0-9]|,[0-9])"
         r"|(?<![\w.])[0-9]{4}-[0-9]{2}-[0-9]{2}\b|(?<![\w./])[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}\b")
_FAMILY = (r"Llama|LLaMA|LLaMa|Code ?Llama|GPT|Gemini|Gemma|Claude|Mistral|Mixtral|Qwen|Phi"
           r"|Falcon|PaLM|Grok|Nemotron|Yi|OPT|BLOOM|MPT|Chinchilla|Gopher|Jamba|DBRX|OLMo"
           r"|StarCoder|DeepSeek|Kimi|GLM|ERNIE|Baichuan|InternLM|Gaudi|Trainium|Ascend|TPU")
_SIZE = r"[0-9]{1,4}(?:\.[0-9])?[BMT](?!\w)"
_MOE = r"[0-9]{1,2}x[0-9]{1,4}(?:\.[0-9])?[BM](?!\w)"
_VERSION = r"[vV]?[0-9]{1,2}(?:\.[0-9]{1,2})?[a-z]?(?![0-9,]|\.[0-9])"
_MODEL = (rf"\b{initials(_FAMILY.split('|'), fold=False)}(?:{_FAMILY})"
          rf"{_J}?(?:{_MOE}|(?P<msize>{_SIZE})"
          rf"|{_VERSION}(?:{_J}(?:{_MOE}|(?P<msize2>{_SIZE})))?)")
_VENDOR = rf"(?:(?:NVIDIA|Nvidia|nvidia|AMD|Google|Intel|Huawei|AWS){SP}+)?"
# A chip name ("H800", "A100-80GB", "TPU v4"); each use renames the group "acc" to "acc" + tag.
_ACCEL = (r"(?!(?:FP|BF|TF|INT)[0-9])(?P<acc>(?:[A-Z]{1,2}[0-9]{2,4}[A-Z]?"
          rf"|TPU{SP}?v[0-9]+[a-z]?|Gaudi{SP}?[0-9]|Ascend{SP}?[0-9]+[A-Z]?|Trainium[0-9]?)"
          rf"(?:[-{_S}](?:SXM[0-9]?|PCIe|NVL[0-9]*|[0-9]{{2,3}}{SP}?GB))?)")
_ACCEL_H, _ACCEL_C, _ACCEL_P = (_ACCEL.replace("<acc>", f"<acc{t}>") for t in "hcp")
_FRACTION = r"(?<![\w./,])(?P<fn>[0-9]{1,3})/(?P<fd>[0-9]{1,4})(?:th|rd|nd|st)?(?![\w/]|\.[0-9])"
_OOM_STARTS = ["several", "few", "many", "multiple", "an", "orders"]
_OOM_WORDS = (rf"\b{initials(_OOM_STARTS)}"
              rf"(?P<oomq>(?i:several|a{SP}+few|few|many|multiple|an){SP}+)?"
              rf"(?i:(?P<ooms>orders|order){SP}+of{SP}+magnitude)\b")
_WORD_VALUES = {"one": 1.0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "adozen": 12,
                "ahundred": 100, "athousand": 1000}
_TIME = r"seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?"
_WORDQ = (rf"\b{initials(list(_WORD_VALUES))}"
          rf"(?P<wn>(?i:{'|'.join(w for w in _WORD_VALUES if w[0] != 'a')}"
          rf"|a{SP}+(?:dozen|hundred|thousand))){_J}+"
          rf"(?P<wu>(?i:{_TIME}|times|fold|orders?{SP}+of{SP}+magnitude))\b")
# Singular time words and abbreviations -> the unit names this grammar reports.
_TIME_NAMES = {"sec": "seconds", "second": "seconds", "min": "minutes", "minute": "minutes",
               "h": "hours", "hr": "hours", "hour": "hours", "day": "days", "week": "weeks",
               "month": "months", "year": "years", "yr": "years"}
_APPROX_RE = re.compile(
    r"(?:[~≈∼]\s?|\b(?i:about|around|roughly|approximately|approx\.?|nearly|almost|circa|some"
    r"|close\s+to|an\s+estimated|estimated)\s+|(?:(?<=[A-Za-z,;:]\s)|(?<=[(\[])|(?<![\s\S]))-)\Z")
# Cheap tests before the regex: a marker ends right before the number in one of _MARKER_ENDS,
# or before white space in one of _HEDGE_ENDS (the last letters of "about", "roughly", ...).
_MARKER_ENDS, _HEDGE_ENDS = frozenset("~≈∼-"), frozenset("~≈∼tdyx.aeo")
PRECISION_PATTERN = (
    r"(?<![A-Za-z0-9])(?:(?P<fam>FP|fp|BF|bf|TF|tf|INT|int)(?P<bits>4|6|8|16|32|64)"
    r"|(?P<word>bfloat16|float16|float32|E4M3|E5M2))(?![A-Za-z0-9])"
)
PRECISION_INITIALS = "FfBbTtIiE"  # the letters a format's name starts with
_PRECISION_RE = re.compile(PRECISION_PATTERN)
_PRECISION_WORDS = {"bfloat16": ("bf16", 16), "float16": ("fp16", 16), "float32": ("fp32", 32),
                    "E4M3": ("fp8", 8), "E5M2": ("fp8", 8)}
_GPU_NAME = re.compile(r"[A-Z]{1,2}[0-9]")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}|2100")
_RATIO = _Reading("ratio", "ratio")
_Values = tuple[float, float | None, float | None]  # (value, low, high)
_SIMPLE_TAILS = {
    "tokens": _Reading("tokens", "tokens"), "usdw": _Reading("USD", "currency"),
    "cents": _Reading("USD", "currency", 0.01), "experts": _Reading("experts", "count"),
    "oom": _Reading("ratio", "orders"), "pct": _Reading("percent", "percent"),
    "mult": _Reading("x", "multiplier")}
# fmt: on


def _tail() -> str:
    """Return the unit alternatives that may follow a number, most specific first."""
    return "|".join((
        rf"(?P<gpuh>{_VENDOR}(?:{_ACCEL_H}s?{_J}+(?:(?:GPU|chip){_J}?)?"
        rf"|(?:GPU|TPU|chip|accelerator|device|node)s?{_J}?)(?:hours?|hrs?|h)\b)",
        rf"(?P<count>{_VENDOR}(?:{_ACCEL_C}(?:s|’s|'s)?"
        rf"(?:{SP}+(?P<cnoun>GPU|chip|accelerator)s?)?"
        rf"|[“\"']?(?P<cnoun2>GPU|TPU|chip|accelerator)s?)(?!\w))",
        rf"(?P<params>(?i:(?:(?P<pq>total|active|activated){SP}+)?param(?:eter)?s?\b"
        rf"|(?P<pq2>active|activated)\b))",
        rf"(?P<tokens>(?i:(?:training{SP}+)?tokens?)\b)",
        rf"(?P<usdw>USD\b|(?i:US{SP}dollars|dollars?)\b)",
        r"(?P<cents>(?i:cents?)\b|¢)",
        rf"(?P<experts>(?i:(?:routed{SP}+|shared{SP}+|active{SP}+)?experts?)\b)",
        rf"(?P<oom>(?i:orders?{SP}+of{SP}+magnitude)\b)",
        rf"(?P<pct>%|(?i:percent|per{SP}?cent)\b)",
        rf"(?P<mult>[x×](?!\w)(?!{SP}*[0-9($])|(?i:times|fold)\b)",
        rf"(?P<time>(?i:{_TIME})\b|h\b)",
        rf"(?P<phys>(?:{text_pattern(_J)})(?![A-Za-z0-9]))",
    ))  # fmt: skip


@cache
def _master() -> re.Pattern[str]:
    """Compile the grammar once, on first use (keeps importing this module cheap)."""
    chip = (  # "/GPU hour", "/H100 GPU-hour", "/H100-hour"
        rf"{_VENDOR}(?:{_ACCEL_P}{_J}+(?:(?P<pgpu>(?i:GPU|chip|accelerator|TPU)){_J}?)?"
        rf"|(?P<pgpu2>(?i:GPU|chip|accelerator|TPU)){_J}?)"
    )
    per = (  # a price's "per" part: "/GPU hour", " a year", " per million tokens"
        rf"(?P<per>(?:{SP}*/{SP}*|{SP}+(?i:per|an?|every|each){SP}+)(?:{chip})?"
        rf"(?P<pt>(?i:hour|hr|h|day|week|month|year|yr))s?\b"
        rf"|{SP}+(?i:per){SP}+(?P<pmtok>(?:1{SP}+)?(?i:million|M){SP}+"
        rf"(?i:(?:input|output){SP}+)?tokens?)\b)"
    )
    numeric = (
        rf"(?P<numq>(?P<between>(?i:between){SP}+)?(?<![\w.,/])(?<![A-Za-z]-)"
        rf"(?P<n1>{number_pattern('1')})"
        rf"(?:(?P<pct1>{SP}?%)?(?P<sep>-(?=[$0-9])|{SP}?[–—]{SP}?|{SP}+(?:to|or){SP}+"
        rf"|(?(between){SP}+and{SP}+|(?!)))(?P<n2>{number_pattern('2')}))?"
        rf"(?:(?P<plus>\+)?(?:{SP}{{0,2}}|-)(?P<tail>{_tail()}))?(?:{per})?)"
    )
    # Every branch starts at a digit, "$", "[" or a word starting with one of a few letters;
    # testing that first lets the scan skip the other positions without trying each branch.
    words = [*_WORD_VALUES, *_OOM_STARTS, "between"]
    letters = {c for w in words for c in (w[0], w[0].upper())} | NUMBER_LETTERS
    letters |= set(_MONTHS_START) | {f[0] for f in _FAMILY.split("|")}
    gate = rf"(?=[0-9$\[]|\b[{''.join(sorted(letters))}])"
    return re.compile(gate + "(?:" + "|".join((
        rf"(?P<date>(?=[0-9{_MONTHS_START}])(?:{_DATE}))", rf"(?P<model>{_MODEL})",
        r"(?P<skip>\[[0-9]{1,3}\]|\b24/7\b)",
        rf"(?P<frac>{_FRACTION})", rf"(?P<wordq>{_WORDQ})", rf"(?P<oomw>{_OOM_WORDS})", numeric,
    )) + ")")  # fmt: skip


def _make(text: str, span: tuple[int, int], values: _Values, reading: _Reading) -> Quantity:
    """Return a Quantity, its span widened over an approximation marker just before it.

    Args:
        text: the whole text.
        span: (start, end) before widening.
        values: (value, low, high).
        reading: the unit, kind and details.
    """
    start, end = span
    approx, prev = reading.approx, text[max(0, start - 2) : start]
    if prev[-1:] in _MARKER_ENDS or (prev[-1:].isspace() and prev[:1] in _HEDGE_ENDS):
        marker = _APPROX_RE.search(text, max(0, start - 24), start)
        if marker is not None:
            start, approx = marker.start(), True
    value, low, high = values
    return Quantity(start, end, text[start:end], value, reading.unit, reading.kind, low, high,
                    approx, reading.qualifier, reading.subject, reading.in_name)  # fmt: skip


def _classify(m: re.Match[str], scaled: bool) -> _Reading | None:
    """Return how to read the unit after a number, or None when it must be ignored.

    Args:
        m: a match of the numeric branch with a tail.
        scaled: whether the number carries a K/M/B/T scale (so "37B active" is a param count).
    """
    chip = m.group("acch") or m.group("accc")
    subject = " ".join(chip.split()) if chip else None
    if m.group("gpuh") is not None:
        return _Reading("GPU-hours", "gpu_hours", subject=subject)
    if m.group("count") is not None:
        gpu = "GPU" in (m.group("cnoun"), m.group("cnoun2")) or bool(chip and _GPU_NAME.match(chip))
        return _Reading("GPUs" if gpu else "accelerators", "count", subject=subject)
    if m.group("params") is not None:
        bare = m.group("pq2")
        if bare is not None and not scaled:
            return None
        qualifier = (m.group("pq") or bare or "").lower().replace("activated", "active")
        return _Reading("params", "params", qualifier=qualifier or None)
    if m.group("time") is not None:
        return _Reading(_TIME_NAMES[m.group("time").lower().rstrip("s")], "time")
    if m.group("phys") is not None:
        unit = lookup_unit(m.group("phys"))
        if unit.dimension in ("flop", "flop_rate"):  # compute is reported in base units
            base = "FLOP/s" if unit.dimension == "flop_rate" else "FLOP"
            return _Reading(base, unit.dimension, unit.factor)
        return _Reading("bits" if unit.symbol == "bit" else unit.symbol, unit.dimension)
    return next(r for name, r in _SIMPLE_TAILS.items() if m.group(name) is not None)


def _price(m: re.Match[str], factor: float, end: int) -> tuple[_Reading, int]:
    """Return the reading of a dollar amount and where it ends, with its "per" part if any.

    Args:
        m: a match of the numeric branch that is a dollar amount.
        factor: 0.01 for cents, else 1.
        end: where the amount ends without a "per" part.
    """
    if m.group("per") is None:
        return _Reading("USD", "currency", factor), end
    chip = m.group("pgpu") or m.group("pgpu2") or m.group("accp")
    per = "Mtok" if m.group("pmtok") else "GPU-hour" if chip else None
    unit = "USD/" + (per or _TIME_NAMES[m.group("pt").lower()].rstrip("s"))
    return _Reading(unit, "currency_rate", factor), m.end("per")


def _not_a_quantity(text: str, m: re.Match[str]) -> bool:
    """Return whether a bare number is a year, a footnote mark or a list number.

    Args:
        text: the whole text.
        m: a match of the numeric branch with no unit or currency.
    """
    literal, second = m.group("n1"), m.group("n2")
    if _YEAR.fullmatch(literal) and (second is None or _YEAR.fullmatch(second)):
        return True  # "2024", "from 2020 to 2024"
    if second is not None:
        return False
    start, end = m.span()
    if text.startswith(("\ufe0f", "\u20e3"), end):  # "1️⃣" is a list bullet
        return True
    if len(literal) > 2 or not literal.isdigit():
        return False
    if start > 0 and text[start - 1] in ':;?!”’")]':  # "costs:4", "performance?3"
        return True
    # "1. " at the start of a line is a list number; look back a few characters only.
    before = text[max(0, start - 8) : start]
    at_line_start = ("\n" in before or start <= 8) and not before.rpartition("\n")[2].strip()
    return at_line_start and text.startswith((". ", ") "), end)


def _numeric(text: str, m: re.Match[str]) -> list[Quantity]:
    """Read the numeric branch: number(s), unit, price rate; [] when it is not a quantity.

    Args:
        text: the whole text.
        m: a match of the numeric branch.
    """
    ranged = m.group("n2") is not None
    try:
        v1 = literal_value(m, "1")
        v2 = literal_value(m, "2") if ranged else v1
        s1, s2 = literal_scale(m, "1"), literal_scale(m, "2") if ranged else 0
        if ranged and s1 == 0 and s2 > 0 and v1 * 10.0**s2 <= v2:
            v1 = literal_value(m, "1", extra_scale=s2)  # "2-3K": the K applies to both
    except ToolInputError:
        return []
    reading = _classify(m, s1 > 0 or s2 > 0) if m.group("tail") is not None else None
    end = m.end("n2" if ranged else "n1")
    if reading is not None and reading.unit == "USD":  # "5 million dollars", "10 cents"
        reading, end = _price(m, reading.factor, m.end("tail"))
    elif m.group("cur1") or m.group("cur2"):
        reading, end = _price(m, 1.0, end)
    elif reading is not None:
        end = m.end("tail")
    elif not _not_a_quantity(text, m):
        reading = _Reading("", "number")
    else:
        return []
    low, high = v1 * reading.factor, v2 * reading.factor
    if reading.kind == "orders":
        reading, low, high = _RATIO, 10.0**low, 10.0**high
    if reading.kind == "flop_rate" and low >= 1e21:  # "3.8e25 FLOPS" means a count
        reading = reading._replace(unit="FLOP", kind="flop")
    if not ranged:
        return [_make(text, (m.start(), end), (low, None, None), reading)]
    if low < high:
        return [_make(text, (m.start(), end), ((low + high) / 2, low, high), reading)]
    # "from $100M to $5M" is two figures, not a range.
    first_end = m.end("pct1") if m.group("pct1") is not None else m.end("n1")
    return [_make(text, (m.start(), first_end), (low, None, None), reading),
            _make(text, (m.start("n2"), end), (high, None, None), reading)]  # fmt: skip


def _model(text: str, m: re.Match[str]) -> list[Quantity]:
    """Read a model name: only a size in it ("Llama 3.1 405B") is a quantity, flagged in_name.

    Args:
        text: the whole text.
        m: a match of the model branch.
    """
    group = "msize" if m.group("msize") is not None else "msize2"
    if m.group(group) is None:
        return []
    reading = _Reading("params", "params", subject=m.group("model"), in_name=True)
    return [_make(text, m.span(group), (parse_number(m.group(group)), None, None), reading)]


def _phrase(text: str, m: re.Match[str]) -> list[Quantity]:
    """Read "1/10th", "two months", "ten times", "an order" or "several orders of magnitude".

    Args:
        text: the whole text.
        m: a match of the fraction, spelled-number or orders-of-magnitude branch.
    """
    if m.group("frac") is not None:
        denominator = int(m.group("fd"))
        value = int(m.group("fn")) / denominator if denominator else None
        return [_make(text, m.span(), (value, None, None), _RATIO)] if value is not None else []
    if m.group("wordq") is not None:
        n, word = _WORD_VALUES["".join(m.group("wn").lower().split())], m.group("wu").lower()
        if "magnitude" in word:
            return [_make(text, m.span(), (10.0**n, None, None), _RATIO)]
        kind = "multiplier" if word in ("times", "fold") else "time"
        unit = "x" if kind == "multiplier" else _TIME_NAMES[word.rstrip("s")]
        return [_make(text, m.span(), (n, None, None), _Reading(unit, kind))]
    quantifier = " ".join((m.group("oomq") or "").lower().split())
    if quantifier == "an":
        return [_make(text, m.span(), (10.0, None, None), _RATIO._replace(approx=True))]
    if not quantifier and m.group("ooms").lower() == "order":
        return []  # "the order of magnitude" names a scale, it claims no ratio
    # Plural orders are at least two; "several" reads as about three.
    return [_make(text, m.span(), (1000.0, 100.0, None), _RATIO._replace(approx=True))]


_HANDLERS = {"model": _model, "frac": _phrase, "wordq": _phrase, "oomw": _phrase, "numq": _numeric}


def find_quantities(text: str) -> list[Quantity]:
    """Return the quantities of ``text`` in order; ``text[q.start:q.end] == q.text`` for each.

    Args:
        text: any text, e.g. an article (never raises on odd input).
    """
    found: list[Quantity] = []
    masked = _LATEX_MATH.sub(_unwrap, text) if "\\times" in text else text
    for m in _master().finditer(masked):
        handler = _HANDLERS.get(m.lastgroup or "")
        if handler is not None:
            found += [_per_unit(masked, _other_currency(masked, q)) for q in handler(masked, m)]
    if masked is not text:
        found = [replace(q, text=text[q.start : q.end]) for q in found]
    return found


# LaTeX inline math around a number ("$2 \times 10^{25}$ FLOPs"): its dollar signs are not
# currency. They are read as spaces, so every offset stays the same.
_LATEX_MATH = re.compile(r"(?<![\\$])\$([0-9][^$\n]{0,40}?\\times[^$\n]{0,20}?)\$")


def _unwrap(m: re.Match[str]) -> str:
    return f" {m.group(1)} "


_PER_UNIT = re.compile(rf"{SP}*(?:/|(?i:per){SP}+){SP}*(?P<unit>[A-Za-z][A-Za-z0-9]*)\b")
# Units a rate is written per: energy, distance, mass and data (a price per hour is read above).
_PER_DIMENSIONS = frozenset({"energy", "distance", "mass", "data"})
_RATE_KINDS = frozenset({"mass", "energy", "currency", "power", "data"})
_CURRENCY_WORDS = re.compile(rf"{SP}*(?P<cur>RMB|CNY|yuan|EUR|euros?|GBP)\b")
_CURRENCY_CODES = {"rmb": "CNY", "cny": "CNY", "yuan": "CNY", "eur": "EUR", "euro": "EUR",
                   "euros": "EUR", "gbp": "GBP"}  # fmt: skip
_CURRENCY_SIGNS = {"€": "EUR", "£": "GBP", "¥": "CNY"}


def _other_currency(text: str, q: Quantity) -> Quantity:
    """Read a bare number as money in a currency other than dollars: "110,000 RMB", "€0.20"."""
    if q.kind != "number":
        return q
    sign = _CURRENCY_SIGNS.get(text[q.start - 1 : q.start]) if q.start else None
    if sign:
        return replace(q, start=q.start - 1, text=text[q.start - 1 : q.end], unit=sign,
                       kind="currency")  # fmt: skip
    m = _CURRENCY_WORDS.match(text, q.end)
    if m is None:
        return q
    code = _CURRENCY_CODES[m.group("cur").lower()]
    return replace(q, end=m.end(), text=text[q.start : m.end()], unit=code, kind="currency")


def _per_unit(text: str, q: Quantity) -> Quantity:
    """Extend a figure over the unit it is written per: "388 gCO2/kWh", "$0.08/kWh"."""
    if q.kind not in _RATE_KINDS or "/" in q.unit:
        return q
    m = _PER_UNIT.match(text, q.end)
    if m is None:
        return q
    unit = find_unit(m.group("unit"))
    if unit is None or unit.dimension not in _PER_DIMENSIONS:
        return q
    return replace(q, end=m.end(), text=text[q.start : m.end()], unit=f"{q.unit}/{unit.symbol}",
                   kind="rate")  # fmt: skip


def find_precisions(text: str) -> list[PrecisionMention]:
    """Return the numeric formats named in ``text``: FP8, BF16, TF32, INT8, bfloat16, E4M3 ...

    Args:
        text: any text.
    """
    return [PrecisionMention(m.start(), m.end(), m.group(0), *read_precision(m))
            for m in _PRECISION_RE.finditer(text)]  # fmt: skip


def read_precision(m: re.Match[str]) -> tuple[str, int]:
    """Return the format a match of ``PRECISION_PATTERN`` names, and its bits ("fp8", 8).

    Args:
        m: a match of a pattern holding ``PRECISION_PATTERN``.
    """
    if m.group("word") is not None:
        return _PRECISION_WORDS[m.group("word")]
    return m.group("fam").lower() + m.group("bits"), int(m.group("bits"))
