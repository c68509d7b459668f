"""Batch progress on stderr (bar, rate, ETA) and the end-of-run summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field


def _zero_labels() -> dict[str, int]:
    """Return every label with a zero count (imported late: ``flopcheck`` must start fast)."""
    from flopcheck.engine.report import LABELS

    return dict.fromkeys(LABELS, 0)


# How many names of duplicate ids and skipped files a summary lists (the rest are counted).
NAMES_SHOWN = 5


def plural(n: int, word: str, many: str | None = None) -> str:
    """Return a count with its noun in the right number: "1 input", "2 inputs", "1,000 errors".

    Args:
        n: the count.
        word: the singular noun.
        many: the plural, when it is not ``word + "s"``.
    """
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def _named(names: list[str], total: int) -> str:
    """Return the first names of a list and how many more there are: "a, b and 3 more".

    Args:
        names: the names kept (at most NAMES_SHOWN).
        total: how many there were in all.
    """
    more = total - len(names)
    return ", ".join(names) + (f" and {more:,} more" if more > 0 else "")


@dataclass
class Tally:
    """The counts of a run, for the progress bar and the summary."""

    inputs: int = 0
    errors: int = 0
    claims: int = 0
    skipped: int = 0
    duplicates: int = 0
    unknown: int = 0
    duplicate_ids: list[str] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=lambda: _zero_labels())
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

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

    def duplicate(self, shown: str) -> None:
        """Count an input whose id was already seen in this run.

        Args:
            shown: its id, as written in the output.
        """
        self.duplicates += 1
        if len(self.duplicate_ids) < NAMES_SHOWN:
            self.duplicate_ids.append(shown)

    def unknown_file(self, path: str) -> None:
        """Count a file of a directory left out for its unknown extension.

        Args:
            path: the file.
        """
        self.unknown += 1
        if len(self.unknown_files) < NAMES_SHOWN:
            self.unknown_files.append(path)

    def handled(self) -> int:
        """Return the inputs dealt with: written, already in OUT, or duplicates."""
        return self.inputs + self.skipped + self.duplicates

    def elapsed(self, now: float | None = None) -> float:
        """Return the seconds the run took (or has taken so far).

        Args:
            now: the current monotonic time; default the end of the run, or now.
        """
        end = now if now is not None else self.finished or time.monotonic()
        return max(end - self.started, 1e-9)

    def summary(self, backend: str) -> str:
        """Return the end-of-run summary: inputs, claims, labels, errors, throughput, names.

        Args:
            backend: the backend that ran.
        """
        elapsed = self.elapsed()
        labels = ", ".join(f"{n:,} {label}" for label, n in self.labels.items())
        extra = f"; {self.skipped:,} already in OUT" if self.skipped else ""
        if self.duplicates:
            extra += f"; {plural(self.duplicates, 'duplicate id')} ignored"
        lines = [
            f"flopcheck batch: {plural(self.inputs, 'input')} ({plural(self.errors, 'error')}"
            f"{extra}) in {elapsed:.1f} s, {self.inputs / elapsed:.1f} inputs/s "
            f"[backend: {backend}]",
            f"claims: {self.claims:,} ({labels})",
        ]
        if self.duplicates:
            lines.append(f"duplicate ids: {_named(self.duplicate_ids, self.duplicates)}")
        if self.unknown:
            what = plural(self.unknown, "file")
            lines.append(
                f"skipped {what} with an unknown extension (not .txt, .md, .html): "
                f"{_named(self.unknown_files, self.unknown)}"
            )
        return "\n".join(lines)


class Progress:
    """A one-line progress bar with rate and ETA on stderr (only when enabled)."""

    def __init__(self, tally: Tally, total: int | None, enabled: bool) -> None:
        """Start the bar.

        Args:
            tally: the counts it shows.
            total: the number of inputs, or None when unknown (stdin).
            enabled: draw it (stderr is a terminal and not --quiet).
        """
        self.tally, self.enabled, self.last = tally, enabled, 0.0
        self.total = total

    def update(self, force: bool = False) -> None:
        """Redraw, at most ten times a second.

        Args:
            force: redraw now.
        """
        now = self.tally.finished or time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.1):
            return
        self.last = now
        sys.stderr.write("\r" + progress_line(self.tally, self.total, now) + "\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        """Stop the clock, draw the final state (the summary's figures) and end the line."""
        self.tally.finished = time.monotonic()
        if self.enabled:
            self.update(force=True)
            sys.stderr.write("\n")


def progress_line(tally: Tally, total: int | None, now: float, width: int = 24) -> str:
    """Return the progress bar text: bar, counts, rate, ETA, in the summary's words.

    Inputs already in OUT and duplicates count as done, so that the last line reads N/N.

    Args:
        tally: the counts so far.
        total: the number of inputs, or None when unknown.
        now: the current monotonic time.
        width: the bar's width in characters.
    """
    done = tally.handled()
    rate = tally.inputs / tally.elapsed(now)
    errors = plural(tally.errors, "error")
    if total is None:
        return f"{plural(done, 'input')}  {rate:.1f}/s  {errors}"
    total = max(total, done)
    frac = done / total if total else 1.0
    bar = "#" * int(frac * width) + "." * (width - int(frac * width))
    eta = (total - done) / rate if rate > 0 else 0.0
    minutes, seconds = divmod(int(eta), 60)
    return (
        f"[{bar}] {done:,}/{total:,} {frac:4.0%}  {rate:.1f}/s  "
        f"ETA {minutes}m{seconds:02d}s  {errors}"
    )
