"""Plans for API price claims: per-million-token list prices and price ratios.

Comparisons pair like with like: input with input, output with output, cached with cached, and
a reasoning model's per-token price with a chat model's only as a named misleading reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from flopcheck.rules.builder import Builder, Handle, Unplannable
from flopcheck.rules.grounding import is_hosted, previous_sentence_start, subject
from flopcheck.rules.plans_runs import as_ratio
from flopcheck.tools.runs import price_at, price_history
from flopcheck.tools.tables import ApiModel, api_prices
from flopcheck.tools.vocabulary import price_comparators, reasoning_models, run_api_models

# API comparisons pair like with like: reasoning models with reasoning models (data).
_API_FAMILIES = price_comparators()
_SUBJECT_API = run_api_models()
_REASONERS = reasoning_models()
_FIELDS = ("input_usd_per_mtok", "output_usd_per_mtok")


def _which_price(b: Builder) -> str:
    """Return the price field the text around the figure names (cached, input, output): in a
    table, its row's label; else the words near it in its sentence."""
    start, end = b.cand.anchor
    label = b.cand.detail.get("table_label")
    if isinstance(label, str):
        around = label.lower()
    else:
        around = b.text[max(b.cand.sentence[0], start - 60) : min(end + 40, b.cand.sentence[1])]
        around = around.lower()
    if re.search(r"cache[- ]hit|cached", around):
        return "cached_input_usd_per_mtok"
    if "output" in around and "input" not in around:
        return "output_usd_per_mtok"
    if "input" in around and "output" not in around:
        return "input_usd_per_mtok"
    return ""


@cache
def _api_rows() -> dict[str, ApiModel]:
    return {row.model: row for row in api_prices()}


def _price(model: str, field: str) -> float | None:
    """Return a model's latest listed price from the tables (to plan with, never as a figure)."""
    row = _api_rows().get(model)
    if row is None:
        return None
    value: float | None = getattr(price_at(row, None)[0], field, None)
    return value


def _history(model: str, field: str) -> list[int]:
    """Return the indexes of a model's earlier standard prices in its lookup's history."""
    row = _api_rows().get(model)
    if row is None:
        return []
    latest = price_at(row, None)[0]
    return [
        i
        for i, p in enumerate(price_history(row))
        if p.kind == "standard" and p is not latest and getattr(p, field) is not None
    ]


def plan_api_price(b: Builder) -> None:
    """Compare a per-million-token price with the model's API list price."""
    claimed = b.cand.claimed
    if claimed.unit == "USD":
        # A dollar figure in a sentence about API prices is a price per million tokens.
        b.claim_as(claimed.model_copy(update={"unit": "USD/Mtok"}))
    model = subject(b, is_hosted)
    looked = b.call("lookup_api_price", model=model)
    field = _which_price(b)
    for f in [field] if field else list(_FIELDS):
        what = f.split("_usd")[0].replace("_", " ")
        b.compare(looked, f"price.{f}", f"{model}'s list {what} price")
        # Prices change: a figure that matches an earlier list price held when it was written.
        for i in _history(model, f):
            b.compare(looked, f"history.{i}.{f}", f"{model}'s earlier list {what} price")


def _sentence_apis(b: Builder) -> list[str]:
    """Return (and ground) the hosted models the sentence names, in order; with one named, the
    other side of the comparison is the one model the sentence before names."""
    s, e = b.cand.sentence
    names: list[str] = []
    for m in b.ctx.starting(s, e):
        if is_hosted(m) and m.key not in names:
            names.append(m.key)
            b.ground(m.text, m.key, "named")
    if len(names) == 1:
        start = previous_sentence_start(b)
        before = [m for m in b.ctx.starting(start, s) if is_hosted(m)]
        others = {m.key for m in before} - set(names)
        if len(others) == 1:
            other = next(m for m in before if m.key in others)
            names.append(other.key)
            b.ground(other.text, other.key, "anaphor")
    return names


def _pair_ratio(b: Builder, apis: list[str]) -> None:
    """Compare a ratio of two hosted models' list prices, field by field."""
    field = _which_price(b)
    first, second = apis[0], apis[1]
    a = b.call("lookup_api_price", model=first)
    c = b.call("lookup_api_price", model=second)
    below_one = b.below_one()
    for f in [field] if field else list(_FIELDS):
        pa, pc = _price(first, f), _price(second, f)
        if not pa or not pc:
            continue
        # A ratio is stated either way round ("9x cheaper", "1/9th the price").
        swap = (pa / pc < 1) != below_one
        num, den = (c, a) if swap else (a, c)
        ratio = b.calc("x1 / x2", x1=num.ref(f"price.{f}"), x2=den.ref(f"price.{f}"))
        what = f.split("_usd")[0].replace("_", " ")
        names = (second, first) if swap else (first, second)
        b.compare(ratio, label=f"{names[0]} / {names[1]} list {what} price", unit="ratio")
    if (first in _REASONERS) != (second in _REASONERS):
        b.frame(
            "reasoning_vs_chat",
            "a reasoning model spends many more output tokens per answer, so price per token "
            "does not compare the cost of an answer",
        )
    b.caveats.append("list API prices, which need not reflect the cost of running the model")


def _blended(b: Builder, model: str) -> Handle:
    looked = b.call("lookup_api_price", model=model)
    return b.calc(
        "(3 * x1 + x2) / 4",
        x1=looked.ref("price.input_usd_per_mtok"),
        x2=looked.ref("price.output_usd_per_mtok"),
    )


def plan_price_ratio(b: Builder) -> None:
    """Compare an API price ratio with list prices, pairing reasoning models with reasoning ones."""
    if b.cand.claimed.unit in {"USD/Mtok", "USD"}:
        plan_api_price(b)
        return
    as_ratio(b)
    apis = _sentence_apis(b)
    if len(apis) >= 2:
        _pair_ratio(b, apis)
        return
    subjects, comparators = _families(b)
    pairs = [
        (s, m) for s in subjects for m in comparators if (s in _REASONERS) == (m in _REASONERS)
    ]
    if not pairs:
        raise Unplannable("the claim does not name two hosted models with known API prices")
    inverse = b.below_one()
    for s, m in pairs:
        num, den = _blended(b, s), _blended(b, m)
        if not inverse:
            num, den = den, num
        ratio = b.calc("x1 / x2", x1=num.ref(), x2=den.ref())
        b.compare(ratio, label=f"{s} vs {m} blended list price (3 input : 1 output)", unit="ratio")
    b.caveats.append("list API prices, which need not reflect the cost of running the model")


def _families(b: Builder) -> tuple[list[str], list[str]]:
    """Return the article subject's hosted models and the comparators the sentence's names imply
    ("OpenAI" -> GPT-4o and o1); an inferred pairing, never enough to refute."""
    sentence = b.sentence.lower()
    comparators: list[str] = []
    for word, models in _API_FAMILIES.items():
        if re.search(rf"\b{re.escape(word)}\b", sentence):
            comparators += [m for m in models if m not in comparators]
    subject_key = b.ctx.subject or ""
    subjects = _SUBJECT_API.get(subject_key, [])
    if subjects and comparators:
        b.ground("the article's subject", subject_key, "inferred")
    return subjects, comparators


PRICE_PLANS: dict[str, Callable[[Builder], None]] = {"price_ratio": plan_price_ratio}
