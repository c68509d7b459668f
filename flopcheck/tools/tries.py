"""Regex tries: many spellings matched in one pass, failing at the first wrong letter.

A flat alternation of a few hundred names makes the regex engine try every branch at every
position of the text; a trie branches on one character at a time.
"""

from __future__ import annotations

import re
from typing import Any


def trie_pattern(spellings: list[str], joiner: str) -> str:
    """Return a case-insensitive regex trie of spellings, which fails at the first wrong letter.

    Args:
        spellings: lower-case spellings; a space stands for an optional ``joiner``.
        joiner: the regex allowed where a spelling has a space.
    """
    # A flat alternation of these ~300 words cost ~4 µs per number in the article grammar.
    tree: dict[str, Any] = {}
    for spelling in spellings:
        node = tree
        for char in spelling:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        """Return the regex of a trie node: its branches, optional where a spelling ends.

        Args:
            node: the node, mapping next characters to nodes ("" marks an end).
        """
        alts = []
        for char in sorted(c for c in node if c):
            piece = f"{joiner}?" if char == " " else re.escape(char)
            if char.upper() != char:
                piece = f"[{char}{char.upper()}]"
            alts.append(piece + emit(node[char]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


def initials(spellings: list[str], fold: bool = True) -> str:
    """Return a lookahead for the first letters of spellings, to try an alternation only there.

    A flat alternation costs one probe per spelling at every position the regex engine tries;
    this lookahead rejects most positions in one.

    Args:
        spellings: the spellings an alternation matches.
        fold: also admit the other case of each letter (for a case-insensitive alternation).
    """
    firsts = {s[0] for s in spellings if s}
    if fold:
        firsts |= {c.swapcase() for c in firsts}
    return "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"


def alternatives(source: str) -> list[str]:
    """Return the top-level alternatives of a regex source ("a|(b|c)" -> ["a", "(b|c)"]).

    Args:
        source: a regex source.
    """
    parts, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    return [*parts, source[start:]]


def literal_start(alternative: str) -> tuple[bool, str]:
    """Return whether a regex alternative starts with ``\\b``, and the literal text every match
    of it starts with ("" when it starts with anything else).

    Args:
        alternative: one alternative, as from ``alternatives``.
    """
    at_word = alternative.startswith(r"\b")
    i, out = (2 if at_word else 0), []
    while i < len(alternative):
        char = alternative[i]
        if char == "\\" and i + 1 < len(alternative) and not alternative[i + 1].isalnum():
            literal, step = alternative[i + 1], 2
        elif char == "\\" or char in ".^$*+?{}[]()|":
            break
        else:
            literal, step = char, 1
        after = alternative[i + step : i + step + 1]
        if after and after in "?*{":
            break  # the literal may be absent
        out.append(literal)
        if after == "+":
            break
        i += step
    return at_word, "".join(out)


def starts_pattern(patterns: list[re.Pattern[str]]) -> str:
    """Return a regex that matches wherever a match of one of ``patterns`` may start.

    It matches at more places than that, never fewer: the patterns' literal beginnings form one
    case-insensitive trie, which fails at the first wrong letter, and the few alternatives that
    begin otherwise are kept whole. The caller then tries its patterns only there.

    Args:
        patterns: compiled patterns; their top-level alternatives are read from the source.
    """
    at_word: set[str] = set()
    anywhere: set[str] = set()
    rest: list[str] = []
    for pattern in patterns:
        for alternative in alternatives(pattern.pattern):
            bounded, literal = literal_start(alternative)
            if literal:
                (at_word if bounded else anywhere).add(literal.lower())
            else:
                rest.append(f"(?i:{alternative})")
    parts = [rf"\b{trie_pattern(sorted(at_word), ' ')}"] if at_word else []
    parts += [trie_pattern(sorted(anywhere), " ")] if anywhere else []
    return "(?:" + "|".join([*parts, *rest]) + ")"


def gated(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """Return ``pattern`` behind a lookahead of its literal beginnings (``starts_pattern``).

    It matches exactly where ``pattern`` does, but most positions fail at the trie's first
    letter instead of at each alternative in turn. A pattern whose groups would be copied into
    the lookahead is returned as it is.

    Args:
        pattern: a compiled pattern.
    """
    gate = starts_pattern([pattern])
    if re.compile(gate).groups:
        return pattern
    # The trie spells out both cases; the pattern's own case-folding is scoped to the pattern,
    # since the engine compares faster without it.
    if pattern.flags & re.IGNORECASE:
        return re.compile(f"(?={gate})(?i:{pattern.pattern})", pattern.flags & ~re.IGNORECASE)
    return re.compile(f"(?={gate})(?:{pattern.pattern})", pattern.flags)
