"""Verification plans: for each claim kind, the tool calls that recompute it.

Each plan receives a :class:`Claimable` (the candidate, the article text and its context), calls
tools through a :class:`Session`, and returns a Verdict. Plans raise ``Unverifiable`` when the
article gives nothing to recompute; the dispatcher turns that into an ``unverifiable`` verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flopcheck.engine.report import Amount, Verdict
from flopcheck.rules.claimable import HEDGE, Claimable
from flopcheck.rules.verify import Unverifiable, amount, misleading
from flopcheck.tools.runs import headline_tier

_WHOLE = re.compile(
    r"\bwhole\b|\bentire\b|\ball-in\b|\boverall\b|\bin total\b|\btotal (?:cost|spend)", re.I
)
_COUNTS = {"GPUs", "accelerators"}
_DURATIONS = {"days", "weeks", "months", "years", "hours"}


def figure(run: dict[str, Any], key: str) -> float | None:
    fig = run.get(key)
    return float(fig["value"]) if fig else None


def check_disclosure(c: Claimable, run: dict[str, Any]) -> None:
    if headline_tier(run) != "disclosed":
        raise Unverifiable(
            f"{run['id']}'s figures are not disclosed; the only ones about are third-party "
            "estimates or rumours, which cannot be recomputed"
        )
    if HEDGE.search(c.quote):
        raise Unverifiable("the article itself presents this figure as a rumour or a claim")


def plan_gpu_hours(c: Claimable) -> Verdict:
    """Check accelerator-hours against the run's reported stages, else recompute from 6ND."""
    run = c.run(c.subject_run())
    check_disclosure(c, run)
    hypothetical = _at_utilisation(c, run)
    if hypothetical is not None:
        return hypothetical
    stages = {s["stage"]: float(s["accelerator_hours"]) for s in run["accelerator_hours_stages"]}
    total = figure(run, "accelerator_hours_total")
    claimed = c.cand.claimed.value or 0.0
    sentence = c.quote.lower()
    options = dict(stages)
    if total:
        options["total"] = total
    if not options:
        raise Unverifiable(f"{run['id']} reported no accelerator-hours")
    if "pre-train" in sentence and "including" not in sentence and "pre-training" in options:
        stage = "pre-training"
    elif "total" in options and ("including" in sentence or "total" in sentence):
        stage = "total"
    else:
        stage = min(options, key=lambda k: abs(options[k] - claimed))
    hours = options[stage]
    verdict = c.session.judge(
        c.cand.claimed,
        Amount(value=hours, unit="GPU-hours"),
        c.spread,
        f"{run['id']} reported {hours:,.0f} {stage} accelerator-hours.",
    )
    return _across_generations(c, run, verdict)


def _at_utilisation(c: Claimable, run: dict[str, Any]) -> Verdict | None:
    """Recompute "at 40% utilisation on H100s, that job would take ... hours" with gpu_hours."""
    s, e = c.cand.sentence
    mfu = [
        q
        for q in c.cand.operands
        if q.kind == "percent" and s <= q.start < e and "utili" in c.text[q.end : q.end + 16]
    ]
    chips = c.ctx.within(s, e, "accelerator")
    if not mfu or not chips:
        return None
    flop = figure(run, "training_compute_flop") or compute_flop(c, run)
    mfu_fraction = c.session.convert(mfu[0].value, "percent", "ratio")
    result = c.session.call(
        "accelerator_hours", {"flop": flop, "accelerator": chips[0].key, "mfu": mfu_fraction}
    )
    return c.session.judge(
        c.cand.claimed, amount(result), c.spread, f"{run['id']}: {result['formula']}."
    )


def _across_generations(c: Claimable, run: dict[str, Any], verdict: Verdict) -> Verdict:
    """Flag accelerator-hours compared across hardware generations as misleading."""
    if not c.has("versus", "gain") or not run.get("accelerator"):
        return verdict
    mine = c.session.call("lookup_accelerator", {"name": run["accelerator"]})["accelerator"]
    for model in c.models():
        other = c.run(model).get("accelerator")
        if model == run["id"] or not other:
            continue
        theirs = c.session.call("lookup_accelerator", {"name": other})["accelerator"]
        if theirs["architecture"] != mine["architecture"]:
            return misleading(
                verdict,
                "different hardware generations",
                f"an {mine['architecture']} hour and an {theirs['architecture']} hour are not the "
                "same amount of compute.",
            )
    return verdict


def _usd_cost(c: Claimable, run: dict[str, Any]) -> Amount:
    cost = figure(run, "reported_cost_usd")
    hours = figure(run, "accelerator_hours_total")
    if cost and hours:
        price = cost / hours
        result = c.session.call(
            "training_cost",
            {"accelerator_hours": hours, "usd_per_accelerator_hour": round(price, 4)},
        )
        return amount(result)
    if cost:
        return Amount(value=cost, unit="USD")
    if hours and run.get("accelerator"):
        return amount(
            c.session.call(
                "training_cost", {"accelerator_hours": hours, "accelerator": run["accelerator"]}
            )
        )
    raise Unverifiable(f"{run['id']} has no reported cost or accelerator-hours")


def plan_training_cost(c: Claimable) -> Verdict:
    """Check a cost against the run's reported hours x price; flag one-run-vs-total framing."""
    if "capex" in c.sentence.lower():
        raise Unverifiable("capital spending is not disclosed; flopcheck computes rental cost only")
    if c.cand.claimed.unit in {"percent", "ratio", "x"}:
        return _cost_ratio(c)
    if c.has("counterfactual"):
        from flopcheck.rules.plans_written import counterfactual_cost

        return counterfactual_cost(c)
    run = c.run(c.subject_run())
    if HEDGE.search(c.quote) and headline_tier(run) == "disclosed":
        raise Unverifiable("the article itself presents this figure as a rumour or a claim")
    computed = _usd_cost(c, run)
    basis = run.get("cost_basis") or "estimate"
    verdict = c.session.judge(
        c.cand.claimed,
        computed,
        c.spread,
        f"{run['id']}: reported {basis}; recomputed ${computed.value or 0:,.0f}.",
        caveats=[basis],
        confidence=0.9 if headline_tier(run) == "disclosed" else 0.6,
    )
    if _WHOLE.search(c.text[slice(*c.segment())]) and "final" in (run.get("cost_basis") or ""):
        return misleading(
            verdict,
            "rental cost of one run vs total spend",
            "the figure is the rental cost of the final training run only, not the whole effort.",
        )
    others = [m for m in c.models() if m != run["id"]]
    if c.has("versus") and others:
        return misleading(
            verdict,
            "rental cost of one run vs total spend",
            "the figure is the rental cost of a final training run, compared with other labs' "
            "total spending.",
        )
    return verdict


def run_cost(c: Claimable, model: str) -> float:
    """Return a run's cost in USD: reported, or its hours at the market price.

    Args:
        c: the claim being checked.
        model: the model name.
    """
    return _usd_cost(c, c.run(model)).value or 0.0


def _cost_ratio(c: Claimable) -> Verdict:
    models = c.models()
    subject = c.ctx.subject
    if subject and subject not in models:
        models.insert(0, subject)
    if len(models) < 2:
        raise Unverifiable("a cost ratio needs two models with reported figures")
    claimed = as_ratio(c, c.cand.claimed)
    base, others = models[0], models[1:]
    ratios = []
    for other in others:
        try:
            ratios.append((_pair_ratio(c, other, base), other))
        except Unverifiable:
            continue
    if not ratios:
        raise Unverifiable("none of the compared models has a reported cost")
    if (claimed.value or 0) < 1:
        ratios = [(c.session.calc(f"1 / {r!r}"), m) for r, m in ratios]
    values = sorted(r for r, _ in ratios)
    named = ", ".join(f"{m} {r:.3g}x" for r, m in ratios)
    return c.session.judge(
        claimed,
        Amount(value=values[len(values) // 2], low=values[0], high=values[-1], unit="ratio"),
        c.spread,
        f"cost ratios against {base}: {named}.",
        caveats=[
            "cost taken as proportional to 6ND where both runs disclose parameters and "
            "tokens; otherwise final-run rental costs, estimates where undisclosed"
        ],
    )


def _pair_ratio(c: Claimable, a: str, b: str) -> float:
    """Return cost(a) / cost(b): by 6ND when both runs disclose it, else by rental cost."""
    try:
        flop_a, flop_b = compute_flop(c, c.run(a)), compute_flop(c, c.run(b))
        return c.session.calc(f"{flop_a!r} / {flop_b!r}")
    except Unverifiable:
        cost_a, cost_b = run_cost(c, a), run_cost(c, b)
        return c.session.calc(f"{cost_a!r} / {cost_b!r}")


def compute_flop(c: Claimable, run: dict[str, Any]) -> float:
    active, tokens = figure(run, "active_params"), figure(run, "tokens")
    if not active or not tokens:
        raise Unverifiable(f"{run['id']} has no disclosed parameters and tokens")
    result = c.session.call("training_compute", {"active_params": active, "tokens": tokens})
    return float(result["value"]["mid"])


def as_ratio(c: Claimable, claimed: Amount, offset: float = 0.0) -> Amount:
    """Return a percent claim as a ratio (plus ``offset``: a "85% lead" is 1.85), via the tools.

    Args:
        c: the claim being checked (its session records the conversions).
        claimed: the claimed amount.
        offset: added to each converted figure.
    """
    if claimed.unit != "percent":
        return claimed

    def convert(x: float | None) -> float | None:
        if x is None:
            return None
        ratio = c.session.convert(x, "percent", "ratio")
        return c.session.calc(f"{offset!r} + {ratio!r}") if offset else ratio

    return Amount(
        value=convert(claimed.value),
        low=convert(claimed.low),
        high=convert(claimed.high),
        unit="ratio",
    )


def plan_params(c: Claimable) -> Verdict:
    """Check a parameter count, or an active share of an MoE model, against the run's figures."""
    run = c.run(c.subject_run())
    check_disclosure(c, run)
    total, active = figure(run, "total_params"), figure(run, "active_params")
    if not total:
        raise Unverifiable(f"{run['id']} did not disclose its parameter count")
    active = active or total
    if c.cand.claimed.unit in {"percent", "ratio"}:
        unused = "inactive" in c.cand.cues
        share = c.session.calc(
            f"1 - {active!r} / {total!r}" if unused else f"{active!r} / {total!r}"
        )
        return c.session.judge(
            as_ratio(c, c.cand.claimed),
            Amount(value=share, unit="ratio"),
            c.spread,
            f"{run['id']}: {active:.3g} active of {total:.3g} total parameters, so "
            f"{share:.1%} {'sit idle' if unused else 'work'} per token.",
        )
    claimed = c.cand.claimed.value or 0.0
    qualifier = c.cand.qualifier or ""
    chosen = (
        active
        if qualifier == "active"
        else total
        if qualifier == "total"
        else min((active, total), key=lambda x: abs(x - claimed))
    )
    which = "active" if chosen == active and active != total else "total"
    return c.session.judge(
        c.cand.claimed,
        Amount(value=chosen, unit="params"),
        c.spread,
        f"{run['id']} reported {chosen:.4g} {which} parameters.",
    )


def plan_tokens(c: Claimable) -> Verdict:
    """Check a token count against the run's reported training tokens."""
    run = c.run(c.subject_run())
    tokens = figure(run, "tokens")
    if not tokens:
        raise Unverifiable(f"{run['id']} did not disclose its training tokens")
    return c.session.judge(
        c.cand.claimed,
        Amount(value=tokens, unit="tokens"),
        c.spread,
        f"{run['id']} reported {tokens:.4g} training tokens.",
    )


def plan_cluster(c: Claimable) -> Verdict:
    """Check an accelerator count or a training duration against the run's reported figures."""
    run = c.run(c.subject_run())
    check_disclosure(c, run)
    count = figure(run, "accelerator_count")
    if c.cand.claimed.unit in _DURATIONS:
        hours = figure(run, "accelerator_hours_total")
        stages = {s["stage"]: s["accelerator_hours"] for s in run["accelerator_hours_stages"]}
        hours = float(stages.get("pre-training", hours or 0.0))
        # "At 100,000 H100s the job would finish in ..." states its own cluster size.
        stated = [q for q in c.cand.operands if q.kind == "count" and q.unit in _COUNTS]
        in_sentence = [q for q in stated if c.cand.sentence[0] <= q.start < c.cand.sentence[1]]
        if in_sentence:
            count = in_sentence[0].value
        if not hours or not count:
            raise Unverifiable(
                f"{run['id']} reported no hours and cluster size to derive a duration"
            )
        days = c.session.call(
            "cluster_time", {"accelerator_count": count, "accelerator_hours": hours}
        )["value"]["mid"]
        return c.session.judge(
            c.cand.claimed,
            Amount(
                value=c.session.convert(days, "days", c.cand.claimed.unit), unit=c.cand.claimed.unit
            ),
            c.spread,
            f"{hours:,.0f} accelerator-hours / {count:,.0f} accelerators = {days:.1f} days.",
        )
    if not count:
        raise Unverifiable(f"{run['id']} did not report its accelerator count")
    return c.session.judge(
        c.cand.claimed,
        Amount(value=count, unit="GPUs"),
        c.spread,
        f"{run['id']} reported {count:,.0f} {run.get('accelerator') or 'accelerators'}.",
    )


PLANS: dict[str, Callable[[Claimable], Verdict]] = {
    "gpu_hours": plan_gpu_hours,
    "training_cost": plan_training_cost,
    "params": plan_params,
    "tokens": plan_tokens,
    "cluster_time": plan_cluster,
}
