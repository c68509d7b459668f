"""The offline claim extractor: sentences -> quantities + cue words -> typed claim candidates.

A candidate is a verbatim span of the input with a kind, the claimed amount and the quantities
it rests on; the verifier turns it into tool calls. Deterministic: same text, same candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flopcheck.plugin.arith import find_arithmetic
from flopcheck.plugin.entities import ArticleContext, build_context
from flopcheck.plugin.models import Amount, Kind
from flopcheck.plugin.quantities import Quantity, find_quantities

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(‘]?[A-Z0-9$~])|\n+")
# Clause separators inside a sentence; a claim's quote never crosses one that has another
# claim's quantity on its other side.
_CLAUSE_SEP = re.compile(r"\s*(?:[;:()\u2013\u2014]|,\s|\s-\s|\sand\s|\s\.\.\.?\s|…)\s*")
_ARITH = re.compile(r"=|\bis equivalent to\b|\bequals\b")

_CUES: dict[str, re.Pattern[str]] = {
    "cost": re.compile(r"\bcost|\bspen[dt]|\bbudget|\bpaid|\bcapex|\bpric|\bcheap|\bexpens", re.I),
    "train": re.compile(r"\btrain|\bpre-?train", re.I),
    "run": re.compile(r"\bto run\b|\binference|\bserv(?:e|ing)\b|\bAPI\b|\bper (?:million|M) tokens", re.I),
    "compute": re.compile(r"\bcompute\b|\bFLOP|\bpower\b|\bperformance|\bfaster|\bthroughput", re.I),
    "experts": re.compile(r"\bexperts?\b|\bactive\b|\bactivat|\bof the (?:overall )?model\b|\bMoE\b|Mixture", re.I),
    "counterfactual": re.compile(r"\bwould\b|\bcould\b|\bmight\b|\bhad [A-Z]\w+ started|\bif\b", re.I),
    "versus": re.compile(
        r"\bthan\b|\bvs\.?|\bversus\b|\bcompared|\binstead of\b|\bbetter\b|\bcheaper\b", re.I
    ),
    "hedge": re.compile(r"\breput|\brumou?r|\breported(?:ly)?\b|\bestimat|\bpossibly\b|\bsaid\b", re.I),
    "energy": re.compile(r"\benergy|\bpower|\bwatt|\belectric|\bjoule|kwh|mwh|gwh", re.I),
}


@dataclass
class Candidate:
    """A claim found by the rules, before verification."""

    kind: Kind
    start: int
    end: int
    claimed: Amount
    literal: str = ""
    approx: bool = False
    sentence: tuple[int, int] = (0, 0)
    operands: list[Quantity] = field(default_factory=list)
    cues: frozenset[str] = frozenset()
    detail: dict[str, Any] = field(default_factory=dict)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the sentences of ``text``, whitespace trimmed.

    Args:
        text: the article text.
    """
    spans, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def cues_of(sentence: str) -> frozenset[str]:
    """Return the names of the cue-word groups present in a sentence.

    Args:
        sentence: the sentence text.
    """
    return frozenset(name for name, pattern in _CUES.items() if pattern.search(sentence))


def _kind(q: Quantity, cues: frozenset[str], ctx: ArticleContext, span: tuple[int, int]) -> Kind | None:
    unit = q.unit
    if unit == "USD":
        return "training_cost" if cues & {"cost", "train"} else None
    if unit in {"GPU-hours"}:
        return "gpu_hours"
    if unit in {"GPUs", "accelerators"}:
        return "cluster_time"
    if unit in {"params", "tokens"}:
        return unit  # type: ignore[return-value]
    if unit == "FLOP":
        return "compute_flops"
    if unit == "FLOP/s":
        return "hardware_ratio"
    if unit in {"J", "kJ", "MJ", "GJ", "Wh", "kWh", "MWh", "GWh", "TWh", "PWh", "kcal", "W", "kW", "MW"}:
        return "energy"
    if unit in {"days", "months", "weeks"}:
        has_gpus = bool(ctx.within(*span, "accelerator")) or "GPU" in q_text_window(ctx, span)
        return "cluster_time" if has_gpus else None
    if unit in {"percent", "ratio", "x"}:
        return _ratio_kind(cues, ctx, span)
    return None


def q_text_window(ctx: ArticleContext, span: tuple[int, int]) -> str:
    """Return the names of accelerators mentioned in a span, joined (for cue tests).

    Args:
        ctx: the article context.
        span: the (start, end) of a sentence.
    """
    return " ".join(m.text for m in ctx.mentions if span[0] <= m.start < span[1])


def _ratio_kind(cues: frozenset[str], ctx: ArticleContext, span: tuple[int, int]) -> Kind | None:
    if ctx.within(*span, "precision") and cues & {"compute", "cost"}:
        return "precision_speedup"
    if "experts" in cues:
        return "params"
    if "run" in cues and "cost" in cues:
        return "price_ratio"
    if "cost" in cues:
        return "training_cost"
    if ctx.within(*span, "accelerator") and "compute" in cues:
        return "hardware_ratio"
    if "compute" in cues and ctx.within(*span, "model"):
        return "compute_flops"
    return None


def _quote_span(
    text: str, sentence: tuple[int, int], q: Quantity, others: list[Quantity]
) -> tuple[int, int]:
    """Return the clause around ``q``: cut at separators that divide it from other claims."""
    start, end = sentence
    for sep in _CLAUSE_SEP.finditer(text, sentence[0], sentence[1]):
        if sep.end() <= q.start and any(o.end <= sep.start() for o in others):
            start = max(start, sep.end())
        elif sep.start() >= q.end and any(o.start >= sep.end() for o in others):
            end = min(end, sep.start())
    return start, end


def _amount(q: Quantity) -> Amount:
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
    qi = 0
    for span in split_sentences(text):
        in_sentence = []
        while qi < len(quantities) and quantities[qi].start < span[1]:
            if quantities[qi].start >= span[0]:
                in_sentence.append(quantities[qi])
            qi += 1
        if not in_sentence:
            continue
        candidates += _sentence_candidates(text, span, in_sentence, ctx)
    return candidates


def _sentence_candidates(
    text: str, span: tuple[int, int], qs: list[Quantity], ctx: ArticleContext
) -> list[Candidate]:
    sentence = text[span[0]:span[1]]
    cues = cues_of(sentence)
    out = []
    for a in find_arithmetic(text, span):
        out.append(
            Candidate(
                kind="arithmetic", start=a.start, end=a.end,
                claimed=Amount(value=a.rhs.value, unit=a.rhs.unit or "number"),
                literal=a.rhs.literal, sentence=span, cues=cues, detail={"arithmetic": a},
            )
        )
    # A quantity inside written-out arithmetic is an operand, not a claim of its own.
    qs = [q for q in qs if not any(c.start <= q.start < c.end for c in out)]
    typed = [(q, _kind(q, cues, ctx, span)) for q in qs]
    claims = [(q, k) for q, k in typed if k is not None]
    for q, kind in claims:
        others = [o for o, _ in claims if o is not q]
        start, end = _quote_span(text, span, q, others)
        out.append(
            Candidate(
                kind=kind, start=start, end=end, claimed=_amount(q),
                literal=text[q.start:q.end], approx=q.approx, sentence=span,
                operands=[o for o in qs if o is not q], cues=cues,
            )
        )
    return out
