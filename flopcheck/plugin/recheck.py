"""``flopcheck recheck REPORT.json``: re-run every claim program of a Report with no model.

A Report carries each claim's program, so a published check can be re-verified after the data
tables change, and an LLM run can be audited offline: the engine re-runs the programs and this
prints the claims whose label or computed figure changed (none, for a fresh Report).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcheck.errors import InputError

if TYPE_CHECKING:
    from flopcheck.engine.report import Amount, Claim, Report

# Computed figures closer than this are the same figure printed twice.
_SAME = 1e-9
_QUOTE_WIDTH = 70


@dataclass(frozen=True)
class Change:
    """A claim whose verdict differs when its program is run again."""

    claim: Claim
    label: str
    computed: Amount | None


def _same_amount(a: Amount | None, b: Amount | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.unit != b.unit:
        return False
    pairs = ((a.value, b.value), (a.low, b.low), (a.high, b.high))
    return all(
        x is y or (x is not None and y is not None and math.isclose(x, y, rel_tol=_SAME))
        for x, y in pairs
    )


def recheck(report: Report) -> tuple[list[Change], int]:
    """Re-run every claim program; return the changed claims and how many had no program.

    Args:
        report: a Report, as ``flopcheck check --format json`` writes it.
    """
    from flopcheck.engine.runner import run_program  # the engine loads only when used

    changes: list[Change] = []
    skipped = 0
    memo: dict[str, dict[str, Any]] = {}
    for claim in report.claims:
        if claim.program is None:
            skipped += 1
            continue
        verdict = run_program(claim.program, memo)
        if verdict.label != claim.verdict.label or not _same_amount(
            verdict.computed, claim.verdict.computed
        ):
            changes.append(Change(claim, verdict.label, verdict.computed))
    return changes, skipped


def read_reports(path: str) -> Iterator[tuple[str, Report]]:
    """Yield the Reports of a file: one Report as JSON, or batch output (one per JSON line).

    Args:
        path: the file, or - for stdin.
    """
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc.reason}") from exc
    try:
        documents: list[Any] = [json.loads(raw)]
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
    from pydantic import ValidationError

    from flopcheck.engine.report import Report

    for number, doc in enumerate(documents, start=1):
        if isinstance(doc, dict) and "error" in doc and "claims" not in doc:
            continue
        if isinstance(doc, dict):
            doc = {k: v for k, v in doc.items() if k != "id"}
        try:
            report = Report.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "report"
            raise InputError(
                f"{path}: report {number} is not a flopcheck Report ({where}: {first['msg']})"
            ) from exc
        yield report.source, report


def _amount(amount: Amount | None) -> str:
    if amount is None:
        return "-"
    return f"{amount.value:.4g} {amount.unit}" if amount.value is not None else amount.unit


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_WIDTH else flat[: _QUOTE_WIDTH - 3] + "..."


def run_recheck_command(args: argparse.Namespace) -> int:
    """Run ``flopcheck recheck`` and return its exit code (0, whatever changed).

    Args:
        args: the parsed arguments.
    """
    total = changed = skipped = 0
    for source, report in read_reports(args.report):
        changes, missing = recheck(report)
        total += len(report.claims)
        changed += len(changes)
        skipped += missing
        for c in changes:
            print(
                f"{source}:{c.claim.id}: {c.claim.verdict.label} -> {c.label}; computed "
                f"{_amount(c.claim.verdict.computed)} -> {_amount(c.computed)} | "
                f"{_short(c.claim.quote)}"
            )
    note = f"; {skipped} without a program (not re-run)" if skipped else ""
    print(f"{total} claims re-run against the current data: {changed} changed{note}")
    return 0


def add_recheck_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``flopcheck recheck`` on the main parser's subparsers.

    Args:
        subparsers: the object ``ArgumentParser.add_subparsers()`` returned.
    """
    cmd: argparse.ArgumentParser = subparsers.add_parser(
        "recheck",
        help="re-run a Report's claim programs against the current data, with no model",
        description="Re-run every claim program of a Report (flopcheck check --format json, or "
        "flopcheck batch output) against the current data tables, with no model, and print the "
        "claims whose label or computed figure changed. Exit 0.",
    )
    cmd.add_argument(
        "report", metavar="REPORT", help="Report JSON (or batch JSONL), or - for stdin"
    )
    cmd.set_defaults(func=run_recheck_command)
    return cmd
