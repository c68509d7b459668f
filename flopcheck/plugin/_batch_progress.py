"""Batch progress on stderr (bar, rate, ETA) and the end-of-run summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field


def _zero_labels() -> dict[str, int]:
    """Return every label with a zero count (imported late: ``flopcheck`` must start fast)."""
    from flopcheck.engine.report import LABELS

    return dict.fromkeys(LABELS, 0)


@dataclass
class Tally:
    """The counts of a run, for the progress bar and the summary."""

    inputs: int = 0
    errors: int = 0
    claims: int = 0
    skipped: int = 0
    duplicates: int = 0
    labels: dict[str, int] = field(default_factory=lambda: _zero_labels())
    started: float = field(default_factory=time.monotonic)

    def add(self, claims: int, labels: dict[str, int], error: bool) -> None:
        """Count one finished input.

        Args:
            claims: its number of claims.
            labels: its claims per label.
            error: whether it failed.
        """
        self.inputs += 1
        self.errors += error
        self.claims += claims
        for label, n in labels.items():
            self.labels[label] = self.labels.get(label, 0) + n

    def summary(self, backend: str) -> str:
        """Return the end-of-run summary: inputs, claims, labels, errors, throughput.

        Args:
            backend: the backend that ran.
        """
        elapsed = max(time.monotonic() - self.started, 1e-9)
        labels = ", ".join(f"{n:,} {label}" for label, n in self.labels.items())
        extra = f"; {self.skipped:,} already in OUT" if self.skipped else ""
        extra += f"; {self.duplicates:,} duplicate ids ignored" if self.duplicates else ""
        return (
            f"flopcheck batch: {self.inputs:,} inputs ({self.errors:,} errors{extra}) "
            f"in {elapsed:.1f} s, {self.inputs / elapsed:.1f} inputs/s [backend: {backend}]\n"
            f"claims: {self.claims:,} ({labels})"
        )


class Progress:
    """A one-line progress bar with rate and ETA on stderr (only when enabled)."""

    def __init__(self, tally: Tally, total: int | None, done: int, enabled: bool) -> None:
        """Start the bar.

        Args:
            tally: the counts it shows.
            total: the number of inputs, or None when unknown (stdin).
            done: inputs already in OUT (they do not count towards the rate).
            enabled: draw it (stderr is a terminal and not --quiet).
        """
        self.tally, self.enabled, self.last = tally, enabled, 0.0
        self.total = None if total is None else max(total - done, 0)

    def update(self, force: bool = False) -> None:
        """Redraw, at most ten times a second.

        Args:
            force: redraw now.
        """
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.1):
            return
        self.last = now
        sys.stderr.write("\r" + progress_line(self.tally, self.total, now) + "\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self.update(force=True)
            sys.stderr.write("\n")


def progress_line(tally: Tally, total: int | None, now: float, width: int = 24) -> str:
    """Return the progress bar text: bar, counts, rate, ETA.

    Args:
        tally: the counts so far.
        total: the number of inputs to do, or None when unknown.
        now: the current monotonic time.
        width: the bar's width in characters.
    """
    done = tally.inputs
    rate = done / max(now - tally.started, 1e-9)
    if total is None:
        return f"{done:,} inputs  {rate:.1f}/s  {tally.errors:,} errors"
    frac = min(done / total, 1.0) if total else 1.0
    bar = "#" * int(frac * width) + "." * (width - int(frac * width))
    eta = (total - done) / rate if rate > 0 else 0.0
    minutes, seconds = divmod(int(eta), 60)
    return (
        f"[{bar}] {done:,}/{total:,} {frac:4.0%}  {rate:.1f}/s  "
        f"ETA {minutes}m{seconds:02d}s  {tally.errors:,} errors"
    )
