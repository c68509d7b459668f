"""Grounding: which model or chip a claim is about, and how sure that is.

A claim is checked against a data record only when its own clause names the subject, or when an
unambiguous pronoun ("it", "the model") refers back to the one subject of its sentence or the
one before. A model named elsewhere in the article is never a fallback for a refutation: an
organisation's flagship, a family's largest model or the article's main subject can only be
*inferred*, and the judge lets an inferred subject support a claim but never refute it. A clause
that names a model flopcheck has no record of is about that model, so it is unverifiable ("no
figures for Grok-3") rather than checked against another model's figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from flopcheck.engine.vocab import Grounding
from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.rules.entities import ORG_DEFAULT_RUN, Mention
from flopcheck.rules.sentences import split_sentences
from flopcheck.tools.names import family_members, normalize, resolve_family
from flopcheck.tools.tables import api_prices, training_runs

# How far back the article's own statements of who used which hardware are looked for.
_HARDWARE_LOOKBACK = 1500
# A model named within this many characters after a figure ("$10 for GPT-4o") owns it.
_OWNER_GAP = 8
ANAPHOR = re.compile(
    r"\b(?:[Ii]t|[Ii]ts|[Ii]t’s|[Ii]t's|[Tt]hey|[Tt]heir|[Tt]he model|[Tt]his model|"
    r"[Tt]he company|[Tt]he lab|(?:[Tt]hat|[Tt]his|[Tt]he|[Tt]he same) (?:job|run|training run))\b"
)
DEFINITE = re.compile(r"\b[Tt]he (?:model|run|training run|same model|final run|company's model)\b")
_GENERIC = re.compile(r"\ba (?:model|company|lab|frontier)\b|\bany\b|\btypical\b", re.I)
# Words that set a name against the subject ("larger than the H100", "versus GPT-4", "like
# X"): the name they precede is not the subject.
COMPARED = re.compile(
    r"(?:\bthan|\bvs\.?|\bversus|\blike|\bcompared (?:with|to)|\bunlike|\bagainst)\s+(?:the\s+)?$",
    re.I,
)
# Model families writers name; a versioned name of one that no record matches is a model
# flopcheck has no figures for.
_FAMILIES = (
    "Llama|LLaMA|DeepSeek|GPT|Gemini|Claude|Grok|Qwen|Mistral|Mixtral|Falcon|Nemotron|Gemma|Phi|"
    "PaLM|Gopher|Chinchilla|BLOOM|OPT|MPT|Yi|Kimi|MiniMax|Inflection|Ernie|ERNIE|Jamba|DBRX|"
    "Command|Sonnet|Opus|Haiku|Megatron|MT-NLG|BloombergGPT|Stable Diffusion|Sora|Veo|Imagen"
)
# Any capitalised name with a version glued on ("Zephyrix-7", "Orion2.5") is a product name.
_VERSIONED_NAME = re.compile(r"\b[A-Z][a-z]{2,}[A-Za-z]*-?v?\d+(?:\.\d+)?[A-Za-z]?\b")
_NOT_A_MODEL = re.compile(
    r"(?:Figure|Fig|Table|Section|Step|Phase|Part|Tier|Top|Chapter|Version|Level|Stage|Round|"
    r"Day|Week|Month|Year|Page|Item|Option|Gen|Generation|Series|Windows|Python|Model|Note|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\b",
    re.I,
)
_MODEL_NAME = re.compile(
    rf"\b(?:{_FAMILIES})(?:[-\s]?(?:v?\d[\w.]*|[A-Z][a-z]+\b|R\d\b|V\d\b))*", re.UNICODE
)


@cache
def _run_ids() -> frozenset[str]:
    return frozenset(r.id for r in training_runs())


@cache
def _sized_runs() -> dict[str, str]:
    """Run id -> its size tag ("405B"), for runs whose name carries one."""
    sized = {}
    for run in training_runs():
        m = re.search(r"\b\d+(?:\.\d+)?[BT]\b", run.id)
        if m:
            sized[run.id] = m.group()
    return sized


@cache
def _known_names() -> frozenset[str]:
    names = {n for r in training_runs() for n in (r.id, *r.aliases)}
    names |= {n for p in api_prices() for n in (p.model, *p.aliases)}
    return frozenset(normalize(n) for n in names)


def is_run(mention: Mention) -> bool:
    """Return whether a mention names a training run flopcheck has figures for.

    Args:
        mention: an entity mention.
    """
    return mention.kind == "model" and mention.key in _run_ids()


def _named_grounding(mention: Mention) -> Grounding:
    """A family name without the size of the run it resolved to ("Llama 3" for the 405B) is a
    guess at which member is meant."""
    size = _sized_runs().get(mention.key)
    if size and size.lower() not in mention.text.lower():
        return "inferred"
    return "named"


@cache
def _api_models() -> frozenset[str]:
    return frozenset(p.model for p in api_prices())


def is_hosted(mention: Mention) -> bool:
    """Return whether a mention names a hosted model with an API price.

    Args:
        mention: an entity mention.
    """
    return mention.kind == "model" and mention.key in _api_models()


Accept = Callable[[Mention], bool]


def _runs(b: Builder, start: int, end: int, accept: Accept = is_run) -> list[Mention]:
    return [m for m in b.ctx.starting(start, end) if accept(m)]


def _nearest(mentions: list[Mention], before: int) -> Mention | None:
    earlier = [m for m in mentions if m.end <= before]
    return earlier[-1] if earlier else None


def _owns(b: Builder, m: Mention) -> bool:
    """Return whether a mention before the figure owns it: a possessive ("o1's $15 and $60"), a
    name whose parenthesis holds the figure ("Llama3.1 (405B params"), or a name not set against
    another ("larger than X" is the comparator, not the subject)."""
    between = b.text[m.end : b.cand.anchor[0]]
    if m.text.endswith(("'s", "’s")) or re.match(r"\s*\([^()]*$", between):
        return True
    return not COMPARED.search(b.text[max(0, m.start - 24) : m.start])


def _subject_of(b: Builder, mentions: list[Mention]) -> Mention | None:
    """Return the model of the sentence that owns the figure: the nearest one before it that
    owns it, else the first one after it that is not a comparator."""
    before = [m for m in mentions if m.end <= b.cand.anchor[0]]
    for m in reversed(before):
        if _owns(b, m):
            return m
    for m in mentions:
        if m.start < b.cand.anchor[1] or _NEW_CLAUSE.search(b.text, b.cand.anchor[1], m.start):
            continue  # "$1 billion ..., and Gemini's report says" is not about Gemini
        if not COMPARED.search(b.text[max(0, m.start - 24) : m.start]):
            return m
    return None


# Where a sentence starts a clause of its own, with its own subject.
_NEW_CLAUSE = re.compile(
    r",\s+(?:and|but|while|whereas|although|though|so|yet)\s|;\s|\s(?:but|whereas)\s", re.I
)


def unknown_model(b: Builder, start: int, end: int) -> str | None:
    """Return a model the span names that no record matches ("Grok-3"), if any.

    Args:
        b: the claim.
        start: span start.
        end: span end.
    """
    for pattern in (_MODEL_NAME, _VERSIONED_NAME):
        for m in pattern.finditer(b.text, start, end):
            name = m.group().strip()
            if b.ctx.overlaps(m.start(), m.end()):
                continue
            if not re.search(r"\d|[A-Z][a-z]+\s[A-Z]", name) or normalize(name) in _known_names():
                continue
            if _NOT_A_MODEL.match(name):
                continue
            return name
    return None


def run_subject(b: Builder) -> str:
    """Ground the training run a claim is about, record it on the builder, and return its id.

    Args:
        b: the claim.
    """
    return subject(b, is_run)


def subject(b: Builder, accept: Accept) -> str:
    """Ground the model a claim is about among the mentions ``accept`` takes (runs, or hosted
    models), record it on the builder, and return its key.

    Args:
        b: the claim.
        accept: which mentions can be the subject.
    """
    column = b.cand.detail.get("table_subject")
    if isinstance(column, Mention):
        # A table cell is about the entity its column header names.
        if not accept(column):
            raise Unplannable(f"flopcheck has no such figures for {column.text}")
        b.ground(column.text, column.key, _named_grounding(column))
        return column.key
    seg_start, seg_end = b.segment()
    a_start, a_end = b.cand.anchor
    s_start, s_end = b.cand.sentence
    segment = b.text[seg_start:seg_end]
    in_segment = _runs(b, seg_start, seg_end, accept)
    owner = [m for m in in_segment if a_end <= m.start < a_end + _OWNER_GAP]
    chosen = owner[0] if owner else _nearest(in_segment, a_start)
    if chosen is None and in_segment:
        chosen = in_segment[0]
    if chosen is None:
        unknown = unknown_model(b, seg_start, seg_end)
        if unknown:
            raise Unplannable(f"flopcheck has no figures for {unknown}")
        chosen = _subject_of(b, _runs(b, s_start, s_end, accept))
    if chosen is not None:
        grounding = _named_grounding(chosen)
        b.ground(chosen.text, chosen.key, grounding)
        return chosen.key
    unknown = unknown_model(b, s_start, s_end)
    if unknown:
        raise Unplannable(f"flopcheck has no figures for {unknown}")
    if ANAPHOR.search(segment) or ANAPHOR.match(b.sentence):
        previous = _previous_sentence_runs(b, accept)
        if len({m.key for m in previous}) == 1:
            b.ground(segment_anaphor(segment), previous[0].key, "anaphor")
            return previous[0].key
        topic = _topic(b, segment, accept) or _topic(b, b.sentence[:40], accept)
        if topic:
            return topic
    generic = _GENERIC.search(segment)
    if generic:
        topic = _described_topic(b, generic.group(), accept)
        if topic is None:
            raise Unplannable("the claim is about models in general, not one with figures")
        b.ground("the article's topic", topic, "inferred")
        return topic
    return _inferred_run(b, accept)


def _described_topic(b: Builder, generic: str, accept: Accept) -> str | None:
    """Return the article's topic when "a model" describes it: an article about one model that
    tells what was done ("achieved ... training a frontier-level model for $5.6 million"), not
    how things are in general ("training a model today costs"). Inferred only: never refuted.

    Args:
        b: the claim.
        generic: the generic words the claim's clause uses.
        accept: which mentions can be the subject.
    """
    topic = b.ctx.topic
    s_start, s_end = b.cand.sentence
    if topic is None or not generic.lower().startswith("a ") or _runs(b, s_start, s_end, accept):
        return None
    if not _DONE.search(b.sentence) or _NOWADAYS.search(b.sentence):
        return None
    return topic if accept(Mention(0, 0, "model", topic, topic)) else None


_DONE = re.compile(r"\b(?:achieved|managed|trained|built|developed|released|unveiled|did)\b", re.I)
_NOWADAYS = re.compile(r"\b(?:today|now|typically|usually|generally|nowadays|costs|takes)\b", re.I)


def referred_run(b: Builder) -> str | None:
    """Return the run a pronoun in the claim's sentence refers back to, grounded as an anaphor:
    the one run the sentence before names.

    Args:
        b: the claim.
    """
    segment = b.segment_text()
    if not (ANAPHOR.search(b.sentence) or ANAPHOR.search(segment)):
        return None
    previous = _previous_sentence_runs(b, is_run)
    if len({m.key for m in previous}) == 1:
        b.ground(segment_anaphor(b.sentence), previous[0].key, "anaphor")
        return previous[0].key
    return _topic(b, b.sentence, is_run)


def _topic(b: Builder, text: str, accept: Accept) -> str | None:
    """A definite description ("the model", "the run") with no nearer antecedent refers to the
    model the whole article is about, when one dominates it."""
    m = DEFINITE.search(text)
    topic = b.ctx.topic
    if m is None or topic is None or not accept(Mention(0, 0, "model", topic, topic)):
        return None
    b.ground(m.group(), topic, "anaphor")
    return topic


def segment_anaphor(segment: str) -> str:
    """Return the pronoun a segment refers back with ("it", "the model").

    Args:
        segment: the clause text.
    """
    m = ANAPHOR.search(segment)
    return m.group() if m else "it"


def sentence_runs(b: Builder) -> list[Mention]:
    """Return the runs the claim's sentence names, leaving out asides in brackets that do not
    hold the figure ("... 4000x less compute than the 405B (unlike Chinchilla's 20)").

    Args:
        b: the claim.
    """
    s, e = b.cand.sentence
    asides = [
        (m.start(), m.end())
        for m in _ASIDE.finditer(b.text, s, e)
        if not m.start() <= b.cand.anchor[0] < m.end()
    ]
    return [
        m
        for m in b.ctx.starting(s, e)
        if is_run(m) and not any(a <= m.start < z for a, z in asides)
    ]


_ASIDE = re.compile(r"\([^()]*\)")


def previous_sentence_start(b: Builder) -> int:
    """Return where the sentence before the claim's begins."""
    start = b.cand.sentence[0]
    window = b.text[max(0, start - 600) : start]
    # The previous sentence ends at the last sentence end before the claim's sentence.
    cut = max(window.rfind(". ", 0, len(window) - 2), window.rfind("\n", 0, len(window) - 1))
    return max(0, start - 600) + (cut + 1 if cut >= 0 else 0)


def _previous_sentence_runs(b: Builder, accept: Accept) -> list[Mention]:
    """Return the models named in the sentence before the claim's."""
    return _runs(b, previous_sentence_start(b), b.cand.sentence[0], accept)


def _inferred_run(b: Builder, accept: Accept) -> str:
    """Fall back to an organisation's flagship (named in the claim's clause, before the figure in
    its sentence, or in the sentence before) or to the article's subject: inferred only."""
    seg_start, seg_end = b.segment()
    s_start = b.cand.sentence[0]
    previous_start = previous_sentence_start(b)
    places = [
        [m for m in b.ctx.starting(start, end) if m.kind == "org"]
        for start, end in (
            (seg_start, seg_end),
            (s_start, b.cand.anchor[0]),
            (previous_start, s_start),
        )
    ]
    flagship = _family_flagship(b, accept)
    if flagship is not None:
        return flagship
    for place in places:
        for m in place:
            if COMPARED.search(b.text[max(0, m.start - 24) : m.start]):
                continue
            run = ORG_DEFAULT_RUN.get(m.key)
            if run and accept(Mention(m.start, m.end, "model", run, m.text)):
                b.ground(m.text, run, "inferred")
                return run
    subject_key = b.ctx.subject
    if subject_key and accept(Mention(0, 0, "model", subject_key, subject_key)):
        b.ground("the article's subject", subject_key, "inferred")
        return subject_key
    raise Unplannable("the claim names no model flopcheck has reported figures for")


def _family_flagship(b: Builder, accept: Accept) -> str | None:
    """Return the largest model of the family the claim's clause names ("Llama 3: 38-43% MFU
    on H100s"), for a figure that belongs to one run: inferred, so it can support the figure
    but never refute it."""
    seg_start, seg_end = b.segment()
    for m in b.ctx.starting(seg_start, seg_end):
        family = resolve_family(m.key) if m.kind == "family" else None
        if family is None:
            continue
        members = [r for r in family_members(family) if accept(Mention(0, 0, "model", r.id, r.id))]
        if members:
            largest = max(members, key=lambda r: r.total_params.mid() if r.total_params else 0.0)
            b.ground(f"{m.text}'s largest model", largest.id, "inferred")
            return largest.id
    return None


def hardware_of(b: Builder, mention: Mention) -> tuple[str, Grounding] | None:
    """Return the accelerator the article says an organisation or model used, and how sure.

    The nearest earlier sentence that names the same organisation or model and exactly one
    accelerator ("DeepSeek used Hopper GPUs") says which; without one, the run's record does,
    as an inference.

    Args:
        b: the claim.
        mention: the organisation or model mention in the claim's sentence.
    """
    start = max(0, b.cand.sentence[0] - _HARDWARE_LOOKBACK)
    for s, e in reversed(split_sentences(b.text[start : b.cand.sentence[0]])):
        s, e = s + start, e + start
        names = {m.key for m in b.ctx.starting(s, e) if m.kind in ("org", "model")}
        chips = {m.key for m in b.ctx.within(s, e, "accelerator")}
        if mention.key in names and len(chips) == 1:
            return next(iter(chips)), "anaphor"
    run = ORG_DEFAULT_RUN.get(mention.key) if mention.kind == "org" else mention.key
    if run and run in _run_ids():
        chip = next((r.accelerator for r in training_runs() if r.id == run), None)
        if chip:
            return chip, "inferred"
    return None
