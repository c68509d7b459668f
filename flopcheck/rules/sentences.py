"""Sentences, clauses and cue words: how the extractor reads the shape of a sentence."""

from __future__ import annotations

import re
from functools import cache

from flopcheck.rules.quantities import Quantity
from flopcheck.tools.tries import starts_pattern

_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\bvs\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bapprox\.)(?<!U\.S\.)[\"”’)]*"
    r"(?:\[[0-9]{1,3}\])*\s+(?=[\"“(‘]?[A-Z0-9$~])|\n[ \t]*\n\s*"
)
# Unless the text is hard-wrapped, a line break ends a sentence too (comments and bullet
# lists often drop the full stop).
# (Every end starts at white space or a closing mark; the lookahead skips other positions.)
_SENTENCE_OR_LINE_END = re.compile(rf"(?=[\s\"”’)\[])(?:{_SENTENCE_END.pattern}|[ \t]*\n\s*)")
# Clause separators inside a sentence; a claim's quote never crosses one that has another
# claim's quantity on its other side.
# (The lookahead lets the scan skip positions where no separator can start.)
_CLAUSE_SEP = re.compile(
    r"(?=[\s;:()\u2013\u2014,…])\s*(?:[;:()\u2013\u2014]|,\s|\s-\s|\sand\s|\s\.\.\.?\s|…)\s*"
)

CUES: dict[str, re.Pattern[str]] = {
    "cost": re.compile(r"\bcost|\bspen[dt]|\bbudget|\bpaid|\bcapex|\bpric|\bcheap|\bexpens", re.I),
    "train": re.compile(r"\btrain|\bpre-?train", re.I),
    "run": re.compile(
        r"\bto run\b|\binference|\bserv(?:e|ing)\b|\bAPI\b|\bper (?:million|M) tokens", re.I
    ),
    "compute": re.compile(
        r"\bcompute\b|\bFLOP|\bpower\b|\bperformance|\bfaster|\bthroughput", re.I
    ),
    "experts": re.compile(
        r"\bexperts?\b|\bactive\b|\bactivat|\bof the (?:overall )?model\b|\bMoE\b|Mixture", re.I
    ),
    "counterfactual": re.compile(
        r"\bwould\b|\bcould\b|\bmight\b|\bhad [A-Z]\w+ started|\bif\b", re.I
    ),
    "versus": re.compile(
        r"\bthan\b|\bvs\.?|\bversus\b|\bcompared|\binstead of\b|\bbetter\b|\bcheaper\b"
        r"|\bbelow\b|\babove\b",
        re.I,
    ),
    "hedge": re.compile(
        r"\breput|\brumou?r|\breported(?:ly)?\b|\bestimat|\bpossibly\b|\bsaid\b", re.I
    ),
    "energy": re.compile(r"\benergy|\bpower|\bwatt|\belectric|\bjoule|kwh|mwh|gwh", re.I),
    "inactive": re.compile(r"\bisn[’']t used|\bnot used|\bunused|\binactive|\bidle\b", re.I),
    "api": re.compile(
        r"\binput\b|\boutput\b|\bAPI\b|\bper (?:million|M)\b|\bcache|\blists? at\b"
        r"|\$[\d.]+ (?:in|out)\b",
        re.I,
    ),
    "gain": re.compile(r"\blead\b|\bfaster\b|\btimes (?:an?|the)\b|\bmore than the\b", re.I),
    "utilisation": re.compile(r"\bof (?:the )?(?:\w+ )?peak\b|\butili[sz]ation\b|\bMFU\b", re.I),
    "generation": re.compile(r"\bgeneration\b", re.I),
    "anaphor": re.compile(
        r"^(?:It|Its|It’s|They|Their|This|The model|The company)\b|\b(?:the model|its)\b"
    ),
}


def _hard_wrapped(text: str) -> bool:
    """Return whether most lines of a text were wrapped at a fixed width mid-sentence."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 4:
        return False
    wrapped = sum(1 for line in lines if 50 <= len(line) <= 100 and line.rstrip()[-1] not in ".!?:")
    return wrapped >= 0.5 * len(lines)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the sentences of ``text``, whitespace trimmed.

    Args:
        text: the article text.
    """
    spans, pos = [], 0
    pattern = _SENTENCE_END if _hard_wrapped(text) else _SENTENCE_OR_LINE_END
    for m in pattern.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out += _pieces(text, s, e)
    return out


# Longer than any sentence a writer means: such a run (a list with no full stops, or hostile
# input) is cut at clause breaks, else at spaces, so the work per sentence, and so per claim,
# stays bounded.
MAX_SENTENCE = 1500
_BREAKS = (re.compile(r"[;,:]\s+"), re.compile(r"\s+"))


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return a sentence span, cut into pieces of at most MAX_SENTENCE characters."""
    pieces = []
    while end - start > MAX_SENTENCE:
        cut = start + MAX_SENTENCE
        for pattern in _BREAKS:
            found = list(pattern.finditer(text, start + MAX_SENTENCE // 2, cut))
            if found:
                cut = found[-1].end()
                break
        stop = cut
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        pieces.append((start, stop))
        start = cut
    pieces.append((start, end))
    return pieces


def cues_of(sentence: str) -> frozenset[str]:
    """Return the names of the cue-word groups present in a sentence.

    Args:
        sentence: the sentence text.
    """
    # One pass finds where any cue starts; each group is then tried only there (two groups
    # can start at one place: "power" is compute and energy).
    found: set[str] = set()
    any_cue = _any_cue()
    m = any_cue.search(sentence)
    while m is not None:
        found.update(
            name
            for name, pattern in CUES.items()
            if name not in found and pattern.match(sentence, m.start())
        )
        # A cue may start inside another ("more than the" holds "than").
        m = any_cue.search(sentence, m.start() + 1)
    return frozenset(found)


@cache
def _any_cue() -> re.Pattern[str]:
    # Every cue starts a word, except unit endings ("100kWh", "SparseMixture") and "$1 in": the
    # scan tries the cues only where one can start.
    return re.compile(r"(?=(?<!\w)\w|[kmgKMG$])" + starts_pattern(list(CUES.values())))


def clause_segment(text: str, span: tuple[int, int], figure: tuple[int, int]) -> tuple[int, int]:
    """Return the clause segment of a sentence that holds a figure, between separators.

    Args:
        text: the article text.
        span: the sentence's (start, end).
        figure: the figure's (start, end).
    """
    start, end = span
    for sep in _CLAUSE_SEP.finditer(text, span[0], span[1]):
        if sep.end() <= figure[0]:
            start = sep.end()
        elif sep.start() >= figure[1]:
            return start, sep.start()
    return start, end


def quote_span(
    text: str, sentence: tuple[int, int], q: Quantity, others: list[Quantity]
) -> tuple[int, int]:
    """Return the clause around ``q``: cut at separators that divide it from other claims.

    Args:
        text: the article text.
        sentence: the sentence's (start, end).
        q: the claimed quantity.
        others: the other claimed quantities of the sentence.
    """
    start, end = sentence
    if not others:
        return start, end
    first_end, last_start = min(o.end for o in others), max(o.start for o in others)
    for sep in _CLAUSE_SEP.finditer(text, sentence[0], sentence[1]):
        if sep.end() <= q.start and first_end <= sep.start():
            start = max(start, sep.end())
        elif sep.start() >= q.end and last_start >= sep.end():
            end = min(end, sep.start())
    return start, end
