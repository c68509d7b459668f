"""The engine's vocabulary: claim kinds, labels, provenance tiers, groundings, bounds and the
named misleading reasons, each defined once."""

from __future__ import annotations

from typing import Literal, get_args

Label = Literal["supported", "refuted", "misleading", "unverifiable"]
LABELS: tuple[Label, ...] = get_args(Label)
Kind = Literal[
    "training_cost",
    "gpu_hours",
    "cluster_time",
    "compute_flops",
    "params",
    "tokens",
    "hardware_ratio",
    "precision_speedup",
    "price_ratio",
    "energy",
    "arithmetic",
    "other",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
Tier = Literal["disclosed", "estimate", "rumour"]
TIERS: tuple[Tier, ...] = get_args(Tier)
Grounding = Literal["named", "anaphor", "article", "inferred"]
GROUNDINGS: tuple[Grounding, ...] = get_args(Grounding)
# "span": the claim states the ends of a range ("ranging from 7B to 70B"), so each end must
# match, not merely overlap.
Bound = Literal["up_to", "at_least", "at_most", "over", "under", "span"]
BOUNDS: tuple[Bound, ...] = get_args(Bound)
Reason = Literal[
    "rental_vs_total",
    "cross_generation",
    "cross_precision",
    "sparse_as_dense",
    "vendor_best_case",
    "cached_vs_list",
    "stage_vs_run",
    "system_vs_chip",
    "unit_vs_total",
    "reasoning_vs_chat",
    "family_vs_model",
    "peak_vs_realized",
]
REASONS: tuple[Reason, ...] = get_args(Reason)
# What each reason means, as a reader sees it.
REASON_TEXT: dict[Reason, str] = {
    "rental_vs_total": "rental cost of one run vs total spend",
    "cross_generation": "different hardware generations compared as like for like",
    "cross_precision": "different precisions compared as like for like",
    "sparse_as_dense": "a vendor's 'with sparsity' peak used as dense",
    "vendor_best_case": "a vendor best case presented as per-chip speed",
    "cached_vs_list": "cached vs list prices",
    "stage_vs_run": "one stage vs the whole run",
    "system_vs_chip": "a cluster or rack vs one chip",
    "unit_vs_total": "a unit price vs a total",
    "reasoning_vs_chat": "a reasoning model's per-token price vs a chat model's",
    "family_vs_model": "a model family's total vs one model",
    "peak_vs_realized": "a peak ratio presented as a realised speed-up",
}
