"""Throughput, scaling and peak memory of ``flopcheck check`` (rules backend) on one large input;
prints numbers.

The input is built by recombining the sentences of the eval articles into paragraphs (fixed
seed), to the sizes asked for (default 0.1, 1.5 and 8 MB). Each size is checked in a fresh
process, so its peak RSS is its own; the Report's size is printed beside it, since memory may
grow with the Report but should not otherwise grow with the input. Issue 13's targets: at least
1 MB/s per core on 1.5 MB, 8 MB in under 30 s, run time linear in the input.

Each size is checked ``--repeat`` times (3), each in its own fresh process; the table shows the
fastest run, as timeit does, since a shared machine only ever adds time, and beside it the
median of the runs.

Run: python benchmarks/bench_check.py [--sizes 0.1 1.5 8] [--corpus sentences|founding]
[--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "flopcheck" / "evals" / "data"


FOUNDING = [
    "founding_deepseek_apples_oranges",
    "founding_nextbigfuture_altimeter",
    "founding_bernstein",
]


def make_text(size: int, seed: int, corpus: str = "sentences") -> str:
    """Return about ``size`` bytes of article text.

    Args:
        size: the size wanted, in bytes.
        seed: the random seed.
        corpus: "sentences" (the eval articles' sentences in paragraphs of 3-8: about 5 claims
            per KB) or "founding" (the three founding articles whole, in shuffled order: about
            3 claims per KB, as a long real article has).
    """
    rng = random.Random(seed)
    if corpus == "founding":
        articles = [(DATA / "real/articles" / f"{n}.txt").read_text("utf-8") for n in FOUNDING]
        parts: list[str] = []
        while sum(len(p) for p in parts) < size:
            parts.append(rng.choice(articles))
        return "\n\n".join(parts)
    text = " ".join(p.read_text("utf-8") for p in sorted(DATA.glob("*/articles/*.txt")))
    pool = [s.strip() + "." for s in text.replace("\n", " ").split(". ") if 20 < len(s) < 400]
    paragraphs: list[str] = []
    total = 0
    while total < size:
        paragraph = " ".join(rng.choices(pool, k=rng.randint(3, 8)))
        paragraphs.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
    return "\n\n".join(paragraphs)


def measure(path: Path) -> dict[str, float]:
    """Check one file in this process; return its size, time, claims and memory (MB).

    Args:
        path: the input file.
    """
    from flopcheck import check

    check("DeepSeek-V3 cost $5.6M.")  # load tables and patterns once, as a server would
    text = path.read_text("utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    report = check(text)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mb": len(text.encode("utf-8")) / 1e6,
        "seconds": elapsed,
        "claims": len(report.claims),
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "report_mb": len(report.model_dump_json().encode("utf-8")) / 1e6,
    }


def main() -> None:
    """Build each size, check it in a fresh process, print a table and the scaling."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 1.5, 8.0])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--corpus", choices=["sentences", "founding"], default="sentences")
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per size (default 3)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"input-{size}.txt"
            path.write_text(make_text(int(size * 1e6), args.seed, args.corpus), "utf-8")
            runs = []
            for _ in range(max(1, args.repeat)):
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            best = min(runs, key=lambda r: r["seconds"])
            rows.append({**best, "median": statistics.median(r["seconds"] for r in runs)})
    print(
        "   input  claims  seconds    MB/s  median s  claims/s  RSS before  RSS peak  Report JSON"
    )
    for r in rows:
        print(
            f"{r['mb']:6.2f}MB {r['claims']:7.0f} {r['seconds']:8.2f} "
            f"{r['mb'] / r['seconds']:7.2f} {r['median']:9.2f} "
            f"{r['claims'] / r['seconds']:9.0f} {r['rss_before_mb']:9.0f}MB "
            f"{r['rss_peak_mb']:7.0f}MB {r['report_mb']:9.1f}MB"
        )
    first, last = rows[0], rows[-1]
    per_mb = [r["seconds"] / r["mb"] for r in (first, last)]
    print(
        f"seconds per MB: {per_mb[0]:.2f} at {first['mb']:.2f} MB, {per_mb[1]:.2f} at "
        f"{last['mb']:.2f} MB (ratio {per_mb[1] / per_mb[0]:.2f}; 1.00 is linear)"
    )
    grown = last["rss_peak_mb"] - last["rss_before_mb"]
    print(
        f"memory grown while checking {last['mb']:.1f} MB: {grown:.0f} MB, "
        f"{grown / last['report_mb']:.1f}x the Report's JSON ({last['report_mb']:.1f} MB)"
    )


if __name__ == "__main__":
    main()
