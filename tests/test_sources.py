"""The sources themselves: no stray control characters (a "\\b" typed into a non-raw string
becomes a backspace, and a pattern holding one silently never matches)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for d in ("flopcheck", "tests", "benchmarks") for p in (ROOT / d).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_source_file_holds_no_control_characters(path: Path) -> None:
    text = path.read_text("utf-8")
    stray = sorted({hex(ord(c)) for c in text if ord(c) < 32 and c not in "\n\t"})
    assert not stray, f"{path.name} holds control characters {stray}"
