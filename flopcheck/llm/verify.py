"""Claim verification by an LLM: a bounded conversation in which the model calls the tools.

Per claim, the model calls registry tools and ends with ``submit_verdict`` (see
``_llm_verdict``). Bad tool names, malformed arguments and rejected verdicts go back to the model
as tool errors; too many of them, the turn limit or the token budget end the claim as
unverifiable, and the other claims go on. Every tool call is a Step of the verdict.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flopcheck.engine.report import Verdict
from flopcheck.errors import BackendError
from flopcheck.llm.extract import FoundClaim
from flopcheck.llm.session import (
    BudgetExhaustedError,
    Message,
    RequestRejectedError,
    Session,
    ToolCall,
    assistant_message,
    text_message,
    tool_message,
)
from flopcheck.llm.verdict import (
    SUBMIT_VERDICT,
    RejectedError,
    Trail,
    submit_verdict_tool,
    tool_error,
)
from flopcheck.prompts import fence_article, load_prompt
from flopcheck.tools import registry

log = logging.getLogger("flopcheck.agent")

_MAX_ERRORS = 4  # invalid calls fed back before the claim is given up
_MAX_TOOL_CALLS = 24  # tool calls per claim; a plan needs a handful
_CUT_OFF = "Your reply was cut off at the output limit; call one tool at a time."
_NO_CALLS = "Call the calculator tools, then submit_verdict; do not answer in text."


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
        quote = self.text[claim.start : claim.end]
        claim_json = json.dumps(
            {
                "id": claim_id,
                "quote": quote,
                "kind": claim.kind,
                "claimed": claim.claimed.model_dump(),
            }
        )
        prompt = load_prompt(
            "verify_claim",
            claim_json=claim_json,
            article=fence_article(self.text[chunk[0] : chunk[1]]),
        )
        messages = [text_message("system", load_prompt("system")), text_message("user", prompt)]
        trail, seen, errors = Trail(), set[str](), 0
        for _ in range(self.max_turns):
            try:
                choice = self.session.complete(messages, tools=self.tools)
            except BudgetExhaustedError as exc:
                return trail.given_up(str(exc))
            except RequestRejectedError as exc:
                raise BackendError(
                    f"the model server rejected a tool-calling request ({exc}); "
                    "--backend openai needs a model and server with tool calling"
                ) from exc
            message = choice.message
            if message.refusal or choice.finish_reason == "content_filter":
                return trail.given_up(f"the model declined: {message.refusal or 'content filter'}")
            calls = Session.tool_calls(message, seen)
            if choice.finish_reason == "length" or not calls:
                # A cut reply may hold half a tool call: drop it and ask again, shorter.
                errors += 1
                cut_off = choice.finish_reason == "length"
                messages.append(text_message("user", _CUT_OFF if cut_off else _NO_CALLS))
            else:
                messages.append(assistant_message(message.content, calls))
                verdict, failed = self._answer(calls, claim, trail, messages)
                if verdict is not None:
                    return verdict
                errors += failed
            if errors > _MAX_ERRORS:
                return trail.given_up(f"the model made {errors} invalid replies or tool calls")
        return trail.given_up(f"no verdict within {self.max_turns} model turns")

    def _answer(
        self, calls: list[ToolCall], claim: FoundClaim, trail: Trail, messages: list[Message]
    ) -> tuple[Verdict | None, int]:
        """Run one turn's tool calls, tools first, then the verdict; return it and the errors."""
        errors, verdict = 0, None
        for call in sorted(calls, key=lambda c: c.name == SUBMIT_VERDICT):
            if call.name != SUBMIT_VERDICT:
                payload = self._run_tool(call, trail)
            elif verdict is not None:
                payload = tool_error("a verdict was already submitted", "bad_verdict")
            else:
                before = len(trail.steps)
                try:
                    verdict = trail.adjudicate(call.arguments, claim)
                    payload = {"accepted": True, "label": verdict.label}
                except RejectedError as exc:
                    payload = tool_error(str(exc), "bad_verdict")
                self.session.usage.tool_calls += len(trail.steps) - before  # its compare_claim
            errors += "error" in payload
            messages.append(tool_message(call.id, payload))
        return verdict, errors

    def _run_tool(self, call: ToolCall, trail: Trail) -> dict[str, Any]:
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
            result = tool_error(
                f"unknown tool {call.name!r}; available: {', '.join(names)}", "unknown_tool"
            )
        elif reason:
            result = tool_error(reason, "bad_arguments")
        elif len(trail.steps) >= _MAX_TOOL_CALLS:
            result = tool_error(
                "tool call limit for this claim reached; call submit_verdict", "limit"
            )
        else:
            result = registry.call(call.name, args)
            self.session.usage.tool_calls += 1
        trail.record(call.id, call.name, args, result)
        return result
