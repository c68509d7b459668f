"""Calculator accuracy over published runs: does 6ND at the default MFU range (by hardware
generation and model size, benchmarks/derive_mfu.py) predict the reported accelerator-hours?
Prints the table so the figures are visible in the test output."""

from __future__ import annotations

import json
import statistics
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


def test_default_range_contains_most_published_runs(capsys: Any) -> None:
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
    with capsys.disabled():
        print("\nrun                        reported          low          mid         high  error")
        print("\n".join(rows))
        print(
            f"inside range: {inside}/{len(cases)} = {share:.0%}; median error of mid: {median:.1%}"
        )
    assert share >= 0.90
    assert median <= 0.15
