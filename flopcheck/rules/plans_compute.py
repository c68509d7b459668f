"""Plans for compute, energy and utilization claims: FLOP, per-token compute, kWh, MFU."""

from __future__ import annotations

import re
from collections.abc import Callable

from flopcheck.engine.program import Ref
from flopcheck.rules.builder import Builder, Handle, Unplannable
from flopcheck.rules.grounding import is_run, run_subject, sentence_runs
from flopcheck.rules.plans_hardware import precisions_of
from flopcheck.rules.plans_runs import hedged, lookup, record, six_nd

_PER_TOKEN = re.compile(r"\b(?:per|each|every|a) token\b", re.I)


def plan_energy(b: Builder) -> None:
    """Compare an energy figure with the run's reported energy, or its hours x TDP."""
    s, e = b.cand.sentence
    if not [m for m in b.ctx.starting(s, e) if is_run(m)]:
        raise Unplannable("the energy figure is not about a model flopcheck has figures for")
    run_id = run_subject(b)
    run = record(run_id)
    s1 = lookup(b, run_id)
    if run.energy_kwh:
        b.compare(s1, "run.energy_kwh", f"{run_id}'s reported energy")
        return
    if not run.accelerator_hours_total or not run.accelerator:
        raise Unplannable(f"{run_id} reported neither energy nor accelerator-hours")
    energy = b.call(
        "energy",
        accelerator_hours=s1.ref("run.accelerator_hours_total.value"),
        accelerator=run.accelerator,
    )
    b.compare(energy, label=f"{run_id}'s hours x TDP x overhead x PUE")


def _runs_named(b: Builder) -> list[str]:
    found = []
    for m in sentence_runs(b):
        if m.key not in found:
            found.append(m.key)
            b.ground(m.text, m.key, "named")
    return found


def _per_token_ratio(b: Builder, models: list[str]) -> None:
    """Per-token compute scales with active parameters (2N), not total ones."""
    looked = [lookup(b, m) for m in models[:2]]
    params = []
    for model, handle in zip(models, looked, strict=False):
        run = record(model)
        field = "active_params" if run.active_params else "total_params"
        if not getattr(run, field):
            raise Unplannable("a per-token compute ratio needs both models' active parameters")
        params.append(handle.ref(f"run.{field}.value"))
    first, second = params
    if b.below_one():
        first, second = second, first
    ratio = b.calc("x1 / x2", x1=first, x2=second)
    b.compare(ratio, label="ratio of active parameters (per-token compute is 2N)", unit="ratio")


def plan_compute(b: Builder) -> None:
    """Compare a FLOP figure (reported, or 6ND) or a compute ratio between two runs."""
    if b.cand.claimed.unit in {"percent", "ratio", "x"}:
        models = _runs_named(b)
        if len(models) < 2:
            raise Unplannable("a compute ratio needs two models with disclosed figures")
        if _PER_TOKEN.search(b.segment_text()):
            _per_token_ratio(b, models)
            return
        looked = [lookup(b, m) for m in models[:2]]
        flops = [six_nd(b, m, h) for m, h in zip(models, looked, strict=False)]
        ratio = b.calc("x1 / x2", x1=flops[0], x2=flops[1])
        b.compare(ratio, label=f"6ND of {models[0]} / {models[1]}", unit="ratio")
        return
    run_id = run_subject(b)
    run = record(run_id)
    if _PER_TOKEN.search(b.quote) or _PER_TOKEN.search(str(b.cand.detail.get("table_label"))):
        field = "active_params" if run.active_params else "total_params"
        if not getattr(run, field):
            raise Unplannable(f"{run_id} did not disclose its parameters")
        s1 = lookup(b, run_id)
        params = s1.ref(f"run.{field}.value")
        forward = b.calc("2 * x1", x1=params)
        b.compare(forward, label=f"a forward pass of {run_id} per token (2N)", unit="FLOP")
        # "FLOPs per token" may also mean training compute: 6N, plus the attention FLOPs 6N
        # leaves out (a few percent to about a quarter more, growing with context length).
        training = b.calc("6 * x1", x1=params)
        with_attention = b.calc("6 * x1 * 1.25", x1=params)
        span = b.call("span", low=training.ref(), high=with_attention.ref(), unit="FLOP")
        b.compare(span, label=f"training compute of {run_id} per token (6N, with attention)")
        b.caveats.append("per-token FLOP counts leave attention out or estimate it; 6N is a floor")
        return
    hedged(b)
    s1 = lookup(b, run_id)
    if _written_six_nd(b, run_id):
        return
    if run.training_compute_flop:
        b.compare(s1, "run.training_compute_flop", f"{run_id}'s reported training compute")
    b.compare(b.call("training_compute", **_nd_args(run_id, s1)), label=f"6ND for {run_id}")


def _nd_args(run_id: str, s1: Handle) -> dict[str, Ref]:
    run = record(run_id)
    if not run.tokens or not (run.active_params or run.total_params):
        raise Unplannable(f"{run_id} has no disclosed parameters and tokens")
    field = "active_params" if run.active_params else "total_params"
    return {
        "active_params": s1.ref(f"run.{field}.value"),
        "tokens": s1.ref("run.tokens.value"),
    }


def _written_six_nd(b: Builder, run_id: str) -> bool:
    """Check "N parameters and D tokens into 6ND gives C" from the written N and D; when N is
    an MoE model's total count, the like-for-like figure uses its active parameters."""
    before = [q for q in b.cand.operands if q.start < b.cand.anchor[0]]
    params = [q for q in before if q.kind == "params"]
    tokens = [q for q in before if q.kind == "tokens"]
    in_sentence = [q for q in params + tokens if b.cand.sentence[0] <= q.start]
    if not params or not tokens or len(in_sentence) < 2:
        return False
    n, d = params[-1].value, tokens[-1].value
    run = record(run_id)
    active = run.active_params.value if run.active_params else None
    total = run.total_params.value if run.total_params else None
    if active and total and active < total and n >= total * 0.9:
        s1 = _lookups(b)[0]
        right = b.call(
            "training_compute", active_params=s1.ref("run.active_params.value"), tokens=d
        )
        b.compare(right, label=f"6ND with {run_id}'s active parameters")
        b.caveats.append("total parameters where active ones apply overstate MoE compute")
        return True
    written = b.call("training_compute", active_params=n, tokens=d)
    b.ground("the article's own figures", None, "article")
    b.compare(written, label="6ND from the written figures")
    return True


def _lookups(b: Builder) -> list[Handle]:
    return [Handle(s.id) for s in b.steps if s.tool == "lookup_training_run"]


def plan_utilisation(b: Builder) -> None:
    """Compare a run's utilization (MFU) with its reported MFU, or 6ND over hours x peak at the
    precision the claim names; against an FP8 peak the same run reads half as efficient."""
    if "utilisation" not in b.cand.cues:
        raise Unplannable("flopcheck has no plan for this kind of figure")
    hedged(b)
    run_id = run_subject(b)
    run = record(run_id)
    named = precisions_of(b, local=True)
    s1 = lookup(b, run_id)
    if run.mfu and not named:
        b.compare(s1, "run.mfu", f"{run_id}'s reported MFU")
        return
    stages = [i for i, s in enumerate(run.accelerator_hours_stages) if s.stage == "pre-training"]
    if not (stages or run.accelerator_hours_total) or not run.accelerator:
        raise Unplannable(f"{run_id} reported no accelerator-hours to derive utilization")
    hours = (
        s1.ref(f"run.accelerator_hours_stages.{stages[0]}.accelerator_hours")
        if stages
        else s1.ref("run.accelerator_hours_total.value")
    )
    flop = six_nd(b, run_id, s1)
    chip = b.call("lookup_accelerator", accelerator=run.accelerator)
    candidates = named or ["bf16", *([run.precision] if run.precision else [])]
    for precision in dict.fromkeys(candidates):
        peak = chip.ref(f"accelerator.dense_peak_tflops.{precision}")
        mfu = b.calc("x1 / (x2 * 3600 * x3 * 1e12)", x1=flop, x2=hours, x3=peak)
        label = f"{run_id}'s 6ND over its hours at the {precision.upper()} dense peak"
        if named or precision == "bf16":
            b.compare(mfu, label=label, unit="ratio")
        else:
            b.diagnose(mfu, "value", "cross_precision", label, unit="ratio")


COMPUTE_PLANS: dict[str, Callable[[Builder], None]] = {
    "energy": plan_energy,
    "compute_flops": plan_compute,
    "other": plan_utilisation,
}
