"""The verifier's machinery: tool calls recorded as steps, and the calculator's judgement.

A plan (see ``plans.py``) calls tools through :class:`Session`, which records every call as a
``Step``; :meth:`Session.judge` asks ``compare_claim`` for the label, so supported/refuted is
always decided by the calculator. Plans only add ``misleading`` (with a named reason) or give up
with ``unverifiable``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flopcheck.engine.report import Amount, Label, Step, Verdict
from flopcheck.tools import call

_SCALED = re.compile(r"^\s?(?:[kKmMbBtT]\b|thousand|million|billion|trillion|mn|bn)")
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


class Unverifiable(Exception):  # noqa: N818 - a plan outcome, not a fault
    """Raised by a plan that has no quantitative basis; the message is the explanation."""


def rounding(literal: str, approx: bool) -> float:
    """Return the relative rounding a written number implies ("$5M" -> 0.1, "2.788M" -> 0.0002).

    Args:
        literal: the number as written, e.g. "$5.5 million".
        approx: whether the text hedged it ("~", "about", "roughly").
    """
    m = _DIGITS.search(literal)
    if not m or re.search(r"\d\s?/\s?\d", literal):
        # Fractions ("1/10th") and words ("several") are round figures by nature.
        return 0.1 + (0.1 if approx else 0.0)
    digits = m.group().replace(",", "")
    if "." in digits:
        frac = digits.split(".")[1]
        value = float(digits)
        unit = 10.0 ** -len(frac)
    else:
        value = float(digits)
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped)
        scaled = _SCALED.search(literal[m.end() :]) is not None
        # "$40m" or "2000" may be rounded to their last nonzero digit; "10x" is exact.
        unit = 10.0**zeros if stripped and (scaled or zeros >= 3) else 1.0
    rel = 0.5 * unit / value if value else 0.0
    return min(0.5, rel + (0.1 if approx else 0.0))


@dataclass
class Session:
    """The tool calls behind one verdict."""

    steps: list[Step] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def call(self, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        """Call a registry tool, record the step, and return its result.

        Args:
            tool: the tool name.
            args: its arguments.
        """
        result = call(tool, args)
        self.steps.append(Step(tool=tool, args=args, result=result))
        if "error" in result:
            raise Unverifiable(f"{tool} could not compute this: {result['error']}")
        for s in result.get("sources", []):
            if s not in self.sources:
                self.sources.append(s)
        for a in result.get("assumptions", []):
            if a not in self.assumptions:
                self.assumptions.append(a)
        return result

    def calc(self, expression: str) -> float:
        """Evaluate arithmetic with the ``calculate`` tool, so the step is on the record.

        Args:
            expression: e.g. "3.29e24 / 3.79e25".
        """
        return float(self.call("calculate", {"expression": expression})["value"]["mid"])

    def convert(self, value: float, from_unit: str, to_unit: str) -> float:
        """Convert a value with the ``convert_units`` tool.

        Args:
            value: the number.
            from_unit: its unit.
            to_unit: the unit wanted.
        """
        args = {"value": value, "from_unit": from_unit, "to_unit": to_unit}
        return float(self.call("convert_units", args)["value"]["mid"])

    def judge(
        self,
        claimed: Amount,
        computed: Amount,
        spread: float,
        explanation: str,
        caveats: list[str] | None = None,
        confidence: float = 0.85,
    ) -> Verdict:
        """Label a claim with ``compare_claim`` and assemble the verdict.

        Args:
            claimed: the claimed amount (value, or low/high range).
            computed: the recomputed amount (value, or low/high range).
            spread: the relative rounding of the claimed figure (see :func:`rounding`).
            explanation: the derivation in one or two sentences.
            caveats: what the figure leaves out, even when supported.
            confidence: how much the inputs can be trusted.
        """
        c_low = claimed.low if claimed.low is not None else claimed.value
        c_high = claimed.high if claimed.high is not None else claimed.value
        k_low = computed.low if computed.low is not None else computed.value
        k_high = computed.high if computed.high is not None else computed.value
        if c_low is None or c_high is None or k_low is None or k_high is None:
            raise Unverifiable("no number to compare")
        args: dict[str, Any] = {
            "claimed": c_low * (1 - spread),
            "claimed_high": c_high * (1 + spread),
            "low": k_low,
            "high": k_high,
        }
        if computed.value is not None:
            args["mid"] = computed.value
        result = self.call("compare_claim", args)
        label: Label = result["label"]
        mid = computed.value if computed.value is not None else (k_low + k_high) / 2
        claim_mid = (c_low + c_high) / 2
        return self.verdict(
            label,
            computed,
            explanation,
            caveats or [],
            confidence,
            ratio=claim_mid / mid if mid else None,
        )

    def verdict(
        self,
        label: Label,
        computed: Amount | None,
        explanation: str,
        caveats: list[str],
        confidence: float,
        ratio: float | None = None,
    ) -> Verdict:
        """Assemble a verdict from this session's steps, sources and assumptions.

        Args:
            label: the label.
            computed: the recomputed amount, if any.
            explanation: the derivation.
            caveats: caveats to attach.
            confidence: 0..1.
            ratio: claimed / computed.
        """
        if computed is not None and computed.value is not None and computed.low is None:
            # An exact figure is the range [value, value] (DESIGN.md's Report).
            computed = computed.model_copy(update={"low": computed.value, "high": computed.value})
        return Verdict(
            label=label,
            confidence=confidence,
            computed=computed,
            ratio=round(ratio, 4) if ratio is not None else None,
            explanation=explanation,
            steps=list(self.steps),
            assumptions=list(self.assumptions),
            caveats=caveats,
            sources=list(self.sources),
        )


def misleading(verdict: Verdict, reason: str, detail: str) -> Verdict:
    """Relabel a verdict whose figure holds as misleading, naming the reason.

    Args:
        verdict: the verdict from :meth:`Session.judge`.
        reason: the named reason, e.g. "rental cost of one run vs total spend".
        detail: one sentence on why the comparison does not hold.
    """
    if verdict.label != "supported":
        return verdict
    return verdict.model_copy(
        update={
            "label": "misleading",
            "explanation": f"misleading ({reason}): {detail} {verdict.explanation}",
            "caveats": [*verdict.caveats, reason],
            "confidence": min(verdict.confidence, 0.75),
        }
    )


def amount(result: dict[str, Any]) -> Amount:
    """Return a tool result's ``value`` range as an Amount (value = mid).

    Args:
        result: a calculator result with the spine.
    """
    v = result["value"]
    if v["low"] == v["high"]:
        return Amount(value=v["mid"], unit=v["unit"])
    return Amount(value=v["mid"], low=v["low"], high=v["high"], unit=v["unit"])
