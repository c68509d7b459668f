"""Tables: the column header names the entity, the row label the attribute, a relation cell is
the row's own arithmetic."""

from __future__ import annotations

import pytest

from flopcheck.engine.report import Claim
from flopcheck.plugin.checker import check_rules
from flopcheck.rules.entities import build_context
from flopcheck.rules.tables import find_rows, run_field

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


def rows_of(text: str) -> dict[str, Claim]:
    """The relation claims of a table, by row label."""
    claims = check_rules(text).claims
    return {c.quote.split("|")[1].strip(): c for c in claims if c.quote.startswith("|")}


def test_a_relation_between_two_runs_is_checked_against_their_records() -> None:
    rows = rows_of(TABLE)
    assert rows["Training tokens"].verdict.label == "supported"  # 15.6 / 14.8 = 1.05
    assert rows["Parameters (Total)"].verdict.label == "supported"  # 671 / 405 = 1.66
    # 20 / 2.788 = 7.2 is the row's own arithmetic, but Llama 3.1 405B reported 30.84M hours:
    # the ratio of the records is 11.
    gpu_hours = rows["GPU Hours"].verdict
    assert gpu_hours.label == "refuted"
    assert gpu_hours.grounding == "named"
    assert gpu_hours.computed is not None
    assert gpu_hours.computed.value == pytest.approx(30.84e6 / 2.788e6, rel=0.01)


def test_a_relation_without_two_run_records_is_the_row_s_own_arithmetic() -> None:
    text = (
        "| Spec | H100 SXM | A100 SXM 80GB | Ratio |\n|---|---|---|---|\n"
        "| BF16 TFLOPS | 989 | 312 | 3.2x |\n| HBM bandwidth (TB/s) | 3.35 | 2.04 | 3x |\n"
    )
    rows = rows_of(text)
    assert rows["BF16 TFLOPS"].verdict.label == "supported"
    assert rows["BF16 TFLOPS"].verdict.grounding == "article"
    assert rows["HBM bandwidth (TB/s)"].verdict.label == "refuted"  # 3.35 / 2.04 = 1.64


def test_a_column_with_no_entity_attributes_nothing() -> None:
    text = "| Figure | Value |\n|---|---|\n| Training tokens | 14.8T |\n"
    assert check_rules(text).claims == []


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("GPU Hours", "accelerator_hours_total"),
        ("Parameters (Active)", "active_params"),
        ("Parameters (Total)", "total_params"),
        ("FLOPs per Token", "active_params"),
        ("Training Cost", "reported_cost_usd"),
        ("Training tokens", "tokens"),
        ("Context window", None),
    ],
)
def test_a_row_label_names_a_run_field(label: str, field: str | None) -> None:
    assert run_field(label) == field


def test_a_price_cell_is_the_price_its_row_names_not_the_next_row_s() -> None:
    text = (
        "Prices per million tokens:\n\n| Price | GPT-4o | DeepSeek R1 |\n|---|---|---|\n"
        "| Output price | $10.00 | $2.19 |\n| Cached input price | $1.25 | $0.14 |\n"
    )
    claims = {c.quote: c for c in check_rules(text).claims}
    assert "output price" in claims["$2.19"].verdict.explanation
    assert claims["$2.19"].verdict.label == "supported"
    assert "cached input price" in claims["$0.14"].verdict.explanation
