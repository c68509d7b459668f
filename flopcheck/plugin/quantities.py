"""The article quantity grammar: each number in a text with its unit, range and hedge.

``find_quantities("2,048 H800s for ~2 months at $2/GPU hour")`` finds "2,048 H800s" (2048
GPUs, subject H800), "~2 months" (approximate) and "$2/GPU hour" (2 USD/GPU-hour).

General-purpose quantity extractors misread this domain ("37B" as bytes, "14.8T" as tesla), so
this grammar is written for it. One compiled pattern holds every branch; at each position the
leftmost branch wins, so the things that look like numbers but are not quantities come first
and are skipped: dates ("27-Jan-2025", "July 2024"), model names ("Mixtral 8x22B", "GPT-4",
"Llama 3.1 405B", whose size is kept as params with ``in_name``), bracketed footnotes, "24/7".
Chip names ("H100", "MI300X", "TPU v4") and footnote digits glued to words ("Meta’s1") never
start a number. Python code runs once per match, never per character.

Units (``Quantity.unit``):

- money: "USD" ("$5.5 million", "10 cents", "5 million dollars"); rates "USD/GPU-hour",
  "USD/hour", "USD/day", "USD/month", "USD/year", "USD/Mtok" (per million tokens);
- compute: "FLOP" and "FLOP/s", always in base units ("989 TFLOPS" -> 9.89e14 FLOP/s); a
  "FLOPS" figure of 1e21 or more is read as a count, which is what such writers mean;
- counts: "params" (``qualifier`` "active"/"total"), "tokens", "GPU-hours" (also chip- and
  TPU-hours; ``subject`` names the chip), "GPUs" or "accelerators" (TPUs, Gaudi, "chips"),
  "experts";
- physical units keep the writer's prefix under the symbol of ``flopcheck.tools.units``:
  "kWh", "MWh", "PWh", "MJ", "GJ", "J", "kcal", "W", "TB/s", "GB"; "8 bit" is "bits";
- time: "seconds", "minutes", "hours", "days", "weeks", "months", "years";
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
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from flopcheck.errors import ToolInputError
from flopcheck.tools.numbers import SP, literal_scale, literal_value, number_pattern, parse_number
from flopcheck.tools.units import lookup_unit, text_spellings


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
    """How to read a unit: normalized unit, kind, factor applied to the number, details."""

    unit: str
    kind: str
    factor: float = 1.0
    qualifier: str | None = None
    subject: str | None = None


_S = SP[1:-1]  # the horizontal spaces, for use inside a character class
_J = rf"[-{_S}]"  # a joiner: one space or hyphen
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
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
_MODEL = (rf"\b(?:{_FAMILY}){_J}?(?:{_MOE}|(?P<msize>{_SIZE})"
          rf"|{_VERSION}(?:{_J}(?:{_MOE}|(?P<msize2>{_SIZE})))?)")
_VENDOR = rf"(?:(?:NVIDIA|Nvidia|nvidia|AMD|Google|Intel|Huawei|AWS){SP}+)?"
_FRACTION = r"(?<![\w./,])(?P<fn>[0-9]{1,3})/(?P<fd>[0-9]{1,4})(?:th|rd|nd|st)?(?![\w/]|\.[0-9])"
_OOM_WORDS = (rf"\b(?P<oomq>(?i:several|a{SP}+few|few|many|multiple|an){SP}+)?"
              rf"(?i:(?P<ooms>orders|order){SP}+of{SP}+magnitude)\b")
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve").split()
_WORD_VALUES = {w: float(i) for i, w in enumerate(_NUMBER_WORDS, 1)}
_WORD_VALUES.update(fifteen=15, twenty=20, thirty=30, forty=40, fifty=50, sixty=60, adozen=12,
                    ahundred=100, athousand=1000)
_TIME = r"seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|yrs?"
_WORDQ = (rf"\b(?P<wn>(?i:{'|'.join(w for w in _WORD_VALUES if w[0] != 'a')}"
          rf"|a{SP}+(?:dozen|hundred|thousand))){_J}+"
          rf"(?P<wu>(?i:{_TIME}|times|fold|orders?{SP}+of{SP}+magnitude))\b")
# Singular time words (and abbreviations) -> the unit names this grammar reports.
_TIME_NAMES = dict(pair.split("=") for pair in (
    "sec=seconds second=seconds min=minutes minute=minutes h=hours hr=hours hour=hours "
    "day=days week=weeks month=months year=years yr=years").split())
_APPROX_RE = re.compile(
    r"(?:[~≈∼]\s?|\b(?i:about|around|roughly|approximately|approx\.?|nearly|almost|circa|some"
    r"|close\s+to|an\s+estimated|estimated)\s+|(?:(?<=[A-Za-z,;:]\s)|(?<=[(\[]))-)\Z"
)
_MARKER_ENDS = frozenset("~≈∼-( \t\u00a0\u2009\u202f\n")
_PRECISION_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<fam>FP|fp|BF|bf|TF|tf|INT|int)(?P<bits>4|6|8|16|32|64)"
    r"|(?P<word>bfloat16|float16|float32|E4M3|E5M2))(?![A-Za-z0-9])"
)
_PRECISION_WORDS = {"bfloat16": ("bf16", 16), "float16": ("fp16", 16), "float32": ("fp32", 32),
                    "E4M3": ("fp8", 8), "E5M2": ("fp8", 8)}
_GPU_NAME = re.compile(r"[A-Z]{1,2}[0-9]")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}|2100")
_SIMPLE_TAILS = {
    "tokens": _Reading("tokens", "tokens"), "usdw": _Reading("USD", "currency"),
    "cents": _Reading("USD", "currency", 0.01), "experts": _Reading("experts", "count"),
    "oom": _Reading("ratio", "orders"), "pct": _Reading("percent", "percent"),
    "mult": _Reading("x", "multiplier"),
}


def _accelerator(tag: str) -> str:
    """Return the pattern of a chip name ("H800", "A100-80GB", "TPU v4"), group ``acc{tag}``.

    Args:
        tag: the group-name suffix.
    """
    return (rf"(?!(?:FP|BF|TF|INT)[0-9])(?P<acc{tag}>(?:[A-Z]{{1,2}}[0-9]{{2,4}}[A-Z]?"
            rf"|TPU{SP}?v[0-9]+[a-z]?|Gaudi{SP}?[0-9]|Ascend{SP}?[0-9]+[A-Z]?|Trainium[0-9]?)"
            rf"(?:[-{_S}](?:SXM[0-9]?|PCIe|NVL[0-9]*|[0-9]{{2,3}}{SP}?GB))?)")


def _unit_alternation() -> str:
    """Return one alternation of every physical unit spelling, longest first."""
    exact, any_case = text_spellings()
    patterns = [(len(s), re.escape(s)) for s in exact]
    for word in any_case:
        parts = [re.escape(p) for p in word.split(" ")]
        patterns.append((len(word), "(?i:" + (_J + "?").join(parts) + ")"))
    patterns.sort(key=lambda p: -p[0])
    return "|".join(p for _, p in patterns)


def _tail() -> str:
    """Return the unit alternatives that may follow a number, most specific first."""
    return "|".join((
        rf"(?P<gpuh>{_VENDOR}(?:{_accelerator('h')}s?{_J}+(?:(?:GPU|chip){_J}?)?"
        rf"|(?:GPU|TPU|chip|accelerator|device|node)s?{_J}?)(?:hours?|hrs?|h)\b)",
        rf"(?P<count>{_VENDOR}(?:{_accelerator('c')}(?:s|’s|'s)?"
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
        rf"(?P<phys>(?:{_unit_alternation()})(?![A-Za-z0-9]))",
    ))  # fmt: skip


def _per() -> str:
    """Return the pattern of a price's "per" part: "/GPU hour", " a year", " per M tokens"."""
    chip = rf"(?:{_VENDOR}(?:{_accelerator('p')}{_J}+)?(?P<pgpu>(?i:GPU|chip|accelerator|TPU)){_J}?)"
    return (rf"(?P<per>(?:{SP}*/{SP}*|{SP}+(?i:per|an?|every|each){SP}+){chip}?"
            rf"(?P<pt>(?i:hour|hr|h|day|week|month|year|yr))s?\b"
            rf"|{SP}+(?i:per){SP}+(?P<pmtok>(?:1{SP}+)?(?i:million|M){SP}+"
            rf"(?i:(?:input|output){SP}+)?tokens?)\b)")


@cache
def _master() -> re.Pattern[str]:
    """Compile the grammar once, on first use (keeps importing this module cheap)."""
    numeric = (
        rf"(?P<numq>(?P<between>(?i:between){SP}+)?(?<![\w.,/])(?<![A-Za-z]-)"
        rf"(?P<n1>{number_pattern('1')})"
        rf"(?:(?P<pct1>{SP}?%)?(?P<sep>-(?=[$0-9])|{SP}?[–—]{SP}?|{SP}+(?:to|or){SP}+"
        rf"|(?(between){SP}+and{SP}+|(?!)))(?P<n2>{number_pattern('2')}))?"
        rf"(?:(?:{SP}{{0,2}}|-)(?P<tail>{_tail()}))?(?:{_per()})?)"
    )
    return re.compile("|".join((
        rf"(?P<date>{_DATE})", rf"(?P<model>{_MODEL})", r"(?P<skip>\[[0-9]{1,3}\]|\b24/7\b)",
        rf"(?P<frac>{_FRACTION})", rf"(?P<wordq>{_WORDQ})", rf"(?P<oomw>{_OOM_WORDS})", numeric,
    )))  # fmt: skip


def _make(text: str, span: tuple[int, int], values: tuple[float, float | None, float | None],
          reading: _Reading, approx: bool = False, in_name: bool = False) -> Quantity:
    """Return a Quantity, its span widened over an approximation marker just before it.

    Args:
        text: the whole text.
        span: (start, end) before widening.
        values: (value, low, high).
        reading: the unit, kind, qualifier and subject.
        approx: whether the phrase itself is approximate ("several orders of magnitude").
        in_name: whether the figure is part of a model name ("Llama 3.1 405B").
    """
    start, end = span
    # Every marker ends in one of these characters; most numbers follow none of them.
    if start and text[start - 1] in _MARKER_ENDS:
        marker = _APPROX_RE.search(text, max(0, start - 24), start)
        if marker is not None:
            start, approx = marker.start(), True
    return Quantity(start, end, text[start:end], *values, reading.unit, reading.kind, approx,
                    reading.qualifier, reading.subject, in_name)  # fmt: skip
def _subject(name: str | None) -> str | None:
    """Return a chip name with its white space collapsed, or None.

    Args:
        name: the chip name as matched.
    """
    return " ".join(name.split()) if name else None


_GPU_NAME = re.compile(r"[A-Z]{1,2}[0-9]")
# (unit, kind, factor applied to the number, qualifier, subject)
_Reading = tuple[str, str, float, str | None, str | None]
_SIMPLE_TAILS: dict[str, _Reading] = {
    "tokens": ("tokens", "tokens", 1.0, None, None),
    "usdw": ("USD", "currency", 1.0, None, None),
    "cents": ("USD", "currency", 0.01, None, None),
    "experts": ("experts", "count", 1.0, None, None),
    "oom": ("ratio", "orders", 1.0, None, None),
    "pct": ("percent", "percent", 1.0, None, None),
    "mult": ("x", "multiplier", 1.0, None, None),
}


def _classify(m: re.Match[str], scaled: bool) -> _Reading | None:
    """Return how to read the unit after a number, or None when it must be ignored.

    Args:
        m: a match of the numeric branch with a tail.
        scaled: whether the number carries a K/M/B/T scale (so "37B active" is a param count).
    """
    found = {name: m.group(name) for name in ("gpuh", "count", "params", "time", "phys")}
    if found["gpuh"] is not None:
        return "GPU-hours", "gpu_hours", 1.0, None, _subject(m.group("acch"))
    if found["count"] is not None:
        chip, noun = m.group("accc"), m.group("cnoun") or m.group("cnoun2")
        gpu = noun == "GPU" or (chip is not None and _GPU_NAME.match(chip) is not None)
        return ("GPUs" if gpu else "accelerators"), "count", 1.0, None, _subject(chip)
    if found["params"] is not None:
        bare = m.group("pq2")
        if bare is not None and not scaled:
            return None
        qualifier = (m.group("pq") or bare or "").lower().replace("activated", "active")
        return "params", "params", 1.0, qualifier or None, None
    if found["time"] is not None:
        word = found["time"].lower()
        return _TIME_NAMES[word[:-1] if word.endswith("s") else word], "time", 1.0, None, None
    if found["phys"] is not None:
        unit = lookup_unit(found["phys"])
        if unit.dimension in ("flop", "flop_rate"):
            base = "FLOP" if unit.dimension == "flop" else "FLOP/s"
            return base, unit.dimension, unit.factor, None, None
        return ("bits" if unit.symbol == "bit" else unit.symbol), unit.dimension, 1.0, None, None
    return next(r for name, r in _SIMPLE_TAILS.items() if m.group(name) is not None)


def _per_unit(m: re.Match[str]) -> str:
    """Return the unit of a price with a "per" part: "USD/GPU-hour", "USD/year", "USD/Mtok".

    Args:
        m: a match of the numeric branch whose ``per`` group matched.
    """
    if m.group("pmtok") is not None:
        return "USD/Mtok"
    if m.group("pgpu") is not None:
        return "USD/GPU-hour"
    return "USD/" + _PER_TIME[m.group("pt").lower()]


def _not_a_quantity(text: str, m: re.Match[str]) -> bool:
    """Return whether a bare number is a year or a footnote mark rather than a quantity.

    Args:
        text: the whole text.
        m: a match of the numeric branch with no unit, currency or range.
    """
    literal = m.group("n1")
    if re.fullmatch(r"(?:19|20)[0-9]{2}|2100", literal):
        return True
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    small = len(literal) <= 2 and literal.isdigit()
    glued = small and before in ':;?!”’")]'
    line_start = text.rfind("\n", 0, m.start()) + 1
    listed = (
        small
        and not text[line_start : m.start()].strip()
        and text.startswith((". ", ") "), m.end())
    )
    return glued or listed or after in "\ufe0f\u20e3"


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
    usd = m.group("cur1") is not None or m.group("cur2") is not None
    end = m.end("n2") if ranged else m.end("n1")
    if usd or (reading is not None and reading[0] == "USD"):
        factor = reading[2] if reading is not None and reading[0] == "USD" else 1.0
        end = m.end("tail") if reading is not None and reading[0] == "USD" else end
        reading = ("USD", "currency", factor, None, None)
        if m.group("per") is not None:
            reading, end = (_per_unit(m), "currency_rate", factor, None, None), m.end("per")
    elif reading is not None:
        end = m.end("tail")
    elif not ranged and _not_a_quantity(text, m):
        return []
    unit, kind, factor, qualifier, subject = reading or ("", "number", 1.0, None, None)
    low, high = v1 * factor, v2 * factor
    if kind == "orders":
        unit, kind, low, high = "ratio", "ratio", 10.0**low, 10.0**high
    if kind == "flop_rate" and low >= 1e21:  # "3.8e25 FLOPS" is a count, whatever the S says
        unit, kind = "FLOP", "flop"
    start, names = m.start(), (unit, kind)
    if not ranged:
        return [
            _make(
                text, (start, end), (low, None, None), names, qualifier=qualifier, subject=subject
            )
        ]
    if low < high:
        return [
            _make(
                text,
                (start, end),
                ((low + high) / 2, low, high),
                names,
                qualifier=qualifier,
                subject=subject,
            )
        ]
    # "from $100M to $5M" is two figures, not a range.
    first_end = m.end("pct1") if m.group("pct1") is not None else m.end("n1")
    return [
        _make(
            text, (start, first_end), (low, None, None), names, qualifier=qualifier, subject=subject
        ),
        _make(
            text,
            (m.start("n2"), end),
            (high, None, None),
            names,
            qualifier=qualifier,
            subject=subject,
        ),
    ]


def _model(text: str, m: re.Match[str]) -> list[Quantity]:
    """Read a model name: only a size in it ("Llama 3.1 405B") is a quantity, flagged in_name.

    Args:
        text: the whole text.
        m: a match of the model branch.
    """
    group = "msize" if m.group("msize") is not None else "msize2"
    if m.group(group) is None:
        return []
    span = (m.start(group), m.end(group))
    return [
        Quantity(
            *span,
            m.group(group),
            parse_number(m.group(group)),
            "params",
            "params",
            subject=m.group("model"),
            in_name=True,
        )
    ]


def _fraction(text: str, m: re.Match[str]) -> list[Quantity]:
    """Read "1/10th" or "1/3" as a ratio.

    Args:
        text: the whole text.
        m: a match of the fraction branch.
    """
    denominator = int(m.group("fd"))
    if denominator == 0:
        return []
    value = int(m.group("fn")) / denominator
    return [_make(text, m.span(), (value, None, None), ("ratio", "ratio"))]


def _spelled(text: str, m: re.Match[str]) -> list[Quantity]:
    """Read a spelled-out count with a unit: "two months", "ten times", "two orders of magnitude".

    Args:
        text: the whole text.
        m: a match of the spelled-number branch.
    """
    n = float(_WORD_VALUES["".join(m.group("wn").lower().split())])
    word = m.group("wu").lower()
    if "magnitude" in word:
        return [_make(text, m.span(), (10.0**n, None, None), ("ratio", "ratio"))]
    if word in ("times", "fold"):
        return [_make(text, m.span(), (n, None, None), ("x", "multiplier"))]
    name = _TIME_NAMES[word[:-1] if word.endswith("s") else word]
    return [_make(text, m.span(), (n, None, None), (name, "time"))]


def _orders(text: str, m: re.Match[str]) -> list[Quantity]:
    """Read "an order of magnitude" (10) or "several orders of magnitude" (at least 100).

    Args:
        text: the whole text.
        m: a match of the orders-of-magnitude branch.
    """
    quantifier = " ".join((m.group("oomq") or "").lower().split())
    if quantifier == "an":
        return [_make(text, m.span(), (10.0, None, None), ("ratio", "ratio"), approx=True)]
    if not quantifier and m.group("ooms").lower() == "order":
        return []  # "the order of magnitude" names a scale, it claims no ratio
    # Plural orders are at least two; "several" reads as about three.
    return [_make(text, m.span(), (1000.0, 100.0, None), ("ratio", "ratio"), approx=True)]


_HANDLERS = {
    "model": _model,
    "frac": _fraction,
    "wordq": _spelled,
    "oomw": _orders,
    "numq": _numeric,
}


def find_quantities(text: str) -> list[Quantity]:
    """Return the quantities of ``text`` in order; ``text[q.start:q.end] == q.text`` for each.

    Args:
        text: any text, e.g. an article (never raises on odd input).
    """
    found: list[Quantity] = []
    for m in _master().finditer(text):
        handler = _HANDLERS.get(m.lastgroup or "")
        if handler is not None:
            found.extend(handler(text, m))
    return found


def find_precisions(text: str) -> list[PrecisionMention]:
    """Return the numeric formats named in ``text``: FP8, BF16, TF32, INT8, bfloat16, E4M3 ...

    Args:
        text: any text.
    """
    found = []
    for m in _PRECISION_RE.finditer(text):
        if m.group("word") is not None:
            name, bits = _PRECISION_WORDS[m.group("word")]
        else:
            name, bits = m.group("fam").lower() + m.group("bits"), int(m.group("bits"))
        found.append(PrecisionMention(m.start(), m.end(), m.group(0), name, bits))
    return found
