"""Hardware claims: specs against the chip that owns the figure, systems as count x chip,
sparse peaks labelled, unit prices never set against run costs."""

from __future__ import annotations

import pytest

from flopcheck.engine.report import Claim, Report
from flopcheck.plugin.checker import check_rules


def claim_with(report: Report, fragment: str) -> Claim:
    """The claim whose quote holds ``fragment``."""
    return next(c for c in report.claims if fragment in c.quote)


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        ("The H100 SXM carries 80 GB of HBM3.", "80 GB", "supported"),
        ("The H100 SXM carries 120 GB of HBM3.", "120 GB", "refuted"),
        ("Bandwidth is 3.35 TB/s on the H100 SXM versus up to 2 TB/s on the A100.", "2 TB/s",
         "supported"),
        ("The A100 is rated at 400 W.", "400 W", "supported"),
    ],
)  # fmt: skip
def test_a_spec_is_checked_against_the_chip_that_owns_it(
    text: str, fragment: str, label: str
) -> None:
    assert claim_with(check_rules(text), fragment).verdict.label == label


def test_memory_a_model_needs_is_not_a_chip_spec() -> None:
    text = "The model needs about 40 GB of memory and fits on one H100."
    assert not any(c.kind == "other" and "40 GB" in c.quote for c in check_rules(text).claims)


def test_a_rack_figure_is_the_chip_count_times_one_chip() -> None:
    text = "A 72-GPU GB200 rack delivers 180 petaflops of dense BF16."
    (claim,) = check_rules(text).claims  # the "72-GPU" describes the rack: no claim of its own
    assert claim.verdict.label == "supported"
    assert "72 x" in claim.verdict.explanation


def test_a_rack_figure_without_a_chip_count_is_not_set_against_one_chip() -> None:
    text = "The GB200 rack delivers 180 petaflops of dense BF16."
    assert claim_with(check_rules(text), "180 petaflops").verdict.label == "unverifiable"


def test_a_sparse_peak_stated_as_the_chip_s_throughput_is_refuted_with_the_reason() -> None:
    claim = claim_with(check_rules("The H100 SXM delivers 3,958 teraflops of FP8."), "3,958")
    assert claim.verdict.label == "refuted"
    assert claim.verdict.reasons == ["sparse_as_dense"]


def test_a_peak_quoted_with_sparsity_is_misleading_with_the_note() -> None:
    text = "Nvidia quotes the H100 SXM at 3,958 teraflops of FP8 with sparsity."
    claim = claim_with(check_rules(text), "3,958")
    assert claim.verdict.label == "misleading"
    assert claim.verdict.reasons == ["sparse_as_dense"]


def test_a_unit_price_is_never_checked_against_a_training_run() -> None:
    text = "DeepSeek-V3 was cheap to train. Each H800 GPU costs about $30,000 to buy."
    claim = claim_with(check_rules(text), "$30,000")
    assert "DeepSeek-V3" not in claim.verdict.explanation
    assert "H800 SXM purchase prices on record" in claim.verdict.explanation


def test_fp32_is_not_checked_against_tf32() -> None:
    claim = claim_with(check_rules("The A100 delivers 156 teraflops of FP32."), "156")
    assert claim.verdict.label != "supported" or "TF32" not in claim.verdict.explanation


def test_a_power_per_gpu_is_one_chip_s_whatever_the_cluster() -> None:
    report = check_rules("The job ran on 4,000 NVIDIA H100 GPUs for a month at 700W per GPU.")
    power = next(c for c in report.claims if c.claimed.unit == "W")
    assert power.verdict.label == "supported", power.verdict.explanation
    assert power.verdict.computed is not None
    assert power.verdict.computed.value == pytest.approx(700)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        pytest.param(
            "On H100s in BF16 they only use 400 teraFLOP/s, and could get 800 with FP8.",
            "unverifiable",
            id="below-peak-depends-on-utilization",
        ),
        pytest.param(
            "Each H100 would have to sustain about 5,000 teraflops for that schedule.",
            "refuted",
            id="above-any-peak-is-impossible",
        ),
    ],
)
def test_a_throughput_a_run_gets_is_not_a_peak(text: str, label: str) -> None:
    claim = check_rules(text).claims[-1]
    assert claim.verdict.label == label, claim.verdict.explanation


@pytest.mark.parametrize(
    ("text", "label", "matched"),
    [
        pytest.param(
            "The H100 trains models 4x faster than the A100.",
            "supported",
            "measured",
            id="a-measured-speedup-outranks-a-vendor-best-case",
        ),
        pytest.param(
            "NVIDIA says the H100 runs inference up to 30x faster than the A100.",
            "misleading",
            "vendor",
            id="vendor-best-case-as-chip-speed",
        ),
        pytest.param(
            "The H100 trains GPT-3 up to 4x faster than the A100.",
            "supported",
            "vendor",
            id="vendor-claim-with-its-workload",
        ),
        pytest.param(
            "The H100 trains models 20x faster than the A100.",
            "refuted",
            "peak",
            id="beyond-every-measurement-and-claim",
        ),
    ],
)
def test_a_speed_claim_meets_measured_speedups_and_vendor_claims(
    text: str, label: str, matched: str
) -> None:
    claim = check_rules(text).claims[-1]
    assert claim.verdict.label == label, claim.verdict.explanation
    assert matched in claim.verdict.explanation


def test_gains_after_a_sentence_setting_two_chips_side_by_side_compare_them() -> None:
    text = (
        "The H100 delivers about 2.5x the throughput of the A100 in training. "
        "For models like GPT-3, gains reach 4x."
    )
    gains = check_rules(text).claims[-1]
    assert gains.program is not None
    assert {s.record for s in gains.program.subjects} == {"H100 SXM", "A100 SXM 80GB"}
    assert gains.verdict.label == "supported", gains.verdict.explanation


@pytest.mark.parametrize(
    ("text", "fragment", "chip"),
    [
        pytest.param(
            "The MI300X is rated at 1,307 teraflops, more than the H100, and carries 192GB "
            "of HBM3.",
            "192GB",
            "MI300X",
            id="the-comparator-does-not-own-the-spec",
        ),
        pytest.param(
            "The MI325X carries 256GB of HBM3E, a third more than the MI300X's 192GB.",
            "MI300X's 192GB",
            "MI300X",
            id="a-possessive-owns-it-even-as-comparator",
        ),
    ],
)
def test_a_spec_belongs_to_the_chip_that_owns_it(text: str, fragment: str, chip: str) -> None:
    claim = next(c for c in check_rules(text).claims if fragment in c.quote)
    assert claim.verdict.label == "supported", claim.verdict.explanation
    assert claim.program is not None
    assert [s.record for s in claim.program.subjects] == [chip]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        pytest.param(
            "The lab trains on the MI300X. The racks are liquid cooled. The TDP of this GPU is "
            "750 W.",
            "supported",
            id="this-gpu-two-sentences-back",
        ),
        pytest.param(
            "The lab trains on the MI300X. The racks are liquid cooled. The TDP of this GPU is "
            "300 W.",
            "refuted",
            id="this-gpu-wrong-tdp",
        ),
        pytest.param(
            "The lab compares the MI300X and the H100. The TDP of this GPU is 750 W.",
            "unverifiable",
            id="this-gpu-after-two-chips-is-ambiguous",
        ),
        pytest.param(
            "Demand for power grows. The TDP of this GPU is 750 W.",
            "unverifiable",
            id="this-gpu-with-no-chip-named",
        ),
    ],
)
def test_this_gpu_refers_back_to_the_one_chip_named_before(text: str, label: str) -> None:
    claim = check_rules(text).claims[-1]
    assert claim.verdict.label == label, claim.verdict.explanation


@pytest.mark.parametrize(
    ("text", "label", "against"),
    [
        pytest.param(
            "Each server with A100 GPUs draws about 6.5 kW.",
            "supported",
            "DGX A100's system power",
            id="a-server-is-the-vendor-node-not-one-chip",
        ),
        pytest.param(
            "Each server with A100 GPUs draws about 20 kW.",
            "unverifiable",  # the node is inferred: it may support, never refute
            "DGX A100's system power",
            id="an-inferred-node-never-refutes",
        ),
        pytest.param(
            "The DGX H100 draws 5 kW.",
            "refuted",
            "DGX H100's system power",
            id="a-named-node-can-refute",
        ),
        pytest.param(
            "A B200 rack draws 120 kW.",
            "unverifiable",  # no rack of B200s with a published power; a node is no rack
            "",
            id="a-rack-is-not-a-node",
        ),
        pytest.param(
            "The cluster of 16,384 H100s draws 20 MW.",
            "supported",  # more than the chips alone: hosts and cooling
            "16,384 x H100 SXM's rated power",
            id="a-fleet-draws-more-than-its-chips",
        ),
        pytest.param(
            "The cluster of 16,384 H100s draws 5 MW.",
            "refuted",
            "16,384 x H100 SXM's rated power",
            id="a-fleet-draws-at-least-its-chips",
        ),
    ],
)
def test_a_node_or_fleet_power_is_never_one_chip_s(text: str, label: str, against: str) -> None:
    claim = claim_with(check_rules(text), "W")
    assert claim.verdict.label == label, claim.verdict.explanation
    assert against in claim.verdict.explanation
    assert "rated power (TDP): " not in claim.verdict.explanation


@pytest.mark.parametrize(
    "text",
    [
        "Training on H100s for 200 days needs 150 megawatts.",  # chips in the plural
        "The H100 build-out draws 150 MW today.",  # far beyond what one chip draws
    ],
)
def test_a_power_of_many_chips_is_not_set_against_one_chip(text: str) -> None:
    claim = next(c for c in check_rules(text).claims if c.kind == "other")
    assert claim.verdict.label == "unverifiable", claim.verdict.explanation
    assert "many H100" in claim.verdict.explanation


def test_one_chip_s_power_is_still_checked_against_its_tdp() -> None:
    assert claim_with(check_rules("The H100 draws 300 W."), "300 W").verdict.label == "refuted"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The MI300X is rated at 750 watts, about 7% more than the H100's 700.", "supported"),
        ("The MI300X is rated at 750 watts, about 70% more than the H100's 700.", "refuted"),
    ],
)
def test_a_ratio_in_a_sentence_about_watts_compares_power(text: str, label: str) -> None:
    claim = claim_with(check_rules(text), "% more")
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "rated power" in claim.verdict.explanation


def test_a_compute_ratio_in_a_sentence_with_watts_still_compares_peaks() -> None:
    text = (
        "The B200 is rated at 1,000 watts and delivers about 2.3 times the H100's BF16 performance."
    )
    claim = claim_with(check_rules(text), "2.3 times")
    assert claim.verdict.label == "supported", claim.verdict.explanation
    assert "peak ratio" in claim.verdict.explanation


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("At FP8 the B200 offers about 1.6 times the H100's performance per watt.", "supported"),
        ("At FP8 the B200 offers five times the H100's performance per watt.", "refuted"),
        (
            "Quoting sparse FP8 figures, the B200 offers more than three times the H100's "
            "performance per watt.",
            "misleading",
        ),
    ],
)
def test_performance_per_watt_is_peak_over_tdp(text: str, label: str) -> None:
    claim = next(c for c in check_rules(text).claims if c.kind == "hardware_ratio")
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "per watt" in claim.verdict.explanation


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The A100 trains in BF16, about 6 times slower than the H100 in FP8.", "misleading"),
        ("The A100 trains in BF16, about 3 times slower than the H100 in FP8.", "supported"),
    ],
)
def test_a_ratio_at_a_precision_one_chip_lacks_is_read_at_the_precision_both_have(
    text: str, label: str
) -> None:
    claim = next(c for c in check_rules(text).claims if c.kind == "hardware_ratio")
    assert claim.verdict.label == label, claim.verdict.explanation
    assert "dense BF16 peak ratio" in claim.verdict.explanation
