"""Shared fixtures: every test starts with no openai configuration in the environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flopcheck.testing.fake_llm import FakeLLM


@pytest.fixture(autouse=True)
def _no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # `--backend auto` would pick the openai backend on a developer machine with a key set.
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "FLOPCHECK_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    """A started scripted OpenAI-protocol server on 127.0.0.1, stopped afterwards."""
    server = FakeLLM().start()
    yield server
    server.stop()
