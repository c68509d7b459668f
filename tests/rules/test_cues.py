"""Cue words: the one-pass finder agrees with trying every cue group on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcheck.rules.sentences import CUES, cues_of, split_sentences

ARTICLES = sorted((Path(__file__).parents[2] / "flopcheck/evals/data").glob("*/articles/*.txt"))


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_cues_match_each_group_searched_alone(article: Path) -> None:
    text = article.read_text("utf-8")
    for start, end in split_sentences(text):
        sentence = text[start:end]
        alone = {name for name, pattern in CUES.items() if pattern.search(sentence)}
        assert cues_of(sentence) == alone, sentence


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("It is about 43% more than the H100's 700.", "versus"),  # "than" inside "more than the"
        ("The chip draws more power.", "energy"),  # "power" is compute and energy
        ("The chip draws more power.", "compute"),
        ("The run used 100kWh.", "energy"),  # a cue inside a word
        ("A SparseMixture of experts.", "experts"),
        ("It lists at $2.50 in and $10 out.", "api"),
        ("THE RUN WAS CHEAPER THAN THAT.", "versus"),  # case-insensitive cues
        ("Had DeepSeek started later, it would cost more.", "counterfactual"),
    ],
)
def test_overlapping_cues_are_all_found(sentence: str, cue: str) -> None:
    assert cue in cues_of(sentence)


def test_a_list_item_is_about_what_the_items_before_it_said() -> None:
    from flopcheck.plugin.checker import check_rules

    text = (
        "Reported numbers:\n\n  • GPT-3 (2020): ~21 % MFU on V100s.\n"
        "  • PaLM (2022): 46 % on TPUv4.\n\nPaLM (2022): 46 % on TPUv4.\n"
    )
    claims = check_rules(text).claims
    palm = [c for c in claims if "46 %" in c.quote]
    assert len(palm) == 1  # the bullet, read as a utilization; the bare line is no claim
    assert palm[0].verdict.label == "supported", palm[0].verdict.explanation
    assert "MFU" in palm[0].verdict.explanation
