"""Plans for figures an article derives from its own premises in the same sentence.

"2,048 GPUs for two months comes to roughly 3 million GPU-hours", "at $2 an hour that is more
than $200 million", "at the card's 700-watt rating, that is about 21.6 gigawatt-hours": the
premises are taken as written and the conclusion is recomputed from them, so the subject is the
article's own arithmetic and needs no outside record.
"""

from __future__ import annotations

import re
from typing import Any

from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.rules.entities import Mention
from flopcheck.rules.grounding import hardware_of, is_run, run_subject
from flopcheck.rules.plans_hardware import chip, chips_of, precisions_of
from flopcheck.rules.plans_runs import lookup, record
from flopcheck.rules.plans_specs import plan_spec, system_power
from flopcheck.rules.plans_yardsticks import plan_yardstick
from flopcheck.rules.quantities import Quantity
from flopcheck.rules.tables import run_field
from flopcheck.tools.arithmetic import VARIABLES
from flopcheck.tools.tables import systems
from flopcheck.tools.units import convert

# A figure may follow from the figures before it in more than one way; the nearest are tried.
_MAX_READINGS = 4


def _article(b: Builder) -> None:
    b.ground("the article's own figures", None, "article")


def plan_cluster_written(b: Builder) -> None:
    """Recompute accelerators x wall-clock <-> accelerator-hours from the sentence's premises."""
    _article(b)
    cluster: dict[str, Any] = b.cand.detail["cluster"]
    conclusion: Quantity = cluster["conclusion"]
    if conclusion.kind == "gpu_hours":
        terms = []
        for count, time in cluster["pairs"]:
            days = b.call("convert_units", value=time.value, from_unit=time.unit, to_unit="days")
            terms.append(b.call("cluster_time", accelerator_count=count.value, days=days.ref()))
        if len(terms) == 1:
            b.compare(terms[0], label="accelerators x days x 24 from the stated figures")
            return
        if len(terms) > len(VARIABLES):
            raise Unplannable("too many clusters in one sentence to add up")
        names = VARIABLES[: len(terms)]
        total = b.calc(" + ".join(names), **{n: t.ref() for n, t in zip(names, terms, strict=True)})
        b.compare(total, label="the stated clusters' hours added up", unit="accelerator-hours")
        return
    count, _ = cluster["pairs"][0]
    hours: Quantity = cluster["hours"]
    days = b.call("cluster_time", accelerator_count=count.value, accelerator_hours=hours.value)
    b.compare(days, label="the stated hours over the stated cluster")


def plan_cost_written(b: Builder) -> None:
    """Recompute a rental cost from the hours and hourly price the article states."""
    _article(b)
    rate: Quantity = b.cand.detail["rate"]
    hours: Quantity = b.cand.detail["gpu_hours"]
    cost = b.call(
        "training_cost", accelerator_hours=hours.value, usd_per_accelerator_hour=rate.value
    )
    b.compare(cost, label="the stated hours at the stated price")
    b.caveats.append("rental cost of those hours only: excludes research, staff, data and capex")


def plan_energy_written(b: Builder) -> None:
    """Recompute energy from the hours and per-accelerator power the article states."""
    _article(b)
    power: Quantity = b.cand.detail["power"]
    hours: Quantity = b.cand.detail["gpu_hours"]
    kilowatts = b.call("convert_units", value=power.value, from_unit=power.unit, to_unit="kW")
    energy = b.calc("x1 * x2", x1=hours.value, x2=kilowatts.ref())
    b.compare(energy, label="the stated hours at the stated power (accelerators alone)", unit="kWh")


def plan_fleet_energy(b: Builder) -> None:
    """Recompute energy from a fleet the article describes: accelerators x days x watts, with
    the host overhead and facility PUE ranges (the stated watts are the chips alone)."""
    _article(b)
    fleet: dict[str, Quantity] = b.cand.detail["fleet"]
    before = b.ctx.before(b.cand.sentence[1], "accelerator", limit=600)
    if not before:
        raise Unplannable("the fleet's accelerator is not named")
    key = before[0].key
    b.ground(before[0].text, key, "named")
    duration = fleet["duration"]
    days = b.call("convert_units", value=duration.value, from_unit=duration.unit, to_unit="days")
    power = fleet["power"]
    watts = convert(power.value, power.unit, "W")
    overhead = None
    if _PER_NODE.search(b.text, max(0, power.start - 60), power.end + 20):
        # "The servers used about 6.5 kW each": a node's power, hosts included, shared by the
        # chips of the vendor's node of that chip.
        nodes = [s for s in systems() if s.accelerator == key and s.kind == "node"]
        if len({s.accelerator_count for s in nodes}) != 1:
            raise Unplannable(f"how many {key}s a server holds is not known")
        watts, overhead = watts / nodes[0].accelerator_count, 1.0
    energy = b.call(
        "energy",
        accelerator=key,
        accelerator_count=fleet["count"].value,
        days=days.ref(),
        power_w=watts,
        server_overhead=overhead,
    )
    b.compare(energy, "energy_kwh", label="the stated fleet, days and watts, with overhead and PUE")


_PER_NODE = re.compile(r"\b(?:servers?|nodes?|machines?|DGX|HGX)\b", re.I)


def plan_serving_written(b: Builder) -> None:
    """Recompute a price per million tokens from an hourly price and a token throughput."""
    _article(b)
    rate: Quantity = b.cand.detail["rate"]
    throughput: Quantity = b.cand.detail["throughput"]
    per_mtok = b.calc("x1 / (x2 * 3600) * 1e6", x1=rate.value, x2=throughput.value)
    b.compare(per_mtok, label="the stated hourly price over the stated throughput", unit="USD/Mtok")
    b.caveats.append("rental price over throughput: excludes idle time, margins and overheads")


def _instead_of(b: Builder) -> float | None:
    """Return the USD amount the claim is contrasted with ("$4 million instead of $40m")."""
    after = b.text[b.cand.anchor[1] : b.cand.sentence[1]]
    m = re.match(r"\s*instead of\s+", after)
    if not m:
        return None
    for q in b.cand.operands:
        if q.kind == "currency" and q.start == b.cand.anchor[1] + m.end():
            return q.value
    return None


def counterfactual_cost(b: Builder) -> None:
    """Check a hypothetical cost: a baseline cost scaled by a precision or hardware switch."""
    if precisions_of(b):
        _precision_switch(b)
        return
    source, target = _switch(b)
    speed = b.call("compare_accelerators", a=source, b=target)
    contrast = _instead_of(b)
    b.caveats.append("assumes the same price per accelerator-hour and the same utilization")
    if contrast:
        # The claim's own baseline ("instead of $40m") scaled the way the claim scales it: a
        # cheaper alternative multiplies by the slower chip's share of the faster one's peak.
        cheaper = (b.cand.claimed.value or 0) < contrast
        slower = (chip(source).dense_peak_tflops.bf16 or 0) < (
            chip(target).dense_peak_tflops.bf16 or 0
        )
        expected = b.calc(
            "x1 * x2" if cheaper == slower else "x1 / x2", x1=contrast, x2=speed.ref()
        )
        b.ground("the article's own baseline", None, "article")
        label = "the stated baseline scaled by the ratio of dense peaks"
        b.compare(expected, label=label, unit="USD")
        return
    run_id = run_subject(b)
    if not record(run_id).reported_cost_usd:
        raise Unplannable(f"{run_id} has no reported cost to scale")
    s1 = lookup(b, run_id)
    scaled = b.calc("x1 * x2", x1=s1.ref("run.reported_cost_usd.value"), x2=speed.ref())
    b.compare(scaled, label=f"{run_id}'s cost scaled by the ratio of dense peaks", unit="USD")


def _precision_switch(b: Builder) -> None:
    """The run's reported cost, up to that cost scaled by its peak at another precision."""
    run_id = run_subject(b)
    run = record(run_id)
    precisions = [p for p in precisions_of(b) if p != run.precision]
    if not precisions or not run.precision or not run.accelerator:
        raise Unplannable("a hypothetical cost with no precision switch to recompute")
    if not run.reported_cost_usd:
        raise Unplannable(f"{run_id} has no reported cost to scale")
    s1 = lookup(b, run_id)
    ratio = b.call(
        "compare_accelerators",
        a=run.accelerator,
        b=run.accelerator,
        precision_a=run.precision,
        precision_b=precisions[0],
    )
    scaled = b.calc("x1 * x2", x1=s1.ref("run.reported_cost_usd.value"), x2=ratio.ref())
    between = b.call(
        "span", low=s1.ref("run.reported_cost_usd.value"), high=scaled.ref(), unit="USD"
    )
    b.compare(
        between,
        label=f"{run_id}'s cost, up to its cost scaled by the {precisions[0].upper()} peak",
    )
    b.caveats.append("only part of the work runs at low precision, so the real ratio is less")


def _switch(b: Builder) -> tuple[str, str]:
    """Return the hardware a hypothetical moves from and to: that of the organisation or model
    the sentence is about, and the chip it names (or the one another organisation it names
    used), each grounded as the article states it."""
    s, e = b.cand.sentence
    mentions = list(b.ctx.starting(s, e))
    actors = [m for m in mentions if m.kind in ("org", "model")]
    if not actors:
        raise Unplannable("a hypothetical cost with no organisation or model to scale")
    own = hardware_of(b, actors[0])
    if own is None:
        raise Unplannable(f"no hardware is known for {actors[0].text}")
    b.ground(f"{actors[0].text}'s hardware", own[0], own[1])
    named = [m for m in mentions if m.kind == "accelerator" and m.key != own[0]]
    if named:
        b.ground(named[0].text, named[0].key, "named")
        return own[0], named[0].key
    for m in actors[1:]:
        if m.key == actors[0].key:
            continue
        other = hardware_of(b, m)
        if other and other[0] != own[0]:
            b.ground(f"{m.text}'s hardware", other[0], other[1])
            return own[0], other[0]
    raise Unplannable("a hypothetical cost with no hardware or precision switch to recompute")


def plan_power_written(b: Builder) -> None:
    """Check a rated power against the chip's TDP, or a cluster's against count x TDP."""
    count: Quantity | None = b.cand.detail["count"]
    if count is None:
        plan_spec(b)
        return
    chips = chips_of(b)
    if not chips:
        raise Unplannable("the power figure names no accelerator")
    if chip(chips[0]).tdp_w is None:
        raise Unplannable(f"no TDP is published for {chip(chips[0]).id}")
    if system_power(b, chips[0], count.value):
        return
    looked = b.call("lookup_accelerator", accelerator=chips[0])
    alone = b.calc("x1 * x2", x1=count.value, x2=looked.ref("accelerator.tdp_w"))
    most = b.calc("x1 * x2", x1=alone.ref(), x2=_OVERHEAD_MAX)
    name = f"{count.value:,.0f} x {chip(chips[0]).id}"
    b.compare(
        b.call("span", low=alone.ref(), high=most.ref(), unit="W"),
        label=f"{name}'s rated power, up to {_OVERHEAD_MAX:g}x with hosts and cooling",
    )


# What more than its chips a fleet draws: DGX A100's 6.5 kW system power is 2.0x its eight
# chips' TDP, and a data centre's PUE (1.1-1.6) comes on top.
_OVERHEAD_MAX = 3.0


def plan_table_ratio(b: Builder) -> None:
    """Check a table's relation cell ("11x") against the ratio of the two models' reported
    figures when both columns name a run that reports the row's attribute; else recompute it
    from the two figures beside it (the article's own arithmetic)."""
    a, c = b.cand.detail["table_ratio"]
    swap = (a.value / c.value < 1) != b.below_one()
    if _records_ratio(b, swap):
        return
    _article(b)
    first, second = (c, a) if swap else (a, c)
    ratio = b.calc("x1 / x2", x1=first.value, x2=second.value)
    b.compare(ratio, label="the ratio of the row's own figures", unit="ratio")


def _records_ratio(b: Builder, swap: bool) -> bool:
    """Compare a relation cell with the ratio of its two runs' records; False when it cannot."""
    named = b.cand.detail.get("table_entities") or (None, None)
    field = run_field(b.cand.detail.get("table_label", ""))
    entities: list[Mention] = [m for m in named if m is not None and is_run(m)]
    if field is None or len(entities) != 2:
        return False
    runs = [record(m.key) for m in entities]
    fields = [field if getattr(r, field) is not None else None for r in runs]
    if field == "active_params":
        # A dense model's active parameters are all of them.
        fields = [
            f or ("total_params" if r.total_params else None)
            for f, r in zip(fields, runs, strict=True)
        ]
    if None in fields or runs[0].id == runs[1].id:
        return False
    for m in entities:
        b.ground(m.text, m.key, "named")
    looked = [b.call("lookup_training_run", model=r.id) for r in runs]
    order = [1, 0] if swap else [0, 1]
    num, den = (looked[i].ref(f"run.{fields[i]}") for i in order)
    ratio = b.calc("x1 / x2", x1=num, x2=den)
    names = [runs[i].id for i in order]
    what = field.replace("_", " ").replace(" usd", "").replace(" total", "")
    b.compare(ratio, label=f"{names[0]} / {names[1]} {what}, as reported", unit="ratio")
    return True


def plan_derived(b: Builder) -> None:
    """Recompute a figure the article derives from figures it gave just before."""
    if b.cand.detail.get("loose"):
        b.ground("how it follows from the figures before it", None, "inferred")
    else:
        _article(b)
    for d in b.cand.detail["derivations"][:_MAX_READINGS]:
        names = dict(zip(VARIABLES, d.values, strict=False))
        result = b.calc(d.expression, **names)
        b.compare(result, label=d.text, unit=b.cand.claimed.unit)


def plan_budget(b: Builder) -> None:
    """Recompute napkin maths on a compute budget from its stated FLOP, chip, utilization,
    duration, count and price."""
    _article(b)
    premises: dict[str, Any] = b.cand.detail["budget"]
    flop: Quantity = premises["flop"]
    key = chip(premises["chip"]).id
    b.ground(key, key, "named")
    named = precisions_of(b, local=False)
    precision = named[0] if named and named[0] in ("bf16", "fp16", "fp8", "fp4", "tf32") else None
    mfu: Quantity | None = premises["mfu"]
    fraction = None
    if mfu is not None:
        fraction = b.call("convert_units", value=mfu.value, from_unit="percent", to_unit="ratio")
    hours = b.call(
        "accelerator_hours",
        flop=flop.value,
        accelerator=key,
        precision=precision,
        mfu=fraction.ref() if fraction else 1.0 if premises["full"] else None,
    )
    target = b.cand.claimed.unit
    what = f"{flop.text} on {key}"
    if target in {"GPU-hours", "hours"}:
        # "10.6 million hours" of a FLOP budget on one chip type are accelerator-hours.
        b.claim_as(b.cand.claimed.model_copy(update={"unit": "accelerator-hours"}))
        b.compare(hours, label=f"{what} in accelerator-hours")
        return
    days: Quantity | None = premises["days"]
    count: Quantity | None = premises["count"]
    price: Quantity | None = premises["price"]
    if target in {"GPUs", "accelerators"} and days is not None:
        in_days = b.call("convert_units", value=days.value, from_unit=days.unit, to_unit="days")
        needed = b.calc("x1 / (x2 * 24)", x1=hours.ref(), x2=in_days.ref())
        b.compare(needed, label=f"{what} over {days.text}", unit="GPUs")
    elif target in {"days", "months", "years"} and count is not None:
        wall = b.call("cluster_time", accelerator_count=count.value, accelerator_hours=hours.ref())
        b.compare(wall, label=f"{what} on {count.text}")
    elif target == "USD" and price is not None:
        cost = b.call(
            "training_cost", accelerator_hours=hours.ref(), usd_per_accelerator_hour=price.value
        )
        b.compare(cost, label=f"{what} at {price.text}")
    else:
        raise Unplannable("the figure is not one the stated compute budget determines")


def written_plan(b: Builder) -> bool:
    """Build the program of a written-out derivation; False when the claim has none.

    Args:
        b: the claim.
    """
    detail = b.cand.detail
    plans = {
        "budget": plan_budget,
        "yardstick": plan_yardstick,
        "spec": plan_spec,
        "derivations": plan_derived,
        "table_ratio": plan_table_ratio,
        "cluster": plan_cluster_written,
        "tdp": plan_power_written,
        "throughput": plan_serving_written,
        "rate": plan_cost_written,
        "power": plan_energy_written,
        "fleet": plan_fleet_energy,
    }
    for key, plan in plans.items():
        if key in detail:
            plan(b)
            return True
    return False
