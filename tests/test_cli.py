"""The command line: exit codes, one-line errors, bad input files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flopcheck.plugin.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "deepseek_costs.txt"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "flopcheck", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_check_example_prints_a_table() -> None:
    proc = run("check", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "claims (" in out
    assert "WRONG" in out
    assert "OK" in out


def test_check_json_is_a_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main(["check", str(EXAMPLE), "--format", "json", "-o", str(out)]) == 0
    report = json.loads(out.read_text("utf-8"))
    assert report["backend"] == "rules"
    assert report["claims"]


def test_check_markdown_has_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE), "--format", "markdown", "--backend", "rules"]) == 0
    assert "| # | claim |" in capsys.readouterr().out


def test_check_reads_stdin() -> None:
    proc = run("check", "-", "--format", "json", stdin=EXAMPLE.read_bytes())
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["source"] == "<stdin>"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("binary", "binary"),
        ("huge", "limit"),
    ],
)
def test_bad_input_files_exit_2_with_one_line(tmp_path: Path, setup: str, message: str) -> None:
    path = tmp_path / "input"
    if setup == "directory":
        path.mkdir()
    elif setup == "binary":
        path.write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    elif setup == "huge":
        path.write_bytes(b"The H800 cost $2/GPU hour. " * 800_000)
    proc = run("check", str(path))
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_empty_file_gives_an_empty_report_and_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("")
    proc = run("check", str(path), "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["claims"] == []
    assert b"empty" in proc.stderr


def test_invalid_utf8_is_replaced_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("DeepSeek used 2,048 H800 GPUs \xe9t\xe9.".encode("latin-1"))
    proc = run("check", str(path), "--format", "json")
    assert proc.returncode == 0
    assert b"not valid UTF-8" in proc.stderr


def test_tool_prints_json_result() -> None:
    proc = run(
        "tool", "training_cost", '{"accelerator_hours": 2788000, "usd_per_accelerator_hour": 2}'
    )
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["value"]["mid"] == 5_576_000


@pytest.mark.parametrize(
    "args",
    [
        ("tool", "nope", "{}"),
        ("tool", "lookup_accelerator", '{"name": "H900"}'),
        ("tool", "training_compute", "{bad json"),
        ("tool", "training_compute", '{"active_params": -5, "tokens": 1}'),
    ],
)
def test_tool_errors_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stderr.decode().count("\n") == 1
    assert proc.stdout == b""


def test_tools_prints_every_schema() -> None:
    proc = run("tools")
    names = {t["function"]["name"] for t in json.loads(proc.stdout)}
    assert {"training_cost", "compare_claim", "calculate"} <= names


def test_tool_does_not_import_the_openai_sdk() -> None:
    code = (
        "import sys; from flopcheck.plugin.cli import main; "
        "main(['tool', 'cluster_time', '{\"gpus\": 8, \"days\": 1}']); "
        "assert 'openai' not in sys.modules and 'tiktoken' not in sys.modules"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_help_explains_the_commands() -> None:
    out = run("--help").stdout.decode()
    for word in ("check", "tools", "tool", "examples:"):
        assert word in out


def test_an_internal_error_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("boom")

    monkeypatch.setattr("flopcheck.plugin.checker.check", broken)
    monkeypatch.delenv("FLOPCHECK_DEBUG", raising=False)
    assert main(["check", str(EXAMPLE)]) == 70
    backend, error = capsys.readouterr().err.splitlines()
    assert backend == "flopcheck: backend: rules (offline)"
    assert "internal error (TypeError: boom)" in error
