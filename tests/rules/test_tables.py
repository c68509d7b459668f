"""Tables: the column header names the entity, the row label the attribute, a relation cell is
the row's own arithmetic."""

from __future__ import annotations

from flopcheck.plugin.checker import check_rules
from flopcheck.rules.entities import build_context
from flopcheck.rules.tables import find_rows

TABLE = """How the two models compare:
| Figure | DeepSeek-V3 | Llama 3.1 405B | Difference |
|---|---|---|---|
| Training tokens | 14.8T | 15.6T | 1.05x more |
| Parameters (Total) | 671B | 405B | 1.7x |
| GPU Hours | 2.788M H800 | 20M H100 | 7x fewer |
"""


def test_rows_know_their_columns_entities() -> None:
    rows = find_rows(TABLE, build_context(TABLE))
    assert len(rows) == 3
    row = next(iter(rows.values()))
    assert row.label == "Training tokens"
    assert [c.entity.key if c.entity else None for c in row.cells] == [
        "DeepSeek-V3",
        "Llama 3.1 405B",
        None,
    ]


def test_each_cell_is_a_claim_about_its_column_s_entity() -> None:
    claims = {c.quote: c for c in check_rules(TABLE).claims}
    assert claims["14.8T"].verdict.label == "supported"
    assert claims["15.6T"].verdict.label == "supported"
    assert claims["671B"].verdict.label == "supported"
    # Every cell is checked against its own column, not against the first model named.
    assert claims["405B"].verdict.label == "supported"
    # A row label re-reads a cell: "2.788M H800" under "GPU Hours" is hours, not GPUs.
    assert claims["2.788M H800"].claimed.unit == "GPU-hours"
    assert claims["2.788M H800"].verdict.label == "supported"
    assert claims["20M H100"].verdict.label == "refuted"


def test_a_relation_cell_is_checked_against_the_cells_beside_it() -> None:
    claims = check_rules(TABLE).claims
    rows = {c.quote.split("|")[1].strip(): c for c in claims if c.quote.startswith("|")}
    assert rows["Training tokens"].verdict.label == "supported"  # 15.6 / 14.8 = 1.05
    assert rows["Parameters (Total)"].verdict.label == "supported"  # 671 / 405 = 1.66
    assert rows["GPU Hours"].verdict.label == "supported"  # 20 / 2.788 = 7.2
    assert rows["GPU Hours"].verdict.grounding == "article"


def test_a_column_with_no_entity_attributes_nothing() -> None:
    text = "| Figure | Value |\n|---|---|\n| Training tokens | 14.8T |\n"
    assert check_rules(text).claims == []
