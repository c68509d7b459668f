"""``flopcheck batch INPUT... -o OUT.jsonl``: check a corpus, one JSON line per input.

Inputs stream through a bounded window of in-flight work (processes for the rules backend,
threads for the openai backend), so memory stays flat whatever the corpus size; each result is
appended as one whole line as soon as it is ready (completion order; ``--ordered`` holds finished
lines back until those before them are written, within the same window). ``--resume`` skips the
ids already in OUT, so that after a crash every input appears exactly once. Exit codes: 0 when
every input was processed (failed inputs are recorded as ``{"id", "error"}`` lines), 2 on usage
errors, among them an input path that does not exist.

Run it as ``flopcheck batch`` (arguments in ``batch_cli.py``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flopcheck.errors import FlopcheckError
from flopcheck.plugin._batch_io import (
    Item,
    LineWriter,
    count_items,
    html_name,
    id_key,
    iter_items,
    missing_inputs,
    scan_done,
)
from flopcheck.plugin._batch_progress import Progress, Tally

# In-flight submissions per worker: enough to keep every worker busy while the parent writes,
# few enough that memory does not depend on the corpus.
WINDOW_PER_WORKER = 4
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


@dataclass
class Outcome:
    """What a worker sends back: the finished JSON line and the counts for the summary."""

    line: str
    claims: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    error: bool = False


@dataclass
class BatchConfig:
    """The options of one batch run."""

    inputs: list[str]
    output: Path
    backend: str = "rules"
    options: dict[str, Any] = field(default_factory=dict)
    workers: int = 1
    concurrency: int = 4
    resume: bool = False
    overwrite: bool = False
    html_dir: Path | None = None
    stdin_jsonl: bool = False
    quiet: bool = False
    ordered: bool = False


def error_line(item_id: Any, error: str, metadata: dict[str, Any] | None = None) -> Outcome:
    """Return the output line of an input that failed.

    Args:
        item_id: the input's id.
        error: one line saying why.
        metadata: the record's other fields, carried through.
    """
    record: dict[str, Any] = {"id": item_id, "error": error}
    if metadata:
        record["metadata"] = metadata
    return Outcome(line=json.dumps(record, ensure_ascii=False), error=True)


def process_item(
    item: Item, backend: str, options: dict[str, Any], html_dir: str | None
) -> Outcome:
    """Check one input and return its output line; never raises (runs in a worker).

    Args:
        item: the input, with its text.
        backend: "rules" or "openai".
        options: openai backend options.
        html_dir: where to write the input's HTML page, or None.
    """
    from flopcheck.plugin.checker import check

    try:
        report = check(item.text or "", backend=backend, source=item.source, **options)
    except Exception as exc:  # one bad input must never stop the run: record it and go on
        return error_line(item.id, f"{type(exc).__name__}: {exc}", item.metadata)
    record: dict[str, Any] = {"id": item.id, **report.model_dump(mode="json")}
    warnings = list(item.warnings)
    if html_dir is not None:
        try:
            record["html"] = _write_page(report, item, Path(html_dir))
        except OSError as exc:
            warnings.append(f"cannot write the HTML page: {exc.strerror}")
    if item.metadata:
        record["metadata"] = item.metadata
    if warnings:
        record["warnings"] = warnings
    line = json.dumps(record, ensure_ascii=False)
    return Outcome(line=line, claims=len(report.claims), labels=report.label_counts())


def _write_page(report: Any, item: Item, html_dir: Path) -> str:
    """Write the HTML page of one input atomically and return its path.

    Args:
        report: the input's Report.
        item: the input.
        html_dir: the directory of pages.
    """
    from flopcheck.plugin.html_report import render_html

    path = html_dir / html_name(item.id)
    partial = path.with_name(path.name + ".part")
    partial.write_text(render_html(report, item.text or ""), encoding="utf-8")
    os.replace(partial, path)  # a kill never leaves a half page under the final name
    return str(path)


def _init_worker(parent: int) -> None:
    """Prepare a worker: Ctrl-C is the parent's to handle, and the worker dies with its parent.

    Args:
        parent: the parent's pid.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # no tracebacks from every worker on Ctrl-C
    # After a kill -9 of the parent, pool workers would wait on their queue forever: ask Linux
    # to send them SIGKILL when the parent dies (elsewhere, they linger until killed).
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class _InlineExecutor(Executor):
    """Run each task at submission, in this process: workers=1 needs no pool."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn`` now and return a finished future.

        Args:
            fn: the task.
            *args: its arguments.
            **kwargs: its keyword arguments.
        """
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _make_executor(config: BatchConfig) -> tuple[Executor, int]:
    """Return the executor for the backend and its in-flight window.

    Args:
        config: the run's options.
    """
    if config.backend == "openai":
        # Requests wait on the network, not the CPU: threads, as many as --concurrency.
        return ThreadPoolExecutor(config.concurrency), config.concurrency
    if config.workers == 1:
        return _InlineExecutor(), 1
    # Imported here: multiprocessing is slow to import, and `flopcheck` must start fast.
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(config.workers, initializer=_init_worker, initargs=(os.getpid(),))
    return pool, config.workers * WINDOW_PER_WORKER


class _Runner:
    """One batch run: feeds inputs through the executor and writes the lines."""

    def __init__(self, config: BatchConfig, writer: LineWriter, progress: Progress) -> None:
        self.config = config
        self.writer = writer
        self.progress = progress
        self.tally = progress.tally
        self.executor, self.window = _make_executor(config)
        self.inflight: dict[Future[Outcome], tuple[int, Item]] = {}
        self.html = str(config.html_dir) if config.html_dir else None
        self.submitted = 0  # sequence numbers, for --ordered
        self.written = 0
        self.held: dict[int, Outcome] = {}

    def record(self, seq: int, outcome: Outcome) -> None:
        """Write one finished input's line (with --ordered, once those before it are written).

        Args:
            seq: its position among the inputs of this run.
            outcome: the finished input.
        """
        if not self.config.ordered:
            self._write(outcome)
            return
        self.held[seq] = outcome
        while self.written in self.held:
            self._write(self.held.pop(self.written))
            self.written += 1

    def _write(self, outcome: Outcome) -> None:
        """Write one line and count it.

        Args:
            outcome: the finished input.
        """
        self.writer.write(outcome.line)
        self.tally.add(outcome.claims, outcome.labels, outcome.error)
        self.progress.update()

    def _next(self) -> int:
        """Return the next sequence number."""
        self.submitted += 1
        return self.submitted - 1

    def submit(self, item: Item) -> None:
        """Queue one input, first waiting while the window (running and held) is full.

        Args:
            item: the input.
        """
        while self.inflight and len(self.inflight) + len(self.held) >= self.window:
            self.drain(FIRST_COMPLETED)
        opts = self.config.options
        future = self.executor.submit(process_item, item, self.config.backend, opts, self.html)
        self.inflight[future] = (self._next(), item)

    def drain(self, when: str) -> None:
        """Wait for in-flight inputs (the first, or all) and write their lines.

        Args:
            when: FIRST_COMPLETED or ALL_COMPLETED.
        """
        from concurrent.futures.process import BrokenProcessPool

        finished, _ = wait(list(self.inflight), return_when=when)
        broken = False
        for future in sorted(finished, key=lambda f: self.inflight[f][0]):
            seq, item = self.inflight.pop(future)
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken = True
                outcome = error_line(item.id, "the worker process died (crash or out of memory)")
            self.record(seq, outcome)
        if broken:
            # The pool is unusable after a worker dies; later inputs get a fresh one.
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor, self.window = _make_executor(self.config)

    def run(self, items: Iterator[Item]) -> None:
        """Process every input, then wait for the last ones.

        Args:
            items: the inputs still to do.
        """
        try:
            for item in items:
                if item.error is not None:
                    self.record(self._next(), error_line(item.id, item.error, item.metadata))
                else:
                    self.submit(item)
            while self.inflight:
                self.drain("ALL_COMPLETED")
        finally:
            # Waiting reaps the workers (at most a window of short tasks after a Ctrl-C).
            self.executor.shutdown(wait=True, cancel_futures=True)


def _pending(items: Iterator[Item], done: set[str], tally: Tally) -> Iterator[Item]:
    """Yield the inputs not in OUT yet, each id once (only ids are kept, never texts).

    Args:
        items: every input.
        done: id keys already in OUT.
        tally: counts skipped and duplicate inputs.
    """
    # One dict for both kinds of ids: True for those in OUT before the run, False for this run's.
    seen = dict.fromkeys(done, True)
    done.clear()
    for item in items:
        key = id_key(item.id)
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = False
            yield item
        elif earlier:
            tally.skipped += 1
        else:
            tally.duplicate(str(item.id))


def _prepare_output(config: BatchConfig) -> set[str]:
    """Check OUT against --resume/--overwrite and return the ids already done.

    Args:
        config: the run's options.
    """
    out = config.output
    if out.is_dir():
        raise FlopcheckError(f"{out} is a directory; give a file for -o")
    exists = out.exists() and out.stat().st_size > 0
    if exists and not (config.resume or config.overwrite):
        raise FlopcheckError(f"{out} exists; use --resume to continue it or --overwrite")
    if config.html_dir is not None:
        try:
            config.html_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FlopcheckError(f"cannot create {config.html_dir}: {exc.strerror}") from exc
    if not config.resume:
        return set()
    done, cut = scan_done(out)
    if cut and not config.quiet:
        print(f"flopcheck: {out}: cut a torn last line ({cut} bytes)", file=sys.stderr)
    return done


def run_batch(config: BatchConfig) -> Tally:
    """Run a batch and return its counts (raises FlopcheckError on usage errors).

    Args:
        config: the run's options.
    """
    from flopcheck.plugin.checker import resolve_backend
    from flopcheck.plugin.llm_options import check_options

    config.backend = resolve_backend(config.backend, config.options.get("base_url"))
    missing = missing_inputs(config.inputs)
    if missing:
        raise FlopcheckError(f"no such file or directory: {', '.join(missing)}")
    check_options(config.backend, config.options)  # once, not as an error line per input
    done = _prepare_output(config)
    exclude = frozenset(p.resolve() for p in (config.output, config.html_dir) if p is not None)
    show = sys.stderr.isatty() and not config.quiet
    total = count_items(config.inputs, exclude) if show else None
    progress = Progress(Tally(), total, enabled=show)
    writer = LineWriter(config.output, truncate=not config.resume)
    tally = progress.tally
    items = iter_items(config.inputs, exclude, config.stdin_jsonl, tally.unknown_file)
    try:
        _Runner(config, writer, progress).run(_pending(items, done, tally))
    finally:
        writer.close()
        progress.close()
    return tally


__all__ = ["BatchConfig", "run_batch"]
