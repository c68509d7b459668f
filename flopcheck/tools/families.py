"""Model families ("Llama 2", "Llama 4"): the runs a family name covers, the smallest and
largest of each figure across them, and the figures reported for the family as a whole."""

from __future__ import annotations

import statistics

from pydantic import Field

from flopcheck.errors import UnknownNameError
from flopcheck.tools._results import Args, Record, ToolResult, fmt
from flopcheck.tools.names import family_members, resolve_family
from flopcheck.tools.provenance import Tier
from flopcheck.tools.tables import Family, families

# The figures of a run that a family's members are compared on.
SPAN_FIELDS = (
    "total_params",
    "active_params",
    "tokens",
    "accelerator_hours_total",
    "training_compute_flop",
)
_TIER_ORDER: dict[Tier, int] = {"disclosed": 0, "estimate": 1, "rumour": 2}


class LookupFamilyArgs(Args):
    family: str = Field(description="family name, e.g. 'Llama 2', 'Llama 4', 'Qwen3'")


class MemberSpan(Record):
    """One figure across a family's members: the smallest, the median and the largest."""

    low: float
    mid: float
    high: float
    unit: str
    tier: Tier = Field(description="the weakest tier among the members' figures")
    members: list[str] = Field(description="'run: figure' for each member that reports it")


class FamilyResult(ToolResult):
    family: Family
    members: list[str] = Field(description="the runs the family name covers")
    spans: dict[str, MemberSpan] = Field(
        description="per figure (total_params, tokens, accelerator_hours_total, ...): the "
        "smallest to largest across the members"
    )


def lookup_family(args: LookupFamilyArgs) -> FamilyResult:
    """Look up a model family: its member runs, each figure's range across them (smallest to
    largest, e.g. Llama 2's 7B-70B parameters) and figures reported for the family as a whole
    (e.g. Llama 3.1's 39.3M GPU-hours for all three models).

    Args:
        args: the family name.
    """
    family = resolve_family(args.family)
    if family is None:
        names = [f.name for f in families()]
        raise UnknownNameError(
            f"{args.family!r} is not a model family flopcheck knows; families: " + ", ".join(names),
            names,
        )
    runs = family_members(family)
    spans: dict[str, MemberSpan] = {}
    for field in SPAN_FIELDS:
        figures = [(run.id, getattr(run, field)) for run in runs if getattr(run, field)]
        if not figures:
            continue
        values = [fig.mid() for _, fig in figures]
        spans[field] = MemberSpan(
            low=min(values),
            mid=statistics.median(values),
            high=max(values),
            unit=figures[0][1].unit,
            tier=max((fig.tier for _, fig in figures), key=_TIER_ORDER.__getitem__),
            members=[f"{run}: {fmt(fig.mid())}" for run, fig in figures],
        )
    parts = [f"{name} {fmt(s.low)}-{fmt(s.high)}" for name, s in spans.items()]
    parts += [f"family {name} {fmt(fig.mid())}" for name, fig in family.figures.items()]
    return FamilyResult(
        value=None,
        formula=f"{family.name} ({', '.join(r.id for r in runs)}): " + "; ".join(parts),
        assumptions=list(family.notes),
        sources=list(family.sources),
        family=family,
        members=[r.id for r in runs],
        spans=spans,
    )
