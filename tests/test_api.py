"""The Python API: typed options, a caller's own client, acheck, exports, py.typed."""

from __future__ import annotations

import asyncio
import inspect
import tomllib
from pathlib import Path
from typing import Any

import httpx2
import openai
import pytest
from llm_script import GOOD_QUOTE, TEXT, plan, program
from mypy import api as mypy_api

import flopcheck
from flopcheck.errors import FlopcheckError
from flopcheck.llm.agent import check_with_openai
from flopcheck.plugin import adapters, llm_plugin, mcp_server
from flopcheck.plugin.llm_options import OpenAIOptions
from flopcheck.testing.fake_llm import FakeLLM

ROOT = Path(__file__).resolve().parents[1]


def test_py_typed_is_shipped() -> None:
    assert (ROOT / "flopcheck" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["flopcheck"]


def test_claim_verdict_and_label_come_from_the_package() -> None:
    from flopcheck import Claim, Label, Report, Verdict
    from flopcheck.engine import report

    assert (Claim, Verdict, Report) == (report.Claim, report.Verdict, report.Report)
    assert Label == report.Label
    assert set(flopcheck.__all__) >= {"Claim", "Verdict", "Label", "check", "acheck"}
    with pytest.raises(AttributeError):
        _ = flopcheck.Nothing


def test_the_options_type_lists_every_openai_backend_option() -> None:
    params = inspect.signature(check_with_openai).parameters
    keywords = {n for n, p in params.items() if p.kind is p.KEYWORD_ONLY} - {"source"}
    assert set(OpenAIOptions.__annotations__) == keywords


def test_a_misspelt_option_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(FlopcheckError, match="unknown option 'modle'; did you mean 'model'"):
        flopcheck.check(TEXT, backend="openai", modle="gpt-4o-mini")  # type: ignore[call-arg]


def test_a_misspelt_option_is_a_type_error(tmp_path: Path) -> None:
    code = "import flopcheck\nflopcheck.check('text', backend='openai', modle='gpt-4o-mini')\n"
    (tmp_path / "caller.py").write_text(code)
    out, _, status = mypy_api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(tmp_path)]
    )
    assert status == 1, out
    assert 'Unexpected keyword argument "modle"' in out


@pytest.mark.parametrize("backend", ["rules", "auto"])
def test_an_option_the_backend_does_not_use_is_an_error(backend: str) -> None:
    with pytest.raises(FlopcheckError, match="timeout: options of the openai backend"):
        flopcheck.check(TEXT, backend=backend, timeout=5)


def _script(fake: FakeLLM) -> None:
    fake.push(plan(program()))


def _client(fake: FakeLLM, seen: list[str]) -> openai.OpenAI:
    """A caller's client: its own key, header and HTTP client, which records what it sends."""

    def record(request: Any) -> None:
        seen.append(request.headers.get("x-caller", ""))

    http = httpx2.Client(event_hooks={"request": [record]})
    return openai.OpenAI(
        base_url=fake.url,
        api_key="caller-key",
        default_headers={"X-Caller": "newsroom"},
        max_retries=0,
        http_client=http,
    )


@pytest.mark.parametrize("backend", ["openai", "auto"])
def test_check_uses_the_callers_own_client(fake: FakeLLM, backend: str) -> None:
    _script(fake)
    seen: list[str] = []
    client = _client(fake, seen)
    # No key and no base URL anywhere else: only the caller's client can reach the server.
    report = flopcheck.check(TEXT, backend=backend, client=client, model="gpt-4o-mini")
    assert report.backend == "openai"
    assert report.claims[0].verdict.label == "supported"
    assert seen == ["newsroom"]
    assert not client.is_closed()
    client.close()


def test_check_with_openai_takes_a_client(fake: FakeLLM) -> None:
    _script(fake)
    seen: list[str] = []
    client = _client(fake, seen)
    report = check_with_openai(TEXT, client=client, model="gpt-4o-mini")
    assert [c.quote for c in report.claims] == [GOOD_QUOTE]
    assert len(seen) == 1
    client.close()


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        ({"timeout": 5}, "timeout with client: set them on the client"),
        ({"base_url": "http://x/v1"}, "base_url with client"),
    ],
)
def test_a_client_with_settings_of_its_own_is_refused(
    fake: FakeLLM, options: dict[str, Any], needle: str
) -> None:
    client = _client(fake, [])
    with pytest.raises(FlopcheckError, match=needle):
        flopcheck.check(TEXT, backend="openai", client=client, **options)
    assert fake.requests == []
    client.close()


def test_an_async_client_is_refused_with_a_pointer() -> None:
    client = openai.AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(FlopcheckError, match=r"must be an openai\.OpenAI client.*acheck"):
        flopcheck.check(TEXT, backend="openai", client=client)  # type: ignore[arg-type]


def test_acheck_gives_the_same_reports_concurrently() -> None:
    texts = [TEXT, "DeepSeek-V3 used 2,048 H800 GPUs for 54 days."]

    async def both() -> list[flopcheck.Report]:
        return list(await asyncio.gather(*(flopcheck.acheck(t, source=t[:8]) for t in texts)))

    reports = asyncio.run(both())
    for text, report in zip(texts, reports, strict=True):
        assert report == flopcheck.check(text, source=text[:8])
    assert reports[0].claims


def test_acheck_refuses_bad_options_too() -> None:
    with pytest.raises(FlopcheckError, match="unknown option"):
        asyncio.run(flopcheck.acheck(TEXT, colour="red"))  # type: ignore[call-arg]


@pytest.mark.parametrize("module", [adapters, llm_plugin, mcp_server])
def test_plugin_modules_export_only_public_names(module: Any) -> None:
    exported = set(module.__all__)
    assert all(not name.startswith("_") for name in exported)
    assert all(hasattr(module, name) for name in exported)
    # Everything public that the module defines itself is exported, and nothing else.
    defined = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and getattr(value, "__module__", None) == module.__name__
        and (inspect.isfunction(value) or inspect.isclass(value))
    }
    assert defined <= exported
    assert exported - defined <= {"ARTICLE_TOOLS"}
