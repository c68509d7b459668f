"""Rendering a Report as text, Markdown or JSON."""

from __future__ import annotations

import textwrap

from flopcheck.engine.report import Amount, Claim, Report
from flopcheck.errors import FlopcheckError

_MARK = {"supported": "OK", "refuted": "WRONG", "misleading": "MISLEADING", "unverifiable": "?"}
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def _num(x: float) -> str:
    ax = abs(x)
    if ax >= 1e15 or (0 < ax < 1e-3):
        return f"{x:.3g}"
    for scale, suffix in _SCALES:
        if ax >= scale:
            return f"{x / scale:.3g}{suffix}"
    return f"{x:.3g}"


def show_amount(a: Amount | None) -> str:
    """Return an amount as short text: "5.58M USD", "0.05-0.1 ratio", "-".

    Args:
        a: the amount, or None.
    """
    if a is None:
        return "-"
    if a.low is not None and a.high is not None and a.low != a.high:
        core = f"{_num(a.low)}-{_num(a.high)}"
    elif a.value is not None:
        core = _num(a.value)
    else:
        return "-"
    return f"{core} {a.unit}"


def reason(claim: Claim) -> str:
    """Return the first line of a claim's explanation.

    Args:
        claim: the checked claim.
    """
    return claim.verdict.explanation.split("\n")[0]


def clip(s: str, n: int) -> str:
    """Return ``s`` on one line, cut to ``n`` characters with an ellipsis when longer.

    Args:
        s: the text.
        n: the most characters to keep.
    """
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def render_text(report: Report) -> str:
    """Return a readable table of the claims, one block per claim, and a label summary.

    Args:
        report: the report.
    """
    counts = report.label_counts()
    lines = [
        f"{report.source}: {len(report.claims)} claims ("
        + ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        + f") [backend: {report.backend}]",
        "",
    ]
    for c in report.claims:
        v = c.verdict
        lines.append(f'[{c.id}] {_MARK[v.label]:<10} {c.kind}: "{clip(c.quote, 90)}"')
        lines.append(f"      claimed {show_amount(c.claimed)} | computed {show_amount(v.computed)}")
        for part in textwrap.wrap(reason(c), 92):
            lines.append(f"      {part}")
        lines.append("")
    if not report.claims:
        lines.append("no checkable compute claims found")
    return "\n".join(lines).rstrip() + "\n"


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """Return the claims as a Markdown table with a label summary.

    Args:
        report: the report.
    """
    counts = ", ".join(f"{n} {label}" for label, n in report.label_counts().items() if n)
    lines = [
        f"## flopcheck: {_md_cell(report.source)}",
        "",
        f"{len(report.claims)} claims ({counts or 'none'}), backend `{report.backend}`.",
        "",
        "| # | claim | kind | label | claimed | computed | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in report.claims:
        lines.append(
            f"| {c.id} | {_md_cell(clip(c.quote, 120))} | {c.kind} | **{c.verdict.label}** | "
            f"{show_amount(c.claimed)} | {show_amount(c.verdict.computed)} | "
            f"{_md_cell(clip(reason(c), 200))} |"
        )
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str, text: str = "") -> str:
    """Render a report in a named format.

    Args:
        report: the report.
        fmt: "text", "json", "markdown" (or "html" once available).
        text: the article text, for formats that show it.
    """
    if fmt == "json":
        return report.model_dump_json(indent=2)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "text":
        return render_text(report)
    if fmt == "html":
        from flopcheck.plugin.html_report import render_html

        return render_html(report, text)
    raise FlopcheckError(f"unknown format {fmt!r}; use text, json, markdown or html")
