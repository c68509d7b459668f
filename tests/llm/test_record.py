"""Record a run's model replies, replay them offline through the real client: same Report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llm_script import COST_STEP, TEXT, WRONG_QUOTE, plan, program, run

from flopcheck.engine.report import Report
from flopcheck.errors import BackendError
from flopcheck.llm.record import request_key
from flopcheck.plugin.cli import main
from flopcheck.testing.fake_llm import FakeLLM


def test_a_replayed_run_gives_the_same_report(tmp_path: Path) -> None:
    typo = program(steps=[{**COST_STEP, "tool": "trainig_cost"}])
    with FakeLLM(json_schema=False) as live:
        live.push(plan(typo, program(WRONG_QUOTE, 1e6, "$1M")), plan(program()))
        recorded = run(live, record=tmp_path)
    assert len(list(tmp_path.glob("*.json"))) == 3  # the rejected format, the plan, the repair
    with FakeLLM(replay=tmp_path) as offline:
        replayed = run(offline)
    assert replayed.model_dump() == recorded.model_dump()
    assert [c.verdict.label for c in replayed.claims] == ["supported", "refuted"]


def test_the_key_of_a_request_does_not_depend_on_field_order() -> None:
    a = {"model": "m", "messages": [{"role": "user", "content": "x"}], "seed": 7}
    b = {"seed": 7, "messages": [{"content": "x", "role": "user"}], "model": "m"}
    assert request_key(a) == request_key(b) == request_key(json.dumps(b).encode())
    assert request_key(a) != request_key({**a, "seed": 8})


def test_a_request_that_was_not_recorded_names_the_recording(tmp_path: Path) -> None:
    with FakeLLM(replay=tmp_path) as offline, pytest.raises(BackendError) as caught:
        run(offline)
    assert f"no recorded reply for this request in {tmp_path}" in str(caught.value)
    assert "1 request made" in str(caught.value)


def test_check_records_and_replays_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    recording = tmp_path / "replies"
    with FakeLLM() as live:
        live.push(plan(program()))
        args = ["check", str(article), "--format", "json", "--base-url", live.url]
        assert main([*args, "--record", str(recording)]) == 0
    first = capsys.readouterr()
    assert main(["check", str(article), "--format", "json", "--replay", str(recording)]) == 0
    second = capsys.readouterr()
    assert second.out == first.out
    assert Report.model_validate_json(second.out).backend == "openai"
    assert f"flopcheck: backend: openai (model gpt-4.1-mini at {live.url})" in first.err
    assert f"replaying {recording}" in second.err


def test_replay_of_a_missing_recording_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    assert main(["check", str(article), "--replay", str(tmp_path / "nothing")]) == 2
    assert "no recording at" in capsys.readouterr().err


def test_record_with_the_rules_backend_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    code = main(["check", str(article), "--backend", "rules", "--record", str(tmp_path / "r")])
    assert code == 2
    assert "record: options of the openai backend" in capsys.readouterr().err


def test_an_eval_run_replays_offline_with_the_same_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recording = tmp_path / "replies"
    common = ["eval", "--dataset", "synthetic", "--format", "json", "--no-floors"]
    assert main([*common, "--scripted-model", "--record", str(recording)]) == 0
    live = json.loads(capsys.readouterr().out)
    assert main([*common, "--replay", str(recording)]) == 0
    offline = json.loads(capsys.readouterr().out)
    assert offline["backend"] == live["backend"] == "openai"
    assert offline["synthetic"] == live["synthetic"]
    for key in ("llm_calls", "prompt_tokens", "completion_tokens", "tokens_per_claim"):
        assert offline["cost"][key] == live["cost"][key]


def test_a_batch_records_and_replays_with_the_same_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"{n}.txt").write_text(f"Article {n}. {TEXT}")
    recording, first, second = tmp_path / "replies", tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    with FakeLLM(model=True) as live:
        args = ["batch", str(corpus), "-q", "--base-url", live.url, "--record", str(recording)]
        assert main([*args, "-o", str(first)]) == 0
    assert main(["batch", str(corpus), "-q", "--replay", str(recording), "-o", str(second)]) == 0
    lines = [sorted(p.read_text().splitlines()) for p in (first, second)]
    assert lines[0] == lines[1]
    assert len(lines[0]) == 3
    assert all(json.loads(line)["backend"] == "openai" for line in lines[0])
