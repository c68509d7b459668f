"""``flopcheck batch``: mixed inputs, bad inputs, kill -9 then --resume, torn lines, stdin."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from flopcheck.plugin._batch_io import html_to_text, scan_done
from flopcheck.plugin._batch_progress import Tally, progress_line
from flopcheck.plugin.cli import main as cli_main
from flopcheck.testing.fake_llm import FakeLLM

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "flopcheck" / "evals" / "data"
ARTICLE = "DeepSeek-V3 cost $5.5M to train on 2,048 H800 GPUs over two months.\n"


def run_cli(args: list[str]) -> int:
    return cli_main(["batch", *args])


def batch(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m flopcheck batch`` and return the finished process.

    Args:
        *args: command-line arguments.
        stdin: bytes for standard input.
    """
    return subprocess.run(
        [sys.executable, "-m", "flopcheck", "batch", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def lines(path: Path) -> list[dict[str, Any]]:
    """Return the JSON lines of an output file.

    Args:
        path: the file.
    """
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def corpus(path: Path, n: int, seed: int = 7) -> list[str]:
    """Write a JSONL corpus of ``n`` short articles made of the eval articles' sentences.

    Args:
        path: the JSONL file to write.
        n: the number of articles.
        seed: the random seed.
    """
    rng = random.Random(seed)
    text = " ".join(p.read_text("utf-8") for p in sorted(DATA.glob("*/articles/*.txt")))
    sentences = [s.strip() + "." for s in text.split(". ") if 20 < len(s) < 400]
    ids = [f"a{i}" for i in range(n)]
    with path.open("w", encoding="utf-8") as fh:
        for rid in ids:
            body = " ".join(rng.sample(sentences, 12))
            fh.write(json.dumps({"id": rid, "text": body, "feed": "test"}) + "\n")
    return ids


def workers_exit(group: int, wait: float = 10.0) -> bool:
    """Return whether every process of a process group has exited within ``wait`` seconds.

    Args:
        group: the process group id.
        wait: seconds to wait.
    """
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_mixed_inputs_give_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "dir" / "sub").mkdir(parents=True)
    (tmp_path / "one.txt").write_text(ARTICLE)
    (tmp_path / "dir" / "a.md").write_text("# Costs\n\n" + ARTICLE)
    (tmp_path / "dir" / "sub" / "b.html").write_text(
        "<html><head><style>p{}</style><script>var x = '$9M';</script></head>"
        f"<body><p>{ARTICLE}</p></body></html>"
    )
    (tmp_path / "dir" / "ignored.csv").write_text("a,b\n")
    (tmp_path / "recs.jsonl").write_text(
        json.dumps({"id": "r1", "text": ARTICLE, "url": "https://x.test/1", "n": 3}) + "\n"
    )
    out = tmp_path / "out.jsonl"
    html = tmp_path / "html"
    proc = batch(
        str(tmp_path / "one.txt"),
        str(tmp_path / "dir"),
        str(tmp_path / "recs.jsonl"),
        "-",
        "-o",
        str(out),
        "--html",
        str(html),
        "--backend",
        "rules",
        stdin=ARTICLE.encode(),
    )
    assert proc.returncode == 0, proc.stderr
    got = {row["id"]: row for row in lines(out)}
    assert set(got) == {
        str(tmp_path / "one.txt"),
        str(tmp_path / "dir" / "a.md"),
        str(tmp_path / "dir" / "sub" / "b.html"),
        "r1",
        "<stdin>",
    }
    for row in got.values():
        assert "error" not in row
        assert row["claims"], row["id"]
        assert Path(row["html"]).is_file()
    assert got["r1"]["metadata"] == {"url": "https://x.test/1", "n": 3}
    assert got["r1"]["source"] == "r1"
    html_row = got[str(tmp_path / "dir" / "sub" / "b.html")]
    assert all("$9M" not in c["quote"] for c in html_row["claims"])
    assert "5 inputs (0 errors)" in proc.stderr.decode()
    assert len(list(html.glob("*.html"))) == 5


def test_bad_inputs_are_error_lines_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "recs.jsonl").write_text(
        json.dumps({"id": "ok", "text": ARTICLE})
        + "\n{not json\n"
        + json.dumps({"id": "notext", "lang": "en"})
        + "\n"
        + json.dumps({"text": "no id"})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    args = ["binary.txt", "good.txt", "missing.txt", "recs.jsonl", "-o", "out.jsonl"]
    assert (
        run_cli(
            [str(tmp_path / a) if not a.startswith("-") else a for a in args[:4]]
            + ["-o", str(out), "--backend", "rules", "-q", "--workers", "2"]
        )
        == 0
    )
    rows = {row["id"]: row for row in lines(out)}
    assert "NUL bytes" in rows[str(tmp_path / "binary.txt")]["error"]
    assert "no such file" in rows[str(tmp_path / "missing.txt")]["error"]
    assert "invalid JSON" in rows[f"{tmp_path / 'recs.jsonl'}:2"]["error"]
    assert "no string text" in rows["notext"]["error"]
    assert rows["notext"]["metadata"] == {"lang": "en"}
    assert "no string id" in rows[f"{tmp_path / 'recs.jsonl'}:4"]["error"]
    assert rows["ok"]["claims"]
    assert rows[str(tmp_path / "good.txt")]["claims"]
    assert len(rows) == 7


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "x", "error": "e"}\n')
    (tmp_path / "a.txt").write_text(ARTICLE)
    assert run_cli([str(tmp_path / "a.txt"), "-o", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run_cli([str(tmp_path / "a.txt"), "-o", str(out), "--workers", "0"])
    assert exc.value.code == 2
    assert run_cli([str(tmp_path / "a.txt"), "-o", str(tmp_path)]) == 2


def test_kill_9_then_resume_gives_every_input_exactly_once(tmp_path: Path) -> None:
    ids = corpus(tmp_path / "corpus.jsonl", 400)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "flopcheck", "batch", str(tmp_path / "corpus.jsonl")]
    cmd += ["-o", str(out), "--backend", "rules", "--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([*cmd, "-q"], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 40:
                break
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # the parent only, as the OOM killer would
        proc.wait(timeout=30)
        assert workers_exit(proc.pid), "pool workers outlived their parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # never leave orphans behind a failed test
    written = out.read_bytes().count(b"\n")
    assert 40 <= written < len(ids), "the run was not killed in the middle"
    resumed = batch(*cmd[4:], "--resume")
    assert resumed.returncode == 0, resumed.stderr
    counts = Counter(row["id"] for row in lines(out))
    assert set(counts) == set(ids)
    assert max(counts.values()) == 1
    assert f"{written:,} already in OUT" in resumed.stderr.decode() or written == len(ids)


def test_a_torn_last_line_is_cut_and_redone(tmp_path: Path) -> None:
    (tmp_path / "recs.jsonl").write_text(
        "".join(json.dumps({"id": f"r{i}", "text": ARTICLE}) + "\n" for i in range(3))
    )
    out = tmp_path / "out.jsonl"
    assert run_cli([str(tmp_path / "recs.jsonl"), "-o", str(out), "--backend", "rules", "-q"]) == 0
    whole = out.read_text("utf-8").splitlines(keepends=True)
    torn = whole[0] + whole[1] + whole[2][:25]
    out.write_text(torn)
    done, cut = scan_done(out)
    assert cut == 25
    assert len(done) == 2
    assert out.read_text("utf-8") == whole[0] + whole[1]
    out.write_text(torn)
    assert run_cli([str(tmp_path / "recs.jsonl"), "-o", str(out), "--resume", "-q"]) == 0
    rows = lines(out)
    assert sorted(row["id"] for row in rows) == ["r0", "r1", "r2"]


def test_stdin_jsonl_and_resume_skip_everything_done(tmp_path: Path) -> None:
    records = "".join(json.dumps({"id": i, "text": ARTICLE}) + "\n" for i in range(4))
    out = tmp_path / "out.jsonl"
    first = batch(
        "-", "--stdin-jsonl", "-o", str(out), "--backend", "rules", stdin=records.encode()
    )
    assert first.returncode == 0, first.stderr
    assert sorted(row["id"] for row in lines(out)) == [0, 1, 2, 3]
    again = batch("-", "--stdin-jsonl", "-o", str(out), "--resume", stdin=records.encode())
    assert again.returncode == 0
    assert "0 inputs" in again.stderr.decode()
    assert "4 already in OUT" in again.stderr.decode()
    assert len(lines(out)) == 4


def test_duplicate_ids_are_written_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    path = str(tmp_path / "a.txt")
    assert run_cli([path, path, "-o", str(out), "--backend", "rules", "-q"]) == 0
    assert [row["id"] for row in lines(out)] == [path]


def test_openai_backend_with_bounded_concurrency(tmp_path: Path) -> None:
    (tmp_path / "recs.jsonl").write_text(
        "".join(json.dumps({"id": f"r{i}", "text": ARTICLE}) + "\n" for i in range(3))
    )
    out = tmp_path / "out.jsonl"
    with FakeLLM(model=True) as fake:
        args = [str(tmp_path / "recs.jsonl"), "-o", str(out), "--backend", "openai", "-q"]
        args += ["--base-url", fake.url, "--model", "gpt-4o-mini", "--concurrency", "2"]
        assert run_cli(args) == 0
    rows = lines(out)
    assert sorted(row["id"] for row in rows) == ["r0", "r1", "r2"]
    assert all(row.get("backend") == "openai" and row["claims"] for row in rows), rows


def test_html_text_drops_script_and_style() -> None:
    text = html_to_text(
        "<html><head><title>T</title><style>b{}</style></head><body><h1>Cost</h1>"
        "<script>alert('x')</script><p>It cost &dollar;5.5M.</p><p>Next</p></body></html>"
    )
    assert text == "Cost\n\nIt cost $5.5M.\n\nNext\n"


def test_progress_line_shows_rate_and_eta() -> None:
    tally = Tally(started=100.0)
    tally.add(3, {"supported": 3}, error=False)
    tally.add(0, {}, error=True)
    line = progress_line(tally, 8, now=102.0)
    assert "2/8" in line
    assert "1.0/s" in line
    assert "ETA 0m06s" in line
    assert "1 errors" in line
    assert "2 inputs" in progress_line(tally, None, now=102.0)


def test_openai_options_on_the_rules_backend_stop_the_run_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("The run cost $5.5M on 2,048 H800s.")
    out = tmp_path / "out.jsonl"
    assert run_cli([str(tmp_path / "a.txt"), "-o", str(out), "--timeout", "5", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "timeout: options of the openai backend" in err
    assert not out.exists() or out.read_text() == ""
