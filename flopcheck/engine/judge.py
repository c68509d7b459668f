"""The judge: one tolerance rule, ``compare_claim`` for the label, one verdict assembly.

The tolerance rule, in one place:

- the claimed figure stands for the interval its writing implies: "$5M" is $4.5-5.5M, "2.788M"
  is 2.7875-2.7885M, "10x" is 9.5-10.5x (a round figure stands for at most +/-15%: "$100M" is
  not "$50-150M"), and a hedge ("about", "~") widens it by 10% more; a range states its own
  ends, and a bound its own limit;
- the computed figure is the tool's low-high range, widened by ``compare_claim``'s 10% slack;
- a bound is one-sided ("up to X" holds when the computed best case reaches X; "at least X"
  when the computed low does; "under X" when the computed high stays below X);
- a third party's estimate of an undisclosed figure stands for itself divided or multiplied by
  1.5, as far apart as published estimates of one figure tend to be.

Supported/refuted comes from ``compare_claim``. A claim that matches one of the program's
diagnostic figures (a cross-precision ratio, a sparse peak) is explained by that figure's
reason. ``refuted`` needs a grounded subject, a like-for-like unit and a figure that is not a
rumour; otherwise the claim is ``unverifiable`` with the reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from flopcheck.engine import policy
from flopcheck.engine.program import ClaimedAmount, Comparison, Diagnostic, Program
from flopcheck.engine.report import Amount, Verdict
from flopcheck.engine.trace import ProgramError, Trace, middle
from flopcheck.engine.units import canonical, dimensionless_factor, same_unit, unit_of_field
from flopcheck.engine.vocab import REASON_TEXT, Grounding, Label, Reason, Tier
from flopcheck.tools.units import same_dimension

_SCALED = re.compile(r"^\s?(?:[kKmMbBtT]\b|thousand|million|billion|trillion|mn|bn)")
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_HEDGE_ALLOWANCE = 0.1
ESTIMATE_SPREAD = 1.5
# One significant figure at a leading 1 or 2 would otherwise stand for +/-25-50%.
_MAX_ROUNDING = 0.15
_GROUNDING_ORDER: dict[Grounding, int] = {"article": 0, "named": 0, "anaphor": 1, "inferred": 2}
_CONFIDENCE_BY_GROUNDING: dict[Grounding, float] = {
    "article": 0.95,
    "named": 0.9,
    "anaphor": 0.8,
    "inferred": 0.6,
}
_CONFIDENCE_BY_TIER: dict[Tier, float] = {"disclosed": 1.0, "estimate": 0.75, "rumour": 0.5}


def rounding(literal: str, hedged: bool) -> float:
    """Return the relative rounding a written number implies ("$5M" -> 0.1, "2.788M" -> 0.0002).

    Args:
        literal: the number as written, e.g. "$5.5 million".
        hedged: whether the text hedged it ("~", "about", "roughly").
    """
    allowance = _HEDGE_ALLOWANCE if hedged else 0.0
    m = _DIGITS.search(literal)
    if not m or re.search(r"\d\s?/\s?\d", literal):
        # Fractions ("1/10th") and words ("several") are round figures by nature.
        return _MAX_ROUNDING + allowance
    digits = m.group().replace(",", "")
    value = float(digits)
    if "." in digits:
        unit = 10.0 ** -len(digits.split(".")[1])
    else:
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped)
        scaled = _SCALED.search(literal[m.end() :]) is not None
        # "$40m" or "2000" may be rounded to their last nonzero digit; "10x" is exact.
        unit = 10.0**zeros if stripped and (scaled or zeros >= 3) else 1.0
    rel = 0.5 * unit / value if value else 0.0
    return min(_MAX_ROUNDING, rel) + allowance


def claim_interval(claimed: ClaimedAmount) -> tuple[float, float]:
    """Return the interval a claimed figure stands for, from its value or range and its rounding.

    Args:
        claimed: the claimed amount with how it is written.
    """
    low = claimed.low if claimed.low is not None else claimed.value
    high = claimed.high if claimed.high is not None else claimed.value
    if low is None or high is None:
        raise ProgramError("the claimed amount has no figure")
    if claimed.low is not None and claimed.high is not None and claimed.low != claimed.high:
        return low, high
    if claimed.written.bound is not None:
        return low, high
    spread = rounding(claimed.written.literal, claimed.written.hedged)
    return low - spread * abs(low), high + spread * abs(high)


@dataclass
class Outcome:
    """One comparison of the claim with one computed figure."""

    comparison: Comparison
    computed: Amount
    label: Label
    ratio: float | None
    partly: bool
    tier: Tier | None
    estimator: str | None
    formula: str
    reported: bool


def computed_amount(node: Any, path: str, unit_hint: str | None) -> Amount:
    """Return the figure at a result path as an Amount: a {low, mid, high, unit} range, a figure
    object {value, low?, high?, unit?}, or a bare number whose unit its field name gives.

    Args:
        node: the node at the path.
        path: the path, for the unit and the error message.
        unit_hint: the unit the field name implies, if any.
    """
    if isinstance(node, bool):
        raise ProgramError(f"{path} is not a figure")
    if isinstance(node, int | float):
        if unit_hint is None:
            raise ProgramError(f"{path} has no unit; compare a field whose name gives one")
        return Amount(value=float(node), low=float(node), high=float(node), unit=unit_hint)
    if not isinstance(node, dict):
        raise ProgramError(f"{path} is not a figure")
    mid = middle(node)
    low = node.get("low") if node.get("low") is not None else mid
    high = node.get("high") if node.get("high") is not None else mid
    unit = node.get("unit") if isinstance(node.get("unit"), str) else unit_hint
    numbers = (mid, low, high)
    if any(isinstance(x, bool) or not isinstance(x, int | float) for x in numbers):
        raise ProgramError(f"{path} is not a figure")
    if unit is None:
        raise ProgramError(f"{path} has no unit")
    return Amount(value=float(mid), low=float(low), high=float(high), unit=unit)  # type: ignore[arg-type]


def _in_unit(trace: Trace, value: float, unit: str, target: str) -> float | None:
    """Return a claimed figure in the computed figure's unit, or None when they are unlike."""
    if same_unit(unit, target):
        return value
    if not same_dimension(canonical(unit), canonical(target)):
        return None
    args = {"value": value, "from_unit": canonical(unit), "to_unit": canonical(target)}
    result = trace.call("convert_units", args)
    if "error" in result:
        trace.steps.pop()  # a failed unit match is not part of the derivation
        return None
    return float(result["value"]["mid"])


Figure = tuple[Any, Tier | None, str | None]


def alternatives(figure: Figure) -> list[Figure]:
    """Return the other published estimates of a figure, each with its own tier and estimator.

    Args:
        figure: a node with its tier and estimator.
    """
    node = figure[0]
    others = node.get("alternatives") if isinstance(node, dict) else None
    if not isinstance(others, list):
        return []
    found: list[Figure] = []
    for other in others:
        if isinstance(other, dict) and other.get("tier") in ("disclosed", "estimate", "rumour"):
            estimator = other.get("estimator")
            found.append((other, other["tier"], estimator if isinstance(estimator, str) else None))
    return found


_DATASHEET_TOOLS = frozenset(
    {"lookup_accelerator", "compare_accelerators", "lookup_system", "cluster_peak"}
)


def _datasheet_only(program: Program, trace: Trace, comparison: Comparison) -> bool:
    """Whether every lookup a compared figure rests on is a hardware datasheet."""
    lineage = policy.chain(program, trace, comparison)
    tools = {lineage.tools.get(step, "") for step in lineage.steps}
    looked = {t for t in tools if t.startswith("lookup") or t in _DATASHEET_TOOLS}
    return bool(looked) and looked <= _DATASHEET_TOOLS


def compare_all(trace: Trace, program: Program, comparison: Comparison) -> list[Outcome]:
    """Compare the claim with a figure and with every other published estimate of it.

    Args:
        trace: the run so far.
        program: the claim's program.
        comparison: which figure to compare with.
    """
    figure = trace.figure(comparison.step, comparison.field)
    outcomes = []
    for each in [figure, *alternatives(figure)]:
        outcome = compare(trace, program, comparison, each)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def compare(
    trace: Trace, program: Program, comparison: Comparison, figure: Figure | None = None
) -> Outcome | None:
    """Compare the claim with one computed figure; None when the two are unlike things.

    Args:
        trace: the run so far.
        program: the claim's program.
        comparison: which figure to compare with.
        figure: the figure, when not the one the comparison points at (another estimate of it).
    """
    node, tier, estimator = figure or trace.figure(comparison.step, comparison.field)
    computed = computed_amount(node, comparison.field, unit_of_field(comparison.field))
    if not computed.unit.strip():
        computed = computed.model_copy(update={"unit": comparison.unit or "ratio"})
    low, high = claim_interval(program.claimed)
    first = _in_unit(trace, low, program.claimed.unit, computed.unit)
    last = first if high == low else _in_unit(trace, high, program.claimed.unit, computed.unit)
    if first is None or last is None:
        return None
    c_low, c_high = sorted((first, last))
    if tier == "estimate" and not _datasheet_only(program, trace, comparison):
        # An estimate of an undisclosed figure is uncertain: published estimates of one figure
        # differ by up to half again (GPT-4's cost: $63M, $78M, "more than $100M"). A chip's
        # inferred spec (the H800 is the H100's die) is not uncertain that way.
        computed = computed.model_copy(
            update={
                "low": (computed.low or 0) / ESTIMATE_SPREAD,
                "high": (computed.high or 0) * ESTIMATE_SPREAD,
            }
        )
    args: dict[str, Any] = {
        "claimed": c_low,
        "claimed_high": c_high,
        "low": computed.low,
        "high": computed.high,
        "mid": computed.value,
        "bound": program.claimed.written.bound,
    }
    result = trace.call("compare_claim", args)
    if "error" in result:
        raise ProgramError(f"the comparison failed: {result['error']}")
    step_tool = next((s.tool for s in trace.steps if s.id == comparison.step), "")
    return Outcome(
        comparison=comparison,
        computed=computed,
        label=result["label"],
        ratio=result.get("ratio"),
        partly=bool(result.get("partly")),
        tier=tier,
        estimator=estimator,
        formula=str(trace.results[comparison.step].get("formula") or ""),
        reported=step_tool.startswith("lookup"),
    )


def judge(program: Program, trace: Trace) -> Verdict:
    """Label a program whose steps have run, and assemble its verdict.

    Args:
        program: the claim's program.
        trace: the steps the runner recorded.
    """
    if program.unverifiable:
        return assemble(program, trace, "unverifiable", program.unverifiable)
    if not program.compare:
        return assemble(program, trace, "unverifiable", "nothing to compare the figure with")
    outcomes = [o for c in program.compare for o in compare_all(trace, program, c)]
    if not outcomes:
        units = ", ".join(sorted({unit_of_field(c.field) or c.field for c in program.compare}))
        return assemble(
            program,
            trace,
            "unverifiable",
            f"the claim ({program.claimed.unit}) and the figures it could be checked against "
            f"({units}) measure different things",
        )
    held = [o for o in outcomes if o.label == "supported"]
    if held:
        # Several figures may hold ("2.8M GPU-hours": the total, or the pre-training stage);
        # the verdict shows the nearest one.
        # A rumour that happens to match never outranks an estimate or a disclosed figure, and
        # a like-for-like figure that holds outranks one the claim would misuse (a measured
        # per-chip speedup over a vendor's cluster best case).
        trusted = [o for o in held if o.tier != "rumour"] or held
        reasons = {id(o): policy.confirmed(program, trace, o.comparison) for o in trusted}
        fair = [o for o in trusted if not reasons[id(o)]]
        hit = min(fair or trusted, key=_distance)
        return _held(program, trace, hit, reasons[id(hit)])
    return _failed(program, trace, outcomes[0])


def _distance(outcome: Outcome) -> float:
    return abs(math.log(outcome.ratio)) if outcome.ratio and outcome.ratio > 0 else math.inf


def _held(program: Program, trace: Trace, hit: Outcome, reasons: list[Reason]) -> Verdict:
    if hit.tier == "rumour":
        return assemble(
            program,
            trace,
            "unverifiable",
            f"the figure matches only a rumour ({_describe(hit)})",
            hit,
        )
    if reasons:
        why = "; ".join(f"{REASON_TEXT[r]}: {_note(program, r, hit)}".rstrip(": ") for r in reasons)
        return assemble(
            program,
            trace,
            "misleading",
            f"the figure holds, but {why}. {_describe(hit)}",
            hit,
            reasons,
        )
    return assemble(program, trace, "supported", _describe(hit), hit)


def _note(program: Program, reason: Reason, hit: Outcome) -> str:
    """Return the planner's note for a reason: the one about the matched figure, if several."""
    notes = [f.note or "" for f in program.framing if f.reason == reason]
    label = hit.comparison.label or ""
    quoted = [n for n in notes if any(q and q in label for q in n.split("'")[1::2])]
    return (quoted or notes or [""])[0]


def _failed(program: Program, trace: Trace, reference: Outcome) -> Verdict:
    diagnosis = _diagnose(program, trace)
    if diagnosis is not None:
        reason, outcome = diagnosis
        text = (
            f"{REASON_TEXT[reason]}: the claim matches {outcome.comparison.label or 'a figure'} "
            f"({_amount(outcome.computed)}), not the like-for-like "
            f"{reference.comparison.label or 'figure'} ({_amount(reference.computed)}). "
            f"{_describe(reference)}"
        )
        # A sparse peak stated as a chip's throughput is a wrong figure; set against a dense one
        # in a ratio, the division holds but compares unlike things.
        as_spec = dimensionless_factor(program.claimed.unit) is None
        label: Label = "refuted" if reason == "sparse_as_dense" and as_spec else "misleading"
        return _guarded(program, trace, label, text, reference, [reason])
    if reference.partly:
        return assemble(
            program,
            trace,
            "unverifiable",
            f"the computed range neither confirms nor rules out the bound. {_describe(reference)}",
            reference,
        )
    return _guarded(program, trace, "refuted", _describe(reference), reference, [])


def _guarded(
    program: Program,
    trace: Trace,
    label: Label,
    text: str,
    reference: Outcome,
    reasons: list[Reason],
) -> Verdict:
    """Refuse to refute what is not grounded or only rumoured: that is unverifiable."""
    if label == "refuted":
        if weakest_grounding(program) == "inferred":
            guessed = [s for s in program.subjects if s.grounding == "inferred"]
            why = (
                "the sentence does not say how the figure follows from the ones before it"
                if all(s.record is None for s in guessed)
                else "the claim does not name its subject clearly enough"
            )
            return assemble(
                program, trace, "unverifiable", f"{why} to refute it. " + text, reference
            )
        if reference.tier == "rumour":
            return assemble(
                program,
                trace,
                "unverifiable",
                "the only figure to check against is a rumour. " + text,
                reference,
            )
    return assemble(program, trace, label, text, reference, reasons)


def _diagnose(program: Program, trace: Trace) -> tuple[Reason, Outcome] | None:
    for diagnostic in program.diagnose:
        outcome = compare(trace, program, diagnostic)
        if (
            outcome is not None
            and outcome.label == "supported"
            and _confirms(program, trace, diagnostic)
        ):
            return diagnostic.reason, outcome
    return None


def _confirms(program: Program, trace: Trace, diagnostic: Diagnostic) -> bool:
    return diagnostic.reason in policy.confirmed(
        program, trace, diagnostic, proposed=[diagnostic.reason]
    )


def weakest_grounding(program: Program) -> Grounding | None:
    """Return the least certain grounding among the program's subjects (None without any).

    Args:
        program: the claim's program.
    """
    worst: Grounding | None = None
    for subject in program.subjects:
        g = subject.grounding
        if worst is None or _GROUNDING_ORDER[g] > _GROUNDING_ORDER[worst]:
            worst = g
    return worst


def _amount(amount: Amount) -> str:
    low, high = amount.low, amount.high
    if low is not None and high is not None and low != high:
        return f"{low:.4g}-{high:.4g} {amount.unit}"
    return f"{amount.value:.4g} {amount.unit}"


def _describe(outcome: Outcome) -> str:
    what = outcome.comparison.label or ("reported figure" if outcome.reported else "computed")
    text = f"{what}: {_amount(outcome.computed)}"
    if outcome.formula and not outcome.reported:
        text += f" ({outcome.formula})"
    if outcome.tier == "estimate":
        text += f"; an estimate by {outcome.estimator or 'a third party'}, not a disclosed figure"
    elif outcome.tier == "rumour":
        text += f"; a rumour ({outcome.estimator or 'unattributed'}) with no stated basis"
    return text + "."


def assemble(
    program: Program,
    trace: Trace,
    label: Label,
    explanation: str,
    outcome: Outcome | None = None,
    reasons: list[Reason] | None = None,
) -> Verdict:
    """Return the verdict: label, a confidence that says something, and the derivation.

    Args:
        program: the claim's program.
        trace: every step run.
        label: the label.
        explanation: the derivation in a sentence or two.
        outcome: the comparison the label rests on, if any.
        reasons: named misleading reasons.
    """
    grounding = weakest_grounding(program)
    confidence = _CONFIDENCE_BY_GROUNDING[grounding or "article"]
    tier = outcome.tier if outcome else None
    if tier is not None:
        confidence *= _CONFIDENCE_BY_TIER[tier]
    if label == "misleading":
        confidence = min(confidence, 0.75)
    if label == "unverifiable":
        confidence = 0.5
    computed = outcome.computed if outcome else None
    return Verdict(
        label=label,
        confidence=round(confidence, 3),
        computed=computed,
        ratio=round(outcome.ratio, 4) if outcome and outcome.ratio is not None else None,
        explanation=explanation,
        steps=list(trace.steps),
        assumptions=trace.assumptions(),
        caveats=list(program.caveats),
        sources=trace.sources(),
        reasons=reasons or [],
        grounding=grounding,
        tier=tier,
        figure=None if outcome is None else ("reported" if outcome.reported else "recomputed"),
    )
