"""Record and replay model replies, so that an LLM run can be repeated offline and in CI.

A recording is a directory with one ``<key>.json`` file per request: the HTTP status and the
JSON body the server sent. The key is the sha256 of the request body as the server received it,
in canonical JSON (sorted keys, no spaces), so it does not depend on the order of fields, the
server's address or the time. Replay serves the recorded replies from the local server in
:mod:`flopcheck.testing.fake_llm`, through the real openai client: the run takes exactly the same
path, and a request that was not recorded gets an error naming the directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from flopcheck.errors import InputError


def request_key(body: bytes | dict[str, Any]) -> str:
    """Return the key of a request: the sha256 of its body in canonical JSON.

    Args:
        body: the request body as sent (bytes) or as parsed.
    """
    data = json.loads(body) if isinstance(body, bytes) else body
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


class Recorder:
    """Saves every reply of a run into a directory, keyed by its request."""

    def __init__(self, directory: Path) -> None:
        """Create the directory if needed.

        Args:
            directory: where the replies go.
        """
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the recording directory {directory}: {exc}") from exc
        self.directory = directory

    def save(self, request: bytes, status: int, body: Any) -> None:
        """Write one reply atomically (a crash never leaves half a file).

        Args:
            request: the request body as sent.
            status: the HTTP status of the reply.
            body: the reply's JSON body.
        """
        if not request:
            return
        path = self.directory / f"{request_key(request)}.json"
        try:
            with tempfile.NamedTemporaryFile(
                "w", dir=self.directory, suffix=".tmp", delete=False, encoding="utf-8"
            ) as out:
                json.dump({"status": status, "body": body}, out)
            os.replace(out.name, path)
        except OSError as exc:
            raise InputError(f"cannot write the recording {path}: {exc.strerror}") from exc


def replayed(directory: Path, request: dict[str, Any]) -> tuple[int, Any] | None:
    """Return the recorded status and body for a request, or None when it was not recorded.

    Args:
        directory: a recording made with :class:`Recorder`.
        request: the request body as the server received it.
    """
    path = directory / f"{request_key(request)}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or not isinstance(saved.get("status"), int):
        return None
    return saved["status"], saved.get("body")
