"""flopcheck: check the compute numbers in writing about AI.

The public API is small: :func:`check` (and :func:`acheck`) turns article text into a
:class:`Report` of :class:`Claim` objects, each with a :class:`Verdict` whose label is a
:data:`Label`; :mod:`flopcheck.tools` holds the calculators as tool-calling functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

from flopcheck.errors import FlopcheckError

if TYPE_CHECKING:
    from flopcheck.engine.report import Claim, Label, Report, Verdict
    from flopcheck.plugin.llm_options import OpenAIOptions

__version__ = "0.1.0"
__all__ = [
    "Claim",
    "FlopcheckError",
    "Label",
    "OpenAIOptions",
    "Report",
    "Verdict",
    "__version__",
    "acheck",
    "check",
]

# Imported on first use, so that `flopcheck tool` does not load the Report models.
_LAZY = {
    "Claim": "flopcheck.engine.report",
    "Label": "flopcheck.engine.report",
    "Report": "flopcheck.engine.report",
    "Verdict": "flopcheck.engine.report",
    "OpenAIOptions": "flopcheck.plugin.llm_options",
}


def check(
    text: str,
    backend: str = "rules",
    *,
    source: str = "<text>",
    **options: Unpack[OpenAIOptions],
) -> Report:
    """Find the compute claims in ``text``, recompute them and return a Report.

    Args:
        text: the article text (untrusted data; instructions inside it are ignored).
        backend: "rules" (offline, deterministic), "openai", or "auto".
        source: where the text came from, for the Report.
        **options: openai-backend options (model, base_url, timeout, client: your own
            ``openai.OpenAI``, ...); a misspelt option, or one the backend does not use, raises
            a FlopcheckError.
    """
    from flopcheck.plugin.checker import check as _check

    return _check(text, backend=backend, source=source, **options)


async def acheck(
    text: str,
    backend: str = "rules",
    *,
    source: str = "<text>",
    **options: Unpack[OpenAIOptions],
) -> Report:
    """Check an article without blocking the event loop; see :func:`check`.

    The check runs in a worker thread, so several articles may be checked concurrently (with
    ``asyncio.gather``); a cancelled call stops waiting but the thread finishes its article.

    Args:
        text: the article text (untrusted data).
        backend: "rules", "openai" or "auto".
        source: where the text came from, for the Report.
        **options: openai-backend options, as for :func:`check`.
    """
    import asyncio  # here, not at the top: `flopcheck tool` starts without it

    return await asyncio.to_thread(check, text, backend, source=source, **options)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flopcheck' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
