"""Verification plans for hardware, precision, API price, energy and compute claims."""

from __future__ import annotations

import re
from typing import Any

from flopcheck.plugin.claimable import Claimable
from flopcheck.plugin.models import Amount, Verdict
from flopcheck.plugin.plans import as_ratio, check_disclosure, compute_flop, figure
from flopcheck.plugin.verify import Unverifiable, amount, misleading
from flopcheck.tools import call

_BITS = {"fp4": 4, "fp8": 8, "int8": 8, "fp16": 16, "bf16": 16, "tf32": 19, "fp32": 32, "fp64": 64}
TOOL_PRECISION = {"fp32": "tf32", "int8": "fp8"}


def chips_of(c: Claimable) -> list[str]:
    """Return the accelerators a claim compares: named in its sentence, else those its models
    ran on, else the ones named just before it."""
    s, e = c.cand.sentence
    keys: list[str] = []

    def add(key: str | None) -> None:
        if key and key not in keys:
            keys.append(key)

    for m in c.ctx.within(s, e, "accelerator"):
        add(m.key)
    if len(keys) < 2:
        for model in c.models():
            add(c.run(model).get("accelerator"))
    if len(keys) < 2:
        for m in c.ctx.before(s, "accelerator", limit=400):
            add(m.key)
    if len(keys) < 2:
        # "the same job": the run the previous sentences were about, and its hardware.
        for m in c.ctx.before(s, "model", limit=400):
            add(c.run(m.key).get("accelerator"))
    if len(keys) < 2 and c.ctx.subject:
        add(c.run(c.ctx.subject).get("accelerator"))
    return keys


_GAIN = re.compile(r"\s*(?:lead|more|faster|higher|increase|better|boost|jump|gain|advantage)")


def ratio_claim(c: Claimable) -> Amount:
    """Return the claim as a ratio: "85% lead" is 1.85, "25%" is 0.25, "3x" is 3.

    Args:
        c: the claim.
    """
    after = c.text[c.cand.anchor[1] : c.cand.anchor[1] + 30]
    return as_ratio(c, c.cand.claimed, offset=1.0 if _GAIN.match(after) else 0.0)


def _compare(c: Claimable, a: str, b: str, pa: str, pb: str) -> dict[str, Any]:
    return c.session.call(
        "compare_accelerators", {"a": a, "b": b, "precision_a": pa, "precision_b": pb}
    )


def plan_hardware_ratio(c: Claimable) -> Verdict:
    """Check a chip-vs-chip ratio (or a chip's peak) against datasheet dense peaks; a ratio that
    holds only across precisions or with a sparse figure is misleading."""
    if c.cand.claimed.unit == "FLOP/s":
        return _peak_claim(c)
    chips = chips_of(c)
    if len(chips) < 2:
        raise Unverifiable("a hardware ratio needs two accelerators; the article names fewer")
    claimed = ratio_claim(c)
    if re.search(r"\bwatts?\b|\bpower draw|\bTDP\b", c.text[slice(*c.segment())], re.I):
        return _power_ratio(c, chips, claimed)
    named = [TOOL_PRECISION.get(p, p) for p in precisions_of(c, local=True)]
    precision = named[0] if named else "bf16"
    a, b = chips[0], chips[1]
    result = _compare(c, a, b, precision, precision)
    if (result["value"]["mid"] < 1) != ((claimed.value or 0) < 1):
        a, b = b, a
        result = _compare(c, a, b, precision, precision)
    ratio = result["value"]["mid"]
    verdict = c.session.judge(
        claimed,
        Amount(value=ratio, unit="ratio"),
        c.spread,
        f"dense {precision.upper()} peaks: {result['formula']}.",
        caveats=[x for x in result["assumptions"] if x.startswith("cross-")],
    )
    if verdict.label != "refuted":
        return verdict
    return _framing(c, claimed, (a, b), precision, verdict)


def _power_ratio(c: Claimable, chips: list[str], claimed: Amount) -> Verdict:
    """Check a ratio of two chips' rated power (TDP)."""
    records = [c.session.call("lookup_accelerator", {"name": x})["accelerator"] for x in chips[:2]]
    watts = [r["tdp_w"] for r in records]
    if None in watts:
        raise Unverifiable("a TDP is not published for one of the chips")
    ratio = c.session.calc(f"{watts[0]!r} / {watts[1]!r}")
    if (ratio < 1) != ((claimed.value or 0) < 1):
        ratio = c.session.calc(f"{watts[1]!r} / {watts[0]!r}")
    return c.session.judge(
        claimed,
        Amount(value=ratio, unit="ratio"),
        c.spread,
        f"rated power: {records[0]['id']} {watts[0]:g} W vs {records[1]['id']} {watts[1]:g} W.",
    )


def _framing(
    c: Claimable, claimed: Amount, chips: tuple[str, str], precision: str, verdict: Verdict
) -> Verdict:
    """Return misleading when the claimed ratio is a cross-precision or sparse-vs-dense one."""
    a, b = chips
    matched = verdict.computed.value if verdict.computed and verdict.computed.value else 0.0
    record = c.session.call("lookup_accelerator", {"name": a})["accelerator"]
    peaks = record["dense_peak_tflops"]
    for low in ("fp8", "fp4"):
        if peaks.get(low) is None or low == precision:
            continue
        try:
            result = _compare(c, a, b, low, precision)
        except Unverifiable:
            continue
        alt = c.session.judge(
            claimed,
            Amount(value=result["value"]["mid"], unit="ratio"),
            c.spread,
            result["formula"],
        )
        if alt.label == "supported":
            return misleading(
                alt,
                "cross-precision comparison",
                f"the ratio holds only for {a} at {low.upper()} against {b} at "
                f"{precision.upper()}; at matched precision it is {matched:.3g}x.",
            )
    sparse = record.get("sparse_multiplier")
    if sparse:
        for low in ("fp8", "fp4", precision):
            if peaks.get(low) is None:
                continue
            try:
                result = _compare(c, a, b, low, low)
            except Unverifiable:
                continue
            alt = c.session.judge(
                claimed,
                Amount(
                    value=c.session.calc(f"{result['value']['mid']!r} * {sparse!r}"), unit="ratio"
                ),
                c.spread,
                f"{a} 'with sparsity' ({sparse:g}x dense) vs {b} dense: {result['formula']}",
            )
            if alt.label == "supported":
                return misleading(
                    alt,
                    "sparse figure compared with dense",
                    f"{a}'s 'with sparsity' peak is {sparse:g}x its dense peak; training uses "
                    "dense throughput.",
                )
    return verdict


def _peak_claim(c: Claimable) -> Verdict:
    chips = chips_of(c)
    if not chips:
        raise Unverifiable("the claim names no accelerator")
    named = precisions_of(c, local=True) or precisions_of(c)
    precision = named[0] if named else "bf16"
    record = c.session.call("lookup_accelerator", {"name": chips[0]})["accelerator"]
    dense = record["dense_peak_tflops"].get(TOOL_PRECISION.get(precision, precision))
    if dense is None:
        raise Unverifiable(f"{record['id']} has no {precision.upper()} peak")
    verdict = c.session.judge(
        c.cand.claimed,
        Amount(value=c.session.convert(dense, "TFLOP/s", "FLOP/s"), unit="FLOP/s"),
        c.spread,
        f"{record['id']} dense {precision.upper()} peak is {dense:g} TFLOP/s.",
    )
    sparse = record.get("sparse_multiplier")
    claimed = c.cand.claimed.value or 0
    if verdict.label == "refuted" and sparse and abs(claimed / (dense * 1e12 * sparse) - 1) < 0.1:
        return verdict.model_copy(
            update={
                "explanation": f"sparse figure used as dense: {claimed / 1e12:g} TFLOP/s is the "
                f"'with sparsity' figure ({sparse:g}x the dense {dense:g}). " + verdict.explanation,
            }
        )
    return verdict


def precisions_of(c: Claimable, local: bool = False) -> list[str]:
    """Return the precisions named in the claim's sentence (or only its clause segment)."""
    s, e = c.segment() if local else c.cand.sentence
    keys: list[str] = []
    for m in c.ctx.within(s, e, "precision"):
        if m.key in _BITS and m.key not in keys:
            keys.append(m.key)
    return keys


def _supports(c: Claimable, chip: str, precisions: tuple[str, ...]) -> bool:
    record = call("lookup_accelerator", {"name": chip}).get("accelerator") or {}
    peaks = record.get("dense_peak_tflops", {})
    return all(peaks.get(p) is not None for p in precisions)


def plan_precision_speedup(c: Claimable) -> Verdict:
    """Check a low-vs-high precision claim against the chip's dense peaks at both precisions."""
    precisions = sorted(precisions_of(c), key=lambda p: _BITS[p])
    if len(precisions) == 1:
        precisions.append("bf16")
    if len(precisions) < 2 or precisions[0] == precisions[-1]:
        raise Unverifiable("the claim names fewer than two precisions to compare")
    low, high = (TOOL_PRECISION.get(p, p) for p in (precisions[0], precisions[-1]))
    chips = [x for x in chips_of(c) if _supports(c, x, (low, high))] or ["H100 SXM"]
    claimed = c.cand.claimed
    wanted = as_ratio(c, claimed)
    a, b = (high, low) if (wanted.value or 0) < 1 else (low, high)
    result = c.session.call(
        "compare_accelerators",
        {"a": chips[0], "b": chips[0], "precision_a": a, "precision_b": b},
    )
    ratio = result["value"]["mid"]
    return c.session.judge(
        wanted,
        Amount(value=ratio, unit="ratio"),
        c.spread,
        f"{result['formula']}: the ratio of dense peaks; real runs gain less, since only the "
        "large matrix multiplies run at low precision.",
    )


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
        c.session.call("energy", {"gpu_hours": hours, "accelerator": run["accelerator"]})
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


def plan_compute(c: Claimable) -> Verdict:
    """Check a FLOP figure (6ND from the run's figures) or a compute ratio between two runs."""
    if c.cand.claimed.unit in {"percent", "ratio", "x"}:
        models = c.models()
        if c.ctx.subject and c.ctx.subject not in models:
            models.insert(0, c.ctx.subject)
        if len(models) < 2:
            raise Unverifiable("a compute ratio needs two models with disclosed figures")
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
    if re.search(r"\bper token\b|\beach token\b|\ba token\b", c.quote):
        active = figure(run, "params_active") or figure(run, "params_total")
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
    active, total = figure(run, "params_active"), figure(run, "params_total")
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


HARDWARE_PLANS = {
    "other": plan_utilisation,
    "hardware_ratio": plan_hardware_ratio,
    "precision_speedup": plan_precision_speedup,
    "energy": plan_energy,
    "compute_flops": plan_compute,
}
