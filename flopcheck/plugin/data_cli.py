"""``flopcheck data [TABLE] [QUERY]``: browse the shipped tables and their sources.

With no table it lists the tables; with a table, one line per row (key, tier, checked date);
with a query, the matching records in full, sources included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from flopcheck.errors import FlopcheckError, UnknownNameError

_KEYS = ("id", "model", "name", "accelerator", "generation", "subject", "item", "market")
_DETAILS = (
    "record", "status", "item_kind", "scope", "basis", "market", "estimator", "size", "sector",
    "kind", "quantity", "year", "as_of",
)  # fmt: skip


def add_data_command(sub: Any) -> None:
    """Add the ``data`` subcommand to the ``flopcheck`` parser.

    Args:
        sub: the subparsers object of the main parser.
    """
    data = sub.add_parser(
        "data",
        help="list the data tables, a table's rows, or the records matching a name",
        description="Browse the shipped data: every figure with its tier, source and date.",
        epilog="examples: flopcheck data | flopcheck data accelerators | "
        "flopcheck data runs 'Llama 3 70B' | flopcheck data api_prices gpt-4o",
    )
    data.add_argument("table", nargs="?", help="table name (see `flopcheck data`)")
    data.add_argument("query", nargs="?", help="a name or words to match, e.g. 'H100'")
    data.add_argument("--format", choices=["text", "json"], default="text")
    data.set_defaults(func=run_data)


def _tables() -> dict[str, Callable[[], tuple[BaseModel, ...]]]:
    from flopcheck.tools.tables import TABLES

    return {name: table.load for name, table in TABLES.items()}


def _table_name(name: str) -> str:
    tables = _tables()
    wanted = name.strip().lower().replace("-", "_")
    aliases = {"runs": "training_runs", "chips": "accelerators", "prices": "api_prices"}
    wanted = aliases.get(wanted, wanted)
    if wanted in tables:
        return wanted
    raise UnknownNameError(f"unknown table {name!r}; tables: {', '.join(tables)}", list(tables))


def row_label(row: dict[str, Any]) -> str:
    """Return a row's key and the fields that tell it apart from rows with the same key.

    Args:
        row: a row as a JSON-ready dict.
    """
    field, key = next(((k, str(row[k])) for k in _KEYS if row.get(k) is not None), ("", "?"))
    if field in ("id", "model"):
        return key
    details = [f"{k} {row[k]}" for k in _DETAILS if k != field and row.get(k) is not None]
    return key + (f" ({', '.join(details)})" if details else "")


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _words(query: str) -> re.Pattern[str]:
    """Match the query's words in order, each whole ("Llama 3" matches "Llama 3.1 8B", not
    "LLaMA 33B")."""
    words = re.findall(r"[a-z0-9]+", query.lower())
    return re.compile(r"(?<![a-z0-9])" + r"[^a-z0-9]*".join(words) + r"(?![a-z0-9])")


def matches(rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """Return the rows whose key or aliases equal the query, else those containing its words
    whole, else those containing it.

    Args:
        rows: JSON-ready rows of one table.
        query: a name or words.
    """
    wanted = _norm(query)

    pattern = _words(query)

    def names(row: dict[str, Any]) -> list[str]:
        return [row_label(row).split(" (")[0], *row.get("aliases", [])]

    exact = [r for r in rows if wanted in {_norm(n) for n in names(r)}]
    whole = [r for r in rows if any(pattern.search(n.lower()) for n in names(r))]
    return exact or whole or [r for r in rows if any(wanted in _norm(n) for n in names(r))]


def _dump(rows: tuple[BaseModel, ...]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json", exclude_none=True) for r in rows]


def _list_tables(fmt: str) -> str:
    tables = _tables()
    listing = [(name, len(load()), (load.__doc__ or "").strip()) for name, load in tables.items()]
    if fmt == "json":
        keys = ("table", "rows", "about")
        return json.dumps([dict(zip(keys, row, strict=True)) for row in listing], indent=2)
    width = max(len(name) for name, _, _ in listing)
    lines = [f"{name:<{width}}  {rows:>4}  {about}" for name, rows, about in listing]
    return "\n".join([*lines, "", "flopcheck data TABLE [QUERY] shows rows and their sources."])


def _list_rows(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    lines = []
    for row in rows:
        tier = row.get("tier", "per figure")
        lines.append(f"{row_label(row)}  [{tier}; checked {row.get('checked', '?')}]")
    return "\n".join(lines)


def _write(text: str) -> None:
    """Print ``text``; a reader that stops early (``| head``) is not an error."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the failed flush at exit; point stdout at nothing instead
        # (the recipe in the signal module's documentation).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run_data(args: argparse.Namespace) -> int:
    """Print the tables, a table's rows, or the records matching a query.

    Args:
        args: the parsed ``data`` arguments.
    """
    if args.table is None:
        _write(_list_tables(args.format))
        return 0
    name = _table_name(args.table)
    rows = _dump(_tables()[name]())
    if args.query is None:
        _write(_list_rows(rows, args.format))
        return 0
    found = matches(rows, args.query)
    if not found:
        labels = [row_label(r) for r in rows]
        raise FlopcheckError(
            f"no row of {name} matches {args.query!r}; rows: {', '.join(labels[:12])}"
            + (" ..." if len(labels) > 12 else "")
        )
    _write(json.dumps(found, indent=2, ensure_ascii=False))
    return 0
