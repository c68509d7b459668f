"""Verification plans for API prices: per-million-token list prices and price ratios."""

from __future__ import annotations

import re
from typing import Any

from flopcheck.engine.report import Amount, Verdict
from flopcheck.rules.claimable import Claimable
from flopcheck.rules.plans import as_ratio
from flopcheck.rules.verify import Unverifiable, misleading
from flopcheck.tools import call
from flopcheck.tools.vocabulary import price_comparators, reasoning_models, run_api_models

# API comparisons pair like with like: reasoning models with reasoning models (data).
_API_FAMILIES = price_comparators()
_SUBJECT_API = run_api_models()
_REASONERS = reasoning_models()


def _api_models(c: Claimable) -> tuple[list[str], list[str]]:
    sentence = c.sentence.lower()
    around = c.text[max(0, c.cand.sentence[0] - 300) : c.cand.sentence[0]].lower()
    comparators: list[str] = []
    for word, models in _API_FAMILIES.items():
        if re.search(rf"\b{re.escape(word)}\b", sentence):
            comparators += [m for m in models if m not in comparators]
    if "o1" in around and "GPT-4o" in comparators and "o1" not in comparators:
        comparators.append("o1")
    subject = c.ctx.subject or ""
    return _SUBJECT_API.get(subject, []), comparators


def _blended(c: Claimable, model: str) -> tuple[str, dict[str, Any]]:
    price = c.session.call("lookup_api_price", {"model": model})["price"]
    return f"(3*{price['input_usd_per_mtok']}+{price['output_usd_per_mtok']})/4", price


def _sentence_apis(c: Claimable) -> list[str]:
    """Return the hosted models the sentence names, in order, that have API list prices."""
    names: list[str] = []
    start = c.cand.sentence[0]
    mentions = c.ctx.within(start, c.cand.sentence[1], "model")
    if len(mentions) < 2:
        mentions = [*mentions, *c.ctx.before(start, "model", limit=250)]
    for m in mentions:
        if m.key in names:
            continue
        if "error" not in call("lookup_api_price", {"model": m.key}):
            names.append(m.key)
    return names


def _which_price(c: Claimable) -> str:
    start, end = c.cand.anchor
    segment = c.text[max(c.cand.sentence[0], start - 60) : end + 40].lower()
    if re.search(r"cache[- ]hit|cached", segment):
        return "cached_input_usd_per_mtok"
    if "output" in segment and "input" not in segment:
        return "output_usd_per_mtok"
    if "input" in segment and "output" not in segment:
        return "input_usd_per_mtok"
    return ""


def plan_api_price(c: Claimable) -> Verdict:
    """Check a per-million-token price against the model's API list price."""
    model = c.subject_run()
    price = c.session.call("lookup_api_price", {"model": model})["price"]
    field = _which_price(c) or min(
        ("input_usd_per_mtok", "output_usd_per_mtok"),
        key=lambda f: abs(price[f] - (c.cand.claimed.value or 0)),
    )
    listed = price.get(field)
    what = field.split("_usd")[0].replace("_", " ")
    if listed is None:
        raise Unverifiable(f"no {what} price is listed for {model}")
    return c.session.judge(
        c.cand.claimed,
        Amount(value=listed, unit="USD/Mtok"),
        c.spread,
        f"{price['model']} lists ${listed:g} per million {what} tokens (as of {price['as_of']}).",
    )


def _pair_price_ratio(c: Claimable, apis: list[str]) -> Verdict:
    field = _which_price(c)
    a, b = apis[0], apis[1]
    prices = [c.session.call("lookup_api_price", {"model": m})["price"] for m in (a, b)]
    fields = [field] if field else ["input_usd_per_mtok", "output_usd_per_mtok"]
    ratios = []
    for f in fields:
        if prices[0].get(f) is None or prices[1].get(f) is None:
            continue
        result = c.session.call("calculate", {"expression": f"{prices[0][f]} / {prices[1][f]}"})
        ratios.append(result["value"]["mid"])
    if not ratios:
        raise Unverifiable("the compared prices are not listed")
    claimed = as_ratio(c, c.cand.claimed)
    if (ratios[0] < 1) != ((claimed.value or 0) < 1):
        ratios = [c.session.calc(f"1 / {r!r}") for r in ratios]
    verdict = c.session.judge(
        claimed,
        Amount(value=ratios[0], low=min(ratios), high=max(ratios), unit="ratio"),
        c.spread,
        f"{a} vs {b} list prices ({', '.join(f.split('_usd')[0] for f in fields)}): "
        + ", ".join(f"{r:.3g}x" for r in ratios)
        + ".",
        caveats=["list API prices, which need not reflect the cost of running the model"],
    )
    if (a in _REASONERS) != (b in _REASONERS):
        return misleading(
            verdict,
            "reasoning model vs chat model",
            "a reasoning model spends many more output tokens per answer, so price per token "
            "does not compare the cost of an answer.",
        )
    return verdict


def plan_price_ratio(c: Claimable) -> Verdict:
    """Check an API price ratio from list prices, pairing reasoning models with reasoning ones."""
    if c.cand.claimed.unit in {"USD/Mtok", "USD"}:
        return plan_api_price(c)
    apis = _sentence_apis(c)
    if len(apis) >= 2:
        return _pair_price_ratio(c, apis)
    subjects, comparators = _api_models(c)
    if not subjects or not comparators:
        raise Unverifiable("the claim does not name two hosted models with known API prices")
    ratios = []
    for s in subjects:
        for m in comparators:
            if (s in _REASONERS) != (m in _REASONERS):
                continue
            num, _ = _blended(c, s)
            den, _ = _blended(c, m)
            result = c.session.call("calculate", {"expression": f"({num})/({den})"})
            ratios.append((result["value"]["mid"], f"{s}/{m}"))
    if not ratios:
        raise Unverifiable("no like-for-like pair of hosted models to compare")
    low, high = min(ratios)[0], max(ratios)[0]
    mid = sorted(r for r, _ in ratios)[len(ratios) // 2]
    pairs = ", ".join(f"{name} {r:.2g}" for r, name in ratios)
    return c.session.judge(
        as_ratio(c, c.cand.claimed),
        Amount(value=mid, low=low, high=high, unit="ratio"),
        c.spread,
        f"blended list prices (3 input : 1 output tokens): {pairs}.",
        caveats=["list API prices, which need not reflect the cost of running the model"],
    )


PRICE_PLANS = {"price_ratio": plan_price_ratio}
