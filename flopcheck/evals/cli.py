"""``flopcheck eval``: run the eval, print a readable report or its JSON, enforce the floors.

Exit codes: 0 every floor holds, 1 a metric is below its floor (named on stderr); input errors
raise FlopcheckError for the main command line to turn into exit 2. The runner is imported when
the command runs, so that registering it keeps ``flopcheck`` quick to start.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcheck.errors import FlopcheckError
from flopcheck.plugin.llm_options import add_llm_options, backend_in_use

if TYPE_CHECKING:
    from flopcheck.evals.metrics import SliceScores
    from flopcheck.evals.runner import EvalResult, SetScores

QUOTE_WIDTH = 70


def _table(header: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        # First column left-aligned (names), the rest right-aligned (numbers).
        parts = [cells[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return (indent + "  ".join(parts)).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_WIDTH else flat[: QUOTE_WIDTH - 3] + "..."


def _num(value: float | int | None, fmt: str = ".3f") -> str:
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else format(value, fmt)


def _cells(*values: str | float | int | None) -> list[str]:
    return [v if isinstance(v, str) else _num(v) for v in values]


_FIGURES = ("false_refute_rate", "refuted_precision", "committed_precision", "coverage")
_TITLES = {
    "real": "real: pages written by others (the founding articles and the real-article set)",
    "synthetic": "synthetic: articles written for the project (the checker was tuned on them)",
    "all": "all: every labelled article",
}
_SLICE_HEADER = [
    "gold",
    "matched",
    "correct",
    "end to end",
    "false refute",
    "committed prec",
    "coverage",
    "baseline e2e",
]


def _fact_lines(s: SetScores) -> list[str]:
    base, v = s.baseline, s.verdicts
    rows = [_cells(name, getattr(s, name), getattr(base, name)) for name in _FIGURES]
    rows.append(_cells("end_to_end_macro_f1", v.end_to_end_macro_f1, base.end_to_end_macro_f1))
    rows.append(_cells("end_to_end_accuracy", v.end_to_end_accuracy, base.end_to_end_accuracy))
    return _table(["figure", "checker", "all-supported"], rows)


def _slice_rows(slices: dict[str, SliceScores]) -> list[list[str]]:
    return [
        _cells(
            name,
            x.gold,
            x.matched,
            x.correct,
            x.checker.end_to_end_accuracy,
            x.checker.false_refute_rate,
            x.checker.committed_precision,
            x.checker.coverage,
            x.baseline.end_to_end_accuracy,
        )
        for name, x in slices.items()
    ]


def _set_lines(name: str, s: SetScores) -> list[str]:
    c, v = s.claims, s.verdicts
    lines = [
        f"== {_TITLES.get(name, name)}: {s.gold} gold claims in {s.articles} articles",
        "",
        *_fact_lines(s),
        "",
        f"Claim extraction ({c.tp + c.fn} gold, {c.tp + c.fp} predicted; span overlap)",
        f"  precision {c.precision:.3f}  recall {c.recall:.3f}  f1 {c.f1:.3f}"
        f"  (tp {c.tp}, fp {c.fp}, fn {c.fn})",
        "",
        f"Verdicts over {v.matched} matched claims",
        f"  accuracy {v.accuracy:.3f}  macro-F1 {v.macro_f1:.3f}  grounded accuracy"
        f" {v.grounded_accuracy:.3f} (computed within {v.grounded_tolerance:.0%} of gold)",
        f"  end to end (a missed claim is wrong): accuracy {v.end_to_end_accuracy:.3f}"
        f"  macro-F1 {v.end_to_end_macro_f1:.3f}  grounded {v.end_to_end_grounded_accuracy:.3f}",
        "",
    ]
    classes = [
        _cells(k, x.precision, x.recall, x.f1, x.support, x.predicted)
        for k, x in v.per_class.items()
    ]
    lines += _table(["label", "precision", "recall", "f1", "gold", "predicted"], classes)
    lines += ["", "  confusion (rows gold, columns predicted; matched claims)"]
    matrix = [_cells(g, *row.values()) for g, row in v.confusion.items()]
    # Rows and columns share one label order, so the row keys serve as the column header.
    lines += _table(["gold", *v.confusion], matrix)
    lines += ["", *_table(["kind", *_SLICE_HEADER], _slice_rows(s.by_kind))]
    lines += ["", *_table(["gold confidence", *_SLICE_HEADER], _slice_rows(s.by_confidence))]
    return [*lines, ""]


def _verdict_lines(result: EvalResult) -> list[str]:
    lines: list[str] = []
    for name in ("real", "synthetic", "all"):
        scores = getattr(result, name)
        if scores is not None:
            lines += _set_lines(name, scores)
    articles = [
        _cells(a.set, a.article, a.gold, a.predicted, a.matched, a.correct, a.seconds)
        for a in result.details.articles
    ]
    if articles:
        header = ["set", "article", "gold", "predicted", "matched", "correct", "s"]
        lines += [*_table(header, articles), ""]
    return lines


def _miss_lines(result: EvalResult) -> list[str]:
    if result.all is None:
        return []
    details = result.details
    missed = [d for d in details.claims if d.pred_id is None]
    wrong = [d for d in details.claims if d.pred_id is not None and not d.label_correct]
    lines = [f"Missed gold claims ({len(missed)})"]
    lines += [
        f"  {d.gold_id:<22} {d.gold_label:<12} {d.kind:<17} {_short(d.quote)}" for d in missed
    ]
    lines += ["", f"Wrong labels ({len(wrong)}): gold -> predicted"]
    lines += [
        f"  {d.gold_id:<22} {d.gold_label} -> {d.pred_label} ({d.pred_id}, {d.pred_kind})"
        for d in wrong
    ]
    extras = details.unmatched_predictions
    lines += ["", f"Predictions matching no gold claim ({len(extras)})"]
    lines += [f"  {e.article}:{e.pred_id:<5} {e.label:<12} {_short(e.quote)}" for e in extras]
    return [*lines, ""]


def _calculator_lines(result: EvalResult) -> list[str]:
    calc = result.calculator
    if calc is None:
        return []
    lines = [
        f"Calculator ({calc.cases} published runs, {calc.failed} failed)",
        f"  reported value inside computed range: {calc.inside}/{calc.cases}"
        f" = {calc.inside_share:.3f}; relative error of mid: median {_num(calc.median_rel_error)},"
        f" p90 {_num(calc.p90_rel_error)}",
        "",
    ]
    rows = [
        [
            d.id,
            *(_num(x, ",.0f") for x in (d.reported, d.low, d.mid, d.high)),
            _num(d.rel_error, ".0%"),
            "in" if d.inside else d.error or "OUT",
        ]
        for d in result.details.calculator
    ]
    lines += _table(["run", "reported", "low", "mid", "high", "error", "range"], rows)
    return [*lines, ""]


def render_text(result: EvalResult) -> str:
    """Return the eval result as a readable report with tables.

    Args:
        result: an eval result.
    """
    cost = result.cost
    lines = [
        f"flopcheck eval: backend {result.backend}; datasets {', '.join(result.datasets)}",
        "",
        *_verdict_lines(result),
        *_calculator_lines(result),
        f"Cost: {cost.articles} articles; {cost.llm_calls} LLM calls; {cost.prompt_tokens}"
        f" prompt + {cost.completion_tokens} completion tokens"
        + (f" (~${cost.estimated_cost_usd:.4f})" if cost.estimated_cost_usd is not None else "")
        + (f", {cost.tokens_per_claim:g} per claim" if cost.tokens_per_claim is not None else "")
        + (f"; {cost.skipped} parts skipped" if cost.skipped else "")
        + f"; {cost.tool_calls} tool calls;"
        f" {cost.checker_seconds:.2f} s checking, {cost.wall_seconds:.2f} s wall",
        "",
        *_miss_lines(result),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FlopcheckError(f"cannot write {output}: {exc.strerror}") from exc


def run_eval_command(args: argparse.Namespace) -> int:
    """Run ``flopcheck eval`` and return its exit code (1 when a floor fails).

    Args:
        args: the parsed arguments of the eval subcommand.
    """
    from flopcheck.evals.runner import DEFAULT_DATASETS, FLOORS, check_floors, evaluate, load_floors

    datasets = args.dataset or DEFAULT_DATASETS
    implied = args.base_url or args.replay or args.scripted_model
    backend = args.backend or ("openai" if implied else "rules")
    with backend_in_use(args, backend, scripted=args.scripted_model) as (chosen, options):
        result = evaluate(datasets, backend=chosen, **options)
    text = result.model_dump_json(indent=2) + "\n" if args.format == "json" else render_text(result)
    _write(text, args.output)
    if args.no_floors:
        return 0
    failures = check_floors(result, load_floors(Path(args.floors) if args.floors else FLOORS))
    for failure in failures:
        print(f"flopcheck: eval: {failure}", file=sys.stderr)
    return 1 if failures else 0


def add_eval_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``flopcheck eval`` on the main parser's subparsers.

    Args:
        subparsers: the object ``ArgumentParser.add_subparsers()`` returned.
    """
    cmd: argparse.ArgumentParser = subparsers.add_parser(
        "eval",
        help="measure accuracy on the labelled datasets",
        description="Score claim extraction, verdicts and the calculator on labelled data; "
        "exit 1 when a metric is below its floor. Metric definitions: flopcheck/evals/EVAL.md.",
    )
    cmd.add_argument(
        "--dataset",
        action="append",
        metavar="NAME|PATH",
        help="real, synthetic, articles (both), calculator, or a JSONL path; repeatable "
        "(default: real, synthetic and calculator)",
    )
    cmd.add_argument(
        "--backend",
        choices=["rules", "openai"],
        help="default rules; openai with --base-url, --replay or --scripted-model",
    )
    add_llm_options(cmd)
    cmd.add_argument(
        "--scripted-model",
        action="store_true",
        help="run the openai backend against a local scripted model that writes the rules "
        "backend's programs (offline; for CI)",
    )
    cmd.add_argument("--format", choices=["text", "json"], default="text")
    cmd.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    floors = cmd.add_mutually_exclusive_group()
    floors.add_argument("--floors", metavar="PATH", help="floors file (default: shipped floors)")
    floors.add_argument("--no-floors", action="store_true", help="report only; never exit 1")
    cmd.set_defaults(func=run_eval_command)
    return cmd
