"""The openai backend when the server fails, stalls or lacks a feature: retries, fallbacks."""

from __future__ import annotations

import json
import socket
import time

import pytest
from llm_script import (
    COST_CALL,
    GOOD_QUOTE,
    TEXT,
    calls,
    claim,
    extraction,
    run,
    verdict,
)

from flopcheck.errors import BackendError
from flopcheck.llm.agent import check_with_openai
from flopcheck.testing.fake_llm import FakeLLM, Reply, completion, error_reply, tool_call


def test_rate_limit_then_success_is_retried(fake: FakeLLM) -> None:
    fake.push(
        error_reply(429, "slow down", retry_after_ms=10),
        extraction(claim(GOOD_QUOTE, 5.5e6)),
        calls(COST_CALL),
        verdict(),
    )
    report = run(fake, max_retries=2)
    assert report.claims[0].verdict.label == "supported"
    assert len(fake.requests) == 4
    assert report.usage.llm_calls == 3


def test_persistent_server_errors_stop_after_max_retries(fake: FakeLLM) -> None:
    fake.push(*[error_reply(500, "boom", retry_after_ms=10) for _ in range(10)])
    with pytest.raises(BackendError) as caught:
        run(fake, max_retries=2)
    assert len(fake.requests) == 3
    message = str(caught.value)
    assert "HTTP 500 after 2 retries" in message
    assert "\n" not in message


def test_hung_server_times_out_within_the_bound(fake: FakeLLM) -> None:
    fake.push(Reply(body=extraction(), delay=30), Reply(body=extraction(), delay=30))
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"did not answer within 0\.3s after 1 retry"):
        run(fake, timeout=0.3, max_retries=1)
    assert time.monotonic() - started < 5
    assert len(fake.requests) == 2


def test_connection_refused_is_a_backend_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(BackendError, match="cannot connect to the model server"):
        check_with_openai(TEXT, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body="<html>gateway</html>", content_type="text/html"),
        Reply(body="{not json", content_type="application/json"),
        Reply(body={"unexpected": True}),
    ],
)
def test_a_body_that_is_not_a_completion_is_a_backend_error(fake: FakeLLM, reply: Reply) -> None:
    fake.push(reply)
    with pytest.raises(BackendError, match="not a chat completion"):
        run(fake)


def test_server_without_json_schema_falls_back_to_json_mode() -> None:
    with FakeLLM(json_schema=False) as fake:
        fake.push(extraction(claim(GOOD_QUOTE, 5.5e6)), extraction(), calls(COST_CALL), verdict())
        report = run(fake, text=TEXT + "\n\n" + "More prose. " * 15, chunk_tokens=64)
    formats = [r.get("response_format", {}).get("type") for r in fake.requests]
    assert formats[:3] == ["json_schema", "json_object", "json_object"]
    assert [c.verdict.label for c in report.claims] == ["supported"]


def test_server_without_json_modes_falls_back_to_the_submit_claims_tool() -> None:
    with FakeLLM(json_schema=False, json_object=False) as fake:
        payload = json.dumps({"claims": [claim(GOOD_QUOTE, 5.5e6)]})
        fake.push(
            calls(tool_call("submit_claims", payload, "call_claims")), calls(COST_CALL), verdict()
        )
        report = run(fake)
    assert [t["function"]["name"] for t in fake.requests[2]["tools"]] == ["submit_claims"]
    assert [c.quote for c in report.claims] == [GOOD_QUOTE]


def test_fenced_json_reply_is_accepted(fake: FakeLLM) -> None:
    body = json.dumps({"claims": [claim(GOOD_QUOTE, 5.5e6)]})
    fake.push(completion(f"```json\n{body}\n```"), calls(COST_CALL), verdict())
    assert [c.quote for c in run(fake).claims] == [GOOD_QUOTE]


def test_unsupported_temperature_is_dropped_for_the_rest_of_the_run(fake: FakeLLM) -> None:
    fake.push(error_reply(400, "Unsupported value: 'temperature' does not support 0"), extraction())
    assert run(fake).claims == []
    assert "temperature" in fake.requests[0]
    assert "temperature" not in fake.requests[1]


def test_missing_api_key_without_base_url_is_a_backend_error() -> None:
    with pytest.raises(BackendError, match="set OPENAI_API_KEY"):
        check_with_openai(TEXT)


def test_invalid_options_are_a_backend_error(fake: FakeLLM) -> None:
    with pytest.raises(BackendError, match="timeout must be > 0 seconds"):
        run(fake, timeout=0)


def test_empty_article_makes_no_requests(fake: FakeLLM) -> None:
    report = run(fake, text="  \n")
    assert report.claims == []
    assert fake.requests == []


def test_loose_json_mode_claims_are_normalised() -> None:
    loose = {
        "quote": GOOD_QUOTE,
        "kind": "cost",
        "why": "a figure",
        "claimed": {"value": 5.5e6, "unit": "USD"},
    }
    with FakeLLM(json_schema=False) as fake:
        fake.push(completion(json.dumps({"claims": [loose]})), calls(COST_CALL), verdict())
        (only,) = run(fake).claims
    assert (only.kind, only.claimed.low, only.verdict.label) == ("other", None, "supported")
