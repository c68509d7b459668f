"""Scripting helpers for the agent tests: an article, canned replies, the fake server."""

from __future__ import annotations

import json
from typing import Any

from flopcheck.engine.report import Report
from flopcheck.llm.agent import check_with_openai
from flopcheck.testing.fake_llm import FakeLLM, completion, tool_call

TEXT = (
    "DeepSeek says it trained V3 for $5.5M. It used 2.788M H800 GPU hours at $2 per GPU hour. "
    "A rival claims the run cost $1M."
)
GOOD_QUOTE, WRONG_QUOTE = "trained V3 for $5.5M", "the run cost $1M"
COST_ARGS = {"accelerator_hours": 2.788e6, "usd_per_accelerator_hour": 2}


def run(fake: FakeLLM, text: str = TEXT, **options: Any) -> Report:
    settings: dict[str, Any] = {
        "base_url": fake.url,
        "api_key": "test-key",
        "model": "gpt-4o-mini",
        "timeout": 5.0,
        "max_retries": 0,
    }
    return check_with_openai(text, source="test.txt", **(settings | options))


def claim(
    quote: str, value: float, kind: str = "training_cost", unit: str = "USD"
) -> dict[str, Any]:
    return {
        "quote": quote,
        "kind": kind,
        "claimed": {"value": value, "low": None, "high": None, "unit": unit},
    }


def extraction(*claims: dict[str, Any]) -> dict[str, Any]:
    return completion(json.dumps({"claims": list(claims)}))


def calls(*tool_calls: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return completion(tool_calls=list(tool_calls), finish_reason=finish_reason)


def verdict(call_id: str = "call_cost", claimed: float = 5.5e6, **fields: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "label": "supported",
        "computed_call_id": call_id,
        "computed_field": None,
        "claimed_value": claimed,
        "claimed_high": None,
        "reason": None,
        "caveats": [],
    }
    return calls(tool_call("submit_verdict", arguments | fields, "call_verdict"))


COST_CALL = tool_call("training_cost", COST_ARGS, "call_cost")


def tool_messages(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(m["content"]) for m in request["messages"] if m["role"] == "tool"]
