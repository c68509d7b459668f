"""The LLM planner: one request per chunk returns that chunk's claims with their programs.

The article is sent once per chunk and the tools are described once per request (inside the
reply schema). Each program is anchored to a verbatim span, validated and run by the engine.
Programs that do not validate or cannot run go back to the model with their errors (only
those claims, not the article) for at most ``REPAIR_ROUNDS`` rounds; what still fails keeps an
``unverifiable`` verdict that says why. Nothing is dropped silently: a chunk or a repair the
token budget cannot cover, a refused chunk, a quote that is not in the article and a claim that
cannot be read are each recorded as skipped, with the reason, and logged as a warning.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from flopcheck.engine.program import MAX_COMPARISONS, MAX_STEPS, ClaimedAmount, Program
from flopcheck.engine.report import Skipped, Verdict
from flopcheck.engine.runner import COULD_NOT_RUN, run_program
from flopcheck.engine.vocab import KINDS, REASON_TEXT
from flopcheck.errors import BackendError
from flopcheck.llm.anchor import Anchors
from flopcheck.llm.formats import (
    MODES,
    format_text,
    head_key,
    lenient,
    parse_claims,
    quoted,
    reply_text,
    request_for,
)
from flopcheck.llm.session import (
    Message,
    Rejected,
    Session,
    assistant_message,
    one_line,
    text_message,
)
from flopcheck.llm.shape import MAX_CLAIMS
from flopcheck.llm.tokens import split_text
from flopcheck.prompts import fence_article, load_prompt

log = logging.getLogger("flopcheck.agent")

REPAIR_ROUNDS = 2
# Claims per repair request: enough to share one copy of the schema among many.
_REPAIR_BATCH = 20
# A truncated reply is retried on halves of the chunk, at most this many times in depth.
_MAX_SPLIT_DEPTH = 2
_ERROR_CHARS = 300


@dataclass
class Draft:
    """A claim the model wrote, placed in the article: its program and verdict, or its error."""

    start: int
    end: int
    item: dict[str, Any]
    program: Program | None = None
    verdict: Verdict | None = None
    error: str | None = None


class _Truncated:
    """A reply cut at the output token limit."""


_TRUNCATED = _Truncated()


class Planner:
    """Plans one article chunk by chunk, remembering which reply format the server accepts."""

    def __init__(self, session: Session, text: str, chunk_tokens: int) -> None:
        """Prepare planning over one article.

        Args:
            session: the article's session.
            text: the whole article.
            chunk_tokens: the largest piece of the article sent at once.
        """
        self.session = session
        self.text = text
        self.chunk_tokens = chunk_tokens
        self.mode = 0
        self.anchors = Anchors(text)
        self.skipped: list[Skipped] = []

    def plan(self) -> list[tuple[Program, Verdict]]:
        """Return every claim of the article as its program and verdict, in text order."""
        chunks = split_text(self.text, self.session.model, self.chunk_tokens)
        chunks = [c for c in chunks if self.text[c[0] : c[1]].strip()]
        drafts: list[Draft] = []
        for number, chunk in enumerate(chunks, start=1):
            drafts += self._chunk(chunk, f"chunk {number} of {len(chunks)}")
        for _ in range(REPAIR_ROUNDS):
            failing = [d for d in drafts if d.error is not None]
            if not failing:
                break
            for at in range(0, len(failing), _REPAIR_BATCH):
                self._repair(failing[at : at + _REPAIR_BATCH])
        drafts.sort(key=lambda d: (d.start, d.end))
        return [settled for d in drafts if (settled := self._settle(d)) is not None]

    def _skip(self, what: str, reason: str) -> None:
        """Record and warn about a part of the article left unchecked."""
        log.warning("%s skipped: %s", what, reason)
        self.skipped.append(Skipped(what=what, reason=reason))

    def _chunk(self, span: tuple[int, int], what: str, depth: int = 0) -> list[Draft]:
        """Return the drafts of one chunk, splitting it when the reply is cut off."""
        start, end = span
        where = f"{what} (characters {start}-{end})"

        def messages(fmt: str) -> list[Message]:
            prompt = load_prompt(
                "plan_claims",
                kinds=", ".join(KINDS),
                reasons="; ".join(f"{k} ({v})" for k, v in REASON_TEXT.items()),
                format=fmt,
                article=fence_article(self.text[start:end]),
            )
            return [text_message("system", load_prompt("system")), text_message("user", prompt)]

        items = self._ask(messages, where)
        if isinstance(items, _Truncated):
            halves = split_text(
                self.text[start:end],
                self.session.model,
                max(1, self.session.counter.count(self.text[start:end]) // 2),
            )
            if depth >= _MAX_SPLIT_DEPTH or len(halves) < 2:
                self._skip(where, "the model's reply was cut at its output token limit")
                return []
            return [
                d
                for n, (a, b) in enumerate(halves, start=1)
                for d in self._chunk((start + a, start + b), f"{what}, part {n}", depth + 1)
            ]
        if items is None:
            return []
        if len(items) > MAX_CLAIMS:
            self._skip(where, f"{len(items) - MAX_CLAIMS} claims past the limit of {MAX_CLAIMS}")
        return [d for item in items[:MAX_CLAIMS] if (d := self._draft(item, span)) is not None]

    def _draft(self, item: Any, span: tuple[int, int]) -> Draft | None:
        """Place one written claim in the article and run its program."""
        if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
            self._skip("a claim the model wrote", "it has no quote")
            return None
        item = lenient(item)
        placed = self.anchors.place(item["quote"], head_key(item), span)
        if placed is None:
            self._skip(
                f"the claim {one_line(item['quote'], 80)!r}",
                "its quote is not in the article (or repeats a claim already placed)",
            )
            return None
        draft = Draft(start=placed[0], end=placed[1], item=item)
        self._run(draft, item)
        return draft

    def _run(self, draft: Draft, item: dict[str, Any]) -> None:
        """Validate and run a written program at the draft's span; record its error, if any."""
        quote = self.text[draft.start : draft.end]
        data = {**item, "quote": quote, "start": draft.start, "end": draft.end}
        draft.item = item
        try:
            program = Program.model_validate(data)
        except ValidationError as exc:
            draft.program, draft.verdict = None, None
            draft.error = "the program does not validate: " + "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'claim'}: {e['msg']}"
                for e in exc.errors(include_url=False)[:3]
            )
            return
        if len(program.steps) > MAX_STEPS or len(program.compare + program.diagnose) > (
            MAX_COMPARISONS
        ):
            # The engine would refuse it too; a Report never carries an oversized program.
            draft.program, draft.verdict = None, None
            draft.error = (
                f"the program is too large: at most {MAX_STEPS} steps and {MAX_COMPARISONS} "
                "figures to compare"
            )
            return
        verdict = run_program(program)
        failed = verdict.label == "unverifiable" and verdict.explanation.startswith(COULD_NOT_RUN)
        draft.program, draft.verdict = program, verdict
        draft.error = verdict.explanation if failed else None

    def _repair(self, failing: list[Draft]) -> None:
        """Send failing claims back with their errors, once, and run what comes back."""
        lines = "\n".join(
            json.dumps(
                {
                    "quote": self.text[d.start : d.end],
                    "wrote": quoted(d.item),
                    "error": one_line(d.error or "", _ERROR_CHARS),
                }
            )
            for d in failing
        )

        def messages(fmt: str) -> list[Message]:
            prompt = load_prompt("repair_programs", claims=fence_article(lines), format=fmt)
            return [text_message("system", load_prompt("system")), text_message("user", prompt)]

        what = f"the repair of {len(failing)} claim program{'s' * (len(failing) != 1)}"
        items = self._ask(messages, what)
        if isinstance(items, _Truncated):
            self._skip(what, "the model's reply was cut at its output token limit")
            return
        # Repairs come back in order; each keeps its claim's span whatever quote it writes.
        for draft, item in zip(failing, items or [], strict=False):
            if isinstance(item, dict):
                self._run(draft, lenient(item))

    def _settle(self, draft: Draft) -> tuple[Program, Verdict] | None:
        """Return a draft's program and verdict; an unverifiable program when it never got a
        valid one; None when its claimed figure cannot be read either (recorded as skipped)."""
        if draft.program is not None and draft.verdict is not None:
            return draft.program, draft.verdict
        quote = self.text[draft.start : draft.end]
        try:
            claimed = ClaimedAmount.model_validate(draft.item.get("claimed"))
        except ValidationError:
            self._skip(f"the claim {one_line(quote, 80)!r}", draft.error or "unreadable")
            return None
        reason = f"the model wrote no valid program ({draft.error})"
        program = Program(
            quote=quote,
            start=draft.start,
            end=draft.end,
            kind=draft.item["kind"],
            claimed=claimed,
            unverifiable=one_line(reason, 400),
        )
        return program, run_program(program)

    def _ask(
        self, messages: Callable[[str], list[Message]], what: str
    ) -> list[Any] | _Truncated | None:
        """Return the claims of one reply, walking the reply formats; None when skipped."""
        last = ""
        while self.mode < len(MODES):
            mode = MODES[self.mode]
            request = request_for(mode)
            sent = messages(format_text(mode))
            estimate = self.session.estimate(sent, request)
            if not self.session.affords(estimate):
                budget, spent = self.session.token_budget, self.session.tokens_used
                self._skip(
                    what,
                    f"the token budget of {budget} tokens cannot cover it ({spent} spent, "
                    f"~{estimate} more needed); raise --token-budget",
                )
                return None
            result = self._ask_in_mode(sent, request, what)
            if not isinstance(result, str):
                return result
            last = f"{mode}: {result}"
            log.warning("claim planning: %s; falling back", last)
            self.mode += 1
        raise BackendError(
            f"claim planning failed in every reply format ({last}); check that the model "
            "supports JSON output or tool calls"
        )

    def _ask_in_mode(
        self, messages: list[Message], request: dict[str, Any], what: str
    ) -> list[Any] | _Truncated | str | None:
        """Return the claims of one reply in one format (one corrective retry), or why not."""
        raw, problem = "", ""
        for retry in (False, True):
            if retry:
                correction = (
                    f"That reply was not valid: {problem}. Reply again with the claims JSON "
                    "only, in the shape asked for."
                )
                messages = [
                    *messages,
                    assistant_message(quoted(raw)),
                    text_message("user", correction),
                ]
            answer = self.session.complete(messages, **request)
            if isinstance(answer, Rejected):
                return f"the server rejected it ({answer.message})"
            if answer.refusal or answer.finish_reason == "content_filter":
                self._skip(what, f"the model declined: {answer.refusal or 'content filter'}")
                return None
            if answer.finish_reason == "length":
                return _TRUNCATED
            raw = reply_text(answer.content, answer.tool_calls)
            parsed = parse_claims(raw)
            if not isinstance(parsed, str):
                return parsed
            problem = parsed
        return f"no valid claims in the replies ({problem})"
