"""Which backend runs, named on stderr; the openai backend from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import flopcheck
from flopcheck.engine.report import Report
from flopcheck.plugin.cli import main
from flopcheck.testing.fake_llm import FakeLLM, Reply, completion, error_reply

TEXT = "DeepSeek says it trained V3 for $5.5M on 2.788M H800 GPU hours at $2 per GPU hour."


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(TEXT)
    return path


def test_a_base_url_implies_the_openai_backend_and_stderr_names_it(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeLLM(model=True) as fake:
        code = main(["check", str(article), "--base-url", fake.url, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert Report.model_validate_json(out).backend == "openai"
    assert fake.requests
    assert err.splitlines()[0] == f"flopcheck: backend: openai (model gpt-4.1-mini at {fake.url})"


def test_without_an_endpoint_auto_is_the_rules_backend_and_stderr_says_so(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(article), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert Report.model_validate_json(out).backend == "rules"
    assert err == "flopcheck: backend: rules (offline)\n"


def test_base_url_in_python_implies_the_openai_backend() -> None:
    with FakeLLM(model=True) as fake:
        report = flopcheck.check(TEXT, backend="auto", base_url=fake.url)
    assert report.backend == "openai"
    assert fake.requests


def test_batch_with_a_base_url_runs_the_openai_backend(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    with FakeLLM(model=True) as fake:
        code = main(["batch", str(article), "-o", str(out), "-q", "--base-url", fake.url])
    assert code == 0
    assert json.loads(out.read_text())["backend"] == "openai"
    assert "flopcheck: backend: openai" in capsys.readouterr().err


def test_a_chunk_skipped_for_budget_is_a_warning_on_stderr(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeLLM(model=True) as fake:
        args = ["check", str(article), "--base-url", fake.url, "--token-budget", "10"]
        assert main([*args, "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert Report.model_validate_json(out).usage.skipped
    assert "flopcheck: warning: chunk 1 of 1" in err
    assert "token budget of 10 tokens" in err


NAN_PLAN = (
    '{"claims": [{"quote": "trained V3 for $5.5M", "kind": "training_cost", "claimed": '
    '{"value": NaN, "low": -Infinity, "high": 1e999, "unit": "USD", "written": {"literal": '
    '"$5.5M", "hedged": false, "bound": null}}, "steps": [{"id": "s1", "tool": "calculate", '
    '"args": {"expression": "1/0"}}], "compare": [{"step": "s1", "field": "value"}]}]}'
)
HOSTILE = {
    "slow-drip": [Reply(body=completion('{"claims": []}'), drip=0.05)] * 2,
    "huge": [Reply(body=completion('{"claims": []}'), pad=50_000_000, declare_length=False)],
    "cut": [Reply(body=completion('{"claims": []}'), cut_after=10)] * 2,
    "html": [Reply(body="<html>502</html>", content_type="text/html")],
    "long-429": [Reply(**vars(error_reply(429, "no")) | {"headers": {"retry-after": "999"}})],
    "garbage": [completion("no json here")] * 6,
    "bad-programs": [completion(json.dumps({"claims": [{"quote": TEXT[:20], "steps": 3}]}))] * 3,
    "nested": [completion("[" * 100_000 + "]" * 100_000)] * 6,
    "nested-body": [Reply(body="[" * 100_000 + "]" * 100_000)],
    "nested-error": [Reply(body="[" * 100_000 + "]" * 100_000, status=500)] * 2,
    "wrong-types": [{"choices": [{"message": {"content": 5, "tool_calls": 7}}], "usage": []}] * 6,
    "not-a-number": [completion(NAN_PLAN)] * 3,
}


@pytest.mark.parametrize("replies", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_server_never_gets_a_traceback(
    article: Path, capsys: pytest.CaptureFixture[str], replies: list[Reply]
) -> None:
    with FakeLLM(replies) as fake:
        args = ["check", str(article), "--backend", "openai", "--base-url", fake.url]
        code = main([*args, "--timeout", "1", "--max-retries", "1", "--format", "json"])
    err = capsys.readouterr().err
    assert code in (0, 3), err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert all(line.startswith("flopcheck: ") for line in err.splitlines())


def test_a_request_abandoned_at_its_deadline_leaves_no_traceback_at_exit(article: Path) -> None:
    with FakeLLM([Reply(body=completion('{"claims": []}'), drip=0.05)]) as fake:
        args = ["check", str(article), "--backend", "openai", "--base-url", fake.url]
        proc = subprocess.run(
            [sys.executable, "-m", "flopcheck", *args, "--timeout", "1", "--max-retries", "0"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 3
    backend, error = proc.stderr.splitlines()
    assert backend.startswith("flopcheck: backend: openai")
    assert "did not send a complete reply within 1s (1 request made" in error


def test_the_scripted_eval_prints_tokens_per_claim(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "--dataset", "synthetic", "--format", "json", "--no-floors"]
    assert main([*args, "--scripted-model"]) == 0
    scripted = json.loads(capsys.readouterr().out)["cost"]
    assert main(args) == 0
    rules = json.loads(capsys.readouterr().out)["cost"]
    assert 0 < scripted["tokens_per_claim"] <= 2000
    assert scripted["estimated_cost_usd"] > 0  # the default model's price is in the table
    assert rules["tokens_per_claim"] is None
