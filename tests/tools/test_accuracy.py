"""Calculator accuracy over published runs: does 6ND at the default MFU range (by hardware
generation and model size, benchmarks/derive_mfu.py) predict the reported accelerator-hours?
The table is printed for ``pytest -s`` (or on failure), not for -q."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import flopcheck
from flopcheck.tools import call

CASES = Path(flopcheck.__file__).parent / "evals" / "data" / "calculator_cases.jsonl"


def predict(case: dict[str, Any]) -> dict[str, float]:
    flop = call(
        "training_compute", {"active_params": case["active_params"], "tokens": case["tokens"]}
    )
    hours = call(
        "accelerator_hours",
        {
            "flop": flop["value"]["mid"],
            "accelerator": case["accelerator"],
            "precision": case["precision"],
            "active_params": case["active_params"],
        },
    )
    assert "error" not in hours, hours
    v: dict[str, float] = hours["value"]
    return v


def test_default_range_contains_most_published_runs() -> None:
    cases = [json.loads(line) for line in CASES.read_text("utf-8").splitlines() if line.strip()]
    assert len(cases) >= 15
    inside, errors = 0, []
    rows = []
    for case in cases:
        v = predict(case)
        reported = case["reported_accelerator_hours"]
        hit = v["low"] <= reported <= v["high"]
        inside += hit
        err = abs(v["mid"] - reported) / reported
        errors.append(err)
        rows.append(
            f"{case['id']:<22} {reported:>12,.0f} {v['low']:>12,.0f} {v['mid']:>12,.0f} "
            f"{v['high']:>12,.0f} {err:>6.0%} {'in' if hit else 'OUT'}"
        )
    share = inside / len(cases)
    median = statistics.median(errors)
    # Captured like any test output: shown with -s, or with the failure it explains.
    print("\nrun                        reported          low          mid         high  error")
    print("\n".join(rows))
    print(f"inside range: {inside}/{len(cases)} = {share:.0%}; median error of mid: {median:.1%}")
    assert share >= 0.90
    assert median <= 0.15


def test_quiet_runs_print_no_tables() -> None:
    here = f"{Path(__file__).name}::test_default_range_contains_most_published_runs"
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", here]
    quiet = subprocess.run(
        [*cmd, "-q"], capture_output=True, text=True, cwd=Path(__file__).parent, check=False
    )
    assert quiet.returncode == 0, quiet.stdout
    assert "inside range" not in quiet.stdout
    shown = subprocess.run(
        [*cmd, "-q", "-s"], capture_output=True, text=True, cwd=Path(__file__).parent, check=False
    )
    assert "inside range" in shown.stdout
