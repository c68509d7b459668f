"""One name for one thing: every argument and result field, across all tools, compared."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from pydantic import BaseModel

from flopcheck.tools import tools
from flopcheck.tools.magnitudes import PLAUSIBLE

# Words the project replaced with one name each (accelerator, accelerator_count,
# accelerator_hours, active_params); a field that uses them names a thing a second way.
SYNONYMS = {
    "gpu": "accelerator",
    "gpus": "accelerator_count",
    "chip": "accelerator",
    "chips": "accelerator_count",
    "device": "accelerator",
    "devices": "accelerator_count",
    "num": "..._count",
    "activated": "active",
    "params_active": "active_params",
}
# Models that carry one quantity (a range, a sourced figure, a per-precision peak) where other
# places carry a bare number.
QUANTITY_MODELS = {"Value", "Figure", "DensePeaks"}


def _kind(prop: dict[str, Any]) -> str:
    """Return what a JSON-schema property holds: quantity, text, record, list or flag."""
    if "anyOf" in prop:
        kinds = {_kind(p) for p in prop["anyOf"] if p.get("type") != "null"}
        return "|".join(sorted(kinds))
    if "$ref" in prop:
        model = prop["$ref"].rsplit("/", 1)[-1]
        return "quantity" if model in QUANTITY_MODELS else "record"
    if "enum" in prop:
        return "enum"
    if prop.get("type") == "array":
        return "list"
    kind = {"number": "quantity", "integer": "quantity", "string": "text", "boolean": "flag"}
    return kind.get(prop.get("type", ""), "other")


def _fields() -> dict[str, set[tuple[str, str]]]:
    """Return every field name of every argument and result model, nested ones included, with
    its kind and the models that use it."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    models: list[type[BaseModel]] = []
    for tool in tools().values():
        models += [tool.args_model, tool.result_model]
    for model in models:
        schema = model.model_json_schema()
        for name, definition in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
            for field, prop in definition.get("properties", {}).items():
                seen[field].add((_kind(prop), name))
    return seen


FIELDS = _fields()


def test_the_walk_sees_arguments_results_and_nested_records() -> None:
    assert {"active_params", "accelerator_count", "run", "price", "warnings"} <= set(FIELDS)
    assert any(model == "TrainingRun" for _, model in FIELDS["active_params"])


def test_no_two_names_are_the_same_words_in_another_order() -> None:
    by_words: dict[frozenset[str], set[str]] = defaultdict(set)
    for name in FIELDS:
        by_words[frozenset(name.split("_"))].add(name)
    clashes = [sorted(names) for names in by_words.values() if len(names) > 1]
    assert not clashes, f"one thing, two names: {clashes}"


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_no_name_uses_a_replaced_synonym(name: str) -> None:
    words = set(name.split("_"))
    bad = {w: SYNONYMS[w] for w in words if w in SYNONYMS}
    bad |= {k: v for k, v in SYNONYMS.items() if "_" in k and k in name}
    assert not bad, f"{name}: say {bad}"


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_a_name_holds_the_same_kind_of_value_everywhere(name: str) -> None:
    kinds = {kind for kind, _ in FIELDS[name]}
    # A name may be given as text and returned as the record it resolves to (accelerator).
    assert len(kinds - {"record"}) <= 1 or kinds <= {"text", "enum"}, (name, FIELDS[name])


def test_every_precision_is_an_enum() -> None:
    for name, uses in FIELDS.items():
        if name.startswith("precision"):
            assert {kind for kind, _ in uses} == {"enum"}, (name, uses)


def test_the_magnitude_table_names_real_arguments() -> None:
    arguments = {f for t in tools().values() for f in t.args_model.model_fields}
    assert set(PLAUSIBLE) <= arguments
