"""Derive the default utilisation (MFU) ranges per hardware generation and model size
(flopcheck/tools/data/mfu_defaults.json) from published training runs.

A maintenance script, not run by the tests. From the repository root:

    python benchmarks/derive_mfu.py            # print the rows and how well they predict
    python benchmarks/derive_mfu.py --write    # rewrite the data file

Rule:
- runs: every row of Epoch AI's ai-models.csv (CC-BY 4.0) with Domain containing "Language",
  no base model (a pre-training run), at least 1B parameters, training compute estimated by
  "Operation counting" or "Reported" (not from the hardware, which would be circular), a single
  training chip that maps to an accelerators.json id, and chip-hours (reported, or count x
  training time); plus every run of evals/data/calculator_cases.jsonl, whose authors' figures
  replace Epoch's row of the same model;
- a run's effective MFU = training compute / (chip-hours x 3600 x the chip's BF16 (else FP16,
  else TF32) dense peak); runs above 1 are data errors and are dropped;
- groups: the accelerator's architecture (generation) x active parameters below or from 10B;
  mid = the group's median, or the generation's when the group has fewer than 3 runs, or all
  runs' median;
- low/high = the 5th/95th percentiles of the generation's runs when it has at least 10, else
  of all runs, the low never above all runs' 5th percentile.
It prints the share of calculator cases inside the range and the median error of the mid,
in sample and leaving each case out of the derivation.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from flopcheck.errors import UnknownNameError
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import Accelerator, accelerators

CHECKED = "2026-12-02"
SMALL_BELOW = 1e10
DEFAULT_CSV = Path("benchmarks/data/epoch/ai-models.csv")
CASES = Path("flopcheck/evals/data/calculator_cases.jsonl")
DATA_FILE = Path("flopcheck/tools/data/mfu_defaults.json")
SOURCE = (
    "Epoch AI, Notable AI Models dataset (ai-models.csv, CC-BY 4.0; "
    "https://epoch.ai/data/notable-ai-models), and the authors' figures in "
    "flopcheck/evals/data/calculator_cases.jsonl (its documented table of published runs)"
)


@dataclass(frozen=True)
class Run:
    """One published run's effective utilisation."""

    name: str
    generation: str
    active_params: float
    mfu: float


def _peak(chip: Accelerator) -> float | None:
    peaks = chip.dense_peak_tflops
    return peaks.bf16 or peaks.fp16 or peaks.tf32


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def case_runs(path: Path) -> list[Run]:
    """Return the calculator cases as runs.

    Args:
        path: calculator_cases.jsonl.
    """
    chips = {a.id: a for a in accelerators()}
    runs = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        chip = chips[case["accelerator"]]
        peak = _peak(chip) or 0.0
        flop = 6 * case["active_params"] * case["tokens"]
        mfu = flop / (case["reported_accelerator_hours"] * 3600 * peak * 1e12)
        runs.append(Run(case["model"], chip.architecture, case["active_params"], mfu))
    return runs


def epoch_runs(path: Path) -> list[Run]:
    """Return the screened Epoch AI runs (see the module docstring).

    Args:
        path: ai-models.csv.
    """
    runs = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            hardware = row["Training hardware"].strip()
            method = row["Training compute estimation method"]
            if not hardware or "," in hardware or "Language" not in row["Domain"]:
                continue
            if row["Base model"].strip() or not (
                "Operation counting" in method or "Reported" in method
            ):
                continue
            flop, params = _number(row["Training compute (FLOP)"]), _number(row["Parameters"])
            hours = _number(row["Training chip-hours"])
            if hours is None:
                count, time = (
                    _number(row["Hardware quantity"]),
                    _number(row["Training time (hours)"]),
                )
                hours = count * time if count and time else None
            if not flop or not params or params < 1e9 or not hours:
                continue
            try:
                chip = resolve_accelerator(hardware).record
            except UnknownNameError:
                continue
            peak = _peak(chip)
            if peak is None:
                continue
            mfu = flop / (hours * 3600 * peak * 1e12)
            if mfu <= 1:
                runs.append(Run(row["Model"], chip.architecture, params, mfu))
    return runs


def _size(active_params: float) -> str:
    return "small" if active_params < SMALL_BELOW else "large"


def _quantiles(values: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(sorted(values), n=100, method="inclusive")
    return q[4], statistics.median(values), q[94]


def derive(runs: list[Run]) -> list[dict[str, object]]:
    """Return the mfu_defaults rows (JSON-ready) for a pool of runs.

    Args:
        runs: the published runs.
    """
    all_low, all_mid, all_high = _quantiles([r.mfu for r in runs])
    rows = []
    for generation in sorted({r.generation for r in runs}):
        same = [r.mfu for r in runs if r.generation == generation]
        if len(same) < 3:
            continue
        low, _, high = _quantiles(same) if len(same) >= 10 else (all_low, all_mid, all_high)
        low = min(low, all_low)
        groups = {"any": same}
        for size in ("small", "large"):
            groups[size] = [
                r.mfu for r in runs if r.generation == generation and _size(r.active_params) == size
            ]
        for size, values in groups.items():
            if len(values) < 3:
                continue
            rows.append(_row(generation, size, low, statistics.median(values), high, len(values)))
    rows.append(_row("all", "any", all_low, all_mid, all_high, len(runs)))
    return rows


def _row(
    generation: str, size: str, low: float, mid: float, high: float, n: int
) -> dict[str, object]:
    return {
        "generation": generation,
        "size": size,
        "tier": "estimate",
        "estimator": "flopcheck (benchmarks/derive_mfu.py)",
        "source": SOURCE,
        "note": f"median of {n} published runs; range: the 5th-95th percentile of the generation "
        "(all runs when it has fewer than 10)",
        "value": round(mid, 3),
        "low": round(min(low, mid), 3),
        "high": round(max(high, mid), 3),
        "unit": "ratio",
        "run_count": n,
        "checked": CHECKED,
    }


def pick(
    rows: list[dict[str, object]], generation: str, active_params: float | None
) -> dict[str, object]:
    """Return the row the calculator would use (mirrors tools/training.py).

    Args:
        rows: the mfu_defaults rows.
        generation: the chip's architecture.
        active_params: the model's active parameters, if known.
    """
    sizes = [_size(active_params), "any"] if active_params else ["any"]
    for size in sizes:
        for row in rows:
            if row["generation"] == generation and row["size"] == size:
                return row
    return next(r for r in rows if r["generation"] == "all")


def score(cases: list[Run], pool: list[Run], leave_out: bool) -> tuple[float, float]:
    """Return (share of cases inside the range, median relative error of the mid).

    Args:
        cases: the calculator cases.
        pool: the runs the rows are derived from.
        leave_out: derive without each case before predicting it.
    """
    inside, errors = 0, []
    rows = derive(pool)
    for case in cases:
        if leave_out:
            rows = derive([r for r in pool if r is not case])
        row = pick(rows, case.generation, case.active_params)
        low, mid, high = (float(row[k]) for k in ("low", "value", "high"))  # type: ignore[arg-type]
        inside += low <= case.mfu <= high
        errors.append(abs(case.mfu / mid - 1))
    return inside / len(cases), statistics.median(errors)


def main() -> None:
    """Print the derived rows and their accuracy, or write them with --write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="Epoch ai-models.csv")
    parser.add_argument("--write", action="store_true", help=f"rewrite {DATA_FILE}")
    args = parser.parse_args()
    cases = case_runs(CASES)
    named = {_key(c.name) for c in cases}
    pool = cases + [r for r in epoch_runs(args.csv) if _key(r.name) not in named]
    rows = derive(pool)
    for leave_out in (False, True):
        share, median = score(cases, pool, leave_out)
        label = "leaving each case out" if leave_out else "in sample"
        print(f"{label}: inside range {share:.0%}, median error of mid {median:.1%}")
    text = json.dumps(rows, indent=2) + "\n"
    if args.write:
        DATA_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} rows from {len(pool)} runs to {DATA_FILE}")
    else:
        print(text)


if __name__ == "__main__":
    main()
