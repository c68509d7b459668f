"""The text table: one vocabulary, aligned columns at any width, colour, steps, empty input."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from flopcheck import check
from flopcheck.engine.report import KINDS, LABELS, Report
from flopcheck.plugin.render import (
    SYMBOL,
    TextOptions,
    kind_name,
    render_markdown,
    render_text,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = (REPO / "examples" / "deepseek_costs.txt").read_text("utf-8")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG = (
    "According to a very long and winding sentence that keeps going for quite some time before "
    "it gets to the point, DeepSeek-V3 was trained on 2,048 H800 GPUs, which several outlets "
    "repeated without checking, for roughly $5.6 million in rented compute."
)


@cache
def example() -> Report:
    return check(EXAMPLE, backend="rules", source="deepseek_costs.txt")


def rows(out: str) -> list[str]:
    """Return the table rows of a text report: the lines that start with a claim id."""
    return [line for line in out.splitlines() if re.match(r"c\d+ ", line)]


def test_one_vocabulary_in_header_and_rows() -> None:
    out = render_text(example(), EXAMPLE)
    header = out.splitlines()[0]
    assert re.search(r"11 claims: \d+ ✓ supported, \d+ ✗ refuted", header)
    words = {f"{SYMBOL[label]} {label}" for label in LABELS}
    for row in rows(out):
        assert sum(word in row for word in words) == 1, row
    for old in ("OK", "WRONG", "claims ("):
        assert old not in out


def test_numbers_as_written_and_in_matching_units() -> None:
    out = render_text(example(), EXAMPLE)
    assert "2,048 GPUs" in out
    assert "2.05K" not in out
    c6 = next(row for row in rows(out) if row.startswith("c6 "))
    assert "5.5%" in c6
    assert "5.51%" in c6
    assert "ratio" not in c6.split("parameter share")[1]
    c3 = next(row for row in rows(out) if row.startswith("c3 "))
    assert "$5.6M" in c3
    assert "$5.58M" in c3


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_columns_align_and_lines_fit_at_any_width(width: int) -> None:
    report = check(EXAMPLE + "\n\n" + LONG, backend="rules", source="x.txt")
    out = render_text(report, options=TextOptions(width=width))
    assert all(len(line) <= width for line in out.splitlines()), out
    claim_rows = rows(out)
    assert len(claim_rows) == len(report.claims)
    verdict_at = {
        min(row.find(word) for word in ("✓", "✗", "!", "?") if word in row) for row in claim_rows
    }
    assert len(verdict_at) == 1  # the verdict column starts at one offset on every row
    indent = {len(line) - len(line.lstrip()) for line in out.splitlines() if line.startswith(" ")}
    assert len(indent) <= 2  # wrapped quote/reason lines, and step details under them
    quote = "“According to a very long"
    assert quote in out  # the long quote is wrapped, not clipped
    assert "rented compute" in out.split(quote)[1]


def test_wide_terminals_get_a_table_narrow_ones_stacked_rows() -> None:
    wide = render_text(example(), options=TextOptions(width=120))
    assert re.search(r"^id +verdict +kind +claimed +found +from$", wide, re.M)
    narrow = render_text(example(), options=TextOptions(width=50))
    assert "claimed 2,048 GPUs · found 2,048 GPUs (reported)" in " ".join(narrow.split())
    assert not re.search(r"^id +verdict", narrow, re.M)


def test_colour_only_when_asked_and_figures_in_bold() -> None:
    plain = render_text(example(), EXAMPLE)
    assert not ANSI.search(plain)
    coloured = render_text(example(), EXAMPLE, TextOptions(color=True))
    assert "\x1b[31m✗ refuted\x1b[0m" in coloured
    assert "\x1b[32m✓ supported\x1b[0m" in coloured
    assert "\x1b[1m10x\x1b[0m" in coloured  # the claimed figure inside its quote
    assert ANSI.sub("", coloured).replace(" ", "") == plain.replace(" ", "")


@pytest.mark.parametrize(
    ("kind", "unit", "name"),
    [
        ("cluster_time", "GPUs", "GPU count"),
        ("cluster_time", "days", "training time"),
        ("hardware_ratio", "x", "speed ratio"),
        ("hardware_ratio", "FLOP/s", "peak speed"),
        ("training_cost", "percent", "cost ratio"),
        ("training_cost", "USD", "training cost"),
        ("other", "kW", "power"),
        ("other", "GWh", "energy"),
        ("price_ratio", "USD/Mtok", "API price"),
        ("params", "percent", "parameter share"),
        ("arithmetic", "kWh", "arithmetic"),
        ("other", "widgets", "figure"),
    ],
)
def test_kind_names_are_readable(kind: str, unit: str, name: str) -> None:
    assert kind_name(kind, unit) == name


def test_no_kind_is_shown_by_its_identifier() -> None:
    assert all("_" not in kind_name(kind, "") for kind in KINDS)
    out = render_text(example(), EXAMPLE)
    assert not any(kind in out for kind in KINDS if "_" in kind)


def test_where_each_figure_came_from() -> None:
    out = render_text(example(), EXAMPLE)
    by_id = {row.split()[0]: row for row in rows(out)}
    assert by_id["c1"].endswith("reported")  # DeepSeek's disclosed 2,048 GPUs
    assert by_id["c3"].endswith("recomputed")  # hours x price
    assert "reported (a published figure" in out


def test_steps_list_every_tool_call() -> None:
    report = example()
    out = render_text(report, EXAMPLE, TextOptions(steps=True))
    assert 'lookup_training_run(model="DeepSeek-V3")' in out
    calls = sum(len(c.verdict.steps) for c in report.claims)
    assert len(re.findall(r"^ +\d+\. [a-z_]+\(", out, re.M)) == calls
    assert "lookup_training_run(" not in render_text(report, EXAMPLE)


def test_empty_input_and_no_claims_have_clear_headers() -> None:
    empty = render_text(check("", backend="rules", source="e.txt"), "")
    assert empty == "e.txt: empty input, nothing to check\n"
    none = render_text(check("Nothing to see.", backend="rules", source="n.txt"), "Nothing.")
    assert none == "n.txt: no checkable compute claims found (rules backend)\n"
    assert "()" not in empty + none


def test_markdown_uses_the_same_words() -> None:
    md = render_markdown(example(), EXAMPLE)
    assert "| c1 |" in md
    assert "**✓ supported**" in md
    assert "2,048 GPUs" in md
    assert "cluster_time" not in md


def test_control_characters_never_reach_the_terminal() -> None:
    text = "DeepSeek-V3 \x1b[2J\x1b]0;pwned\x07was trained on 2,048 H800 GPUs.\x9b"
    report = check(text, backend="rules", source="evil\x1b[31m.txt")
    report.claims[0].verdict.explanation = "bad \x1b[8mhidden"
    for options in (TextOptions(), TextOptions(color=True, steps=True)):
        out = render_text(report, text, options)
        assert not re.search(r"\x1b(?!\[[01]m|\[3[12]m|\[90m|\[33m)", out)
        assert "\x07" not in out
        assert "\x9b" not in out
    assert "\ufffd[2J" in render_text(report, text)
    assert "\x1b" not in render_markdown(report, text)
