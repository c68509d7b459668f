"""Reading article input safely: files, stdin, odd encodings, binaries, directories, huge files."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from flopcheck.errors import InputError

# Articles are kilobytes; 8 MB is ~1,500 long articles in one file, which is a corpus for
# `flopcheck batch`, not an article.
MAX_INPUT_BYTES = 8 * 1024 * 1024


@dataclass
class Document:
    """Decoded input text, where it came from, and warnings about how it was read."""

    text: str
    source: str
    warnings: list[str] = field(default_factory=list)


def _too_large(source: str, size: str) -> InputError:
    return InputError(
        f"{source} is {size}; the limit for one article is {MAX_INPUT_BYTES / 1e6:.0f} MB "
        "(split it, or check a corpus with `flopcheck batch`)"
    )


def decode(data: bytes, source: str) -> Document:
    """Decode input bytes as UTF-8 text, refusing binaries and oversized input.

    Args:
        data: the raw bytes.
        source: a name for messages (a path, or "<stdin>").
    """
    if len(data) > MAX_INPUT_BYTES:
        raise _too_large(source, f"{len(data) / 1e6:.1f} MB")
    if b"\x00" in data[:65536]:
        raise InputError(f"{source} looks like a binary file (it contains NUL bytes); give text")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        warnings.append(
            f"{source} is not valid UTF-8 (first bad byte at offset {exc.start}); "
            "undecodable bytes were replaced with U+FFFD"
        )
    if not text.strip():
        warnings.append(f"{source} is empty: no claims to check")
    return Document(text=text, source=source, warnings=warnings)


def from_text(text: str, source: str) -> Document:
    """Check text handed over as a string (MCP, an API) exactly as a file would be checked.

    Args:
        text: the text; lone surrogates from a JSON string are replaced with U+FFFD.
        source: a name for messages, e.g. "text".
    """
    if len(text) > MAX_INPUT_BYTES:  # every character is at least one byte
        raise _too_large(source, f"over {len(text) / 1e6:.1f} MB")
    return decode(text.encode("utf-8", "surrogatepass"), source)


def read_input(path: str) -> Document:
    """Read an article from a path, or from stdin when the path is "-".

    Args:
        path: a file path, or "-" for standard input.
    """
    if path == "-":
        return decode(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "<stdin>")
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path} is a directory; give a file, or use `flopcheck batch {path}`")
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return decode(data, path)
