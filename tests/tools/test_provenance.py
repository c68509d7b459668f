"""Provenance: every figure in every table has a tier, a source and (when not disclosed) an
estimator; the validators reject rows that break those rules."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from flopcheck.tools.provenance import Figure, Provenance, best_tier
from flopcheck.tools.rows_runs import TrainingRun
from flopcheck.tools.tables import TABLES

URL = "Some model card (https://example.org/card)"


def _walk(node: Any, tier: str | None, path: str, out: list[tuple[str, str | None]]) -> None:
    if isinstance(node, dict):
        tier = node.get("tier", tier)
        if "value" in node or "low_usd_per_hour" in node or "input_usd_per_mtok" in node:
            out.append((path, tier))
        for key, value in node.items():
            _walk(value, tier, f"{path}.{key}", out)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _walk(item, tier, f"{path}[{i}]", out)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_figure_has_a_tier(table: str) -> None:
    rows = [row.model_dump(mode="json") for row in TABLES[table].load()]
    assert rows, table
    figures: list[tuple[str, str | None]] = []
    for i, row in enumerate(rows):
        _walk(row, row.get("tier"), f"{table}[{i}]", figures)
    assert [path for path, tier in figures if tier is None] == []


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_row_has_a_checked_date(table: str) -> None:
    for row in TABLES[table].load():
        dumped = row.model_dump()
        assert dumped.get("checked") is not None, dumped


def test_an_estimate_needs_an_estimator() -> None:
    with pytest.raises(ValidationError, match="estimator"):
        Provenance(tier="estimate", source=URL)


def test_a_disclosed_figure_has_no_estimator() -> None:
    with pytest.raises(ValidationError, match="no estimator"):
        Provenance(tier="disclosed", estimator="Epoch AI", source=URL)


@pytest.mark.parametrize("source", ["rumour", "somebody said so", ""])
def test_a_source_names_a_url_or_document(source: str) -> None:
    with pytest.raises(ValidationError, match="neither a URL nor a document"):
        Provenance(tier="disclosed", source=source)


def test_a_range_must_contain_the_value() -> None:
    with pytest.raises(ValidationError, match="low <= value <= high"):
        Figure(tier="disclosed", source=URL, value=10, low=11, high=12, unit="x")


def test_alternatives_share_the_unit() -> None:
    alt = {"tier": "estimate", "estimator": "Epoch AI", "source": URL, "value": 1, "unit": "FLOP"}
    with pytest.raises(ValidationError, match="alternative"):
        Figure(tier="disclosed", source=URL, value=1, unit="USD", alternatives=[alt])


def test_run_figures_get_their_unit_from_the_field_name() -> None:
    run = TrainingRun.model_validate(
        {
            "id": "X",
            "organisation": "Y",
            "year": 2024,
            "architecture": "dense",
            "tokens": {"tier": "disclosed", "source": URL, "value": 1e12},
            "sources": [URL],
            "checked": "2026-12-02",
        }
    )
    assert run.tokens is not None
    assert run.tokens.unit == "tokens"


def test_a_run_figure_in_the_wrong_unit_is_rejected() -> None:
    with pytest.raises(ValidationError, match="unit"):
        TrainingRun.model_validate(
            {
                "id": "X",
                "organisation": "Y",
                "year": 2024,
                "architecture": "dense",
                "tokens": {"tier": "disclosed", "source": URL, "value": 1e12, "unit": "words"},
                "sources": [URL],
                "checked": "2026-12-02",
            }
        )


@pytest.mark.parametrize(
    ("tiers", "best"),
    [
        (["rumour", "estimate"], "estimate"),
        (["estimate", "disclosed", "rumour"], "disclosed"),
        (["rumour"], "rumour"),
        ([], None),
    ],
)
def test_best_tier(tiers: list[Any], best: str | None) -> None:
    assert best_tier(tiers) == best
