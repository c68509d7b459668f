"""Anchoring a model's quote to a verbatim span of the article: the model proposes, the text
decides. A quote that is not in the article is no claim."""

from __future__ import annotations

import re


def find_spans(text: str, quote: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """Return every place ``quote`` occurs in ``text`` within ``span``, in text order.

    Exact matches win; when there are none, runs of whitespace in the quote may match any run
    of whitespace in the text (models re-wrap lines), and the spans found are what is quoted.

    Args:
        text: the article.
        quote: the quote the model proposed.
        span: the (start, end) of the chunk the model saw.
    """
    start, end = span
    if not quote.strip():
        return []
    found = []
    at = text.find(quote, start, end)
    while at >= 0:
        found.append((at, at + len(quote)))
        at = text.find(quote, at + 1, end)
    if found:
        return found
    pattern = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
    return [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]


class Anchors:
    """Places quotes at spans of one article, each claim once.

    One sentence may hold several claims, which share its span; a figure repeated later in the
    text is a second claim, placed at the next occurrence.
    """

    def __init__(self, text: str) -> None:
        """Start with no claim placed.

        Args:
            text: the article.
        """
        self.text = text
        self._taken: set[tuple[int, int, str]] = set()

    def place(self, quote: str, claim: str, span: tuple[int, int]) -> tuple[int, int] | None:
        """Return the first span of ``quote`` within ``span`` not yet holding this claim.

        Args:
            quote: the quote the model wrote.
            claim: what identifies the claim within its span (kind and figure).
            span: the chunk the model saw.
        """
        for start, end in find_spans(self.text, quote, span):
            if (start, end, claim) not in self._taken:
                self._taken.add((start, end, claim))
                return start, end
        return None
