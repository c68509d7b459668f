"""The openai backend end to end against the fake server's rules-backed scripted model."""

from __future__ import annotations

import importlib.util
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

import flopcheck
from flopcheck.engine.report import Report
from flopcheck.llm.agent import check_with_openai
from flopcheck.testing.fake_llm import FakeLLM

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("flopcheck.plugin.checker") is None,
    reason="the rules checker is not there yet",
)

ARTICLES = Path(__file__).resolve().parents[1] / "flopcheck/evals/data/real/articles"
ARTICLE = ARTICLES / "founding_bernstein.txt"
# The scripted model can cite only a figure that some tool result holds (possibly rescaled);
# a rules verdict whose figure is derived outside the tools becomes unverifiable here.
UNCITABLE = "no tool result holding the figure"


@pytest.fixture
def scripted() -> Iterator[FakeLLM]:
    server = FakeLLM(model=True).start()
    yield server
    server.stop()


def agent_report(fake: FakeLLM, text: str) -> Report:
    return check_with_openai(text, base_url=fake.url, model="gpt-4o-mini", max_retries=0)


def summary(report: Report) -> list[tuple[int, int, str, str]]:
    return [(c.start, c.end, c.kind, c.verdict.label) for c in report.claims]


@pytest.mark.parametrize("path", sorted(ARTICLES.glob("founding_*.txt")), ids=lambda p: p.stem)
def test_scripted_model_reproduces_the_rules_report(scripted: FakeLLM, path: Path) -> None:
    from flopcheck.plugin.checker import check

    text = path.read_text("utf-8")
    rules, agent = check(text, backend="rules"), agent_report(scripted, text)
    assert [(c.start, c.end, c.kind) for c in agent.claims] == [
        (c.start, c.end, c.kind) for c in rules.claims
    ]
    for ours, theirs in zip(agent.claims, rules.claims, strict=True):
        assert ours.quote == text[ours.start : ours.end]
        assert (
            ours.verdict.label == theirs.verdict.label or UNCITABLE in ours.verdict.explanation
        ), ours.quote
        if ours.verdict.label in ("supported", "refuted"):
            assert ours.verdict.steps[-1].tool == "compare_claim"
    assert agent.usage.llm_calls > len(agent.claims)
    assert agent.usage.tool_calls >= sum(len(c.verdict.steps) for c in agent.claims)


def test_fallback_formats_give_the_same_report() -> None:
    text = ARTICLE.read_text("utf-8")
    servers = [
        FakeLLM(model=True),
        FakeLLM(model=True, json_schema=False),
        FakeLLM(model=True, json_schema=False, json_object=False),
        FakeLLM(model=True, json_schema=False, fence_json=True),
    ]
    reports = []
    for server in servers:
        with server as fake:
            reports.append(summary(agent_report(fake, text)))
    assert all(r == reports[0] for r in reports[1:])


def test_public_check_runs_the_openai_backend(scripted: FakeLLM) -> None:
    report = flopcheck.check(
        ARTICLE.read_text("utf-8"), backend="openai", base_url=scripted.url, model="gpt-4o-mini"
    )
    assert report.backend == "openai"
    assert report.claims


def test_auto_backend_picks_openai_when_a_base_url_is_configured(
    scripted: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", scripted.url)
    report = flopcheck.check(ARTICLE.read_text("utf-8"), backend="auto", model="gpt-4o-mini")
    assert report.backend == "openai"


def _cli_has_openai_options() -> bool:
    from flopcheck.plugin.cli import build_parser

    try:
        build_parser().parse_args(["check", "-", "--backend", "openai", "--base-url", "x"])
    except SystemExit:
        return False
    return True


cli_wired = pytest.mark.skipif(
    not _cli_has_openai_options(), reason="the cli has no --base-url option yet"
)


@cli_wired
def test_cli_check_with_the_openai_backend_prints_a_report(
    scripted: FakeLLM, capsys: pytest.CaptureFixture[str]
) -> None:
    from flopcheck.plugin.cli import main

    code = main(
        [
            "check",
            str(ARTICLE),
            "--backend",
            "openai",
            "--base-url",
            scripted.url,
            "--model",
            "gpt-4o-mini",
            "--format",
            "json",
        ]
    )
    report = Report.model_validate_json(capsys.readouterr().out)
    assert code == 0
    assert report.backend == "openai"
    assert report.usage.llm_calls > 0


@cli_wired
def test_cli_exits_3_with_one_line_when_the_server_is_unreachable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from flopcheck.plugin.cli import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = main(
        [
            "check",
            str(ARTICLE),
            "--backend",
            "openai",
            "--max-retries",
            "0",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
        ]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1
    assert "cannot connect to the model server" in err


def test_usage_prices_the_tokens_at_the_models_list_price() -> None:
    from flopcheck.engine.report import Usage
    from flopcheck.llm.agent import estimated_cost

    usage = Usage(llm_calls=2, prompt_tokens=1_000_000, completion_tokens=500_000)
    # GPT-4o lists $2.50 input and $10 output per million tokens.
    assert estimated_cost("gpt-4o", usage) == pytest.approx(2.5 + 5.0)
    assert estimated_cost("a-model-nobody-prices", usage) is None
