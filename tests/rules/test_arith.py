"""Written-out arithmetic: "A x B = C" and "X unit is Y unit" found in one sentence."""

from __future__ import annotations

import pytest

from flopcheck.rules.arith import find_arithmetic


@pytest.mark.parametrize(
    ("sentence", "expression", "result", "conversion"),
    [
        ("8 x 3 =  24 GPUs", "8.0 * 3.0", 24.0, False),
        ("2,048 GPUs x 54 days = 2.65M GPU hours", "2048.0 * (54.0 * 24.0)", 2.65e6, False),
        ("31.8 GJ is 8833 kWh", "31.8", 8833.0, True),
        ("100 kWh , so about 360 MJ", "100.0", 360.0, True),
        ("100 kWh  so roughly 360 MJ", "100.0", 360.0, True),
        ("4184*834=3.49 megajoules", "4184.0 * 834.0", 3.49, False),
        ("10 hours comes to about 600 minutes", "10.0", 600.0, True),
        ("3 days works out to 72 hours", "(3.0 * 24.0)", 72.0, True),
    ],
)
def test_written_arithmetic_is_read_whole(
    sentence: str, expression: str, result: float, conversion: bool
) -> None:
    (found,) = find_arithmetic(sentence, (0, len(sentence)))
    assert (found.start, found.end) == (0, len(sentence))
    assert found.expression == expression
    assert found.rhs.value == pytest.approx(result, rel=1e-9)
    assert found.conversion is conversion


@pytest.mark.parametrize(
    "sentence",
    [
        "1 kWh equals 3.6 MJ",  # one figure "equals" another: no operator, not a conversion
        "5 + 5 is equivalent to 10",  # a conversion needs a unit on both sides
        "The cluster is large and it is 2024 now.",
    ],
)
def test_no_arithmetic_where_none_is_written(sentence: str) -> None:
    assert find_arithmetic(sentence, (0, len(sentence))) == []
