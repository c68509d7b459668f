"""Claim verification by an LLM that calls the calculator tools and cites them in its verdict.

The model calls registry tools, then ``submit_verdict`` citing the call whose result holds the
recomputed figure and giving the claimed figure (the extracted one, or a ``convert_units`` result
of it). The supported/refuted label is then computed here by ``compare_claim`` from those
numbers; the model's own label only counts when it is "misleading" or "unverifiable", each with a
reason. Every tool call, including that comparison, is a Step of the verdict.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flopcheck.errors import BackendError
from flopcheck.plugin._llm_extract import FoundClaim
from flopcheck.plugin._llm_session import (
    BudgetExhaustedError,
    Message,
    RequestRejectedError,
    Session,
    ToolCall,
    assistant_message,
    text_message,
    tool_message,
)
from flopcheck.plugin.models import Amount, Label, Step, Verdict
from flopcheck.prompts import fence_article, load_prompt
from flopcheck.tools import registry

log = logging.getLogger("flopcheck.agent")

SUBMIT_VERDICT = "submit_verdict"
# An arithmetic label is exact given the computation; the model chose the computation.
_CONFIDENCE: dict[str, float] = {
    "supported": 0.8, "refuted": 0.8, "misleading": 0.6, "unverifiable": 0.5,
}
_MAX_ERRORS = 4  # invalid calls fed back before the claim is given up
_MAX_TOOL_CALLS = 24  # tool calls per claim; a plan needs a handful
_MAX_CAVEATS = 5


class SubmitVerdictArgs(BaseModel):
    """Arguments of the ``submit_verdict`` tool."""

    model_config = ConfigDict(extra="forbid")
    label: Label = Field(description=(
        "your reading; supported/refuted are recomputed by the calculator from the cited "
        "numbers; misleading and unverifiable need a reason"))
    computed_call_id: str | None = Field(
        description="id of the tool call whose result holds the recomputed figure")
    computed_field: str | None = Field(
        description="dotted path to the figure in that result; null means its 'value'")
    claimed_value: float | None = Field(
        description="the claim's figure (low end for a range) in the computed figure's unit")
    claimed_high: float | None = Field(description="high end when the claim is a range")
    reason: str | None = Field(description="why misleading or unverifiable; else null")
    caveats: list[str] = Field(description="short notes a reader needs; may be empty")


def submit_verdict_tool() -> dict[str, Any]:
    """Return the ``submit_verdict`` function tool."""
    return {"type": "function", "function": {
        "name": SUBMIT_VERDICT, "strict": True,
        "description": "Submit the verdict, citing the tool call that computed the figure.",
        "parameters": registry.strict_schema(SubmitVerdictArgs),
    }}


class _RejectedError(Exception):
    """A submit_verdict the model must fix; the message says how."""


@dataclass
class _Trail:
    """The tool calls of one claim's conversation, by id, and the steps they became."""

    results: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    def record(self, call_id: str, tool: str, args: dict[str, Any],
               result: dict[str, Any]) -> None:
        """Record one tool call and its result as a step."""
        self.results[call_id] = (tool, args, result)
        self.steps.append(Step(tool=tool, args=args, result=result))

    def successful(self) -> list[dict[str, Any]]:
        """Return the results of the calls that did not fail, in call order."""
        return [s.result for s in self.steps if "error" not in s.result]


class ClaimVerifier:
    """Runs the bounded tool-calling conversation that verifies one claim at a time."""

    def __init__(self, session: Session, text: str, max_turns: int) -> None:
        """Prepare verification over one article.

        Args:
            session: the article's session.
            text: the whole article.
            max_turns: the most model replies one claim may take.
        """
        self.session = session
        self.text = text
        self.max_turns = max_turns
        self.tools = [*registry.openai_tools(), submit_verdict_tool()]

    def verify(self, claim_id: str, claim: FoundClaim, chunk: tuple[int, int]) -> Verdict:
        """Return the verdict of one claim; limits and model failures make it unverifiable.

        Args:
            claim_id: the claim's id in the Report.
            claim: the anchored claim.
            chunk: the (start, end) of the article chunk it came from, given as context.
        """
        quote = self.text[claim.start:claim.end]
        claim_json = json.dumps({"id": claim_id, "quote": quote, "kind": claim.kind,
                                 "claimed": claim.claimed.model_dump()})
        prompt = load_prompt("verify_claim", claim_json=claim_json,
                             article=fence_article(self.text[chunk[0]:chunk[1]]))
        messages = [text_message("system", load_prompt("system")), text_message("user", prompt)]
        trail, seen, errors = _Trail(), set[str](), 0
        for _ in range(self.max_turns):
            try:
                choice = self.session.complete(messages, tools=self.tools)
            except BudgetExhaustedError as exc:
                return _given_up(f"{exc}", trail)
            except RequestRejectedError as exc:
                raise BackendError(
                    f"the model server rejected a tool-calling request ({exc}); "
                    "--backend openai needs a model and server with tool calling") from exc
            message = choice.message
            if message.refusal or choice.finish_reason == "content_filter":
                return _given_up(f"the model declined: {message.refusal or 'content filter'}",
                                 trail)
            calls = Session.tool_calls(message, seen)
            if choice.finish_reason == "length" or not calls:
                # A cut reply may hold half a tool call: drop it and ask again, shorter.
                errors += 1
                messages.append(text_message("user", (
                    "Your reply was cut off at the output limit; call one tool at a time."
                    if choice.finish_reason == "length" else
                    "Call the calculator tools, then submit_verdict; do not answer in text.")))
            else:
                messages.append(assistant_message(message.content, calls))
                verdict, failed = self._answer(calls, claim, trail, messages)
                if verdict is not None:
                    return verdict
                errors += failed
            if errors > _MAX_ERRORS:
                return _given_up(f"the model made {errors} invalid replies or tool calls", trail)
        return _given_up(f"no verdict within {self.max_turns} model turns", trail)

    def _answer(self, calls: list[ToolCall], claim: FoundClaim, trail: _Trail,
                messages: list[Message]) -> tuple[Verdict | None, int]:
        """Run one turn's tool calls, tools first, then the verdict; return it and the errors."""
        errors, verdict = 0, None
        for call in sorted(calls, key=lambda c: c.name == SUBMIT_VERDICT):
            if call.name != SUBMIT_VERDICT:
                payload = self._run_tool(call, trail)
            elif verdict is not None:
                payload = _error("a verdict was already submitted", "bad_verdict")
            else:
                try:
                    verdict = self._adjudicate(call, claim, trail)
                    payload = {"accepted": True, "label": verdict.label}
                except _RejectedError as exc:
                    payload = _error(str(exc), "bad_verdict")
            errors += "error" in payload
            messages.append(tool_message(call.id, payload))
        return verdict, errors

    def _run_tool(self, call: ToolCall, trail: _Trail) -> dict[str, Any]:
        """Run one registry tool call; bad names and arguments come back as tool errors."""
        args: dict[str, Any]
        try:
            parsed = json.loads(call.arguments or "{}")
        except json.JSONDecodeError as exc:
            parsed, reason = None, f"arguments are not valid JSON ({exc.msg}); send a JSON object"
        else:
            reason = "" if isinstance(parsed, dict) else "arguments must be a JSON object"
        args = parsed if isinstance(parsed, dict) else {"raw_arguments": call.arguments[:1000]}
        if call.name not in registry.tools():
            names = [*registry.tools(), SUBMIT_VERDICT]
            result = _error(f"unknown tool {call.name!r}; available: {', '.join(names)}",
                            "unknown_tool")
        elif reason:
            result = _error(reason, "bad_arguments")
        elif len(trail.steps) >= _MAX_TOOL_CALLS:
            result = _error("tool call limit for this claim reached; call submit_verdict",
                            "limit")
        else:
            result = registry.call(call.name, args)
            self.session.usage.tool_calls += 1
        trail.record(call.id, call.name, args, result)
        return result

    def _adjudicate(self, call: ToolCall, claim: FoundClaim, trail: _Trail) -> Verdict:
        """Turn a submit_verdict call into a Verdict, or raise _RejectedError with what to fix."""
        try:
            args = SubmitVerdictArgs.model_validate_json(call.arguments or "{}")
        except ValidationError as exc:
            detail = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}"
                               for e in exc.errors(include_url=False)[:3])
            raise _RejectedError(f"invalid submit_verdict arguments: {detail}") from None
        reason = (args.reason or "").strip()
        caveats = [c.strip() for c in args.caveats if c.strip()][:_MAX_CAVEATS]
        if args.label in ("misleading", "unverifiable") and not reason:
            raise _RejectedError(f"label {args.label!r} needs a reason")
        if args.label == "unverifiable":
            return _verdict(trail, "unverifiable", f"Unverifiable: {reason}", caveats=caveats)
        computed, formula = self._computed(args, trail)
        if not computed.unit:
            computed = computed.model_copy(update={"unit": claim.claimed.unit})
        claimed_low, claimed_high = self._claimed(args, claim, trail)
        comparison = {"claimed": claimed_low, "claimed_high": claimed_high,
                      "low": computed.low, "high": computed.high, "mid": computed.value}
        result = registry.call("compare_claim", comparison)
        self.session.usage.tool_calls += 1
        trail.record(f"compare_{len(trail.steps) + 1}", "compare_claim", comparison, result)
        if "error" in result:
            raise _RejectedError(f"the comparison failed: {result['error']}")
        label: Label = result["label"]
        explanation = f"{formula}; {result['formula']}"
        if args.label == "misleading":
            if label == "supported":
                label, explanation = "misleading", f"{explanation}. Misleading: {reason}"
            else:
                caveats.append(f"also possibly misleading: {reason}")
        elif args.label != label:
            explanation += f" (the model read it as {args.label}; the calculator decides)"
        return _verdict(trail, label, explanation, computed=computed, ratio=result.get("ratio"),
                        caveats=caveats)

    def _computed(self, args: SubmitVerdictArgs, trail: _Trail) -> tuple[Amount, str]:
        """Return the cited computed figure as an Amount, and the formula that produced it."""
        if args.computed_call_id is None:
            raise _RejectedError("cite computed_call_id (the tool call that computed the figure), "
                            "or label the claim unverifiable with a reason")
        cited = trail.results.get(args.computed_call_id)
        if cited is None:
            ids = ", ".join(trail.results) or "none yet"
            raise _RejectedError(f"no tool call {args.computed_call_id!r} in this conversation "
                            f"(calls: {ids})")
        tool, _, result = cited
        if "error" in result:
            raise _RejectedError(f"call {args.computed_call_id} failed; cite a successful call")
        path = args.computed_field or "value"
        node: Any = result
        for part in path.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise _RejectedError(f"the result of {args.computed_call_id} has no field {path!r}")
        amount = _as_amount(node)
        if amount is None:
            raise _RejectedError(f"field {path!r} of {args.computed_call_id} is not a figure")
        return amount, f"{tool}: {result.get('formula') or path}"

    def _claimed(self, args: SubmitVerdictArgs, claim: FoundClaim,
                 trail: _Trail) -> tuple[float, float | None]:
        """Return the claimed figure after checking it is the claim's, or converted from it.

        The claim was fixed at extraction, before any result was seen; here the model may only
        restate it: a figure of the claim, a number that rounds to one ("405B" covers
        404.5B-405.5B), or a ``convert_units`` result of one.
        """
        own = [x for x in (claim.claimed.value, claim.claimed.low, claim.claimed.high)
               if x is not None]
        converted = []
        for tool, call_args, result in trail.results.values():
            value = result.get("value")
            if (tool == "convert_units" and isinstance(value, dict)
                    and any(_same(call_args.get("value"), x) for x in own)):
                converted += [v for k, v in value.items() if k in ("low", "mid", "high")]
        if args.claimed_value is None:
            raise _RejectedError("give claimed_value, the claim's figure")
        for x in (args.claimed_value, args.claimed_high):
            if x is None or any(_same(x, c) for c in converted):
                continue
            if not any(abs(x - o) <= rounding_halfwidth(o) * (1 + 1e-9) for o in own):
                raise _RejectedError(
                    f"claimed figure {x:g} is neither the claim's ({', '.join(map(str, own))}) "
                    "nor a convert_units result of it")
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
    return (isinstance(a, int | float) and isinstance(b, int | float)
            and math.isclose(a, b, rel_tol=1e-6))


def _as_amount(node: Any) -> Amount | None:
    """Read a figure: a number, a {low, mid, high} range or a {value, low?, high?} record."""
    def num(x: Any) -> float | None:
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


def _error(message: str, error_type: str) -> dict[str, Any]:
    return {"error": message, "error_type": error_type, "suggestions": []}


def _verdict(trail: _Trail, label: Label, explanation: str, *, computed: Amount | None = None,
             ratio: float | None = None, caveats: list[str] | None = None,
             confidence: float | None = None) -> Verdict:
    results = trail.successful()
    return Verdict(
        label=label,
        confidence=_CONFIDENCE[label] if confidence is None else confidence,
        computed=computed,
        ratio=ratio,
        explanation=explanation,
        steps=list(trail.steps),
        assumptions=list(dict.fromkeys(a for r in results for a in r.get("assumptions", []))),
        caveats=caveats or [],
        sources=list(dict.fromkeys(s for r in results for s in r.get("sources", []))),
    )


def _given_up(reason: str, trail: _Trail) -> Verdict:
    """Return the verdict of a claim whose verification stopped: unverifiable, no judgement."""
    log.info("claim not verified: %s", reason)
    return _verdict(trail, "unverifiable", f"Not verified: {reason}", confidence=0.0)
