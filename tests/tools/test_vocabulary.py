"""Names as data: organisations, families, comparators, reasoning flags and numeric formats come
from the tables, and reproduce what the rules backend used to hard-code."""

from __future__ import annotations

from datetime import date

import pytest

from flopcheck.errors import ToolInputError
from flopcheck.tools.hardware import parse_precision
from flopcheck.tools.tables import api_prices, organisations, training_runs
from flopcheck.tools.vocabulary import (
    bytes_per_param,
    compared_precision,
    family_usual_runs,
    generation_names,
    org_default_runs,
    precision_bits,
    price_comparators,
    reasoning_models,
    run_api_models,
)


def test_latest_organisation_defaults() -> None:
    assert org_default_runs() == {
        "deepseek": "DeepSeek-V3",
        "openai": "GPT-4",
        "meta": "Llama 3.1 405B",
        "google": "Gemini Ultra",
        "mistral": "Mixtral 8x22B",
    }


@pytest.mark.parametrize(
    ("on", "org", "run"),
    [(date(2021, 6, 1), "openai", "GPT-3"), (date(2023, 6, 1), "openai", "GPT-4")],
)
def test_organisation_default_by_date(on: date, org: str, run: str) -> None:
    assert org_default_runs(on)[org] == run


def test_default_runs_and_comparators_name_existing_records() -> None:
    runs = {r.id for r in training_runs()}
    apis = {m.model for m in api_prices()}
    assert {d.run for o in organisations() for d in o.default_runs} <= runs
    assert {m for models in price_comparators().values() for m in models} <= apis
    assert {m for models in run_api_models().values() for m in models} <= apis
    assert set(family_usual_runs().values()) <= runs


def test_price_comparators_keep_their_order() -> None:
    assert list(price_comparators()) == [
        "openai",
        "gpt-4o",
        "o1",
        "gemini",
        "google",
        "claude",
        "anthropic",
    ]
    assert price_comparators()["openai"] == ["GPT-4o", "o1"]


def test_models_built_on_a_run() -> None:
    assert run_api_models() == {
        "DeepSeek-V3": ["DeepSeek-V3", "DeepSeek-R1"],
        "DeepSeek-R1": ["DeepSeek-R1"],
    }


def test_reasoning_models_come_from_the_flag() -> None:
    assert {"o1", "o1-mini", "o3-mini", "DeepSeek-R1"} <= reasoning_models()
    assert "GPT-4o" not in reasoning_models()
    assert "Claude 3.7 Sonnet" not in reasoning_models()


def test_family_usual_runs() -> None:
    assert family_usual_runs()["llama3.1"] == "Llama 3.1 405B"
    assert family_usual_runs()["mixtral"] == "Mixtral 8x7B"
    assert "llama3" not in family_usual_runs()


def test_generation_names() -> None:
    assert {"Volta", "Ampere", "Hopper", "Blackwell"} <= set(generation_names())


def test_precision_widths_and_columns() -> None:
    assert precision_bits() == {
        "fp4": 4,
        "fp8": 8,
        "int8": 8,
        "fp16": 16,
        "bf16": 16,
        "tf32": 19,
        "fp32": 32,
        "fp64": 64,
    }
    assert compared_precision() == {"fp32": "tf32", "int8": "fp8"}
    assert bytes_per_param("fp4") == 0.5
    assert bytes_per_param("tf32") == 4


@pytest.mark.parametrize(
    ("spelling", "column"),
    [
        ("BF16", "bf16"),
        ("bfloat16", "bf16"),
        ("float16", "fp16"),
        ("E4M3", "fp8"),
        ("float8", "fp8"),
        ("FP32", "tf32"),
        ("TensorFloat-32", "tf32"),
        ("NVFP4", "fp4"),
        ("double", "fp64"),
    ],
)
def test_precision_spellings(spelling: str, column: str) -> None:
    assert parse_precision(spelling) == column


@pytest.mark.parametrize("spelling", ["int8", "fp12", ""])
def test_precisions_without_a_peak_column_are_refused(spelling: str) -> None:
    with pytest.raises(ToolInputError, match="unknown precision"):
        parse_precision(spelling)
