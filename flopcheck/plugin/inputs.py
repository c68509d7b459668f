"""Reading article input safely: files, stdin, HTML pages, odd encodings, binaries, huge files."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from flopcheck.errors import InputError

# Articles are kilobytes; 8 MB is ~1,500 long articles in one file, which is a corpus for
# `flopcheck batch`, not an article.
MAX_INPUT_BYTES = 8_000_000
HTML_SUFFIXES = frozenset({".html", ".htm"})
# Elements whose text is never article prose.
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
# Elements that end a line of text, so that paragraphs do not run together.
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
    | {"blockquote", "pre", "table", "ul", "ol", "header", "footer", "hr", "title", "dd", "dt"}
)
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
# A well-formed UTF-8 multi-byte sequence: Windows-1252 text almost never contains one, so its
# presence means the file is UTF-8 with a few bad bytes, not Windows-1252.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Windows-1252 prose is mostly ASCII; beyond this share of other characters the bytes are more
# likely another code page (Greek, Cyrillic) that would decode as gibberish.
_MAX_NON_ASCII = 0.3


@dataclass
class Document:
    """Decoded input text, where it came from, and warnings about how it was read."""

    text: str
    source: str
    warnings: list[str] = field(default_factory=list)


def size_error(source: str, size: int | None, in_batch: bool = False) -> InputError:
    """Return the error for an input over the size limit, stating its real size.

    Args:
        source: the input's name.
        size: its size in bytes, or None when unknown (a stream longer than the limit).
        in_batch: raised inside ``flopcheck batch``, which has no better place to send it.
    """
    limit = f"{MAX_INPUT_BYTES / 1e6:.0f} MB"
    actual = f"is {size / 1e6:.1f} MB" if size is not None else f"is over {limit}"
    advice = "split it" if in_batch else "split it, or check a corpus with `flopcheck batch`"
    return InputError(f"{source} {actual}; the limit for one article is {limit} ({advice})")


def _windows_1252(data: bytes) -> str | None:
    """Return the bytes decoded as Windows-1252 when that reads as text, else None.

    Args:
        data: bytes that are not valid UTF-8.
    """
    if _UTF8_SEQUENCE.search(data):
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d are unassigned
        return None
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if _CONTROL.search(text) or non_ascii > _MAX_NON_ASCII * max(len(text), 1):
        return None
    return text


def decode(data: bytes, source: str, in_batch: bool = False) -> Document:
    """Decode input bytes as text (UTF-8, else Windows-1252), refusing binaries and huge input.

    Args:
        data: the raw bytes (at most one byte over the limit is ever read).
        source: a name for messages (a path, or "<stdin>").
        in_batch: decoding an input of ``flopcheck batch`` (changes the size advice).
    """
    if len(data) > MAX_INPUT_BYTES:
        raise size_error(source, None, in_batch)
    if b"\x00" in data[:65536]:
        raise InputError(f"{source} looks like a binary file (it contains NUL bytes); give text")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        legacy = _windows_1252(data)
        if legacy is not None:
            text = legacy
            warnings.append(
                f"{source} is not valid UTF-8 (first bad byte at offset {exc.start}); "
                "it was read as Windows-1252"
            )
        else:
            text = data.decode("utf-8", errors="replace")
            warnings.append(
                f"{source} is not valid UTF-8 (first bad byte at offset {exc.start}); "
                "undecodable bytes were replaced with U+FFFD"
            )
    if not text.strip():
        warnings.append(f"{source} is empty: no claims to check")
    return Document(text=text, source=source, warnings=warnings)


class _TextExtractor(HTMLParser):
    """Collect the visible text of an HTML page, dropping script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter a skipped element, or break the line at a block element.

        Args:
            tag: the tag name (lower case).
            attrs: its attributes (unused).
        """
        if tag in _SKIPPED_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """Leave a skipped element, or break the line after a block element.

        Args:
            tag: the tag name (lower case).
        """
        if tag in _SKIPPED_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Keep text outside skipped elements.

        Args:
            data: a run of text.
        """
        if not self.skip_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Return the readable text of an HTML page: one paragraph per line, no script or style.

    Args:
        markup: the HTML source.
    """
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    text = "\n\n".join(line for line in lines if line)
    return text + "\n" if text else ""


def is_html(name: str, data: bytes) -> bool:
    """Return whether an input is an HTML page: by its suffix, or by how its bytes begin.

    Args:
        name: the input's path (or "<stdin>").
        data: its first bytes.
    """
    return Path(name).suffix.lower() in HTML_SUFFIXES or bool(_HTML_START.match(data[:4096]))


def read_bytes(path: Path, shown: str, in_batch: bool = False) -> bytes:
    """Read a file's bytes, refusing directories and files over the limit before reading them.

    Args:
        path: the file.
        shown: the path as the user gave it, for messages.
        in_batch: reading an input of ``flopcheck batch``.
    """
    if path.is_dir():
        raise InputError(f"{shown} is a directory; give a file, or use `flopcheck batch {shown}`")
    try:
        with path.open("rb") as fh:
            return _read_limited(fh, shown, in_batch)
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {exc.strerror}") from None


def _read_limited(fh: BinaryIO, shown: str, in_batch: bool) -> bytes:
    """Read at most the limit from an open file, stating a regular file's size when over it.

    Args:
        fh: the open file.
        shown: its name for messages.
        in_batch: reading an input of ``flopcheck batch``.
    """
    data = fh.read(MAX_INPUT_BYTES + 1)
    if len(data) <= MAX_INPUT_BYTES:
        return data
    try:
        size: int | None = fh.seek(0, 2)  # pipes cannot seek: their size stays unknown
    except OSError:
        size = None
    raise size_error(shown, size, in_batch)


def to_document(data: bytes, source: str, in_batch: bool = False) -> Document:
    """Decode an input and reduce an HTML page to its text.

    Args:
        data: the raw bytes.
        source: the input's name (its suffix tells HTML apart).
        in_batch: decoding an input of ``flopcheck batch``.
    """
    document = decode(data, source, in_batch)
    if is_html(source, data):
        document.text = html_to_text(document.text)
    return document


def from_text(text: str, source: str) -> Document:
    """Check text handed over as a string (MCP, an API) exactly as a file would be checked.

    Args:
        text: the text; lone surrogates from a JSON string are replaced with U+FFFD.
        source: a name for messages, e.g. "text".
    """
    if len(text) > MAX_INPUT_BYTES:  # every character is at least one byte
        raise size_error(source, None)
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_INPUT_BYTES:
        raise size_error(source, len(data))
    return decode(data, source)


def read_input(path: str) -> Document:
    """Read an article from a path, or from stdin when the path is "-"; HTML becomes text.

    Args:
        path: a file path, or "-" for standard input.
    """
    if path == "-":
        return to_document(_read_limited(sys.stdin.buffer, "<stdin>", False), "<stdin>")
    return to_document(read_bytes(Path(path), path), path)
