"""The engine: run a claim program through the tool registry and judge it; never raises.

A program that cannot run (an unknown tool, a reference to a later or missing step, a failing
step, too many steps, a non-finite number) makes its claim ``unverifiable`` with the message,
and every step run so far stays in the verdict.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from flopcheck.engine.judge import assemble, judge
from flopcheck.engine.program import MAX_COMPARISONS, MAX_STEPS, Program, Ref
from flopcheck.engine.report import Verdict
from flopcheck.engine.trace import ProgramError, Trace, number, weakest
from flopcheck.engine.vocab import Tier
from flopcheck.tools import tools

# How a verdict begins when its program could not run (a planner may send such a program back).
COULD_NOT_RUN = "the check could not run"


def run_program(program: Program, memo: dict[str, dict[str, Any]] | None = None) -> Verdict:
    """Run a program's steps, judge the claim, and return its verdict (never raises).

    Args:
        program: the claim's program, from either planner.
        memo: tool results to share between the programs of one check (never mutated).
    """
    trace = Trace(memo=memo)
    try:
        validate(program)
        for step in program.steps:
            args, tier = _resolve(trace, step.args, step.id)
            result = trace.call(step.tool, args, step.id, tier)
            if "error" in result:
                raise ProgramError(f"step {step.id} ({step.tool}) failed: {result['error']}")
        return judge(program, trace)
    except ProgramError as exc:
        return assemble(program, trace, "unverifiable", f"{COULD_NOT_RUN}: {exc}")


def validate(program: Program) -> None:
    """Raise ProgramError when a program is malformed or oversized.

    Args:
        program: the program to check before running it.
    """
    if len(program.steps) > MAX_STEPS:
        raise ProgramError(f"{len(program.steps)} steps; a program may have at most {MAX_STEPS}")
    if len(program.compare) + len(program.diagnose) > MAX_COMPARISONS:
        raise ProgramError(f"more than {MAX_COMPARISONS} figures to compare")
    registry = tools()
    seen: set[str] = set()
    for step in program.steps:
        if step.id in seen:
            raise ProgramError(f"step id {step.id} is used twice")
        if step.tool not in registry:
            close = difflib.get_close_matches(step.tool, list(registry), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ProgramError(f"step {step.id}: unknown tool {step.tool!r}{hint}")
        for name, value in step.args.items():
            if isinstance(value, Ref) and value.ref.split(".", 1)[0] not in seen:
                raise ProgramError(
                    f"step {step.id}: argument {name} refers to {value.ref}, "
                    "which is not an earlier step"
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise ProgramError(f"step {step.id}: argument {name} is not a finite number")
        seen.add(step.id)
    for comparison in [*program.compare, *program.diagnose]:
        if comparison.step not in seen:
            raise ProgramError(f"the figure to compare names no step {comparison.step!r}")


def _resolve(
    trace: Trace, args: dict[str, Any], step_id: str
) -> tuple[dict[str, Any], Tier | None]:
    """Return a step's arguments with references replaced by numbers, and their weakest tier."""
    resolved: dict[str, Any] = {}
    tiers: list[Tier | None] = []
    for name, value in args.items():
        if isinstance(value, Ref):
            ref_step, _, path = value.ref.partition(".")
            node, tier, _ = trace.figure(ref_step, path or "value")
            resolved[name] = number(node, f"step {step_id}: {value.ref}")
            tiers.append(tier)
        else:
            resolved[name] = value
    return resolved, weakest(tiers)
