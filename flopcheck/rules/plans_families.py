"""Plans for claims about a model family ("Llama 2 ranges from 7B to 70B", "Llama 3.1's three
models took 39.3M GPU-hours in all"): checked against the family's own totals or the span of
its members' figures, never against one member picked for it.
"""

from __future__ import annotations

import re

from flopcheck.engine.vocab import Grounding
from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.rules.entities import Mention
from flopcheck.rules.grounding import is_run, sentence_runs
from flopcheck.tools.names import resolve_family, resolve_training_run
from flopcheck.tools.tables import Family

_TOTAL = re.compile(
    r"\btotal\b|\ball (?:\w+ )?(?:of )?(?:the )?(?:models|sizes|variants)\b|\bcombined\b|"
    r"\bcumulative\b|\bin all\b|\btogether\b|\bwhole family\b",
    re.I,
)
_ALL_MODELS = re.compile(r"\ball (?:three|four|\d+|the) (?:models|sizes|variants)\b", re.I)
_ACTIVE = re.compile(r"\bactive\b|\bactivated\b", re.I)
_FIELDS = {
    "tokens": "tokens",
    "gpu_hours": "accelerator_hours_total",
    "compute_flops": "training_compute_flop",
}


def family_plan(b: Builder) -> bool:
    """Plan a claim whose clause names a family and no one model; False when it does not.

    Args:
        b: the claim.
    """
    found = _family_of(b)
    if found is None:
        return False
    family, mention, grounding = found
    field = _field(b)
    if field is None:
        if grounding == "named":
            return False  # a figure of one run: the family's largest model, inferred (grounding)
        raise Unplannable(f"{family.name} is a family of models; the claim names none of them")
    b.ground(mention, family.name, grounding)
    looked = b.call("lookup_family", family=family.name)
    claimed = b.cand.claimed
    if field in family.figures and _TOTAL.search(b.sentence):
        b.compare(looked, f"family.figures.{field}", f"{family.name} in all, as reported")
        return True
    if claimed.low is not None and claimed.high is not None and claimed.low != claimed.high:
        b.span = True
    what = field.replace("_", " ").replace(" total", "")
    b.compare(looked, f"spans.{field}", f"{family.name}'s models, smallest to largest {what}")
    return True


def _family_of(b: Builder) -> tuple[Family, str, Grounding] | None:
    """Return the family the claim's clause names (or, with no model there, its sentence
    before the figure), or the article topic's family when the sentence speaks of all its
    models."""
    start, end = b.segment()
    after = b.anchor_owner()
    if after is not None and after.kind == "family":
        family = resolve_family(after.key)
        if family is not None:
            return family, after.text, "named"
    for span in ((start, end), (b.cand.sentence[0], b.cand.anchor[0])):
        named = list(b.ctx.starting(*span))
        if any(is_run(m) for m in named):
            return None
        families: list[Mention] = [m for m in named if m.kind == "family"]
        if families:
            family = resolve_family(families[0].key)
            return (family, families[0].text, "named") if family else None
    if b.ctx.topic and _ALL_MODELS.search(b.sentence):
        run = resolve_training_run(b.ctx.topic)
        family = resolve_family(run.family) if run.family else None
        if family is not None:
            return family, "the article's models", "inferred"
    return _article_family(b)


def _article_family(b: Builder) -> tuple[Family, str, Grounding] | None:
    """Return the family the article is about, for a sentence that names no model and no
    organisation but the family's maker: inferred only."""
    family = resolve_family(b.ctx.family) if b.ctx.family else None
    if family is None or sentence_runs(b):
        return None
    orgs = {m.key for m in b.ctx.starting(*b.cand.sentence) if m.kind == "org"}
    if orgs - {family.organisation.lower()}:
        return None
    return family, "the article's family", "inferred"


def _field(b: Builder) -> str | None:
    if b.cand.kind == "params":
        return "active_params" if _ACTIVE.search(b.segment_text()) else "total_params"
    return _FIELDS.get(b.cand.kind)
