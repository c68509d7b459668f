"""Plans for a chip's specification: memory, bandwidth and rated power against its datasheet,
and a server's or node's power against the vendor's system of that chip, never one chip's.

Which chip owns a spec figure is the one named right after it ("on the A100"), else the nearest
before it that is not set against another, else the one chip the sentences before name ("this
GPU").
"""

from __future__ import annotations

import re

from flopcheck.rules.builder import Builder, Unplannable
from flopcheck.rules.entities import Mention
from flopcheck.rules.grounding import COMPARED, previous_sentence_start
from flopcheck.rules.plans_hardware import PER_CHIP, SYSTEM, chip
from flopcheck.tools.tables import systems
from flopcheck.tools.units import convert, find_unit

# Which datasheet field a spec figure is, by what it measures and the words around it.
_LINK = re.compile(r"\bNVLink|\binterconnect|\blink\b|\bscale-up|\bInfinity Fabric|\bICI\b", re.I)
_SPEC_FIELDS = {
    "data": ("accelerator.memory_gb", "memory"),
    "data_rate": ("accelerator.hbm_bandwidth_tb_s", "memory bandwidth"),
    "power": ("accelerator.tdp_w", "rated power (TDP)"),
}
# A chip named right after a figure owns it: "2 TB/s on the A100".
_SPEC_OWNER = re.compile(r"[^.;]{0,20}?\b(?:on|for|of|in)\s+(?:the\s+|an?\s+)?$", re.I)


def _compared(b: Builder, m: Mention) -> bool:
    """Whether a chip is set against another ("than the H100"), unless it owns the figure
    outright ("than the MI300X's 192GB")."""
    owns = m.text.endswith(("'s", "’s")) and m.end + 3 >= b.cand.anchor[0]
    return not owns and COMPARED.search(b.text[max(0, m.start - 24) : m.start]) is not None


def _spec_chip(b: Builder) -> str:
    """Ground the chip a spec figure is about: named right after it ("on the A100"), else the
    nearest named before it, else the one chip of the sentence before ("this GPU")."""
    start, end = b.cand.anchor
    mentions = b.ctx.within(*b.cand.sentence, "accelerator")
    after = [m for m in mentions if m.start >= end and _SPEC_OWNER.match(b.text[end : m.start])]
    # "The MI300X is ... a third more than the H100, and carries 192GB": a chip set against
    # another ("than the H100") is the comparator, not the one the spec belongs to.
    before = [m for m in mentions if m.end <= start and not _compared(b, m)] or [
        m for m in mentions if m.end <= start
    ]
    chosen = after[0] if after else before[-1] if before else None
    if chosen is not None:
        b.ground(chosen.text, chosen.key, "named")
        return chosen.key
    previous = {m.key for m in b.ctx.within(previous_sentence_start(b), start, "accelerator")}
    reference = _THIS_CHIP.search(b.sentence)
    if not previous and reference:
        # "this GPU" reaches further back, to the one chip the paragraph has named.
        previous = {m.key for m in b.ctx.before(start, "accelerator", limit=_THIS_CHIP_REACH)}
    if len(previous) == 1:
        key = next(iter(previous))
        b.ground(reference.group() if reference else "this chip", key, "anaphor")
        return key
    raise Unplannable("the spec names no accelerator")


_THIS_CHIP = re.compile(r"\b(?:this|that|the same) (?:GPU|chip|card|accelerator)\b", re.I)
_THIS_CHIP_REACH = 400  # characters: about the two sentences before


def plan_spec(b: Builder) -> None:
    """Compare a chip's memory, memory bandwidth or rated power with its datasheet."""
    key = _spec_chip(b)
    dimension = b.cand.claimed.unit and _dimension(b.cand.claimed.unit)
    segment = b.segment_text()
    if SYSTEM.search(segment) and not PER_CHIP.search(segment):
        if dimension != "power" or not system_power(b, key):
            raise Unplannable(
                "the figure is for a server, node or rack, not one chip, and flopcheck has no "
                f"one system of {chip(key).id} to set it against"
            )
        return
    path, what = _SPEC_FIELDS.get(dimension or "", ("", ""))
    if dimension == "data_rate" and _LINK.search(b.sentence):
        path, what = "accelerator.scale_up_bandwidth_gb_s", "scale-up link bandwidth"
    if not path:
        raise Unplannable("flopcheck has no datasheet field for this figure")
    field = path.split(".")[-1]
    published = getattr(chip(key), field, None)
    if published is None:
        raise Unplannable(f"no {what} is published for {chip(key).id}")
    if dimension == "power" and _many_chips(b, key, published):
        raise Unplannable(
            f"the figure is the power of many {chip(key).id}s, and the sentence does not say "
            "how many"
        )
    looked = b.call("lookup_accelerator", accelerator=key)
    b.compare(looked, path, f"{chip(key).id}'s {what}")


def _many_chips(b: Builder, key: str, tdp_w: float) -> bool:
    """Whether a power figure is for many chips: the chip is named in the plural ("training on
    H100s needs 150 MW"), or the figure is far beyond what one chip draws."""
    plural = any(
        m.key == key and m.text.rstrip("’'").endswith("s") and not m.text.endswith(("'s", "’s"))
        for m in b.ctx.within(*b.cand.sentence, "accelerator")
    )
    amount = b.cand.claimed
    value = amount.value if amount.value is not None else amount.low or 0.0
    watts = convert(value, amount.unit, "W")
    return plural or watts > _ONE_CHIP_MAX * tdp_w


_ONE_CHIP_MAX = 10  # a figure over ten times a chip's TDP is not that chip's power


# What kind of system a word names; "cluster" or "system" names none in particular.
_SYSTEM_KINDS = {"node": "node", "server": "node", "machine": "node", "box": "node",
                 "dgx": "node", "hgx": "node", "rack": "rack", "pod": "pod"}  # fmt: skip


def system_power(b: Builder, key: str, count: float | None = None) -> bool:
    """Compare a server's or node's power with the vendor's one system of that chip (of that
    many chips, when the count is given) that publishes a system power; False when the clause
    names no server, node or rack, or there is no such one system.

    Inferred when the article names the chip, not the system. A node's, rack's or cluster's figure
    is never set against one chip's datasheet.

    Args:
        b: the claim.
        key: the chip's id.
        count: how many chips the figure is for, if the sentence says.
    """
    word = SYSTEM.search(b.segment_text())
    if word is None:
        return False
    kind = _SYSTEM_KINDS.get(word.group().lower())
    found = [
        s
        for s in systems()
        if s.accelerator == key
        and s.kind == kind
        and s.system_power_kw is not None
        and (count is None or s.accelerator_count == count)
    ]
    if len(found) != 1:
        return False
    system = found[0]
    segment = b.segment_text().lower()
    named = [n for n in (system.id, *system.aliases) if n.lower() in segment]
    if named:
        b.ground(named[0], system.id, "named")
    else:
        b.ground(word.group(), system.id, "inferred")
    looked = b.call("lookup_system", name=system.id)
    b.compare(looked, "system.system_power_kw", f"{system.id}'s system power ({system.kind})")
    return True


def _dimension(unit: str) -> str | None:
    found = find_unit(unit)
    return found.dimension if found else None
