"""Input and output of ``flopcheck batch``: enumerating inputs lazily, HTML text, resumable JSONL.

Everything here streams: inputs are yielded one at a time (a directory walk, a JSONL file read
line by line) and the output is appended one whole line per write, so memory does not depend on
the size of the corpus. Only the ids (of the lines already in OUT, and of the inputs seen in this
run) are kept, to make every input appear exactly once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flopcheck.errors import FlopcheckError, InputError
from flopcheck.plugin.inputs import (
    HTML_SUFFIXES,
    MAX_INPUT_BYTES,
    read_bytes,
    to_document,
)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})


@dataclass
class Item:
    """One input of a batch: an id and either its text or the reason it could not be read."""

    id: Any
    source: str
    text: str | None = None
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _read_file(path: Path, shown: str) -> Item:
    """Read one article file (text, Markdown or HTML) into an Item, never raising.

    Args:
        path: the file.
        shown: the path as given by the user, used as the id.
    """
    try:
        document = to_document(read_bytes(path, shown, in_batch=True), shown, in_batch=True)
    except InputError as exc:
        return Item(id=shown, source=shown, error=str(exc))
    return Item(id=shown, source=shown, text=document.text, warnings=document.warnings)


def _record(line: bytes, where: str) -> Item:
    """Turn one JSONL line into an Item: its id, text and the other fields as metadata.

    Args:
        line: the raw line.
        where: "path:line" for ids and messages when the record has no usable id.
    """
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Item(id=where, source=where, error=f"{where}: invalid JSON ({exc})")
    if not isinstance(record, dict):
        return Item(id=where, source=where, error=f"{where}: a record must be a JSON object")
    rid = record.pop("id", None)
    text = record.pop("text", None)
    if rid is None or rid == "":
        rid = where  # a record without an id is named by where it is
    elif not isinstance(rid, str | int) or isinstance(rid, bool):
        error = f"{where}: the id must be a string or a whole number, not {json.dumps(rid)}"
        return Item(id=where, source=where, error=error, metadata=record)
    if not isinstance(text, str):
        error = f"{where}: record {rid!r} has no string text"
        return Item(id=rid, source=str(rid), error=error, metadata=record)
    return Item(id=rid, source=str(rid), text=text, metadata=record)


def _records(path: Path, shown: str) -> Iterator[Item]:
    """Yield the records of a JSONL file, one per non-blank line, never raising.

    Args:
        path: the JSONL file.
        shown: the path as given, for ids of bad lines.
    """
    try:
        fh = path.open("rb")
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror
        yield Item(id=shown, source=shown, error=f"{shown}: {reason}")
        return
    with fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                yield _record(line, f"{shown}:{lineno}")


def _walk(
    root: Path, exclude: frozenset[Path], on_skip: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Yield the article files under a directory, recursively, in a stable order.

    Args:
        root: the directory.
        exclude: resolved paths never to read: the output file and the HTML directory, when
            they sit inside the tree (a second run must not check the first run's pages).
        on_skip: told the path of each file left out for its unknown extension.
    """
    for dirpath, dirnames, filenames in os.walk(root):
        # Pruning and sorting in place is how os.walk is steered: skip, then go in order.
        dirnames[:] = sorted(d for d in dirnames if Path(dirpath, d).resolve() not in exclude)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            suffix = path.suffix.lower()
            if path.resolve() in exclude:
                continue
            if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
                yield path
            elif on_skip is not None:
                on_skip(str(path))


def iter_items(
    inputs: list[str],
    exclude: frozenset[Path] = frozenset(),
    stdin_jsonl: bool = False,
    on_skip: Callable[[str], None] | None = None,
) -> Iterator[Item]:
    """Yield every input as an Item, lazily: files, directories, JSONL records, stdin.

    Args:
        inputs: paths as given on the command line; "-" is standard input.
        exclude: resolved paths never read as inputs (see ``_walk``).
        stdin_jsonl: read standard input as JSONL records rather than one article.
        on_skip: told each file of a directory left out for its unknown extension.
    """
    for given in inputs:
        if given == "-":
            yield from _stdin_items(stdin_jsonl)
            continue
        path = Path(given)
        if path.is_dir():
            for found in _walk(path, exclude, on_skip):
                yield _read_file(found, str(found))
        elif path.suffix.lower() == ".jsonl":
            yield from _records(path, given)
        else:
            yield _read_file(path, given)


def _stdin_items(as_jsonl: bool) -> Iterator[Item]:
    """Yield standard input as one article, or as JSONL records.

    Args:
        as_jsonl: read it as JSONL records.
    """
    if as_jsonl:
        for lineno, line in enumerate(sys.stdin.buffer, start=1):
            if line.strip():
                yield _record(line, f"<stdin>:{lineno}")
        return
    try:
        document = to_document(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "<stdin>", True)
    except InputError as exc:
        yield Item(id="<stdin>", source="<stdin>", error=str(exc))
        return
    yield Item(id="<stdin>", source="<stdin>", text=document.text, warnings=document.warnings)


def count_items(inputs: list[str], exclude: frozenset[Path] = frozenset()) -> int | None:
    """Count the inputs without reading them (for the progress bar), or None when unknown.

    Args:
        inputs: paths as given on the command line.
        exclude: resolved paths never read as inputs.
    """
    total = 0
    for given in inputs:
        path = Path(given)
        if given == "-":
            return None  # stdin can only be read once
        if path.is_dir():
            total += sum(1 for _ in _walk(path, exclude))
        elif path.suffix.lower() == ".jsonl" and path.is_file():
            with path.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            total += 1
    return total


def missing_inputs(inputs: list[str]) -> list[str]:
    """Return the inputs given on the command line that do not exist.

    Args:
        inputs: paths as given; "-" is standard input and always exists.
    """
    return [given for given in inputs if given != "-" and not Path(given).exists()]


def id_key(value: Any) -> str:
    """Return the comparable form of an id (1 and "1" stay distinct).

    Args:
        value: a record id or a path.
    """
    return json.dumps(value, ensure_ascii=False)


def scan_done(out: Path) -> tuple[set[str], int]:
    """Collect the ids of the complete lines of OUT and cut off a torn last line.

    Returns the id keys and the number of bytes cut. A line counts when it ends with a newline
    and parses as a JSON object with an id; a kill -9 or a full disk can leave a partial last
    line, which is truncated so that appending starts on a fresh line.

    Args:
        out: the output file of an earlier run.
    """
    done: set[str] = set()
    good_end = 0
    try:
        fh = out.open("rb")
    except FileNotFoundError:
        return done, 0
    except OSError as exc:
        raise FlopcheckError(f"cannot read {out}: {exc.strerror}") from exc
    with fh:
        position = 0
        for line in fh:
            position += len(line)
            parsed = _parse_line(line)
            if parsed is not None:
                done.add(id_key(parsed))
            if line.endswith(b"\n") and (parsed is not None or not line.strip()):
                good_end = position
        size = position
    if size > good_end:
        with out.open("r+b") as rw:
            rw.truncate(good_end)
    return done, size - good_end


def _parse_line(line: bytes) -> Any | None:
    """Return the id of a complete output line, or None for a torn or foreign line.

    Args:
        line: one line of OUT, with its newline.
    """
    if not line.endswith(b"\n"):
        return None
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return obj.get("id") if isinstance(obj, dict) and "id" in obj else None


class LineWriter:
    """Append whole JSON lines to a file: one write call per line, flushed, fsync on close."""

    def __init__(self, path: Path, truncate: bool) -> None:
        """Open the output for appending (or truncate it first).

        Args:
            path: the output file.
            truncate: start from an empty file.
        """
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0)
        try:
            self.fd = os.open(path, flags, 0o644)
        except OSError as exc:
            raise FlopcheckError(f"cannot write {path}: {exc.strerror}") from exc

    def write(self, line: str) -> None:
        """Write one line whole (a single unbuffered write, retried only if the kernel splits it).

        Args:
            line: a JSON document without newline.
        """
        data = memoryview((line + "\n").encode("utf-8"))
        while data:
            written = os.write(self.fd, data)
            data = data[written:]

    def close(self) -> None:
        """Flush the lines to disk and close the file."""
        try:
            os.fsync(self.fd)
        finally:
            os.close(self.fd)


def html_name(item_id: Any) -> str:
    """Return a file name for an input's HTML page: readable, unique, filesystem-safe.

    Args:
        item_id: the input's id.
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", str(item_id)).strip("._")[:60] or "input"
    digest = hashlib.sha1(id_key(item_id).encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}.html"
