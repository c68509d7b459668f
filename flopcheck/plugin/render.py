"""Rendering a Report as text, Markdown or JSON: one vocabulary of verdicts and kinds.

The text table is what a reader of ``flopcheck check`` sees: a header naming the input and the
verdict counts, then one aligned row per claim (verdict, kind, claimed, found, where the found
figure came from) with the quote and the reason wrapped beneath it at the terminal's width.
Colour goes only to a terminal, and never when ``NO_COLOR`` is set (the CLI decides).
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import astuple, dataclass

from flopcheck.engine.report import LABELS, Claim, Report, Step
from flopcheck.errors import FlopcheckError
from flopcheck.plugin.figures import claimed_and_computed, figure_origin, figure_span

SYMBOL = {"supported": "✓", "refuted": "✗", "misleading": "!", "unverifiable": "?"}
_COLOR = {"supported": "32", "refuted": "31", "misleading": "33", "unverifiable": "90"}
_KIND = {
    "training_cost": "training cost", "gpu_hours": "GPU-hours", "cluster_time": "training time",
    "compute_flops": "compute", "params": "parameters", "tokens": "training tokens",
    "hardware_ratio": "chip speed", "precision_speedup": "precision speed-up",
    "price_ratio": "price", "energy": "energy", "arithmetic": "arithmetic", "other": "figure",
}  # fmt: skip
# A claim's unit says more than its kind: a GPU count found by the cluster_time plan is still
# a GPU count, and "10x" under hardware_ratio is a speed ratio.
_BY_UNIT = {
    "GPUs": "GPU count", "accelerators": "accelerator count", "experts": "expert count",
    "USD/Mtok": "API price", "USD/GPU-hour": "rental price", "USD/hour": "rental price",
    "FLOP/s": "peak speed", "FLOP": "compute",
}  # fmt: skip
_RATIO = {
    "training_cost": "cost ratio", "hardware_ratio": "speed ratio", "price_ratio": "price ratio",
    "params": "parameter share", "compute_flops": "compute ratio", "tokens": "token ratio",
    "precision_speedup": "precision speed-up", "energy": "energy ratio",
    "gpu_hours": "GPU-hour ratio", "cluster_time": "time ratio",
}  # fmt: skip
_DIMENSION = {"power": "power", "energy": "energy", "time": "duration", "mass": "emissions"}
_GAP = "  "
# Control characters (escape sequences among them) in article text, units or a model's words
# must reach a terminal as text, never as commands: they are shown as U+FFFD.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Return text with its control characters (bar newline and tab) replaced by U+FFFD.

    Args:
        text: text from the article, the data or a planner.
    """
    return _CONTROL.sub("\ufffd", text)


def kind_name(kind: str, unit: str) -> str:
    """Return a claim's kind in words, refined by its unit: "GPU count", "cost ratio", "power".

    Args:
        kind: the claim's kind.
        unit: the claimed amount's unit.
    """
    if unit in _BY_UNIT:
        return _BY_UNIT[unit]
    if unit in ("x", "ratio", "percent"):
        return _RATIO.get(kind, "ratio")
    if kind in ("other", "arithmetic", "cluster_time"):
        from flopcheck.tools.units import lookup_unit

        try:
            dimension = lookup_unit(unit).dimension
        except FlopcheckError:
            dimension = ""
        if kind != "arithmetic" and dimension in _DIMENSION:
            return "training time" if kind == "cluster_time" else _DIMENSION[dimension]
    return _KIND.get(kind, kind.replace("_", " "))


def verdict_word(label: str) -> str:
    """Return a label with its symbol, the one way verdicts are written: "✗ refuted".

    Args:
        label: the verdict label.
    """
    return f"{SYMBOL[label]} {label}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def counts_phrase(report: Report) -> str:
    """Return the claim count and the labels present: "11 claims: 8 ✓ supported, 3 ✗ refuted".

    Args:
        report: the report.
    """
    counts = report.label_counts()
    present = ", ".join(
        f"{counts[label]} {verdict_word(label)}" for label in LABELS if counts[label]
    )
    return f"{_plural(len(report.claims), 'claim')}: {present}"


def headline(report: Report, text: str | None = None) -> str:
    """Return the first line of a report: the input, and its counts or why there are none.

    Args:
        report: the report.
        text: the input text, when known (an empty input is named as such).
    """
    source, backend = printable(report.source), printable(report.backend)
    if text is not None and not text.strip():
        return f"{source}: empty input, nothing to check"
    if not report.claims:
        return f"{source}: no checkable compute claims found ({backend} backend)"
    return f"{source}: {counts_phrase(report)} ({backend} backend)"


def reason(claim: Claim) -> str:
    """Return the first line of a claim's explanation.

    Args:
        claim: the claim.
    """
    return printable(claim.verdict.explanation.split("\n")[0])


def step_call(step: Step) -> str:
    """Return a tool call as one readable line: ``tool(name="H100", hours=2788000)``.

    Args:
        step: the step.
    """
    args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in step.args.items())
    return printable(f"{step.tool}({args})")


def step_outcome(step: Step) -> str:
    """Return what a tool call gave, in words: its formula, or its error.

    Args:
        step: the step.
    """
    result = step.result
    return printable(str(result.get("formula") or result.get("error") or ""))


def _paint(code: str, text: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on and code and text else text


def _wrap_quote(claim: Claim, width: int, bold: bool) -> list[str]:
    """Return the quote in curly quotes, wrapped, with its figure in bold on a terminal.

    Args:
        claim: the claim.
        width: the line width.
        bold: mark the claimed figure with bold.
    """
    quote = f"“{' '.join(printable(claim.quote).split())}”"
    start, end = figure_span(claim)
    figure = " ".join(printable(claim.quote[start - claim.start : end - claim.start]).split())
    at = quote.find(figure) if bold and (start, end) != (claim.start, claim.end) else -1
    if at < 0:
        return textwrap.wrap(quote, width) or [quote]
    # The figure is wrapped as one word (its spaces held by a NUL) and emboldened afterwards,
    # so that the escape codes never count towards a line's width.
    joined = figure.replace(" ", "\x00")
    tokenized = quote[:at] + joined + quote[at + len(figure) :]
    lines = textwrap.wrap(tokenized, width, break_long_words=False) or [tokenized]
    return [line.replace(joined, _paint("1", figure, True)) for line in lines]


def _cells(claim: Claim) -> list[str]:
    claimed, found = claimed_and_computed(claim)
    origin = figure_origin(claim.verdict) or ""
    kind = kind_name(claim.kind, claim.claimed.unit)
    cells = [claim.id, verdict_word(claim.verdict.label), kind, claimed, found, origin]
    return [printable(cell) for cell in cells]


def _steps(claim: Claim, width: int) -> list[str]:
    lines = []
    for n, step in enumerate(claim.verdict.steps, start=1):
        lead = f"{n}. "
        wrapped = textwrap.wrap(step_call(step), width - len(lead)) or [step.tool]
        lines += [(lead if i == 0 else " " * len(lead)) + part for i, part in enumerate(wrapped)]
        outcome = step_outcome(step)
        lines += [" " * len(lead) + p for p in textwrap.wrap(outcome, width - len(lead))]
    return lines


@dataclass(frozen=True)
class TextOptions:
    """How the text table is laid out: its width, colour, and whether it lists tool calls."""

    width: int = 100
    color: bool = False
    steps: bool = False


def render_text(report: Report, text: str | None = None, options: TextOptions | None = None) -> str:
    """Return the claims as an aligned table, each with its quote and reason wrapped beneath.

    Args:
        report: the report.
        text: the input text, when known (to name an empty input).
        options: the line width to wrap at (the terminal's), ANSI colour (verdicts, and each
            claimed figure in bold), and whether to list each claim's tool calls.
    """
    width, color, steps = astuple(options or TextOptions())
    lines = [_paint("1", part, color) for part in textwrap.wrap(headline(report, text), width)]
    if not report.claims:
        return "\n".join(lines) + "\n"
    head = ["id", "verdict", "kind", "claimed", "found", "from"]
    rows = [_cells(c) for c in report.claims]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    table = sum(widths) + len(_GAP) * (len(widths) - 1) <= width
    indent = " " * (widths[0] + len(_GAP))
    inner = max(width - len(indent), 20)

    def join(cells: list[str], codes: list[str]) -> str:
        columns = zip(cells, codes, widths, strict=True)
        padded = [_paint(k, c, color) + " " * (w - len(c)) for c, k, w in columns]
        return _GAP.join(padded).rstrip()

    if table:
        lines += ["", join(head, ["1"] * len(head))]
    for n, (claim, row) in enumerate(zip(report.claims, rows, strict=True)):
        code = _COLOR[claim.verdict.label]
        if n or not table:
            lines.append("")
        if table:
            lines.append(join(row, ["", code, "", "", "", ""]))
        else:
            lines.append(f"{row[0].ljust(widths[0])}{_GAP}{_paint(code, row[1], color)}  {row[2]}")
            origin = f" ({row[5]})" if row[5] else ""
            found = f"claimed {row[3]} · found {row[4]}{origin}"
            lines += [indent + part for part in textwrap.wrap(found, inner)]
        lines += [indent + part for part in _wrap_quote(claim, inner, color)]
        lines += [indent + part for part in textwrap.wrap(reason(claim), inner)]
        if steps:
            lines += [indent + part for part in _steps(claim, inner)]
    legend = (
        "found: the figure each claim was checked against; from: reported (a published figure "
        "in flopcheck's tables) or recomputed (by its calculators). --steps lists the tool calls."
    )
    lines += ["", *textwrap.wrap(legend, width)]
    return "\n".join(lines) + "\n"


def _md_cell(s: str) -> str:
    return printable(s).replace("|", "\\|").replace("\n", " ")


def clip(s: str, n: int) -> str:
    """Return ``s`` on one line, cut to ``n`` characters with an ellipsis when longer.

    Args:
        s: the text.
        n: the most characters to keep.
    """
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def render_markdown(report: Report, text: str | None = None) -> str:
    """Return the claims as a Markdown table under the report's headline.

    Args:
        report: the report.
        text: the input text, when known.
    """
    lines = [f"## flopcheck: {_md_cell(report.source)}", "", _md_cell(headline(report, text))]
    if report.claims:
        lines += [
            "",
            "| id | claim | kind | verdict | claimed | found | from | why |",
            "|---|---|---|---|---|---|---|---|",
        ]
    for c in report.claims:
        cid, verdict, kind, claimed, found, origin = _cells(c)
        cells = [cid, clip(c.quote, 120), kind, f"**{verdict}**", claimed, found, origin]
        cells.append(clip(reason(c), 200))
        lines.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str, text: str = "", options: TextOptions | None = None) -> str:
    """Render a report in a named format.

    Args:
        report: the report.
        fmt: "text", "json", "markdown" or "html".
        text: the article text, for formats that show it.
        options: the text format's layout.
    """
    if fmt == "json":
        return report.model_dump_json(indent=2)
    if fmt == "markdown":
        return render_markdown(report, text)
    if fmt == "text":
        return render_text(report, text, options)
    if fmt == "html":
        from flopcheck.plugin.html_report import render_html

        return render_html(report, text)
    raise FlopcheckError(f"unknown format {fmt!r}; use text, json, markdown or html")
