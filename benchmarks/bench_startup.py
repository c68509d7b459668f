"""Cold-start time of `flopcheck tool` next to the bare interpreter (prints numbers only).

Run: python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "flopcheck tool cluster_time": [
        sys.executable,
        "-m",
        "flopcheck",
        "tool",
        "cluster_time",
        '{"accelerator_count": 2048, "days": 54}',
    ],
    "flopcheck tool lookup_accelerator": [
        sys.executable,
        "-m",
        "flopcheck",
        "tool",
        "lookup_accelerator",
        '{"accelerator": "H800"}',
    ],
    "import openai (for comparison)": [sys.executable, "-c", "import openai"],
}


def measure(cmd: list[str], runs: int) -> list[float]:
    """Return the wall times of ``runs`` runs of a command, in seconds.

    Args:
        cmd: the command line.
        runs: how many runs.
    """
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Print the median and best cold-start time of each command, and the excess over Python."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    base = None
    for name, cmd in COMMANDS.items():
        times = measure(cmd, runs)
        median = statistics.median(times)
        base = median if base is None else base
        print(
            f"{name:<36} median {median * 1000:7.1f} ms  best {min(times) * 1000:7.1f} ms  "
            f"over python {(median - base) * 1000:7.1f} ms"
        )
    leaked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from flopcheck.plugin.cli import main; "
            "main(['tool', 'cluster_time', '{\"accelerator_count\": 8, \"days\": 1}']); "
            "print('openai imported:', 'openai' in sys.modules, file=sys.stderr)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.strip()
    print(leaked)


if __name__ == "__main__":
    main()
