"""One bounded HTTP attempt at the model server: a hard deadline and a cap on the reply's size.

The SDK's ``timeout`` bounds each socket read, so a server that sends a valid reply one byte at
a time would never time out, and a huge reply would be read whole into memory. Here every
attempt runs in a worker thread that the caller stops waiting for at the deadline, and the
SDK's HTTP client is wrapped in a transport that counts the reply's (decoded) bytes and stops
reading at the cap or the deadline. The caller's own ``openai.OpenAI`` keeps its settings (base
URL, key, headers, proxies): only its HTTP client is wrapped. Retries are the caller's, so that
its messages can say how many requests were made.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx2
import openai

# A plan reply is a few kB per claim; max_completion_tokens keeps a model well under this.
MAX_REPLY_BYTES = 4_000_000
# What a message quotes of a reply that is not what was asked for.
QUOTE_CHARS = 300

Failure = Literal["deadline", "connect", "dropped", "closed", "too_large", "not_json"]

_local = threading.local()


class _DeadlineError(Exception):
    """The attempt's deadline passed while the reply was still arriving."""


class _TooLargeError(Exception):
    """The reply grew past MAX_REPLY_BYTES."""


@dataclass
class _Progress:
    """What one attempt has received so far; shared by the worker thread and the waiter."""

    deadline: float
    status: int | None = None
    received: int = 0
    cancelled: bool = False
    done: threading.Event = field(default_factory=threading.Event)

    def check(self, more: int) -> None:
        """Count ``more`` bytes; stop the read past the cap or the deadline."""
        self.received += more
        if self.received > MAX_REPLY_BYTES:
            raise _TooLargeError
        if self.cancelled or time.monotonic() > self.deadline:
            raise _DeadlineError


class _BoundedStream(httpx2.SyncByteStream):
    """The decoded body of a reply, counted against the attempt's cap and deadline."""

    def __init__(self, response: httpx2.Response, progress: _Progress) -> None:
        self._response = response
        self._progress = progress

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._response.iter_bytes():
            self._progress.check(len(chunk))
            yield chunk

    def close(self) -> None:
        self._response.close()


class _BoundedTransport(httpx2.BaseTransport):
    """Sends through an existing HTTP client (keeping its proxies) and bounds every reply."""

    def __init__(self, inner: httpx2.Client) -> None:
        self._inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        progress: _Progress | None = getattr(_local, "progress", None)
        response = self._inner.send(request, stream=True)
        if progress is None:  # not one of ours: nothing to bound
            return response
        progress.status = response.status_code
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_REPLY_BYTES:
            response.close()
            raise _TooLargeError
        # The body is decoded here, so the cap counts what would be held in memory.
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length")
        ]
        return httpx2.Response(
            response.status_code,
            headers=headers,
            stream=_BoundedStream(response, progress),
            extensions=response.extensions,
        )

    def close(self) -> None:
        """Leave the inner client open: it may be the caller's."""


def bounded(client: openai.OpenAI, timeout: float) -> openai.OpenAI:
    """Return a copy of ``client`` whose replies are bounded, with no retries of its own.

    Args:
        client: the SDK client (ours, or the caller's).
        timeout: seconds for connecting and for each read.
    """
    # The SDK keeps its HTTP client private; wrapping that one keeps the caller's proxies.
    inner = getattr(client, "_client", None)
    if not isinstance(inner, httpx2.Client):
        inner = openai.DefaultHttpxClient()
    http = httpx2.Client(transport=_BoundedTransport(inner), timeout=timeout)
    return client.with_options(http_client=http, max_retries=0, timeout=timeout)


@dataclass
class Outcome:
    """What one attempt got: a reply (status and JSON body) or how it failed."""

    status: int | None = None
    body: Any = None
    failure: Failure | None = None
    received: int = 0
    retry_after: float | None = None
    should_retry: bool | None = None
    request: bytes = b""
    head: str = ""

    @property
    def ok(self) -> bool:
        """Whether this is a 2xx reply with a JSON body."""
        return self.failure is None and self.status is not None and 200 <= self.status < 300


def attempt(client: openai.OpenAI, body: dict[str, Any], deadline: float) -> Outcome:
    """Send one Chat Completions request and return what came back by the deadline.

    Args:
        client: a client made by :func:`bounded`.
        body: the request fields (model, messages, ...).
        deadline: seconds the whole attempt may take, from connecting to the last byte.
    """
    progress = _Progress(deadline=time.monotonic() + deadline)
    box: list[Any] = []
    worker = threading.Thread(target=_send, args=(client, body, progress, box), daemon=True)
    worker.start()
    if not progress.done.wait(deadline):
        # The worker stops at its next read; nobody waits for it.
        progress.cancelled = True
        return Outcome(status=progress.status, failure="deadline", received=progress.received)
    return _outcome(box[0], progress)


def _send(client: openai.OpenAI, body: dict[str, Any], progress: _Progress, box: list[Any]) -> None:
    """Run the SDK call in the worker thread and hand its result or exception back."""
    _local.progress = progress
    try:
        box.append(client.chat.completions.with_raw_response.create(**body))
    except BaseException as exc:  # handed to the waiting thread, which decides
        box.append(exc)
    finally:
        progress.done.set()


def _outcome(result: Any, progress: _Progress) -> Outcome:
    """Turn the SDK's result or exception into an Outcome."""
    status, received = progress.status, progress.received
    if isinstance(result, _TooLargeError):
        return Outcome(status=status, failure="too_large", received=received)
    if isinstance(result, _DeadlineError | openai.APITimeoutError):
        return Outcome(status=status, failure="deadline", received=received)
    if isinstance(result, openai.APIStatusError):
        response = result.response
        return Outcome(
            status=result.status_code,
            body=result.body,
            received=progress.received,
            retry_after=_retry_after(response.headers),
            should_retry=_should_retry(response.headers),
            request=response.request.content,
            head=_head(response.content),
        )
    if isinstance(result, openai.APIConnectionError):
        if status is not None:
            return Outcome(status=status, failure="closed", received=received)
        cause = result.__cause__
        return Outcome(failure="connect" if isinstance(cause, httpx2.ConnectError) else "dropped")
    if isinstance(result, BaseException):
        raise result
    response = result.http_response
    content: bytes = response.content
    outcome = Outcome(
        status=response.status_code,
        received=progress.received,
        request=response.request.content,
        head=_head(content),
    )
    try:
        outcome.body = json.loads(content)
    except (ValueError, RecursionError):
        outcome.failure = "not_json"
    return outcome


def _head(content: bytes) -> str:
    """Return the start of a reply body as one line, for messages."""
    text = " ".join(content[: QUOTE_CHARS * 4].decode("utf-8", "replace").split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3] + "..."


def _retry_after(headers: httpx2.Headers) -> float | None:
    """Return the wait a reply asks for, in seconds (retry-after-ms or retry-after)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            return float(headers.get(name, "")) / scale
        except ValueError:
            continue
    return None


def _should_retry(headers: httpx2.Headers) -> bool | None:
    """Return the server's x-should-retry advice, if it gave one."""
    value = headers.get("x-should-retry")
    return {"true": True, "false": False}.get(value or "")
