"""Verification plans: for each claim kind, the tool calls that recompute it.

Each plan receives a :class:`Claimable` (the candidate, the article text and its context), calls
tools through a :class:`Session`, and returns a Verdict. Plans raise ``Unverifiable`` when the
article gives nothing to recompute; the dispatcher turns that into an ``unverifiable`` verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flopcheck.plugin.entities import ORG_DEFAULT_RUN, ArticleContext
from flopcheck.plugin.extract import Candidate
from flopcheck.plugin.models import Amount, Verdict
from flopcheck.plugin.verify import Session, Unverifiable, amount, misleading, rounding

_ANAPHOR = re.compile(r"\b(?:[Ii]t|[Ii]ts|[Ii]t’s|[Tt]hey|[Tt]heir|[Tt]he model)\b")
_GENERIC = re.compile(r"\ba (?:model|company|lab|frontier)\b|\bany\b|\btypical\b", re.I)
_SEGMENT_SEP = re.compile(r"\s*(?:[;:()\u2013\u2014]|,\s|\s-\s|\sand\s)\s*")
_HEDGE = re.compile(r"\brumou?red\b|\breportedly\b|\bis said to\b|\ballegedly\b|\bpossibly\b", re.I)
# Chips a company owns or has ordered are not a training run's cluster.
_HOLDINGS = re.compile(r"\b(?:have|has|own|owns|on order|stockpil\w*|bought|buys?)\b", re.I)
_WHOLE = re.compile(
    r"\bwhole\b|\bentire\b|\ball-in\b|\boverall\b|\bin total\b|\btotal (?:cost|spend)", re.I
)
_DURATIONS = {"days", "weeks", "months", "years", "hours"}


@dataclass
class Claimable:
    """What a plan needs: the candidate, the text, the context and a fresh session."""

    cand: Candidate
    text: str
    ctx: ArticleContext
    session: Session

    @property
    def sentence(self) -> str:
        """The sentence holding the claim."""
        return self.text[self.cand.sentence[0] : self.cand.sentence[1]]

    @property
    def spread(self) -> float:
        """The relative rounding of the claimed figure."""
        return rounding(self.cand.literal, self.cand.approx)

    @property
    def quote(self) -> str:
        """The claim's own clause."""
        return self.text[self.cand.start : self.cand.end]

    def has(self, *cues: str) -> bool:
        """Return whether the sentence has any of the named cue groups.

        Args:
            *cues: cue group names from ``extract._CUES``.
        """
        return any(c in self.cand.cues for c in cues)

    def models(self, start: int | None = None, end: int | None = None) -> list[str]:
        """Return the runs named in a span (default: the sentence), in order of mention.

        Args:
            start: span start.
            end: span end.
        """
        s = self.cand.sentence[0] if start is None else start
        e = self.cand.sentence[1] if end is None else end
        keys: list[str] = []
        for m in self.ctx.mentions:
            if not s <= m.start < e:
                continue
            key = m.key if m.kind == "model" else ORG_DEFAULT_RUN.get(m.key, "")
            if m.kind in ("model", "org") and key and key not in keys:
                keys.append(key)
        return keys

    def segment(self) -> tuple[int, int]:
        """Return the clause segment around the claimed figure (between separators)."""
        start, end = self.cand.sentence
        a_start, a_end = self.cand.anchor
        for sep in _SEGMENT_SEP.finditer(self.text, start, end):
            if sep.end() <= a_start:
                start = sep.end()
            elif sep.start() >= a_end:
                end = sep.start()
                break
        return start, end

    def nearest_model(self, start: int, end: int) -> str | None:
        """Return the run of the last model or organisation named in [start, end).

        Args:
            start: span start.
            end: span end.
        """
        for m in reversed(self.ctx.mentions):
            if start <= m.start < end:
                key = (
                    m.key
                    if m.kind == "model"
                    else ORG_DEFAULT_RUN.get(m.key)
                    if m.kind == "org"
                    else None
                )
                if key:
                    return key
        return None

    def subject_run(self) -> str:
        """Return the run the claim is about.

        The model named next to the figure (same clause segment); else, when the segment
        refers back ("their costs"), the first model of the sentence or the article's subject;
        else the nearest model before the figure; else the article's subject, unless the
        segment speaks of a model in general ("a model with hundreds of billions ...").
        """
        seg_start, seg_end = self.segment()
        a_start = self.cand.anchor[0]
        named = self.nearest_model(seg_start, a_start) or self.nearest_model(a_start, seg_end)
        if named:
            return named
        segment = self.text[seg_start:seg_end]
        if _ANAPHOR.search(segment):
            first = self.models(self.cand.sentence[0], seg_start)
            if first:
                return first[0]
            if self.ctx.subject:
                return self.ctx.subject
        before = self.nearest_model(self.cand.sentence[0], a_start)
        if before:
            return before
        if self.ctx.subject and not _GENERIC.search(segment):
            return self.ctx.subject
        raise Unverifiable("the claim names no model flopcheck has reported figures for")

    def run(self, model: str) -> dict[str, Any]:
        """Look up a training run through the tools and return its record.

        Args:
            model: the model name.
        """
        result: dict[str, Any] = self.session.call("lookup_training_run", {"model": model})["run"]
        return result


_FORECAST = re.compile(
    r"\bwill\b|\bby 20[2-9]\d\b|\bexpects?\b|\bodds\b|\bforecast|\bpredict|\bnext generation",
    re.I,
)
_POSSESSIVE = re.compile(r"\b([A-Z][A-Za-z]+)['’]s\b")


def screen(c: Claimable) -> None:
    """Give up early on claims with nothing to recompute: forecasts, rumours, unknown actors.

    Args:
        c: the claim.
    """
    segment = c.text[slice(*c.segment())]
    if _FORECAST.search(segment):
        raise Unverifiable("a forecast: there is nothing yet to recompute")
    if _HEDGE.search(c.quote) and c.cand.kind != "arithmetic":
        raise Unverifiable("the article itself presents this figure as a rumour or hearsay")
    counts = c.cand.claimed.unit in {"GPUs", "accelerators"}
    if c.cand.kind == "cluster_time" and counts and _HOLDINGS.search(segment):
        raise Unverifiable("accelerators a company holds are not disclosed training figures")
    known = {m.text.removesuffix("’s").removesuffix("'s") for m in c.ctx.mentions}
    for m in _POSSESSIVE.finditer(segment):
        if m.group(1) not in known and m.group(1) not in {"It", "That", "This", "Today"}:
            raise Unverifiable(f"flopcheck has no figures for {m.group(1)}")


def _figure(run: dict[str, Any], key: str) -> float | None:
    fig = run.get(key)
    return float(fig["value"]) if fig else None


def _hedged(c: Claimable, run: dict[str, Any]) -> None:
    if run["disclosure"] == "rumour":
        raise Unverifiable(
            f"{run['id']}'s figures are not disclosed; the only ones about are rumours, which "
            "cannot be recomputed"
        )
    if _HEDGE.search(c.quote):
        raise Unverifiable("the article itself presents this figure as a rumour or a claim")


def plan_gpu_hours(c: Claimable) -> Verdict:
    """Check accelerator-hours against the run's reported stages, else recompute from 6ND."""
    run = c.run(c.subject_run())
    _hedged(c, run)
    stages = {s["stage"]: float(s["accelerator_hours"]) for s in run["accelerator_hours_stages"]}
    total = _figure(run, "accelerator_hours_total")
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
    cost = _figure(run, "reported_cost_usd")
    hours = _figure(run, "accelerator_hours_total")
    if cost and hours:
        price = cost / hours
        result = c.session.call(
            "training_cost", {"gpu_hours": hours, "price_usd_per_gpu_hour": round(price, 4)}
        )
        return amount(result)
    if cost:
        return Amount(value=cost, unit="USD")
    if hours and run.get("accelerator"):
        return amount(
            c.session.call("training_cost", {"gpu_hours": hours, "accelerator": run["accelerator"]})
        )
    raise Unverifiable(f"{run['id']} has no reported cost or accelerator-hours")


def plan_training_cost(c: Claimable) -> Verdict:
    """Check a cost against the run's reported hours x price; flag one-run-vs-total framing."""
    if "capex" in c.sentence.lower():
        raise Unverifiable("capital spending is not disclosed; flopcheck computes rental cost only")
    if c.cand.claimed.unit in {"percent", "ratio", "x"}:
        return _cost_ratio(c)
    if c.has("counterfactual"):
        from flopcheck.plugin.plans_hardware import counterfactual_cost

        return counterfactual_cost(c)
    run = c.run(c.subject_run())
    if _HEDGE.search(c.quote) and run["disclosure"] == "primary":
        raise Unverifiable("the article itself presents this figure as a rumour or a claim")
    computed = _usd_cost(c, run)
    basis = run.get("cost_basis") or "estimate"
    verdict = c.session.judge(
        c.cand.claimed,
        computed,
        c.spread,
        f"{run['id']}: reported {basis}; recomputed ${computed.value or 0:,.0f}.",
        caveats=[basis],
        confidence=0.9 if run["disclosure"] == "primary" else 0.6,
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
    claimed = _as_ratio(c.cand.claimed)
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
        flop_a, flop_b = _compute(c, c.run(a)), _compute(c, c.run(b))
        return c.session.calc(f"{flop_a!r} / {flop_b!r}")
    except Unverifiable:
        cost_a, cost_b = run_cost(c, a), run_cost(c, b)
        return c.session.calc(f"{cost_a!r} / {cost_b!r}")


def _compute(c: Claimable, run: dict[str, Any]) -> float:
    active, tokens = _figure(run, "params_active"), _figure(run, "tokens")
    if not active or not tokens:
        raise Unverifiable(f"{run['id']} has no disclosed parameters and tokens")
    result = c.session.call("training_compute", {"active_params": active, "tokens": tokens})
    return float(result["value"]["mid"])


def _as_ratio(claimed: Amount) -> Amount:
    if claimed.unit != "percent":
        return claimed
    scale = 0.01
    return Amount(
        value=None if claimed.value is None else claimed.value * scale,
        low=None if claimed.low is None else claimed.low * scale,
        high=None if claimed.high is None else claimed.high * scale,
        unit="ratio",
    )


def plan_params(c: Claimable) -> Verdict:
    """Check a parameter count, or an active share of an MoE model, against the run's figures."""
    run = c.run(c.subject_run())
    _hedged(c, run)
    total, active = _figure(run, "params_total"), _figure(run, "params_active")
    if not total:
        raise Unverifiable(f"{run['id']} did not disclose its parameter count")
    active = active or total
    if c.cand.claimed.unit in {"percent", "ratio"}:
        unused = "inactive" in c.cand.cues
        share = c.session.calc(
            f"1 - {active!r} / {total!r}" if unused else f"{active!r} / {total!r}"
        )
        return c.session.judge(
            _as_ratio(c.cand.claimed),
            Amount(value=share, unit="ratio"),
            c.spread,
            f"{run['id']}: {active:.3g} active of {total:.3g} total parameters, so "
            f"{share:.1%} {'sit idle' if unused else 'work'} per token.",
        )
    claimed = c.cand.claimed.value or 0.0
    qualifier = c.cand.qualifier or ""
    figure = (
        active
        if qualifier == "active"
        else total
        if qualifier == "total"
        else min((active, total), key=lambda x: abs(x - claimed))
    )
    which = "active" if figure == active and active != total else "total"
    return c.session.judge(
        c.cand.claimed,
        Amount(value=figure, unit="params"),
        c.spread,
        f"{run['id']} reported {figure:.4g} {which} parameters.",
    )


def plan_tokens(c: Claimable) -> Verdict:
    """Check a token count against the run's reported training tokens."""
    run = c.run(c.subject_run())
    tokens = _figure(run, "tokens")
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
    _hedged(c, run)
    count = _figure(run, "accelerator_count")
    if c.cand.claimed.unit in _DURATIONS:
        hours = _figure(run, "accelerator_hours_total")
        stages = {s["stage"]: s["accelerator_hours"] for s in run["accelerator_hours_stages"]}
        hours = float(stages.get("pre-training", hours or 0.0))
        if not hours or not count:
            raise Unverifiable(
                f"{run['id']} reported no hours and cluster size to derive a duration"
            )
        days = c.session.call("cluster_time", {"gpus": count, "gpu_hours": hours})["value"]["mid"]
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
