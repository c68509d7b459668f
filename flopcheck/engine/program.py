"""Claim programs: a claim, the tool calls that recompute it, and what to compare.

Both planners (rules and LLM) only write programs; :mod:`flopcheck.engine.runner` runs them
and :mod:`flopcheck.engine.judge` labels them, so the same program always gets the same verdict
and a Report can be re-run without any model. A program holds:

- the quote, its span and kind;
- the claimed amount and how it is written (the literal, a hedge, a bound), from which the
  judge derives the tolerance;
- the subjects, as written and as resolved to data records, with how each was grounded;
- the steps: registry tool calls whose numeric arguments are literals or references
  (``{"ref": "s1.value.mid"}``) to an earlier step's result;
- ``compare``: the figures the claim may match (the first is the reference; "any of a run's
  reported stages" needs several), and ``diagnose``: figures of unlike comparisons that explain
  a claim when it matches one of them (a sparse peak, a cross-precision ratio);
- ``framing``: named misleading reasons the planner proposes, each confirmed by code.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flopcheck.engine.vocab import Bound, Grounding, Kind, Reason

MAX_STEPS = 32
MAX_COMPARISONS = 8
MAX_TEXT = 400
_STEP_ID = r"^s[1-9][0-9]{0,2}$"
_PATH = r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){0,8}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Written(_Strict):
    """How the claimed figure is written: the judge derives the tolerance from this."""

    literal: str = Field(
        max_length=80, description="the figure exactly as the quote writes it, e.g. '$5.5 million'"
    )
    hedged: bool = Field(description="the text hedges it: 'about', '~', 'roughly', 'nearly'")
    bound: Bound | None = Field(
        description="'up to X', 'at least X', 'at most X', 'over X', 'under X'; null for a plain "
        "figure or a range"
    )


class ClaimedAmount(_Strict):
    """What the claim asserts: a value, or a range given by low/high, in ``unit``."""

    # NaN or infinity is no claim (and a Report could not carry it through JSON).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    value: float | None = Field(description="the figure in base units; null for a range")
    low: float | None = Field(description="low end of a range, else null")
    high: float | None = Field(description="high end of a range, else null")
    unit: str = Field(max_length=40, description="e.g. USD, accelerator-hours, FLOP, ratio")
    written: Written


class Subject(_Strict):
    """What the claim is about, as written and as resolved to a data record."""

    text: str = Field(max_length=120, description="the name as written (or the pronoun)")
    record: str | None = Field(description="the data record it resolves to, or null")
    grounding: Grounding = Field(
        description="named: the claim's own clause names it; anaphor: 'it' or 'the model' "
        "refers back to the subject of the same or previous sentence; article: the claim is "
        "checked against the article's own figures; inferred: a guess (never enough to refute)"
    )


class Ref(_Strict):
    """A reference to a figure in an earlier step's result: "<step id>.<dotted path>"."""

    ref: str = Field(pattern=r"^s[1-9][0-9]{0,2}(\.[A-Za-z0-9_]+){0,8}$")


ArgValue = float | int | str | bool | Ref | None


class Step(_Strict):
    """One registry tool call; numeric arguments may reference earlier results."""

    id: str = Field(pattern=_STEP_ID, description="s1, s2, ... in order")
    tool: str = Field(max_length=64)
    args: dict[str, ArgValue]


class Comparison(_Strict):
    """A figure the claim is compared with: a field of a step's result."""

    step: str = Field(pattern=_STEP_ID)
    field: str = Field(default="value", pattern=_PATH, description="dotted path in the result")
    label: str | None = Field(
        default=None, max_length=120, description="what the figure is, e.g. 'reported total'"
    )
    unit: str | None = Field(
        default=None,
        max_length=40,
        description="the figure's unit when the tool gives none (a calculate result); "
        "ignored when the result states its own",
    )


class Diagnostic(Comparison):
    """A figure of an unlike comparison; when the claim matches it, ``reason`` explains it."""

    reason: Reason


class Framing(_Strict):
    """A misleading reason the planner proposes; code confirms it from the steps' results."""

    reason: Reason
    note: str = Field(max_length=MAX_TEXT, description="one sentence: what differs in kind")


class Program(_Strict):
    """A claim and how to check it."""

    quote: str = Field(max_length=2000)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: Kind
    claimed: ClaimedAmount
    subjects: list[Subject] = Field(default_factory=list, max_length=8)
    steps: list[Step] = Field(default_factory=list)
    compare: list[Comparison] = Field(default_factory=list)
    diagnose: list[Diagnostic] = Field(default_factory=list)
    framing: list[Framing] = Field(default_factory=list, max_length=8)
    caveats: list[str] = Field(default_factory=list, max_length=8)
    unverifiable: str | None = Field(
        default=None,
        max_length=MAX_TEXT,
        description="why nothing can be computed (forecast, rumour, no data); steps then empty",
    )

    @model_validator(mode="after")
    def _span(self) -> Program:
        if self.end - self.start != len(self.quote):
            raise ValueError("quote length must equal end - start")
        return self


def step_schema(tools: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return the strict JSON schema of one step: one branch per tool, from its argument schema.

    Every numeric argument accepts a literal or ``{"ref": "s1.value.mid"}``, so the step schema
    and the tool schemas share one source: the tools' argument models.

    Args:
        tools: tool name -> the strict JSON schema of its arguments.
    """
    ref = {
        "type": "object",
        "properties": {"ref": {"type": "string"}},
        "required": ["ref"],
        "additionalProperties": False,
    }
    branches = []
    for name, schema in tools.items():
        args = copy.deepcopy(schema)
        for prop in args.get("properties", {}).values():
            _allow_ref(prop, ref)
        branches.append(
            {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "description": "s1, s2, ... in order"},
                    "tool": {"type": "string", "enum": [name]},
                    "args": args,
                },
                "required": ["id", "tool", "args"],
                "additionalProperties": False,
            }
        )
    return {"anyOf": branches}


def _allow_ref(prop: dict[str, Any], ref: dict[str, Any]) -> None:
    """Let a numeric property (possibly nullable) also take a reference object."""
    options = prop.get("anyOf")
    if options is not None:
        if any(o.get("type") in ("number", "integer") for o in options):
            options.append(ref)
        return
    if prop.get("type") in ("number", "integer"):
        number = {k: prop.pop(k) for k in list(prop) if k != "description"}
        prop["anyOf"] = [number, ref]
