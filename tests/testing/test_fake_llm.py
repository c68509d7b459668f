"""The local fake model server the LLM backend is tested against."""

from __future__ import annotations

import socket

import pytest

from flopcheck.testing.fake_llm import FakeLLM


def test_a_client_that_hangs_up_leaves_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeLLM([]) as fake, socket.socket() as sock:
        server = fake._server
        assert server is not None
        try:
            raise ConnectionResetError("the client went away")
        except ConnectionResetError:
            server.handle_error(sock, ("127.0.0.1", 0))
        try:
            raise ValueError("a fault of the fake itself")
        except ValueError:
            server.handle_error(sock, ("127.0.0.1", 0))
    err = capsys.readouterr().err
    assert "ConnectionResetError" not in err
    assert "ValueError" in err  # real faults are still reported
