"""Prompt files, loaded by name with their variables checked.

A prompt is ``NAME.md`` in this package. ``{variable}`` (lowercase letters, digits and
underscores between single braces) marks a variable; every one must be given, and nothing else.
Substitution is one pass over the template, so a value that itself contains ``{article}`` (an
article quoting a prompt, say) is inserted as is and never expanded.

The article goes between two fence lines that carry a tag derived from the article's own hash:
text inside the article cannot close the fence early, because it cannot contain its own hash.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

_VARIABLE = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_NAME = re.compile(r"[a-z][a-z0-9_]*")

# Fence lines around untrusted text; ``ARTICLE_BLOCK`` finds a fenced article in a message.
ARTICLE_BLOCK = re.compile(
    r"^<<<ARTICLE (?P<tag>[0-9a-f]{16})>>>\n(?P<article>.*?)\n<<<END ARTICLE (?P=tag)>>>$",
    re.DOTALL | re.MULTILINE,
)


class PromptError(ValueError):
    """A prompt is missing or was given the wrong variables: a bug in the caller."""


@cache
def _template(name: str) -> str:
    """Return the text of prompt ``name`` (cached)."""
    if not _NAME.fullmatch(name):
        raise PromptError(f"bad prompt name {name!r}")
    try:
        return resources.files(__package__).joinpath(f"{name}.md").read_text("utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"no prompt named {name!r} in flopcheck/prompts") from exc


def variables(name: str) -> frozenset[str]:
    """Return the variable names prompt ``name`` requires.

    Args:
        name: the prompt's file name without ``.md``, e.g. "plan_claims".
    """
    return frozenset(_VARIABLE.findall(_template(name)))


def opening(name: str) -> str:
    """Return the fixed text a prompt begins with (up to its first variable), to recognise it.

    Args:
        name: the prompt's file name without ``.md``.
    """
    return _VARIABLE.split(_template(name), maxsplit=1)[0].strip()


def load_prompt(name: str, **values: str) -> str:
    """Return prompt ``name`` with its variables filled in.

    Args:
        name: the prompt's file name without ``.md``.
        **values: one string per variable of the prompt, no more and no fewer.
    """
    required = variables(name)
    missing, unexpected = required - values.keys(), values.keys() - required
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(sorted(missing))}")
        if unexpected:
            parts.append(f"unexpected {', '.join(sorted(unexpected))}")
        raise PromptError(f"prompt {name!r}: {'; '.join(parts)}")
    return _VARIABLE.sub(lambda m: values[m.group(1)], _template(name))


def article_tag(text: str) -> str:
    """Return the fence tag for ``text``: 16 hex digits of its sha256.

    Args:
        text: the untrusted text to fence.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fence_article(text: str) -> str:
    """Return ``text`` between fence lines that it cannot forge.

    Args:
        text: the untrusted article text.
    """
    tag = article_tag(text)
    return f"<<<ARTICLE {tag}>>>\n{text}\n<<<END ARTICLE {tag}>>>"


def find_article(message: str) -> str | None:
    """Return the fenced article inside ``message``, or None when there is none.

    Args:
        message: a prompt built with :func:`fence_article`.
    """
    for match in ARTICLE_BLOCK.finditer(message):
        if article_tag(match["article"]) == match["tag"]:
            return match["article"]
    return None
