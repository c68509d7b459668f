"""``flopcheck recheck``: a Report's programs re-run with no model reproduce its verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flopcheck.engine.report import Report
from flopcheck.plugin.checker import check_rules
from flopcheck.plugin.cli import main
from flopcheck.plugin.recheck import recheck

DATA = Path(__file__).resolve().parents[2] / "flopcheck" / "evals" / "data"


@pytest.mark.parametrize("path", sorted(DATA.glob("*/articles/*.txt")), ids=lambda p: p.stem)
def test_recheck_reproduces_every_label_of_a_rules_report(path: Path) -> None:
    report = check_rules(path.read_text("utf-8"), source=path.name)
    restored = Report.model_validate_json(report.model_dump_json())
    changes, skipped = recheck(restored)
    assert changes == []
    assert skipped == 0


def test_recheck_prints_a_changed_verdict_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = check_rules("DeepSeek-V3 was trained on 14.8T tokens.")
    data = json.loads(report.model_dump_json())
    # As if the data had said something else when the Report was written.
    data["claims"][0]["verdict"]["label"] = "refuted"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["recheck", str(path)]) == 0
    out = capsys.readouterr().out
    assert "refuted -> supported" in out
    assert "1 changed" in out


def test_recheck_reads_batch_output_and_skips_error_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = check_rules("DeepSeek-V3 was trained on 14.8T tokens.")
    lines = [
        json.dumps({"id": "a", **json.loads(report.model_dump_json())}),
        json.dumps({"id": "b", "error": "binary file"}),
    ]
    path = tmp_path / "out.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["recheck", str(path)]) == 0
    assert "0 changed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json at all", "not JSON"), ('{"claims": 3}', "not a flopcheck Report")],
)
def test_recheck_refuses_what_is_not_a_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["recheck", str(path)]) == 2
    assert message in capsys.readouterr().err
