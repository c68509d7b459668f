"""The article's own arithmetic: a figure stated as the product, quotient or share of figures
given just before it.

"50 GWh ... where grid carbon intensity averages 388 gCO2/kWh. Raw emissions would reach 19,400
tonnes" states 19,400 t as 50 GWh x 388 g/kWh. A derivation is searched for only where the
sentence says a figure follows from others ("would reach", "translates to", "which means",
"=", "->"), and only among the figures of that sentence and the two before it whose units
compose to the claimed unit (energy x intensity = mass; dollars per hour x hours = dollars). The
units are checked as dimensions, so numbers that merely happen to multiply to the claim are not
a derivation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from flopcheck.errors import FlopcheckError
from flopcheck.rules.quantities import Quantity
from flopcheck.tools.tries import starts_pattern
from flopcheck.tools.units import lookup_unit

Dims = tuple[tuple[str, int], ...]
_PHYSICAL: dict[str, dict[str, int]] = {
    "energy": {"J": 1},
    "power": {"J": 1, "s": -1},
    "flop": {"FLOP": 1},
    "flop_rate": {"FLOP": 1, "s": -1},
    "time": {"s": 1},
    "data": {"B": 1},
    "data_rate": {"B": 1, "s": -1},
    "distance": {"m": 1},
    "mass": {"kg": 1},
    "ratio": {},
}
_COUNTS: dict[str, tuple[dict[str, int], float]] = {
    "GPUs": ({"acc": 1}, 1.0),
    "accelerators": ({"acc": 1}, 1.0),
    "GPU-hours": ({"acc": 1, "s": 1}, 3600.0),
    "params": ({"param": 1}, 1.0),
    "tokens": ({"token": 1}, 1.0),
    "USD": ({"USD": 1}, 1.0),
    "CNY": ({"CNY": 1}, 1.0),
    "EUR": ({"EUR": 1}, 1.0),
    "GBP": ({"GBP": 1}, 1.0),
    "Mtok": ({"token": 1}, 1e6),
    "GPU-hour": ({"acc": 1, "s": 1}, 3600.0),
    "": ({}, 1.0),
}
# Words before a figure, in its sentence, that say it follows from figures already given.
_DERIVES_CUE = (
    r"=|→|=>|\btranslat\w+ (?:to|in)|\bwhich (?:means|is|gives|comes)|\bmeaning\b|"
    r"\bresult(?:s|ing)? in\b|\bbringing\b|\bbrings?\b|\bcomes? to\b|\bworks? out\b|"
    r"\bimpl(?:y|ies)\b|\bgiv(?:es|ing)\b|\bamounts? to\b|\bwould (?:be|reach|cost|take|need|"
    r"require|amount|mean)\b|\bthat(?:'s|’s| is)\b|\bthis is\b|\bexceed\w*\b|"
    r"\bor (?:about|roughly|around)\b|\bso (?:about|roughly|around)\b|\bproduces?\b|"
    r"\breduce\w* the \w+ (?:time )?to\b"
)
DERIVES = re.compile(_DERIVES_CUE, re.I)
# Cues that may as well introduce a comparison as arithmetic ("which is slightly more than a
# quarter of", "exceeding"): which figures the result follows from is a guess, so a mismatch
# is no refutation.
LOOSE_CUE = re.compile(r"which is|exceed|(?:or|so) (?:about|roughly|around)", re.I)
# Where a cue may start ("=", "→" or one of a few words), found in one cheap pass.
DERIVES_AT = re.compile(rf"(?=[=→]|\b\w)(?={starts_pattern([DERIVES])})")
# A percent figure is a change between two figures only when the words say so.
CHANGE = re.compile(
    r"\bby\s*$|^\s*(?:more|less|fewer|higher|lower|larger|smaller|bigger|increase|decrease|"
    r"jump|drop|rise|fall|cheaper|faster|slower|up|down|reduction|gain)\b",
    re.I | re.M,
)
_MAX_DERIVATIONS = 4
_MAX_PLAIN_COUNT = 10_000
# A figure per item: "6.5 kW each", "$30K per A100".
EACH = re.compile(
    r"\s*(?:each|apiece|per (?:server|GPU|node|machine|chip|card|unit|box)"
    r"|per (?:an? )?(?-i:[A-Z]{1,2}[0-9]{2,4}[A-Za-z]?))\b",
    re.I,
)
_COUNTED = re.compile(r"\s+(?:[a-z]+-)?[a-z]+s\b")
_RESTATED_GAP = 40


@dataclass(frozen=True)
class Measure:
    """A figure as dimensions and its value in base units."""

    dims: Dims
    base: float


@dataclass(frozen=True)
class Derivation:
    """How a claimed figure follows from earlier ones, as a ``calculate`` expression.

    ``values`` are the variables x1, x2, ... of ``expression``: the operands as written and,
    last, the factor that turns the combined units into the claim's unit (from the unit table).
    """

    expression: str
    values: tuple[float, ...]
    operands: tuple[Quantity, ...]
    text: str


def _combine(a: dict[str, int], b: dict[str, int], sign: int) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + sign * v
        if out[k] == 0:
            del out[k]
    return out


def _freeze(d: dict[str, int]) -> Dims:
    return tuple(sorted(d.items()))


@cache
def _unit(unit: str) -> tuple[Dims, float] | None:
    """Return the dimensions of a unit and its factor to base units (None when unknown)."""
    if "/" in unit and unit not in ("FLOP/s", "TB/s", "GB/s", "MB/s") and not unit.endswith("/s"):
        top, _, bottom = unit.partition("/")
        a, b = _unit(top), _unit(bottom)
        if a is None or b is None:
            return None
        return _freeze(_combine(dict(a[0]), dict(b[0]), -1)), a[1] / b[1]
    if unit in _COUNTS:
        counted, factor = _COUNTS[unit]
        return _freeze(counted), factor
    try:
        found = lookup_unit(unit)
    except FlopcheckError:
        return None
    physical = _PHYSICAL.get(found.dimension)
    return (_freeze(physical), found.factor) if physical is not None else None


def measure(q: Quantity) -> Measure | None:
    """Return a figure's dimensions and its value in base units, or None for an unknown unit.

    Args:
        q: a quantity of the article.
    """
    unit = "" if q.kind in ("number", "multiplier") or q.unit == "x" else q.unit
    if unit == "USD/hour":
        unit = "USD/h"
    found = _unit(unit)
    return Measure(found[0], q.value * found[1]) if found is not None else None


def _percent(q: Quantity) -> bool:
    return q.kind == "percent"


def derivations(
    target: Quantity,
    earlier: list[Quantity],
    context: str = "",
    sentence_start: int = 0,
    text: str = "",
    sentence: list[Quantity] | None = None,
) -> list[Derivation]:
    """Return the ways a figure follows from earlier ones with matching dimensions: a figure
    restated right before it in other units first, then pairs of premises, nearest first.

    Args:
        target: the claimed figure.
        earlier: the figures given before it (nearest last).
        context: the words around the figure (a percent is a change between two figures only
            when they say so: "exceeded that by 6%", "a 20% increase").
        sentence_start: where the figure's sentence begins.
        text: the article (to tell a counted noun, "100 servers", from a bare ratio).
        sentence: the figures of the target's sentence; a ratio in a sentence that names what
            it compares ("7 times less than 4e15 FLOP/s") is a ratio of figures of that kind.
    """
    goal = measure(target)
    if goal is None or not target.value:
        return []
    scale = goal.base / target.value  # base units per unit of the claim
    change = CHANGE.search(context) is not None
    # A ratio of two figures is the article's arithmetic only within its own sentence, unless
    # the words say it is a change from one to the other ("25% more").
    local_only = not goal.dims and not change
    measured = [
        (q, m)
        for q in earlier[::-1]
        if _operand(q, q.start >= sentence_start or _counted(q, text))
        and not _same_figure(q, target)
        and (m := measure(q)) is not None
        and (not local_only or q.start >= sentence_start)
        # A share or a cut is written with its percent: "60% renewable, which brings it to".
        and (not _percent(q) or q.start >= sentence_start)
    ]
    about = {m.dims for q in sentence or [] if q is not target and (m := measure(q)) and m.dims}
    if not goal.dims and about:
        measured = [(q, m) for q, m in measured if m.dims in about]
    found: list[Derivation] = []
    for q, m in measured:
        if goal.dims and m.dims == goal.dims and q.unit != target.unit and _restated(q, target):
            factor = m.base / q.value / scale
            found.append(_derived("x1 * x2", (q,), factor, f"{q.text} in {target.unit}"))
    for i, (a, ma) in enumerate(measured):
        for b, mb in measured[i + 1 :]:
            if ma.dims == mb.dims and _said_twice(a, b, text):
                continue  # "one million miles (1.609 million km)" is one figure said twice
            if _per_unit(a, text) != _per_unit(b, text) and not (_count(a) or _count(b)):
                continue  # "6.5 kW each" times a duration still lacks the count of servers
            if _per_unit(a, text) != _per_unit(b, text):
                # "9K A100s" x "$30K per A100": the count says how many of the item there are.
                ma, mb = (Measure((), a.value), mb) if _count(a) else (ma, Measure((), b.value))
            found += _pair(target, goal, scale, ((a, ma), (b, mb)), change)
    return [d for d in found if _reading_fits(d, text)][:_MAX_DERIVATIONS]


# A percent applied to a figure: "60% of X" is a share, "X less 60%" a cut. The words after
# the percent choose when they say which; otherwise both readings stand.
_SHARE_OF = re.compile(r"\s*of\b", re.I)
_CUT = re.compile(
    r"\s*(?:\w+\s+)?(?:less|off|cut|reduction|lower|fewer|discount|savings?|renewable|"
    r"carbon[- ]free|clean|offset|drop|down)\b",
    re.I,
)


# A percent that says how well something is used, not how much of a figure is meant.
_RATE_OF_USE = re.compile(r"\s*(?:MFU|utili[sz]ation|efficiency|of (?:the |its )?peak)\b", re.I)


def _reading_fits(d: Derivation, text: str) -> bool:
    percents = [q for q in d.operands if _percent(q)]
    if not percents or not text:
        return True
    after = percents[0].end
    if _RATE_OF_USE.match(text, after):
        return False  # "at 30% utilization" is no share of the other figure, nor a cut in it
    cut = d.expression.startswith("x1 * (1 - x2 / 100)")
    if _SHARE_OF.match(text, after):
        return not cut
    if _CUT.match(text, after):
        return cut
    return True


def _operand(q: Quantity, nearby: bool) -> bool:
    """A premise is a figure with a unit, or a small plain count; a bare scaled number
    ("405B") is more likely a name or a size than a premise, and a plain number or ratio from
    an earlier sentence counts only if it counts something ("100 servers")."""
    if not q.value or q.in_name:
        return False
    if q.kind == "number":
        scaled = re.search(r"[0-9][kKMBT]\b|illion", q.text) is not None
        return abs(q.value) < _MAX_PLAIN_COUNT and not scaled and nearby
    if q.kind in ("ratio", "multiplier"):
        return nearby
    return True


def _per_unit(q: Quantity, text: str) -> bool:
    """Return whether a figure is per item ("6.5 kW each", "$30K per A100")."""
    return EACH.match(text, q.end) is not None or "/GPU" in q.unit


def _count(q: Quantity) -> bool:
    return q.kind in ("number", "count")


def _counted(q: Quantity, text: str) -> bool:
    """Return whether a plain number is followed by the noun it counts ("100 servers")."""
    return q.kind == "number" and _COUNTED.match(text, q.end) is not None


def _same_figure(q: Quantity, target: Quantity) -> bool:
    """The figure itself, said again earlier, is not a premise of it."""
    return q.unit == target.unit and q.value == target.value


# Between a figure and its restatement: "(", "(or", ", or", "i.e.".
_RESTATING = re.compile(r"\s*(?:\(\s*(?:or\s+)?|,?\s*or\s+|,?\s*i\.e\.,?\s*)(?:about\s+|~)?\Z")


def _said_twice(a: Quantity, b: Quantity, text: str) -> bool:
    """Whether one figure restates the other in other words: "one million miles (1.609
    million km)", "7280 days, or ~20 years"."""
    first, second = (a, b) if a.end <= b.start else (b, a)
    gap = text[first.end : second.start]
    return len(gap) <= _RESTATED_GAP and _RESTATING.match(gap) is not None


def _restated(q: Quantity, target: Quantity) -> bool:
    """A figure restated in other units sits right before its restatement ("7280 days (or ~20
    years)", "$10.7957/hour, which translates to around $260 per day")."""
    return 0 <= target.start - q.end <= _RESTATED_GAP


def _derived(
    expression: str, operands: tuple[Quantity, ...], factor: float, text: str
) -> Derivation:
    values = tuple(q.value for q in operands)
    if factor != 1.0:
        values += (factor,)
    else:
        expression = expression.replace(f" * x{len(operands) + 1}", "")
    return Derivation(expression, values, operands, text)


def _pair(
    target: Quantity,
    goal: Measure,
    scale: float,
    pair: tuple[tuple[Quantity, Measure], tuple[Quantity, Measure]],
    change: bool,
) -> list[Derivation]:
    first, second = pair
    (a, ma), (b, mb) = first, second
    fa, fb = ma.base / a.value, mb.base / b.value
    if _percent(a) or _percent(b):
        (p, _), (other, mo) = (first, second) if _percent(a) else (second, first)
        if not goal.dims or mo.dims != goal.dims or _percent(other):
            return []
        factor = (mo.base / other.value) / scale
        return [
            _derived("x1 * (1 - x2 / 100) * x3", (other, p), factor, f"{other.text} less {p.text}"),
            _derived("x1 * x2 / 100 * x3", (other, p), factor, f"{p.text} of {other.text}"),
        ]
    if not goal.dims and target.kind == "percent" and ma.dims == mb.dims and ma.dims:
        if not change:
            return []
        return [
            _derived("(x1 * x3 / x2 - 1) * 100", (x, y), fx / fy, f"{x.text} over {y.text}")
            for x, y, fx, fy in ((a, b, fa, fb), (b, a, fb, fa))
        ]
    if not ma.dims and not mb.dims:
        return []
    out = []
    if _freeze(_combine(dict(ma.dims), dict(mb.dims), 1)) == goal.dims:
        out.append(_derived("x1 * x2 * x3", (a, b), fa * fb / scale, f"{a.text} x {b.text}"))
    ratio = target.kind in ("ratio", "multiplier")
    for x, mx, y, my in ((a, ma, b, mb), (b, mb, a, ma)):
        if _freeze(_combine(dict(mx.dims), dict(my.dims), -1)) == goal.dims and (
            goal.dims or ratio
        ):
            factor = (mx.base / x.value) / (my.base / y.value) / scale
            out.append(_derived("x1 / x2 * x3", (x, y), factor, f"{x.text} / {y.text}"))
    return out
