"""Running ``flopcheck`` with one of its output streams on a pseudo-terminal, as a user would."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path


def run_on_a_terminal(
    args: list[str],
    stream: str = "stdout",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> str:
    """Run ``python -m flopcheck ARGS`` with one stream on a terminal and return what it wrote.

    Args:
        args: command-line arguments.
        stream: "stdout" or "stderr": the stream that is a terminal (the other is discarded).
        env: the environment (default: a bare PATH).
        cwd: the working directory.
    """
    leader, follower = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: follower}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flopcheck", *args],
        stdin=subprocess.DEVNULL,
        stdout=streams["stdout"],
        stderr=streams["stderr"],
        env=env if env is not None else {"PATH": "/usr/bin:/bin"},
        cwd=cwd,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).decode()
