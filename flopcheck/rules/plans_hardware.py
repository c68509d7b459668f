"""Plans for hardware claims: a chip's peak, chip-vs-chip ratios, precision speed-ups.

Like is compared with like: dense peaks at the precision the claim names (or each of the chip's
peaks, when it names none). The unlike readings a writer may have used (another precision on one
side, a vendor's "with sparsity" figure) are diagnostic figures: a claim that matches only one of
them is misleading, or refuted when a sparse figure is stated as the chip's throughput.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flopcheck.engine.program import Ref
from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.rules.grounding import ANAPHOR, is_run, previous_sentence_start
from flopcheck.rules.plans_runs import as_ratio, record
from flopcheck.tools.names import resolve_accelerator
from flopcheck.tools.tables import (
    Accelerator,
    Speedup,
    accelerators,
    measured_speedups,
    vendor_claims,
)
from flopcheck.tools.units import convert
from flopcheck.tools.vocabulary import precision_bits

_BITS = precision_bits()
_PEAKS = ("bf16", "fp16", "fp8", "fp4", "tf32", "fp64")
_GAIN = re.compile(r"\s*(?:lead|more|faster|higher|increase|better|boost|jump|gain|advantage)")
_SPARSE = re.compile(r"\bsparse|\bsparsity", re.I)
_DENSE = re.compile(r"\bdense\b", re.I)
_POWER = re.compile(r"\bwatts?\b|\bpower draw|\bTDP\b", re.I)
SYSTEM = re.compile(
    r"\b(?:node|server|rack|pod|cluster|system|superchip|supercomputer|DGX|HGX|NVL\d+|"
    r"machine|box)\b",
    re.I,
)
PER_CHIP = re.compile(
    r"\b(?:each|every|per|a single|one) (?:\w+ )?(?:GPU|chip|accelerator)\b", re.I
)
_GAINS = re.compile(r"\bgains?\b|\bspeed-?ups?\b|\bjumps?\b|\bleaps?\b|\bfaster\b", re.I)
# A speed claim (not a peak): measured speedups and vendor claims apply.
_SPEED = re.compile(
    r"\bfaster\b|\bspeed|\bthroughput\b|\btraining\b|\binference\b|\btokens? per second",
    re.I,
)
_INFERENCE = re.compile(r"\binference|\bserving\b|\btokens? per second", re.I)
# "they only use 400 TFLOP/s", "could get 800": what a run achieves, not a datasheet peak.
_REALISED = re.compile(
    r"\b(?:uses?|used|get|gets|got|achiev\w*|sustain\w*|extract\w*|effective|in practice)"
    r"\b(?! (?:FP|BF|TF|INT|float|bfloat)\d)",
    re.I,
)
_PEAK_WORDS = re.compile(r"\bpeak|\bspec|\brated\b|\btheoretical|\bdatasheet|\bmax", re.I)
_SAME = re.compile(
    r"\bthe same (?:chips?|gpus?|hardware|accelerators?)\b|\bthese (?:chips|gpus)\b", re.I
)


def chip(key: str) -> Accelerator:
    """Return an accelerator's data record (to plan with, never as a figure).

    Args:
        key: an accelerator id or name.
    """
    return resolve_accelerator(key).record


def chips_of(b: Builder) -> list[str]:
    """Ground the accelerators a claim is about and return their ids: those its sentence names,
    then those of the runs its sentence names; else those of the sentence before, when the claim
    refers back to them."""
    s, e = b.cand.sentence
    keys: list[str] = []
    for m in b.ctx.within(s, e, "accelerator"):
        if m.key not in keys:
            keys.append(m.key)
            b.ground(m.text, m.key, "named")
    just_before = b.ctx.within(previous_sentence_start(b), s, "accelerator")
    if not keys and _GAINS.search(b.sentence) and len({m.key for m in just_before}) == 2:
        # "Gains reach 4x" right after a sentence setting two chips side by side: those chips
        # (a model named here, "for models like GPT-3", is the workload, not the hardware).
        for m in just_before:
            if m.key not in keys:
                keys.append(m.key)
                b.ground(m.text, m.key, "anaphor")
        return keys
    for m in b.ctx.starting(s, e):
        if is_run(m):
            run_chip = record(m.key).accelerator
            if run_chip and run_chip not in keys and len(keys) < 2:
                keys.append(run_chip)
                b.ground(m.text, run_chip, "named")
    if len(keys) == 1:
        # "30% more than the MI300X": the other side of a comparison with one named chip is the
        # one chip the sentence before names.
        before = {m.key for m in b.ctx.within(previous_sentence_start(b), s, "accelerator")}
        before.discard(keys[0])
        if len(before) == 1:
            other = next(m for m in b.ctx.before(s, "accelerator", 600) if m.key in before)
            keys.append(other.key)
            b.ground(other.text, other.key, "anaphor")
    if len(keys) < 2 and (ANAPHOR.search(b.segment_text()) or _SAME.search(b.sentence)):
        for m in b.ctx.before(s, "accelerator", limit=300):
            if m.key not in keys:
                keys.append(m.key)
                b.ground(m.text, m.key, "anaphor")
            if len(keys) >= 2:
                break
        if not keys:
            for m in b.ctx.before(s, "model", limit=300):
                run_chip = record(m.key).accelerator if is_run(m) else None
                if run_chip:
                    keys.append(run_chip)
                    b.ground(m.text, run_chip, "anaphor")
                    break
    return keys


def precisions_of(b: Builder, local: bool = False) -> list[str]:
    """Return the precisions named in the claim's sentence (or only its clause segment).

    Args:
        b: the claim.
        local: only the clause segment around the figure.
    """
    s, e = b.segment() if local else b.cand.sentence
    keys: list[str] = []
    for m in b.ctx.within(s, e, "precision"):
        if m.key in _BITS and m.key not in keys:
            keys.append(m.key)
    return keys


def _peak(key: str, precision: str) -> float | None:
    value: float | None = getattr(chip(key).dense_peak_tflops, precision, None)
    return value


def _ratio_claimed(b: Builder) -> None:
    """Read "85% lead" as 1.85x, "25%" as 0.25."""
    after = b.text[b.cand.anchor[1] : b.cand.anchor[1] + 30]
    as_ratio(b, offset=1.0 if _GAIN.match(after) else 0.0)


def plan_hardware_ratio(b: Builder) -> None:
    """Compare a chip-vs-chip ratio (or a chip's peak) with datasheet dense peaks."""
    if b.cand.claimed.unit == "FLOP/s":
        _peak_claim(b)
        return
    chips = chips_of(b)
    if len(chips) < 2:
        raise Unplannable("a hardware ratio needs two accelerators the claim names")
    _ratio_claimed(b)
    if _PER_WATT.search(b.segment_text()):
        _efficiency_ratio(b, chips)
        return
    if _about_power(b):
        _power_ratio(b, chips)
        return
    named = precisions_of(b, local=True)
    precision = named[0] if named else "bf16"
    if precision not in _PEAKS:
        raise Unplannable(f"flopcheck has no {precision.upper()} peaks to compare")
    a, c = chips[0], chips[1]
    low_claim = b.below_one()
    if _peak(a, precision) is None or _peak(c, precision) is None:
        # "A100s in BF16 ... 7 times less than ... FP8 from an H100": the A100 has no FP8, so
        # the like-for-like ratio is at the sentence's other precision, and the claim's own
        # reading is diagnosed as different precisions.
        shared = [p for p in precisions_of(b) if p in _PEAKS and _peak(a, p) and _peak(c, p)]
        if not shared:
            raise Unplannable(f"one of the chips has no {precision.upper()} peak")
        precision, named = shared[0], []
    pa, pc = _peak(a, precision) or 0.0, _peak(c, precision) or 1.0
    if (pa / pc < 1) != low_claim:
        a, c = c, a
    same = b.call("compare_accelerators", a=a, b=c, precision_a=precision, precision_b=precision)
    b.compare(same, label=f"dense {precision.upper()} peak ratio")
    if len(named) < 2:
        _unlike_readings(b, a, c, precision)
    if _SPEED.search(b.sentence) and not low_claim:
        _speedups(b, a, c)


def _speedups(b: Builder, faster: str, slower: str) -> None:
    """Compare a speed claim with measured speedups and vendors' claims of the same kind; a
    vendor's cluster-scale best case matches only as itself, misleading unless the sentence
    names the workload it holds for."""
    kind = "inference" if _INFERENCE.search(b.sentence) else "training"
    measured = _pair_rows(measured_speedups(), faster, slower, kind)
    claims = _pair_rows(vendor_claims(), faster, slower, kind)
    if not measured and not claims:
        return
    looked = b.call("lookup_speedup", a=faster, b=slower, kind=kind)
    for i, row in enumerate(measured):
        b.compare(looked, f"measured.{i}", f"measured: {row.workload}")
    for i, row in enumerate(claims):
        if row.per_accelerator:
            continue
        b.compare(looked, f"vendor_claims.{i}", f"vendor's best case: '{row.claim}'")
        if not _names_workload(b.sentence, row.workload):
            b.frame(
                "vendor_best_case",
                f"'{row.claim}' holds for {row.workload} on {row.scope}, not chip for chip",
            )


def _pair_rows(rows: tuple[Speedup, ...], faster: str, slower: str, kind: str) -> list[Speedup]:
    # The tool's own selection, to plan which of its rows to compare with.
    return [r for r in rows if (r.faster, r.slower) == (faster, slower) and r.kind == kind]


def _names_workload(sentence: str, workload: str) -> bool:
    """Whether the sentence names the workload a vendor claim holds for ("GPT-3", "MoE")."""
    names = re.findall(r"[A-Z][\w.-]*\d[\w.-]*|\b[A-Z]{2,}\b", workload)
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", sentence) for n in names)


def _unlike_readings(b: Builder, a: str, c: str, precision: str) -> None:
    """Diagnose cross-precision and sparse-vs-dense readings of a chip ratio."""
    for low in ("fp8", "fp4"):
        if low == precision or _peak(a, low) is None:
            continue
        cross = b.call("compare_accelerators", a=a, b=c, precision_a=low, precision_b=precision)
        b.diagnose(
            cross,
            "value",
            "cross_precision",
            f"{a} at {low.upper()} against {c} at {precision.upper()}",
        )
    multiplier = chip(a).sparse_multiplier
    if multiplier:
        looked = b.call("lookup_accelerator", accelerator=a)
        for p in ("fp8", "fp4", precision):
            if _peak(a, p) is None or _peak(c, precision) is None:
                continue
            sparse = b.calc(
                "x1 * x2 / x3",
                x1=looked.ref(f"accelerator.dense_peak_tflops.{p}"),
                x2=looked.ref("accelerator.sparse_multiplier"),
                x3=_dense_ref(b, c, precision),
            )
            b.diagnose(
                sparse,
                "value",
                "sparse_as_dense",
                f"{a}'s 'with sparsity' {p.upper()} figure against {c}'s dense {precision.upper()}",
                unit="ratio",
            )
            break


def _dense_ref(b: Builder, key: str, precision: str) -> Ref:
    looked = b.call("lookup_accelerator", accelerator=key)
    return looked.ref(f"accelerator.dense_peak_tflops.{precision}")


_PER_WATT = re.compile(r"\bper watt\b|\bperf(?:ormance)?/W\b|\befficiency\b", re.I)


def _efficiency_ratio(b: Builder, chips: list[str]) -> None:
    """Compare a ratio of performance per watt: dense peak over TDP, chip against chip, at the
    precision the sentence names; the first chip's 'with sparsity' figure over the second's
    dense one is diagnosed."""
    named = precisions_of(b)
    precision = named[0] if named else "bf16"
    a, c = chips[0], chips[1]
    if any(_peak(k, precision) is None or chip(k).tdp_w is None for k in (a, c)):
        raise Unplannable(f"a {precision.upper()} peak or a TDP is not published for a chip")
    efficiency = {k: (_peak(k, precision) or 0) / (chip(k).tdp_w or 1) for k in (a, c)}
    if (efficiency[a] < efficiency[c]) != b.below_one():
        a, c = c, a
    first = b.call("lookup_accelerator", accelerator=a)
    second = b.call("lookup_accelerator", accelerator=c)
    peak = f"accelerator.dense_peak_tflops.{precision}"
    per_watt_c = b.calc("x1 / x2", x1=second.ref(peak), x2=second.ref("accelerator.tdp_w"))
    per_watt_a = b.calc("x1 / x2", x1=first.ref(peak), x2=first.ref("accelerator.tdp_w"))
    ratio = b.calc("x1 / x2", x1=per_watt_a.ref(), x2=per_watt_c.ref())
    label = f"dense {precision.upper()} peak per watt of TDP, {a} / {c}"
    b.compare(ratio, label=label, unit="ratio")
    if chip(a).sparse_multiplier:
        sparse = b.calc(
            "x1 * x2 / x3",
            x1=per_watt_a.ref(),
            x2=first.ref("accelerator.sparse_multiplier"),
            x3=per_watt_c.ref(),
        )
        label = f"{a}'s 'with sparsity' {precision.upper()} per watt against {c}'s dense"
        b.diagnose(sparse, "value", "sparse_as_dense", label, unit="ratio")


def _about_power(b: Builder) -> bool:
    """Whether a ratio compares power: its clause says so, or its sentence's figures are watts
    and its clause speaks of no compute ("rated at 1,000 watts, about 43% more than the H100's
    700")."""
    segment = b.segment_text()
    if _POWER.search(segment):
        return True
    s, e = b.cand.sentence
    watts = [q for q in b.cand.operands if q.kind == "power" and s <= q.start < e]
    return bool(watts) and not _COMPUTE.search(segment)


_COMPUTE = re.compile(
    r"\bFLOP|\bflops\b|\bperformance|\bthroughput|\bfaster|\bcompute|\bpeak", re.I
)


def _power_ratio(b: Builder, chips: list[str]) -> None:
    """Compare a ratio of two chips' rated power (TDP)."""
    if chip(chips[0]).tdp_w is None or chip(chips[1]).tdp_w is None:
        raise Unplannable("a TDP is not published for one of the chips")
    a, c = chips[0], chips[1]
    if ((chip(a).tdp_w or 0) / (chip(c).tdp_w or 1) < 1) != b.below_one():
        a, c = c, a
    first = b.call("lookup_accelerator", accelerator=a)
    second = b.call("lookup_accelerator", accelerator=c)
    ratio = b.calc("x1 / x2", x1=first.ref("accelerator.tdp_w"), x2=second.ref("accelerator.tdp_w"))
    b.compare(ratio, label=f"rated power of {a} / {c}", unit="ratio")


def _nearest_chip(b: Builder) -> str | None:
    """Return the accelerator named closest to the figure ("the H100's 989 teraflops")."""
    start, end = b.cand.anchor
    mentions = b.ctx.within(*b.cand.sentence, "accelerator")
    if not mentions:
        return None
    # A chip before the figure is a little closer than one after: "H100's 989", "9 PF for B200".
    nearest = min(mentions, key=lambda m: start - m.end if m.end <= start else 2 * (m.start - end))
    b.ground(nearest.text, nearest.key, "named")
    return nearest.key


def _system_count(b: Builder) -> float | None:
    """Return how many chips a figure is for: None for one chip; the stated count for a node,
    rack or cluster ("a 72-GPU rack", "16,384 H100s"); a figure for a system whose count the
    sentence does not give cannot be set against one chip."""
    s, e = b.cand.sentence
    if PER_CHIP.search(b.segment_text()):
        return None
    counts = [
        q
        for q in b.cand.operands
        if q.kind == "count" and q.unit in {"GPUs", "accelerators"} and s <= q.start < e
    ]
    if counts:
        return min(counts, key=lambda q: abs(q.start - b.cand.anchor[0])).value
    if SYSTEM.search(b.segment_text()):
        raise Unplannable(
            "the figure is for a node, rack or cluster whose chip count the sentence does not "
            "give; it is not one chip's"
        )
    return None


def _below_peak(b: Builder, key: str, count: float | None) -> bool:
    """Whether the claimed throughput is within the chip's highest dense peak (planning only)."""
    peaks = [_peak(key, p) for p in _PEAKS]
    highest = max((p for p in peaks if p is not None), default=None)
    claimed = b.cand.claimed.value or b.cand.claimed.high
    if highest is None or claimed is None:
        return True
    tflops = convert(claimed, b.cand.claimed.unit, "TFLOP/s")
    return tflops <= highest * (count or 1.0) * 1.1


def _peak_claim(b: Builder) -> None:
    """Compare a stated peak with the chip's dense peaks (times the chip count for a node, rack
    or cluster); a "with sparsity" figure is labelled as such."""
    segment = b.segment_text()
    realised = _REALISED.search(segment) is not None and not _PEAK_WORDS.search(segment)
    key = _nearest_chip(b)
    if key is None:
        chips = chips_of(b)
        if not chips:
            raise Unplannable("the claim names no accelerator")
        key = chips[0]
    count = _system_count(b)
    named = precisions_of(b, local=True) or precisions_of(b)
    order = named[:1] or ["bf16", "fp16", "fp8", "fp4", "tf32"]
    options = [p for p in order if p in _PEAKS and _peak(key, p) is not None]
    if not options:
        raise Unplannable(f"{chip(key).id} has no {order[0].upper()} peak in the tables")
    if realised and _below_peak(b, key, count):
        # What a run gets is checked only where it could not be got: above the chip's peak.
        raise Unplannable(
            "a throughput a run gets is not the chip's peak; below the peak it depends on the "
            "utilization"
        )
    looked = b.call("lookup_accelerator", accelerator=key)
    multiplier = chip(key).sparse_multiplier
    says_sparse = _SPARSE.search(b.sentence) is not None
    name = chip(key).id if count is None else f"{count:,.0f} x {chip(key).id}"
    sparsity = looked.ref("accelerator.sparse_multiplier")
    for p in options:
        dense = looked.ref(f"accelerator.dense_peak_tflops.{p}")
        if says_sparse and multiplier:
            sparse = b.calc("x1 * x2 * x3", x1=count or 1.0, x2=dense, x3=sparsity)
            b.compare(sparse, label=f"{name} 'with sparsity' {p.upper()}", unit="TFLOP/s")
        peak = b.calc("x1 * x2", x1=count or 1.0, x2=dense)
        b.compare(peak, label=f"{name} dense {p.upper()} peak", unit="TFLOP/s")
    if says_sparse and multiplier and not _DENSE.search(b.sentence):
        b.frame("sparse_as_dense", "a 'with sparsity' peak is not what training runs at")
    if multiplier and not says_sparse:
        dense = looked.ref(f"accelerator.dense_peak_tflops.{options[0]}")
        sparse = b.calc("x1 * x2 * x3", x1=count or 1.0, x2=dense, x3=sparsity)
        label = f"{name}'s 'with sparsity' {options[0].upper()} figure"
        b.diagnose(sparse, "value", "sparse_as_dense", label, unit="TFLOP/s")


def plan_precision_speedup(b: Builder) -> None:
    """Compare a low-vs-high precision claim with one chip's dense peaks at both precisions."""
    precisions = sorted(precisions_of(b), key=lambda p: _BITS[p])
    if len(precisions) == 1:
        precisions.append("bf16")
    if len(precisions) < 2 or precisions[0] == precisions[-1]:
        raise Unplannable("the claim names fewer than two precisions to compare")
    low, high = precisions[0], precisions[-1]
    if low not in _PEAKS or high not in _PEAKS:
        raise Unplannable(f"flopcheck has no {low.upper()}/{high.upper()} peaks to compare")
    b.ground(f"{low.upper()} vs {high.upper()}", None, "named")
    both = [x for x in chips_of(b) if _peak(x, low) is not None and _peak(x, high) is not None]
    as_ratio(b)
    a, c = (high, low) if b.below_one() else (low, high)
    if both:
        result = b.call("compare_accelerators", a=both[0], b=both[0], precision_a=a, precision_b=c)
        b.compare(result, label=f"{both[0]} dense {a.upper()} / {c.upper()} peak ratio")
    else:
        _every_chip(b, a, c, low, high)
    b.caveats.append(
        "a ratio of dense peaks: real runs gain less, since only the large matrix multiplies "
        "run at low precision"
    )


def _every_chip(b: Builder, a: str, c: str, low: str, high: str) -> None:
    """With no chip named, a precision speed-up is the range of the peak ratio over every chip
    in the tables that has both precisions."""
    ratios: dict[float, str] = {}
    for row in accelerators():
        pa = getattr(row.dense_peak_tflops, a, None)
        pc = getattr(row.dense_peak_tflops, c, None)
        if pa and pc:
            ratios.setdefault(round(pa / pc, 6), row.id)
    if not ratios:
        raise Unplannable(f"no chip in the tables has both {low.upper()} and {high.upper()} peaks")
    lowest, highest = ratios[min(ratios)], ratios[max(ratios)]
    first = b.call("compare_accelerators", a=lowest, b=lowest, precision_a=a, precision_b=c)
    last = b.call("compare_accelerators", a=highest, b=highest, precision_a=a, precision_b=c)
    between = b.call("span", low=first.ref(), high=last.ref(), unit="ratio")
    b.compare(between, label=f"dense {a.upper()} / {c.upper()} peak ratio across chips")


HARDWARE_PLANS: dict[str, Callable[[Builder], None]] = {
    "hardware_ratio": plan_hardware_ratio,
    "precision_speedup": plan_precision_speedup,
}
