"""``flopcheck batch``: mixed inputs, bad inputs, kill -9 then --resume, torn lines, stdin."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pty_runner import run_on_a_terminal

from flopcheck.plugin._batch_io import scan_done
from flopcheck.plugin._batch_progress import Tally, progress_line
from flopcheck.plugin.cli import main as cli_main
from flopcheck.plugin.inputs import html_to_text
from flopcheck.testing.fake_llm import FakeLLM

REPO = Path(__file__).resolve().parents[2]
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
    err = proc.stderr.decode()
    assert "5 inputs (0 errors)" in err
    assert len(list(html.glob("*.html"))) == 5
    skipped = "skipped 1 file with an unknown extension (not .txt, .md, .html): "
    assert f"{skipped}{tmp_path / 'dir' / 'ignored.csv'}" in err


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
    (tmp_path / "big.txt").write_bytes(b"The H800 cost $2/GPU hour. " * 400_000)  # 10.8 MB
    out = tmp_path / "out.jsonl"
    inputs = [str(tmp_path / a) for a in ("binary.txt", "good.txt", "big.txt", "recs.jsonl")]
    assert run_cli([*inputs, "-o", str(out), "--backend", "rules", "-q", "--workers", "2"]) == 0
    rows = {row["id"]: row for row in lines(out)}
    assert "NUL bytes" in rows[str(tmp_path / "binary.txt")]["error"]
    big = rows[str(tmp_path / "big.txt")]["error"]
    assert "big.txt is 10.8 MB; the limit for one article is 8 MB (split it)" in big
    assert "flopcheck batch" not in big  # it is running inside batch already
    assert "invalid JSON" in rows[f"{tmp_path / 'recs.jsonl'}:2"]["error"]
    assert "no string text" in rows["notext"]["error"]
    assert rows["notext"]["metadata"] == {"lang": "en"}
    assert rows["ok"]["claims"]
    assert rows[str(tmp_path / "good.txt")]["claims"]
    assert len(rows) == 7


def test_a_record_without_an_id_is_named_by_its_file_and_line(tmp_path: Path) -> None:
    records = [{"text": ARTICLE}, {"id": None, "text": ARTICLE}, {"id": [1], "text": ARTICLE}]
    (tmp_path / "recs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out.jsonl"
    assert run_cli([str(tmp_path / "recs.jsonl"), "-o", str(out), "-q", "--backend", "rules"]) == 0
    rows = {row["id"]: row for row in lines(out)}
    where = str(tmp_path / "recs.jsonl")
    assert rows[f"{where}:1"]["claims"]
    assert rows[f"{where}:2"]["claims"]
    assert "id must be a string or a whole number, not [1]" in rows[f"{where}:3"]["error"]


def test_a_missing_input_path_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "out.jsonl"
    missing = str(tmp_path / "missing.txt")
    assert run_cli([str(tmp_path / "a.txt"), missing, "-o", str(out), "--backend", "rules"]) == 2
    assert f"no such file or directory: {missing}" in capsys.readouterr().err
    assert not out.exists()  # nothing was started


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


def test_duplicate_ids_are_written_once_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "recs.jsonl").write_text(
        "".join(json.dumps({"id": rid, "text": ARTICLE}) + "\n" for rid in ("r1", "r2", "r1"))
    )
    out = tmp_path / "out.jsonl"
    path = str(tmp_path / "a.txt")
    args = [path, path, str(tmp_path / "recs.jsonl"), "-o", str(out), "--backend", "rules"]
    assert run_cli(args) == 0
    assert [row["id"] for row in lines(out)] == [path, "r1", "r2"]
    err = capsys.readouterr().err
    assert "3 inputs (0 errors; 2 duplicate ids ignored)" in err
    assert f"duplicate ids: {path}, r1\n" in err + "\n"


def test_the_summary_counts_in_good_grammar() -> None:
    tally = Tally(started=0.0, finished=2.0)
    tally.add(1, {"refuted": 1}, error=False)
    tally.duplicate("x")
    one = tally.summary("rules")
    assert "flopcheck batch: 1 input (0 errors; 1 duplicate id ignored) in 2.0 s" in one
    tally.add(0, {}, error=True)
    tally.unknown_file("a.pdf")
    two = tally.summary("rules")
    assert "2 inputs (1 error;" in two
    assert "skipped 1 file with an unknown extension" in two
    for n in range(7):
        tally.unknown_file(f"f{n}.csv")
    assert "a.pdf, f0.csv, f1.csv, f2.csv, f3.csv and 3 more" in tally.summary("rules")


def test_the_final_progress_line_agrees_with_the_summary(tmp_path: Path) -> None:
    ids = corpus(tmp_path / "corpus.jsonl", 12)
    with (tmp_path / "corpus.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": ids[5], "text": ARTICLE}) + "\n")  # a duplicate
        fh.write("{broken\n")  # an error
    out = tmp_path / "out.jsonl"
    out.write_text("".join(json.dumps({"id": i, "claims": []}) + "\n" for i in ids[:3]))
    args = ["batch", str(tmp_path / "corpus.jsonl"), "-o", str(out), "--resume"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    err = run_on_a_terminal(args, "stderr", env, REPO)
    backend, progress = err.replace("\r\n", "\n").split("\n")[:2]
    assert backend == "flopcheck: backend: rules (offline)"
    final = progress.split("\r")[-1]
    final = re.sub(r"\x1b\[K", "", final)
    summary = next(line for line in err.splitlines() if line.startswith("flopcheck batch:"))
    assert "[########################] 14/14 100%" in final, err
    assert "1 error" in final
    assert "10 inputs (1 error; 3 already in OUT; 1 duplicate id ignored)" in summary
    rate = re.search(r"([0-9.]+)/s", final)
    assert rate is not None
    assert f"{rate.group(1)} inputs/s" in summary


def test_ordered_keeps_input_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flopcheck.plugin.batch as batch_module

    def slow_first(item: Any, *args: Any) -> batch_module.Outcome:
        time.sleep(0.3 if item.id == "r0" else 0.01 * int(item.id[1:]))
        return batch_module.Outcome(line=json.dumps({"id": item.id}))

    monkeypatch.setattr(batch_module, "process_item", slow_first)
    ids = [f"r{i}" for i in range(8)]
    (tmp_path / "recs.jsonl").write_text(
        "".join(json.dumps({"id": i, "text": ARTICLE}) + "\n" for i in ids)
    )
    common = [str(tmp_path / "recs.jsonl"), "--backend", "openai", "--concurrency", "3", "-q"]
    common += ["--base-url", "http://127.0.0.1:9/v1"]
    assert run_cli([*common, "-o", str(tmp_path / "any.jsonl")]) == 0
    assert [row["id"] for row in lines(tmp_path / "any.jsonl")] != ids  # r0 finishes last
    assert run_cli([*common, "-o", str(tmp_path / "ordered.jsonl"), "--ordered"]) == 0
    assert [row["id"] for row in lines(tmp_path / "ordered.jsonl")] == ids


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
    assert "1 error" in line
    assert "1 errors" not in line
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
