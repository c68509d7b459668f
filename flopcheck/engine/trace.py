"""The record of one program's run: every tool call with its resolved arguments and result.

The runner calls the program's steps through a :class:`Trace`, and the judge calls its own
(``convert_units``, ``compare_claim``) through the same trace, so the verdict lists every step
that produced a number in it. The trace also knows where each figure came from: the provenance
tier of a looked-up figure, and for a calculator step, the weakest tier among its inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from flopcheck.engine.report import Step
from flopcheck.engine.vocab import Tier
from flopcheck.tools import call

_TIER_ORDER: dict[str, int] = {"disclosed": 0, "estimate": 1, "rumour": 2}


class ProgramError(Exception):
    """A program that cannot run: a bad reference, an unknown tool, a failing step."""


def weakest(tiers: list[Tier | None]) -> Tier | None:
    """Return the least trustworthy of some tiers (None when none is known).

    Args:
        tiers: provenance tiers, None for figures of the article's own.
    """
    worst: Tier | None = None
    for tier in tiers:
        if tier is not None and (worst is None or _TIER_ORDER[tier] > _TIER_ORDER[worst]):
            worst = tier
    return worst


def walk(result: Any, path: str) -> tuple[Any, Tier | None, str | None]:
    """Return the node at a dotted path, the tier and the estimator of the innermost object on it.

    Args:
        result: a tool result.
        path: e.g. "run.total_params" or "accelerator_hours_stages.0.accelerator_hours".
    """
    node, tier, estimator = result, None, None
    for part in [p for p in path.split(".") if p]:
        if isinstance(node, dict):
            tier, estimator = _provenance(node, tier, estimator)
            if part not in node:
                raise ProgramError(f"the result has no field {path!r} (no {part!r})")
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ProgramError(f"the result has no field {path!r} (no {part!r})")
    if isinstance(node, dict):
        tier, estimator = _provenance(node, tier, estimator)
    return node, tier, estimator


def _provenance(
    node: dict[str, Any], tier: Tier | None, estimator: str | None
) -> tuple[Tier | None, str | None]:
    found = node.get("tier")
    if found in _TIER_ORDER:
        estimator = node.get("estimator") if isinstance(node.get("estimator"), str) else None
        return found, estimator
    return tier, estimator


def middle(node: dict[str, Any]) -> Any:
    """Return a figure object's middle: its mid or value, else the middle of its range.

    Args:
        node: a range {low, mid, high} or a figure {value, low?, high?}.
    """
    value = node.get("mid", node.get("value"))
    low, high = node.get("low"), node.get("high")
    if value is None and _plain_number(low) and _plain_number(high):
        # A figure reported only as a range: its middle stands for it.
        return (low + high) / 2
    return value


def _plain_number(x: Any) -> TypeGuard[float]:
    return isinstance(x, int | float) and not isinstance(x, bool)


def number(node: Any, where: str) -> float:
    """Return a figure as a float: a number, a range's mid, or a figure object's value.

    Args:
        node: the node a reference points at.
        where: the reference, for the error message.
    """
    if isinstance(node, dict):
        node = middle(node)
    if isinstance(node, bool) or not isinstance(node, int | float) or not math.isfinite(node):
        raise ProgramError(f"{where} is not a finite number")
    return float(node)


# Enough for the distinct lookups of a very large input; beyond it calls simply run again.
MEMO_LIMIT = 50_000


@dataclass
class Trace:
    """The steps of one run, by id, with their provenance."""

    steps: list[Step] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    tiers: dict[str, Tier | None] = field(default_factory=dict)
    # Results of earlier calls with the same arguments, shared by the programs of one check:
    # the tools are pure, and an article asks for the same lookups again and again.
    memo: dict[str, dict[str, Any]] | None = None

    def call(
        self, tool: str, args: dict[str, Any], step_id: str | None = None, tier: Tier | None = None
    ) -> dict[str, Any]:
        """Call a registry tool, record the step, and return its result (errors included).

        Args:
            tool: the tool name.
            args: resolved arguments.
            step_id: the program's id for the step; None for the judge's own calls.
            tier: the weakest tier among the figures the arguments came from.
        """
        result = self._call(tool, args)
        self.steps.append(Step(id=step_id, tool=tool, args=args, result=result))
        if step_id is not None:
            self.results[step_id] = result
            self.tiers[step_id] = tier
        return result

    def _call(self, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        if self.memo is None:
            return call(tool, args)
        # repr of the sorted items is exact for the JSON values tools take, and cheaper than JSON.
        key = f"{tool} {sorted(args.items())!r}"
        found = self.memo.get(key)
        if found is None:
            found = call(tool, args)
            if len(self.memo) < MEMO_LIMIT:
                self.memo[key] = found
        return found

    def figure(self, step_id: str, path: str) -> tuple[Any, Tier | None, str | None]:
        """Return the node at ``path`` in a step's result, with its tier and estimator.

        Args:
            step_id: an earlier step's id.
            path: a dotted path in its result.
        """
        if step_id not in self.results:
            raise ProgramError(f"no earlier step {step_id!r}")
        node, tier, estimator = walk(self.results[step_id], path)
        return node, tier or self.tiers.get(step_id), estimator

    def sources(self) -> list[str]:
        """Return the sources of every successful step, once each, in order."""
        return self._collect("sources")

    def assumptions(self) -> list[str]:
        """Return the assumptions of every successful step, once each, in order."""
        return self._collect("assumptions")

    def _collect(self, key: str) -> list[str]:
        ok = [st.result for st in self.steps if "error" not in st.result]
        return list(dict.fromkeys(x for r in ok for x in _strings(r, key)))


def _strings(result: dict[str, Any], key: str) -> list[str]:
    values = result.get(key)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []
