"""Named things in an article: accelerators, generations, models, organisations, precisions.

Mentions are found with one compiled pattern per kind, built from the data tables' names, and
linked across sentences: "the model" or a bare "DeepSeek" inherits the article's subject.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Literal

from flopcheck.rules.quantities import find_precisions
from flopcheck.tools.names import normalize, resolve_accelerator, resolve_training_run
from flopcheck.tools.tables import accelerators, api_prices, training_runs
from flopcheck.tools.vocabulary import (
    family_names,
    family_usual_runs,
    generation_names,
    org_default_runs,
)

EntityKind = Literal["accelerator", "model", "org", "precision"]

# Organisations and the reported run an unqualified mention most plausibly means (data).
ORG_DEFAULT_RUN = org_default_runs()
_ORGS = r"DeepSeek|OpenAI|Meta|Google|Mistral|Anthropic|Microsoft|xAI|NVIDIA|Nvidia|AMD|Intel"
_GENERATIONS = "|".join(re.escape(g) for g in generation_names())


@dataclass(frozen=True)
class Mention:
    """A named thing at a span of the text, with the canonical key it resolves to."""

    start: int
    end: int
    kind: EntityKind
    key: str
    text: str


def _name_pattern(names: set[str]) -> str:
    parts = []
    for name in sorted(names, key=len, reverse=True):
        tokens = [re.escape(t) for t in re.split(r"[\s\-_]+", name.strip()) if t]
        if tokens:
            parts.append(r"[\s\-]?".join(tokens))
    return "|".join(parts)


@cache
def _accelerator_re() -> re.Pattern[str]:
    names = {n for a in accelerators() for n in (a.id, *a.aliases)}
    return re.compile(
        rf"(?<![\w.])(?:NVIDIA\s+|AMD\s+|Google\s+)?(?:{_name_pattern(names)}|{_GENERATIONS})"
        r"(?:s|’s|'s)?(?![\w])",
        re.I,
    )


@cache
def _model_re() -> re.Pattern[str]:
    names = {n for r in training_runs() for n in (r.id, *r.aliases)}
    names |= {n for p in api_prices() for n in (p.model, *p.aliases)}
    names |= set(family_names())
    return re.compile(rf"(?<![\w.])(?:{_name_pattern(names)})(?:’s|'s)?(?![\w])", re.I)


_ORG_RE = re.compile(rf"\b(?:{_ORGS})(?:’s|'s)?(?![\w])")


def _model_key(text: str) -> str | None:
    text = text.removesuffix("’s").removesuffix("'s")
    key = normalize(text)
    usual = family_usual_runs().get(key)
    if usual:
        return usual
    try:
        return resolve_training_run(text).id
    except ValueError:
        pass
    for price in api_prices():
        if key in {normalize(n) for n in (price.model, *price.aliases)}:
            return price.model
    return None


def _accelerator_key(text: str) -> str | None:
    try:
        return resolve_accelerator(text).record.id
    except ValueError:
        return None


def find_mentions(text: str) -> list[Mention]:
    """Return every entity mention in ``text``, in order of position.

    Args:
        text: the article text.
    """
    found: list[Mention] = []
    for m in _accelerator_re().finditer(text):
        key = _accelerator_key(m.group())
        if key:
            found.append(Mention(m.start(), m.end(), "accelerator", key, m.group()))
    taken = [(x.start, x.end) for x in found]
    for m in _model_re().finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        key = _model_key(m.group())
        if key:
            found.append(Mention(m.start(), m.end(), "model", key, m.group()))
    for m in _ORG_RE.finditer(text):
        org = m.group().removesuffix("’s").removesuffix("'s").lower()
        found.append(Mention(m.start(), m.end(), "org", org, m.group()))
    for p in find_precisions(text):
        found.append(Mention(p.start, p.end, "precision", p.precision, p.text))
    return sorted(found, key=lambda x: x.start)


@dataclass(frozen=True)
class ArticleContext:
    """The entities of a whole article, for resolving what a sentence leaves implicit."""

    mentions: tuple[Mention, ...]
    subject: str | None

    def before(self, pos: int, kind: EntityKind, limit: int = 600) -> list[Mention]:
        """Return mentions of ``kind`` ending before ``pos`` within ``limit`` chars, nearest first.

        Args:
            pos: a character offset.
            kind: the entity kind.
            limit: how far back to look.
        """
        return [
            m
            for m in reversed(self.mentions)
            if m.kind == kind and m.end <= pos and pos - m.end <= limit
        ]

    def within(self, start: int, end: int, kind: EntityKind) -> list[Mention]:
        """Return mentions of ``kind`` inside [start, end), in order.

        Args:
            start: span start.
            end: span end.
            kind: the entity kind.
        """
        return [m for m in self.mentions if m.kind == kind and start <= m.start and m.end <= end]


def build_context(text: str) -> ArticleContext:
    """Find the mentions of an article and its subject (the most-mentioned model or org).

    Args:
        text: the article text.
    """
    mentions = tuple(find_mentions(text))
    counts: Counter[str] = Counter()
    for m in mentions:
        if m.kind == "model":
            counts[m.key] += 2
        elif m.kind == "org" and m.key in ORG_DEFAULT_RUN:
            counts[ORG_DEFAULT_RUN[m.key]] += 1
    subject = counts.most_common(1)[0][0] if counts else None
    return ArticleContext(mentions=mentions, subject=subject)
