"""Forgiving name resolution for accelerators, training runs and API models.

Journalists write "H800s", "NVIDIA H100", "A100-SXM-80GB", "TPUv4" or just "Hopper"; every
spelling that names one record unambiguously should find it, and a miss should suggest names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

from flopcheck.errors import UnknownNameError
from flopcheck.tools.tables import (
    Accelerator,
    ApiModel,
    Family,
    System,
    TrainingRun,
    accelerators,
    families,
    systems,
)
from flopcheck.tools.tables import api_prices as _api_prices
from flopcheck.tools.tables import training_runs as _training_runs

_VENDOR_WORDS = re.compile(
    r"\b(nvidia|amd|intel|google|habana|instinct|cloud|tensor core|gpus?|accelerators?|chips?)\b"
)
_NON_ALNUM = re.compile(r"[^a-z0-9.]+")
# Form factors and memory sizes that a writer may add to a name the table lists without them.
_DETAIL = re.compile(r"(sxm\d?|pcie|hgx|nvl\d*|\d+gb)")

T = TypeVar("T")


def normalize(name: str) -> str:
    """Return the lookup key of a name: lower case, vendor words and punctuation dropped.

    Args:
        name: a name as written, e.g. "NVIDIA H100-SXM5".
    """
    lowered = _VENDOR_WORDS.sub(" ", name.lower().replace("’", "'"))
    return _NON_ALNUM.sub("", lowered).rstrip(".")


@dataclass(frozen=True)
class Match(Generic[T]):
    """A resolved record and a note on how the name was interpreted (empty when exact)."""

    record: T
    note: str = ""


class _Index(Generic[T]):
    """Maps normalized names to records; resolves with fallbacks, fails with suggestions."""

    def __init__(self, kind: str, records: Iterable[T], names: Callable[[T], list[str]]) -> None:
        self.kind = kind
        self.keys: dict[str, T] = {}
        self.display: list[str] = []
        for record in records:
            spelled = names(record)
            self.display.append(spelled[0])
            for name in spelled:
                self.keys.setdefault(normalize(name), record)

    def find(self, name: str, strip: bool = True) -> T | None:
        """Return the record a name denotes, trying plural and detail-stripped forms.

        Args:
            name: the name as written.
            strip: also try the name without form factor and memory size ("SXM5", "80GB").
        """
        key = normalize(name)
        if not key:
            return None
        candidates = [key, key.removesuffix("s"), key.removesuffix("'s")]
        if strip:
            stripped = _DETAIL.sub("", key)
            candidates += [stripped, stripped.removesuffix("s")]
        for candidate in candidates:
            if candidate and candidate in self.keys:
                return self.keys[candidate]
        return None

    def unknown(self, name: str) -> UnknownNameError:
        """Return the error for a name that matched nothing, with the closest known names.

        Args:
            name: the name as written.
        """
        key = normalize(name)
        by_key = {normalize(d): d for d in self.display}
        close = difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.4)
        suggestions = [by_key[k] for k in close] or self.display[:8]
        return UnknownNameError(
            f"unknown {self.kind} {name!r}; did you mean one of: {', '.join(suggestions)}?",
            suggestions,
        )


@cache
def _accelerator_index() -> _Index[Accelerator]:
    return _Index("accelerator", accelerators(), lambda a: [a.id, *a.aliases])


@cache
def _system_index() -> _Index[System]:
    return _Index("system", systems(), lambda s: [s.id, *s.aliases])


@cache
def _generations() -> dict[str, Accelerator]:
    return {normalize(a.flagship_of): a for a in accelerators() if a.flagship_of}


@cache
def _run_index() -> _Index[TrainingRun]:
    return _Index("training run", _training_runs(), lambda r: [r.id, *r.aliases])


@cache
def _family_index() -> _Index[Family]:
    return _Index("model family", families(), lambda f: [f.name, *f.aliases])


@cache
def _api_index() -> _Index[ApiModel]:
    return _Index("API model", _api_prices(), lambda p: [p.model, *p.aliases])


def accelerator_by_id(accelerator_id: str) -> Accelerator:
    """Return the accelerator with this exact id.

    Args:
        accelerator_id: an Accelerator.id, e.g. "H100 SXM".
    """
    return next(a for a in accelerators() if a.id == accelerator_id)


def resolve_system(name: str) -> System:
    """Resolve a node, rack or pod name ("DGX H100", "GB200 NVL72") to its record.

    Args:
        name: the system name as written.
    """
    found = _system_index().find(name, strip=False)
    if found is None:
        raise _system_index().unknown(name)
    return found


def resolve_accelerator(name: str) -> Match[Accelerator]:
    """Resolve an accelerator name; a system name resolves to its chip and a generation name to
    its flagship, each with a note saying so.

    Args:
        name: e.g. "H800", "h800 sxm", "A100-SXM-80GB", "TPUv4", "Hopper", "DGX H100".
    """
    found = _accelerator_index().find(name, strip=False)
    if found is not None:
        return Match(found)
    system = _system_index().find(name, strip=False)
    if system is not None:
        chip = accelerator_by_id(system.accelerator)
        note = (
            f"{name!r} is a {system.kind} of {system.accelerator_count} x {chip.id} "
            f"({system.id}): these are one chip's figures; use lookup_system for the {system.kind}"
        )
        return Match(chip, note)
    found = _accelerator_index().find(name)
    if found is not None:
        return Match(found)
    generation = _generations().get(normalize(name).removesuffix("s"))
    if generation is not None:
        note = (
            f"{name!r} is a generation, not a chip: using its flagship {generation.id}; "
            "name the chip for a precise answer"
        )
        return Match(generation, note)
    raise _accelerator_index().unknown(name)


def family_members(family: Family) -> list[TrainingRun]:
    """Return the runs of a family, in table order.

    Args:
        family: the family record.
    """
    return [run for run in _training_runs() if run.family == family.name]


def resolve_family(name: str) -> Family | None:
    """Return the family a name denotes, or None.

    Args:
        name: e.g. "Llama 3", "Mixtral".
    """
    return _family_index().find(name)


def find_training_run(name: str) -> TrainingRun | None:
    """Return the run a name denotes, or None (cheap: no suggestions are worked out).

    Args:
        name: e.g. "DeepSeek-V3", "Llama 3 70B".
    """
    return _run_index().find(name)


def resolve_training_run(name: str) -> TrainingRun:
    """Resolve a model name to its reported training run; a family name alone is ambiguous.

    Args:
        name: e.g. "DeepSeek-V3", "Llama 3.1 405B", "Llama 3 70B", "GPT-3".
    """
    found = _run_index().find(name)
    if found is not None:
        return found
    family = resolve_family(name)
    if family is not None:
        members = [run.id for run in family_members(family)]
        raise UnknownNameError(
            f"{name!r} names the {family.name} family, not one model; name one of: "
            f"{', '.join(members)}",
            members,
        )
    raise _run_index().unknown(name)


def resolve_api_model(name: str) -> ApiModel:
    """Resolve a hosted model name to its API record (with its price history).

    Args:
        name: e.g. "GPT-4o", "deepseek-chat", "Claude 3.5 Sonnet".
    """
    found = _api_index().find(name)
    if found is None:
        raise _api_index().unknown(name)
    return found
