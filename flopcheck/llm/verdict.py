"""Turning a model's ``submit_verdict`` into a Verdict: the calculator decides the label.

The model cites the tool call whose result holds the recomputed figure and restates the claimed
figure (the extracted one, a number that rounds to it, or a ``convert_units`` result of it). The
supported/refuted label is then computed by ``compare_claim`` from those numbers; the model's
own label only counts when it is "misleading" or "unverifiable", each with a reason.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flopcheck.engine.report import Amount, Label, Step, Verdict
from flopcheck.llm.extract import FoundClaim
from flopcheck.tools import registry

log = logging.getLogger("flopcheck.agent")

SUBMIT_VERDICT = "submit_verdict"
# An arithmetic label is exact given the computation; the model chose the computation.
_CONFIDENCE: dict[str, float] = {
    "supported": 0.8,
    "refuted": 0.8,
    "misleading": 0.6,
    "unverifiable": 0.5,
}
_MAX_CAVEATS = 5


class SubmitVerdictArgs(BaseModel):
    """Arguments of the ``submit_verdict`` tool."""

    model_config = ConfigDict(extra="forbid")
    label: Label = Field(
        description=(
            "your reading; supported/refuted are recomputed by the calculator from the cited "
            "numbers; misleading and unverifiable need a reason"
        )
    )
    computed_call_id: str | None = Field(
        description="id of the tool call whose result holds the recomputed figure"
    )
    computed_field: str | None = Field(
        description="dotted path to the figure in that result; null means its 'value'"
    )
    claimed_value: float | None = Field(
        description="the claim's figure (low end for a range) in the computed figure's unit"
    )
    claimed_high: float | None = Field(description="high end when the claim is a range")
    reason: str | None = Field(description="why misleading or unverifiable; else null")
    caveats: list[str] = Field(description="short notes a reader needs; may be empty")


def submit_verdict_tool() -> dict[str, Any]:
    """Return the ``submit_verdict`` function tool."""
    return {
        "type": "function",
        "function": {
            "name": SUBMIT_VERDICT,
            "strict": True,
            "description": "Submit the verdict, citing the tool call that computed the figure.",
            "parameters": registry.strict_schema(SubmitVerdictArgs),
        },
    }


class RejectedError(Exception):
    """A submit_verdict the model must fix; the message says how."""


@dataclass
class Trail:
    """One claim's tool calls by id, the steps they became, and the verdict built from them."""

    results: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    def record(self, call_id: str, tool: str, args: dict[str, Any], result: dict[str, Any]) -> None:
        """Record one tool call and its result as a step.

        Args:
            call_id: the id the model gave the call (what a verdict cites).
            tool: the tool name.
            args: the arguments as sent.
            result: the result or error payload.
        """
        self.results[call_id] = (tool, args, result)
        self.steps.append(Step(tool=tool, args=args, result=result))

    def successful(self) -> list[dict[str, Any]]:
        """Return the results of the calls that did not fail, in call order."""
        return [s.result for s in self.steps if "error" not in s.result]

    def verdict(
        self,
        label: Label,
        explanation: str,
        *,
        computed: Amount | None = None,
        ratio: float | None = None,
        caveats: list[str] | None = None,
        confidence: float | None = None,
    ) -> Verdict:
        """Return a verdict over this trail's steps, assumptions and sources.

        Args:
            label: the final label.
            explanation: the derivation, or why there is none.
            computed: the recomputed figure, if any.
            ratio: claimed / computed, if compared.
            caveats: notes for the reader.
            confidence: overrides the label's usual confidence.
        """
        results = self.successful()
        return Verdict(
            label=label,
            confidence=_CONFIDENCE[label] if confidence is None else confidence,
            computed=computed,
            ratio=ratio,
            explanation=explanation,
            steps=list(self.steps),
            assumptions=list(dict.fromkeys(a for r in results for a in r.get("assumptions", []))),
            caveats=caveats or [],
            sources=list(dict.fromkeys(s for r in results for s in r.get("sources", []))),
        )

    def given_up(self, reason: str) -> Verdict:
        """Return the verdict of a claim whose verification stopped: unverifiable, no judgement.

        Args:
            reason: why it stopped.
        """
        log.info("claim not verified: %s", reason)
        return self.verdict("unverifiable", f"Not verified: {reason}", confidence=0.0)

    def adjudicate(self, arguments: str, claim: FoundClaim) -> Verdict:
        """Turn submit_verdict arguments into a Verdict, or raise RejectedError saying what to fix.

        Args:
            arguments: the raw JSON arguments of the submit_verdict call.
            claim: the claim being verified.
        """
        try:
            args = SubmitVerdictArgs.model_validate_json(arguments or "{}")
        except ValidationError as exc:
            detail = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                for e in exc.errors(include_url=False)[:3]
            )
            raise RejectedError(f"invalid submit_verdict arguments: {detail}") from None
        reason = (args.reason or "").strip()
        caveats = [c.strip() for c in args.caveats if c.strip()][:_MAX_CAVEATS]
        if args.label in ("misleading", "unverifiable") and not reason:
            raise RejectedError(f"label {args.label!r} needs a reason")
        if args.label == "unverifiable":
            return self.verdict("unverifiable", f"Unverifiable: {reason}", caveats=caveats)
        computed, formula = self._computed(args)
        if not computed.unit:
            computed = computed.model_copy(update={"unit": claim.claimed.unit})
        claimed_low, claimed_high = self._claimed(args, claim)
        comparison = {
            "claimed": claimed_low,
            "claimed_high": claimed_high,
            "low": computed.low,
            "high": computed.high,
            "mid": computed.value,
        }
        result = registry.call("compare_claim", comparison)
        self.record(f"compare_{len(self.steps) + 1}", "compare_claim", comparison, result)
        if "error" in result:
            raise RejectedError(f"the comparison failed: {result['error']}")
        label: Label = result["label"]
        explanation = f"{formula}; {result['formula']}"
        if args.label == "misleading":
            if label == "supported":
                label, explanation = "misleading", f"{explanation}. Misleading: {reason}"
            else:
                caveats.append(f"also possibly misleading: {reason}")
        elif args.label != label:
            explanation += f" (the model read it as {args.label}; the calculator decides)"
        return self.verdict(
            label, explanation, computed=computed, ratio=result.get("ratio"), caveats=caveats
        )

    def _computed(self, args: SubmitVerdictArgs) -> tuple[Amount, str]:
        """Return the cited computed figure as an Amount, and the formula that produced it."""
        if args.computed_call_id is None:
            raise RejectedError(
                "cite computed_call_id (the tool call that computed the figure), "
                "or label the claim unverifiable with a reason"
            )
        cited = self.results.get(args.computed_call_id)
        if cited is None:
            ids = ", ".join(self.results) or "none yet"
            raise RejectedError(
                f"no tool call {args.computed_call_id!r} in this conversation (calls: {ids})"
            )
        tool, _, result = cited
        if "error" in result:
            raise RejectedError(f"call {args.computed_call_id} failed; cite a successful call")
        path = args.computed_field or "value"
        node: Any = result
        for part in path.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise RejectedError(f"the result of {args.computed_call_id} has no field {path!r}")
        amount = _as_amount(node)
        if amount is None:
            raise RejectedError(f"field {path!r} of {args.computed_call_id} is not a figure")
        return amount, f"{tool}: {result.get('formula') or path}"

    def _claimed(self, args: SubmitVerdictArgs, claim: FoundClaim) -> tuple[float, float | None]:
        """Return the claimed figure after checking it is the claim's, or converted from it.

        The claim was fixed at extraction, before any result was seen; here the model may only
        restate it: a figure of the claim, a number that rounds to one ("405B" covers
        404.5B-405.5B), or a ``convert_units`` result of one.
        """
        own = [
            x for x in (claim.claimed.value, claim.claimed.low, claim.claimed.high) if x is not None
        ]
        converted = []
        for tool, call_args, result in self.results.values():
            value = result.get("value")
            if (
                tool == "convert_units"
                and isinstance(value, dict)
                and any(_same(call_args.get("value"), x) for x in own)
            ):
                converted += [v for k, v in value.items() if k in ("low", "mid", "high")]
        if args.claimed_value is None:
            raise RejectedError("give claimed_value, the claim's figure")
        for x in (args.claimed_value, args.claimed_high):
            if x is None or any(_same(x, c) for c in converted):
                continue
            if not any(abs(x - o) <= rounding_halfwidth(o) * (1 + 1e-9) for o in own):
                raise RejectedError(
                    f"claimed figure {x:g} is neither the claim's ({', '.join(map(str, own))}) "
                    "nor a convert_units result of it"
                )
        return args.claimed_value, args.claimed_high


def rounding_halfwidth(x: float) -> float:
    """Return half a unit of the last significant digit of ``x``: how far a rounded figure
    may be from what it stands for (0.5B for 405B, 0.005 for 0.07).

    Args:
        x: a figure as stated.
    """
    if x == 0 or not math.isfinite(x):
        return 0.0
    mantissa, exponent = f"{abs(x):.12e}".split("e")
    digits = mantissa.replace(".", "").rstrip("0")
    return 0.5 * 10.0 ** (int(exponent) - (len(digits) - 1))


def _same(a: object, b: object) -> bool:
    """Return whether two numbers are equal up to float noise."""
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and math.isclose(a, b, rel_tol=1e-6)
    )


def _as_amount(node: Any) -> Amount | None:
    """Read a figure: a number, a {low, mid, high} range or a {value, low?, high?} record."""

    def num(x: Any) -> float | None:
        """Return ``x`` as a finite float, or None."""
        ok = isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
        return float(x) if ok else None

    if num(node) is not None:
        return Amount(value=num(node), low=num(node), high=num(node), unit="")
    if not isinstance(node, dict):
        return None
    unit = node["unit"] if isinstance(node.get("unit"), str) else ""
    low, high, mid = num(node.get("low")), num(node.get("high")), num(node.get("mid"))
    value = num(node.get("value"))
    low = value if low is None else low
    high = value if high is None else high
    if low is None or high is None or not low <= high:
        return None
    if mid is None:
        mid = value if value is not None else (low + high) / 2
    return Amount(value=mid, low=low, high=high, unit=unit)


def tool_error(message: str, error_type: str) -> dict[str, Any]:
    """Return an error payload shaped like the registry's, for the model to read and fix.

    Args:
        message: what is wrong and how to fix it.
        error_type: a short category, e.g. "unknown_tool".
    """
    return {"error": message, "error_type": error_type, "suggestions": []}
