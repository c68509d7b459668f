"""Families: a claim about "Llama 2" is checked against the family, never one member for it."""

from __future__ import annotations

import pytest

from flopcheck.plugin.checker import check_rules
from flopcheck.rules.entities import find_mentions


@pytest.mark.parametrize(
    ("text", "label"),
    [
        pytest.param(
            "Llama 2 comes in sizes ranging from 7 billion to 70 billion parameters.",
            "supported",
            id="span-of-sizes",
        ),
        pytest.param(
            "Llama 2 comes in sizes ranging from 70 billion to 700 billion parameters.",
            "refuted",
            id="span-off-by-ten-at-one-end",
        ),
        pytest.param(
            "In total, Llama 2's pretraining took 3.3 million GPU hours.",
            "supported",
            id="family-total",
        ),
        pytest.param(
            "Llama 4 was trained on between 22 and 40 trillion tokens.",
            "supported",
            id="members-tokens",
        ),
    ],
)
def test_a_family_claim_is_checked_against_the_family(text: str, label: str) -> None:
    claim = check_rules(text).claims[-1]
    assert claim.verdict.label == label, claim.verdict.explanation
    assert claim.program is not None
    assert claim.program.subjects[0].record in ("Llama 2", "Llama 4")


def test_a_family_name_inside_a_model_name_is_the_model() -> None:
    mentions = find_mentions("Llama 2 70B was trained on 2T tokens.")
    assert [(m.kind, m.key) for m in mentions] == [("model", "Llama 2 70B")]


def test_names_in_links_name_nothing() -> None:
    text = "See https://github.com/meta-llama/llama-models/blob/main/MODEL_CARD.md for figures."
    assert find_mentions(text) == []


def test_the_size_alone_is_the_one_model_of_that_size_the_article_names() -> None:
    text = "Meta trained Llama 3.1 405B on 16,384 GPUs. The 405B reached 40% utilization."
    sizes = [m for m in find_mentions(text) if m.text == "The 405B"]
    assert [m.key for m in sizes] == ["Llama 3.1 405B"]


def test_a_model_in_an_aside_is_not_a_side_of_the_comparison() -> None:
    text = (
        "Their scaling runs used 4000x less compute than Llama 3.1 405B itself "
        "(unlike Chinchilla's 20 tokens per parameter)."
    )
    ratio = next(c for c in check_rules(text).claims if "4000x" in c.quote)
    assert ratio.verdict.label != "refuted"
    assert ratio.program is not None
    assert "Chinchilla" not in [s.record for s in ratio.program.subjects]


def test_a_figure_for_a_family_named_right_after_it_is_the_family_s() -> None:
    text = "They trained on 2.0 trillion tokens for Llama 2 against 1.4 trillion for LLaMA 65B."
    first = check_rules(text).claims[0]
    assert first.program is not None
    assert first.program.subjects[0].record == "Llama 2"
    assert first.verdict.label == "supported", first.verdict.explanation


_ABOUT_LLAMA_2 = (
    "Meta built Llama 2 on its own clusters. Meta's write-up of Llama 2 is long. "
    "Meta released it in the summer. "
)


@pytest.mark.parametrize(
    ("last", "record", "label"),
    [
        pytest.param(
            "The total pre-training time came to 3.3 million GPU hours.",
            "Llama 2",
            "supported",
            id="the-article's-family",
        ),
        pytest.param(
            "The total pre-training time came to 33 million GPU hours.",
            "Llama 2",
            "unverifiable",  # an inferred subject may support a figure, never refute it
            id="inferred-never-refutes",
        ),
    ],
)
def test_a_sentence_naming_nothing_falls_to_the_family_the_article_is_about(
    last: str, record: str, label: str
) -> None:
    claim = check_rules(_ABOUT_LLAMA_2 + last).claims[-1]
    assert claim.program is not None
    assert [(s.record, s.grounding) for s in claim.program.subjects] == [(record, "inferred")]
    assert claim.verdict.label == label, claim.verdict.explanation


def test_a_sentence_naming_another_maker_is_not_about_the_articles_family() -> None:
    claim = check_rules(_ABOUT_LLAMA_2 + "OpenAI's total came to 3.3 million GPU hours.").claims[-1]
    assert claim.program is not None
    assert all(s.record != "Llama 2" for s in claim.program.subjects)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Llama 2 trained at about 40% MFU on A100s.", "supported"),
        ("Llama 2 trained at about 90% MFU on A100s.", "unverifiable"),  # inferred: no refute
    ],
)
def test_a_figure_of_one_run_named_by_its_family_is_the_family_s_largest_inferred(
    text: str, label: str
) -> None:
    claim = check_rules(text).claims[-1]
    assert claim.program is not None
    assert [(s.record, s.grounding) for s in claim.program.subjects] == [
        ("Llama 2 70B", "inferred")
    ]
    assert claim.verdict.label == label, claim.verdict.explanation
