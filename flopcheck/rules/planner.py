"""The offline planner: an article's claim candidates, each turned into a claim program.

Deterministic: the same text gives the same programs. The engine runs them; the planner only
decides what to compute. Claims with nothing to recompute (forecasts, hearsay, holdings, actors
with no figures) get a program that says why, so they are reported as ``unverifiable``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flopcheck.engine.program import Program
from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.rules.entities import ArticleContext, build_context
from flopcheck.rules.extract import Candidate, extract
from flopcheck.rules.plans_arith import plan_arithmetic
from flopcheck.rules.plans_compute import COMPUTE_PLANS
from flopcheck.rules.plans_families import family_plan
from flopcheck.rules.plans_hardware import HARDWARE_PLANS
from flopcheck.rules.plans_prices import PRICE_PLANS
from flopcheck.rules.plans_runs import HEDGE, PLANS
from flopcheck.rules.plans_written import written_plan
from flopcheck.tools.tries import gated

ALL_PLANS: dict[str, Callable[[Builder], None]] = {
    **PLANS,
    **HARDWARE_PLANS,
    **PRICE_PLANS,
    **COMPUTE_PLANS,
    "arithmetic": plan_arithmetic,
}
_FORECAST = gated(re.compile(
    r"\bwill\b|\bby 20[2-9]\d\b|\bexpects?\b|\bodds\b|\bforecast|\bpredict|\bnext generation",
    re.I,
))  # fmt: skip
_POSSESSIVE = re.compile(r"\b([A-Z][A-Za-z]+)['’]s\b")
# Chips a company owns or has ordered are not a training run's cluster.
_HOLDINGS = gated(re.compile(
    r"\bhave\b|\bhas\b|\bowns?\b|\bon order\b|\bstockpil\w*\b|\bbought\b|\bbuys?\b", re.I
))  # fmt: skip


def screen(b: Builder) -> None:
    """Give up early on claims with nothing to recompute: forecasts, rumours, unknown actors.

    Args:
        b: the claim.
    """
    segment = b.segment_text()
    if _FORECAST.search(segment):
        raise Unplannable("a forecast: there is nothing yet to recompute")
    if HEDGE.search(b.quote) and b.cand.kind != "arithmetic":
        raise Unplannable("the article itself presents this figure as a rumour or hearsay")
    counts = b.cand.claimed.unit in {"GPUs", "accelerators"}
    if b.cand.kind == "cluster_time" and counts and _HOLDINGS.search(segment):
        raise Unplannable("accelerators a company holds are not disclosed training figures")
    if b.ctx.within(*b.segment(), "model"):
        return
    for m in _POSSESSIVE.finditer(segment):
        if m.group(1) not in b.ctx.names and m.group(1) not in {"It", "That", "This", "Today"}:
            raise Unplannable(f"flopcheck has no figures for {m.group(1)}")


def plan_claim(cand: Candidate, text: str, ctx: ArticleContext) -> Program:
    """Return the program of one claim candidate (an unverifiable one when nothing computes).

    Args:
        cand: the candidate claim.
        text: the article text.
        ctx: the article's entity context.
    """
    b = Builder(cand=cand, text=text, ctx=ctx)
    try:
        screen(b)
        if not written_plan(b) and not family_plan(b):
            plan = ALL_PLANS.get(cand.kind)
            if plan is None:
                raise Unplannable(f"flopcheck has no plan to recompute {cand.kind} claims yet")
            plan(b)
        if not b.comparisons:
            raise Unplannable("nothing to compare the figure with")
    except Unplannable as exc:
        return b.program(unverifiable=str(exc))
    except Exception as exc:  # one claim's planner fault must not lose the article's others
        return b.program(
            unverifiable=f"the rules planner failed on this claim ({type(exc).__name__}); "
            "the other claims are unaffected; please report it"
        )
    return b.program()


def plan_article(text: str) -> list[Program]:
    """Return the programs of every claim the rules find in an article, in text order.

    Args:
        text: the article text.
    """
    ctx = build_context(text)
    return [plan_claim(cand, text, ctx) for cand in extract(text, ctx)]
