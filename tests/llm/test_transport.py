"""The openai backend against hostile or failing servers: deadlines, caps, honest messages."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import textwrap
import time

import openai
import pytest
from llm_script import TEXT, plan, program, run

from flopcheck.errors import BackendError
from flopcheck.llm.agent import check_with_openai
from flopcheck.testing.fake_llm import FakeLLM, Reply, error_reply


def test_a_slow_drip_reply_ends_within_about_three_times_the_timeout(fake: FakeLLM) -> None:
    # The whole reply, status line and headers included, one byte every 20 ms: each read
    # arrives well within the timeout, so only a deadline on the whole request ends it.
    fake.push(*[Reply(body=plan(program()), drip=0.02) for _ in range(3)])
    started = time.monotonic()
    with pytest.raises(BackendError) as caught:
        run(fake, timeout=1.0, max_retries=2)
    elapsed = time.monotonic() - started
    assert elapsed < 3 * 1.0 + 2.5  # three attempts and two short backoffs
    assert "did not send a complete reply within 1s (3 requests made" in str(caught.value)
    assert len(fake.requests) == 3


def test_a_hung_server_times_out(fake: FakeLLM) -> None:
    fake.push(Reply(body=plan(), delay=30))
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"within 0\.3s \(1 request made\)"):
        run(fake, timeout=0.3)
    assert time.monotonic() - started < 3


HUGE = textwrap.dedent(
    """
    import json, resource, sys
    from flopcheck.errors import BackendError
    from flopcheck.llm.agent import check_with_openai
    from flopcheck.testing.fake_llm import FakeLLM, Reply, completion

    declare = sys.argv[1] == "declared"
    body = completion(json.dumps({"claims": []}))
    with FakeLLM([Reply(body=body, pad=300_000_000, declare_length=declare)]) as fake:
        try:
            check_with_openai("It cost $5M.", base_url=fake.url, max_retries=0)
        except BackendError as exc:
            print(exc)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


@pytest.mark.parametrize("length", ["declared", "undeclared"])
def test_a_300_mb_reply_ends_with_a_clear_error_under_1_gb(length: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", HUGE, length], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    message, peak_kb = proc.stdout.strip().splitlines()
    assert "sent a reply larger than 4 MB; flopcheck stopped reading it" in message
    assert int(peak_kb) < 1_000_000


def test_a_compressed_reply_is_capped_on_what_it_decompresses_to(fake: FakeLLM) -> None:
    bomb = gzip.compress(json.dumps(plan()).encode() + b" " * 50_000_000)
    fake.push(Reply(body=bomb, headers={"content-encoding": "gzip"}))
    with pytest.raises(BackendError, match="larger than 4 MB"):
        run(fake)


def test_a_connection_closed_mid_body_says_so(fake: FakeLLM) -> None:
    fake.push(*[Reply(body=plan(program()), cut_after=40) for _ in range(2)])
    with pytest.raises(BackendError) as caught:
        run(fake, max_retries=1)
    message = str(caught.value)
    assert "closed the connection in the middle of its reply" in message
    assert "HTTP 200, after 40 bytes; 2 requests made" in message
    assert "cannot connect" not in message


def test_connection_refused_says_it_cannot_connect() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(BackendError, match=r"cannot connect .* \(1 request made\)"):
        check_with_openai(TEXT, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)


def test_a_429_with_a_long_retry_after_stops_at_once_and_says_so(fake: FakeLLM) -> None:
    limited = error_reply(429, "slow down")
    limited.headers["retry-after"] = "3600"
    fake.push(limited)
    started = time.monotonic()
    with pytest.raises(BackendError) as caught:
        run(fake, max_retries=2)
    message = str(caught.value)
    assert "asks to wait 3600s, longer than flopcheck waits (60s); 1 request made" in message
    assert len(fake.requests) == 1
    assert time.monotonic() - started < 5


def test_a_short_rate_limit_is_waited_out(fake: FakeLLM) -> None:
    fake.push(error_reply(429, "slow down", retry_after_ms=10), plan(program()))
    report = run(fake, max_retries=2)
    assert [c.verdict.label for c in report.claims] == ["supported"]
    assert len(fake.requests) == 2
    assert report.usage.llm_calls == 1


def test_persistent_rate_limiting_counts_the_requests(fake: FakeLLM) -> None:
    fake.push(*[error_reply(429, "slow down", retry_after_ms=10) for _ in range(3)])
    with pytest.raises(BackendError, match=r"kept rate-limiting \(HTTP 429\) through 3 requests"):
        run(fake, max_retries=2)


def test_persistent_server_errors_stop_after_max_retries(fake: FakeLLM) -> None:
    fake.push(*[error_reply(500, "boom", retry_after_ms=10) for _ in range(10)])
    with pytest.raises(BackendError) as caught:
        run(fake, max_retries=2)
    assert len(fake.requests) == 3
    assert "HTTP 500 (3 requests made: boom)" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_server_that_says_not_to_retry_is_not_retried(fake: FakeLLM) -> None:
    final = error_reply(503, "down for maintenance")
    final.headers["x-should-retry"] = "false"
    fake.push(final)
    with pytest.raises(BackendError, match="1 request made"):
        run(fake, max_retries=2)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body="<html>gateway</html>", content_type="text/html"),
        Reply(body="{not json", content_type="application/json"),
        Reply(body={"unexpected": True}),
        Reply(body={"choices": [{"message": "no"}]}),
    ],
)
def test_a_body_that_is_not_a_completion_is_a_backend_error(fake: FakeLLM, reply: Reply) -> None:
    fake.push(reply)
    with pytest.raises(BackendError, match="not a chat completion"):
        run(fake)


@pytest.mark.parametrize("param", ["temperature", "max_completion_tokens"])
def test_an_unsupported_optional_parameter_is_dropped_for_the_rest_of_the_run(
    fake: FakeLLM, param: str
) -> None:
    fake.push(error_reply(400, f"Unsupported parameter: '{param}'"), plan(), plan())
    assert run(fake).claims == []
    assert param in fake.requests[0]
    assert param not in fake.requests[1]


def test_a_reply_without_usage_is_counted_on_bounded_text(fake: FakeLLM) -> None:
    reply = plan(program(caveats=["x" * 1500] * 5))
    del reply["usage"]
    fake.push(reply)
    report = run(fake)
    assert report.usage.prompt_tokens > 1000
    assert 0 < report.usage.completion_tokens < 10_000


def test_a_callers_own_client_is_used_and_left_as_it_was(fake: FakeLLM) -> None:
    fake.push(plan(program()), plan())
    client = openai.OpenAI(base_url=fake.url, api_key="caller-key", max_retries=5)
    report = check_with_openai(TEXT, client=client, model="gpt-4o-mini")
    assert [c.verdict.label for c in report.claims] == ["supported"]
    assert client.max_retries == 5
    again = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert again.choices[0].message.content == json.dumps({"claims": []})


def test_missing_api_key_without_base_url_is_a_backend_error() -> None:
    with pytest.raises(BackendError, match="set OPENAI_API_KEY"):
        check_with_openai(TEXT)


def test_invalid_options_are_a_backend_error(fake: FakeLLM) -> None:
    with pytest.raises(BackendError, match="timeout must be > 0 seconds"):
        run(fake, timeout=0)


def test_a_refused_api_key_says_so(fake: FakeLLM) -> None:
    fake.push(error_reply(401, "Incorrect API key provided"))
    with pytest.raises(BackendError, match=r"refused the API key .* check OPENAI_API_KEY"):
        run(fake)
