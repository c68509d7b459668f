"""Napkin maths a sentence writes out: a cluster's accelerators x days, a compute budget's
count, hours or dollars, and a yardstick ("comparable to driving a car N miles").

Each finder marks the figure the sentence concludes, with the premises it is recomputed from;
the plans in plans_written.py turn those into programs.
"""

from __future__ import annotations

import re
from typing import Any

from flopcheck.engine.report import Kind
from flopcheck.rules.entities import ArticleContext
from flopcheck.rules.quantities import Quantity
from flopcheck.tools.tries import gated

_WALL_CLOCK = {"days", "weeks", "months", "hours"}
_DERIVES = re.compile(
    r"(?:=|\bcomes? to|\bworks? out|\badds? up|\bmeans\b|\bgives\b|\bdescribes? as\b"
    r"|\bamounts? to\b|\bequals?\b|\bis\b|,)[^.;,]{0,25}$",
    re.I,
)


_UTILISATION = re.compile(r"\butili[sz]ation|\bMFU\b|\bof (?:the )?peak\b", re.I)
_FULL = re.compile(r"\b(?:full|100\s?%|peak) (?:utili[sz]ation|throughput)\b|\bat peak\b", re.I)
# Where napkin maths turns from its premises to what they imply.
_CONCLUDES = re.compile(
    r"\b(?:you(?:'d| would)? need|needs?|requires?|would (?:take|need|cost|require)|takes?|"
    r"implies|means|gives|can be (?:extracted|done|reached)|comes to|works out to|=|→)",
    re.I,
)
_BUDGET_TARGETS: dict[str, Kind] = {
    "count": "cluster_time",
    "gpu_hours": "gpu_hours",
    "time": "cluster_time",
    "currency": "training_cost",
}


def budget(
    text: str,
    span: tuple[int, int],
    qs: list[Quantity],
    recent: list[Quantity],
    ctx: ArticleContext,
    claims: list[tuple[Quantity, Kind]],
    details: dict[int, dict[str, Any]],
) -> list[tuple[Quantity, Kind]]:
    """Find napkin maths on a compute budget: "at 30% utilization for 150 days you need 9K
    A100s to get 2e25 FLOPs", "3.8e25 FLOPs take 10.6M H100-hours at full utilization", "2e25
    FLOPs at $2/H100-hour and 32% MFU implies $63M". The FLOP, the chip and the stated rates are
    the premises; the count, hours, days or dollars the sentence concludes are recomputed.

    Args:
        text: the article.
        span: the sentence.
        qs: the sentence's figures.
        recent: the figures of the sentences just before.
        ctx: the article's entities.
        claims: the sentence's claims so far, with their kinds.
        details: each claim's plan details, by id; updated in place.

    Returns:
        the claims, with the budget's conclusions added and its assumptions removed.
    """
    flops = [q for q in qs if q.kind == "flop"] or [q for q in recent if q.kind == "flop"][-1:]
    chip_hours = [q for q in qs if q.kind == "gpu_hours" and q.subject]
    chips = ctx.within(*span, "accelerator")
    if not flops or not (chips or chip_hours):
        return claims
    sentence = text[span[0] : span[1]]
    cue = _CONCLUDES.search(sentence)
    if cue is None:
        return claims
    turn = span[0] + cue.start()
    before = [q for q in qs if q.end <= turn]
    # Rates are never what the sentence concludes, so they are premises wherever they stand
    # ("$440,000 at $2 an hour"); counts and durations only before the turn.
    utilisation = [
        q for q in qs if q.kind == "percent" and _UTILISATION.search(text, q.end, q.end + 24)
    ]
    durations = [q for q in before if q.kind == "time" and q.unit in {"days", "months"}]
    counts = [q for q in before if q.kind == "count" and q.unit in {"GPUs", "accelerators"}]
    prices = [q for q in qs if q.kind == "currency_rate" and "hour" in q.unit]
    assumed = durations[:1] + counts[:1]
    premises = {
        "flop": flops[0],
        "mfu": utilisation[0] if utilisation else None,
        "full": _FULL.search(sentence) is not None,
        "days": durations[0] if durations else None,
        "count": counts[0] if counts else None,
        "price": prices[0] if prices else None,
        "chip": chips[0].key if chips else chip_hours[0].subject,
    }
    if premises["mfu"] is None and not premises["full"]:
        return claims
    kinds = {id(q): k for q, k in claims}
    targets = 0
    for q in qs:
        kind = _BUDGET_TARGETS.get(q.kind)
        if kind is None or id(q) in details or q.start < turn or q is flops[0]:
            continue
        if q.kind == "time" and q.unit not in {"hours", "days", "months", "years"}:
            continue
        if text.count("(", turn, q.start) > text.count(")", turn, q.start):
            continue  # "(... the total 39.3 million hours for all three models)": an aside
        # Hours of a FLOP budget with no cluster size are accelerator-hours.
        details[id(q)] = {"budget": premises}
        kinds[id(q)] = "gpu_hours" if q.unit == "hours" else kind
        targets += 1
    if targets:
        # The stated duration and count are the napkin maths' assumptions, not claims.
        for q in assumed:
            kinds.pop(id(q), None)
    return [(q, kinds[id(q)]) for q in qs if id(q) in kinds]


def written_cluster(text: str, qs: list[Quantity]) -> dict[str, Any] | None:
    """Find "N GPUs for D days comes to H GPU-hours" written out in one sentence.

    Args:
        text: the article.
        qs: the sentence's figures.

    Returns:
        the premises and which figure is the conclusion (the one stated last, after a word
        that derives it: "comes to", "which means", ", roughly", "="), or None.
    """
    counts = [q for q in qs if q.kind == "count" and q.unit in {"GPUs", "accelerators"}]
    times = [q for q in qs if q.kind == "time" and q.unit in _WALL_CLOCK]
    hours = [q for q in qs if q.kind == "gpu_hours"]
    if not counts or not times or not hours:
        return None
    pairs = list(zip(counts, times, strict=False))
    conclusion = hours[0] if hours[0].start > times[0].start else times[0]
    if not _DERIVES.search(text, max(0, conclusion.start - 40), conclusion.start):
        return None
    if conclusion is hours[0]:
        return {"pairs": pairs, "conclusion": hours[0], "premises": [*counts, *times]}
    return {
        "pairs": pairs[:1],
        "hours": hours[0],
        "conclusion": times[0],
        "premises": [counts[0], hours[0]],
    }


# "comparable to driving a petrol car one million miles", "as much as 1,000 cars emit in a
# year", "enough to power 1,900 US homes for a year".
_YARDSTICK = gated(re.compile(
    r"\bcomparable to\b|\bequivalent to\b|\bthe same as\b|\bas much as\b|\bequal to\b"
    r"|\bsimilar to\b|\benough to\b|\blike driving\b",
    re.I,
))  # fmt: skip
_CO2 = re.compile(r"\s*(?:of\s+)?(?:CO2|CO₂|carbon)", re.I)
_DRIVING = re.compile(r"\bdriv|\bcars?\b|\bvehicles?\b", re.I)
_HOMES = re.compile(r"\b(?:homes?|households?|houses?)\b", re.I)
_CARS = re.compile(r"\b(?:cars?|vehicles?)\b", re.I)
_PER_YEAR = re.compile(r"\s*(?:a|per|each|every|/)\s*(?:year|yr)\b|\s*annually\b", re.I)
_YEAR = re.compile(r"\b(?:a|per|one|each|for a) year\b|\bannual|\byearly\b", re.I)


# "0.02% of the electricity California generates in a year", "1% of US electricity use".
_GRID_SHARE = re.compile(
    r"\s*of\s+(?:all\s+)?(?:the\s+)?(?:(?P<a>California|the U\.?S\.?|US|the United States|"
    r"America)(?:'s|’s)?\s+)?(?:annual\s+|yearly\s+|total\s+)?(?:electricity|power)\b"
    r"(?:\s+(?:that\s+)?(?P<b>California|the U\.?S\.?|the United States|America))?",
    re.I,
)


def _grid_share(
    text: str,
    qs: list[Quantity],
    recent: list[Quantity],
    claims: list[tuple[Quantity, Kind]],
    details: dict[int, dict[str, Any]],
) -> list[tuple[Quantity, Kind]]:
    """Find an energy figure set against a region's yearly electricity as a percent ("This
    energy usage is about 0.02% of the electricity California generates in a year")."""
    for q in qs:
        m = _GRID_SHARE.match(text, q.end) if q.kind == "percent" else None
        region = (m.group("a") or m.group("b")) if m else None
        if region is None or id(q) in details:
            continue
        energies = [e for e in qs if e.kind == "energy" and e.end <= q.start]
        energies = energies or [e for e in recent if e.kind == "energy"]
        if not energies:
            continue
        name = "California" if region.lower() == "california" else "the US"
        details[id(q)] = {"yardstick": {"footprint": energies[-1], "per": "grid", "region": name}}
        return _as_energy(claims, q)
    return claims


def _as_energy(
    claims: list[tuple[Quantity, Kind]], target: Quantity
) -> list[tuple[Quantity, Kind]]:
    """Return the claims with ``target`` among them as an energy claim, in text order."""
    kept = [(q, k) for q, k in claims if q is not target]
    return sorted([*kept, (target, "energy")], key=lambda pair: pair[0].start)


def yardstick(
    text: str,
    span: tuple[int, int],
    qs: list[Quantity],
    recent: list[Quantity],
    claims: list[tuple[Quantity, Kind]],
    details: dict[int, dict[str, Any]],
) -> list[tuple[Quantity, Kind]]:
    """Find a footprint set against an everyday yardstick: emissions as miles driven or cars
    on the road for a year, energy as homes powered for a year. A yearly figure the sentence
    states ("a household uses 10,700 kWh a year") is the yardstick's own size, and the
    footprint is then the one just before.

    Args:
        text: the article.
        span: the sentence.
        qs: the sentence's figures.
        recent: the figures of the sentences just before.
        claims: the sentence's claims so far, with their kinds.
        details: each claim's plan details, by id; updated in place.

    Returns:
        the claims, with the yardstick figure added as a claim about the footprint.
    """
    sentence = text[span[0] : span[1]]
    cue = _YARDSTICK.search(sentence)
    if cue is None:
        return _grid_share(text, qs, recent, claims, details)
    turn = span[0] + cue.start()
    stated = [q for q in qs if q.end <= turn and _PER_YEAR.match(text, q.end)]
    earlier = [q for q in qs if q.end <= turn and q not in stated] or (recent if stated else [])
    emissions = [q for q in earlier if q.kind == "mass" and _CO2.match(text, q.end)]
    energies = [q for q in earlier if q.kind == "energy"]
    rate = stated[-1] if stated else None
    after = text[turn : span[1]]
    yearly = _YEAR.search(after) is not None
    found: dict[str, Any] | None = None
    target: Quantity | None = None
    for q in qs:
        if q.start < turn or id(q) in details:
            continue
        counted = q.kind in ("number", "count") and yearly
        if emissions and q.kind == "distance" and _DRIVING.search(after):
            found = {"footprint": emissions[-1], "per": "distance", "rate": None}
        elif emissions and counted and _CARS.search(after):
            found = {"footprint": emissions[-1], "per": "car-year", "rate": rate}
        elif energies and counted and _HOMES.search(after):
            found = {"footprint": energies[-1], "per": "home-year", "rate": rate}
        if found is not None:
            target = q
            break
    if found is None or target is None:
        return claims
    details[id(target)] = {"yardstick": found}
    return _as_energy(claims, target)
