"""The training-run table and its lookup: names, families, tiers, and the reviewed figures."""

from __future__ import annotations

import math
from typing import Any

import pytest

from flopcheck.tools import call
from flopcheck.tools.names import normalize
from flopcheck.tools.tables import TrainingRun, families, training_runs


def _run(run_id: str) -> TrainingRun:
    (run,) = [r for r in training_runs() if r.id == run_id]
    return run


def _lookup(model: str) -> dict[str, Any]:
    result = call("lookup_training_run", {"model": model})
    assert "error" not in result, result
    run: dict[str, Any] = result["run"]
    return run


@pytest.mark.parametrize(
    ("name", "run_id"),
    [
        ("Llama 3 70B", "Llama 3 70B"),
        ("llama-3-70b", "Llama 3 70B"),
        ("Meta-Llama-3-70B", "Llama 3 70B"),
        ("Llama 3 8B", "Llama 3 8B"),
        ("Llama 3.1 70B", "Llama 3.1 70B"),
        ("Llama 3.3 70B", "Llama 3.3 70B"),
        ("Llama 4 Scout", "Llama 4 Scout"),
        ("Grok 3", "Grok-3"),
        ("MT-NLG", "Megatron-Turing NLG 530B"),
        ("Gemini 1.0 Ultra", "Gemini Ultra"),
    ],
)
def test_a_sized_name_resolves_to_that_record(name: str, run_id: str) -> None:
    assert _lookup(name)["id"] == run_id


@pytest.mark.parametrize(
    ("family", "members"),
    [
        ("Llama 3", {"Llama 3 8B", "Llama 3 70B"}),
        ("Llama 3.1", {"Llama 3.1 8B", "Llama 3.1 70B", "Llama 3.1 405B"}),
        ("Mixtral", {"Mixtral 8x7B", "Mixtral 8x22B"}),
        ("Grok", {"Grok-1", "Grok-2", "Grok-3"}),
    ],
)
def test_a_family_name_alone_is_ambiguous(family: str, members: set[str]) -> None:
    result = call("lookup_training_run", {"model": family})
    assert result["error_type"] == "unknown_name"
    assert "family" in result["error"]
    assert set(result["suggestions"]) == members


def test_every_run_family_exists_and_usual_runs_are_runs() -> None:
    names = {f.name for f in families()}
    ids = {r.id for r in training_runs()}
    assert {r.family for r in training_runs() if r.family} <= names
    assert {f.usual_run for f in families() if f.usual_run} <= ids


def test_no_run_alias_is_a_family_name() -> None:
    family_keys = {normalize(n) for f in families() for n in (f.name, *f.aliases)}
    names = [(r.id, a) for r in training_runs() for a in (r.id, *r.aliases)]
    assert [(run, a) for run, a in names if normalize(a) in family_keys] == []


def test_gpt4_figures_are_named_estimates() -> None:
    run = _lookup("GPT-4")
    for field in ("total_params", "active_params", "tokens", "accelerator_count", "mfu"):
        assert run[field]["tier"] == "estimate", field
        assert run[field]["estimator"] == "SemiAnalysis", field
    assert run["total_params"]["value"] == pytest.approx(1.8e12)
    assert run["active_params"]["value"] == pytest.approx(2.8e11)
    assert run["tokens"]["value"] == pytest.approx(1.3e13)
    assert run["mfu"]["low"] == pytest.approx(0.32)
    assert run["mfu"]["high"] == pytest.approx(0.36)
    cost = run["reported_cost_usd"]
    costs = {round(f["value"] / 1e6) for f in [cost, *cost["alternatives"]]}
    assert {63, 78} <= costs
    assert "AI Index" in cost["estimator"]


def test_deepseek_v2_rate_is_not_a_total() -> None:
    run = _run("DeepSeek-V2")
    rate = run.other_figures["accelerator_hours_per_trillion_tokens"]
    assert rate.value == pytest.approx(172_800)
    assert rate.unit == "accelerator-hours per trillion tokens"
    assert run.tokens is not None
    assert run.accelerator_hours_total is not None
    assert run.accelerator_hours_total.mid() == pytest.approx(rate.mid() * run.tokens.mid() / 1e12)


def test_deepseek_r1_rl_stages_and_cost() -> None:
    run = _run("DeepSeek-R1")
    assert run.reported_cost_usd is not None
    assert run.reported_cost_usd.value == pytest.approx(294_000)
    assert run.accelerator_count is not None
    assert run.accelerator_count.value == 512
    stages = sum(s.accelerator_hours for s in run.accelerator_hours_stages)
    assert run.accelerator_hours_total is not None
    assert math.isclose(stages, run.accelerator_hours_total.mid(), rel_tol=0.01)


def test_opt_175b_compute_and_durations() -> None:
    run = _run("OPT-175B")
    assert run.training_compute_flop is not None
    assert run.training_compute_flop.value == pytest.approx(4.3e23)
    assert run.duration_days is not None
    assert run.duration_days.value == 33
    assert "continuous" in (run.duration_days.note or "").lower()
    assert run.other_figures["wallclock_duration_days"].mid() == pytest.approx(60)


@pytest.mark.parametrize(
    ("run_id", "hours", "tokens"),
    [
        ("Llama 3 8B", 1.3e6, 15e12),
        ("Llama 3 70B", 6.4e6, 15e12),
        ("Llama 4 Scout", 5.0e6, 40e12),
        ("Llama 4 Maverick", 2.38e6, 22e12),
    ],
)
def test_meta_model_card_figures(run_id: str, hours: float, tokens: float) -> None:
    run = _run(run_id)
    assert run.accelerator_hours_total is not None
    assert run.accelerator_hours_total.mid() == pytest.approx(hours)
    assert run.tokens is not None
    assert run.tokens.mid() == pytest.approx(tokens)
    assert run.accelerator_hours_total.tier == "disclosed"


UNDISCLOSED = ["Grok-1", "Grok-2", "Grok-3", "Gemini Ultra", "Llama 4 Behemoth"]


@pytest.mark.parametrize("run_id", UNDISCLOSED)
def test_compute_of_undisclosed_runs_is_an_epoch_estimate(run_id: str) -> None:
    flop = _run(run_id).training_compute_flop
    assert flop is not None
    assert flop.tier == "estimate"
    assert flop.estimator == "Epoch AI"


def test_gpt3_cost_estimates_keep_their_bases() -> None:
    cost = _run("GPT-3").reported_cost_usd
    assert cost is not None
    assert cost.value == pytest.approx(4.6e6)
    assert "Lambda" in (cost.estimator or "")
    twelve = [a for a in cost.alternatives if a.value == pytest.approx(12e6)]
    assert [a.tier for a in twelve] == ["rumour"]


def test_stable_diffusion_v1_run() -> None:
    run = _run("Stable Diffusion v1")
    assert run.modality == "image"
    assert run.accelerator_count is not None
    assert run.accelerator_count.value == 256
    assert run.accelerator_hours_total is not None
    assert run.accelerator_hours_total.value == pytest.approx(150_000)


def test_family_totals_are_not_member_figures() -> None:
    (llama31,) = [f for f in families() if f.name == "Llama 3.1"]
    total = llama31.figures["accelerator_hours_total"]
    members = [_run(f"Llama 3.1 {size}") for size in ("8B", "70B", "405B")]
    hours = sum(m.accelerator_hours_total.mid() for m in members if m.accelerator_hours_total)
    assert total.mid() == pytest.approx(hours, rel=0.01)


def test_lookup_names_each_figure_tier_in_the_formula() -> None:
    result = call("lookup_training_run", {"model": "GPT-4"})
    assert "[estimate (SemiAnalysis)]" in result["formula"]


def test_lookup_family_spans_its_members_and_keeps_family_totals() -> None:
    result = call("lookup_family", {"family": "Llama 2"})
    params = result["spans"]["total_params"]
    assert (params["low"], params["high"]) == (
        pytest.approx(6.7e9, rel=0.05),
        pytest.approx(69e9, rel=0.05),
    )
    assert len(result["members"]) == 4
    total = result["family"]["figures"]["accelerator_hours_total"]
    assert total["value"] == pytest.approx(3_311_616)
    assert total["tier"] == "disclosed"


def test_lookup_family_refuses_a_name_that_is_no_family() -> None:
    result = call("lookup_family", {"family": "Llama 2 70B"})
    assert result["error_type"] == "unknown_name"
    assert "Llama 2" in result["suggestions"]
