"""The fake server's scripted model: writes the claim programs the rules backend writes.

A planning request gets, for the fenced article chunk, the programs of
``check_rules(chunk).claims`` (without their spans, as the LLM-facing shape has none), in the
reply format the request asks for. So the openai backend's whole path (formats, anchoring, the
engine, the judge) runs on programs whose verdicts are known, and the same program must give
the same verdict whichever backend wrote it. A repair request gets no programs back: the
scripted model cannot fix what the rules wrote. Usage is reported as a server would, at ~4
characters per token of everything sent, the reply format and tools included.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from flopcheck.llm.formats import SUBMIT
from flopcheck.llm.shape import without_span
from flopcheck.prompts import find_article, opening
from flopcheck.testing.fake_llm import completion, tool_call


@cache
def programs(article: str) -> tuple[dict[str, Any], ...]:
    """Return the rules backend's programs for ``article``, as the model writes them (cached).

    Args:
        article: the fenced text of a planning request.
    """
    from flopcheck.plugin.checker import check_rules

    claims = check_rules(article).claims
    return tuple(without_span(c.program) for c in claims if c.program is not None)


def answer(request: dict[str, Any], *, fence_json: bool = False) -> dict[str, Any]:
    """Return the completion the scripted model gives for one request body, with usage.

    Args:
        request: the Chat Completions request body.
        fence_json: wrap JSON content in a Markdown code fence, as some servers do.
    """
    texts = [
        m["content"]
        for m in request.get("messages", [])
        if m.get("role") == "user" and isinstance(m.get("content"), str)
    ]
    repair = any(t.startswith(opening("repair_programs")) for t in texts)
    article = None if repair else next((a for t in texts if (a := find_article(t))), None)
    payload = json.dumps({"claims": list(programs(article)) if article else []})
    tools = {t.get("function", {}).get("name") for t in request.get("tools") or []}
    if SUBMIT in tools and not request.get("response_format"):
        reply = completion(tool_calls=[tool_call(SUBMIT, payload, "call_claims")])
    else:
        reply = completion(f"```json\n{payload}\n```" if fence_json else payload)
    sent = [request.get("messages"), request.get("tools"), request.get("response_format")]
    prompt, written = len(json.dumps(sent)) // 4, len(payload) // 4
    reply["usage"] = {
        "prompt_tokens": prompt,
        "completion_tokens": written,
        "total_tokens": prompt + written,
    }
    return reply
