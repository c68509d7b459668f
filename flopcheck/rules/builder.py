"""What a rules plan works with: a claim candidate in its article, and the program it builds.

A plan reads the candidate (its figure, sentence, cue words and the article's mentions) and the
data tables to decide what to compute, then writes tool calls into a :class:`Builder`; it calls
no tool itself. The engine runs the program it builds. A plan that finds nothing to compute
raises :class:`Unplannable`, whose message becomes the claim's ``unverifiable`` reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flopcheck.engine.program import (
    ClaimedAmount,
    Comparison,
    Diagnostic,
    Framing,
    Program,
    Ref,
    Step,
    Subject,
    Written,
)
from flopcheck.engine.report import Amount
from flopcheck.engine.vocab import Bound, Grounding, Reason
from flopcheck.rules.entities import ArticleContext, Mention
from flopcheck.rules.extract import Candidate
from flopcheck.rules.sentences import clause_segment

# Words before a figure that make it one-sided; "up to" is a best case, the rest are limits.
_BOUNDS: tuple[tuple[re.Pattern[str], Bound], ...] = (
    (re.compile(r"\b(?:up to|as (?:much|many|high) as)\s*$", re.I), "up_to"),
    (
        re.compile(r"\b(?:at least|no (?:less|fewer) than|a minimum of|upwards of)\s*$", re.I),
        "at_least",
    ),
    (
        re.compile(r"\b(?:more than|over|above|exceed(?:s|ing)?|in excess of|north of)\s*$", re.I),
        "over",
    ),
    (re.compile(r"\b(?:at most|no more than|a maximum of)\s*$", re.I), "at_most"),
    (re.compile(r"\b(?:less than|under|below|fewer than|within|shy of)\s*$", re.I), "under"),
)
_BOUND_LOOKBACK = 24
# Between a figure and the name that owns it: "2T tokens for Llama 2", "of GPT-4".
_OWNED_BY = re.compile(r"\s*(?:[a-z-]+\s+){0,2}?(?:for|of|by|in)\s+(?:the\s+)?$", re.I)
_DISTANCES = frozenset({"mi", "km", "m"})
_JOURNEY = re.compile(
    r"\b(?:driv|travel|fl(?:y|ew|ight)|walk|rid(?:e|ing)|rode)\w*\b[^.;]{0,40}\bover\s*$", re.I
)
_DURATIONS = {"hours", "days", "weeks", "months", "years"}
_MORE_THAN_TIME = re.compile(
    r"\b(?:took|takes|taking|lasted|lasts|for|spent|needed|needs|required|requires)\s+over\s*$",
    re.I,
)


class Unplannable(Exception):  # noqa: N818 - a plan outcome, not a fault
    """The claim has nothing to compute; the message is the claim's ``unverifiable`` reason."""


_QUOTE_MAX = 2000  # Program.quote's limit


@dataclass(frozen=True)
class Handle:
    """A step of the program being built, to reference its result from later steps."""

    step: str

    def ref(self, path: str = "value.mid") -> Ref:
        """Return a reference to a figure in this step's result.

        Args:
            path: a dotted path in the result, e.g. "run.total_params.value".
        """
        return Ref(ref=f"{self.step}.{path}")


@dataclass
class Builder:
    """A claim candidate in its article, and the program its plan is building."""

    cand: Candidate
    text: str
    ctx: ArticleContext
    steps: list[Step] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    framing: list[Framing] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    claimed_override: Amount | None = None
    # The claim's range states the ends of a computed range (a family's smallest to largest).
    span: bool = False
    _segment: tuple[int, int] | None = None

    @property
    def sentence(self) -> str:
        """The sentence holding the claim."""
        return self.text[self.cand.sentence[0] : self.cand.sentence[1]]

    @property
    def quote(self) -> str:
        """The claim's quote."""
        return self.text[self.cand.start : self.cand.end]

    def segment(self) -> tuple[int, int]:
        """Return the clause segment around the claimed figure (between separators)."""
        if self._segment is None:
            self._segment = clause_segment(self.text, self.cand.sentence, self.cand.anchor)
        return self._segment

    def segment_text(self) -> str:
        """Return the text of the clause segment around the claimed figure."""
        return self.text[slice(*self.segment())]

    def anchor_owner(self) -> Mention | None:
        """Return the name right after the figure that owns it ("2T tokens for Llama 2"), if any."""
        end = self.cand.anchor[1]
        m = next(iter(self.ctx.starting(end, min(end + 40, self.cand.sentence[1]))), None)
        return m if m is not None and _OWNED_BY.match(self.text, end, m.start) else None

    def has(self, *cues: str) -> bool:
        """Return whether the sentence has any of the named cue groups.

        Args:
            *cues: cue group names from ``sentences.CUES``.
        """
        return any(c in self.cand.cues for c in cues)

    # -- the program -------------------------------------------------------------------------

    def call(self, tool: str, **args: Any) -> Handle:
        """Add a tool call to the program and return its handle (nothing runs yet).

        Args:
            tool: the registry tool name.
            **args: its arguments: literals or ``Handle.ref(...)`` references.
        """
        step_id = f"s{len(self.steps) + 1}"
        clean = {k: v for k, v in args.items() if v is not None}
        self.steps.append(Step(id=step_id, tool=tool, args=clean))
        return Handle(step_id)

    def calc(self, expression: str, **variables: float | Ref) -> Handle:
        """Add a ``calculate`` step over the variables x1-x4.

        Args:
            expression: e.g. "x1 / x2".
            **variables: values or references for the names in the expression.
        """
        return self.call("calculate", expression=expression, **variables)

    def compare(
        self, handle: Handle, path: str = "value", label: str | None = None, unit: str | None = None
    ) -> None:
        """Name a figure the claim is compared with (the first one named is the reference).

        Args:
            handle: the step holding it.
            path: the dotted path in the step's result.
            label: what the figure is, for the explanation.
            unit: the figure's unit when the tool gives none (a calculate result).
        """
        self.comparisons.append(Comparison(step=handle.step, field=path, label=label, unit=unit))

    def diagnose(
        self, handle: Handle, path: str, reason: Reason, label: str, unit: str | None = None
    ) -> None:
        """Name a figure of an unlike comparison that explains the claim when it matches.

        Args:
            handle: the step holding it.
            path: the dotted path in the step's result.
            reason: the misleading reason it stands for.
            label: what the figure is.
            unit: the figure's unit when the tool gives none.
        """
        self.diagnostics.append(
            Diagnostic(step=handle.step, field=path, reason=reason, label=label, unit=unit)
        )

    def frame(self, reason: Reason, note: str) -> None:
        """Propose a misleading reason; the engine keeps it only if the results show it.

        Args:
            reason: the named reason.
            note: one sentence on what differs in kind.
        """
        self.framing.append(Framing(reason=reason, note=note))

    def ground(self, text: str, record: str | None, grounding: Grounding) -> None:
        """Record what the claim is about and how that was decided.

        Args:
            text: the name as written.
            record: the data record it resolves to.
            grounding: named, anaphor, article or inferred.
        """
        if not any(s.record == record and s.text == text for s in self.subjects):
            self.subjects.append(Subject(text=text[:120], record=record, grounding=grounding))

    def claim_as(self, amount: Amount) -> None:
        """Compare the claim as this amount instead of the figure read ("85% lead" as 1.85).

        Args:
            amount: the claimed figure as the plan reads it.
        """
        self.claimed_override = amount

    def claimed(self) -> ClaimedAmount:
        """Return the claimed amount with how it is written (literal, hedge, bound)."""
        amount = self.claimed_override or self.cand.claimed
        low, high, bound = amount.low, amount.high, self.bound()
        if self.span and low is not None and high is not None:
            bound = "span"
        elif bound is not None and low is not None and high is not None and low != high:
            # "90%+" is read as a range up to a ceiling; as a bound it is its low end.
            low = high = None
        return ClaimedAmount(
            value=amount.value if amount.value is not None else low,
            low=low,
            high=high,
            unit=amount.unit,
            written=Written(
                literal=(self.cand.literal or self.quote)[:80],
                hedged=self.cand.approx,
                bound=bound,
            ),
        )

    def below_one(self) -> bool:
        """Return whether the claimed ratio is below one ("9%", "1/10th"): it then reads as
        the smaller quantity over the larger, and a computed ratio is oriented the same way."""
        claimed = self.claimed()
        value = claimed.value if claimed.value is not None else claimed.low
        if value is None:
            return False
        return value * (0.01 if claimed.unit == "percent" else 1.0) < 1

    def bound(self) -> Bound | None:
        """Return the one-sided reading of the figure ("up to", "at least", "under", "90%+")."""
        start, end = self.cand.anchor
        if self.text[end : end + 1] == "+" or re.search(r"[0-9]\+", self.cand.literal):
            return "at_least"
        before = self.text[max(self.cand.sentence[0], start - _BOUND_LOOKBACK) : start]
        before = re.sub(r"[~≈$€£]\s*$", "", before)
        for pattern, bound in _BOUNDS:
            if pattern.search(before):
                if bound == "over" and self._during(before):
                    return None
                return bound
        return None

    def _during(self, before: str) -> bool:
        """Return whether "over" before a duration means "during" ("trained on 2,048 GPUs over
        two months"), not "more than" ("it took over two months"); and before a distance,
        "across" ("driving a car over a million miles")."""
        if self.cand.claimed.unit in _DISTANCES:
            start = self.cand.anchor[0]
            wider = self.text[max(self.cand.sentence[0], start - 64) : start]
            return _JOURNEY.search(re.sub(r"[~≈]\s*$", "", wider)) is not None
        if self.cand.claimed.unit not in _DURATIONS:
            return False
        return not _MORE_THAN_TIME.search(before)

    def program(self, unverifiable: str | None = None) -> Program:
        """Return the program built so far (or an unverifiable one with the reason).

        Args:
            unverifiable: why nothing can be computed, if so.
        """
        start, end = self.cand.start, self.cand.end
        if end - start > _QUOTE_MAX:
            # Never longer than a program's quote may be: the part around the figure.
            start = max(start, min(self.cand.anchor[0] - _QUOTE_MAX // 2, end - _QUOTE_MAX))
            end = start + _QUOTE_MAX
        return Program(
            quote=self.text[start:end],
            start=start,
            end=end,
            kind=self.cand.kind,
            claimed=self.claimed(),
            subjects=self.subjects,
            steps=[] if unverifiable else self.steps,
            compare=[] if unverifiable else self.comparisons,
            diagnose=[] if unverifiable else self.diagnostics,
            framing=self.framing,
            caveats=self.caveats,
            unverifiable=unverifiable,
        )
