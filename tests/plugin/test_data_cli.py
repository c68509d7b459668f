"""``flopcheck data``: lists the tables, a table's rows, and matching records with sources."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flopcheck.plugin.cli import main
from flopcheck.tools.tables import TABLES


def _run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(["data", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_lists_every_table_with_its_row_count(capsys: Any) -> None:
    code, out, _ = _run(capsys, "--format", "json")
    assert code == 0
    listed = {t["table"]: t["rows"] for t in json.loads(out)}
    assert listed == {name: len(t.load()) for name, t in TABLES.items()}


def test_lists_a_tables_rows_with_tier_and_date(capsys: Any) -> None:
    code, out, _ = _run(capsys, "systems")
    assert code == 0
    assert "GB200 NVL72  [disclosed; checked 2026-12-02]" in out.splitlines()


@pytest.mark.parametrize(
    ("table", "query", "key", "value"),
    [
        ("runs", "Llama 3 70B", "id", "Llama 3 70B"),
        ("accelerators", "H100 SXM", "id", "H100 SXM"),
        ("api_prices", "gpt-4o", "model", "GPT-4o"),
        ("rental_prices", "H800 SXM", "accelerator", "H800 SXM"),
    ],
)
def test_shows_matching_records_with_sources(
    capsys: Any, table: str, query: str, key: str, value: str
) -> None:
    code, out, _ = _run(capsys, table, query)
    assert code == 0
    records = json.loads(out)
    assert records[0][key] == value
    assert "source" in out


def test_a_query_matches_whole_words(capsys: Any) -> None:
    _, out, _ = _run(capsys, "runs", "Llama 3")
    ids = {r["id"] for r in json.loads(out)}
    assert {"Llama 3 8B", "Llama 3 70B", "Llama 3.1 405B"} <= ids
    assert "LLaMA 33B" not in ids


@pytest.mark.parametrize("table", list(TABLES))
def test_row_labels_tell_rows_apart(capsys: Any, table: str) -> None:
    _, out, _ = _run(capsys, table)
    labels = [line.rsplit("  [", 1)[0] for line in out.splitlines()]
    assert len(labels) == len(set(labels)) == len(TABLES[table].load())


def test_unknown_table_is_a_usage_error(capsys: Any) -> None:
    code, _, err = _run(capsys, "weather")
    assert code == 2
    assert "unknown table" in err


def test_no_match_lists_some_rows(capsys: Any) -> None:
    code, _, err = _run(capsys, "accelerators", "zzz-9000")
    assert code == 2
    assert "H100 SXM" in err
