"""Throughput of the article quantity grammar, in KB/s, over the shared sample articles.

Run: ``python benchmarks/bench_quantities.py [ARTICLE_DIR] [REPEAT]``. The articles are joined
and repeated into one large text, so the figure includes the cost of long inputs; the checker
as a whole must sustain at least 200 KB/s, so this one stage must be well above that.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from flopcheck.rules.quantities import find_precisions, find_quantities

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "flopcheck/evals/data/real/articles"


def throughput(text: str, rounds: int = 3) -> tuple[float, int]:
    """Return the best KB/s of ``rounds`` runs of both finders, and the number of matches.

    Args:
        text: the text to scan.
        rounds: how many timed runs to take the best of.
    """
    best, count = float("inf"), 0
    for _ in range(rounds):
        started = time.perf_counter()
        count = len(find_quantities(text)) + len(find_precisions(text))
        best = min(best, time.perf_counter() - started)
    return len(text.encode()) / 1024 / best, count


def main(argv: list[str]) -> None:
    """Print the throughput over the articles in a folder, repeated.

    Args:
        argv: optional folder of .txt articles and repeat count.
    """
    folder = Path(argv[0]) if argv else DEFAULT_DIR
    repeat = int(argv[1]) if len(argv) > 1 else 50
    articles = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not articles:
        raise SystemExit(f"no .txt articles in {folder}")
    started = time.perf_counter()
    find_quantities("warm-up: compile the grammar once, 2,048 H800s")
    compile_s = time.perf_counter() - started
    text = "\n\n".join(articles) * repeat
    rate, count = throughput(text)
    size_kb = len(text.encode()) / 1024
    print(f"grammar compile: {compile_s * 1000:.0f} ms")
    print(
        f"{len(articles)} articles x {repeat} = {size_kb:.0f} KB, {count} matches: {rate:.0f} KB/s"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
