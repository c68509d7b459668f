"""Search the reference tables: energy and carbon yardsticks, and published trend figures."""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import Field

from flopcheck.errors import ToolInputError
from flopcheck.tools._results import Args, ToolResult, fmt
from flopcheck.tools.tables import Reference, Trend, energy_references, trends

_WORD = re.compile(r"[a-z0-9.]+")
_YEAR = re.compile(r"(?<=[a-z])(?=(?:19|20)\d\d)")
_LIMIT = 12
# Words writers use for a subject the tables name differently.
_SYNONYMS = {
    "us": {"us", "united", "states"},
    "usa": {"us", "united", "states"},
    "eu": {"european"},
}
TOPICS: dict[str, Callable[[], tuple[Reference, ...]]] = {
    "energy": energy_references,
    "trend": trends,
}


def _words(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower().replace("_", " ")))
    return words | {part for w in words for part in _YEAR.split(w) if part}


def search(rows: tuple[Reference, ...], query: str) -> list[Reference]:
    """Return the rows matching the most query words, best first: then those matching more of
    them in the subject, then in what is measured, then the newest.

    Args:
        rows: reference rows.
        query: words such as "US grid carbon intensity 2023" or "PUE Google".
    """
    wanted = [_SYNONYMS.get(w, {w}) for w in _words(query)]
    scored = []
    for row in rows:
        measured, subject = _words(f"{row.quantity} {row.year or ''}"), _words(row.subject)
        text = measured | subject | _words(f"{row.topic} {row.unit} {row.note or ''}")
        hits = [sum(bool(w & part) for w in wanted) for part in (text, subject, measured)]
        if hits[0]:
            scored.append(((*hits, row.year or 0), row))
    scored.sort(key=lambda x: x[0], reverse=True)
    best = scored[0][0][:2] if scored else None
    return [row for key, row in scored if key[:2] == best][:_LIMIT]


class LookupReferenceArgs(Args):
    query: str = Field(
        description="what to find, e.g. 'US grid carbon intensity 2023', 'PUE Google', "
        "'CO2 per mile car', 'household electricity', 'ChatGPT query energy'"
    )
    topic: str | None = Field(
        default=None, description="energy (default) or trend (growth rates of compute, cost)"
    )


class ReferenceResult(ToolResult):
    references: list[Trend | Reference]


def lookup_reference(args: LookupReferenceArgs) -> ReferenceResult:
    """Find reference figures to set a claim against: grid carbon intensity (world, US, EU,
    eGRID regions), data-centre PUE, car and household yardsticks, per-query and training
    energy; or, with topic trend, published growth rates (training compute, cost, hardware
    price-performance) with their period and method.

    Args:
        args: search words and optionally the topic.
    """
    topic = (args.topic or "energy").strip().lower()
    if topic not in TOPICS:
        raise ToolInputError(
            f"unknown topic {topic!r}; use one of {', '.join(TOPICS)}", list(TOPICS)
        )
    if not _words(args.query):
        raise ToolInputError("give some words to search for, e.g. 'US grid carbon intensity'")
    found = search(TOPICS[topic](), args.query)
    if not found:
        subjects = sorted({r.subject for r in TOPICS[topic]()})
        raise ToolInputError(
            f"no {topic} reference matches {args.query!r}; subjects on record: "
            f"{', '.join(subjects[:20])}",
            subjects[:20],
        )
    lines = [
        f"{r.subject} {r.quantity}"
        + (f" ({r.year})" if r.year else "")
        + f": {fmt(r.mid())} {r.unit} [{r.tier}]"
        for r in found
    ]
    return ReferenceResult(
        value=None,
        formula="; ".join(lines),
        assumptions=[],
        sources=sorted({r.source for r in found}),
        references=found,
    )
