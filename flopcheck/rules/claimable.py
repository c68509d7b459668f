"""What a plan works on: a claim candidate in its article, with a session of tool calls.

Also the screen that gives up early on claims with nothing to recompute (forecasts, hearsay,
actors flopcheck has no figures for), and the rules that decide which run a claim is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flopcheck.engine.report import Amount
from flopcheck.rules.entities import ORG_DEFAULT_RUN, ArticleContext
from flopcheck.rules.extract import Candidate
from flopcheck.rules.sentences import clause_segment
from flopcheck.rules.verify import Session, Unverifiable, rounding

ANAPHOR = re.compile(r"\b(?:[Ii]t|[Ii]ts|[Ii]t’s|[Tt]hey|[Tt]heir|[Tt]he model)\b")
_GENERIC = re.compile(r"\ba (?:model|company|lab|frontier)\b|\bany\b|\btypical\b", re.I)
# A model named within this many characters after a figure ("$10 for GPT-4o") owns it.
_OWNER_GAP = 8
# How far back a claim with no model of its own looks for the model it continues with.
_RECENT_CHARS = 300
HEDGE = re.compile(r"\brumou?red\b|\breportedly\b|\bis said to\b|\ballegedly\b|\bpossibly\b", re.I)
# Chips a company owns or has ordered are not a training run's cluster.
_HOLDINGS = re.compile(r"\b(?:have|has|own|owns|on order|stockpil\w*|bought|buys?)\b", re.I)


@dataclass
class Claimable:
    """What a plan needs: the candidate, the text, the context and a fresh session."""

    cand: Candidate
    text: str
    ctx: ArticleContext
    session: Session

    @property
    def sentence(self) -> str:
        """The sentence holding the claim."""
        return self.text[self.cand.sentence[0] : self.cand.sentence[1]]

    @property
    def spread(self) -> float:
        """The relative rounding of the claimed figure (none for a range: it states its own)."""
        claimed = self.cand.claimed
        if claimed.low is not None and claimed.high is not None and claimed.low != claimed.high:
            return 0.0
        return rounding(self.cand.literal, self.cand.approx)

    @property
    def quote(self) -> str:
        """The claim's own clause."""
        return self.text[self.cand.start : self.cand.end]

    def has(self, *cues: str) -> bool:
        """Return whether the sentence has any of the named cue groups.

        Args:
            *cues: cue group names from ``sentences.CUES``.
        """
        return any(c in self.cand.cues for c in cues)

    def models(self, start: int | None = None, end: int | None = None) -> list[str]:
        """Return the runs named in a span (default: the sentence), in order of mention.

        Args:
            start: span start.
            end: span end.
        """
        s = self.cand.sentence[0] if start is None else start
        e = self.cand.sentence[1] if end is None else end
        keys: list[str] = []
        for m in self.ctx.mentions:
            if not s <= m.start < e:
                continue
            key = m.key if m.kind == "model" else ORG_DEFAULT_RUN.get(m.key, "")
            if m.kind in ("model", "org") and key and key not in keys:
                keys.append(key)
        return keys

    def segment(self) -> tuple[int, int]:
        """Return the clause segment around the claimed figure (between separators)."""
        return clause_segment(self.text, self.cand.sentence, self.cand.anchor)

    def nearest_model(self, start: int, end: int) -> str | None:
        """Return the run of the last model or organisation named in [start, end).

        Args:
            start: span start.
            end: span end.
        """
        for m in reversed(self.ctx.mentions):
            if start <= m.start < end:
                key = (
                    m.key
                    if m.kind == "model"
                    else ORG_DEFAULT_RUN.get(m.key)
                    if m.kind == "org"
                    else None
                )
                if key:
                    return key
        return None

    def subject_run(self) -> str:
        """Return the run the claim is about.

        The model named next to the figure (same clause segment); else, when the segment
        refers back ("their costs"), the first model of the sentence; else the nearest model
        before the figure in the sentence, then in the two sentences or so before it; else the
        article's subject, unless the segment speaks of a model in general ("a model with
        hundreds of billions of parameters").
        """
        seg_start, seg_end = self.segment()
        a_start, a_end = self.cand.anchor
        # "$10 for GPT-4o": a model named right after the figure owns it.
        owner = self.nearest_model(a_end, min(seg_end, a_end + _OWNER_GAP))
        named = owner or self.nearest_model(seg_start, a_start)
        named = named or self.nearest_model(a_start, seg_end)
        if named:
            return named
        segment = self.text[seg_start:seg_end]
        if ANAPHOR.search(segment):
            first = self.models(self.cand.sentence[0], seg_start)
            if first:
                return first[0]
        sentence_start = self.cand.sentence[0]
        before = self.nearest_model(sentence_start, a_start)
        if before:
            return before
        if _GENERIC.search(segment):
            raise Unverifiable("the claim is about models in general, not one with figures")
        recent = self.nearest_model(max(0, sentence_start - _RECENT_CHARS), sentence_start)
        if recent:
            return recent
        if self.ctx.subject:
            return self.ctx.subject
        raise Unverifiable("the claim names no model flopcheck has reported figures for")

    def oriented_ratio(self, a: float, b: float, claimed: Amount) -> float:
        """Return a/b, or b/a when the claim states the ratio the other way round (below 1).

        Args:
            a: one quantity.
            b: the other.
            claimed: the claimed ratio, which decides the orientation.
        """
        ratio = self.session.calc(f"{a!r} / {b!r}")
        if (ratio < 1) != ((claimed.value or 0) < 1):
            ratio = self.session.calc(f"{b!r} / {a!r}")
        return ratio

    def run(self, model: str) -> dict[str, Any]:
        """Look up a training run through the tools and return its record.

        Args:
            model: the model name.
        """
        result: dict[str, Any] = self.session.call("lookup_training_run", {"model": model})["run"]
        return result


_FORECAST = re.compile(
    r"\bwill\b|\bby 20[2-9]\d\b|\bexpects?\b|\bodds\b|\bforecast|\bpredict|\bnext generation",
    re.I,
)
_POSSESSIVE = re.compile(r"\b([A-Z][A-Za-z]+)['’]s\b")


def screen(c: Claimable) -> None:
    """Give up early on claims with nothing to recompute: forecasts, rumours, unknown actors.

    Args:
        c: the claim.
    """
    segment = c.text[slice(*c.segment())]
    if _FORECAST.search(segment):
        raise Unverifiable("a forecast: there is nothing yet to recompute")
    if HEDGE.search(c.quote) and c.cand.kind != "arithmetic":
        raise Unverifiable("the article itself presents this figure as a rumour or hearsay")
    counts = c.cand.claimed.unit in {"GPUs", "accelerators"}
    if c.cand.kind == "cluster_time" and counts and _HOLDINGS.search(segment):
        raise Unverifiable("accelerators a company holds are not disclosed training figures")
    known = {m.text.removesuffix("’s").removesuffix("'s") for m in c.ctx.mentions}
    if c.ctx.within(*c.segment(), "model"):
        return
    for m in _POSSESSIVE.finditer(segment):
        if m.group(1) not in known and m.group(1) not in {"It", "That", "This", "Today"}:
            raise Unverifiable(f"flopcheck has no figures for {m.group(1)}")
