"""Scripting helpers for the openai backend's tests: an article, plan replies, the fake server."""

from __future__ import annotations

import json
from typing import Any

from flopcheck.engine.report import Report
from flopcheck.llm.agent import check_with_openai
from flopcheck.prompts import find_article
from flopcheck.testing.fake_llm import FakeLLM, completion

TEXT = (
    "DeepSeek says it trained V3 for $5.5M. It used 2.788M H800 GPU hours at $2 per GPU hour. "
    "A rival claims the run cost $1M."
)
GOOD_QUOTE, WRONG_QUOTE = "trained V3 for $5.5M", "the run cost $1M"
COST_STEP = {
    "id": "s1",
    "tool": "training_cost",
    "args": {
        "accelerator_hours": 2.788e6,
        "usd_per_accelerator_hour": 2,
        "accelerator": None,
        "as_of": None,
    },
}


def run(fake: FakeLLM, text: str = TEXT, **options: Any) -> Report:
    """Check ``text`` with the openai backend against ``fake``."""
    settings: dict[str, Any] = {
        "base_url": fake.url,
        "api_key": "test-key",
        "model": "gpt-4o-mini",
        "timeout": 5.0,
        "max_retries": 0,
    }
    return check_with_openai(text, source="test.txt", **(settings | options))


def program(
    quote: str = GOOD_QUOTE,
    value: float = 5.5e6,
    literal: str = "$5.5M",
    *,
    steps: list[dict[str, Any]] | None = None,
    compare: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Return a claim program as the model writes it (no span), checking a cost by default."""
    return {
        "quote": quote,
        "kind": "training_cost",
        "claimed": {
            "value": value,
            "low": None,
            "high": None,
            "unit": "USD",
            "written": {"literal": literal, "hedged": False, "bound": None},
        },
        "subjects": [{"text": "V3", "record": None, "grounding": "article"}],
        "steps": [COST_STEP] if steps is None else steps,
        "compare": [{"step": "s1", "field": "value", "label": None, "unit": None}]
        if compare is None
        else compare,
        "diagnose": [],
        "framing": [],
        "caveats": [],
        "unverifiable": None,
        **fields,
    }


def plan(*programs: dict[str, Any]) -> dict[str, Any]:
    """Return a completion whose content is a plan reply holding ``programs``."""
    return completion(json.dumps({"claims": list(programs)}))


def user_text(request: dict[str, Any]) -> str:
    """Return the user message of a request."""
    return str(next(m["content"] for m in request["messages"] if m["role"] == "user"))


def sent_article(request: dict[str, Any]) -> str | None:
    """Return the article text a request carries, if any."""
    return find_article(user_text(request))
