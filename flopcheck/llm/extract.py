"""Claim extraction by an LLM: structured output with fallbacks, and verbatim quote anchoring.

Servers differ in what they support, so extraction walks a chain of reply formats and stays on
the first one that works for the rest of the run: strict ``json_schema`` structured output,
then JSON mode (``json_object``) with validation here, then a ``submit_claims`` tool call. A
claim whose quote is not a span of the article is dropped: the model proposes, the text decides.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from flopcheck.engine.report import KINDS, Amount, Kind
from flopcheck.errors import BackendError
from flopcheck.llm.session import (
    Message,
    RequestRejectedError,
    Session,
    assistant_message,
    text_message,
)
from flopcheck.llm.tokens import split_text
from flopcheck.prompts import fence_article, load_prompt
from flopcheck.tools.registry import strict_schema

log = logging.getLogger("flopcheck.agent")

MODES = ("json_schema", "json_object", "submit_claims")
# One corrective round per format: a model that fails twice in a format will not get it right.
_REPAIRS_PER_MODE = 1
# A truncated reply is retried on halves of the chunk, at most this many times in depth.
_MAX_SPLIT_DEPTH = 2
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?```\s*$", re.DOTALL)


class ExtractedAmount(BaseModel):
    """The claimed figure as the model reads it."""

    model_config = ConfigDict(extra="forbid")
    value: float | None
    low: float | None
    high: float | None
    unit: str


class ExtractedClaim(BaseModel):
    """One claim as the model proposes it; its quote is still to be found in the text."""

    model_config = ConfigDict(extra="forbid")
    quote: str
    kind: Kind
    claimed: ExtractedAmount


class ExtractedClaims(BaseModel):
    """The reply of an extraction request."""

    model_config = ConfigDict(extra="forbid")
    claims: list[ExtractedClaim]


@dataclass(frozen=True)
class FoundClaim:
    """A proposed claim anchored to a verbatim span of the article."""

    start: int
    end: int
    kind: Kind
    claimed: Amount

    def key(self) -> tuple[int, int, str, str]:
        """Identify the claim: one sentence may hold several claims, each counted once."""
        return self.start, self.end, self.kind, self.claimed.model_dump_json()


class _BadReplyError(Exception):
    """The reply does not hold claims in the requested shape."""


class _TruncatedError(Exception):
    """The reply was cut at the token limit."""


def submit_claims_tool() -> dict[str, Any]:
    """Return the ``submit_claims`` function tool (the last extraction fallback)."""
    return {
        "type": "function",
        "function": {
            "name": "submit_claims",
            "strict": True,
            "description": "Submit every checkable compute claim found in the article.",
            "parameters": strict_schema(ExtractedClaims),
        },
    }


class Extractor:
    """Extracts claims chunk by chunk, remembering which reply format the server accepts."""

    def __init__(self, session: Session, text: str) -> None:
        """Prepare extraction over one article.

        Args:
            session: the article's session.
            text: the whole article.
        """
        self.session = session
        self.text = text
        self.mode = 0
        self.taken: set[tuple[int, int, str, str]] = set()

    def claims(self, span: tuple[int, int], depth: int = 0) -> list[FoundClaim]:
        """Return the anchored claims of ``text[span]``, splitting it if replies get truncated.

        Args:
            span: the chunk's (start, end) in the article.
            depth: how many times this chunk was already halved.
        """
        start, end = span
        try:
            proposed = self._ask(self.text[start:end])
        except _TruncatedError:
            halves = split_text(
                self.text[start:end],
                self.session.model,
                max(1, self.session.counter.count(self.text[start:end]) // 2),
            )
            if depth >= _MAX_SPLIT_DEPTH or len(halves) < 2:
                raise BackendError(
                    f"the model's claim list for characters {start}-{end} was cut at its output "
                    "token limit; use a model with a larger output limit or smaller chunks"
                ) from None
            return [c for a, b in halves for c in self.claims((start + a, start + b), depth + 1)]
        return [found for c in proposed if (found := self._anchor(c, span)) is not None]

    def _anchor(self, claim: ExtractedClaim, span: tuple[int, int]) -> FoundClaim | None:
        """Place a claim at the first occurrence of its quote that the same claim does not hold.

        A figure repeated later in the text is a second claim; several figures in one sentence
        share its span.
        """
        for start, end in find_spans(self.text, claim.quote, span):
            found = FoundClaim(
                start=start, end=end, kind=claim.kind, claimed=to_amount(claim.claimed)
            )
            if found.key() not in self.taken:
                self.taken.add(found.key())
                return found
        log.info(
            "dropping a claim whose quote is not in the article (or repeats one): %.80r",
            claim.quote,
        )
        return None

    def _ask(self, chunk: str) -> list[ExtractedClaim]:
        """Return the proposed claims of one chunk, walking the reply formats."""
        prompt = load_prompt("extract_claims", article=fence_article(chunk), kinds=", ".join(KINDS))
        messages = [text_message("system", load_prompt("system")), text_message("user", prompt)]
        last_error = ""
        while self.mode < len(MODES):
            mode = MODES[self.mode]
            try:
                return self._ask_in_mode(list(messages), mode)
            except RequestRejectedError as exc:
                last_error = f"the server rejected {mode} ({exc})"
            except _BadReplyError as exc:
                last_error = f"no valid claims in {mode} replies ({exc})"
            log.warning("claim extraction: %s; falling back", last_error)
            self.mode += 1
        raise BackendError(
            f"claim extraction failed in every reply format: {last_error}; "
            "check that the model supports JSON output or tool calls"
        )

    def _ask_in_mode(self, messages: list[Message], mode: str) -> list[ExtractedClaim]:
        """Return the proposed claims of one chunk in one reply format, with one repair."""
        request: dict[str, Any] = {}
        if mode == "json_schema":
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": "claims",
                    "strict": True,
                    "schema": strict_schema(ExtractedClaims),
                },
            }
        elif mode == "json_object":
            request["response_format"] = {"type": "json_object"}
        else:
            request["tools"] = [submit_claims_tool()]
            messages.append(text_message("user", "Call the submit_claims tool with the claims."))
        for attempt in range(_REPAIRS_PER_MODE + 1):
            choice = self.session.complete(messages, **request)
            message = choice.message
            if message.refusal:
                raise BackendError(f"the model refused to extract claims: {message.refusal}")
            if choice.finish_reason == "length":
                raise _TruncatedError
            calls = Session.tool_calls(message, set())
            raw = next((c.arguments for c in calls if c.name == "submit_claims"), message.content)
            try:
                return parse_claims(raw or "")
            except _BadReplyError as exc:
                if attempt == _REPAIRS_PER_MODE:
                    raise
                messages.append(assistant_message(message.content or raw, []))
                messages.append(
                    text_message(
                        "user",
                        f"That reply was not valid: {exc}. Reply again with the claims "
                        "JSON only, in the shape given above.",
                    )
                )
        raise AssertionError("unreachable")  # the loop returns or raises


def parse_claims(raw: str) -> list[ExtractedClaim]:
    """Parse a claims reply; tolerate code fences, drop invalid items, reject a bad shape.

    Args:
        raw: the reply text or the submit_claims arguments.
    """
    fenced = _FENCE.match(raw)
    try:
        data = json.loads(fenced.group(1) if fenced else raw)
    except json.JSONDecodeError as exc:
        raise _BadReplyError(f"not JSON: {exc.msg} at character {exc.pos}") from None
    items = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise _BadReplyError('expected an object {"claims": [...]}')
    claims = []
    for item in items:
        try:
            claims.append(ExtractedClaim.model_validate(_lenient(item)))
        except ValidationError as exc:
            log.info("dropping a malformed claim: %s", exc.errors(include_url=False)[0]["msg"])
    return claims


def _lenient(item: Any) -> Any:
    """Fill what JSON-mode replies leave out (null bounds, an unknown kind); drop extra keys.

    Only strict json_schema output is guaranteed to match the schema; the quote and the figure
    still have to be there and well typed.
    """
    if not isinstance(item, dict) or not isinstance(item.get("claimed"), dict):
        return item
    claimed = item["claimed"]
    return {
        "quote": item.get("quote"),
        "kind": item.get("kind") if item.get("kind") in KINDS else "other",
        "claimed": {
            "value": claimed.get("value"),
            "low": claimed.get("low"),
            "high": claimed.get("high"),
            "unit": claimed.get("unit") or "",
        },
    }


def find_spans(text: str, quote: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """Return every place ``quote`` occurs in ``text`` within ``span``, in text order.

    Exact matches win; when there are none, runs of whitespace in the quote may match any run
    of whitespace in the text (models re-wrap lines), and the spans found are what is quoted.

    Args:
        text: the article.
        quote: the quote the model proposed.
        span: the (start, end) of the chunk the model saw.
    """
    start, end = span
    if not quote.strip():
        return []
    found = []
    at = text.find(quote, start, end)
    while at >= 0:
        found.append((at, at + len(quote)))
        at = text.find(quote, at + 1, end)
    if found:
        return found
    pattern = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
    return [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]


def to_amount(claimed: ExtractedAmount) -> Amount:
    """Return the Report's Amount for an extracted figure.

    Args:
        claimed: the figure as extracted.
    """
    return Amount(value=claimed.value, low=claimed.low, high=claimed.high, unit=claimed.unit)
