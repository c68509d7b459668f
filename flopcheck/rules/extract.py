"""The offline claim extractor: sentences -> quantities + cue words -> typed claim candidates.

A candidate is a verbatim span of the input with a kind, the claimed amount and the quantities
it rests on; the verifier turns it into tool calls. Deterministic: same text, same candidates.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flopcheck.engine.report import Amount, ExtractedClaim, Extraction, Kind
from flopcheck.rules.arith import find_arithmetic
from flopcheck.rules.derive import DERIVES, DERIVES_AT, EACH, LOOSE_CUE, derivations
from flopcheck.rules.entities import ArticleContext, build_context
from flopcheck.rules.napkin import budget, written_cluster, yardstick
from flopcheck.rules.quantities import Quantity, find_quantities
from flopcheck.rules.sentences import clause_segment, cues_of, quote_span, split_sentences
from flopcheck.rules.tables import Row, cell_at, find_rows, relation_operands, reread
from flopcheck.tools.tables import training_runs


@dataclass
class Candidate:
    """A claim found by the rules, before verification."""

    kind: Kind
    start: int
    end: int
    claimed: Amount
    literal: str = ""
    approx: bool = False
    qualifier: str | None = None
    anchor: tuple[int, int] = (0, 0)
    sentence: tuple[int, int] = (0, 0)
    operands: list[Quantity] = field(default_factory=list)
    cues: frozenset[str] = frozenset()
    detail: dict[str, Any] = field(default_factory=dict)


_ENERGY_KINDS = {"energy", "power"}
# "this GPU", "the chip": a spec figure about a chip named just before.
_CHIP_REFERENCE = re.compile(
    r"\b(?:this|that|the|each|its|per) (?:GPU|chip|card|accelerator)\b", re.I
)
_NEEDED = re.compile(r"\bneed|\brequir|\bweights\b|\bmodel\b|\bKV\b|\bcache\b|\bfits?\b", re.I)
_DESCRIPTOR = re.compile(r"^[0-9][0-9,.]*-(?:GPU|chip|card|accelerator|TPU)\b", re.I)
_PER_SECOND = re.compile(r"\s*(?:a|per|each|/)\s*s(?:ec(?:ond)?)?\b")
_HOURLY = {"USD/hour", "USD/GPU-hour"}


def _kind(
    q: Quantity, cues: frozenset[str], ctx: ArticleContext, span: tuple[int, int], text: str
) -> Kind | None:
    if q.in_name:
        return None
    kind = q.kind
    if kind == "currency":
        if "api" in cues and q.value < 1000:
            return "price_ratio"
        return "training_cost" if cues & {"cost", "train"} else None
    if kind == "currency_rate" and q.unit == "USD/Mtok":
        return "price_ratio"
    if kind == "currency_rate" and q.unit in _HOURLY and ctx.within(*span, "accelerator"):
        return "training_cost"  # "H800s could be rented for $2/hr": a rental price
    if kind == "tokens" and _PER_SECOND.match(text, q.end):
        return None
    if kind in {"gpu_hours", "params", "tokens"}:
        return "gpu_hours" if kind == "gpu_hours" else kind  # type: ignore[return-value]
    if kind == "count" and q.unit in {"GPUs", "accelerators"}:
        # "a 72-GPU rack" describes the rack; the count is a premise, not a claim.
        return None if _DESCRIPTOR.match(q.text) else "cluster_time"
    if kind == "flop":
        return "compute_flops"
    if kind == "flop_rate":
        return "hardware_ratio"
    if kind in ("power", "data", "data_rate"):
        # A rated power, memory or bandwidth next to a chip, or "this GPU", is a spec to check
        # (a power may be a cluster's total); memory or bandwidth a model needs is not.
        near_chip = ctx.within(*span, "accelerator") or _CHIP_REFERENCE.search(text, *span)
        if kind == "power" or not near_chip:
            return "other" if near_chip else None
        segment = clause_segment(text, span, (q.start, q.end))
        return None if _NEEDED.search(text, *segment) else "other"
    if kind in _ENERGY_KINDS:
        # Energy figures about anything but a model or its hardware (a brain, a country) are
        # out of scope: flopcheck has nothing to recompute them from.
        scoped = ctx.within(*span, "model") or ctx.within(*span, "accelerator") or "train" in cues
        return "energy" if scoped else None
    if kind == "time" and q.unit in {"days", "weeks", "months"}:
        return (
            "cluster_time"
            if ctx.within(*span, "accelerator") or "GPU" in ctx_text(ctx, span)
            else None
        )
    if kind == "percent" and "utilisation" in cues:
        # "at 40% utilisation" states an assumption; "ran at 17% of peak" claims a figure.
        assumed = re.search(r"\bat\s*$", text[max(0, q.start - 4) : q.start], re.I)
        return None if assumed and "utili" in text[q.end : q.end + 16] else "other"
    if kind in {"percent", "ratio", "multiplier"}:
        return _ratio_kind(cues, ctx, span, clause_segment(text, span, (q.start, q.end)))
    return None


@cache
def training_run_ids() -> frozenset[str]:
    """Return the ids of the reported training runs (other model names are hosted APIs)."""
    return frozenset(r.id for r in training_runs())


def ctx_text(ctx: ArticleContext, span: tuple[int, int]) -> str:
    """Return the text of the mentions inside a span, joined (for cue tests).

    Args:
        ctx: the article context.
        span: the (start, end) of a sentence.
    """
    return " ".join(m.text for m in ctx.starting(*span))


def _ratio_kind(
    cues: frozenset[str], ctx: ArticleContext, span: tuple[int, int], segment: tuple[int, int]
) -> Kind | None:
    chips = {m.key for m in ctx.within(*span, "accelerator")}
    # "B200 delivers 2x the FP8 throughput of the H200": two chips at one precision.
    # A clause naming one of them is about the chips; one naming none ("and that FP8 needs
    # 25% of the power of BF16") about the precisions.
    two_chips = len(chips) >= 2 and bool(ctx.within(*segment, "accelerator"))
    if ctx.within(*segment, "precision") and cues & {"compute", "cost"} and not two_chips:
        return "precision_speedup"
    if cues & {"experts", "inactive"}:
        return "params"
    hardware = chips or "generation" in cues
    few_models = len(ctx.within(*span, "model")) < 2
    if few_models and (len(chips) >= 2 or (hardware and cues & {"compute", "gain"})):
        return "hardware_ratio"
    earlier = {m.key for m in ctx.before(span[0], "accelerator", limit=400)}
    if not chips and "gain" in cues and len(earlier) >= 2:
        # "gains reach 4x faster training" right after a sentence setting two chips side by side.
        return "hardware_ratio"
    hosted = any(m.key not in training_run_ids() for m in ctx.within(*span, "model"))
    if ("run" in cues or "api" in cues or hosted) and "cost" in cues:
        return "price_ratio"
    if "compute" in cues and ctx.within(*span, "model"):
        return "compute_flops"
    if "cost" in cues:
        return "training_cost"
    return None


def _merge_cluster(claims: list[tuple[Quantity, Kind]]) -> list[tuple[Quantity, Kind]]:
    """Drop an accelerator count that a duration next to it already checks ("2,048 GPUs for
    ~2 months" is one claim about the run, not two)."""
    durations = [q for q, k in claims if k == "cluster_time" and q.kind == "time"]
    kept = []
    for q, k in claims:
        near = any(abs(d.start - q.end) < 60 or abs(q.start - d.end) < 60 for d in durations)
        if k == "cluster_time" and q.kind == "count" and near:
            continue
        kept.append((q, k))
    return kept


def _amount(q: Quantity, text: str) -> Amount:
    if text[q.end : q.end + 1] == "+":
        # "90%+" is a lower bound.
        ceiling = 100.0 if q.unit == "percent" else q.value * 10
        return Amount(value=q.value, low=q.value, high=ceiling, unit=q.unit)
    return Amount(value=q.value, low=q.low, high=q.high, unit=q.unit)


def extract(text: str, ctx: ArticleContext | None = None) -> list[Candidate]:
    """Return the claim candidates of an article, in order of position.

    Args:
        text: the article text.
        ctx: its entity context; built from ``text`` when not given.
    """
    ctx = ctx or build_context(text)
    candidates: list[Candidate] = []
    quantities = find_quantities(text)
    rows = find_rows(text, ctx)
    row_starts = sorted(rows)
    qi = 0
    recent: list[Quantity] = []
    previous: list[Quantity] = []
    last_end = 0
    listed: frozenset[str] = frozenset()  # what the list items so far are about
    for span in split_sentences(text):
        if "\n\n" in text[last_end : span[0]]:
            recent, previous = [], []  # a derivation's premises are in its own paragraph
        last_end = span[1]
        item = _BULLET.match(text, span[0]) is not None
        listed = listed if item else frozenset()
        in_sentence = []
        while qi < len(quantities) and quantities[qi].start < span[1]:
            if quantities[qi].start >= span[0]:
                in_sentence.append(quantities[qi])
            qi += 1
        if not in_sentence:
            continue
        row = _row_at(rows, row_starts, span)
        if row is not None:
            candidates += _table_candidates(text, row, in_sentence, ctx)
        else:
            cues = cues_of(text[span[0] : span[1]])
            candidates += _sentence_candidates(
                text, span, in_sentence, ctx, [*previous, *recent], cues | listed
            )
            if item:
                listed |= cues & _LIST_TOPICS
        previous, recent = recent, in_sentence
    return candidates


_CLAUSE_END = re.compile("[.;]")
_PREMISES = 12
# A list item ("• Llama 2 (2023): 38 % on A100s.") is about what the items before it said
# ("• GPT-3 (2020): ~21 % MFU on V100s."): these cue groups carry down a list.
_BULLET = re.compile(r"[•*\-–]\s")
_LIST_TOPICS = frozenset({"utilisation", "cost", "train", "run", "compute", "energy", "api"})


def _derived(
    text: str,
    span: tuple[int, int],
    qs: list[Quantity],
    recent: list[Quantity],
    claims: list[tuple[Quantity, Kind]],
    details: dict[int, dict[str, Any]],
) -> list[tuple[Quantity, Kind]]:
    """Add the figures the sentence says follow from figures given just before ("would reach",
    "which translates to"), when their units compose to it: the article's own arithmetic."""
    kinds = {id(q): k for q, k in claims}
    # Most sentences have no derivation cue at all; one counts for a figure when it stands
    # before it in its own clause (no full stop or semicolon between them).
    cues = (DERIVES.match(text, at.start(), span[1]) for at in DERIVES_AT.finditer(text, *span))
    found_cues = sorted((m.end(), m.group()) for m in cues if m is not None)
    cue_ends = [end for end, _ in found_cues]
    for i, q in enumerate(qs):
        before = bisect_right(cue_ends, q.start)
        if not before or id(q) in details:
            continue
        if _CLAUSE_END.search(text, cue_ends[before - 1], q.start):
            continue
        context = text[max(span[0], q.start - 12) : q.start] + "\n" + text[q.end : q.end + 20]
        # The premises are the figures just before; a bounded few, so that a sentence of many
        # figures costs its length, not the square of it.
        near = qs[max(0, i - _PREMISES) : i + _PREMISES]
        earlier = [*recent, *qs[max(0, i - _PREMISES) : i]][-_PREMISES:]
        found = derivations(q, earlier, context, span[0], text, near)
        if found:
            loose = LOOSE_CUE.match(found_cues[before - 1][1]) is not None
            details[id(q)] = {"derivations": found, "loose": loose}
            kinds.setdefault(id(q), "arithmetic")
    return [(q, kinds[id(q)]) for q in qs if id(q) in kinds]


def _fleet_energy(
    qs: list[Quantity],
    context: list[Quantity],
    claims: list[tuple[Quantity, Kind]],
    details: dict[int, dict[str, Any]],
    hours_seen: list[Quantity],
) -> list[tuple[Quantity, Kind]]:
    """Add an energy figure that follows from a fleet the article has just described: "25,000
    A100s for 90 to 100 days at 400 W per GPU ... consumption reached 50 GWh"."""
    watts = [q for q in context if q.kind == "power"]
    counts = [q for q in context if q.kind == "count" and q.unit in {"GPUs", "accelerators"}]
    spans = [q for q in context if q.kind == "time" and q.unit in {"days", "weeks", "months"}]
    if hours_seen or not (watts and counts and spans):
        return claims
    fleet = {"power": watts[-1], "count": counts[-1], "duration": spans[-1]}
    kinds = {id(q): k for q, k in claims}
    for q in qs:
        if q.kind == "energy" and id(q) not in details:
            details[id(q)] = {"fleet": fleet}
            kinds[id(q)] = "energy"
    return [(q, kinds[id(q)]) for q in qs if id(q) in kinds]


def _row_at(rows: dict[int, Row], starts: list[int], span: tuple[int, int]) -> Row | None:
    """Return the table row a sentence starts in, if any (rows never overlap)."""
    i = bisect_right(starts, span[0])
    row = rows[starts[i - 1]] if i else None
    return row if row is not None and span[0] < row.end else None


def _table_candidates(
    text: str, row: Row, qs: list[Quantity], ctx: ArticleContext
) -> list[Candidate]:
    """Return the claims of a table row: each figure in an entity's column is a claim about that
    entity's attribute (the row label); a relation cell ("~4.5x cheaper") relates the figures
    beside it, so it is the article's own arithmetic, and its quote is the whole row."""
    span = (row.start, row.end)
    label_cues = cues_of(row.label)
    figures = []
    for q in qs:
        cell = cell_at(row, q.start)
        if cell is not None:
            figures.append((cell, reread(row, q)))
    out = []
    for cell, q in figures:
        if q.kind in {"ratio", "multiplier", "percent"}:
            related = relation_operands(text, row, cell, figures)
            if related is not None:
                operands = (related[0][1], related[1][1])
                entities = (related[0][0].entity, related[1][0].entity)
                out.append(
                    Candidate(
                        kind="arithmetic",
                        start=row.start,
                        end=row.end,
                        claimed=_amount(q, text),
                        literal=text[q.start : q.end],
                        approx=q.approx,
                        anchor=(q.start, q.end),
                        sentence=span,
                        operands=list(operands),
                        cues=label_cues,
                        detail={
                            "table_ratio": operands,
                            "table_entities": entities,
                            "table_label": row.label,
                        },
                    )
                )
            continue
        if cell.entity is None:
            continue
        cues = label_cues | cues_of(text[cell.start : cell.end])
        kind = _kind(q, cues, ctx, span, text) or _LABEL_KINDS.get(q.kind)
        if kind is None:
            continue
        out.append(
            Candidate(
                kind=kind,
                start=cell.start,
                end=cell.end,
                claimed=_amount(q, text),
                literal=text[q.start : q.end],
                approx=q.approx,
                qualifier=q.qualifier,
                anchor=(q.start, q.end),
                sentence=span,
                operands=[o for _, o in figures if o is not q],
                cues=cues,
                detail={"table_subject": cell.entity, "table_label": row.label},
            )
        )
    return out


# A cell's kind when the row label, not the sentence, says what the figure is.
_LABEL_KINDS: dict[str, Kind] = {
    "gpu_hours": "gpu_hours",
    "params": "params",
    "flop": "compute_flops",
    "currency_rate": "price_ratio",
    "currency": "training_cost",
}


def _sentence_candidates(
    text: str,
    span: tuple[int, int],
    qs: list[Quantity],
    ctx: ArticleContext,
    recent: list[Quantity],
    cues: frozenset[str],
) -> list[Candidate]:
    out = []
    for a in find_arithmetic(text, span):
        out.append(
            Candidate(
                kind="arithmetic",
                start=a.start,
                end=a.end,
                claimed=Amount(value=a.rhs.value, unit=a.rhs.unit or "number"),
                literal=a.rhs.literal,
                sentence=span,
                cues=cues,
                detail={"arithmetic": a},
                anchor=(a.rhs.start, a.rhs.end),
            )
        )
    # A quantity inside written-out arithmetic is an operand, not a claim of its own.
    everything = qs
    qs = [
        q
        for q in qs
        if not any(c.start <= q.start < c.end for c in out)
        and not re.search(r"instead of\s+$", text[max(0, q.start - 12) : q.start])
    ]
    chips = ctx.within(*span, "accelerator")
    qs = [q for q in qs if not any(m.start <= q.start < m.end for m in chips)]
    typed = [(q, _kind(q, cues, ctx, span, text)) for q in qs]
    claims = [(q, k) for q, k in typed if k is not None]
    cluster = written_cluster(text, qs)
    details: dict[int, dict[str, Any]] = {}
    claims = _merge_cluster(claims)
    if cluster:
        # The conclusion is checked against its premises. Cluster size and duration are the
        # set-up; hours stay a claim of their own (a run's reported hours are in the tables).
        conclusion = cluster["conclusion"]
        setup = [p for p in cluster["premises"] if p.kind != "gpu_hours"]
        claims = [(q, k) for q, k in claims if not any(q is p for p in setup)]
        kind: Kind = "gpu_hours" if conclusion.kind == "gpu_hours" else "cluster_time"
        claims = [(q, kind if q is conclusion else k) for q, k in claims]
        details[id(conclusion)] = {"cluster": cluster}
    context = [*recent, *qs]
    rates = [q for q in qs if q.kind == "currency_rate" and q.unit in _HOURLY]
    throughputs = [q for q in qs if q.kind == "tokens" and _PER_SECOND.match(text, q.end)]
    powers = [q for q in qs if q.kind == "power"]
    hours_seen = [q for q in context if q.kind == "gpu_hours"]
    counts = [q for q in qs if q.kind == "count" and q.unit in {"GPUs", "accelerators"}]
    if powers and hours_seen:
        # An energy figure derived from stated hours and power is in scope, whatever its subject.
        known = {id(q) for q, _ in claims}
        claims += [(q, "energy") for q in qs if q.kind == "energy" and id(q) not in known]
        claims.sort(key=lambda pair: pair[0].start)
    for q, kind in claims:
        if q.kind == "power" and kind == "other":
            # "400 W per GPU" is one chip's power, whatever the cluster's size.
            per_item = EACH.match(text, q.end) is not None
            cluster_size = [n for n in counts if n.end <= q.start and not per_item]
            details[id(q)] = {"tdp": q, "count": cluster_size[-1] if cluster_size else None}
            if cluster_size and q.unit != "W":
                claims = [(o, k) for o, k in claims if o is not cluster_size[-1]]
        if q.kind in ("data", "data_rate") and kind == "other":
            details[id(q)] = {"spec": q.kind}
    claims = _fleet_energy(qs, context, claims, details, hours_seen)
    for q, kind in claims:
        if q.unit == "USD/Mtok" and rates and throughputs:
            details[id(q)] = {"rate": rates[0], "throughput": throughputs[0]}
        if kind == "training_cost" and q.kind == "currency" and rates and hours_seen:
            details[id(q)] = {"rate": rates[0], "gpu_hours": hours_seen[-1]}
        if kind == "energy" and powers and hours_seen and q.kind == "energy":
            details[id(q)] = {"power": powers[0], "gpu_hours": hours_seen[-1]}
    claims = budget(text, span, qs, recent, ctx, claims, details)
    claims = yardstick(text, span, qs, recent, claims, details)
    claims = _derived(text, span, qs, recent, claims, details)
    for q, kind in claims:
        others = [o for o, _ in claims if o is not q]
        start, end = quote_span(text, span, q, others)
        out.append(
            Candidate(
                kind=kind,
                start=start,
                end=end,
                claimed=_amount(q, text),
                literal=text[q.start : q.end],
                approx=q.approx,
                sentence=span,
                qualifier=q.qualifier,
                anchor=(q.start, q.end),
                operands=[o for o in everything if o is not q],
                cues=cues,
                detail=details.get(id(q), {}),
            )
        )
    return out


def as_claim(text: str, number: int, cand: Candidate) -> ExtractedClaim:
    """Return a candidate as an unjudged claim with id ``c<number>``.

    Args:
        text: the article text.
        number: the claim's position, from 1.
        cand: the candidate.
    """
    return ExtractedClaim(
        id=f"c{number}",
        quote=text[cand.start : cand.end],
        start=cand.start,
        end=cand.end,
        kind=cand.kind,
        claimed=cand.claimed,
    )


def extract_claims(text: str) -> Extraction:
    """Return the checkable claims of a text (verbatim quote, span, kind, claimed value), unjudged.

    Args:
        text: the article text.
    """
    return Extraction(claims=[as_claim(text, i, c) for i, c in enumerate(extract(text), start=1)])
