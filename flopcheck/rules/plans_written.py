"""Plans for figures an article derives from its own premises in the same sentence.

"2,048 GPUs for two months comes to roughly 3 million GPU-hours", "at $2 an hour that is more
than $200 million", "at the card's 700-watt rating, that is about 21.6 gigawatt-hours": the
premises are taken as written and the conclusion is recomputed from them with the tools.
"""

from __future__ import annotations

import re
from typing import Any

from flopcheck.engine.report import Amount, Verdict
from flopcheck.rules.claimable import Claimable
from flopcheck.rules.plans import run_cost
from flopcheck.rules.plans_hardware import TOOL_PRECISION, chips_of, precisions_of
from flopcheck.rules.quantities import Quantity
from flopcheck.rules.verify import Unverifiable


def plan_cluster_written(c: Claimable) -> Verdict:
    """Recompute accelerators x wall-clock <-> accelerator-hours from the sentence's premises."""
    cluster: dict[str, Any] = c.cand.detail["cluster"]
    conclusion: Quantity = cluster["conclusion"]
    if conclusion.kind == "gpu_hours":
        terms, parts = [], []
        for count, time in cluster["pairs"]:
            days = c.session.convert(time.value, time.unit, "days")
            result = c.session.call(
                "cluster_time", {"accelerator_count": count.value, "days": days}
            )
            terms.append(repr(result["value"]["mid"]))
            parts.append(result["formula"])
        total = c.session.calc(" + ".join(terms)) if len(terms) > 1 else float(terms[0])
        return c.session.judge(
            c.cand.claimed,
            Amount(value=total, unit="GPU-hours"),
            c.spread,
            f"{' + '.join(parts)}; total {total:,.0f} accelerator-hours.",
        )
    count, _ = cluster["pairs"][0]
    hours: Quantity = cluster["hours"]
    result = c.session.call(
        "cluster_time", {"accelerator_count": count.value, "accelerator_hours": hours.value}
    )
    days = result["value"]["mid"]
    return c.session.judge(
        c.cand.claimed,
        Amount(value=c.session.convert(days, "days", conclusion.unit), unit=conclusion.unit),
        c.spread,
        f"{result['formula']}.",
    )


def plan_cost_written(c: Claimable) -> Verdict:
    """Recompute a rental cost from the hours and hourly price the article states."""
    rate: Quantity = c.cand.detail["rate"]
    hours: Quantity = c.cand.detail["gpu_hours"]
    result = c.session.call(
        "training_cost", {"accelerator_hours": hours.value, "usd_per_accelerator_hour": rate.value}
    )
    cost = result["value"]["mid"]
    return c.session.judge(
        c.cand.claimed,
        Amount(value=cost, unit="USD"),
        c.spread,
        f"{result['formula']}.",
        caveats=["rental cost of those hours only: excludes research, staff, data and capex"],
    )


def plan_energy_written(c: Claimable) -> Verdict:
    """Recompute energy from the hours and per-accelerator power the article states."""
    power: Quantity = c.cand.detail["power"]
    hours: Quantity = c.cand.detail["gpu_hours"]
    chips = chips_of(c)
    if not chips:
        raise Unverifiable("the energy figure names no accelerator")
    watts = c.session.convert(power.value, power.unit, "W")
    result = c.session.call(
        "energy",
        {
            "accelerator_hours": hours.value,
            "accelerator": chips[0],
            "power_w": watts,
            "pue": 1.0,
            "server_overhead": 1.0,
        },
    )
    kwh = result["value"]["mid"]
    claimed = c.cand.claimed
    as_claimed = c.session.call(
        "convert_units", {"value": kwh, "from_unit": "kWh", "to_unit": claimed.unit}
    )["value"]["mid"]
    return c.session.judge(
        claimed,
        Amount(value=as_claimed, unit=claimed.unit),
        c.spread,
        f"{result['formula']} = {as_claimed:.3g} {claimed.unit} (accelerators alone).",
    )


def plan_serving_written(c: Claimable) -> Verdict:
    """Recompute a price per million tokens from an hourly price and a token throughput."""
    rate: Quantity = c.cand.detail["rate"]
    throughput: Quantity = c.cand.detail["throughput"]
    per_mtok = c.session.calc(f"{rate.value!r} / ({throughput.value!r} * 3600) * 1e6")
    return c.session.judge(
        c.cand.claimed,
        Amount(value=per_mtok, unit="USD/Mtok"),
        c.spread,
        f"${rate.value:g}/hour / ({throughput.value:,.0f} tokens/s x 3600 s) x 1e6 = "
        f"${per_mtok:.3g} per million tokens.",
        caveats=["rental price over throughput: excludes idle time, margins and overheads"],
    )


def _instead_of(c: Claimable) -> float | None:
    """Return the USD amount the claim is contrasted with ("$4 million instead of $40m")."""
    after = c.text[c.cand.anchor[1] : c.cand.sentence[1]]
    m = re.match(r"\s*instead of\s+", after)
    if not m:
        return None
    for q in c.cand.operands:
        if q.kind == "currency" and q.start == c.cand.anchor[1] + m.end():
            return q.value
    return None


def counterfactual_cost(c: Claimable) -> Verdict:
    """Check a hypothetical cost: a baseline cost scaled by a precision or hardware switch."""
    model = c.subject_run()
    run = c.run(model)
    precisions = [p for p in precisions_of(c) if p != run.get("precision")]
    if precisions and run.get("precision") and run.get("accelerator"):
        base = run_cost(c, model)
        result = c.session.call(
            "compare_accelerators",
            {
                "a": run["accelerator"],
                "b": run["accelerator"],
                "precision_a": run["precision"],
                "precision_b": TOOL_PRECISION.get(precisions[0], precisions[0]),
            },
        )
        ratio = result["value"]["mid"]
        low, high = sorted((base, c.session.calc(f"{base!r} * {ratio!r}")))
        return c.session.judge(
            c.cand.claimed,
            Amount(value=high, low=low, high=high, unit="USD"),
            c.spread,
            f"{model} at {precisions[0].upper()} instead of {run['precision'].upper()}: at most "
            f"{ratio:.2g}x the ${base:,.0f} ({result['formula']}), since only part of the work "
            "runs at low precision.",
        )
    named = [m.key for m in c.ctx.within(*c.cand.sentence, "accelerator")]
    others = [c.run(m).get("accelerator") for m in c.models() if m != model]
    targets = named or [a for a in others if a]
    if not run.get("accelerator") or not targets:
        raise Unverifiable("a hypothetical cost with no hardware or precision switch to recompute")
    result = c.session.call("compare_accelerators", {"a": run["accelerator"], "b": targets[0]})
    speed = result["value"]["mid"]
    contrast = _instead_of(c)
    if contrast:
        # The claim's own baseline ("instead of $40m") scaled the way the claim scales it:
        # a cheaper alternative divides by the faster chip's speed-up.
        cheaper = (c.cand.claimed.value or 0) < contrast
        factor = speed if (speed < 1) == cheaper else c.session.calc(f"1 / {speed!r}")
        expected = c.session.calc(f"{contrast!r} * {factor!r}")
        return c.session.judge(
            c.cand.claimed,
            Amount(value=expected, unit="USD"),
            c.spread,
            f"${contrast:,.0f} x {factor:.3g} ({result['formula']}) = ${expected:,.0f}: the "
            "hardware changes the cost by the ratio of dense peaks at most.",
            caveats=["assumes the same price per accelerator-hour and the same utilization"],
        )
    base = run_cost(c, model)
    return c.session.judge(
        c.cand.claimed,
        Amount(value=c.session.calc(f"{base!r} * {speed!r}"), unit="USD"),
        c.spread,
        f"{model}'s ${base:,.0f} x {speed:.3g} ({result['formula']}) = ${base * speed:,.0f}.",
        caveats=["assumes the same price per accelerator-hour and the same utilization"],
        confidence=0.6,
    )


def plan_power_written(c: Claimable) -> Verdict:
    """Check a rated power against the chip's TDP, or a cluster's against count x TDP."""
    power: Quantity = c.cand.detail["tdp"]
    count: Quantity | None = c.cand.detail["count"]
    chips = chips_of(c)
    if not chips:
        raise Unverifiable("the power figure names no accelerator")
    record = c.session.call("lookup_accelerator", {"name": chips[0]})["accelerator"]
    if record["tdp_w"] is None:
        raise Unverifiable(f"no TDP is published for {record['id']}")
    watts = float(record["tdp_w"])
    what = f"{record['id']} TDP {watts:g} W"
    if count is not None:
        watts = c.session.calc(f"{count.value!r} * {watts!r}")
        what = f"{count.value:,.0f} x {what}"
    expected = c.session.convert(watts, "W", power.unit)
    return c.session.judge(
        c.cand.claimed,
        Amount(value=expected, unit=power.unit),
        c.spread,
        f"{what} = {expected:.4g} {power.unit} (accelerators alone, at rated power).",
    )


def written_plan(c: Claimable) -> Verdict | None:
    """Return the verdict of a written-out derivation, or None when the claim has none."""
    detail = c.cand.detail
    if "cluster" in detail:
        return plan_cluster_written(c)
    if "tdp" in detail:
        return plan_power_written(c)
    if "throughput" in detail:
        return plan_serving_written(c)
    if "rate" in detail:
        return plan_cost_written(c)
    if "power" in detail:
        return plan_energy_written(c)
    return None
