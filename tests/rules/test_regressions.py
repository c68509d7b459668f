"""Regression tests for bugs found while building the rules checker."""

from __future__ import annotations

import pytest

from flopcheck import check
from flopcheck.engine.report import Report, Usage
from flopcheck.evals.runner import add_usage
from flopcheck.rules.entities import find_mentions
from flopcheck.rules.sentences import split_sentences


def only(report: Report, fragment: str) -> str:
    labels = [c.verdict.label for c in report.claims if fragment in c.quote]
    assert labels, [c.quote for c in report.claims]
    return labels[0]


def test_vs_dot_does_not_end_a_sentence() -> None:
    text = "DeepSeek v3 (37B params; 14.8T tokens) vs. Llama3.1 (405B params) = 9% of its cost."
    assert len(split_sentences(text)) == 1


def test_hard_wrapped_lines_stay_one_sentence() -> None:
    text = (
        "One newsletter claimed that the H800 is 10x faster than the\n"
        "A100 it replaced, and that training in FP8 needs only a quarter of the\n"
        "GPU power of BF16 training, which nobody has ever measured in a real run.\n"
        "Another newsletter said the opposite about the very same pair of chips.\n"
    )
    assert len(split_sentences(text)) == 2


def test_unwrapped_lines_without_full_stops_are_sentences() -> None:
    text = "It is cheaper to run, about 1/10th the price of OpenAI\nThe model is open source"
    assert len(split_sentences(text)) == 2


HARDWARE_STATED = "DeepSeek used Nvidia Hopper GPUs. OpenAI used the older Ampere GPUs. "
HYPOTHETICAL = (
    "Had OpenAI started when DeepSeek did, their costs might have been $4 million instead "
    "of $40m (or $10m instead of $100m)."
)


@pytest.mark.parametrize("fragment", ["$10m instead of $100m", "$4 million"])
def test_instead_of_contrasts_scale_the_stated_baseline(fragment: str) -> None:
    report = check(HARDWARE_STATED + HYPOTHETICAL)
    claim = next(c for c in report.claims if fragment in c.quote)
    assert claim.verdict.label == "refuted"
    assert claim.verdict.computed is not None
    assert claim.verdict.computed.unit == "USD"


@pytest.mark.parametrize("fragment", ["$10m instead of $100m", "$4 million"])
def test_a_hypothetical_with_hardware_only_inferred_is_not_refuted(fragment: str) -> None:
    claim = next(c for c in check(HYPOTHETICAL).claims if fragment in c.quote)
    assert claim.verdict.label == "unverifiable"
    assert claim.verdict.grounding == "inferred"


def test_written_hours_are_multiplied_by_24() -> None:
    assert only(check("2,048 GPUs x 54 days = 2.65M GPU hours."), "2.65M") == "supported"


def test_operand_glued_to_x_is_read() -> None:
    assert only(check("3.49×10^6 x365= 1.27*10^9 joules per year."), "x365") == "supported"


def test_possessive_model_names_resolve() -> None:
    keys = {m.key for m in find_mentions("against o1's $15 and GPT-4o’s $10") if m.kind == "model"}
    assert keys == {"o1", "GPT-4o"}


def test_usage_sums_with_unknown_costs() -> None:
    total = add_usage(Usage(llm_calls=1), Usage(llm_calls=2, estimated_cost_usd=0.5))
    assert total.llm_calls == 3
    assert total.estimated_cost_usd is None


def test_a_claimed_range_is_not_widened_by_rounding() -> None:
    text = "DeepSeek-V3 cost about $1 or $2 million to train."
    claim = next(c for c in check(text).claims if "$1 or $2 million" in c.quote)
    compare = [s for s in claim.verdict.steps if s.tool == "compare_claim"][-1]
    assert compare.args["claimed"] == 1_000_000
    assert compare.args["claimed_high"] == 2_000_000


def test_a_final_run_s_rental_cost_against_industry_standards_is_misleading() -> None:
    claim = check(
        "DeepSeek-V3 cost $5.6 million to train, far less than industry standards."
    ).claims[0]
    assert claim.verdict.label == "misleading", claim.verdict.explanation
    assert claim.verdict.reasons == ["rental_vs_total"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The estimate assumes H800 GPUs can be rented for $2/hr.", "supported"),
        ("H100s rent for about $1.50 an hour these days.", "supported"),  # within the market
        ("H100s rent for about $0.20 an hour.", "refuted"),  # far below any quote
    ],
)
def test_an_hourly_price_for_a_named_chip_is_checked_against_rental_prices(
    text: str, label: str
) -> None:
    claim = check(text).claims[0]
    assert claim.kind == "training_cost"
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "rental prices on the market" in claim.verdict.explanation


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Llama 3.1 405B got about 40 tokens/parameter.", "supported"),
        ("Llama 3.1 405B got 100 tokens per parameter.", "refuted"),
    ],
)
def test_tokens_per_parameter_is_a_ratio_not_a_token_count(text: str, label: str) -> None:
    claim = check(text).claims[0]
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "tokens per parameter" in claim.verdict.explanation


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("An H100 costs about $30,000 each.", "supported"),
        ("An H100 costs about $3,000 each.", "refuted"),
        ("A DGX H100 server costs about $350,000.", "supported"),
        ("An 8-GPU H100 server costs about $3 million.", "unverifiable"),  # the node is inferred
        (
            "Assuming a price of $50K per A100 with associated infrastructure, the cost adds up.",
            "unverifiable",  # more than the chip: never refuted against the chip's price
        ),
    ],
)
def test_a_price_per_chip_or_node_is_checked_against_purchase_prices(text: str, label: str) -> None:
    claim = check(text).claims[0]
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "purchase prices on record" in claim.verdict.explanation


@pytest.mark.parametrize(
    "text",
    [
        "Training on H100s for 200 days would cost $1 billion.",  # a budget, not a unit price
        "An HGX H100 server with NICs and chassis costs about $350K.",  # the node, not the chip
    ],
)
def test_a_budget_or_a_node_price_is_never_refuted_against_one_chip_s_price(text: str) -> None:
    claim = next(c for c in check(text).claims if "$" in c.quote)
    assert claim.verdict.label != "refuted", claim.verdict.explanation


@pytest.mark.parametrize(
    "text",
    [
        "= 1 " * 4000,  # a "sentence" of thousands of equals signs
        "2,048 GPUs, " * 4000,  # thousands of claims with no full stop
        "\x00\x01\x02 1 GPU" * 2000,  # control characters and no sentence end
        "5% of the electricity California generates, " * 2000,
    ],
)
def test_hostile_runs_are_cut_into_bounded_sentences(text: str) -> None:
    from flopcheck.rules.sentences import MAX_SENTENCE, split_sentences

    # Unbounded, each of these took minutes: the work per claim grew with its sentence.
    assert all(e - s <= MAX_SENTENCE for s, e in split_sentences(text))
    report = check(text)
    assert all(len(c.quote) <= 2000 for c in report.claims)


def test_a_planner_fault_on_one_claim_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from flopcheck.rules import planner

    def broken(b: object) -> None:
        raise KeyError("boom")

    monkeypatch.setitem(planner.ALL_PLANS, "params", broken)
    report = check("DeepSeek-V3 has 671B parameters. It cost $5.6M to train.")
    labels = {c.kind: c.verdict for c in report.claims}
    assert "planner failed" in labels["params"].explanation
    assert labels["training_cost"].label == "supported"
