"""Throughput, scaling and peak memory of ``flopcheck batch`` (rules backend); prints numbers.

Builds a JSONL corpus of articles of realistic length by recombining the sentences of the eval
articles (fixed seed), then runs the batch with workers = 1 and 2, and once more with 10x the
corpus and workers = 2 to show that memory does not grow with the corpus. Each run happens in a
fresh process, so that its peak RSS (the batch process itself, and the largest worker through
RUSAGE_CHILDREN) is its own.

Run: python benchmarks/bench_batch.py [--articles 10000] [--sentences 35] [--no-10x]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "flopcheck" / "evals" / "data"


def make_corpus(path: Path, articles: int, sentences: int, seed: int = 2025) -> int:
    """Write a JSONL corpus and return its size in bytes.

    Args:
        path: the file to write.
        articles: the number of articles.
        sentences: sentences per article (35 gives ~4 KB, like the eval articles).
        seed: the random seed.
    """
    rng = random.Random(seed)
    text = " ".join(p.read_text("utf-8") for p in sorted(DATA.glob("*/articles/*.txt")))
    pool = [s.strip() + "." for s in text.replace("\n", " ").split(". ") if 20 < len(s) < 400]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(articles):
            body = " ".join(rng.choices(pool, k=sentences))
            fh.write(json.dumps({"id": f"bench-{i}", "text": body, "feed": "bench"}) + "\n")
    return path.stat().st_size


def run_once(corpus: Path, workers: int, out: Path) -> dict[str, Any]:
    """Run one batch in this process and return its timing and peak memory (MB).

    Args:
        corpus: the JSONL corpus.
        workers: worker processes.
        out: the output file.
    """
    from flopcheck.plugin.batch import BatchConfig, run_batch

    config = BatchConfig(
        inputs=[str(corpus)], output=out, backend="rules", workers=workers, quiet=True
    )
    start = time.perf_counter()
    tally = run_batch(config)
    elapsed = time.perf_counter() - start
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "inputs": tally.inputs,
        "errors": tally.errors,
        "claims": tally.claims,
        "elapsed": elapsed,
        "rate": tally.inputs / elapsed,
        "parent_mb": parent,
        "worker_mb": child,
        # Workers=1 runs inline, in the parent; otherwise each worker peaks at about worker_mb.
        "total_mb": parent + (workers * child if workers > 1 else 0.0),
        "first_error": _first_error(out),
    }


def _first_error(out: Path) -> str | None:
    """Return the first error recorded in an output file, if any.

    Args:
        out: the output file.
    """
    with out.open("rb") as fh:
        for line in fh:
            if b'"error"' in line:
                error: str = json.loads(line).get("error", "")
                return error
    return None


def measure(corpus: Path, workers: int, tmp: Path) -> dict[str, Any]:
    """Run one configuration in a fresh Python process and return its figures.

    Args:
        corpus: the JSONL corpus.
        workers: worker processes.
        tmp: a scratch directory for the output.
    """
    out = tmp / f"out-{workers}-{corpus.stem}.jsonl"
    cmd = [sys.executable, __file__, "--_run", str(corpus), str(workers), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=REPO)
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def show(name: str, r: dict[str, Any]) -> None:
    """Print one run's figures.

    Args:
        name: the run's label.
        r: its figures.
    """
    print(
        f"{name:<22} {r['inputs']:>7,} articles  {r['elapsed']:7.1f} s  {r['rate']:7.1f} art/s  "
        f"peak RSS: batch {r['parent_mb']:.0f} MB, worker {r['worker_mb']:.0f} MB, "
        f"total ~{r['total_mb']:.0f} MB  ({r['errors']} errors, {r['claims']:,} claims)"
    )
    if r["first_error"]:
        print(f"  first error: {r['first_error'][:200]}")


def main() -> None:
    """Build the corpora, run the configurations and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sentences", type=int, default=35)
    parser.add_argument("--no-10x", action="store_true", help="skip the 10x memory run")
    parser.add_argument("--_run", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._run:
        corpus, workers, out = args._run
        print(json.dumps(run_once(Path(corpus), int(workers), Path(out))))
        return
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        size = make_corpus(tmp / "corpus.jsonl", args.articles, args.sentences)
        print(
            f"corpus: {args.articles:,} articles, {size / 1e6:.1f} MB "
            f"({size / args.articles / 1000:.1f} KB each)"
        )
        one = measure(tmp / "corpus.jsonl", 1, tmp)
        show("workers=1", one)
        two = measure(tmp / "corpus.jsonl", 2, tmp)
        show("workers=2", two)
        print(f"scaling workers=2 / workers=1: {two['rate'] / one['rate']:.2f}x")
        if args.no_10x:
            return
        big = tmp / "corpus10x.jsonl"
        size = make_corpus(big, 10 * args.articles, args.sentences)
        print(f"10x corpus: {10 * args.articles:,} articles, {size / 1e6:.1f} MB")
        ten = measure(big, 2, tmp)
        show("workers=2, 10x", ten)
        growth = ten["total_mb"] / two["total_mb"]
        print(f"peak RSS 10x / 1x corpus (workers=2): {growth:.2f}x")


if __name__ == "__main__":
    main()
