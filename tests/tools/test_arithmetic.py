"""Tests for the calculate tool: article-style numbers, precedence, guards, never a crash."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcheck.errors import ToolInputError
from flopcheck.tools.arithmetic import MAX_LENGTH, CalculateArgs, CalculateResult, calculate


def run(expression: str) -> CalculateResult:
    """Evaluate an expression with the tool.

    Args:
        expression: the expression.
    """
    return calculate(CalculateArgs(expression=expression))


@pytest.mark.parametrize(
    ("expression", "expected", "unit"),
    [
        ("2.788M * 2", 5.576e6, ""),
        ("6 * 37B * 14.8T", 3.2856e24, ""),
        ("$5.328M + $0.238M + $0.01M", 5.576e6, "USD"),
        ("2.788M * $2", 5.576e6, "USD"),
        ("$5.5M / $2", 2.75e6, ""),
        ("$5.5 million / 2,048", 2685.546875, "USD"),
        ("US$2 billion / 12", 2e9 / 12, "USD"),
        ("1.27*10^9", 1.27e9, ""),
        ("3.49 x 10^6 * 365", 1.27385e9, ""),
        ("3.49×10^6", 3.49e6, ""),
        ("3.8 X 10**25", 3.8e25, ""),
        ("9e^17", 9e17, ""),
        ("10^25", 1e25, ""),
        ("2500 / 3", 2500 / 3, ""),
        ("4184*834", 3_489_456, ""),
        ("1,082,990 * 0.4", 433_196, ""),
        ("2^3^2", 512, ""),
        ("-2^2", -4, ""),
        ("(-2)^2", 4, ""),
        ("2^-1", 0.5, ""),
        ("- -3", 3, ""),
        ("−3 + 1", -2, ""),
        ("2 ÷ 4", 0.5, ""),
        ("8x22", 176, ""),
        ("(1 + 2) * (3 - 1) / 4", 1.5, ""),
        ("5.5 million - 5.576M", -76_000, ""),
        ("1e40", 1e40, ""),
        ("0 * 1e40", 0, ""),
    ],
)
def test_calculate_values_and_units(expression: str, expected: float, unit: str) -> None:
    result = run(expression)
    assert result.value.mid == pytest.approx(expected, rel=1e-12)
    assert result.value.low == result.value.mid == result.value.high
    assert result.value.unit == unit


def test_formula_shows_expanded_numbers_and_result() -> None:
    result = run("2.788M * 2")
    assert result.formula == "2.788M * 2 = 2788000 * 2 = 5.576e6"
    assert result.normalized == "2788000 * 2"
    assert any("M = 1e6" in a for a in result.assumptions)


def test_formula_of_dollar_sum() -> None:
    result = run("$5.328M + $0.238M + $0.01M")
    assert result.formula.endswith("= $5328000 + $238000 + $10000 = $5.576e6")


def test_formula_skips_a_normalized_step_identical_to_the_input() -> None:
    assert run("2 * 3").formula == "2 * 3 = 6"
    assert run("-2 ^ 2").formula == "-2 ^ 2 = -4"


def test_readings_are_stated() -> None:
    notes = run("3.49 x 10^6 * 9e^17").assumptions
    assert any("multiplication" in n for n in notes)
    assert any("9e^17" in n for n in notes)


def test_mixed_dollars_and_plain_numbers_drop_the_unit() -> None:
    result = run("$5M + 2")
    assert result.value.unit == ""
    assert any("unit left blank" in a for a in result.assumptions)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("9^9^9^9", "exceeds"),
        ("10^41", "exceeds"),
        ("1e40 * 10", "exceeds"),
        ("1e400", "out of range"),
        ("1/0", "division by zero"),
        ("0^-1", "division by zero"),
        ("(1 - 1) / (2 - 2)", "division by zero"),
        ("(-8)^0.5", "negative number"),
        ("abs(2)", "names"),
        ("x", "multiplication only between two numbers"),
        ("2 x", "multiplication only between two numbers"),
        ("__import__('os')", "names"),
        ("25%", "0.25"),
        ("2 * 3 = 6", "without '='"),
        ("2(3)", "write \\* for multiplication"),
        ("2 3", "write \\* for multiplication"),
        ("((1 + 2)", "not closed"),
        ("1 + 2)", "unexpected"),
        ("", "empty"),
        ("   ", "empty"),
        ("1 +", "ends early"),
        ("(" * 60 + "1" + ")" * 60, "nests deeper"),
        ("-" * 100 + "1", "nests deeper"),
        ("1" + "+1" * 300, "characters"),
        ("5 kWh * 2", "names, units"),
        ("1,2", "commas"),
    ],
)
def test_calculate_refuses_with_a_fix(expression: str, message: str) -> None:
    with pytest.raises(ToolInputError, match=message):
        run(expression)


def test_length_limit_is_the_documented_one() -> None:
    run("1" + "+1" * ((MAX_LENGTH - 1) // 2))
    with pytest.raises(ToolInputError):
        run("1" + "+1" * (MAX_LENGTH // 2))


def test_description_line_says_what_is_accepted() -> None:
    summary = (calculate.__doc__ or "").splitlines()[0]
    assert "+ - * / ^" in summary
    assert "2.788M" in summary


def _expressions() -> st.SearchStrategy[str]:
    """Return a strategy of arithmetic-looking strings made of the calculator's alphabet."""
    atoms = st.sampled_from(
        [
            "1",
            "2.5",
            "0",
            "9",
            "1e3",
            "2.788M",
            "$5",
            "10^",
            "^",
            "**",
            "*",
            "/",
            "+",
            "-",
            "(",
            ")",
            "x",
            " ",
            "e^",
            "9e^17",
            "1,000",
            "%",
            ".",
        ]
    )
    return st.lists(atoms, max_size=40).map("".join)


@settings(max_examples=400, deadline=2000)
@given(st.one_of(st.text(max_size=80), _expressions()))
def test_calculate_never_crashes_or_hangs(expression: str) -> None:
    started = time.perf_counter()
    try:
        result = run(expression)
    except ToolInputError:
        pass
    else:
        assert math.isfinite(result.value.mid)
        assert abs(result.value.mid) <= 1e40
    assert time.perf_counter() - started < 1.0


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> tuple[str, float | None]:
    """Return a random expression over small integers and its value by plain Python (None: 1/0).

    Args:
        draw: hypothesis's draw function.
        depth: the current nesting depth.
    """
    if depth > 3 or draw(st.booleans()):
        n = draw(st.integers(min_value=0, max_value=999))
        return str(n), float(n)
    left, a = draw(_trees(depth + 1))
    right, b = draw(_trees(depth + 1))
    op = draw(st.sampled_from("+-*/"))
    if a is None or b is None or (op == "/" and b == 0):
        return f"({left} {op} {right})", None
    value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[op]
    return f"({left} {op} {right})", value


@settings(max_examples=300, deadline=2000)
@given(_trees())
def test_calculate_agrees_with_python_arithmetic(case: tuple[str, float | None]) -> None:
    expression, expected = case
    if expected is None:
        with pytest.raises(ToolInputError, match="division by zero"):
            run(expression)
    else:
        assert run(expression).value.mid == pytest.approx(expected, rel=1e-9, abs=1e-12)
