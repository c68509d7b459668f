"""Derive the shipped rental-price ranges (flopcheck/tools/data/rental_prices.json).

A maintenance script, not run by the tests. From the repository root:

    python benchmarks/derive_rental_prices.py            # print the rows
    python benchmarks/derive_rental_prices.py --write    # rewrite the data file

Rule, per accelerator:
- quotes: every on-demand and 1-year committed price per chip-hour in Epoch AI's
  hardware-prices.csv (CC-BY 4.0) dated 2023-01-01 to 2025-12-31 whose "Hardware model" maps to
  the accelerator (3-year commitments, spot prices and purchase prices are left out);
- a vendor that lists the same price in the same location for several instance sizes or on
  several dates counts once (the table repeats AWS's $4.10 a dozen times);
- low / typical / high = min / median / max of those quotes;
- chips Epoch has no rental rows for (B200, MI300X, TPU v5p) and the H200 (one Epoch quote) use
  the dated secondary quotes in SECONDARY_QUOTES below, marked so in the row;
- the H800's typical price is DeepSeek's own assumption ($2/GPU-hour, DeepSeek-V3 report), and
  its low end is the H100 SXM's low (the same silicon, rented in the same market).

The rows it writes are the default (undated) ranges; rows not marked ``derived`` (dated quotes
and indexes entered by hand) are kept as they are.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CHECKED = "2026-11-22"
EPOCH_CITATION = "Epoch AI, hardware-prices.csv (CC-BY 4.0)"
ESTIMATOR = (
    "flopcheck (benchmarks/derive_rental_prices.py) from Epoch AI hardware-prices.csv and "
    "listed quotes"
)
WINDOW = (date(2023, 1, 1), date(2025, 12, 31))
DEFAULT_CSV = Path("benchmarks/data/epoch/hardware-prices.csv")
DATA_FILE = Path("flopcheck/tools/data/rental_prices.json")

# Epoch "Hardware model" -> accelerators.json ids. Ambiguous labels ("NVIDIA A100" without a
# variant, A800 PCIe which is not in the table) are left out.
EPOCH_NAMES: dict[str, tuple[str, ...]] = {
    "NVIDIA V100": ("V100 SXM2",),
    "NVIDIA Tesla V100 DGXS 16 GB": ("V100 SXM2",),
    "NVIDIA Tesla V100 DGXS 32 GB": ("V100 SXM2",),
    "NVIDIA Tesla V100 SXM2": ("V100 SXM2",),
    "NVIDIA Tesla V100 SXM2 16 GB": ("V100 SXM2",),
    "NVIDIA Tesla V100 SXM2 32 GB": ("V100 SXM2",),
    "NVIDIA Tesla V100 SXM3 32 GB": ("V100 SXM2",),
    "NVIDIA Tesla V100 PCIe 16 GB": ("V100 PCIe",),
    "NVIDIA Tesla V100 PCIe 32 GB": ("V100 PCIe",),
    "NVIDIA A100 SXM4 40 GB": ("A100 SXM 40GB",),
    "NVIDIA A100 SXM4 80 GB": ("A100 SXM 80GB",),
    "NVIDIA A100 PCIe": ("A100 PCIe 40GB", "A100 PCIe 80GB"),
    "NVIDIA H100 SXM5 80GB": ("H100 SXM",),
    "NVIDIA H100 PCIe": ("H100 PCIe",),
    "NVIDIA H800 SXM5": ("H800 SXM",),
    "NVIDIA H200 SXM": ("H200 SXM",),
    "Google TPU v3": ("TPU v3",),
    "Google TPU v4": ("TPU v4",),
    "Google TPU v5e": ("TPU v5e",),
    "Google TPU v6e Trillium": ("TPU v6e",),
}

NAME_NOTES: dict[str, str] = {
    "V100 SXM2": "Epoch's unlabelled 'NVIDIA V100' cloud rows (AWS p3, Azure NC/ND v3) are counted"
    " here; cloud V100 prices do not differ by form factor.",
    "A100 SXM 40GB": "For comparison, MosaicML quoted about $2/GPU-hour for A100-40GB in 2023"
    " (MPT-7B announcement).",
    "A100 PCIe 40GB": "Epoch's 'NVIDIA A100 PCIe' rows do not say 40 or 80 GB; the same quotes"
    " serve both A100 PCIe rows.",
    "A100 PCIe 80GB": "Epoch's 'NVIDIA A100 PCIe' rows do not say 40 or 80 GB; the same quotes"
    " serve both A100 PCIe rows.",
}


@dataclass(frozen=True)
class Quote:
    """One price per accelerator-hour, with where it was listed."""

    price: float
    kind: str
    vendor: str
    location: str
    listed: date
    url: str


# Secondary, dated quotes for chips Epoch's table lacks (on-demand unless the kind says so).
SECONDARY_QUOTES: dict[str, list[Quote]] = {
    "B200": [
        Quote(
            3.75,
            "on-demand",
            "packet.ai",
            "",
            date(2026, 6, 1),
            "https://packet.ai/blog/gpu-pricing-models-compared",
        ),
        Quote(
            4.50,
            "on-demand",
            "specialized clouds (low end of range)",
            "",
            date(2026, 3, 11),
            "https://lyceum.technology/magazine/nvidia-b200-gpu-cloud-pricing-2026/",
        ),
        Quote(
            6.00,
            "on-demand",
            "specialized clouds (high end of range)",
            "",
            date(2026, 3, 11),
            "https://lyceum.technology/magazine/nvidia-b200-gpu-cloud-pricing-2026/",
        ),
        Quote(
            6.03,
            "on-demand",
            "Spheron",
            "",
            date(2026, 3, 17),
            "https://www.spheron.network/blog/nvidia-h200-vs-b200-vs-gb200",
        ),
        Quote(
            14.24,
            "on-demand",
            "Amazon Web Services",
            "",
            date(2026, 6, 1),
            "https://packet.ai/blog/gpu-pricing-models-compared",
        ),
    ],
    "MI300X": [
        Quote(
            1.50,
            "on-demand",
            "TensorWave",
            "",
            date(2026, 5, 18),
            "https://www.cliffcenter.com/research/amd-inference-economics",
        ),
        Quote(
            1.71,
            "on-demand",
            "TensorWave",
            "",
            date(2025, 1, 1),
            "https://gpu.blog/gpus/instinct-mi300x-mi300x",
        ),
        Quote(
            1.85,
            "on-demand",
            "Vultr",
            "",
            date(2026, 5, 18),
            "https://www.cliffcenter.com/research/amd-inference-economics",
        ),
        Quote(
            6.00,
            "on-demand",
            "Microsoft Azure",
            "",
            date(2026, 5, 18),
            "https://www.cliffcenter.com/research/amd-inference-economics",
        ),
        Quote(
            6.00,
            "on-demand",
            "Oracle Cloud",
            "",
            date(2026, 5, 18),
            "https://www.cliffcenter.com/research/amd-inference-economics",
        ),
    ],
    "H200 SXM": [
        Quote(
            2.25,
            "on-demand",
            "packet.ai",
            "",
            date(2026, 6, 1),
            "https://packet.ai/blog/gpu-pricing-models-compared",
        ),
        Quote(
            4.54,
            "on-demand",
            "Spheron",
            "",
            date(2026, 3, 17),
            "https://www.spheron.network/blog/nvidia-h200-vs-b200-vs-gb200",
        ),
    ],
    "TPU v5p": [
        Quote(
            4.20,
            "on-demand",
            "Google Cloud",
            "list price",
            date(2025, 1, 1),
            "https://cloud.google.com/tpu/pricing",
        ),
        Quote(
            2.94,
            "1-year commitment",
            "Google Cloud",
            "list price",
            date(2025, 1, 1),
            "https://cloud.google.com/tpu/pricing",
        ),
    ],
}

SECONDARY_NOTES: dict[str, str] = {
    "B200": "Secondary: Epoch's table has no B200 rental price; 2026 web pages (dates"
    " approximate), when B200 capacity had become rentable (it was scarcely rentable in early"
    " 2025).",
    "MI300X": "Secondary: Epoch's table has no MI300X rental price; neocloud list prices from"
    " 2025-2026 web pages (the gpu.blog listing date is the page's date stamp), hyperscalers"
    " (Azure, Oracle) at the high end.",
    "H200 SXM": "Mixed: one Epoch quote (AWS, March 2025) plus 2026 neocloud list prices"
    " (secondary).",
    "TPU v5p": "Secondary and not re-confirmed this session: Google Cloud's public TPU v5p list"
    " prices ($4.20 on-demand, $2.94 1-year commitment per chip-hour) are not in Epoch's"
    " snapshot; the listing date is approximate.",
}

H800_PAPER = (
    "DeepSeek-V3 technical report (arXiv 2412.19437), Table 1: assumes $2 per H800 GPU-hour"
)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _price(text: str) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def epoch_quotes(path: Path) -> dict[str, list[Quote]]:
    """Read Epoch's hardware-prices.csv and return the in-window quotes per accelerator id.

    Args:
        path: the CSV file.
    """
    quotes: dict[str, list[Quote]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            ids = EPOCH_NAMES.get(row["Hardware model"].strip())
            listed = _parse_date(row["Price date"])
            if ids is None or listed is None or not WINDOW[0] <= listed <= WINDOW[1]:
                continue
            for column, kind in (
                ("Price per chip-hour (on-demand)", "on-demand"),
                ("Price per chip-hour (1-year CUD)", "1-year commitment"),
            ):
                price = _price(row[column])
                if price is None:
                    continue
                quote = Quote(
                    price,
                    kind,
                    row["Vendor"].strip(),
                    row["Location"].strip(),
                    listed,
                    row["Price source"].strip(),
                )
                for accelerator in ids:
                    quotes.setdefault(accelerator, []).append(quote)
    return quotes


def dedupe(quotes: list[Quote]) -> list[Quote]:
    """Keep one quote per (vendor, location, kind, price), the latest listed.

    Args:
        quotes: the raw quotes.
    """
    latest: dict[tuple[str, str, str, float], Quote] = {}
    for quote in sorted(quotes, key=lambda q: q.listed):
        latest[(quote.vendor, quote.location, quote.kind, quote.price)] = quote
    return sorted(latest.values(), key=lambda q: (q.price, q.listed))


def _sources(quotes: list[Quote], limit: int = 8) -> list[str]:
    urls: list[str] = []
    for quote in sorted(quotes, key=lambda q: q.listed, reverse=True):
        if quote.url and quote.url not in urls:
            urls.append(quote.url)
    return urls[:limit]


def derive_row(accelerator: str, raw: list[Quote], secondary: bool) -> dict[str, object]:
    """Return one RentalPrice row (as a JSON-ready dict) from the quotes of one accelerator.

    Args:
        accelerator: the accelerators.json id.
        raw: all its quotes (listing dates); the range is taken over dedupe(raw).
        secondary: whether the quotes come from SECONDARY_QUOTES.
    """
    quotes = dedupe(raw)
    prices = [q.price for q in quotes]
    low, typical, high = min(prices), statistics.median(prices), max(prices)
    first = min(q.listed for q in raw)
    last = max(q.listed for q in raw)
    kinds = sorted({q.kind for q in quotes})
    basis = (
        f"min/median/max of {len(quotes)} distinct {' and '.join(kinds)} prices per"
        f" accelerator-hour listed {first.isoformat()} to {last.isoformat()}"
    )
    if not secondary:
        basis += " in Epoch's hardware-prices.csv (one quote per vendor, location, kind and price)"
    note = SECONDARY_NOTES.get(accelerator) or NAME_NOTES.get(accelerator)
    if note:
        basis += f". {note}"
    sources = [] if secondary else [EPOCH_CITATION]
    sources += [f"price source: {url}" for url in _sources(quotes)]
    return _row(accelerator, (low, typical, high), basis, first, sources)


def _row(
    accelerator: str,
    prices: tuple[float, float, float],
    basis: str,
    first: date,
    sources: list[str],
    market: str = "mixed",
) -> dict[str, object]:
    return {
        "accelerator": accelerator,
        "low_usd_per_hour": round(prices[0], 2),
        "typical_usd_per_hour": round(prices[1], 2),
        "high_usd_per_hour": round(prices[2], 2),
        "market": market,
        "basis": basis,
        "as_of": first.isoformat(),
        "tier": "estimate",
        "estimator": ESTIMATOR,
        "source": "; ".join(sources),
        "default": True,
        "derived": True,
        "checked": CHECKED,
    }


def h800_row(h800: list[Quote], h100_low: float) -> dict[str, object]:
    """Return the H800 row: DeepSeek's $2 as typical, the market around it as the range.

    Args:
        h800: Epoch's deduplicated H800 quotes.
        h100_low: the H100 SXM's low end (same silicon).
    """
    low = min(h100_low, 2.0)
    high = max([2.0, *(q.price for q in h800)])
    basis = (
        "typical = $2.00, DeepSeek's own assumption for renting an H800 (DeepSeek-V3 report);"
        f" high = the highest of {len(h800)} H800 on-demand quote(s) in Epoch's"
        " hardware-prices.csv (CR8DL, 2024-2025); low = the H100 SXM's low end, the same"
        " silicon in the same market. H800s are rented mostly inside China, where few public"
        " list prices exist: the range is thin evidence."
    )
    first = min([date(2024, 12, 27), *(q.listed for q in h800)])
    sources = [H800_PAPER, EPOCH_CITATION, *(f"price source: {u}" for u in _sources(h800))]
    return _row("H800 SXM", (low, 2.0, high), basis, first, sources, market="assumption")


def derive(path: Path) -> list[dict[str, object]]:
    """Return every RentalPrice row, in a stable order.

    Args:
        path: Epoch's hardware-prices.csv.
    """
    from_epoch = epoch_quotes(path)
    rows: list[dict[str, object]] = []
    for accelerator in sorted(from_epoch):
        if accelerator in ("H800 SXM", "H200 SXM"):
            continue
        rows.append(derive_row(accelerator, from_epoch[accelerator], secondary=False))
    h100_low = min(q.price for q in from_epoch["H100 SXM"])
    rows.append(h800_row(dedupe(from_epoch.get("H800 SXM", [])), h100_low))
    for accelerator, quotes in sorted(SECONDARY_QUOTES.items()):
        row = derive_row(accelerator, quotes + from_epoch.get(accelerator, []), secondary=True)
        if accelerator in from_epoch:
            row["source"] = f"{EPOCH_CITATION}; {row['source']}"
        rows.append(row)
    return rows


def main() -> None:
    """Print the derived rows, or write them to the shipped data file with --write."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="Epoch hardware-prices.csv")
    parser.add_argument("--write", action="store_true", help=f"rewrite {DATA_FILE}")
    args = parser.parse_args()
    kept = [r for r in json.loads(DATA_FILE.read_text("utf-8")) if not r.get("derived")]
    rows = derive(args.csv) + kept
    text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if args.write:
        DATA_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} rows to {DATA_FILE}")
    else:
        print(text)


if __name__ == "__main__":
    main()
