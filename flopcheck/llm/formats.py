"""Reply formats and reading what the model wrote.

Servers differ in what they support, so planning walks a chain of reply formats and stays on
the first one that works for the rest of the run: strict ``json_schema`` structured output, then
JSON mode (``json_object``, the schema then goes in the prompt), then a ``submit_claims`` tool
call. Only strict output is guaranteed to match the schema, so every reply is parsed leniently
here (a code fence, omitted nulls) and validated by the caller.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flopcheck.engine.vocab import KINDS
from flopcheck.llm.shape import MAX_STRING, clip, plan_schema

MODES = ("json_schema", "json_object", "submit_claims")
SUBMIT = "submit_claims"
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?```\s*$", re.DOTALL)
# What a corrective message quotes of a reply that could not be read.
QUOTED_CHARS = 1500


def request_for(mode: str) -> dict[str, Any]:
    """Return the request fields that ask for a plan in one reply format.

    Args:
        mode: one of MODES.
    """
    if mode == "json_schema":
        return {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "claims", "strict": True, "schema": plan_schema()},
            }
        }
    if mode == "json_object":
        return {"response_format": {"type": "json_object"}}
    return {
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": SUBMIT,
                    "strict": True,
                    "description": "Submit the claim programs.",
                    "parameters": plan_schema(),
                },
            }
        ]
    }


def format_text(mode: str) -> str:
    """Return the prompt's sentence on how to reply in one format.

    Args:
        mode: one of MODES.
    """
    if mode == "json_schema":
        return "Reply with the JSON object the response format describes."
    if mode == "json_object":
        schema = json.dumps(plan_schema(), separators=(",", ":"))
        return f"Reply with one JSON object only, matching this JSON schema: {schema}"
    return f"Call the {SUBMIT} tool once, with every claim program."


def reply_text(content: str | None, tool_calls: tuple[tuple[str, str], ...]) -> str:
    """Return where the plan is: the submit_claims arguments, else the message text.

    Args:
        content: the message text.
        tool_calls: (name, arguments) of its tool calls.
    """
    return next((args for name, args in tool_calls if name == SUBMIT), content or "")


def parse_claims(raw: str) -> list[Any] | str:
    """Return the claims of a reply (clipped to bounds), or what is wrong with it.

    Args:
        raw: the reply text or the submit_claims arguments.
    """
    fenced = _FENCE.match(raw)
    try:
        data = json.loads(fenced.group(1) if fenced else raw)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc.msg} at character {exc.pos}"
    except RecursionError:
        return "not JSON that can be read: nested too deeply"
    items = data.get("claims") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return 'expected an object {"claims": [...]}'
    bounded: list[Any] = clip(items)
    return bounded


def quoted(reply: Any) -> str:
    """Return a reply (or part of one) as JSON cut to QUOTED_CHARS, to quote it back.

    Args:
        reply: text or parsed JSON the model wrote.
    """
    text = reply if isinstance(reply, str) else json.dumps(reply)
    return text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 3] + "..."


def lenient(item: dict[str, Any]) -> dict[str, Any]:
    """Fill what JSON-mode replies leave out (nulls, no hedge or bound, an unknown kind).

    Args:
        item: one claim as the model wrote it (already clipped).
    """
    out = dict(item)
    if out.get("kind") not in KINDS:
        out["kind"] = "other"
    claimed = out.get("claimed")
    if isinstance(claimed, dict):
        claimed = {"value": None, "low": None, "high": None, **claimed}
        written = claimed.get("written")
        if isinstance(written, dict):
            claimed["written"] = {"hedged": False, "bound": None, **written}
        out["claimed"] = claimed
    return out


def head_key(item: dict[str, Any]) -> str:
    """Return what tells apart claims that share a quote: their kind and claimed figure.

    Args:
        item: one claim as the model wrote it.
    """
    return json.dumps([item.get("kind"), item.get("claimed")], sort_keys=True)[:MAX_STRING]
