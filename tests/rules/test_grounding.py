"""Grounding: a claim is checked against the subject its own clause names, never another's."""

from __future__ import annotations

import pytest

from flopcheck.engine.report import Claim, Report
from flopcheck.plugin.checker import check_rules


def claim_with(report: Report, fragment: str) -> Claim:
    """The claim whose quote holds ``fragment``."""
    return next(c for c in report.claims if fragment in c.quote)


def test_a_figure_is_checked_against_the_model_its_clause_names() -> None:
    text = (
        "Llama 3.1 405B was trained on 15.6T tokens. "
        "DeepSeek-V3, a different model, used 14.8T tokens."
    )
    claim = claim_with(check_rules(text), "14.8T")
    assert claim.verdict.label == "supported"
    assert claim.verdict.grounding == "named"
    assert claim.program is not None
    assert [s.record for s in claim.program.subjects] == ["DeepSeek-V3"]


def test_a_model_named_elsewhere_is_not_a_fallback_for_a_refutation() -> None:
    text = (
        "DeepSeek-V3 was trained on 2,048 H800 GPUs.\n\n"
        "Meanwhile a new lab says its flagship took only 3,000 GPUs, a tenth of its rivals."
    )
    claim = claim_with(check_rules(text), "3,000 GPUs")
    assert claim.verdict.label != "refuted"


def test_a_pronoun_refers_back_to_the_one_model_of_the_sentence_before() -> None:
    text = "DeepSeek-V3 is a mixture-of-experts model. It was trained on 9T tokens."
    claim = claim_with(check_rules(text), "9T tokens")
    assert claim.verdict.label == "refuted"
    assert claim.verdict.grounding == "anaphor"


def test_a_pronoun_with_two_candidates_is_not_resolved_by_guessing() -> None:
    text = (
        "DeepSeek-V3 and Llama 3.1 405B are both large. It was trained on 9T tokens, "
        "a newsletter said."
    )
    claim = claim_with(check_rules(text), "9T tokens")
    assert claim.verdict.label != "refuted"


def test_an_organisation_alone_is_only_an_inference_and_never_refutes() -> None:
    text = "Meta trained its new model on 3 trillion tokens."
    claim = claim_with(check_rules(text), "3 trillion tokens")
    assert claim.verdict.label == "unverifiable"


def test_a_model_without_a_record_is_unverifiable_not_someone_elses_figures() -> None:
    text = (
        "DeepSeek-V3 was trained on 14.8T tokens. By contrast, Zephyrix-7 was trained on "
        "40T tokens."
    )
    claim = claim_with(check_rules(text), "40T tokens")
    assert claim.verdict.label == "unverifiable"
    assert "Zephyrix-7" in claim.verdict.explanation


def test_a_definite_description_refers_to_the_article_s_topic() -> None:
    text = (
        "DeepSeek-V3 changed the economics. DeepSeek-V3 used FP8. DeepSeek-V3 is open.\n\n"
        "Critics say the model needed 9 million GPU hours."
    )
    claim = claim_with(check_rules(text), "9 million GPU hours")
    assert claim.verdict.label == "refuted"
    assert claim.verdict.grounding == "anaphor"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Llama 3.1 (405B parameters) is dense, unlike DeepSeek-V3.", "405B"),
        ("DeepSeek-V3, while larger than Llama 3.1 8B, used 14.8T tokens.", "14.8T"),
    ],
)
def test_the_owner_of_a_figure_is_found_in_a_sentence_with_two_models(
    text: str, fragment: str
) -> None:
    assert claim_with(check_rules(text), fragment).verdict.label == "supported"


@pytest.mark.parametrize(
    ("text", "fragment", "grounding"),
    [
        pytest.param(
            "The $900 million budget covers several clusters, and GPT-4's report says little "
            "about them.",
            "$900 million",
            "inferred",
            id="a-model-in-the-next-clause-is-not-the-subject",
        ),
        pytest.param(
            "The $900 million training cost is a guess; GPT-4's report says little about it.",
            "$900 million",
            "inferred",
            id="after-a-semicolon",
        ),
        pytest.param(
            "For about $5.6 million, DeepSeek-V3 was trained on 2,048 H800s.",
            "$5.6 million",
            "named",
            id="a-model-after-a-comma-still-owns-the-figure",
        ),
    ],
)
def test_the_subject_after_a_figure_is_in_its_own_clause(
    text: str, fragment: str, grounding: str
) -> None:
    claim = next(c for c in check_rules(text).claims if fragment in c.quote)
    assert claim.program is not None
    assert [s.grounding for s in claim.program.subjects][:1] in ([grounding], [])
    assert claim.verdict.label != "refuted" or grounding == "named"


_ABOUT_V3 = "DeepSeek-V3 is the subject here. DeepSeek-V3 was released in December. "


@pytest.mark.parametrize(
    ("last", "label", "grounding"),
    [
        pytest.param(
            "Last month a small team achieved what few expected: training a frontier model for "
            "$5.6 million.",
            "supported",
            ["inferred"],
            id="a-model-described-in-an-article-about-one",
        ),
        pytest.param(
            "Training a frontier model today costs under $20 million.",
            "unverifiable",
            [],
            id="models-in-general",
        ),
    ],
)
def test_a_model_the_article_describes_is_its_topic_inferred(
    last: str, label: str, grounding: list[str]
) -> None:
    claim = [c for c in check_rules(_ABOUT_V3 + last).claims if "$" in c.quote][-1]
    assert claim.program is not None
    assert [s.grounding for s in claim.program.subjects] == grounding
    assert claim.verdict.label == label, claim.verdict.explanation
