"""flopcheck: check the compute numbers in writing about AI.

The public API is small: :func:`check` turns article text into a :class:`Report`, and
:mod:`flopcheck.tools` holds the calculators as tool-calling functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flopcheck.errors import FlopcheckError

if TYPE_CHECKING:
    from flopcheck.engine.report import Report

__version__ = "0.1.0"
__all__ = ["FlopcheckError", "Report", "__version__", "check"]


def check(text: str, backend: str = "rules", **options: Any) -> Report:
    """Find the compute claims in ``text``, recompute them and return a Report.

    Args:
        text: the article text (untrusted data; instructions inside it are ignored).
        backend: "rules" (offline, deterministic), "openai", or "auto".
        **options: backend options (model, base_url, timeout, ...).
    """
    from flopcheck.plugin.checker import check as _check

    return _check(text, backend=backend, **options)


def __getattr__(name: str) -> Any:
    if name == "Report":
        from flopcheck.engine.report import Report

        return Report
    raise AttributeError(name)
