"""One article's requests to an OpenAI-compatible server: retries, messages, usage and budget.

Every request goes through :meth:`Session.complete`. It retries what may pass (timeouts, dropped
connections, 408/409/429/5xx) with backoff, honouring a server's ``retry-after`` up to
``MAX_WAIT`` seconds, and turns each way a server can fail into a
:class:`~flopcheck.errors.BackendError` whose one line says what happened and how many requests
were made. A request the server rejects as invalid (HTTP 400/422) comes back as
:class:`Rejected`, for the caller's fallback chain.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any, cast

import openai
from openai.types.chat import ChatCompletionMessageParam

from flopcheck.engine.report import Usage
from flopcheck.errors import BackendError
from flopcheck.llm.record import Recorder
from flopcheck.llm.tokens import TokenCounter
from flopcheck.llm.transport import MAX_REPLY_BYTES, Outcome, attempt

log = logging.getLogger("flopcheck.agent")

Message = ChatCompletionMessageParam

# Some servers (and reasoning models) reject a fixed temperature, a seed or the output limit's
# name; such a parameter is dropped for the rest of the run rather than failing it.
_OPTIONAL_PARAMS = ("temperature", "seed", "max_completion_tokens")
_RETRIED = frozenset({408, 409, 429})
# The longest server-requested wait honoured between attempts; past it the run stops and says so.
MAX_WAIT = 60.0
_BACKOFF = (0.5, 8.0)


@dataclass(frozen=True)
class Answer:
    """The parts of a chat completion the planner reads."""

    content: str | None
    refusal: str | None
    finish_reason: str | None
    tool_calls: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Rejected:
    """The server rejected a request as invalid (400/422), e.g. an unsupported format."""

    message: str


@dataclass
class Session:
    """The client, settings, usage counters and token budget of one article."""

    client: openai.OpenAI
    model: str
    counter: TokenCounter
    token_budget: int
    seed: int
    timeout: float
    max_retries: int
    max_completion_tokens: int
    recorder: Recorder | None = None
    usage: Usage = field(default_factory=Usage)
    _dropped: set[str] = field(default_factory=set)

    @property
    def tokens_used(self) -> int:
        """Prompt plus completion tokens spent so far on this article."""
        return self.usage.prompt_tokens + self.usage.completion_tokens

    def estimate(self, messages: list[Message], request: dict[str, Any]) -> int:
        """Return the prompt tokens a request would take (our own text: bounded).

        Args:
            messages: the messages to send.
            request: the other request fields (response_format, tools).
        """
        return self.counter.count(json.dumps([messages, request], default=str))

    def affords(self, estimate: int) -> bool:
        """Whether the budget covers a request of ``estimate`` prompt tokens.

        Args:
            estimate: from :meth:`estimate`.
        """
        return self.tokens_used + estimate <= self.token_budget

    def complete(self, messages: list[Message], **request: Any) -> Answer | Rejected:
        """Send one Chat Completions request; return its answer, or the server's rejection.

        Args:
            messages: the conversation.
            **request: extra request fields (tools, tool_choice, response_format).
        """
        estimate = self.estimate(messages, request)
        while True:
            body = self._body(messages, request)
            outcome, tries = self._send(body)
            if self.recorder is not None and outcome.status is not None:
                self.recorder.save(outcome.request, outcome.status, outcome.body)
            if outcome.ok:
                return self._answer(outcome, estimate)
            if outcome.status in (400, 422) and outcome.failure is None:
                rejected = _rejected_param(outcome)
                if rejected is None or rejected in self._dropped:
                    return Rejected(_server_message(outcome))
                log.warning("the server rejects %s; sending requests without it", rejected)
                self._dropped.add(rejected)
                continue
            raise BackendError(self._describe(outcome, tries))

    def _body(self, messages: list[Message], request: dict[str, Any]) -> dict[str, Any]:
        """Return the request fields, without the optional ones the server rejected."""
        optional = {
            "temperature": 0.0,
            "seed": self.seed,
            "max_completion_tokens": self.max_completion_tokens,
        }
        kept = {k: v for k, v in optional.items() if k not in self._dropped}
        return {"model": self.model, "messages": messages, **kept, **request}

    def _send(self, body: dict[str, Any]) -> tuple[Outcome, int]:
        """Send with retries; return the last outcome and how many requests were made."""
        tries = 0
        while True:
            outcome = attempt(self.client, body, self.timeout)
            tries += 1
            if outcome.ok or not _transient(outcome) or tries > self.max_retries:
                return outcome, tries
            wait = outcome.retry_after
            if wait is not None and math.isfinite(wait) and wait > MAX_WAIT:
                return outcome, tries
            if wait is None or not math.isfinite(wait) or wait < 0:
                low, high = _BACKOFF
                wait = min(high, low * 2 ** (tries - 1)) * (1 - 0.25 * random.random())
            time.sleep(wait)

    def _answer(self, outcome: Outcome, estimate: int) -> Answer:
        """Read a completion body and count its usage; reject what is not a completion."""
        choices = outcome.body.get("choices") if isinstance(outcome.body, dict) else None
        first = choices[0] if isinstance(choices, list) and choices else None
        message = first.get("message") if isinstance(first, dict) else None
        if not isinstance(message, dict):
            raise BackendError(self._not_a_completion("it has no choices[0].message", outcome))
        raw_calls = message.get("tool_calls")
        calls = tuple(
            (str(fn.get("name") or ""), _text(fn.get("arguments")) or "")
            for call in (raw_calls if isinstance(raw_calls, list) else [])
            if isinstance(call, dict) and isinstance(fn := call.get("function"), dict)
        )
        answer = Answer(
            content=_text(message.get("content")),
            refusal=_text(message.get("refusal")),
            finish_reason=_text(first.get("finish_reason")) if isinstance(first, dict) else None,
            tool_calls=calls,
        )
        self.usage.llm_calls += 1
        usage = outcome.body.get("usage")
        prompt = usage.get("prompt_tokens") if isinstance(usage, dict) else None
        if isinstance(prompt, int) and not isinstance(prompt, bool) and prompt >= 0:
            completion = usage.get("completion_tokens") if isinstance(usage, dict) else 0
            self.usage.prompt_tokens += prompt
            self.usage.completion_tokens += completion if isinstance(completion, int) else 0
        else:  # servers that omit usage still spend tokens: count them ourselves
            written = (answer.content or "") + "".join(a for _, a in calls)
            self.usage.prompt_tokens += estimate
            self.usage.completion_tokens += self.counter.count_bounded(written)
        return answer

    def _base(self) -> str:
        """Return the server's base URL for messages."""
        return str(self.client.base_url).rstrip("/")

    def _not_a_completion(self, why: str, outcome: Outcome) -> str:
        """Return the message for a reply that is not a chat completion."""
        return (
            f"the model server at {self._base()} returned a reply that is not a chat "
            f"completion ({why}; it begins {outcome.head!r}); check that --base-url points at "
            "an OpenAI-compatible /v1 endpoint"
        )

    def _describe(self, outcome: Outcome, tries: int) -> str:
        """Return one line saying what went wrong, how many requests were made, what to do."""
        base, made = self._base(), _requests(tries)
        status = outcome.status
        if outcome.failure == "too_large":
            return (
                f"the model server at {base} sent a reply larger than "
                f"{MAX_REPLY_BYTES // 1_000_000} MB; flopcheck stopped reading it ({made}); "
                "check the server and the model"
            )
        if outcome.failure == "deadline":
            arriving = f", {outcome.received} bytes had arrived" if status is not None else ""
            return (
                f"the model server at {base} did not send a complete reply within "
                f"{self.timeout:g}s ({made}{arriving}); raise --timeout or check the server"
            )
        if outcome.failure == "connect":
            return (
                f"cannot connect to the model server at {base} ({made}); check --base-url / "
                "OPENAI_BASE_URL and that the server is running"
            )
        if outcome.failure == "dropped":
            return (
                f"the model server at {base} closed the connection without replying ({made}); "
                "check the server and --base-url"
            )
        if outcome.failure == "closed":
            return (
                f"the model server at {base} closed the connection in the middle of its reply "
                f"(HTTP {status}, after {outcome.received} bytes; {made}); check the server or "
                "a proxy between"
            )
        if outcome.failure == "not_json":
            return self._not_a_completion("its body is not JSON", outcome)
        if status in (401, 403):
            return (
                f"the model server at {base} refused the API key (HTTP {status}: "
                f"{_server_message(outcome)}); check OPENAI_API_KEY"
            )
        if status == 404:
            return (
                f"the model server at {base} has no model {self.model!r} or no chat "
                "completions endpoint (HTTP 404); check --model / FLOPCHECK_MODEL and --base-url"
            )
        wait = outcome.retry_after
        if status == 429 and wait is not None and math.isfinite(wait) and wait > MAX_WAIT:
            return (
                f"the model server at {base} is rate-limiting (HTTP 429) and asks to wait "
                f"{wait:g}s, longer than flopcheck waits ({MAX_WAIT:g}s); {made}; try again later"
            )
        if status == 429:
            return (
                f"the model server at {base} kept rate-limiting (HTTP 429) through {made}; "
                "wait, or raise --max-retries"
            )
        return (
            f"the model server at {base} failed with HTTP {status} ({made}: "
            f"{_server_message(outcome)}); try again later or check the server"
        )


def _transient(outcome: Outcome) -> bool:
    """Whether another attempt may get a different outcome."""
    if outcome.should_retry is not None:
        return outcome.should_retry
    if outcome.failure in ("deadline", "connect", "dropped", "closed"):
        return True
    status = outcome.status or 0
    return outcome.failure is None and (status in _RETRIED or status >= 500)


def _requests(tries: int) -> str:
    """Return "1 request made" or "3 requests made"."""
    return f"{tries} request{'' if tries == 1 else 's'} made"


def _text(value: Any) -> str | None:
    """Return a string field of a reply, or None when it is absent or not a string."""
    return value if isinstance(value, str) else None


def one_line(text: str, limit: int = 200) -> str:
    """Return ``text`` flattened to one line, cut to ``limit`` characters.

    Args:
        text: any text, e.g. a server's error message or a model's bad reply.
        limit: the longest result.
    """
    flat = " ".join(text[: limit * 4].split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _server_message(outcome: Outcome) -> str:
    """Return the server's error message from an error reply, on one line."""
    body = outcome.body
    error = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return one_line(error["message"])
    if isinstance(error, str):
        return one_line(error)
    return outcome.head or "no message"


def _rejected_param(outcome: Outcome) -> str | None:
    """Return the optional parameter a 400 names (as its ``param`` or in its message), if any."""
    body = outcome.body
    error = body.get("error") if isinstance(body, dict) else None
    param = error.get("param") if isinstance(error, dict) else None
    text = f"{param if isinstance(param, str) else ''} {_server_message(outcome)}".lower()
    return next((name for name in _OPTIONAL_PARAMS if name in text), None)


def text_message(role: str, content: str) -> Message:
    """Build a system or user turn.

    Args:
        role: "system" or "user".
        content: the text.
    """
    return cast(Message, {"role": role, "content": content})


def assistant_message(content: str) -> Message:
    """Build an assistant turn from its text only (no SDK-only fields).

    Args:
        content: what the assistant wrote.
    """
    return cast(Message, {"role": "assistant", "content": content})
