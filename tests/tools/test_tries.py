"""Regex tries and first-letter lookaheads."""

from __future__ import annotations

import re

import pytest

from flopcheck.tools.tries import alternatives, gated, initials, literal_start, trie_pattern


@pytest.mark.parametrize(
    ("words", "fold", "text", "found"),
    [
        (["one", "two", "ten"], True, "Two or ten or nine", ["Two", "ten"]),
        (["one", "two", "ten"], False, "Two or ten or nine", ["ten"]),
        (["March", "May"], False, "in May and march", ["May"]),
    ],
)
def test_initials_admits_only_positions_a_spelling_can_start(
    words: list[str], fold: bool, text: str, found: list[str]
) -> None:
    flags = re.I if fold else 0
    pattern = re.compile(rf"\b{initials(words, fold)}(?:{'|'.join(words)})\b", flags)
    assert pattern.findall(text) == found


def test_initials_escapes_regex_characters() -> None:
    assert re.fullmatch(initials(["$5", "-x"], fold=False) + ".+", "$5")


def test_a_trie_matches_the_longest_spelling() -> None:
    pattern = re.compile(trie_pattern(["h100", "h100 sxm"], r"[\s\-]"))
    assert pattern.match("H100-SXM") is not None
    assert pattern.match("H100-SXM").group() == "H100-SXM"  # type: ignore[union-attr]


def test_alternatives_split_only_at_the_top_level() -> None:
    assert alternatives(r"\bcost|(?:a|b)c|[|]x|\|y") == [r"\bcost", "(?:a|b)c", "[|]x", r"\|y"]


@pytest.mark.parametrize(
    ("alternative", "start"),
    [
        (r"\bcost", (True, "cost")),
        (r"\bspen[dt]", (True, "spen")),
        (r"\bpre-?train", (True, "pre")),  # the hyphen may be absent
        (r"\bto run\b", (True, "to run")),
        (r"\$[\d.]+ in", (False, "$")),
        (r"kwh", (False, "kwh")),
        (r"ab+c", (False, "ab")),
        (r"^(?:It|They)\b", (False, "")),
        (r"\b(?:the model|its)\b", (True, "")),
    ],
)
def test_literal_start_is_what_every_match_begins_with(
    alternative: str, start: tuple[bool, str]
) -> None:
    assert literal_start(alternative) == start


@pytest.mark.parametrize(
    "text",
    ["It costs $5 in and $9 out.", "The result is 42, so about 40.", "nothing here", "=5 or so"],
)
def test_a_gated_pattern_matches_exactly_where_the_pattern_does(text: str) -> None:
    pattern = re.compile(r"\bis\b|\bcosts?|, so (?:about|roughly)|=|\$\d+ in", re.I)
    spans = [m.span() for m in pattern.finditer(text)]
    assert [m.span() for m in gated(pattern).finditer(text)] == spans


def test_a_pattern_whose_groups_would_be_copied_is_not_gated() -> None:
    pattern = re.compile(r"(a)|\bb")
    assert gated(pattern) is pattern
