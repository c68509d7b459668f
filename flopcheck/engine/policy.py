"""The misleading policy: named reasons, each confirmed by code from the tool results.

A planner proposes a reason (``Program.framing``) or marks a figure as an unlike comparison
(``Program.diagnose``); the reason counts only when the results of the steps behind the matched
figure show it: two precisions or generations among the peaks compared, a sparse peak, a
cached price beside a list price, a rental cost, a stage's hours. Cross-precision ratios are
also found without a proposal, since ``compare_accelerators`` reports them itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flopcheck.engine.program import Comparison, Program, Ref
from flopcheck.engine.trace import ProgramError, Trace, walk
from flopcheck.engine.vocab import Reason

_PEAK_PRECISION = re.compile(r"peak\w*\.(fp64|tf32|bf16|fp16|fp8|fp4|int8)\b")
# Per-chip peak ratios between generations stay under this; vendor claims far above it are
# system- or workload-level best cases.
_PER_CHIP_MARGIN = 1.5


@dataclass(frozen=True)
class Chain:
    """The steps and result fields a matched figure was derived from."""

    steps: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    results: dict[str, dict[str, Any]]
    tools: dict[str, str]

    def tool_results(self, tool: str) -> list[dict[str, Any]]:
        """Return the results of the chain's calls to ``tool``.

        Args:
            tool: a registry tool name.
        """
        return [self.results[s] for s in self.steps if self.tools.get(s) == tool]

    def paths(self) -> list[str]:
        """Return every result path the chain read."""
        return [path for _, path in self.fields]


def chain(program: Program, trace: Trace, comparison: Comparison | None) -> Chain:
    """Return the steps a compared figure depends on (itself and, transitively, its
    references); with no comparison, every step and every figure the program reads.

    Args:
        program: the claim's program.
        trace: the run.
        comparison: the matched figure, or None for the whole program.
    """
    by_id = {s.id: s for s in program.steps}
    tools = {s.id: s.tool for s in program.steps}
    if comparison is None:
        targets = [*program.compare, *program.diagnose]
        fields = [(c.step, c.field) for c in targets] + [
            (v.ref.partition(".")[0], v.ref.partition(".")[2])
            for s in program.steps
            for v in s.args.values()
            if isinstance(v, Ref)
        ]
        return Chain(tuple(by_id), tuple(fields), trace.results, tools)
    seen: list[str] = []
    fields = [(comparison.step, comparison.field)]
    pending = [comparison.step]
    while pending:
        sid = pending.pop()
        if sid in seen or sid not in by_id:
            continue
        seen.append(sid)
        for value in by_id[sid].args.values():
            if isinstance(value, Ref):
                ref_step, _, path = value.ref.partition(".")
                fields.append((ref_step, path))
                pending.append(ref_step)
    return Chain(tuple(seen), tuple(fields), trace.results, tools)


def _two_chips(result: dict[str, Any]) -> bool:
    a, b = result.get("a") or {}, result.get("b") or {}
    return (
        isinstance(a, dict) and isinstance(b, dict) and a.get("accelerator") != b.get("accelerator")
    )


def _cross_precision(c: Chain, program: Program) -> bool:
    """Two chips compared at different precisions, or peaks at two precisions read (one chip's
    FP8 against its own BF16 is a precision speed-up only when nothing else is compared)."""
    for r in c.tool_results("compare_accelerators"):
        if r.get("same_precision") is False and _two_chips(r):
            return True
    precisions = {m.group(1) for _, p in c.fields if (m := _PEAK_PRECISION.search(p))}
    return len(precisions) > 1


def _two_chip_precisions(c: Chain, program: Program) -> bool:
    """Detected without a proposal: only two chips at two precisions in one derivation."""
    for r in c.tool_results("compare_accelerators"):
        if r.get("same_precision") is False and _two_chips(r):
            return True
    by_step: dict[str, set[str]] = {}
    for step, path in c.fields:
        if (m := _PEAK_PRECISION.search(path)) and c.tools.get(step) == "lookup_accelerator":
            by_step.setdefault(step, set()).add(m.group(1))
    precisions = set().union(*by_step.values()) if by_step else set()
    return len(by_step) > 1 and len(precisions) > 1


def _cross_generation(c: Chain, program: Program) -> bool:
    if any(r.get("same_generation") is False for r in c.tool_results("compare_accelerators")):
        return True
    archs = {
        r.get("accelerator", {}).get("architecture") for r in c.tool_results("lookup_accelerator")
    }
    return len(archs - {None}) > 1


def _sparse(c: Chain, program: Program) -> bool:
    return any("sparse" in p for p in c.paths())


def _vendor_best_case(c: Chain, program: Program) -> bool:
    rows = [_row(c, step, path) for step, path in c.fields if "vendor_claims" in path]
    if rows:
        # Only the vendor claims the planner named as best cases: one that the sentence
        # qualifies with its workload is reported as what it is.
        notes = " ".join(f.note or "" for f in program.framing if f.reason == "vendor_best_case")
        return any(r.get("claim") and r["claim"] in notes for r in rows)
    if any("best_case" in p for p in c.paths()):
        return True
    claimed = program.claimed.value or program.claimed.low or 0.0
    peaks = [
        r["value"]["high"]
        for r in c.tool_results("compare_accelerators")
        if isinstance(r.get("value"), dict)
    ]
    return bool(peaks) and claimed > _PER_CHIP_MARGIN * max(peaks)


def _row(c: Chain, step: str, path: str) -> dict[str, Any]:
    """Return the record a result path points into (``vendor_claims.2.value`` -> claim 2)."""
    try:
        node, _, _ = walk(c.results.get(step, {}), ".".join(path.split(".")[:2]))
    except ProgramError:
        return {}
    return node if isinstance(node, dict) else {}


def _cached_vs_list(c: Chain, program: Program) -> bool:
    prices = [p for p in c.paths() if "usd_per_mtok" in p]
    return any("cached" in p for p in prices) and any("cached" not in p for p in prices)


def _stage(c: Chain, program: Program) -> bool:
    return any("stages" in p for p in c.paths())


def _system(c: Chain, program: Program) -> bool:
    return bool(c.tool_results("lookup_system")) or any("system" in p for p in c.paths())


def _unit_vs_total(c: Chain, program: Program) -> bool:
    unit = any("unit_price" in p or "purchase" in p for p in c.paths())
    total = bool(c.tool_results("training_cost")) or any("cost_usd" in p for p in c.paths())
    return unit and total


def _rental(c: Chain, program: Program) -> bool:
    if c.tool_results("training_cost"):
        return True
    runs = c.tool_results("lookup_training_run")
    return any("rental" in str(r.get("run", {}).get("cost_basis") or "") for r in runs)


def _reasoning_vs_chat(c: Chain, program: Program) -> bool:
    flags = {r.get("price", {}).get("reasoning") for r in c.tool_results("lookup_api_price")}
    return {True, False} <= flags


def _family(c: Chain, program: Program) -> bool:
    return any("family" in p for p in c.paths())


def _peak(c: Chain, program: Program) -> bool:
    return bool(c.tool_results("compare_accelerators")) or any("peak" in p for p in c.paths())


CONFIRM: dict[Reason, Callable[[Chain, Program], bool]] = {
    "rental_vs_total": _rental,
    "cross_generation": _cross_generation,
    "cross_precision": _cross_precision,
    "sparse_as_dense": _sparse,
    "vendor_best_case": _vendor_best_case,
    "cached_vs_list": _cached_vs_list,
    "stage_vs_run": _stage,
    "system_vs_chip": _system,
    "unit_vs_total": _unit_vs_total,
    "reasoning_vs_chat": _reasoning_vs_chat,
    "family_vs_model": _family,
    "peak_vs_realized": _peak,
}
# Reasons that hold only when the matched figure itself is the one they name (a vendor's best
# case matters when the claim matches it, not when it matches a measured speedup beside it).
OWN_CHAIN: frozenset[Reason] = frozenset({"vendor_best_case"})
# Reasons the matched figure's own derivation shows without a planner proposing them.
DETECTED: dict[Reason, Callable[[Chain, Program], bool]] = {
    "cross_precision": _two_chip_precisions,
}


def confirmed(
    program: Program,
    trace: Trace,
    comparison: Comparison,
    proposed: list[Reason] | None = None,
) -> list[Reason]:
    """Return the misleading reasons that hold for a matched figure.

    A proposed reason is tested against everything the program computed; a detected one only
    against the matched figure's own derivation.

    Args:
        program: the claim's program.
        trace: the run.
        comparison: the figure the claim matched.
        proposed: the reasons to test; default the program's framing, plus the detected ones.
    """
    whole = chain(program, trace, None)
    own = chain(program, trace, comparison)

    def holds(reason: Reason) -> bool:
        return CONFIRM[reason](own if reason in OWN_CHAIN else whole, program)

    found = [r for r in dict.fromkeys(proposed or []) if holds(r)]
    if proposed is None:
        found = [f.reason for f in program.framing if holds(f.reason)]
        found += [r for r, test in DETECTED.items() if r not in found and test(own, program)]
    return list(dict.fromkeys(found))
