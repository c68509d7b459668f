"""A local OpenAI-protocol server for tests, CI and demos (standard library only).

``FakeLLM`` serves ``POST /v1/chat/completions`` (and ``/chat/completions``) on 127.0.0.1 at an
ephemeral port, from a thread. Each request is answered by the next scripted :class:`Reply` in
its queue (a body, a status code, headers, a delay; or hostile: sent a byte at a time, padded to
hundreds of MB, cut off mid-body), or, once the queue is empty, by the replies recorded in a
directory (``replay=DIR``, see :mod:`flopcheck.llm.record`) or by a deterministic scripted model
that writes the rules backend's claim programs (``model=True``, see
:mod:`flopcheck.testing.scripted`). Every request body is kept in ``requests``.

Serve the scripted model for ``flopcheck check --backend openai --base-url URL``::

    python -m flopcheck.testing.fake_llm --port 8011
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PATHS = ("/v1/chat/completions", "/chat/completions")


_PAD = b" " * 65536


@dataclass
class Reply:
    """One scripted HTTP reply: a JSON body (dict), raw text (str) or bytes, status, headers, delay.

    The hostile ones: ``drip`` sends the whole reply (status line and headers included) one
    byte every ``drip`` seconds; ``pad`` appends that many bytes of whitespace to the body
    (still valid JSON, streamed, never held in memory); ``cut_after`` closes the connection
    after that many bytes of the body, although its content-length promised more;
    ``declare_length=False`` sends no content-length and ends the body by closing.
    """

    body: dict[str, Any] | str | bytes
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    drip: float = 0.0
    pad: int = 0
    cut_after: int | None = None
    declare_length: bool = True


def tool_call(name: str, arguments: dict[str, Any] | str, call_id: str) -> dict[str, Any]:
    """Return a tool call as it appears in an assistant message.

    Args:
        name: the function name.
        arguments: the arguments; a dict is sent as JSON, a str as is (malformed on purpose).
        call_id: the call's id.
    """
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": raw}}


def completion(
    content: str | None = None,
    *,
    tool_calls: list[dict[str, Any]] | None = None,
    finish_reason: str | None = None,
    refusal: str | None = None,
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
) -> dict[str, Any]:
    """Return a chat completion body with one choice.

    Args:
        content: the assistant's text.
        tool_calls: its tool calls (see :func:`tool_call`).
        finish_reason: default "tool_calls" when there are tool calls, else "stop".
        refusal: a refusal message, as structured-output models send it.
        prompt_tokens: reported prompt tokens.
        completion_tokens: reported completion tokens.
    """
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": finish_reason or ("tool_calls" if tool_calls else "stop"),
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def error_reply(status: int, message: str, *, retry_after_ms: int | None = None) -> Reply:
    """Return an OpenAI-style error reply.

    Args:
        status: the HTTP status, e.g. 429 or 500.
        message: the error message.
        retry_after_ms: a ``retry-after-ms`` header, which flopcheck honours (keeps tests fast).
    """
    headers = {} if retry_after_ms is None else {"retry-after-ms": str(retry_after_ms)}
    body = {"error": {"message": message, "type": "fake_error", "param": None, "code": None}}
    return Reply(body=body, status=status, headers=headers)


class FakeLLM:
    """A local Chat Completions server answering from a script, then from a scripted model."""

    def __init__(
        self,
        replies: Iterable[Reply | dict[str, Any]] = (),
        *,
        model: bool = False,
        replay: Path | None = None,
        json_schema: bool = True,
        json_object: bool = True,
        fence_json: bool = False,
    ) -> None:
        """Configure the server; call :meth:`start` (or use it as a context manager).

        Args:
            replies: scripted replies, answered in order; a dict is a 200 JSON body.
            model: answer with the rules-backed scripted model once the script is used up.
            replay: answer from the replies recorded in this directory once the script is
                used up.
            json_schema: accept ``response_format`` json_schema; False answers it with 400.
            json_object: accept ``response_format`` json_object; False answers it with 400.
            fence_json: the scripted model wraps JSON replies in a code fence.
        """
        self._queue: deque[Reply] = deque()
        self.push(*replies)
        self.requests: list[dict[str, Any]] = []
        self.formats = {"json_schema": json_schema, "json_object": json_object}
        self.fence_json = fence_json
        self.model = model
        self.replay = replay
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def push(self, *replies: Reply | dict[str, Any]) -> None:
        """Append scripted replies to the queue.

        Args:
            *replies: replies; a dict is a 200 JSON body.
        """
        self._queue.extend(r if isinstance(r, Reply) else Reply(body=r) for r in replies)

    @property
    def url(self) -> str:
        """The base URL to give the client, ending in /v1."""
        if self._server is None:
            raise RuntimeError("FakeLLM is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self, port: int = 0) -> FakeLLM:
        """Start serving on 127.0.0.1 in a daemon thread and return self.

        Args:
            port: the port; 0 picks a free one.
        """
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; replies still waiting out a delay are abandoned."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLM:
        """Start serving."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop serving."""
        self.stop()

    def answer(self, body: dict[str, Any]) -> Reply:
        """Return the reply to one request body (recorded in ``requests``).

        Args:
            body: the parsed request JSON.
        """
        with self._lock:
            self.requests.append(body)
            fmt = body.get("response_format")
            kind = fmt.get("type") if isinstance(fmt, dict) else None
            if kind in self.formats and not self.formats[kind]:
                return error_reply(400, f"response_format type {kind!r} is not supported")
            if self._queue:
                return self._queue.popleft()
        if self.replay is not None:
            return _replayed(self.replay, body)
        if not self.model:
            return error_reply(500, "fake_llm: the scripted replies are used up")
        from flopcheck.testing.scripted import answer

        try:
            return Reply(body=answer(body, fence_json=self.fence_json))
        except Exception as exc:  # a crash must reach the client as an answer, not a hang-up
            return error_reply(500, f"fake_llm: the scripted model failed: {exc!r}")


def _replayed(recording: Path, body: dict[str, Any]) -> Reply:
    """Return the recorded reply to a request, or an error naming the recording."""
    from flopcheck.llm.record import replayed

    found = replayed(recording, body)
    if found is None:
        reply = error_reply(
            500,
            f"replay: no recorded reply for this request in {recording}; the run differs "
            "from the recorded one (article, model, options or flopcheck version)",
        )
        reply.headers["x-should-retry"] = "false"
        return reply
    status, recorded = found
    return Reply(body=recorded if isinstance(recorded, dict | str) else "", status=status)


class _Handler(BaseHTTPRequestHandler):
    """Routes POST requests to the FakeLLM that owns the server."""

    fake: FakeLLM
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the CLI own stderr.

        Args:
            format: the log format string (ignored).
            *args: its arguments (ignored).
        """

    def do_POST(self) -> None:
        """Answer a chat completion request."""
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.split("?")[0] not in PATHS:
            self._send(error_reply(404, f"no route {self.path}"))
            return
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            self._send(error_reply(400, "request body is not JSON"))
            return
        reply = self.fake.answer(body)
        if reply.delay and self.fake.stopping.wait(reply.delay):
            return
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        """Write one reply; a client that already hung up is ignored."""
        body = reply.body
        data = (
            body
            if isinstance(body, bytes)
            else (body if isinstance(body, str) else json.dumps(body)).encode()
        )
        headers = {"content-type": reply.content_type, **reply.headers}
        if reply.declare_length:
            headers["content-length"] = str(len(data) + reply.pad)
        head = f"HTTP/1.1 {reply.status} {self.responses.get(reply.status, ('',))[0]}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        try:
            for piece in _pieces(head.encode(), data, reply):
                self.wfile.write(piece)
                if reply.drip and self.fake.stopping.wait(reply.drip):
                    return
            if reply.cut_after is not None or not reply.declare_length:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


class _Server(ThreadingHTTPServer):
    """The fake's HTTP server, quiet when a client hangs up mid-reply."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a client that went away (a timeout test); report anything else.

        Args:
            request: the request's socket.
            client_address: the client's address.
        """
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # else the traceback lands on the stderr of the CLI under test
        super().handle_error(request, client_address)


def _pieces(head: bytes, data: bytes, reply: Reply) -> Iterator[bytes]:
    """Yield a reply's bytes as it is to be sent: whole, a byte at a time, padded or cut."""
    if reply.cut_after is not None:
        yield head + data[: reply.cut_after]
        return
    if reply.drip:
        whole = head + data
        yield from (whole[i : i + 1] for i in range(len(whole)))
        return
    yield head + data
    for at in range(0, reply.pad, len(_PAD)):
        yield _PAD[: min(len(_PAD), reply.pad - at)]


def main(argv: list[str] | None = None) -> int:
    """Serve the scripted model until interrupted.

    Args:
        argv: command-line arguments; default ``sys.argv[1:]``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m flopcheck.testing.fake_llm",
        description="Serve flopcheck's scripted model (or a recording) locally.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--no-json-schema",
        action="store_true",
        help="answer response_format json_schema with 400, like some servers",
    )
    parser.add_argument("--replay", metavar="DIR", help="serve the replies recorded in DIR")
    args = parser.parse_args(argv)
    replay = Path(args.replay) if args.replay else None
    fake = FakeLLM(model=replay is None, replay=replay, json_schema=not args.no_json_schema)
    fake.start(args.port)
    what = f"the replies recorded in {replay}" if replay else "the scripted model"
    print(f"serving {what} at {fake.url} (Ctrl-C stops)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
