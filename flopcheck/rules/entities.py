"""Named things in an article: accelerators, generations, models, organisations, precisions.

Mentions are found with one compiled pattern per kind, built from the data tables' names, and
linked across sentences: "the model" or a bare "DeepSeek" inherits the article's subject.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal, cast

from flopcheck.rules.quantities import PRECISION_INITIALS, PRECISION_PATTERN, read_precision
from flopcheck.tools.names import (
    find_training_run,
    normalize,
    resolve_accelerator,
    resolve_family,
)
from flopcheck.tools.tables import accelerators, api_prices, families, training_runs
from flopcheck.tools.tries import initials, trie_pattern
from flopcheck.tools.vocabulary import (
    family_names,
    family_usual_runs,
    generation_names,
    org_default_runs,
)

EntityKind = Literal["accelerator", "model", "family", "org", "precision"]

# Organisations and the reported run an unqualified mention most plausibly means (data).
ORG_DEFAULT_RUN = org_default_runs()
_ORGS = r"DeepSeek|OpenAI|Meta|Google|Mistral|Anthropic|Microsoft|xAI|NVIDIA|Nvidia|AMD|Intel"
_GENERATIONS = "|".join(re.escape(g) for g in generation_names())


_TOPIC_MENTIONS = 2


@dataclass(frozen=True)
class Mention:
    """A named thing at a span of the text, with the canonical key it resolves to."""

    start: int
    end: int
    kind: EntityKind
    key: str
    text: str


def _name_pattern(names: set[str]) -> str:
    """Return one regex trie of names; "-", "_" or a space between a name's words is optional."""
    spellings = {" ".join(re.split(r"[\s\-_]+", n.strip().lower())).strip() for n in names}
    return trie_pattern(sorted(s for s in spellings if s), r"[\s\-]")


@cache
def _names_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return the pattern of chip, model and family names, and one that finds where they start.

    The first tries the three kinds in that order at one place: where a chip name and a model
    name start together the chip wins, and a family name counts only where neither starts. The
    second, one trie of every name, finds the places where it is worth trying (a superset).
    """
    chips = {n for a in accelerators() for n in (a.id, *a.aliases)}
    models = {n for r in training_runs() for n in (r.id, *r.aliases)}
    models |= {n for p in api_prices() for n in (p.model, *p.aliases)}
    models |= set(family_names())
    # Families with a usual run are found as that run (the model names); the rest as families.
    plain = {n for f in families() if not f.usual_run for n in (f.name, *f.aliases)}
    every = _name_pattern(chips | models | plain | set(generation_names()))
    # The tries spell out both cases of each letter; without re.I the engine compares faster.
    vendors = trie_pattern(["nvidia", "amd", "google"], " ")
    where = re.compile(rf"(?<![\w.])(?=(?:{vendors}\s+)?(?:{every}))")
    return re.compile(
        rf"(?<![\w.])(?:(?P<accelerator>(?:NVIDIA\s+|AMD\s+|Google\s+)?"
        rf"(?:{_name_pattern(chips)}|{_GENERATIONS})(?:s|’s|'s)?)"
        rf"|(?P<model>(?:{_name_pattern(models)})(?:’s|'s)?)"
        rf"|(?P<family>(?:{_name_pattern(plain)})(?:’s|'s)?))(?![\w])",
        re.I,
    ), where


# (Written to start with a character class, which the regex engine scans for quickly; the
# lookbehind stands for the word boundary before "The".)
_SIZE = re.compile(r"[Tt](?<!\w[Tt])he (\d+(?:\.\d+)?[BM])(?![\w.])")


def _sizes(text: str, models: list[Mention]) -> list[Mention]:
    """Return "the 405B" as a mention of the one model of that size the article names."""
    by_size: dict[str, set[str]] = {}
    for m in models:
        size = m.key.rsplit(" ", 1)[-1]
        if re.fullmatch(r"\d+(?:\.\d+)?[BM]", size):
            by_size.setdefault(size, set()).add(m.key)
    if not by_size:
        return []
    found = []
    for hit in _SIZE.finditer(text):
        keys = by_size.get(hit.group(1), set())
        if len(keys) == 1:
            key = next(iter(keys))
            found.append(Mention(hit.start(1), hit.end(1), "model", key, hit.group(0)))
    return found


# Links, organisations and numeric formats, found in one scan that tries them only where one
# of their first letters stands (they never overlap but in a link, whose names are dropped).
_MARKS = re.compile(
    initials(["http", "www", *_ORGS.split("|"), *PRECISION_INITIALS], fold=False)
    + r"(?:(?P<url>\bhttps?://\S+|\bwww\.\S+)"
    rf"|(?P<org>\b(?:{_ORGS})(?:’s|'s)?(?![\w]))|(?P<precision>{PRECISION_PATTERN}))"
)


@cache
def _priced_models() -> dict[str, str]:
    """Return the model of each priced name's lookup key (the first listed wins)."""
    keys: dict[str, str] = {}
    for price in api_prices():
        for name in (price.model, *price.aliases):
            keys.setdefault(normalize(name), price.model)
    return keys


@lru_cache(maxsize=4096)
def _model_key(text: str) -> str | None:
    # Cached by spelling: an article names the same few models again and again.
    text = text.removesuffix("’s").removesuffix("'s")
    key = normalize(text)
    usual = family_usual_runs().get(key)
    if usual:
        return usual
    run = find_training_run(text)
    if run is not None:
        return run.id
    return _priced_models().get(key)


@lru_cache(maxsize=4096)
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
    families_found: list[Mention] = []
    names, where = _names_re()
    end = 0
    for at in where.finditer(text):
        m = names.match(text, at.start()) if at.start() >= end else None
        if m is None:
            continue
        end = m.end()
        kind = cast(EntityKind, m.lastgroup)
        if kind == "accelerator":
            key = _accelerator_key(m.group())
        elif kind == "model":
            key = _model_key(m.group())
        else:
            family = resolve_family(m.group().removesuffix("’s").removesuffix("'s"))
            key = family.name if family is not None else None
        if key:
            mention = Mention(m.start(), m.end(), kind, key, m.group())
            (families_found if kind == "family" else found).append(mention)
    found += _sizes(text, [x for x in found if x.kind == "model"])
    # "Llama 2 70B" is the model; "Llama 2" alone the family.
    models = sorted((x.start, x.end) for x in found)
    for f in families_found:
        i = bisect_left(models, (f.end, 0))
        if not (i and models[i - 1][1] > f.start):
            found.append(f)
    links = []
    for m in _MARKS.finditer(text):
        if m.lastgroup == "url":
            links.append((m.start(), m.end()))
        elif m.lastgroup == "org":
            org = m.group().removesuffix("’s").removesuffix("'s").lower()
            found.append(Mention(m.start(), m.end(), "org", org, m.group()))
        else:
            found.append(Mention(m.start(), m.end(), "precision", read_precision(m)[0], m.group()))
    # A name inside a link ("github.com/meta-llama/llama-models") names nothing in the prose.
    if links:
        starts = [s for s, _ in links]
        found = [x for x in found if not _inside(x.start, starts, links)]
    return sorted(found, key=lambda x: x.start)


def _inside(pos: int, starts: list[int], spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` falls in one of the sorted, disjoint ``spans``."""
    i = bisect_right(starts, pos)
    return bool(i) and pos < spans[i - 1][1]


@dataclass(frozen=True)
class ArticleContext:
    """The entities of a whole article, for resolving what a sentence leaves implicit.

    Mentions are kept sorted by start; every query bisects, so the work per claim does not grow
    with the length of the article.
    """

    mentions: tuple[Mention, ...]
    subject: str | None
    topic: str | None = None
    family: str | None = None
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _by_kind: dict[str, tuple[tuple[int, ...], tuple[Mention, ...]]] = field(
        init=False, repr=False, compare=False
    )
    names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.mentions, key=lambda m: (m.start, m.end)))
        object.__setattr__(self, "mentions", ordered)
        object.__setattr__(self, "_starts", tuple(m.start for m in ordered))
        by_kind: dict[str, tuple[tuple[int, ...], tuple[Mention, ...]]] = {}
        for kind in {m.kind for m in ordered}:
            # Ordered by end, for looking back from a position.
            ends = tuple(sorted((m for m in ordered if m.kind == kind), key=lambda m: m.end))
            by_kind[kind] = (tuple(m.end for m in ends), ends)
        object.__setattr__(self, "_by_kind", by_kind)
        names = {m.text.removesuffix("’s").removesuffix("'s") for m in ordered}
        object.__setattr__(self, "names", frozenset(names))

    def starting(self, start: int, end: int) -> tuple[Mention, ...]:
        """Return the mentions that start inside [start, end), in order.

        Args:
            start: span start.
            end: span end.
        """
        return self.mentions[bisect_left(self._starts, start) : bisect_left(self._starts, end)]

    def overlaps(self, start: int, end: int) -> bool:
        """Return whether a mention other than an organisation overlaps [start, end).

        Args:
            start: span start.
            end: span end.
        """
        # Mentions are short, so one that overlaps the span starts at most 200 chars before it.
        return any(
            m.end > start and m.kind != "org" for m in self.starting(max(0, start - 200), end)
        )

    def before(self, pos: int, kind: EntityKind, limit: int = 600) -> list[Mention]:
        """Return mentions of ``kind`` ending before ``pos`` within ``limit`` chars, nearest first.

        Args:
            pos: a character offset.
            kind: the entity kind.
            limit: how far back to look.
        """
        ends, ordered = self._by_kind.get(kind, ((), ()))
        hi = bisect_right(ends, pos)
        lo = bisect_left(ends, pos - limit, 0, hi)
        return list(reversed(ordered[lo:hi]))

    def within(self, start: int, end: int, kind: EntityKind) -> list[Mention]:
        """Return mentions of ``kind`` inside [start, end), in order.

        Args:
            start: span start.
            end: span end.
            kind: the entity kind.
        """
        return [m for m in self.starting(start, end) if m.kind == kind and m.end <= end]


def build_context(text: str) -> ArticleContext:
    """Find the mentions of an article and its subject (the most-mentioned model or org).

    Args:
        text: the article text.
    """
    mentions = tuple(find_mentions(text))
    families = Counter(m.key for m in mentions if m.kind == "family")
    # An organisation's flagship is only a guess at what its name means; a family of its own
    # that the article names is better evidence, so the guess then counts for nothing.
    makers = {f.organisation.lower() for f in map(resolve_family, families) if f is not None}
    counts: Counter[str] = Counter()
    for m in mentions:
        if m.kind == "model":
            counts[m.key] += 2
        elif m.kind == "org" and m.key in ORG_DEFAULT_RUN and m.key not in makers:
            counts[ORG_DEFAULT_RUN[m.key]] += 1
    ranked = counts.most_common(2)
    subject = ranked[0][0] if ranked else None
    # The article's topic: a model it names far more than any other, by name, at least twice.
    named = sum(1 for m in mentions if m.kind == "model" and m.key == subject)
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    dominant = bool(ranked) and named >= _TOPIC_MENTIONS and ranked[0][1] >= 2 * runner_up
    # The article's family: one it names at least twice, when no model is named as often.
    top = families.most_common(1)
    family = None
    if top and top[0][1] >= _TOPIC_MENTIONS and top[0][1] * 2 > (ranked[0][1] if ranked else 0):
        family = top[0][0]
    return ArticleContext(
        mentions=mentions,
        subject=subject,
        topic=subject if dominant else None,
        family=family,
    )
