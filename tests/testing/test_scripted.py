"""The scripted model writes the rules backend's programs: whoever writes a program, the engine
gives it the same verdict, and a Report of either backend re-runs without any model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flopcheck.engine.report import Report
from flopcheck.engine.runner import run_program
from flopcheck.llm.agent import check_with_openai
from flopcheck.llm.shape import without_span
from flopcheck.plugin.checker import check_rules
from flopcheck.plugin.recheck import recheck
from flopcheck.prompts import load_prompt
from flopcheck.testing.fake_llm import FakeLLM
from flopcheck.testing.scripted import answer

DATA = Path(__file__).resolve().parents[2] / "flopcheck/evals/data"
ARTICLES = sorted(DATA.glob("*/articles/*.txt"))
FOUNDING = DATA / "real/articles/founding_bernstein.txt"


def llm_report(fake: FakeLLM, text: str) -> Report:
    return check_with_openai(text, base_url=fake.url, model="gpt-4o-mini", max_retries=0)


def rows(report: Report) -> list[str]:
    """Each claim once (the rules backend may list one twice) as its program and verdict.

    Without the span: a quote that occurs twice is placed at its first free occurrence, which
    need not be the one the rules backend chose; the program and its verdict are the same.
    """
    return sorted(
        {
            json.dumps([without_span(c.program) if c.program else None, c.verdict.model_dump()])
            for c in report.claims
        }
    )


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_the_same_programs_give_the_same_verdicts_whichever_backend_wrote_them(
    path: Path,
) -> None:
    text = path.read_text("utf-8")
    with FakeLLM(model=True) as fake:
        llm = llm_report(fake, text)
    assert llm.backend == "openai"
    # Every labelled article fits in one chunk, whose programs are the rules backend's.
    assert rows(llm) == rows(check_rules(text))
    for claim in llm.claims:
        assert claim.program is not None
        assert claim.quote == text[claim.start : claim.end]
        assert run_program(claim.program) == claim.verdict


def test_a_replayed_scripted_report_rechecks_with_no_change(tmp_path: Path) -> None:
    text = FOUNDING.read_text("utf-8")
    with FakeLLM(model=True) as fake:
        recorded = check_with_openai(text, base_url=fake.url, record=tmp_path)
    with FakeLLM(replay=tmp_path) as offline:
        replayed = check_with_openai(text, base_url=offline.url)
    assert replayed == recorded
    changes, without_program = recheck(replayed)
    assert (changes, without_program) == ([], 0)
    assert replayed.claims


def test_every_reply_format_gives_the_same_report() -> None:
    text = FOUNDING.read_text("utf-8")
    servers = [
        FakeLLM(model=True),
        FakeLLM(model=True, json_schema=False),
        FakeLLM(model=True, json_schema=False, json_object=False),
        FakeLLM(model=True, json_schema=False, fence_json=True),
    ]
    reports = []
    for server in servers:
        with server as fake:
            reports.append(llm_report(fake, text).claims)
    assert reports[0]
    assert all(r == reports[0] for r in reports[1:])


def test_a_repair_request_gets_no_programs_back() -> None:
    prompt = load_prompt("repair_programs", claims="{}", format="f")
    reply = answer({"messages": [{"role": "user", "content": prompt}]})
    assert reply["choices"][0]["message"]["content"] == '{"claims": []}'
    assert reply["usage"]["prompt_tokens"] > 0
