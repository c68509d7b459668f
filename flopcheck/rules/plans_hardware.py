"""Verification plans for hardware, precision, API price, energy and compute claims."""

from __future__ import annotations

import re
from typing import Any

from flopcheck.engine.report import Amount, Verdict
from flopcheck.rules.claimable import Claimable
from flopcheck.rules.plans import as_ratio
from flopcheck.rules.verify import Unverifiable, misleading
from flopcheck.tools import call
from flopcheck.tools.vocabulary import compared_precision, precision_bits

_BITS = precision_bits()
TOOL_PRECISION = compared_precision()


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
    ratio = c.oriented_ratio(watts[0], watts[1], claimed)
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


def _nearest_chip(c: Claimable) -> str | None:
    """Return the accelerator named closest to the figure ("the H100's 989 teraflops")."""
    start, end = c.cand.anchor
    mentions = c.ctx.within(*c.cand.sentence, "accelerator")
    if not mentions:
        return None
    # A chip before the figure is a little closer than one after: "H100's 989", "9 PF for B200".
    nearest = min(mentions, key=lambda m: start - m.end if m.end <= start else 2 * (m.start - end))
    return nearest.key


def _peak_claim(c: Claimable) -> Verdict:
    nearest = _nearest_chip(c)
    chips = [nearest] if nearest else chips_of(c)
    if not chips:
        raise Unverifiable("the claim names no accelerator")
    named = [TOOL_PRECISION.get(p, p) for p in precisions_of(c, local=True)]
    record = c.session.call("lookup_accelerator", {"name": chips[0]})["accelerator"]
    peaks = record["dense_peak_tflops"]
    # With no precision named, the figure may be any of the chip's peaks; BF16 is the default.
    order = named[:1] or ["bf16", "fp16", "fp8", "fp4", "tf32"]
    options = [(p, peaks[p]) for p in order if peaks.get(p) is not None]
    if not options:
        raise Unverifiable(f"{record['id']} has no {order[0].upper()} peak")
    verdicts = []
    for precision, peak in options:
        verdicts.append(
            (
                peak,
                c.session.judge(
                    c.cand.claimed,
                    Amount(value=c.session.convert(peak, "TFLOP/s", "FLOP/s"), unit="FLOP/s"),
                    c.spread,
                    f"{record['id']} dense {precision.upper()} peak is {peak:g} TFLOP/s.",
                ),
            )
        )
        if verdicts[-1][1].label == "supported":
            return verdicts[-1][1]
    dense, verdict = verdicts[0]
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


HARDWARE_PLANS = {
    "hardware_ratio": plan_hardware_ratio,
    "precision_speedup": plan_precision_speedup,
}
