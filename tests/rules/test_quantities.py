"""Tests for the article quantity grammar: units, ranges, hedges, and what is not a quantity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcheck.rules.quantities import Quantity, find_precisions, find_quantities

# text, then the first quantity expected in it: (span text, value, unit, low, high, approx)
Expected = tuple[str, float, str, float | None, float | None, bool]
CASES: list[tuple[str, Expected]] = [
    ("$5.5 million", ("$5.5 million", 5.5e6, "USD", None, None, False)),
    ("$5.576M", ("$5.576M", 5.576e6, "USD", None, None, False)),
    ("US$2 billion", ("US$2 billion", 2e9, "USD", None, None, False)),
    ("about US$2 billion a year", ("about US$2 billion a year", 2e9, "USD/year", None, None, True)),
    ("$2/GPU hour", ("$2/GPU hour", 2, "USD/GPU-hour", None, None, False)),
    ("$2 per H800 GPU-hour", ("$2 per H800 GPU-hour", 2, "USD/GPU-hour", None, None, False)),
    ("$1/water every hour", ("$1", 1, "USD", None, None, False)),
    ("10 cents an hour", ("10 cents an hour", 0.1, "USD/hour", None, None, False)),
    ("$2 per million tokens", ("$2 per million tokens", 2, "USD/Mtok", None, None, False)),
    ("5 million dollars", ("5 million dollars", 5e6, "USD", None, None, False)),
    ("37B params", ("37B params", 37e9, "params", None, None, False)),
    ("37B active", ("37B active", 37e9, "params", None, None, False)),
    ("671B total parameters", ("671B total parameters", 671e9, "params", None, None, False)),
    ("about 141B parameters", ("about 141B parameters", 141e9, "params", None, None, True)),
    ("8 experts of 4b parameters", ("8 experts", 8, "experts", None, None, False)),
    ("14.8T tokens", ("14.8T tokens", 14.8e12, "tokens", None, None, False)),
    ("2.7M GPU hours", ("2.7M GPU hours", 2.7e6, "GPU-hours", None, None, False)),
    ("-2.7M GPU hours", ("-2.7M GPU hours", 2.7e6, "GPU-hours", None, None, True)),
    ("a total of -2.7M GPU hours", ("-2.7M GPU hours", 2.7e6, "GPU-hours", None, None, True)),
    ("(-2.8M GPU hours)", ("-2.8M GPU hours", 2.8e6, "GPU-hours", None, None, True)),
    ("~2.8M GPU hours", ("~2.8M GPU hours", 2.8e6, "GPU-hours", None, None, True)),
    ("2.788M H800 GPU-hours", ("2.788M H800 GPU-hours", 2.788e6, "GPU-hours", None, None, False)),
    ("8,404,992 chip-hours", ("8,404,992 chip-hours", 8_404_992, "GPU-hours", None, None, False)),
    ("10K A100s", ("10K A100s", 10_000, "GPUs", None, None, False)),
    ("2,048 H800s", ("2,048 H800s", 2048, "GPUs", None, None, False)),
    ("2048 NVIDIA H800 GPUs", ("2048 NVIDIA H800 GPUs", 2048, "GPUs", None, None, False)),
    ("25,000 GPUs", ("25,000 GPUs", 25_000, "GPUs", None, None, False)),
    ("16,384 H100 SXM GPUs", ("16,384 H100 SXM GPUs", 16_384, "GPUs", None, None, False)),
    ("6,144 TPU v4 chips", ("6,144 TPU v4 chips", 6144, "accelerators", None, None, False)),
    ("Only 2000 “chips”", ("2000 “chips", 2000, "accelerators", None, None, False)),
    ("~2 months", ("~2 months", 2, "months", None, None, True)),
    ("about 25%", ("about 25%", 25, "percent", None, None, True)),
    ("2-3K H800s", ("2-3K H800s", 2500, "GPUs", 2000, 3000, False)),
    ("$40-$100 million", ("$40-$100 million", 70e6, "USD", 40e6, 100e6, False)),
    ("about $1 or $2 million", ("about $1 or $2 million", 1.5e6, "USD", 1e6, 2e6, True)),
    ("5% to 10%", ("5% to 10%", 7.5, "percent", 5, 10, False)),
    ("between 5 and 10 GPUs", ("between 5 and 10 GPUs", 7.5, "GPUs", 5, 10, False)),
    ("30-46% MFU", ("30-46%", 38, "percent", 30, 46, False)),
    ("1/10th", ("1/10th", 0.1, "ratio", None, None, False)),
    ("about 1/10th the price", ("about 1/10th", 0.1, "ratio", None, None, True)),
    ("1/3", ("1/3", 1 / 3, "ratio", None, None, False)),
    ("9%", ("9%", 9, "percent", None, None, False)),
    ("~9%", ("~9%", 9, "percent", None, None, True)),
    ("18x", ("18x", 18, "x", None, None, False)),
    ("10 times", ("10 times", 10, "x", None, None, False)),
    ("ten times better", ("ten times", 10, "x", None, None, False)),
    ("two months", ("two months", 2, "months", None, None, False)),
    (
        "several orders of magnitude",
        ("several orders of magnitude", 1000, "ratio", 100, None, True),
    ),
    ("by orders of magnitude", ("orders of magnitude", 1000, "ratio", 100, None, True)),
    ("an order of magnitude", ("an order of magnitude", 10, "ratio", None, None, True)),
    ("2 orders of magnitude", ("2 orders of magnitude", 100, "ratio", None, None, False)),
    ("1.27*10^9 joules", ("1.27*10^9 joules", 1.27e9, "J", None, None, False)),
    ("3.49×10^6", ("3.49×10^6", 3.49e6, "", None, None, False)),
    ("9e^17Wh", ("9e^17Wh", 9e17, "Wh", None, None, False)),
    ("3.8 x 10^25 FLOP", ("3.8 x 10^25 FLOP", 3.8e25, "FLOP", None, None, False)),
    ("3.49 megajoules", ("3.49 megajoules", 3.49, "MJ", None, None, False)),
    ("31.8 gigajoules", ("31.8 gigajoules", 31.8, "GJ", None, None, False)),
    ("8833 kWh", ("8833 kWh", 8833, "kWh", None, None, False)),
    ("9MWh", ("9MWh", 9, "MWh", None, None, False)),
    ("9Mwh*100 billion", ("9Mwh", 9, "MWh", None, None, False)),
    ("900 petawatt hour PWh", ("900 petawatt hour", 900, "PWh", None, None, False)),
    ("170 PWh", ("170 PWh", 170, "PWh", None, None, False)),
    ("2500 kCal", ("2500 kCal", 2500, "kcal", None, None, False)),
    ("1kCal", ("1kCal", 1, "kcal", None, None, False)),
    ("4184 joules", ("4184 joules", 4184, "J", None, None, False)),
    ("433,196 kWh", ("433,196 kWh", 433_196, "kWh", None, None, False)),
    ("1,287 MWh", ("1,287 MWh", 1287, "MWh", None, None, False)),
    ("700 W", ("700 W", 700, "W", None, None, False)),
    ("1.8 TB/s", ("1.8 TB/s", 1.8, "TB/s", None, None, False)),
    ("80GB", ("80GB", 80, "GB", None, None, False)),
    ("989 TFLOPS", ("989 TFLOPS", 9.89e14, "FLOP/s", None, None, False)),
    ("3.94 PF", ("3.94 PF", 3.94e15, "FLOP/s", None, None, False)),
    ("3.8e25 FLOPs", ("3.8e25 FLOPs", 3.8e25, "FLOP", None, None, False)),
    ("3.8e25 FLOPS", ("3.8e25 FLOPS", 3.8e25, "FLOP", None, None, False)),
    ("10^25 FLOP", ("10^25 FLOP", 1e25, "FLOP", None, None, False)),
    ("3,640 petaflop/s-days", ("3,640 petaflop/s-days", 3.14496e23, "FLOP", None, None, False)),
    ("54 days", ("54 days", 54, "days", None, None, False)),
    ("25 years", ("25 years", 25, "years", None, None, False)),
    ("1,200 h", ("1,200 h", 1200, "hours", None, None, False)),
    ("8 experts of 220 billion parameters", ("8 experts", 8, "experts", None, None, False)),
    ("8 bit", ("8 bit", 8, "bits", None, None, False)),
    ("8 Bits", ("8 Bits", 8, "bits", None, None, False)),
    ("16-bit", ("16-bit", 16, "bits", None, None, False)),
    ("100 billion", ("100 billion", 100e9, "", None, None, False)),
    ("Llama 3.1 405B", ("405B", 405e9, "params", None, None, False)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_first_quantity(text: str, expected: Expected) -> None:
    found = find_quantities(text)
    assert found, text
    q = found[0]
    span, value, unit, low, high, approx = expected
    assert (q.text, q.unit, q.approx) == (span, unit, approx)
    assert q.value == pytest.approx(value, rel=1e-9)
    assert q.low == (None if low is None else pytest.approx(low, rel=1e-9))
    assert q.high == (None if high is None else pytest.approx(high, rel=1e-9))
    assert text[q.start : q.end] == q.text


def test_two_figures_in_one_phrase() -> None:
    found = find_quantities("8 experts of 220 billion parameters each")
    assert [(q.text, q.unit, q.value) for q in found] == [
        ("8 experts", "experts", 8),
        ("220 billion parameters", "params", 220e9),
    ]


def test_details_of_counts_and_params() -> None:
    gpus, hours, active, total = find_quantities(
        "2,048 H800s ran 2.788M H800 GPU-hours; 37B active of 671B total parameters"
    )
    assert (gpus.subject, gpus.kind) == ("H800", "count")
    assert (hours.subject, hours.kind) == ("H800", "gpu_hours")
    assert (active.qualifier, total.qualifier) == ("active", "total")


def test_model_sizes_are_flagged_in_name() -> None:
    (q,) = find_quantities("Meta's Llama 3.1 405B was trained")
    assert q.in_name
    assert q.subject == "Llama 3.1 405B"


def test_reversed_range_is_two_figures() -> None:
    found = find_quantities("cost fell from $100M to $5M")
    assert [(q.text, q.value, q.low) for q in found] == [("$100M", 100e6, None), ("$5M", 5e6, None)]


@pytest.mark.parametrize(
    "text",
    ["Mixtral 8x22B", "Mixtral 8x7B", "GPT-4", "GPT-4o", "H100", "A100", "B200", "MI300X",
     "TPU v4", "Gaudi 3", "DeepSeek-V3", "27-Jan-2025", "(Monday, 27-Jan-2025)", "2024",
     "July 2024", "in Jan 2025", "January 27, 2025", "2024-07-23", "1/27/2025", "Meta’s1",
     "costs:4\n", "models6", "performance?3\n", "chips”?5 Sounds", "Commissar!9 Who", "FP8",
     "BF16", "24/7", "see [12]", "\n  1. All of this", "1️⃣ Better", "the order of magnitude",
     "1e400 FLOP", "from 2020 to 2024"],
)  # fmt: skip
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_active_needs_a_scaled_number_to_mean_params() -> None:
    assert [(q.text, q.unit) for q in find_quantities("5 active users")] == [("5", "")]


def test_bare_numbers_are_kept_without_unit() -> None:
    assert [(q.text, q.unit, q.kind) for q in find_quantities("4184*834=3.49")] == [
        ("4184", "", "number"), ("834", "", "number"), ("3.49", "", "number"),
    ]  # fmt: skip


def test_article_paragraph() -> None:
    text = (
        "DeepSeek actually used a cluster of 2048 NVIDIA H800 GPUs training for ~2 months (a "
        "total of -2.7M GPU hours for pre-training and -2.8M GPU hours including post-training). "
        "The oft-quoted “$5M” number is calculated by assuming a $2/GPU hour rental price."
    )
    assert [(q.text, q.unit) for q in find_quantities(text)] == [
        ("2048 NVIDIA H800 GPUs", "GPUs"), ("~2 months", "months"),
        ("-2.7M GPU hours", "GPU-hours"), ("-2.8M GPU hours", "GPU-hours"), ("$5M", "USD"),
        ("$2/GPU hour", "USD/GPU-hour"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "precision", "bits"),
    [("FP8", "fp8", 8), ("BF16", "bf16", 16), ("FP16", "fp16", 16), ("FP32", "fp32", 32),
     ("TF32", "tf32", 32), ("INT8", "int8", 8), ("bfloat16", "bf16", 16), ("E4M3", "fp8", 8),
     ("FP8-based", "fp8", 8)],
)  # fmt: skip
def test_precisions(text: str, precision: str, bits: int) -> None:
    (p,) = find_precisions(text)
    assert (p.precision, p.bits, p.text) == (precision, bits, text[p.start : p.end])


def test_precisions_are_not_inside_words() -> None:
    assert find_precisions("UFP8 FP80 FP8x") == []


def _check_spans(text: str, found: list[Quantity]) -> None:
    """Assert that every span is verbatim, ordered and sane.

    Args:
        text: the text searched.
        found: what find_quantities returned.
    """
    for q in found:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        assert q.low is None or q.low <= q.value
        assert q.high is None or q.value <= q.high
    assert [q.start for q in found] == sorted(q.start for q in found)


_WORDS = st.sampled_from(
    ["$", "US$", "2,048", "2.788M", "-", "~", "about", " ", " ", "\n", "H800s", "GPU", "hours",
     "1/10th", "%", "x", "10^", "9e^17", "kWh", "TFLOPS", "Llama 3.1", "405B", "8x22B", "to",
     "between", "and", "Jan", "2025", "’s1", ":4", "several orders of magnitude", "1e400", "/",
     "per", "million", "tokens", "cents", "an hour", "(", ")", "3.49×10^6", "petawatt hour"]
)  # fmt: skip


@settings(max_examples=300, deadline=2000)
@given(st.one_of(st.text(max_size=200), st.lists(_WORDS, max_size=30).map("".join)))
def test_never_raises_and_spans_match(text: str) -> None:
    _check_spans(text, find_quantities(text))
    for p in find_precisions(text):
        assert text[p.start : p.end] == p.text
