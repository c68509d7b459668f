"""Plans for what hardware costs on the market: an hourly rental price for a named chip, and the
purchase price of one chip or one vendor node.

Both are checked against the tables' quotes leniently (prices move with the date, the volume
and the seller): only a price far outside every quote is refuted. Neither is a training run's
cost.
"""

from __future__ import annotations

import re

from flopcheck.rules.builder import Builder, Handle, Unplannable
from flopcheck.rules.grounding import is_run
from flopcheck.tools.market import purchase_range
from flopcheck.tools.tables import systems

_PURCHASE = re.compile(
    r"\bper (?:GPU|chip|accelerator|server|node|unit|card)\b|\beach\b|\bapiece\b|\bretail|"
    r"\b(?:street|list|purchase|sticker|selling) price|\bto buy\b|\bsells? for\b|\bpurchase|"
    r"\bcluster would cost\b|\bhardware (?:cost|procurement)",
    re.I,
)


HOURLY = frozenset({"USD/GPU-hour", "USD/hour"})


def rental_price(b: Builder) -> None:
    """Compare an hourly price with the market's rental prices for the chip it names."""
    start, end = b.cand.anchor
    chips = b.ctx.within(*b.cand.sentence, "accelerator")
    if not chips:
        raise Unplannable("the hourly price names no accelerator")
    # The chip nearest the price owns it ("H800 GPUs could be rented for $2/hr").
    nearest = min(chips, key=lambda m: abs(m.end - start) if m.end <= start else m.start - end)
    b.ground(nearest.text, nearest.key, "named")
    looked = b.call("lookup_rental_price", accelerator=nearest.key)
    # Rental prices vary by market, commitment and month, and the table holds a few quotes.
    _within_quotes(
        b, looked, 1.5, "USD/accelerator-hour",
        f"{nearest.key} rental prices on the market, from half the lowest to half again the "
        "highest quote",
    )  # fmt: skip


def purchase_price(b: Builder) -> None:
    """Compare a price that buys one chip or one vendor node with the purchase prices on record.

    Prices vary by date, volume and reseller, and the table holds a few listings: only a price
    far outside them (half the lowest, twice the highest) is refuted. A price "with
    infrastructure" or for a whole cluster is more than the item, so it can only be supported.
    """
    seg_start, seg_end = b.segment()
    chips = b.ctx.within(seg_start, seg_end, "accelerator") or b.ctx.within(
        *b.cand.sentence, "accelerator"
    )
    if not chips or b.cand.claimed.unit != "USD":
        raise Unplannable(
            "a price per accelerator, server or cluster is not a training run's cost, and the "
            "sentence names no chip whose purchase price is on record"
        )
    start = b.cand.anchor[0]
    chip = min(chips, key=lambda m: abs(m.start - start))
    segment = b.segment_text()
    lead = b.text[b.cand.sentence[0] : b.cand.anchor[1]]
    node = _NODE.search(lead)
    plural = chip.text.endswith("s") and not chip.text.endswith(("'s", "’s"))
    if plural and not _EACH.search(b.sentence):
        raise Unplannable("a sum for many chips is no price of one; the sentence gives no count")
    item = chip.key
    if node:
        nodes = [s.id for s in systems() if s.accelerator == chip.key and s.kind == "node"]
        if not nodes:
            raise Unplannable(f"flopcheck has no purchase price for a server of {chip.key}s")
        item = nodes[0]
    prices = purchase_range(item)
    claimed = b.cand.claimed
    value = claimed.value if claimed.value is not None else claimed.low or 0.0
    if prices is None or not prices[0] / 10 <= value <= prices[1] * 10:
        # Ten times off the listings is not a price of that item at all (a budget, a fleet).
        raise Unplannable(f"the figure is not the price of one {item}")
    looked = b.call("lookup_purchase_price", item=item)
    more = _MORE_THAN_ITEM.search(segment) is not None or bool(_CLUSTER.search(segment))
    guessed = more or (node is not None and item.lower() not in segment.lower())
    b.ground(item if node else chip.text, item, "inferred" if guessed else "named")
    _within_quotes(
        b, looked, 2.0, "USD",
        f"{item} purchase prices on record, from half the lowest to twice the highest",
    )  # fmt: skip


def _within_quotes(b: Builder, looked: Handle, above: float, unit: str, label: str) -> None:
    """Compare the claim with a looked-up price range widened to half its low end and
    ``above`` times its high end: only a price far outside every quote is refuted.

    Args:
        b: the claim.
        looked: the lookup step whose ``value`` holds the quotes' range.
        above: the factor on the highest quote.
        unit: the prices' unit.
        label: what the range is, for the explanation.
    """
    low = b.calc("x1 * x2", x1=looked.ref("value.low"), x2=0.5)
    high = b.calc("x1 * x2", x1=looked.ref("value.high"), x2=above)
    b.compare(b.call("span", low=low.ref(), high=high.ref(), unit=unit), label=label)


_NODE = re.compile(r"\b(?:server|node|DGX|HGX|box|machine)s?\b", re.I)
_EACH = re.compile(r"\beach\b|\bper\b|\bapiece\b|\ba piece\b|\ba single\b|\bone\b", re.I)
_CLUSTER = re.compile(r"\bcluster|\bsupercomputer|\bdata ?cent(?:er|re)", re.I)
_MORE_THAN_ITEM = re.compile(
    r"\binfrastructure|\ball-in|\bincluding|\bwith (?:networking|storage)|\bfully loaded", re.I
)


def unit_price(b: Builder) -> bool:
    """Return whether a dollar figure prices hardware (a chip, a server, a cluster to buy)."""
    seg_start, seg_end = b.segment()
    chips = b.ctx.within(seg_start, seg_end, "accelerator")
    runs = [m for m in b.ctx.starting(seg_start, seg_end) if is_run(m)]
    if runs:
        return False
    return bool(chips) or _PURCHASE.search(b.sentence) is not None
