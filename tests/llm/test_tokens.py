"""Offline token counting: exact encodings from bundled files, an honest approximation, chunks."""

from __future__ import annotations

import base64
import importlib.util
import itertools
import logging
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from flopcheck.llm import tokens
from flopcheck.llm.tokens import count_tokens, counter_for, split_text

SAMPLES = [
    "DeepSeek-V3 trained on 2,048 H800s for $5.576M (2.788M GPU-hours x $2/hour).",
    "Ünïcödé, emoji 🙂, CJK 训练成本, tabs\tand\n\nparagraphs   with  spaces.",
    "6 * 37B * 14.8T = 3.2856e24 FLOP; it's 25% of the BF16 compute; <|endoftext|> as text.",
]


def test_pinned_hashes_are_the_ones_tiktoken_pins() -> None:
    spec = importlib.util.find_spec("tiktoken_ext.openai_public")
    assert spec is not None
    assert spec.origin is not None
    source = Path(spec.origin).read_text()
    assert f'expected_hash="{tokens.CL100K_SHA256}"' in source
    assert f'expected_hash="{tokens.O200K_SHA256}"' in source


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_offline_encodings_count_exactly_like_an_independent_tokenizer(encoding: str) -> None:
    quicktok = pytest.importorskip("quicktok")
    reference = quicktok.get_encoding(encoding)
    ours = tokens.load_encoding(encoding)
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == list(reference.encode(text, disallowed_special=()))


def test_encodings_load_without_tiktokens_download(monkeypatch: pytest.MonkeyPatch) -> None:
    import tiktoken.load

    def no_network(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("tiktoken tried to fetch a file")

    monkeypatch.setattr(tiktoken.load, "read_file", no_network)
    monkeypatch.setattr(tiktoken.load, "read_file_cached", no_network)
    tokens.load_encoding.cache_clear()
    assert count_tokens("hello world", "gpt-4o") == 2
    assert count_tokens("hello world", "gpt-4") == 2


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o-mini", "o200k_base"),
        ("gpt-4.1-mini", "o200k_base"),
        ("gpt-4", "cl100k_base"),
        ("openai/gpt-4o-mini", "o200k_base"),
        ("gpt-oss-20b", "o200k_harmony"),
        ("cl100k_base", "cl100k_base"),
    ],
)
def test_known_models_count_with_their_encoding(model: str, encoding: str) -> None:
    counter = counter_for(model)
    assert counter.exact
    assert counter.encoding == encoding


def test_unknown_model_approximates_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    counter_for.cache_clear()
    with caplog.at_level(logging.WARNING, logger="flopcheck.tokens"):
        counter = counter_for("deepseek-chat")
    assert not counter.exact
    assert counter.count("x" * 10) == 3
    assert "approximate (chars/4)" in caplog.text


def test_quicktok_vocabulary_converts_to_tiktoken_lines() -> None:
    records = [(b"!", 0), (b"hello", 1)]
    vocab = struct.pack("<I", len(records)) + b"".join(
        struct.pack("<H", len(tok)) + tok + struct.pack("<I", rank) for tok, rank in records
    )
    expected = b"".join(base64.b64encode(tok) + b" %d\n" % rank for tok, rank in records)
    assert tokens.quicktok_to_tiktoken(vocab) == expected


def test_chunks_are_contiguous_cover_the_text_and_fit_the_limit() -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "It cost $5.5M to train. " * (i + 3) for i in range(12))
    spans = split_text(text, "gpt-4o-mini", 60)
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(count_tokens(text[s:e], "gpt-4o-mini") <= 62 for s, e in spans)


def test_chunks_cut_after_paragraphs_when_they_fit() -> None:
    text = "First paragraph, short.\n\nSecond paragraph, short.\n\nThird one."
    spans = split_text(text, "gpt-4o-mini", 6)
    assert [text[s:e] for s, e in spans] == [
        "First paragraph, short.\n\n",
        "Second paragraph, short.\n\n",
        "Third one.",
    ]


def test_a_word_longer_than_the_limit_is_cut_by_characters() -> None:
    text = "see https://example.com/" + "a" * 400
    spans = split_text(text, "gpt-4o-mini", 16)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(count_tokens(text[s:e], "gpt-4o-mini") <= 16 for s, e in spans)


def test_empty_text_has_no_chunks_and_a_zero_limit_is_refused() -> None:
    assert split_text("", "gpt-4o", 10) == []
    with pytest.raises(ValueError, match="at least 1"):
        split_text("x", "gpt-4o", 0)


def test_the_tool_command_path_does_not_import_tiktoken() -> None:
    code = (
        "import sys, flopcheck.plugin.cli, flopcheck.tools, flopcheck.llm.tokens; "
        "print('tiktoken' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.strip() == "False"
