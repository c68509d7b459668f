"""Verification plans for compute, energy and utilization: FLOP, kWh, MFU."""

from __future__ import annotations

import re
from typing import Any

from flopcheck.engine.report import Amount, Verdict
from flopcheck.rules.claimable import Claimable
from flopcheck.rules.plans import as_ratio, check_disclosure, compute_flop, figure
from flopcheck.rules.plans_hardware import TOOL_PRECISION, precisions_of
from flopcheck.rules.verify import Unverifiable, amount, misleading


def plan_energy(c: Claimable) -> Verdict:
    """Check an energy figure against a run's reported energy, or recompute it from hours x TDP."""
    claimed = c.cand.claimed
    if claimed.value is None:
        raise Unverifiable("no energy figure to check")
    if not c.models():
        raise Unverifiable("the energy figure is not about a model flopcheck has figures for")
    unit = claimed.unit
    run = c.run(c.subject_run())
    reported = figure(run, "energy_kwh")
    if reported:
        computed = Amount(value=c.session.convert(reported, "kWh", unit), unit=unit)
        return c.session.judge(
            claimed, computed, c.spread, f"{run['id']} reported {reported:,.0f} kWh."
        )
    hours = figure(run, "accelerator_hours_total")
    if not hours or not run.get("accelerator"):
        raise Unverifiable(f"{run['id']} reported neither energy nor accelerator-hours")
    result = amount(
        c.session.call("energy", {"accelerator_hours": hours, "accelerator": run["accelerator"]})
    )
    low, high = result.low or result.value or 0.0, result.high or result.value or 0.0
    computed = Amount(
        value=c.session.convert(result.value or 0.0, "kWh", unit),
        low=c.session.convert(low, "kWh", unit),
        high=c.session.convert(high, "kWh", unit),
        unit=unit,
    )
    return c.session.judge(
        claimed,
        computed,
        c.spread,
        f"{run['id']}: {hours:,.0f} accelerator-hours x TDP x overhead x PUE.",
    )


_PER_TOKEN = re.compile(r"\b(?:per|each|every|a) token\b", re.I)


def _per_token_ratio(c: Claimable, models: list[str]) -> Verdict:
    """Compute per token scales with active parameters (2N), not total ones."""
    runs = [c.run(m) for m in models]
    found = [figure(r, "active_params") or figure(r, "total_params") for r in runs]
    active = [x for x in found if x]
    if len(active) < 2:
        raise Unverifiable("a per-token compute ratio needs both models' active parameters")
    claimed = as_ratio(c, c.cand.claimed)
    ratio = c.oriented_ratio(active[0], active[1], claimed)
    return c.session.judge(
        claimed,
        Amount(value=ratio, unit="ratio"),
        c.spread,
        f"per-token compute is 2 x active parameters: {models[0]} {active[0]:.3g} vs "
        f"{models[1]} {active[1]:.3g} active = {ratio:.3g}x.",
    )


def plan_compute(c: Claimable) -> Verdict:
    """Check a FLOP figure (6ND from the run's figures) or a compute ratio between two runs."""
    if c.cand.claimed.unit in {"percent", "ratio", "x"}:
        models = c.models()
        if c.ctx.subject and c.ctx.subject not in models:
            models.insert(0, c.ctx.subject)
        if len(models) < 2:
            raise Unverifiable("a compute ratio needs two models with disclosed figures")
        if _PER_TOKEN.search(c.text[slice(*c.segment())]):
            return _per_token_ratio(c, models[:2])
        flops = [compute_flop(c, c.run(m)) for m in models[:2]]
        ratio = c.session.calc(f"{flops[0]!r} / {flops[1]!r}")
        return c.session.judge(
            as_ratio(c, c.cand.claimed),
            Amount(value=ratio, unit="ratio"),
            c.spread,
            f"6ND: {models[0]} {flops[0]:.3g} FLOP / {models[1]} {flops[1]:.3g} FLOP "
            f"= {ratio:.3g}.",
        )
    run = c.run(c.subject_run())
    if _PER_TOKEN.search(c.quote):
        active = figure(run, "active_params") or figure(run, "total_params")
        if not active:
            raise Unverifiable(f"{run['id']} did not disclose its parameters")
        result = c.session.call("calculate", {"expression": f"2 * {active!r}"})
        return c.session.judge(
            c.cand.claimed,
            Amount(value=result["value"]["mid"], unit="FLOP"),
            c.spread,
            f"a forward pass costs ~2 x {active:.3g} active parameters = "
            f"{result['value']['mid']:.3g} FLOP per token.",
        )
    check_disclosure(c, run)
    written = _written_six_nd(c, run)
    if written is not None:
        return written
    reported = figure(run, "training_compute_flop")
    flop = reported or compute_flop(c, run)
    return c.session.judge(
        c.cand.claimed,
        Amount(value=flop, unit="FLOP"),
        c.spread,
        f"{run['id']}: {'reported' if reported else '6ND ='} {flop:.3g} FLOP.",
    )


def _written_six_nd(c: Claimable, run: dict[str, Any]) -> Verdict | None:
    """Check "N parameters and D tokens into 6ND gives C": the arithmetic, and whether N is the
    active count (total parameters of an MoE overstate compute; the policy calls that refuted)."""
    params = [q for q in c.cand.operands if q.kind == "params" and q.start < c.cand.anchor[0]]
    tokens = [q for q in c.cand.operands if q.kind == "tokens" and q.start < c.cand.anchor[0]]
    in_sentence = [q for q in params + tokens if c.cand.sentence[0] <= q.start]
    if not params or not tokens or len(in_sentence) < 2:
        return None
    n, d = params[-1].value, tokens[-1].value
    written = c.session.call("training_compute", {"active_params": n, "tokens": d})
    verdict = c.session.judge(c.cand.claimed, amount(written), c.spread, f"{written['formula']}.")
    active, total = figure(run, "active_params"), figure(run, "total_params")
    if verdict.label == "supported" and active and total and active < total and n >= total * 0.9:
        right = c.session.call("training_compute", {"active_params": active, "tokens": d})
        return c.session.judge(
            c.cand.claimed,
            amount(right),
            c.spread,
            f"total parameters where active ones apply: {run['id']} activates {active:.3g} of "
            f"{total:.3g} parameters per token, so {right['formula']}.",
        )
    return verdict


def plan_utilisation(c: Claimable) -> Verdict:
    """Check a run's utilization (MFU): 6ND / (hours x 3600 x dense peak), at the precision the
    claim names; the same run reads half as efficient against an FP8 peak as against BF16."""
    if "utilisation" not in c.cand.cues:
        raise Unverifiable("flopcheck has no plan for this kind of figure")
    run = c.run(c.subject_run())
    check_disclosure(c, run)
    claimed = as_ratio(c, c.cand.claimed)
    named = [TOOL_PRECISION.get(p, p) for p in precisions_of(c, local=True)]
    reported = run.get("mfu")
    if reported and not named:
        low, high = (
            reported.get("low") or reported["value"],
            reported.get("high") or reported["value"],
        )
        return c.session.judge(
            claimed,
            Amount(value=reported["value"], low=low, high=high, unit="ratio"),
            c.spread,
            f"{run['id']} reported MFU {low:.0%}-{high:.0%} ({reported['source']}).",
        )
    stages = {s["stage"]: float(s["accelerator_hours"]) for s in run["accelerator_hours_stages"]}
    hours = stages.get("pre-training") or figure(run, "accelerator_hours_total")
    if not hours or not run.get("accelerator"):
        raise Unverifiable(f"{run['id']} reported no accelerator-hours to derive utilization")
    flop = compute_flop(c, run)
    record = c.session.call("lookup_accelerator", {"name": run["accelerator"]})["accelerator"]
    candidates = named or ["bf16", *([run["precision"]] if run.get("precision") else [])]
    verdicts = []
    for precision in dict.fromkeys(candidates):
        peak = record["dense_peak_tflops"].get(precision)
        if peak is None:
            continue
        mfu = c.session.calc(f"{flop!r} / ({hours!r} * 3600 * {peak!r} * 1e12)")
        verdicts.append(
            (
                precision,
                c.session.judge(
                    claimed,
                    Amount(value=mfu, unit="ratio"),
                    c.spread,
                    f"{run['id']}: {flop:.3g} FLOP / ({hours:,.0f} h x 3600 s x {peak:g} TFLOP/s "
                    f"{precision.upper()}) = {mfu:.1%} of the {precision.upper()} peak.",
                ),
            )
        )
    if not verdicts:
        raise Unverifiable(f"{record['id']} has no peak at the precision named")
    for precision, verdict in verdicts:
        if verdict.label != "supported":
            continue
        if not named and precision != "bf16" and c.has("versus"):
            return misleading(
                verdict,
                "different precisions",
                f"MFU is quoted against the BF16 peak; against the {precision.upper()} peak "
                "the same run looks half as efficient, so it cannot be set against BF16 figures.",
            )
        return verdict
    return verdicts[0][1]


COMPUTE_PLANS = {
    "energy": plan_energy,
    "compute_flops": plan_compute,
    "other": plan_utilisation,
}
