"""Pipe tables and "Label: value" lists: which entity and which attribute each figure is about.

In a table such as

    | Metric      | DeepSeek-V3 | GPT-4 (est.) | Cost Reduction |
    | GPU Hours   | 2.788M H800 | ~30M+ H100   | 11x            |

the column header names the entity and the row label the attribute, so "2.788M H800" is a claim
about DeepSeek-V3's GPU hours, and "11x" relates the cells beside it: the article's own
arithmetic. A figure in a column whose header names no entity is not attributed to anything.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from flopcheck.rules.entities import ArticleContext, Mention
from flopcheck.rules.quantities import Quantity

_SEPARATOR = re.compile(r"^[\s|:\-]+$")
_PIPES = 2
# Words of a column or cell that relate the other cells of its row.
RELATION = re.compile(
    r"\b(?:cheaper|more|less|fewer|faster|slower|reduction|increase|higher|lower|difference|"
    r"efficien\w*|savings?|ratio|times)\b|[x×]\s*$",
    re.I,
)


@dataclass(frozen=True)
class Cell:
    """One cell of a table row: its span and, for data columns, the entity its header names."""

    start: int
    end: int
    column: int
    entity: Mention | None
    header: str


@dataclass(frozen=True)
class Row:
    """A data row of a pipe table: the row label (first cell) and the other cells."""

    start: int
    end: int
    label: str
    cells: tuple[Cell, ...]


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the (start, end) of each cell of the line text[start:end], trimmed."""
    pipes = [start + i for i, ch in enumerate(text[start:end]) if ch == "|"]
    edges = [start - 1, *pipes, end]
    spans = []
    for left, right in itertools.pairwise(edges):
        s, e = left + 1, right
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        spans.append((s, e))
    # A leading or trailing pipe leaves an empty edge, not a cell.
    if spans and spans[0][0] == spans[0][1]:
        spans.pop(0)
    if spans and spans[-1][0] == spans[-1][1]:
        spans.pop()
    return spans


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        spans.append((pos, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return spans


def find_rows(text: str, ctx: ArticleContext) -> dict[int, Row]:
    """Return the data rows of the pipe tables in ``text``, keyed by the row's start offset.

    Args:
        text: the article text.
        ctx: its entity context (to find the entities the column headers name).
    """
    rows: dict[int, Row] = {}
    header: list[Cell] | None = None
    for start, end in _lines(text):
        line = text[start:end]
        if line.count("|") < _PIPES:
            header = None
            continue
        if _SEPARATOR.match(line):
            continue
        spans = _cells(text, start, end)
        if header is None:
            header = [
                Cell(s, e, i, _entity(ctx, s, e), text[s:e]) for i, (s, e) in enumerate(spans)
            ]
            continue
        cells = tuple(
            Cell(s, e, i, header[i].entity if i < len(header) else None,
                 header[i].header if i < len(header) else "")
            for i, (s, e) in enumerate(spans)
        )  # fmt: skip
        if cells:
            label = text[cells[0].start : cells[0].end]
            rows[start] = Row(start, end, label, cells[1:])
    return rows


def _entity(ctx: ArticleContext, start: int, end: int) -> Mention | None:
    kinds = ("model", "accelerator")
    found = [m for m in ctx.starting(start, end) if m.kind in kinds]
    return found[0] if len(found) == 1 else None


def cell_at(row: Row, pos: int) -> Cell | None:
    """Return the cell of a row holding a position.

    Args:
        row: a table row.
        pos: a character offset.
    """
    return next((c for c in row.cells if c.start <= pos < c.end), None)


# How a row label re-reads the figure in a cell: "GPU Hours | 2.788M H800" is hours, not GPUs.
_LABEL_UNITS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\btokens?\b.*\b(?:cost|price)|\b(?:cost|price)\b.*\btokens?\b", re.I),
     "USD/Mtok", "currency_rate"),
    (re.compile(r"\bhours?\b", re.I), "GPU-hours", "gpu_hours"),
    (re.compile(r"\bparam", re.I), "params", "params"),
    (re.compile(r"\btokens?\b", re.I), "tokens", "tokens"),
)  # fmt: skip
_RATE_LABEL = re.compile(r"\bper\b|/", re.I)
_QUALIFIER = re.compile(r"\b(total|active)\b", re.I)


def reread(row: Row, q: Quantity) -> Quantity:
    """Return a cell's figure in the unit its row label gives it.

    Args:
        row: the table row.
        q: the figure found in one of its cells.
    """
    for pattern, unit, kind in _LABEL_UNITS:
        if not pattern.search(row.label):
            continue
        if kind != "currency_rate" and _RATE_LABEL.search(row.label):
            return q  # "FLOPs per Token": the cell is a rate, not a count of the label's noun
        if kind == "currency_rate":
            return replace(q, unit=unit, kind=kind) if q.kind == "currency" else q
        if kind == "gpu_hours" and q.kind == "count":
            return replace(q, unit=unit, kind=kind)
        if kind == "params" and q.kind in ("number", "params"):
            qualifier = _QUALIFIER.search(row.label)
            which = qualifier.group(1).lower() if qualifier else q.qualifier
            return replace(q, unit=unit, kind=kind, qualifier=which)
        if kind == "tokens" and q.kind in ("number", "tokens"):
            return replace(q, unit=unit, kind=kind)
    return q


def relation_operands(
    text: str, row: Row, cell: Cell, figures: list[tuple[Cell, Quantity]]
) -> tuple[tuple[Cell, Quantity], tuple[Cell, Quantity]] | None:
    """Return the two figures a relation cell ("~4.5x cheaper", "11x") relates, with their
    cells, if it relates two.

    Args:
        text: the article text.
        row: the table row.
        cell: the cell holding the ratio.
        figures: the row's other figures with their cells.
    """
    if not (RELATION.search(cell.header) or RELATION.search(text[cell.start : cell.end])):
        return None
    before = [(c, q) for c, q in figures if c.column < cell.column and c.entity is not None]
    if len(before) < 2:
        return None
    first, second = before[-2:]
    return (first, second) if first[1].unit == second[1].unit else None


# A row label's attribute, as the field of a training run's record it names.
_RUN_FIELDS = (
    (re.compile(r"\bper token\b", re.I), "active_params"),
    (re.compile(r"\bactive\b", re.I), "active_params"),
    (re.compile(r"\bparam", re.I), "total_params"),
    (re.compile(r"\btokens?\b", re.I), "tokens"),
    (re.compile(r"\bhours?\b", re.I), "accelerator_hours_total"),
    (re.compile(r"\bcost\b|\bprice\b|\bspend", re.I), "reported_cost_usd"),
    (re.compile(r"\bFLOPs?\b|\bcompute\b", re.I), "training_compute_flop"),
)


def run_field(label: str) -> str | None:
    """Return the training-run field a row label names ("GPU Hours", "Parameters (Active)"),
    if any; per-token compute compares as active parameters (6N per token on each side).

    Args:
        label: the row's label cell.
    """
    return next((field for pattern, field in _RUN_FIELDS if pattern.search(label)), None)
