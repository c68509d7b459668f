"""Plans for claims about a reported training run: accelerator-hours, cost, parameters, tokens,
cluster size and duration.

Each plan grounds the run (see ``grounding``), looks it up, and names the run's figures the claim
may match; which figures exist is read from the data tables while planning, and every number
compared comes from the lookup or a calculator step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from flopcheck.engine.program import Ref
from flopcheck.engine.report import Amount
from flopcheck.rules.builder import Builder, Handle, Unplannable
from flopcheck.rules.grounding import is_run, referred_run, run_subject, sentence_runs
from flopcheck.rules.plans_market import HOURLY, purchase_price, rental_price, unit_price
from flopcheck.tools.tables import TrainingRun, training_runs
from flopcheck.tools.tries import gated

HEDGE = gated(
    re.compile(r"\brumou?red\b|\breportedly\b|\bis said to\b|\ballegedly\b|\bpossibly\b", re.I)
)
_WHOLE = re.compile(
    r"\bwhole\b|\bentire\b|\ball-in\b|\boverall\b|\bin total\b|\btotal (?:cost|spend)", re.I
)
_COUNTS = {"GPUs", "accelerators"}
_DURATIONS = {"days", "weeks", "months", "years", "hours"}


@cache
def _records() -> dict[str, TrainingRun]:
    return {r.id: r for r in training_runs()}


def record(run_id: str) -> TrainingRun:
    """Return the data record of a run (to decide what to compute, never as a figure).

    Args:
        run_id: a TrainingRun id.
    """
    return _records()[run_id]


def lookup(b: Builder, run_id: str) -> Handle:
    """Add the run's lookup to the program; each figure carries its own tier, so the judge
    weighs an estimate or a rumour as what it is.

    Args:
        b: the claim.
        run_id: the run.
    """
    return b.call("lookup_training_run", model=run_id)


def hedged(b: Builder) -> None:
    """Refuse a figure the article itself presents as a rumour or hearsay.

    Args:
        b: the claim.
    """
    if HEDGE.search(b.quote) and b.cand.kind != "arithmetic":
        raise Unplannable("the article itself presents this figure as a rumour or hearsay")


def six_nd(b: Builder, run_id: str, looked_up: Handle) -> Ref:
    """Add 6 x active parameters x tokens for a run (total parameters for a dense one); return
    a reference to the FLOP.

    Args:
        b: the claim.
        run_id: the run.
        looked_up: its lookup step.
    """
    run = record(run_id)
    if not run.tokens or not (run.active_params or run.total_params):
        raise Unplannable(f"{run.id} has no disclosed parameters and tokens")
    params = "active_params" if run.active_params else "total_params"
    return b.call(
        "training_compute",
        active_params=looked_up.ref(f"run.{params}.value"),
        tokens=looked_up.ref("run.tokens.value"),
    ).ref()


def plan_gpu_hours(b: Builder) -> None:
    """Compare accelerator-hours with the run's reported total and stages."""
    hedged(b)
    run_id = run_subject(b)
    run = record(run_id)
    s1 = lookup(b, run_id)
    if _at_utilisation(b, run_id, s1) or _per_tokens(b, run_id, s1):
        return
    quote = b.quote.lower()
    options: list[tuple[str, str]] = []
    for i, stage in enumerate(run.accelerator_hours_stages):
        options.append((f"run.accelerator_hours_stages.{i}.accelerator_hours", stage.stage))
    if run.accelerator_hours_total:
        total = ("run.accelerator_hours_total", "total")
        wants_total = "including" in quote or "total" in quote
        options = [total, *options] if wants_total else [*options, total]
    if "pre-train" in quote and "including" not in quote:
        options.sort(key=lambda o: o[1] != "pre-training")
    if not options:
        raise Unplannable(f"{run_id} reported no accelerator-hours")
    for path, name in options:
        b.compare(s1, path, f"{run_id}'s reported {name} accelerator-hours")
    _across_generations(b, run_id)


_PER_TOKENS = re.compile(
    r"\b(?:each|per|every|a)\s+(trillion|billion|million)\s+(?:training\s+)?tokens?\b", re.I
)
_TOKEN_SCALE = {"trillion": 1e12, "billion": 1e9, "million": 1e6}


def _per_tokens(b: Builder, run_id: str, s1: Handle) -> bool:
    """Recompute "each trillion tokens took 180,000 GPU-hours": a rate, not the run's total."""
    rate = _PER_TOKENS.search(b.segment_text())
    run = record(run_id)
    if rate is None:
        return False
    if run.tokens is None:
        raise Unplannable(f"{run_id} reported no token count to divide its hours by")
    scale = _TOKEN_SCALE[rate.group(1).lower()]
    stages = [
        (f"run.accelerator_hours_stages.{i}.accelerator_hours", stage.stage)
        for i, stage in enumerate(run.accelerator_hours_stages)
        if "pre" in stage.stage.lower()
    ]
    if run.accelerator_hours_total:
        stages.append(("run.accelerator_hours_total.value", "total"))
    if not stages:
        raise Unplannable(f"{run_id} reported no accelerator-hours")
    for path, name in stages:
        per = b.calc("x1 / (x2 / x3)", x1=s1.ref(path), x2=s1.ref("run.tokens.value"), x3=scale)
        what = f"{run_id}'s {name} accelerator-hours per {rate.group(1)} tokens"
        b.compare(per, label=what, unit="GPU-hours")
    return True


def _at_utilisation(b: Builder, run_id: str, s1: Handle) -> bool:
    """Recompute "at 40% utilisation on H100s, the job takes N hours" with accelerator_hours."""
    s, e = b.cand.sentence
    mfu = [
        q
        for q in b.cand.operands
        if q.kind == "percent" and s <= q.start < e and "utili" in b.text[q.end : q.end + 16]
    ]
    chips = b.ctx.within(s, e, "accelerator")
    if not mfu or not chips:
        return False
    run = record(run_id)
    flop = (
        s1.ref("run.training_compute_flop.value")
        if run.training_compute_flop
        else six_nd(b, run_id, s1)
    )
    fraction = b.call("convert_units", value=mfu[0].value, from_unit="percent", to_unit="ratio")
    hours = b.call("accelerator_hours", flop=flop, accelerator=chips[0].key, mfu=fraction.ref())
    b.ground(chips[0].text, chips[0].key, "named")
    b.compare(hours, label=f"{run_id}'s compute at the stated utilisation")
    return True


def _across_generations(b: Builder, run_id: str) -> None:
    """Propose cross-generation framing when the sentence sets the hours against another run's."""
    if not b.has("versus", "gain") or not record(run_id).accelerator:
        return
    s, e = b.cand.sentence
    others = {m.key for m in b.ctx.starting(s, e) if is_run(m)} - {run_id}
    for other in sorted(others):
        theirs = record(other).accelerator
        mine = record(run_id).accelerator
        if theirs and mine and theirs != mine:
            b.call("lookup_accelerator", accelerator=mine)
            b.call("lookup_accelerator", accelerator=theirs)
            b.frame(
                "cross_generation",
                f"an hour on {mine} and an hour on {theirs} need not be the same compute",
            )
            return


def plan_training_cost(b: Builder) -> None:
    """Compare a cost with the run's reported cost or its hours at the market price."""
    from flopcheck.rules.plans_written import counterfactual_cost

    if "capex" in b.sentence.lower():
        raise Unplannable("capital spending is not disclosed; flopcheck computes rental cost only")
    if b.cand.claimed.unit in HOURLY:
        rental_price(b)
        return
    if unit_price(b):
        purchase_price(b)
        return
    if b.cand.claimed.unit in {"percent", "ratio", "x"}:
        _cost_ratio(b)
        return
    if b.has("counterfactual"):
        counterfactual_cost(b)
        return
    hedged(b)
    run_id = run_subject(b)
    run = record(run_id)
    s1 = lookup(b, run_id)
    if run.reported_cost_usd:
        b.compare(s1, "run.reported_cost_usd", f"{run_id}'s reported cost")
    elif run.accelerator_hours_total and run.accelerator:
        cost = b.call(
            "training_cost",
            accelerator_hours=s1.ref("run.accelerator_hours_total.value"),
            accelerator=run.accelerator,
        )
        b.compare(cost, label=f"{run_id}'s hours at market rental prices")
    else:
        raise Unplannable(f"{run_id} has no reported cost or accelerator-hours")
    if run.cost_basis:
        b.caveats.append(run.cost_basis)
    final_run = "final" in (run.cost_basis or "")
    s, e = b.cand.sentence
    others = {m.key for m in b.ctx.starting(s, e) if is_run(m)} - {run_id}
    orgs = [m for m in b.ctx.within(s, e, "org") if m.key not in run.organisation.lower()]
    if final_run and _WHOLE.search(b.segment_text()):
        b.frame("rental_vs_total", "the figure is the rental cost of the final run only")
    elif final_run and b.has("versus") and (others or orgs or _INDUSTRY.search(b.sentence)):
        b.frame(
            "rental_vs_total",
            "a final run's rental cost is set against other labs' total spending",
        )


# What a single lab's run is set against when no other lab is named.
_INDUSTRY = re.compile(
    r"\bindustry\b|\btraditional\b|\bcompetitors?\b|\brivals?\b|\bincumbents?\b"
    r"|\bother (?:labs|companies|models)\b|\bBig Tech\b",
    re.I,
)


def _cost_ratio(b: Builder) -> None:
    """Compare a cost ratio between runs, by 6ND where both disclose it, else by reported cost."""
    named = sentence_runs(b)
    models = list(dict.fromkeys(m.key for m in named))
    for m in named:
        b.ground(m.text, m.key, "named")
    if len(models) == 1:
        # "the run cost far less than GPT-4": the other side refers back to the one run of the
        # sentence before.
        referred = referred_run(b)
        if referred and referred not in models:
            models.insert(0, referred)
    if len(models) < 2:
        raise Unplannable("a cost ratio needs two models with reported figures")
    base, others = models[0], models[1:]
    below_one = b.below_one()
    looked = {m: lookup(b, m) for m in [base, *others]}
    for other in others:
        try:
            a, c = six_nd(b, base, looked[base]), six_nd(b, other, looked[other])
            what = "6ND compute"
            sizes = (_nd(base), _nd(other))
        except Unplannable:
            a, c = _cost_of(b, base, looked[base]), _cost_of(b, other, looked[other])
            what = "cost"
            sizes = (_cost(base), _cost(other))
        # A ratio is stated either way round ("1/10th the cost", "10x cheaper").
        swap = bool(sizes[0] and sizes[1]) and (sizes[0] / sizes[1] < 1) != below_one
        num, den = (c, a) if swap else (a, c)
        first, second = (other, base) if swap else (base, other)
        ratio = b.calc("x1 / x2", x1=num, x2=den)
        b.compare(ratio, label=f"{first} / {second} {what}", unit="ratio")


def _nd(run_id: str) -> float:
    run = record(run_id)
    params = run.active_params or run.total_params
    return params.mid() * run.tokens.mid() if params and run.tokens else 0.0


def _cost(run_id: str) -> float:
    run = record(run_id)
    if run.reported_cost_usd:
        return run.reported_cost_usd.mid()
    return run.accelerator_hours_total.mid() if run.accelerator_hours_total else 0.0


def _cost_of(b: Builder, run_id: str, looked_up: Handle) -> Ref:
    run = record(run_id)
    if run.reported_cost_usd:
        return looked_up.ref("run.reported_cost_usd.value")
    if run.accelerator_hours_total and run.accelerator:
        return b.call(
            "training_cost",
            accelerator_hours=looked_up.ref("run.accelerator_hours_total.value"),
            accelerator=run.accelerator,
        ).ref()
    raise Unplannable(f"{run_id} has no reported cost or accelerator-hours")


def plan_params(b: Builder) -> None:
    """Compare a parameter count, or an MoE model's active share, with the run's figures."""
    hedged(b)
    run_id = run_subject(b)
    run = record(run_id)
    if not run.total_params:
        raise Unplannable(f"{run_id} did not disclose its parameter count")
    s1 = lookup(b, run_id)
    active = "run.active_params.value" if run.active_params else "run.total_params.value"
    total = "run.total_params.value"
    if b.cand.claimed.unit in {"percent", "ratio"}:
        unused = "inactive" in b.cand.cues
        share = b.calc("1 - x1 / x2" if unused else "x1 / x2", x1=s1.ref(active), x2=s1.ref(total))
        what = "share of parameters idle per token" if unused else "share active per token"
        b.compare(share, label=f"{run_id}'s {what}", unit="ratio")
        return
    qualifier = b.cand.qualifier or ""
    if qualifier != "total":
        b.compare(s1, "run.active_params", f"{run_id}'s active parameters")
    if qualifier != "active":
        b.compare(s1, "run.total_params", f"{run_id}'s total parameters")


def plan_tokens(b: Builder) -> None:
    """Compare a token count with the run's reported training tokens, or tokens per parameter
    ("40 tokens/parameter") with their ratio."""
    per_param = _PER_PARAM.match(b.text, b.cand.anchor[1]) is not None
    run_id = run_subject(b)
    run = record(run_id)
    if not run.tokens or (per_param and not run.total_params):
        raise Unplannable(f"{run_id} did not disclose its training tokens and parameters")
    s1 = lookup(b, run_id)
    if not per_param:
        b.compare(s1, "run.tokens", f"{run_id}'s reported training tokens")
        return
    claimed = b.cand.claimed
    b.claim_as(Amount(value=claimed.value, low=claimed.low, high=claimed.high, unit="ratio"))
    ratio = b.calc("x1 / x2", x1=s1.ref("run.tokens.value"), x2=s1.ref("run.total_params.value"))
    b.compare(ratio, label=f"{run_id}'s training tokens per parameter", unit="ratio")


_PER_PARAM = re.compile(r"\s*(?:/|per)\s*param(?:eter)?s?\b", re.I)


def plan_cluster(b: Builder) -> None:
    """Compare an accelerator count or a training duration with the run's reported figures."""
    hedged(b)
    run_id = run_subject(b)
    run = record(run_id)
    if b.cand.claimed.unit in _DURATIONS:
        _duration(b, run_id, run)
        return
    if not run.accelerator_count:
        raise Unplannable(f"{run_id} did not report its accelerator count")
    s1 = lookup(b, run_id)
    b.compare(
        s1, "run.accelerator_count", f"{run_id}'s reported {run.accelerator or 'accelerators'}"
    )


def _duration(b: Builder, run_id: str, run: TrainingRun) -> None:
    stages = [i for i, s in enumerate(run.accelerator_hours_stages) if s.stage == "pre-training"]
    stated = [
        q
        for q in b.cand.operands
        if q.kind == "count"
        and q.unit in _COUNTS
        and b.cand.sentence[0] <= q.start < b.cand.sentence[1]
    ]
    if not (stages or run.accelerator_hours_total) or not (stated or run.accelerator_count):
        raise Unplannable(f"{run_id} reported no hours and cluster size to derive a duration")
    s1 = lookup(b, run_id)
    hours = (
        s1.ref(f"run.accelerator_hours_stages.{stages[0]}.accelerator_hours")
        if stages
        else s1.ref("run.accelerator_hours_total.value")
    )
    count = stated[0].value if stated else s1.ref("run.accelerator_count.value")
    days = b.call("cluster_time", accelerator_count=count, accelerator_hours=hours)
    b.compare(days, label=f"{run_id}'s reported hours over its cluster")


def as_ratio(b: Builder, offset: float = 0.0) -> None:
    """Compare a percent claim as a ratio plus ``offset`` (an "85% lead" is 1.85).

    Args:
        b: the claim.
        offset: added to the fraction.
    """
    claimed = b.cand.claimed
    if claimed.unit != "percent" or not offset:
        return

    def convert(x: float | None) -> float | None:
        return None if x is None else offset + x / 100

    b.claim_as(
        Amount(
            value=convert(claimed.value),
            low=convert(claimed.low),
            high=convert(claimed.high),
            unit="ratio",
        )
    )


PLANS: dict[str, Callable[[Builder], None]] = {
    "gpu_hours": plan_gpu_hours,
    "training_cost": plan_training_cost,
    "params": plan_params,
    "tokens": plan_tokens,
    "cluster_time": plan_cluster,
}
