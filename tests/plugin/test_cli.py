"""The command line: exit codes, one-line errors, bad input files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pty_runner import run_on_a_terminal

from flopcheck.plugin.cli import main
from flopcheck.tools import tools

REPO = Path(__file__).resolve().parents[2]
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
    assert re.match(rf"{re.escape(str(EXAMPLE))}: 11 claims: \d+ ✓ supported, \d+ ✗ refuted", out)
    assert "✗ refuted" in out
    assert "✓ supported" in out
    assert "\x1b[" not in out  # a pipe gets no colour


def test_colour_on_a_terminal_unless_no_color() -> None:
    env = {"PATH": "/usr/bin:/bin", "TERM": "xterm"}
    coloured = run_on_a_terminal(["check", str(EXAMPLE)], env=env)
    assert "\x1b[31m✗ refuted\x1b[0m" in coloured
    plain = run_on_a_terminal(["check", str(EXAMPLE)], env={**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain
    assert "✗ refuted" in plain


@pytest.mark.parametrize("flag", ["--steps", "--verbose", "-v"])
def test_steps_print_each_claims_tool_calls(flag: str) -> None:
    out = run("check", str(EXAMPLE), flag).stdout.decode()
    assert 'lookup_training_run(model="DeepSeek-V3")' in out
    assert "training_cost(accelerator_hours=2788000.0" in out
    assert "lookup_training_run(" not in run("check", str(EXAMPLE)).stdout.decode()


def test_empty_input_gets_a_clear_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n")
    out = run("check", str(path)).stdout.decode()
    assert " ".join(out.split()) == f"{path}: empty input, nothing to check"


def test_output_dash_is_stdout(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flopcheck", "check", str(EXAMPLE), "-o", "-", "--format", "json"],
        capture_output=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["claims"]
    assert not (tmp_path / "-").exists()


PAGE = (
    "<!DOCTYPE html><html><head><title>DeepSeek</title><style>p{}</style>"
    "<script>var cost = '$9M on 4,096 H100 GPUs';</script></head><body>"
    "<p>DeepSeek-V3 cost <b>$5.5M</b> to train on 2,048 <i>H800</i> GPUs.</p>"
    "<noscript>$7M</noscript></body></html>"
)


@pytest.mark.parametrize("where", ["file.html", "file.htm", "stdin"])
def test_check_reduces_html_to_text(tmp_path: Path, where: str) -> None:
    if where == "stdin":
        proc = run("check", "-", "--format", "json", stdin=PAGE.encode())
    else:
        path = tmp_path / where
        path.write_text(PAGE)
        proc = run("check", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    claims = json.loads(proc.stdout)["claims"]
    quotes = [c["quote"] for c in claims]
    assert any("$5.5M" in q for q in quotes)
    assert not any("$9M" in q or "4,096" in q or "$7M" in q for q in quotes)
    assert not any("<" in q or ">" in q for q in quotes)


def test_check_json_is_a_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main(["check", str(EXAMPLE), "--format", "json", "-o", str(out)]) == 0
    report = json.loads(out.read_text("utf-8"))
    assert report["backend"] == "rules"
    assert report["claims"]


def test_check_markdown_has_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE), "--format", "markdown", "--backend", "rules"]) == 0
    assert (
        "| id | claim | kind | verdict | claimed | found | from | why |" in capsys.readouterr().out
    )


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


def test_windows_1252_is_decoded_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    text = (
        "The \u201cbudget\u201d was \u20ac25,000 \u2014 2,048 H800 GPUs, caf\u00e9 \u00e9t\u00e9."
    )
    path.write_bytes(text.encode("cp1252"))
    proc = run("check", str(path), "--format", "html")
    assert proc.returncode == 0
    assert "€25,000" in proc.stdout.decode()
    assert "“budget”" in proc.stdout.decode()
    err = proc.stderr.decode()
    assert "not valid UTF-8" in err
    assert "read as Windows-1252" in err
    assert err.splitlines()[1:] == ["flopcheck: backend: rules (offline)"]


@pytest.mark.parametrize(
    "data",
    [
        "caf\u00e9 \u2014 ".encode() + b"\x93mixed\x94 2,048 GPUs",  # UTF-8 with stray bytes
        b"DeepSeek used 2,048 GPUs \x81\x8d",  # bytes Windows-1252 does not assign
        b"DeepSeek \x1b\x02 used \xe9\xe9\xe9 GPUs",  # control characters: not text
        "\u0394\u03b5\u03b9\u03bd\u03cc\u03c2 \u03ba\u03cc\u03c3\u03c4\u03bf\u03c2".encode(
            "cp1253"
        ),  # Greek
    ],
)
def test_other_invalid_utf8_is_replaced_and_reported(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    proc = run("check", str(path), "--format", "html")
    assert proc.returncode == 0
    assert "\ufffd" in proc.stdout.decode()
    assert b"replaced with U+FFFD" in proc.stderr


def test_the_size_message_states_the_real_size(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"The H800 cost $2/GPU hour. " * 800_000)  # 21.6 MB
    err = run("check", str(path)).stderr.decode()
    assert "big.txt is 21.6 MB; the limit for one article is 8 MB" in err
    assert "flopcheck batch" in err
    piped = run("check", "-", stdin=path.read_bytes()).stderr.decode()
    assert "<stdin> is over 8 MB" in piped


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
        ("tool", "lookup_accelerator", '{"accelerator": "H900"}'),
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


def test_tools_list_prints_one_line_per_tool(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(tools())
    assert all(len(line) <= 100 for line in lines)
    assert any("6 x active parameters x tokens" in line for line in lines)


def test_tools_prints_the_responses_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools", "--api", "responses"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {t["name"] for t in listed} == set(tools())
    assert all(t["type"] == "function" and "parameters" in t for t in listed)


def test_tool_help_lists_that_tools_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tool", "accelerator_hours", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accelerator_hours: Accelerator-hours needed")
    for name in tools()["accelerator_hours"].args_model.model_fields:
        assert f"  {name}  (" in out
    assert "mfu  (number in (0, 1], optional)" in out
    assert "precision  (fp64|tf32|bf16|fp16|fp8|fp4, optional)" in out
    assert "flop  (number > 0, required)" in out


def test_tool_help_for_an_unknown_name_suggests_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tool", "gpu_hours", "--help"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "did you mean accelerator_hours" in err


def test_tool_without_a_name_is_a_usage_error() -> None:
    proc = run("tool")
    assert proc.returncode == 2
    assert b"give a tool name" in proc.stderr
    assert run("tool", "--help").returncode == 0


def test_tool_does_not_import_the_openai_sdk() -> None:
    code = (
        "import sys; from flopcheck.plugin.cli import main; "
        "assert main(['tool', 'cluster_time', '{\"accelerator_count\": 8, \"days\": 1}']) == 0; "
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


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    # `flopcheck tool ... | head`: the reader has gone before the result is written.
    read_end, write_end = os.pipe()
    cmd = [sys.executable, "-m", "flopcheck", "tool", "lookup_training_run", '{"model": "GPT-4"}']
    with subprocess.Popen(cmd, stdout=write_end, stderr=subprocess.PIPE) as proc:
        os.close(write_end)
        os.close(read_end)
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert "internal error" not in err
    assert code == 0
