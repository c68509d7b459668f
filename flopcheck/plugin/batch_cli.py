"""The ``flopcheck batch`` command line: arguments here, the work in ``batch.py``.

Kept apart so that registering the command costs nothing at start-up.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from flopcheck.plugin.llm_options import add_llm_options, backend_in_use


def _positive(text: str) -> int:
    """Parse a positive integer option.

    Args:
        text: the option's value.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def configure(cmd: argparse.ArgumentParser) -> None:
    """Add the batch options to a parser.

    Args:
        cmd: the parser of ``flopcheck batch``.
    """
    cmd.add_argument("inputs", nargs="+", metavar="INPUT", help="file, directory, .jsonl or -")
    cmd.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="output lines")
    cmd.add_argument("--backend", choices=["auto", "rules", "openai"], default="auto")
    cmd.add_argument(
        "--workers",
        type=_positive,
        default=os.cpu_count() or 1,
        help="processes for the rules backend (default: the number of cores)",
    )
    cmd.add_argument(
        "--concurrency", type=_positive, default=4, help="openai backend: requests at once"
    )
    cmd.add_argument("--resume", action="store_true", help="skip the ids already in OUT")
    cmd.add_argument("--overwrite", action="store_true", help="replace an existing OUT")
    cmd.add_argument("--html", metavar="DIR", help="also write one HTML page per input in DIR")
    cmd.add_argument(
        "--stdin-jsonl", action="store_true", help="read - as JSONL records, not one article"
    )
    cmd.add_argument(
        "--ordered",
        action="store_true",
        help="write the lines in input order (default: as each input finishes)",
    )
    cmd.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    add_llm_options(cmd)
    cmd.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    """Run ``flopcheck batch`` from parsed arguments and return the exit code.

    Args:
        args: the parsed arguments.
    """
    from flopcheck.plugin.batch import BatchConfig, run_batch

    with backend_in_use(args, args.backend) as (backend, options):
        config = BatchConfig(
            inputs=args.inputs,
            output=Path(args.output),
            backend=backend,
            options=options,
            workers=args.workers,
            concurrency=args.concurrency,
            resume=args.resume,
            overwrite=args.overwrite,
            html_dir=Path(args.html) if args.html else None,
            stdin_jsonl=args.stdin_jsonl,
            quiet=args.quiet,
            ordered=args.ordered,
        )
        tally = run_batch(config)
    if not config.quiet:
        print(tally.summary(config.backend), file=sys.stderr)
    return 0


def add_batch_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``flopcheck batch`` on the main parser's subparsers.

    Args:
        subparsers: the object ``ArgumentParser.add_subparsers()`` returned.
    """
    cmd: argparse.ArgumentParser = subparsers.add_parser(
        "batch",
        help="check a corpus: files, directories, JSONL; one JSON line per input",
        description="Check many inputs (files, directories, JSONL records, stdin) and write "
        "one JSON line per input; resumable after a crash with --resume.",
    )
    configure(cmd)
    return cmd
