"""Tests for the number-literal reader shared by the calculator and the article grammar."""

from __future__ import annotations

import pytest

from flopcheck.errors import ToolInputError
from flopcheck.tools.numbers import NUMBER_RE, find_numbers, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2048", 2048),
        ("2,048", 2048),
        ("1,082,990", 1_082_990),
        ("433,196", 433_196),
        ("5.576", 5.576),
        ("0.238", 0.238),
        ("2.788M", 2_788_000),
        ("14.8T", 14.8e12),
        ("37B", 37e9),
        ("4b", 4e9),
        ("10K", 10_000),
        ("5k", 5_000),
        ("2,664K", 2_664_000),
        ("5.5 million", 5.5e6),
        ("2 billion", 2e9),
        ("1.27 trillion", 1.27e12),
        ("70-billion", 70e9),
        ("3 Million", 3e6),
        ("$5.5 million", 5.5e6),
        ("US$2 billion", 2e9),
        ("USD 7", 7),
        ("$5.576M", 5.576e6),
        ("$40m", 40e6),
        ("$2bn", 2e9),
        ("1.27*10^9", 1.27e9),
        ("3.49×10^6", 3.49e6),
        ("3.49 x 10^6", 3.49e6),
        ("3.8 x 10^25", 3.8e25),
        ("3.8 X 10**25", 3.8e25),
        ("3.8e25", 3.8e25),
        ("3.14E+23", 3.14e23),
        ("9e^17", 9e17),
        ("10^25", 1e25),
        ("10²⁵", 1e25),
        ("2.5 × 10⁻³", 2.5e-3),
        ("1e-3", 1e-3),
        ("-5", -5),
        ("−2.5K", -2500),
        ("  +42  ", 42),
        ("1e40", 1e40),
    ],
)
def test_parse_number_reads_article_forms(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected, rel=1e-12)


def test_scaled_literals_are_exact() -> None:
    # Built from the decimal digits, not 2.788 * 1e6, so there is no rounding error at all.
    assert parse_number("2.788M") == 2788000.0
    assert parse_number("5.576M") == 5576000.0
    assert parse_number("0.01M") == 10000.0


@pytest.mark.parametrize(
    "text",
    ["1e400", "10^400", "1e99999", "9" * 5000 + "e9", "2e41", "abc", "", "1,2", "20,48", "5m",
     ".5", "5 5", "1e", "$", "5%", "2x", "H100"],
)  # fmt: skip
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ToolInputError):
        parse_number(text)


def test_out_of_range_is_an_error_not_inf() -> None:
    with pytest.raises(ToolInputError, match="out of range"):
        parse_number("1e400")


def test_parse_error_says_what_to_write() -> None:
    with pytest.raises(ToolInputError, match=r"2\.788M") as info:
        parse_number("many millions")
    assert "5.5 million" in info.value.suggestions


@pytest.mark.parametrize(
    ("text", "value"),
    [("two million", 2e6), ("a thousand", 1e3), ("half a billion", 5e8), ("One Million", 1e6)],
)
def test_a_spelled_count_before_a_scale_word(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["one", "a", "ten GPUs", "one of them", "a millionaire"])
def test_a_spelled_count_alone_is_not_a_number(text: str) -> None:
    assert find_numbers(text) == []


def test_find_numbers_spans_and_values() -> None:
    text = "It cost $5.5 million on 2,048 H800s; 3.49×10^6 x365 = 1.27*10^9 J, not 1e400."
    found = find_numbers(text)
    assert [n.text for n in found] == ["$5.5 million", "2,048", "3.49×10^6", "1.27*10^9"]
    assert [n.value for n in found] == pytest.approx([5.5e6, 2048, 3.49e6, 1.27e9], rel=1e-12)
    assert [n.usd for n in found] == [True, False, False, False]
    for n in found:
        assert text[n.start : n.end] == n.text


@pytest.mark.parametrize(
    "text", ["H100", "A100s", "MI300X", "TPU v4", "Meta’s1", "models6", "GPT-4", "FP8", "x365"]
)
def test_find_numbers_skips_digits_inside_names(text: str) -> None:
    assert find_numbers(text) == []


def test_number_re_finds_literals_in_longer_text() -> None:
    text = "pre-training 2,664K GPU hours, context 119K, post 5K"
    assert [m.group(0) for m in NUMBER_RE.finditer(text)] == ["2,664K", "119K", "5K"]
