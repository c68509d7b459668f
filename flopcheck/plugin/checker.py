"""The checker: text in, Report out. A planner (rules, or the LLM) writes claim programs; the
engine runs every program and its judge labels each claim."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Unpack

from flopcheck.engine.report import Amount, Report, Usage, claim_of
from flopcheck.engine.runner import run_program
from flopcheck.errors import FlopcheckError
from flopcheck.plugin.llm_options import OpenAIOptions, check_options
from flopcheck.rules.planner import plan_article

BACKENDS = ("auto", "rules", "openai")


def resolve_backend(backend: str, base_url: str | None = None, client: object = None) -> str:
    """Return the concrete backend: ``auto`` is openai when an endpoint is configured.

    Args:
        backend: "auto", "rules" or "openai".
        base_url: a model server's URL given for this run; it implies openai under auto.
        client: a caller's own openai client; it implies openai under auto.
    """
    if backend not in BACKENDS:
        raise FlopcheckError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend != "auto":
        return backend
    configured = (
        base_url
        or client is not None
        or os.environ.get("OPENAI_API_KEY")
        or os.environ.get("OPENAI_BASE_URL")
    )
    return "openai" if configured else "rules"


_gc_lock = threading.Lock()
_gc_pause = {"checks": 0, "restore": False}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a check builds its Report.

    A check allocates a Report of many small acyclic objects; on an 8 MB input the collector's
    full passes over them took 40% of the run and freed nothing. Reference counting still frees
    everything as usual. Concurrent checks share one pause; the last to finish ends it, and a
    collector the caller had disabled stays disabled.
    """
    with _gc_lock:
        if _gc_pause["checks"] == 0:
            _gc_pause["restore"] = gc.isenabled()
            gc.disable()
        _gc_pause["checks"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pause["checks"] -= 1
            if _gc_pause["checks"] == 0 and _gc_pause["restore"]:
                if gc.get_freeze_count() == 0:
                    # Hand what the pause kept young to the oldest generation in O(1): else the
                    # collector's first pass after the pause walks the whole Report (a fifth of
                    # a 1.5 MB check). A caller's own gc.freeze() is left alone.
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()


def check_rules(text: str, source: str = "<text>") -> Report:
    """Check an article with the offline rules backend.

    Args:
        text: the article text.
        source: where it came from, for the Report.
    """
    memo: dict[str, dict[str, Any]] = {}
    with paused_gc():
        claims = [
            claim_of(number, program, run_program(program, memo))
            for number, program in enumerate(plan_article(text), start=1)
        ]
    tool_calls = sum(len(c.verdict.steps) for c in claims)
    return Report(source=source, backend="rules", claims=claims, usage=Usage(tool_calls=tool_calls))


def check(
    text: str, backend: str = "rules", source: str = "<text>", **options: Unpack[OpenAIOptions]
) -> Report:
    """Check an article and return its Report.

    Args:
        text: the article text (untrusted data).
        backend: "rules", "openai" or "auto" ("auto" with a ``base_url`` or a ``client`` is
            openai).
        source: where the text came from.
        **options: options of the openai backend (model, base_url, timeout, client, ...); an
            unknown one, or one the chosen backend does not use, is an error.
    """
    chosen = resolve_backend(backend, options.get("base_url"), options.get("client"))
    check_options(chosen, dict(options))
    if chosen == "openai":
        from flopcheck.llm.agent import check_with_openai

        return check_with_openai(text, source=source, **options)
    return check_rules(text, source=source)


__all__ = ["Amount", "check", "check_rules"]
