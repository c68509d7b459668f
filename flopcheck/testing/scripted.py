"""The fake server's scripted model: answers like an LLM would, from the rules backend's Report.

Extraction requests get the claims of ``check(article, backend="rules")``; a verification
conversation gets that claim's rules steps replayed as one turn of tool calls, then a
``submit_verdict`` citing the call whose result holds the rules' computed figure. Only the
Report contract is used (quote, kind, claimed, verdict label, steps, explanation, caveats), so
this stays independent of how the rules backend works inside.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any

from flopcheck.prompts import find_article
from flopcheck.testing.fake_llm import completion, tool_call

_CLAIM_LINE = re.compile(r"^Claim \(JSON\): (\{.*\})$", re.MULTILINE)


@cache
def _rules_report(article: str) -> dict[str, Any]:
    """Return the rules backend's Report for ``article`` as JSON data (cached)."""
    from flopcheck.plugin.checker import check

    report: dict[str, Any] = check(article, backend="rules").model_dump(mode="json")
    return report


def answer(request: dict[str, Any], *, fence_json: bool = False) -> dict[str, Any]:
    """Return the completion the scripted model gives for one request body, with usage.

    Args:
        request: the Chat Completions request body.
        fence_json: wrap JSON content in a Markdown code fence, as some servers do.
    """
    reply = _answer(request, fence_json)
    # Usage as a server would report it, at the usual ~4 characters per token.
    prompt = len(json.dumps([request.get("messages"), request.get("tools")])) // 4
    completion_tokens = len(json.dumps(reply["choices"][0]["message"])) // 4
    reply["usage"] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + completion_tokens,
    }
    return reply


def _answer(request: dict[str, Any], fence_json: bool) -> dict[str, Any]:
    """Return the scripted model's completion for an extraction or a verification request."""
    messages: list[dict[str, Any]] = request.get("messages", [])
    tools = {t.get("function", {}).get("name") for t in request.get("tools") or []}
    texts = [
        m["content"]
        for m in messages
        if m.get("role") == "user" and isinstance(m.get("content"), str)
    ]
    article = next((a for t in texts if (a := find_article(t)) is not None), "")
    if "submit_verdict" in tools:
        claim: dict[str, Any] = next(
            (json.loads(m[1]) for t in texts if (m := _CLAIM_LINE.search(t))), {}
        )
        return _verify(article, claim, messages)
    claims = [_reading(c) for c in _rules_report(article)["claims"]]
    payload = json.dumps({"claims": claims})
    fmt = request.get("response_format") or {}
    if "submit_claims" in tools and not fmt:
        return completion(tool_calls=[tool_call("submit_claims", payload, "call_claims")])
    return completion(f"```json\n{payload}\n```" if fence_json else payload)


def _verify(article: str, claim: dict[str, Any], messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Replay the rules steps of the claim, then submit its verdict."""
    wanted = {key: claim.get(key) for key in ("quote", "kind", "claimed")}
    ruled = next((c for c in _rules_report(article)["claims"] if _reading(c) == wanted), None)
    if ruled is None:
        return _submit(
            label="unverifiable", reason="the scripted model (rules backend) finds no such claim"
        )
    calls = {
        c["id"]: c["function"]["name"]
        for m in messages
        if m.get("role") == "assistant"
        for c in m.get("tool_calls") or []
    }
    results = [
        (m["tool_call_id"], json.loads(m["content"])) for m in messages if m.get("role") == "tool"
    ]
    if results and calls.get(results[-1][0]) == "submit_verdict":
        error = results[-1][1].get("error", "rejected")
        return _submit(label="unverifiable", reason=f"the scripted model cannot cite: {error}")
    verdict = ruled["verdict"]
    replay = [s for s in verdict["steps"] if s["tool"] != "compare_claim"]
    if not calls and replay:
        return completion(
            tool_calls=[
                tool_call(s["tool"], s["args"], f"call_{i}") for i, s in enumerate(replay, start=1)
            ]
        )
    if verdict["label"] == "unverifiable" or verdict["computed"] is None:
        return _submit(
            label="unverifiable",
            reason=verdict["explanation"] or "no basis",
            caveats=verdict["caveats"],
        )
    cited = next(
        (
            (call_id, path)
            for call_id, result in reversed(results)
            if (path := find_figure(result, verdict["computed"])) is not None
        ),
        None,
    )
    if cited is None:
        scaling = _scaling(results, verdict["computed"])
        if scaling is not None:  # the figure is in the results in other units: rescale it
            return completion(
                tool_calls=[
                    tool_call("calculate", {"expression": scaling}, f"call_scale_{len(results)}")
                ]
            )
        return _submit(
            label="unverifiable",
            reason="the scripted model finds no tool result holding the figure",
        )
    claimed_value, claimed_high = _claimed(ruled)
    misleading = verdict["label"] == "misleading"
    return _submit(
        label=verdict["label"],
        computed_call_id=cited[0],
        computed_field=cited[1],
        claimed_value=claimed_value,
        claimed_high=claimed_high,
        reason=verdict["explanation"] if misleading else None,
        caveats=verdict["caveats"],
    )


def _scaling(results: list[tuple[str, Any]], computed: dict[str, Any]) -> str | None:
    """Return a calculate expression turning a figure in the results into ``computed``."""
    value = computed.get("value")
    if not isinstance(value, int | float) or computed.get("low") not in (None, value):
        return None
    for power in (3, 6, 9, 12, 15, -3, -6, -9, -12, -15):
        scaled = {"value": value / 10.0**power, "low": None, "high": None}
        if any(find_figure(result, scaled) is not None for _, result in results):
            return f"{scaled['value']!r} * 1e{power}"
    return None


def _reading(ruled: dict[str, Any]) -> dict[str, Any]:
    """Return how the scripted model extracts a rules claim: quote, kind and claimed figure.

    Where the rules compared a wider claimed range than the figure ("about 74B" read as
    66-83B), the model states that range at extraction, before any tool result is seen.
    """
    claimed = dict(ruled["claimed"])
    compared = next(
        (s["args"] for s in ruled["verdict"]["steps"] if s["tool"] == "compare_claim"), None
    )
    if (
        compared is not None
        and compared.get("claimed_high") is not None
        and (claimed["low"], claimed["high"]) == (None, None)
        and not _close(compared["claimed"], compared["claimed_high"])
    ):
        claimed["low"], claimed["high"] = compared["claimed"], compared["claimed_high"]
    return {"quote": ruled["quote"], "kind": ruled["kind"], "claimed": claimed}


def _claimed(ruled: dict[str, Any]) -> tuple[float | None, float | None]:
    """Return the claimed figure the rules compared, else the claim's own figure."""
    compared = next(
        (s["args"] for s in ruled["verdict"]["steps"] if s["tool"] == "compare_claim"), None
    )
    if compared is not None:
        return compared.get("claimed"), compared.get("claimed_high")
    amount = _reading(ruled)["claimed"]
    if amount["value"] is not None and amount["low"] is None:
        return amount["value"], None
    return amount["low"], amount["high"]


def _submit(
    *,
    label: str,
    computed_call_id: str | None = None,
    computed_field: str | None = None,
    claimed_value: float | None = None,
    claimed_high: float | None = None,
    reason: str | None = None,
    caveats: list[str] | None = None,
) -> dict[str, Any]:
    """Return a completion that calls submit_verdict with these arguments."""
    arguments = {
        "label": label,
        "computed_call_id": computed_call_id,
        "computed_field": computed_field,
        "claimed_value": claimed_value,
        "claimed_high": claimed_high,
        "reason": reason,
        "caveats": caveats or [],
    }
    return completion(tool_calls=[tool_call("submit_verdict", arguments, "call_verdict")])


def _close(a: Any, b: Any) -> bool:
    """Return whether two numbers are equal up to float noise."""
    return (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    )


def find_figure(node: Any, computed: dict[str, Any], path: str = "") -> str | None:
    """Return the dotted path in a tool result whose figure equals ``computed``, or None.

    Args:
        node: a tool result (or a part of one).
        computed: the rules verdict's computed Amount as a dict (value, low, high).
        path: the path of ``node`` itself.
    """
    value = computed.get("value")
    low = computed["low"] if computed.get("low") is not None else value
    high = computed["high"] if computed.get("high") is not None else value
    if isinstance(node, int | float) and not isinstance(node, bool):
        return path if path and low == high and _close(node, value) else None
    if isinstance(node, dict):
        if _close(node.get("low"), low) and _close(node.get("high"), high):
            return path or None
        if _close(node.get("value"), value) and (
            node.get("low") is None or _close(node.get("low"), low)
        ):
            return path or None
        children: Any = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return None
    for key, child in children:
        found = find_figure(child, computed, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
