"""One article's conversation with an OpenAI-compatible server: requests, errors, usage, budget.

Every request goes through :meth:`Session.complete`, which turns each way a server can fail
into either a :class:`~flopcheck.errors.BackendError` with one actionable line (the run cannot
go on) or an exception the caller handles per claim (:class:`BudgetExhaustedError`,
:class:`RequestRejectedError`). Retries with backoff on 408/409/429/5xx, timeouts and dropped
connections are the SDK's (configured with ``max_retries``), so they are not repeated here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, cast

import openai
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessage,
    ChatCompletionMessageParam,
    ChatCompletionToolMessageParam,
)
from openai.types.chat.chat_completion import Choice

from flopcheck.engine.report import Usage
from flopcheck.errors import BackendError
from flopcheck.llm.tokens import TokenCounter

log = logging.getLogger("flopcheck.agent")

Message = ChatCompletionMessageParam

# Some servers (and reasoning models) reject a fixed temperature or a seed; such a parameter
# is dropped for the rest of the run rather than failing it.
_OPTIONAL_PARAMS = ("temperature", "seed")


class BudgetExhaustedError(Exception):
    """The article's token budget cannot cover the next request."""


class RequestRejectedError(Exception):
    """The server rejected a request as invalid (HTTP 400/422), e.g. an unsupported format."""


@dataclass(frozen=True)
class ToolCall:
    """A tool call as the model sent it: id, function name and raw JSON arguments."""

    id: str
    name: str
    arguments: str


@dataclass
class Session:
    """The client, sampling settings, usage counters and token budget of one article."""

    client: openai.OpenAI
    model: str
    counter: TokenCounter
    token_budget: int
    seed: int
    usage: Usage = field(default_factory=Usage)
    _dropped: set[str] = field(default_factory=set)

    @property
    def tokens_used(self) -> int:
        """Prompt plus completion tokens spent so far on this article."""
        return self.usage.prompt_tokens + self.usage.completion_tokens

    def complete(self, messages: list[Message], **request: Any) -> Choice:
        """Send one Chat Completions request and return its first choice.

        Args:
            messages: the conversation so far.
            **request: extra request fields (tools, tool_choice, response_format).
        """
        estimate = self.counter.count(json.dumps([messages, request.get("tools")], default=str))
        if self.tokens_used + estimate > self.token_budget:
            raise BudgetExhaustedError(
                f"token budget of {self.token_budget} tokens reached ({self.tokens_used} spent, "
                f"the next request needs ~{estimate})"
            )
        while True:
            try:
                completion = self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,
                    temperature=openai.omit if "temperature" in self._dropped else 0.0,
                    seed=openai.omit if "seed" in self._dropped else self.seed,
                    **request,
                )
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                rejected = _rejected_param(exc)
                if rejected is None or rejected in self._dropped:
                    raise RequestRejectedError(_server_message(exc)) from exc
                log.warning("the server rejects %s; sending requests without it", rejected)
                self._dropped.add(rejected)
                continue
            except openai.OpenAIError as exc:
                raise BackendError(self._describe(exc)) from exc
            except ValueError as exc:  # a 2xx body that claims to be JSON and is not
                raise BackendError(self._not_a_completion("its body is not valid JSON")) from exc
            return self._first_choice(completion, estimate)

    def _first_choice(self, completion: object, estimate: int) -> Choice:
        """Return the first choice of a completion and count its usage; reject non-completions."""
        if not isinstance(completion, ChatCompletion):
            raise BackendError(self._not_a_completion("its body is not JSON"))
        choices = getattr(completion, "choices", None)
        if not choices or not isinstance(
            getattr(choices[0], "message", None), ChatCompletionMessage
        ):
            raise BackendError(self._not_a_completion("it has no choices[0].message"))
        choice: Choice = choices[0]
        self.usage.llm_calls += 1
        usage = getattr(completion, "usage", None)
        if usage is not None and isinstance(getattr(usage, "prompt_tokens", None), int):
            self.usage.prompt_tokens += usage.prompt_tokens
            self.usage.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
        else:  # servers that omit usage still spend tokens: count them ourselves
            self.usage.prompt_tokens += estimate
            self.usage.completion_tokens += self.counter.count(choice.message.model_dump_json())
        return choice

    @staticmethod
    def tool_calls(message: ChatCompletionMessage, seen: set[str]) -> list[ToolCall]:
        """Return the message's tool calls, renaming empty or reused ids so citations are unique.

        Args:
            message: the assistant message of a completion.
            seen: the ids already used in this conversation; updated in place.
        """
        calls = []
        for raw in message.tool_calls or []:
            function = getattr(raw, "function", None) or getattr(raw, "custom", None)
            name = str(getattr(function, "name", "") or "")
            arguments = getattr(function, "arguments", None) or getattr(function, "input", "")
            call_id, n = raw.id, len(seen)
            while not call_id or call_id in seen:
                n += 1
                call_id = f"call_{n}"
            seen.add(call_id)
            calls.append(ToolCall(id=call_id, name=name, arguments=str(arguments or "")))
        return calls

    def _base(self) -> str:
        """Return the server's base URL for messages."""
        return str(self.client.base_url).rstrip("/")

    def _not_a_completion(self, why: str) -> str:
        """Return the message for a reply that is not a chat completion."""
        return (
            f"the model server at {self._base()} returned a reply that is not a chat "
            f"completion ({why}); check that --base-url points at an OpenAI-compatible "
            "/v1 endpoint"
        )

    def _describe(self, exc: openai.OpenAIError) -> str:
        """Return one actionable line for an SDK error that ends the run."""
        base, retries = self._base(), self.client.max_retries
        after = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
        if isinstance(exc, openai.APITimeoutError):
            timeout = self.client.timeout
            seconds = getattr(timeout, "read", timeout)
            return (
                f"the model server at {base} did not answer within {seconds}s{after}; "
                "raise --timeout or check the server"
            )
        if isinstance(exc, openai.APIConnectionError):
            return (
                f"cannot connect to the model server at {base}{after}; check --base-url / "
                "OPENAI_BASE_URL and that the server is running"
            )
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return (
                f"the model server at {base} refused the API key (HTTP {exc.status_code}: "
                f"{_server_message(exc)}); check OPENAI_API_KEY"
            )
        if isinstance(exc, openai.NotFoundError):
            return (
                f"the model server at {base} has no model {self.model!r} or no chat "
                f"completions endpoint (HTTP 404); check --model / FLOPCHECK_MODEL and "
                "--base-url"
            )
        if isinstance(exc, openai.RateLimitError):
            return (
                f"the model server at {base} kept rate-limiting (HTTP 429){after}; wait, "
                "or raise --max-retries"
            )
        if isinstance(exc, openai.APIStatusError):
            return (
                f"the model server at {base} failed with HTTP {exc.status_code}{after} "
                f"({_server_message(exc)}); try again later or check the server"
            )
        return f"the request to the model server at {base} failed: {_one_line(str(exc))}"


def _one_line(text: str, limit: int = 200) -> str:
    """Return ``text`` flattened to one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _server_message(exc: openai.APIError) -> str:
    """Return the server's error message from an API error, on one line."""
    body = exc.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return _one_line(body["message"])
    return _one_line(exc.message)


def _rejected_param(exc: openai.APIError) -> str | None:
    """Return the optional sampling parameter a 400 names, if any."""
    text = f"{exc.param or ''} {_server_message(exc)}".lower()
    return next((name for name in _OPTIONAL_PARAMS if name in text), None)


def assistant_message(content: str | None, calls: list[ToolCall]) -> Message:
    """Build the assistant turn to send back from ids, names and arguments only.

    Echoing ``message.model_dump()`` would leak SDK-only fields (``parsed``, ...) into the
    next request, which strict servers reject.

    Args:
        content: the assistant's text, if any.
        calls: its tool calls, with the ids the following tool messages answer.
    """
    message: ChatCompletionAssistantMessageParam = {"role": "assistant"}
    if content:
        message["content"] = content
    if calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in calls
        ]
    return message


def tool_message(call_id: str, payload: dict[str, Any]) -> Message:
    """Build the tool turn that answers one tool call.

    Args:
        call_id: the id of the tool call answered.
        payload: the tool result or error, sent as JSON.
    """
    message: ChatCompletionToolMessageParam = {
        "role": "tool",
        "tool_call_id": call_id,
        "content": json.dumps(payload),
    }
    return message


def text_message(role: str, content: str) -> Message:
    """Build a system or user turn.

    Args:
        role: "system" or "user".
        content: the text.
    """
    return cast(Message, {"role": role, "content": content})
