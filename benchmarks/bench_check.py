"""Throughput and peak memory of the rules checker on the founding articles (prints numbers).

Run: python benchmarks/bench_check.py [--rounds N]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from flopcheck import check

ARTICLES = Path(__file__).resolve().parents[1] / "flopcheck/evals/data/real/articles"
SEEDS = [
    "founding_deepseek_apples_oranges",
    "founding_nextbigfuture_altimeter",
    "founding_bernstein",
]


def main() -> None:
    """Check the seed articles ``rounds`` times on one core; print KB/s, articles/s, peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    texts = [(ARTICLES / f"{name}.txt").read_text("utf-8") for name in SEEDS]
    check(texts[0])  # warm the caches (data tables, compiled patterns) once, as a server would
    size = sum(len(t.encode("utf-8")) for t in texts)
    claims = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            claims += len(check(text).claims)
    elapsed = time.perf_counter() - start
    articles = rounds * len(texts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles checked: {articles} ({size / 1000:.1f} KB per round), claims: {claims}")
    print(f"elapsed: {elapsed:.2f} s")
    rate = size * rounds / 1000 / elapsed
    print(f"throughput: {rate:.0f} KB/s, {articles / elapsed:.1f} articles/s")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
